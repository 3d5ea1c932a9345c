//! The wall as a projector shows it (« A real evening »): the join panel
//! large at first, small after the first step, gone once joining is locked,
//! with the console's choice over it; and the idea the facilitator puts in
//! focus from the console, across the wall. Headless Chromium against a real
//! server; skipped loudly without Chromium, failing under `CI=true`.

use std::time::Duration;

use ruche_shared::{flow, joining};
use ruche_tests::TestServer;
use ruche_tests::browser::{Browser, Window};
use serde_json::json;

/// The longest a scenario may take.
const SCENARIO: Duration = Duration::from_secs(180);

static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The QR code's width on the wall in CSS pixels (0 without one).
async fn qr_width(wall: &Window) -> f64 {
    wall.eval("document.querySelector('.wall .qr')?.getBoundingClientRect().width ?? 0")
        .await
        .as_f64()
        .expect("a width")
}

/// Chooses `value` in the console's `<select>` `css`, as a person would.
async fn choose(console: &Window, css: &str, value: &str) {
    console
        .eval(&format!(
            "(() => {{ const s = document.querySelector({css:?}); s.value = {value:?}; s.dispatchEvent(new Event('change', {{ bubbles: true }})); return true; }})()"
        ))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_join_panel_shrinks_after_the_first_step_and_goes_when_joining_is_locked() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let mut scene = ruche_tests::scene::Scene::ideation(server.addr, &["Table A"]).await;
    let created = scene.created.clone();
    let base = server.url("");
    let base = base.trim_end_matches('/');
    tokio::time::timeout(SCENARIO, async {
        let wall = browser.window(1920, 1080).await;
        wall.open(&format!("{base}/#/wall/{}", created.join_code))
            .await;
        wall.wait_for(".wall .qr").await;
        wall.wait_for(".wall .scan").await;
        let large = qr_width(&wall).await;
        assert!(large > 250.0, "a QR code for the room to scan: {large}px");

        // After the first step: a corner, no « Scannez pour rejoindre ».
        scene
            .facilitator
            .accepted(flow::GoToStep { step: 1 }.into())
            .await;
        wall.wait_until(
            "document.querySelector('main').classList.contains('join-small')",
            "document.querySelector('main').className",
        )
        .await;
        let small = qr_width(&wall).await;
        assert!(
            small > 60.0 && small < large * 0.7,
            "{small}px after {large}px"
        );
        assert_eq!(
            wall.eval("document.querySelector('.wall .scan')").await,
            json!(null)
        );
        wall.screenshot("wall-join-small-1080p").await;

        // The console can bring it back large.
        let console = browser.window(1366, 768).await;
        console.open(&server.console_url(&created)).await;
        console.wait_for("#join-panel").await;
        choose(&console, "#join-panel", "large").await;
        wall.wait_for(".wall .scan").await;
        assert!((qr_width(&wall).await - large).abs() < 1.0);

        // Joining locked: no code, no QR code, no invitation.
        let lock = joining::SetJoiningLocked { locked: true };
        scene.facilitator.accepted(lock.into()).await;
        wall.wait_until(
            "document.querySelector('main').classList.contains('join-hidden')",
            "document.querySelector('main').className",
        )
        .await;
        assert_eq!(
            wall.eval(
                "[document.querySelector('.wall .qr'), document.querySelector('.wall .join-code')]"
            )
            .await,
            json!([null, null])
        );
        let page = wall.eval("document.body.innerText").await;
        assert!(!page.as_str().unwrap().contains("Scannez"), "{page}");
        wall.check_accessibility("wall (joining locked)").await;
        wall.screenshot("wall-join-locked-1080p").await;
        console.close().await;
        wall.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_puts_one_idea_in_focus_on_the_wall() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let long = "Ouvrir la salle municipale le dimanche aux associations de quartier, avec une clé confiée à un habitant référent";
    let mut scene = ruche_tests::scene::Scene::ideation(server.addr, &["Table A"]).await;
    scene.tables[0].submit("Un marché le samedi").await;
    scene.tables[0].submit(long).await;
    let created = scene.created.clone();
    let base = server.url("");
    let base = base.trim_end_matches('/');
    tokio::time::timeout(SCENARIO, async {
        let wall = browser.window(1024, 768).await;
        wall.open(&format!("{base}/#/wall/{}", created.join_code)).await;
        wall.wait_for(".idea-wall").await;
        let console = browser.window(1366, 768).await;
        console.open(&server.console_url(&created)).await;
        console.wait_for("#focus option[value=i1]").await;
        choose(&console, "#focus", "i1").await;

        wall.wait_for(".focus[data-item=i1]").await;
        assert_eq!(
            wall.eval("document.querySelector('.focus-text').innerText").await,
            json!(long),
            "the whole idea, not shortened"
        );
        assert_eq!(
            wall.eval("getComputedStyle(document.querySelector('.wall-panel')).display").await,
            json!("none"),
            "the focus takes the wall"
        );
        // Large enough to read from the back: at least twice the body text.
        let ratio = wall
            .eval("parseFloat(getComputedStyle(document.querySelector('.focus-text')).fontSize) / parseFloat(getComputedStyle(document.querySelector('.question')).fontSize)")
            .await;
        assert!(ratio.as_f64().unwrap() >= 1.8, "{ratio}");
        wall.check_accessibility("wall (idea in focus)").await;
        wall.screenshot("wall-focus-1024x768").await;
        assert_eq!(
            console.eval("document.querySelector('#focus').value").await,
            json!("i1"),
            "the console shows what is in focus"
        );

        console.click("#clear-focus").await;
        wall.wait_until(
            "document.querySelector('.focus') === null && getComputedStyle(document.querySelector('.wall-panel')).display !== 'none'",
            "document.querySelector('.wall-main').innerHTML",
        )
        .await;
        console.close().await;
        wall.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ideas_that_overflow_the_wall_are_paged_through() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let mut scene = ruche_tests::scene::Scene::ideation(server.addr, &[]).await;
    for n in 1..=40 {
        scene
            .facilitator
            .submit(&format!("Idée numéro {n} pour la salle municipale"))
            .await;
    }
    let created = scene.created.clone();
    let base = server.url("");
    let base = base.trim_end_matches('/');
    tokio::time::timeout(SCENARIO, async {
        let wall = browser.window(1024, 768).await;
        wall.open(&format!("{base}/#/wall/{}", created.join_code)).await;
        wall.wait_until(
            "document.querySelectorAll('.idea-card').length === 40",
            "document.querySelectorAll('.idea-card').length",
        )
        .await;
        // Within a page's time the wall has counted its pages and turned one.
        wall.wait_until(
            "document.querySelector('.wall-panel').dataset.page === '2' && document.querySelector('.wall-panel').scrollTop > 0",
            "[document.querySelector('.wall-panel').dataset.page, document.querySelector('.wall-panel').dataset.pages, document.querySelector('.wall-panel').scrollTop]",
        )
        .await;
        let pages: u32 = wall
            .eval("document.querySelector('.wall-panel').dataset.pages")
            .await
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(pages >= 2, "{pages} pages");
        let shown = wall.eval("document.querySelector('.wall .pages').innerText").await;
        assert_eq!(shown, json!(format!("2 / {pages}")));
        // Nothing of the page sticks out of the projector.
        let bottom = wall
            .eval("document.querySelector('.wall-panel').getBoundingClientRect().bottom <= innerHeight")
            .await;
        assert_eq!(bottom, json!(true));
        wall.screenshot("wall-paged-1024x768").await;
        wall.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_moderation_an_idea_reaches_the_wall_once_the_facilitator_accepts_it() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({
            "template": "ideation",
            "title": "Salle",
            "question": "Comment ?",
            "moderated": true,
        }))
        .await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    tokio::time::timeout(SCENARIO, async {
        let mut facilitator = ruche_tests::Client::facilitator(server.addr, &created).await;
        facilitator.open_step().await;
        let wall = browser.window(1280, 720).await;
        wall.open(&format!("{base}/#/wall/{}", created.join_code)).await;
        wall.wait_for(".idea-wall").await;
        let tablet = browser.window(1024, 768).await;
        tablet.join_table(base, &created.join_code, "Table A").await;
        tablet.type_into("#idea-text", "Un café des habitants le jeudi").await;
        tablet.click("#submit-idea").await;
        tablet.wait_for(".ideas.own .idea.pending .pending-badge").await;

        let console = browser.window(1366, 768).await;
        console.open(&server.console_url(&created)).await;
        console.wait_for("li.idea.pending button.accept").await;
        // Still off the wall while it waits.
        assert_eq!(wall.eval("document.querySelectorAll('.idea-card').length").await, json!(0));
        let page = wall.eval("document.body.innerText").await;
        assert!(!page.as_str().unwrap().contains("café"), "{page}");
        console.screenshot("console-moderation").await;
        console.check_accessibility("console (an idea waiting)").await;

        console.click("li.idea.pending button.accept").await;
        wall.wait_until(
            "[...document.querySelectorAll('.idea-card')].some(c => c.innerText.includes('café des habitants'))",
            "document.querySelector('.idea-wall').innerText",
        )
        .await;
        tablet
            .wait_until(
                "document.querySelector('.ideas.own .pending-badge') === null",
                "document.querySelector('.ideas.own').innerHTML",
            )
            .await;
        console.close().await;
        tablet.close().await;
        wall.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wall_draws_the_spider_web_ring_by_ring_as_the_console_opens_circles() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({
            "template": "spider_web_then_dots",
            "title": "Imaginer la mairie de demain",
            "question": "Comment pourrions-nous aider Céline à organiser son mariage civil sans se déplacer plusieurs fois en mairie ?",
        }))
        .await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let code = created.join_code.clone();
    tokio::time::timeout(SCENARIO, async {
        let mut facilitator = ruche_tests::Client::facilitator(server.addr, &created).await;
        let mut tables = Vec::new();
        for name in ["Chloé", "Céline", "Hélène"] {
            tables.push(ruche_tests::Client::join(server.addr, &code, name).await);
        }
        facilitator
            .accepted(flow::OpenStep { duration_secs: None }.into())
            .await;
        let tablet = browser.window(768, 1024).await;
        tablet.join_table(base, &code, "Bernard").await;
        tablet.wait_for(".current-circle").await;
        let line = tablet.eval("document.querySelector('.current-circle').innerText").await;
        assert_eq!(line, json!("Cercle 1 sur 3 · Sans contrainte"));
        let console = browser.window(1366, 768).await;
        console.open(&server.console_url(&created)).await;
        console.wait_for(".circle-button[data-circle='1']").await;

        let circles: [&[&str]; 3] = [
            &["Un dossier de mariage en ligne", "Une liste de pièces claire", "Des rendez-vous réservés en ligne", "Un suivi du dossier par SMS"],
            &["Un agent d'état civil qui vient à domicile", "La signature des pièces par visio", "Un kit du mariage civil dématérialisé"],
            &["Un hologramme de l'officier d'état civil", "Un mariage dans le métavers de la commune", "Un robot qui porte les papiers"],
        ];
        for (circle, ideas) in circles.iter().enumerate() {
            if circle > 0 {
                // The facilitator opens the next circle from the console.
                console
                    .click(&format!(".circle-button[data-circle='{circle}']"))
                    .await;
                let expected = format!("Cercle {} sur 3", circle + 1);
                tablet
                    .wait_until(
                        &format!("document.querySelector('.current-circle').innerText.startsWith({expected:?})"),
                        "document.querySelector('.current-circle').innerText",
                    )
                    .await;
            }
            for (n, idea) in ideas.iter().enumerate() {
                tables[n % 3].submit(idea).await;
            }
        }
        let line = tablet.eval("document.querySelector('.current-circle').innerText").await;
        assert_eq!(line, json!("Cercle 3 sur 3 · Contrainte : nous sommes en 2050"));
        tablet.screenshot("tablet-spider-web-circle").await;
        tablet.check_accessibility("tablet (spider web)").await;
        console.screenshot("console-spider-web").await;
        console.check_accessibility("console (spider web)").await;

        for (width, height) in [(1280, 720), (1920, 1080), (1024, 768)] {
            let wall = browser.window(width, height).await;
            wall.open(&format!("{base}/#/wall/{code}")).await;
            wall.wait_until(
                "document.querySelectorAll('.web-idea').length === 10",
                "document.querySelector('main').innerText",
            )
            .await;
            // Each idea on its own circle's ring, the open ring marked.
            let placed = wall
                .eval("[...document.querySelectorAll('.web-idea')].map(i => [i.innerText, i.dataset.circle])")
                .await;
            for (circle, ideas) in circles.iter().enumerate() {
                for idea in *ideas {
                    assert!(
                        placed.as_array().unwrap().contains(&json!([idea, circle.to_string()])),
                        "{idea} on circle {circle}: {placed}"
                    );
                }
            }
            assert_eq!(
                wall.eval("document.querySelector('.web-legend li.open').innerText").await,
                json!("3 nous sommes en 2050")
            );
            // No two ideas overlap, and all are within the window.
            let overlaps = wall
                .eval(
                    "(() => { const r = [...document.querySelectorAll('.web-idea')].map(e => e.getBoundingClientRect());
                      let n = 0; for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) {
                        const a = r[i], b = r[j];
                        if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) n++; }
                      return n; })()",
                )
                .await;
            assert_eq!(overlaps, json!(0), "ideas overlap at {width}×{height}");
            let inside = wall
                .eval(&format!("[...document.querySelectorAll('.web-idea')].every(e => {{ const b = e.getBoundingClientRect(); return b.left >= 0 && b.right <= {width} && b.bottom <= {height}; }})"))
                .await;
            assert_eq!(inside, json!(true), "an idea off the wall at {width}×{height}");
            wall.screenshot(&format!("wall-spider-web-{width}x{height}")).await;
            if width == 1280 {
                wall.check_accessibility("wall (spider web)").await;
            }
            wall.close().await;
        }
        for window in [tablet, console] {
            window.close().await;
        }
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}
