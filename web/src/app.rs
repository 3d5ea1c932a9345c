//! The app: reads the address's fragment and shows the screen it names,
//! following the fragment as it changes.

use leptos::prelude::*;
use ruche_shared::Lang;

use crate::browser;
use ruche_shared::api::route::{Bundle, Route};

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let route = RwSignal::new(Route::parse(&browser::fragment()));
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        let next = Route::parse(&browser::fragment());
        // The facilitator screen rewrites its own address to drop the secret:
        // that is the same screen, not a new one. But a link pasted into the
        // address bar, secret included, is news (the screen may be asking
        // for that very secret).
        let same_screen = matches!(
            (&next, &route.get_untracked()),
            (Route::Facilitator { workshop: a, secret: None }, Route::Facilitator { workshop: b, .. }) if a == b
        );
        if !same_screen {
            route.set(next);
        }
    });
    on_cleanup(move || handle.remove());
    // Before a workshop says its language: French (Ruche's users mostly read
    // it), or the choice this browser made on the landing page.
    let lang = RwSignal::new(match browser::load(LANG_KEY).as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Fr,
    });
    Effect::new(move |_| {
        let code = match lang.get() {
            Lang::Fr => "fr",
            Lang::En => "en",
        };
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", code);
        }
        browser::save(LANG_KEY, code);
    });
    move || {
        let route = route.get();
        if !BUNDLES.contains(&route.bundle()) {
            // The other bundle draws it: the page loads again with it.
            browser::switch_bundle(route.bundle().name());
            return ().into_any();
        }
        screen(route, lang)
    }
}

/// The bundles this build holds.
const BUNDLES: &[Bundle] = &[
    #[cfg(feature = "room")]
    Bundle::Room,
    #[cfg(feature = "wall")]
    Bundle::Wall,
    #[cfg(feature = "console")]
    Bundle::Console,
    #[cfg(feature = "designer")]
    Bundle::Designer,
];

/// The screen of `route` (one of this build's bundles).
fn screen(route: Route, lang: RwSignal<Lang>) -> AnyView {
    match route {
        #[cfg(feature = "room")]
        Route::Landing => view! { <crate::screens::landing::Landing lang/> }.into_any(),
        #[cfg(feature = "room")]
        Route::Tablet { code } => {
            view! { <crate::screens::tablet::TabletScreen code lang/> }.into_any()
        }
        #[cfg(feature = "room")]
        Route::TakeOver { code, handover } => {
            view! { <crate::screens::tablet::TabletScreen code lang handover/> }.into_any()
        }
        #[cfg(feature = "wall")]
        Route::Wall { code } => view! { <crate::screens::wall::WallScreen code lang/> }.into_any(),
        #[cfg(feature = "designer")]
        Route::Create => view! { <crate::designer::Create lang/> }.into_any(),
        #[cfg(feature = "console")]
        Route::Facilitator { workshop, secret } => {
            view! { <crate::screens::facilitator::FacilitatorScreen workshop secret lang/> }
                .into_any()
        }
        #[allow(unreachable_patterns)]
        _ => ().into_any(),
    }
}

/// Where the landing page's language choice is kept.
const LANG_KEY: &str = "ruche.lang";
