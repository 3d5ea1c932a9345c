//! The `ruche-server` binary: everything is in the library (`cli::main`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    ruche_server::cli::main().await
}
