//! « Consulter la synthèse de cet atelier »: the workshop's report as one
//! HTML page, printable on A4, in the workshop's language. Built from the
//! export (itself computed from the log), so that it says exactly what the
//! exports say: the question, when, the programme in plain words, the
//! participation, the ideas by group with their table, each vote as a chart,
//! each scoring per idea and criterion (distribution, median, quartiles, the
//! room's view and what it means), the ranking, and the log's final hash
//! that ties the printed page to its data.
//!
//! Two versions: the facilitator's (table names, ideas set aside shown and
//! marked), and one for publication (tables numbered, ideas set aside left
//! out: nothing the screens hide).

mod charts;
mod format;
mod words;

pub use format::escape;

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use ruche_shared::methods::scoring::results::ScoringResults;
use ruche_shared::methods::scoring::texts::{consensus_label, consensus_meaning};
use ruche_shared::stats::{percent, rank_among};
use ruche_shared::{ItemRef, Lang, Workshop};

use super::export::{Export, ExportDots, ExportJourney, ExportScoring, ExportVote};
use format::{clock, local, long_date, number};
use ruche_shared::methods::journey::Row;
use words::{Words, words};

/// The print stylesheet, inside the page (one file to keep or send).
const STYLE: &str = include_str!("synthesis.css");

/// Which version, and the reader's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// For publication: tables numbered, ideas set aside left out.
    pub public: bool,
    /// The reader's offset from UTC, in minutes (Paris in winter: 60); `None`
    /// prints UTC times, said so.
    pub utc_offset_minutes: Option<i32>,
}

/// The synthesis of `export` (of `workshop`), as a complete HTML page.
pub fn synthesis(export: &Export, workshop: &Workshop, options: Options) -> String {
    let lang = export.workshop.lang;
    let page = Page {
        export,
        workshop,
        options,
        lang,
        w: words(lang),
        table_labels: table_labels(export, options.public),
        item_texts: item_texts(export),
    };
    page.render()
}

/// What every part of the page reads.
struct Page<'a> {
    export: &'a Export,
    workshop: &'a Workshop,
    options: Options,
    lang: Lang,
    w: &'static Words,
    /// A table's name as printed (« Table 3 » in the public version).
    table_labels: HashMap<String, String>,
    /// An item's text: an idea's, or a group's title.
    item_texts: HashMap<ItemRef, String>,
}

impl Page<'_> {
    fn render(&self) -> String {
        let (export, w) = (self.export, self.w);
        let title = escape(&export.workshop.title);
        let mut html = format!(
            "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{kicker} · {title}</title><style>{STYLE}</style></head><body>\n",
            lang = if self.lang == Lang::Fr { "fr" } else { "en" },
            kicker = w.kicker,
        );
        let _ = write!(
            html,
            "<header><p class=\"kicker\">{}</p><h1>{title}</h1><p class=\"question\">{}</p>",
            w.kicker,
            escape(&export.workshop.question)
        );
        if let Some(when) = self.when() {
            let _ = write!(html, "<p class=\"when\">{}</p>", escape(&when));
        }
        if !export.workshop.place.is_empty() {
            let _ = write!(
                html,
                "<p class=\"place\">{} : {}</p>",
                w.place,
                escape(&export.workshop.place)
            );
        }
        if self.options.public {
            let _ = write!(html, "<p class=\"version\">{}</p>", w.public_version);
        }
        html.push_str("</header>\n");
        html.push_str(&self.conclusions());
        html.push_str(&self.participation());
        html.push_str(&self.programme());
        html.push_str(&self.table_questions());
        for journey in &export.journeys {
            html.push_str(&self.journey(journey));
        }
        html.push_str(&self.ideas());
        html.push_str(&self.consolidated());
        for vote in &export.votes {
            html.push_str(&self.vote(vote));
        }
        for scoring in &export.scores {
            html.push_str(&self.scoring(scoring));
        }
        for dots in &export.dots {
            html.push_str(&self.dots(dots));
        }
        html.push_str(&self.footer());
        html.push_str("</body></html>\n");
        html
    }

    /// « lundi 30 novembre 2026, de 18 h 02 à 20 h 15 », from the log.
    fn when(&self) -> Option<String> {
        let audit = self.export.audit.as_ref()?;
        let first = audit.log.first().map_or(audit.created_at_ms, |e| e.at_ms);
        let last = audit.log.last().map_or(first, |e| e.at_ms);
        let offset = self.options.utc_offset_minutes;
        let (day, start) = local(first, offset);
        let (_, end) = local(last, offset);
        let utc = if offset.is_none() { self.w.utc } else { "" };
        Some(format!(
            "{}, {} {} {} {} {utc}",
            long_date(day, self.lang),
            self.w.from,
            clock(start, self.lang),
            self.w.to,
            clock(end, self.lang),
        ))
    }

    /// The facilitator's conclusions first: what the reader came for.
    /// Paragraphs where they left a blank line, line breaks kept.
    fn conclusions(&self) -> String {
        let text = &self.export.workshop.conclusions;
        if text.is_empty() {
            return String::new();
        }
        let mut html = format!(
            "<section class=\"conclusions\"><h2>{}</h2>",
            self.w.conclusions
        );
        for paragraph in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
            let lines: Vec<String> = paragraph.lines().map(escape).collect();
            let _ = write!(html, "<p>{}</p>", lines.join("<br>"));
        }
        html.push_str("</section>\n");
        html
    }

    fn participation(&self) -> String {
        let (export, w) = (self.export, self.w);
        let hidden = export.ideas.iter().filter(|i| i.hidden).count();
        let ideas = if self.options.public {
            (export.ideas.len() - hidden).to_string()
        } else if hidden > 0 {
            format!("{} ({} {hidden})", export.ideas.len(), w.hidden_ideas)
        } else {
            export.ideas.len().to_string()
        };
        let mut rows = vec![(
            w.tables.to_owned(),
            format!(
                "{} ({} {})",
                export.tables.len(),
                self.workshop.config().seats(),
                w.places_each
            ),
        )];
        // An evaluation of given items has no ideas or groups to count.
        if !export.ideas.is_empty() {
            rows.push((w.ideas.to_owned(), ideas));
            rows.push((w.groups.to_owned(), export.clusters.len().to_string()));
        }
        for vote in &export.votes {
            let step = vote.histogram.step + 1;
            let voted = vote.histogram.tables.iter().filter(|t| t.spent > 0).count();
            let given: u32 = vote.histogram.tables.iter().map(|t| t.spent).sum();
            rows.push((
                format!("{} ({} {step})", w.tables_voted, w.step),
                format!("{voted} / {}", export.tables.len()),
            ));
            rows.push((
                format!("{} ({} {step})", w.points_given, w.step),
                given.to_string(),
            ));
        }
        for scoring in &export.scores {
            let step = scoring.results.step + 1;
            let people: BTreeSet<(&str, u8)> = scoring
                .by_seat
                .iter()
                .map(|s| (s.table.as_str(), s.seat))
                .collect();
            rows.push((
                format!("{} ({} {step})", w.people_scored, w.step),
                people.len().to_string(),
            ));
            rows.push((
                format!("{} ({} {step})", w.scores_given, w.step),
                scoring.by_seat.len().to_string(),
            ));
        }
        for dots in &export.dots {
            rows.push((
                format!("{} ({} {})", w.people_done, w.step, dots.tally.step + 1),
                format!("{} / {}", dots.tally.seats_done, dots.tally.seats_total),
            ));
        }
        let mut html = format!(
            "<section class=\"participation\"><h2>{}</h2><table class=\"figures\"><tbody>",
            w.participation
        );
        for (label, value) in rows {
            let _ = write!(
                html,
                "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                escape(&label),
                escape(&value)
            );
        }
        html.push_str("</tbody></table></section>\n");
        html
    }

    fn programme(&self) -> String {
        let mut html = format!(
            "<section class=\"programme\"><h2>{}</h2><ol>",
            self.w.programme
        );
        for step in self.workshop.config().steps() {
            let _ = write!(
                html,
                "<li><strong>{}</strong> : {}</li>",
                escape(&step.kind().title(self.lang)),
                escape(&step.in_words(self.lang))
            );
        }
        html.push_str("</ol></section>\n");
        html
    }

    /// Each table's persona and own question, side by side (design
    /// thinking's « Comment pourrions-nous… ? », or each table's case);
    /// nothing when no table had either.
    fn table_questions(&self) -> String {
        let tables: Vec<_> = self
            .export
            .tables
            .iter()
            .filter(|t| t.persona.is_some() || t.question.is_some())
            .collect();
        if tables.is_empty() {
            return String::new();
        }
        let mut html = format!(
            "<section class=\"table-questions\"><h2>{}</h2><ul>",
            self.w.table_questions
        );
        for table in tables {
            let persona = table
                .persona
                .as_deref()
                .map(|p| format!(" ({} {})", self.w.thinking_for, escape(p)))
                .unwrap_or_default();
            let question = table
                .question
                .as_deref()
                .unwrap_or(&self.export.workshop.question);
            let _ = write!(
                html,
                "<li><strong>{}</strong>{persona} : {}</li>",
                escape(&self.table(&table.name)),
                escape(question)
            );
        }
        html.push_str("</ul></section>\n");
        html
    }

    fn ideas(&self) -> String {
        let (export, w) = (self.export, self.w);
        // A journey's actions and feelings are on its map, above; its
        // opportunities are ideas like any.
        let shown = |idea: &super::export::ExportIdea| {
            !(idea.hidden && self.options.public)
                && idea
                    .journey
                    .as_ref()
                    .is_none_or(|place| place.row == Row::Opportunity)
        };
        if !export.ideas.iter().any(shown) {
            return String::new();
        }
        let mut html = format!("<section class=\"ideas\"><h2>{}</h2>", w.the_ideas);
        for cluster in &export.clusters {
            let _ = write!(
                html,
                "<div class=\"group\"><h3>{} <span class=\"item\">{}</span></h3><ul>",
                escape(&cluster.title),
                cluster.item
            );
            for idea in export
                .ideas
                .iter()
                .filter(|i| i.cluster == Some(cluster.item) && shown(i))
            {
                html.push_str(&self.idea_line(idea));
            }
            html.push_str("</ul></div>");
        }
        let alone: Vec<_> = export
            .ideas
            .iter()
            .filter(|i| i.cluster.is_none() && shown(i))
            .collect();
        if !alone.is_empty() {
            let _ = write!(
                html,
                "<div class=\"group\"><h3>{}</h3><ul>",
                if export.clusters.is_empty() {
                    w.the_ideas
                } else {
                    w.ungrouped
                }
            );
            for idea in alone {
                html.push_str(&self.idea_line(idea));
            }
            html.push_str("</ul></div>");
        }
        html.push_str("</section>\n");
        html
    }

    /// « Consolidation dans un tableau »: roles across, categories down,
    /// each cell its ideas (none without roles).
    fn consolidated(&self) -> String {
        use ruche_shared::methods::roles::texts;
        let Some(table) = &self.export.consolidated else {
            return String::new();
        };
        let lang = self.lang;
        let mut html = format!(
            "<section class=\"consolidated\"><h2>{}</h2><table class=\"journey-map\"><thead><tr><th></th>",
            texts::consolidated(lang)
        );
        for role in &table.roles {
            let _ = write!(html, "<th scope=\"col\">{}</th>", escape(role));
        }
        let _ = write!(
            html,
            "<th scope=\"col\">{}</th></tr></thead><tbody>",
            texts::no_role(lang)
        );
        let shown = |item: &ItemRef| {
            self.export
                .ideas
                .iter()
                .find(|i| i.item == *item)
                .filter(|i| !(i.hidden && self.options.public))
        };
        for row in &table.rows {
            let name = if row.category.is_empty() {
                texts::no_category(lang).to_owned()
            } else {
                escape(&row.category)
            };
            let _ = write!(html, "<tr><th scope=\"row\">{name}</th>");
            for cell in &row.cells {
                html.push_str("<td><ul>");
                for idea in cell.iter().filter_map(shown) {
                    let _ = write!(html, "<li>{}</li>", escape(&idea.text));
                }
                html.push_str("</ul></td>");
            }
            html.push_str("</tr>");
        }
        html.push_str("</tbody></table></section>\n");
        html
    }

    fn idea_line(&self, idea: &super::export::ExportIdea) -> String {
        let author = match &idea.author {
            Some(name) => self.table(name),
            None => self.w.by_facilitator.to_owned(),
        };
        let mut hidden = if idea.hidden {
            format!(" <span class=\"hidden\">({})</span>", self.w.hidden)
        } else {
            String::new()
        };
        if idea.corrected {
            hidden.push_str(&format!(
                " <span class=\"corrected\">({})</span>",
                self.w.corrected
            ));
        }
        // A coloured post-it: its category named before it.
        let category: String = idea
            .category
            .as_ref()
            .map(|c| c.name.as_str())
            .into_iter()
            .chain(idea.role.as_deref())
            .map(|said| format!("<span class=\"category\">{}</span> ", escape(said)))
            .collect();
        format!(
            "<li><span class=\"item\">{}</span> {category}{}{hidden} <span class=\"author\">— {}</span></li>",
            idea.item,
            escape(&idea.text),
            escape(&author)
        )
    }

    fn step_heading(&self, step: usize) -> String {
        let config = &self.workshop.config().steps()[step];
        format!(
            "<h2>{} {} — {}</h2><p class=\"rules\">{}</p>",
            self.w.step,
            step + 1,
            escape(&config.kind().title(self.lang)),
            escape(&config.in_words(self.lang))
        )
    }

    /// A user journey's map, a stage per row: how the tables rated it
    /// (median and each rating's count), then its notes row by row.
    fn journey(&self, journey: &ExportJourney) -> String {
        use ruche_shared::methods::journey::texts;
        let lang = self.lang;
        let mut html = format!(
            "<section class=\"journey\">{}<table class=\"journey-map\"><thead><tr><th></th><th>{}</th>",
            self.step_heading(journey.step),
            texts::ratings_row(lang)
        );
        for row in Row::ALL {
            let _ = write!(html, "<th>{}</th>", texts::row_name(lang, row));
        }
        html.push_str("</tr></thead><tbody>");
        for stage in &journey.stages {
            let count: u32 = stage.counts.iter().sum();
            let counts: Vec<String> = (1..)
                .zip(&stage.counts)
                .map(|(r, n)| format!("{} {n}", texts::smiley(r)))
                .collect();
            let smiley = stage
                .median
                .map(|m| texts::smiley(m.round() as u8))
                .unwrap_or_default();
            let _ = write!(
                html,
                "<tr><th scope=\"row\">{}. {}</th><td><strong>{smiley}</strong> {}<br><span class=\"counts\">{}</span></td>",
                stage.stage,
                escape(&stage.name),
                escape(&texts::median_of(lang, stage.median, count)),
                counts.join(" · ")
            );
            for row in Row::ALL {
                html.push_str("<td><ul>");
                for idea in self.export.ideas.iter().filter(|i| {
                    !(i.hidden && self.options.public)
                        && i.journey.as_ref().is_some_and(|p| {
                            p.step == journey.step && p.stage == stage.stage && p.row == row
                        })
                }) {
                    html.push_str(&self.idea_line(idea));
                }
                html.push_str("</ul></td>");
            }
            html.push_str("</tr>");
        }
        html.push_str("</tbody></table></section>\n");
        html
    }

    fn vote(&self, vote: &ExportVote) -> String {
        let histogram = &vote.histogram;
        let mut html = format!(
            "<section class=\"vote\">{}",
            self.step_heading(histogram.step)
        );
        let top = histogram.bars.iter().map(|b| b.points).max().unwrap_or(0);
        if top == 0 {
            let _ = write!(html, "<p>{}</p>", self.w.no_votes);
        }
        html.push_str(&self.bars(
            histogram.bars.iter().map(|b| (b.item, b.points, b.paper)),
            top,
            self.w.points,
        ));
        html.push_str("</section>\n");
        html
    }

    fn dots(&self, dots: &ExportDots) -> String {
        let tally = &dots.tally;
        let mut html = format!("<section class=\"vote\">{}", self.step_heading(tally.step));
        let top = tally.bars.iter().map(|b| b.dots).max().unwrap_or(0);
        html.push_str(&self.bars(
            tally.bars.iter().map(|b| (b.item, b.dots, b.paper)),
            top,
            self.w.dots,
        ));
        html.push_str("</section>\n");
        html
    }

    /// A chart of items and their counts (and, of each, what was counted
    /// on paper), largest first as given.
    fn bars(
        &self,
        bars: impl Iterator<Item = (ItemRef, u32, u32)>,
        top: u32,
        unit: &str,
    ) -> String {
        let bars: Vec<(ItemRef, u32, u32)> = bars.collect();
        let total: u32 = bars.iter().map(|(_, count, _)| count).sum();
        let mut html = String::from("<figure class=\"chart\"><table class=\"bars\"><tbody>");
        for &(item, count, paper) in &bars {
            let Some(text) = self.item_texts.get(&item) else {
                continue; // an idea set aside, left out of the public version
            };
            // Ties share a rank, marked « = » (as on the wall).
            let (rank, tie) = rank_among(bars.iter().map(|(_, c, _)| *c), count);
            let on_paper = if paper > 0 {
                format!(
                    " <span class=\"paper\">({} {paper} {})</span>",
                    self.w.of_which, self.w.on_paper
                )
            } else {
                String::new()
            };
            let _ = write!(
                html,
                "<tr><td class=\"rank\">{rank}{}</td><th scope=\"row\"><span class=\"item\">{item}</span> {}</th><td class=\"chart-cell\">{}</td><td class=\"count\">{count} {unit}{on_paper}</td><td class=\"share\">{} %</td></tr>",
                if tie { "=" } else { "" },
                escape(text),
                charts::bar(count, top, &format!("{item}: {count} {unit}")),
                percent(count, total),
            );
        }
        html.push_str("</tbody></table></figure>");
        html
    }

    fn scoring(&self, scoring: &ExportScoring) -> String {
        let (results, w) = (&scoring.results, self.w);
        let mut html = format!(
            "<section class=\"scoring\">{}",
            self.step_heading(results.step)
        );
        let _ = write!(
            html,
            "<h3>{}</h3><table class=\"ranking\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            w.ranking, w.rank, w.idea, w.support, w.consensus
        );
        for (rank, index) in results.ranking.iter().enumerate() {
            let Some(item) = results.items.iter().find(|i| i.item == *index) else {
                continue;
            };
            let support = item
                .support
                .map(|s| format!("{} %", number(s * 100.0, 0, self.lang)))
                .unwrap_or_else(|| "—".into());
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{support}</td><td>{}</td></tr>",
                rank + 1,
                escape(&item.text),
                consensus_label(item.consensus, self.lang)
            );
        }
        let _ = write!(
            html,
            "</tbody></table><p class=\"note\">{}</p>",
            w.support_means
        );
        for index in &results.ranking {
            if let Some(item) = results.items.iter().find(|i| i.item == *index) {
                html.push_str(&self.scored_item(results, item));
            }
        }
        html.push_str(&self.labels_meaning(results));
        html.push_str("</section>\n");
        html
    }

    fn scored_item(
        &self,
        results: &ScoringResults,
        item: &ruche_shared::methods::scoring::results::ItemResults,
    ) -> String {
        let w = self.w;
        // One row per criterion: read (and printed) in order, whatever their number.
        let mut html = format!(
            "<article class=\"scored\"><h4>{} <span class=\"label\">{}</span></h4><table class=\"criteria\"><tbody>",
            escape(&item.text),
            consensus_label(item.consensus, self.lang)
        );
        for (criterion, stats) in results.criteria.iter().zip(&item.criteria) {
            let figures = match (stats.median, stats.quartiles(results.scale_min), stats.mean) {
                (Some(median), Some((q1, q3)), Some(mean)) => format!(
                    "{} {} · {} {}–{} · {} {} · {} {}",
                    w.median,
                    number(median, 1, self.lang),
                    w.quartiles,
                    number(q1, 1, self.lang),
                    number(q3, 1, self.lang),
                    w.mean,
                    number(mean, 1, self.lang),
                    stats.scorers,
                    w.scorers
                ),
                _ => format!("0 {}", w.scorers),
            };
            let _ = write!(
                html,
                "<tr><th scope=\"row\">{}</th><td class=\"distribution-cell\">{}</td><td class=\"stats\">{figures}</td></tr>",
                escape(&criterion.name),
                charts::distribution(
                    stats,
                    results.scale_min,
                    &format!("{}: {}", criterion.name, figures)
                )
            );
        }
        html.push_str("</tbody></table></article>");
        html
    }

    /// Each label used, with what it means.
    fn labels_meaning(&self, results: &ScoringResults) -> String {
        let mut seen = Vec::new();
        for item in &results.items {
            if !seen.contains(&item.consensus) {
                seen.push(item.consensus);
            }
        }
        let mut html = format!(
            "<div class=\"meanings\"><h3>{}</h3><dl>",
            self.w.what_labels_mean
        );
        for consensus in seen {
            let _ = write!(
                html,
                "<dt>{}</dt><dd>{}</dd>",
                consensus_label(consensus, self.lang),
                consensus_meaning(consensus, self.lang)
            );
        }
        html.push_str("</dl></div>");
        html
    }

    fn footer(&self) -> String {
        let w = self.w;
        let mut html = String::from("<footer>");
        if let Some(audit) = &self.export.audit {
            let _ = write!(
                html,
                "<p>{} : <code class=\"hash\">{}</code></p><p class=\"verify\">{} {}</p>",
                w.log_hash, audit.log_hash, w.verify_with, audit.log_hash
            );
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let (day, _) = local(now, self.options.utc_offset_minutes);
        let _ = write!(
            html,
            "<p class=\"made\">{} {}, {}</p></footer>",
            w.made_by,
            env!("CARGO_PKG_VERSION"),
            long_date(day, self.lang)
        );
        html
    }

    /// A table's name as printed.
    fn table(&self, name: &str) -> String {
        self.table_labels
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_owned())
    }
}

/// Each table's printed name: its own, or « Table n » in its joining order.
fn table_labels(export: &Export, public: bool) -> HashMap<String, String> {
    export
        .tables
        .iter()
        .enumerate()
        .map(|(n, t)| {
            let label = if public {
                format!("Table {}", n + 1)
            } else {
                t.name.clone()
            };
            (t.name.clone(), label)
        })
        .collect()
}

/// Every item's text; ideas set aside are absent (charts skip them).
fn item_texts(export: &Export) -> HashMap<ItemRef, String> {
    let ideas = export
        .ideas
        .iter()
        .filter(|i| !i.hidden)
        .map(|i| (i.item, i.text.clone()));
    let groups = export.clusters.iter().map(|c| (c.item, c.title.clone()));
    ideas.chain(groups).collect()
}
