//! The "80:20 in practice" exchange: examples of what gave social workers more time for
//! relationship-based work, their moderation, and the campaign's ways to get involved.
//!
//! Pure types, checks and Markdown rendering; storage and email live elsewhere.

use crate::access::OrgKind;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};
use serde::{Deserialize, Serialize};

/// The longest title, in characters.
pub const MAX_TITLE: usize = 150;
/// The longest text of each Markdown part, in characters.
pub const MAX_TEXT: usize = 20_000;

/// The practice setting an example comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    ChildrenAndFamilies,
    Adults,
    MentalHealth,
    Other,
}

impl Setting {
    pub const ALL: [Setting; 4] = [
        Self::ChildrenAndFamilies,
        Self::Adults,
        Self::MentalHealth,
        Self::Other,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::ChildrenAndFamilies => "children_and_families",
            Self::Adults => "adults",
            Self::MentalHealth => "mental_health",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ChildrenAndFamilies => "Children and families",
            Self::Adults => "Adults",
            Self::MentalHealth => "Mental health",
            Self::Other => "Other",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == id.trim())
    }
}

/// Who a theme speaks to, as the campaign groups its asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Government,
    Employers,
    Managers,
    Practitioners,
}

impl Audience {
    pub const ALL: [Audience; 4] = [
        Self::Government,
        Self::Employers,
        Self::Managers,
        Self::Practitioners,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::Government => "government",
            Self::Employers => "employers",
            Self::Managers => "managers",
            Self::Practitioners => "practitioners",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Government => "For government",
            Self::Employers => "For employers",
            Self::Managers => "For managers",
            Self::Practitioners => "For practitioners",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.id() == id.trim())
    }
}

/// A theme examples are filed under; campaign leads add and retire them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Theme {
    /// A stable slug, such as `duplicate-recording`.
    pub id: String,
    pub label: String,
    pub audience: Audience,
    /// Retired themes stay on the examples filed under them but are not offered any more.
    pub active: bool,
}

/// The themes the exchange starts with: the campaign's asks, by audience.
pub fn seed_themes() -> Vec<Theme> {
    use Audience::*;
    [
        (
            "national-data-burden",
            "Fewer national data returns and forms",
            Government,
        ),
        (
            "systems-that-work",
            "Case management systems that work for practice",
            Government,
        ),
        (
            "funded-admin-support",
            "Funding for business and admin support",
            Government,
        ),
        (
            "duplicate-recording",
            "Record once, use many times",
            Employers,
        ),
        (
            "admin-support",
            "Business and admin support for social workers",
            Employers,
        ),
        ("manageable-caseloads", "Manageable caseloads", Employers),
        ("better-it", "Equipment and IT that work", Employers),
        ("protected-time", "Protected time for direct work", Managers),
        (
            "quicker-sign-off",
            "Quicker sign-off and fewer approvals",
            Managers,
        ),
        ("reflective-supervision", "Reflective supervision", Managers),
        ("shorter-meetings", "Fewer and shorter meetings", Managers),
        (
            "recording-with-families",
            "Writing records with families",
            Practitioners,
        ),
        (
            "templates-and-dictation",
            "Templates, dictation and voice-to-text",
            Practitioners,
        ),
        (
            "planning-the-week",
            "Planning the week around families",
            Practitioners,
        ),
        (
            "peer-support",
            "Peer support and sharing what works",
            Practitioners,
        ),
    ]
    .into_iter()
    .map(|(id, label, audience)| Theme {
        id: id.into(),
        label: label.into(),
        audience,
        active: true,
    })
    .collect()
}

/// Where an example is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being written; only its author sees it.
    Draft,
    /// A guest's example waiting for its email address to be confirmed.
    Unconfirmed,
    /// Sent for moderation.
    Submitted,
    /// A moderator asked the author for changes.
    ChangesRequested,
    Published,
    Rejected,
    /// Taken down by its author; its personal data is erased.
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Self::Draft,
        Self::Unconfirmed,
        Self::Submitted,
        Self::ChangesRequested,
        Self::Published,
        Self::Rejected,
        Self::Withdrawn,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Unconfirmed => "unconfirmed",
            Self::Submitted => "submitted",
            Self::ChangesRequested => "changes_requested",
            Self::Published => "published",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Unconfirmed => "Waiting for email confirmation",
            Self::Submitted => "Waiting for moderation",
            Self::ChangesRequested => "Changes requested",
            Self::Published => "Published",
            Self::Rejected => "Not published",
            Self::Withdrawn => "Withdrawn",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == id.trim())
    }

    /// Whether the author may still change it.
    pub fn editable(self) -> bool {
        matches!(self, Self::Draft | Self::ChangesRequested)
    }
}

/// One example, with who sent it. The author's details are personal data: they are never
/// shown publicly, and are erased when the example is withdrawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    /// 0 until stored.
    pub id: i64,
    pub status: Status,
    pub title: String,
    /// What the problem was (Markdown).
    pub problem: String,
    /// What changed (Markdown).
    pub change: String,
    pub setting: Setting,
    /// The kind of organisation, when given.
    pub org_kind: Option<OrgKind>,
    /// The region (ONS code), when given.
    pub region: Option<String>,
    /// Theme ids.
    pub themes: Vec<String>,
    /// Hours a week freed for each social worker, when measured.
    pub hours_saved: Option<f64>,
    /// Share of time on direct work before and after, in percent, when measured.
    pub direct_before: Option<u8>,
    pub direct_after: Option<u8>,
    /// Whether the author agrees to be contacted by the campaign about it.
    pub contact_consent: bool,
    /// The signed-in author, if any.
    pub author_user: Option<i64>,
    /// The author's name and email (a guest's, or copied from their account).
    pub author_name: String,
    pub author_email: String,
    /// What the moderator last said to the author (changes asked for, or why not published).
    pub moderator_note: String,
    /// SHA-256 of the author and the text, to refuse the same example sent twice.
    pub fingerprint: String,
    pub created_at: String,
    pub updated_at: String,
    pub published_at: Option<String>,
    /// People who said it helped them.
    pub helped: u64,
}

impl Example {
    /// Whether it has a measured impact.
    pub fn measured(&self) -> bool {
        self.hours_saved.is_some() || (self.direct_before.is_some() && self.direct_after.is_some())
    }

    /// The link's words: the title in lower case, letters and digits joined by hyphens.
    pub fn slug(&self) -> String {
        let mut out = String::new();
        for c in self.title.chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
            if out.len() >= 60 {
                break;
            }
        }
        out.trim_end_matches('-').to_string()
    }

    /// Erases everything that could identify the author, and the text, which may too.
    pub fn erase(&mut self) {
        self.status = Status::Withdrawn;
        self.title = String::new();
        self.problem = String::new();
        self.change = String::new();
        self.author_user = None;
        self.author_name = String::new();
        self.author_email = String::new();
        self.moderator_note = String::new();
        self.contact_consent = false;
        self.published_at = None;
    }
}

/// A problem with one field of a form: its name, what is wrong and how to put it right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: &'static str,
    pub problem: String,
    pub fix: String,
}

fn problem(
    field: &'static str,
    problem: impl Into<String>,
    fix: impl Into<String>,
) -> FieldProblem {
    FieldProblem {
        field,
        problem: problem.into(),
        fix: fix.into(),
    }
}

/// Whether text carries HTML tags, which the exchange does not take.
pub fn has_html(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b == b'<'
            && bytes
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphabetic() || *n == b'/' || *n == b'!' || *n == b'?')
    })
}

/// Checks an example before it is submitted (a draft needs only a title); `themes` are the
/// ids on offer. Returns every problem, by field.
pub fn check(e: &Example, themes: &[Theme], submitting: bool) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    let title = e.title.trim();
    if title.is_empty() {
        out.push(problem(
            "title",
            "Enter a title",
            "Say in a few words what changed, such as \"Admin support freed a day a week\"",
        ));
    } else if title.chars().count() > MAX_TITLE {
        out.push(problem(
            "title",
            format!("The title must be {MAX_TITLE} characters or fewer"),
            "Shorten it; the detail goes below",
        ));
    }
    for (field, text, what) in [
        ("problem", &e.problem, "what the problem was"),
        ("change", &e.change, "what changed"),
    ] {
        if submitting && text.trim().is_empty() {
            out.push(problem(
                field,
                format!("Describe {what}"),
                "A few sentences are enough",
            ));
        } else if text.chars().count() > MAX_TEXT {
            out.push(problem(
                field,
                format!("Keep {what} to {MAX_TEXT} characters or fewer"),
                "Shorten it, or link to a longer write-up",
            ));
        }
        if has_html(text) {
            out.push(problem(
                field,
                format!("Remove the HTML tags from {what}"),
                "Write plain text; use Markdown for emphasis, lists and links, such as **bold** or [a link](https://example.org)",
            ));
        }
    }
    if has_html(title) {
        out.push(problem(
            "title",
            "Remove the HTML tags from the title",
            "Write the title as plain text",
        ));
    }
    for t in &e.themes {
        if !themes.iter().any(|k| &k.id == t && k.active) {
            out.push(problem(
                "themes",
                format!("{t:?} is not one of the themes"),
                "Choose from the themes listed",
            ));
        }
    }
    if let Some(h) = e.hours_saved
        && !(h > 0.0 && h <= 40.0)
    {
        out.push(problem(
            "hours_saved",
            "Hours saved a week must be more than 0 and at most 40",
            "Give the hours a week freed for each social worker, such as 3.5",
        ));
    }
    for (field, v) in [
        ("direct_before", e.direct_before),
        ("direct_after", e.direct_after),
    ] {
        if v.is_some_and(|v| v > 100) {
            out.push(problem(
                field,
                "A share of time must be between 0 and 100 per cent",
                "Give a whole number of per cent, such as 35",
            ));
        }
    }
    if e.direct_before.is_some() != e.direct_after.is_some() {
        out.push(problem(
            if e.direct_before.is_none() {
                "direct_before"
            } else {
                "direct_after"
            },
            "Give the share of time on direct work both before and after",
            "Leave both empty if it was not measured",
        ));
    }
    if e.region
        .as_deref()
        .is_some_and(|r| !crate::geography::REGIONS.iter().any(|(code, _)| *code == r))
    {
        out.push(problem(
            "region",
            "Choose a region from the list",
            "Or leave it as not given",
        ));
    }
    out
}

/// A feedback form whose questions campaign leads set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackForm {
    pub id: i64,
    pub title: String,
    /// What it is for, shown above the questions.
    pub intro: String,
    /// One question per entry, answered in free text.
    pub questions: Vec<String>,
    pub open: bool,
    /// How long responses are kept, in days.
    pub retention_days: u32,
    pub created_at: String,
}

/// A response to a feedback form, or a steering group sign-up (`form_id` 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub id: i64,
    /// The form answered; 0 for the steering group.
    pub form_id: i64,
    pub name: String,
    pub email: String,
    /// Answers in the order of the questions (for the steering group: organisation, role,
    /// what they would bring).
    pub answers: Vec<String>,
    /// The consent given, in the words shown.
    pub consent: String,
    pub created_at: String,
    /// The day it is deleted (YYYY-MM-DD).
    pub delete_on: String,
}

/// A page of the resources section, in Markdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourcePage {
    pub slug: String,
    pub title: String,
    pub body: String,
    pub updated_by: String,
    pub updated_at: String,
}

/// Markdown as the plain words a reader sees, for listings and teasers: links keep their words
/// (not their addresses), emphasis and headings lose their marks, and blocks are joined by
/// spaces.
pub fn markdown_as_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let space = |out: &mut String| {
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    };
    // A heading, paragraph or item that ends without a stop gets one, so blocks read as
    // sentences rather than run together.
    let stop = |out: &mut String| {
        if out.chars().last().is_some_and(char::is_alphanumeric) {
            out.push('.');
        }
        space(out);
    };
    for event in Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak | Event::Rule => space(&mut out),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item)
            | Event::End(TagEnd::TableCell | TagEnd::CodeBlock | TagEnd::BlockQuote(_)) => {
                stop(&mut out)
            }
            _ => {}
        }
    }
    out.trim_end().to_string()
}

/// Renders an example's Markdown as HTML that is safe to show: raw HTML is shown as text, only
/// web and email links are kept, and images become links.
pub fn render_markdown(text: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TABLES);
    let safe = |url: &str| {
        let u = url.trim().to_ascii_lowercase();
        u.starts_with("https://") || u.starts_with("http://") || u.starts_with("mailto:")
    };
    let events = Parser::new_ext(text, options).map(|event| match event {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: if safe(&dest_url) {
                dest_url
            } else {
                "#".into()
            },
            title,
            id,
        }),
        Event::Start(Tag::Image {
            dest_url,
            title,
            id,
            link_type,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: if safe(&dest_url) {
                dest_url
            } else {
                "#".into()
            },
            title,
            id,
        }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        e => e,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markdown_reads_as_its_words() {
        assert_eq!(
            markdown_as_text(
                "## What changed\nWe use [dictation software](https://example.org/x) and **headsets**.\n\n- one\n- two"
            ),
            "What changed. We use dictation software and headsets. one. two."
        );
    }

    use super::*;

    #[test]
    fn markdown_is_rendered_with_html_as_text_and_only_safe_links() {
        let html = render_markdown(
            "**Bold** <script>alert(1)</script>\n\n[ok](https://example.org) [bad](javascript:alert(1)) ![img](javascript:x)",
        );
        assert!(html.contains("<strong>Bold</strong>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("href=\"https://example.org\""));
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
    }

    fn example() -> Example {
        Example {
            id: 0,
            status: Status::Draft,
            title: "Admin support freed a day a week".into(),
            problem: "Social workers typed up every visit twice.".into(),
            change: "A business support officer joined each team.".into(),
            setting: Setting::ChildrenAndFamilies,
            org_kind: Some(OrgKind::LocalAuthority),
            region: Some("E12000008".into()),
            themes: vec!["admin-support".into()],
            hours_saved: Some(7.5),
            direct_before: Some(20),
            direct_after: Some(35),
            contact_consent: true,
            author_user: None,
            author_name: "Sam".into(),
            author_email: "sam@example.org".into(),
            moderator_note: String::new(),
            fingerprint: String::new(),
            created_at: String::new(),
            updated_at: String::new(),
            published_at: None,
            helped: 0,
        }
    }

    fn fields(e: &Example, submitting: bool) -> Vec<&'static str> {
        check(e, &seed_themes(), submitting)
            .into_iter()
            .map(|p| p.field)
            .collect()
    }

    #[test]
    fn a_full_example_passes_and_each_bad_field_is_named() {
        assert!(fields(&example(), true).is_empty());
        let mut e = example();
        e.title = "  ".into();
        assert_eq!(fields(&e, false), vec!["title"]);
        e = example();
        e.title = "x".repeat(MAX_TITLE + 1);
        assert_eq!(fields(&e, true), vec!["title"]);
        e = example();
        e.change = "a".repeat(5_000_000);
        assert_eq!(fields(&e, true), vec!["change"]);
        e = example();
        e.problem = "It was <script>alert(1)</script> bad".into();
        assert_eq!(fields(&e, true), vec!["problem"]);
        e = example();
        e.themes = vec!["made-up".into()];
        assert_eq!(fields(&e, true), vec!["themes"]);
        e = example();
        e.hours_saved = Some(0.0);
        e.direct_after = None;
        assert_eq!(fields(&e, true), vec!["hours_saved", "direct_after"]);
        e = example();
        e.region = Some("E13000001".into());
        assert_eq!(fields(&e, true), vec!["region"]);
        e = example();
        e.problem = String::new();
        assert_eq!(
            fields(&e, false),
            Vec::<&str>::new(),
            "a draft may be unfinished"
        );
        assert_eq!(fields(&e, true), vec!["problem"]);
    }

    #[test]
    fn html_is_spotted_but_comparisons_are_not() {
        assert!(has_html("<b>x</b>"));
        assert!(has_html("<IMG src=x onerror=alert(1)>"));
        assert!(has_html("<!-- x -->"));
        assert!(!has_html("caseloads < 20 and > 15"));
        assert!(!has_html("a <3 b"));
        assert!(!has_html("**bold** and [link](https://example.org)"));
    }

    #[test]
    fn slugs_and_erasure() {
        let mut e = example();
        assert_eq!(e.slug(), "admin-support-freed-a-day-a-week");
        e.erase();
        assert_eq!(e.status, Status::Withdrawn);
        assert!(e.author_email.is_empty() && e.author_name.is_empty() && e.title.is_empty());
        assert!(e.measured(), "the figures stay: they identify nobody");
    }

    #[test]
    fn seeded_themes_cover_every_audience_once_per_id() {
        let t = seed_themes();
        for a in Audience::ALL {
            assert!(t.iter().any(|k| k.audience == a));
        }
        let mut ids: Vec<&str> = t.iter().map(|k| k.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), t.len());
    }
}
