//! Agency rules: the public page of the rules with a check of a file (nothing stored); a
//! council's register, its form, each engagement's result, the summary and the quarterly return;
//! a regional alliance's view of its councils and its price caps.

pub mod council;
mod engagements;
mod form;
mod region;
mod returns;
pub mod rules;
mod summary;

use super::ids;
use super::ids::{IdRef, Kind, PublicIds};
use crate::WebState;
use crate::error::{PageError, Problem};
use crate::upload::{self, Unread};
use axum::Router;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use axum::routing::{get, post};
use swforce_app::agency::Checked;
use swforce_domain::agency::{Outcome, Pence, Status};

/// The agency pages (checking and importing a file are routed with the uploads, under their
/// size limit).
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/agency", get(rules::index))
        .route("/agency/template.csv", get(rules::template))
        .route("/agency/example.csv", get(rules::example))
        .route("/agency/check/results.csv", post(rules::results_csv))
        .route("/agency/council", get(council::show))
        .route("/agency/council/costs", post(council::save_costs))
        .route("/agency/council/return.csv", get(council::quarterly_return))
        .route("/agency/council/return/notes", post(returns::save_notes))
        .route(
            "/agency/council/engagements",
            get(engagements::register).post(form::save),
        )
        .route("/agency/council/engagements/new", get(form::new))
        .route("/agency/council/engagements/{id}", get(engagements::show))
        .route(
            "/agency/council/engagements/{id}/delete",
            post(engagements::delete),
        )
        .route("/agency/region", get(region::show))
        .route("/agency/region/caps", post(region::set_cap))
        .route("/agency/region/caps/delete", post(region::delete_cap))
}

fn money(p: Option<Pence>) -> String {
    p.map(|p| p.to_string()).unwrap_or_else(|| "–".into())
}

fn pounds(p: Pence) -> String {
    let whole = (p.0 as f64 / 100.0).round() as i64;
    let digits = whole.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}£{out}", if whole < 0 { "-" } else { "" })
}

/// A status as a coloured tag with words (never colour alone).
#[derive(Debug, Clone)]
pub struct Tag {
    pub text: &'static str,
    pub class: &'static str,
}

fn tag(s: Status) -> Tag {
    Tag {
        text: s.label(),
        class: match s {
            Status::Compliant => "sw-tag--green",
            Status::Breach => "sw-tag--red",
            Status::MissingInformation => "sw-tag--yellow",
            Status::NotInScope => "sw-tag--grey",
        },
    }
}

/// One rule's result, as a page shows it.
#[derive(Debug, Clone)]
pub struct FindingView {
    pub id: &'static str,
    pub title: &'static str,
    pub result: &'static str,
    pub class: &'static str,
    pub evidence: String,
}

fn findings(c: &Checked) -> Vec<FindingView> {
    c.assessment
        .findings
        .iter()
        .map(|f| {
            let (result, class, evidence) = match &f.outcome {
                Outcome::Compliant { evidence } => ("Compliant", "sw-tag--green", evidence.clone()),
                Outcome::Breach { evidence } => ("Breach", "sw-tag--red", evidence.clone()),
                Outcome::Missing { fields, evidence } => (
                    "Missing information",
                    "sw-tag--yellow",
                    format!("{evidence} (needs {})", needed(fields)),
                ),
                Outcome::NotApplicable { evidence } => {
                    ("Does not apply", "sw-tag--grey", evidence.clone())
                }
            };
            FindingView {
                id: f.rule.id(),
                title: f.rule.title(),
                result,
                class,
                evidence,
            }
        })
        .collect()
}

/// One engagement in a list.
#[derive(Debug, Clone)]
pub struct RowView {
    pub href: String,
    pub reference: String,
    pub swe: String,
    pub agency: String,
    pub job: &'static str,
    pub dates: String,
    pub tag: Tag,
    /// Breaches and missing information, in a line.
    pub why: String,
}

/// A row of results; `ids` links it to its engagement's page (for a kept register).
fn row(c: &Checked, ids: Option<&PublicIds>) -> RowView {
    let e = &c.engagement;
    let why: Vec<String> = c
        .assessment
        .findings
        .iter()
        .filter_map(|f| match &f.outcome {
            Outcome::Breach { .. } => Some(format!("{} {}", f.rule.id(), f.rule.title())),
            Outcome::Missing { fields, .. } => Some(format!("needs {}", needed(fields))),
            _ => None,
        })
        .collect();
    RowView {
        href: c
            .id
            .zip(ids)
            .map(|(id, ids)| {
                format!(
                    "/agency/council/engagements/{}",
                    ids.encode(Kind::Engagement, id)
                )
            })
            .unwrap_or_default(),
        reference: e.reference.clone(),
        swe: e.swe.clone(),
        agency: e.agency.clone(),
        job: e.job_type.label(),
        dates: match e.end {
            Some(end) => format!("{} to {}", e.start.long(), end.long()),
            None => format!("from {}", e.start.long()),
        },
        tag: tag(c.assessment.status),
        why: why.join("; "),
    }
}

fn counts(checked: &[Checked]) -> Vec<(Tag, usize)> {
    [
        Status::Compliant,
        Status::Breach,
        Status::MissingInformation,
        Status::NotInScope,
    ]
    .into_iter()
    .map(|s| {
        (
            tag(s),
            checked.iter().filter(|c| c.assessment.status == s).count(),
        )
    })
    .filter(|(_, n)| *n > 0)
    .collect()
}

/// The uploaded file's name and bytes, or the problem to show beside the file field.
async fn engagements_file(
    form: Result<Multipart, MultipartRejection>,
) -> Result<(String, Vec<u8>), (StatusCode, Vec<Problem>)> {
    match upload::file(form).await {
        Err(Unread::TooLarge) => Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            upload::problem(
                "The selected file is too large",
                "An engagements file is a CSV of a few hundred rows: check you chose the right file",
            ),
        )),
        Err(Unread::Stalled) => Err(upload::stalled()),
        Err(Unread::Broken(detail)) => Err((
            StatusCode::BAD_REQUEST,
            upload::problem(
                format!("The upload could not be read ({detail})"),
                "Choose the file again",
            ),
        )),
        Err(Unread::Missing) => Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            upload::problem(
                "Select a CSV file of agency engagements",
                "Use Choose file to pick the file",
            ),
        )),
        Ok((_, bytes)) if bytes.is_empty() => Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            upload::problem(
                "The selected file is empty",
                "Choose the CSV file with a header and a row per engagement",
            ),
        )),
        Ok(found) => Ok(found),
    }
}

fn engagement_id(state: &WebState, text: &str) -> Result<IdRef, PageError> {
    ids::read(state, Kind::Engagement, text, "engagement")
}

/// The register's columns an engagement needs, as people read them.
fn needed(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| form::named(f))
        .collect::<Vec<_>>()
        .join("; ")
}
