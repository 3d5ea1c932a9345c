//! The facilitator's console on a laptop (« A real evening »): the width
//! used, which table wrote each idea, the ideas counted and sorted, and the
//! tables' columns limited to what the workshop's steps fill. Headless
//! Chromium against a real server; skipped loudly without Chromium, failing
//! under `CI=true`.

use std::time::Duration;

use ruche_tests::TestServer;
use ruche_tests::browser::{Browser, Window};
use serde_json::{Value, json};

/// The longest a scenario may take.
const SCENARIO: Duration = Duration::from_secs(180);

static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The console's idea list, in order: `[text, author]` per line.
async fn idea_lines(console: &Window) -> Value {
    console
        .eval("[...document.querySelectorAll('.facilitator-ideas > li.idea')].map(li => [li.querySelector('.idea-text').innerText.trim(), li.querySelector('.idea-author').innerText])")
        .await
}

/// The console's tables' column headings.
async fn table_columns(console: &Window) -> Value {
    console
        .eval("[...document.querySelectorAll('.tables thead th')].map(th => th.innerText)")
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_names_each_ideas_table_counts_and_sorts_them() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let mut scene = ruche_tests::scene::Scene::ideation(server.addr, &["Mairie", "École"]).await;
    scene.tables[1].submit("Vélos partagés").await;
    scene.tables[0].submit("Marché du samedi").await;
    scene.facilitator.submit("Accueil des nouveaux").await;
    scene.tables[1].submit("Atelier réparation").await;
    let created = scene.created.clone();
    tokio::time::timeout(SCENARIO, async {
        let console = browser.window(1366, 768).await;
        console.open(&server.console_url(&created)).await;
        console
            .wait_until(
                "document.querySelectorAll('.facilitator-ideas > li.idea').length === 4",
                "document.querySelector('.facilitator-ideas')?.innerText",
            )
            .await;
        assert_eq!(
            idea_lines(&console).await,
            json!([
                ["Vélos partagés", "École"],
                ["Marché du samedi", "Mairie"],
                ["Accueil des nouveaux", "Animation"],
                ["Atelier réparation", "École"]
            ])
        );
        let heading = console.eval("document.querySelector('.facilitator-ideas').closest('section').querySelector('h2').dataset.count").await;
        assert_eq!(heading, json!("4"));

        console
            .eval("(() => { const s = document.querySelector('#idea-order'); s.value = 'table'; s.dispatchEvent(new Event('change', { bubbles: true })); return true; })()")
            .await;
        console
            .wait_until(
                "document.querySelector('.facilitator-ideas .idea-author').innerText === 'Animation'",
                "document.querySelector('.facilitator-ideas').innerText",
            )
            .await;
        let authors: Vec<String> = idea_lines(&console)
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|line| line[1].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(authors, ["Animation", "École", "École", "Mairie"]);

        console
            .eval("(() => { const s = document.querySelector('#idea-order'); s.value = 'text'; s.dispatchEvent(new Event('change', { bubbles: true })); return true; })()")
            .await;
        console
            .wait_until(
                "document.querySelector('.facilitator-ideas .idea-text').innerText.trim() === 'Accueil des nouveaux'",
                "document.querySelector('.facilitator-ideas').innerText",
            )
            .await;
        let texts: Vec<String> = idea_lines(&console)
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|line| line[0].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(texts, ["Accueil des nouveaux", "Atelier réparation", "Marché du samedi", "Vélos partagés"]);

        // The laptop's width is used: the ideas and the tables side by side,
        // the page wider than the old 1,100 px column.
        let widths = console
            .eval("[document.querySelector('main').getBoundingClientRect().width, document.querySelector('.console-side').getBoundingClientRect().left > document.querySelector('.console-main').getBoundingClientRect().right]")
            .await;
        assert!(widths[0].as_f64().unwrap() > 1200.0, "{widths}");
        assert_eq!(widths[1], json!(true));
        // An ideation counts ideas and points, not scores.
        let columns = table_columns(&console).await;
        let columns = columns.to_string().to_lowercase();
        assert!(columns.contains("idées") && !columns.contains("notes"), "{columns}");
        console.check_accessibility("console (ideas by table)").await;
        console.screenshot("console-ideas-1366x768").await;
        console.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_evaluations_console_has_no_idea_or_point_columns() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({
            "template": "evaluation",
            "title": "Accueil",
            "question": "Quelles actions ?",
            "items": ["Cours de français", "Parrainage"],
        }))
        .await;
    let _table = ruche_tests::Client::join(server.addr, &created.join_code, "Table A").await;
    tokio::time::timeout(SCENARIO, async {
        let console = browser.window(1366, 768).await;
        console.open(&server.console_url(&created)).await;
        console.wait_for(".tables thead").await;
        let columns = table_columns(&console).await;
        let columns: Vec<&str> = columns
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(columns.len(), 3, "{columns:?}");
        assert!(
            columns.iter().any(|c| c.to_lowercase().contains("notes")),
            "{columns:?}"
        );
        assert!(
            !columns
                .iter()
                .any(|c| c.to_lowercase().contains("idées") || c.to_lowercase().contains("points")),
            "{columns:?}"
        );
        console.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typo_corrected_during_the_vote_is_marked_on_every_screen() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let mut scene = ruche_tests::scene::Scene::at_vote(server.addr, &["Mairie", "École"]).await;
    scene.tables[1].vote(0, 3).await;
    scene.facilitator.show_results(true).await;
    let created = scene.created.clone();
    let base = server.url("");
    let base = base.trim_end_matches('/');
    tokio::time::timeout(SCENARIO, async {
        let wall = browser.window(1280, 720).await;
        wall.open(&format!("{base}/#/wall/{}", created.join_code)).await;
        wall.wait_for(".bar[data-item=i0]").await;
        let console = browser.window(1366, 768).await;
        console.open(&server.console_url(&created)).await;
        console.click("li.idea[data-item=i0] button.correct").await;
        console.type_into("#correct-i0", "Idée de la Mairie, corrigée").await;
        console.click("li.idea[data-item=i0] form.correction button[type=submit]").await;
        wall.wait_until(
            "document.querySelector('.bar[data-item=i0] .bar-label').innerText.includes('corrigée')",
            "document.querySelector('.bar[data-item=i0]').innerText",
        )
        .await;
        let label = wall
            .eval("document.querySelector('.bar[data-item=i0] .corrected-mark')?.innerText")
            .await;
        assert_eq!(label, json!("modifiée par l'animateur"));
        assert_eq!(
            wall.eval("document.querySelector('.bar[data-item=i0]').dataset.points").await,
            json!("3"),
            "the points stay"
        );
        console
            .wait_until(
                "document.querySelector('li.idea[data-item=i0] .corrected-mark') !== null",
                "document.querySelector('li.idea[data-item=i0]').innerHTML",
            )
            .await;
        console.check_accessibility("console (correcting during the vote)").await;
        wall.screenshot("wall-corrected-idea").await;
        console.close().await;
        wall.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_merged_during_the_vote_keeps_the_points_up_to_the_cap_and_the_table_is_told() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let scene = ruche_tests::scene::Scene::vote_on_facilitator_ideas(server.addr, 3).await;
    let created = scene.created.clone();
    let base = server.url("");
    let base = base.trim_end_matches('/');
    tokio::time::timeout(SCENARIO, async {
        let tablet = browser.window(1024, 768).await;
        tablet.join_table(base, &created.join_code, "Table A").await;
        tablet.wait_for(".vote-item").await;
        // 3 points on « Idée 0 », 2 on « Idée 1 »: the same idea, it turns out.
        for (row, points) in [(1, 3), (2, 2)] {
            tablet.tap_points(&format!(".vote-item:nth-child({row})"), points).await;
        }
        let console = browser.window(1366, 768).await;
        console.open(&server.console_url(&created)).await;
        console.wait_for(".regroup-rule").await;
        console.click("#select-i0").await;
        console.click("#select-i1").await;
        console.type_into("#cluster-title", "Idée 0 ou 1").await;
        console.click("#merge").await;

        // The group holds the cap (3), the other 2 points are back, and the
        // tablet says why.
        tablet
            .wait_until(
                "[...document.querySelectorAll('.vote-item')].some(li => li.dataset.item === 'c0' && li.dataset.points === '3')",
                "document.querySelector('.vote-items').outerHTML",
            )
            .await;
        tablet
            .wait_until(
                "document.querySelector('.budget').dataset.pointsLeft === '27'",
                "document.querySelector('.budget').outerHTML",
            )
            .await;
        let notice = tablet.eval("document.querySelector('.notice')?.innerText ?? ''").await;
        assert!(
            notice.as_str().unwrap().contains("2 points vous ont été rendus : idées regroupées"),
            "{notice}"
        );
        tablet.screenshot("tablet-points-given-back").await;
        console.check_accessibility("console (merging during the vote)").await;
        console.close().await;
        tablet.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_programme_is_saved_to_a_file_loaded_again_and_a_workshop_duplicated() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({
            "template": "design_thinking",
            "title": "Mairie de demain",
            "question": "Comment pourrions-nous… ?",
        }))
        .await;
    let downloads = tempfile::tempdir().expect("a temporary directory");
    tokio::time::timeout(SCENARIO, async {
        let console = browser
            .window_downloading_to(1366, 768, downloads.path())
            .await;
        console.open(&server.console_url(&created)).await;
        console.click("#save-programme").await;
        let file = downloads.path().join("ruche-programme-Mairie-de-demain.json");
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while !file.is_file() && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let saved: Value = serde_json::from_slice(&std::fs::read(&file).expect("the programme file"))
            .expect("JSON");
        assert_eq!(saved["title"], "Mairie de demain");
        assert_eq!(saved["personas"].as_array().unwrap().len(), 4);
        assert_eq!(saved["steps"][0]["circles"].as_array().unwrap().len(), 3);

        // Loaded on the create page: the designer shows it, every step and
        // setting, then creates a new workshop with the same programme.
        let laptop = browser.window(1366, 768).await;
        laptop.open(&format!("{}#/create", server.url("/"))).await;
        let field = laptop.wait_for("#programme-file").await;
        field
            .send_keys(file.to_str().expect("a UTF-8 path"))
            .await
            .expect("the file is chosen");
        laptop.wait_for("#designer-ready").await;
        let shown = laptop
            .eval("[document.querySelector('#design-title').value, [...document.querySelectorAll('.designer-step')].map(li => li.dataset.kind), document.querySelectorAll('.designer-step:nth-child(1) [data-field=circles]').length, document.querySelectorAll('.persona-setting').length > 0 && document.querySelector('#persona-3-name').value]")
            .await;
        assert_eq!(
            shown,
            json!(["Mairie de demain", ["divergence", "dot_vote", "results"], 3, "Bernard"])
        );
        laptop.click("#designer-create").await;
        laptop
            .wait_until(
                "location.hash.startsWith('#/facilitate/') && document.querySelector('.circle-buttons') !== null",
                "location.hash + ' ' + document.querySelector('main').innerText",
            )
            .await;
        let loaded = laptop.eval("location.hash").await;
        assert!(!loaded.as_str().unwrap().contains(&created.workshop), "a new workshop");
        let title = laptop.eval("document.querySelector('.topbar .title').innerText").await;
        assert_eq!(title, json!("Mairie de demain"));
        let circles = laptop.eval("document.querySelectorAll('.circle-button').length").await;
        assert_eq!(circles, json!(3), "the spider web's three circles came with it");

        // A wrong file is said so, and nothing is created.
        let junk = downloads.path().join("notes.json");
        std::fs::write(&junk, "{\"hello\": 1}").unwrap();
        laptop.open(&format!("{}#/create", server.url("/"))).await;
        let field = laptop.wait_for("#programme-file").await;
        field.send_keys(junk.to_str().unwrap()).await.expect("the file is chosen");
        laptop
            .wait_until(
                "document.querySelector('[role=alert]')?.innerText.includes(\"n'est pas un programme\")",
                "document.querySelector('main').innerText",
            )
            .await;

        // Duplicated from the console: another workshop, same programme, no tables.
        console.click("#duplicate-workshop").await;
        console
            .wait_until(
                &format!("location.hash.startsWith('#/facilitate/') && !location.hash.includes({:?}) && document.querySelector('.topbar .title')?.innerText === 'Mairie de demain'", created.workshop),
                "location.hash",
            )
            .await;
        for window in [console, laptop] {
            window.close().await;
        }
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_create_page_lists_this_browsers_workshops_to_open_or_delete() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    tokio::time::timeout(SCENARIO, async {
        let laptop = browser.window(1366, 768).await;
        laptop.open(&format!("{base}/#/create")).await;
        laptop.wait_for("#title").await;
        assert_eq!(
            laptop
                .eval("document.querySelector('.my-workshops') === null")
                .await,
            json!(true)
        );
        for title in ["Salle des fêtes", "Budget participatif"] {
            laptop.open(&format!("{base}/#/create")).await;
            laptop.type_into("#title", title).await;
            laptop.type_into("#question", "Comment ?").await;
            laptop.click("#create-workshop").await;
            laptop.wait_for(".console-link").await;
        }
        let console = laptop.eval("location.hash").await;
        let workshop = console
            .as_str()
            .unwrap()
            .split('/')
            .nth(2)
            .unwrap()
            .to_owned();

        // Newest first; each opens its console.
        laptop.open(&format!("{base}/#/create")).await;
        laptop.wait_for(".my-workshops li").await;
        let listed = laptop
            .eval("[...document.querySelectorAll('.my-workshops li a')].map(a => a.innerText)")
            .await;
        assert_eq!(listed, json!(["Budget participatif", "Salle des fêtes"]));
        laptop.check_accessibility("create (your workshops)").await;
        laptop.screenshot("create-my-workshops").await;
        laptop.click(".my-workshops li:first-child a").await;
        laptop
            .wait_until(
                "document.querySelector('.topbar .title')?.innerText === 'Budget participatif'",
                "document.querySelector('main').innerText",
            )
            .await;

        // Duplicated: its programme opens in the designer, to change or create again.
        laptop.open(&format!("{base}/#/create")).await;
        laptop.wait_for(".my-workshops li").await;
        laptop.click(".my-workshops li:first-child .duplicate-workshop").await;
        laptop
            .wait_until(
                "document.querySelector('#design-title')?.value === 'Budget participatif' && document.querySelectorAll('.designer-step').length === 4",
                "document.querySelector('main').innerText",
            )
            .await;
        // « Revenir aux modèles »: the create page again.
        laptop.click(".designer-head button").await;

        // Deleted for good, after a confirmation.
        laptop.wait_for(".my-workshops li").await;
        laptop
            .eval("(() => { window.confirm = () => true; return true; })()")
            .await;
        laptop.click(".my-workshops li:first-child button.danger").await;
        laptop
            .wait_until(
                "document.querySelectorAll('.my-workshops li').length === 1",
                "document.querySelector('.my-workshops').innerText",
            )
            .await;
        let gone = ruche_tests::get_as_facilitator(
            &server.url(&format!("/api/workshops/{workshop}/export.json")),
            "any",
        )
        .await;
        assert_eq!(gone.status(), 401, "the workshop is gone");
        assert_eq!(server_workshops(&server).await, 1);
        laptop.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

/// How many workshops the server holds.
async fn server_workshops(server: &TestServer) -> u64 {
    let health: Value = reqwest::get(server.url("/healthz"))
        .await
        .expect("the server answers")
        .json()
        .await
        .expect("JSON");
    health["workshops"].as_u64().expect("a count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paper_votes_entered_in_the_console_show_hatched_on_the_wall() {
    use ruche_shared::methods::{divergence, dot_vote};
    use ruche_shared::{Command, IdeaId, ItemRef, flow};
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let created = server
        .create(
            json!({ "template": "ideation_then_dots", "title": "Salle", "question": "Comment ?" }),
        )
        .await;
    let mut facilitator = ruche_tests::Client::facilitator(server.addr, &created).await;
    let mut table = ruche_tests::Client::join(server.addr, &created.join_code, "Table 1").await;
    facilitator.go_and_open(0).await;
    for text in ["Un café des habitants", "Une bibliothèque d'outils"] {
        facilitator
            .accepted(Command::SubmitIdea(divergence::SubmitIdea {
                text: text.into(),
                category: None,
                seat: None,
            }))
            .await;
    }
    facilitator.go_and_open(2).await;
    table
        .accepted(Command::SetDot(dot_vote::SetDot {
            seat: 1,
            item: ItemRef::Idea(IdeaId(1)),
            dots: 1,
        }))
        .await;
    facilitator
        .accepted(Command::SetResultsVisible(flow::SetResultsVisible {
            visible: true,
        }))
        .await;
    tokio::time::timeout(SCENARIO, async {
        let console = browser.window(1366, 900).await;
        console.open(&server.console_url(&created)).await;
        console.click(".paper-votes summary").await;
        console.type_into("#paper-i0", "5").await;
        console.type_into("#paper-i1", "2").await;
        console
            .eval("document.querySelector('.paper-votes').scrollIntoView() || true")
            .await;
        console.screenshot("console-paper-votes").await;
        console.check_accessibility("console (paper votes)").await;
        console.click("#save-paper").await;

        let wall = browser.window(1280, 720).await;
        wall.open(&server.url(&format!("/#/wall/{}", created.join_code))).await;
        wall.wait_until(
            "document.querySelector('.bar[data-item=i0] .bar-value')?.dataset.paper === '5' && document.querySelector('.bar[data-item=i1]')?.dataset.dots === '3'",
            "document.querySelector('main').innerText",
        )
        .await;
        let shown = wall
            .eval("[document.querySelector('.bar[data-item=i0]').dataset.dots, document.querySelector('.bar[data-item=i0] .paper-note').innerText, document.querySelector('.bar[data-item=i1] .paper-note').innerText, getComputedStyle(document.querySelector('.bar[data-item=i0] .bar-paper')).width !== '0px']")
            .await;
        assert_eq!(shown, json!(["5", "dont 5 sur papier", "dont 2 sur papier", true]));
        wall.screenshot("wall-paper-votes").await;
        for window in [console, wall] {
            window.close().await;
        }
    })
    .await
    .expect("the paper votes scenario finishes in time");
    server.stop().await;
}
