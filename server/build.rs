//! Embeds the web client in the server binary, so that one file is all a
//! facilitator needs on the laptop.
//!
//! `cargo xtask` builds the client (WASM + its JS glue + page and style) into
//! `target/web-dist/` (or `$RUCHE_WEB_DIST`) before building the server. This
//! script embeds every file found there, each also gzipped once here so the
//! server sends ~4× fewer bytes over a venue's weak Wi-Fi. Without a built
//! client (a plain `cargo build`), it embeds a page that says how to get one.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets it"));
    let dist = env::var_os("RUCHE_WEB_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../target/web-dist"));
    println!("cargo:rerun-if-env-changed=RUCHE_WEB_DIST");
    println!("cargo:rerun-if-changed={}", dist.display());
    let fallback = manifest.join("src/http/client-missing.html");
    println!("cargo:rerun-if-changed={}", fallback.display());

    // The page and each of the client's bundles (`Route::bundle`).
    let built = [
        "index.html",
        "ruche_room_bg.wasm",
        "ruche_wall_bg.wasm",
        "ruche_console_bg.wasm",
        "ruche_designer_bg.wasm",
    ]
    .iter()
    .all(|file| dist.join(file).is_file());
    let mut files: Vec<(String, PathBuf)> = if built {
        let mut files: Vec<(String, PathBuf)> = fs::read_dir(&dist)
            .expect("the web client's folder can be read")
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.is_file())
            .filter_map(|path| {
                let name = path.file_name()?.to_str()?.to_owned();
                Some((format!("/{name}"), path))
            })
            .collect();
        files.sort();
        files
    } else {
        vec![("/index.html".to_owned(), fallback)]
    };
    files.retain(|(name, _)| mime(name).is_some());

    let mut code = String::new();
    writeln!(
        code,
        "/// Whether the real web client is embedded (not the page saying how to build it)."
    )
    .unwrap();
    writeln!(code, "pub const CLIENT_BUILT: bool = {built};").unwrap();
    writeln!(code, "/// The embedded files.").unwrap();
    writeln!(code, "pub static ASSETS: &[Asset] = &[").unwrap();
    for (index, (name, path)) in files.iter().enumerate() {
        let body = fs::read(path).expect("an embedded file can be read");
        let gzipped = out.join(format!("asset-{index}.gz"));
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&body).expect("gzip in memory");
        fs::write(&gzipped, encoder.finish().expect("gzip in memory"))
            .expect("OUT_DIR is writable");
        writeln!(
            code,
            "    Asset {{ path: {name:?}, mime: {mime:?}, etag: \"\\\"{etag:016x}\\\"\", body: include_bytes!({body_path:?}), gzip: include_bytes!({gzip_path:?}) }},",
            mime = mime(name).expect("filtered above"),
            etag = fnv1a(&body),
            body_path = absolute(path),
            gzip_path = absolute(&gzipped),
        )
        .unwrap();
    }
    writeln!(code, "];").unwrap();
    fs::write(out.join("web_assets.rs"), code).expect("OUT_DIR is writable");
}

fn absolute(path: &Path) -> String {
    fs::canonicalize(path)
        .expect("the file exists")
        .to_string_lossy()
        .into_owned()
}

/// The content types of the files a client build has; others are not served.
fn mime(name: &str) -> Option<&'static str> {
    let extension = name.rsplit('.').next()?;
    Some(match extension {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        _ => return None,
    })
}

/// A content hash for the `ETag` (FNV-1a, 64 bits): a tablet that has the file
/// already gets a `304 Not Modified` instead of the file again.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
