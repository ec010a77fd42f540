//! The national rules on councils' use of agency child and family social workers (statutory
//! guidance in force from 31 October 2024; engagements that began before then had to comply by
//! 1 October 2025), and the check of one engagement against them.
//!
//! Everything here is pure: an [`Engagement`] and a [`Context`] (the council's region, the
//! price caps on record) go in, an [`Assessment`] with one [`Finding`] per rule comes out.

mod cap;
mod kinds;
mod money;
mod quarter;

pub use cap::{AboveCap, above_cap, cap_on};
pub use kinds::{JobType, Leaving, PayBasis};
pub use money::{Charge, Pence};
pub use quarter::{Quarter, days_within};

use crate::Date;
use serde::{Deserialize, Serialize};

/// The day the rules came into force.
pub const IN_FORCE: (i32, u8, u8) = (2024, 10, 31);
/// The day by which engagements that began before [`IN_FORCE`] had to comply.
pub const TRANSITION: (i32, u8, u8) = (2025, 10, 1);
/// A full-time week, for FTE.
pub const FULL_TIME_HOURS: f64 = 37.0;

pub fn in_force() -> Date {
    Date::new(IN_FORCE.0, IN_FORCE.1, IN_FORCE.2).unwrap_or_else(|_| unreachable!())
}

pub fn transition() -> Date {
    Date::new(TRANSITION.0, TRANSITION.1, TRANSITION.2).unwrap_or_else(|_| unreachable!())
}

/// One agency engagement: a worker placed by an agency with a council.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Engagement {
    /// The council's own reference for it (unique within the council).
    pub reference: String,
    /// Social Work England registration number, such as SW123456.
    pub swe: String,
    pub agency: String,
    /// The council's ONS code.
    pub la_code: String,
    pub job_type: JobType,
    pub start: Date,
    pub end: Option<Date>,
    pub hours_per_week: Option<f64>,
    /// How the worker is paid (PAYE, umbrella or limited company); stored registers from
    /// before it was asked have none.
    #[serde(default)]
    pub pay_basis: Option<PayBasis>,
    pub charge: Charge,
    pub qualified: Option<Date>,
    /// Years of post-qualifying experience in child and family social work.
    pub pqe_years: Option<f64>,
    /// The previous substantive employer; `Some("none")` when there was none.
    pub previous_employer: Option<String>,
    /// The previous employer's ONS code when it was a council.
    pub previous_la_code: Option<String>,
    /// The previous employer's region (ONS code).
    pub previous_region: Option<String>,
    pub left_on: Option<Date>,
    pub leaving: Option<Leaving>,
    /// Whether a practice-based reference was received (`Some(false)`: only other references).
    pub practice_reference: Option<bool>,
    pub notice_weeks: Option<f64>,
    /// The council's notice period for the equivalent substantive role, in weeks.
    pub council_notice_weeks: Option<f64>,
    pub project_team: Option<String>,
    /// Whether the worker is supplied as part of a packaged model (a managed service).
    #[serde(default)]
    pub packaged_model: Option<bool>,
    /// Sign-off of a charge above the cap by the director of children's services...
    pub dcs_signoff: Option<Date>,
    /// ...and by the chief executive.
    pub ceo_signoff: Option<Date>,
}

impl Engagement {
    /// Whether it began before the rules came into force.
    pub fn legacy(&self) -> bool {
        self.start < in_force()
    }

    /// Whether it is running on `day`.
    pub fn active_on(&self, day: Date) -> bool {
        self.start <= day && self.end.is_none_or(|e| e >= day)
    }

    /// Whether it runs on any day from `from` to `to`.
    pub fn active_between(&self, from: Date, to: Date) -> bool {
        self.start <= to && self.end.is_none_or(|e| e >= from)
    }

    /// The date the rules are applied at: the start, or the transition date for an engagement
    /// that began before the rules.
    pub fn judged_at(&self) -> Date {
        if self.legacy() {
            transition()
        } else {
            self.start
        }
    }

    pub fn had_no_previous_post(&self) -> bool {
        self.previous_employer
            .as_deref()
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("none"))
    }
}

/// A regional price cap: the most a council of the region should pay an hour, from a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceCap {
    pub region: String,
    pub job_type: JobType,
    pub from: Date,
    pub hourly: Pence,
}

/// What a check needs besides the engagement.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    /// The council's region (ONS code), if known.
    pub council_region: Option<&'a str>,
    /// The region of the worker's previous council (from its ONS code), if known.
    pub previous_council_region: Option<&'a str>,
    /// Price caps on record (any region; the check picks its own).
    pub caps: &'a [PriceCap],
}

/// The rules, in the order they are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Rule {
    #[serde(rename = "AGY-1")]
    Experience,
    #[serde(rename = "AGY-2")]
    ThreeMonths,
    #[serde(rename = "AGY-3")]
    Notice,
    #[serde(rename = "AGY-4")]
    PriceCap,
    #[serde(rename = "AGY-5")]
    Reference,
    #[serde(rename = "AGY-6")]
    ProjectTeam,
}

/// Where the rules come from.
pub const SOURCE: &str = "Department for Education, statutory guidance on local authorities' use of agency child and family social workers (in force 31 October 2024)";

impl Rule {
    pub const ALL: [Rule; 6] = [
        Self::Experience,
        Self::ThreeMonths,
        Self::Notice,
        Self::PriceCap,
        Self::Reference,
        Self::ProjectTeam,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::Experience => "AGY-1",
            Self::ThreeMonths => "AGY-2",
            Self::Notice => "AGY-3",
            Self::PriceCap => "AGY-4",
            Self::Reference => "AGY-5",
            Self::ProjectTeam => "AGY-6",
        }
    }

    pub fn from_id(id: &str) -> Option<Rule> {
        Self::ALL.into_iter().find(|r| r.id() == id.trim())
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Experience => "Three years' experience",
            Self::ThreeMonths => "Three months after leaving a post nearby",
            Self::Notice => "Notice period",
            Self::PriceCap => "Regional price cap",
            Self::Reference => "Practice-based reference",
            Self::ProjectTeam => "Project teams",
        }
    }

    /// The rule in plain English.
    pub fn statement(self) -> &'static str {
        match self {
            Self::Experience => {
                "An agency child and family social worker has at least 3 years' post-qualifying experience in child and family social work."
            }
            Self::ThreeMonths => {
                "A council does not engage, through an agency, a social worker who left a substantive post in the same council, or in a council of the same region, less than 3 months before. This does not apply when the worker was made redundant, left during probation, is moving to a permanent post, or comes from a different region."
            }
            Self::Notice => {
                "An agency worker's notice period is 4 weeks, or the council's notice period for the equivalent substantive role where that is shorter."
            }
            Self::PriceCap => {
                "A council pays no more an hour than its region's price cap for the job type, unless the director of children's services and the chief executive have both signed off the higher charge."
            }
            Self::Reference => {
                "A council receives a practice-based reference before engaging an agency worker."
            }
            Self::ProjectTeam => {
                "Where an agency supplies a project team, the council knows every worker in it and the cost of each one, broken down."
            }
        }
    }

    /// The rule's first day; engagements that began before it are judged at the transition date.
    pub fn effective_from(self) -> Date {
        in_force()
    }
}

/// The result of one rule for one engagement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    Compliant {
        evidence: String,
    },
    Breach {
        evidence: String,
    },
    /// The fields needed to decide, by CSV column name.
    Missing {
        fields: Vec<String>,
        evidence: String,
    },
    NotApplicable {
        evidence: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Rule,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// An engagement's overall result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Compliant,
    Breach,
    MissingInformation,
    /// A legacy engagement that ended before it had to comply.
    NotInScope,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Self::Compliant => "Compliant",
            Self::Breach => "Breach",
            Self::MissingInformation => "Missing information",
            Self::NotInScope => "Not in scope",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Self::Compliant => "compliant",
            Self::Breach => "breach",
            Self::MissingInformation => "missing_information",
            Self::NotInScope => "not_in_scope",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub status: Status,
    /// The date the rules were applied at.
    pub judged_at: Date,
    pub findings: Vec<Finding>,
}

impl Assessment {
    pub fn breaches(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| matches!(f.outcome, Outcome::Breach { .. }))
    }
}

fn weeks(w: f64) -> String {
    if w.fract() == 0.0 {
        format!("{w:.0} week{}", if w == 1.0 { "" } else { "s" })
    } else {
        format!("{w} weeks")
    }
}

pub(super) fn missing(fields: &[&str], evidence: impl Into<String>) -> Outcome {
    Outcome::Missing {
        fields: fields.iter().map(|f| f.to_string()).collect(),
        evidence: evidence.into(),
    }
}

fn experience(e: &Engagement, at: Date) -> Outcome {
    let mut gaps = Vec::new();
    if e.pqe_years.is_none() {
        gaps.push("pqe_years");
    }
    if e.qualified.is_none() {
        gaps.push("qualified_on");
    }
    if let Some(q) = e.qualified {
        let three = q.plus_years(3);
        if three > at {
            return Outcome::Breach {
                evidence: format!(
                    "qualified on {q}: 3 years after qualifying is {three}, after {at}"
                ),
            };
        }
    }
    if let Some(y) = e.pqe_years {
        if y < 3.0 {
            return Outcome::Breach {
                evidence: format!(
                    "{y} years' post-qualifying experience in child and family social work, fewer than 3"
                ),
            };
        }
    }
    match (e.pqe_years, e.qualified) {
        (Some(y), Some(q)) => Outcome::Compliant {
            evidence: format!("{y} years' post-qualifying experience; qualified on {q}"),
        },
        // The declared years are enough; the missing date is said, as a warning.
        (Some(y), None) => Outcome::Compliant {
            evidence: format!(
                "{y} years' post-qualifying experience, as declared (warning: no qualification date was given to confirm it)"
            ),
        },
        _ => missing(&gaps, "the years of post-qualifying experience are needed"),
    }
}

fn three_months(e: &Engagement, at: Date, ctx: &Context) -> Outcome {
    if e.had_no_previous_post() {
        return Outcome::NotApplicable {
            evidence: "no previous substantive post".into(),
        };
    }
    // A council's code alone names the employer.
    let Some(employer) = e
        .previous_employer
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .or(e
            .previous_la_code
            .as_deref()
            .filter(|c| !c.trim().is_empty()))
    else {
        return missing(
            &["previous_employer"],
            "the previous substantive employer (or \"none\") is needed",
        );
    };
    // The rule covers substantive posts in councils' children's services: a council is known
    // by its code, and its region follows from the code. Any other employer (an NHS trust, a
    // charity, an agency) is out of scope, whatever region is given for it.
    let Some(council) = e
        .previous_la_code
        .as_deref()
        .filter(|c| !c.trim().is_empty())
    else {
        return Outcome::NotApplicable {
            evidence: format!(
                "{employer} is not given as a council (no council code): the rule covers substantive posts in councils' children's services; give the council's ONS code if it is one"
            ),
        };
    };
    if council == e.la_code.as_str() {
        return three_months_near(e, at, employer, "the same council");
    }
    // The region given is used only when the code's own is not known here.
    let region = ctx
        .previous_council_region
        .or(e.previous_region.as_deref().filter(|r| !r.is_empty()));
    let Some(region) = region else {
        return missing(
            &["previous_la_code"],
            format!("the region of the council {council} is not known; check its ONS code"),
        );
    };
    match ctx.council_region {
        None => missing(
            &["la_code"],
            "the council's region is not known; give its ONS code",
        ),
        Some(own) if own != region => Outcome::NotApplicable {
            evidence: format!("{employer} is in another region ({region})"),
        },
        Some(_) => three_months_near(e, at, employer, "a council of the same region"),
    }
}

fn three_months_near(e: &Engagement, at: Date, employer: &str, where_: &str) -> Outcome {
    let Some(left) = e.left_on else {
        return missing(
            &["left_on"],
            format!("the date the worker left {employer} is needed"),
        );
    };
    let allowed = left.plus_months(3);
    if at >= allowed {
        return Outcome::Compliant {
            evidence: format!("left {employer} ({where_}) on {left}, 3 months or more before {at}"),
        };
    }
    match e.leaving {
        None => missing(
            &["leaving_circumstance"],
            format!(
                "left {employer} ({where_}) on {left}, less than 3 months before {at}: how they left decides"
            ),
        ),
        Some(l) if !l.excepted() => Outcome::Breach {
            evidence: match l {
                Leaving::Resigned => format!(
                    "resigned from {employer} ({where_}) on {left}; engaged from {at}, before {allowed}"
                ),
                _ => format!(
                    "left {employer} ({where_}) on {left} ({}); engaged from {at}, before {allowed}",
                    l.label().to_lowercase()
                ),
            },
        },
        Some(l) => Outcome::Compliant {
            evidence: format!(
                "left {employer} ({where_}) on {left}, less than 3 months before {at}, but is excepted: {}",
                l.label().to_lowercase()
            ),
        },
    }
}

fn notice(e: &Engagement) -> Outcome {
    let Some(n) = e.notice_weeks else {
        return missing(&["notice_weeks"], "the notice period is needed");
    };
    if n < 4.0 && e.council_notice_weeks.is_none() {
        return missing(
            &["council_notice_weeks"],
            format!(
                "notice of {}: the council's notice for the equivalent substantive role decides whether that is enough (the rule is 4 weeks, or that where shorter)",
                weeks(n)
            ),
        );
    }
    let required = e.council_notice_weeks.map_or(4.0, |c| c.min(4.0));
    let why = match e.council_notice_weeks {
        Some(c) if c < 4.0 => format!(
            "the council's notice for the equivalent role is {}",
            weeks(c)
        ),
        _ => "the rule sets 4 weeks".to_string(),
    };
    if n >= required {
        Outcome::Compliant {
            evidence: format!("notice of {}; {why}", weeks(n)),
        }
    } else {
        Outcome::Breach {
            evidence: format!(
                "notice of {}, shorter than {}: {why}",
                weeks(n),
                weeks(required)
            ),
        }
    }
}

fn reference(e: &Engagement) -> Outcome {
    match e.practice_reference {
        Some(true) => Outcome::Compliant {
            evidence: "a practice-based reference was received".into(),
        },
        Some(false) => Outcome::Breach {
            evidence: "no practice-based reference was received".into(),
        },
        None => missing(
            &["practice_reference"],
            "whether a practice-based reference was received is needed",
        ),
    }
}

fn project_team(e: &Engagement) -> Outcome {
    let Some(team) = e.project_team.as_deref().filter(|t| !t.trim().is_empty()) else {
        return Outcome::NotApplicable {
            evidence: "not part of a project team".into(),
        };
    };
    let mut gaps = e.charge.missing(e.pay_basis);
    if e.pay_basis.is_none() {
        gaps.insert(0, "pay_basis");
    }
    if e.swe.is_empty() || !gaps.is_empty() {
        Outcome::Breach {
            evidence: format!(
                "project team {team}: this worker's cost is not broken down (no {})",
                gaps.join(", ")
            ),
        }
    } else {
        Outcome::Compliant {
            evidence: format!(
                "project team {team}: worker {} identified, cost broken down",
                e.swe
            ),
        }
    }
}

/// Every rule not applying, for the same reason.
fn not_in_scope(at: Date, evidence: String) -> Assessment {
    Assessment {
        status: Status::NotInScope,
        judged_at: at,
        findings: Rule::ALL
            .into_iter()
            .map(|rule| Finding {
                rule,
                outcome: Outcome::NotApplicable {
                    evidence: evidence.clone(),
                },
            })
            .collect(),
    }
}

/// An engagement's result for a period that ends on `until`: a legacy engagement did not have
/// to comply before the transition date, so for a period that ends before it, it is not in
/// scope; otherwise its result stands.
pub fn for_period(e: &Engagement, assessment: Assessment, until: Date) -> Assessment {
    if e.legacy() && until < transition() && assessment.status != Status::NotInScope {
        return not_in_scope(
            assessment.judged_at,
            format!(
                "began before {}: legacy engagements had to comply by {}, after {until}",
                in_force(),
                transition()
            ),
        );
    }
    assessment
}

/// Checks one engagement against every rule.
pub fn assess(e: &Engagement, ctx: &Context) -> Assessment {
    let at = e.judged_at();
    if e.legacy() && e.end.is_some_and(|end| end < transition()) {
        let evidence = format!(
            "began before {} and ended on {}, before legacy engagements had to comply ({})",
            in_force(),
            e.end.map(|d| d.to_string()).unwrap_or_default(),
            transition()
        );
        return not_in_scope(at, evidence);
    }
    let findings: Vec<Finding> = Rule::ALL
        .into_iter()
        .map(|rule| Finding {
            rule,
            outcome: match rule {
                Rule::Experience => experience(e, at),
                Rule::ThreeMonths => three_months(e, at, ctx),
                Rule::Notice => notice(e),
                Rule::PriceCap => cap::price_cap(e, at, ctx),
                Rule::Reference => reference(e),
                Rule::ProjectTeam => project_team(e),
            },
        })
        .collect();
    let status = if findings
        .iter()
        .any(|f| matches!(f.outcome, Outcome::Breach { .. }))
    {
        Status::Breach
    } else if findings
        .iter()
        .any(|f| matches!(f.outcome, Outcome::Missing { .. }))
    {
        Status::MissingInformation
    } else {
        Status::Compliant
    };
    Assessment {
        status,
        judged_at: at,
        findings,
    }
}
