//! The console's card for a scoring step's criteria (the scoring method):
//! those a vote chose (a criteria workshop) or the programme's, worded by
//! the facilitator before anyone scores: a name, what the lowest and highest
//! scores mean, which end is better. Gone once a seat has scored: from then
//! on the criteria stay (`scores_given`).

use leptos::prelude::*;
use ruche_shared::config::{MAX_NAME_CHARS, StepConfig};
use ruche_shared::methods::scoring::{self, Criterion, MAX_CRITERIA};
use ruche_shared::{Command, Lang};

use crate::i18n::texts;
use crate::session::Session;

/// What the card shows: the step, its criteria, and the vote they came from.
#[derive(Clone, PartialEq)]
struct Shown {
    step: usize,
    criteria: Vec<Criterion>,
    from_vote: Option<usize>,
}

/// The criteria of the current scoring step, to word, while no one has scored.
#[component]
pub fn CriteriaWording(session: Session) -> impl IntoView {
    let shown = Memo::new(move |_| {
        session.workshop.with(|w| {
            let w = w.as_ref()?;
            let step = w.current_step();
            let StepConfig::Scoring(config) = w.config().step(step)? else {
                return None;
            };
            if w.score_sheet(step)?.has_scores() {
                return None;
            }
            Some(Shown {
                step,
                criteria: w.criteria(step)?.to_vec(),
                from_vote: config.criteria_from.map(|from| from.step),
            })
        })
    });
    move || shown.get().map(|shown| view! { <Wording session shown/> })
}

/// The card itself, with a draft of the criteria until they are sent.
#[component]
fn Wording(session: Session, shown: Shown) -> impl IntoView {
    let lang = session.lang();
    let t = texts(lang);
    let draft = RwSignal::new(shown.criteria.clone());
    let count = Memo::new(move |_| draft.with(Vec::len));
    let step = shown.step;
    let rows = move || {
        (0..count.get())
            .map(|row| criterion_row(draft, row, lang))
            .collect_view()
    };
    let origin = match (shown.from_vote, lang) {
        (Some(vote), Lang::Fr) => format!("Choisis par le vote de l'étape {}. ", vote + 1),
        (Some(vote), Lang::En) => format!("Chosen by step {}'s vote. ", vote + 1),
        (None, _) => String::new(),
    };
    view! {
        <section class="card criteria-wording" aria-labelledby="criteria-heading">
            <h2 id="criteria-heading">{t.criteria_heading}</h2>
            <p class="hint">{origin}{t.criteria_hint}</p>
            <ol>{rows}</ol>
            <div class="actions">
                <button type="button" id="add-criterion" disabled={move || count.get() >= MAX_CRITERIA}
                    on:click=move |_| draft.update(|d| d.push(Criterion {
                        name: String::new(), higher_is_better: true, low: String::new(), high: String::new(),
                    }))>
                    {t.add_criterion}
                </button>
                <button type="button" id="save-criteria" class="primary" on:click=move |_| {
                    let criteria = draft.get_untracked();
                    session.send(Command::SetCriteria(scoring::SetCriteria { step, criteria }));
                }>{t.save_criteria}</button>
            </div>
        </section>
    }
}

/// One criterion of the draft: name, the two ends, which is better.
fn criterion_row(draft: RwSignal<Vec<Criterion>>, row: usize, lang: Lang) -> impl IntoView {
    let t = texts(lang);
    let initial = draft
        .with_untracked(|d| d.get(row).cloned())
        .unwrap_or(Criterion {
            name: String::new(),
            higher_is_better: true,
            low: String::new(),
            high: String::new(),
        });
    let edit = move |change: &dyn Fn(&mut Criterion)| {
        draft.update(|d| {
            if let Some(criterion) = d.get_mut(row) {
                change(criterion);
            }
        });
    };
    let id = |part: &str| format!("criterion-{row}-{part}");
    let number = row + 1;
    view! {
        <li class="criterion-wording" data-criterion=row>
            <div class="row">
                <div>
                    <label for=id("name")>{format!("{} {number}", t.criterion)}</label>
                    <input id=id("name") maxlength=MAX_NAME_CHARS prop:value=initial.name.clone()
                        on:input=move |ev| { let text = event_target_value(&ev); edit(&|c| c.name = text.clone()); }/>
                </div>
                <button type="button" class="quiet danger" aria-label=format!("{} {number}", t.remove_criterion)
                    on:click=move |_| draft.update(|d| { if row < d.len() { d.remove(row); } })>"✕"</button>
            </div>
            <div class="row">
                <div>
                    <label for=id("low")>{t.criterion_low}</label>
                    <input id=id("low") maxlength=MAX_NAME_CHARS prop:value=initial.low.clone()
                        on:input=move |ev| { let text = event_target_value(&ev); edit(&|c| c.low = text.clone()); }/>
                </div>
                <div>
                    <label for=id("high")>{t.criterion_high}</label>
                    <input id=id("high") maxlength=MAX_NAME_CHARS prop:value=initial.high.clone()
                        on:input=move |ev| { let text = event_target_value(&ev); edit(&|c| c.high = text.clone()); }/>
                </div>
            </div>
            <label class="check">
                <input id=id("better") type="checkbox" prop:checked=initial.higher_is_better
                    on:change=move |ev| { let on = event_target_checked(&ev); edit(&|c| c.higher_is_better = on); }/>
                " " {t.higher_is_better}
            </label>
        </li>
    }
}
