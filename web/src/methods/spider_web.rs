//! The spider web (« toile d'araignée »): the facilitator's circle buttons,
//! the tablets' current constraint, and the wall's web (the question at the
//! centre, each circle a ring with its constraint and its ideas). Ideas are
//! written with divergence's panel; this file only adds the circles.

use std::f64::consts::PI;

use leptos::prelude::*;
use ruche_shared::methods::spider_web::{self, Ring, texts};
use ruche_shared::{Command, Lang};

use crate::session::Session;
use crate::widgets::markup::escape;

/// The circles of the current step: (open circle, each circle's constraint);
/// `None` when the step is no web.
fn current_web(session: Session) -> Option<(u8, Vec<String>)> {
    session.workshop.with(|w| {
        let w = w.as_ref()?;
        let step = w.current_step();
        let open = w.current_circle(step)?;
        let constraints = w
            .circles(step)
            .iter()
            .map(|c| c.constraint.clone())
            .collect();
        Some((open, constraints))
    })
}

/// The facilitator's circle buttons, above the ideas.
#[component]
pub fn CircleControls(session: Session) -> impl IntoView {
    move || {
        let (open, constraints) = current_web(session)?;
        let lang = session.lang();
        let count = constraints.len();
        Some(view! {
            <section class="card circles" aria-labelledby="circles-heading">
                <h2 id="circles-heading">{crate::i18n::texts(lang).spider_web}</h2>
                <div class="circle-buttons" role="group" aria-labelledby="circles-heading">
                    {constraints.into_iter().enumerate().map(|(n, constraint)| {
                        let circle = n as u8;
                        view! {
                            <button class="circle-button" data-circle=n
                                aria-pressed=(circle == open).to_string()
                                on:click=move |_| {
                                    session.send(Command::OpenCircle(spider_web::OpenCircle { circle }));
                                }>
                                <strong>{texts::circle_of(lang, circle, count)}</strong>
                                <span>{texts::constraint(lang, &constraint)}</span>
                            </button>
                        }
                    }).collect_view()}
                </div>
            </section>
        })
    }
}

/// The tablet's line above the idea form: which circle, and its constraint.
#[component]
pub fn CurrentCircle(session: Session) -> impl IntoView {
    move || {
        let (open, constraints) = current_web(session)?;
        let lang = session.lang();
        let constraint = constraints.get(usize::from(open))?.clone();
        Some(view! {
            <p class="current-circle" role="status" data-circle=open>
                <strong>{texts::circle_of(lang, open, constraints.len())}</strong>
                " · " {texts::constraint(lang, &constraint)}
            </p>
        })
    }
}

// The web's drawing, in the SVG's own units: a wide ellipse, as a
// projector is wide (about 0.5 px a unit in a 1280×720 wall's main column).
const WIDTH: f64 = 1600.0;
const HEIGHT: f64 = 800.0;
const CENTRE: (f64, f64) = (WIDTH / 2.0, HEIGHT / 2.0);
/// The question's ellipse (small: the wall's heading says the question in
/// large type; the centre is its place on the web), and the outermost
/// ring's edge.
const INNER: (f64, f64) = (150.0, 75.0);
const OUTER: (f64, f64) = (795.0, 397.0);
/// The narrowest an idea's card may be before a ring puts its ideas on two
/// tracks (about 10 characters a line at the wall's font).
const MIN_CARD: f64 = 150.0;
/// The widest card at the sides of a ring.
const MAX_CARD: f64 = 250.0;
/// The widest card at the top and bottom of a ring.
const WIDE_CARD: f64 = 360.0;

/// The edge of ring `k` of `n` (0 is the question's ellipse).
fn edge(k: usize, n: usize) -> (f64, f64) {
    let share = k as f64 / n as f64;
    (
        INNER.0 + (OUTER.0 - INNER.0) * share,
        INNER.1 + (OUTER.1 - INNER.1) * share,
    )
}

/// Roughly the length of an ellipse (Ramanujan).
fn perimeter((a, b): (f64, f64)) -> f64 {
    PI * (3.0 * (a + b) - ((3.0 * a + b) * (a + 3.0 * b)).sqrt())
}

/// A coordinate as the SVG gets it: whole units.
fn px(value: f64) -> i32 {
    value.round() as i32
}

/// One idea's card on the web: its centre, width and height.
struct Placed {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

/// The height of a line of an idea's text, in units (the wall's font,
/// 36 units, at a line height of 1.18).
const LINE: f64 = 42.5;

impl Placed {
    /// How many lines of text the card holds (1 to 4).
    fn lines(&self) -> usize {
        ((self.height - 4.0) / LINE).clamp(1.0, 4.0) as usize
    }
}

/// Where the `count` ideas of ring `k` of `n` go: around the ring's band,
/// on one track, or more when one would make the cards too narrow; the
/// very top of each track is left to the ring's number.
fn place(k: usize, n: usize, count: usize) -> Vec<Placed> {
    if count == 0 {
        return Vec::new();
    }
    let (inner, outer) = (edge(k, n), edge(k + 1, n));
    let middle = ((inner.0 + outer.0) / 2.0, (inner.1 + outer.1) / 2.0);
    let band = outer.1 - inner.1;
    // As many tracks as the cards need to be wide enough, as the band's
    // height allows (a line of text is about 40 units), three at most.
    let most = ((band / 40.0) as usize).clamp(1, 3);
    let tracks = (1..=most)
        .find(|&t| perimeter(middle) * 0.9 / count.div_ceil(t) as f64 >= MIN_CARD)
        .unwrap_or(most);
    let per_track = count.div_ceil(tracks);
    (0..count)
        .map(|i| {
            let (track, slot) = (i % tracks, i / tracks);
            let share = (track as f64 + 0.5) / tracks as f64;
            let radius = (
                inner.0 + (outer.0 - inner.0) * share,
                inner.1 + (outer.1 - inner.1) * share,
            );
            let in_track = if track + 1 == tracks {
                count - per_track * (tracks - 1)
            } else {
                per_track
            } as f64;
            // The top is left to the ring's number (26 units from the
            // centre line, and a margin): a gap as wide as half a card more.
            // (Cards near the top are the widest.)
            let top_card = (perimeter(radius) / in_track * 0.9).min(WIDE_CARD);
            let gap = ((top_card / 2.0 + 36.0) / radius.0).min(PI / 3.0);
            let sweep = 2.0 * PI - 2.0 * gap;
            let room = perimeter(radius) * (sweep / (2.0 * PI)) / in_track;
            // Alternate tracks turn by half a slot, so their cards do not
            // line up radially.
            let turn = if (k + track).is_multiple_of(2) {
                0.5
            } else {
                0.0
            };
            let angle = -PI / 2.0 + gap + (slot as f64 + turn) * sweep / in_track;
            // A card's shape follows the ring: wider near the top and
            // bottom, three lines on one track (it may lie across a ring's
            // line: cards are opaque); `layout` then makes the cards that
            // would touch lower or narrower.
            let upright = angle.sin().abs();
            let height = if tracks == 1 {
                3.0 * LINE + 6.0
            } else {
                band * 0.86 / tracks as f64
            };
            let widest = MAX_CARD + (WIDE_CARD - MAX_CARD) * upright;
            Placed {
                x: CENTRE.0 + radius.0 * angle.cos(),
                y: CENTRE.1 + radius.1 * angle.sin(),
                width: (room * 0.9).min(widest),
                height,
            }
        })
        .collect()
}

/// The question's ellipse as a card: the box inside it that its text uses.
fn hub() -> Placed {
    Placed {
        x: CENTRE.0,
        y: CENTRE.1,
        width: INNER.0 * 1.6,
        height: INNER.1 * 1.5,
    }
}

/// The cards of a whole web, `counts[k]` ideas on ring `k`: each ring laid
/// out by [`place`], then the cards of neighbouring rings that would still
/// touch (at the sides, where rings are closest) made narrower, then
/// lower, until none do.
fn layout(counts: &[usize]) -> Vec<Vec<Placed>> {
    let n = counts.len();
    let mut rings: Vec<Vec<Placed>> = counts
        .iter()
        .enumerate()
        .map(|(k, &count)| place(k, n, count))
        .collect();
    // The question's ellipse is in the way too, as a card that never gives.
    rings.push(vec![hub()]);
    let hub_ring = n;
    let cards: Vec<(usize, usize)> = rings
        .iter()
        .enumerate()
        .flat_map(|(k, ring)| (0..ring.len()).map(move |i| (k, i)))
        .collect();
    for (a, &(ka, ia)) in cards.iter().enumerate() {
        for &(kb, ib) in &cards[a + 1..] {
            let (first, second) = (&rings[ka][ia], &rings[kb][ib]);
            let (dx, dy) = ((first.x - second.x).abs(), (first.y - second.y).abs());
            let touch = |w1: f64, w2: f64, h1: f64, h2: f64| {
                dx < (w1 + w2) / 2.0 + 4.0 && dy < (h1 + h2) / 2.0 + 4.0
            };
            if !touch(first.width, second.width, first.height, second.height) {
                continue;
            }
            // Lower first, while each keeps a line (one above the other);
            // else narrower (side by side); else lower still. Against the
            // question, the card gives it all.
            let against_hub = kb == hub_ring;
            let (mut w1, mut h1) = (first.width, first.height);
            let (mut w2, mut h2) = (second.width, second.height);
            let lower = if against_hub {
                2.0 * dy - second.height - 8.0
            } else {
                dy - 8.0
            };
            let narrower = if against_hub {
                2.0 * dx - second.width - 8.0
            } else {
                dx - 8.0
            };
            if lower >= LINE + 6.0 {
                (h1, h2) = (h1.min(lower), h2.min(lower));
            } else if narrower >= 90.0 {
                (w1, w2) = (w1.min(narrower), w2.min(narrower));
            } else {
                (h1, h2) = (h1.min(lower.max(20.0)), h2.min(lower.max(20.0)));
            }
            rings[ka][ia].width = w1;
            rings[ka][ia].height = h1;
            if !against_hub {
                rings[kb][ib].width = w2;
                rings[kb][ib].height = h2;
            }
        }
    }
    rings.pop();
    // Nothing off the drawing.
    for card in rings.iter_mut().flatten() {
        card.height = card
            .height
            .min(2.0 * (HEIGHT - 2.0 - card.y))
            .min(2.0 * (card.y - 2.0));
        card.width = card
            .width
            .min(2.0 * (WIDTH - 2.0 - card.x))
            .min(2.0 * (card.x - 2.0));
    }
    rings
}

/// The wall's web: the question at the centre, each circle's ring with its
/// constraint and its ideas; the circle open now stands out.
#[component]
pub fn Web(session: Session) -> impl IntoView {
    let web = Memo::new(move |_| {
        session.workshop.with(|w| {
            let w = w.as_ref()?;
            let step = w.current_step();
            Some((
                w.config().setup().question.clone(),
                w.web(step),
                w.current_circle(step)?,
            ))
        })
    });
    // Drawn as markup, not as Leptos views: one string builder is a few
    // hundred bytes of every tablet's download, a view per shape ten KiB.
    // Every text in it goes through `escape`.
    let markup = move || {
        web.with(|web| {
            web.as_ref()
                .map(|(question, rings, open)| web_markup(question, rings, *open, session.lang()))
                .unwrap_or_default()
        })
    };
    view! { <figure class="web" inner_html=markup></figure> }
}

/// The web as SVG (hidden from screen readers), then the same as a list
/// for them.
fn web_markup(question: &str, rings: &[Ring], open: u8, lang: Lang) -> String {
    use std::fmt::Write;
    let n = rings.len();
    let (cx, cy) = (px(CENTRE.0), px(CENTRE.1));
    // The circles and their constraints, as a legend above the web (on the
    // rings, only their numbers: a sentence there would cover ideas).
    let mut legend = String::from(r#"<ol class="web-legend" aria-hidden="true">"#);
    for ring in rings {
        let open_class = if ring.circle == open {
            r#" class="open""#
        } else {
            ""
        };
        let said = if ring.constraint.is_empty() {
            texts::constraint(lang, "")
        } else {
            ring.constraint.clone()
        };
        let _ = write!(
            legend,
            "<li{open_class}><strong>{}</strong> {}</li>",
            ring.circle + 1,
            escape(&said)
        );
    }
    legend.push_str("</ol>");
    let mut svg = format!(
        r#"<svg viewBox="0 0 {} {}" aria-hidden="true">"#,
        px(WIDTH),
        px(HEIGHT)
    );
    // Outermost first, so inner rings are drawn over outer ones.
    for k in (1..=n).rev() {
        let (rx, ry) = edge(k, n);
        let class = if k - 1 == usize::from(open) {
            "ring open"
        } else {
            "ring"
        };
        let _ = write!(
            svg,
            r#"<ellipse class="{class}" cx="{cx}" cy="{cy}" rx="{}" ry="{}"/>"#,
            px(rx),
            px(ry)
        );
    }
    let (qx, qy) = INNER;
    let _ = write!(
        svg,
        r#"<ellipse class="hub" cx="{cx}" cy="{cy}" rx="{}" ry="{}"/><foreignObject x="{}" y="{}" width="{}" height="{}"><div class="web-question">{}</div></foreignObject>"#,
        px(qx),
        px(qy),
        px(CENTRE.0 - qx * 0.8),
        px(CENTRE.1 - qy * 0.75),
        px(qx * 1.6),
        px(qy * 1.5),
        escape(question)
    );
    let mut listed = String::from(r#"<figcaption class="sr-only"><ul>"#);
    let counts: Vec<usize> = rings.iter().map(|ring| ring.ideas.len()).collect();
    let mut cards = layout(&counts).into_iter();
    for ring in rings {
        let k = usize::from(ring.circle);
        let (inner, outer) = (edge(k, n), edge(k + 1, n));
        // The ring's number at the top of its band.
        let _ = write!(
            svg,
            r#"<circle class="ring-number" cx="{cx}" cy="{}" r="26"/><text class="ring-number" x="{cx}" y="{}" text-anchor="middle" dominant-baseline="central">{}</text>"#,
            px(CENTRE.1 - (inner.1 + outer.1) / 2.0),
            px(CENTRE.1 - (inner.1 + outer.1) / 2.0),
            k + 1
        );
        let _ = write!(
            listed,
            "<li>{} · {}<ul>",
            escape(&texts::circle_of(lang, ring.circle, n)),
            escape(&texts::constraint(lang, &ring.constraint))
        );
        let placed = cards.next().unwrap_or_default();
        for (at, (id, text)) in placed.into_iter().zip(&ring.ideas) {
            let text = escape(text);
            // The card as high as its lines: a clamped line never shows half.
            let lines = at.lines();
            let height = (lines as f64 * LINE + 6.0).min(at.height);
            let _ = write!(
                svg,
                r#"<foreignObject x="{}" y="{}" width="{}" height="{}"><div class="web-idea lines-{lines}" data-idea="{}" data-circle="{k}">{text}</div></foreignObject>"#,
                px(at.x - at.width / 2.0),
                px(at.y - height / 2.0),
                px(at.width),
                px(height),
                id.0
            );
            let _ = write!(listed, "<li>{text}</li>");
        }
        listed.push_str("</ul></li>");
    }
    svg.push_str("</svg>");
    listed.push_str("</ul></figcaption>");
    legend + &svg + &listed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ideas_sit_in_their_ring_clear_of_its_number() {
        for (k, n, count) in [(0, 3, 1), (1, 3, 7), (2, 3, 12), (0, 3, 10), (0, 1, 30)] {
            let (inner, outer) = (edge(k, n), edge(k + 1, n));
            let placed = place(k, n, count);
            assert_eq!(placed.len(), count);
            for at in placed {
                let (dx, dy) = (at.x - CENTRE.0, at.y - CENTRE.1);
                // Inside the outer edge, outside the inner one.
                let r = |(a, b): (f64, f64)| (dx / a).powi(2) + (dy / b).powi(2);
                assert!(r(outer) < 1.0 && r(inner) > 1.0, "ring {k}: {dx}, {dy}");
                // The number sits at the top, within 26 units of the centre line.
                let clear = dx.abs() >= at.width / 2.0 + 26.0 || dy > 0.0;
                assert!(
                    clear,
                    "ring {k} of {count}: a card on the number ({dx}, {dy})"
                );
                assert!(
                    at.width >= MIN_CARD * 0.6,
                    "ring {k} of {count}: {}",
                    at.width
                );
            }
        }
    }

    #[test]
    fn the_webs_markup_holds_every_text_escaped() {
        let rings = vec![Ring {
            circle: 0,
            constraint: "en <2050>".into(),
            ideas: vec![(
                ruche_shared::IdeaId(4),
                "<img src=x onerror=\"alert(1)\"> & 'co'".into(),
            )],
        }];
        let markup = web_markup("Comment « nous » ?", &rings, 0, Lang::Fr);
        assert!(!markup.contains("<img"), "{markup}");
        assert!(
            markup.contains("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;co&#39;")
        );
        assert!(markup.contains("Contrainte : en &lt;2050&gt;"));
        assert!(markup.contains(r#"<li class="open"><strong>1</strong> en &lt;2050&gt;</li>"#));
        assert!(markup.contains(r#"data-idea="4" data-circle="0""#));
        assert!(markup.contains(r#"class="ring open""#));
        assert!(markup.contains("Comment « nous » ?"));
    }

    #[test]
    fn no_two_cards_of_a_web_overlap() {
        for counts in [
            vec![4, 3, 3],
            vec![10, 10, 10],
            vec![1, 0, 12],
            vec![30],
            vec![6, 8],
            vec![2; 5],
        ] {
            let cards: Vec<Placed> = layout(&counts).into_iter().flatten().collect();
            assert_eq!(cards.len(), counts.iter().sum::<usize>());
            let hub = hub();
            for card in &cards {
                let clear = (card.x - hub.x).abs() >= (card.width + hub.width) / 2.0
                    || (card.y - hub.y).abs() >= (card.height + hub.height) / 2.0;
                assert!(clear, "{counts:?}: a card on the question");
                assert!(card.y - card.height / 2.0 >= 0.0 && card.y + card.height / 2.0 <= HEIGHT);
                assert!(card.x - card.width / 2.0 >= 0.0 && card.x + card.width / 2.0 <= WIDTH);
            }
            for (i, a) in cards.iter().enumerate() {
                for b in &cards[i + 1..] {
                    let apart = (a.x - b.x).abs() >= (a.width + b.width) / 2.0
                        || (a.y - b.y).abs() >= (a.height + b.height) / 2.0;
                    assert!(
                        apart,
                        "{counts:?}: cards at ({}, {}) and ({}, {})",
                        a.x, a.y, b.x, b.y
                    );
                }
            }
        }
    }

    #[test]
    fn a_crowded_ring_puts_its_ideas_on_two_tracks() {
        // A card's track, as its distance from the centre (the ellipses scaled to circles).
        let tracks = |cards: &[Placed]| {
            let mut radii: Vec<i32> = cards
                .iter()
                .map(|at| {
                    let (dx, dy) = ((at.x - CENTRE.0) / OUTER.0, (at.y - CENTRE.1) / OUTER.1);
                    ((dx * dx + dy * dy).sqrt() * 100.0).round() as i32
                })
                .collect();
            radii.sort_unstable();
            radii.dedup();
            radii.len()
        };
        let few = place(0, 3, 3);
        assert_eq!(tracks(&few), 1);
        assert!(few.iter().all(|at| at.width >= MIN_CARD));
        let many = place(0, 3, 10);
        assert_eq!(tracks(&many), 2, "ten ideas on the inner ring");
        assert!(many[0].height < few[0].height);
    }
}
