//! The business rules of the return, beyond what the schema can say: each has a stable id, a
//! severity, the part of the census guide it follows, a statement and a fix, listed in
//! [`RULES`]. Errors must be corrected before the return is submitted; queries may stand with
//! an explanation.

use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use swforce_domain::census::{CensusWorker, CollectionYear, LaVacancies};

/// What a finding asks of the authority, as the Department's collection system puts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Must be corrected before the return is submitted.
    Error,
    /// May stand, with an explanation of why it is right.
    Query,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Query => "query",
        })
    }
}

/// One business rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// The part of the census guide (or of the published statistics' methodology) it follows.
    pub source: &'static str,
    pub statement: &'static str,
    /// What to do about a finding of this rule, in general.
    pub fix: &'static str,
}

const fn rule(
    id: &'static str,
    severity: Severity,
    source: &'static str,
    statement: &'static str,
    fix: &'static str,
) -> Rule {
    Rule {
        id,
        severity,
        source,
        statement,
        fix,
    }
}

use Severity::{Error, Query};

/// Every business rule, in id order.
pub const RULES: &[Rule] = &[
    rule(
        "CSWW-B00",
        Error,
        "Header: collection details (Year)",
        "The return gives its collection year, so the rules that depend on it can be checked.",
        "add <Header><CollectionDetails><Year> to the return, or give the year when you check it",
    ),
    rule(
        "CSWW-B01",
        Error,
        "Data items: RoleStartDate, RoleEndDate",
        "A role's end date is not before its start date.",
        "correct one of the two dates",
    ),
    rule(
        "CSWW-B02",
        Error,
        "Who to include: leavers in the collection year (1 October to 30 September)",
        "A leaver's end date falls inside the collection year (1 October to 30 September).",
        "leavers are returned for the year they left in: correct the date, or leave the worker out if they left in another year",
    ),
    rule(
        "CSWW-B03",
        Error,
        "Data items: ReasonLeave, LeaverDestination (leavers only)",
        "A reason for leaving or a leaver destination is given only with an end date.",
        "add the RoleEndDate, or remove the ReasonLeave and LeaverDestination if the worker has not left",
    ),
    rule(
        "CSWW-B04",
        Error,
        "Data item: FTE30 (those in post on 30 September)",
        "FTE at 30 September is given only for those in post on 30 September.",
        "remove FTE30 for leavers and for those starting later",
    ),
    rule(
        "CSWW-B05",
        Query,
        "Data item: Cases30; statistics methodology: a case holder holds at least one case, whatever the role",
        "Cases held by a senior or middle manager, or by someone recorded as qualified without cases, are queried.",
        "if the worker held these cases on 30 September, explain why (a manager covering a caseload); otherwise correct Cases30 or OrgRole",
    ),
    rule(
        "CSWW-B06",
        Error,
        "Staff holding two or more roles; leavers who return",
        "A record is not an exact repeat of another: the same SWE number, worker type, role, start and end date.",
        "remove the repeated record; a second post has its own role, and a return after leaving its own dates",
    ),
    rule(
        "CSWW-B07",
        Query,
        "Data item: PersonBirthDate",
        "A birth date gives an age between 18 and 80 on 30 September.",
        "check the birth date: the day and month may be swapped or the year mistyped",
    ),
    rule(
        "CSWW-B08",
        Error,
        "Who to include: those in post by 30 September",
        "A role starts on or before 30 September of the collection year.",
        "leave out workers who start after 30 September; they belong to next year's return",
    ),
    rule(
        "CSWW-B09",
        Error,
        "Data item: FTE30 (required for social workers in post on 30 September)",
        "A social worker (not agency) in post on 30 September has their FTE at 30 September.",
        "add FTE30 (1.000000 for full time)",
    ),
    rule(
        "CSWW-B10",
        Error,
        "Data items: ReasonLeave, LeaverDestination (required for leavers)",
        "A social worker (not agency) who left in the year has a reason for leaving and a destination.",
        "add the code; use 'Not known' (ReasonLeave 9, LeaverDestination 8) when it is not known",
    ),
    rule(
        "CSWW-B11",
        Query,
        "Data item: WorkingDaysLost",
        "Working days lost are no more than the working days in the year (253) for the worker's FTE.",
        "check the days were counted for this worker and this collection year only",
    ),
    rule(
        "CSWW-B12",
        Query,
        "Staff holding two or more roles",
        "Two records of one person as the same worker type in the same role do not overlap in time.",
        "if the person held two posts in the same role at once, explain it; otherwise correct the dates or merge the records",
    ),
    rule(
        "CSWW-B13",
        Query,
        "Data items: Cases30, FTE30",
        "A case holder has an FTE at 30 September above 0 and no more than 50 cases per FTE.",
        "check Cases30 and FTE30; explain a caseload this high if it is right",
    ),
    rule(
        "CSWW-B14",
        Error,
        "Data items for social workers (required for those who are not agency workers)",
        "A social worker (not agency) has FTE, PersonBirthDate, GenderCurrent, Ethnicity, OrgRole, RoleStartDate, StepUpGrad, FrontlineGrad and WorkingDaysLost.",
        "add the missing item; each code list has a value for 'not known' where one is allowed",
    ),
    rule(
        "CSWW-B15",
        Error,
        "Data item: StartOrigin (required for starters)",
        "A social worker (not agency) who started in the year has a StartOrigin.",
        "add the StartOrigin code (9 if not known)",
    ),
    rule(
        "CSWW-B16",
        Error,
        "Data item: FTE (leavers: the FTE they worked)",
        "A social worker (not agency) who left in the year has an FTE above 0.",
        "give the FTE the worker had before they left",
    ),
    rule(
        "CSWW-B17",
        Error,
        "Data items: counts and FTEs",
        "No count, number of days or FTE is negative, in a worker's record or in the authority's vacancies.",
        "give the number as 0 or more",
    ),
    rule(
        "CSWW-B18",
        Error,
        "LA level vacancies: NoAgencyFTE, NoAgencyHeadcount",
        "Agency workers covering vacancies are no more in FTE than in headcount.",
        "correct NoAgencyFTE or NoAgencyHeadcount: each agency worker is at most 1 FTE",
    ),
    rule(
        "CSWW-B19",
        Query,
        "LA level vacancies: NoAgencyHeadcount; agency workers",
        "Agency workers covering vacancies are no more than the agency workers in post on 30 September in the return, in people and in FTE.",
        "check NoAgencyHeadcount, and that every agency worker in post on 30 September has a record",
    ),
    rule(
        "CSWW-B20",
        Error,
        "Header: Source (LEA)",
        "The LEA is the three-digit code of a local authority.",
        "give the authority's three-digit DfE code, such as 839",
    ),
    rule(
        "CSWW-B21",
        Error,
        "Header: collection details (Year, ReferenceDate)",
        "The reference date is 30 September of the collection year, and a year given when checking is the return's own.",
        "give the ReferenceDate as 30 September of the Year, such as 2022-09-30",
    ),
    rule(
        "CSWW-B22",
        Error,
        "Data item: QualInst",
        "A qualifying institution, where given, is not empty.",
        "give the institution's name, or 'Not known'",
    ),
    rule(
        "CSWW-B23",
        Error,
        "Data items: Absat30Sept, ReasonAbsence",
        "A worker absent on 30 September has a reason for the absence, and a reason is given only for a worker absent that day.",
        "add the ReasonAbsence, or remove it (or set Absat30Sept to 1) so the two agree",
    ),
    rule(
        "CSWW-B24",
        Query,
        "Data item: RoleEndDate; leavers in the collection year",
        "A role ending on 30 September is counted as a leaver and not in post on 30 September.",
        "confirm 30 September was the worker's last day; if they were still employed after it, remove the end date",
    ),
    rule(
        "CSWW-B25",
        Query,
        "Staff holding two or more roles; data item FTE30",
        "One person's records in post on 30 September come to no more than 1 FTE between them.",
        "check the FTE30 of each post: a person's posts share their time",
    ),
    rule(
        "CSWW-B26",
        Error,
        "Data item: PersonBirthDate",
        "A birth date is on or before 30 September of the collection year.",
        "correct the birth date: a worker in the return was born before the census date",
    ),
    rule(
        "CSWW-C01",
        Query,
        "Who to include: everyone in post on 30 September last year is in post now or a leaver",
        "Social workers in post on 30 September last year are in post this year or returned as leavers.",
        "add the missing leavers (with their RoleEndDate), or explain why they are not in this return",
    ),
    rule(
        "CSWW-C02",
        Query,
        "Continuity with last year's return",
        "Social workers in post (FTE) rise by no more than a quarter, or fall by no more than a fifth, from last year (a factor of 1.25 either way).",
        "check no one is missing or returned twice; explain a real change",
    ),
    rule(
        "CSWW-C03",
        Query,
        "Continuity with last year's return",
        "Agency workers in post (FTE) change by no more than a factor of 3, or by fewer than 10 FTE, from last year.",
        "check every agency worker in post on 30 September has a record; explain a real change",
    ),
    rule(
        "CSWW-C04",
        Query,
        "Continuity with last year's return",
        "Vacancies (FTE) change by no more than a factor of 3, or by fewer than 10 FTE, from last year.",
        "check NumberOfVacancies counts vacant posts at 30 September; explain a real change",
    ),
];

/// The rule with this id.
///
/// # Panics
/// If no rule has the id: ids are written in this module, and a test checks each one used.
pub fn rule_of(id: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("{id} is a rule"))
}

/// One finding of a rule about one record: the element and what is wrong; the fix when it
/// says more than the rule's own.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub rule: &'static str,
    pub element: &'static str,
    pub message: String,
    pub fix: Option<String>,
}

impl Hit {
    /// The finding it makes at a place, with its rule's severity and, unless it says more, the
    /// rule's fix.
    pub fn finding(self, at: (u64, u64), path: String, record: Option<u32>) -> super::Finding {
        let rule = rule_of(self.rule);
        super::Finding {
            rule: rule.id,
            severity: rule.severity,
            line: at.0,
            column: at.1,
            path,
            element: self.element.to_string(),
            record,
            message: self.message,
            fix: self.fix.unwrap_or_else(|| rule.fix.to_string()),
        }
    }
}

fn hit(rule: &'static str, element: &'static str, message: impl Into<String>) -> Hit {
    Hit {
        rule,
        element,
        message: message.into(),
        fix: None,
    }
}

/// Most cases per FTE a case holder plausibly holds.
pub const MOST_CASES_PER_FTE: f64 = 50.0;

/// Working days in a year, for days lost.
const WORKING_DAYS: f64 = 253.0;

/// Checks one worker. Rules that need the collection year are skipped without one.
pub fn check_worker(w: &CensusWorker, year: Option<CollectionYear>) -> Vec<Hit> {
    let mut out: Vec<Hit> = Vec::new();
    if let (Some(start), Some(end)) = (w.role_start, w.role_end) {
        if end < start {
            out.push(hit(
                "CSWW-B01",
                "RoleEndDate",
                "the role's end date is before its start date",
            ));
        }
    }
    if w.role_end.is_none() {
        if w.reason_leave.is_some() {
            out.push(hit(
                "CSWW-B03",
                "ReasonLeave",
                "a reason for leaving is given but no end date",
            ));
        }
        if w.leaver_destination.is_some() {
            out.push(hit(
                "CSWW-B03",
                "LeaverDestination",
                "a leaver destination is given but no end date",
            ));
        }
    }
    check_numbers(w, &mut out);
    check_cases(w, &mut out);
    if !w.agency {
        check_complete(w, &mut out);
    }
    if w.qual_inst.iter().any(|q| q.trim().is_empty()) {
        out.push(hit(
            "CSWW-B22",
            "QualInst",
            "a qualifying institution is given but empty",
        ));
    }
    let absent = w.absent_30_sept.iter().any(|a| *a);
    if absent && w.reason_absence.is_empty() {
        out.push(Hit {
            fix: Some(
                "add the ReasonAbsence code, or set Absat30Sept to 0 if the worker was not absent"
                    .into(),
            ),
            ..hit(
                "CSWW-B23",
                "Absat30Sept",
                "the worker is absent on 30 September but no reason for the absence is given",
            )
        });
    } else if !absent && !w.reason_absence.is_empty() {
        out.push(Hit {
            fix: Some("remove the ReasonAbsence, or set Absat30Sept to 1 if the worker was absent".into()),
            ..hit(
                "CSWW-B23",
                "ReasonAbsence",
                "a reason for absence is given, but the worker is not recorded as absent on 30 September",
            )
        });
    }
    if let Some(days) = w.working_days_lost.filter(|d| *d >= 0.0) {
        let limit = WORKING_DAYS * w.fte.or(w.fte30).unwrap_or(1.0).max(0.01);
        if days > limit + 1e-9 {
            out.push(hit(
                "CSWW-B11",
                "WorkingDaysLost",
                format!(
                    "{days} working days lost is more than the {} working days in the year for this FTE",
                    (limit * 100.0).round() / 100.0
                ),
            ));
        }
    }
    if let Some(year) = year {
        check_year(w, year, &mut out);
    }
    out
}

fn check_numbers(w: &CensusWorker, out: &mut Vec<Hit>) {
    let negative =
        |e: &'static str, v: f64| hit("CSWW-B17", e, format!("<{e}> is {v}, a negative number"));
    if let Some(c) = w.cases30.filter(|c| *c < 0) {
        out.push(negative("Cases30", c as f64));
    }
    if let Some(d) = w.working_days_lost.filter(|d| *d < 0.0) {
        out.push(negative("WorkingDaysLost", d));
    }
    if let Some(c) = w.contract_weeks.iter().find(|c| **c < 0.0) {
        out.push(negative("ContractWeeks", *c));
    }
}

/// "1 case is", "3 cases are".
fn held(cases: i64) -> String {
    if cases == 1 {
        "1 case is".into()
    } else {
        format!("{cases} cases are")
    }
}

fn check_cases(w: &CensusWorker, out: &mut Vec<Hit>) {
    let Some(cases) = w.cases30.filter(|c| *c > 0) else {
        return;
    };
    if let Some(role) = w
        .org_role
        .as_deref()
        .filter(|r| matches!(*r, "1" | "2" | "6"))
    {
        let what = swforce_domain::census::meaning(swforce_domain::census::ORG_ROLE, role)
            .unwrap_or("this role")
            .to_lowercase();
        out.push(hit(
            "CSWW-B05",
            "Cases30",
            format!(
                "{} held by a worker whose OrgRole is {role} ({what})",
                held(cases)
            ),
        ));
    }
    match w.fte30 {
        Some(f) if f <= 0.0 => out.push(hit(
            "CSWW-B13",
            "FTE30",
            format!(
                "{} held by a worker whose FTE at 30 September is 0",
                held(cases)
            ),
        )),
        Some(f) if cases as f64 / f > MOST_CASES_PER_FTE => out.push(hit(
            "CSWW-B13",
            "Cases30",
            format!(
                "{cases} cases at {f} FTE is {:.0} cases per FTE, more than {MOST_CASES_PER_FTE:.0}",
                cases as f64 / f
            ),
        )),
        _ => {}
    }
}

/// The items every social worker's (not agency worker's) record needs.
fn check_complete(w: &CensusWorker, out: &mut Vec<Hit>) {
    let items: [(&'static str, bool); 9] = [
        ("FTE", w.fte.is_some()),
        ("PersonBirthDate", w.birth_date.is_some()),
        ("GenderCurrent", w.gender.is_some()),
        ("Ethnicity", w.ethnicity.is_some()),
        ("OrgRole", w.org_role.is_some()),
        ("RoleStartDate", w.role_start.is_some()),
        ("StepUpGrad", w.step_up.is_some()),
        ("FrontlineGrad", w.frontline_grad.is_some()),
        ("WorkingDaysLost", w.working_days_lost.is_some()),
    ];
    for (element, given) in items {
        if !given {
            out.push(Hit {
                fix: Some(format!("add <{element}> to the record")),
                ..hit(
                    "CSWW-B14",
                    element,
                    format!("a social worker's record has no <{element}>"),
                )
            });
        }
    }
}

fn check_year(w: &CensusWorker, year: CollectionYear, out: &mut Vec<Hit>) {
    let reference = year.reference_date();
    if let Some(end) = w.role_end {
        if !year.contains(end) {
            out.push(hit(
                "CSWW-B02",
                "RoleEndDate",
                format!(
                    "the end date is outside the collection year {} to {}",
                    year.first_day(),
                    reference
                ),
            ));
        } else {
            if end == reference {
                out.push(hit(
                    "CSWW-B24",
                    "RoleEndDate",
                    format!("the role ends on {}: the worker is counted as a leaver, not in post that day", reference.long()),
                ));
            }
            if !w.agency {
                if w.reason_leave.is_none() {
                    out.push(hit(
                        "CSWW-B10",
                        "ReasonLeave",
                        "a social worker who left has no ReasonLeave",
                    ));
                }
                if w.leaver_destination.is_none() {
                    out.push(hit(
                        "CSWW-B10",
                        "LeaverDestination",
                        "a social worker who left has no LeaverDestination",
                    ));
                }
                if w.fte.is_some_and(|f| f <= 0.0) {
                    out.push(hit(
                        "CSWW-B16",
                        "FTE",
                        "a social worker who left has an FTE of 0",
                    ));
                }
            }
        }
    }
    if let Some(start) = w.role_start {
        if start > reference {
            out.push(hit(
                "CSWW-B08",
                "RoleStartDate",
                format!(
                    "the role starts after the reference date, {}",
                    reference.long()
                ),
            ));
        } else if year.contains(start) && !w.agency && w.start_origin.is_none() {
            out.push(hit(
                "CSWW-B15",
                "StartOrigin",
                "a social worker who started in the year has no StartOrigin",
            ));
        }
    }
    let in_post = w.in_post_at(reference);
    if !in_post && w.absent_30_sept.iter().any(|a| *a) {
        out.push(Hit {
            fix: Some("set Absat30Sept to 0 (or leave it out): only those in post on 30 September are absent that day".into()),
            ..hit(
                "CSWW-B23",
                "Absat30Sept",
                "the worker is recorded as absent on 30 September but was not in post that day",
            )
        });
    }
    if w.fte30.is_some() && !in_post {
        out.push(hit(
            "CSWW-B04",
            "FTE30",
            "an FTE at 30 September is given for a worker not in post on 30 September",
        ));
    }
    if in_post && !w.agency && w.fte30.is_none() {
        out.push(hit(
            "CSWW-B09",
            "FTE30",
            "a social worker in post on 30 September has no FTE at 30 September",
        ));
    }
    match w.birth_date {
        Some(born) if born > reference => out.push(hit(
            "CSWW-B26",
            "PersonBirthDate",
            format!(
                "the birth date is after the census date, {}",
                reference.long()
            ),
        )),
        Some(born) => {
            let age = born.years_until(reference);
            if !(18..=80).contains(&age) {
                out.push(hit(
                    "CSWW-B07",
                    "PersonBirthDate",
                    format!(
                        "the birth date gives an age of {age} on {}",
                        reference.long()
                    ),
                ));
            }
        }
        None => {}
    }
}

/// Checks the authority's vacancy block: each number not negative, and agency cover no more
/// in FTE than in headcount. Each hit names its element.
pub fn check_vacancies(v: &LaVacancies) -> Vec<Hit> {
    let mut out = Vec::new();
    for (element, value) in [
        ("NumberOfVacancies", v.vacancies_fte),
        ("NoAgencyFTE", v.agency_cover_fte),
        ("NoAgencyHeadcount", v.agency_cover_headcount as f64),
    ] {
        if value < 0.0 {
            out.push(hit(
                "CSWW-B17",
                element,
                format!("<{element}> is {value}, a negative number"),
            ));
        }
    }
    // A negative figure is B17's alone: comparing it says nothing more.
    let negative = !out.is_empty();
    if !negative && v.agency_cover_fte > v.agency_cover_headcount as f64 + 1e-9 {
        out.push(hit(
            "CSWW-B18",
            "NoAgencyFTE",
            format!(
                "{} FTE of agency workers cover vacancies, but there are only {} of them (NoAgencyHeadcount)",
                v.agency_cover_fte, v.agency_cover_headcount
            ),
        ));
    }
    out
}

/// One record of a person, as far as repeats and overlaps need it: 16 bytes, so a return of
/// 400,000 workers keeps about 10 MB of them.
#[derive(Debug, Clone, Copy)]
struct Held {
    record: u32,
    /// Days since 1970 of the start and end; an open start is `i32::MIN`, an open end `i32::MAX`.
    start: i32,
    end: i32,
    /// FTE at 30 September in thousandths (0 when not given).
    fte30: u16,
    role: u8,
    agency: bool,
}

impl Held {
    fn of(w: &CensusWorker) -> Self {
        let day = |d: swforce_domain::Date| i32::try_from(d.days_since_epoch()).unwrap_or(0);
        Self {
            record: w.record,
            agency: w.agency,
            role: w
                .org_role
                .as_deref()
                .and_then(|r| r.parse().ok())
                .unwrap_or(0),
            start: w.role_start.map_or(i32::MIN, day),
            end: w.role_end.map_or(i32::MAX, day),
            fte30: w
                .fte30
                .map_or(0, |f| (f.clamp(0.0, 1.0) * 1000.0).round() as u16),
        }
    }

    fn dated(&self) -> bool {
        self.start != i32::MIN || self.end != i32::MAX
    }

    fn overlaps(&self, other: &Held) -> bool {
        self.start <= other.end && other.start <= self.end
    }
}

/// What one person's earlier records say of a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// The same SWE number, worker type, role, start and end date as this earlier record.
    Exact(u32),
    /// The same worker type and role as this earlier record, at a time that overlaps it.
    Overlap(u32),
    /// With this earlier record (and any others), more than 1 FTE on 30 September.
    MoreThanFullTime(u32),
}

/// The records seen so far, by a fingerprint of their SWE number (not the number, so the set
/// stays small and holds no personal data). Several records of one person are allowed: a return
/// after leaving, two posts, several agency placements.
#[derive(Debug, Default)]
pub struct Duplicates {
    first: HashMap<u64, Held>,
    /// Second and later records of a person, rare.
    more: HashMap<u64, Vec<Held>>,
}

/// A fingerprint of a worker's SWE number, the same whatever the case of its letters.
pub fn fingerprint(w: &CensusWorker) -> u64 {
    w.swe.fingerprint()
}

impl Duplicates {
    /// Records the worker; returns how it repeats an earlier record of the same person, if it
    /// does (an exact repeat before an overlap).
    pub fn see(&mut self, w: &CensusWorker) -> Option<Repeat> {
        let key = fingerprint(w);
        let held = Held::of(w);
        let Some(first) = self.first.get(&key) else {
            self.first.insert(key, held);
            return None;
        };
        let earlier: Vec<Held> = std::iter::once(*first)
            .chain(self.more.get(&key).into_iter().flatten().copied())
            .collect();
        // A person has a handful of records at most; past this many, later ones are checked
        // against these (so a file of one record repeated is checked in linear time).
        const HELD: usize = 64;
        let more = self.more.entry(key).or_default();
        if more.len() < HELD {
            more.push(held);
        }
        let same_kind = |e: &&Held| e.agency == held.agency;
        if let Some(e) = earlier
            .iter()
            .filter(same_kind)
            // Undated records (agency placements need no dates) cannot be told apart from two
            // placements: they are queried as overlapping, not refused.
            .find(|e| {
                e.role == held.role && e.start == held.start && e.end == held.end && held.dated()
            })
        {
            return Some(Repeat::Exact(e.record));
        }
        if let Some(e) = earlier
            .iter()
            .filter(same_kind)
            .find(|e| e.role == held.role && e.overlaps(&held))
        {
            return Some(Repeat::Overlap(e.record));
        }
        // FTE30 is given only for those in post on 30 September: one person's posts share
        // their time that day.
        let together: u32 =
            earlier.iter().map(|e| u32::from(e.fte30)).sum::<u32>() + u32::from(held.fte30);
        (held.fte30 > 0 && together > 1000).then(|| {
            let e = earlier.iter().find(|e| e.fte30 > 0).unwrap_or(&earlier[0]);
            Repeat::MoreThanFullTime(e.record)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use swforce_domain::Date;
    use swforce_domain::census::SweNumber;

    fn year() -> Option<CollectionYear> {
        Some(CollectionYear(2022))
    }

    fn worker() -> CensusWorker {
        let mut w = CensusWorker::new(1, false, SweNumber::parse("AB0000000001").unwrap());
        w.fte = Some(1.0);
        w.fte30 = Some(1.0);
        w.role_start = Some(Date::parse("2015-01-01").unwrap());
        w.birth_date = Some(Date::parse("1985-01-01").unwrap());
        w.gender = Some("2".into());
        w.ethnicity = Some("WBRI".into());
        w.org_role = Some("5".into());
        w.step_up = Some(false);
        w.frontline_grad = Some(false);
        w.working_days_lost = Some(0.0);
        w
    }

    fn rules_for(w: &CensusWorker) -> Vec<&'static str> {
        check_worker(w, year())
            .into_iter()
            .map(|f| f.rule)
            .collect()
    }

    fn leaver(end: &str) -> CensusWorker {
        let mut w = worker();
        w.role_end = Some(Date::parse(end).unwrap());
        w.fte30 = None;
        w.reason_leave = Some("1".into());
        w.leaver_destination = Some("1".into());
        w
    }

    #[test]
    fn a_leavers_end_date_must_fall_inside_the_collection_year_at_both_ends() {
        assert!(rules_for(&leaver("2021-10-01")).is_empty());
        assert_eq!(
            rules_for(&leaver("2022-09-30")),
            vec!["CSWW-B24"],
            "leaving on 30 September is a leaver, queried"
        );
        assert_eq!(rules_for(&leaver("2021-09-30")), vec!["CSWW-B02"]);
        assert!(
            rules_for(&leaver("2022-10-01")).contains(&"CSWW-B02"),
            "and, still in post on 30 September, B09 too"
        );
    }

    #[test]
    fn an_end_date_equal_to_the_start_is_allowed_but_not_before_it() {
        let mut w = leaver("2022-05-01");
        w.role_start = Some(Date::parse("2022-05-01").unwrap());
        assert!(!rules_for(&w).contains(&"CSWW-B01"));
        w.role_start = Some(Date::parse("2022-05-02").unwrap());
        assert!(rules_for(&w).contains(&"CSWW-B01"));
    }

    #[test]
    fn fte_at_30_september_belongs_to_those_still_in_post_that_day() {
        let mut w = leaver("2022-09-29");
        w.fte30 = Some(1.0);
        assert!(
            rules_for(&w).contains(&"CSWW-B04"),
            "left before 30 September: not in post"
        );
        let mut w = worker();
        w.role_start = Some(Date::parse("2022-09-30").unwrap());
        w.start_origin = Some("1".into());
        assert!(rules_for(&w).is_empty(), "started on 30 September: in post");
        w.role_start = Some(Date::parse("2022-10-01").unwrap());
        assert!(rules_for(&w).contains(&"CSWW-B08"));
        let mut w = worker();
        w.fte30 = None;
        assert_eq!(rules_for(&w), vec!["CSWW-B09"]);
    }

    #[test]
    fn ages_of_18_and_80_are_plausible_17_and_81_are_not() {
        for (born, ok) in [
            ("2004-09-30", true),
            ("2004-10-01", false),
            ("1942-09-30", true),
            ("1941-09-30", false),
        ] {
            let mut w = worker();
            w.birth_date = Some(Date::parse(born).unwrap());
            assert_eq!(rules_for(&w).is_empty(), ok, "{born}");
        }
    }

    #[test]
    fn cases_held_by_managers_are_queried_and_reasons_are_only_for_leavers() {
        let mut w = worker();
        w.cases30 = Some(3);
        for (role, queried) in [
            ("1", true),
            ("2", true),
            ("3", false),
            ("4", false),
            ("5", false),
            ("6", true),
        ] {
            w.org_role = Some(role.into());
            assert_eq!(rules_for(&w).contains(&"CSWW-B05"), queried, "role {role}");
            assert_eq!(rule_of("CSWW-B05").severity, Severity::Query);
        }
        w.cases30 = Some(0);
        w.org_role = Some("6".into());
        assert!(rules_for(&w).is_empty(), "no cases is fine for anyone");
        let mut w = worker();
        w.leaver_destination = Some("1".into());
        assert_eq!(rules_for(&w), vec!["CSWW-B03"]);
    }

    #[test]
    fn a_caseload_needs_time_to_hold_it() {
        let mut w = worker();
        w.fte30 = Some(0.5);
        w.cases30 = Some(25);
        assert!(rules_for(&w).is_empty(), "50 per FTE is the most");
        w.cases30 = Some(26);
        assert_eq!(rules_for(&w), vec!["CSWW-B13"]);
        w.fte30 = Some(0.0);
        w.cases30 = Some(1);
        assert_eq!(rules_for(&w), vec!["CSWW-B13"]);
    }

    #[test]
    fn a_social_workers_record_is_complete_an_agency_workers_need_not_be() {
        let mut w = CensusWorker::new(1, false, SweNumber::parse("AB0000000001").unwrap());
        w.fte30 = Some(1.0);
        let missing: Vec<&str> = check_worker(&w, year())
            .into_iter()
            .filter(|h| h.rule == "CSWW-B14")
            .map(|h| h.element)
            .collect();
        assert_eq!(
            missing,
            vec![
                "FTE",
                "PersonBirthDate",
                "GenderCurrent",
                "Ethnicity",
                "OrgRole",
                "RoleStartDate",
                "StepUpGrad",
                "FrontlineGrad",
                "WorkingDaysLost"
            ]
        );
        w.agency = true;
        assert!(rules_for(&w).is_empty());
    }

    #[test]
    fn starters_say_where_from_and_leavers_where_to_why_and_at_what_fte() {
        let mut w = worker();
        w.role_start = Some(Date::parse("2022-01-01").unwrap());
        assert_eq!(rules_for(&w), vec!["CSWW-B15"]);
        w.agency = true;
        assert!(rules_for(&w).is_empty(), "agency workers need no origin");
        let mut w = leaver("2022-03-01");
        w.reason_leave = None;
        w.leaver_destination = None;
        w.fte = Some(0.0);
        assert_eq!(rules_for(&w), vec!["CSWW-B10", "CSWW-B10", "CSWW-B16"]);
    }

    #[test]
    fn negative_numbers_empty_institutions_and_absence_without_reason_are_errors() {
        let mut w = worker();
        w.cases30 = Some(-1);
        w.working_days_lost = Some(-2.0);
        w.qual_inst.push("  ".into());
        w.absent_30_sept.push(true);
        assert_eq!(
            rules_for(&w),
            vec!["CSWW-B17", "CSWW-B17", "CSWW-B22", "CSWW-B23"]
        );
        let mut w = worker();
        w.reason_absence.push("SIC".into());
        assert_eq!(rules_for(&w), vec!["CSWW-B23"]);
        w.absent_30_sept.push(true);
        assert!(rules_for(&w).is_empty());
        let hits = check_vacancies(&LaVacancies {
            vacancies_fte: -4.0,
            agency_cover_fte: 12.0,
            agency_cover_headcount: 2,
        });
        let got: Vec<_> = hits.iter().map(|h| (h.rule, h.element)).collect();
        assert_eq!(got, vec![("CSWW-B17", "NumberOfVacancies")]);
        let hits = check_vacancies(&LaVacancies {
            vacancies_fte: 4.0,
            agency_cover_fte: 12.0,
            agency_cover_headcount: 2,
        });
        let got: Vec<_> = hits.iter().map(|h| (h.rule, h.element)).collect();
        assert_eq!(got, vec![("CSWW-B18", "NoAgencyFTE")]);
    }

    fn record(n: u32, role: &str, start: &str, end: Option<&str>) -> CensusWorker {
        let mut w = worker();
        w.record = n;
        w.org_role = Some(role.into());
        w.role_start = Some(Date::parse(start).unwrap());
        w.role_end = end.map(|e| Date::parse(e).unwrap());
        // Time on 30 September is B25's; these tests are about dates and roles.
        w.fte30 = None;
        w
    }

    #[test]
    fn one_person_may_return_hold_two_posts_or_have_placements_but_not_repeat() {
        let mut d = Duplicates::default();
        assert_eq!(
            d.see(&record(1, "5", "2019-01-01", Some("2022-01-15"))),
            None
        );
        assert_eq!(
            d.see(&record(2, "5", "2022-06-01", None)),
            None,
            "left in January, returned in June"
        );
        assert_eq!(
            d.see(&record(3, "4", "2020-01-01", None)),
            None,
            "a second post in another role"
        );
        assert_eq!(
            d.see(&record(4, "5", "2022-06-01", None)),
            Some(Repeat::Exact(2))
        );
        assert_eq!(
            d.see(&record(5, "5", "2022-08-01", None)),
            Some(Repeat::Overlap(2)),
            "the same role at the same time is queried"
        );
        assert_eq!(
            d.see(&record(6, "3", "2022-06-01", None)),
            None,
            "two posts from the same day, in other roles"
        );
        let mut undated = CensusWorker::new(8, true, SweNumber::parse("ZZ0000000009").unwrap());
        assert_eq!(d.see(&undated), None);
        undated.record = 9;
        assert_eq!(
            d.see(&undated),
            Some(Repeat::Overlap(8)),
            "two undated agency placements are queried, not refused"
        );
        let mut agency = record(7, "5", "2022-06-01", None);
        agency.agency = true;
        assert_eq!(
            d.see(&agency),
            None,
            "another worker type is another record"
        );
        let mut d = Duplicates::default();
        let mut a = record(1, "3", "2020-01-01", None);
        a.fte30 = Some(0.6);
        let mut b = record(2, "5", "2021-01-01", None);
        b.fte30 = Some(0.4);
        assert_eq!(d.see(&a), None);
        assert_eq!(d.see(&b), None, "two posts sharing one FTE");
        let mut c = record(3, "4", "2021-06-01", None);
        c.fte30 = Some(0.2);
        assert_eq!(
            d.see(&c),
            Some(Repeat::MoreThanFullTime(1)),
            "1.2 FTE between three posts"
        );
    }

    #[test]
    fn every_rule_has_a_source_statement_and_fix_and_ids_are_in_order() {
        for w in RULES.windows(2) {
            assert!(w[0].id < w[1].id, "{} before {}", w[0].id, w[1].id);
        }
        for r in RULES {
            assert!(!r.source.is_empty() && !r.statement.is_empty() && !r.fix.is_empty());
        }
    }

    #[test]
    fn days_lost_up_to_the_working_year_for_the_fte_are_plausible() {
        let mut w = worker();
        w.fte = Some(0.5);
        w.working_days_lost = Some(126.5);
        assert!(rules_for(&w).is_empty());
        w.working_days_lost = Some(126.6);
        assert_eq!(rules_for(&w), vec!["CSWW-B11"]);
        assert_eq!(rule_of("CSWW-B11").severity, Severity::Query);
    }

    #[test]
    fn without_a_year_the_year_rules_are_skipped() {
        let w = leaver("2030-01-01");
        assert!(check_worker(&w, None).is_empty());
    }
}
