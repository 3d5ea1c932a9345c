//! `cargo xtask`: the README's two commands, so that a newcomer with only a
//! Rust toolchain types one line to run Ruche and one to test it.
//!
//! - `cargo xtask run [ARGS…]`: builds and runs the server (ARGS go to it).
//! - `cargo xtask test`: every test, and the engine's wasm32 build.
//!
//! Anything missing that these need (the wasm32 target) is installed from the
//! Rust registry through rustup; nothing is downloaded from anywhere else.

use std::env;
use std::process::{Command, ExitCode};

const WASM_TARGET: &str = "wasm32-unknown-unknown";

const HELP: &str = "\
cargo xtask: build, run and test Ruche

USAGE:
    cargo xtask run [-- SERVER-ARGS…]   build and run the Ruche server
    cargo xtask test                    run every test (what CI runs)
    cargo xtask help                    this text

ENVIRONMENT:
    PROPTEST_CASES   cases per property test (default 10000 for the engine's model test)
";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test(),
        Some("help" | "--help" | "-h") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => Err(format!("unknown task {other:?}\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(server_args: &[String]) -> Result<(), String> {
    let server_args: Vec<&str> = server_args
        .iter()
        .map(String::as_str)
        .skip_while(|a| *a == "--")
        .collect();
    let mut args = vec!["run", "--release", "--package", "ruche-server", "--"];
    args.extend(server_args);
    cargo(&args)
}

fn test() -> Result<(), String> {
    ensure_wasm_target()?;
    step("unit, property and scenario tests");
    cargo(&["test", "--workspace", "--all-targets"])?;
    step("doc tests");
    cargo(&["test", "--workspace", "--doc"])?;
    step("the engine builds for wasm32 (the client links the same rules)");
    cargo(&[
        "build",
        "--package",
        "ruche-shared",
        "--package",
        "ruche-web",
        "--target",
        WASM_TARGET,
    ])?;
    step("all tests passed");
    Ok(())
}

/// Installs the wasm32 target through rustup when it is missing.
fn ensure_wasm_target() -> Result<(), String> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("cannot run rustup to check for the {WASM_TARGET} target: {e}"))?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|line| line.trim() == WASM_TARGET)
    {
        return Ok(());
    }
    step(&format!("installing the {WASM_TARGET} target with rustup"));
    run_command(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

fn step(what: &str) {
    eprintln!("\n==> xtask: {what}");
}

fn cargo(args: &[&str]) -> Result<(), String> {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    run_command(Command::new(cargo).args(args))
}

fn run_command(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}
