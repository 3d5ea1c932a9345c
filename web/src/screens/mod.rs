//! The screens: the landing page, the tablet, the facilitator's console and
//! the wall, plus what they share.

#[cfg(feature = "console")]
pub mod facilitator;
#[cfg(feature = "console")]
pub mod handover;
pub mod landing;
#[cfg(feature = "console")]
pub mod personas;
pub mod results;
#[cfg(feature = "console")]
pub mod synthesis_notes;
#[cfg(feature = "room")]
pub mod tablet;
#[cfg(feature = "wall")]
pub mod wall;
#[cfg(feature = "console")]
pub mod wall_controls;

use leptos::prelude::*;
use ruche_shared::Lang;

use crate::i18n::texts;
use crate::session::Refusal;

/// A connection the server refused for good, with a way back to the start page.
#[component]
pub fn Refused(lang: Lang, refusal: Refusal) -> impl IntoView {
    let t = texts(lang);
    let message = match refusal {
        Refusal::UnknownWorkshop | Refusal::TableForgotten => t.unknown_code.to_owned(),
        Refusal::BadSecret => t.bad_secret.to_owned(),
        Refusal::JoinRefused(why) => why,
        Refusal::HandoverRefused => t.handover_refused.to_owned(),
        Refusal::TakenOver => t.taken_over.to_owned(),
    };
    view! {
        <section class="card refused">
            <p class="notice" role="alert">{message}</p>
            <a class="button" href="#/">{t.back_home}</a>
        </section>
    }
}
