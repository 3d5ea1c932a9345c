//! `cargo xtask dist`: Ruche ready to run on a facilitator's laptop, with
//! nothing to install. Builds the web client, then the server in release for
//! each platform below with the client embedded, into `target/dist/`: the
//! programs, a French and English « lisez-moi », and their SHA-256 sums.
//! `--smoke` then runs each program as a facilitator would (the ignored
//! tests of `tests/tests/dist.rs`; Windows's under Wine).
//!
//! Cross-building needs the targets (installed here through rustup) and a C
//! compiler for each (SQLite is compiled in): Debian's `musl-tools` and
//! `gcc-mingw-w64-x86-64`. macOS cannot be cross-built from Linux.

use std::fs;
use std::path::Path;
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::{cargo, ensure_target, run_command, step, web};

/// One platform Ruche is built for.
struct Platform {
    /// `--only` names it so.
    name: &'static str,
    /// The Rust target.
    triple: &'static str,
    /// What cargo writes.
    built: &'static str,
    /// Its name in `target/dist/`.
    file: &'static str,
    /// The C compiler SQLite's build needs, and the Debian package with it.
    c_compiler: &'static str,
    debian_package: &'static str,
}

const PLATFORMS: [Platform; 2] = [
    Platform {
        name: "linux",
        // A static binary: runs on any Linux, whatever its C library.
        triple: "x86_64-unknown-linux-musl",
        built: "ruche-server",
        file: "ruche-server-linux-x86_64",
        c_compiler: "musl-gcc",
        debian_package: "musl-tools",
    },
    Platform {
        name: "windows",
        triple: "x86_64-pc-windows-gnu",
        built: "ruche-server.exe",
        file: "ruche-server.exe",
        c_compiler: "x86_64-w64-mingw32-gcc",
        debian_package: "gcc-mingw-w64-x86-64",
    },
];

/// The lisez-moi; `{version}` is filled in.
const README: &str = include_str!("../dist/LISEZ-MOI.txt");

const HELP: &str = "\
cargo xtask dist [--only linux|windows] [--smoke]
    builds target/dist/: ruche-server-linux-x86_64 (static), ruche-server.exe,
    LISEZ-MOI.txt, SHA256SUMS; --smoke then runs each (Windows's under Wine)
";

pub fn dist(args: &[String]) -> Result<(), String> {
    let mut only: Option<String> = None;
    let mut smoke = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--smoke" => smoke = true,
            "--only" => only = Some(rest.next().ok_or("--only needs linux or windows")?.clone()),
            other => return Err(format!("dist: unknown option {other:?}\n\n{HELP}")),
        }
    }
    let platforms: Vec<&Platform> = PLATFORMS
        .iter()
        .filter(|p| only.as_deref().is_none_or(|name| name == p.name))
        .collect();
    if platforms.is_empty() {
        return Err(format!("dist: --only takes linux or windows, not {only:?}"));
    }
    // Every missing tool said at once, before ten minutes of building.
    let missing: Vec<String> = platforms
        .iter()
        .filter(|p| !on_path(p.c_compiler))
        .map(|p| {
            format!(
                "{} (Debian: apt-get install {})",
                p.c_compiler, p.debian_package
            )
        })
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "dist: cross-building needs C compilers that are missing: {}",
            missing.join(", ")
        ));
    }

    web::build()?;
    let out = web::root().join("target/dist");
    fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    for platform in &platforms {
        ensure_target(platform.triple)?;
        step(&format!(
            "building the server for {} ({})",
            platform.name, platform.triple
        ));
        let compiler_variable = format!("CC_{}", platform.triple.replace('-', "_"));
        let mut build = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        build
            .args([
                "build",
                "--release",
                "--locked",
                "--package",
                "ruche-server",
            ])
            .args(["--target", platform.triple])
            // Smaller downloads: no symbols (a panic's message stays readable).
            .env("CARGO_PROFILE_RELEASE_STRIP", "symbols");
        if std::env::var_os(&compiler_variable).is_none() {
            build.env(&compiler_variable, platform.c_compiler);
        }
        run_command(&mut build)?;
        let built = web::root()
            .join("target")
            .join(platform.triple)
            .join("release")
            .join(platform.built);
        let placed = out.join(platform.file);
        fs::copy(&built, &placed).map_err(|e| format!("{}: {e}", built.display()))?;
    }
    let version = server_version()?;
    fs::write(out.join("LISEZ-MOI.txt"), lisez_moi(&version))
        .map_err(|e| format!("LISEZ-MOI.txt: {e}"))?;
    let sums = sha256_sums(&out)?;
    fs::write(out.join("SHA256SUMS"), &sums).map_err(|e| format!("SHA256SUMS: {e}"))?;
    step(&format!("target/dist/ (Ruche {version})"));
    for line in sums.lines() {
        let name = line.split_whitespace().last().unwrap_or_default();
        let size = fs::metadata(out.join(name)).map_or(0, |m| m.len());
        eprintln!(
            "    {name:<28} {:>6.1} MiB",
            size as f64 / (1024.0 * 1024.0)
        );
    }

    if smoke {
        for platform in &platforms {
            step(&format!("smoke test: the {} program", platform.name));
            cargo(&[
                "test",
                "--locked",
                "--package",
                "ruche-tests",
                "--test",
                "dist",
                "--",
                "--ignored",
                "--exact",
                &format!("{}_program_runs_a_workshop", platform.name),
            ])?;
        }
    }
    Ok(())
}

/// The lisez-moi for `version`, with Windows line ends and a byte-order
/// mark (older Notepads read UTF-8 without one as another encoding: « Ã© »).
fn lisez_moi(version: &str) -> String {
    let lines: String = README
        .replace("{version}", version)
        .lines()
        .map(|line| format!("{line}\r\n"))
        .collect();
    format!("\u{feff}{lines}")
}

/// `<sha256>  <name>` for every program in `folder`, as `sha256sum -c` reads.
fn sha256_sums(folder: &Path) -> Result<String, String> {
    let mut sums = String::new();
    for platform in &PLATFORMS {
        let path = folder.join(platform.file);
        if !path.exists() {
            continue; // another run's `--only` may have left one out
        }
        let bytes = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        sums.push_str(&format!(
            "{}  {}\n",
            hex(&Sha256::digest(&bytes)),
            platform.file
        ));
    }
    let readme = folder.join("LISEZ-MOI.txt");
    let bytes = fs::read(&readme).map_err(|e| format!("{}: {e}", readme.display()))?;
    sums.push_str(&format!(
        "{}  LISEZ-MOI.txt\n",
        hex(&Sha256::digest(&bytes))
    ));
    Ok(sums)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The server's version, from its Cargo.toml.
fn server_version() -> Result<String, String> {
    let manifest = web::root().join("server/Cargo.toml");
    let text = fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    text.lines()
        .find_map(|line| line.strip_prefix("version = \""))
        .map(|v| v.trim_end_matches('"').to_owned())
        .ok_or_else(|| format!("no version in {}", manifest.display()))
}

/// Whether `program` is on the PATH.
fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|folder| folder.join(program).is_file())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_lisez_moi_names_the_version_with_windows_line_ends() {
        let text = super::lisez_moi("9.8.7");
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("9.8.7"));
        assert!(!text.contains("{version}"));
        assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
    }

    #[test]
    fn sums_are_in_sha256sum_format() {
        let folder = std::env::temp_dir().join(format!("xtask-sums-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("ruche-server.exe"), b"abc").unwrap();
        std::fs::write(folder.join("LISEZ-MOI.txt"), b"").unwrap();
        let sums = super::sha256_sums(&folder).unwrap();
        std::fs::remove_dir_all(&folder).unwrap();
        // SHA-256 of "abc" and of nothing (FIPS 180-2's test vectors).
        assert_eq!(
            sums,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  ruche-server.exe\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  LISEZ-MOI.txt\n"
        );
    }
}
