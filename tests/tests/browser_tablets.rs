//! The tablets as residents meet them (« A real evening »): the rules said in
//! one line, why a control is grey, a closed step saying so, words for
//! residents, what each criterion's ends mean, a seat's scores kept from the
//! next seat, and a tick per finished seat. Headless Chromium against a real
//! server; skipped loudly without Chromium, failing under `CI=true`.

use std::time::Duration;

use ruche_shared::flow;
use ruche_tests::browser::{Browser, Window};
use ruche_tests::{Client, TestServer};
use serde_json::json;

/// The longest a scenario may take.
const SCENARIO: Duration = Duration::from_secs(180);

static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Text of the first element matching `css` (empty when there is none).
async fn text(window: &Window, css: &str) -> String {
    window
        .eval(&format!("document.querySelector({css:?})?.innerText ?? ''"))
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Scores every cell of the seat in hand with `value`, waiting for each.
async fn score_all(tablet: &Window, items: u32, criteria: u32, value: u32) {
    for item in 0..items {
        for criterion in 0..criteria {
            let row = format!("fieldset[data-item=\"{item}\"][data-criterion=\"{criterion}\"]");
            tablet
                .click(&format!("{row} .scale button:nth-child({})", value + 1))
                .await;
            tablet
                .wait_until(
                    &format!("document.querySelector('{row}').dataset.score === '{value}' && !document.querySelector('{row} .pending')"),
                    &format!("document.querySelector('{row}').outerHTML"),
                )
                .await;
        }
    }
}

/// Which seat is in hand (its `aria-pressed` button), 1-based.
async fn seat_in_hand(tablet: &Window) -> serde_json::Value {
    tablet
        .eval("[...document.querySelectorAll('.seats .seat')].findIndex(b => b.getAttribute('aria-pressed') === 'true') + 1")
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scoring_says_what_the_ends_mean_and_keeps_each_seats_scores_to_itself() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({
            "template": "evaluation",
            "title": "Accueil des réfugiés",
            "question": "Quelles actions ?",
            "items": ["Cours de français", "Parrainage"],
        }))
        .await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let code = created.join_code.clone();
    tokio::time::timeout(SCENARIO, async {
        let mut facilitator = Client::facilitator(server.addr, &created).await;
        let tablet = browser.window(1024, 768).await;
        tablet.join_table(base, &code, "Table A").await;
        tablet.wait_for(".score-card").await;

        // Closed: the scale is grey and the tablet says why.
        assert!(text(&tablet, ".closed-note").await.contains("fermée"));
        assert_eq!(
            tablet.eval("[...document.querySelectorAll('.score')].every(b => b.disabled)").await,
            json!(true)
        );
        // Words for residents: what to do, not the method's name.
        let heading = text(&tablet, ".step-name").await;
        assert!(heading.contains("Notez les idées"), "{heading}");
        assert!(!heading.to_lowercase().contains("multicritère"), "{heading}");
        // Each criterion says what its ends mean and which is better.
        let cost = text(&tablet, "fieldset[data-item=\"0\"][data-criterion=\"1\"] .ends").await;
        assert_eq!(cost, "0 = peu coûteux, 10 = très coûteux · 0 = le mieux");

        facilitator
            .accepted(flow::OpenStep { duration_secs: None }.into())
            .await;
        tablet
            .wait_until("document.querySelector('.closed-note') === null", "document.querySelector('main').innerText")
            .await;

        // Seat 1 scores everything: its tick, and the tablet is handed on.
        score_all(&tablet, 2, 3, 7).await;
        tablet
            .wait_until(
                "document.querySelector('.seats .seat:nth-child(1)').dataset.done === 'true' && document.querySelector('.seats .seat:nth-child(1) .tick') !== null",
                "document.querySelector('.seats').outerHTML",
            )
            .await;
        assert_eq!(
            tablet.eval("document.querySelector('.seats .seat:nth-child(2)').dataset.done").await,
            json!("false")
        );
        tablet.click("#next-seat").await;
        assert_eq!(seat_in_hand(&tablet).await, json!(2));
        tablet.screenshot("tablet-scoring-seat-done").await;

        // Seat 2 cannot open seat 1's scores without confirming the tablet
        // is back in seat 1's hands.
        tablet.eval("window.confirm = () => false").await;
        tablet.click(".seats .seat:nth-child(1)").await;
        assert_eq!(seat_in_hand(&tablet).await, json!(2), "seat 1's scores stay hidden");
        tablet.eval("window.confirm = () => true").await;
        tablet.click(".seats .seat:nth-child(1)").await;
        assert_eq!(seat_in_hand(&tablet).await, json!(1));
        // A seat with nothing scored opens without a question.
        tablet.eval("window.confirm = () => false").await;
        tablet.click(".seats .seat:nth-child(3)").await;
        assert_eq!(seat_in_hand(&tablet).await, json!(3));

        // The results: the median and why the ranking is what it is, and
        // no statistician's word on a resident's tablet.
        facilitator.show_results(true).await;
        tablet.wait_for(".scoreboard .criterion[data-median]").await;
        let medians = tablet
            .eval("[...document.querySelectorAll('.scoreboard .criterion')].map(c => c.dataset.median)")
            .await;
        assert_eq!(medians, json!(["7.0", "7.0", "7.0", "7.0", "7.0", "7.0"]));
        let rule = text(&tablet, ".ranking-rule").await;
        assert!(rule.contains("coût"), "the reversed criterion is named: {rule}");
        let page = text(&tablet, "main").await;
        assert!(!page.contains("écart-type"), "{page}");
        assert!(text(&tablet, ".criterion .lower-better").await.contains("le plus bas"));
        tablet.check_accessibility("tablet (scoring, seat done)").await;
        tablet.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vote_states_its_rules_and_why_a_button_is_grey() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let scene = ruche_tests::scene::Scene::vote_on_facilitator_ideas(server.addr, 3).await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let mut facilitator = scene.facilitator;
    tokio::time::timeout(SCENARIO, async {
        let tablet = browser.window(390, 844).await;
        tablet
            .join_table(base, &scene.created.join_code, "Table A")
            .await;
        tablet.wait_for(".vote-item").await;
        assert_eq!(
            text(&tablet, ".rules").await,
            "30 points par table, 3 au plus par idée, pas pour ses propres idées"
        );
        assert!(
            text(&tablet, ".step-name")
                .await
                .contains("Votez avec vos points")
        );

        let row = ".vote-item:nth-child(1)";
        tablet.tap_points(row, 3).await;
        // At the cap: + is grey, and the row says why; the others do not.
        assert_eq!(
            tablet
                .eval(&format!(
                    "document.querySelector('{row} button[aria-label^=\"Ajouter\"]').disabled"
                ))
                .await,
            json!(true)
        );
        assert_eq!(
            text(&tablet, &format!("{row} .why")).await,
            "maximum atteint"
        );
        assert_eq!(
            tablet
                .eval("document.querySelectorAll('.vote-item .why').length")
                .await,
            json!(1)
        );
        tablet.screenshot("phone-vote-rules").await;

        // Three ideas at 3 points at most: 9 of the 30 points can be given,
        // the phone says so, and once they are it says the vote is done.
        assert_eq!(
            text(&tablet, ".rules.reach").await,
            "Avec ces idées, vous pourrez donner 9 points au plus."
        );
        for row in [".vote-item:nth-child(2)", ".vote-item:nth-child(3)"] {
            tablet.tap_points(row, 3).await;
        }
        tablet.wait_for(".done[data-left-over='21']").await;
        assert!(text(&tablet, ".done").await.starts_with("Vote terminé"));
        let console = browser.window(1366, 768).await;
        console.open(&server.console_url(&scene.created)).await;
        console.wait_for(".budget-warning").await;
        let warning = text(&console, ".budget-warning").await;
        assert!(
            warning.contains("1 table(s)") && warning.contains("au plus 9 sur 30"),
            "{warning}"
        );
        console.close().await;

        // Closed: said above the list, every button grey.
        facilitator.accepted(flow::CloseStep {}.into()).await;
        tablet.wait_for(".closed-note").await;
        assert_eq!(
            tablet
                .eval("[...document.querySelectorAll('.vote-item button')].every(b => b.disabled)")
                .await,
            json!(true)
        );
        tablet.check_accessibility("phone (vote, closed)").await;
        tablet.close().await;
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_divergence_greys_the_idea_field_and_says_so() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({ "template": "ideation", "title": "Salle", "question": "Comment ?" }))
        .await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    tokio::time::timeout(SCENARIO, async {
        let mut facilitator = Client::facilitator(server.addr, &created).await;
        let tablet = browser.window(768, 1024).await;
        tablet.join_table(base, &created.join_code, "Table A").await;
        tablet.wait_for("#idea-text").await;
        assert_eq!(tablet.eval("document.querySelector('#idea-text').disabled").await, json!(true));
        assert!(text(&tablet, ".closed-note").await.contains("attendez l'animateur"));
        let heading = text(&tablet, ".step-name").await;
        assert!(heading.contains("Proposez vos idées") && !heading.contains("Divergence"), "{heading}");

        facilitator
            .accepted(flow::OpenStep { duration_secs: None }.into())
            .await;
        tablet
            .wait_until(
                "document.querySelector('#idea-text').disabled === false && document.querySelector('.closed-note') === null",
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
async fn a_dead_tablets_table_continues_on_a_new_one_with_the_consoles_code() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({ "template": "ideation", "title": "Salle", "question": "Comment ?" }))
        .await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let code = created.join_code.clone();
    let main_text = "document.querySelector('main').innerText";
    tokio::time::timeout(SCENARIO, async {
        let mut facilitator = Client::facilitator(server.addr, &created).await;
        facilitator
            .accepted(flow::OpenStep { duration_secs: None }.into())
            .await;
        let old = browser.window(768, 1024).await;
        old.join_table(base, &code, "Table A").await;
        old.type_into("#idea-text", "Un café des habitants").await;
        old.click("#submit-idea").await;
        old.wait_until(&format!("{main_text}.includes('Un café des habitants') && !document.querySelector('.pending')"), main_text)
            .await;
        // Joining is locked: a new tablet cannot come in as a new table.
        facilitator
            .accepted(ruche_shared::joining::SetJoiningLocked { locked: true }.into())
            .await;

        // The console gives Table A's code.
        let console = browser.window(1366, 768).await;
        console.open(&server.console_url(&created)).await;
        console.click(".handover summary").await;
        console.click("#handover").await;
        console.wait_for(".handover-code .code").await;
        let handover = console
            .eval("document.querySelector('.handover-code .code').dataset.handover")
            .await;
        let handover = handover.as_str().expect("a code").to_owned();
        assert_eq!(handover.len(), 8, "{handover}");
        assert!(text(&console, ".handover-code").await.contains("Table A"));
        let address = text(&console, ".handover-address").await;
        assert!(address.ends_with(&format!("/#/join/{code}")), "{address}");
        console
            .eval("document.querySelector('.handover-code').scrollIntoView({block: 'center'}) ?? true")
            .await;
        console.screenshot("console-handover-code").await;
        console.check_accessibility("console (handover code)").await;

        // The new tablet: the join form, « Reprenez votre table », the code.
        let new = browser.window(768, 1024).await;
        new.open(&format!("{base}/#/join/{code}")).await;
        new.click(".takeover summary").await;
        new.type_into("#handover-code", &format!("{} {}", &handover[..4], &handover[4..]))
            .await;
        new.click("#take-over").await;
        new.wait_until(
            "document.querySelector('.table-name')?.textContent === 'Table A'",
            main_text,
        )
        .await;
        new.wait_until(&format!("{main_text}.includes('Un café des habitants')"), main_text)
            .await;
        let address = new.eval("location.hash").await;
        assert_eq!(address, json!(format!("#/join/{code}")), "the spent code leaves the address");
        new.screenshot("tablet-taken-over").await;

        // The old tablet is told, and offered the way back should it be wrong.
        old.wait_until(&format!("{main_text}.includes('continue sur une autre tablette')"), main_text)
            .await;
        assert_eq!(old.eval("document.querySelector('details.takeover').open").await, json!(true));
        old.screenshot("tablet-let-go").await;
        old.check_accessibility("tablet (let go)").await;

        // The console sees it done; the new tablet stays the table after a reload.
        console
            .wait_until(
                "document.querySelector('.handover-done')?.innerText.includes('Table A')",
                "document.querySelector('.handover').innerText",
            )
            .await;
        new.open(&format!("{base}/#/join/{code}")).await;
        new.wait_until(
            "document.querySelector('.table-name')?.textContent === 'Table A'",
            main_text,
        )
        .await;
        for window in [old, new, console] {
            window.close().await;
        }
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_design_thinking_workshop_personas_then_three_circles_then_dots() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({
            "template": "design_thinking",
            "title": "Imaginer la mairie de demain",
            "question": "Comment pourrions-nous simplifier les démarches en mairie ?",
        }))
        .await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let code = created.join_code.clone();
    let main_text = "document.querySelector('main').innerText";
    tokio::time::timeout(SCENARIO, async {
        let mut facilitator = Client::facilitator(server.addr, &created).await;
        let tablet = browser.window(768, 1024).await;
        tablet.join_table(base, &code, "Table A").await;
        let mut other = Client::join(server.addr, &code, "Table B").await;
        assert_eq!(tablet.eval("document.querySelector('.persona-card') === null").await, json!(true));

        // The console deals the four personas: Table A thinks for Chloé.
        let console = browser.window(1366, 768).await;
        console.open(&server.console_url(&created)).await;
        console.click("#deal-personas").await;
        console
            .wait_until(
                "document.querySelector('#persona-1')?.value === '1'",
                "document.querySelector('.personas')?.innerText",
            )
            .await;
        console.check_accessibility("console (personas)").await;
        tablet
            .wait_until(
                "document.querySelector('.persona-card summary')?.innerText.includes('Chloé, 32 ans')",
                main_text,
            )
            .await;
        let card = text(&tablet, ".persona-card").await;
        assert!(card.contains("réservation de parking à distance"), "{card}");
        // Its « Comment pourrions-nous… ? », from Chloé's frustration.
        let started = tablet.eval("document.querySelector('#table-question').value").await;
        assert_eq!(started, json!("Comment pourrions-nous aider Chloé "));
        let chloe = "Comment pourrions-nous aider Chloé à réserver une place de parking à distance ?";
        tablet.type_into("#table-question", chloe).await;
        tablet.click("#save-question").await;
        tablet
            .wait_until(
                &format!("document.querySelector('.question').innerText === {chloe:?}"),
                main_text,
            )
            .await;
        tablet.screenshot("tablet-persona-card").await;
        tablet.check_accessibility("tablet (persona)").await;
        console
            .wait_until(
                &format!("document.querySelector('#question-0').value === {chloe:?}"),
                "document.querySelector('.personas').innerText",
            )
            .await;

        // Three circles: the tablet writes one idea in each, Table B too.
        facilitator
            .accepted(flow::OpenStep { duration_secs: None }.into())
            .await;
        let ideas = [
            ("Réserver sa place de parking en ligne", "Un créneau de parking partagé avec les voisins"),
            ("Un agent qui pose les panneaux pour vous", "Une borne de réservation dans la rue"),
            ("Des places qui se réservent toutes seules", "Un drone qui garde la place"),
        ];
        for (circle, (mine, theirs)) in ideas.iter().enumerate() {
            if circle > 0 {
                let open = ruche_shared::methods::spider_web::OpenCircle { circle: circle as u8 };
                facilitator.accepted(ruche_shared::Command::OpenCircle(open)).await;
                let expected = format!("Cercle {} sur 3", circle + 1);
                tablet
                    .wait_until(
                        &format!("document.querySelector('.current-circle').innerText.startsWith({expected:?})"),
                        "document.querySelector('.current-circle').innerText",
                    )
                    .await;
            }
            tablet.type_into("#idea-text", mine).await;
            tablet.click("#submit-idea").await;
            tablet
                .wait_until(
                    &format!("{main_text}.includes({mine:?}) && !document.querySelector('.pending')"),
                    main_text,
                )
                .await;
            other.submit(theirs).await;
        }
        let wall = browser.window(1280, 720).await;
        wall.open(&format!("{base}/#/wall/{code}")).await;
        wall.wait_until("document.querySelectorAll('.web-idea').length === 6", main_text)
            .await;
        // The tables' own questions, side by side on the wall.
        let listed = text(&wall, ".table-questions").await;
        assert!(listed.contains("Table A") && listed.contains("parking à distance"), "{listed}");
        wall.screenshot("wall-design-thinking-web").await;

        // The dots: each person keeps one idea, from any circle.
        facilitator.go_and_open(1).await;
        for seat in 1..=3 {
            tablet.click(&format!(".seats button:nth-child({seat})")).await;
            let row = ".dot-item:not(.own)";
            tablet.click(&format!("{row} .dot-toggle")).await;
            tablet
                .wait_until(
                    "document.querySelector('.budget').dataset.dotsLeft === '0' && !document.querySelector('.pending')",
                    "document.querySelector('.budget').outerHTML",
                )
                .await;
        }
        assert!(text(&tablet, ".persona-card summary").await.contains("Chloé"), "the card stays");
        facilitator.show_results(true).await;
        wall.wait_until(
            "document.querySelector('.wall .dots .done-count')?.dataset.seatsDone === '3'",
            main_text,
        )
        .await;
        wall.screenshot("wall-design-thinking-dots").await;
        wall.check_accessibility("wall (design thinking dots)").await;
        for window in [tablet, console, wall] {
            window.close().await;
        }
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}
