//! # ruche-web: the screens of a Ruche workshop, in the browser
//!
//! A Leptos app (client-side rendering) compiled to `wasm32-unknown-unknown`
//! and served by `ruche-server`, in three bundles (`Route::bundle`): the
//! room's (join, tablet, wall), the console's and the designer's (creating a
//! workshop), so that a tablet downloads only what it draws. One app, chosen
//! by the address (`ruche_shared::api::route`, shared with the server's
//! printed links): the landing page, the tablet a table shares, the
//! creation page and its step designer, the facilitator's console, and the
//! projected wall. It links `ruche-shared`, so the rules that
//! refuse a command on the server refuse it on the tablet first, instantly.
//!
//! ## Layout
//! - [`app`]: the router.
//! - [`session`]: the WebSocket, the local copy of the workshop, reconnection
//!   and the outbox of commands waiting for an answer.
//! - [`screens`]: landing, tablet, facilitator, wall.
//! - [`designer`]: the creation page and its step designer.
//! - [`methods`]: each method's panels, one file per method; the screens
//!   hand the current step to them.
//! - [`widgets`]: connection indicator, step header and countdown, histogram,
//!   score distributions, QR code.
//! - [`i18n`]: every sentence, in French (default) and English.
//! - [`browser`]: local storage, clock, HTTP.

// A bundle built with one feature leaves the others' screens out; what only
// they use is then unused there (and dropped from the module by the linker).
#![cfg_attr(
    not(all(
        feature = "room",
        feature = "wall",
        feature = "console",
        feature = "designer"
    )),
    allow(dead_code, unused_imports)
)]

pub mod app;
pub mod browser;
#[cfg(feature = "designer")]
pub mod designer;
pub mod i18n;
pub mod methods;
pub mod screens;
pub mod session;
pub mod widgets;

/// Mounts the app on the page: the WASM module's entry point.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    leptos::mount::mount_to_body(app::App);
}
