//! The quarterly return for the Department for Education, in two parts: a row per assignment
//! (what the Department collects of each), and the council's own part (compliance with each
//! rule and its explanations, price-cap breaches and their sign-off, agencies whose behaviour
//! affected compliance, and the agency workforce's cost each month).

use super::{Checked, invalid};
use crate::access::{Access, Origin, Principal, now_stamp};
use crate::display::spreadsheet_safe;
use crate::{App, AppError};
use swforce_domain::Date;
use swforce_domain::agency::{Context, Engagement, Outcome, Pence, Quarter, Rule, above_cap};
use swforce_import::{Diagnostic, Refused};
use swforce_store::{NoteKind, Organisation, ReturnNote};

/// One rule in the council's part: how the engagements running in the quarter stand.
#[derive(Debug, Clone)]
pub struct RuleLine {
    pub rule: Rule,
    pub compliant: usize,
    pub breach: usize,
    pub missing: usize,
    pub not_applicable: usize,
    /// The council's explanation, when it has written one.
    pub explanation: Option<ReturnNote>,
}

impl RuleLine {
    /// `not compliant` (any breach), `not known` (information missing, no breach),
    /// `compliant`, or `not applicable` (the rule applied to no engagement).
    pub fn verdict(&self) -> &'static str {
        if self.breach > 0 {
            "not compliant"
        } else if self.missing > 0 {
            "not known"
        } else if self.compliant > 0 {
            "compliant"
        } else {
            "not applicable"
        }
    }
}

/// An engagement charged above its region's price cap.
#[derive(Debug, Clone)]
pub struct CapLine {
    pub reference: String,
    pub swe: String,
    pub agency: String,
    pub amount: Pence,
    pub cap: Pence,
    pub dcs_signoff: Option<Date>,
    pub ceo_signoff: Option<Date>,
    pub signed_off_in_time: bool,
    /// Whether it began before the rules (the sign-offs were due by the transition date).
    pub legacy: bool,
}

/// An agency that supplied workers in the quarter.
#[derive(Debug, Clone)]
pub struct AgencyLine {
    pub agency: String,
    pub engagements: usize,
    /// Engagements of the agency with a breach of any rule.
    pub with_breach: usize,
    pub note: Option<ReturnNote>,
}

/// What the agency workforce cost in one month of the quarter.
#[derive(Debug, Clone)]
pub struct MonthCost {
    pub first_day: Date,
    /// The last day counted: the month's, or today for a month not over (before the first
    /// day, for a month to come).
    pub last_day: Date,
    pub cost: Pence,
    /// Engagements running in the month whose hourly cost is not known (left out of `cost`).
    pub without_cost: usize,
}

/// The council's own part of a quarter's return.
#[derive(Debug, Clone)]
pub struct CouncilReturn {
    pub la: String,
    pub quarter: Quarter,
    pub engagements: usize,
    pub rules: Vec<RuleLine>,
    pub above_cap: Vec<CapLine>,
    pub agencies: Vec<AgencyLine>,
    pub months: Vec<MonthCost>,
    /// What the council's own figures lack, by field, with the number of engagements: the rules
    /// and the cost need them, the return does not.
    pub gaps: Vec<(String, usize)>,
    /// References of the engagements without the hourly pay rate the Department collects: while
    /// there are any, the assignments part is refused.
    pub without_pay: Vec<String>,
}

/// The columns of the assignments part, in order.
pub const ASSIGNMENT_COLUMNS: [&str; 13] = [
    "la_code",
    "quarter",
    "reference",
    "swe_number",
    "agency",
    "role_type",
    "hourly_pay_rate",
    "start_date",
    "end_date",
    "project_team",
    "packaged_model",
    "status",
    "breaches",
];

/// The columns of the council's part.
pub const COUNCIL_COLUMNS: [&str; 6] = [
    "la_code", "quarter", "section", "subject", "value", "detail",
];

fn money(p: Pence) -> String {
    format!("{:.2}", p.pounds())
}

fn fail(e: csv::Error) -> AppError {
    AppError::Unavailable(format!("the return could not be written: {e}"))
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<String, AppError> {
    let bytes = w.into_inner().map_err(|e| fail(e.into_error().into()))?;
    String::from_utf8(bytes).map_err(|e| AppError::Unavailable(e.to_string()))
}

/// Which part of the return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnPart {
    Assignments,
    Council,
}

impl ReturnPart {
    pub fn id(self) -> &'static str {
        match self {
            Self::Assignments => "assignments",
            Self::Council => "council",
        }
    }
}

impl App {
    /// A part of the quarter's return for the Department for Education as CSV. The
    /// assignments part is refused, listing each gap, while an engagement running in the
    /// quarter lacks its hourly pay rate (the one item the Department collects that a
    /// register may leave blank).
    pub fn agency_return(
        &self,
        who: &Principal,
        quarter: Quarter,
        part: ReturnPart,
        origin: &Origin,
    ) -> Result<String, AppError> {
        let la = self.own_council(who, Access::Read)?;
        let csv = self.return_part(&who.org, quarter, part)?;
        self.audit_event(
            Some(who),
            "export",
            &format!("agency return {la} {quarter} {}", part.id()),
            &swforce_domain::number::count_of(
                csv.lines().count().saturating_sub(1),
                "line",
                "lines",
            ),
            origin,
        )?;
        Ok(csv)
    }

    /// A part of the quarterly return of a council from the command line.
    pub fn agency_return_of(
        &self,
        la: &str,
        quarter: Quarter,
        part: ReturnPart,
    ) -> Result<String, AppError> {
        let org = self.council_org(la)?;
        let csv = self.return_part(&org, quarter, part)?;
        self.operator_audit(
            org.id,
            "export",
            &format!(
                "agency return {} {quarter} {}",
                org.la_code.clone().unwrap_or_default(),
                part.id()
            ),
            "command line",
        )?;
        Ok(csv)
    }

    fn return_part(
        &self,
        org: &Organisation,
        quarter: Quarter,
        part: ReturnPart,
    ) -> Result<String, AppError> {
        match part {
            ReturnPart::Assignments => self.assignments_csv(org, quarter),
            ReturnPart::Council => council_csv(&self.council_return_of(org, quarter)?),
        }
    }

    /// The engagements running in a quarter, with their results.
    fn running(&self, org: &Organisation, quarter: Quarter) -> Result<Vec<Checked>, AppError> {
        let (from, to) = (quarter.first_day(), quarter.last_day());
        Ok(self
            .with_results_for(self.store().engagements(org.id)?, quarter)?
            .into_iter()
            .filter(|c| c.engagement.active_between(from, to))
            .collect())
    }

    fn assignments_csv(&self, org: &Organisation, quarter: Quarter) -> Result<String, AppError> {
        let la = org.la_code.clone().unwrap_or_default();
        let running = self.running(org, quarter)?;
        let name = format!("agency return {la} {quarter}");
        let problems: Vec<Diagnostic> = running
            .iter()
            .enumerate()
            .filter(|(_, c)| c.engagement.charge.pay.is_none())
            .map(|(i, c)| {
                let e = &c.engagement;
                Diagnostic::error(
                    &name,
                    format!(
                        "engagement {} ({}) has no pay_rate, which the Department collects",
                        e.reference, e.swe
                    ),
                    "Add the worker's hourly pay rate to the engagement, then export again",
                )
                .at(i as u64 + 2, None)
                .field("pay_rate")
            })
            .collect();
        if !problems.is_empty() {
            return Err(AppError::Refused(Refused {
                file: name,
                diagnostics: problems,
            }));
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(ASSIGNMENT_COLUMNS).map_err(fail)?;
        for c in &running {
            let e = &c.engagement;
            let breaches: Vec<&str> = c.assessment.breaches().map(|f| f.rule.id()).collect();
            let yes_no = |b: Option<bool>| match b {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            };
            w.write_record([
                la.as_str(),
                &quarter.to_string(),
                &spreadsheet_safe(&e.reference),
                &e.swe,
                &spreadsheet_safe(&e.agency),
                e.job_type.id(),
                &e.charge.pay.map(money).unwrap_or_default(),
                &e.start.to_string(),
                &e.end.map(|d| d.to_string()).unwrap_or_default(),
                &spreadsheet_safe(e.project_team.as_deref().unwrap_or_default()),
                yes_no(e.packaged_model),
                c.assessment.status.id(),
                &breaches.join(" "),
            ])
            .map_err(fail)?;
        }
        finish(w)
    }

    /// The council's own part of a quarter's return, for the person's council.
    pub fn council_return(
        &self,
        who: &Principal,
        quarter: Quarter,
    ) -> Result<CouncilReturn, AppError> {
        self.own_council(who, Access::Read)?;
        self.council_return_of(&who.org, quarter)
    }

    fn council_return_of(
        &self,
        org: &Organisation,
        quarter: Quarter,
    ) -> Result<CouncilReturn, AppError> {
        let la = org.la_code.clone().unwrap_or_default();
        let running = self.running(org, quarter)?;
        let notes = self.store().return_notes(org.id, &quarter.to_string())?;
        let note = |kind: NoteKind, subject: &str| {
            notes
                .iter()
                .find(|n| n.kind == kind && n.subject == subject)
                .cloned()
        };
        let rules = Rule::ALL
            .into_iter()
            .map(|rule| {
                let mut line = RuleLine {
                    rule,
                    compliant: 0,
                    breach: 0,
                    missing: 0,
                    not_applicable: 0,
                    explanation: note(NoteKind::Explanation, rule.id()),
                };
                for c in &running {
                    match c.assessment.findings.iter().find(|f| f.rule == rule) {
                        Some(f) => match f.outcome {
                            Outcome::Compliant { .. } => line.compliant += 1,
                            Outcome::Breach { .. } => line.breach += 1,
                            Outcome::Missing { .. } => line.missing += 1,
                            Outcome::NotApplicable { .. } => line.not_applicable += 1,
                        },
                        None => line.not_applicable += 1,
                    }
                }
                line
            })
            .collect();
        let engagements: Vec<Engagement> = running.iter().map(|c| c.engagement.clone()).collect();
        let regions = self.regions(&engagements);
        let caps = self.caps()?;
        let above: Vec<CapLine> = running
            .iter()
            // An engagement not in scope for the quarter (a legacy one before 1 October 2025)
            // is not judged against the cap in it.
            .filter(|c| c.assessment.status != swforce_domain::agency::Status::NotInScope)
            .filter_map(|c| {
                let e = &c.engagement;
                let region = regions.get(&e.la_code).cloned().flatten();
                let over = above_cap(
                    e,
                    &Context {
                        council_region: region.as_deref(),
                        previous_council_region: None,
                        caps: &caps,
                    },
                )?;
                Some(CapLine {
                    reference: e.reference.clone(),
                    swe: e.swe.clone(),
                    agency: e.agency.clone(),
                    amount: over.amount,
                    cap: over.cap,
                    dcs_signoff: e.dcs_signoff,
                    ceo_signoff: e.ceo_signoff,
                    signed_off_in_time: over.signed_off_in_time,
                    legacy: e.legacy(),
                })
            })
            .collect();
        let mut agencies: Vec<AgencyLine> = Vec::new();
        for c in &running {
            let name = c.engagement.agency.as_str();
            let i = match agencies.iter().position(|a| a.agency == name) {
                Some(i) => i,
                None => {
                    agencies.push(AgencyLine {
                        agency: name.to_string(),
                        engagements: 0,
                        with_breach: 0,
                        note: note(NoteKind::Agency, name),
                    });
                    agencies.len() - 1
                }
            };
            agencies[i].engagements += 1;
            if c.assessment.breaches().next().is_some() {
                agencies[i].with_breach += 1;
            }
        }
        agencies.sort_by(|a, b| a.agency.cmp(&b.agency));
        let months = quarter
            .months()
            .into_iter()
            .map(|(first, last)| {
                // What has been paid: a month not over counts up to today, one to come nothing.
                let last = last.min(super::today());
                let (mut cost, mut without_cost) = (0.0, 0usize);
                if last >= first {
                    for e in engagements.iter().filter(|e| e.active_between(first, last)) {
                        match e.charge.total(e.pay_basis) {
                            Some(hourly) => {
                                let days = swforce_domain::agency::days_within(e, first, last);
                                cost += super::summary::cost(hourly, e, days);
                            }
                            None => without_cost += 1,
                        }
                    }
                }
                MonthCost {
                    first_day: first,
                    last_day: last,
                    // Rounded once, for the month.
                    cost: Pence(cost.round() as i64),
                    without_cost,
                }
            })
            .collect();
        let mut gaps: Vec<(String, usize)> = Vec::new();
        let mut gap = |field: &str| match gaps.iter_mut().find(|(f, _)| f == field) {
            Some((_, n)) => *n += 1,
            None => gaps.push((field.to_string(), 1)),
        };
        for e in &engagements {
            if e.pay_basis.is_none() {
                gap("pay_basis");
            }
            // The pay rate is collected by the Department: its absence stops the return and is
            // listed apart, in `without_pay`.
            for field in e.charge.missing(e.pay_basis) {
                if field != "pay_rate" {
                    gap(field);
                }
            }
            if e.hours_per_week.is_none() {
                gap("hours_per_week");
            }
            if e.pqe_years.is_none() {
                gap("pqe_years");
            }
        }
        let without_pay = running
            .iter()
            .filter(|c| c.engagement.charge.pay.is_none())
            .map(|c| c.engagement.reference.clone())
            .collect();
        Ok(CouncilReturn {
            la,
            quarter,
            without_pay,
            engagements: running.len(),
            rules,
            above_cap: above,
            agencies,
            months,
            gaps,
        })
    }

    /// Writes (or with empty text removes) the council's explanation of non-compliance with a
    /// rule, or its note on an agency, for a quarter's return.
    pub fn set_return_note(
        &self,
        who: &Principal,
        quarter: Quarter,
        kind: &str,
        subject: &str,
        note: &str,
        origin: &Origin,
    ) -> Result<(), AppError> {
        let la = self.own_council(who, Access::Write)?;
        let kind = NoteKind::from_id(kind)
            .ok_or_else(|| invalid("Choose what the note is about", "Use the return's form"))?;
        let subject = subject.trim();
        let ok = match kind {
            NoteKind::Explanation => Rule::from_id(subject).is_some(),
            NoteKind::Agency => !subject.is_empty() && subject.chars().count() <= 200,
        };
        if !ok {
            return Err(invalid(
                "Choose a rule or an agency from the return",
                "Use the return's form",
            ));
        }
        let note = note.trim();
        if note.chars().count() > 2000 {
            return Err(invalid(
                "The note is longer than 2,000 characters",
                "Shorten it: the Department asks for a brief explanation",
            ));
        }
        self.store().set_return_note(
            who.org.id,
            &ReturnNote {
                quarter: quarter.to_string(),
                kind,
                subject: subject.to_string(),
                note: note.to_string(),
                set_by: who.user.email.clone(),
                set_at: now_stamp(),
            },
        )?;
        self.audit_event(
            Some(who),
            "admin",
            &format!("agency return {la} {quarter}"),
            &format!(
                "{} on {subject} {}",
                kind.id(),
                if note.is_empty() {
                    "removed"
                } else {
                    "written"
                }
            ),
            origin,
        )
    }
}

/// The council's part as CSV: one row per item, by section.
fn council_csv(r: &CouncilReturn) -> Result<String, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COUNCIL_COLUMNS).map_err(fail)?;
    let (la, quarter) = (r.la.as_str(), r.quarter.to_string());
    let mut row = |section: &str, subject: &str, value: &str, detail: &str| {
        w.write_record([
            la,
            quarter.as_str(),
            section,
            &spreadsheet_safe(subject),
            &spreadsheet_safe(value),
            &spreadsheet_safe(detail),
        ])
        .map_err(fail)
    };
    for l in &r.rules {
        row(
            "compliance",
            l.rule.id(),
            l.verdict(),
            &format!(
                "{}: {} compliant, {} breach, {} missing information, {} not applicable",
                l.rule.title(),
                l.compliant,
                l.breach,
                l.missing,
                l.not_applicable
            ),
        )?;
        if let Some(n) = &l.explanation {
            row("explanation", l.rule.id(), &n.note, "")?;
        }
    }
    for c in &r.above_cap {
        let date = |d: Option<Date>| d.map_or("none".to_string(), |d| d.to_string());
        row(
            "price_cap_breach",
            &c.reference,
            &money(c.amount),
            &format!(
                "{} ({}); cap {}; director of children's services signed off {}; chief executive signed off {}; {}",
                c.swe,
                c.agency,
                money(c.cap),
                date(c.dcs_signoff),
                date(c.ceo_signoff),
                match (c.signed_off_in_time, c.legacy) {
                    (true, false) => "both by the start".to_string(),
                    (false, false) => "not both by the start".to_string(),
                    (true, true) => format!(
                        "both by {}, the date engagements begun before the rules had to comply",
                        swforce_domain::agency::transition()
                    ),
                    (false, true) => format!(
                        "not both by {}, the date engagements begun before the rules had to comply",
                        swforce_domain::agency::transition()
                    ),
                }
            ),
        )?;
    }
    for a in r.agencies.iter().filter(|a| a.note.is_some()) {
        row(
            "agency",
            &a.agency,
            a.note.as_ref().map_or("", |n| n.note.as_str()),
            &format!(
                "{}, {} with a breach",
                swforce_domain::number::count_of(a.engagements, "engagement", "engagements"),
                a.with_breach
            ),
        )?;
    }
    for m in &r.months {
        row(
            "monthly_cost",
            &format!("{:04}-{:02}", m.first_day.year(), m.first_day.month()),
            &money(m.cost),
            &if m.without_cost > 0 {
                format!(
                    "{} left out: their hourly cost is not known",
                    swforce_domain::number::count_of(m.without_cost, "engagement", "engagements")
                )
            } else {
                String::new()
            },
        )?;
    }
    finish(w)
}
