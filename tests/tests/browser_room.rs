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
        // Each tab says what it is; the audience sees no « Connecté ».
        wall.wait_until("document.title === 'Ruche · Écran mural · Salle'", "document.title")
            .await;
        assert_eq!(
            wall.eval("getComputedStyle(document.querySelector('.wall .link')).visibility").await,
            json!("hidden")
        );

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
        laptop
            .wait_until("document.title === 'Ruche · Animation · Salle'", "document.title")
            .await;
        wall.close().await;
        laptop.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

/// Ticks the idea whose text starts with `text` in the console's list.
async fn tick(console: &ruche_tests::browser::Window, text: &str) {
    let id = console
        .eval(&format!(
            "[...document.querySelectorAll('li.idea')].find(li => li.querySelector('.idea-text').textContent.startsWith({text:?})).querySelector('input[type=checkbox]').id"
        ))
        .await;
    console
        .click(&format!("#{}", id.as_str().expect("a checkbox")))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_group_does_not_take_the_first_groups_title() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let mut scene = ruche_tests::scene::Scene::ideation(server.addr, &[]).await;
    for idea in ["Vélo A", "Vélo B", "Vélo C", "Marché D", "Marché E"] {
        scene.facilitator.submit(idea).await;
    }
    scene
        .facilitator
        .accepted(ruche_shared::flow::GoToStep { step: 1 }.into())
        .await;
    let created = &scene.created;
    tokio::time::timeout(SCENARIO, async {
        let console = browser.window(1366, 768).await;
        console.open(&server.console_url(created)).await;
        console.wait_for("#merge").await;
        for idea in ["Vélo A", "Vélo B", "Vélo C"] {
            tick(&console, idea).await;
        }
        console.type_into("#cluster-title", "Pistes cyclables").await;
        console.click("#merge").await;
        console
            .wait_until(
                "document.querySelectorAll('li.idea.cluster').length === 1",
                "document.querySelector('.facilitator-ideas').innerText",
            )
            .await;
        assert_eq!(
            console.eval("document.querySelector('#cluster-title').value").await,
            json!(""),
            "the title field is empty for the next group"
        );
        for idea in ["Marché D", "Marché E"] {
            tick(&console, idea).await;
        }
        console.click("#merge").await;
        console
            .wait_until(
                "document.querySelectorAll('li.idea.cluster').length === 2",
                "document.querySelector('.facilitator-ideas').innerText",
            )
            .await;
        let titles = console
            .eval("[...document.querySelectorAll('li.idea.cluster > .idea-text')].map(l => l.textContent)")
            .await;
        let titles: Vec<&str> = titles.as_array().unwrap().iter().filter_map(|t| t.as_str()).collect();
        assert_eq!(
            titles.iter().filter(|t| t.starts_with("Pistes cyclables")).count(),
            1,
            "only the first group has the title typed for it: {titles:?}"
        );
        console.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facilitation_link_opens_the_console_on_another_computer() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let first = server
        .create(json!({ "template": "ideation", "title": "Première", "question": "Comment ?" }))
        .await;
    let second = server
        .create(json!({ "template": "ideation", "title": "Seconde", "question": "Comment ?" }))
        .await;
    tokio::time::timeout(SCENARIO, async {
        // Another computer knows the workshop's address, not its secret:
        // the form asks for it. The link is then pasted into the address bar.
        let other = browser.window(1366, 768).await;
        other
            .open(&format!("{base}/#/facilitate/{}", first.workshop))
            .await;
        other.wait_for("#secret").await;
        other
            .eval(&format!(
                "location.hash = '#/facilitate/{}/{}'",
                first.workshop, first.facilitator_secret
            ))
            .await;
        other
            .wait_until(
                "document.querySelector('.join-info [data-code]') !== null",
                "document.querySelector('main').innerText",
            )
            .await;
        assert!(
            !other
                .eval("location.hash")
                .await
                .as_str()
                .unwrap()
                .contains(&first.facilitator_secret),
            "the secret leaves the address bar"
        );

        // The whole link pasted into the form's field works too.
        other
            .open(&format!("{base}/#/facilitate/{}", second.workshop))
            .await;
        other.wait_for("#secret").await;
        let link = format!(
            "{base}/#/facilitate/{}/{}",
            second.workshop, second.facilitator_secret
        );
        other.type_into("#secret", &link).await;
        other.click("#secret ~ button[type=submit]").await;
        other
            .wait_until(
                "document.querySelector('.topbar .title')?.innerText === 'Seconde'",
                "document.querySelector('main').innerText",
            )
            .await;
        other.close().await;

        // Just after creating a workshop, the console says to keep the link.
        let laptop = browser.window(1366, 768).await;
        laptop.open(&format!("{base}/#/create")).await;
        laptop.wait_for("#title").await;
        laptop.type_into("#title", "Troisième").await;
        laptop.type_into("#question", "Comment ?").await;
        laptop.click("#create-workshop").await;
        laptop.wait_for(".console-link[open] #kept-link").await;
        let shown = laptop
            .eval("document.querySelector('.console-link').innerText")
            .await;
        let shown = shown.as_str().unwrap();
        assert!(shown.contains("clé de l'atelier"), "{shown}");
        let kept = laptop
            .eval("document.querySelector('#console-link').textContent")
            .await;
        let kept = kept.as_str().unwrap();
        assert!(
            kept.contains("#/facilitate/") && kept.split('/').count() >= 6,
            "the link with its secret: {kept}"
        );
        laptop
            .check_accessibility("facilitator (keep the link)")
            .await;
        laptop.screenshot("facilitator-keep-link").await;
        laptop.click("#kept-link").await;
        laptop
            .wait_until(
                "document.querySelector('.console-link[open]') === null",
                "document.querySelector('main').innerText",
            )
            .await;
        // It stays kept: a reload does not ask again.
        laptop.eval("location.reload()").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        laptop.wait_for(".join-info [data-code]").await;
        assert_eq!(
            laptop
                .eval("document.querySelector('.console-link[open]') === null")
                .await,
            json!(true)
        );
        laptop.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wall_opened_with_an_unknown_code_says_so_and_nothing_else() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    tokio::time::timeout(SCENARIO, async {
        let wall = browser.window(1920, 1080).await;
        wall.open(&format!(
            "{}/#/wall/000000",
            server.url("").trim_end_matches('/')
        ))
        .await;
        wall.wait_for(".refused").await;
        let shown = wall.eval("document.querySelector('main').innerText").await;
        let shown = shown.as_str().unwrap();
        assert!(
            shown.contains("Ce code ne correspond à aucun atelier."),
            "{shown}"
        );
        assert_eq!(
            wall.eval("document.querySelector('.qr') === null").await,
            json!(true),
            "no QR code for a dead code"
        );
        assert!(!shown.contains("Chargement"), "{shown}");
        wall.check_accessibility("wall (unknown code)").await;
        wall.screenshot("wall-unknown-code").await;
        wall.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_join_code_is_checked_before_the_name_and_the_form_speaks_the_workshops_language() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let english = server
        .create(json!({ "template": "ideation", "title": "Town hall", "question": "How?", "lang": "en" }))
        .await;
    tokio::time::timeout(SCENARIO, async {
        // The code typed as people read it aloud, with a space.
        let phone = browser.window(390, 844).await;
        phone.open(&format!("{base}/#/")).await;
        phone.wait_for("#join-code").await;
        let spaced = format!("{} {}", &english.join_code[..3], &english.join_code[3..]);
        phone.type_into("#join-code", &spaced).await;
        phone
            .click("#join-code ~ .actions button[type=submit]")
            .await;
        phone.wait_for("#table-name").await;
        assert_eq!(
            phone.eval("location.hash").await,
            json!(format!("#/join/{}", english.join_code)),
            "the code is its digits"
        );
        // The form is the workshop's, in its language.
        let form = phone.eval("document.querySelector('main').innerText").await;
        let form = form.as_str().unwrap();
        assert!(
            form.contains("Town hall") && form.contains("How?"),
            "{form}"
        );
        assert!(form.contains("Join with this tablet"), "in English: {form}");
        phone.check_accessibility("tablet join (English)").await;
        phone.screenshot("phone-join-english").await;

        // A table whose workshop is deleted is told so on its next visit,
        // not left loading.
        phone.type_into("#table-name", "Table 1").await;
        phone.click("#join").await;
        phone
            .wait_until(
                "document.querySelector('#table-name') === null",
                "document.querySelector('main').innerText",
            )
            .await;
        let deleted = reqwest::Client::new()
            .delete(server.url(&format!("/api/workshops/{}", english.workshop)))
            .bearer_auth(&english.facilitator_secret)
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status(), 204);
        phone.eval("location.reload()").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        phone
            .wait_until(
                "document.querySelector('.refused') !== null",
                "document.querySelector('main').innerText",
            )
            .await;

        // A wrong code is said at once, before any name is asked.
        phone.open(&format!("{base}/#/join/000000")).await;
        phone
            .wait_until(
                "document.querySelector('.refused') !== null",
                "document.querySelector('main').innerText",
            )
            .await;
        assert_eq!(
            phone
                .eval("document.querySelector('#table-name') === null")
                .await,
            json!(true)
        );
        phone.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_0_00_every_screen_says_time_is_up_and_moving_on_early_is_confirmed() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let mut scene = ruche_tests::scene::Scene::ideation(server.addr, &[]).await;
    let created = scene.created.clone();
    tokio::time::timeout(SCENARIO, async {
        let console = browser.window(1366, 768).await;
        console
            .open(&format!(
                "{base}/#/facilitate/{}/{}",
                created.workshop, created.facilitator_secret
            ))
            .await;
        console.wait_for("#next-step").await;
        let wall = browser.window(1280, 720).await;
        wall.open(&format!("{base}/#/wall/{}", created.join_code))
            .await;

        // Ten minutes on the clock: moving on asks first.
        scene
            .facilitator
            .accepted(ruche_shared::flow::CloseStep {}.into())
            .await;
        scene
            .facilitator
            .accepted(
                ruche_shared::flow::OpenStep {
                    duration_secs: Some(600),
                }
                .into(),
            )
            .await;
        console
            .wait_until(
                "document.querySelector('.countdown') !== null",
                "document.querySelector('main').innerText",
            )
            .await;
        // On the wall the countdown is large: what the room looks at.
        wall.wait_for(".countdown").await;
        let ratio = wall
            .eval(
                "parseFloat(getComputedStyle(document.querySelector('.countdown')).fontSize)
                 / parseFloat(getComputedStyle(document.querySelector('.step-name')).fontSize)",
            )
            .await;
        assert!(ratio.as_f64().unwrap() >= 1.5, "the wall's countdown is large: {ratio}×");
        wall.screenshot("wall-countdown").await;
        // « +1 minute »: the countdown gets a minute more (9:5x → 10:5x).
        console.click("#add-minute").await;
        console
            .wait_until(
                "document.querySelector('.countdown').textContent.includes('10:5')",
                "document.querySelector('.countdown').textContent",
            )
            .await;
        console.eval("window.confirm = () => false").await;
        console.click("#next-step").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let step = console
            .eval("document.querySelector('.step-name').textContent")
            .await;
        assert!(
            step.as_str().unwrap().contains("1/"),
            "a « no » keeps the step: {step}"
        );
        console.eval("window.confirm = () => true").await;
        console.click("#next-step").await;
        console
            .wait_until(
                "document.querySelector('.step-name').textContent.includes('2/')",
                "document.querySelector('.step-name').textContent",
            )
            .await;

        // A one-second countdown runs out: the wall and the console say so.
        scene
            .facilitator
            .accepted(
                ruche_shared::flow::OpenStep {
                    duration_secs: Some(1),
                }
                .into(),
            )
            .await;
        for screen in [&wall, &console] {
            screen
                .wait_until(
                    "document.querySelector('.countdown.over')?.textContent === 'Temps écoulé'",
                    "document.querySelector('.step-header')?.innerText",
                )
                .await;
        }
        // And at 0:00 it signals the end to the room.
        let signal = wall
            .eval("getComputedStyle(document.querySelector('.countdown.over')).animationName")
            .await;
        assert_eq!(signal, "ring", "the wall flashes at 0:00");
        wall.screenshot("wall-time-up").await;

        // The facilitator chose to close at 0:00: the console does it.
        console.click("#auto-close").await;
        scene
            .facilitator
            .accepted(ruche_shared::flow::CloseStep {}.into())
            .await;
        scene
            .facilitator
            .accepted(
                ruche_shared::flow::OpenStep {
                    duration_secs: Some(1),
                }
                .into(),
            )
            .await;
        // (A grouping step: the wall shows no open/closed badge, where
        // tables have nothing to do; the countdown comes and goes.)
        wall.wait_until(
            "document.querySelector('.countdown') !== null",
            "document.querySelector('.step-header')?.innerText",
        )
        .await;
        wall.wait_until(
            "document.querySelector('.countdown') === null",
            "document.querySelector('.step-header')?.innerText",
        )
        .await;
        // The minutes typed for one step are not offered to the next.
        console.wait_for("#minutes").await;
        console.type_into("#minutes", "7").await;
        scene
            .facilitator
            .accepted(ruche_shared::flow::GoToStep { step: 2 }.into())
            .await;
        console
            .wait_until(
                "document.querySelector('.step-name').textContent.includes('3/') && document.querySelector('#minutes').value === ''",
                "document.querySelector('#minutes').value",
            )
            .await;
        wall.close().await;
        console.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tablet_asks_before_deleting_an_idea() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let scene = ruche_tests::scene::Scene::ideation(server.addr, &[]).await;
    let code = scene.code().to_owned();
    tokio::time::timeout(SCENARIO, async {
        let tablet = browser.window(800, 1280).await;
        tablet.open(&format!("{base}/#/join/{code}")).await;
        tablet.type_into("#table-name", "Table 1").await;
        tablet.click("#join").await;
        tablet.wait_for("#idea-text").await;
        assert_eq!(
            tablet.eval("document.title").await,
            json!("Ruche · Tablette · Salle")
        );
        tablet.type_into("#idea-text", "Des bancs").await;
        tablet.click("#submit-idea").await;
        tablet
            .wait_until(
                "document.querySelectorAll('.ideas.own .idea').length === 1",
                "document.querySelector('main').innerText",
            )
            .await;
        // « No »: the idea stays.
        tablet.eval("window.confirm = () => false").await;
        tablet.click(".ideas.own .idea button.danger").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            tablet
                .eval("document.querySelectorAll('.ideas.own .idea').length")
                .await,
            json!(1)
        );
        // « Yes »: it goes.
        tablet.eval("window.confirm = () => true").await;
        tablet.click(".ideas.own .idea button.danger").await;
        tablet
            .wait_until(
                "document.querySelectorAll('.ideas.own .idea').length === 0",
                "document.querySelector('main').innerText",
            )
            .await;
        tablet.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_the_audience_reads_on_the_wall_is_under_24_px_at_1080p() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let mut scene = ruche_tests::scene::Scene::at_vote(server.addr, &["Mairie", "École"]).await;
    scene.tables[0].vote(1, 3).await;
    scene.tables[1].vote(0, 2).await;
    scene.facilitator.show_results(true).await;
    let code = scene.code().to_owned();
    tokio::time::timeout(SCENARIO, async {
        let wall = browser.window(1920, 1080).await;
        wall.open(&format!("{base}/#/wall/{code}")).await;
        wall.wait_for(".bar").await;
        let smallest = wall
            .eval(
                "Math.min(...[...document.querySelectorAll('.wall *')]
                    .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
                    .filter(e => getComputedStyle(e).visibility !== 'hidden')
                    .map(e => parseFloat(getComputedStyle(e).fontSize)))",
            )
            .await;
        assert!(smallest.as_f64().unwrap() >= 24.0, "smallest text on the wall: {smallest} px");
        let code_size = wall
            .eval("parseFloat(getComputedStyle(document.querySelector('.join-code')).fontSize)")
            .await;
        // Past the first step the join panel is in its corner, and its code
        // still reads from the back of the room.
        assert!(code_size.as_f64().unwrap() >= 40.0, "the join code stays legible: {code_size} px");
        wall.screenshot("wall-vote-1080p").await;
        wall.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_downloads_the_synthesis_the_workbook_and_the_exports() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let mut scene = ruche_tests::scene::Scene::at_vote(server.addr, &["Lilas", "Roses"]).await;
    scene.tables[0].vote(1, 3).await;
    let created = &scene.created;
    let downloads = tempfile::tempdir().unwrap();
    tokio::time::timeout(SCENARIO, async {
        let console = browser
            .window_downloading_to(1366, 768, downloads.path())
            .await;
        console.open(&server.console_url(created)).await;
        console.wait_for("#export-synthesis").await;
        for button in [
            "#export-synthesis",
            "#export-public",
            "#export-xlsx",
            "#export-csv",
        ] {
            console.click(button).await;
        }
        let id = &created.workshop;
        let files = [
            format!("ruche-{id}.html"),
            format!("ruche-publication-{id}.html"),
            format!("ruche-{id}.xlsx"),
            format!("ruche-{id}.csv"),
        ];
        // Chromium writes a download under a temporary name, then renames it.
        let all_there = || files.iter().all(|f| downloads.path().join(f).is_file());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !all_there() && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let read = |name: &String| std::fs::read(downloads.path().join(name)).unwrap_or_default();
        let synthesis = String::from_utf8(read(&files[0])).unwrap();
        assert!(synthesis.contains("Synthèse de l’atelier") && synthesis.contains("Lilas"));
        assert!(synthesis.contains("Idée de Roses"));
        let public = String::from_utf8(read(&files[1])).unwrap();
        // (The ideas are « Idée de Lilas »…: the tables' names are what goes.)
        assert!(public.contains("Version pour publication") && !public.contains("— Lilas"));
        assert!(synthesis.contains("— Lilas") && public.contains("— Table 1"));
        // The workbook's bytes as the server sent them: it reads back.
        let sheets = ruche_tests::xlsx_sheets(read(&files[2]));
        assert_eq!(sheets[2].0, "Étape 3 · vote");
        assert!(
            String::from_utf8(read(&files[3]))
                .unwrap()
                .starts_with("\u{feff}rubrique;")
        );
        console.screenshot("facilitator-exports").await;
        console.close().await;
    })
    .await
    .expect("the downloads arrive in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bar_of_a_vote_fits_the_wall_at_projector_sizes() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    // Nine ideas, one of them 273 characters long (it wrapped to 11 lines).
    let long = "Transformer la salle municipale en lieu ouvert toute la semaine, \
                avec des permanences d'associations le matin, de l'aide aux devoirs \
                l'après-midi, des répétitions de musique le soir et un café des \
                habitants le dimanche, en confiant les clés à des voisins de la rue du Four.";
    assert_eq!(long.chars().count(), 273);
    let mut scene = ruche_tests::scene::Scene::ideation(server.addr, &[]).await;
    scene.facilitator.submit(long).await;
    for n in 1..9 {
        scene
            .facilitator
            .submit(&format!("Idée courte numéro {n}"))
            .await;
    }
    scene.facilitator.go_and_open(2).await;
    let mut tables = Vec::new();
    for name in ["A", "B", "C"] {
        tables.push(ruche_tests::Client::join(server.addr, scene.code(), name).await);
    }
    for (n, table) in tables.iter_mut().enumerate() {
        for idea in 0..9 {
            table.vote(idea, ((idea as usize + n) % 4) as u32).await;
        }
    }
    scene.facilitator.show_results(true).await;
    // With its countdown running (the wall shows it large).
    scene
        .facilitator
        .accepted(ruche_shared::flow::CloseStep {}.into())
        .await;
    scene
        .facilitator
        .accepted(
            ruche_shared::flow::OpenStep {
                duration_secs: Some(600),
            }
            .into(),
        )
        .await;
    let base = server.url("");
    let wall_url = format!("{}/#/wall/{}", base.trim_end_matches('/'), scene.code());
    tokio::time::timeout(SCENARIO, async {
        for (width, height) in [(1024, 768), (1280, 720), (1920, 1080)] {
            let wall = browser.window(width, height).await;
            wall.open(&wall_url).await;
            wall.wait_for(".bar").await;
            wall.wait_for(".countdown").await;
            let outside = wall
                .eval(
                    "[...document.querySelectorAll('.bar')]
                        .filter(b => b.getBoundingClientRect().bottom > innerHeight + 1)
                        .length",
                )
                .await;
            wall.screenshot(&format!("wall-vote-{width}x{height}"))
                .await;
            // Ranks, ties marked, and each bar's share of the 39 points.
            let ranks = wall
                .eval(
                    "[...document.querySelectorAll('.bar')].map(b => {
                        const r = b.querySelector('.bar-rank');
                        return r.textContent + (r.classList.contains('tie') ? '=' : '') + ' ' + b.querySelector('.bar-share').textContent;
                    })",
                )
                .await;
            assert_eq!(
                ranks,
                serde_json::json!([
                    "1= 15 %", "1= 15 %", "3= 13 %", "3= 13 %", "5= 10 %", "5= 10 %",
                    "7= 8 %", "7= 8 %", "7= 8 %"
                ])
            );
            assert_eq!(
                outside.as_u64(),
                Some(0),
                "bars below the fold at {width}×{height}"
            );
            wall.close().await;
        }
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facilitator_writes_the_venue_and_conclusions_the_synthesis_prints() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let scene = ruche_tests::scene::Scene::at_vote(server.addr, &["Lilas", "Roses"]).await;
    let created = scene.created.clone();
    tokio::time::timeout(SCENARIO, async {
        let console = browser.window(1366, 768).await;
        console.open(&server.console_url(&created)).await;
        console.wait_for("#notes-place").await;
        console.type_into("#notes-place", "Salle des fêtes").await;
        console
            .type_into("#notes-conclusions", "Retenu : le café des habitants.")
            .await;
        console.click("#save-notes").await;
        console
            .wait_until(
                "document.querySelector('.synthesis-notes').innerText.includes('Enregistré')",
                "document.querySelector('.synthesis-notes').innerText",
            )
            .await;
        console.screenshot("facilitator-synthesis-notes").await;
        console.close().await;
        // Kept with the workshop: another console (or a reload) shows them.
        let again = browser.window(1366, 768).await;
        again.open(&server.console_url(&created)).await;
        again
            .wait_until(
                "document.querySelector('#notes-place')?.value === 'Salle des fêtes'",
                "document.querySelector('.synthesis-notes')?.innerText",
            )
            .await;
        again.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    let html = ruche_tests::synthesis::fetch(server.addr, &created, "").await;
    assert!(html.contains("Lieu : Salle des fêtes"));
    assert!(html.contains("<p>Retenu : le café des habitants.</p>"));
    server.stop().await;
}
