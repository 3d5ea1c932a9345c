//! The tablet a table of three shares: join with a name, then the current
//! step: write ideas, spend points, score seat by seat, see the results.
//!
//! The table's token stays in local storage, so a reload, a crash or a lost
//! Wi-Fi brings the same table back with its ideas and points.

use leptos::prelude::*;
use ruche_shared::ledger::ScoreCell;
use ruche_shared::protocol::Auth;
use ruche_shared::{Command, IdeaId, ItemRef, Lang, Role, StepConfig, StepKind, TableId};

use crate::browser;
use crate::i18n::texts;
use crate::screens::Refused;
use crate::screens::results::ResultsPanel;
use crate::session::{Link, Refusal, Session};
use crate::widgets::{LinkIndicator, NoticeBanner, StepHeader};

/// The tablet for join code `code`.
#[component]
pub fn TabletScreen(code: String, lang: RwSignal<Lang>) -> impl IntoView {
    let session = Session::new(lang.get_untracked());
    let outbox = Some(format!("ruche.outbox.{code}"));
    if let Some(token) = browser::load(&browser::table_token_key(&code)) {
        session.start(
            Auth::RejoinTable {
                code: code.clone(),
                token,
            },
            outbox.clone(),
        );
    }
    let needs_join = move || match session.link.get() {
        Link::Idle => true,
        Link::Refused(refusal) => refusal != Refusal::UnknownWorkshop,
        _ => false,
    };
    let refusal = move || match session.link.get() {
        Link::Refused(refusal) => Some(refusal),
        _ => None,
    };
    view! {
        <main class="tablet">
            {move || {
                if matches!(refusal(), Some(Refusal::UnknownWorkshop)) {
                    view! { <Refused lang=session.lang() refusal=Refusal::UnknownWorkshop/> }.into_any()
                } else if needs_join() {
                    let (code, outbox) = (code.clone(), outbox.clone());
                    view! { <JoinTable code session outbox refusal=refusal()/> }.into_any()
                } else {
                    view! { <Table session/> }.into_any()
                }
            }}
        </main>
    }
}

/// Names the table and joins.
#[component]
fn JoinTable(
    code: String,
    session: Session,
    outbox: Option<String>,
    refusal: Option<Refusal>,
) -> impl IntoView {
    let t = texts(session.lang());
    let name = RwSignal::new(String::new());
    let message = refusal.map(|refusal| match refusal {
        Refusal::JoinRefused(why) => why,
        Refusal::TooManyAttempts => t.too_many_attempts.to_owned(),
        Refusal::TableForgotten | Refusal::UnknownWorkshop | Refusal::BadSecret => {
            t.unknown_code.to_owned()
        }
    });
    let shown_code = code.clone();
    view! {
        <section class="card join">
            <h1>{t.join_heading}</h1>
            <p class="code-line">{t.join_code} " : " <strong class="code">{shown_code}</strong></p>
            <form on:submit=move |ev| {
                ev.prevent_default();
                let name = name.get_untracked().trim().to_owned();
                if !name.is_empty() {
                    // The tablet chooses its token and keeps it before joining: if the
                    // welcome is lost, the same join is sent again and finds its table.
                    let token = browser::new_op_id();
                    browser::save(&browser::table_token_key(&code), &token);
                    let auth = Auth::JoinTable { code: code.clone(), name, token: Some(token) };
                    session.start(auth, outbox.clone());
                }
            }>
                <label for="table-name">{t.table_name}</label>
                <input id="table-name" required maxlength="60" autocomplete="off"
                    placeholder=t.table_name_hint
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))/>
                {message.map(|m| view! { <p class="notice" role="alert">{m}</p> })}
                <button id="join" type="submit" class="primary big">{t.join_button}</button>
            </form>
        </section>
    }
}

/// The joined table's screen.
#[component]
fn Table(session: Session) -> impl IntoView {
    let table = move || match session.role.get() {
        Some(Role::Table(id)) => Some(id),
        _ => None,
    };
    let step = Memo::new(move |_| {
        session.workshop.with(|w| {
            w.as_ref()
                .map(|w| (w.current_step(), w.current_step_config().kind()))
        })
    });
    view! {
        <header class="topbar">
            <div>
                <strong class="title">{move || session.workshop.with(|w| w.as_ref().map(|w| w.config().setup().title.clone()))}</strong>
                <span class="table-name" data-table=move || table().map(|t| t.0)>
                    {move || session.workshop.with(|w| {
                        let (w, id) = (w.as_ref()?, table()?);
                        w.table(id).map(|t| t.name.clone())
                    })}
                </span>
            </div>
            <LinkIndicator session/>
        </header>
        <p class="question">{move || session.workshop.with(|w| w.as_ref().map(|w| w.config().setup().question.clone()))}</p>
        <StepHeader session/>
        <NoticeBanner session/>
        {move || {
            let (Some((index, kind)), Some(table)) = (step.get(), table()) else {
                return view! { <p class="waiting">{texts(session.lang()).loading}</p> }.into_any();
            };
            match kind {
                StepKind::Divergence => view! { <Divergence session table/> }.into_any(),
                StepKind::BudgetVote => view! { <Vote session table step=index/> }.into_any(),
                StepKind::Scoring => view! { <Scoring session table step=index/> }.into_any(),
                StepKind::Grouping | StepKind::Results => view! {
                    <p class="waiting">{texts(session.lang()).waiting_for_facilitator}</p>
                }.into_any(),
            }
        }}
        <ResultsPanel session/>
    }
}

/// Writing ideas, with a hint when one like it was already submitted.
#[component]
fn Divergence(session: Session, table: TableId) -> impl IntoView {
    let t = texts(session.lang());
    let draft = RwSignal::new(String::new());
    let limit = session
        .workshop
        .with_untracked(|w| w.as_ref().map(|w| w.idea_char_limit()))
        .unwrap_or(280);
    let similar = move || {
        let text = draft.get();
        session.workshop.with(|w| {
            let w = w.as_ref()?;
            let ids = w.similar_ideas(&text, 3);
            (!ids.is_empty()).then(|| {
                ids.into_iter()
                    .filter_map(|id| w.idea(id).map(|i| i.text.clone()))
                    .collect::<Vec<_>>()
            })
        })
    };
    let open = move || {
        session
            .workshop
            .with(|w| w.as_ref().is_some_and(|w| w.is_step_open()))
    };
    let ideas = move |own: bool| {
        session.workshop.with(|w| {
            w.as_ref()
                .map(|w| {
                    w.all_ideas()
                        .iter()
                        .filter(|i| !i.deleted && !i.hidden && (i.author == Some(table)) == own)
                        .map(|i| (i.id, i.text.clone()))
                        .rev()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let submit = move || {
        let text = draft.get_untracked().trim().to_owned();
        if !text.is_empty() && session.send(Command::SubmitIdea { text }) {
            draft.set(String::new());
        }
    };
    view! {
        <section class="card">
            <form class="idea-form" on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <label for="idea-text">{t.your_idea}</label>
                <textarea id="idea-text" rows="3" maxlength=limit
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                <div class="form-foot">
                    <span class="counter" aria-live="polite">{move || format!("{} / {limit}", draft.get().chars().count())}</span>
                    <button id="submit-idea" type="submit" class="primary big" disabled=move || !open() || draft.get().trim().is_empty()>{t.submit_idea}</button>
                </div>
                {move || similar().map(|texts_| view! {
                    <div class="similar" role="status">
                        <p>{t.maybe_exists}</p>
                        <ul>{texts_.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul>
                    </div>
                })}
            </form>
        </section>
        <section class="card">
            <h2>{t.your_ideas}</h2>
            <ul class="ideas own">
                <For each=move || ideas(true) key=|(id, text)| (*id, text.clone()) let((id, text))>
                    <OwnIdea session id text/>
                </For>
            </ul>
        </section>
        <section class="card">
            <h2>{t.other_ideas}</h2>
            <ul class="ideas others" aria-live="polite">
                <For each=move || ideas(false) key=|(id, text)| (*id, text.clone()) let((id, text))>
                    <li class="idea" data-idea=id.0>{text}</li>
                </For>
            </ul>
        </section>
    }
}

/// One of the table's ideas: edit it or withdraw it while divergence is open.
#[component]
fn OwnIdea(session: Session, id: IdeaId, text: String) -> impl IntoView {
    let t = texts(session.lang());
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(text.clone());
    view! {
        <li class="idea own" data-idea=id.0>
            {move || if editing.get() {
                view! {
                    <form class="edit" on:submit=move |ev| {
                        ev.prevent_default();
                        let text = draft.get_untracked().trim().to_owned();
                        if session.send(Command::EditIdea { idea: id, text }) {
                            editing.set(false);
                        }
                    }>
                        <label class="sr-only" for=format!("edit-{}", id.0)>{t.edit}</label>
                        <textarea id=format!("edit-{}", id.0) rows="2" prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                        <button type="submit" class="primary">{t.save}</button>
                        <button type="button" on:click=move |_| editing.set(false)>{t.cancel}</button>
                    </form>
                }.into_any()
            } else {
                let text = text.clone();
                view! {
                    <span class="idea-text">{text}</span>
                    <span class="idea-actions">
                        <button on:click=move |_| editing.set(true)>{t.edit}</button>
                        <button class="danger" on:click=move |_| { session.send(Command::DeleteIdea { idea: id }); }>{t.delete}</button>
                    </span>
                }.into_any()
            }}
        </li>
    }
}

/// Spending the table's points: − / + per item, the points left always in view.
#[component]
fn Vote(session: Session, table: TableId, step: usize) -> impl IntoView {
    let t = texts(session.lang());
    let budget =
        session
            .workshop
            .with_untracked(|w| match w.as_ref().and_then(|w| w.config().step(step)) {
                Some(StepConfig::BudgetVote { budget, .. }) => *budget,
                _ => 0,
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
        session.is_pending(|c| matches!(c, Command::SetVote { item: i, .. } if *i == item))
    };
    // Whether the engine accepts this many points now: the cap, the budget,
    // the table's own ideas and the step are its rules, not the screen's.
    let allowed =
        move |item: ItemRef, points: u32| session.allows(&Command::SetVote { item, points });
    let items = move || {
        session.workshop.with(|w| {
            w.as_ref()
                .map(|w| {
                    w.vote_items()
                        .map(|item| {
                            (
                                item,
                                w.item_label(item).to_owned(),
                                w.is_authored_by(item, table),
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
    view! {
        <div class="budget" role="status" aria-live="polite" data-points-left=left>
            <strong class="points-left">{left}</strong>
            " " {t.points_left} " / " {budget}
        </div>
        {move || (left() == 0).then(|| view! { <p class="done">{t.vote_done}</p> })}
        <ul class="vote-items">
            <For each=items key=|(item, label, own)| (*item, label.clone(), *own) let((item, label, own))>
                <li class="vote-item" class:own=own data-item=item.to_string() data-points=move || shown(item)>
                    <span class="item-label">{label.clone()}</span>
                    {if own {
                        view! { <span class="badge own">{t.own_idea}</span> }.into_any()
                    } else {
                        let label = label.clone();
                        view! {
                            <span class="stepper">
                                <button class="round" aria-label=format!("{} {label}", t.remove_point)
                                    disabled=move || { shown(item) == 0 || !allowed(item, shown(item) - 1) }
                                    on:click=move |_| { session.send(Command::SetVote { item, points: shown(item).saturating_sub(1) }); }>"−"</button>
                                <span class="points" class:pending=move || pending(item) aria-live="polite">
                                    {move || shown(item)}
                                    {move || pending(item).then(|| view! { <span class="sr-only">{t.pending}</span> })}
                                </span>
                                <button class="round" aria-label=format!("{} {label}", t.add_point)
                                    disabled=move || !allowed(item, shown(item) + 1)
                                    on:click=move |_| { session.send(Command::SetVote { item, points: shown(item) + 1 }); }>"+"</button>
                            </span>
                        }.into_any()
                    }}
                </li>
            </For>
        </ul>
    }
}

/// Scoring seat by seat: each item on each criterion, 0–10.
#[component]
fn Scoring(session: Session, table: TableId, step: usize) -> impl IntoView {
    let t = texts(session.lang());
    let seat = RwSignal::new(1u8);
    let (seats, criteria, scale) = session.workshop.with_untracked(|w| {
        let w = w.as_ref();
        let seats = w.map(|w| w.config().seats()).unwrap_or(3);
        match w.and_then(|w| w.config().step(step)) {
            Some(StepConfig::Scoring {
                criteria,
                scale_min,
                scale_max,
                ..
            }) => (seats, criteria.clone(), (*scale_min, *scale_max)),
            _ => (seats, Vec::new(), (0, 10)),
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
            matches!(c, Command::SetScore { seat: s, item: i, criterion: k, .. }
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
                                on:click=move |_| { session.send(Command::SetScore { seat: seat_now, item, criterion: criterion_index, score: Some(value) }); }>
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
