//! The screens as a facilitator meets them in a real room, in headless
//! Chromium against a real server: the addresses tablets are given, and the
//! fixes of « A real evening » each checked where a person would see them.
//!
//! Without Chromium these tests are skipped, loudly; under `CI=true` they fail.
//! They run one at a time (each opens Chromium windows on 2 cores).

use std::time::Duration;

use ruche_tests::TestServer;
use ruche_tests::browser::Browser;
use serde_json::json;

/// The longest a scenario may take.
const SCENARIO: Duration = Duration::from_secs(120);

static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wall_and_the_console_give_tablets_the_address_they_can_reach() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    // The laptop's browser is on localhost; the tablets reach the laptop
    // at its network address (a documentation address stands in for it).
    let server =
        TestServer::spawn_with(|s| s.tablet_base = Some("http://192.0.2.10:8080".into())).await;
    let created = server
        .create(json!({ "template": "ideation", "title": "Salle", "question": "Comment ?" }))
        .await;
    let local = format!("http://localhost:{}", server.addr.port());
    let code = created.join_code.clone();
    let expected = format!("http://192.0.2.10:8080/#/join/{code}");
    tokio::time::timeout(SCENARIO, async {
        let wall = browser.window(1920, 1080).await;
        wall.open(&format!("{local}/#/wall/{code}")).await;
        wall.wait_until(
            &format!("document.querySelector('.join-url')?.innerText.includes({expected:?}) === true"),
            "document.querySelector('.wall-side').innerText",
        )
        .await;
        let page = wall.eval("document.body.innerText").await;
        assert!(!page.as_str().unwrap().contains("localhost"), "{page}");

        let laptop = browser.window(1366, 768).await;
        laptop
            .open(&format!(
                "{local}/#/facilitate/{}/{}",
                created.workshop, created.facilitator_secret
            ))
            .await;
        laptop
            .wait_until(
                &format!("document.querySelector('.join-info')?.innerText.includes({expected:?}) === true"),
                "document.querySelector('.join-info').innerText",
            )
            .await;
        wall.close().await;
        laptop.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}
