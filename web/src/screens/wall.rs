//! The wall screen, projected at the front of the room: the join code in large
//! type with a QR code, the ideas arriving live, then the live results.
//! Nothing to click: it follows the facilitator.

use leptos::prelude::*;
use ruche_shared::Lang;
use ruche_shared::protocol::Auth;

use crate::i18n::texts;
use crate::screens::Refused;
use crate::session::{Link, Session};
use crate::widgets::{LinkIndicator, QrCode, StepHeader};
use crate::{browser, methods};
use ruche_shared::api::route::Route;

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
                <main class="wall">
                    <div class="wall-main">
                        <header>
                            <h1>{move || session.workshop.with(|w| w.as_ref().map(|w| w.config().setup().title.clone()))}</h1>
                            <p class="question">{move || session.workshop.with(|w| w.as_ref().map(|w| w.config().setup().question.clone()))}</p>
                            <StepHeader session/>
                        </header>
                        {move || match kind.get() {
                            Some(kind) => methods::wall_panel(kind, session),
                            None => view! { <p>{texts(session.lang()).loading}</p> }.into_any(),
                        }}
                    </div>
                    <aside class="wall-side">
                        <p class="scan">{move || texts(session.lang()).scan_to_join}</p>
                        {move || view! { <QrCode text=join_link.get() label=texts(lang.get_untracked()).scan_to_join.to_owned()/> }}
                        <p class="join-label">{move || texts(session.lang()).join_code_label}</p>
                        <p class="join-code" data-code=code.clone()>{code.clone()}</p>
                        <p class="join-url">{move || texts(session.lang()).or_go_to} " " {move || join_link.get()}</p>
                        <LinkIndicator session/>
                    </aside>
                </main>
            }
            .into_any()
        }
    }
}
