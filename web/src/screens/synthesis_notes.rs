//! The console's card for the synthesis's notes: where the workshop took
//! place and its conclusions (decisions, next steps), written during or after
//! the evening and printed in the synthesis. Only the facilitator sees them.

use leptos::prelude::*;
use ruche_shared::Command;
use ruche_shared::notes::{MAX_CONCLUSIONS_CHARS, MAX_PLACE_CHARS, SetNotes};

use crate::i18n::texts;
use crate::session::Session;

/// The place and the conclusions, with a button to keep them.
#[component]
pub fn SynthesisNotes(session: Session) -> impl IntoView {
    let t = move || texts(session.lang());
    let saved = Memo::new(move |_| {
        session
            .workshop
            .with(|w| w.as_ref().map(|w| w.notes().clone()).unwrap_or_default())
    });
    let place = RwSignal::new(String::new());
    let conclusions = RwSignal::new(String::new());
    // The fields show what is kept (on opening, and when another console
    // of the same workshop saves).
    Effect::new(move |_| {
        let notes = saved.get();
        place.set(notes.place);
        conclusions.set(notes.conclusions);
    });
    let unsaved = move || {
        saved.with(|n| n.place != place.get().trim() || n.conclusions != conclusions.get().trim())
    };
    view! {
        <section class="card synthesis-notes">
            <h2>{move || t().notes_heading}</h2>
            <label for="notes-place">{move || t().notes_place}</label>
            <input id="notes-place" maxlength=MAX_PLACE_CHARS
                prop:value=move || place.get()
                on:input=move |ev| place.set(event_target_value(&ev))/>
            <label for="notes-conclusions">{move || t().notes_conclusions}</label>
            <textarea id="notes-conclusions" rows="5" maxlength=MAX_CONCLUSIONS_CHARS
                prop:value=move || conclusions.get()
                on:input=move |ev| conclusions.set(event_target_value(&ev))></textarea>
            <div class="actions">
                <button id="save-notes" disabled=move || !unsaved() on:click=move |_| {
                    session.send(Command::SetNotes(SetNotes {
                        place: place.get_untracked(),
                        conclusions: conclusions.get_untracked(),
                    }));
                }>{move || t().notes_save}</button>
                <span class="hint" aria-live="polite">{move || if unsaved() { "" } else { t().notes_saved }}</span>
            </div>
        </section>
    }
}
