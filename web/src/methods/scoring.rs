//! Scoring on the tablet, seat by seat: each item on each criterion, on the
//! step's scale. On the wall, the tablets and the console: the distribution of
//! scores per item and criterion, and the ranking by consensus.

use leptos::prelude::*;
use ruche_shared::config::DEFAULT_SEATS;
use ruche_shared::methods::scoring;
use ruche_shared::methods::scoring::results::{Consensus, ScoringResults};
use ruche_shared::methods::scoring::sheet::ScoreCell;
use ruche_shared::{Command, Lang, StepConfig, TableId};

use crate::i18n::{self, texts};
use crate::session::Session;

/// Scoring seat by seat: each item on each criterion, 0–10.
#[component]
pub fn Scoring(session: Session, table: TableId, step: usize) -> impl IntoView {
    let t = texts(session.lang());
    let seat = RwSignal::new(1u8);
    let (seats, criteria, scale) = session.workshop.with_untracked(|w| {
        let w = w.as_ref();
        let seats = w.map_or(DEFAULT_SEATS, |w| w.config().seats());
        match w.and_then(|w| w.config().step(step)) {
            Some(StepConfig::Scoring(scoring::Config {
                criteria,
                scale_min,
                scale_max,
                ..
            })) => (seats, criteria.clone(), (*scale_min, *scale_max)),
            _ => (seats, Vec::new(), (0, 0)),
        }
    });
    let items = move || {
        session.workshop.with(|w| {
            w.as_ref()
                .and_then(|w| w.score_sheet(step))
                .and_then(|s| s.items())
                .map(|items| items.iter().map(|i| i.text.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    // A seat's score once the waiting scores are accepted, and whether one is waiting.
    let shown = move |seat: u8, item: u32, criterion: u32| -> (Option<u8>, bool) {
        let pending = session.is_pending(|c| {
            matches!(c, Command::SetScore(scoring::SetScore { seat: s, item: i, criterion: k, .. })
                if (*s, *i, *k) == (seat, item, criterion))
        });
        let score = session.projected.with(|w| {
            let w = w.as_ref()?;
            let shape = w.sheet_shape(step)?;
            w.score_sheet(step)?.score(
                shape,
                ScoreCell {
                    table,
                    seat,
                    item,
                    criterion,
                },
            )
        });
        (score, pending)
    };
    let criteria_count = criteria.len() as u32;
    let left = move || {
        let count = items().len() as u32;
        let seat = seat.get();
        (0..count)
            .flat_map(|i| (0..criteria_count).map(move |c| (i, c)))
            .filter(|&(i, c)| shown(seat, i, c).0.is_none())
            .count()
    };
    let open = move || {
        session
            .workshop
            .with(|w| w.as_ref().is_some_and(|w| w.is_step_open()))
    };
    let criteria = StoredValue::new(criteria);
    view! {
        <div class="seats" role="group">
            {(1..=seats).map(|s| view! {
                <button class="seat" aria-pressed=move || (seat.get() == s).to_string() on:click=move |_| seat.set(s)>
                    {format!("{} {s}", t.seat)}
                </button>
            }).collect_view()}
        </div>
        <p class="left" role="status" data-left=left>
            {move || if left() == 0 { t.all_scored.to_owned() } else { format!("{} {}", left(), t.left_to_score) }}
        </p>
        {move || {
            let seat_now = seat.get();
            items().into_iter().enumerate().map(|(i, text)| {
                let item = i as u32;
                let rows = criteria.with_value(|criteria| criteria.iter().enumerate().map(|(k, criterion)| {
                    let criterion_index = k as u32;
                    let name = criterion.name.clone();
                    let buttons = (scale.0..=scale.1).map(|value| {
                        view! {
                            <button class="score" aria-label=format!("{name} : {value}")
                                aria-pressed=move || (shown(seat_now, item, criterion_index).0 == Some(value)).to_string()
                                class:pending=move || shown(seat_now, item, criterion_index).1 && shown(seat_now, item, criterion_index).0 == Some(value)
                                disabled=move || !open()
                                on:click=move |_| { session.send(Command::SetScore(scoring::SetScore { seat: seat_now, item, criterion: criterion_index, score: Some(value) })); }>
                                {value}
                            </button>
                        }
                    }).collect_view();
                    view! {
                        <fieldset class="criterion-row" data-item=item data-criterion=criterion_index
                            data-score=move || shown(seat_now, item, criterion_index).0.map(|s| s.to_string()).unwrap_or_default()>
                            <legend>{criterion.name.clone()}
                                <span class="muted">{move || if shown(seat_now, item, criterion_index).0.is_none() { format!(" · {}", t.not_scored) } else { String::new() }}</span>
                            </legend>
                            <div class="scale">{buttons}</div>
                        </fieldset>
                    }
                }).collect_view());
                view! {
                    <section class="card score-card">
                        <h3>{text}</h3>
                        {rows}
                    </section>
                }
            }).collect_view()
        }}
    }
}

/// For each scoring item: per criterion, how many gave each score, with the
/// mean and the spread; then the ranking by consensus.
#[component]
pub fn ScoreBoard(results: ScoringResults, lang: Lang) -> impl IntoView {
    let t = texts(lang);
    let width = usize::from(results.scale_max - results.scale_min) + 1;
    let ranking = results
        .ranking
        .iter()
        .filter_map(|&index| results.items.get(index as usize))
        .map(|item| {
            view! {
                <li data-item=item.item data-consensus=format!("{:?}", item.consensus)>
                    <span class="rank-text">{item.text.clone()}</span>
                    <span class=format!("consensus {}", consensus_class(item.consensus))>
                        {consensus_label(item.consensus, lang)}
                    </span>
                </li>
            }
        })
        .collect_view();
    let items = results
        .items
        .iter()
        .map(|item| {
            let criteria = results
                .criteria
                .iter()
                .zip(&item.criteria)
                .map(|(criterion, stats)| {
                    let most = stats.counts.iter().copied().max().unwrap_or(0).max(1);
                    let columns = stats
                        .counts
                        .iter()
                        .enumerate()
                        .map(|(i, &count)| {
                            let height = f64::from(count) * 100.0 / f64::from(most);
                            let score = usize::from(results.scale_min) + i;
                            view! {
                                <span class="col" title=format!("{score}: {count}")>
                                    <span class="col-fill" style:height=format!("{height:.0}%")></span>
                                    <span class="col-label">{score}</span>
                                </span>
                            }
                        })
                        .collect_view();
                    let mean = stats.mean.map(|m| i18n::decimal(m, lang)).unwrap_or("–".into());
                    let spread = stats.std_dev.map(|s| i18n::decimal(s, lang)).unwrap_or("–".into());
                    view! {
                        <div class="criterion" data-mean=stats.mean.map(|m| format!("{m:.3}")).unwrap_or_default()>
                            <h4>{criterion.name.clone()}</h4>
                            <div class="columns" style:grid-template-columns=format!("repeat({width}, 1fr)")>
                                {columns}
                            </div>
                            <p class="figures">
                                {format!("{} {mean} · {} {spread} · {} {}", t.mean, t.spread, stats.scorers, t.scorers)}
                            </p>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <section class="score-item">
                    <h3>{item.text.clone()}</h3>
                    <div class="criteria">{criteria}</div>
                </section>
            }
        })
        .collect_view();
    view! {
        <div class="scoreboard">
            <section class="ranking">
                <h3>{t.ranking}</h3>
                <ol>{ranking}</ol>
            </section>
            {items}
        </div>
    }
}

fn consensus_class(consensus: Consensus) -> &'static str {
    match consensus {
        Consensus::Consensus => "agreed",
        Consensus::Rejected => "rejected",
        Consensus::Divided => "divided",
        Consensus::Mixed => "mixed",
        Consensus::NoScores => "none",
    }
}

fn consensus_label(consensus: Consensus, lang: Lang) -> &'static str {
    let t = texts(lang);
    match consensus {
        Consensus::Consensus => t.consensus_agreed,
        Consensus::Rejected => t.consensus_rejected,
        Consensus::Divided => t.consensus_divided,
        Consensus::Mixed => t.consensus_mixed,
        Consensus::NoScores => t.consensus_none,
    }
}
