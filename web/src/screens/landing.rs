//! The start pages: joining (`#/`, in the room's bundle: a tablet joins with
//! a code, or opens the wall, and a facilitator finds the way to create) and
//! creating (`#/create`, in the facilitator's bundle: a workshop from a
//! template).

use leptos::prelude::*;
use ruche_shared::Lang;
use ruche_shared::api::{CREATE_WORKSHOP, CreateWorkshop, CreatedWorkshop, normalise_code};
use ruche_shared::config::{DEFAULT_BUDGET, DEFAULT_CAP_PER_ITEM, MAX_QUESTION_CHARS};
use ruche_shared::methods::budget_vote::MAX_BUDGET;

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

/// Create a workshop.
#[component]
pub fn Create(lang: RwSignal<Lang>) -> impl IntoView {
    view! {
        <main class="landing">
            <Brand lang/>
            // A returning facilitator's workshops first (none: nothing shown).
            <MyWorkshops lang/>
            <CreateForm lang=lang/>
            <LoadProgramme lang/>
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

/// A programme saved from a console (« Enregistrer le programme »), loaded
/// from its file: the workshop is created with every step and setting.
#[component]
fn LoadProgramme(lang: RwSignal<Lang>) -> impl IntoView {
    let t = move || texts(lang.get());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let load = move |_| {
        leptos::task::spawn_local(async move {
            let text = match browser::read_chosen_file("programme-file").await {
                Ok(text) => text,
                Err(problem) => return error.set(Some(problem)),
            };
            match serde_json::from_str::<ruche_shared::WorkshopSetup>(&text) {
                Ok(setup) => create_workshop(CreateWorkshop::from_setup(setup), busy, error),
                Err(_) => error.set(Some(t().not_a_programme.to_owned())),
            }
        });
    };
    view! {
        <section class="card">
            <h2>{move || t().load_programme}</h2>
            <label for="programme-file">{move || t().programme_file}</label>
            <input id="programme-file" type="file" accept=".json,application/json" on:change=load/>
            {move || error.get().map(|e| view! { <p class="notice" role="alert">{e}</p> })}
            {move || busy.get().then(|| view! { <p role="status">{t().creating}</p> })}
        </section>
    }
}

/// Ruche's name and line, and the language choice.
#[component]
fn Brand(lang: RwSignal<Lang>) -> impl IntoView {
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

#[component]
fn CreateForm(lang: RwSignal<Lang>) -> impl IntoView {
    let t = move || texts(lang.get());
    let template = RwSignal::new("ideation".to_owned());
    let title = RwSignal::new(String::new());
    let question = RwSignal::new(String::new());
    let items = RwSignal::new(String::new());
    let budget = RwSignal::new(DEFAULT_BUDGET.to_string());
    let cap = RwSignal::new(DEFAULT_CAP_PER_ITEM.to_string());
    let moderated = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let create = move || {
        let items: Vec<String> = items
            .get_untracked()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        let request = CreateWorkshop {
            // The select's values are the templates' names on the wire.
            template: serde_json::from_value(serde_json::Value::String(template.get_untracked()))
                .ok(),
            title: Some(title.get_untracked().trim().to_owned()),
            question: Some(question.get_untracked().trim().to_owned()),
            lang: Some(lang.get_untracked()),
            items: Some(items),
            budget: budget.get_untracked().trim().parse().ok(),
            cap_per_item: cap.get_untracked().trim().parse().ok(),
            moderated: Some(moderated.get_untracked()),
            ..CreateWorkshop::default()
        };
        create_workshop(request, busy, error);
    };
    let needs_items = move || template.get() == "evaluation";
    let has_vote = move || {
        matches!(
            template.get().as_str(),
            "ideation" | "ideation_then_evaluation"
        )
    };
    view! {
        <section class="card">
            <h2>{move || t().create_heading}</h2>
            <form on:submit=move |ev| { ev.prevent_default(); create(); }>
                <label for="template">{move || t().template}</label>
                <select id="template" on:change=move |ev| template.set(event_target_value(&ev))>
                    <option value="ideation" selected=move || template.get() == "ideation">{move || t().template_ideation}</option>
                    <option value="evaluation" selected=move || template.get() == "evaluation">{move || t().template_evaluation}</option>
                    <option value="ideation_then_evaluation" selected=move || template.get() == "ideation_then_evaluation">{move || t().template_both}</option>
                    <option value="ideation_then_dots" selected=move || template.get() == "ideation_then_dots">{move || t().template_dots}</option>
                    <option value="spider_web_then_dots" selected=move || template.get() == "spider_web_then_dots">{move || t().template_web}</option>
                    <option value="design_thinking" selected=move || template.get() == "design_thinking">{move || t().template_design}</option>
                </select>
                <label for="title">{move || t().title}</label>
                <input id="title" required maxlength=MAX_QUESTION_CHARS prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/>
                <label for="question">{move || t().question}</label>
                <textarea id="question" required maxlength=MAX_QUESTION_CHARS rows="2" prop:value=move || question.get() on:input=move |ev| question.set(event_target_value(&ev))></textarea>
                <Show when=needs_items>
                    <label for="items">{move || t().items_to_score} " (" {move || t().items_to_score_hint} ")"</label>
                    <textarea id="items" rows="5" prop:value=move || items.get() on:input=move |ev| items.set(event_target_value(&ev))></textarea>
                </Show>
                <Show when=has_vote>
                    <div class="row">
                        <div>
                            <label for="budget">{move || t().budget}</label>
                            <input id="budget" type="number" min="1" max=MAX_BUDGET prop:value=move || budget.get() on:input=move |ev| budget.set(event_target_value(&ev))/>
                        </div>
                        <div>
                            <label for="cap">{move || t().cap_per_item}</label>
                            <input id="cap" type="number" min="1" max=move || budget.get() prop:value=move || cap.get() on:input=move |ev| cap.set(event_target_value(&ev))/>
                        </div>
                    </div>
                </Show>
                <Show when=move || !needs_items()>
                    <label class="check">
                        <input id="moderated" type="checkbox" prop:checked=move || moderated.get()
                            on:change=move |_| moderated.update(|m| *m = !*m)/>
                        " " {move || t().moderate_ideas}
                    </label>
                </Show>
                {move || error.get().map(|e| view! { <p class="notice" role="alert">{e}</p> })}
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { t().creating } else { t().create_button }}
                </button>
            </form>
        </section>
    }
}

/// The workshops this browser created: open one, or delete it for good.
#[component]
fn MyWorkshops(lang: RwSignal<Lang>) -> impl IntoView {
    let t = move || texts(lang.get());
    let listed = RwSignal::new(browser::my_workshops());
    let error = RwSignal::new(None::<String>);
    let delete = move |id: String, title: String| {
        let asked = format!("{} « {title} »", t().delete_workshop_confirm);
        if !window().confirm_with_message(&asked).unwrap_or(false) {
            return;
        }
        let Some(secret) = browser::load(&browser::secret_key(&id)) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let path = ruche_shared::api::workshop_path(&id);
            match browser::http("DELETE", &path, None, Some(&secret)).await {
                // Gone, or already gone (deleted elsewhere, or past retention).
                Ok(answer) if matches!(answer.status, 204 | 401) => {
                    browser::forget_workshop(&id);
                    listed.set(browser::my_workshops());
                }
                Ok(answer) => error.set(Some(
                    browser::json_text(&answer.body, "message").unwrap_or(answer.body),
                )),
                Err(problem) => error.set(Some(problem)),
            }
        });
    };
    move || {
        let workshops = listed.get();
        (!workshops.is_empty()).then(|| view! {
            <section class="card my-workshops">
                <h2>{t().my_workshops}</h2>
                <ul>
                    {workshops.into_iter().map(|(id, title)| {
                        let link = Route::Facilitator { workshop: id.clone(), secret: None }.fragment();
                        let label = format!("{} « {title} »", t().delete_workshop);
                        let shown_id = id.clone();
                        view! {
                            <li data-workshop=shown_id>
                                <a href=link>{title.clone()}</a>
                                <button class="danger" aria-label=label on:click=move |_| delete(id.clone(), title.clone())>
                                    {t().delete}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {move || error.get().map(|e| view! { <p class="notice" role="alert">{e}</p> })}
            </section>
        })
    }
}
