//! Driving the real WASM client in a real headless Chromium, through
//! chromedriver (WebDriver) and fantoccini.
//!
//! - [`Browser::start`] starts chromedriver on a free loopback port. Without
//!   Chromium on the machine it returns `None` after saying loudly that the
//!   browser tests are skipped, except under `CI=true`, where it fails.
//! - [`Browser::window`] opens one browser window with its own profile (its
//!   own local storage): one per tablet, facilitator and wall.
//! - [`Window`] has the few bounded waits and reads the tests need, plus
//!   [`Window::check_accessibility`] (axe-core, from npm) and
//!   [`Window::screenshot`] (into `target/screenshots/`).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::process::{Child, Command};

/// The longest a page may take to show what a test waits for.
pub const PAGE_WAIT: Duration = Duration::from_secs(20);

/// A chromedriver process; it ends when this is dropped.
pub struct Browser {
    driver: Child,
    url: String,
}

/// Where chromedriver is: `$CHROMEDRIVER`, or Debian's.
fn chromedriver_path() -> Option<PathBuf> {
    std::env::var_os("CHROMEDRIVER")
        .map(PathBuf::from)
        .or_else(|| Some(PathBuf::from("/usr/bin/chromedriver")))
        .filter(|p| p.is_file())
}

/// Where Chromium is: `$CHROMIUM`, or Debian's.
pub fn chromium_path() -> Option<PathBuf> {
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| Some(PathBuf::from("/usr/bin/chromium")))
        .filter(|p| p.is_file())
}

/// Whether this is CI (`CI=true`), where nothing may be skipped.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Says loudly that the `kind` tests are skipped because `why`, and which
/// Debian packages to install; in CI, where nothing may be skipped, fails.
pub fn skip_loudly(kind: &str, why: &str, packages: &str) {
    if in_ci() {
        panic!("CI must run the {kind} tests, but {why}");
    }
    let heading = kind.to_uppercase();
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         !!! {heading} TEST SKIPPED: {why}\n\
         !!! (apt-get install {packages}, then `cargo xtask test`)\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
}

/// Skips (loudly) or, in CI, fails.
fn unavailable(why: &str) -> Option<Browser> {
    skip_loudly("browser", why, "chromium chromium-driver");
    None
}

impl Browser {
    /// Starts chromedriver, or says why the browser tests cannot run.
    pub async fn start() -> Option<Browser> {
        if !ruche_server::http::assets::CLIENT_BUILT {
            return unavailable(
                "the server was built without its web client (run `cargo xtask test`, which builds it first)",
            );
        }
        let Some(driver_path) = chromedriver_path() else {
            return unavailable("chromedriver is not installed");
        };
        if chromium_path().is_none() {
            return unavailable("chromium is not installed");
        }
        if !axe_path().is_file() {
            return unavailable(
                "axe-core is not installed (`cargo xtask test` installs it with npm)",
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            // Its own process group, with the Chromium windows it starts: a
            // test that fails before closing its windows must not leave them
            // running (they would load the machine for every later test).
            .process_group(0)
            .spawn()
            .expect("chromedriver starts");
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let status = format!("{url}/status");
        loop {
            let ready = reqwest::get(&status)
                .await
                .is_ok_and(|r| r.status().is_success());
            if ready {
                break;
            }
            assert!(
                started.elapsed() < PAGE_WAIT,
                "chromedriver did not start within {PAGE_WAIT:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Some(Browser { driver, url })
    }

    /// A new window (its own profile and local storage), `width`×`height`.
    pub async fn window(&self, width: u32, height: u32) -> Window {
        self.window_with(width, height, None).await
    }

    /// [`Browser::window`] whose downloads land in `downloads`, unasked.
    pub async fn window_downloading_to(&self, width: u32, height: u32, downloads: &Path) -> Window {
        self.window_with(width, height, Some(downloads)).await
    }

    async fn window_with(&self, width: u32, height: u32, downloads: Option<&Path>) -> Window {
        let mut capabilities = Capabilities::new();
        let chromium = chromium_path().expect("checked at start");
        let mut options = json!({
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--lang=fr-FR",
                format!("--window-size={width},{height}"),
            ],
        });
        if let Some(folder) = downloads {
            options["prefs"] = json!({
                "download.default_directory": folder,
                "download.prompt_for_download": false,
            });
        }
        capabilities.insert("goog:chromeOptions".to_owned(), options);
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("chromedriver opens a Chromium window");
        Window { client }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Every Chromium chromedriver started (its children, in case it put
        // them in a group of their own), then the whole group.
        if let Some(driver) = self.driver.id() {
            let _ = std::process::Command::new("pkill")
                .args(["-KILL", "-P", &driver.to_string()])
                .stderr(Stdio::null())
                .status();
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{driver}")])
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.driver.start_kill();
    }
}

/// One browser window.
pub struct Window {
    /// The WebDriver session, for what the helpers do not cover.
    pub client: Client,
}

impl Window {
    /// Opens `url` and waits for the app to draw something.
    pub async fn open(&self, url: &str) {
        self.client.goto(url).await.expect("the page opens");
        self.wait_for("main").await;
    }

    /// Waits until an element matches `css`, across a page load (the app
    /// loads another bundle when a screen moves to one it does not hold,
    /// e.g. from creating a workshop to its console).
    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        let started = Instant::now();
        loop {
            let left = PAGE_WAIT.saturating_sub(started.elapsed());
            match self
                .client
                .wait()
                .at_most(left)
                .for_element(Locator::Css(css))
                .await
            {
                Ok(element) => return element,
                Err(e) if e.to_string().contains("aborted by navigation") && !left.is_zero() => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("no element {css:?} within {PAGE_WAIT:?}: {e}"),
            }
        }
    }

    /// Evaluates a JS expression.
    pub async fn eval(&self, expression: &str) -> Value {
        self.client
            .execute(&format!("return ({expression});"), vec![])
            .await
            .unwrap_or_else(|e| panic!("evaluating {expression:?}: {e}"))
    }

    /// Waits until the JS `condition` is true, then returns; fails after
    /// [`PAGE_WAIT`] with `what` and the last value of `show` (a JS expression).
    pub async fn wait_until(&self, condition: &str, show: &str) {
        let started = Instant::now();
        loop {
            // An error is a page between two loads (another bundle): wait on.
            let now = self
                .client
                .execute(&format!("return ({condition});"), vec![])
                .await;
            if matches!(now, Ok(Value::Bool(true))) {
                return;
            }
            if started.elapsed() > PAGE_WAIT {
                let shown = self.eval(show).await;
                panic!("waited {PAGE_WAIT:?} for `{condition}`; got {shown}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks the element matching `css`.
    pub async fn click(&self, css: &str) {
        self.wait_for(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {css:?}: {e}"));
    }

    /// Types `text` into the field matching `css`.
    pub async fn type_into(&self, css: &str, text: &str) {
        let field = self.wait_for(css).await;
        field.clear().await.expect("the field clears");
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("typing into {css:?}: {e}"));
    }

    /// Joins this window to workshop `code` (at `base`) as table `name`,
    /// and waits until the table's screen shows its name.
    pub async fn join_table(&self, base: &str, code: &str, name: &str) {
        self.open(&format!("{base}/#/join/{code}")).await;
        self.type_into("#table-name", name).await;
        self.click("#join").await;
        let literal = serde_json::to_string(name).expect("a string");
        self.wait_until(
            &format!("document.querySelector('.table-name')?.textContent === {literal}"),
            "document.querySelector('main').innerText",
        )
        .await;
    }

    /// Taps + on the vote item `row` (a CSS selector) until the table gives
    /// it `points` (from none), waiting for the server to confirm each tap
    /// (no pending mark left).
    pub async fn tap_points(&self, row: &str, points: u32) {
        for expected in 1..=points {
            self.click(&format!("{row} button[aria-label^=\"Ajouter\"]"))
                .await;
            self.wait_until(
                &format!(
                    "document.querySelector('{row}').dataset.points === '{expected}' && !document.querySelector('{row} .points.pending')"
                ),
                &format!("document.querySelector('{row}').outerHTML"),
            )
            .await;
        }
    }

    /// Runs axe-core on the page and fails on any serious or critical
    /// violation of WCAG 2.0/2.1 A and AA, naming each.
    pub async fn check_accessibility(&self, screen: &str) {
        let axe = axe_source();
        self.client
            .execute(&format!("{axe}\nreturn true;"), vec![])
            .await
            .expect("axe-core loads in the page");
        let found = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] })
                   .then(r => done(r.violations
                     .filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', '))))
                   .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .expect("axe-core runs");
        let violations: Vec<String> = serde_json::from_value(found).expect("a list");
        assert!(
            violations.is_empty(),
            "accessibility of the {screen} screen (axe-core):\n  {}",
            violations.join("\n  ")
        );
    }

    /// Saves a PNG of the window as `target/screenshots/NAME.png`.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir).expect("target/screenshots can be created");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("the screenshot is saved");
    }

    /// Closes the window.
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// `target/screenshots/` of the workspace.
pub fn screenshots_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots")
}

/// Where `cargo xtask test` installs axe-core from npm.
fn axe_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("browser/node_modules/axe-core/axe.min.js")
}

/// axe-core's script.
fn axe_source() -> String {
    let path = axe_path();
    std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: `cargo xtask test` installs it (npm ci in tests/browser)",
            path.display()
        )
    })
}
