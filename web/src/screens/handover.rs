//! The console's card for a tablet that died: the facilitator picks the
//! table and gets a one-time code for the new tablet, which opens the
//! workshop's address as any tablet does, then « Reprenez votre table »
//! with the code: it has the table's ideas, points and scores. The
//! card says when the new tablet has it (the table's handover count moves).
//! (No QR code: the console's bundle has little room left, and the address
//! plus 8 digits are quickly typed.)

use leptos::prelude::*;
use ruche_shared::TableId;
use ruche_shared::api::route::Route;
use ruche_shared::api::{Handover, handover_path, with_route};
use ruche_shared::protocol::Auth;

use crate::browser;
use crate::i18n::texts;
use crate::session::Session;

/// « Une tablette en panne ? »: a code for a new tablet to take a table over.
#[component]
pub fn HandoverCard(session: Session) -> impl IntoView {
    let t = move || texts(session.lang());
    let tablet_base = browser::tablet_base();
    let chosen = RwSignal::new(None::<TableId>);
    // The code given, with the table's handover count when it was given.
    let given = RwSignal::new(None::<(Handover, u32)>);
    let busy = RwSignal::new(false);
    // The card is rebuilt only when a table joins, not at every idea or
    // vote (that would close it, and hide the code being read out).
    let tables = Memo::new(move |_| {
        session.workshop.with(|w| {
            w.as_ref()
                .map(|w| {
                    w.tables()
                        .iter()
                        .map(|t| (t.id, t.name.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let handovers_of = move |table: TableId| {
        session.workshop.with(|w| {
            w.as_ref()
                .and_then(|w| w.table(table))
                .map_or(0, |t| t.handovers)
        })
    };
    let ask = move || {
        let Some(Auth::Facilitator { workshop, secret }) = session.auth() else {
            return;
        };
        let Some(table) = chosen
            .get_untracked()
            .or_else(|| tables.with_untracked(|t| t.first().map(|t| t.0)))
        else {
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let code = session.join_code.get_untracked();
            let path = with_route(&handover_path(&workshop, table), code.as_deref());
            let answer = browser::http("POST", &path, None, Some(&secret)).await;
            busy.set(false);
            match answer {
                Ok(answer) if answer.status == 200 => {
                    match serde_json::from_str::<Handover>(&answer.body) {
                        Ok(handover) => given.set(Some((handover, handovers_of(table)))),
                        Err(_) => session.show_notice(answer.body),
                    }
                }
                Ok(answer) => session.show_notice(
                    browser::json_text(&answer.body, "message").unwrap_or(answer.body),
                ),
                Err(problem) => session.show_notice(problem),
            }
        });
    };
    let shown = move || {
        let (handover, before) = given.get()?;
        let done = handovers_of(handover.table) > before;
        // Where the new tablet goes: the wall's QR code is gone once
        // joining is locked, so the address is written out.
        let code = session.join_code.get()?;
        let address = format!(
            "{}/{}",
            tablet_base.get(),
            Route::Tablet { code }.fragment()
        );
        Some((handover, done, address))
    };
    move || {
        let choices = tables.get();
        (!choices.is_empty()).then(|| view! {
            <details class="card handover">
                <summary>{t().handover_summary}</summary>
                <form on:submit=move |ev| { ev.prevent_default(); ask(); }>
                    <label for="handover-table">{t().handover_which}</label>
                    <select id="handover-table" on:change=move |ev| {
                        chosen.set(event_target_value(&ev).parse().ok().map(TableId));
                        given.set(None);
                    }>
                        {choices.into_iter().map(|(id, name)| view! {
                            <option value=id.0 selected=move || chosen.get() == Some(id)>{name}</option>
                        }).collect_view()}
                    </select>
                    <button id="handover" type="submit" disabled=move || busy.get()>{t().handover_button}</button>
                </form>
                {move || shown().map(|(handover, done, address)| {
                    if done {
                        return view! {
                            <p class="handover-done" role="status">"✓ " {handover.name} " " {t().handover_done}</p>
                        }.into_any();
                    }
                    // « 4839 2017 »: read aloud and typed in two halves.
                    let spaced = handover.code.as_bytes().chunks(4)
                        .map(|half| String::from_utf8_lossy(half).into_owned())
                        .collect::<Vec<_>>().join(" ");
                    view! {
                        <div class="handover-code" role="status">
                            <p><strong>{handover.name}</strong></p>
                            <p class="code" data-handover=handover.code.clone()>{spaced}</p>
                            <p class="muted">{t().handover_steps}</p>
                            <p class="handover-address">{address}</p>
                        </div>
                    }.into_any()
                })}
            </details>
        })
    }
}
