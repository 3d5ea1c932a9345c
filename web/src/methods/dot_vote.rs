//! The dot vote (« gommettes ») on the tablet and on the wall. On the tablet,
//! each person of the table in turn (« Personne 1, 2, 3 ») keeps the ideas
//! they choose: one tap puts a dot, another takes it back; the dots left are
//! always in view, and the engine says which taps are allowed (own ideas,
//! dots left, one per idea). On the wall and the console: the dots per idea,
//! most first, and how many people have placed all theirs.

use leptos::prelude::*;
use ruche_shared::methods::dot_vote;
use ruche_shared::methods::dot_vote::tally::DotTally;
use ruche_shared::{Command, ItemRef, Lang, StepConfig, TableId, Workshop};

use crate::session::Session;
use crate::widgets::bars::{Bar, Bars, Counted};

/// This method's sentences.
struct Texts {
    person: &'static str,
    dots_left: &'static str,
    all_placed: &'static str,
    keep: &'static str,
    kept: &'static str,
    own_idea: &'static str,
    pending: &'static str,
    people_done: &'static str,
}

const FR: Texts = Texts {
    person: "Personne",
    dots_left: "gommette(s) à placer",
    all_placed: "Gommettes placées. Merci ! Touchez une idée gardée pour changer d'avis.",
    keep: "Garder",
    kept: "Gardée",
    own_idea: "Votre idée",
    pending: "envoi…",
    people_done: "personnes ont placé leurs gommettes",
};

const EN: Texts = Texts {
    person: "Person",
    dots_left: "dot(s) to place",
    all_placed: "Dots placed. Thank you! Tap a kept idea to change your mind.",
    keep: "Keep",
    kept: "Kept",
    own_idea: "Your idea",
    pending: "sending…",
    people_done: "people have placed their dots",
};

fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    }
}

/// The dots per seat of step `step`, from its settings.
fn dots_per_seat(workshop: &Workshop, step: usize) -> u32 {
    match workshop.config().step(step) {
        Some(StepConfig::DotVote(config)) => config.dots_per_seat,
        _ => 0,
    }
}

/// The tablet's panel: a person chooses their seat, then keeps ideas.
#[component]
pub fn DotVote(session: Session, table: TableId, step: usize) -> impl IntoView {
    let t = texts(session.lang());
    let seat = RwSignal::new(1u8);
    let (seats, per_seat) = session.workshop.with_untracked(|w| {
        w.as_ref()
            .map_or((0, 0), |w| (w.config().seats(), dots_per_seat(w, step)))
    });
    // What the seat sees: its dots once the waiting ones are accepted.
    let shown = move |seat: u8, item: ItemRef| -> u32 {
        session.projected.with(|w| {
            w.as_ref()
                .and_then(|w| w.dot_ledger(step))
                .map_or(0, |l| l.dots(table, seat, item))
        })
    };
    let pending = move |seat: u8, item: ItemRef| {
        session.is_pending(|c| {
            matches!(c, Command::SetDot(dot_vote::SetDot { seat: s, item: i, .. }) if (*s, *i) == (seat, item))
        })
    };
    let allowed = move |seat: u8, item: ItemRef, dots: u32| {
        session.allows(&Command::SetDot(dot_vote::SetDot { seat, item, dots }))
    };
    let left = move || {
        let placed = session.projected.with(|w| {
            w.as_ref()
                .and_then(|w| w.dot_ledger(step))
                .map_or(0, |l| l.placed(table, seat.get()))
        });
        per_seat.saturating_sub(placed)
    };
    let items = move || {
        session.workshop.with(|w| {
            w.as_ref().map_or_else(Vec::new, |w| {
                w.vote_items()
                    .map(|item| {
                        let own = w.counts_as_own(step, item, table);
                        (item, w.item_label(item).to_owned(), own)
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    view! {
        <div class="seats" role="group">
            {(1..=seats).map(|s| view! {
                <button class="seat" aria-pressed=move || (seat.get() == s).to_string() on:click=move |_| seat.set(s)>
                    {format!("{} {s}", t.person)}
                </button>
            }).collect_view()}
        </div>
        <div class="budget" role="status" aria-live="polite" data-dots-left=left>
            {move || if left() == 0 {
                view! { <span class="all-placed">{t.all_placed}</span> }.into_any()
            } else {
                view! { <strong class="points-left">{left}</strong> " " {t.dots_left} }.into_any()
            }}
        </div>
        <ul class="vote-items">
            <For each=items key=|(item, label, own)| (*item, label.clone(), *own) let((item, label, own))>
                <li class="vote-item dot-item" class:own=own data-item=item.to_string()
                    data-dots=move || shown(seat.get(), item)>
                    <span class="item-label">{label.clone()}</span>
                    {if own {
                        view! { <span class="badge own">{t.own_idea}</span> }.into_any()
                    } else {
                        view! {
                            <button class="dot-toggle"
                                aria-pressed=move || (shown(seat.get(), item) > 0).to_string()
                                class:pending=move || pending(seat.get(), item)
                                disabled=move || {
                                    let (s, now) = (seat.get(), shown(seat.get(), item));
                                    let next = if now > 0 { 0 } else { 1 };
                                    !allowed(s, item, next)
                                }
                                on:click=move |_| {
                                    let (s, now) = (seat.get(), shown(seat.get(), item));
                                    let dots = if now > 0 { 0 } else { 1 };
                                    session.send(Command::SetDot(dot_vote::SetDot { seat: s, item, dots }));
                                }>
                                {move || if shown(seat.get(), item) > 0 { format!("● {}", t.kept) } else { format!("○ {}", t.keep) }}
                                {move || pending(seat.get(), item).then(|| view! { <span class="sr-only">{t.pending}</span> })}
                            </button>
                        }.into_any()
                    }}
                </li>
            </For>
        </ul>
    }
}

/// The dots per idea, most first, as a bar chart that grows live.
#[component]
pub fn DotBars(
    tally: Signal<Option<DotTally>>,
    workshop: ReadSignal<Option<Workshop>>,
    lang: Lang,
) -> impl IntoView {
    let t = texts(lang);
    let bars = Memo::new(move |_| {
        tally.with(|d| {
            d.as_ref().map_or_else(Vec::new, |d| {
                d.bars
                    .iter()
                    .map(|b| Bar {
                        item: b.item,
                        count: b.dots,
                        paper: b.paper,
                    })
                    .collect()
            })
        })
    });
    let done = move || tally.with(|d| d.as_ref().map_or((0, 0), |d| (d.seats_done, d.seats_total)));
    view! {
        <div class="histogram dots">
            <p class="done-count" data-seats-done=move || done().0>
                {move || format!("{} / {} {}", done().0, done().1, t.people_done)}
            </p>
            <Bars bars counted=Counted::Dots workshop lang/>
        </div>
    }
}
