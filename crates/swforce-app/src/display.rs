//! Numbers as people read them, shared by the web pages and the CLI.

use crate::snapshot::{Figure, Origin};
use swforce_domain::number::round_half_away;
use swforce_domain::{Cell, Measure, Unit};

/// Thousands separated with commas, `decimals` places: 31634.1 → "31,634.1".
pub fn grouped(value: f64, decimals: u32) -> String {
    let rounded = round_half_away(value, decimals);
    let text = format!("{:.*}", decimals as usize, rounded.abs());
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(text.len() + 4);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    if rounded < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A stored value in the measure's published form: "17.1%", "31,634.1", "16.6".
pub fn value(measure: &Measure, stored: f64) -> String {
    let shown = grouped(measure.unit.to_published(stored), measure.unit.decimals());
    if measure.unit == Unit::Percent {
        format!("{shown}%")
    } else {
        shown
    }
}

/// A cell: its value, or its symbol.
pub fn cell(measure: &Measure, cell: Cell<f64>) -> String {
    match cell {
        Cell::Value(v) => value(measure, v),
        Cell::Symbol(s) => s.as_str().to_string(),
    }
}

/// A stored value as a CSV writes it: the published number at the publisher's precision, with
/// no thousands separators or percent sign: "31634.1", "0.0" (FTE), "17.1" (a rate), "94" (a
/// count). Tools reading the file see the same precision as the release.
pub fn plain(measure: &Measure, stored: f64) -> String {
    let rounded = round_half_away(measure.unit.to_published(stored), measure.unit.decimals());
    // Adding zero turns a negative zero (a small negative difference, rounded) into "0.0".
    format!("{:.*}", measure.unit.decimals() as usize, rounded + 0.0)
}

/// A cell as a CSV writes it: its plain value ([`plain`]), or its symbol.
pub fn plain_cell(measure: &Measure, cell: Cell<f64>) -> String {
    match cell {
        Cell::Value(v) => plain(measure, v),
        Cell::Symbol(s) => s.as_str().to_string(),
    }
}

/// A figure, or an en dash when there is none.
pub fn figure(measure: &Measure, f: Option<&Figure>) -> String {
    f.map_or_else(|| "\u{2013}".to_string(), |f| cell(measure, f.cell))
}

/// A difference in the measure's units: "+2.3 percentage points", "-12.0".
pub fn difference(measure: &Measure, stored: f64) -> String {
    let shown = grouped(
        measure.unit.to_published(stored).abs(),
        measure.unit.decimals(),
    );
    let sign = if round_half_away(measure.unit.to_published(stored), measure.unit.decimals()) == 0.0
    {
        ""
    } else if stored > 0.0 {
        "+"
    } else {
        "-"
    };
    if measure.unit == Unit::Percent {
        format!("{sign}{shown} percentage points")
    } else {
        format!("{sign}{shown}")
    }
}

/// A marker for a figure that is not as published, with its footnote text.
pub fn origin_note(f: &Figure) -> Option<String> {
    origin_note_of(&f.origin)
}

/// The footnote text for where a figure comes from; `None` when published as is.
pub fn origin_note_of(origin: &Origin) -> Option<String> {
    match origin {
        Origin::Published => None,
        Origin::Computed => Some("computed by swforce from the published counts".into()),
        Origin::Continued { predecessors } => Some(format!(
            "before the reorganisation: {}",
            predecessors.join(" and ")
        )),
        Origin::ReportedBy { authority } => Some(format!(
            "published under {authority} alone, which reported for both authorities"
        )),
        Origin::Combined { members } => Some(format!(
            "the sum of {}, published separately",
            members.join(" and ")
        )),
        // Said once beside the column; a cell says so only when some neighbours had no figure.
        Origin::NeighbourMedian { with, of } => (with < of).then(|| {
            format!("the median of the {with} of {of} neighbours with a figure this year")
        }),
    }
}

/// A count with its noun: "1 error", "3 errors" (and "1,200 errors").
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        grouped(n as f64, 0),
        if n == 1 { one } else { many }
    )
}

/// A stored moment ("2026-12-03T16:14:58Z") in words: "3 December 2026 at 16:14 UTC". A date
/// alone ("2026-12-03") reads "3 December 2026"; anything else is shown as it is.
pub fn when(stored: &str) -> String {
    let (day, time) = stored.split_once(['T', ' ']).unwrap_or((stored, ""));
    let Ok(date) = swforce_domain::date::Date::parse(day) else {
        return stored.to_string();
    };
    match time.get(..5) {
        Some(hm) if hm.as_bytes().get(2) == Some(&b':') => {
            format!("{} at {hm} UTC", date.long())
        }
        _ => date.long(),
    }
}

/// 1 → "1st", 22 → "22nd", 113 → "113th".
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Text for a CSV cell that a spreadsheet will not run as a formula: a leading `=`, `+`, `-`,
/// `@`, tab or carriage return gets an apostrophe before it.
pub fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// Words made to start a sentence or a label: "social workers" → "Social workers".
pub fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A sentence made to follow other words: "Hours cannot..." → "hours cannot...". A first
/// word in capitals ("IT") is left as it is.
pub fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        // Leave "IT" and quoted text as they are.
        Some(c) if c.is_uppercase() && chars.clone().next().is_some_and(char::is_lowercase) => {
            c.to_lowercase().chain(chars).collect()
        }
        _ => text.to_string(),
    }
}

/// Whether `text` is one line of plain text: no control characters, no Unicode line or
/// paragraph separators, no invisible formatting characters (zero-width, direction overrides,
/// byte order mark), and no `=?` that a mail program would read as an encoded word.
pub fn is_one_line(text: &str) -> bool {
    !text.contains("=?") && !text.chars().any(breaks_a_line)
}

/// Whether `c` is a control character, a Unicode line or paragraph separator, or an invisible
/// formatting character (zero-width, direction override, byte order mark).
pub fn breaks_a_line(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// Refuses text that holds a control character (a line break, a tab, a NUL...): names and
/// titles reach email headers, response headers and log lines, where a line break would start
/// a new header or a forged line. `what` names the box, as the person sees it.
pub fn one_line(what: &str, text: &str) -> Result<(), crate::AppError> {
    if !is_one_line(text) {
        return Err(crate::AppError::Invalid {
            problem: format!("{what} must be on one line, without control characters"),
            fix: "Type it again without line breaks or tabs".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_are_said_in_words() {
        assert_eq!(when("2026-12-03T16:14:58Z"), "3 December 2026 at 16:14 UTC");
        assert_eq!(when("2026-12-03"), "3 December 2026");
        assert_eq!(when("2026-12-03 16:14:58"), "3 December 2026 at 16:14 UTC");
        assert_eq!(when("soon"), "soon");
    }

    #[test]
    fn numbers_are_grouped_and_rounded_as_published() {
        assert_eq!(grouped(31634.1, 1), "31,634.1");
        assert_eq!(grouped(335563.0, 0), "335,563");
        assert_eq!(grouped(999.95, 1), "1,000.0");
        assert_eq!(grouped(-1234.0, 0), "-1,234");
        assert_eq!(grouped(0.0, 1), "0.0");
    }

    #[test]
    fn rates_show_as_percentages_and_differences_as_points() {
        let turnover = Measure::named("turnover_rate_fte").unwrap();
        assert_eq!(value(turnover, 0.171), "17.1%");
        assert_eq!(difference(turnover, 0.023), "+2.3 percentage points");
        assert_eq!(difference(turnover, -0.0001), "0.0 percentage points");
        assert_eq!(ordinal(1), "1st");
        assert_eq!(ordinal(12), "12th");
        assert_eq!(ordinal(23), "23rd");
    }

    #[test]
    fn csv_numbers_keep_the_published_decimals_without_separators() {
        let fte = Measure::named("inpost_fte").unwrap();
        let turnover = Measure::named("turnover_rate_fte").unwrap();
        let people = Measure::named("inpost_headcount").unwrap();
        assert_eq!(plain(fte, 0.0), "0.0");
        assert_eq!(plain(fte, 316.0), "316.0");
        assert_eq!(plain(fte, 31634.14), "31634.1");
        assert_eq!(plain(turnover, 0.171), "17.1");
        assert_eq!(plain(turnover, 0.18), "18.0");
        assert_eq!(plain(people, 1234.0), "1234");
        assert_eq!(plain(fte, -0.01), "0.0", "no negative zero");
        assert_eq!(
            plain_cell(fte, Cell::Symbol(swforce_domain::EesSymbol::C)),
            "c"
        );
    }

    #[test]
    fn text_that_a_spreadsheet_would_run_is_defused() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("-2+3"), "'-2+3");
        assert_eq!(
            spreadsheet_safe("Harbour Social Care Ltd"),
            "Harbour Social Care Ltd"
        );
    }

    #[test]
    fn a_sentence_follows_other_words_but_capitals_stay() {
        assert_eq!(
            lower_first("Hours cannot be negative"),
            "hours cannot be negative"
        );
        assert_eq!(lower_first("IT problems"), "IT problems");
        assert_eq!(
            lower_first("\"lots\" is not a number"),
            "\"lots\" is not a number"
        );
        assert_eq!(lower_first(""), "");
    }
}
