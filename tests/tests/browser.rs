//! The real WASM client in real headless Chromium windows, against a real
//! server: a whole ideation workshop (one facilitator, three tablets, one
//! wall), an evaluation scored seat by seat, a dot vote (« gommettes ») person
//! by person, and a tablet reloaded mid-vote.
//! Each screen is checked with axe-core and photographed into
//! `target/screenshots/`.
//!
//! Without Chromium these tests are skipped, loudly; under `CI=true` they fail.
//! They run one at a time (each opens several Chromium windows on 2 cores).

use std::collections::BTreeMap;
use std::time::Duration;

use ruche_shared::flow;
use ruche_shared::methods::divergence;
use ruche_shared::protocol::ServerMsg;
use ruche_shared::{Command, ItemRef};
use ruche_tests::browser::{Browser, Window};
use ruche_tests::{Client, TestServer};
use serde_json::{Value, json};

/// The longest a whole scenario may take.
const SCENARIO: Duration = Duration::from_secs(300);

static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A JS string literal.
fn js(text: &str) -> String {
    serde_json::to_string(text).expect("a string")
}

/// The `data-item` of the vote item labelled `label` on a tablet.
async fn vote_item(tablet: &Window, label: &str) -> String {
    let condition = format!(
        "[...document.querySelectorAll('.vote-item')].some(li => li.querySelector('.item-label').textContent === {})",
        js(label)
    );
    tablet
        .wait_until(
            &condition,
            "[...document.querySelectorAll('.item-label')].map(e => e.textContent)",
        )
        .await;
    let found = tablet
        .eval(&format!(
            "[...document.querySelectorAll('.vote-item')].find(li => li.querySelector('.item-label').textContent === {}).dataset.item",
            js(label)
        ))
        .await;
    found.as_str().expect("a data-item").to_owned()
}

/// Taps + on `label` until the table gives it `points`, waiting for each tap
/// to be confirmed by the server (no pending mark left).
async fn give_points(tablet: &Window, label: &str, points: u32) {
    let item = vote_item(tablet, label).await;
    let row = format!(".vote-item[data-item=\"{item}\"]");
    tablet.tap_points(&row, points).await;
}

/// Submits an idea from a tablet and waits until it is listed as the table's own.
async fn submit_idea(tablet: &Window, text: &str) {
    tablet.type_into("#idea-text", text).await;
    tablet.click("#submit-idea").await;
    tablet
        .wait_until(
            &format!(
                "[...document.querySelectorAll('.ideas.own .idea-text')].some(e => e.textContent === {})",
                js(text)
            ),
            "document.querySelector('main').innerText",
        )
        .await;
}

/// The wall's histogram: label → points.
async fn wall_bars(wall: &Window) -> BTreeMap<String, u64> {
    let bars = wall
        .eval("[...document.querySelectorAll('.wall .bar')].map(b => [b.querySelector('.bar-label').textContent, +b.dataset.points])")
        .await;
    serde_json::from_value::<Vec<(String, u64)>>(bars)
        .expect("bars")
        .into_iter()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_ideation_workshop_runs_in_real_browsers() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({
            "template": "ideation",
            "title": "Salle municipale",
            "question": "Comment mieux utiliser la salle municipale ?",
        }))
        .await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let code = created.join_code.clone();
    tokio::time::timeout(SCENARIO, async {
        // The facilitator opens the link a creation gives; the secret leaves the address bar.
        let facilitator = browser.window(1366, 900).await;
        facilitator
            .open(&format!("{base}/#/facilitate/{}/{}", created.workshop, created.facilitator_secret))
            .await;
        facilitator.wait_for(".join-info [data-code]").await;
        assert_eq!(
            facilitator.eval("location.hash").await,
            json!(format!("#/facilitate/{}", created.workshop)),
            "the secret must not stay in the address"
        );
        let wall = browser.window(1920, 1080).await;
        wall.open(&format!("{base}/#/wall/{code}")).await;
        assert_eq!(wall.eval("document.querySelector('.join-code').textContent").await, json!(code));
        wall.wait_for(".qr path").await;

        let mut tablets = Vec::new();
        for (i, name) in ["Table 1", "Table 2", "Table 3"].into_iter().enumerate() {
            let tablet = browser.window(800, 1280).await;
            if i == 0 {
                tablet.open(&format!("{base}/#/join/{code}")).await;
                tablet.wait_for("#table-name").await;
                tablet.check_accessibility("tablet join").await;
                tablet.screenshot("tablet-join").await;
            }
            tablet.join_table(base, &code, name).await;
            tablets.push(tablet);
        }
        facilitator
            .wait_until(
                "document.querySelectorAll('tr[data-table] td[data-online=true]').length === 3",
                "document.querySelector('.console-side').innerText",
            )
            .await;

        // Divergence: ideas typed on tablets appear on the wall.
        facilitator.click("#open-step").await;
        tablets[0].wait_until("document.querySelector('.badge.open') !== null", "document.querySelector('.step-header').innerText").await;
        submit_idea(&tablets[0], "Des pistes cyclables sécurisées").await;
        submit_idea(&tablets[1], "Un marché bio le samedi").await;
        submit_idea(&tablets[0], "Un jardin partagé").await;
        submit_idea(&tablets[1], "Des bancs dans le parc").await;
        // While typing an idea that exists, the tablet says so.
        tablets[2].wait_until("document.querySelectorAll('.ideas.others .idea').length === 4", "document.querySelector('.ideas.others').innerText").await;
        tablets[2].type_into("#idea-text", "Plus de pistes cyclables").await;
        tablets[2]
            .wait_until(
                "document.querySelector('.similar')?.innerText.includes('Des pistes cyclables sécurisées') === true",
                "document.querySelector('.idea-form').innerText",
            )
            .await;
        tablets[2].screenshot("tablet-divergence-similar").await;
        tablets[2].check_accessibility("tablet divergence").await;
        tablets[2].click("#submit-idea").await;
        wall.wait_until("document.querySelectorAll('.idea-card').length === 5", "document.querySelector('.idea-wall').innerText").await;
        wall.check_accessibility("wall (ideas)").await;
        wall.screenshot("wall-ideas").await;

        // Grouping: the facilitator merges the two cycling ideas, with the keyboard-friendly checkboxes.
        facilitator.click("#next-step").await;
        facilitator.wait_for("#merge").await;
        for text in ["Des pistes cyclables sécurisées", "Plus de pistes cyclables"] {
            let id = facilitator
                .eval(&format!(
                    "[...document.querySelectorAll('li.idea')].find(li => li.querySelector('.idea-text').textContent.startsWith({})).querySelector('input[type=checkbox]').id",
                    js(text)
                ))
                .await;
            facilitator.click(&format!("#{}", id.as_str().expect("an id"))).await;
        }
        facilitator.type_into("#cluster-title", "Pistes cyclables").await;
        facilitator.click("#merge").await;
        wall.wait_until(
            "document.querySelectorAll('.idea-card').length === 4 && document.querySelector('.idea-card.cluster')?.innerText.startsWith('Pistes cyclables') === true",
            "document.querySelector('.idea-wall').innerText",
        )
        .await;
        facilitator.check_accessibility("facilitator (grouping)").await;
        facilitator.screenshot("facilitator-grouping").await;

        // The vote, results shown live on the wall.
        facilitator.click("#next-step").await;
        facilitator.click("#open-step").await;
        facilitator.click("#toggle-results").await;
        for tablet in &tablets {
            tablet.wait_until("document.querySelector('.budget') !== null && document.querySelector('.badge.open') !== null", "document.querySelector('main').innerText").await;
        }
        // A table's own ideas are marked and have no + button; the group of
        // two tables' ideas is neither's own (the default `own_groups`).
        let shared = vote_item(&tablets[0], "Pistes cyclables").await;
        assert_eq!(
            tablets[0].eval(&format!("[document.querySelector('.vote-item[data-item=\"{shared}\"]').classList.contains('own'), document.querySelectorAll('.vote-item[data-item=\"{shared}\"] button').length]")).await,
            json!([false, 2]),
            "a group of two tables' ideas takes their points"
        );
        for (tablet, own) in [(&tablets[0], "Un jardin partagé"), (&tablets[1], "Un marché bio le samedi")] {
            let item = vote_item(tablet, own).await;
            assert_eq!(
                tablet.eval(&format!("[document.querySelector('.vote-item[data-item=\"{item}\"]').classList.contains('own'), document.querySelectorAll('.vote-item[data-item=\"{item}\"] button').length]")).await,
                json!([true, 0]),
                "{own} is its table's own idea: marked, and no button to vote for it"
            );
        }
        give_points(&tablets[0], "Un marché bio le samedi", 3).await;
        give_points(&tablets[0], "Des bancs dans le parc", 2).await;
        give_points(&tablets[1], "Pistes cyclables", 3).await;
        give_points(&tablets[1], "Un jardin partagé", 1).await;
        give_points(&tablets[2], "Un marché bio le samedi", 2).await;
        give_points(&tablets[2], "Un jardin partagé", 3).await;
        give_points(&tablets[2], "Des bancs dans le parc", 1).await;
        // The cap: a fourth point for the same idea cannot be given.
        let market = vote_item(&tablets[0], "Un marché bio le samedi").await;
        assert_eq!(
            tablets[0].eval(&format!("document.querySelector('.vote-item[data-item=\"{market}\"] button[aria-label^=\"Ajouter\"]').disabled")).await,
            json!(true),
            "3 points is the most one table gives one idea"
        );
        assert_eq!(tablets[0].eval("document.querySelector('.points-left').textContent").await, json!("25"));
        assert_eq!(tablets[2].eval("document.querySelector('.points-left').textContent").await, json!("24"));

        let expected: BTreeMap<String, u64> = [
            ("Un marché bio le samedi", 5),
            ("Un jardin partagé", 4),
            ("Pistes cyclables", 3),
            ("Des bancs dans le parc", 3),
        ]
        .into_iter()
        .map(|(label, points)| (label.to_owned(), points))
        .collect();
        let started = std::time::Instant::now();
        while wall_bars(&wall).await != expected {
            assert!(
                started.elapsed() < ruche_tests::browser::PAGE_WAIT,
                "the wall shows {:?}, not {expected:?}",
                wall_bars(&wall).await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(
            wall.eval("document.querySelector('.wall .bar .bar-label').textContent").await,
            json!("Un marché bio le samedi"),
            "the histogram is sorted, most points first"
        );
        assert_eq!(
            wall.eval("document.querySelector('.wall .histogram .done-count').textContent").await,
            json!("0 / 3 tables ont fini"),
            "the wall counts the tables from a frame that no longer lists their budgets"
        );
        wall.check_accessibility("wall (vote)").await;
        wall.screenshot("wall-vote").await;
        tablets[0].check_accessibility("tablet (vote)").await;
        tablets[0].screenshot("tablet-vote").await;
        assert_eq!(
            facilitator.eval("[...document.querySelectorAll('tr[data-table] td:nth-child(4)')].map(td => td.textContent)").await,
            json!(["5", "4", "6"]),
            "the facilitator sees each table's points given"
        );
        facilitator.check_accessibility("facilitator (vote)").await;
        facilitator.screenshot("facilitator-vote").await;

        // A tablet that leaves shows offline on the console.
        let mut tablets = tablets.into_iter();
        tablets.next().expect("table 1").close().await;
        facilitator
            .wait_until(
                "document.querySelector('tr[data-table] td').dataset.online === 'false' && document.querySelectorAll('td[data-online=true]').length === 2",
                "document.querySelector('.console-side').innerText",
            )
            .await;
        for tablet in tablets {
            tablet.close().await;
        }
        wall.close().await;
        facilitator.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_evaluation_is_scored_seat_by_seat_and_shown_on_the_wall() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let items = ["Cours de français", "Parrainage", "Logement"];
    let created = server
        .create(json!({
            "template": "evaluation",
            "title": "Accueil des réfugiés",
            "question": "Quelles actions pour l'accueil ?",
            "items": items,
        }))
        .await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let code = created.join_code.clone();
    tokio::time::timeout(SCENARIO, async {
        let mut facilitator = Client::facilitator(server.addr, &created).await;
        let wall = browser.window(1280, 720).await;
        wall.open(&format!("{base}/#/wall/{code}")).await;
        let tablet = browser.window(1280, 800).await;
        tablet.join_table(base, &code, "Table A").await;
        facilitator.accepted(Command::OpenStep(flow::OpenStep { duration_secs: Some(600) })).await;
        tablet.wait_for(".score-card").await;
        tablet.wait_for(".countdown").await;

        // Seat by seat: seat s gives item i on criterion k the score (2s + 3i + k) mod 11.
        let score = |seat: u32, item: u32, criterion: u32| (2 * seat + 3 * item + criterion) % 11;
        for seat in 1..=3u32 {
            tablet.click(&format!(".seats button:nth-child({seat})")).await;
            tablet
                .wait_until(
                    &format!("document.querySelector('.seats button:nth-child({seat})').getAttribute('aria-pressed') === 'true'"),
                    "document.querySelector('.seats').outerHTML",
                )
                .await;
            for item in 0..3u32 {
                for criterion in 0..3u32 {
                    let value = score(seat, item, criterion);
                    let row = format!("fieldset[data-item=\"{item}\"][data-criterion=\"{criterion}\"]");
                    tablet.click(&format!("{row} .scale button:nth-child({})", value + 1)).await;
                    tablet
                        .wait_until(
                            &format!("document.querySelector('{row}').dataset.score === '{value}' && !document.querySelector('{row} .pending')"),
                            &format!("document.querySelector('{row}').outerHTML"),
                        )
                        .await;
                }
            }
            assert_eq!(
                tablet.eval("document.querySelector('.left').dataset.left").await,
                json!("0"),
                "everything is scored for seat {seat}"
            );
            if seat == 1 {
                tablet.check_accessibility("tablet (scoring)").await;
                tablet.screenshot("tablet-scoring").await;
            }
        }

        facilitator.show_results(true).await;
        let expected: Vec<Vec<String>> = (0..3)
            .map(|item| {
                (0..3)
                    .map(|criterion| {
                        let sum: u32 = (1..=3).map(|seat| score(seat, item, criterion)).sum();
                        format!("{:.3}", f64::from(sum) / 3.0)
                    })
                    .collect()
            })
            .collect();
        let read = "[...document.querySelectorAll('.wall .score-item')].map(s => [...s.querySelectorAll('.criterion')].map(c => c.dataset.mean))";
        wall.wait_until(
            &format!("JSON.stringify({read}) === {}", js(&serde_json::to_string(&expected).unwrap())),
            read,
        )
        .await;
        let ranked: Value = wall.eval("[...document.querySelectorAll('.wall .ranking li')].length").await;
        assert_eq!(ranked, json!(3), "every item is ranked");
        wall.check_accessibility("wall (scoring)").await;
        wall.screenshot("wall-scoring").await;
        tablet.close().await;
        wall.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workshop_is_created_from_the_landing_page() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    tokio::time::timeout(SCENARIO, async {
        let laptop = browser.window(1366, 768).await;
        // Ruche's address shows how to join (what a phone opening it needs);
        // « Animer un atelier » leads to the creation form, in the
        // designer's own bundle (a tablet never downloads it).
        laptop.open(&format!("{base}/#/")).await;
        laptop.wait_for("#join-code").await;
        let forms = laptop
            .eval("[document.querySelector('#template') === null, performance.getEntriesByType('resource').some(r => ['ruche_console', 'ruche_designer', 'ruche_wall'].some(b => r.name.includes(b)))]")
            .await;
        assert_eq!(forms, json!([true, false]), "no creation form, no facilitator's or wall's bundle for participants");
        laptop.screenshot("landing-join").await;
        laptop.click("#to-create").await;
        laptop.wait_for("#template").await;
        let loaded = laptop
            .eval("performance.getEntriesByType('resource').some(r => r.name.includes('ruche_designer_bg.wasm'))")
            .await;
        assert_eq!(loaded, json!(true), "the creation form comes with the designer's bundle");
        laptop
            .eval("(() => { const s = document.querySelector('#template'); s.value = 'ideation_then_dots'; s.dispatchEvent(new Event('change')); return true; })()")
            .await;
        laptop.type_into("#title", "La mairie de demain").await;
        laptop.type_into("#question", "Comment pourrions-nous… ?").await;
        laptop.click("#create-workshop").await;
        // The console opens; its address keeps the workshop, not the secret.
        laptop
            .wait_until(
                "document.querySelector('.join-info [data-code]') !== null && location.hash.startsWith('#/facilitate/')",
                "location.hash + ' ' + document.querySelector('main').innerText",
            )
            .await;
        let hash = laptop.eval("location.hash").await;
        let workshop = hash.as_str().unwrap().trim_start_matches("#/facilitate/").to_owned();
        assert!(!workshop.contains('/'), "the secret left the address: {hash}");
        let steps = laptop.eval("document.querySelector('main').innerText").await;
        assert!(
            steps.as_str().unwrap().contains("Vote par gommettes"),
            "the programme has the dot vote: {steps}"
        );
        laptop.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dot_vote_is_placed_person_by_person_and_shown_on_the_wall() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({
            "template": "ideation_then_dots",
            "title": "La mairie de demain",
            "question": "Comment pourrions-nous rendre la mairie accessible sans s'y déplacer ?",
        }))
        .await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let code = created.join_code.clone();
    tokio::time::timeout(SCENARIO, async {
        let mut facilitator = Client::facilitator(server.addr, &created).await;
        // Another table's ideas, typed over the protocol; this tablet writes one of its own.
        let mut other = Client::join(server.addr, &code, "Table B").await;
        let wall = browser.window(1280, 720).await;
        wall.open(&format!("{base}/#/wall/{code}")).await;
        let tablet = browser.window(1024, 768).await;
        tablet.join_table(base, &code, "Table A").await;
        facilitator.open_step().await;
        let theirs = ["Un guichet mobile dans les quartiers", "Des rendez-vous en visio"];
        for text in theirs {
            other.accepted(Command::SubmitIdea(divergence::SubmitIdea { text: text.into(), category: None, seat: None })).await;
        }
        tablet.wait_for("#idea-text").await;
        submit_idea(&tablet, "Un agent qui se déplace à domicile").await;
        facilitator.go_and_open(2).await;

        // Each of the three people keeps one idea; their own table's idea has no button.
        let keep = |seat: u32, label: &'static str| {
            let tablet = &tablet;
            async move {
                tablet.click(&format!(".seats button:nth-child({seat})")).await;
                let item = vote_item(tablet, label).await;
                let row = format!(".dot-item[data-item=\"{item}\"]");
                tablet.click(&format!("{row} .dot-toggle")).await;
                tablet
                    .wait_until(
                        &format!("document.querySelector('{row}').dataset.dots === '1' && !document.querySelector('{row} .pending') && document.querySelector('.budget').dataset.dotsLeft === '0'"),
                        &format!("document.querySelector('{row}').outerHTML + document.querySelector('.budget').outerHTML"),
                    )
                    .await;
                item
            }
        };
        keep(1, theirs[0]).await;
        keep(2, theirs[0]).await;
        let second = keep(3, theirs[1]).await;
        let own = tablet
            .eval("document.querySelector('.dot-item.own .dot-toggle') === null && document.querySelector('.dot-item.own .badge.own') !== null")
            .await;
        assert_eq!(own, json!(true), "the table's own idea gets no dot button");
        // Person 3 has placed their dot: keeping another idea is refused by the engine.
        let first = vote_item(&tablet, theirs[0]).await;
        let disabled = tablet
            .eval(&format!("document.querySelector('.dot-item[data-item=\"{first}\"] .dot-toggle').disabled"))
            .await;
        assert_eq!(disabled, json!(true), "no dot left for person 3");
        tablet.check_accessibility("tablet (dot vote)").await;
        tablet.screenshot("tablet-dot-vote").await;

        facilitator.show_results(true).await;
        let read = "[...document.querySelectorAll('.wall .dots .bar')].map(b => [b.querySelector('.bar-label').textContent, +b.dataset.dots])";
        let expected = json!([[theirs[0], 2], [theirs[1], 1], ["Un agent qui se déplace à domicile", 0]]);
        wall.wait_until(&format!("JSON.stringify({read}) === {}", js(&expected.to_string())), read)
            .await;
        let done = wall.eval("document.querySelector('.wall .dots .done-count').dataset.seatsDone").await;
        assert_eq!(done, json!("3"), "the three people of table A are done");
        assert!(second.starts_with('i'));
        wall.check_accessibility("wall (dot vote)").await;
        wall.screenshot("wall-dot-vote").await;
        tablet.close().await;
        wall.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tablet_reloaded_mid_vote_keeps_its_table_and_points() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({ "template": "ideation", "title": "Salle", "question": "Quoi ?" }))
        .await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let code = created.join_code.clone();
    tokio::time::timeout(SCENARIO, async {
        // A phone this time: the same screens must work at 390 px.
        let tablet = browser.window(390, 844).await;
        tablet.open(&format!("{base}/")).await;
        tablet.wait_for("#join-code").await;
        tablet.check_accessibility("landing").await;
        tablet.screenshot("landing").await;

        let mut facilitator = Client::facilitator(server.addr, &created).await;
        facilitator.go_and_open(0).await;
        for text in ["Une ludothèque", "Un café associatif"] {
            facilitator.accepted(Command::SubmitIdea(divergence::SubmitIdea { text: text.into(), category: None, seat: None })).await;
        }
        facilitator.go_and_open(2).await;

        tablet.join_table(base, &code, "Table 7").await;
        give_points(&tablet, "Une ludothèque", 2).await;
        give_points(&tablet, "Un café associatif", 1).await;
        tablet.check_accessibility("tablet on a phone (vote)").await;
        tablet.screenshot("phone-vote").await;
        let token_before = tablet.eval(&format!("localStorage.getItem('ruche.table.{code}')")).await;
        assert!(token_before.is_string(), "the table token is kept in local storage");

        tablet.client.refresh().await.expect("the page reloads");
        tablet
            .wait_until(
                "document.querySelector('.table-name')?.textContent === 'Table 7' && document.querySelector('.points-left')?.textContent === '27'",
                "document.querySelector('main').innerText",
            )
            .await;
        let item = vote_item(&tablet, "Une ludothèque").await;
        assert_eq!(
            tablet.eval(&format!("document.querySelector('.vote-item[data-item=\"{item}\"]').dataset.points")).await,
            json!("2")
        );
        // Still the same table on the server: one table, with its 3 points.
        let mut fresh = Client::facilitator(server.addr, &created).await;
        let workshop = fresh
            .expect("a snapshot", |m| match m {
                ServerMsg::Snapshot { workshop, .. } => {
                    Some(ruche_shared::Workshop::from_view((**workshop).clone()).expect("a readable snapshot"))
                }
                _ => None,
            })
            .await;
        assert_eq!(workshop.tables().len(), 1, "the reload did not make a second table");
        let ledger = workshop.vote_ledger(2).expect("a vote step");
        assert_eq!(ledger.spent(workshop.tables()[0].id), 3);
        assert!(matches!(workshop.vote_items().next(), Some(ItemRef::Idea(_))));
        tablet.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_kept_from_before_a_reload_is_sent_again_and_counted_once() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({ "template": "ideation", "title": "Salle", "question": "Quoi ?" }))
        .await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let code = created.join_code.clone();
    tokio::time::timeout(SCENARIO, async {
        let mut facilitator = Client::facilitator(server.addr, &created).await;
        facilitator.go_and_open(0).await;
        facilitator
            .accepted(Command::SubmitIdea(divergence::SubmitIdea { text: "Une ludothèque".into(), category: None, seat: None }))
            .await;
        facilitator.go_and_open(2).await;
        let tablet = browser.window(390, 844).await;
        tablet.join_table(base, &code, "Table 7").await;
        tablet.wait_for(".points-left").await;
        // Two points given just before the tablet lost its page, not yet
        // answered: what the outbox keeps in local storage, as written.
        let kept = format!(
            "localStorage.setItem('ruche.outbox.{code}', JSON.stringify([['0f5e8a52-6c1d-4b7e-9d3a-2c4b6a8e1f07', {{type: 'set_vote', item: 'i0', points: 2}}]])) ?? true"
        );
        for _ in 0..2 {
            // Twice: the same operation, kept and sent again after each reload.
            tablet.eval(&kept).await;
            tablet.client.refresh().await.expect("the page reloads");
            tablet
                .wait_until(
                    "document.querySelector('.points-left')?.textContent === '28'",
                    "document.querySelector('main').innerText",
                )
                .await;
            // Answered: nothing left to send.
            tablet
                .wait_until(
                    &format!("localStorage.getItem('ruche.outbox.{code}') === null"),
                    &format!("localStorage.getItem('ruche.outbox.{code}')"),
                )
                .await;
        }
        let mut fresh = Client::facilitator(server.addr, &created).await;
        let workshop = fresh
            .expect("a snapshot", |m| match m {
                ServerMsg::Snapshot { workshop, .. } => {
                    Some(ruche_shared::Workshop::from_view((**workshop).clone()).expect("a readable snapshot"))
                }
                _ => None,
            })
            .await;
        let ledger = workshop.vote_ledger(2).expect("a vote step");
        assert_eq!(ledger.spent(workshop.tables()[0].id), 2, "counted once");
        tablet.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}
