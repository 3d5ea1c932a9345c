//! The export as one CSV table, one row per fact, that a spreadsheet opens
//! as it is in a French office: UTF-8 with a byte-order mark (Excel reads
//! UTF-8 only with it), and for a French workshop `;` between cells, decimal
//! commas, and French column and section names; steps numbered from 1 as on
//! the screens; consensus labels in the workshop's language. Every cell a
//! spreadsheet would run as a formula is neutralised.

use ruche_shared::methods::journey::Row;
use ruche_shared::methods::paper_votes::PaperCount;
use ruche_shared::methods::scoring::texts::consensus_label;
use ruche_shared::{Lang, Workshop};

use super::export::Export;

/// How a CSV is written for one language.
struct Dialect {
    lang: Lang,
}

impl Dialect {
    fn delimiter(&self) -> u8 {
        match self.lang {
            Lang::Fr => b';',
            Lang::En => b',',
        }
    }

    fn header(&self) -> [&'static str; 9] {
        match self.lang {
            Lang::Fr => [
                "rubrique",
                "étape",
                "table",
                "place",
                "élément",
                "texte",
                "critère",
                "valeur",
                "détail",
            ],
            Lang::En => [
                "section",
                "step",
                "table",
                "seat",
                "item",
                "text",
                "criterion",
                "value",
                "detail",
            ],
        }
    }

    /// A section's name, from its English code.
    fn section(&self, code: &'static str) -> &'static str {
        if self.lang == Lang::En {
            return code;
        }
        match code {
            "idea" => "idée",
            "cluster" => "groupe",
            "vote" => "vote",
            "vote_total" => "total_vote",
            "dot" => "gommette",
            "dot_total" => "total_gommettes",
            "paper" => "papier",
            "score" => "note",
            "score_count" => "nombre_de_notes",
            "score_mean" => "moyenne",
            "score_median" => "médiane",
            "score_std_dev" => "écart_type",
            "score_iqr" => "écart_interquartile",
            "score_support" => "adhésion",
            "log_hash" => "empreinte_du_journal",
            "journey_rating" => "note_parcours",
            "journey_median" => "médiane_parcours",
            other => other,
        }
    }

    /// A figure with at most 4 decimals, no trailing zeros, and the
    /// language's decimal mark: 5,9333 / 5.9333.
    fn figure(&self, value: f64) -> String {
        let text = format_figure(value);
        match self.lang {
            Lang::Fr => text.replace('.', ","),
            Lang::En => text,
        }
    }

    /// A step's number as the screens show it (from 1).
    fn step(&self, index: usize) -> String {
        (index + 1).to_string()
    }

    /// « cercle 2 » (a spider web's idea).
    fn circle(&self, circle: u8) -> String {
        match self.lang {
            Lang::Fr => format!("cercle {circle}"),
            Lang::En => format!("circle {circle}"),
        }
    }

    /// « étape 2 du parcours (L'arrivée) · Pensées et émotions » (a
    /// journey's note).
    fn journey_place(&self, stage: u8, name: &str, row: Row) -> String {
        let row = ruche_shared::methods::journey::texts::row_name(self.lang, row);
        match self.lang {
            Lang::Fr => format!("étape {stage} du parcours ({name}) · {row}"),
            Lang::En => format!("journey stage {stage} ({name}) · {row}"),
        }
    }

    /// « rôle agent » (who wrote it, « Regards croisés »).
    fn role(&self, name: &str) -> String {
        match self.lang {
            Lang::Fr => format!("rôle {name}"),
            Lang::En => format!("role {name}"),
        }
    }

    /// « catégorie Besoins » (a coloured post-it).
    fn category(&self, name: &str) -> String {
        match self.lang {
            Lang::Fr => format!("catégorie {name}"),
            Lang::En => format!("category {name}"),
        }
    }

    fn corrected(&self) -> &'static str {
        match self.lang {
            Lang::Fr => "modifiée par l'animateur",
            Lang::En => "corrected by the facilitator",
        }
    }

    fn hidden(&self) -> &'static str {
        match self.lang {
            Lang::Fr => "masquée",
            Lang::En => "hidden",
        }
    }

    fn inside(&self, cluster: &str) -> String {
        match self.lang {
            Lang::Fr => format!("dans {cluster}"),
            Lang::En => format!("in {cluster}"),
        }
    }

    fn tables(&self, count: u32) -> String {
        format!("{count} tables")
    }

    fn people(&self, count: u32) -> String {
        match self.lang {
            Lang::Fr => format!("{count} personnes"),
            Lang::En => format!("{count} people"),
        }
    }
}

/// The UTF-8 byte-order mark that tells Excel how the file is encoded.
pub const BOM: &str = "\u{feff}";

/// A vote's paper counts, one row each, the paper group where a table's
/// name goes: counted apart from the tablets'.
fn paper_rows(
    counts: &[PaperCount],
    step: &str,
    d: &Dialect,
    workshop: &Workshop,
    row: &mut impl FnMut([&str; 9]) -> Result<(), csv::Error>,
) -> Result<(), csv::Error> {
    for count in counts {
        let (item, value) = (count.item.to_string(), count.count.to_string());
        row([
            d.section("paper"),
            step,
            &count.group,
            "",
            &item,
            workshop.item_label(count.item),
            "",
            &value,
            "",
        ])?;
    }
    Ok(())
}

/// The export as CSV, in the workshop's language.
pub fn to_csv(export: &Export, workshop: &Workshop) -> Result<String, csv::Error> {
    let d = Dialect {
        lang: workshop.config().setup().lang,
    };
    let mut out = csv::WriterBuilder::new()
        .delimiter(d.delimiter())
        .from_writer(BOM.as_bytes().to_vec());
    out.write_record(d.header())?;
    let mut row = |cells: [&str; 9]| {
        out.write_record(cells.map(|cell| neutralise_formula(cell).into_owned()))
    };
    for idea in &export.ideas {
        let mut detail = match (idea.hidden, idea.cluster) {
            (true, _) => d.hidden().to_owned(),
            (false, Some(cluster)) => d.inside(&cluster.to_string()),
            (false, None) => String::new(),
        };
        if idea.corrected {
            let sep = if detail.is_empty() { "" } else { " ; " };
            detail = format!("{detail}{sep}{}", d.corrected());
        }
        if let Some(circle) = idea.circle {
            let sep = if detail.is_empty() { "" } else { " ; " };
            detail = format!("{detail}{sep}{}", d.circle(circle));
        }
        if let Some(category) = &idea.category {
            let sep = if detail.is_empty() { "" } else { " ; " };
            detail = format!("{detail}{sep}{}", d.category(&category.name));
        }
        if let Some(role) = &idea.role {
            let sep = if detail.is_empty() { "" } else { " ; " };
            detail = format!("{detail}{sep}{}", d.role(role));
        }
        if let Some(place) = &idea.journey {
            let sep = if detail.is_empty() { "" } else { " ; " };
            let said = d.journey_place(place.stage, &place.stage_name, place.row);
            detail = format!("{detail}{sep}{said}");
        }
        let item = idea.item.to_string();
        let author = idea.author.as_deref().unwrap_or("");
        row([
            d.section("idea"),
            "",
            author,
            "",
            &item,
            &idea.text,
            "",
            "",
            &detail,
        ])?;
    }
    for cluster in &export.clusters {
        let ideas: Vec<String> = cluster.ideas.iter().map(ToString::to_string).collect();
        let item = cluster.item.to_string();
        let title = &cluster.title;
        row([
            d.section("cluster"),
            "",
            "",
            "",
            &item,
            title,
            "",
            "",
            &ideas.join(" "),
        ])?;
    }
    for vote in &export.votes {
        let step = d.step(vote.histogram.step);
        for points in &vote.by_table {
            let (item, value) = (points.item.to_string(), points.points.to_string());
            let text = workshop.item_label(points.item);
            row([
                d.section("vote"),
                &step,
                &points.table,
                "",
                &item,
                text,
                "",
                &value,
                "",
            ])?;
        }
        paper_rows(&vote.paper, &step, &d, workshop, &mut row)?;
        for bar in &vote.histogram.bars {
            let (item, value) = (bar.item.to_string(), bar.points.to_string());
            let text = workshop.item_label(bar.item);
            let tables = d.tables(bar.tables);
            row([
                d.section("vote_total"),
                &step,
                "",
                "",
                &item,
                text,
                "",
                &value,
                &tables,
            ])?;
        }
    }
    for dots in &export.dots {
        let step = d.step(dots.tally.step);
        for dot in &dots.by_seat {
            let (item, seat) = (dot.item.to_string(), dot.seat.to_string());
            let text = workshop.item_label(dot.item);
            let value = dot.dots.to_string();
            row([
                d.section("dot"),
                &step,
                &dot.table,
                &seat,
                &item,
                text,
                "",
                &value,
                "",
            ])?;
        }
        paper_rows(&dots.paper, &step, &d, workshop, &mut row)?;
        for bar in &dots.tally.bars {
            let (item, value) = (bar.item.to_string(), bar.dots.to_string());
            let text = workshop.item_label(bar.item);
            let people = d.people(bar.seats);
            row([
                d.section("dot_total"),
                &step,
                "",
                "",
                &item,
                text,
                "",
                &value,
                &people,
            ])?;
        }
    }
    for scoring in &export.scores {
        let step = d.step(scoring.results.step);
        let text_of = |item: u32| {
            scoring
                .results
                .items
                .get(item as usize)
                .map_or("", |i| i.text.as_str())
        };
        for s in &scoring.by_seat {
            let (seat, item, value) = (s.seat.to_string(), s.item.to_string(), s.score.to_string());
            let text = text_of(s.item);
            row([
                d.section("score"),
                &step,
                &s.table,
                &seat,
                &item,
                text,
                &s.criterion,
                &value,
                "",
            ])?;
        }
        for item in &scoring.results.items {
            let index = item.item.to_string();
            for (stats, criterion) in item.criteria.iter().zip(&scoring.results.criteria) {
                let figures = [
                    ("score_count", Some(f64::from(stats.scorers))),
                    ("score_mean", stats.mean),
                    ("score_median", stats.median),
                    ("score_std_dev", stats.std_dev),
                    ("score_iqr", stats.iqr),
                ];
                for (section, value) in figures {
                    let value = value.map(|v| d.figure(v)).unwrap_or_default();
                    let name = &criterion.name;
                    row([
                        d.section(section),
                        &step,
                        "",
                        "",
                        &index,
                        &item.text,
                        name,
                        &value,
                        "",
                    ])?;
                }
            }
            let label = consensus_label(item.consensus, d.lang);
            let support = item.support.map(|v| d.figure(v)).unwrap_or_default();
            row([
                d.section("score_support"),
                &step,
                "",
                "",
                &index,
                &item.text,
                "",
                &support,
                label,
            ])?;
        }
    }
    for journey in &export.journeys {
        let step = d.step(journey.step);
        for stage in &journey.stages {
            let number = stage.stage.to_string();
            for rating in &stage.by_table {
                let value = rating.rating.to_string();
                row([
                    d.section("journey_rating"),
                    &step,
                    &rating.table,
                    "",
                    &number,
                    &stage.name,
                    "",
                    &value,
                    "",
                ])?;
            }
            let median = stage.median.map(|v| d.figure(v)).unwrap_or_default();
            let count: u32 = stage.counts.iter().sum();
            let ratings = ruche_shared::methods::journey::texts::median_of(d.lang, None, 0);
            let detail = if count == 0 {
                ratings
            } else {
                count.to_string()
            };
            row([
                d.section("journey_median"),
                &step,
                "",
                "",
                &number,
                &stage.name,
                "",
                &median,
                &detail,
            ])?;
        }
    }
    if let Some(audit) = &export.audit {
        // Ties this table to its log: `ruche-server verify --hash` on the JSON export.
        let events = audit.log.len().to_string();
        row([
            d.section("log_hash"),
            "",
            "",
            "",
            "",
            "",
            "",
            &audit.log_hash,
            &events,
        ])?;
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8"))
}

/// The file name a download gets: the workshop's title and the day,
/// `ruche-salle-municipale-2026-11-29.csv`.
pub fn file_name(title: &str, day: &str, extension: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if !(c == '-' && (slug.is_empty() || slug.ends_with('-'))) {
            slug.push(c);
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(60).collect();
    let slug = if slug.is_empty() {
        "atelier".to_owned()
    } else {
        slug
    };
    format!("ruche-{slug}-{day}.{extension}")
}

/// Today's date (UTC) as `2026-11-29`.
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    civil_date(days)
}

/// The calendar date `days` after 1970-01-01, as 2026-11-30.
fn civil_date(days: i64) -> String {
    let (year, month, day) = civil(days);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The year, month and day `days` after 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

/// A cell a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+cmd|…`,
/// `@SUM(…)`, or one behind a tab or carriage return) gets a leading `'`,
/// as OWASP recommends: the text reads the same and nothing runs. Numbers
/// (a negative figure, with a decimal point or comma) are left as they are.
pub fn neutralise_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    if risky && cell.trim().replace(',', ".").parse::<f64>().is_err() {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A figure with at most 4 decimals and no trailing zeros: 5.9333, 2, 0.5.
fn format_figure(value: f64) -> String {
    let text = format!("{value:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_neutralised() {
        for formula in [
            "=HYPERLINK(\"http://evil.example\",\"clic\")",
            "=cmd|'/C calc'!A0",
            "+1+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1:A9)",
            "\t=1+1",
            "\r=1+1",
        ] {
            assert_eq!(neutralise_formula(formula), format!("'{formula}"));
        }
        for plain in ["Une idée", "-3", "-0,5", "5.9333", "", "a=b", "moins - que"] {
            assert_eq!(neutralise_formula(plain), plain);
        }
    }

    #[test]
    fn figures_are_short_with_the_languages_decimal_mark() {
        assert_eq!(format_figure(89.0 / 15.0), "5.9333");
        assert_eq!(format_figure(2.0), "2");
        assert_eq!(format_figure(0.5), "0.5");
        assert_eq!(Dialect { lang: Lang::Fr }.figure(89.0 / 15.0), "5,9333");
        assert_eq!(Dialect { lang: Lang::En }.figure(0.5), "0.5");
    }

    #[test]
    fn each_language_gets_its_spreadsheets_separator_and_words() {
        use ruche_shared::{Template, Workshop, WorkshopConfig};
        let csv_of = |lang| {
            let mut setup = Template::Ideation.setup("S", "Q", vec![], vec![]);
            setup.lang = lang;
            let workshop = Workshop::new(WorkshopConfig::new(setup).unwrap());
            to_csv(&super::super::export::export("w", &workshop), &workshop).unwrap()
        };
        assert!(csv_of(Lang::Fr).starts_with("\u{feff}rubrique;étape;table;place;"));
        assert!(csv_of(Lang::En).starts_with("\u{feff}section,step,table,seat,"));
    }

    #[test]
    fn file_names_carry_the_title_and_the_day() {
        assert_eq!(
            file_name("Salle municipale : été 2026 !", "2026-11-29", "csv"),
            "ruche-salle-municipale-ete-2026-2026-11-29.csv"
        );
        assert_eq!(
            file_name("???", "2026-11-29", "csv"),
            "ruche-atelier-2026-11-29.csv"
        );
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_786), "2026-11-29");
        assert_eq!(civil_date(11_016), "2000-02-29");
    }
}
