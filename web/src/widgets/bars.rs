//! The live bar chart of a vote, by points or by dots: each item's rank
//! (ties share one, marked), its text, a bar that grows, its count and its
//! share; what was counted on a paper board hatched after the tablets' and
//! said under the text. One chart for both votes: the budget vote's and
//! the dot vote's differ only in their numbers.

use leptos::prelude::*;
use ruche_shared::{ItemRef, Lang, Workshop};

use crate::i18n::texts;

/// One bar: the item, its count (tablets and paper), and of it, paper's.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Bar {
    pub item: ItemRef,
    pub count: u32,
    pub paper: u32,
}

/// Which vote: the count's attribute (`data-points` or `data-dots`, what
/// tests and screen readers follow) and its unit.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Points,
    Dots,
}

/// The chart of `bars`, most first as given.
#[component]
pub fn Bars(
    bars: Memo<Vec<Bar>>,
    counted: Counted,
    workshop: ReadSignal<Option<Workshop>>,
    lang: Lang,
) -> impl IntoView {
    let t = texts(lang);
    let bar = move |item: ItemRef| {
        bars.with(|bars| bars.iter().find(|b| b.item == item).copied())
            .unwrap_or(Bar {
                item,
                count: 0,
                paper: 0,
            })
    };
    let most = move || bars.with(|b| b.iter().map(|b| b.count).max().unwrap_or(0).max(1));
    let total = move || bars.with(|b| b.iter().map(|b| b.count).sum::<u32>());
    let order = move || bars.with(|b| b.iter().map(|b| b.item).collect::<Vec<_>>());
    let rank = move |item: ItemRef| {
        let count = bar(item).count;
        bars.with(|b| ruche_shared::stats::rank_among(b.iter().map(|b| b.count), count))
    };
    let width = move |count: u32| format!("{:.1}%", f64::from(count) * 100.0 / f64::from(most()));
    let unit = match counted {
        Counted::Points => t.points,
        Counted::Dots => t.dots,
    };
    view! {
        <ol class="bars">
            <For each=order key=|item| *item let(item)>
                <li class="bar" data-item=item.to_string()
                    data-points=move || (counted == Counted::Points).then(|| bar(item).count)
                    data-dots=move || (counted == Counted::Dots).then(|| bar(item).count)>
                    <span class="bar-rank" class:tie=move || rank(item).1>{move || rank(item).0}</span>
                    <span class="bar-label">
                        {move || workshop.with(|w| w.as_ref().map(|w| w.item_label(item).to_owned()))}
                        {move || workshop.with(|w| w.as_ref().is_some_and(|w| w.is_corrected(item))).then(|| view! {
                            <span class="corrected-mark">{t.corrected}</span>
                        })}
                        {move || (bar(item).paper > 0).then(|| view! {
                            <span class="paper-note">{format!("{} {} {}", t.of_which, bar(item).paper, t.on_paper)}</span>
                        })}
                    </span>
                    <span class="bar-track">
                        <span class="bar-fill" style:width=move || width(bar(item).count - bar(item).paper)></span>
                        <span class="bar-paper" style:width=move || width(bar(item).paper)></span>
                    </span>
                    <span class="bar-value" data-paper=move || bar(item).paper
                        aria-label=move || format!("{} {unit}", bar(item).count)>{move || bar(item).count}</span>
                    <span class="bar-share">{move || format!("{} %", ruche_shared::stats::percent(bar(item).count, total()))}</span>
                </li>
            </For>
        </ol>
    }
}
