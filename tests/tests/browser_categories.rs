//! « Regards croisés » as a room sees it: person 2 at a tablet takes the
//! « agent » card, picks « Besoins » and writes; the wall shows the idea on
//! a yellow card with its category and role named (never the colour alone). Headless Chromium against a real
//! server; skipped loudly without Chromium, failing under `CI=true`.

use std::time::Duration;

use ruche_shared::methods::divergence;
use ruche_shared::{Command, flow, source};
use ruche_tests::TestServer;
use ruche_tests::browser::Browser;
use serde_json::json;

/// The longest the scenario may take.
const SCENARIO: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tablet_chooses_the_category_and_the_wall_shows_its_colour() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({
            "template": "benefits_needs_actions",
            "title": source::REGARDS_TITLE,
            "question": source::REGARDS_QUESTION,
        }))
        .await;
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let code = created.join_code.clone();
    tokio::time::timeout(SCENARIO, async {
        let mut facilitator = ruche_tests::Client::facilitator(server.addr, &created).await;
        let mut agents = ruche_tests::Client::join(server.addr, &code, "Agents").await;
        facilitator
            .accepted(flow::OpenStep { duration_secs: None }.into())
            .await;
        agents
            .accepted(Command::SubmitIdea(divergence::SubmitIdea {
                text: "Être fiers de nos missions".into(),
                category: Some(0),
                seat: None,
            }))
            .await;

        let tablet = browser.window(768, 1024).await;
        tablet.join_table(base, &code, "Usagers").await;
        // Each category says its question; the first is chosen to start with.
        let questions = tablet
            .eval("[...document.querySelectorAll('.category')].map(b => [b.dataset.colour, b.getAttribute('aria-pressed'), b.innerText])")
            .await;
        assert_eq!(
            questions,
            json!([
                ["pink", "true", format!("Bénéfices\n{}", source::BENEFITS_QUESTION)],
                ["yellow", "false", format!("Besoins\n{}", source::NEEDS_QUESTION)]
            ])
        );
        // Person 2 takes the « agent » card and writes.
        tablet
            .eval("(() => { const s = document.querySelector('#seat-2-role'); s.value = '1'; s.dispatchEvent(new Event('change', { bubbles: true })); return true; })()")
            .await;
        tablet.click(".seat-role[data-seat='2'] .writer").await;
        tablet.click(".category[data-category='1']").await;
        tablet.type_into("#idea-text", "Des horaires adaptés").await;
        tablet.click("#submit-idea").await;
        tablet
            .wait_until(
                "document.querySelector('.ideas.own li[data-colour=yellow]')?.innerText.includes('Besoins · agent')",
                "document.querySelector('.ideas.own').outerHTML",
            )
            .await;
        tablet.screenshot("tablet-categories").await;
        tablet.check_accessibility("tablet (categories)").await;

        let wall = browser.window(1280, 720).await;
        wall.open(&format!("{base}/#/wall/{code}")).await;
        wall.wait_until(
            "document.querySelectorAll('.idea-card').length === 2",
            "document.querySelector('main').innerText",
        )
        .await;
        let cards = wall
            .eval("[...document.querySelectorAll('.idea-card')].map(c => [c.dataset.colour, c.querySelector('.category-tag').innerText, c.querySelector('span:last-of-type').innerText]).sort()")
            .await;
        assert_eq!(
            cards,
            json!([
                ["pink", "Bénéfices", "Être fiers de nos missions"],
                ["yellow", "Besoins · agent", "Des horaires adaptés"]
            ])
        );
        // (The cards fade in: the picture once they have.)
        tokio::time::sleep(Duration::from_millis(800)).await;
        wall.screenshot("wall-categories").await;
        wall.check_accessibility("wall (categories)").await;

        // At the results, the consolidated table: roles across, categories down.
        facilitator
            .accepted(flow::GoToStep { step: 3 }.into())
            .await;
        wall.wait_until(
            "document.querySelectorAll('.consolidated td li').length === 2",
            "document.querySelector('main').innerText",
        )
        .await;
        let rows = wall
            .eval("[...document.querySelectorAll('.consolidated tbody tr')].map(tr => [...tr.children].map(c => c.innerText.trim()))")
            .await;
        assert_eq!(
            rows,
            json!([
                ["Bénéfices", "", "", "", "", "Être fiers de nos missions"],
                ["Besoins", "", "Des horaires adaptés", "", "", ""]
            ])
        );
        wall.screenshot("wall-consolidated").await;
        wall.check_accessibility("wall (consolidated table)").await;
        for window in [tablet, wall] {
            window.close().await;
        }
    })
    .await
    .expect("the scenario finishes in time");
    server.stop().await;
}
