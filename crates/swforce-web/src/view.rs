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
}

impl Layout {
    pub fn new(title: &str) -> Self {
        Self {
            title: title.to_string(),
            nav: "",
            query: String::new(),
        }
    }

    pub fn nav(mut self, nav: &'static str) -> Self {
        self.nav = nav;
        self
    }

    pub fn is(&self, nav: &str) -> bool {
        self.nav == nav
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
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
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
    /// The table as CSV: the head, then each row's plain values.
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(self.head.iter().map(|c| c.raw.as_str()));
        for row in &self.rows {
            let _ = w.write_record(row.iter().map(|c| c.raw.as_str()));
        }
        w.into_inner()
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default()
    }
}
