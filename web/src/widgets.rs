//! Pieces every screen uses: the connection indicator, the step header with its
//! countdown, the notice banner, the vote histogram, the score distributions,
//! and the QR code.

use std::time::Duration;

use leptos::prelude::*;
use ruche_shared::methods::budget_vote::histogram::VoteHistogram;
use ruche_shared::methods::scoring::results::{Consensus, ScoringResults};
use ruche_shared::{ItemRef, Lang, Workshop};

use crate::browser;
use crate::i18n::{self, texts};
use crate::session::{Link, Session};

/// A dot and a word: online, connecting, or offline and retrying.
#[component]
pub fn LinkIndicator(session: Session) -> impl IntoView {
    let label = move || {
        let t = texts(session.lang());
        match session.link.get() {
            Link::Online => (t.online, "online"),
            Link::Offline => (t.offline, "offline"),
            _ => (t.connecting, "connecting"),
        }
    };
    view! {
        <div class="link" role="status" data-link=move || label().1>
            <span class=move || format!("dot {}", label().1) aria-hidden="true"></span>
            {move || label().0}
        </div>
    }
}

/// The last refusal or problem, until the next command.
#[component]
pub fn NoticeBanner(session: Session) -> impl IntoView {
    move || {
        session.notice.get().map(|text| {
            view! {
                <div class="notice" role="alert">
                    <span>{text}</span>
                    <button class="quiet" on:click=move |_| session.notice.set(None)>"×"</button>
                </div>
            }
        })
    }
}

/// The current step's name, whether it is open, and its countdown.
#[component]
pub fn StepHeader(session: Session) -> impl IntoView {
    let now = RwSignal::new(browser::now_ms());
    let tick = set_interval_with_handle(
        move || now.set(browser::now_ms()),
        Duration::from_millis(500),
    );
    on_cleanup(move || {
        if let Ok(handle) = tick {
            handle.clear();
        }
    });
    move || {
        session.workshop.with(|w| {
            let w = w.as_ref()?;
            let lang = w.config().setup().lang;
            let t = texts(lang);
            let kind = w.current_step_config().kind();
            let number = w.current_step() + 1;
            let count = w.config().steps().len();
            let state = if w.is_step_open() { t.step_open } else { t.step_closed };
            let deadline = w.deadline_ms().filter(|_| w.is_step_open());
            Some(view! {
                <div class="step-header">
                    <span class="step-name" data-step-kind=format!("{kind:?}")>
                        {format!("{} {number}/{count} · {}", t.step, i18n::step_title(kind, lang))}
                    </span>
                    <span class=if w.is_step_open() { "badge open" } else { "badge closed" }>{state}</span>
                    {deadline.map(|deadline| view! {
                        <span class="countdown">
                            {t.time_left} " " <strong>{move || i18n::clock(deadline.saturating_sub(now.get()) / 1000)}</strong>
                        </span>
                    })}
                </div>
            })
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
    workshop: RwSignal<Option<Workshop>>,
    lang: Lang,
) -> impl IntoView {
    let t = texts(lang);
    let most = move || {
        histogram.with(|h| {
            h.as_ref()
                .and_then(|h| h.bars.iter().map(|b| b.points).max())
                .unwrap_or(0)
                .max(1)
        })
    };
    let order = move || {
        histogram.with(|h| {
            h.as_ref()
                .map(|h| h.bars.iter().map(|b| b.item).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let points = move |item: ItemRef| {
        histogram.with(|h| {
            h.as_ref()
                .and_then(|h| h.bars.iter().find(|b| b.item == item))
                .map_or(0, |b| b.points)
        })
    };
    let done = move || histogram.with(|h| h.as_ref().map_or(0, |h| h.tables_done));
    let tables = move || histogram.with(|h| h.as_ref().map_or(0, |h| h.tables.len()));
    view! {
        <div class="histogram">
            <p class="done-count" data-tables-done=done>
                {move || format!("{} / {} {}", done(), tables(), t.tables_done)}
            </p>
            <ol class="bars">
                <For each=order key=|item| *item let(item)>
                    <li class="bar" data-item=item.to_string() data-points=move || points(item)>
                        <span class="bar-label">
                            {move || workshop.with(|w| w.as_ref().map(|w| w.item_label(item).to_owned()))}
                        </span>
                        <span class="bar-track">
                            <span class="bar-fill" style:width=move || {
                                format!("{:.1}%", f64::from(points(item)) * 100.0 / f64::from(most()))
                            }></span>
                        </span>
                        <span class="bar-value">{move || points(item)}</span>
                    </li>
                </For>
            </ol>
        </div>
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

/// A QR code of `text`, drawn as one SVG path (crisp on a projector at any size).
#[component]
pub fn QrCode(text: String, label: String) -> impl IntoView {
    let (size, path) = qr_path(&text).unwrap_or_default();
    // A quiet zone of 2 modules around the code, as scanners need.
    let view_box = format!("-2 -2 {} {}", size + 4, size + 4);
    view! {
        <svg class="qr" role="img" aria-label=label viewBox=view_box>
            <rect x="-2" y="-2" width="100%" height="100%" fill="#fff"></rect>
            <path d=path fill="#000"></path>
        </svg>
    }
}

/// The size of the code in modules and its dark modules as SVG path commands.
pub fn qr_path(text: &str) -> Option<(i32, String)> {
    let code = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium).ok()?;
    let size = code.size();
    let mut d = String::new();
    for y in 0..size {
        for x in 0..size {
            if code.get_module(x, y) {
                d.push_str(&format!("M{x} {y}h1v1h-1z"));
            }
        }
    }
    Some((size, d))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_join_link_makes_a_qr_code() {
        let (size, path) = super::qr_path("http://192.168.1.10:8080/#/join/123456").unwrap();
        assert!(size >= 21, "a QR code is at least 21 modules wide");
        assert!(path.matches('M').count() > 100);
    }
}
