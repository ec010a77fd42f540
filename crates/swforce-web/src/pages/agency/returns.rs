//! The council's part of the quarterly return on its agency page: compliance by rule with the
//! council's explanations, price-cap breaches and their sign-offs, the agencies with the
//! council's notes, the monthly cost, and what the council's own figures lack; and the form
//! that saves the explanations and notes.

use super::pounds;
use super::summary::quarter_of;
use crate::AppState;
use crate::auth::Viewer;
use crate::pages::{Fields, PageResult, redirect, run};
use axum::Form;
use axum::extract::State;
use axum::response::IntoResponse;
use swforce_app::AppError;
use swforce_app::agency::CouncilReturn;
use swforce_domain::date::MONTHS;

/// One rule's line, with the id of its explanation's field.
#[derive(Debug, Clone)]
pub struct RuleRow {
    pub id: &'static str,
    pub title: &'static str,
    pub verdict: &'static str,
    pub class: &'static str,
    pub counts: String,
    pub field: String,
    pub explanation: String,
    /// Whether an explanation is asked for (a breach, or one already written).
    pub asked: bool,
}

#[derive(Debug, Clone)]
pub struct CapRow {
    pub reference: String,
    pub swe: String,
    pub agency: String,
    pub amount: String,
    pub cap: String,
    pub dcs: String,
    pub ceo: String,
    pub in_time: String,
}

#[derive(Debug, Clone)]
pub struct AgencyRow {
    pub name: String,
    pub engagements: usize,
    pub with_breach: usize,
    pub field: String,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct MonthRow {
    pub month: String,
    pub cost: String,
    pub left_out: usize,
}

/// The council's part of the return, as its page shows it.
#[derive(Debug, Clone)]
pub struct ReturnView {
    pub quarter: swforce_domain::agency::Quarter,
    pub engagements: usize,
    pub rules: Vec<RuleRow>,
    pub caps: Vec<CapRow>,
    pub agencies: Vec<AgencyRow>,
    pub months: Vec<MonthRow>,
    pub gaps: Vec<(String, usize)>,
    pub without_pay: Vec<String>,
}

pub fn return_view(r: &CouncilReturn) -> ReturnView {
    ReturnView {
        quarter: r.quarter,
        engagements: r.engagements,
        rules: r
            .rules
            .iter()
            .map(|l| {
                let explanation = l
                    .explanation
                    .as_ref()
                    .map(|n| n.note.clone())
                    .unwrap_or_default();
                RuleRow {
                    id: l.rule.id(),
                    title: l.rule.title(),
                    verdict: match l.verdict() {
                        "compliant" => "Compliant",
                        "not compliant" => "Not compliant",
                        "not known" => "Not known",
                        _ => "Does not apply",
                    },
                    class: match l.verdict() {
                        "compliant" => "sw-tag--green",
                        "not compliant" => "sw-tag--red",
                        "not known" => "sw-tag--yellow",
                        _ => "sw-tag--grey",
                    },
                    counts: format!(
                        "{} compliant, {} breach, {} missing information, {} does not apply",
                        l.compliant, l.breach, l.missing, l.not_applicable
                    ),
                    field: format!("explanation-{}", l.rule.id()),
                    asked: l.breach > 0 || !explanation.is_empty(),
                    explanation,
                }
            })
            .collect(),
        caps: r
            .above_cap
            .iter()
            .map(|c| CapRow {
                reference: c.reference.clone(),
                swe: c.swe.clone(),
                agency: c.agency.clone(),
                amount: c.amount.to_string(),
                cap: c.cap.to_string(),
                dcs: c.dcs_signoff.map_or("None".into(), |d| d.long()),
                ceo: c.ceo_signoff.map_or("None".into(), |d| d.long()),
                in_time: format!(
                    "{}{}",
                    if c.signed_off_in_time { "Yes" } else { "No" },
                    if c.legacy {
                        format!(
                            " (due by {}: begun before the rules)",
                            swforce_domain::agency::transition().long()
                        )
                    } else {
                        String::new()
                    }
                ),
            })
            .collect(),
        agencies: r
            .agencies
            .iter()
            .enumerate()
            .map(|(i, a)| AgencyRow {
                name: a.agency.clone(),
                engagements: a.engagements,
                with_breach: a.with_breach,
                field: format!("agency-{i}"),
                note: a.note.as_ref().map(|n| n.note.clone()).unwrap_or_default(),
            })
            .collect(),
        months: r
            .months
            .iter()
            .map(|m| MonthRow {
                month: format!(
                    "{} {}{}",
                    MONTHS[usize::from(m.first_day.month()) - 1],
                    m.first_day.year(),
                    if m.last_day < m.first_day {
                        " (not begun)".to_string()
                    } else if m.last_day < m.first_day.plus_months(1).plus_days(-1) {
                        format!(" (to {}, today)", m.last_day.long())
                    } else {
                        String::new()
                    }
                ),
                cost: pounds(m.cost),
                left_out: m.without_cost,
            })
            .collect(),
        gaps: r
            .gaps
            .iter()
            .map(|(f, n)| (super::form::named(f), *n))
            .collect(),
        without_pay: r.without_pay.clone(),
    }
}

/// Saves the council's explanations and agency notes for a quarter: each field of the form,
/// an empty one removing its note.
pub async fn save_notes(
    State(state): AppState,
    viewer: Viewer,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let quarter = quarter_of(&form.get("quarter"))?;
    run(move || {
        let report = state.app.council_return(&who, quarter)?;
        let mut saved = 0;
        // A note is written only when it changes, so the audit log records changes alone.
        let mut write =
            |kind: &str, subject: &str, field: &str, now: Option<&str>| -> Result<(), AppError> {
                if !form.has(field) || form.value(field).trim() == now.unwrap_or("") {
                    return Ok(());
                }
                state.app.set_return_note(
                    &who,
                    quarter,
                    kind,
                    subject,
                    &form.get(field),
                    &viewer.origin,
                )?;
                saved += 1;
                Ok(())
            };
        // Explanations are asked for each rule with a breach (or one written before).
        for l in report
            .rules
            .iter()
            .filter(|l| l.breach > 0 || l.explanation.is_some())
        {
            write(
                "explanation",
                l.rule.id(),
                &format!("explanation-{}", l.rule.id()),
                l.explanation.as_ref().map(|n| n.note.as_str()),
            )?;
        }
        // Each agency's note comes with the agency's name, so a register changed meanwhile
        // cannot put a note on the wrong agency.
        let mut i = 0;
        while form.has(&format!("agency-{i}-name")) {
            let name = form.get(&format!("agency-{i}-name"));
            let now = report
                .agencies
                .iter()
                .find(|a| a.agency == name)
                .and_then(|a| a.note.as_ref())
                .map(|n| n.note.clone());
            write("agency", &name, &format!("agency-{i}"), now.as_deref())?;
            i += 1;
        }
        Ok(redirect(&format!(
            "/agency/council?quarter={quarter}&noted={saved}#success"
        ))
        .into_response())
    })
    .await
}
