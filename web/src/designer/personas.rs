//! The designer's personas (design thinking): the typical residents the
//! tables think for, each a card to fill (name, age, situation, where they
//! live, personality and interests, goal, frustrations, one per line); add
//! one, remove one, or start from the source's four (Chloé, Céline, Hélène,
//! Bernard). The console deals them to the tables.

use leptos::prelude::*;
use ruche_shared::methods::persona::{MAX_PERSONAS, Persona};
use ruche_shared::{Lang, WorkshopSetup};

use super::texts::{DesignerTexts, designer_texts};

/// Every persona of the programme, a card each.
#[component]
pub fn Personas(lang: RwSignal<Lang>, head: RwSignal<WorkshopSetup>) -> impl IntoView {
    let d = move || designer_texts(lang.get());
    // Cards are drawn again only when one is added or removed, or all are
    // replaced by the source's.
    let count = Memo::new(move |_| head.with(|h| h.personas.len()));
    let replaced = RwSignal::new(0_u32);
    let cards = move || {
        replaced.track();
        (0..count.get())
            .map(|index| persona_card(lang, head, index))
            .collect_view()
    };
    view! {
        <section class="card" aria-labelledby="personas-heading">
            <h2 id="personas-heading">{move || d().personas}</h2>
            <p class="hint">{move || d().personas_hint}</p>
            <ol class="persona-settings">{cards}</ol>
            <div class="actions">
                <button type="button" id="add-persona" disabled={move || count.get() >= MAX_PERSONAS}
                    on:click=move |_| head.update(|h| h.personas.push(Persona {
                        name: String::new(), age: None, situation: String::new(), home: String::new(),
                        personality: String::new(), goal: String::new(), frustrations: Vec::new(),
                    }))>
                    {move || d().add_persona}
                </button>
                <button type="button" id="source-personas" on:click=move |_| {
                    head.update(|h| h.personas = ruche_shared::templates::source_personas());
                    replaced.update(|n| *n += 1);
                }>{move || d().source_personas}</button>
            </div>
        </section>
    }
}

/// A text of persona `index`, read once and written as typed.
fn text_field(
    lang: RwSignal<Lang>,
    head: RwSignal<WorkshopSetup>,
    index: usize,
    part: &'static str,
    label: fn(&DesignerTexts) -> &'static str,
    read: fn(&Persona) -> String,
    write: fn(&mut Persona, String),
) -> impl IntoView {
    let id = format!("persona-{index}-{part}");
    let value = head.with_untracked(|h| h.personas.get(index).map(read).unwrap_or_default());
    let lines = part == "frustrations";
    let input = move |ev| {
        let text = event_target_value(&ev);
        head.update(|h| {
            if let Some(persona) = h.personas.get_mut(index) {
                write(persona, text);
            }
        });
    };
    view! {
        <div class="setting">
            <label for=id.clone()>{move || label(designer_texts(lang.get()))}</label>
            {if lines {
                view! { <textarea id=id rows="3" prop:value=value on:input=input></textarea> }.into_any()
            } else {
                view! { <input id=id prop:value=value on:input=input/> }.into_any()
            }}
        </div>
    }
}

fn persona_card(
    lang: RwSignal<Lang>,
    head: RwSignal<WorkshopSetup>,
    index: usize,
) -> impl IntoView {
    let d = move || designer_texts(lang.get());
    let age_id = format!("persona-{index}-age");
    let age = head.with_untracked(|h| h.personas.get(index).and_then(|p| p.age));
    let field = |part, label, read, write| text_field(lang, head, index, part, label, read, write);
    view! {
        <li class="persona-setting" data-persona=index>
            <div class="row">
                {field("name", |d| d.persona_name, |p| p.name.clone(), |p, t| p.name = t)}
                <div class="setting">
                    <label for=age_id.clone()>{move || d().persona_age}</label>
                    <input id=age_id type="number" class="short" min="0" max="120"
                        prop:value=age.map(|a| a.to_string()).unwrap_or_default()
                        on:input=move |ev| {
                            let age = event_target_value(&ev).trim().parse().ok();
                            head.update(|h| if let Some(p) = h.personas.get_mut(index) { p.age = age; });
                        }/>
                </div>
                <button type="button" class="quiet danger remove-persona"
                    aria-label=move || format!("{} {}", d().remove_persona, index + 1)
                    on:click=move |_| head.update(|h| { if index < h.personas.len() { h.personas.remove(index); } })>
                    "✕"
                </button>
            </div>
            {field("situation", |d| d.persona_situation, |p| p.situation.clone(), |p, t| p.situation = t)}
            {field("home", |d| d.persona_home, |p| p.home.clone(), |p, t| p.home = t)}
            {field("personality", |d| d.persona_personality, |p| p.personality.clone(), |p, t| p.personality = t)}
            {field("goal", |d| d.persona_goal, |p| p.goal.clone(), |p, t| p.goal = t)}
            {field(
                "frustrations",
                |d| d.persona_frustrations,
                |p| p.frustrations.join("\n"),
                // Every line as typed; the designer leaves the blank ones out.
                |p, t| p.frustrations = t.split('\n').map(String::from).collect(),
            )}
        </li>
    }
}

/// The roles a seat may take (« Regards croisés »), one per line; none: no
/// roles.
#[component]
pub fn Roles(lang: RwSignal<Lang>, head: RwSignal<WorkshopSetup>) -> impl IntoView {
    let d = move || designer_texts(lang.get());
    let initial = head.with_untracked(|h| h.roles.join("\n"));
    view! {
        <section class="card roles-settings" aria-labelledby="roles-heading">
            <h2 id="roles-heading">{move || d().roles}</h2>
            <label for="roles">{move || d().roles_hint}</label>
            <textarea id="roles" rows="4" data-field="roles" prop:value=initial
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    head.update(|h| h.roles = text.lines().map(str::to_owned).collect());
                }></textarea>
        </section>
    }
}
