//! "80:20 in practice": find examples of what freed time for direct work, read one, say it
//! helped, share one (signed in, or as a guest who confirms by email), and moderate them.

mod browse;
mod moderation;
pub mod share;

use super::ids;
use super::ids::{IdRef, Kind, PublicIds};
use crate::WebState;
use crate::error::{PageError, Problem};
use axum::Router;
use axum::routing::{get, post};
use swforce_app::exchange::render_markdown;
use swforce_domain::access::OrgKind;
use swforce_domain::exchange::{Example, FieldProblem, Theme};
use swforce_domain::geography::REGIONS;

/// The exchange of examples: browsing, sharing, confirming and moderating (sending an example is routed with the uploads, under its size limit).
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/exchange", get(browse::index))
        .route("/exchange/feed.atom", get(browse::feed))
        .route("/exchange/new", get(share::new_example))
        .route("/exchange/examples/{id}", get(browse::show))
        .route("/exchange/examples/{id}/helped", post(browse::helped))
        .route("/exchange/examples/{id}/withdraw", post(share::withdraw))
        .route("/exchange/confirm/{secret}", get(share::confirm))
        .route("/exchange/withdraw/{secret}", get(share::withdraw_link))
        .route("/exchange/mine", get(share::mine))
        .route("/exchange/moderation", get(moderation::queue))
        .route(
            "/exchange/moderation/{id}",
            get(moderation::review).post(moderation::decide),
        )
}

const PAGE_SIZE: u32 = 20;

/// The largest example form read; longer text is refused beside its field by the checks.
pub const MAX_FORM_BYTES: usize = 8 * 1024 * 1024;

/// Text to put back into a form after a refusal: no more than a little over the limit, so a
/// huge paste is not sent back whole.
fn shown(text: String) -> String {
    const KEEP: usize = swforce_domain::exchange::MAX_TEXT + 1_000;
    if text.len() > KEEP {
        text.chars().take(KEEP).collect()
    } else {
        text
    }
}

fn region_name(code: &str) -> &'static str {
    REGIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, n)| *n)
}

/// Problems by field, for the error summary and the fields.
pub(crate) fn problems_of(fields: Vec<FieldProblem>) -> Vec<Problem> {
    fields
        .into_iter()
        .map(|p| Problem {
            text: p.problem,
            fix: p.fix,
            target: p.field.into(),
        })
        .collect()
}

/// An example in a list, or on its own page.
#[derive(Debug, Clone)]
pub struct ExampleView {
    /// The example's opaque id.
    pub id: String,
    pub href: String,
    pub title: String,
    pub setting: &'static str,
    pub region: &'static str,
    pub org_kind: &'static str,
    pub themes: Vec<String>,
    pub impact: String,
    pub helped: u64,
    pub published: String,
    pub status: &'static str,
    pub problem_html: String,
    pub change_html: String,
    /// The first words of the change, for lists.
    pub teaser: String,
}

fn impact(e: &Example) -> String {
    let mut parts = Vec::new();
    if let Some(h) = e.hours_saved {
        parts.push(format!("{h} hours a week saved for each social worker"));
    }
    if let (Some(b), Some(a)) = (e.direct_before, e.direct_after) {
        parts.push(format!("time on direct work from {b}% to {a}%"));
    }
    parts.join("; ")
}

fn view(e: &Example, themes: &[Theme], full: bool, ids: &PublicIds) -> ExampleView {
    // Listings show the words a reader sees, not the Markdown behind them.
    let plain = swforce_app::exchange::markdown_as_text(&e.change);
    let teaser: String = plain.chars().take(220).collect();
    let id = ids.encode(Kind::Example, e.id);
    ExampleView {
        href: format!("/exchange/examples/{id}-{}", e.slug()),
        id,
        title: e.title.clone(),
        setting: e.setting.label(),
        region: e.region.as_deref().map(region_name).unwrap_or(""),
        org_kind: e.org_kind.map(OrgKind::label).unwrap_or(""),
        themes: e
            .themes
            .iter()
            .map(|t| {
                themes
                    .iter()
                    .find(|k| &k.id == t)
                    .map_or_else(|| t.clone(), |k| k.label.clone())
            })
            .collect(),
        impact: impact(e),
        helped: e.helped,
        published: e
            .published_at
            .as_deref()
            .map(|p| swforce_app::display::when(&p[..p.len().min(10)]))
            .unwrap_or_default(),
        status: e.status.label(),
        problem_html: if full {
            render_markdown(&e.problem)
        } else {
            String::new()
        },
        change_html: if full {
            render_markdown(&e.change)
        } else {
            String::new()
        },
        teaser: if plain.chars().count() > 220 {
            format!("{}…", teaser.trim_end())
        } else {
            teaser
        },
    }
}

/// The example an address names (its id, then a dash and the title's slug).
fn example_id(state: &WebState, text: &str) -> Result<IdRef, PageError> {
    ids::read(
        state,
        Kind::Example,
        text.split('-').next().unwrap_or_default(),
        "example",
    )
}
