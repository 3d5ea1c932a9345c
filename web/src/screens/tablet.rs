//! The tablet a table of three shares: join with a name, then the current
//! step: write ideas, spend points, score seat by seat, see the results.
//!
//! The table's token stays in local storage, so a reload, a crash or a lost
//! Wi-Fi brings the same table back with its ideas and points.

use leptos::prelude::*;
use ruche_shared::api::route::Route;
use ruche_shared::api::{HANDOVER_DIGITS, join_info_path, normalise_code};
use ruche_shared::config::MAX_NAME_CHARS;
use ruche_shared::protocol::Auth;
use ruche_shared::{Lang, Role};

use crate::i18n::texts;
use crate::screens::Refused;
use crate::screens::results::ResultsPanel;
use crate::session::{Link, Refusal, Session};
use crate::widgets::{LinkIndicator, NoticeBanner, StepHeader};
use crate::{browser, methods};

/// The tablet for join code `code`; with `handover`, a new tablet taking a
/// table over with the facilitator's code.
#[component]
pub fn TabletScreen(
    code: String,
    lang: RwSignal<Lang>,
    #[prop(optional, into)] handover: Option<String>,
) -> impl IntoView {
    let session = Session::new(lang.get_untracked());
    session.name_tab(|t| t.tablet_tab);
    let outbox = Some(format!("ruche.outbox.{code}"));
    if let Some(handover) = handover {
        // Kept before asking, as for a join: a lost welcome is sent again
        // with the same token. The code is spent once used: the address
        // becomes the table's, so a reload does not send it again.
        let token = browser::new_op_id();
        browser::save(&browser::table_token_key(&code), &token);
        browser::replace_fragment(&Route::Tablet { code: code.clone() }.fragment());
        let auth = Auth::TakeOverTable {
            code: code.clone(),
            handover,
            token,
        };
        session.start(auth, outbox.clone());
    } else if let Some(token) = browser::load(&browser::table_token_key(&code)) {
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
    // Before asking for a name: does the code exist, and in which language
    // is the workshop? (A wrong code is said at once, not after the name.)
    let info = RwSignal::new(None::<Option<JoinInfo>>);
    let path = join_info_path(&code);
    leptos::task::spawn_local(async move {
        let answer = browser::http("GET", &path, None, None).await;
        // Offline or held back: ask for the name anyway; the join says the rest.
        let found = match answer {
            Ok(answer) if answer.status == 404 => None,
            Ok(answer) => {
                let field = |name| browser::json_text(&answer.body, name);
                // Held back (no answer to read): the page's language stays.
                if let Some(code) = field("lang") {
                    let found = if code == "en" { Lang::En } else { Lang::Fr };
                    session.set_lang(found);
                    lang.set(found);
                }
                Some(JoinInfo {
                    title: field("title"),
                    question: field("question").unwrap_or_default(),
                })
            }
            Err(_) => Some(JoinInfo::default()),
        };
        info.set(Some(found));
    });
    view! {
        <main class="tablet">
            {move || {
                // No workshop has this code (or no longer: a table whose
                // workshop was deleted lands here too).
                if matches!(refusal(), Some(Refusal::UnknownWorkshop))
                    || (needs_join() && info.with(|i| matches!(i, Some(None))))
                {
                    view! { <Refused lang=session.lang() refusal=Refusal::UnknownWorkshop/> }.into_any()
                } else if needs_join() {
                    let Some(Some(found)) = info.get() else {
                        return view! { <p>{texts(session.lang()).loading}</p> }.into_any();
                    };
                    let (code, outbox) = (code.clone(), outbox.clone());
                    view! { <JoinTable code session outbox refusal=refusal() info=found/> }.into_any()
                } else {
                    view! { <Table session/> }.into_any()
                }
            }}
        </main>
    }
}

/// What the join screen shows of the workshop (its public information).
#[derive(Clone, Default)]
struct JoinInfo {
    title: Option<String>,
    question: String,
}

/// Names the table and joins.
#[component]
fn JoinTable(
    code: String,
    session: Session,
    outbox: Option<String>,
    refusal: Option<Refusal>,
    info: JoinInfo,
) -> impl IntoView {
    let t = texts(session.lang());
    let name = RwSignal::new(String::new());
    // A name taken or joining locked may be this table's own tablet that
    // died: the way to take it back is opened.
    let offer_takeover = matches!(
        refusal,
        Some(Refusal::JoinRefused(_) | Refusal::HandoverRefused | Refusal::TakenOver)
    );
    let message = refusal.map(|refusal| match refusal {
        Refusal::JoinRefused(why) => why,
        Refusal::HandoverRefused => t.handover_refused.to_owned(),
        Refusal::TakenOver => t.taken_over.to_owned(),
        Refusal::TableForgotten | Refusal::UnknownWorkshop | Refusal::BadSecret => {
            t.unknown_code.to_owned()
        }
    });
    let shown_code = code.clone();
    let takeover_code = code.clone();
    let handover = RwSignal::new(String::new());
    view! {
        <section class="card join">
            <h1>{info.title.unwrap_or_else(|| t.join_heading.to_owned())}</h1>
            <p class="question">{info.question}</p>
            <p class="code-line">{t.join_code} " " <strong class="code">{shown_code}</strong></p>
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
                <input id="table-name" required maxlength=MAX_NAME_CHARS autocomplete="off"
                    placeholder=t.table_name_hint
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))/>
                {message.map(|m| view! { <p class="notice" role="alert">{m}</p> })}
                <button id="join" type="submit" class="primary big">{t.join_button}</button>
            </form>
            <details class="takeover" prop:open=offer_takeover>
                <summary>{t.takeover_heading}</summary>
                <form on:submit=move |ev| {
                    ev.prevent_default();
                    // Digits only, as for a join code: « 4839 2017 ».
                    let typed = normalise_code(&handover.get_untracked());
                    if !typed.is_empty() {
                        let route = Route::TakeOver { code: takeover_code.clone(), handover: typed };
                        browser::navigate(&route.fragment());
                    }
                }>
                    <label for="handover-code">{t.takeover_code}</label>
                    <input id="handover-code" required inputmode="numeric" autocomplete="off"
                        class="code-input" maxlength=HANDOVER_DIGITS + 2
                        prop:value=move || handover.get()
                        on:input=move |ev| handover.set(event_target_value(&ev))/>
                    <button id="take-over" type="submit">{t.takeover_button}</button>
                </form>
            </details>
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
        // The table's own question when it has one, else the workshop's.
        <p class="question">{move || session.workshop.with(|w| Some(w.as_ref()?.question_of(table()?).to_owned()))}</p>
        {move || table().map(|table| view! { <PersonaCard session table/> })}
        <StepHeader session/>
        <NoticeBanner session/>
        {move || {
            let (Some((index, kind)), Some(table)) = (step.get(), table()) else {
                return view! { <p class="waiting">{texts(session.lang()).loading}</p> }.into_any();
            };
            // A closed step greys its inputs and says why, above them (its
            // own closure: opening the step must not rebuild the panel).
            let waits = move || {
                kind.takes_input()
                    && !session.workshop.with(|w| w.as_ref().is_some_and(|w| w.is_step_open()))
            };
            view! {
                {move || waits().then(|| view! { <p class="closed-note" role="status">{texts(session.lang()).step_closed_note}</p> })}
                {methods::tablet_panel(kind, session, table, index)}
            }.into_any()
        }}
        <ResultsPanel session/>
    }
}

/// The persona the table thinks for (design thinking), at every step; it
/// folds to its name once read, so the step keeps the screen.
#[component]
fn PersonaCard(session: Session, table: ruche_shared::TableId) -> impl IntoView {
    use ruche_shared::methods::persona::texts;
    // Rebuilt only when the table's persona changes, not at every idea: the
    // card would unfold again, and a question being typed be wiped.
    let persona = Memo::new(move |_| {
        session
            .workshop
            .with(|w| w.as_ref().and_then(|w| w.persona_of(table).cloned()))
    });
    move || {
        let persona = persona.get()?;
        let lang = session.lang();
        let t = texts(lang);
        let heading = match persona.age {
            Some(age) => format!("{}, {}", persona.name, texts::age(lang, age)),
            None => persona.name.clone(),
        };
        let lines = [
            persona.situation,
            persona.home,
            persona.personality,
            persona.goal,
        ];
        Some(view! {
            <details class="card persona-card" open>
                <summary>{t.your_persona} " " <strong>{heading}</strong></summary>
                <ul class="persona-lines">
                    {lines.into_iter().filter(|l| !l.is_empty()).map(|l| view! { <li>{l}</li> }).collect_view()}
                </ul>
                {(!persona.frustrations.is_empty()).then(|| view! {
                    <p class="persona-frustrations"><strong>{t.frustrations}</strong> " " {persona.frustrations.join(" · ")}</p>
                })}
                <QuestionForm session table name=persona.name/>
            </details>
        })
    }
}

/// The table's « Comment pourrions-nous… ? »: one of its persona's
/// frustrations, turned into the question it will work on.
#[component]
fn QuestionForm(session: Session, table: ruche_shared::TableId, name: String) -> impl IntoView {
    let t = texts(session.lang());
    let own = session
        .workshop
        .with_untracked(|w| w.as_ref().and_then(|w| w.table(table)?.question.clone()));
    let start = own.unwrap_or_else(|| format!("{} {name} ", t.how_might_we_start));
    let draft = RwSignal::new(start);
    view! {
        <form class="question-form" on:submit=move |ev| {
            ev.prevent_default();
            let question = draft.get_untracked().trim().to_owned();
            let command = ruche_shared::methods::questions::SetTableQuestion { table: None, question };
            session.send(ruche_shared::Command::SetTableQuestion(command));
        }>
            <label for="table-question">{t.your_question}</label>
            <textarea id="table-question" rows="2" maxlength=ruche_shared::config::MAX_QUESTION_CHARS
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
            <button id="save-question" type="submit">{t.save}</button>
        </form>
    }
}
