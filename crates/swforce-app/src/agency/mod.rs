//! Agency engagements: check them against the national rules (with or without storing them),
//! keep a council's register, summarise it (compliance, breaches, FTE, spend, premium over
//! permanent staff), let regional alliances set price caps and see their councils, and build
//! the quarterly return.

mod prices;
mod register;
mod returns;
mod summary;

pub use summary::summarise;

use crate::access::{Access, Principal, now_stamp};
use crate::{App, AppError};
use std::collections::BTreeMap;
use swforce_domain::access::{OrgKind, Permission};
use swforce_domain::agency::{
    Assessment, Context, Engagement, JobType, Pence, PriceCap, Quarter, Rule, Status, assess,
};
use swforce_domain::{Date, GeographyCode};
use swforce_import::Diagnostic;
use swforce_import::agency::EngagementsRead;
use swforce_store::{Organisation, StoredEngagement};

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

/// Who acts from the command line: the operator of the server, on the audit log as such.
pub(super) const OPERATOR: &str = "swforce command line";

impl App {
    /// The region (ONS code) of a council, from the published geography on record.
    pub fn region_of_council(&self, la_code: &str) -> Option<String> {
        region_in(&*self.snapshot().ok()?, la_code)
    }

    /// The region of each council the engagements name, read from one snapshot.
    fn regions(&self, engagements: &[Engagement]) -> BTreeMap<String, Option<String>> {
        let snap = self.snapshot().ok();
        let mut out = BTreeMap::new();
        // The councils' regions, and those of the workers' previous councils.
        for code in engagements
            .iter()
            .flat_map(|e| std::iter::once(&e.la_code).chain(e.previous_la_code.as_ref()))
        {
            if !out.contains_key(code) {
                let region = snap.as_deref().and_then(|s| region_in(s, code));
                out.insert(code.clone(), region);
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
                        previous_council_region: e
                            .previous_la_code
                            .as_ref()
                            .and_then(|c| regions.get(c).cloned().flatten())
                            .as_deref(),
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
}
