//! `cargo xtask`: the README's two commands, so that a newcomer with only a
//! Rust toolchain types one line to run Ruche and one to test it.
//!
//! - `cargo xtask run [ARGS…]`: builds the web client, then builds and runs
//!   the server with the client embedded (ARGS go to the server).
//! - `cargo xtask test`: builds the client, then every test, browser tests included.
//! - `cargo xtask dist`: the programs a release publishes (see `dist.rs`).
//!
//! Anything missing that these need is installed from the package registries:
//! the wasm32 target through rustup, `wasm-bindgen-cli` from crates.io, axe-core
//! from npm. Nothing is downloaded from anywhere else.

mod dist;
mod web;

use std::env;
use std::process::{Command, ExitCode};

const WASM_TARGET: &str = "wasm32-unknown-unknown";

const HELP: &str = "\
cargo xtask: build, run and test Ruche

USAGE:
    cargo xtask run [-- SERVER-ARGS…]   build the screens and run the Ruche server
                                        (e.g. `cargo xtask run -- --demo`)
    cargo xtask web                     build the screens only (target/web-dist)
    cargo xtask test                    run every test (what CI runs)
    cargo xtask bench [-- BENCH-ARGS…]  the load benchmarks: smoke size by default,
                                        `-- --size full --runs 3` for BENCHMARKS.md
    cargo xtask dist [--only linux|windows] [--smoke]
                                        ready-to-run programs for Linux and Windows
                                        in target/dist (what a release publishes);
                                        --smoke runs each (Windows's under Wine)
    cargo xtask help                    this text

ENVIRONMENT:
    PROPTEST_CASES   cases per property test (default 10000 for the engine's model test)
";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("web") => web::build(),
        Some("test") => test(),
        Some("bench") => bench(&args[1..]),
        Some("dist") => dist::dist(&args[1..]),
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
    web::build()?;
    let mut args = vec!["run", "--release", "--package", "ruche-server", "--"];
    args.extend(server_args);
    cargo(&args)
}

/// Builds the server and the load generator in release, then runs the
/// generator pinned to core 1 (it pins the server to core 0).
fn bench(bench_args: &[String]) -> Result<(), String> {
    step("building the server and the load generator (release)");
    cargo(&[
        "build",
        "--release",
        "--package",
        "ruche-server",
        "--package",
        "ruche-bench",
    ])?;
    let generator =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/ruche-bench");
    let args = bench_args.iter().skip_while(|a| *a == "--");
    step("running the scenarios");
    let mut command = if std::path::Path::new("/usr/bin/taskset").exists() {
        let mut command = Command::new("taskset");
        command.args(["-c", "1"]).arg(&generator);
        command
    } else {
        Command::new(&generator)
    };
    run_command(command.args(args))
}

fn test() -> Result<(), String> {
    // The server embeds the client when it is built: build the client first.
    web::build()?;
    if !web::ensure_axe()? {
        eprintln!("\n!!! npm is missing: the browser tests cannot check accessibility (axe-core)");
    }
    if !std::path::Path::new("/usr/bin/chromedriver").exists()
        && env::var_os("CHROMEDRIVER").is_none()
    {
        eprintln!(
            "\n!!! chromedriver is missing: the BROWSER TESTS WILL BE SKIPPED.\n\
             !!! Install them with: apt-get install chromium chromium-driver (CI installs them)."
        );
    }
    let mut tally = Tally::default();
    step("unit, property and scenario tests");
    cargo_test(&["test", "--workspace", "--all-targets"], &mut tally)?;
    step("doc tests");
    cargo_test(&["test", "--workspace", "--doc"], &mut tally)?;
    if tally.passed == 0 {
        return Err("no test ran".to_owned());
    }
    // One closing line for the whole run: each cargo test binary prints its own,
    // and the last of them (often a crate with no doc tests) says "0 passed".
    println!(
        "\ntests: {} passed, {} failed, {} ignored",
        tally.passed, tally.failed, tally.ignored
    );
    Ok(())
}

/// Test counts summed over every test binary of a run.
#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
    ignored: u64,
}

impl Tally {
    /// Reads a libtest summary: `test result: ok. 30 passed; 0 failed; 1 ignored; …`.
    fn add_summary(&mut self, line: &str) {
        let Some(rest) = line.strip_prefix("test result: ") else {
            return;
        };
        for part in rest.split(';') {
            let mut words = part.split_whitespace().skip_while(|w| w.ends_with('.'));
            let (Some(count), Some(what)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(count) = count.parse::<u64>() else {
                continue;
            };
            match what {
                "passed" => self.passed += count,
                "failed" => self.failed += count,
                "ignored" => self.ignored += count,
                _ => {}
            }
        }
    }
}

/// Runs `cargo test …`, echoing its output and counting its results.
fn cargo_test(args: &[&str], tally: &mut Tally) -> Result<(), String> {
    use std::io::{BufRead, BufReader};
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut child = Command::new(&cargo)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {cargo} {args:?}: {e}"))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| format!("reading cargo's output: {e}"))?;
        println!("{line}");
        tally.add_summary(&line);
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo {args:?} failed ({status})"))
    }
}

/// Installs the wasm32 target through rustup when it is missing.
fn ensure_wasm_target() -> Result<(), String> {
    ensure_target(WASM_TARGET)
}

/// Installs the Rust target `triple` through rustup when it is missing.
fn ensure_target(triple: &str) -> Result<(), String> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("cannot run rustup to check for the {triple} target: {e}"))?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|line| line.trim() == triple)
    {
        return Ok(());
    }
    step(&format!("installing the {triple} target with rustup"));
    run_command(Command::new("rustup").args(["target", "add", triple]))
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

#[cfg(test)]
mod tests {
    use super::Tally;

    #[test]
    fn summaries_are_summed() {
        let mut tally = Tally::default();
        tally.add_summary("test result: ok. 30 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.00s");
        tally.add_summary(
            "test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out",
        );
        tally.add_summary("running 3 tests");
        assert_eq!((tally.passed, tally.failed, tally.ignored), (31, 1, 2));
    }
}
