//! `ruche-server verify <export.json>`: re-counts a JSON export from the log
//! it carries, as a resident or an elected official would want to: the hash
//! chain link by link, the log replayed with Ruche's engine and its rules,
//! then every figure of the export (tables, ideas, groups, points, scores,
//! dots) recomputed from that replay and compared. Each problem is named:
//! which event was changed, removed or moved, which figure differs and how.
//! It speaks the workshop's language.

use std::collections::BTreeSet;

use ruche_shared::protocol::Seq;
use ruche_shared::{Lang, Workshop, WorkshopConfig};
use serde_json::Value;

use super::chain::{self, ChainedEvent};
use crate::http::export;

/// The export's sections that hold figures, all recomputed from the log.
const FIGURES: [&str; 6] = ["tables", "ideas", "clusters", "votes", "scores", "dots"];

/// Differences between figures listed at most (the first ones say enough).
const DIFFERENCES_SHOWN: usize = 20;

/// What a verification found.
#[derive(Debug)]
pub struct Report {
    /// The workshop's language: the report's.
    pub lang: Lang,
    /// The workshop's title.
    pub title: String,
    /// Events in the log.
    pub events: usize,
    /// The chain's final hash, recomputed from the log as it is.
    pub final_hash: String,
    /// What held.
    pub checks: Vec<String>,
    /// What did not: empty when the export is verified.
    pub problems: Vec<String>,
}

impl Report {
    /// Whether the export is what its log says.
    pub fn verified(&self) -> bool {
        self.problems.is_empty()
    }

    /// The report as printed.
    pub fn render(&self) -> String {
        let fr = self.lang == Lang::Fr;
        let mut out = if fr {
            format!(
                "Vérification de l'export « {} » ({} événements dans le journal)\n",
                self.title, self.events
            )
        } else {
            format!(
                "Verifying the export of \"{}\" ({} events in the log)\n",
                self.title, self.events
            )
        };
        for check in &self.checks {
            out.push_str(&format!("  ✓ {check}\n"));
        }
        for problem in &self.problems {
            out.push_str(&format!("  ✗ {problem}\n"));
        }
        out.push_str(&match (self.verified(), fr) {
            (true, true) => format!(
                "VÉRIFIÉ : les chiffres de l'export sont ceux du journal.\nEmpreinte finale du journal : {}\n",
                self.final_hash
            ),
            (true, false) => format!(
                "VERIFIED: the export's figures are those of its log.\nFinal hash of the log: {}\n",
                self.final_hash
            ),
            (false, true) => format!("NON VÉRIFIÉ : {} problème(s).\n", self.problems.len()),
            (false, false) => format!("NOT VERIFIED: {} problem(s).\n", self.problems.len()),
        });
        out
    }
}

/// Verifies the export `text`; `expected_hash` is the final hash printed in
/// the workshop's report, if the reader has one. `Err` when the file is not
/// an export with a log at all.
pub fn verify(text: &str, expected_hash: Option<&str>) -> Result<Report, String> {
    let export: Value =
        serde_json::from_str(text).map_err(|e| format!("this is not a JSON export: {e}"))?;
    let lang = serde_json::from_value(export["workshop"]["lang"].clone()).unwrap_or(Lang::Fr);
    let say = |fr: String, en: String| if lang == Lang::Fr { fr } else { en };
    let id = export["workshop"]["id"]
        .as_str()
        .ok_or("this is not a Ruche export: it names no workshop")?;
    let (Some(setup), Some(log), Some(created_at_ms)) = (
        export.get("setup"),
        export.get("log").and_then(Value::as_array),
        export.get("created_at_ms").and_then(Value::as_u64),
    ) else {
        return Err(
            "this export carries no log to re-count (exports made before the log was added \
             cannot be verified: export the workshop again)"
                .into(),
        );
    };
    let mut report = Report {
        lang,
        title: export["workshop"]["title"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        events: log.len(),
        final_hash: String::new(),
        checks: Vec::new(),
        problems: Vec::new(),
    };
    let config: WorkshopConfig = match serde_json::from_value(setup.clone()) {
        Ok(config) => config,
        Err(error) => {
            report.problems.push(say(
                format!("Les réglages de l'atelier ne sont pas valides : {error}"),
                format!("The workshop's settings are not valid: {error}"),
            ));
            return Ok(report);
        }
    };

    // The log's entries, each as Ruche wrote it.
    let mut entries = Vec::with_capacity(log.len());
    for (position, raw) in log.iter().enumerate() {
        match serde_json::from_value::<ChainedEvent>(raw.clone()) {
            Ok(entry) => entries.push(entry),
            Err(error) => report.problems.push(say(
                format!(
                    "L'entrée n° {} du journal est illisible : {error}",
                    position + 1
                ),
                format!("Entry {} of the log does not read: {error}", position + 1),
            )),
        }
    }
    if !report.problems.is_empty() {
        return Ok(report);
    }

    let order_problems = check_order(&entries, &say);
    let in_order = order_problems.is_empty();
    report.problems.extend(order_problems);
    let links_hold = check_chain(
        id,
        created_at_ms,
        &config,
        &entries,
        &export,
        expected_hash,
        &say,
        &mut report,
    );
    if in_order && links_hold {
        report.checks.push(say(
            "La chaîne d'empreintes est intacte : aucun événement changé, retiré ou déplacé."
                .into(),
            "The hash chain holds: no event changed, removed or moved.".into(),
        ));
    }

    // The log replayed with the engine, then every figure re-counted.
    let mut workshop = Workshop::new(config);
    for entry in &entries {
        if let Err(error) = workshop.apply(&entry.event) {
            report.problems.push(say(
                format!(
                    "L'événement {} ({}) ne peut pas suivre ceux d'avant : {}",
                    entry.seq,
                    entry.event.kind(),
                    error.0
                ),
                format!(
                    "Event {} ({}) cannot follow the ones before it: {}",
                    entry.seq,
                    entry.event.kind(),
                    error.0
                ),
            ));
            return Ok(report);
        }
    }
    let breaches = workshop.rule_breaches();
    if breaches.is_empty() {
        report.checks.push(say(
            format!(
                "Le journal se rejoue avec les règles de Ruche ({} événements), et aucun résultat ne les enfreint.",
                entries.len()
            ),
            format!(
                "The log replays with Ruche's rules ({} events), and no result breaks them.",
                entries.len()
            ),
        ));
    }
    for breach in breaches {
        report.problems.push(say(
            format!("Une règle est enfreinte : {}", breach.fr),
            format!("A rule is broken: {}", breach.en),
        ));
    }
    let recount =
        serde_json::to_value(export::export(id, &workshop)).expect("an export always encodes");
    let mut differences = Vec::new();
    for section in FIGURES {
        let empty = Value::Array(Vec::new());
        let stated = export.get(section).unwrap_or(&empty);
        let counted = recount.get(section).unwrap_or(&empty);
        compare(section.to_owned(), stated, counted, &mut differences);
    }
    if differences.is_empty() {
        report.checks.push(say(
            "Chaque chiffre de l'export (tables, idées, groupes, points, notes, gommettes) est celui que donne le journal.".into(),
            "Every figure of the export (tables, ideas, groups, points, scores, dots) is the one the log gives.".into(),
        ));
    }
    let total = differences.len();
    for (path, stated, counted) in differences.into_iter().take(DIFFERENCES_SHOWN) {
        report.problems.push(say(
            format!("{path} : l'export dit {stated}, le journal donne {counted}"),
            format!("{path}: the export says {stated}, the log gives {counted}"),
        ));
    }
    if total > DIFFERENCES_SHOWN {
        report.problems.push(say(
            format!("… et {} autres différences", total - DIFFERENCES_SHOWN),
            format!("… and {} more differences", total - DIFFERENCES_SHOWN),
        ));
    }
    Ok(report)
}

/// Missing, repeated and moved events, by their numbers.
fn check_order(entries: &[ChainedEvent], say: &dyn Fn(String, String) -> String) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for entry in entries {
        if !seen.insert(entry.seq) {
            problems.push(say(
                format!(
                    "L'événement {} figure deux fois dans le journal.",
                    entry.seq
                ),
                format!("Event {} appears twice in the log.", entry.seq),
            ));
        }
    }
    let last = seen.last().copied().unwrap_or(0);
    let missing: Vec<Seq> = (1..=last).filter(|seq| !seen.contains(seq)).collect();
    for seq in missing {
        problems.push(say(
            format!("L'événement {seq} manque au journal (retiré)."),
            format!("Event {seq} is missing from the log (removed)."),
        ));
    }
    if let Some(pair) = entries.windows(2).find(|pair| pair[1].seq < pair[0].seq) {
        problems.push(say(
            format!(
                "L'événement {} vient après l'événement {} : le journal a été réordonné.",
                pair[1].seq, pair[0].seq
            ),
            format!(
                "Event {} comes after event {}: the log was reordered.",
                pair[1].seq, pair[0].seq
            ),
        ));
    }
    problems
}

/// Each link, the export's final hash, and the reader's, if given; whether
/// every link (the export's final hash included) holds.
#[allow(clippy::too_many_arguments)]
fn check_chain(
    id: &str,
    created_at_ms: u64,
    config: &WorkshopConfig,
    entries: &[ChainedEvent],
    export: &Value,
    expected_hash: Option<&str>,
    say: &dyn Fn(String, String) -> String,
    report: &mut Report,
) -> bool {
    let problems_before = report.problems.len();
    let root = chain::root(id, created_at_ms, config);
    // Each link from the hash written before it: a changed event is named
    // alone, not with every event after it.
    let mut written_before = root;
    let mut recomputed = root;
    for (position, entry) in entries.iter().enumerate() {
        let link = chain::link(&written_before, entry.seq, entry.at_ms, &entry.event);
        let written = chain::parse_hash(&entry.hash);
        let follows_its_predecessor = match position {
            0 => entry.seq == 1,
            _ => entries[position - 1].seq + 1 == entry.seq,
        };
        if written != Some(link) && follows_its_predecessor {
            report.problems.push(say(
                format!(
                    "L'événement {} ({}) n'est plus celui qui a été enregistré : son empreinte ne correspond pas.",
                    entry.seq,
                    entry.event.kind()
                ),
                format!(
                    "Event {} ({}) is not the one recorded: its hash does not match.",
                    entry.seq,
                    entry.event.kind()
                ),
            ));
        }
        written_before = written.unwrap_or(link);
        recomputed = chain::link(&recomputed, entry.seq, entry.at_ms, &entry.event);
    }
    report.final_hash = hex::encode(recomputed);
    let written_final = entries.last().map_or(hex::encode(root), |e| e.hash.clone());
    if export["log_hash"].as_str() != Some(written_final.as_str()) {
        report.problems.push(say(
            "L'empreinte finale de l'export (log_hash) n'est pas celle du dernier événement du \
             journal : des événements ont été retirés à la fin, ou le dernier a été changé."
                .into(),
            "The export's final hash (log_hash) is not the last event's: events were removed \
             from the end of the log, or the last one was changed."
                .into(),
        ));
    }
    let links_hold = report.problems.len() == problems_before;
    if let Some(expected) = expected_hash {
        if expected.trim().eq_ignore_ascii_case(&report.final_hash) {
            report.checks.push(say(
                "L'empreinte finale est celle que vous avez donnée (celle de la synthèse).".into(),
                "The final hash is the one you gave (the report's).".into(),
            ));
        } else {
            report.problems.push(say(
                format!(
                    "L'empreinte finale du journal est {}, pas {} : ce n'est pas le journal de la synthèse.",
                    report.final_hash,
                    expected.trim()
                ),
                format!(
                    "The log's final hash is {}, not {}: this is not the report's log.",
                    report.final_hash,
                    expected.trim()
                ),
            ));
        }
    }
    links_hold
}

/// Every place where `stated` and `counted` differ: (path, stated, counted).
fn compare(path: String, stated: &Value, counted: &Value, out: &mut Vec<(String, String, String)>) {
    match (stated, counted) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let missing = Value::Null;
                compare(
                    format!("{path}.{key}"),
                    a.get(key).unwrap_or(&missing),
                    b.get(key).unwrap_or(&missing),
                    out,
                );
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                out.push((
                    format!("{path} (nombre / count)"),
                    a.len().to_string(),
                    b.len().to_string(),
                ));
            }
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                // Name the item where there is one: « bars[2] (i7) ».
                let named = match y.get("item").and_then(Value::as_str) {
                    Some(item) => format!("{path}[{index}] ({item})"),
                    None => format!("{path}[{index}]"),
                };
                compare(named, x, y, out);
            }
        }
        _ if stated == counted => {}
        _ => out.push((path, stated.to_string(), counted.to_string())),
    }
}
