//! The start page (`#/`, in the room's bundle): a tablet joins with a code,
//! or opens the wall, and a facilitator finds the way to create (the
//! designer's bundle, [`crate::designer`]). Also [`create_workshop`], which
//! the creation page and the console's « Dupliquer » share.

use leptos::prelude::*;
use ruche_shared::Lang;
use ruche_shared::api::{CREATE_WORKSHOP, CreateWorkshop, CreatedWorkshop, normalise_code};

use crate::browser;
use crate::i18n::texts;
use ruche_shared::api::route::Route;

/// Join; and, for the facilitator, the way to create.
#[component]
pub fn Landing(lang: RwSignal<Lang>) -> impl IntoView {
    let t = move || texts(lang.get());
    view! {
        <main class="landing">
            <Brand lang/>
            <JoinForm lang=lang/>
            <p class="to-create">
                <a class="button" id="to-create" href=Route::Create.fragment()>{move || t().create_heading}</a>
            </p>
        </main>
    }
}

/// Creates the workshop `request` describes and opens its console (the
/// secret kept in this browser, the link offered to keep); or says, in
/// `error`, why the server refused it.
pub fn create_workshop(
    request: CreateWorkshop,
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
) {
    busy.set(true);
    error.set(None);
    let title = request
        .setup
        .as_ref()
        .map(|s| s.title.clone())
        .or_else(|| request.title.clone())
        .unwrap_or_default();
    let body = serde_json::to_string(&request).unwrap_or_default();
    leptos::task::spawn_local(async move {
        let answer = browser::http("POST", CREATE_WORKSHOP, Some(body), None).await;
        busy.set(false);
        match answer {
            Ok(answer) if answer.status == 201 => {
                match serde_json::from_str::<CreatedWorkshop>(&answer.body) {
                    Ok(created) => {
                        browser::save(
                            &browser::secret_key(&created.workshop),
                            &created.facilitator_secret,
                        );
                        browser::save(&browser::keep_link_key(&created.workshop), "1");
                        browser::save(&browser::code_key(&created.workshop), &created.join_code);
                        browser::remember_workshop(&created.workshop, &title);
                        let console = Route::Facilitator {
                            workshop: created.workshop,
                            secret: Some(created.facilitator_secret),
                        };
                        browser::navigate(&console.link_fragment());
                    }
                    Err(_) => error.set(Some(answer.body)),
                }
            }
            Ok(answer) => {
                // The server's sentence, in the workshop's language.
                let message = browser::json_text(&answer.body, "message");
                error.set(Some(message.unwrap_or(answer.body)));
            }
            Err(problem) => error.set(Some(problem)),
        }
    });
}

/// Offers a programme as a file, named after its workshop (the console's
/// and the designer's « Enregistrer le programme »).
pub fn save_programme_file(setup: &ruche_shared::WorkshopSetup) -> Result<(), String> {
    let name: String = setup
        .title
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    // Compact: a pretty printer would add its own copy of every setting's
    // serialiser to the download.
    let text = serde_json::to_string(setup).unwrap_or_default();
    browser::save_text(&text, &format!("ruche-programme-{name}.json"))
}

/// Ruche's name and line, and the language choice.
#[component]
pub fn Brand(lang: RwSignal<Lang>) -> impl IntoView {
    let t = move || texts(lang.get());
    view! {
        <header class="brand">
            <h1>{move || t().app_name}</h1>
            <p>{move || t().tagline}</p>
            <LanguageChoice lang=lang/>
        </header>
    }
}

/// FR / EN, for the pages shown before a workshop's own language is known.
#[component]
pub fn LanguageChoice(lang: RwSignal<Lang>) -> impl IntoView {
    view! {
        <div class="lang-choice" role="group" aria-label=move || texts(lang.get()).language>
            <button aria-pressed=move || (lang.get() == Lang::Fr).to_string() on:click=move |_| lang.set(Lang::Fr) lang="fr">"Français"</button>
            <button aria-pressed=move || (lang.get() == Lang::En).to_string() on:click=move |_| lang.set(Lang::En) lang="en">"English"</button>
        </div>
    }
}

#[component]
fn JoinForm(lang: RwSignal<Lang>) -> impl IntoView {
    let t = move || texts(lang.get());
    let code = RwSignal::new(String::new());
    // Digits only: « 110 697 » and « 110-697 » are the code 110697.
    let clean_code = move || normalise_code(&code.get());
    view! {
        <section class="card">
            <h2>{move || t().join_heading}</h2>
            <form on:submit=move |ev| {
                ev.prevent_default();
                if !clean_code().is_empty() {
                    browser::navigate(&Route::Tablet { code: clean_code() }.fragment());
                }
            }>
                <label for="join-code">{move || t().join_code}</label>
                <input id="join-code" name="code" inputmode="numeric" autocomplete="off" required
                    class="code-input"
                    prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev))/>
                <div class="actions">
                    <button type="submit" class="primary">{move || t().join_button}</button>
                    <button type="button" on:click=move |_| {
                        if !clean_code().is_empty() {
                            browser::navigate(&Route::Wall { code: clean_code() }.fragment());
                        }
                    }>{move || t().wall_button}</button>
                </div>
            </form>
        </section>
    }
}
