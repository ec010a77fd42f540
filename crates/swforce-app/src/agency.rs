//! Agency engagements: check them against the national rules (with or without storing them),
//! keep a council's register, summarise it (compliance, breaches, FTE, spend, premium over
//! permanent staff), let regional alliances set price caps and see their councils, and build
//! the quarterly return.

use crate::access::{Access, Origin, Principal, now_stamp};
use crate::display::spreadsheet_safe;
use crate::{App, AppError};
use std::collections::BTreeMap;
use std::io::Read;
use swforce_domain::access::{OrgKind, Permission};
use swforce_domain::agency::{
    Assessment, Context, Engagement, FULL_TIME_HOURS, JobType, Outcome, Pence, PriceCap, Quarter,
    Rule, Status, assess, cap_on, days_within,
};
use swforce_domain::{Date, GeographyCode};
use swforce_import::agency::{EngagementsRead, read_engagements_csv};
use swforce_import::{Diagnostic, Refused};
use swforce_store::{Organisation, StoredCap, StoredEngagement, UpsertOutcome};

/// One engagement and its result.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The CSV line it came from, for a file.
    pub line: Option<u64>,
    /// The stored id, for the register.
    pub id: Option<i64>,
    pub engagement: Engagement,
    pub assessment: Assessment,
}

/// A file of engagements checked against the rules.
#[derive(Debug, Clone)]
pub struct AgencyCheck {
    pub file: String,
    pub checked: Vec<Checked>,
    pub warnings: Vec<Diagnostic>,
}

impl AgencyCheck {
    pub fn count(&self, status: Status) -> usize {
        self.checked
            .iter()
            .filter(|c| c.assessment.status == status)
            .count()
    }
}

/// A line of the summary per job type.
#[derive(Debug, Clone)]
pub struct JobLine {
    pub job: JobType,
    pub active: usize,
    pub fte: f64,
    pub spend: Pence,
    /// The mean hourly charge of the engagements with a full breakdown.
    pub mean_charge: Option<Pence>,
    pub cap: Option<Pence>,
    pub permanent: Option<Pence>,
}

/// A council's (or a region's) agency picture for a quarter.
#[derive(Debug, Clone)]
pub struct AgencySummary {
    pub quarter: Quarter,
    /// Engagements running at some time in the quarter.
    pub engagements: usize,
    pub by_status: Vec<(Status, usize)>,
    /// Compliant as a share of those judged (leaving out those not in scope).
    pub compliance_rate: Option<f64>,
    pub breaches_by_rule: Vec<(Rule, usize)>,
    pub missing_by_field: Vec<(String, usize)>,
    /// FTE of the engagements running on the quarter's last day (or today, if sooner).
    pub fte: f64,
    pub spend: Pence,
    /// Spend above what permanent staff would have cost, where the permanent cost is set.
    pub premium: Option<Pence>,
    /// Job types with engagements but no permanent cost on record.
    pub premium_missing: Vec<JobType>,
    pub by_job: Vec<JobLine>,
}

/// One council in a regional view.
#[derive(Debug, Clone)]
pub struct CouncilLine {
    pub org: Organisation,
    pub summary: AgencySummary,
}

#[derive(Debug, Clone)]
pub struct RegionalSummary {
    pub region: String,
    pub region_name: String,
    pub councils: Vec<CouncilLine>,
    pub total: AgencySummary,
}

fn forbidden(problem: impl Into<String>, fix: impl Into<String>) -> AppError {
    AppError::Forbidden {
        problem: problem.into(),
        fix: fix.into(),
    }
}

fn invalid(problem: impl Into<String>, fix: impl Into<String>) -> AppError {
    AppError::Invalid {
        problem: problem.into(),
        fix: fix.into(),
    }
}

/// Hours a week, with a full-time week where none is given.
fn hours(e: &Engagement) -> f64 {
    e.hours_per_week.unwrap_or(FULL_TIME_HOURS)
}

/// What an engagement costs over `days` days at `hourly`.
fn cost(hourly: Pence, e: &Engagement, days: i64) -> Pence {
    Pence((hourly.0 as f64 * hours(e) * days as f64 / 7.0).round() as i64)
}

/// Sums a list of engagements and their results for a quarter.
pub fn summarise(
    quarter: Quarter,
    today: Date,
    rows: &[(&Engagement, &Assessment)],
    caps: &[PriceCap],
    region: Option<&str>,
    permanent: &[(JobType, Pence)],
) -> AgencySummary {
    let (from, to) = (quarter.first_day(), quarter.last_day());
    let census_day = to.min(today).max(from);
    let running: Vec<&(&Engagement, &Assessment)> = rows
        .iter()
        .filter(|(e, _)| e.active_between(from, to))
        .collect();
    let mut by_status: BTreeMap<Status, usize> = BTreeMap::new();
    let mut by_rule: BTreeMap<Rule, usize> = BTreeMap::new();
    let mut by_field: BTreeMap<String, usize> = BTreeMap::new();
    for (_, a) in &running {
        *by_status.entry(a.status).or_default() += 1;
        for f in &a.findings {
            match &f.outcome {
                Outcome::Breach { .. } => *by_rule.entry(f.rule).or_default() += 1,
                Outcome::Missing { fields, .. } => {
                    for field in fields {
                        *by_field.entry(field.clone()).or_default() += 1;
                    }
                }
                _ => {}
            }
        }
    }
    let judged = running.len() - by_status.get(&Status::NotInScope).copied().unwrap_or(0);
    let compliant = by_status.get(&Status::Compliant).copied().unwrap_or(0);
    let mut by_job = Vec::new();
    let (mut spend, mut premium, mut premium_missing, mut fte) = (0i64, 0i64, Vec::new(), 0.0);
    for job in JobType::ALL {
        let of_job: Vec<&Engagement> = running
            .iter()
            .map(|(e, _)| *e)
            .filter(|e| e.job_type == job)
            .collect();
        if of_job.is_empty() {
            continue;
        }
        let perm = permanent.iter().find(|(j, _)| *j == job).map(|(_, p)| *p);
        let (mut job_spend, mut job_fte, mut charges) = (0i64, 0.0, Vec::new());
        for e in &of_job {
            if e.active_on(census_day) {
                job_fte += hours(e) / FULL_TIME_HOURS;
            }
            if let Some(total) = e.charge.total() {
                let days = days_within(e, from, to);
                job_spend += cost(total, e, days).0;
                charges.push(total.0);
                if let Some(p) = perm {
                    premium += cost(Pence(total.0 - p.0), e, days).0;
                }
            }
        }
        if perm.is_none() {
            premium_missing.push(job);
        }
        spend += job_spend;
        fte += job_fte;
        by_job.push(JobLine {
            job,
            active: of_job.len(),
            fte: job_fte,
            spend: Pence(job_spend),
            mean_charge: (!charges.is_empty())
                .then(|| Pence(charges.iter().sum::<i64>() / charges.len() as i64)),
            cap: region.and_then(|r| cap_on(caps, r, job, census_day).map(|c| c.hourly)),
            permanent: perm,
        });
    }
    AgencySummary {
        quarter,
        engagements: running.len(),
        by_status: by_status.into_iter().collect(),
        compliance_rate: (judged > 0).then(|| compliant as f64 / judged as f64),
        breaches_by_rule: by_rule.into_iter().collect(),
        missing_by_field: by_field.into_iter().collect(),
        fte,
        spend: Pence(spend),
        premium: (premium_missing.len() < by_job.len()).then_some(Pence(premium)),
        premium_missing,
        by_job,
    }
}

/// The region (ONS code) of a council in a snapshot of the published geography.
pub(crate) fn region_in(snap: &crate::snapshot::Snapshot, la_code: &str) -> Option<String> {
    let code = GeographyCode::parse(la_code).ok()?;
    let g = snap.geography(&code)?;
    snap.region_of(g).map(|r| r.code.to_string())
}

/// Today's date (UTC).
pub fn today() -> Date {
    let now = jiff::Timestamp::now();
    Date::from_days_since_epoch(now.as_second().div_euclid(86_400))
}

impl App {
    /// The region (ONS code) of a council, from the published geography on record.
    pub fn region_of_council(&self, la_code: &str) -> Option<String> {
        region_in(&*self.snapshot().ok()?, la_code)
    }

    /// The region of each council the engagements name, read from one snapshot.
    fn regions(&self, engagements: &[Engagement]) -> BTreeMap<String, Option<String>> {
        let snap = self.snapshot().ok();
        let mut out = BTreeMap::new();
        for e in engagements {
            if !out.contains_key(&e.la_code) {
                let region = snap.as_deref().and_then(|s| region_in(s, &e.la_code));
                out.insert(e.la_code.clone(), region);
            }
        }
        out
    }

    fn caps(&self) -> Result<Vec<PriceCap>, AppError> {
        Ok(self
            .store()
            .price_caps()?
            .into_iter()
            .map(|c| c.cap)
            .collect())
    }

    /// Checks engagements against the rules with the caps on record.
    pub fn assess_engagements(
        &self,
        engagements: &[Engagement],
    ) -> Result<Vec<Assessment>, AppError> {
        self.assess_in(engagements, &self.regions(engagements))
    }

    fn assess_in(
        &self,
        engagements: &[Engagement],
        regions: &BTreeMap<String, Option<String>>,
    ) -> Result<Vec<Assessment>, AppError> {
        let caps = self.caps()?;
        Ok(engagements
            .iter()
            .map(|e| {
                assess(
                    e,
                    &Context {
                        council_region: regions.get(&e.la_code).cloned().flatten().as_deref(),
                        caps: &caps,
                    },
                )
            })
            .collect())
    }

    fn checked(&self, file: &str, read: EngagementsRead) -> Result<AgencyCheck, AppError> {
        let engagements: Vec<Engagement> =
            read.engagements.iter().map(|(_, e)| e.clone()).collect();
        let regions = self.regions(&engagements);
        let assessments = self.assess_in(&engagements, &regions)?;
        let mut warnings = read.warnings;
        let unknown: Vec<&str> = regions
            .iter()
            .filter(|(_, region)| region.is_none())
            .map(|(la, _)| la.as_str())
            .collect();
        if !unknown.is_empty() {
            warnings.push(Diagnostic::warning(
                file,
                format!(
                    "the region of {} is not known, so the three-month rule and the price cap cannot be judged",
                    unknown.join(", ")
                ),
                "Load the published statistics first (swforce demo), which place every council in its region",
            ));
        }
        Ok(AgencyCheck {
            file: file.to_string(),
            checked: read
                .engagements
                .into_iter()
                .zip(assessments)
                .map(|((line, engagement), assessment)| Checked {
                    line: Some(line),
                    id: None,
                    engagement,
                    assessment,
                })
                .collect(),
            warnings,
        })
    }

    /// Checks a CSV file of engagements against the rules without keeping anything.
    pub fn check_agency_file(
        &self,
        file: &str,
        reader: impl Read,
    ) -> Result<AgencyCheck, AppError> {
        let read = read_engagements_csv(file, reader)?;
        self.checked(file, read)
    }

    /// The council the person records engagements for.
    fn own_council(&self, who: &Principal, access: Access) -> Result<String, AppError> {
        who.require_access(Permission::ManageAgency, access)?;
        match (&who.org.la_code, who.org.kind.holds_census()) {
            (Some(la), true) => Ok(la.clone()),
            _ => Err(forbidden(
                format!(
                    "{} does not engage agency workers as a council",
                    who.org.name
                ),
                "Agency registers belong to local authorities and children's trusts",
            )),
        }
    }

    /// Stores a file of engagements for the person's own council: all or nothing, each matched
    /// by its reference, so importing the same file again changes nothing.
    pub fn import_agency_for(
        &self,
        who: &Principal,
        file: &str,
        reader: impl Read,
        origin: &Origin,
    ) -> Result<(UpsertOutcome, AgencyCheck), AppError> {
        let la = self.own_council(who, Access::Write)?;
        let read = read_engagements_csv(file, reader)?;
        let others: Vec<Diagnostic> = read
            .engagements
            .iter()
            .filter(|(_, e)| e.la_code != la)
            .take(50)
            .map(|(line, e)| {
                Diagnostic::error(
                    file,
                    format!(
                        "la_code {} is not {}'s code ({la})",
                        e.la_code, who.org.name
                    ),
                    format!("Import only your own council's engagements, with la_code {la}"),
                )
                .at(*line, None)
                .field("la_code")
            })
            .collect();
        if !others.is_empty() {
            return Err(AppError::Refused(Refused {
                file: file.to_string(),
                diagnostics: others,
            }));
        }
        let engagements: Vec<Engagement> =
            read.engagements.iter().map(|(_, e)| e.clone()).collect();
        let outcome = self
            .store()
            .upsert_engagements(who.org.id, &engagements, &now_stamp())?;
        self.audit_event(
            Some(who),
            "agency_import",
            &format!("agency register {la}"),
            &format!(
                "{file}: {} added, {} updated, {} unchanged",
                outcome.added, outcome.updated, outcome.unchanged
            ),
            origin,
        )?;
        Ok((outcome, self.checked(file, read)?))
    }

    /// Adds or replaces one engagement (from the web form).
    pub fn save_engagement(
        &self,
        who: &Principal,
        engagement: Engagement,
        origin: &Origin,
    ) -> Result<StoredEngagement, AppError> {
        let la = self.own_council(who, Access::Write)?;
        if engagement.la_code != la {
            return Err(invalid(
                format!("The council must be {} ({la})", who.org.name),
                "Record only your own council's engagements",
            ));
        }
        let reference = engagement.reference.clone();
        let outcome = self.store().upsert_engagements(
            who.org.id,
            std::slice::from_ref(&engagement),
            &now_stamp(),
        )?;
        self.audit_event(
            Some(who),
            "agency_record",
            &format!("engagement {reference}"),
            if outcome.added == 1 {
                "added"
            } else {
                "updated"
            },
            origin,
        )?;
        self.store()
            .engagements(who.org.id)?
            .into_iter()
            .find(|s| s.engagement.reference == reference)
            .ok_or_else(|| AppError::Unavailable("the engagement was not kept".into()))
    }

    /// The council's register with each engagement's result. Viewing it is on the audit log:
    /// it names workers.
    pub fn agency_register(
        &self,
        who: &Principal,
        origin: &Origin,
    ) -> Result<Vec<Checked>, AppError> {
        let la = self.own_council(who, Access::Read)?;
        let stored = self.store().engagements(who.org.id)?;
        self.audit_event(
            Some(who),
            "view_personal_data",
            &format!("agency register {la}"),
            &format!("{} engagement(s)", stored.len()),
            origin,
        )?;
        self.with_results(stored)
    }

    fn with_results(&self, stored: Vec<StoredEngagement>) -> Result<Vec<Checked>, AppError> {
        let engagements: Vec<Engagement> = stored.iter().map(|s| s.engagement.clone()).collect();
        let assessments = self.assess_engagements(&engagements)?;
        Ok(stored
            .into_iter()
            .zip(assessments)
            .map(|(s, assessment)| Checked {
                line: None,
                id: Some(s.id),
                engagement: s.engagement,
                assessment,
            })
            .collect())
    }

    /// One engagement of the person's council, with its result.
    pub fn agency_engagement(
        &self,
        who: &Principal,
        id: i64,
        origin: &Origin,
    ) -> Result<Checked, AppError> {
        self.own_council(who, Access::Read)?;
        let Some(s) = self.store().engagement(who.org.id, id)? else {
            return Err(AppError::NotFound {
                kind: "engagement",
                query: String::new(),
                suggestions: Vec::new(),
            });
        };
        self.audit_event(
            Some(who),
            "view_personal_data",
            &format!("engagement {}", s.engagement.reference),
            "",
            origin,
        )?;
        Ok(self.with_results(vec![s])?.remove(0))
    }

    pub fn delete_engagement(
        &self,
        who: &Principal,
        id: i64,
        origin: &Origin,
    ) -> Result<(), AppError> {
        self.own_council(who, Access::Write)?;
        let Some(s) = self.store().engagement(who.org.id, id)? else {
            return Err(AppError::NotFound {
                kind: "engagement",
                query: String::new(),
                suggestions: Vec::new(),
            });
        };
        self.store().delete_engagement(who.org.id, id)?;
        self.audit_event(
            Some(who),
            "agency_record",
            &format!("engagement {}", s.engagement.reference),
            "deleted",
            origin,
        )
    }

    /// The council's summary for a quarter (no individual is named).
    pub fn agency_summary(
        &self,
        who: &Principal,
        quarter: Quarter,
    ) -> Result<AgencySummary, AppError> {
        let la = self.own_council(who, Access::Read)?;
        self.council_summary(who.org.id, &la, quarter)
    }

    fn council_summary(
        &self,
        org_id: i64,
        la: &str,
        quarter: Quarter,
    ) -> Result<AgencySummary, AppError> {
        let stored = self.store().engagements(org_id)?;
        let checked = self.with_results(stored)?;
        let caps = self.caps()?;
        let region = self.region_of_council(la);
        let permanent = self.store().permanent_costs(org_id)?;
        let rows: Vec<(&Engagement, &Assessment)> = checked
            .iter()
            .map(|c| (&c.engagement, &c.assessment))
            .collect();
        Ok(summarise(
            quarter,
            today(),
            &rows,
            &caps,
            region.as_deref(),
            &permanent,
        ))
    }

    /// The region a regional alliance covers.
    fn own_region(&self, who: &Principal, access: Access) -> Result<String, AppError> {
        who.require_access(Permission::RegionalAgency, access)?;
        match (&who.org.la_code, who.org.kind) {
            (Some(r), OrgKind::RegionalAlliance) => Ok(r.clone()),
            _ => Err(forbidden(
                format!("{} is not a regional alliance", who.org.name),
                "Price caps and regional figures belong to regional alliances",
            )),
        }
    }

    /// A regional alliance's view: each council of its region on swforce, and the total.
    pub fn regional_agency(
        &self,
        who: &Principal,
        quarter: Quarter,
    ) -> Result<RegionalSummary, AppError> {
        let region = self.own_region(who, Access::Read)?;
        let snap = self.snapshot()?;
        let region_name = GeographyCode::parse(&region)
            .ok()
            .and_then(|c| snap.geography(&c).map(|g| g.name.clone()))
            .unwrap_or_else(|| region.clone());
        let caps = self.caps()?;
        let mut councils = Vec::new();
        let mut all: Vec<Checked> = Vec::new();
        let mut orgs = self.store().organisations()?;
        orgs.sort_by(|a, b| a.name.cmp(&b.name));
        for org in orgs {
            let Some(la) = org.la_code.clone().filter(|_| org.kind.holds_census()) else {
                continue;
            };
            if self.region_of_council(&la).as_deref() != Some(region.as_str()) {
                continue;
            }
            let checked = self.with_results(self.store().engagements(org.id)?)?;
            let permanent = self.store().permanent_costs(org.id)?;
            let rows: Vec<(&Engagement, &Assessment)> = checked
                .iter()
                .map(|c| (&c.engagement, &c.assessment))
                .collect();
            let summary = summarise(quarter, today(), &rows, &caps, Some(&region), &permanent);
            all.extend(checked);
            councils.push(CouncilLine { org, summary });
        }
        let rows: Vec<(&Engagement, &Assessment)> =
            all.iter().map(|c| (&c.engagement, &c.assessment)).collect();
        let total = summarise(quarter, today(), &rows, &caps, Some(&region), &[]);
        Ok(RegionalSummary {
            region,
            region_name,
            councils,
            total,
        })
    }

    /// Price caps on record for a region (anyone may read them: they are public prices).
    pub fn price_caps_of(&self, region: &str) -> Result<Vec<StoredCap>, AppError> {
        Ok(self
            .store()
            .price_caps()?
            .into_iter()
            .filter(|c| c.cap.region == region)
            .collect())
    }

    /// Sets a cap for the alliance's own region.
    pub fn set_price_cap(
        &self,
        who: &Principal,
        job: &str,
        from: &str,
        hourly: &str,
        origin: &Origin,
    ) -> Result<PriceCap, AppError> {
        let region = self.own_region(who, Access::Write)?;
        let job = JobType::from_id(job)
            .ok_or_else(|| invalid("Select the job type", "Each cap is for one job type"))?;
        let from = Date::parse(from).map_err(|_| {
            invalid(
                "Enter the date the cap applies from, like 2025-04-01",
                "Write the date as YYYY-MM-DD",
            )
        })?;
        let hourly = Pence::parse(hourly)
            .filter(|p| p.0 > 0 && p.0 <= 100_000)
            .ok_or_else(|| {
                invalid(
                    "Enter the cap in pounds an hour, like 58.50",
                    "Use a number of pounds and pence between 0.01 and 1000",
                )
            })?;
        let cap = PriceCap {
            region: region.clone(),
            job_type: job,
            from,
            hourly,
        };
        self.store()
            .set_price_cap(&cap, &who.user.email, &now_stamp())?;
        self.audit_event(
            Some(who),
            "admin",
            &format!("price cap {region} {}", job.id()),
            &format!("{hourly} an hour from {from}"),
            origin,
        )?;
        Ok(cap)
    }

    pub fn delete_price_cap(
        &self,
        who: &Principal,
        job: &str,
        from: &str,
        origin: &Origin,
    ) -> Result<(), AppError> {
        let region = self.own_region(who, Access::Write)?;
        let (Some(job), Ok(from)) = (JobType::from_id(job), Date::parse(from)) else {
            return Err(invalid("No such cap", "Choose a cap from the list"));
        };
        if !self.store().delete_price_cap(&region, job, from)? {
            return Err(invalid("No such cap", "Choose a cap from the list"));
        }
        self.audit_event(
            Some(who),
            "admin",
            &format!("price cap {region} {}", job.id()),
            &format!("cap from {from} removed"),
            origin,
        )
    }

    /// The council's permanent hourly costs, by job type.
    pub fn permanent_costs(&self, who: &Principal) -> Result<Vec<(JobType, Pence)>, AppError> {
        self.own_council(who, Access::Read)?;
        Ok(self.store().permanent_costs(who.org.id)?)
    }

    /// Sets what a permanent worker of a job type costs the council an hour (empty clears it).
    pub fn set_permanent_cost(
        &self,
        who: &Principal,
        job: &str,
        hourly: &str,
        origin: &Origin,
    ) -> Result<(), AppError> {
        self.own_council(who, Access::Write)?;
        let job = JobType::from_id(job)
            .ok_or_else(|| invalid("Select the job type", "Each cost is for one job type"))?;
        let hourly = if hourly.trim().is_empty() {
            None
        } else {
            Some(
                Pence::parse(hourly)
                    .filter(|p| p.0 > 0 && p.0 <= 100_000)
                    .ok_or_else(|| {
                        invalid(
                            "Enter the hourly cost in pounds, like 38.50",
                            "Include salary, employer National Insurance and pension, divided by hours worked",
                        )
                    })?,
            )
        };
        self.store().set_permanent_cost(who.org.id, job, hourly)?;
        self.audit_event(
            Some(who),
            "admin",
            &format!("permanent cost {}", job.id()),
            &hourly.map_or("cleared".to_string(), |h| format!("{h} an hour")),
            origin,
        )
    }

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
}

/// Who acts from the command line: the operator of the server, on the audit log as such.
const OPERATOR: &str = "swforce command line";

impl App {
    /// The council organisation on record for an authority's ONS code.
    fn council_org(&self, la: &str) -> Result<Organisation, AppError> {
        self.store()
            .organisations()?
            .into_iter()
            .find(|o| o.kind.holds_census() && o.la_code.as_deref() == Some(la.trim()))
            .ok_or_else(|| {
                invalid(
                    format!("No organisation on record is the council {la}"),
                    "A site admin adds the council as an organisation (local authority or children's trust) under Administration on the web first",
                )
            })
    }

    fn operator_audit(
        &self,
        org_id: i64,
        action: &str,
        target: &str,
        detail: &str,
    ) -> Result<(), AppError> {
        self.store().append_audit(&swforce_store::AuditEvent {
            id: 0,
            at: now_stamp(),
            org_id: Some(org_id),
            user_id: None,
            actor: OPERATOR.into(),
            action: action.into(),
            target: target.into(),
            detail: detail.into(),
            ip: String::new(),
        })?;
        Ok(())
    }

    /// Stores a file of engagements from the command line, for the council its rows name
    /// (every row must name the same council, which must be on record as an organisation).
    pub fn import_agency_file(
        &self,
        file: &str,
        reader: impl Read,
    ) -> Result<(Organisation, UpsertOutcome, AgencyCheck), AppError> {
        let read = read_engagements_csv(file, reader)?;
        let Some((_, first)) = read.engagements.first() else {
            return Err(invalid(
                format!("{file} has no engagements"),
                "Add a row per engagement below the header",
            ));
        };
        let la = first.la_code.clone();
        let others: Vec<Diagnostic> = read
            .engagements
            .iter()
            .filter(|(_, e)| e.la_code != la)
            .take(50)
            .map(|(line, e)| {
                Diagnostic::error(
                    file,
                    format!("la_code {} differs from the first row's {la}", e.la_code),
                    "Import one council's engagements per file",
                )
                .at(*line, None)
                .field("la_code")
            })
            .collect();
        if !others.is_empty() {
            return Err(AppError::Refused(Refused {
                file: file.to_string(),
                diagnostics: others,
            }));
        }
        let org = self.council_org(&la)?;
        let engagements: Vec<Engagement> =
            read.engagements.iter().map(|(_, e)| e.clone()).collect();
        let outcome = self
            .store()
            .upsert_engagements(org.id, &engagements, &now_stamp())?;
        self.operator_audit(
            org.id,
            "agency_import",
            &format!("agency register {la}"),
            &format!(
                "{file}: {} added, {} updated, {} unchanged",
                outcome.added, outcome.updated, outcome.unchanged
            ),
        )?;
        let check = self.checked(file, read)?;
        Ok((org, outcome, check))
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
