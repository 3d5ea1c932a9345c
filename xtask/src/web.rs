//! Builds the web client into `target/web-dist/`, where the server's build
//! script embeds it: the WASM app in three bundles (`--profile wasm-release`,
//! one per feature: the room's, the wall's, the console's and the designer's), each with its JS glue
//! from `wasm-bindgen` (the CLI is installed from crates.io into
//! `target/tools/` at the exact version the lockfile uses), and the page and
//! style from `web/static/`. Then checks each bundle against the budget.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{WASM_TARGET, cargo, ensure_wasm_target, run_command, step};

/// wasm + JS, gzipped, at most (issue: "Bundle budget").
const BUDGET_GZIP_BYTES: u64 = 400 * 1024;

/// The workspace's root folder.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Where the built client goes (the server's `build.rs` reads the same place).
pub fn dist() -> PathBuf {
    root().join("target/web-dist")
}

/// The client's bundles: the cargo feature that builds each, and its files'
/// name (`ruche_shared::api::route::Bundle::name`; `boot.js` loads them).
const BUNDLES: [(&str, &str); 4] = [
    ("room", "ruche_room"),
    ("wall", "ruche_wall"),
    ("console", "ruche_console"),
    ("designer", "ruche_designer"),
];

/// Builds the client's bundles (unless `target/web-dist` is already newer
/// than everything they are made from) and prints their sizes; fails when
/// one is over the budget.
pub fn build() -> Result<(), String> {
    let dist = dist();
    if up_to_date(&dist) {
        step("the web client in target/web-dist is newer than its sources: kept");
    } else {
        build_bundles(&dist)?;
    }
    check_budget(&dist)
}

/// Builds every bundle and copies the page and style beside them.
fn build_bundles(dist: &Path) -> Result<(), String> {
    ensure_wasm_target()?;
    let bindgen = ensure_bindgen()?;
    let wasm = root().join(format!("target/{WASM_TARGET}/wasm-release/ruche_web.wasm"));
    // A fresh folder: the server embeds every file in it.
    if dist.exists() {
        fs::remove_dir_all(dist).map_err(|e| format!("cannot empty {}: {e}", dist.display()))?;
    }
    fs::create_dir_all(dist).map_err(|e| format!("cannot create {}: {e}", dist.display()))?;
    for (feature, name) in BUNDLES {
        step(&format!(
            "building the web client's {feature} bundle (wasm32, size-optimised)"
        ));
        cargo(&[
            "build",
            "--package",
            "ruche-web",
            "--lib",
            "--target",
            WASM_TARGET,
            "--profile",
            "wasm-release",
            "--no-default-features",
            "--features",
            feature,
        ])?;
        run_command(
            Command::new(&bindgen)
                .args([
                    "--target",
                    "web",
                    "--no-typescript",
                    "--remove-name-section",
                    "--remove-producers-section",
                    "--out-name",
                    name,
                    "--out-dir",
                ])
                .arg(dist)
                .arg(&wasm),
        )?;
    }
    let statics = root().join("web/static");
    for entry in fs::read_dir(&statics).map_err(|e| format!("{}: {e}", statics.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if let Some(name) = path.file_name() {
            fs::copy(&path, dist.join(name)).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// Prints each bundle's size; fails when one is over the budget.
fn check_budget(dist: &Path) -> Result<(), String> {
    let mut over = Vec::new();
    for (feature, name) in BUNDLES {
        let mut total_gzip = 0;
        for file in [format!("{name}_bg.wasm"), format!("{name}.js")] {
            let bytes = fs::read(dist.join(&file)).map_err(|e| format!("{file}: {e}"))?;
            let gzip = gzip_len(&bytes);
            total_gzip += gzip;
            eprintln!(
                "    {file}: {:.1} KiB, {:.1} KiB gzipped",
                bytes.len() as f64 / 1024.0,
                gzip as f64 / 1024.0
            );
        }
        eprintln!(
            "    client bundle {feature} (wasm + js): {:.1} KiB gzipped, budget {} KiB",
            total_gzip as f64 / 1024.0,
            BUDGET_GZIP_BYTES / 1024
        );
        if total_gzip > BUDGET_GZIP_BYTES {
            over.push(format!("{feature}: {total_gzip} bytes"));
        }
    }
    if !over.is_empty() {
        return Err(format!(
            "over the budget of {BUDGET_GZIP_BYTES} bytes gzipped: {}",
            over.join(", ")
        ));
    }
    Ok(())
}

/// Whether `dist` holds every bundle and page, each written after the last
/// change to what they are built from (the client's and the engine's
/// sources, the lockfile, the build settings, this file): building again
/// would give the same files. `cargo xtask dist` builds them just before
/// CI's tests do; each bundle takes half a minute to build again.
fn up_to_date(dist: &Path) -> bool {
    let statics = root().join("web/static");
    let Ok(pages) = fs::read_dir(&statics) else {
        return false;
    };
    let built: Vec<PathBuf> = BUNDLES
        .iter()
        .flat_map(|(_, name)| {
            [
                dist.join(format!("{name}_bg.wasm")),
                dist.join(format!("{name}.js")),
            ]
        })
        .chain(pages.filter_map(|e| Some(dist.join(e.ok()?.file_name()))))
        .collect();
    let oldest_built = built.iter().map(|path| modified(path)).min().flatten();
    let sources = [
        "web",
        "shared",
        "Cargo.lock",
        "Cargo.toml",
        ".cargo/config.toml",
        "xtask/src/web.rs",
    ];
    let newest_source = sources
        .iter()
        .map(|s| newest(&root().join(s)))
        .collect::<Option<Vec<_>>>()
        .and_then(|times| times.into_iter().max());
    matches!((oldest_built, newest_source), (Some(built), Some(source)) if source < built)
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    fs::metadata(path).ok()?.modified().ok()
}

/// The latest change to `path` or anything under it (build outputs and
/// installed packages left out); `None` when something cannot be read.
fn newest(path: &Path) -> Option<std::time::SystemTime> {
    let metadata = fs::metadata(path).ok()?;
    if !metadata.is_dir() {
        return metadata.modified().ok();
    }
    let mut latest = metadata.modified().ok()?;
    for entry in fs::read_dir(path).ok()? {
        let entry = entry.ok()?;
        let name = entry.file_name();
        if name == "target" || name == "node_modules" {
            continue;
        }
        latest = latest.max(newest(&entry.path())?);
    }
    Some(latest)
}

fn gzip_len(bytes: &[u8]) -> u64 {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("gzip in memory");
    encoder.finish().expect("gzip in memory").len() as u64
}

/// The `wasm-bindgen` CLI at the version of the `wasm-bindgen` crate in
/// Cargo.lock (they must match exactly), installed from crates.io if needed.
fn ensure_bindgen() -> Result<PathBuf, String> {
    let lock = fs::read_to_string(root().join("Cargo.lock")).map_err(|e| e.to_string())?;
    let version = locked_version(&lock, "wasm-bindgen")
        .ok_or("Cargo.lock has no wasm-bindgen: is ruche-web in the workspace?")?;
    let tools = root().join("target/tools");
    let bindgen = tools.join("bin/wasm-bindgen");
    let installed = Command::new(&bindgen)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    if installed.as_deref() == Some(&format!("wasm-bindgen {version}")) {
        return Ok(bindgen);
    }
    step(&format!(
        "installing wasm-bindgen-cli {version} from crates.io into target/tools (once)"
    ));
    // Not `--locked`: its lockfile names a webpki-roots release that the
    // registry mirror here does not carry; the CLI's own version is pinned.
    cargo(&[
        "install",
        "--root",
        tools.to_str().ok_or("target path is not UTF-8")?,
        "wasm-bindgen-cli",
        "--version",
        &format!("={version}"),
    ])?;
    Ok(bindgen)
}

/// The version of package `name` in a Cargo.lock.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{name}\"") {
            let version = lines.next()?.trim().strip_prefix("version = \"")?;
            return Some(version.trim_end_matches('"').to_owned());
        }
    }
    None
}

/// Installs axe-core (the accessibility checker the browser tests run on each
/// screen) from the npm registry, at the version `tests/browser/package-lock.json`
/// pins. Returns whether it is there.
pub fn ensure_axe() -> Result<bool, String> {
    let folder = root().join("tests/browser");
    if folder.join("node_modules/axe-core/axe.min.js").is_file() {
        return Ok(true);
    }
    if Command::new("npm").arg("--version").output().is_err() {
        return Ok(false);
    }
    step("installing axe-core from the npm registry (npm ci)");
    run_command(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&folder),
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_lockfile_names_the_version() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            super::locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(super::locked_version(lock, "leptos"), None);
    }
}
