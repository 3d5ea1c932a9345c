//! The `ruche-server` binary: everything is in the library (`cli::entry`).

#[tokio::main]
async fn main() -> std::process::ExitCode {
    ruche_server::cli::entry().await
}
