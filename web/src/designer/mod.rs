//! The creation page (`#/create`, the designer's bundle): a workshop from a
//! template as it is, or composed step by step in the designer; a programme
//! file loaded into it; the workshops this browser created.
//!
//! - [`compose`]: the step designer.
//! - [`step_settings`]: each method's settings as fields.
//! - [`sources`]: where a scoring step's items and criteria come from.
//! - [`personas`]: the personas the tables think for.
//! - [`texts`]: the designer's sentences.

mod category_settings;
mod compose;
mod journey_settings;
mod personas;
mod sources;
mod step_settings;
pub mod texts;

use leptos::prelude::*;
use ruche_shared::api::CreateWorkshop;
use ruche_shared::api::route::Route;
use ruche_shared::config::{DEFAULT_BUDGET, DEFAULT_CAP_PER_ITEM, MAX_QUESTION_CHARS};
use ruche_shared::methods::budget_vote::MAX_BUDGET;
use ruche_shared::{Lang, WorkshopSetup};

use crate::browser;
use crate::i18n::texts;
use crate::screens::landing::{Brand, create_workshop};
use texts::designer_texts;

/// Create a workshop: from a template as it is, or composed step by step.
#[component]
pub fn Create(lang: RwSignal<Lang>) -> impl IntoView {
    // The programme being composed; none: the templates' form.
    let designing = RwSignal::new(None::<WorkshopSetup>);
    move || match designing.get() {
        Some(setup) => view! {
            <main class="designer">
                <compose::Designer lang setup back=move || designing.set(None)/>
            </main>
        }
        .into_any(),
        None => view! {
            <main class="landing">
                <Brand lang/>
                // A returning facilitator's workshops first (none: nothing shown).
                <MyWorkshops lang designing/>
                <CreateForm lang designing/>
                <LoadProgramme lang designing/>
            </main>
        }
        .into_any(),
    }
}

/// A programme saved from a console or the designer (« Enregistrer le
/// programme »), loaded from its file into the designer, every step and
/// setting on screen to look over before creating.
#[component]
fn LoadProgramme(
    lang: RwSignal<Lang>,
    designing: RwSignal<Option<WorkshopSetup>>,
) -> impl IntoView {
    let t = move || texts(lang.get());
    let error = RwSignal::new(None::<String>);
    let load = move |_| {
        leptos::task::spawn_local(async move {
            let text = match browser::read_chosen_file("programme-file").await {
                Ok(text) => text,
                Err(problem) => return error.set(Some(problem)),
            };
            match serde_json::from_str::<WorkshopSetup>(&text) {
                Ok(setup) => designing.set(Some(setup)),
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
        </section>
    }
}

/// A template, its title and question and its main numbers: the quick way;
/// « Composer les étapes… » opens the same programme in the designer.
#[component]
fn CreateForm(lang: RwSignal<Lang>, designing: RwSignal<Option<WorkshopSetup>>) -> impl IntoView {
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
    let request = move || {
        let items: Vec<String> = items
            .get_untracked()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        CreateWorkshop {
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
        }
    };
    let create = move || create_workshop(request(), busy, error);
    let compose = move |_| {
        if let Ok(setup) = request().into_setup() {
            designing.set(Some(setup));
        }
    };
    let needs_items = move || {
        matches!(
            template.get().as_str(),
            "evaluation" | "criteria_then_evaluation"
        )
    };
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
                    <option value="criteria_then_evaluation" selected=move || template.get() == "criteria_then_evaluation">{move || t().template_criteria}</option>
                    <option value="user_journey" selected=move || template.get() == "user_journey">{move || t().template_journey}</option>
                    <option value="benefits_needs_actions" selected=move || template.get() == "benefits_needs_actions">{move || t().template_regards}</option>
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
                <Show when=move || template.get() != "evaluation">
                    <label class="check">
                        <input id="moderated" type="checkbox" prop:checked=move || moderated.get()
                            on:change=move |_| moderated.update(|m| *m = !*m)/>
                        " " {move || t().moderate_ideas}
                    </label>
                </Show>
                {move || error.get().map(|e| view! { <p class="notice" role="alert">{e}</p> })}
                <div class="actions">
                    <button type="submit" id="create-workshop" class="primary" disabled=move || busy.get()>
                        {move || if busy.get() { t().creating } else { t().create_button }}
                    </button>
                    <button type="button" id="compose" on:click=compose>
                        {move || designer_texts(lang.get()).compose}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// The workshops this browser created: open one, duplicate its programme
/// into the designer, or delete it for good.
#[component]
fn MyWorkshops(lang: RwSignal<Lang>, designing: RwSignal<Option<WorkshopSetup>>) -> impl IntoView {
    let t = move || texts(lang.get());
    let listed = RwSignal::new(browser::my_workshops());
    let error = RwSignal::new(None::<String>);
    // Its programme, from the facilitator's export (only its `setup` is read).
    let duplicate = move |id: String| {
        let Some(secret) = browser::load(&browser::secret_key(&id)) else {
            return;
        };
        #[derive(serde::Deserialize)]
        struct Programme {
            setup: WorkshopSetup,
        }
        leptos::task::spawn_local(async move {
            let path = ruche_shared::api::export_path(&id, "json");
            match browser::http("GET", &path, None, Some(&secret)).await {
                Ok(answer) if answer.status == 200 => {
                    match serde_json::from_str::<Programme>(&answer.body) {
                        Ok(programme) => designing.set(Some(programme.setup)),
                        Err(problem) => error.set(Some(problem.to_string())),
                    }
                }
                Ok(answer) => error.set(Some(
                    browser::json_text(&answer.body, "message").unwrap_or(answer.body),
                )),
                Err(problem) => error.set(Some(problem)),
            }
        });
    };
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
                        let copy_label = format!("{} « {title} »", designer_texts(lang.get_untracked()).duplicate);
                        let shown_id = id.clone();
                        let copied_id = id.clone();
                        view! {
                            <li data-workshop=shown_id>
                                <a href=link>{title.clone()}</a>
                                <button class="duplicate-workshop" aria-label=copy_label on:click=move |_| duplicate(copied_id.clone())>
                                    {designer_texts(lang.get_untracked()).duplicate}
                                </button>
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
