//! The step designer: a workshop's programme on one page, its steps in
//! order, each with its method's settings; add, move, duplicate and remove
//! steps (the engine's [`ruche_shared::design`] keeps the references between
//! steps right); the engine's verdict on the whole programme at every change,
//! in the workshop's language, on the step and the field at fault; then
//! create the workshop, or save the programme as a file.
//!
//! Each step is a slot with its own signal and a stable id, so that typing in
//! one field redraws nothing else, and a step keeps its fields (and the
//! focus) when another moves.

use leptos::prelude::*;
use ruche_shared::api::CreateWorkshop;
use ruche_shared::config::{
    MAX_COUNTDOWN_MINUTES, MAX_QUESTION_CHARS, MAX_SEATS, MAX_STEPS, ScoringItemsSource,
};
use ruche_shared::{
    ConfigError, Lang, StepConfig, StepKind, WorkshopConfig, WorkshopSetup, design,
};

use super::step_settings::StepSettings;
use super::texts::{designer_texts, purpose};
use crate::i18n::texts;
use crate::screens::landing::{create_workshop, save_programme_file};

/// One step of the programme being composed.
#[derive(Clone, Copy)]
pub struct Slot {
    /// Stable across moves: the list's key.
    pub id: u64,
    /// The step's settings.
    pub config: RwSignal<StepConfig>,
}

/// The designer, started from `setup` (a template's, or a loaded programme).
#[component]
pub fn Designer(
    lang: RwSignal<Lang>,
    setup: WorkshopSetup,
    back: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let d = move || designer_texts(lang.get());
    let t = move || texts(lang.get());
    let mut head = setup;
    let steps = std::mem::take(&mut head.steps);
    let next_id = StoredValue::new(steps.len() as u64);
    let slots = RwSignal::new(
        steps
            .into_iter()
            .enumerate()
            .map(|(id, config)| Slot {
                id: id as u64,
                config: RwSignal::new(config),
            })
            .collect::<Vec<_>>(),
    );
    let head = RwSignal::new(head);
    // The programme as it stands, and what the engine says of it.
    let programme = Memo::new(move |_| {
        let mut setup = head.get();
        setup.steps = slots.with(|slots| slots.iter().map(|slot| slot.config.get()).collect());
        cleaned(setup)
    });
    let verdict = Memo::new(move |_| WorkshopConfig::new(programme.get()).err());
    // A change to the list of steps, made on the whole programme by the
    // engine's editing functions; `ids` follows it (a new step: `None`).
    let restructure = move |change: &dyn Fn(&mut WorkshopSetup, &mut Vec<Option<u64>>)| {
        let mut setup = programme.get_untracked();
        let mut ids: Vec<Option<u64>> =
            slots.with_untracked(|s| s.iter().map(|s| Some(s.id)).collect());
        change(&mut setup, &mut ids);
        // The countdowns moved with their steps.
        if head.with_untracked(|h| h.countdown_minutes != setup.countdown_minutes) {
            head.update(|h| h.countdown_minutes = setup.countdown_minutes.clone());
        }
        let old = slots.get_untracked();
        let next: Vec<Slot> = ids
            .into_iter()
            .zip(setup.steps)
            .map(
                |(id, config)| match id.and_then(|id| old.iter().find(|s| s.id == id)) {
                    Some(slot) => {
                        if slot.config.with_untracked(|c| *c != config) {
                            slot.config.set(config);
                        }
                        *slot
                    }
                    None => {
                        let id = next_id.get_value();
                        next_id.set_value(id + 1);
                        Slot {
                            id,
                            config: RwSignal::new(config),
                        }
                    }
                },
            )
            .collect();
        slots.set(next);
    };
    let step_count = Memo::new(move |_| slots.with(Vec::len));
    let adding = RwSignal::new(StepKind::Divergence);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let saved_error = RwSignal::new(None::<String>);
    view! {
        <header class="designer-head">
            <h1>{move || d().heading}</h1>
            <button type="button" class="quiet" on:click=move |_| back()>{move || d().back}</button>
        </header>
        <p class="muted">{move || d().intro}</p>
        <WorkshopFields lang head/>
        <super::personas::Personas lang head/>
        <super::personas::Roles lang head/>
        <section aria-labelledby="steps-heading">
            <h2 id="steps-heading">{move || d().steps}</h2>
            <ol class="designer-steps">
                <For each=move || slots.get() key=|slot| slot.id let:slot>
                    {
                        let index = Memo::new(move |_| {
                            slots.with(|s| s.iter().position(|other| other.id == slot.id).unwrap_or(0))
                        });
                        let at_fault = Memo::new(move |_| match verdict.get() {
                            Some(ConfigError::BadStep { step, field, .. }) if step == index.get() => Some(field),
                            _ => None,
                        });
                        view! {
                            <StepCard lang step=slot index at_fault verdict programme step_count head
                                up=move || restructure(&|setup, ids| { let i = index.get_untracked(); design::move_step(setup, i, i - 1); let id = ids.remove(i); ids.insert(i - 1, id); })
                                down=move || restructure(&|setup, ids| { let i = index.get_untracked(); design::move_step(setup, i, i + 1); let id = ids.remove(i); ids.insert(i + 1, id); })
                                duplicate=move || restructure(&|setup, ids| { let i = index.get_untracked(); design::duplicate_step(setup, i); ids.insert(i + 1, None); })
                                remove=move || restructure(&|setup, ids| { let i = index.get_untracked(); design::remove_step(setup, i); ids.remove(i); })
                            />
                        }
                    }
                </For>
            </ol>
            <div class="card add-step">
                <label for="add-step-kind">{move || d().add_step}</label>
                <div class="row">
                    <select id="add-step-kind" on:change=move |ev| {
                        let code = event_target_value(&ev);
                        if let Some(kind) = StepKind::ALL.iter().find(|k| k.code() == code) {
                            adding.set(*kind);
                        }
                    }>
                        {StepKind::ALL.iter().map(|kind| {
                            let kind = *kind;
                            view! { <option value=kind.code() selected=move || adding.get() == kind>{move || kind.title(lang.get())}</option> }
                        }).collect_view()}
                    </select>
                    <button type="button" id="add-step" disabled={move || step_count.get() >= MAX_STEPS}
                        on:click=move |_| restructure(&|setup, ids| { design::add_step(setup, adding.get_untracked()); ids.push(None); })>
                        {move || d().add}
                    </button>
                </div>
            </div>
        </section>
        <section class="card designer-verdict" aria-live="polite">
            {move || match verdict.get() {
                Some(problem) => view! { <p class="notice" id="designer-problem">{problem.message(programme.with(|p| p.lang))}</p> }.into_any(),
                None => view! { <p class="ready" id="designer-ready">{d().ready}</p> }.into_any(),
            }}
            {move || error.get().map(|e| view! { <p class="notice" role="alert">{e}</p> })}
            {move || saved_error.get().map(|e| view! { <p class="notice" role="alert">{e}</p> })}
            <div class="actions">
                <button type="button" class="primary" id="designer-create"
                    disabled=move || busy.get() || verdict.with(Option::is_some)
                    on:click=move |_| create_workshop(CreateWorkshop::from_setup(programme.get_untracked()), busy, error)>
                    {move || if busy.get() { t().creating } else { t().create_button }}
                </button>
                <button type="button" id="designer-save" on:click=move |_| {
                    saved_error.set(save_programme_file(&programme.get_untracked()).err());
                }>{move || d().save}</button>
            </div>
        </section>
    }
}

/// The programme as the engine should judge it and the server receive it:
/// texts without the spaces around them (a word being typed ends with one)
/// and blank lines of typed items left out (the fields keep them while
/// someone types).
fn cleaned(mut setup: WorkshopSetup) -> WorkshopSetup {
    let trim = |text: &mut String| {
        if text.trim().len() != text.len() {
            *text = text.trim().to_owned();
        }
    };
    trim(&mut setup.title);
    trim(&mut setup.question);
    // Roles typed one per line: blank lines are no roles.
    setup.roles.retain(|role| !role.trim().is_empty());
    for role in &mut setup.roles {
        trim(role);
    }
    for persona in &mut setup.personas {
        for text in [
            &mut persona.name,
            &mut persona.situation,
            &mut persona.home,
            &mut persona.personality,
            &mut persona.goal,
        ] {
            trim(text);
        }
        persona.frustrations.retain(|f| !f.trim().is_empty());
        persona.frustrations.iter_mut().for_each(trim);
    }
    for step in &mut setup.steps {
        match step {
            StepConfig::Divergence(divergence) => {
                divergence
                    .circles
                    .iter_mut()
                    .for_each(|c| trim(&mut c.constraint));
            }
            StepConfig::Scoring(scoring) => {
                for criterion in &mut scoring.criteria {
                    trim(&mut criterion.name);
                    trim(&mut criterion.low);
                    trim(&mut criterion.high);
                }
                if let ScoringItemsSource::Given { texts } = &mut scoring.items {
                    texts.retain(|text| !text.trim().is_empty());
                    texts.iter_mut().for_each(trim);
                }
            }
            _ => {}
        }
    }
    setup
}

/// Title, question, the screens' language, seats.
#[component]
fn WorkshopFields(lang: RwSignal<Lang>, head: RwSignal<WorkshopSetup>) -> impl IntoView {
    let d = move || designer_texts(lang.get());
    let t = move || texts(lang.get());
    let initial = head.get_untracked();
    view! {
        <section class="card" aria-labelledby="workshop-heading">
            <h2 id="workshop-heading">{move || d().workshop}</h2>
            <label for="design-title">{move || t().title}</label>
            <input id="design-title" required maxlength=MAX_QUESTION_CHARS prop:value=initial.title.clone()
                on:input=move |ev| head.update(|h| h.title = event_target_value(&ev))/>
            <label for="design-question">{move || t().question}</label>
            <textarea id="design-question" required rows="2" maxlength=MAX_QUESTION_CHARS prop:value=initial.question.clone()
                on:input=move |ev| head.update(|h| h.question = event_target_value(&ev))></textarea>
            <div class="row">
                <div>
                    <label for="design-lang">{move || d().workshop_lang}</label>
                    <select id="design-lang" on:change=move |ev| {
                        let chosen = if event_target_value(&ev) == "en" { Lang::En } else { Lang::Fr };
                        head.update(|h| h.lang = chosen);
                    }>
                        <option value="fr" selected=initial.lang == Lang::Fr>"Français"</option>
                        <option value="en" selected=initial.lang == Lang::En>"English"</option>
                    </select>
                </div>
                <div>
                    <label for="design-seats">{move || d().seats}</label>
                    <input id="design-seats" type="number" min="1" max=MAX_SEATS aria-describedby="design-seats-hint"
                        prop:value=initial.seats.to_string()
                        on:input=move |ev| head.update(|h| h.seats = event_target_value(&ev).trim().parse().unwrap_or(0))/>
                    <p class="hint" id="design-seats-hint">{move || d().seats_hint}</p>
                </div>
            </div>
        </section>
    }
}

/// One step: its number and method, what it is for, its settings, and the
/// buttons that move, duplicate or remove it.
#[component]
fn StepCard(
    lang: RwSignal<Lang>,
    step: Slot,
    index: Memo<usize>,
    at_fault: Memo<Option<String>>,
    verdict: Memo<Option<ConfigError>>,
    programme: Memo<WorkshopSetup>,
    step_count: Memo<usize>,
    head: RwSignal<WorkshopSetup>,
    up: impl Fn() + Send + Sync + 'static,
    down: impl Fn() + Send + Sync + 'static,
    duplicate: impl Fn() + Send + Sync + 'static,
    remove: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let d = move || designer_texts(lang.get());
    let slot = step;
    let kind = slot.config.with_untracked(StepConfig::kind);
    let heading = move || {
        format!(
            "{} {} · {}",
            d().step,
            index.get() + 1,
            kind.title(lang.get())
        )
    };
    // « Monter l'étape 2 »: each button says which step it acts on.
    let label = move |action: &str| format!("{action} · {}", heading());
    let problem = move || {
        at_fault.get()?;
        verdict.get().map(|p| p.message(programme.with(|p| p.lang)))
    };
    view! {
        <li class="card designer-step" data-kind=kind.code() class:at-fault=move || at_fault.with(Option::is_some)>
            <div class="step-head">
                <h3>{heading}</h3>
                <div class="step-buttons">
                    <button type="button" class="quiet move-up" disabled=move || index.get() == 0
                        aria-label=move || label(d().move_up) on:click=move |_| up()>"↑"</button>
                    <button type="button" class="quiet move-down" disabled={move || index.get() + 1 >= step_count.get()}
                        aria-label=move || label(d().move_down) on:click=move |_| down()>"↓"</button>
                    <button type="button" class="quiet duplicate" disabled={move || step_count.get() >= MAX_STEPS}
                        aria-label=move || label(d().duplicate) on:click=move |_| duplicate()>{move || d().duplicate}</button>
                    <button type="button" class="quiet danger remove" aria-label=move || label(d().remove)
                        on:click=move |_| remove()>{move || d().remove}</button>
                </div>
            </div>
            <p class="muted">{move || purpose(kind, lang.get())}</p>
            <StepSettings lang key=slot.id step=slot.config index at_fault programme/>
            {kind.takes_input().then(|| view! { <Countdown lang key=slot.id index head at_fault/> })}
            {move || problem().map(|p| view! { <p class="notice step-problem">{p}</p> })}
        </li>
    }
}

/// A step's default countdown, in minutes: what the console proposes when
/// the step comes (empty: none).
#[component]
fn Countdown(
    lang: RwSignal<Lang>,
    key: u64,
    index: Memo<usize>,
    head: RwSignal<WorkshopSetup>,
    at_fault: Memo<Option<String>>,
) -> impl IntoView {
    let d = move || designer_texts(lang.get());
    let id = format!("step{key}-countdown");
    let hint = format!("step{key}-countdown-hint");
    let initial = head.with_untracked(|h| h.countdown_of(index.get_untracked()));
    let set = move |text: String| {
        let minutes = match text.trim() {
            "" => None,
            // Unreadable: 0, which the verdict refuses until it is a number.
            typed => Some(typed.parse().unwrap_or(0)),
        };
        let step = index.get_untracked();
        head.update(|h| {
            let countdowns = &mut h.countdown_minutes;
            if countdowns.len() <= step {
                countdowns.resize(step + 1, None);
            }
            countdowns[step] = minutes;
            while countdowns.last() == Some(&None) {
                countdowns.pop();
            }
        });
    };
    view! {
        <div class="setting">
            <label for=id.clone()>{move || d().countdown}</label>
            <input id=id type="number" class="short" min="1" max=MAX_COUNTDOWN_MINUTES data-field="countdown_minutes"
                aria-describedby=hint.clone()
                aria-invalid=move || if at_fault.with(|f| f.as_deref() == Some("countdown_minutes")) { "true" } else { "false" }
                prop:value=initial.map(|m| m.to_string()).unwrap_or_default()
                on:input=move |ev| set(event_target_value(&ev))/>
            <p class="hint" id=hint>{move || d().countdown_hint}</p>
        </div>
    }
}
