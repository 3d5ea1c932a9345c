//! The console's card for the wall: how large the join code and QR code are
//! (automatic, large, small), and one idea or group put in focus, shown large
//! on the wall while the room discusses it. Both go through the engine
//! (`set_wall`), so every wall of the workshop follows.

use leptos::prelude::*;
use ruche_shared::wall::{JoinPanel, SetWall};
use ruche_shared::{Command, ItemRef};

use crate::i18n::texts;
use crate::session::Session;

/// The join panel's size and the item in focus.
#[component]
pub fn WallControls(session: Session) -> impl IntoView {
    let t = move || texts(session.lang());
    let wall = Memo::new(move |_| {
        session
            .workshop
            .with(|w| w.as_ref().map(|w| (w.wall().join_panel, w.focus())))
            .unwrap_or_default()
    });
    let items = move || {
        session.workshop.with(|w| {
            w.as_ref()
                .map(|w| {
                    w.vote_items()
                        .map(|item| (item, w.item_label(item).to_owned()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let send = move |join_panel: JoinPanel, focus: Option<ItemRef>| {
        session.send(Command::SetWall(SetWall { join_panel, focus }));
    };
    let panel_code = |panel: JoinPanel| match panel {
        JoinPanel::Auto => "auto",
        JoinPanel::Large => "large",
        JoinPanel::Small => "small",
    };
    view! {
        <section class="card wall-controls">
            <h2>{move || t().wall_heading}</h2>
            <div class="row">
                <label for="join-panel">{move || t().join_panel}</label>
                <select id="join-panel" prop:value=move || panel_code(wall.get().0) on:change=move |ev| {
                    let panel = match event_target_value(&ev).as_str() {
                        "large" => JoinPanel::Large,
                        "small" => JoinPanel::Small,
                        _ => JoinPanel::Auto,
                    };
                    send(panel, wall.get_untracked().1);
                }>
                    <option value="auto" selected=move || wall.get().0 == JoinPanel::Auto>{move || t().join_panel_auto}</option>
                    <option value="large" selected=move || wall.get().0 == JoinPanel::Large>{move || t().join_panel_large}</option>
                    <option value="small" selected=move || wall.get().0 == JoinPanel::Small>{move || t().join_panel_small}</option>
                </select>
                <p class="muted hint">{move || t().join_panel_hint}</p>
            </div>
            <div class="row">
                <label for="focus">{move || t().focus_label}</label>
                <select id="focus" prop:value=move || wall.get().1.map(|i| i.to_string()).unwrap_or_default()
                    on:change=move |ev| {
                        let focus = event_target_value(&ev).parse::<ItemRef>().ok();
                        send(wall.get_untracked().0, focus);
                    }>
                    <option value="" selected=move || wall.get().1.is_none()>{move || t().focus_none}</option>
                    // `selected` on each option: the list is redrawn as ideas
                    // come, and must not fall back to the first one.
                    {move || items().into_iter().map(|(item, label)| view! {
                        <option value=item.to_string() selected=move || wall.get().1 == Some(item)>{label}</option>
                    }).collect_view()}
                </select>
                {move || wall.get().1.map(|_| view! {
                    <button id="clear-focus" class="quiet" on:click=move |_| send(wall.get_untracked().0, None)>
                        {t().focus_clear}
                    </button>
                })}
            </div>
        </section>
    }
}
