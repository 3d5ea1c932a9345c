//! The facilitator's console, on the laptop: the join code and the wall's link,
//! the tables and how far each is, the step controls with a countdown, the
//! current method's panel (`methods/`: the ideas and their grouping), the
//! results, and the exports.
//!
//! The facilitator sees the whole workshop, so the results here are computed
//! from the local copy with the engine's own views.

use leptos::prelude::*;
use ruche_shared::api::CreateWorkshop;
use ruche_shared::protocol::Auth;
use ruche_shared::{Command, Lang, StepKind};

use crate::i18n::{self, texts};
use crate::methods::results_views;
use crate::screens::Refused;
use crate::screens::landing::LanguageChoice;
use crate::session::{Link, LiveResults, Session};
use crate::widgets::{LinkIndicator, NoticeBanner, StepHeader};
use crate::{browser, methods};
use ruche_shared::api::route::Route;
use ruche_shared::{flow, joining};

/// The console of workshop `workshop`.
#[component]
pub fn FacilitatorScreen(
    workshop: String,
    secret: Option<String>,
    lang: RwSignal<Lang>,
) -> impl IntoView {
    // A secret that came in the link moves to local storage, out of the address bar.
    if let Some(secret) = &secret {
        browser::save(&browser::secret_key(&workshop), secret);
        browser::replace_fragment(
            &Route::Facilitator {
                workshop: workshop.clone(),
                secret: None,
            }
            .fragment(),
        );
    }
    let session = Session::new(lang.get_untracked());
    session.name_tab(|t| t.facilitator);
    let stored = secret.or_else(|| browser::load(&browser::secret_key(&workshop)));
    let id = workshop.clone();
    let start = move |secret: String| {
        session.start(
            Auth::Facilitator {
                workshop: id.clone(),
                secret,
            },
            Some(format!("ruche.outbox.facilitator.{id}")),
        );
    };
    if let Some(secret) = stored {
        start(secret);
    }
    let this_workshop = workshop.clone();
    view! {
        <main class="facilitator">
            {move || match session.link.get() {
                Link::Idle => view! { <SecretForm lang workshop=this_workshop.clone() start=start.clone()/> }.into_any(),
                Link::Refused(refusal) => view! { <Refused lang=session.lang() refusal/> }.into_any(),
                _ => view! { <Console session/> }.into_any(),
            }}
        </main>
    }
}

/// When the browser does not have the secret: paste it, or the whole
/// facilitation link.
#[component]
fn SecretForm(
    lang: RwSignal<Lang>,
    workshop: String,
    start: impl Fn(String) + Clone + 'static,
) -> impl IntoView {
    let secret = RwSignal::new(String::new());
    view! {
        <section class="card">
            <LanguageChoice lang/>
            <h1>{move || texts(lang.get()).facilitator}</h1>
            <form on:submit=move |ev| {
                ev.prevent_default();
                let pasted = secret.get_untracked();
                match Route::facilitation_link(&pasted) {
                    Some((linked, secret)) if linked == workshop => start(secret),
                    // The link of another workshop: open that one.
                    Some((linked, secret)) => browser::navigate(
                        &Route::Facilitator { workshop: linked, secret: Some(secret) }.link_fragment(),
                    ),
                    None => start(pasted.trim().to_owned()),
                }
            }>
                <label for="secret">{move || texts(lang.get()).secret_label}</label>
                <input id="secret" type="password" required autocomplete="off" prop:value=move || secret.get() on:input=move |ev| secret.set(event_target_value(&ev))/>
                <button class="primary" type="submit">"OK"</button>
            </form>
        </section>
    }
}

#[component]
fn Console(session: Session) -> impl IntoView {
    let t = move || texts(session.lang());
    let kind = Memo::new(move |_| {
        session
            .workshop
            .with(|w| w.as_ref().map(|w| w.current_step_config().kind()))
    });
    view! {
        <header class="topbar">
            <strong class="title">{move || session.workshop.with(|w| w.as_ref().map(|w| w.config().setup().title.clone()))}</strong>
            <LinkIndicator session/>
        </header>
        <JoinInfo session/>
        <NoticeBanner session/>
        <div class="console">
            <div class="console-main">
                <StepControls session/>
                {move || kind.get().map(|kind| methods::console_panel(kind, session))}
                <LocalResults session/>
                <super::synthesis_notes::SynthesisNotes session/>
                <Exports session/>
            </div>
            <aside class="console-side">
                <RoomControls session/>
                <h2>{move || t().tables}</h2>
                <TableList session/>
                <super::personas::PersonasCard session/>
                <super::handover::HandoverCard session/>
                <super::wall_controls::WallControls session/>
            </aside>
        </div>
    }
}

/// The code tables type, and the links for tablets and the wall.
#[component]
fn JoinInfo(session: Session) -> impl IntoView {
    let t = move || texts(session.lang());
    let tablet_base = browser::tablet_base();
    // Just after the workshop was created here: the facilitation link is
    // unfolded, with plain words on why to keep it, until the facilitator
    // says it is kept.
    let keep_key = session.auth().and_then(|auth| match auth {
        Auth::Facilitator { workshop, .. } => Some(browser::keep_link_key(&workshop)),
        _ => None,
    });
    let keep = RwSignal::new(keep_key.as_deref().and_then(browser::load).is_some());
    move || {
        let code = session.join_code.get()?;
        let tablet = format!(
            "{}/{}",
            tablet_base.get(),
            Route::Tablet { code: code.clone() }.fragment()
        );
        let wall = Route::Wall { code: code.clone() }.fragment();
        // The facilitation link carries the secret (in the fragment, never sent
        // to the server): folded away, since this screen may be projected.
        let console = session.auth().and_then(|auth| match auth {
            Auth::Facilitator { workshop, secret } => {
                let route = Route::Facilitator {
                    workshop,
                    secret: Some(secret),
                };
                // The network address: the link is for another computer too.
                Some(format!("{}/{}", tablet_base.get(), route.link_fragment()))
            }
            _ => None,
        });
        Some(view! {
            <section class="join-info">
                <span>{t().join_code_label} " "<strong class="code" data-code=code.clone()>{code.clone()}</strong></span>
                <a href=wall target="_blank" class="button">{t().wall_link}</a>
                <span class="muted">{t().tablet_link} " " {tablet}</span>
                {console.map(|link| {
                    let keep_key = keep_key.clone();
                    view! {
                        <details class="console-link" prop:open=move || keep.get()>
                            <summary>{t().console_link}</summary>
                            <p role=move || keep.get().then_some("alert")>{move || if keep.get() { t().keep_link_body } else { t().secret_notice }}</p>
                            <code id="console-link">{link.clone()}</code>
                            <button id="copy-link" on:click=move |_| browser::copy_or_select(&link, "console-link")>{t().copy_link}</button>
                            {move || keep.get().then(|| {
                                let keep_key = keep_key.clone();
                                view! {
                                    <button id="kept-link" class="primary" on:click=move |_| {
                                        if let Some(key) = &keep_key { browser::forget(key); }
                                        keep.set(false);
                                    }>{t().kept_it}</button>
                                }
                            })}
                        </details>
                    }
                })}
            </section>
        })
    }
}

/// Steps, open/close with a countdown, joining, and showing results.
#[component]
fn StepControls(session: Session) -> impl IntoView {
    let t = move || texts(session.lang());
    let minutes = RwSignal::new(String::new());
    // « Fermer à 0:00 »: this console closes the step when its countdown
    // runs out (once per countdown), if the facilitator chose it.
    let auto_close = RwSignal::new(false);
    let closed_for = StoredValue::new(None::<u64>);
    // The open step's countdown end (the engine clears it when a step closes).
    let deadline = move || {
        session
            .workshop
            .with_untracked(|w| w.as_ref().and_then(|w| w.deadline_ms()))
    };
    let tick = set_interval_with_handle(
        move || {
            let due = deadline().filter(|deadline| *deadline <= browser::now_ms());
            if let Some(deadline) = due.filter(|_| auto_close.get_untracked())
                && closed_for.get_value() != Some(deadline)
            {
                closed_for.set_value(Some(deadline));
                session.send(Command::CloseStep(flow::CloseStep {}));
            }
        },
        std::time::Duration::from_secs(1),
    );
    on_cleanup(move || {
        if let Ok(handle) = tick {
            handle.clear();
        }
    });
    let read = move |f: fn(&ruche_shared::Workshop) -> usize| {
        session.workshop.with(|w| w.as_ref().map(f).unwrap_or(0))
    };
    let current = move || read(|w| w.current_step());
    let flag = move |f: fn(&ruche_shared::Workshop) -> bool| {
        session.workshop.with(|w| w.as_ref().is_some_and(f))
    };
    // A new step starts with its programme's countdown, or an empty field
    // (not the last step's). Through a memo: the workshop changes at every
    // event, the step rarely.
    let step_now = Memo::new(move |_| {
        session.workshop.with(|w| {
            w.as_ref().map(|w| {
                let step = w.current_step();
                (step, w.config().setup().countdown_of(step))
            })
        })
    });
    Effect::watch(
        move || step_now.get(),
        move |now, _, _| {
            let proposed = now.and_then(|(_, minutes)| minutes);
            minutes.set(proposed.map(|m| m.to_string()).unwrap_or_default());
        },
        false,
    );
    let counting = move || {
        session
            .workshop
            .with(|w| w.as_ref().is_some_and(|w| w.deadline_ms().is_some()))
    };
    // « +1 min »: the countdown restarted with a minute more than it has
    // left (or a minute from now, once it has run out).
    let add_minute = move || {
        let left_ms = deadline().map_or(0, |d| d.saturating_sub(browser::now_ms()));
        let duration_secs = Some(left_ms.div_ceil(1000) as u32 + 60);
        session.send(Command::OpenStep(flow::OpenStep { duration_secs }));
    };
    let steps = move || {
        session.workshop.with(|w| {
            let Some(w) = w.as_ref() else {
                return Vec::new();
            };
            let lang = w.config().setup().lang;
            w.config()
                .steps()
                .iter()
                .enumerate()
                .map(|(i, s)| (i, i18n::step_title(s.kind(), lang), i == w.current_step()))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="card controls">
            <StepHeader session facilitator=true/>
            <ol class="steps">
                {move || steps().into_iter().map(|(i, name, here)| view! {
                    <li class:current=here aria-current=here.then_some("step")>
                        <button class="quiet" on:click=move |_| { session.send(Command::GoToStep(flow::GoToStep { step: i })); }>{format!("{}. {name}", i + 1)}</button>
                    </li>
                }).collect_view()}
            </ol>
            <div class="actions">
                <button id="prev-step" disabled=move || { current() == 0 || !session.allows(&Command::GoToStep(flow::GoToStep { step: current() - 1 })) } on:click=move |_| { session.send(Command::GoToStep(flow::GoToStep { step: current().saturating_sub(1) })); }>{move || t().previous}</button>
                <button id="next-step" disabled=move || !session.allows(&Command::GoToStep(flow::GoToStep { step: current() + 1 })) on:click=move |_| {
                    // Ending a step with time left is a choice, not a slip.
                    let time_left = deadline().is_some_and(|d| d > browser::now_ms());
                    if !time_left || window().confirm_with_message(t().confirm_next).unwrap_or(true) {
                        session.send(Command::GoToStep(flow::GoToStep { step: current() + 1 }));
                    }
                }>{move || t().next}</button>
                <Show when=move || !flag(|w| w.is_step_open())
                    fallback=move || view! {
                        <button id="close-step" class="danger" on:click=move |_| { session.send(Command::CloseStep(flow::CloseStep {})); }>{move || t().close_step}</button>
                        <Show when=counting>
                            <button id="add-minute" on:click=move |_| add_minute()>{move || t().add_minute}</button>
                        </Show>
                    }>
                    <label class="inline" for="minutes">{move || t().minutes}</label>
                    <input id="minutes" class="short" type="number" min="1" max="180" prop:value=move || minutes.get() on:input=move |ev| minutes.set(event_target_value(&ev))/>
                    <button id="open-step" class="primary" on:click=move |_| {
                        let duration_secs = minutes.get_untracked().trim().parse::<u32>().ok().map(|m| m * 60);
                        session.send(Command::OpenStep(flow::OpenStep { duration_secs }));
                    }>{move || t().open_step}</button>
                </Show>
                <label class="inline"><input id="auto-close" type="checkbox" prop:checked=move || auto_close.get() on:change=move |_| auto_close.update(|a| *a = !*a)/> {move || t().close_at_zero}</label>
            </div>
        </section>
    }
}

/// Who may join, and who sees the results: beside the tables, so that the
/// step's controls leave the ideas in view on a laptop's screen.
#[component]
fn RoomControls(session: Session) -> impl IntoView {
    let t = move || texts(session.lang());
    let flag = move |f: fn(&ruche_shared::Workshop) -> bool| {
        session.workshop.with(|w| w.as_ref().is_some_and(f))
    };
    view! {
        <div class="actions room-controls">
            <button id="toggle-joining" on:click=move |_| { session.send(Command::SetJoiningLocked(joining::SetJoiningLocked { locked: !flag(|w| w.is_joining_locked()) })); }>
                {move || if flag(|w| w.is_joining_locked()) { t().unlock_joining } else { t().lock_joining }}
            </button>
            <button id="toggle-results" on:click=move |_| { session.send(Command::SetResultsVisible(flow::SetResultsVisible { visible: !flag(|w| w.results_visible()) })); }>
                {move || if flag(|w| w.results_visible()) { t().hide_results } else { t().show_results }}
            </button>
            <span class="muted">{move || if flag(|w| w.results_visible()) { t().results_shown } else { t().results_private }}</span>
        </div>
    }
}

/// Each table's progress, from the facilitator's full copy.
#[component]
fn TableList(session: Session) -> impl IntoView {
    let t = move || texts(session.lang());
    move || {
        let participation = session
            .workshop
            .with(|w| w.as_ref().map(|w| w.participation()))?;
        if participation.tables.is_empty() {
            return Some(view! { <p class="muted">{t().no_tables_yet}</p> }.into_any());
        }
        // Only the columns this workshop's steps fill: an evaluation has
        // no ideas or points to count.
        let has = |kind: StepKind| {
            session.workshop.with(|w| {
                w.as_ref()
                    .is_some_and(|w| w.config().steps().iter().any(|s| s.kind() == kind))
            })
        };
        let (ideas, points, scores) = (
            has(StepKind::Divergence),
            has(StepKind::BudgetVote),
            has(StepKind::Scoring),
        );
        Some(view! {
            <table class="tables">
                <thead><tr>
                    <th scope="col">{t().tables}</th><th scope="col">{t().connection}</th>
                    {ideas.then(|| view! { <th scope="col">{t().ideas}</th> })}
                    {points.then(|| view! { <th scope="col">{t().points_spent}</th> })}
                    {scores.then(|| view! { <th scope="col">{t().scores_given}</th> })}
                </tr></thead>
                <tbody>
                    {participation.tables.into_iter().map(|p| view! {
                        <tr data-table=p.table.0>
                            <th scope="row">{p.name}</th>
                            {move || {
                                let online = session.online.with(|o| o.contains(&p.table));
                                view! {
                                    <td data-online=online.to_string()>
                                        <span class=if online { "dot online" } else { "dot offline" } aria-hidden="true"></span>
                                        " " {if online { t().online_short } else { t().offline_short }}
                                    </td>
                                }
                            }}
                            {ideas.then(|| view! { <td>{p.ideas}</td> })}
                            {points.then(|| view! { <td class:done=p.vote_done>{p.points_spent.map(|s| s.to_string()).unwrap_or("–".into())}</td> })}
                            {scores.then(|| view! { <td>{if p.scores_expected > 0 { format!("{}/{}", p.scores_given, p.scores_expected) } else { "–".into() }}</td> })}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }.into_any())
    }
}

/// Results as only the facilitator sees them until revealed, computed from
/// the facilitator's full copy with the engine's views.
#[component]
fn LocalResults(session: Session) -> impl IntoView {
    let results = Memo::new(move |_| {
        session
            .workshop
            .with(|w| w.as_ref().map(LiveResults::of).unwrap_or_default())
    });
    let any = move || results.with(|r| r.votes.is_some() || r.scores.is_some() || r.dots.is_some());
    let lang = move || session.lang();
    view! {
        <Show when=any>
            <section class="card results">
                <h2>{move || texts(lang()).results}</h2>
                {move || results_views(results, session, lang())}
            </section>
        </Show>
    }
}

/// The workshop's programme: its setup, every step and setting (what a
/// saved programme file holds, and a duplicate starts from).
fn programme(session: Session) -> Option<ruche_shared::WorkshopSetup> {
    session
        .workshop
        .with_untracked(|w| w.as_ref().map(|w| w.config().setup().clone()))
}

/// Offers the programme as a file, named after the workshop.
fn save_programme(session: Session) {
    let Some(setup) = programme(session) else {
        return;
    };
    if let Err(problem) = super::landing::save_programme_file(&setup) {
        session.show_notice(problem);
    }
}

/// Downloads of the workshop's record (the secret goes in a header), its
/// programme as a file, and a duplicate of it.
#[component]
fn Exports(session: Session) -> impl IntoView {
    let t = move || texts(session.lang());
    let duplicating = RwSignal::new(false);
    let duplicate_error = RwSignal::new(None::<String>);
    // `query`: the synthesis's version (`public=1`); its times are printed
    // at this computer's offset from UTC.
    let export = move |format: &'static str, query: &'static str| {
        let Some(Auth::Facilitator { workshop, secret }) = session.auth() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let offset = -js_sys::Date::new_0().get_timezone_offset() as i32;
            let path = format!(
                "{}?utc_offset={offset}&{query}",
                ruche_shared::api::export_path(&workshop, format)
            );
            let name = if query.is_empty() {
                "ruche"
            } else {
                "ruche-publication"
            };
            let name = format!("{name}-{workshop}.{format}");
            if let Err(problem) = browser::download(&path, &secret, &name).await {
                session.show_notice(problem);
            }
        });
    };
    view! {
        <section class="actions exports">
            <button id="export-synthesis" on:click=move |_| export("html", "")>{move || t().export_synthesis}</button>
            <button id="export-public" on:click=move |_| export("html", "public=1")>{move || t().export_public}</button>
            <button id="export-csv" on:click=move |_| export("csv", "")>{move || t().export_csv}</button>
            <button id="export-xlsx" on:click=move |_| export("xlsx", "")>{move || t().export_xlsx}</button>
            <button id="export-json" on:click=move |_| export("json", "")>{move || t().export_json}</button>
            <button id="save-programme" on:click=move |_| save_programme(session)>{move || t().save_programme}</button>
            <button id="duplicate-workshop" disabled=move || duplicating.get() on:click=move |_| {
                if let Some(setup) = programme(session) {
                    super::landing::create_workshop(CreateWorkshop::from_setup(setup), duplicating, duplicate_error);
                }
            }>{move || t().duplicate_workshop}</button>
            {move || duplicate_error.get().map(|e| view! { <p class="notice" role="alert">{e}</p> })}
        </section>
    }
}
