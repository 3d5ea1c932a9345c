//! Grouping on the facilitator's console: the ideas, with checkboxes and
//! buttons to merge several into a group, rename or split a group, and hide
//! an off-topic idea (it works with a trackpad and a keyboard, no dragging).
//! During divergence the same list lets the facilitator type ideas in and hide one.
//! Each line says which table wrote it; the list is counted, and sorted by
//! arrival, by table or alphabetically.

use std::collections::BTreeSet;

use leptos::prelude::*;
use std::fmt::Write as _;

use ruche_shared::methods::{divergence, grouping, journey};
use ruche_shared::similar::sort_key;
use ruche_shared::workshop::Idea;
use ruche_shared::{ClusterId, Command, IdeaId, ItemRef};

use crate::i18n::texts;
use crate::session::Session;

/// How the facilitator's list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// As they came (ideas, then groups).
    Arrival,
    /// By the table that wrote them.
    Table,
    /// Alphabetically.
    Text,
    /// By the role of the seat that wrote them (« Regards croisés »).
    Role,
}

/// The ideas: add one, hide one, correct one; in grouping, select several
/// and merge them, rename or split a group. During a vote (`voting`) the
/// list stays to correct a typo (the correction is marked on every screen).
#[component]
pub fn IdeaList(session: Session, grouping: bool, #[prop(optional)] voting: bool) -> impl IntoView {
    let t = move || texts(session.lang());
    let selected = RwSignal::new(BTreeSet::<ItemRef>::new());
    let title = RwSignal::new(String::new());
    let draft = RwSignal::new(String::new());
    let order = RwSignal::new(Order::Arrival);
    let rows = move || {
        session.workshop.with(|w| {
            let Some(w) = w.as_ref() else {
                return Vec::new();
            };
            let facilitator = texts(session.lang()).by_facilitator;
            // Who wrote an item: its table, or each table of a group's ideas.
            let by = |item: ItemRef| {
                let ideas: Vec<_> = match item {
                    ItemRef::Idea(id) => w.idea(id).into_iter().collect(),
                    ItemRef::Cluster(id) => w.cluster(id).map_or_else(Vec::new, |c| {
                        c.ideas.iter().filter_map(|&i| w.idea(i)).collect()
                    }),
                };
                let mut names: Vec<String> = ideas
                    .iter()
                    .map(|idea| match idea.author.and_then(|t| w.table(t)) {
                        Some(table) => table.name.clone(),
                        None => facilitator.to_owned(),
                    })
                    .collect();
                names.sort_by_cached_key(|name| sort_key(name));
                names.dedup();
                let mut by = names.join(", ");
                // A journey's note: where it sits on the map.
                if let [
                    Idea {
                        journey: Some(place),
                        ..
                    },
                ] = ideas[..]
                {
                    let stage = w.stages(place.step).get(usize::from(place.stage));
                    let _ = write!(
                        by,
                        " · {}. {} · {}",
                        place.stage + 1,
                        stage.map_or("", |s| s.name.as_str()),
                        journey::texts::row_name(session.lang(), place.row)
                    );
                }
                // A coloured post-it: its category; the role of who wrote it.
                if let [idea] = ideas[..] {
                    let category = w.category_of(idea.category).map(|c| c.name.as_str());
                    for said in category.into_iter().chain(w.role_name(idea.role)) {
                        let _ = write!(by, " · {said}");
                    }
                }
                by
            };
            // Ideas waiting to be accepted (a moderated divergence) come first.
            let mut rows: Vec<Row> = w
                .all_ideas()
                .iter()
                .filter(|i| i.pending && !i.hidden && !i.deleted)
                .map(|i| Row {
                    item: ItemRef::Idea(i.id),
                    label: i.text.clone(),
                    by: by(ItemRef::Idea(i.id)),
                    hidden: false,
                    pending: true,
                    corrected: false,
                    members: Vec::new(),
                })
                .collect();
            // During a journey, its notes that are not opportunities too (the
            // facilitator hides one that must not be projected).
            let journey_now = !w.stages(w.current_step()).is_empty();
            let notes = w
                .all_ideas()
                .iter()
                .filter(|i| journey_now && i.is_live() && i.describes_journey())
                .map(|i| ItemRef::Idea(i.id));
            rows.extend(w.vote_items().chain(notes).map(|item| Row {
                item,
                label: w.item_label(item).to_owned(),
                by: by(item),
                hidden: false,
                pending: false,
                corrected: w.is_corrected(item),
                members: w.member_texts(item).into_iter().map(String::from).collect(),
            }));
            rows.extend(
                w.all_ideas()
                    .iter()
                    .filter(|i| i.hidden && !i.deleted)
                    .map(|i| Row {
                        item: ItemRef::Idea(i.id),
                        label: i.text.clone(),
                        by: by(ItemRef::Idea(i.id)),
                        hidden: true,
                        pending: false,
                        corrected: i.corrected,
                        members: Vec::new(),
                    }),
            );
            match order.get() {
                Order::Arrival => {}
                // (Stable sorts: the waiting ideas stay first.)
                Order::Table => rows.sort_by_cached_key(|row| (!row.pending, sort_key(&row.by))),
                Order::Text => rows.sort_by_cached_key(|row| (!row.pending, sort_key(&row.label))),
                Order::Role => rows.sort_by_cached_key(|row| {
                    let role = match row.item {
                        ItemRef::Idea(id) => w.idea(id).and_then(|i| i.role),
                        ItemRef::Cluster(_) => None,
                    };
                    (!row.pending, role.map_or(u8::MAX, |r| r))
                }),
            }
            rows
        })
    };
    // Counted as the room sees them: waiting and hidden ideas apart.
    let counts = move || {
        session.workshop.with(|w| {
            w.as_ref().map_or((0, 0, 0), |w| {
                let count = |f: fn(&ruche_shared::workshop::Idea) -> bool| {
                    w.all_ideas().iter().filter(|i| !i.deleted && f(i)).count()
                };
                (
                    w.vote_items().count(),
                    count(|i| i.pending && !i.hidden),
                    count(|i| i.hidden),
                )
            })
        })
    };
    // « Regards croisés »: the ideas may be sorted by the role that wrote them.
    let has_roles = session.workshop.with_untracked(|w| {
        w.as_ref()
            .is_some_and(|w| !w.config().setup().roles.is_empty())
    });
    // A journey's notes are added on the tablets: no idea form then.
    let journey_now = move || {
        session.workshop.with_untracked(|w| {
            w.as_ref()
                .is_some_and(|w| !w.stages(w.current_step()).is_empty())
        })
    };
    let merge = move || {
        let items: Vec<ItemRef> = selected.get_untracked().into_iter().collect();
        let title_text = title.get_untracked().trim().to_owned();
        let named = (!title_text.is_empty()).then_some(title_text);
        if session.send(Command::MergeItems(grouping::MergeItems {
            items,
            title: named,
        })) {
            // The next group starts afresh: neither its ideas nor its title
            // are the last one's.
            selected.set(BTreeSet::new());
            title.set(String::new());
        }
    };
    view! {
        <section class="card">
            <h2 data-count=move || counts().0>
                {move || if grouping && !voting { t().grouping } else { t().ideas_heading }}
                {move || {
                    let (shown, waiting, hidden) = counts();
                    let mut parts = vec![shown.to_string()];
                    if waiting > 0 {
                        parts.push(format!("{waiting} {}", t().awaiting));
                    }
                    if hidden > 0 {
                        parts.push(format!("{hidden} {}", t().hidden_count));
                    }
                    format!(" ({})", parts.join(" · "))
                }}
            </h2>
            <div class="row list-order">
                <label for="idea-order">{move || t().sort_by}</label>
                <select id="idea-order" on:change=move |ev| order.set(match event_target_value(&ev).as_str() {
                    "table" => Order::Table,
                    "text" => Order::Text,
                    "role" => Order::Role,
                    _ => Order::Arrival,
                })>
                    <option value="arrival">{move || t().sort_arrival}</option>
                    <option value="table">{move || t().sort_table}</option>
                    <option value="text">{move || t().sort_text}</option>
                    {has_roles.then(|| view! { <option value="role">{move || t().sort_role}</option> })}
                </select>
            </div>
            {(!grouping && !voting && !journey_now()).then(|| view! {
                <form class="row" on:submit=move |ev| {
                    ev.prevent_default();
                    let text = draft.get_untracked().trim().to_owned();
                    if !text.is_empty() && session.send(Command::SubmitIdea(divergence::SubmitIdea { text, category: None, seat: None })) {
                        draft.set(String::new());
                    }
                }>
                    <label class="sr-only" for="facilitator-idea">{move || t().add_idea}</label>
                    <input id="facilitator-idea" placeholder=move || t().add_idea prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))/>
                    <button type="submit">{move || t().add_idea}</button>
                </form>
            })}
            // During a vote the points move with the ideas: said before a merge.
            {voting.then(|| view! { <p class="muted regroup-rule">{t().regroup_during_vote}</p> })}
            {grouping.then(|| view! {
                <form class="row merge" on:submit=move |ev| { ev.prevent_default(); merge(); }>
                    <label class="sr-only" for="cluster-title">{move || t().cluster_title}</label>
                    <input id="cluster-title" placeholder=move || t().cluster_title prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/>
                    <button id="merge" type="submit" class="primary" disabled=move || !session.allows(&Command::MergeItems(grouping::MergeItems { items: selected.get().into_iter().collect(), title: None }))>
                        {move || format!("{} ({})", t().merge_selected, selected.with(BTreeSet::len))}
                    </button>
                </form>
            })}
            <ul class="ideas facilitator-ideas">
                <For each=rows key=|row| row.clone() let(row)>
                    <ItemRow session row grouping selected/>
                </For>
            </ul>
        </section>
    }
}

/// One line of the facilitator's idea list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Row {
    item: ItemRef,
    label: String,
    /// The table(s) that wrote it.
    by: String,
    hidden: bool,
    /// Waiting to be accepted (a moderated divergence).
    pending: bool,
    /// Its text corrected by the facilitator.
    corrected: bool,
    members: Vec<String>,
}

#[component]
fn ItemRow(
    session: Session,
    row: Row,
    grouping: bool,
    selected: RwSignal<BTreeSet<ItemRef>>,
) -> impl IntoView {
    let t = texts(session.lang());
    let item = row.item;
    let checkbox_id = format!("select-{item}");
    let row_text = row.label.clone();
    let rename = RwSignal::new(row.label.clone());
    let select = (grouping && !row.hidden && !row.pending).then(|| {
        view! {
            <input type="checkbox" id=checkbox_id.clone()
                prop:checked=move || selected.with(|s| s.contains(&item))
                on:change=move |_| selected.update(|s| if !s.remove(&item) { s.insert(item); })/>
        }
    });
    let correcting = RwSignal::new(false);
    let actions = match item {
        ItemRef::Idea(idea) => {
            let hidden = row.hidden;
            // A waiting idea is accepted, or refused by hiding it.
            let accept = row.pending.then(|| view! {
                <button class="primary accept" on:click=move |_| { session.send(Command::AcceptIdea(divergence::AcceptIdea { idea })); }>
                    {t.accept}
                </button>
            });
            view! {
                {accept}
                <button class="quiet correct" on:click=move |_| correcting.update(|c| *c = !*c)>{t.correct}</button>
                <button class="quiet" on:click=move |_| { session.send(Command::SetIdeaHidden(grouping::SetIdeaHidden { idea, hidden: !hidden })); }>
                    {if hidden { t.show } else { t.hide }}
                </button>
            }
            .into_any()
        }
        ItemRef::Cluster(cluster) => view! { <ClusterActions session cluster rename/> }.into_any(),
    };
    view! {
        <li class="idea" class:hidden=row.hidden class:pending=row.pending class:cluster=!row.members.is_empty() data-item=item.to_string()>
            {select}
            <label for=checkbox_id class="idea-text">
                {row.label.clone()}
                {row.hidden.then(|| view! { <span class="badge">{t.hidden}</span> })}
                {row.pending.then(|| view! { <span class="badge pending-badge">{t.awaiting}</span> })}
                {row.corrected.then(|| view! { <span class="corrected-mark">{t.corrected}</span> })}
            </label>
            <span class="idea-author">{row.by.clone()}</span>
            <span class="idea-actions">{actions}</span>
            {move || match (correcting.get(), item) {
                (true, ItemRef::Idea(idea)) => Some(view! { <Correction session idea text=row_text.clone() done=correcting/> }),
                _ => None,
            }}
            {(!row.members.is_empty()).then(|| view! {
                <ul class="cluster-ideas">{row.members.iter().map(|m| view! { <li>{m.clone()}</li> }).collect_view()}</ul>
            })}
        </li>
    }
}

/// The facilitator rewrites an idea's text (a typo): at any step, and marked
/// « modifiée par l'animateur » when it is a table's.
#[component]
fn Correction(session: Session, idea: IdeaId, text: String, done: RwSignal<bool>) -> impl IntoView {
    let t = texts(session.lang());
    let draft = RwSignal::new(text);
    let field = format!("correct-i{}", idea.0);
    view! {
        <form class="inline-form correction" on:submit=move |ev| {
            ev.prevent_default();
            let text = draft.get_untracked().trim().to_owned();
            if session.send(Command::EditIdea(divergence::EditIdea { idea, text })) {
                done.set(false);
            }
        }>
            <label class="sr-only" for=field.clone()>{t.correct}</label>
            <input id=field prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))/>
            <button type="submit" class="primary">{t.save}</button>
        </form>
    }
}

#[component]
fn ClusterActions(session: Session, cluster: ClusterId, rename: RwSignal<String>) -> impl IntoView {
    let t = texts(session.lang());
    let input_id = format!("rename-c{}", cluster.0);
    view! {
        <form class="inline-form" on:submit=move |ev| {
            ev.prevent_default();
            session.send(Command::RenameCluster(grouping::RenameCluster { cluster, title: rename.get_untracked().trim().to_owned() }));
        }>
            <label class="sr-only" for=input_id.clone()>{t.cluster_title}</label>
            <input id=input_id prop:value=move || rename.get() on:input=move |ev| rename.set(event_target_value(&ev))/>
            <button type="submit">{t.rename}</button>
        </form>
        <button on:click=move |_| { session.send(Command::SplitCluster(grouping::SplitCluster { cluster })); }>{t.split}</button>
    }
}
