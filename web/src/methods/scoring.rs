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

/// The tablet's scoring, drawn again only when the step's criteria change
/// (the facilitator words those a vote chose, before anyone scores).
#[component]
pub fn ScoringSheet(session: Session, table: TableId, step: usize) -> impl IntoView {
    let criteria = Memo::new(move |_| {
        session.workshop.with(|w| {
            w.as_ref()
                .and_then(|w| w.criteria(step))
                .map(<[_]>::to_vec)
                .unwrap_or_default()
        })
    });
    move || {
        let criteria = criteria.get();
        view! { <Scoring session table step criteria/> }
    }
}

/// Scoring seat by seat: each item on each criterion, 0–10.
#[component]
fn Scoring(
    session: Session,
    table: TableId,
    step: usize,
    criteria: Vec<scoring::Criterion>,
) -> impl IntoView {
    let t = texts(session.lang());
    let seat = RwSignal::new(1u8);
    let (seats, scale) = session.workshop.with_untracked(|w| {
        let w = w.as_ref();
        let seats = w.map_or(DEFAULT_SEATS, |w| w.config().seats());
        match w.and_then(|w| w.config().step(step)) {
            Some(StepConfig::Scoring(scoring::Config {
                scale_min,
                scale_max,
                ..
            })) => (seats, (*scale_min, *scale_max)),
            _ => (seats, (0, 0)),
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
    // What each seat has scored: nothing yet, some, or every cell (a tick).
    let scored = move |seat: u8| {
        let count = items().len() as u32;
        let given = (0..count)
            .flat_map(|i| (0..criteria_count).map(move |c| (i, c)))
            .filter(|&(i, c)| shown(seat, i, c).0.is_some())
            .count();
        (given, given as u32 == count * criteria_count && given > 0)
    };
    // The three share one tablet: another seat's scores open only once the
    // tablet is confirmed to be in that person's hands (on a sensitive
    // topic, « Personne 2 » should not read « Personne 1 »'s scores).
    let choose = move |s: u8| {
        let private = s != seat.get_untracked() && scored(s).0 > 0;
        let question = t.confirm_seat.replace("{seat}", &format!("{} {s}", t.seat));
        if !private || window().confirm_with_message(&question).unwrap_or(true) {
            seat.set(s);
        }
    };
    let criteria = StoredValue::new(criteria);
    view! {
        <div class="seats" role="group">
            {(1..=seats).map(|s| view! {
                <button class="seat" aria-pressed=move || (seat.get() == s).to_string()
                    data-done=move || scored(s).1.to_string() on:click=move |_| choose(s)>
                    {format!("{} {s}", t.seat)}
                    {move || scored(s).1.then(|| view! { <span class="tick" aria-label=t.seat_done>" ✓"</span> })}
                </button>
            }).collect_view()}
        </div>
        <p class="left" role="status" data-left=left>
            {move || if left() == 0 { t.all_scored.to_owned() } else { format!("{} {}", left(), t.left_to_score) }}
        </p>
        {move || (left() == 0 && seat.get() < seats).then(|| {
            let next = seat.get() + 1;
            view! {
                <button id="next-seat" class="primary" on:click=move |_| seat.set(next)>
                    {format!("{} {} {next}", t.pass_tablet_to, t.seat)}
                </button>
            }
        })}

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
                                <span class="ends">{criterion.scale_in_words(scale.0, scale.1, session.lang())}</span>
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
/// median and the mean; then the ranking by support, and why.
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
                    <span class="support" data-support=item.support.map(|s| format!("{s:.3}")).unwrap_or_default()>
                        {item.support.map(|s| format!("{} {} %", t.support, (s * 100.0).round())).unwrap_or_default()}
                    </span>
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
                    // The column of the median score stands out.
                    let median_column = stats.median.map(|m| (m - f64::from(results.scale_min)).round() as usize);
                    let columns = stats
                        .counts
                        .iter()
                        .enumerate()
                        .map(|(i, &count)| {
                            let height = f64::from(count) * 100.0 / f64::from(most);
                            let score = usize::from(results.scale_min) + i;
                            view! {
                                <span class="col" class:median=median_column == Some(i) title=format!("{score}: {count}")>
                                    <span class="col-count">{(count > 0).then_some(count)}</span>
                                    <span class="col-fill" style:height=format!("{height:.0}%")></span>
                                    <span class="col-label">{score}</span>
                                </span>
                            }
                        })
                        .collect_view();
                    let mean = stats.mean.map(|m| i18n::decimal(m, lang)).unwrap_or("–".into());
                    let median = stats.median.map(|m| i18n::decimal(m, lang)).unwrap_or("–".into());
                    view! {
                        <div class="criterion" data-mean=stats.mean.map(|m| format!("{m:.3}")).unwrap_or_default()
                            data-median=stats.median.map(|m| format!("{m:.1}")).unwrap_or_default()>
                            <h4>{criterion.name.clone()}
                                {(!criterion.higher_is_better).then(|| view! { <span class="lower-better">{format!(" ↓ {}", t.lower_is_better)}</span> })}
                            </h4>
                            <div class="columns" style:grid-template-columns=format!("repeat({width}, 1fr)")>
                                {columns}
                            </div>
                            <p class="figures">
                                {format!("{} {median} · {} {mean} · {} {}", t.median, t.mean, stats.scorers, t.scorers)}
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
                <p class="ranking-rule">{ranking_rule(&results.criteria, lang)}</p>
                <ol>{ranking}</ol>
            </section>
            {items}
        </div>
    }
}

/// Why the ranking is in this order: support, with the criteria where a
/// low score is good counted the other way round.
fn ranking_rule(criteria: &[scoring::Criterion], lang: Lang) -> String {
    let t = texts(lang);
    let reversed: Vec<&str> = criteria
        .iter()
        .filter(|c| !c.higher_is_better)
        .map(|c| c.name.as_str())
        .collect();
    if reversed.is_empty() {
        t.ranked_by_support.to_owned()
    } else {
        format!(
            "{} {} {}",
            t.ranked_by_support,
            t.reversed_criteria,
            reversed.join(", ")
        )
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
