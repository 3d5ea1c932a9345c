//! Pieces every screen uses: the connection indicator, the step header with its
//! countdown, the notice banner, the vote histogram, the score distributions,
//! and the QR code.

pub mod bars;
pub mod markup;

use std::time::Duration;

use leptos::prelude::*;

use crate::browser;
use crate::i18n::{self, texts};
use crate::session::{Link, Session};

/// A dot and a word: online, connecting, or offline and retrying.
#[component]
pub fn LinkIndicator(session: Session) -> impl IntoView {
    let label = move || {
        let t = texts(session.lang());
        match session.link.get() {
            Link::Online => (t.online, "online"),
            Link::Offline => (t.offline, "offline"),
            _ => (t.connecting, "connecting"),
        }
    };
    view! {
        <div class="link" role="status" data-link=move || label().1>
            <span class=move || format!("dot {}", label().1) aria-hidden="true"></span>
            {move || label().0}
        </div>
    }
}

/// The last refusal or problem, until the next command.
#[component]
pub fn NoticeBanner(session: Session) -> impl IntoView {
    move || {
        session.notice.get().map(|text| {
            view! {
                <div class="notice" role="alert">
                    <span>{text}</span>
                    <button class="quiet" on:click=move |_| session.dismiss_notice()>"×"</button>
                </div>
            }
        })
    }
}

/// The current step's name, whether it is open, and its countdown. The
/// facilitator reads the method's name (« Divergence »); tablets and the wall
/// read what to do (« Proposez vos idées »).
#[component]
pub fn StepHeader(session: Session, #[prop(optional)] facilitator: bool) -> impl IntoView {
    let now = RwSignal::new(browser::now_ms());
    let tick = set_interval_with_handle(
        move || now.set(browser::now_ms()),
        Duration::from_millis(500),
    );
    on_cleanup(move || {
        if let Ok(handle) = tick {
            handle.clear();
        }
    });
    move || {
        session.workshop.with(|w| {
            let w = w.as_ref()?;
            let lang = w.config().setup().lang;
            let t = texts(lang);
            let kind = w.current_step_config().kind();
            let number = w.current_step() + 1;
            let count = w.config().steps().len();
            let state = if w.is_step_open() { t.step_open } else { t.step_closed };
            let deadline = w.deadline_ms().filter(|_| w.is_step_open());
            Some(view! {
                <div class="step-header">
                    <span class="step-name" data-step-kind=format!("{kind:?}")>
                        {format!("{} {number}/{count} · {}", t.step, if facilitator { i18n::step_title(kind, lang) } else { kind.task(lang).to_owned() })}
                    </span>
                    // Open or closed means something only where tables act.
                    {(facilitator || kind.takes_input()).then(|| view! {
                        <span class=if w.is_step_open() { "badge open" } else { "badge closed" }>{state}</span>
                    })}
                    // At 0:00, every screen says the time is up (the step
                    // stays open until the facilitator closes it).
                    {deadline.map(|deadline| {
                        let left = move || deadline.saturating_sub(now.get()) / 1000;
                        view! {
                            <span class="countdown" class:over=move || left() == 0>
                                {move || if left() == 0 { t.time_up.to_owned() } else { format!("{} {}", t.time_left, i18n::clock(left())) }}
                            </span>
                        }
                    })}
                </div>
            })
        })
    }
}

/// A QR code of `text`, drawn as one SVG path (crisp on a projector at any size).
#[component]
pub fn QrCode(text: String, label: String) -> impl IntoView {
    let (size, path) = qr_path(&text).unwrap_or_default();
    // A quiet zone of 2 modules around the code, as scanners need.
    let view_box = format!("-2 -2 {} {}", size + 4, size + 4);
    view! {
        <svg class="qr" role="img" aria-label=label viewBox=view_box>
            <rect x="-2" y="-2" width="100%" height="100%" fill="#fff"></rect>
            <path d=path fill="#000"></path>
        </svg>
    }
}

/// The size of the code in modules and its dark modules as SVG path commands.
pub fn qr_path(text: &str) -> Option<(i32, String)> {
    let code = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium).ok()?;
    let size = code.size();
    let mut d = String::new();
    for y in 0..size {
        for x in 0..size {
            if code.get_module(x, y) {
                d.push_str(&format!("M{x} {y}h1v1h-1z"));
            }
        }
    }
    Some((size, d))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_join_link_makes_a_qr_code() {
        let (size, path) = super::qr_path("http://192.168.1.10:8080/#/join/123456").unwrap();
        assert!(size >= 21, "a QR code is at least 21 modules wide");
        assert!(path.matches('M').count() > 100);
    }
}
