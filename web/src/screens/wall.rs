//! The wall screen, projected at the front of the room: the join code in large
//! type with a QR code (small after the first step, gone once joining is
//! locked), the ideas arriving live, then the live results, and the idea
//! the facilitator puts in focus. Nothing to click: it follows the facilitator.

use std::time::Duration;

use leptos::html::Div;
use leptos::prelude::*;
use ruche_shared::Lang;
use ruche_shared::protocol::Auth;
use ruche_shared::wall::JoinShown;

use crate::i18n::texts;
use crate::screens::Refused;
use crate::session::{Link, Session};
use crate::widgets::{LinkIndicator, QrCode, StepHeader};
use crate::{browser, methods};
use ruche_shared::api::route::Route;

/// How long the wall shows each page when the ideas or bars do not fit.
const PAGE_SECONDS: u64 = 8;

/// The step's panel, paged when it overflows the projector: every
/// [`PAGE_SECONDS`] it scrolls on by most of a screen (the last line of one
/// page opens the next, so no idea is only ever seen cut), then back to the
/// top, with « 2 / 3 » in the corner. Nothing moves when all fits.
#[component]
fn PagedPanel(focused: Signal<bool>, children: Children) -> impl IntoView {
    let panel = NodeRef::<Div>::new();
    let page = RwSignal::new((0_i32, 1_i32));
    let turn = set_interval_with_handle(
        move || {
            let Some(panel) = panel.get_untracked() else {
                return;
            };
            let (height, total) = (panel.client_height(), panel.scroll_height());
            let step = height * 9 / 10;
            let count = if step > 0 && total > height {
                (total - height + step - 1) / step + 1
            } else {
                1
            };
            let next = (page.get_untracked().0 + 1) % count;
            panel.set_scroll_top(next * step);
            page.set((next, count));
        },
        Duration::from_secs(PAGE_SECONDS),
    );
    on_cleanup(move || {
        if let Ok(handle) = turn {
            handle.clear();
        }
    });
    view! {
        <div class="wall-panel" node_ref=panel class:behind-focus=move || focused.get()
            data-page=move || page.get().0 + 1 data-pages=move || page.get().1>
            {children()}
        </div>
        {move || (page.get().1 > 1).then(|| {
            let (current, count) = page.get();
            view! { <p class="pages" aria-hidden="true">{format!("{} / {count}", current + 1)}</p> }
        })}
    }
}

/// The wall of the workshop with join code `code`.
#[component]
pub fn WallScreen(code: String, lang: RwSignal<Lang>) -> impl IntoView {
    let session = Session::new(lang.get_untracked());
    session.name_tab(|t| t.wall_link);
    session.start(Auth::Wall { code: code.clone() }, None);
    let tablet_base = browser::tablet_base();
    let fragment = Route::Tablet { code: code.clone() }.fragment();
    let join_link = Memo::new(move |_| format!("{}/{fragment}", tablet_base.get()));
    let kind = Memo::new(move |_| {
        session
            .workshop
            .with(|w| w.as_ref().map(|w| w.current_step_config().kind()))
    });
    // A code no workshop has: only the refusal, with a way back, and no QR
    // code inviting tablets to a dead workshop.
    // A memo: the wall is rebuilt when it is refused, not at every change of
    // the connection (a reconnect must not flash the whole screen).
    let join = Memo::new(move |_| {
        session
            .workshop
            .with(|w| w.as_ref().map_or(JoinShown::Large, |w| w.join_shown()))
    });
    // The item in focus: its label and, for a group, its ideas.
    let focus = Memo::new(move |_| {
        session.workshop.with(|w| {
            let w = w.as_ref()?;
            let item = w.focus()?;
            let members: Vec<String> = w.member_texts(item).into_iter().map(String::from).collect();
            Some((item, w.item_label(item).to_owned(), members))
        })
    });
    let refused = Memo::new(move |_| match session.link.get() {
        Link::Refused(refusal) => Some(refusal),
        _ => None,
    });
    move || match refused.get() {
        Some(refusal) => {
            view! { <main class="wall refused-wall"><Refused lang=session.lang() refusal/></main> }
                .into_any()
        }
        None => {
            let code = code.clone();
            view! {
                <main class=move || match join.get() {
                    JoinShown::Large => "wall",
                    JoinShown::Small => "wall join-small",
                    JoinShown::Hidden => "wall join-hidden",
                }>
                    <div class="wall-main">
                        <header>
                            <h1>{move || session.workshop.with(|w| w.as_ref().map(|w| w.config().setup().title.clone()))}</h1>
                            <p class="question">{move || session.workshop.with(|w| w.as_ref().map(|w| w.config().setup().question.clone()))}</p>
                            // Each table's own question, side by side, when tables have them.
                            {move || session.workshop.with(|w| {
                                let questions: Vec<(String, String)> = w.as_ref()?.table_questions().into_iter()
                                    .map(|(_, name, q)| (name.to_owned(), q.to_owned())).collect();
                                (!questions.is_empty()).then(|| view! {
                                    <ul class="table-questions" aria-label=texts(session.lang()).table_questions>
                                        {questions.into_iter().map(|(name, q)| view! { <li><strong>{name}</strong> " " {q}</li> }).collect_view()}
                                    </ul>
                                })
                            })}
                            <StepHeader session/>
                        </header>
                        // The idea in focus takes the wall while it is discussed;
                        // the step's panel stays underneath, hidden, so that its
                        // bars keep their place when the focus is lifted.
                        {move || focus.get().map(|(item, label, members)| view! {
                            <section class="focus" data-item=item.to_string() aria-live="polite">
                                <p class="focus-label">{texts(session.lang()).in_focus}</p>
                                <p class="focus-text">{label}</p>
                                {(!members.is_empty()).then(|| view! {
                                    <ul class="cluster-ideas">{members.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                                })}
                            </section>
                        })}
                        <PagedPanel focused=Signal::derive(move || focus.with(Option::is_some))>
                            {move || match kind.get() {
                                Some(kind) => methods::wall_panel(kind, session),
                                None => view! { <p>{texts(session.lang()).loading}</p> }.into_any(),
                            }}
                        </PagedPanel>
                    </div>
                    <aside class="wall-side">
                        // Once joining is locked, no invitation to a shut door.
                        <Show when=move || join.get() != JoinShown::Hidden>
                            <Show when=move || join.get() == JoinShown::Large>
                                <p class="scan">{move || texts(session.lang()).scan_to_join}</p>
                            </Show>
                            {move || view! { <QrCode text=join_link.get() label=texts(lang.get_untracked()).scan_to_join.to_owned()/> }}
                            <p class="join-label">{move || texts(session.lang()).join_code_label}</p>
                            <p class="join-code" data-code=code.clone()>{code.clone()}</p>
                            <Show when=move || join.get() == JoinShown::Large>
                                <p class="join-url">{move || texts(session.lang()).or_go_to} " " {move || join_link.get()}</p>
                            </Show>
                        </Show>
                        <LinkIndicator session/>
                    </aside>
                </main>
            }
            .into_any()
        }
    }
}
