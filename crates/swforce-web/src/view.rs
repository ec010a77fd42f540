//! What templates render: plain strings prepared here, so templates stay simple and every
//! number is formatted the same way on every page.

use serde::Serialize;

/// The shared frame of every page.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub title: String,
    /// Which top navigation item is current: "home", "compare", "about", "imports".
    pub nav: &'static str,
    /// The header search box's value.
    pub query: String,
    /// Who is signed in, for the header.
    pub person: Option<Person>,
    /// The token every form on the page carries.
    pub csrf: String,
}

/// The signed-in person, as the header shows them.
#[derive(Debug, Clone, Default)]
pub struct Person {
    pub name: String,
    pub organisation: String,
    pub admin: bool,
}

impl Layout {
    pub fn new(title: &str) -> Self {
        let viewer = crate::auth::current();
        let person = viewer.principal.as_ref().map(|p| {
            use swforce_domain::access::Permission;
            Person {
                name: p.user.name.clone(),
                organisation: p.org.name.clone(),
                admin: p.can(Permission::ManageUsers)
                    || p.can(Permission::ViewAudit)
                    || p.can(Permission::ManageSite),
            }
        });
        Self {
            title: title.to_string(),
            nav: "",
            query: String::new(),
            person,
            csrf: viewer.csrf,
        }
    }

    pub fn nav(mut self, nav: &'static str) -> Self {
        self.nav = nav;
        self
    }

    pub fn is(&self, nav: &str) -> bool {
        self.nav == nav
    }

    /// The service's menu: each item's `nav` key, address and words.
    pub fn menu(&self) -> [(&'static str, &'static str, &'static str); 10] {
        [
            ("home", "/", "England"),
            ("compare", "/compare", "Compare authorities"),
            ("projections", "/projections", "Projections"),
            ("census", "/census", "Census return"),
            ("exchange", "/exchange", "80:20 in practice"),
            ("time", "/time", "Time for social work"),
            ("healthcheck", "/healthcheck", "Health check"),
            ("agency", "/agency", "Agency rules"),
            ("about", "/about", "About the data"),
            ("imports", "/imports", "Imports"),
        ]
    }
}

/// A date as the GOV.UK date input asks for it: day, month and year in three boxes, named
/// `{id}-day`, `{id}-month` and `{id}-year`.
#[derive(Debug, Clone, Default)]
pub struct DateInput {
    pub id: String,
    pub legend: String,
    pub hint: String,
    pub day: String,
    pub month: String,
    pub year: String,
    pub error: String,
}

impl DateInput {
    pub fn new(id: &str, legend: &str, hint: &str) -> Self {
        Self {
            id: id.into(),
            legend: legend.into(),
            hint: hint.into(),
            ..Self::default()
        }
    }

    /// The boxes filled in with a date.
    pub fn date(mut self, d: swforce_domain::date::Date) -> Self {
        self.day = d.day().to_string();
        self.month = d.month().to_string();
        self.year = d.year().to_string();
        self
    }

    /// The boxes as they were typed.
    pub fn typed(
        mut self,
        day: &Option<String>,
        month: &Option<String>,
        year: &Option<String>,
    ) -> Self {
        let text = |t: &Option<String>| t.as_deref().unwrap_or("").trim().to_string();
        (self.day, self.month, self.year) = (text(day), text(month), text(year));
        self
    }

    /// The three boxes: part of the name, label, value and width.
    pub fn boxes(&self) -> [(&'static str, &'static str, &str, &'static str); 3] {
        [
            ("day", "Day", &self.day, "2"),
            ("month", "Month", &self.month, "2"),
            ("year", "Year", &self.year, "4"),
        ]
    }

    /// The problem about this date, if any (a problem's target is the date's first box).
    pub fn error_from(mut self, problems: &[crate::error::Problem]) -> Self {
        let found = crate::error::error_for(problems, &format!("{}-day", self.id));
        if !found.is_empty() {
            self.error = found;
        }
        self
    }
}

/// A link in the breadcrumbs.
#[derive(Debug, Clone)]
pub struct Crumb {
    pub text: String,
    pub href: String,
}

/// One table cell: what people see, and the plain value for CSV.
#[derive(Debug, Clone, Serialize)]
pub struct CellView {
    pub text: String,
    pub raw: String,
    pub numeric: bool,
    /// Explanation shown beside the value (a symbol's meaning, a continued series).
    pub note: String,
    /// Optional link (a place's page).
    pub href: String,
    /// Whether the figure was judged by the rules of "Figures to check": a table with such
    /// cells downloads with a `check` column.
    pub checked: bool,
    /// Why the figure should be checked; empty when it need not be.
    pub check: String,
    /// Whether the cell holds a figure whose origin is known: a table with such cells downloads
    /// with a `source` column.
    pub sourced: bool,
    /// Where the figure comes from when it is not as published (a continued series, a joint
    /// unit's figure, one computed from the counts); empty when it is published as it is.
    pub source: String,
}

impl CellView {
    pub fn text(text: impl Into<String>) -> Self {
        let text = text.into();
        Self {
            raw: text.clone(),
            text,
            numeric: false,
            note: String::new(),
            href: String::new(),
            checked: false,
            check: String::new(),
            sourced: false,
            source: String::new(),
        }
    }

    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Self {
        Self {
            href: href.into(),
            ..Self::text(text)
        }
    }

    pub fn number(text: impl Into<String>, raw: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            raw: raw.into(),
            numeric: true,
            note: String::new(),
            href: String::new(),
            checked: false,
            check: String::new(),
            sourced: false,
            source: String::new(),
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }

    /// Marks a figure judged by the rules of "Figures to check", with the reason to check it
    /// when one of them flagged it.
    pub fn with_check(mut self, check: Option<&swforce_app::Check>) -> Self {
        self.checked = true;
        self.check = check.map(|c| c.reason.clone()).unwrap_or_default();
        self
    }

    /// Marks a figure whose origin is known, with the words for it when it is not as published.
    pub fn with_origin(mut self, figure: Option<&swforce_app::Figure>) -> Self {
        self.sourced = true;
        self.source = figure
            .and_then(swforce_app::display::origin_note)
            .unwrap_or_default();
        self
    }
}

/// A table that renders as HTML and downloads as CSV.
#[derive(Debug, Clone, Serialize)]
pub struct TableView {
    pub caption: String,
    pub head: Vec<CellView>,
    /// The first cell of each row is its header.
    pub rows: Vec<Vec<CellView>>,
    /// Where the CSV version lives; empty when there is none.
    pub download: String,
}

impl TableView {
    /// The table as CSV: the head, then each row's plain values. Text that a spreadsheet
    /// would run as a formula (an email address on the audit log, say) is defused; numbers are
    /// written as they are. A table of figures the rules of "Figures to check" judge has a
    /// `check` column: the reason to check a figure of the row, empty when none is flagged. A
    /// table of figures whose origin is known ends with a `source` column: where a figure of the
    /// row comes from when it is not published as it is (a continued series, say), empty when
    /// all are. In both, each note follows its column's heading when the row has several figures.
    pub fn to_csv(&self) -> String {
        let value = |c: &CellView| {
            if c.numeric {
                c.raw.clone()
            } else {
                swforce_app::display::spreadsheet_safe(&c.raw)
            }
        };
        let checked = self.rows.iter().flatten().any(|c| c.checked);
        let sourced = self.rows.iter().flatten().any(|c| c.sourced);
        let mut w = csv::Writer::from_writer(Vec::new());
        // A heading is text (a place's name) even over a column of numbers.
        let mut head: Vec<String> = self
            .head
            .iter()
            .map(|c| swforce_app::display::spreadsheet_safe(&c.raw))
            .collect();
        if checked {
            head.push("check".into());
        }
        if sourced {
            head.push("source".into());
        }
        let _ = w.write_record(head);
        for row in &self.rows {
            let mut out: Vec<String> = row.iter().map(value).collect();
            if checked {
                out.push(self.notes(row, |c| c.checked, |c| &c.check));
            }
            if sourced {
                out.push(self.notes(row, |c| c.sourced, |c| &c.source));
            }
            let _ = w.write_record(out);
        }
        w.into_inner()
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default()
    }

    /// One row's notes of one kind, joined by "; " and safe in a spreadsheet: each after its
    /// column's heading when `counts` marks more than one cell of the row.
    fn notes(
        &self,
        row: &[CellView],
        counts: fn(&CellView) -> bool,
        note: fn(&CellView) -> &String,
    ) -> String {
        let figures = row.iter().filter(|c| counts(c)).count();
        let notes: Vec<String> = row
            .iter()
            .zip(&self.head)
            .filter(|(c, _)| !note(c).is_empty())
            .map(|(c, h)| {
                if figures > 1 {
                    format!("{}: {}", h.raw, note(c))
                } else {
                    note(c).clone()
                }
            })
            .collect();
        swforce_app::display::spreadsheet_safe(&notes.join("; "))
    }
}

/// A text input with its label, hint and error, as the form macros render it.
#[derive(Debug, Clone, Default)]
pub struct Field {
    pub id: String,
    pub label: String,
    pub hint: String,
    pub value: String,
    pub error: String,
    /// `text`, `email` or `password`.
    pub kind: &'static str,
    pub autocomplete: &'static str,
    /// `10`, `20` or empty for the full width.
    pub width: &'static str,
}

impl Field {
    pub fn new(id: &str, label: &str) -> Self {
        Self {
            id: id.into(),
            label: label.into(),
            kind: "text",
            autocomplete: "off",
            ..Self::default()
        }
    }

    pub fn hint(mut self, hint: &str) -> Self {
        self.hint = hint.into();
        self
    }

    pub fn value(mut self, value: &str) -> Self {
        self.value = value.into();
        self
    }

    pub fn kind(mut self, kind: &'static str, autocomplete: &'static str) -> Self {
        self.kind = kind;
        self.autocomplete = autocomplete;
        self
    }

    pub fn width(mut self, width: &'static str) -> Self {
        self.width = width;
        self
    }

    /// Shows `error` on the field when `target` (the problem's field id) is this field.
    pub fn error_from(mut self, problems: &[crate::error::Problem]) -> Self {
        let found = crate::error::error_for(problems, &self.id);
        if !found.is_empty() {
            self.error = found;
        }
        self
    }

    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.id));
        }
        if !self.error.is_empty() {
            ids.push(format!("{}-error", self.id));
        }
        ids.join(" ")
    }
}

/// A group of checkboxes, radios or a select, with its legend, hint and error.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    pub id: String,
    pub legend: String,
    pub hint: String,
    pub error: String,
    /// `checkbox`, `radio` or `select`.
    pub kind: &'static str,
    pub options: Vec<Choice>,
}

#[derive(Debug, Clone, Default)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub hint: String,
    pub checked: bool,
}

impl Choices {
    pub fn new(id: &str, legend: &str, kind: &'static str) -> Self {
        Self {
            id: id.into(),
            legend: legend.into(),
            kind,
            ..Self::default()
        }
    }

    pub fn hint(mut self, hint: &str) -> Self {
        self.hint = hint.into();
        self
    }

    pub fn option(mut self, value: &str, label: &str, hint: &str, checked: bool) -> Self {
        self.options.push(Choice {
            value: value.into(),
            label: label.into(),
            hint: hint.into(),
            checked,
        });
        self
    }

    pub fn error_from(mut self, problems: &[crate::error::Problem]) -> Self {
        let found = crate::error::error_for(problems, &self.id);
        if !found.is_empty() {
            self.error = found;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_csv_defuses_formulas_in_text_but_keeps_negative_numbers() {
        let t = TableView {
            caption: "Audit".into(),
            head: vec![CellView::text("Who"), CellView::text("Change")],
            rows: vec![vec![
                CellView::text("=HYPERLINK(\"http://x\")@example.org"),
                CellView::number("-2.3", "-2.3"),
            ]],
            download: String::new(),
        };
        let csv = t.to_csv();
        assert!(csv.contains("\"'=HYPERLINK"), "{csv}");
        assert!(csv.contains(",-2.3"), "{csv}");
    }

    #[test]
    fn table_csv_says_where_each_figure_comes_from_after_its_check() {
        let continued = swforce_app::Figure {
            year: swforce_domain::Year::parse("2018").unwrap(),
            cell: swforce_domain::Cell::Value(300.0),
            origin: swforce_app::Origin::Continued {
                predecessors: vec!["Bournemouth".into(), "Poole".into()],
            },
        };
        let published = swforce_app::Figure {
            origin: swforce_app::Origin::Published,
            ..continued.clone()
        };
        let t = TableView {
            caption: "In post".into(),
            head: vec![
                CellView::text("Year"),
                CellView::text("BCP"),
                CellView::text("England"),
            ],
            rows: vec![
                vec![
                    CellView::text("2018"),
                    CellView::number("300.0", "300.0")
                        .with_check(None)
                        .with_origin(Some(&continued)),
                    CellView::number("300.0", "300.0")
                        .with_check(None)
                        .with_origin(Some(&published)),
                ],
                vec![
                    CellView::text("2019"),
                    CellView::number("\u{2013}", "").with_origin(None),
                    CellView::number("300.0", "300.0").with_origin(Some(&published)),
                ],
            ],
            download: String::new(),
        };
        assert_eq!(
            t.to_csv(),
            "Year,BCP,England,check,source\n\
             2018,300.0,300.0,,BCP: before the reorganisation: Bournemouth and Poole\n\
             2019,,300.0,,\n"
        );
    }
}
