//! Where a scoring step's items and criteria come from, in the designer:
//! typed here, or the best of an earlier vote (its items; or, for a
//! criteria workshop, its criteria), with the vote chosen among those
//! before the step.

use leptos::prelude::*;
use ruche_shared::config::{MAX_SCORING_ITEMS, ScoringItemsSource};
use ruche_shared::methods::scoring::{CriteriaFromVote, MAX_CRITERIA};
use ruche_shared::templates::{CHAINED_TOP_COUNT, CHOSEN_CRITERIA};
use ruche_shared::{StepConfig, StepKind, WorkshopSetup, design};

use super::step_settings::{Field, read_scoring, write_scoring};
use super::texts::designer_texts;

/// Where a scoring step's items come from: the best of an earlier vote, or
/// typed here.
#[component]
pub(super) fn ItemsSource(
    field: Field,
    step: RwSignal<StepConfig>,
    index: Memo<usize>,
    programme: Memo<WorkshopSetup>,
) -> impl IntoView {
    let slot = step;
    // Redrawn only when the kind of source changes (or the step list moves
    // the vote it points at).
    let source = Memo::new(move |_| {
        slot.with(|c| match c {
            StepConfig::Scoring(s) => Some(s.items.clone()),
            _ => None,
        })
        .map(|items| match items {
            ScoringItemsSource::TopOfVote { step, .. } => Some(step),
            ScoringItemsSource::Given { .. } => None,
        })
    });
    // The votes before this step: (position, heading).
    let votes = earlier_votes(index, programme, &[StepKind::BudgetVote]);
    let choose_vote = move |from_vote: bool| {
        let vote = design::last_vote(&programme.get_untracked().steps, index.get_untracked());
        write_scoring(slot, |s| {
            s.items = match (from_vote, vote) {
                (true, Some(step)) => ScoringItemsSource::TopOfVote {
                    step,
                    count: CHAINED_TOP_COUNT,
                },
                (true, None) => ScoringItemsSource::TopOfVote {
                    step: 0,
                    count: CHAINED_TOP_COUNT,
                },
                (false, _) => ScoringItemsSource::Given { texts: Vec::new() },
            };
        });
    };
    let radio = field.id("items-source");
    let details = move || {
        match source.get().flatten() {
            Some(step) => {
                let count = read_scoring(slot, |s| match s.items {
                    ScoringItemsSource::TopOfVote { count, .. } => count,
                    ScoringItemsSource::Given { .. } => CHAINED_TOP_COUNT,
                })
                .unwrap_or(CHAINED_TOP_COUNT);
                view! {
                    <div class="row">
                        {vote_choice(field, "items", votes, step, move |chosen| {
                            write_scoring(slot, |s| if let ScoringItemsSource::TopOfVote { step, .. } = &mut s.items { *step = chosen; });
                        })}
                        {field.number("items", |d| d.items_count, Some(|d| d.items_count_hint),
                            u32::try_from(count).unwrap_or(0), (1, MAX_SCORING_ITEMS as u32),
                            move |n| write_scoring(slot, |s| if let ScoringItemsSource::TopOfVote { count, .. } = &mut s.items { *count = n as usize; }))}
                    </div>
                }
                .into_any()
            }
            None => {
                let lines = read_scoring(slot, |s| match &s.items {
                    ScoringItemsSource::Given { texts } => texts.join("\n"),
                    ScoringItemsSource::TopOfVote { .. } => String::new(),
                })
                .unwrap_or_default();
                let id = field.id("items-lines");
                view! {
                    <label for=id.clone()>{field.text(|d| d.items_lines)}</label>
                    <textarea id=id rows="5" data-field="items" aria-invalid=field.invalid("items") prop:value=lines
                        on:input=move |ev| {
                            // Every line as typed, blank ones too (the designer
                            // leaves them out when it checks and creates), so
                            // that a new line stays where it was typed.
                            let texts = event_target_value(&ev).split('\n').map(String::from).collect();
                            write_scoring(slot, |s| s.items = ScoringItemsSource::Given { texts });
                        }></textarea>
                }
                .into_any()
            }
        }
    };
    let from_vote = move || source.get().flatten().is_some();
    view! {
        <fieldset class="items-source">
            <legend>{field.text(|d| d.items)}</legend>
            <label class="check">
                <input type="radio" name=radio.clone() value="vote" prop:checked=from_vote
                    disabled=move || votes.with(Vec::is_empty) on:change=move |_| choose_vote(true)/>
                " " {field.text(|d| d.items_from_vote)}
            </label>
            <label class="check">
                <input type="radio" name=radio value="typed" prop:checked=move || !from_vote()
                    on:change=move |_| choose_vote(false)/>
                " " {field.text(|d| d.items_typed)}
            </label>
            {details}
        </fieldset>
    }
}

/// Where a scoring step's criteria come from: typed here (the list below),
/// or the best items of an earlier vote on criteria, which the facilitator
/// words in the console before anyone scores.
#[component]
pub(super) fn CriteriaOrigin(
    field: Field,
    step: RwSignal<StepConfig>,
    index: Memo<usize>,
    programme: Memo<WorkshopSetup>,
) -> impl IntoView {
    let slot = step;
    let from = Memo::new(move |_| {
        slot.with(|c| match c {
            StepConfig::Scoring(s) => s.criteria_from.map(|f| f.step),
            _ => None,
        })
    });
    let votes = earlier_votes(index, programme, &[StepKind::BudgetVote, StepKind::DotVote]);
    let choose = move |from_vote: bool| {
        let vote = votes.get_untracked().last().map(|(i, _)| *i);
        write_scoring(slot, |s| {
            s.criteria_from = match (from_vote, vote) {
                (true, Some(step)) => Some(CriteriaFromVote {
                    step,
                    count: CHOSEN_CRITERIA,
                }),
                _ => None,
            };
        });
    };
    let radio = field.id("criteria-origin");
    let details = move || {
        let step = from.get()?;
        let count = read_scoring(slot, |s| {
            s.criteria_from.map_or(CHOSEN_CRITERIA, |f| f.count)
        })
        .unwrap_or(CHOSEN_CRITERIA);
        Some(view! {
            <div class="row">
                {vote_choice(field, "criteria_from", votes, step, move |chosen| {
                    write_scoring(slot, |s| if let Some(f) = &mut s.criteria_from { f.step = chosen; });
                })}
                {field.number("criteria_from", |d| d.criteria_count, Some(|d| d.criteria_count_hint),
                    u32::try_from(count).unwrap_or(0), (1, MAX_CRITERIA as u32),
                    move |n| write_scoring(slot, |s| if let Some(f) = &mut s.criteria_from { f.count = n as usize; }))}
            </div>
        })
    };
    let from_vote = move || from.get().is_some();
    view! {
        <fieldset class="criteria-origin">
            <legend>{field.text(|d| d.criteria_origin)}</legend>
            <label class="check">
                <input type="radio" name=radio.clone() value="typed" prop:checked=move || !from_vote()
                    on:change=move |_| choose(false)/>
                " " {field.text(|d| d.criteria_typed)}
            </label>
            <label class="check">
                <input type="radio" name=radio value="vote" class="criteria-from-vote" prop:checked=from_vote
                    disabled=move || votes.with(Vec::is_empty) on:change=move |_| choose(true)/>
                " " {field.text(|d| d.criteria_from_vote)}
            </label>
            {details}
        </fieldset>
    }
}

/// The steps of `kinds` before the step at `index`: (position, method).
fn earlier_votes(
    index: Memo<usize>,
    programme: Memo<WorkshopSetup>,
    kinds: &'static [StepKind],
) -> Memo<Vec<(usize, StepKind)>> {
    Memo::new(move |_| {
        let before = index.get();
        programme.with(|p| {
            p.steps
                .iter()
                .enumerate()
                .take(before)
                .filter(|(_, s)| kinds.contains(&s.kind()))
                .map(|(i, s)| (i, s.kind()))
                .collect()
        })
    })
}

/// Which of `votes` a setting takes from (« Étape 3 · Vote à points »),
/// `chosen` now; `choose` writes another.
fn vote_choice(
    field: Field,
    setting: &'static str,
    votes: Memo<Vec<(usize, StepKind)>>,
    chosen: usize,
    choose: impl Fn(usize) + 'static,
) -> impl IntoView {
    let lang = field.lang;
    let id = field.id(&format!("{setting}-vote"));
    view! {
        <div>
            <label for=id.clone()>{field.text(|d| d.items_vote)}</label>
            <select id=id data-field=setting aria-invalid=field.invalid(setting) on:change=move |ev| {
                if let Ok(vote) = event_target_value(&ev).parse::<usize>() {
                    choose(vote);
                }
            }>
                {move || votes.get().into_iter().map(|(vote, kind)| view! {
                    <option value=vote.to_string() selected=vote == chosen>
                        {format!("{} {} · {}", designer_texts(lang.get()).step, vote + 1, kind.title(lang.get()))}
                    </option>
                }).collect_view()}
            </select>
        </div>
    }
}
