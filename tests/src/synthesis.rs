//! The synthesis as its readers get it: fetched as the console does, then
//! printed to PDF by headless Chromium (`--print-to-pdf`, the browser's own
//! print path), its text read back with poppler's `pdftotext` and its pages
//! drawn as PNG by `pdftoppm` into `target/screenshots/`. Without Chromium or
//! poppler the printing is skipped loudly, except under `CI=true`.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use ruche_shared::api::CreatedWorkshop;

use crate::browser::{chromium_path, in_ci, screenshots_dir};
use crate::get_as_facilitator;

/// The synthesis page of `created`, with the `query` (`public=1`, `utc_offset=60`).
pub async fn fetch(addr: SocketAddr, created: &CreatedWorkshop, query: &str) -> String {
    let url = format!(
        "http://{addr}/api/workshops/{}/export.html?{query}",
        created.workshop
    );
    let response = get_as_facilitator(&url, &created.facilitator_secret).await;
    assert_eq!(response.status(), 200, "{url}");
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(kind, "text/html; charset=utf-8");
    response.text().await.unwrap()
}

/// A printed synthesis.
pub struct Printed {
    /// Its text, every run of spaces and line ends made one space.
    pub text: String,
    /// Its A4 pages.
    pub pages: usize,
}

/// Prints `html` to `target/screenshots/NAME.pdf` and its pages to
/// `NAME-1.png`…; `None` (said loudly) when Chromium or poppler is missing.
pub async fn print(html: &str, name: &str) -> Option<Printed> {
    let tools = [
        ("pdftotext", "poppler-utils"),
        ("pdftoppm", "poppler-utils"),
    ];
    let missing = tools
        .iter()
        .find(|(tool, _)| !Path::new("/usr/bin").join(tool).is_file());
    let chromium = chromium_path();
    let why = match (&chromium, missing) {
        (None, _) => Some("chromium is not installed".to_owned()),
        (_, Some((tool, package))) => {
            Some(format!("{tool} is missing (apt-get install {package})"))
        }
        _ => None,
    };
    if let Some(why) = why {
        assert!(!in_ci(), "CI must print the synthesis, but {why}");
        eprintln!("\n!!! SYNTHESIS PRINTING SKIPPED: {why}\n");
        return None;
    }
    let dir = screenshots_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join(format!("{name}.html"));
    let pdf = dir.join(format!("{name}.pdf"));
    std::fs::write(&page, html).unwrap();
    let _ = std::fs::remove_file(&pdf);
    let profile = tempfile::tempdir().unwrap();
    let printed = tokio::time::timeout(
        Duration::from_secs(90),
        tokio::process::Command::new(chromium.unwrap())
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", page.canonicalize().unwrap().display()))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .status(),
    )
    .await
    .expect("Chromium prints within 90 s")
    .expect("Chromium starts");
    assert!(
        printed.success() && pdf.is_file(),
        "Chromium printed {name}.pdf"
    );

    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for old in std::fs::read_dir(&dir).unwrap().flatten() {
        let file = old.file_name().to_string_lossy().into_owned();
        if file.starts_with(&format!("{name}-")) && file.ends_with(".png") {
            let _ = std::fs::remove_file(old.path());
        }
    }
    let drawn = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "70"])
        .arg(&pdf)
        .arg(dir.join(name))
        .status()
        .expect("pdftoppm runs");
    assert!(drawn.success());
    let pages = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|f| {
            let file = f.file_name().to_string_lossy().into_owned();
            file.starts_with(&format!("{name}-")) && file.ends_with(".png")
        })
        .count();
    Some(Printed { text, pages })
}
