//! The console's card for the tables' personas and questions: deal the
//! workshop's personas (design thinking) or give a table a chosen one, and
//! read, write or share each table's own question (its « Comment
//! pourrions-nous… ? », or the case the facilitator gives it).

use leptos::prelude::*;
use ruche_shared::Command;
use ruche_shared::methods::persona::{DealPersonas, GivePersona};
use ruche_shared::methods::questions::SetTableQuestion;

use crate::i18n::texts;
use crate::session::Session;

/// Who each table thinks for and what it works on, and the way to change it.
#[component]
pub fn PersonasCard(session: Session) -> impl IntoView {
    let t = move || texts(session.lang());
    // Rebuilt only when a table, its persona or its question changes, not at
    // every idea or vote: a question being typed must not be wiped.
    let card = Memo::new(move |_| {
        session.workshop.with(|w| {
            let w = w.as_ref()?;
            let names: Vec<String> = w.personas().iter().map(|p| p.name.clone()).collect();
            let tables: Vec<_> = w
                .tables()
                .iter()
                .map(|t| (t.id, t.name.clone(), t.persona, t.question.clone()))
                .collect();
            (!tables.is_empty()).then_some((names, tables))
        })
    });
    move || {
        let (names, tables) = card.get()?;
        let has_personas = !names.is_empty();
        let heading = if has_personas {
            t().personas_heading
        } else {
            t().table_questions
        };
        Some(view! {
            <details class="card personas" open=has_personas>
                <summary><h2>{heading}</h2></summary>
                {has_personas.then(|| view! {
                    <button id="deal-personas" class="primary"
                        on:click=move |_| { session.send(Command::DealPersonas(DealPersonas {})); }>
                        {t().deal_personas}
                    </button>
                })}
                <ul class="persona-tables">
                    {tables.into_iter().map(|(table, name, persona, question)| {
                        let options = names.clone();
                        let shared = question.clone();
                        view! {
                            <li data-table=table.0>
                                <strong>{name.clone()}</strong>
                                {has_personas.then(|| view! {
                                    <select id=format!("persona-{}", table.0) aria-label=format!("{} · {name}", t().personas_heading)
                                        on:change=move |ev| {
                                            let persona = event_target_value(&ev).parse().ok();
                                            session.send(Command::GivePersona(GivePersona { table, persona }));
                                        }>
                                        <option value="" selected=persona.is_none()>{t().no_persona}</option>
                                        {options.into_iter().enumerate().map(|(n, label)| view! {
                                            <option value=n selected=persona == Some(n as u8)>{label}</option>
                                        }).collect_view()}
                                    </select>
                                })}
                                <input class="table-question" id=format!("question-{}", table.0)
                                    aria-label=format!("{} · {name}", t().table_questions)
                                    prop:value=question.unwrap_or_default()
                                    on:change=move |ev| {
                                        let question = event_target_value(&ev);
                                        session.send(Command::SetTableQuestion(SetTableQuestion { table: Some(table), question }));
                                    }/>
                                {shared.map(|question| view! {
                                    <button class="quiet" on:click=move |_| {
                                        let question = question.clone();
                                        session.send(Command::SetTableQuestion(SetTableQuestion { table: None, question }));
                                    }>{t().question_for_all}</button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </details>
        })
    }
}
