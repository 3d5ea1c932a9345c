//! The budget vote on the tablet: − / + per item, the points left always in
//! view; the engine says which taps are allowed. On the wall, the tablets and
//! the console: the live histogram of points.

use leptos::prelude::*;
use ruche_shared::methods::budget_vote;
use ruche_shared::methods::budget_vote::histogram::VoteHistogram;
use ruche_shared::{Command, ItemRef, Lang, StepConfig, TableId, Workshop};

use crate::i18n::texts;
use crate::session::Session;
use crate::widgets::bars::{Bar, Bars, Counted};

/// Spending the table's points: − / + per item, the points left always in view.
#[component]
pub fn Vote(session: Session, table: TableId, step: usize) -> impl IntoView {
    let t = texts(session.lang());
    let (budget, cap, rules) =
        session
            .workshop
            .with_untracked(|w| match w.as_ref().and_then(|w| w.config().step(step)) {
                Some(StepConfig::BudgetVote(config)) => (
                    config.budget,
                    config.cap_per_item,
                    config.in_words(session.lang()),
                ),
                _ => (0, 0, String::new()),
            });
    // What the table sees: its points once the waiting votes are accepted.
    let shown = move |item: ItemRef| -> u32 {
        session.projected.with(|w| {
            w.as_ref()
                .and_then(|w| w.vote_ledger(step))
                .map_or(0, |l| l.points(table, item))
        })
    };
    let pending = move |item: ItemRef| {
        session.is_pending(
            |c| matches!(c, Command::SetVote(budget_vote::SetVote { item: i, .. }) if *i == item),
        )
    };
    // Whether the engine accepts this many points now: the cap, the budget,
    // the table's own ideas and the step are its rules, not the screen's.
    let allowed = move |item: ItemRef, points: u32| {
        session.allows(&Command::SetVote(budget_vote::SetVote { item, points }))
    };
    let items = move || {
        session.workshop.with(|w| {
            w.as_ref()
                .map(|w| {
                    w.vote_items()
                        .map(|item| {
                            (
                                item,
                                w.item_label(item).to_owned(),
                                w.counts_as_own(step, item, table),
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let left = move || {
        let spent = session.projected.with(|w| {
            w.as_ref()
                .and_then(|w| w.vote_ledger(step))
                .map_or(0, |l| l.spent(table))
        });
        budget.saturating_sub(spent)
    };
    let corrected = move |item: ItemRef| {
        session
            .workshop
            .with(|w| w.as_ref().is_some_and(|w| w.is_corrected(item)))
    };
    // What the rules still let the table give, and the most it ever could
    // with these items (the engine's count: cap, own ideas).
    let reach = move || {
        session.projected.with(|w| {
            w.as_ref()
                .and_then(|w| w.points_within_reach(step, table))
                .unwrap_or((0, 0))
        })
    };
    view! {
        <div class="budget" role="status" aria-live="polite" data-points-left=left>
            <strong class="points-left">{left}</strong>
            " " {t.points_left} " / " {budget}
        </div>
        <p class="rules">{rules}</p>
        {move || {
            let (_, reachable) = reach();
            (reachable < budget && left() > 0)
                .then(|| view! { <p class="rules reach">{t.at_most_points.replace("{n}", &reachable.to_string())}</p> })
        }}
        {move || if left() == 0 {
            Some(view! { <p class="done">{t.vote_done}</p> }.into_any())
        } else if reach().0 == 0 {
            // Points left, but nowhere they may go: done all the same.
            let message = t.vote_done_with_left.replace("{n}", &left().to_string());
            Some(view! { <p class="done" data-left-over=left>{message}</p> }.into_any())
        } else {
            None
        }}
        <ul class="vote-items">
            <For each=items key=|(item, label, own)| (*item, label.clone(), *own) let((item, label, own))>
                <li class="vote-item" class:own=own data-item=item.to_string() data-points=move || shown(item)>
                    <span class="item-label">{label.clone()}</span>
                    {move || corrected(item).then(|| view! { <span class="corrected-mark">{t.corrected}</span> })}
                    {if own {
                        view! { <span class="badge own">{t.own_idea}</span> }.into_any()
                    } else {
                        let label = label.clone();
                        view! {
                            // Why + is grey here (the budget and the closed
                            // step are said once, above the list).
                            {move || (shown(item) >= cap).then(|| view! { <span class="why">{t.cap_reached}</span> })}
                            <span class="stepper">
                                <button class="round" aria-label=format!("{} {label}", t.remove_point)
                                    disabled=move || { shown(item) == 0 || !allowed(item, shown(item) - 1) }
                                    on:click=move |_| { session.send(Command::SetVote(budget_vote::SetVote { item, points: shown(item).saturating_sub(1) })); }>"−"</button>
                                <span class="points" class:pending=move || pending(item) aria-live="polite">
                                    {move || shown(item)}
                                    {move || pending(item).then(|| view! { <span class="sr-only">{t.pending}</span> })}
                                </span>
                                <button class="round" aria-label=format!("{} {label}", t.add_point)
                                    disabled=move || !allowed(item, shown(item) + 1)
                                    on:click=move |_| { session.send(Command::SetVote(budget_vote::SetVote { item, points: shown(item) + 1 })); }>"+"</button>
                            </span>

                        }.into_any()
                    }}
                </li>
            </For>
        </ul>
    }
}

/// On the console, when a vote step is reached: a warning if some tables
/// cannot spend their whole budget (too few items for the cap), so the
/// facilitator is not waiting for points that can never come.
#[component]
pub fn BudgetWarning(session: Session) -> impl IntoView {
    let t = texts(session.lang());
    move || {
        session.workshop.with(|w| {
            let w = w.as_ref()?;
            let step = w.current_step();
            let StepConfig::BudgetVote(config) = w.current_step_config() else {
                return None;
            };
            let short: Vec<u32> = w
                .tables()
                .iter()
                .filter_map(|table| w.points_within_reach(step, table.id))
                .map(|(_, reachable)| reachable)
                .filter(|&reachable| reachable < config.budget)
                .collect();
            let most = short.iter().copied().max()?;
            let message = t
                .budget_unreachable
                .replace("{tables}", &short.len().to_string())
                .replace("{n}", &most.to_string())
                .replace("{budget}", &config.budget.to_string());
            Some(view! { <p class="notice budget-warning" role="status">{message}</p> })
        })
    }
}

/// A horizontal bar chart of a vote's points, most points first. The bars are
/// keyed by item and follow `histogram` live, so a bar grows (CSS transition)
/// rather than being redrawn. Each bar carries its item and points as data
/// attributes (the browser tests read them).
#[component]
pub fn VoteBars(
    histogram: Signal<Option<VoteHistogram>>,
    workshop: ReadSignal<Option<Workshop>>,
    lang: Lang,
) -> impl IntoView {
    let t = texts(lang);
    let bars = Memo::new(move |_| {
        histogram.with(|h| {
            h.as_ref().map_or_else(Vec::new, |h| {
                h.bars
                    .iter()
                    .map(|b| Bar {
                        item: b.item,
                        count: b.points,
                        paper: b.paper,
                    })
                    .collect()
            })
        })
    });
    let done = move || histogram.with(|h| h.as_ref().map_or(0, |h| h.tables_done));
    let tables = move || histogram.with(|h| h.as_ref().map_or(0, |h| h.tables_total));
    view! {
        <div class="histogram">
            <p class="done-count" data-tables-done=done>
                {move || format!("{} / {} {}", done(), tables(), t.tables_done)}
            </p>
            <Bars bars counted=Counted::Points workshop lang/>
        </div>
    }
}
