//! The business rules that decide the indicators, beyond what the schema can say. Each has a
//! stable id, listed in [`RULES`] with its statement.

use crate::diagnostic::Severity;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use swforce_domain::census::{CensusWorker, CollectionYear};

/// Every business rule: `(id, severity, statement)`.
pub const RULES: &[(&str, Severity, &str)] = &[
    (
        "CSWW-B00",
        Severity::Warning,
        "The return gives its collection year, so the rules that depend on it can be checked.",
    ),
    (
        "CSWW-B01",
        Severity::Error,
        "A role's end date is not before its start date.",
    ),
    (
        "CSWW-B02",
        Severity::Error,
        "A leaver's end date falls inside the collection year (1 October to 30 September).",
    ),
    (
        "CSWW-B03",
        Severity::Error,
        "A reason for leaving or a leaver destination is given only with an end date.",
    ),
    (
        "CSWW-B04",
        Severity::Error,
        "FTE at 30 September is given only for those in post on 30 September.",
    ),
    (
        "CSWW-B05",
        Severity::Error,
        "Cases at 30 September are given only for case holders (not senior or middle managers, nor those qualified without cases).",
    ),
    (
        "CSWW-B06",
        Severity::Error,
        "Each SWE number appears once per worker type.",
    ),
    (
        "CSWW-B07",
        Severity::Warning,
        "A birth date gives an age between 18 and 80 on 30 September.",
    ),
    (
        "CSWW-B08",
        Severity::Error,
        "A role starts on or before 30 September of the collection year.",
    ),
    (
        "CSWW-B09",
        Severity::Warning,
        "A social worker in post on 30 September has their FTE at 30 September.",
    ),
    (
        "CSWW-B10",
        Severity::Warning,
        "A leaver has a reason for leaving.",
    ),
    (
        "CSWW-B11",
        Severity::Warning,
        "Working days lost are no more than the working days in the year (253) for the worker's FTE.",
    ),
];

type Found = (&'static str, Severity, &'static str, String, String);

/// Checks one worker. Rules that need the collection year are skipped without one.
pub fn check_worker(w: &CensusWorker, year: Option<CollectionYear>) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    if let (Some(start), Some(end)) = (w.role_start, w.role_end) {
        if end < start {
            out.push((
                "CSWW-B01",
                Severity::Error,
                "RoleEndDate",
                "the role's end date is before its start date".into(),
                "correct one of the two dates".into(),
            ));
        }
    }
    if w.role_end.is_none() {
        if w.reason_leave.is_some() {
            out.push((
                "CSWW-B03",
                Severity::Error,
                "ReasonLeave",
                "a reason for leaving is given but no end date".into(),
                "add the RoleEndDate, or remove the ReasonLeave if the worker has not left".into(),
            ));
        }
        if w.leaver_destination.is_some() {
            out.push((
                "CSWW-B03",
                Severity::Error,
                "LeaverDestination",
                "a leaver destination is given but no end date".into(),
                "add the RoleEndDate, or remove the LeaverDestination if the worker has not left"
                    .into(),
            ));
        }
    }
    if w.org_role
        .as_deref()
        .is_some_and(|r| matches!(r, "1" | "2" | "6"))
        && w.cases30.is_some_and(|c| c > 0)
    {
        out.push(("CSWW-B05", Severity::Error, "Cases30", "cases are given for a worker whose role holds none (a senior or middle manager, or qualified without cases)".into(), "remove Cases30, or correct the OrgRole if the worker holds cases".into()));
    }
    if let Some(days) = w.working_days_lost {
        let limit = 253.0 * w.fte.or(w.fte30).unwrap_or(1.0).max(0.01);
        if days > limit + 1e-9 {
            out.push(("CSWW-B11", Severity::Warning, "WorkingDaysLost", format!("{days} working days lost is more than the {limit:.0} working days in the year for this FTE"), "check the days were counted for this worker and this collection year only".into()));
        }
    }
    let Some(year) = year else { return out };
    let reference = year.reference_date();
    if let Some(end) = w.role_end {
        if !year.contains(end) {
            out.push((
                "CSWW-B02",
                Severity::Error,
                "RoleEndDate",
                format!("the end date is outside the collection year {} to {}", year.first_day(), reference),
                "leavers are returned for the year they left in: correct the date, or leave the worker out if they left in another year".into(),
            ));
        } else if w.reason_leave.is_none() && !w.agency {
            out.push((
                "CSWW-B10",
                Severity::Warning,
                "ReasonLeave",
                "a leaver has no reason for leaving".into(),
                "add the ReasonLeave code (9 if not known)".into(),
            ));
        }
    }
    if let Some(start) = w.role_start {
        if start > reference {
            out.push((
                "CSWW-B08",
                Severity::Error,
                "RoleStartDate",
                format!("the role starts after the reference date {reference}"),
                "leave out workers who start after 30 September; they belong to next year's return"
                    .into(),
            ));
        }
    }
    let in_post = w.in_post_at(reference);
    if w.fte30.is_some() && !in_post {
        out.push((
            "CSWW-B04",
            Severity::Error,
            "FTE30",
            "an FTE at 30 September is given for a worker not in post on 30 September".into(),
            "remove FTE30 for leavers and for those starting later".into(),
        ));
    }
    if in_post && !w.agency && w.fte30.is_none() {
        out.push((
            "CSWW-B09",
            Severity::Warning,
            "FTE30",
            "a social worker in post on 30 September has no FTE at 30 September".into(),
            "add FTE30 (1.000000 for full time)".into(),
        ));
    }
    if let Some(born) = w.birth_date {
        let age = born.years_until(reference);
        if !(18..=80).contains(&age) {
            out.push((
                "CSWW-B07",
                Severity::Warning,
                "PersonBirthDate",
                format!("the birth date gives an age of {age} on {reference}"),
                "check the birth date: the day and month may be swapped or the year mistyped"
                    .into(),
            ));
        }
    }
    out
}

/// Fingerprints of the SWE numbers seen so far, by worker type, with the first record of each.
/// A fingerprint, not the number, so the set stays small and holds no personal data.
#[derive(Debug, Default)]
pub struct Duplicates {
    seen: HashMap<(bool, u64), u32>,
}

impl Duplicates {
    /// Records the worker; returns the earlier record with the same number and type, if any.
    pub fn see(&mut self, w: &CensusWorker) -> Option<u32> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        w.swe.expose().to_ascii_uppercase().hash(&mut h);
        let key = (w.agency, h.finish());
        match self.seen.get(&key) {
            Some(first) => Some(*first),
            None => {
                self.seen.insert(key, w.record);
                None
            }
        }
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
        w
    }

    fn rules_for(w: &CensusWorker) -> Vec<&'static str> {
        check_worker(w, year()).into_iter().map(|f| f.0).collect()
    }

    fn leaver(end: &str) -> CensusWorker {
        let mut w = worker();
        w.role_end = Some(Date::parse(end).unwrap());
        w.fte30 = None;
        w.reason_leave = Some("1".into());
        w
    }

    #[test]
    fn a_leavers_end_date_must_fall_inside_the_collection_year_at_both_ends() {
        assert!(rules_for(&leaver("2021-10-01")).is_empty());
        assert!(rules_for(&leaver("2022-09-30")).is_empty());
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
        let mut w = leaver("2022-09-30");
        w.fte30 = Some(1.0);
        assert!(
            rules_for(&w).contains(&"CSWW-B04"),
            "left on 30 September: not in post"
        );
        let mut w = worker();
        w.role_start = Some(Date::parse("2022-09-30").unwrap());
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
    fn cases_only_for_case_holders_and_reasons_only_for_leavers() {
        let mut w = worker();
        w.cases30 = Some(3);
        for (role, ok) in [
            ("1", false),
            ("2", false),
            ("3", true),
            ("4", true),
            ("5", true),
            ("6", false),
        ] {
            w.org_role = Some(role.into());
            assert_eq!(!rules_for(&w).contains(&"CSWW-B05"), ok, "role {role}");
        }
        w.cases30 = Some(0);
        w.org_role = Some("6".into());
        assert!(rules_for(&w).is_empty(), "no cases is fine for anyone");
        let mut w = worker();
        w.leaver_destination = Some("1".into());
        assert_eq!(rules_for(&w), vec!["CSWW-B03"]);
    }

    #[test]
    fn days_lost_up_to_the_working_year_for_the_fte_are_plausible() {
        let mut w = worker();
        w.fte = Some(0.5);
        w.working_days_lost = Some(126.5);
        assert!(rules_for(&w).is_empty());
        w.working_days_lost = Some(126.6);
        assert_eq!(rules_for(&w), vec!["CSWW-B11"]);
    }

    #[test]
    fn without_a_year_the_year_rules_are_skipped() {
        let w = leaver("2030-01-01");
        assert!(check_worker(&w, None).is_empty());
    }
}
