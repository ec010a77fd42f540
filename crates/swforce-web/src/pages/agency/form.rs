//! The form for one engagement: its inputs are the columns of an engagements file, checked by
//! the same rules, in the same words.

use super::engagement_id;
use crate::AppState;
use crate::auth::Viewer;
use crate::error::Problem;
use crate::pages::ids::Kind;
use crate::pages::{Fields, PageResult, ids, problem_at, redirect, render, run, unprocessable};
use crate::view::{Choices, Field, Layout};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use serde::Deserialize;
use swforce_app::AppError;
use swforce_app::access::Principal;
use swforce_domain::access::Permission;
use swforce_domain::agency::{JobType, Leaving, PayBasis};
use swforce_domain::geography::REGIONS;
use swforce_import::agency::{engagement_fields, engagement_from};

/// One input of the form: a text field or a choice.
type Input = (Option<Field>, Option<Choices>);

#[derive(Template)]
#[template(path = "agency_form.html")]
struct FormPage {
    layout: Layout,
    problems: Vec<Problem>,
    organisation: String,
    /// Each group's legend and its inputs in column order (a text field or a choice).
    fields: Vec<(&'static str, Vec<Input>)>,
}

/// The form's inputs are the file's columns, so a form and a file are checked the same way.
const GROUPS: &[(&str, &[&str])] = &[
    (
        "The engagement",
        &[
            "reference",
            "swe_number",
            "agency",
            "job_type",
            "start_date",
            "end_date",
            "hours_per_week",
        ],
    ),
    (
        "Hourly charge, broken down",
        &[
            "pay_basis",
            "pay_rate",
            "employer_ni",
            "apprenticeship_levy",
            "holiday_pay",
            "agency_margin",
        ],
    ),
    ("Experience", &["qualified_on", "pqe_years"]),
    (
        "Previous substantive post",
        &[
            "previous_employer",
            "previous_la_code",
            "previous_employer_region",
            "left_on",
            "leaving_circumstance",
        ],
    ),
    (
        "References and notice",
        &["practice_reference", "notice_weeks", "council_notice_weeks"],
    ),
    (
        "Project team or packaged model",
        &["project_team", "packaged_model"],
    ),
    (
        "Sign-off of a charge above the price cap",
        &["dcs_signoff_on", "ceo_signoff_on"],
    ),
];

/// Inputs that hold a date or a number, shown narrow.
const SHORT: &[&str] = &[
    "start_date",
    "end_date",
    "hours_per_week",
    "pay_rate",
    "employer_ni",
    "apprenticeship_levy",
    "holiday_pay",
    "agency_margin",
    "qualified_on",
    "pqe_years",
    "left_on",
    "notice_weeks",
    "council_notice_weeks",
    "dcs_signoff_on",
    "ceo_signoff_on",
];

/// A problem or fix from the register reader, with its column named by the form's label:
/// `field "reference" is empty` reads "“Your reference for the engagement” is empty".
fn in_words(text: &str, column: &str) -> String {
    let label = format!("\u{201c}{}\u{201d}", label_of(column));
    let said = text
        .replace(&format!("field \"{column}\""), &label)
        .replace(&format!("fill in {column}:"), &format!("fill in {label}:"));
    let mut c = said.chars();
    c.next()
        .map(|first| first.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A register column as people read it, with the file's column name for those who keep the
/// register as a CSV: "Agency margin an hour, £ (agency_margin)".
pub(super) fn named(column: &str) -> String {
    match label_of(column) {
        "" => column.to_string(),
        label => format!("{label} ({column})"),
    }
}

pub(super) fn label_of(column: &str) -> &'static str {
    match column {
        "reference" => "Your reference for the engagement",
        "swe_number" => "Social Work England registration number",
        "agency" => "Agency",
        "job_type" => "Job type",
        "start_date" => "Start date",
        "end_date" => "End date (optional)",
        "hours_per_week" => "Hours a week",
        "pay_basis" => "How the worker is paid",
        "pay_rate" => "Pay an hour, £",
        "holiday_pay" => "Holiday pay an hour, £ (PAYE workers)",
        "packaged_model" => "Supplied as part of a packaged model",
        "employer_ni" => "Employer National Insurance an hour, £",
        "apprenticeship_levy" => "Apprenticeship levy an hour, £",
        "agency_margin" => "Agency margin an hour, £",
        "qualified_on" => "Date of qualification",
        "pqe_years" => "Years of post-qualifying experience in child and family social work",
        "previous_employer" => "Previous substantive employer",
        "previous_la_code" => "Its council code, if a council (optional)",
        "previous_employer_region" => "Its region",
        "left_on" => "Date they left it",
        "leaving_circumstance" => "How they left",
        "practice_reference" => "Practice-based reference received",
        "notice_weeks" => "Notice period, in weeks",
        "council_notice_weeks" => "Your notice period for the equivalent permanent role, in weeks",
        "project_team" => "Project team (if the worker is in one)",
        "dcs_signoff_on" => "Date the director of children's services signed off",
        "ceo_signoff_on" => "Date the chief executive signed off",
        _ => "",
    }
}

fn hint_of(column: &str) -> &'static str {
    match column {
        "reference" => "Saving with a reference already used changes that engagement",
        "swe_number" => "SW then digits, such as SW123456",
        "start_date" | "end_date" | "qualified_on" | "left_on" | "dcs_signoff_on"
        | "ceo_signoff_on" => "For example, 2025-03-31 or 31/03/2025",
        "previous_employer" => "Write none if they had no substantive post",
        "previous_la_code" => "Its ONS code, such as E06000035",
        "pay_rate" => {
            "For an umbrella or limited-company worker, the rate including National Insurance, levy and holiday pay"
        }
        "employer_ni" | "apprenticeship_levy" | "holiday_pay" => {
            "Paid on top of a PAYE worker's pay; leave empty for umbrella or limited-company workers"
        }
        "agency_margin" => "Reported in spend, not compared with the price cap",
        _ => "",
    }
}

fn form_page(who: &Principal, values: &Fields, problems: Vec<Problem>) -> FormPage {
    let v = |c: &str| values.get(c);
    let fields = GROUPS
        .iter()
        .map(|(legend, cols)| {
            let mut items: Vec<Input> = Vec::new();
            for c in *cols {
                match *c {
                    "job_type" => {
                        let mut ch = Choices::new(c, label_of(c), "select");
                        for j in JobType::ALL {
                            ch = ch.option(j.id(), j.label(), "", v(c) == j.id());
                        }
                        items.push((None, Some(ch.error_from(&problems))));
                    }
                    "leaving_circumstance" => {
                        let mut ch = Choices::new(c, label_of(c), "select").option(
                            "",
                            "Not recorded",
                            "",
                            v(c).is_empty(),
                        );
                        for l in Leaving::ALL {
                            ch = ch.option(l.id(), l.label(), "", v(c) == l.id());
                        }
                        items.push((None, Some(ch.error_from(&problems))));
                    }
                    "previous_employer_region" => {
                        let mut ch = Choices::new(c, label_of(c), "select").option(
                            "",
                            "Not recorded",
                            "",
                            v(c).is_empty(),
                        );
                        for (code, name) in REGIONS {
                            ch = ch.option(code, name, "", v(c) == code);
                        }
                        items.push((None, Some(ch.error_from(&problems))));
                    }
                    "pay_basis" => {
                        let mut ch = Choices::new(c, label_of(c), "select").option(
                            "",
                            "Not recorded",
                            "",
                            v(c).is_empty(),
                        );
                        for b in PayBasis::ALL {
                            ch = ch.option(b.id(), b.label(), "", v(c) == b.id());
                        }
                        items.push((None, Some(ch.error_from(&problems))));
                    }
                    "packaged_model" => {
                        let ch = Choices::new(c, label_of(c), "select")
                            .option("", "Not recorded", "", v(c).is_empty())
                            .option("yes", "Yes", "", v(c) == "yes")
                            .option("no", "No", "", v(c) == "no");
                        items.push((None, Some(ch.error_from(&problems))));
                    }
                    "practice_reference" => {
                        let ch = Choices::new(c, label_of(c), "select")
                            .option("", "Not recorded", "", v(c).is_empty())
                            .option("yes", "Yes", "", v(c) == "yes")
                            .option("no", "No, other references only", "", v(c) == "no");
                        items.push((None, Some(ch.error_from(&problems))));
                    }
                    _ => items.push((
                        Some(
                            Field::new(c, label_of(c))
                                .hint(hint_of(c))
                                .value(&v(c))
                                .width(if SHORT.contains(c) { "10" } else { "20" })
                                .error_from(&problems),
                        ),
                        None,
                    )),
                }
            }
            (*legend, items)
        })
        .collect();
    FormPage {
        layout: Layout::new(if problems.is_empty() {
            "Record an agency engagement"
        } else {
            "Error: Record an agency engagement"
        })
        .nav("agency"),
        problems,
        organisation: who.org.name.clone(),
        fields,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct FormParams {
    #[serde(default)]
    edit: Option<String>,
}

pub async fn new(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<FormParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require_read(Permission::ManageAgency)?;
    run(move || {
        let mut values = Fields::default();
        if let Some(id) = &q.edit {
            let id = engagement_id(&state, id)?.id();
            let c = state.app.agency_engagement(&who, id, &viewer.origin)?;
            values.0 = engagement_fields(&c.engagement)
                .into_iter()
                .map(|(column, value)| (column.to_string(), value))
                .collect();
        }
        render(&form_page(&who, &values, Vec::new()))
    })
    .await
}

pub async fn save(State(state): AppState, viewer: Viewer, Form(form): Form<Fields>) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require(Permission::ManageAgency)?;
    run(move || {
        let refuse = |problems| unprocessable(&form_page(&who, &form, problems));
        // The engagement is the person's own council's; the rest is what they typed.
        let la = who.org.la_code.clone().unwrap_or_default();
        let typed = |column: &str| {
            Some(match column {
                "la_code" => la.as_str(),
                _ => form.value(column).trim(),
            })
        };
        let engagement = match engagement_from(typed) {
            Ok(e) => e,
            Err(problems) => {
                return refuse(
                    problems
                        .into_iter()
                        .map(|p| Problem {
                            // The reader's words name the file's columns; the form says its
                            // own labels.
                            text: in_words(&p.problem, p.field),
                            fix: in_words(&p.fix, p.field),
                            target: p.field.into(),
                        })
                        .collect(),
                );
            }
        };
        match state.app.save_engagement(&who, engagement, &viewer.origin) {
            Ok(s) => Ok(redirect(&format!(
                "/agency/council/engagements/{}?saved=1",
                ids::public(&state, Kind::Engagement, s.id)?
            ))
            .into_response()),
            Err(AppError::Invalid { problem, fix }) => {
                refuse(problem_at("reference", problem, fix))
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}
