//! Agency engagements: check them against the national rules (with or without storing them),
//! keep a council's register, summarise it (compliance, breaches, FTE, spend, premium over
//! permanent staff), let regional alliances set price caps and see their councils, and build
//! the quarterly return.

mod prices;
mod register;
mod returns;
mod summary;

pub use prices::read_caps_file;
pub use returns::{
    ASSIGNMENT_COLUMNS, AgencyLine, COUNCIL_COLUMNS, CapLine, CouncilReturn, MonthCost, ReturnPart,
    RuleLine,
};
pub use summary::summarise;

use crate::access::{Access, Principal, now_stamp};
use crate::display::spreadsheet_safe;
use crate::{App, AppError};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;
use swforce_domain::access::{OrgKind, Permission};
use swforce_domain::agency::{
    Assessment, Context, Engagement, JobType, Outcome, Pence, PriceCap, Quarter, Rule, Status,
    assess, for_period,
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

    /// How many engagements have each result for each rule: `(rule, [compliant, breach,
    /// missing, not applicable])`.
    pub fn by_rule(&self) -> Vec<(Rule, [usize; 4])> {
        Rule::ALL
            .into_iter()
            .map(|rule| {
                let mut n = [0; 4];
                for c in &self.checked {
                    if let Some(f) = c.assessment.findings.iter().find(|f| f.rule == rule) {
                        n[result_index(&f.outcome)] += 1;
                    }
                }
                (rule, n)
            })
            .collect()
    }

    /// The results as CSV: one row per engagement and rule, with the evidence; with
    /// `breaches_only`, only the rows of breaches.
    pub fn results_csv(&self, breaches_only: bool) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let header = [
            "line",
            "reference",
            "swe_number",
            "engagement_status",
            "rule",
            "rule_title",
            "result",
            "missing_fields",
            "evidence",
        ];
        let mut rows = vec![header.map(String::from).to_vec()];
        for c in &self.checked {
            for f in &c.assessment.findings {
                if breaches_only && !matches!(f.outcome, Outcome::Breach { .. }) {
                    continue;
                }
                let (fields, evidence) = match &f.outcome {
                    Outcome::Missing { fields, evidence } => (fields.join(" "), evidence),
                    Outcome::Compliant { evidence }
                    | Outcome::Breach { evidence }
                    | Outcome::NotApplicable { evidence } => (String::new(), evidence),
                };
                rows.push(vec![
                    c.line.map(|l| l.to_string()).unwrap_or_default(),
                    spreadsheet_safe(&c.engagement.reference),
                    c.engagement.swe.clone(),
                    c.assessment.status.id().to_string(),
                    f.rule.id().to_string(),
                    f.rule.title().to_string(),
                    RESULTS[result_index(&f.outcome)].to_string(),
                    fields,
                    spreadsheet_safe(evidence),
                ]);
            }
        }
        for r in rows {
            // Writing to memory cannot fail.
            let _ = w.write_record(&r);
        }
        w.into_inner()
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default()
    }
}

/// The results a rule can have for an engagement, as the results file writes them.
pub const RESULTS: [&str; 4] = ["compliant", "breach", "missing", "not_applicable"];

fn result_index(o: &Outcome) -> usize {
    match o {
        Outcome::Compliant { .. } => 0,
        Outcome::Breach { .. } => 1,
        Outcome::Missing { .. } => 2,
        Outcome::NotApplicable { .. } => 3,
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
    /// The last day spend counts: the quarter's last day, or today for a quarter not over.
    pub paid_to: Date,
    /// Engagements running in the quarter left out of spend and premium: their hourly cost is
    /// not known (a part of the charge is blank).
    pub spend_left_out: usize,
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

/// The London region's ONS code.
const LONDON: &str = "E12000007";

/// Each council's region (ONS codes), from the published geography shipped with swforce (the
/// headline measures file of the demo data), so the rules can be judged before any statistics
/// are loaded.
fn shipped_regions() -> &'static HashMap<String, String> {
    static REGIONS: OnceLock<HashMap<String, String>> = OnceLock::new();
    REGIONS.get_or_init(|| {
        let mut out = HashMap::new();
        let Some((_, bytes)) = crate::DEMO_FILES
            .iter()
            .find(|(name, _)| name.starts_with("csww_headline"))
        else {
            return out;
        };
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut csv = csv::Reader::from_reader(bytes);
        let Ok(header) = csv.headers().cloned() else {
            return out;
        };
        let at = |name: &str| header.iter().position(|h| h == name);
        let (Some(la), Some(region)) = (at("new_la_code"), at("region_code")) else {
            return out;
        };
        for row in csv.records().flatten() {
            if let (Some(la), Some(region)) = (row.get(la), row.get(region)) {
                if la.len() == 9 && region.len() == 9 {
                    // The releases place London's boroughs in Inner or Outer London (E13),
                    // parts of the London region.
                    let region = if region.starts_with("E13") {
                        LONDON
                    } else {
                        region
                    };
                    out.insert(la.to_string(), region.to_string());
                }
            }
        }
        // Councils made since the shipped releases are in their predecessors' region.
        for r in swforce_domain::lineage::LINEAGE {
            for (successor, predecessors) in r.continuity {
                let region = predecessors.iter().find_map(|p| out.get(*p).cloned());
                if let Some(region) = region {
                    out.entry(successor.to_string()).or_insert(region);
                }
            }
        }
        out
    })
}

/// The region of a council: from the statistics on record where they place it, else from the
/// geography shipped with swforce.
fn region_from(snap: Option<&crate::snapshot::Snapshot>, la_code: &str) -> Option<String> {
    snap.and_then(|s| region_in(s, la_code))
        .or_else(|| shipped_regions().get(la_code.trim()).cloned())
}

/// Checks engagements read from a file against the rules, with `caps`, placing each council
/// in its region by `region_of`.
fn check_read(
    file: &str,
    read: EngagementsRead,
    caps: &[PriceCap],
    region_of: impl Fn(&str) -> Option<String>,
) -> AgencyCheck {
    let mut regions: BTreeMap<String, Option<String>> = BTreeMap::new();
    for (_, e) in &read.engagements {
        for code in std::iter::once(&e.la_code).chain(e.previous_la_code.as_ref()) {
            if !regions.contains_key(code) {
                regions.insert(code.clone(), region_of(code));
            }
        }
    }
    let mut warnings = read.warnings;
    // A council engaging workers decides both regional rules; a previous employer only the
    // three months.
    let engaging: BTreeSet<&str> = read
        .engagements
        .iter()
        .map(|(_, e)| e.la_code.as_str())
        .collect();
    for (own, rules) in [
        (true, "the three-month rule and the price cap"),
        (false, "the three-month rule"),
    ] {
        let unknown: Vec<&str> = regions
            .iter()
            .filter(|(la, region)| region.is_none() && engaging.contains(la.as_str()) == own)
            .map(|(la, _)| la.as_str())
            .collect();
        if unknown.is_empty() {
            continue;
        }
        warnings.push(Diagnostic::warning(
            file,
            format!(
                "{} {} not a council with children's services in the published geography, so {rules} cannot be judged where {} {}",
                unknown.join(", "),
                if unknown.len() == 1 { "is" } else { "are" },
                if unknown.len() == 1 { "it is" } else { "they are" },
                if own { "the engaging council" } else { "the previous employer" },
            ),
            "Check the ONS code: councils with children's services have codes starting E06, E08, E09 or E10 (a district council, E07, has none)",
        ));
    }
    let checked = read
        .engagements
        .into_iter()
        .map(|(line, engagement)| {
            let assessment = assess_with(&engagement, caps, &regions);
            Checked {
                line: Some(line),
                id: None,
                engagement,
                assessment,
            }
        })
        .collect();
    AgencyCheck {
        file: file.to_string(),
        checked,
        warnings,
    }
}

fn assess_with(
    e: &Engagement,
    caps: &[PriceCap],
    regions: &BTreeMap<String, Option<String>>,
) -> Assessment {
    let region = |code: &String| regions.get(code).cloned().flatten();
    assess(
        e,
        &Context {
            council_region: region(&e.la_code).as_deref(),
            previous_council_region: e.previous_la_code.as_ref().and_then(region).as_deref(),
            caps,
        },
    )
}

/// Checks a CSV file of engagements against the rules without any store: councils are placed
/// in their regions by the geography shipped with swforce, and `caps` are the price caps.
pub fn check_agency_file_alone(
    file: &str,
    reader: impl std::io::Read,
    caps: &[PriceCap],
) -> Result<AgencyCheck, AppError> {
    let read = swforce_import::agency::read_engagements_csv(file, reader)?;
    Ok(check_read(file, read, caps, |code| region_from(None, code)))
}

/// Today's date (UTC).
pub fn today() -> Date {
    let now = jiff::Timestamp::now();
    Date::from_days_since_epoch(now.as_second().div_euclid(86_400))
}

/// Who acts from the command line: the operator of the server, on the audit log as such.
pub(super) const OPERATOR: &str = crate::access::COMMAND_LINE;

impl App {
    /// The region (ONS code) of a council, from the published geography on record or shipped
    /// with swforce.
    pub fn region_of_council(&self, la_code: &str) -> Option<String> {
        region_from(self.snapshot().ok().as_deref(), la_code)
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
                out.insert(code.clone(), region_from(snap.as_deref(), code));
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
            .map(|e| assess_with(e, &caps, regions))
            .collect())
    }

    /// Checks engagements read from a file, with `caps` or else the caps on record.
    fn checked(
        &self,
        file: &str,
        read: EngagementsRead,
        caps: Option<&[PriceCap]>,
    ) -> Result<AgencyCheck, AppError> {
        let on_record;
        let caps = match caps {
            Some(c) => c,
            None => {
                on_record = self.caps()?;
                &on_record
            }
        };
        let snap = self.snapshot().ok();
        Ok(check_read(file, read, caps, |code| {
            region_from(snap.as_deref(), code)
        }))
    }

    /// The engagements with their results for a quarter: a legacy engagement is not in scope
    /// for a quarter that ends before it had to comply.
    fn with_results_for(
        &self,
        stored: Vec<StoredEngagement>,
        quarter: Quarter,
    ) -> Result<Vec<Checked>, AppError> {
        Ok(self
            .with_results(stored)?
            .into_iter()
            .map(|mut c| {
                c.assessment = for_period(&c.engagement, c.assessment, quarter.last_day());
                c
            })
            .collect())
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
                    "Add the council as an organisation first: swforce admin org create --type council --la CODE (or under Administration on the web)",
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
