//! `ruche-server`, built inside the test package so that the crash tests can
//! start and `kill -9` the real binary.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    ruche_server::cli::entry().await
}
