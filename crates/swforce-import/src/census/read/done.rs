//! What the reader does as an element closes: a worker's record is checked against the rules
//! and handed on; the vacancy block, the header and the whole return are checked once read.

use super::{Builder, State};
use crate::census::rules::{self, Hit, Repeat};
use crate::census::schema::{self, Simple};
use swforce_domain::census::{CensusWorker, CollectionYear, LaVacancies, SweNumber};
use swforce_domain::{Date, OldLaCode};

/// A worker's record is whole: check it and hand it on.
pub(super) fn worker(
    state: &mut State<'_>,
    on_worker: &mut impl FnMut(CensusWorker, Option<CollectionYear>),
) {
    if let Some(w) = state.worker.take() {
        let record = w.record;
        if let (Some(agency), Some(swe)) = (w.agency, w.swe) {
            let mut worker = CensusWorker::new(record, agency, swe);
            for (field, value) in &w.fields {
                set(&mut worker, field, value);
            }
            // Findings need the worker's path while it is still open.
            state.worker = Some(Builder {
                record,
                ..Default::default()
            });
            for h in rules::check_worker(&worker, state.year) {
                if !w.refused.iter().any(|r| r == h.element) {
                    state.hit(w.start, h);
                }
            }
            let kind = if worker.agency {
                "agency worker"
            } else {
                "social worker"
            };
            match state.duplicates.see(&worker) {
                Some(Repeat::Exact(first)) => state.hit(w.start, Hit {
                    rule: "CSWW-B06",
                    element: "SWENo",
                    message: format!("this record repeats record {first}: the same {kind}'s SWE number, start and end date"),
                    fix: None,
                }),
                Some(Repeat::Overlap(first)) => state.hit(w.start, Hit {
                    rule: "CSWW-B12",
                    element: "SWENo",
                    message: format!("this {kind} also has record {first} in the same role, at a time that overlaps this one"),
                    fix: None,
                }),
                Some(Repeat::MoreThanFullTime(first)) => state.hit(w.start, Hit {
                    rule: "CSWW-B25",
                    element: "FTE30",
                    message: format!("this {kind}'s posts in record {first} and this one come to more than 1 FTE on 30 September"),
                    fix: None,
                }),
                None => {}
            }
            if worker.agency
                && state
                    .year
                    .is_some_and(|y| worker.in_post_at(y.reference_date()))
            {
                state.out.agency_in_post += 1;
                match worker.fte30.or(worker.fte) {
                    Some(f) => state.out.agency_in_post_fte += f,
                    None => state.out.agency_in_post_without_fte += 1,
                }
            }
            state.worker = None;
            on_worker(worker, state.year);
        }
    }
}

/// The vacancy block is whole: keep it and check its numbers.
pub(super) fn vacancies(state: &mut State<'_>, start: (u64, u64)) {
    let get = |n: &str| {
        state
            .vacancy_fields
            .iter()
            .find(|(k, _, _)| k == n)
            .map(|(_, v, _)| v.clone())
    };
    if let (Some(v), Some(f), Some(h)) = (
        get("NumberOfVacancies"),
        get("NoAgencyFTE"),
        get("NoAgencyHeadcount"),
    ) {
        state.out.vacancies = Some(LaVacancies {
            vacancies_fte: schema::decimal(&v).map_or(0.0, |d| d.0),
            agency_cover_fte: schema::decimal(&f).map_or(0.0, |d| d.0),
            agency_cover_headcount: schema::integer(&h).unwrap_or(0),
        });
    }
    if let Some(v) = state.out.vacancies {
        // In document order, like every other finding.
        let mut hits: Vec<((u64, u64), Hit)> = rules::check_vacancies(&v)
            .into_iter()
            .map(|h| {
                let at = state
                    .vacancy_fields
                    .iter()
                    .find(|(k, _, _)| k == h.element)
                    .map_or(start, |(_, _, at)| *at);
                (at, h)
            })
            .collect();
        hits.sort_by_key(|(at, _)| *at);
        for (at, h) in hits {
            state.hit(at, h);
        }
    }
}

/// The collection details or the header are whole: the reference date and the year.
pub(super) fn header(state: &mut State<'_>, name: &str, start: (u64, u64)) {
    if name == "CollectionDetails" {
        if let Some(reference) = state.reference {
            let wanted = state.header_year.unwrap_or(reference.year());
            if (reference.month(), reference.day()) != (9, 30) || reference.year() != wanted {
                let at = state.reference_at.unwrap_or(start);
                state.hit(
                    at,
                    Hit {
                        rule: "CSWW-B21",
                        element: "ReferenceDate",
                        message: format!(
                            "the reference date is {reference}, not 30 September {wanted}{}",
                            if state.header_year.is_some() {
                                " (the Year)"
                            } else {
                                ""
                            }
                        ),
                        fix: None,
                    },
                );
            }
        }
    }
    if name == "Header" || name == "CollectionDetails" {
        // The header's year is the return's; a year given when checking is for a return whose
        // header has none, and is refused where it disagrees.
        let from_header = state.header_year.or(state.reference.map(|d| d.year()));
        if let (Some(given), Some(own)) = (state.explicit_year, from_header) {
            if given != own && name == "CollectionDetails" {
                state.hit(start, Hit {
                    rule: "CSWW-B21",
                    element: "Year",
                    message: format!("the collection year given when checking ({given}) is not the return's own ({own})"),
                    fix: Some("leave out the year (--year, or the page's box): it is only for a return whose header gives none".into()),
                });
            }
        }
        if let Some(own) = from_header {
            if CollectionYear::PLAUSIBLE.contains(&own) {
                state.year = Some(CollectionYear(own));
            } else if name == "CollectionDetails" {
                state.year = None;
                state.hit(
                    start,
                    Hit {
                        rule: "CSWW-B21",
                        element: "Year",
                        message: format!(
                            "the collection year is {own}, which no census return is for"
                        ),
                        fix: Some("give the year the collection ends, such as 2022".into()),
                    },
                );
            }
        }
    }
}

/// The return is whole: the checks that needed every worker.
pub(super) fn message(state: &mut State<'_>, at: (u64, u64)) {
    if state.year.is_none() {
        state.hit(at, Hit {
            rule: "CSWW-B00",
            element: "Header",
            message: "the return gives no collection year, so the rules that depend on the year were not checked".into(),
            fix: None,
        });
    }
    if state.year.is_some() {
        if let Some(v) = state.out.vacancies {
            let (people, fte) = (state.out.agency_in_post, state.out.agency_in_post_fte);
            let place = |state: &State<'_>, element: &str| {
                state
                    .vacancy_fields
                    .iter()
                    .find(|(k, _, _)| k == element)
                    .map_or(state.vacancies_at, |(_, _, at)| *at)
            };
            let hit = if v.agency_cover_headcount > i64::from(people) {
                Some(Hit {
                    rule: "CSWW-B19",
                    element: "NoAgencyHeadcount",
                    message: format!(
                        "{} agency workers cover vacancies, but the return has {people} agency worker{} in post on 30 September",
                        v.agency_cover_headcount,
                        if people == 1 { "" } else { "s" }
                    ),
                    fix: None,
                })
            } else if state.out.agency_in_post_without_fte == 0
                // More FTE than people is B18's.
                && v.agency_cover_fte <= v.agency_cover_headcount as f64 + 1e-9
                && v.agency_cover_fte > fte + 1e-9
            {
                Some(Hit {
                    rule: "CSWW-B19",
                    element: "NoAgencyFTE",
                    message: format!(
                        "{} FTE of agency workers cover vacancies, but the agency workers in post on 30 September in the return come to {} FTE",
                        v.agency_cover_fte,
                        (fte * 1e6).round() / 1e6
                    ),
                    fix: None,
                })
            } else {
                None
            };
            if let Some(h) = hit {
                let at = place(state, h.element);
                state.hit_in(at, "Message/LALevelVacancies", h);
            }
        }
    }
}

/// Keeps a valid simple value where the return needs it.
pub(super) fn store(state: &mut State<'_>, name: &str, value: String, _ty: Simple) {
    let parent = state
        .stack
        .len()
        .checked_sub(2)
        .and_then(|i| state.stack.get(i))
        .map(|f| f.name.as_ref())
        .unwrap_or("");
    match parent {
        "CSWWWorker" => {
            if let Some(w) = state.worker.as_mut() {
                match name {
                    "AgencyWorker" => w.agency = Some(value == "1"),
                    "SWENo" => w.swe = SweNumber::parse(&value),
                    _ => {
                        if let Some(field) = FIELDS.iter().find(|f| **f == name) {
                            w.fields.push((field, value));
                        }
                    }
                }
            }
        }
        "LALevelVacancies" => {
            let at = state.stack.last().map_or((0, 0), |f| (f.line, f.column));
            state.vacancy_fields.push((name.to_string(), value, at));
        }
        "CollectionDetails" => match name {
            "Year" => state.header_year = schema::year(&value),
            "ReferenceDate" => {
                state.reference_at = state.stack.last().map(|f| (f.line, f.column));
                state.reference = Date::parse(value.trim()).ok();
                state.out.header.reference_date = state.reference;
            }
            "Collection" => state.out.header.collection = Some(value),
            _ => {}
        },
        "Source" => match name {
            "LEA" if state.out.header.lea.is_none() => {
                state.out.header.lea = OldLaCode::parse(&value).ok();
                state.out.lea_at = state.stack.last().map(|f| (f.line, f.column));
            }
            "SoftwareCode" => state.out.header.software = Some(value),
            "DateTime" => state.out.header.generated = Some(value.trim().to_string()),
            _ => {}
        },
        _ => {}
    }
    if name == "Year" {
        state.out.header.year = state.header_year;
    }
    let _ = state.file;
}

const FIELDS: &[&str] = &[
    "FTE",
    "PersonBirthDate",
    "GenderCurrent",
    "Ethnicity",
    "QualInst",
    "QualLevel",
    "StepUpGrad",
    "OrgRole",
    "RoleStartDate",
    "StartOrigin",
    "RoleEndDate",
    "LeaverDestination",
    "ReasonLeave",
    "FTE30",
    "Cases30",
    "WorkingDaysLost",
    "ContractWeeks",
    "FrontlineGrad",
    "Absat30Sept",
    "ReasonAbsence",
    "CFKSSstatus",
];

fn set(w: &mut CensusWorker, field: &str, value: &str) {
    let dec = || schema::decimal(value).map(|d| d.0);
    let date = || Date::parse(value.trim()).ok();
    let yes = || value == "1";
    match field {
        "FTE" => w.fte = dec(),
        "PersonBirthDate" => w.birth_date = date(),
        "GenderCurrent" => w.gender = Some(value.to_string()),
        "Ethnicity" => w.ethnicity = Some(value.to_string()),
        "QualInst" => w.qual_inst.push(value.to_string()),
        "QualLevel" => w.qual_level = Some(value.to_string()),
        "StepUpGrad" => w.step_up = Some(yes()),
        "OrgRole" => w.org_role = Some(value.to_string()),
        "RoleStartDate" => w.role_start = date(),
        "StartOrigin" => w.start_origin = Some(value.to_string()),
        "RoleEndDate" => w.role_end = date(),
        "LeaverDestination" => w.leaver_destination = Some(value.to_string()),
        "ReasonLeave" => w.reason_leave = Some(value.to_string()),
        "FTE30" => w.fte30 = dec(),
        "Cases30" => w.cases30 = schema::integer(value),
        "WorkingDaysLost" => w.working_days_lost = dec(),
        "ContractWeeks" => w.contract_weeks.extend(dec()),
        "FrontlineGrad" => w.frontline_grad = Some(yes()),
        "Absat30Sept" => w.absent_30_sept.push(yes()),
        "ReasonAbsence" => w.reason_absence.push(value.to_string()),
        "CFKSSstatus" => w.cfkss.push(value.to_string()),
        _ => {}
    }
}
