//! A divergence step's categories of ideas in the designer (coloured
//! post-its): each one's name, colour and question, added and removed at
//! the end.

use leptos::prelude::*;
use ruche_shared::StepConfig;
use ruche_shared::methods::categories::{
    Category, Colour, MAX_CATEGORIES, MAX_CATEGORY_NAME_CHARS, MAX_CATEGORY_QUESTION_CHARS, texts,
};

use super::step_settings::{Field, write_divergence};
use super::texts::designer_texts;

pub(super) fn category_settings(field: Field, slot: RwSignal<StepConfig>) -> impl IntoView {
    let lang = field.lang;
    let count = Memo::new(move |_| {
        slot.with(|c| match c {
            StepConfig::Divergence(d) => d.categories.len(),
            _ => 0,
        })
    });
    let write = move |n: usize, change: Box<dyn FnOnce(&mut Category)>| {
        write_divergence(slot, |d| {
            if let Some(category) = d.categories.get_mut(n) {
                change(category);
            }
        });
    };
    let rows = move || {
        (0..count.get())
            .map(|n| {
                let now = slot.with_untracked(|c| match c {
                    StepConfig::Divergence(d) => d.categories.get(n).cloned(),
                    _ => None,
                });
                let Some(now) = now else {
                    return ().into_any();
                };
                let (name_id, colour_id, question_id) = (
                    field.id(&format!("category-{n}-name")),
                    field.id(&format!("category-{n}-colour")),
                    field.id(&format!("category-{n}-question")),
                );
                view! {
                    <li class="category-settings" data-colour=now.colour.key()>
                        <label for=name_id.clone()>{move || designer_texts(lang.get()).category_name} " " {n + 1}</label>
                        <input id=name_id data-field="categories" maxlength=MAX_CATEGORY_NAME_CHARS aria-invalid=field.invalid("categories")
                            prop:value=now.name
                            on:input=move |ev| { let v = event_target_value(&ev); write(n, Box::new(move |c| c.name = v)); }/>
                        <label for=colour_id.clone()>{move || designer_texts(lang.get()).category_colour}</label>
                        <select id=colour_id on:change=move |ev| {
                            let key = event_target_value(&ev);
                            if let Some(colour) = Colour::ALL.into_iter().find(|c| c.key() == key) {
                                write(n, Box::new(move |c| c.colour = colour));
                            }
                        }>
                            {Colour::ALL.map(|colour| view! {
                                <option value=colour.key() selected=colour == now.colour>{move || texts::colour_name(lang.get(), colour)}</option>
                            }).collect_view()}
                        </select>
                        <label for=question_id.clone()>{move || designer_texts(lang.get()).category_question}</label>
                        <input id=question_id data-field="categories" maxlength=MAX_CATEGORY_QUESTION_CHARS
                            prop:value=now.question
                            on:input=move |ev| { let v = event_target_value(&ev); write(n, Box::new(move |c| c.question = v)); }/>
                    </li>
                }
                .into_any()
            })
            .collect_view()
    };
    view! {
        <fieldset class="circles-settings categories-settings">
            <legend>{field.text(|d| d.categories)}</legend>
            <p class="hint">{field.text(|d| d.categories_hint)}</p>
            <ol>{rows}</ol>
            <div class="actions">
                <button type="button" class="add-category" disabled={move || count.get() >= MAX_CATEGORIES}
                    on:click=move |_| write_divergence(slot, |d| {
                        let colour = Colour::ALL[d.categories.len() % MAX_CATEGORIES];
                        d.categories.push(Category { name: String::new(), colour, question: String::new() });
                    })>
                    {move || designer_texts(lang.get()).add_category}
                </button>
                <button type="button" class="remove-category" disabled=move || count.get() == 0
                    on:click=move |_| write_divergence(slot, |d| { d.categories.pop(); })>
                    {move || designer_texts(lang.get()).remove_category}
                </button>
            </div>
        </fieldset>
    }
}
