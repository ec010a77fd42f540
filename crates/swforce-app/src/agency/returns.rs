//! The quarterly return for the Department for Education.

use super::Checked;
use crate::access::{Access, Origin, Principal};
use crate::display::spreadsheet_safe;
use crate::{App, AppError};
use swforce_domain::agency::{Outcome, Pence, Quarter, days_within};
use swforce_import::{Diagnostic, Refused};
use swforce_store::Organisation;

impl App {
    /// The quarter's return for the Department for Education as CSV: every engagement running
    /// in the quarter. It is checked first: an engagement without what the return needs stops
    /// the export, and each gap is listed.
    pub fn agency_return(
        &self,
        who: &Principal,
        quarter: Quarter,
        origin: &Origin,
    ) -> Result<String, AppError> {
        let la = self.own_council(who, Access::Read)?;
        let csv = self.return_csv(&who.org, quarter)?;
        self.audit_event(
            Some(who),
            "export",
            &format!("agency return {la} {quarter}"),
            &format!("{} line(s)", csv.lines().count().saturating_sub(1)),
            origin,
        )?;
        Ok(csv)
    }

    fn return_csv(&self, org: &Organisation, quarter: Quarter) -> Result<String, AppError> {
        let la = org.la_code.clone().unwrap_or_default();
        let checked = self.with_results(self.store().engagements(org.id)?)?;
        let (from, to) = (quarter.first_day(), quarter.last_day());
        let running: Vec<&Checked> = checked
            .iter()
            .filter(|c| c.engagement.active_between(from, to))
            .collect();
        let name = format!("agency return {la} {quarter}");
        let mut problems = Vec::new();
        for (i, c) in running.iter().enumerate() {
            let e = &c.engagement;
            let mut gaps: Vec<&str> = e.charge.missing();
            if e.hours_per_week.is_none() {
                gaps.push("hours_per_week");
            }
            if e.pqe_years.is_none() {
                gaps.push("pqe_years");
            }
            for gap in gaps {
                problems.push(
                    Diagnostic::error(
                        &name,
                        format!("engagement {} ({}) has no {gap}", e.reference, e.swe),
                        format!("Add {gap} to the engagement, then export again"),
                    )
                    .at(i as u64 + 2, None)
                    .field(gap),
                );
            }
        }
        if !problems.is_empty() {
            return Err(AppError::Refused(Refused {
                file: name,
                diagnostics: problems,
            }));
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        let header = [
            "la_code",
            "quarter",
            "reference",
            "swe_number",
            "agency",
            "job_type",
            "start_date",
            "end_date",
            "days_in_quarter",
            "hours_per_week",
            "pay_rate",
            "employer_ni",
            "apprenticeship_levy",
            "agency_margin",
            "hourly_charge",
            "pqe_years",
            "project_team",
            "legacy",
            "status",
            "breaches",
            "missing",
        ];
        let fail =
            |e: csv::Error| AppError::Unavailable(format!("the return could not be written: {e}"));
        w.write_record(header).map_err(fail)?;
        let money = |p: Option<Pence>| p.map(|p| format!("{:.2}", p.pounds())).unwrap_or_default();
        for c in &running {
            let e = &c.engagement;
            let breaches: Vec<&str> = c.assessment.breaches().map(|f| f.rule.id()).collect();
            let missing: Vec<String> = c
                .assessment
                .findings
                .iter()
                .filter_map(|f| match &f.outcome {
                    Outcome::Missing { fields, .. } => Some(fields.join(" ")),
                    _ => None,
                })
                .collect();
            w.write_record([
                la.clone(),
                quarter.to_string(),
                spreadsheet_safe(&e.reference),
                e.swe.clone(),
                spreadsheet_safe(&e.agency),
                e.job_type.id().to_string(),
                e.start.to_string(),
                e.end.map(|d| d.to_string()).unwrap_or_default(),
                days_within(e, from, to).to_string(),
                e.hours_per_week.map(|h| h.to_string()).unwrap_or_default(),
                money(e.charge.pay),
                money(e.charge.employer_ni),
                money(e.charge.apprenticeship_levy),
                money(e.charge.agency_margin),
                money(e.charge.total()),
                e.pqe_years.map(|y| y.to_string()).unwrap_or_default(),
                spreadsheet_safe(e.project_team.as_deref().unwrap_or_default()),
                if e.legacy() { "yes" } else { "no" }.to_string(),
                c.assessment.status.id().to_string(),
                breaches.join(" "),
                missing.join(" "),
            ])
            .map_err(fail)?;
        }
        let bytes = w.into_inner().map_err(|e| fail(e.into_error().into()))?;
        String::from_utf8(bytes).map_err(|e| AppError::Unavailable(e.to_string()))
    }

    /// The quarterly return of a council from the command line.
    pub fn agency_return_of(&self, la: &str, quarter: Quarter) -> Result<String, AppError> {
        let org = self.council_org(la)?;
        let csv = self.return_csv(&org, quarter)?;
        self.operator_audit(
            org.id,
            "export",
            &format!(
                "agency return {} {quarter}",
                org.la_code.clone().unwrap_or_default()
            ),
            "command line",
        )?;
        Ok(csv)
    }
}
