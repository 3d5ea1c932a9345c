//! The export as a workbook (`.xlsx`) for the office that follows the
//! workshop up: a summary sheet, the ideas and their groups, and per step its
//! own sheets (the vote's histogram with its chart and the points per table;
//! the scoring's statistics per idea and criterion with the distribution;
//! the dot vote's tally), in the workshop's language. Built from the export,
//! so it says what the CSV and the synthesis say. Cells are written as text
//! or numbers, never as formulas: nothing a participant typed can run.

use rust_xlsxwriter::{Chart, ChartType, Format, Workbook, Worksheet, XlsxError};

use ruche_shared::methods::journey;
use ruche_shared::methods::scoring::texts::consensus_label;
use ruche_shared::stats::rank_among;
use ruche_shared::{ItemRef, Lang, Workshop};

use super::export::{Export, ExportIdea};

/// Sheet names, headers and labels, in one language.
struct Words {
    summary: &'static str,
    ideas: &'static str,
    step: &'static str,
    vote: &'static str,
    per_table: &'static str,
    paper: &'static str,
    scores: &'static str,
    dots: &'static str,
    title: &'static str,
    question: &'static str,
    place: &'static str,
    conclusions: &'static str,
    tables: &'static str,
    log_hash: &'static str,
    item: &'static str,
    text: &'static str,
    table: &'static str,
    group: &'static str,
    set_aside: &'static str,
    corrected: &'static str,
    yes: &'static str,
    facilitator: &'static str,
    rank: &'static str,
    points: &'static str,
    tables_giving: &'static str,
    criterion: &'static str,
    count: &'static str,
    mean: &'static str,
    median: &'static str,
    q1: &'static str,
    q3: &'static str,
    std_dev: &'static str,
    support: &'static str,
    view: &'static str,
    people: &'static str,
    journey: &'static str,
    stage: &'static str,
    on_the_map: &'static str,
    category: &'static str,
    role: &'static str,
}

const FR: Words = Words {
    summary: "Atelier",
    ideas: "Idées",
    step: "Étape",
    vote: "vote",
    per_table: "points par table",
    paper: "papier",
    scores: "notes",
    dots: "gommettes",
    title: "Titre",
    question: "Question",
    place: "Lieu",
    conclusions: "Conclusions",
    tables: "Tables",
    log_hash: "Empreinte du journal (SHA-256)",
    item: "Élément",
    text: "Texte",
    table: "Table",
    group: "Groupe",
    set_aside: "Écartée",
    corrected: "Modifiée par l’animateur",
    yes: "oui",
    facilitator: "animateur",
    rank: "Rang",
    points: "Points",
    tables_giving: "Tables",
    criterion: "Critère",
    count: "Notes",
    mean: "Moyenne",
    median: "Médiane",
    q1: "1er quartile",
    q3: "3e quartile",
    std_dev: "Écart type",
    support: "Adhésion",
    view: "Avis de la salle",
    people: "Personnes",
    journey: "parcours",
    stage: "Étape du parcours",
    on_the_map: "Sur la carte du parcours",
    category: "Catégorie",
    role: "Rôle",
};

const EN: Words = Words {
    summary: "Workshop",
    ideas: "Ideas",
    step: "Step",
    vote: "vote",
    per_table: "points per table",
    paper: "paper",
    scores: "scores",
    dots: "dots",
    title: "Title",
    question: "Question",
    place: "Venue",
    conclusions: "Conclusions",
    tables: "Tables",
    log_hash: "Log hash (SHA-256)",
    item: "Item",
    text: "Text",
    table: "Table",
    group: "Group",
    set_aside: "Set aside",
    corrected: "Corrected by the facilitator",
    yes: "yes",
    facilitator: "facilitator",
    rank: "Rank",
    points: "Points",
    tables_giving: "Tables",
    criterion: "Criterion",
    count: "Scores",
    mean: "Mean",
    median: "Median",
    q1: "1st quartile",
    q3: "3rd quartile",
    std_dev: "Std deviation",
    support: "Support",
    view: "The room's view",
    people: "People",
    journey: "journey",
    stage: "Journey stage",
    on_the_map: "On the journey map",
    category: "Category",
    role: "Role",
};

/// The workbook of `export` (of `workshop`, whose item labels it uses, as
/// the CSV does), as the bytes of an `.xlsx` file.
pub fn to_xlsx(export: &Export, workshop: &Workshop) -> Result<Vec<u8>, XlsxError> {
    let lang = export.workshop.lang;
    let w = match lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    };
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    let text_of = |item: ItemRef| -> String { workshop.item_label(item).to_owned() };

    let sheet = book.add_worksheet().set_name(w.summary)?;
    let rows = [
        (w.title, export.workshop.title.clone()),
        (w.question, export.workshop.question.clone()),
        (w.place, export.workshop.place.clone()),
        (w.conclusions, export.workshop.conclusions.clone()),
        (w.tables, export.tables.len().to_string()),
        (w.ideas, export.ideas.len().to_string()),
    ];
    for (row, (label, value)) in rows.iter().enumerate() {
        sheet.write_string_with_format(row as u32, 0, *label, &bold)?;
        sheet.write_string(row as u32, 1, value)?;
    }
    if let Some(audit) = &export.audit {
        sheet.write_string_with_format(rows.len() as u32, 0, w.log_hash, &bold)?;
        sheet.write_string(rows.len() as u32, 1, &audit.log_hash)?;
    }
    sheet.set_column_width(0, 30)?.set_column_width(1, 80)?;

    if !export.ideas.is_empty() {
        let sheet = book.add_worksheet().set_name(w.ideas)?;
        // A column for where a note sits on a journey, an idea's category
        // and its role, only when some idea has one: a plain workshop's
        // sheet stays as it was.
        let lang = export.workshop.lang;
        let extra: Vec<(&str, IdeaCell)> = [
            (w.on_the_map, on_the_map as IdeaCell),
            (w.category, category_of),
            (w.role, role_of),
        ]
        .into_iter()
        .filter(|(_, cell)| export.ideas.iter().any(|idea| cell(idea, lang).is_some()))
        .collect();
        let mut labels = vec![w.item, w.text, w.table, w.group, w.set_aside, w.corrected];
        labels.extend(extra.iter().map(|(label, _)| *label));
        header(sheet, &labels, &bold)?;
        for (n, idea) in export.ideas.iter().enumerate() {
            let row = n as u32 + 1;
            sheet.write_string(row, 0, idea.item.to_string())?;
            sheet.write_string(row, 1, &idea.text)?;
            sheet.write_string(row, 2, idea.author.as_deref().unwrap_or(w.facilitator))?;
            let group = idea.cluster.map(&text_of).unwrap_or_default();
            sheet.write_string(row, 3, group)?;
            if idea.hidden {
                sheet.write_string(row, 4, w.yes)?;
            }
            if idea.corrected {
                sheet.write_string(row, 5, w.yes)?;
            }
            for (column, (_, cell)) in (6..).zip(&extra) {
                if let Some(said) = cell(idea, lang) {
                    sheet.write_string(row, column, said)?;
                }
            }
        }
        sheet.set_column_width(1, 70)?.set_column_width(3, 40)?;
    }

    // A journey: a stage per row, its ratings' figures and counts.
    for journey_map in &export.journeys {
        let name = truncated(&format!(
            "{} {} · {}",
            w.step,
            journey_map.step + 1,
            w.journey
        ));
        let sheet = book.add_worksheet().set_name(&name)?;
        let smileys: Vec<&str> = (journey::RATING_MIN..=journey::RATING_MAX)
            .map(journey::texts::smiley)
            .collect();
        let mut labels = vec![w.stage, w.text, w.median, w.mean, w.count];
        labels.extend(&smileys);
        header(sheet, &labels, &bold)?;
        for (n, stage) in journey_map.stages.iter().enumerate() {
            let row = n as u32 + 1;
            sheet.write_number(row, 0, f64::from(stage.stage))?;
            sheet.write_string(row, 1, &stage.name)?;
            if let Some(median) = stage.median {
                sheet.write_number(row, 2, median)?;
            }
            if let Some(mean) = stage.mean {
                sheet.write_number(row, 3, mean)?;
            }
            let count: u32 = stage.counts.iter().sum();
            sheet.write_number(row, 4, f64::from(count))?;
            for (c, n) in (5..).zip(&stage.counts) {
                sheet.write_number(row, c, f64::from(*n))?;
            }
        }
        sheet.set_column_width(1, 40)?;
    }

    for vote in &export.votes {
        let step = vote.histogram.step + 1;
        let name = truncated(&format!("{} {step} · {}", w.step, w.vote));
        let sheet = book.add_worksheet().set_name(&name)?;
        let bars = vote
            .histogram
            .bars
            .iter()
            .map(|b| (b.item, b.points, b.tables));
        ranked(sheet, [w.points, w.tables_giving], bars, &text_of, w, &bold)?;
        let last = vote.histogram.bars.len() as u32;
        if last > 0 {
            let mut chart = Chart::new(ChartType::Bar);
            chart
                .add_series()
                .set_categories((name.as_str(), 1, 2, last, 2))
                .set_values((name.as_str(), 1, 3, last, 3))
                .set_name(w.points);
            chart.title().set_name(&name);
            chart.legend().set_hidden();
            // Largest first from the top, as on the wall.
            chart.y_axis().set_reverse();
            sheet.insert_chart(1, 6, &chart)?;
        }

        // Points per table: one row per item, one column per table.
        let name = truncated(&format!("{} {step} · {}", w.step, w.per_table));
        let sheet = book.add_worksheet().set_name(&name)?;
        sheet.write_string_with_format(0, 0, w.item, &bold)?;
        sheet.write_string_with_format(0, 1, w.text, &bold)?;
        for (column, table) in export.tables.iter().enumerate() {
            sheet.write_string_with_format(0, column as u16 + 2, &table.name, &bold)?;
        }
        // Then a column per paper group, counted apart from the tables.
        let mut groups: Vec<&str> = Vec::new();
        for count in &vote.paper {
            if !groups.contains(&count.group.as_str()) {
                groups.push(&count.group);
            }
        }
        let first_group = export.tables.len() as u16 + 2;
        for (column, group) in groups.iter().enumerate() {
            let heading = format!("{} : {group}", w.paper);
            sheet.write_string_with_format(0, first_group + column as u16, &heading, &bold)?;
        }
        for (n, bar) in vote.histogram.bars.iter().enumerate() {
            let row = n as u32 + 1;
            sheet.write_string(row, 0, bar.item.to_string())?;
            sheet.write_string(row, 1, text_of(bar.item))?;
            for (column, table) in export.tables.iter().enumerate() {
                let points: u32 = vote
                    .by_table
                    .iter()
                    .filter(|p| p.table == table.name && p.item == bar.item)
                    .map(|p| p.points)
                    .sum();
                sheet.write_number(row, column as u16 + 2, f64::from(points))?;
            }
            for (column, group) in groups.iter().enumerate() {
                let counted: u32 = vote
                    .paper
                    .iter()
                    .filter(|c| c.group == *group && c.item == bar.item)
                    .map(|c| c.count)
                    .sum();
                sheet.write_number(row, first_group + column as u16, f64::from(counted))?;
            }
        }
        sheet.set_column_width(1, 60)?;
    }

    for scoring in &export.scores {
        let results = &scoring.results;
        let name = truncated(&format!("{} {} · {}", w.step, results.step + 1, w.scores));
        let sheet = book.add_worksheet().set_name(&name)?;
        let mut columns: Vec<String> = [
            w.rank,
            w.text,
            w.criterion,
            w.count,
            w.mean,
            w.median,
            w.q1,
            w.q3,
            w.std_dev,
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let scale = results.scale_min..=results.scale_max;
        columns.extend(scale.clone().map(|score| score.to_string()));
        columns.extend([w.support.to_owned(), w.view.to_owned()]);
        let labels: Vec<&str> = columns.iter().map(String::as_str).collect();
        header(sheet, &labels, &bold)?;
        let mut row = 1;
        for (rank, index) in results.ranking.iter().enumerate() {
            let Some(item) = results.items.iter().find(|i| i.item == *index) else {
                continue;
            };
            for (criterion, stats) in results.criteria.iter().zip(&item.criteria) {
                sheet.write_number(row, 0, rank as f64 + 1.0)?;
                sheet.write_string(row, 1, &item.text)?;
                sheet.write_string(row, 2, &criterion.name)?;
                sheet.write_number(row, 3, f64::from(stats.scorers))?;
                let quartiles = stats.quartiles(results.scale_min);
                let figures = [
                    stats.mean,
                    stats.median,
                    quartiles.map(|q| q.0),
                    quartiles.map(|q| q.1),
                    stats.std_dev,
                ];
                for (offset, figure) in figures.into_iter().enumerate() {
                    if let Some(value) = figure {
                        sheet.write_number(row, 4 + offset as u16, value)?;
                    }
                }
                for (offset, count) in stats.counts.iter().enumerate() {
                    sheet.write_number(row, 9 + offset as u16, f64::from(*count))?;
                }
                let after = 9 + stats.counts.len() as u16;
                if let Some(support) = item.support {
                    sheet.write_number(row, after, support)?;
                }
                sheet.write_string(row, after + 1, consensus_label(item.consensus, lang))?;
                row += 1;
            }
        }
        sheet.set_column_width(1, 45)?.set_column_width(2, 18)?;
        sheet.set_freeze_panes(1, 0)?;
    }

    for dots in &export.dots {
        let name = truncated(&format!("{} {} · {}", w.step, dots.tally.step + 1, w.dots));
        let sheet = book.add_worksheet().set_name(&name)?;
        let bars = dots.tally.bars.iter().map(|b| (b.item, b.dots, b.seats));
        ranked(sheet, [w.dots, w.people], bars, &text_of, w, &bold)?;
    }
    book.save_to_buffer()
}

/// A ranked list, largest first: rank, item, its text and two counts
/// (points and tables, dots and people) named by `counts`.
fn ranked(
    sheet: &mut Worksheet,
    counts: [&str; 2],
    bars: impl Iterator<Item = (ItemRef, u32, u32)>,
    text_of: &dyn Fn(ItemRef) -> String,
    w: &Words,
    bold: &Format,
) -> Result<(), XlsxError> {
    header(sheet, &[w.rank, w.item, w.text, counts[0], counts[1]], bold)?;
    let bars: Vec<(ItemRef, u32, u32)> = bars.collect();
    for (n, &(item, first, second)) in bars.iter().enumerate() {
        let row = n as u32 + 1;
        // Equal counts share a rank (1, 1, 3), as on the wall.
        let (rank, _) = rank_among(bars.iter().map(|b| b.1), first);
        sheet.write_number(row, 0, f64::from(rank))?;
        sheet.write_string(row, 1, item.to_string())?;
        sheet.write_string(row, 2, text_of(item))?;
        sheet.write_number(row, 3, f64::from(first))?;
        sheet.write_number(row, 4, f64::from(second))?;
    }
    sheet.set_column_width(2, 60)?;
    Ok(())
}

/// A bold first row.
/// An optional column of the ideas' sheet: what it says of an idea.
type IdeaCell = fn(&ExportIdea, Lang) -> Option<String>;

/// Where a journey's note sits: « 2. L'accueil · Pensées et émotions ».
fn on_the_map(idea: &ExportIdea, lang: Lang) -> Option<String> {
    let place = idea.journey.as_ref()?;
    let row_name = journey::texts::row_name(lang, place.row);
    Some(format!(
        "{}. {} · {row_name}",
        place.stage, place.stage_name
    ))
}

/// An idea's category (a coloured post-it).
fn category_of(idea: &ExportIdea, _lang: Lang) -> Option<String> {
    idea.category.as_ref().map(|c| c.name.clone())
}

/// The role of the seat that wrote an idea.
fn role_of(idea: &ExportIdea, _lang: Lang) -> Option<String> {
    idea.role.clone()
}

fn header(sheet: &mut Worksheet, labels: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (column, label) in labels.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *label, bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A sheet name within Excel's 31 characters.
fn truncated(name: &str) -> String {
    name.chars().take(31).collect()
}
