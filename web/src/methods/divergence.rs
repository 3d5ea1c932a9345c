//! Divergence on the tablet: writing ideas, with a hint when one like it was
//! already submitted, and the table's own ideas to edit or withdraw; on the
//! wall, the ideas arriving live as cards (grouped once the facilitator merges them).

use leptos::prelude::*;
use ruche_shared::methods::divergence;
use ruche_shared::workshop::Idea;
use ruche_shared::{Command, IdeaId, TableId, Workshop};

use crate::i18n::texts;
use crate::session::Session;

/// Writing ideas, with a hint when one like it was already submitted.
#[component]
pub fn Divergence(session: Session, table: TableId) -> impl IntoView {
    let t = texts(session.lang());
    let draft = RwSignal::new(String::new());
    let limit = session
        .workshop
        .with_untracked(|w| w.as_ref().map(|w| w.idea_char_limit()))
        .unwrap_or(divergence::DEFAULT_MAX_IDEA_CHARS);
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
                        // The table's own ideas, waiting ones included (marked);
                        // the others' once the room may see them.
                        .filter(|i| !i.deleted && !i.hidden && (i.author == Some(table)) == own)
                        .filter(|i| own || !i.pending)
                        .map(|i| (i.id, i.text.clone(), i.pending, tag(w, i)))
                        .rev()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    // The step's categories (coloured post-its), and the one chosen: the
    // first until the table picks another.
    let categories = session.workshop.with_untracked(|w| {
        w.as_ref()
            .map(|w| w.categories(w.current_step()).to_vec())
            .unwrap_or_default()
    });
    let chosen = RwSignal::new(0_u8);
    let has_categories = !categories.is_empty();
    // Who writes (« Regards croisés »: the idea carries that seat's role).
    let writer = RwSignal::new(1_u8);
    let has_roles = session.workshop.with_untracked(|w| {
        w.as_ref()
            .is_some_and(|w| !w.config().setup().roles.is_empty())
    });
    let submit = move || {
        let text = draft.get_untracked().trim().to_owned();
        let category = has_categories.then(|| chosen.get_untracked());
        if !text.is_empty()
            && session.send(Command::SubmitIdea(divergence::SubmitIdea {
                text,
                category,
                seat: has_roles.then(|| writer.get_untracked()),
            }))
        {
            draft.set(String::new());
        }
    };
    let picker = has_categories.then(|| {
        let lang = session.lang();
        view! {
            <fieldset class="category-picker">
                <legend>{ruche_shared::methods::categories::texts::choose(lang)}</legend>
                {categories.into_iter().enumerate().map(|(n, category)| {
                    let c = n as u8;
                    view! {
                        <button type="button" class="category" data-category=n data-colour=category.colour.key()
                            aria-pressed=move || (chosen.get() == c).to_string()
                            on:click=move |_| chosen.set(c)>
                            <strong>{category.name}</strong>
                            {(!category.question.is_empty()).then(|| view! { <span>{category.question}</span> })}
                        </button>
                    }
                }).collect_view()}
            </fieldset>
        }
    });
    view! {
        <super::spider_web::CurrentCircle session/>
        {has_roles.then(|| view! { <SeatRoles session table writer/> })}
        <section class="card">
            <form class="idea-form" on:submit=move |ev| { ev.prevent_default(); submit(); }>
                {picker}
                <label for="idea-text">{t.your_idea}</label>
                <textarea id="idea-text" rows="3" maxlength=limit disabled=move || !open()
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
                <For each=move || ideas(true) key=|idea| idea.clone() let((id, text, pending, tag))>
                    <OwnIdea session id text pending tag/>
                </For>
            </ul>
        </section>
        <section class="card">
            <h2>{t.other_ideas}</h2>
            <ul class="ideas others" aria-live="polite">
                <For each=move || ideas(false) key=|idea| idea.clone() let((id, text, _pending, tag))>
                    <li class="idea" data-idea=id.0 data-colour=tag.as_ref().and_then(|t| t.0)>{tag_view(&tag)}{text}</li>
                </For>
            </ul>
        </section>
    }
}

/// « Qui écrit ? »: each seat with its role card, and the seat writing now.
#[component]
fn SeatRoles(session: Session, table: TableId, writer: RwSignal<u8>) -> impl IntoView {
    use ruche_shared::methods::roles::{ChooseRole, texts};
    let lang = session.lang();
    let (seats, roles) = session.workshop.with_untracked(|w| {
        w.as_ref().map_or((0, Vec::new()), |w| {
            (w.config().seats(), w.config().setup().roles.clone())
        })
    });
    view! {
        <section class="card seat-roles" aria-labelledby="seat-roles-heading">
            <h2 id="seat-roles-heading">{texts::who_writes(lang)}</h2>
            {(1..=seats).map(|seat| {
                let held = move || session.workshop.with(|w| w.as_ref().and_then(|w| w.seat_role(table, seat)));
                let select = format!("seat-{seat}-role");
                view! {
                    <div class="seat-role" data-seat=seat>
                        <button type="button" class="writer" aria-pressed=move || (writer.get() == seat).to_string()
                            on:click=move |_| writer.set(seat)>{texts::seat(lang, seat)}</button>
                        <label class="sr-only" for=select.clone()>{texts::seat(lang, seat)}</label>
                        <select id=select on:change=move |ev| {
                            let role = event_target_value(&ev).parse::<u8>().ok();
                            session.send(Command::ChooseRole(ChooseRole { table: None, seat, role }));
                        }>
                            <option value="" selected=move || held().is_none()>{texts::no_role(lang)}</option>
                            {roles.iter().enumerate().map(|(r, name)| {
                                let r = r as u8;
                                view! { <option value=r selected=move || held() == Some(r)>{name.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                }
            }).collect_view()}
        </section>
    }
}

/// One of the table's ideas: edit it or withdraw it while divergence is open.
#[component]
fn OwnIdea(session: Session, id: IdeaId, text: String, pending: bool, tag: Tag) -> impl IntoView {
    let t = texts(session.lang());
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(text.clone());
    view! {
        <li class="idea own" class:pending=pending data-idea=id.0 data-colour=tag.as_ref().and_then(|t| t.0)>
            {tag_view(&tag)}
            {move || if editing.get() {
                view! {
                    <form class="edit" on:submit=move |ev| {
                        ev.prevent_default();
                        let text = draft.get_untracked().trim().to_owned();
                        if session.send(Command::EditIdea(divergence::EditIdea { idea: id, text })) {
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
                    <span class="idea-text">{text}
                        {pending.then(|| view! { <span class="badge pending-badge">{t.waiting_for_approval}</span> })}
                    </span>
                    <span class="idea-actions">
                        <button on:click=move |_| editing.set(true)>{t.edit}</button>
                        <button class="danger" on:click=move |_| {
                            // A tap too many must not lose an idea.
                            if window().confirm_with_message(t.confirm_delete).unwrap_or(true) {
                                session.send(Command::DeleteIdea(divergence::DeleteIdea { idea: id }));
                            }
                        }>{t.delete}</button>
                    </span>
                }.into_any()
            }}
        </li>
    }
}

/// An idea's category and role, as its colour's key (a coloured post-it)
/// and the words on its label (« Besoins · agent »: the name says the
/// category too, for whoever does not see the colour).
pub(crate) type Tag = Option<(Option<&'static str>, String)>;

/// The category and role of `idea` as a [`Tag`] (none without either).
pub(crate) fn tag(w: &Workshop, idea: &Idea) -> Tag {
    let category = w.category_of(idea.category);
    let words: Vec<&str> = category
        .map(|c| c.name.as_str())
        .into_iter()
        .chain(w.role_name(idea.role))
        .collect();
    (!words.is_empty()).then(|| (category.map(|c| c.colour.key()), words.join(" · ")))
}

/// An idea's category as a small label before its text.
pub(crate) fn tag_view(tag: &Tag) -> impl IntoView + use<> {
    tag.as_ref()
        .map(|(_, name)| view! { <span class="category-tag">{name.clone()}</span> })
}

/// The ideas as cards, newest first; during grouping, clusters gather theirs.
#[component]
pub fn IdeaWall(session: Session) -> impl IntoView {
    let cards = move || {
        session.workshop.with(|w| {
            let Some(w) = w.as_ref() else {
                return Vec::new();
            };
            let mut cards: Vec<(String, String, Vec<String>, bool, Tag)> = w
                .vote_items()
                .map(|item| {
                    let ideas = w.member_texts(item).into_iter().map(String::from).collect();
                    let tag = match item {
                        ruche_shared::ItemRef::Idea(id) => w.idea(id).and_then(|i| tag(w, i)),
                        ruche_shared::ItemRef::Cluster(_) => None,
                    };
                    (
                        item.to_string(),
                        w.item_label(item).to_owned(),
                        ideas,
                        w.is_corrected(item),
                        tag,
                    )
                })
                .collect();
            cards.reverse();
            cards
        })
    };
    view! {
        <ul class="idea-wall" aria-live="polite">
            <For each=cards key=|card| card.clone() children=move |(item, label, ideas, corrected, tag)| {
                let cluster = !ideas.is_empty();
                view! {
                    <li class="idea-card" class:cluster=cluster data-item=item data-colour=tag.as_ref().and_then(|t| t.0)>
                        {tag_view(&tag)}
                        <span>{label}</span>
                        {corrected.then(|| view! { <span class="corrected-mark">{texts(session.lang()).corrected}</span> })}
                        {cluster.then(|| view! {
                            <ul class="cluster-ideas">{ideas.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul>
                        })}
                    </li>
                }
            }/>
        </ul>
    }
}
