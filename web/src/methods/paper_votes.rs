//! The console's card for paper votes, during a budget or dot vote: a
//! paper board's name and, per idea, the stickers counted on it; saved, each
//! count that changed is sent (`set_paper_votes`: a set, not an addition),
//! and the histograms add them, hatched.

use leptos::prelude::*;
use ruche_shared::methods::paper_votes::{MAX_PAPER_COUNT, SetPaperVotes};
use ruche_shared::{Command, ItemRef, StepKind};

use crate::i18n::texts;
use crate::session::Session;

/// Folded under the vote's controls; opened when a paper board was used.
#[component]
pub fn PaperVotes(session: Session) -> impl IntoView {
    let t = texts(session.lang());
    let group = RwSignal::new(t.paper_default_group.to_owned());
    // The vote's items, with their texts: the rows.
    let items = Memo::new(move |_| {
        session.workshop.with(|w| {
            let Some(w) = w.as_ref() else {
                return Vec::new();
            };
            let kind = w.current_step_config().kind();
            if !matches!(kind, StepKind::BudgetVote | StepKind::DotVote) {
                return Vec::new();
            }
            w.vote_items()
                .map(|item| (item, w.item_label(item).to_owned()))
                .collect::<Vec<_>>()
        })
    });
    // What this board has counted so far, per item.
    let counted = Memo::new(move |_| {
        let group = group.get();
        session.workshop.with(|w| {
            w.as_ref().map_or_else(Vec::new, |w| {
                w.paper_counts(w.current_step())
                    .into_iter()
                    .filter(|c| c.group == group.trim())
                    .map(|c| (c.item, c.count))
                    .collect::<Vec<(ItemRef, u32)>>()
            })
        })
    });
    // Each row's number as typed (the last typed for an item wins).
    let draft = RwSignal::new(Vec::<(ItemRef, u32)>::new());
    let count_in = |counts: &[(ItemRef, u32)], item: ItemRef| {
        counts
            .iter()
            .rev()
            .find(|(i, _)| *i == item)
            .map_or(0, |(_, c)| *c)
    };
    let save = move |_| {
        let group = group.get_untracked();
        let before = counted.get_untracked();
        for (item, count) in draft.get_untracked() {
            if count_in(&before, item) != count {
                session.send(Command::SetPaperVotes(SetPaperVotes {
                    group: group.clone(),
                    item,
                    count,
                }));
            }
        }
    };
    let rows = move || {
        let counted = counted.get();
        draft.set(Vec::new());
        items
            .get()
            .into_iter()
            .map(|(item, label)| {
                let id = format!("paper-{item}");
                let value = count_in(&counted, item);
                view! {
                    <li>
                        <label for=id.clone()>{label}</label>
                        <input id=id type="number" class="short" min="0" max=MAX_PAPER_COUNT data-item=item.to_string()
                            prop:value=value.to_string()
                            on:input=move |ev| {
                                let count = event_target_value(&ev).trim().parse().unwrap_or(0);
                                draft.update(|d| d.push((item, count)));
                            }/>
                    </li>
                }
            })
            .collect_view()
    };
    let any = Memo::new(move |_| items.with(|items| !items.is_empty()));
    move || {
        any.get().then(|| view! {
            <details class="card paper-votes">
                <summary><h2>{t.paper_heading}</h2></summary>
                <p class="hint">{t.paper_hint}</p>
                <label for="paper-group">{t.paper_group}</label>
                <input id="paper-group" prop:value=group.get_untracked()
                    on:change=move |ev| group.set(event_target_value(&ev))/>
                <ul class="paper-counts">{rows}</ul>
                <button type="button" id="save-paper" class="primary" on:click=save>{t.save_paper}</button>
            </details>
        })
    }
}
