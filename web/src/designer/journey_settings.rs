//! A user journey step's settings in the designer: its stages, named in
//! order, added and removed at the end.

use leptos::prelude::*;
use ruche_shared::StepConfig;
use ruche_shared::methods::journey::{MAX_STAGE_CHARS, MAX_STAGES, Stage};

use super::step_settings::{Field, read_journey, write_journey};
use super::texts::designer_texts;

pub(super) fn journey_settings(field: Field, slot: RwSignal<StepConfig>) -> impl IntoView {
    let lang = field.lang;
    let count = Memo::new(move |_| {
        slot.with(|c| match c {
            StepConfig::Journey(j) => j.stages.len(),
            _ => 0,
        })
    });
    let stages = move || {
        (0..count.get())
            .map(|stage| {
                let id = field.id(&format!("stage-{stage}"));
                let value = read_journey(slot, |j| j.stages.get(stage).map(|s| s.name.clone()))
                    .flatten()
                    .unwrap_or_default();
                view! {
                    <li>
                        <label for=id.clone()>{move || designer_texts(lang.get()).stage_name} " " {stage + 1}</label>
                        <input id=id data-field="stages" maxlength=MAX_STAGE_CHARS aria-invalid=field.invalid("stages")
                            prop:value=value
                            on:input=move |ev| {
                                let name = event_target_value(&ev);
                                write_journey(slot, |j| if let Some(s) = j.stages.get_mut(stage) { s.name = name; });
                            }/>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="circles-settings stages-settings">
            <legend>{field.text(|d| d.stages)}</legend>
            <p class="hint">{field.text(|d| d.stages_hint)}</p>
            <ol>{stages}</ol>
            <div class="actions">
                <button type="button" class="add-stage" disabled={move || count.get() >= MAX_STAGES}
                    on:click=move |_| write_journey(slot, |j| j.stages.push(Stage::new("")))>
                    {move || designer_texts(lang.get()).add_stage}
                </button>
                <button type="button" class="remove-stage" disabled={move || count.get() <= 1}
                    on:click=move |_| write_journey(slot, |j| { j.stages.pop(); })>
                    {move || designer_texts(lang.get()).remove_stage}
                </button>
            </div>
        </fieldset>
    }
}
