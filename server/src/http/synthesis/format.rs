//! How the synthesis writes text, figures, dates and times: escaped for
//! HTML, with the language's decimal mark, « lundi 30 novembre 2026, 18 h 02 »
//! at the reader's offset from UTC (no time-zone database on a laptop
//! server: the console sends its offset).

use ruche_shared::Lang;

/// Text made safe inside HTML (elements and attributes).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A figure with `decimals` decimals and the language's decimal mark.
pub fn number(value: f64, decimals: usize, lang: Lang) -> String {
    let text = format!("{value:.decimals$}");
    match lang {
        Lang::Fr => text.replace('.', ","),
        Lang::En => text,
    }
}

/// The day (since 1970-01-01) and the minute of that day of `ms`, at the
/// reader's offset from UTC.
pub fn local(ms: u64, offset_minutes: Option<i32>) -> (i64, u32) {
    let minutes = (ms / 60_000) as i64 + i64::from(offset_minutes.unwrap_or(0));
    (minutes.div_euclid(1440), minutes.rem_euclid(1440) as u32)
}

/// « 18 h 02 » / "18:02".
pub fn clock(minute_of_day: u32, lang: Lang) -> String {
    let (h, m) = (minute_of_day / 60, minute_of_day % 60);
    match lang {
        Lang::Fr => format!("{h} h {m:02}"),
        Lang::En => format!("{h:02}:{m:02}"),
    }
}

/// « lundi 30 novembre 2026 » / "Monday 30 November 2026".
pub fn long_date(day: i64, lang: Lang) -> String {
    const JOURS: [&str; 7] = [
        "jeudi", "vendredi", "samedi", "dimanche", "lundi", "mardi", "mercredi",
    ];
    const DAYS: [&str; 7] = [
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
    ];
    const MOIS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let (year, month, date) = crate::http::csv_export::civil(day);
    let weekday = day.rem_euclid(7) as usize; // 1970-01-01 was a Thursday
    match lang {
        Lang::Fr => format!(
            "{} {date} {} {year}",
            JOURS[weekday],
            MOIS[month as usize - 1]
        ),
        Lang::En => format!(
            "{} {date} {} {year}",
            DAYS[weekday],
            MONTHS[month as usize - 1]
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_read_as_people_write_them() {
        // 2026-11-30 17:02 UTC is 18 h 02 in Paris (UTC+1 in winter).
        let ms = 1_796_058_120_000;
        let (day, minute) = local(ms, Some(60));
        assert_eq!(long_date(day, Lang::Fr), "lundi 30 novembre 2026");
        assert_eq!(long_date(day, Lang::En), "Monday 30 November 2026");
        assert_eq!(clock(minute, Lang::Fr), "18 h 02");
        assert_eq!(clock(local(ms, None).1, Lang::En), "17:02");
        // Past midnight at the offset: the next day.
        assert_eq!(local(ms + 7 * 3_600_000, Some(60)).0, day + 1);
    }

    #[test]
    fn text_cannot_become_markup() {
        assert_eq!(
            escape(r#"<script>alert("x") & 'y'</script>"#),
            "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;"
        );
        assert_eq!(number(6.26, 1, Lang::Fr), "6,3");
        assert_eq!(number(64.9, 0, Lang::En), "65");
        assert_eq!(
            ruche_shared::StepKind::Scoring.title(Lang::Fr),
            "Évaluation multicritère"
        );
    }
}
