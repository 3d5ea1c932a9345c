//! The user journey map as people use it: a tablet picks a stage, rates it
//! with a smiley and writes a feeling; the console opens one stage alone and
//! the tablet follows; the wall draws the map under its emotion curve at
//! projector sizes, every note in its stage's column and row, each stage's
//! median said in words. Headless Chromium against a real server; skipped
//! loudly without Chromium, failing under `CI=true`.

use std::time::Duration;

use ruche_shared::methods::journey::{self, Row};
use ruche_shared::{Command, flow, source};
use ruche_tests::TestServer;
use ruche_tests::browser::Browser;
use serde_json::json;

/// The longest the scenario may take.
const SCENARIO: Duration = Duration::from_secs(180);

fn note(stage: u8, row: Row, text: &str) -> Command {
    Command::AddNote(journey::AddNote {
        stage,
        row,
        text: text.into(),
    })
}

fn rate(stage: u8, rating: u8) -> Command {
    Command::RateStage(journey::RateStage {
        stage,
        rating: Some(rating),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tablets_fill_the_map_and_the_wall_draws_it_with_its_emotion_curve() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({
            "template": "user_journey",
            "title": source::PARCOURS_TITLE,
            "question": source::PARCOURS_QUESTION,
        }))
        .await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let code = created.join_code.clone();
    tokio::time::timeout(SCENARIO, async {
        let mut facilitator = ruche_tests::Client::facilitator(server.addr, &created).await;
        let a = ruche_tests::Client::join(server.addr, &code, "Table 1").await;
        let b = ruche_tests::Client::join(server.addr, &code, "Table 2").await;
        facilitator
            .accepted(flow::OpenStep { duration_secs: None }.into())
            .await;
        let mut tables = [a, b];
        for (table, stage, row, text) in [
            (0, 0, Row::Action, "Se préinscrire puis s'inscrire sur le site des ETS"),
            (0, 0, Row::Feeling, "Rassurée : le programme est clair"),
            (1, 1, Row::Action, "Chercher l'accueil dans le centre des congrès"),
            (1, 1, Row::Opportunity, "Un plan du site envoyé avec le badge"),
            (0, 2, Row::Feeling, "Frustrée : deux ateliers à la même heure"),
            (1, 4, Row::Opportunity, "Un compte rendu envoyé aux participants"),
        ] {
            tables[table].accepted(note(stage, row, text)).await;
        }
        for (table, stage, rating) in [
            (0, 0, 4),
            (1, 0, 5),
            (0, 1, 2),
            (1, 1, 1),
            (0, 2, 2),
            (1, 2, 3),
            (0, 3, 5),
            (1, 4, 3),
        ] {
            tables[table].accepted(rate(stage, rating)).await;
        }

        // A tablet: the second stage, a smiley, a feeling.
        let tablet = browser.window(768, 1024).await;
        tablet.join_table(base, &code, "Table 3").await;
        tablet.click(".stage-tab[data-stage='1']").await;
        tablet.click(".rating[data-rating='2']").await;
        tablet
            .wait_until(
                "document.querySelector(\".rating[data-rating='2']\").getAttribute('aria-pressed') === 'true'",
                "document.querySelector('.ratings').outerHTML",
            )
            .await;
        tablet
            .type_into("#note-feeling", "Perdue en arrivant : pas de fléchage")
            .await;
        tablet.click(".add-note[data-row='feeling']").await;
        tablet
            .wait_until(
                "document.querySelector(\".note-row[data-row='feeling'] .note\")?.innerText.includes('pas de fléchage')",
                "document.querySelector(\".note-row[data-row='feeling']\").outerHTML",
            )
            .await;
        // The smiley's meaning is said in words, not by the face alone.
        assert_eq!(
            tablet
                .eval("document.querySelector(\".rating[data-rating='2'] .rating-words\").innerText")
                .await,
            json!("mauvaise expérience")
        );
        tablet.screenshot("tablet-journey").await;
        tablet.check_accessibility("tablet (user journey)").await;

        // The console opens the welcome alone: the tablet follows.
        let console = browser.window(1366, 768).await;
        console.open(&server.console_url(&created)).await;
        console.click(".stage-button[data-stage='1']").await;
        tablet
            .wait_until(
                "document.querySelector('.current-stage')?.innerText === \"Étape 2 sur 5 : L'arrivée et l'accueil\"",
                "document.querySelector('.journey-stage').innerText",
            )
            .await;
        console
            .wait_until(
                "document.querySelector(\".stage-button[data-stage='1']\").getAttribute('aria-pressed') === 'true'",
                "document.querySelector('.circle-buttons').outerHTML",
            )
            .await;
        // Every note is listed on the console, its stage and row said.
        console
            .wait_until(
                "document.querySelectorAll('.facilitator-ideas li').length === 7 && document.querySelector('.facilitator-ideas').innerText.includes(\"2. L'arrivée et l'accueil · Pensées et émotions\")",
                "document.querySelector('.facilitator-ideas').innerText",
            )
            .await;
        console.screenshot("console-journey").await;
        console.check_accessibility("console (user journey)").await;

        // A note the facilitator hides leaves the wall; shown again, it is back.
        let press = |label: &str| {
            format!("[...document.querySelectorAll('.facilitator-ideas li button')].find(b => b.innerText === {label:?}).click() ?? true")
        };
        console.eval(&press("Masquer")).await;
        let wall = browser.window(1280, 720).await;
        wall.open(&format!("{base}/#/wall/{code}")).await;
        wall.wait_until(
            "document.querySelectorAll('.journey-map td li').length === 6",
            "document.querySelector('main').innerText",
        )
        .await;
        console.eval(&press("Afficher")).await;
        wall.wait_until(
            "document.querySelectorAll('.journey-map td li').length === 7",
            "document.querySelector('main').innerText",
        )
        .await;
        wall.close().await;

        for (width, height) in [(1280, 720), (1920, 1080), (1024, 768)] {
            let wall = browser.window(width, height).await;
            wall.open(&format!("{base}/#/wall/{code}")).await;
            wall.wait_until(
                "document.querySelectorAll('.journey-map td li').length === 7",
                "document.querySelector('main').innerText",
            )
            .await;
            // Each note in its stage's column and its row.
            let cell = |row: &str, stage: usize| {
                format!(
                    "[...document.querySelectorAll(\".journey-map tr[data-row='{row}'] td\")][{stage}].innerText"
                )
            };
            let feelings = wall.eval(&cell("feeling", 1)).await;
            assert_eq!(feelings, json!("Perdue en arrivant : pas de fléchage"));
            let opportunities = wall.eval(&cell("opportunity", 4)).await;
            assert_eq!(opportunities, json!("Un compte rendu envoyé aux participants"));
            // Each stage's ratings in words: the welcome hurts.
            let ratings = wall
                .eval("[...document.querySelectorAll('.ratings-row td')].map(td => td.innerText.trim())")
                .await;
            assert_eq!(
                ratings,
                json!([
                    "😄 médiane 4,5 · 2 notes",
                    "😟 médiane 2 · 3 notes",
                    "😐 médiane 2,5 · 2 notes",
                    "😄 médiane 5 · 1 note",
                    "😐 médiane 3 · 1 note"
                ])
            );
            // The curve goes through the five medians; the open stage is marked.
            let points = wall
                .eval("document.querySelector('.median-line').getAttribute('points').split(' ').length")
                .await;
            assert_eq!(points, json!(5));
            assert_eq!(
                wall.eval("document.querySelector('.journey-map th.open').dataset.stage").await,
                json!("1")
            );
            if width == 1920 {
                // What the room reads is 24 px at least at 1080p: the map's
                // text, and the curve's, as drawn at the curve's scale.
                let smallest = wall
                    .eval(
                        "Math.min(...[...document.querySelectorAll('.journey-map *')]
                            .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
                            .map(e => parseFloat(getComputedStyle(e).fontSize)))",
                    )
                    .await;
                assert!(smallest.as_f64().unwrap() >= 24.0, "smallest text of the map: {smallest} px");
                let drawn = wall
                    .eval(
                        "(() => { const svg = document.querySelector('.emotion-curve');
                          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                          return Math.min(...[...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale)); })()",
                    )
                    .await;
                assert!(drawn.as_f64().unwrap() >= 24.0, "smallest text of the curve: {drawn} px");
            }
            // Nothing runs off the projector's width.
            let fits = wall
                .eval(&format!("document.documentElement.scrollWidth <= {width}"))
                .await;
            assert_eq!(fits, json!(true), "the map is wider than {width} px");
            wall.screenshot(&format!("wall-journey-{width}x{height}")).await;
            if width == 1280 {
                wall.check_accessibility("wall (user journey)").await;
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
