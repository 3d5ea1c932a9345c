//! Each method's settings as fields of the designer's step card, each with
//! its default already in place and a line saying what it does. A field the
//! engine's verdict names is marked `aria-invalid`.
//!
//! Fields write into the step's signal as people type and are drawn from it
//! once: nothing else changes a field's value while its card is shown (a
//! change of the step list keeps each card), so the caret never jumps.

use leptos::prelude::*;
use ruche_shared::config::{Criterion, MAX_CRITERIA};
use ruche_shared::methods::budget_vote::MAX_BUDGET;
use ruche_shared::methods::divergence::MAX_IDEA_CHARS_LIMIT;
use ruche_shared::methods::dot_vote::MAX_DOTS_PER_SEAT;
use ruche_shared::methods::scoring::MAX_SCALE;
use ruche_shared::methods::spider_web::{Circle, MAX_CIRCLES};
use ruche_shared::methods::{OwnGroups, budget_vote, divergence, dot_vote, journey, scoring};
use ruche_shared::{Lang, StepConfig, StepKind, WorkshopSetup};

use super::sources::{CriteriaOrigin, ItemsSource};
use super::texts::{DesignerTexts, designer_texts};

/// A sentence of the designer's, chosen once and drawn in the page's language.
pub(super) type Text = fn(&DesignerTexts) -> &'static str;

/// The settings of the step in `slot`, by its method.
#[component]
pub fn StepSettings(
    lang: RwSignal<Lang>,
    /// The step's stable id: its fields' ids start with it.
    key: u64,
    step: RwSignal<StepConfig>,
    index: Memo<usize>,
    at_fault: Memo<Option<String>>,
    programme: Memo<WorkshopSetup>,
) -> impl IntoView {
    let slot = step;
    // Ids unique on the page whatever the steps' order.
    let field = Field {
        lang,
        key,
        at_fault,
    };
    match slot.with_untracked(StepConfig::kind) {
        StepKind::Divergence => divergence_settings(field, slot).into_any(),
        StepKind::BudgetVote => budget_vote_settings(field, slot).into_any(),
        StepKind::DotVote => dot_vote_settings(field, slot).into_any(),
        StepKind::Scoring => scoring_settings(field, slot, index, programme).into_any(),
        StepKind::Journey => super::journey_settings::journey_settings(field, slot).into_any(),
        StepKind::Grouping | StepKind::Results => view! {
            <p class="hint">{move || designer_texts(lang.get()).no_settings}</p>
        }
        .into_any(),
    }
}

/// What every field of a card needs: the language, a prefix for its ids and
/// the setting the verdict names.
#[derive(Clone, Copy)]
pub(super) struct Field {
    pub(super) lang: RwSignal<Lang>,
    key: u64,
    at_fault: Memo<Option<String>>,
}

impl Field {
    pub(super) fn id(self, name: &str) -> String {
        format!("step{}-{name}", self.key)
    }

    pub(super) fn text(
        self,
        text: Text,
    ) -> impl Fn() -> &'static str + Send + Sync + Copy + 'static {
        let lang = self.lang;
        move || text(designer_texts(lang.get()))
    }

    pub(super) fn invalid(
        self,
        setting: &'static str,
    ) -> impl Fn() -> &'static str + Send + Sync + 'static {
        let at_fault = self.at_fault;
        move || {
            if at_fault.with(|f| f.as_deref() == Some(setting)) {
                "true"
            } else {
                "false"
            }
        }
    }

    /// A whole number between `min` and `max`, written with `set`; `setting`
    /// is its name in the setup (and in the engine's verdicts).
    pub(super) fn number(
        self,
        setting: &'static str,
        label: Text,
        hint: Option<Text>,
        value: u32,
        (min, max): (u32, u32),
        set: impl Fn(u32) + 'static,
    ) -> impl IntoView {
        let id = self.id(setting);
        let hint_id = self.id(&format!("{setting}-hint"));
        let described = hint.map(|_| hint_id.clone());
        let hint = hint.map(|hint| {
            let hint = self.text(hint);
            view! { <p class="hint" id=hint_id>{hint}</p> }
        });
        view! {
            <div class="setting">
                <label for=id.clone()>{self.text(label)}</label>
                <input id=id type="number" class="short" min=min max=max data-field=setting
                    aria-describedby=described aria-invalid=self.invalid(setting)
                    prop:value=value.to_string()
                    // Unreadable (a field emptied to type anew): 0, which the
                    // verdict refuses until a number is there.
                    on:input=move |ev| set(event_target_value(&ev).trim().parse().unwrap_or(0))/>
                {hint}
            </div>
        }
    }

    /// A box to tick.
    pub(super) fn check(
        self,
        setting: &'static str,
        label: Text,
        value: bool,
        set: impl Fn(bool) + 'static,
    ) -> impl IntoView {
        view! {
            <label class="check">
                <input id=self.id(setting) type="checkbox" data-field=setting prop:checked=value
                    on:change=move |ev| set(event_target_checked(&ev))/>
                " " {self.text(label)}
            </label>
        }
    }

    /// When a group counts as a table's own (shown when self-votes are refused).
    pub(super) fn own_groups(
        self,
        value: OwnGroups,
        set: impl Fn(OwnGroups) + 'static,
    ) -> impl IntoView {
        let id = self.id("own_groups");
        view! {
            <label for=id.clone()>{self.text(|d| d.own_groups)}</label>
            <select id=id data-field="own_groups" on:change=move |ev| {
                set(if event_target_value(&ev) == "any_idea" { OwnGroups::AnyIdea } else { OwnGroups::AllIdeas })
            }>
                <option value="all_ideas" selected=value == OwnGroups::AllIdeas>{self.text(|d| d.own_groups_all)}</option>
                <option value="any_idea" selected=value == OwnGroups::AnyIdea>{self.text(|d| d.own_groups_any)}</option>
            </select>
        }
    }
}

/// Reads and writes one method's settings in a step's signal.
macro_rules! method_access {
    ($read:ident, $write:ident, $variant:ident, $config:ty) => {
        pub(super) fn $read<T>(
            slot: RwSignal<StepConfig>,
            read: impl FnOnce(&$config) -> T,
        ) -> Option<T> {
            slot.with_untracked(|config| match config {
                StepConfig::$variant(config) => Some(read(config)),
                _ => None,
            })
        }
        pub(super) fn $write(slot: RwSignal<StepConfig>, write: impl FnOnce(&mut $config)) {
            slot.update(|config| {
                if let StepConfig::$variant(config) = config {
                    write(config);
                }
            });
        }
    };
}
method_access!(
    read_divergence,
    write_divergence,
    Divergence,
    divergence::Config
);
method_access!(
    read_budget_vote,
    write_budget_vote,
    BudgetVote,
    budget_vote::Config
);
method_access!(read_dot_vote, write_dot_vote, DotVote, dot_vote::Config);
method_access!(read_scoring, write_scoring, Scoring, scoring::Config);
method_access!(read_journey, write_journey, Journey, journey::Config);

fn divergence_settings(field: Field, slot: RwSignal<StepConfig>) -> impl IntoView {
    let initial = read_divergence(slot, Clone::clone).unwrap_or_default();
    let circle_count = Memo::new(move |_| {
        slot.with(|c| match c {
            StepConfig::Divergence(d) => d.circles.len(),
            _ => 0,
        })
    });
    let circles = move || {
        (0..circle_count.get())
            .map(|circle| {
                let id = field.id(&format!("circle-{circle}"));
                let value = read_divergence(slot, |d| d.circles.get(circle).map(|c| c.constraint.clone()))
                    .flatten()
                    .unwrap_or_default();
                let lang = field.lang;
                view! {
                    <li>
                        <label for=id.clone()>{move || designer_texts(lang.get()).circle_constraint} " " {circle + 1}</label>
                        <input id=id data-field="circles" aria-invalid=field.invalid("circles")
                            placeholder=move || designer_texts(lang.get()).no_constraint
                            prop:value=value
                            on:input=move |ev| {
                                let text = event_target_value(&ev);
                                write_divergence(slot, |d| if let Some(c) = d.circles.get_mut(circle) { c.constraint = text; });
                            }/>
                    </li>
                }
            })
            .collect_view()
    };
    let lang = field.lang;
    view! {
        {field.number("max_idea_chars", |d| d.max_idea_chars, Some(|d| d.max_idea_chars_hint),
            initial.max_idea_chars, (1, MAX_IDEA_CHARS_LIMIT),
            move |n| write_divergence(slot, |d| d.max_idea_chars = n))}
        {field.check("moderated", |d| d.moderated, initial.moderated,
            move |on| write_divergence(slot, |d| d.moderated = on))}
        <fieldset class="circles-settings">
            <legend>{field.text(|d| d.circles)}</legend>
            <p class="hint">{field.text(|d| d.circles_hint)}</p>
            <ol>{circles}</ol>
            <div class="actions">
                <button type="button" class="add-circle" disabled={move || circle_count.get() >= MAX_CIRCLES}
                    on:click=move |_| write_divergence(slot, |d| d.circles.push(Circle::new("")))>
                    {move || designer_texts(lang.get()).add_circle}
                </button>
                <button type="button" class="remove-circle" disabled=move || circle_count.get() == 0
                    on:click=move |_| write_divergence(slot, |d| { d.circles.pop(); })>
                    {move || designer_texts(lang.get()).remove_circle}
                </button>
            </div>
        </fieldset>
        {super::category_settings::category_settings(field, slot)}
    }
}

fn budget_vote_settings(field: Field, slot: RwSignal<StepConfig>) -> impl IntoView {
    let initial = read_budget_vote(slot, Clone::clone).unwrap_or_default();
    let self_votes = RwSignal::new(initial.allow_self_vote);
    view! {
        <div class="row">
            {field.number("budget", |d| d.budget, Some(|d| d.budget_hint), initial.budget, (1, MAX_BUDGET),
                move |n| write_budget_vote(slot, |v| v.budget = n))}
            {field.number("cap_per_item", |d| d.cap, Some(|d| d.cap_hint), initial.cap_per_item, (1, MAX_BUDGET),
                move |n| write_budget_vote(slot, |v| v.cap_per_item = n))}
        </div>
        {field.check("allow_self_vote", |d| d.self_vote, initial.allow_self_vote, move |on| {
            self_votes.set(on);
            write_budget_vote(slot, |v| v.allow_self_vote = on);
        })}
        {move || (!self_votes.get()).then(|| field.own_groups(initial.own_groups,
            move |policy| write_budget_vote(slot, |v| v.own_groups = policy)))}
    }
}

fn dot_vote_settings(field: Field, slot: RwSignal<StepConfig>) -> impl IntoView {
    let initial = read_dot_vote(slot, Clone::clone).unwrap_or_default();
    let self_votes = RwSignal::new(initial.allow_self_vote);
    view! {
        <div class="row">
            {field.number("dots_per_seat", |d| d.dots, Some(|d| d.dots_hint), initial.dots_per_seat, (1, MAX_DOTS_PER_SEAT),
                move |n| write_dot_vote(slot, |v| v.dots_per_seat = n))}
            {field.number("max_per_item", |d| d.dots_cap, None, initial.max_per_item, (1, MAX_DOTS_PER_SEAT),
                move |n| write_dot_vote(slot, |v| v.max_per_item = n))}
        </div>
        {field.check("allow_self_vote", |d| d.self_vote, initial.allow_self_vote, move |on| {
            self_votes.set(on);
            write_dot_vote(slot, |v| v.allow_self_vote = on);
        })}
        {move || (!self_votes.get()).then(|| field.own_groups(initial.own_groups,
            move |policy| write_dot_vote(slot, |v| v.own_groups = policy)))}
    }
}

fn scoring_settings(
    field: Field,
    slot: RwSignal<StepConfig>,
    index: Memo<usize>,
    programme: Memo<WorkshopSetup>,
) -> impl IntoView {
    let initial = read_scoring(slot, Clone::clone).expect("a scoring step");
    let criteria_count = Memo::new(move |_| {
        slot.with(|c| match c {
            StepConfig::Scoring(s) => s.criteria.len(),
            _ => 0,
        })
    });
    let lang = field.lang;
    let criteria = move || {
        (0..criteria_count.get())
            .map(|row| criterion_row(field, slot, row))
            .collect_view()
    };
    // Typed here, unless a vote gives them (a criteria workshop).
    let typed = Memo::new(move |_| {
        slot.with(|c| matches!(c, StepConfig::Scoring(s) if s.criteria_from.is_none()))
    });
    let criteria_list = move || {
        typed.get().then(|| view! {
            <fieldset class="criteria-settings">
                <legend>{field.text(|d| d.criteria)}</legend>
                <p class="hint">{field.text(|d| d.criteria_hint)}</p>
                <ol>{criteria}</ol>
                <button type="button" class="add-criterion" disabled={move || criteria_count.get() >= MAX_CRITERIA}
                    on:click=move |_| write_scoring(slot, |s| s.criteria.push(Criterion {
                        name: String::new(), higher_is_better: true, low: String::new(), high: String::new(),
                    }))>
                    {move || designer_texts(lang.get()).add_criterion}
                </button>
            </fieldset>
        })
    };
    view! {
        <CriteriaOrigin field step=slot index programme/>
        {criteria_list}
        <div class="row">
            {field.number("scale", |d| d.scale_min, Some(|d| d.scale_hint), u32::from(initial.scale_min), (0, u32::from(MAX_SCALE)),
                move |n| write_scoring(slot, |s| s.scale_min = u8::try_from(n).unwrap_or(u8::MAX)))}
            {field.number("scale", |d| d.scale_max, None, u32::from(initial.scale_max), (1, u32::from(MAX_SCALE)),
                move |n| write_scoring(slot, |s| s.scale_max = u8::try_from(n).unwrap_or(u8::MAX)))}
        </div>
        <ItemsSource field step=slot index programme/>
    }
}

/// One criterion: its name, what its two ends mean, which end is better.
fn criterion_row(field: Field, slot: RwSignal<StepConfig>, row: usize) -> impl IntoView {
    let initial = read_scoring(slot, |s| s.criteria.get(row).cloned())
        .flatten()
        .unwrap_or(Criterion {
            name: String::new(),
            higher_is_better: true,
            low: String::new(),
            high: String::new(),
        });
    let lang = field.lang;
    let edit = move |change: Box<dyn FnOnce(&mut Criterion)>| {
        write_scoring(slot, |s| {
            if let Some(criterion) = s.criteria.get_mut(row) {
                change(criterion);
            }
        });
    };
    let name_id = field.id(&format!("criterion-{row}"));
    let low_id = field.id(&format!("criterion-{row}-low"));
    let high_id = field.id(&format!("criterion-{row}-high"));
    let name = initial.name.clone();
    view! {
        <li class="criterion-settings">
            <div class="row">
                <div>
                    <label for=name_id.clone()>{field.text(|d| d.criterion)} " " {row + 1}</label>
                    <input id=name_id data-field="criteria" aria-invalid=field.invalid("criteria") prop:value=initial.name.clone()
                        on:input=move |ev| { let text = event_target_value(&ev); edit(Box::new(move |c| c.name = text)); }/>
                </div>
                <button type="button" class="quiet danger remove-criterion"
                    aria-label=move || format!("{} {}", designer_texts(lang.get()).remove_criterion, name)
                    on:click=move |_| write_scoring(slot, |s| { if row < s.criteria.len() { s.criteria.remove(row); } })>
                    "✕"
                </button>
            </div>
            <div class="row">
                <div>
                    <label for=low_id.clone()>{field.text(|d| d.criterion_low)}</label>
                    <input id=low_id data-field="criteria" prop:value=initial.low.clone()
                        on:input=move |ev| { let text = event_target_value(&ev); edit(Box::new(move |c| c.low = text)); }/>
                </div>
                <div>
                    <label for=high_id.clone()>{field.text(|d| d.criterion_high)}</label>
                    <input id=high_id data-field="criteria" prop:value=initial.high.clone()
                        on:input=move |ev| { let text = event_target_value(&ev); edit(Box::new(move |c| c.high = text)); }/>
                </div>
            </div>
            {field.check(
                "higher_is_better",
                |d| d.higher_is_better,
                initial.higher_is_better,
                move |on| edit(Box::new(move |c| c.higher_is_better = on)),
            )}
        </li>
    }
}
