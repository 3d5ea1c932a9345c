//! The user journey map (« la carte du parcours usager »): on the tablet,
//! the stage the table works on, its rating in smileys and its notes row by
//! row; on the console, the buttons that open one stage or all; on the wall,
//! the emotion curve over the map (stages across, rows below).

use leptos::prelude::*;
use ruche_shared::methods::divergence::DeleteIdea;
use ruche_shared::methods::journey::{self, Row, StageMap, texts};
use ruche_shared::{Command, IdeaId, Lang, TableId};

use crate::session::Session;
use crate::widgets::markup::escape;

/// The stages' names of step `step`, and the stage opened alone, if any.
fn stages_now(session: Session, step: usize) -> (Vec<String>, Option<u8>) {
    session.workshop.with(|w| {
        w.as_ref().map_or_else(Default::default, |w| {
            let names = w.stages(step).iter().map(|s| s.name.clone()).collect();
            (names, w.journey_record(step).and_then(|r| r.open))
        })
    })
}

/// The tablet: which stage, how the user lives it, and the table's notes.
#[component]
pub fn JourneyTablet(session: Session, table: TableId, step: usize) -> impl IntoView {
    let lang = session.lang();
    let chosen = RwSignal::new(0_u8);
    let stages = Memo::new(move |_| stages_now(session, step));
    // The stage opened alone, else the one the table chose.
    let stage = Signal::derive(move || stages.with(|(_, open)| open.unwrap_or(chosen.get())));
    let step_open = move || {
        session
            .workshop
            .with(|w| w.as_ref().is_some_and(|w| w.is_step_open()))
    };
    let mine = move || {
        session.workshop.with(|w| {
            w.as_ref()
                .and_then(|w| w.journey_record(step)?.rating(table, stage.get()))
        })
    };
    let picker = move || {
        let (names, open) = stages.get();
        let count = names.len();
        match open {
            Some(s) => view! {
                <p class="current-stage" role="status" data-stage=s>
                    {texts::stage_of(lang, s, count, names.get(usize::from(s)).map_or("", String::as_str))}
                </p>
            }
            .into_any(),
            None => view! {
                <div class="stage-tabs" role="group" aria-label=journey::name(lang)>
                    {names.into_iter().enumerate().map(|(n, name)| {
                        let s = n as u8;
                        view! {
                            <button class="stage-tab" data-stage=n aria-pressed=move || (stage.get() == s).to_string()
                                on:click=move |_| chosen.set(s)>
                                {format!("{}. {name}", n + 1)}
                            </button>
                        }
                    }).collect_view()}
                </div>
            }
            .into_any(),
        }
    };
    view! {
        <section class="card journey-stage">{picker}</section>
        <section class="card rating-card">
            <h2 id="rating-heading">{texts::rating_question(lang)}</h2>
            <div class="ratings" role="group" aria-labelledby="rating-heading">
                {(journey::RATING_MIN..=journey::RATING_MAX).map(|r| view! {
                    <button class="rating" data-rating=r disabled=move || !step_open()
                        aria-pressed=move || (mine() == Some(r)).to_string()
                        on:click=move |_| {
                            // Tapping the chosen smiley again takes the rating back.
                            let rating = (mine() != Some(r)).then_some(r);
                            session.send(Command::RateStage(journey::RateStage { stage: stage.get_untracked(), rating }));
                        }>
                        <span aria-hidden="true">{texts::smiley(r)}</span>
                        <span class="rating-words">{texts::rating_words(lang, r)}</span>
                    </button>
                }).collect_view()}
            </div>
        </section>
        {Row::ALL.map(|row| view! { <NoteRow session table step row stage/> }).collect_view()}
    }
}

/// One row of the table's notes on the stage, with its field to add one.
#[component]
fn NoteRow(
    session: Session,
    table: TableId,
    step: usize,
    row: Row,
    stage: Signal<u8>,
) -> impl IntoView {
    let lang = session.lang();
    let t = crate::i18n::texts(lang);
    let draft = RwSignal::new(String::new());
    let field = format!("note-{}", row.key());
    let limit = session
        .workshop
        .with_untracked(|w| w.as_ref().map(|w| w.idea_char_limit()))
        .unwrap_or(ruche_shared::methods::divergence::DEFAULT_MAX_IDEA_CHARS);
    let step_open = move || {
        session
            .workshop
            .with(|w| w.as_ref().is_some_and(|w| w.is_step_open()))
    };
    let notes = move || {
        let place = Some(journey::NotePlace {
            step,
            stage: stage.get(),
            row,
        });
        session.workshop.with(|w| {
            w.as_ref().map_or_else(Vec::new, |w| {
                w.all_ideas()
                    .iter()
                    .filter(|i| i.author == Some(table) && i.is_live() && i.journey == place)
                    .map(|i| (i.id, i.text.clone()))
                    .collect::<Vec<(IdeaId, String)>>()
            })
        })
    };
    let add = move || {
        let text = draft.get_untracked().trim().to_owned();
        let command = journey::AddNote {
            stage: stage.get_untracked(),
            row,
            text,
        };
        if !command.text.is_empty() && session.send(Command::AddNote(command)) {
            draft.set(String::new());
        }
    };
    view! {
        <section class="card note-row" data-row=row.key()>
            <h2>{texts::row_name(lang, row)}</h2>
            <ul class="notes">
                <For each=notes key=|note| note.clone() let((id, text))>
                    <li class="note" data-idea=id.0>
                        <span>{text}</span>
                        <button class="danger" on:click=move |_| {
                            if window().confirm_with_message(t.confirm_delete).unwrap_or(true) {
                                session.send(Command::DeleteIdea(DeleteIdea { idea: id }));
                            }
                        }>{t.delete}</button>
                    </li>
                </For>
            </ul>
            <form class="note-form" on:submit=move |ev| { ev.prevent_default(); add(); }>
                <label for=field.clone()>{texts::row_hint(lang, row)}</label>
                <input id=field type="text" maxlength=limit disabled=move || !step_open()
                    prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))/>
                <button type="submit" class="primary add-note" data-row=row.key()
                    disabled=move || !step_open() || draft.get().trim().is_empty()>{texts::add(lang)}</button>
            </form>
        </section>
    }
}

/// The console's buttons: every stage open, or one alone.
#[component]
pub fn StageControls(session: Session) -> impl IntoView {
    move || {
        let step = session
            .workshop
            .with(|w| w.as_ref().map(|w| w.current_step()))?;
        let (names, open) = stages_now(session, step);
        let lang = session.lang();
        let button = move |stage: Option<u8>, label: String| {
            view! {
                <button class="stage-button" data-stage=stage.map_or(-1, i32::from)
                    aria-pressed=(stage == open).to_string()
                    on:click=move |_| { session.send(Command::OpenStage(journey::OpenStage { stage })); }>
                    {label}
                </button>
            }
        };
        Some(view! {
            <section class="card circles" aria-labelledby="stages-heading">
                <h2 id="stages-heading">{texts::stages_heading(lang)}</h2>
                <div class="circle-buttons" role="group" aria-labelledby="stages-heading">
                    {button(None, texts::all_stages(lang).to_owned())}
                    {names.into_iter().enumerate().map(|(n, name)| button(Some(n as u8), format!("{}. {name}", n + 1))).collect_view()}
                </div>
            </section>
        })
    }
}

/// The wall's map: the emotion curve over the stages, then the notes.
#[component]
pub fn JourneyWall(session: Session) -> impl IntoView {
    let map = Memo::new(move |_| {
        session.workshop.with(|w| {
            let w = w.as_ref()?;
            let step = w.current_step();
            Some((
                w.journey_map(step),
                w.journey_record(step).and_then(|r| r.open),
            ))
        })
    });
    let markup = move || {
        map.with(|map| {
            map.as_ref()
                .map(|(stages, open)| map_markup(stages, *open, session.lang()))
                .unwrap_or_default()
        })
    };
    view! { <figure class="journey" inner_html=markup></figure> }
}

// The curve's drawing, in the SVG's units: the first column (the rows'
// names) takes `LEFT`, each stage an equal share of the rest, as the table
// below it does (`.journey-map` in style.css), so each point stands over its
// stage.
// Low and wide, so that the map below it still fits on the projector.
const WIDTH: f64 = 1000.0;
const LEFT: f64 = 140.0;
const HEIGHT: f64 = 170.0;
const TOP: f64 = 17.0;
const ROW: f64 = 34.0;

/// The height of rating `r` (1 at the bottom).
fn y_of(rating: f64) -> f64 {
    TOP + (f64::from(journey::RATING_MAX) - rating) * ROW
}

/// The emotion curve (SVG, hidden from screen readers, who read the
/// table's row of ratings) and the map as a table.
fn map_markup(stages: &[StageMap], open: Option<u8>, lang: Lang) -> String {
    use std::fmt::Write;
    let n = stages.len().max(1) as f64;
    let column = (WIDTH - LEFT) / n;
    let x_of = |stage: usize| LEFT + column * (stage as f64 + 0.5);
    let mut svg =
        format!(r#"<svg class="emotion-curve" viewBox="0 0 {WIDTH} {HEIGHT}" aria-hidden="true">"#);
    for r in journey::RATING_MIN..=journey::RATING_MAX {
        let y = y_of(f64::from(r));
        let _ = write!(
            svg,
            r#"<line class="level" x1="{LEFT}" x2="{WIDTH}" y1="{y}" y2="{y}"/><text class="smiley" x="{}" y="{y}" dominant-baseline="central" text-anchor="end">{}</text>"#,
            LEFT - 10.0,
            texts::smiley(r)
        );
    }
    // The line through the medians, then each rating given as a bubble over
    // it (its size the count, the count written in it).
    let line: Vec<String> = stages
        .iter()
        .enumerate()
        .filter_map(|(k, stage)| {
            let median = stage.ratings.median?;
            Some(format!("{:.1},{:.1}", x_of(k), y_of(median)))
        })
        .collect();
    let _ = write!(
        svg,
        r#"<polyline class="median-line" points="{}"/>"#,
        line.join(" ")
    );
    for point in &line {
        let (x, y) = point.split_once(',').unwrap_or_default();
        let _ = write!(svg, r#"<circle class="median" cx="{x}" cy="{y}" r="6"/>"#);
    }
    for (k, stage) in stages.iter().enumerate() {
        let x = x_of(k);
        for (i, count) in stage.ratings.counts.iter().enumerate() {
            if *count > 0 {
                let y = y_of(f64::from(journey::RATING_MIN) + i as f64);
                let radius = (11.0 + 2.5 * f64::from(*count).sqrt()).min(ROW / 2.0);
                let _ = write!(
                    svg,
                    r#"<circle class="bubble" cx="{x:.1}" cy="{y}" r="{radius:.1}"/><text class="count" x="{x:.1}" y="{y}" dominant-baseline="central" text-anchor="middle">{count}</text>"#
                );
            }
        }
    }
    svg.push_str("</svg>");
    let mut table = String::from(r#"<table class="journey-map"><thead><tr><td></td>"#);
    for stage in stages {
        let class = if open == Some(stage.stage) {
            r#" class="open""#
        } else {
            ""
        };
        let _ = write!(
            table,
            r#"<th scope="col"{class} data-stage="{}">{}. {}</th>"#,
            stage.stage,
            stage.stage + 1,
            escape(&stage.name)
        );
    }
    table.push_str("</tr></thead><tbody>");
    for (index, row) in Row::ALL.iter().enumerate() {
        // The ratings between the feelings and the opportunities: how it
        // felt, then what to change.
        if *row == Row::Opportunity {
            let _ = write!(
                table,
                r#"<tr class="ratings-row"><th scope="row">{}</th>"#,
                texts::ratings_row(lang)
            );
            for stage in stages {
                let said = texts::median_of(lang, stage.ratings.median, stage.ratings.scorers);
                let smiley = stage
                    .ratings
                    .median
                    .map(|m| {
                        let r = m.round() as u8;
                        format!(
                            r#"<span class="median-smiley" role="img" aria-label="{}">{}</span> "#,
                            texts::rating_words(lang, r),
                            texts::smiley(r)
                        )
                    })
                    .unwrap_or_default();
                let _ = write!(table, "<td>{smiley}{}</td>", escape(&said));
            }
            table.push_str("</tr>");
        }
        let _ = write!(
            table,
            r#"<tr data-row="{}"><th scope="row">{}</th>"#,
            row.key(),
            texts::row_name(lang, *row)
        );
        for stage in stages {
            table.push_str("<td><ul>");
            for (id, text) in &stage.rows[index] {
                let _ = write!(table, r#"<li data-idea="{}">{}</li>"#, id.0, escape(text));
            }
            table.push_str("</ul></td>");
        }
        table.push_str("</tr>");
    }
    table.push_str("</tbody></table>");
    svg + &table
}
