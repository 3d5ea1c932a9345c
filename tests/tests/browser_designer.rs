//! The facilitator designs the workshop. The step designer: a template
//! opened in the designer, a setting the engine refuses shown on its step
//! and field, steps duplicated, removed, added and moved with the scoring
//! step's vote following, circles and criteria edited, then the workshop
//! created and its programme read back from the server. The criteria
//! workshop: the criteria a dot vote chose, worded in the console, reach the
//! tablet's scoring sheet. Headless Chromium against a real server; skipped
//! loudly without Chromium, failing under `CI=true`.

use std::time::Duration;

use ruche_shared::methods::{divergence, dot_vote, scoring};
use ruche_shared::{Command, IdeaId, ItemRef, flow, source};
use ruche_tests::browser::{Browser, Window};
use ruche_tests::{Client, TestServer};
use serde_json::{Value, json};

/// The longest a scenario may take.
const SCENARIO: Duration = Duration::from_secs(180);

/// The designer's steps, in order: each card's method.
async fn kinds(window: &Window) -> Value {
    window
        .eval("[...document.querySelectorAll('.designer-step')].map(li => li.dataset.kind)")
        .await
}

/// The CSS selector of the designer's step `number` (from 1).
fn step(number: usize) -> String {
    format!(".designer-step:nth-child({number})")
}

/// Replaces the value of the field matching `css` as typing would.
async fn set_field(window: &Window, css: &str, value: &str) {
    window.type_into(css, value).await;
}

static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_facilitator_composes_a_workshop_step_by_step_and_creates_it() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let base = server.url("/");
    tokio::time::timeout(SCENARIO, async {
        let laptop = browser.window(1366, 900).await;
        laptop.open(&format!("{base}#/create")).await;
        laptop.wait_for("#template").await;
        let bundle = laptop
            .eval("performance.getEntriesByType('resource').some(r => r.name.includes('ruche_designer_bg.wasm')) && !performance.getEntriesByType('resource').some(r => r.name.includes('ruche_console'))")
            .await;
        assert_eq!(bundle, json!(true), "the creation page comes with the designer's bundle alone");
        laptop
            .eval("(() => { const s = document.querySelector('#template'); s.value = 'ideation_then_evaluation'; s.dispatchEvent(new Event('change')); return true; })()")
            .await;
        set_field(&laptop, "#title", "Quartier des Tanneurs").await;
        set_field(&laptop, "#question", "Que faire de la friche ?").await;
        laptop.click("#compose").await;
        laptop.wait_for(".designer-step").await;
        assert_eq!(
            kinds(&laptop).await,
            json!(["divergence", "grouping", "budget_vote", "scoring", "results"])
        );
        let title = laptop.eval("document.querySelector('#design-title').value").await;
        assert_eq!(title, json!("Quartier des Tanneurs"), "the form's title came along");
        laptop.wait_for("#designer-ready").await;

        // A cap above the budget: the engine's sentence, on the step and the field.
        let vote = step(3);
        set_field(&laptop, &format!("{vote} [data-field=budget]"), "40").await;
        set_field(&laptop, &format!("{vote} [data-field=cap_per_item]"), "50").await;
        laptop
            .wait_until(
                &format!("document.querySelector('{vote} .step-problem')?.innerText === 'Étape 3 (Vote à points) : le plafond par idée doit être entre 1 et le budget.'"),
                "document.querySelector('.designer-verdict').innerText",
            )
            .await;
        let marked = laptop
            .eval(&format!("[document.querySelector('{vote} [data-field=cap_per_item]').getAttribute('aria-invalid'), document.querySelector('{vote} [data-field=budget]').getAttribute('aria-invalid'), document.querySelector('#designer-create').disabled]"))
            .await;
        assert_eq!(marked, json!(["true", "false", true]), "the cap is marked, creating waits");
        laptop.screenshot("designer-problem").await;
        set_field(&laptop, &format!("{vote} [data-field=cap_per_item]"), "4").await;
        laptop.wait_for("#designer-ready").await;

        // The first step duplicated: the scoring step still scores the vote,
        // now step 4.
        laptop.click(&format!("{} .duplicate", step(1))).await;
        laptop
            .wait_until("document.querySelectorAll('.designer-step').length === 6", "document.querySelectorAll('.designer-step').length")
            .await;
        let chosen = laptop
            .eval(&format!("document.querySelector('{} select[data-field=items]').selectedOptions[0].innerText", step(5)))
            .await;
        assert_eq!(chosen, json!("Étape 4 · Vote à points"));
        // Removed again; a dot vote added at the end, then moved before the results.
        laptop.click(&format!("{} .remove", step(2))).await;
        laptop
            .eval("(() => { const s = document.querySelector('#add-step-kind'); s.value = 'dot_vote'; s.dispatchEvent(new Event('change')); return true; })()")
            .await;
        laptop.click("#add-step").await;
        laptop.wait_until("document.querySelectorAll('.designer-step').length === 6", "document.querySelectorAll('.designer-step').length").await;
        laptop.click(&format!("{} .move-up", step(6))).await;
        laptop
            .wait_until(
                "document.querySelector('.designer-step:nth-child(6)').dataset.kind === 'results'",
                "[...document.querySelectorAll('.designer-step')].map(li => li.dataset.kind)",
            )
            .await;
        assert_eq!(
            kinds(&laptop).await,
            json!(["divergence", "grouping", "budget_vote", "scoring", "dot_vote", "results"])
        );
        // The budget typed before the moves is still there: each card kept its fields.
        let budget = laptop.eval(&format!("document.querySelector('{vote} [data-field=budget]').value")).await;
        assert_eq!(budget, json!("40"));

        // A spider web of two circles, the second with its constraint, and
        // a countdown of 12 minutes proposed for it.
        let first = step(1);
        set_field(&laptop, &format!("{first} [data-field=countdown_minutes]"), "12").await;
        laptop.click(&format!("{first} .add-circle")).await;
        laptop.click(&format!("{first} .add-circle")).await;
        laptop.wait_for(&format!("{first} [data-field=circles]:nth-of-type(1)")).await;
        laptop
            .wait_until(&format!("document.querySelectorAll('{first} [data-field=circles]').length === 2"), "0")
            .await;
        let second_circle = laptop
            .eval(&format!("document.querySelectorAll('{first} [data-field=circles]')[1].id"))
            .await;
        set_field(&laptop, &format!("#{}", second_circle.as_str().unwrap()), "nous sommes en 2050").await;
        // The scoring step's first criterion (the source's « acceptabilité »)
        // renamed, with its ends; the third (« humanisme ») removed.
        let scoring = step(4);
        set_field(&laptop, &format!("{scoring} .criterion-settings:nth-child(1) input[data-field=criteria]"), "intérêt pour le quartier").await;
        let ends = laptop
            .eval(&format!("[...document.querySelectorAll('{scoring} .criterion-settings:nth-child(1) input[data-field=criteria]')].map(i => i.id)"))
            .await;
        set_field(&laptop, &format!("#{}", ends[1].as_str().unwrap()), "aucun").await;
        set_field(&laptop, &format!("#{}", ends[2].as_str().unwrap()), "très fort").await;
        laptop.click(&format!("{scoring} .criterion-settings:nth-child(3) .remove-criterion")).await;
        laptop
            .wait_until(&format!("document.querySelectorAll('{scoring} .criterion-settings').length === 2"), "0")
            .await;
        // A persona of the facilitator's own, with two frustrations.
        laptop.click("#add-persona").await;
        set_field(&laptop, "#persona-0-name", "Yasmine").await;
        set_field(&laptop, "#persona-0-age", "34").await;
        set_field(&laptop, "#persona-0-frustrations", "les horaires\nla paperasse\n").await;
        laptop.wait_for("#designer-ready").await;
        laptop
            .eval("document.querySelector('.persona-setting').scrollIntoView() || true")
            .await;
        laptop.screenshot("designer-persona").await;
        for (number, name) in [(1, "designer-web"), (3, "designer-vote"), (4, "designer-scoring")] {
            laptop.eval(&format!("document.querySelector('{}').scrollIntoView() || true", step(number))).await;
            laptop.screenshot(name).await;
        }
        laptop.check_accessibility("designer").await;

        // Created: the console opens, proposing the first step's countdown,
        // and the server holds this very programme.
        laptop.click("#designer-create").await;
        laptop
            .wait_until("location.hash.startsWith('#/facilitate/')", "location.hash")
            .await;
        laptop
            .wait_until("document.querySelector('#minutes')?.value === '12'", "document.querySelector('#minutes')?.value")
            .await;
        let workshop = laptop
            .eval("location.hash.split('/')[2]")
            .await
            .as_str()
            .unwrap()
            .to_owned();
        let secret = laptop
            .eval(&format!("localStorage.getItem('ruche.secret.{workshop}')"))
            .await
            .as_str()
            .unwrap()
            .to_owned();
        let export: Value = ruche_tests::get_as_facilitator(
            &server.url(&ruche_shared::api::export_path(&workshop, "json")),
            &secret,
        )
        .await
        .json()
        .await
        .expect("the JSON export");
        let setup = &export["setup"];
        assert_eq!(setup["title"], "Quartier des Tanneurs");
        let steps = setup["steps"].as_array().unwrap();
        let kinds: Vec<&str> = steps.iter().map(|s| s["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["divergence", "grouping", "budget_vote", "scoring", "dot_vote", "results"]);
        assert_eq!(steps[0]["circles"], json!([{}, {"constraint": "nous sommes en 2050"}]));
        assert_eq!(setup["countdown_minutes"], json!([12]));
        assert_eq!(
            setup["personas"],
            json!([{"name": "Yasmine", "age": 34, "frustrations": ["les horaires", "la paperasse"]}])
        );
        assert_eq!((steps[2]["budget"].clone(), steps[2]["cap_per_item"].clone()), (json!(40), json!(4)));
        assert_eq!(steps[3]["items"], json!({"from": "top_of_vote", "step": 2, "count": 5}));
        assert_eq!(
            steps[3]["criteria"],
            json!([
                {"name": "intérêt pour le quartier", "higher_is_better": true, "low": "aucun", "high": "très fort"},
                {"name": "coût", "higher_is_better": false, "low": "peu coûteux", "high": "très coûteux"}
            ])
        );
        laptop.close().await;
    })
    .await
    .expect("the designer scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_criteria_a_vote_chose_are_worded_in_the_console_and_scored_on_the_tablet() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({
            "template": "criteria_then_evaluation",
            "title": source::CRITERES_TITLE,
            "question": source::CRITERES_QUESTION,
            "items": source::REFUGIES_IDEAS,
        }))
        .await;
    let base = format!("http://{}", server.addr);
    tokio::time::timeout(SCENARIO, async {
        let tablet = browser.window(1024, 768).await;
        tablet.join_table(&base, &created.join_code, "Table 1").await;
        let mut facilitator = Client::facilitator(server.addr, &created).await;
        let mut other = Client::join(server.addr, &created.join_code, "Table 2").await;
        facilitator.go_and_open(0).await;
        for text in ["le coût pour la ville", "la dignité des familles", "la rapidité"] {
            other
                .accepted(Command::SubmitIdea(divergence::SubmitIdea { text: text.into(), category: None, seat: None }))
                .await;
        }
        facilitator.go_and_open(2).await;
        for (seat, ideas) in [(1, [1, 0]), (2, [1, 0]), (3, [1, 2])] {
            for idea in ideas {
                other
                    .accepted(Command::SetDot(dot_vote::SetDot {
                        seat,
                        item: ItemRef::Idea(IdeaId(idea)),
                        dots: 1,
                    }))
                    .await;
            }
        }
        facilitator
            .accepted(Command::GoToStep(flow::GoToStep { step: 3 }))
            .await;

        // The console lists the three the vote chose, to word.
        let console = browser.window(1366, 900).await;
        console.open(&server.console_url(&created)).await;
        console
            .wait_until(
                "document.querySelectorAll('.criteria-wording li').length === 3",
                "document.querySelector('main').innerText",
            )
            .await;
        let names = console
            .eval("[...document.querySelectorAll('.criteria-wording li input[id$=name]')].map(i => i.value)")
            .await;
        assert_eq!(
            names,
            json!(["la dignité des familles", "le coût pour la ville", "la rapidité"])
        );
        let origin = console.eval("document.querySelector('.criteria-wording .hint').innerText").await;
        assert!(origin.as_str().unwrap().starts_with("Choisis par le vote de l'étape 3."), "{origin}");
        console.type_into("#criterion-0-name", "dignité").await;
        console.type_into("#criterion-0-low", "humiliant").await;
        console.type_into("#criterion-0-high", "très respectueux").await;
        console.type_into("#criterion-1-name", "coût pour la ville").await;
        console.click("#criterion-1-better").await;
        console
            .eval("document.querySelector('.criteria-wording').scrollIntoView() || true")
            .await;
        console.screenshot("console-criteria-wording").await;
        console.check_accessibility("console (criteria)").await;
        console.click("#save-criteria").await;

        // The tablet scores on the worded criteria, with what their ends mean.
        facilitator
            .accepted(Command::OpenStep(flow::OpenStep { duration_secs: None }))
            .await;
        tablet
            .wait_until(
                "document.querySelector('.criterion-row legend')?.innerText.startsWith('dignité')",
                "document.querySelector('main').innerText",
            )
            .await;
        let legend = tablet.eval("document.querySelector('.criterion-row .ends').innerText").await;
        let legend = legend.as_str().unwrap();
        assert!(legend.contains("humiliant") && legend.contains("très respectueux"), "{legend}");
        tablet.screenshot("tablet-worded-criteria").await;

        // Once someone has scored, the card is gone: the criteria stay.
        other
            .accepted(Command::SetScore(scoring::SetScore {
                seat: 1,
                item: 0,
                criterion: 0,
                score: Some(8),
            }))
            .await;
        console
            .wait_until("document.querySelector('.criteria-wording') === null", "'still shown'")
            .await;
        for window in [console, tablet] {
            window.close().await;
        }
    })
    .await
    .expect("the criteria scenario finishes in time");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_user_journeys_stages_are_named_added_and_checked_in_the_designer() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = TestServer::spawn().await;
    let base = server.url("/");
    tokio::time::timeout(SCENARIO, async {
        let laptop = browser.window(1366, 900).await;
        laptop.open(&format!("{base}#/create")).await;
        laptop.wait_for("#template").await;
        laptop
            .eval("(() => { const s = document.querySelector('#template'); s.value = 'user_journey'; s.dispatchEvent(new Event('change')); return true; })()")
            .await;
        set_field(&laptop, "#title", source::PARCOURS_TITLE).await;
        set_field(&laptop, "#question", source::PARCOURS_QUESTION).await;
        laptop.click("#compose").await;
        laptop.wait_for(".designer-step").await;
        assert_eq!(
            kinds(&laptop).await,
            json!(["journey", "grouping", "dot_vote", "results"])
        );
        let first = step(1);
        let names = format!("[...document.querySelectorAll('{first} [data-field=stages]')].map(i => i.value)");
        assert_eq!(laptop.eval(&names).await, json!(source::PARCOURS_STAGES));

        // A sixth stage; the second emptied: the engine's sentence, on the field.
        laptop.click(&format!("{first} .add-stage")).await;
        laptop
            .wait_until(&format!("document.querySelectorAll('{first} [data-field=stages]').length === 6"), "0")
            .await;
        let ids = laptop
            .eval(&format!("[...document.querySelectorAll('{first} [data-field=stages]')].map(i => i.id)"))
            .await;
        let id = |n: usize| format!("#{}", ids[n].as_str().unwrap());
        set_field(&laptop, &id(5), "Le retour d'expérience").await;
        laptop
            .eval(&format!("(() => {{ const i = document.querySelector('{}'); i.value = ''; i.dispatchEvent(new Event('input')); return true; }})()", id(1)))
            .await;
        laptop
            .wait_until(
                &format!("document.querySelector('{first} .step-problem')?.innerText === 'Étape 1 (Parcours usager) : l’étape 2 du parcours a un nom de 1 à 60 caractères, sans espace au début ni à la fin.'"),
                "document.querySelector('.designer-verdict').innerText",
            )
            .await;
        let marked = laptop
            .eval(&format!("[document.querySelector('{}').getAttribute('aria-invalid'), document.querySelector('#designer-create').disabled]", id(1)))
            .await;
        assert_eq!(marked, json!(["true", true]), "the stage is marked, creating waits");
        set_field(&laptop, &id(1), "L'accueil").await;
        laptop.wait_for("#designer-ready").await;
        laptop.eval(&format!("document.querySelector('{first}').scrollIntoView() || true")).await;
        laptop.screenshot("designer-journey").await;
        laptop.check_accessibility("designer (user journey)").await;

        // Created with these stages.
        laptop.click("#designer-create").await;
        laptop
            .wait_until("location.hash.startsWith('#/facilitate/')", "location.hash")
            .await;
        let workshop = laptop.eval("location.hash.split('/')[2]").await.as_str().unwrap().to_owned();
        let secret = laptop
            .eval(&format!("localStorage.getItem('ruche.secret.{workshop}')"))
            .await
            .as_str()
            .unwrap()
            .to_owned();
        let export: Value = ruche_tests::get_as_facilitator(
            &server.url(&ruche_shared::api::export_path(&workshop, "json")),
            &secret,
        )
        .await
        .json()
        .await
        .expect("the JSON export");
        let stages: Vec<&str> = export["setup"]["steps"][0]["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            stages,
            [
                "La programmation",
                "L'accueil",
                "Les ateliers et conférences",
                "Le off",
                "L'après ETS",
                "Le retour d'expérience"
            ]
        );
        assert_eq!(export["setup"]["personas"][0]["age"], json!(45));
        laptop.close().await;
    })
    .await
    .expect("the designer scenario finishes in time");
    server.stop().await;
}
