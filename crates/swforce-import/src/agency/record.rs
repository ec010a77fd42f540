//! One engagement's fields, checked the same way wherever they come from (a row of a file, or
//! the web form): each value by its column's rule, then the rules between fields, in the same
//! words. And an engagement written back out as fields.

use super::{
    AGENCY, CEO, COLUMNS, COUNCIL_NOTICE, DCS, END, HOLIDAY, HOURS, JOB_TYPE, LA_CODE, LEAVING,
    LEFT_ON, LEVY, MARGIN, N, NI, NOTICE, PACKAGED, PAY, PAY_BASIS, PQE, PRACTICE_REFERENCE,
    PREVIOUS_EMPLOYER, PREVIOUS_LA, PREVIOUS_REGION, PROJECT_TEAM, QUALIFIED, REFERENCE, START,
    SWE,
};
use swforce_domain::Date;
use swforce_domain::agency::{Charge, Engagement, JobType, Leaving, PayBasis, Pence};
use swforce_domain::geography::REGIONS;

const DATE_FIX: &str =
    "write the date as YYYY-MM-DD, such as 2025-04-01, or as DD/MM/YYYY, such as 01/04/2025";

/// A problem with one field of an engagement: what is wrong with it, and how to put it right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field's column, as named in [`COLUMNS`].
    pub field: &'static str,
    pub problem: String,
    pub fix: String,
}

/// Reads one engagement from its fields: `text(column)` is the text of a column named in
/// [`COLUMNS`], trimmed, or `None` when there is no such field; empty text means "not given".
/// Refuses it with every problem found, each field's in column order and then those between
/// fields, worded as a file's diagnostics are.
pub fn engagement_from<'a>(
    text: impl Fn(&str) -> Option<&'a str>,
) -> Result<Engagement, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let engagement = check(
        |k| text(COLUMNS[k].0),
        |k, problem, fix| {
            problems.push(FieldProblem {
                field: COLUMNS[k].0,
                problem,
                fix,
            });
        },
    );
    engagement.filter(|_| problems.is_empty()).ok_or(problems)
}

/// An engagement's fields, named as in [`COLUMNS`] and written as a file holds them (what
/// [`engagement_from`] reads back to the same engagement).
pub fn engagement_fields(e: &Engagement) -> Vec<(&'static str, String)> {
    COLUMNS.iter().map(|c| c.0).zip(row(e)).collect()
}

/// A reference as the reference column reads it (1 to 64 characters), or `None`.
pub(super) fn reference(t: &str) -> Option<String> {
    (!t.is_empty()).then(|| text(t, 64).ok()).flatten()
}

/// Checks the fields of one engagement, by column position: `text(k)` is column `k`'s text,
/// and each problem goes to `fail(k, problem, fix)`. The engagement, when there was none.
pub(super) fn check<'a>(
    text: impl Fn(usize) -> Option<&'a str>,
    fail: impl FnMut(usize, String, String),
) -> Option<Engagement> {
    let mut f = Fields {
        text,
        fail,
        failed: false,
    };
    let reference = f.required(REFERENCE, |t| self::text(t, 64));
    let swe = f.required(SWE, swe_number);
    let agency = f.required(AGENCY, |t| self::text(t, 200));
    let la_code = f.required(LA_CODE, council_code);
    let job_type = f.required(JOB_TYPE, job_type);
    let start = f.required(START, date);
    let end = f.optional(END, date);
    let hours_per_week = f.optional(HOURS, |t| {
        number(t, 0.0, false, 60.0, "hours a week", "such as 37")
    });
    let pay_basis = f.optional(PAY_BASIS, pay_basis);
    let charge = Charge {
        pay: f.optional(PAY, money),
        employer_ni: f.optional(NI, money),
        apprenticeship_levy: f.optional(LEVY, money),
        holiday_pay: f.optional(HOLIDAY, money),
        agency_margin: f.optional(MARGIN, money),
    };
    let qualified = f.optional(QUALIFIED, date);
    let pqe_years = f.optional(PQE, |t| {
        number(
            t,
            0.0,
            true,
            60.0,
            "years of experience",
            "such as 4 or 2.5",
        )
    });
    let previous_employer = f.optional(PREVIOUS_EMPLOYER, |t| {
        if t.eq_ignore_ascii_case("none") {
            Ok("none".to_string())
        } else {
            self::text(t, 200)
        }
    });
    let previous_la_code = f.optional(PREVIOUS_LA, council_code);
    let previous_region = f.optional(PREVIOUS_REGION, region);
    let left_on = f.optional(LEFT_ON, date);
    let leaving = f.optional(LEAVING, leaving);
    let practice_reference = f.optional(PRACTICE_REFERENCE, yes_no);
    let notice_weeks = f.optional(NOTICE, |t| number(t, 0.0, true, 52.0, "weeks", "such as 4"));
    let council_notice_weeks = f.optional(COUNCIL_NOTICE, |t| {
        number(t, 0.0, true, 52.0, "weeks", "such as 4")
    });
    let project_team = f.optional(PROJECT_TEAM, |t| self::text(t, 200));
    let packaged_model = f.optional(PACKAGED, yes_no);
    let dcs_signoff = f.optional(DCS, date);
    let ceo_signoff = f.optional(CEO, date);

    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            let start_text = (f.text)(START).unwrap_or("");
            let end_text = (f.text)(END).unwrap_or("");
            f.fail(
                END,
                format!("field \"end_date\" is {end_text:?}, before start_date {start_text:?}"),
                "correct one of the two dates: an engagement cannot end before it starts",
            );
        }
    }
    // "none" is no previous post: a council code beside it contradicts it.
    if previous_employer.as_deref() == Some("none") && previous_la_code.is_some() {
        let code = (f.text)(PREVIOUS_LA).unwrap_or("");
        f.fail(
            PREVIOUS_LA,
            format!("field \"previous_la_code\" is {code:?}, but previous_employer is none"),
            "remove the council code if the worker had no substantive post, or write the employer's name in previous_employer",
        );
    }
    // Dates that must come before the start: qualifying, and leaving the previous post.
    for (k, day, name, why) in [
        (
            QUALIFIED,
            qualified,
            "qualified_on",
            "a worker qualifies before an engagement as a social worker starts",
        ),
        (
            LEFT_ON,
            left_on,
            "left_on",
            "the previous substantive post is one left before this engagement starts",
        ),
    ] {
        if let (Some(s), Some(d)) = (start, day) {
            if d > s {
                let start_text = (f.text)(START).unwrap_or("");
                let text = (f.text)(k).unwrap_or("");
                f.fail(
                    k,
                    format!("field \"{name}\" is {text:?}, after start_date {start_text:?}"),
                    format!("correct one of the two dates: {why}"),
                );
            }
        }
    }
    if f.failed {
        return None;
    }
    Some(Engagement {
        reference: reference?,
        swe: swe?,
        agency: agency?,
        la_code: la_code?,
        job_type: job_type?,
        start: start?,
        end,
        hours_per_week,
        pay_basis,
        charge,
        qualified,
        pqe_years,
        previous_employer,
        previous_la_code,
        previous_region,
        left_on,
        leaving,
        practice_reference,
        notice_weeks,
        council_notice_weeks,
        project_team,
        packaged_model,
        dcs_signoff,
        ceo_signoff,
    })
}

/// Why a cell was refused: what is wrong with the value, and how to put it right.
pub(super) struct Bad {
    pub(super) why: String,
    pub(super) fix: String,
}

fn bad(why: impl Into<String>, fix: impl Into<String>) -> Bad {
    Bad {
        why: why.into(),
        fix: fix.into(),
    }
}

/// The fields of one engagement, and where their problems go.
struct Fields<T, F> {
    text: T,
    fail: F,
    failed: bool,
}

impl<'a, T: Fn(usize) -> Option<&'a str>, F: FnMut(usize, String, String)> Fields<T, F> {
    fn fail(&mut self, k: usize, problem: String, fix: impl Into<String>) {
        self.failed = true;
        (self.fail)(k, problem, fix.into());
    }

    /// The value of column `k`, or `None` when it is empty or wrong (wrong is reported).
    fn optional<V>(&mut self, k: usize, parse: impl FnOnce(&str) -> Result<V, Bad>) -> Option<V> {
        let t = (self.text)(k).filter(|t| !t.is_empty())?;
        match parse(t) {
            Ok(v) => Some(v),
            Err(b) => {
                let name = COLUMNS[k].0;
                self.fail(k, format!("field \"{name}\" is {t:?}, {}", b.why), b.fix);
                None
            }
        }
    }

    /// The value of column `k`, or `None` when it is empty or wrong (both are reported).
    fn required<V>(&mut self, k: usize, parse: impl FnOnce(&str) -> Result<V, Bad>) -> Option<V> {
        if (self.text)(k).is_some_and(str::is_empty) {
            let (name, _, what) = COLUMNS[k];
            self.fail(
                k,
                format!("field \"{name}\" is empty; every engagement needs one"),
                format!(
                    "fill in {name}: {}{}",
                    what[..1].to_ascii_lowercase(),
                    what[1..].trim_end_matches('.')
                ),
            );
            return None;
        }
        self.optional(k, parse)
    }
}

fn text(t: &str, max: usize) -> Result<String, Bad> {
    let chars = t.chars().count();
    if chars > max {
        return Err(bad(
            format!("which is {chars} characters long, more than {max}"),
            format!("shorten it to at most {max} characters"),
        ));
    }
    Ok(t.to_string())
}

fn swe_number(t: &str) -> Result<String, Bad> {
    let upper = t.to_ascii_uppercase();
    let ok = upper
        .strip_prefix("SW")
        .is_some_and(|d| (1..=8).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(upper)
    } else {
        Err(bad(
            "which is not a Social Work England registration number",
            "write SW then the digits of the registration number, such as SW123456, as shown on the Social Work England register",
        ))
    }
}

fn council_code(t: &str) -> Result<String, Bad> {
    let upper = t.to_ascii_uppercase();
    let ok = upper.len() == 9
        && upper.is_ascii()
        && matches!(&upper[..3], "E06" | "E07" | "E08" | "E09" | "E10")
        && upper[3..].bytes().all(|b| b.is_ascii_digit());
    if ok {
        Ok(upper)
    } else {
        Err(bad(
            "which is not a council's ONS code",
            "write the council's 9-character ONS code: E06, E07, E08, E09 or E10 then 6 digits, such as E10000016 for Kent",
        ))
    }
}

pub(super) fn region(t: &str) -> Result<String, Bad> {
    REGIONS
        .iter()
        .find(|(code, name)| code.eq_ignore_ascii_case(t) || name.eq_ignore_ascii_case(t))
        .map(|(code, _)| code.to_string())
        .ok_or_else(|| {
            bad(
                "which is not an English region",
                format!(
                    "write the region's ONS code (E12000001 to E12000009) or its name: {}",
                    REGIONS.map(|(_, name)| name).join(", ")
                ),
            )
        })
}

pub(super) fn job_type(t: &str) -> Result<JobType, Bad> {
    let ids = JobType::ALL.map(JobType::id).join(", ");
    if let Some(j) = JobType::from_id(t) {
        return Ok(j);
    }
    Err(match JobType::renamed(t) {
        Some((now, why)) => bad(
            "which is a job type of an older swforce: the rules now use the Department for Education's five",
            format!("write {} ({why}); the five are {ids}", now.id()),
        ),
        None => bad(
            "which is not a job type swforce knows",
            format!(
                "write one of {ids} (or its label, such as {})",
                JobType::SocialWorker.label()
            ),
        ),
    })
}

fn pay_basis(t: &str) -> Result<PayBasis, Bad> {
    PayBasis::from_id(t).ok_or_else(|| {
        bad(
            "which is not a way of paying an agency worker swforce knows",
            format!(
                "write one of {}",
                PayBasis::ALL.map(PayBasis::id).join(", ")
            ),
        )
    })
}

fn leaving(t: &str) -> Result<Leaving, Bad> {
    Leaving::from_id(t).ok_or_else(|| {
        bad(
            "which is not a way of leaving swforce knows",
            format!(
                "write one of {} (or its label, such as {})",
                Leaving::ALL.map(Leaving::id).join(", "),
                Leaving::Redundancy.label()
            ),
        )
    })
}

fn yes_no(t: &str) -> Result<bool, Bad> {
    match t.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Ok(true),
        "no" | "n" | "false" | "0" => Ok(false),
        _ => Err(bad("which is neither yes nor no", "write yes or no")),
    }
}

pub(super) fn money(t: &str) -> Result<Pence, Bad> {
    let fix = "write the amount an hour in pounds and pence, such as 45.50, £45.50 or 45";
    if t.trim_start_matches('£').trim_start().starts_with('-') || t.starts_with('-') {
        return Err(bad(
            "which is negative; an hourly charge cannot be negative",
            fix,
        ));
    }
    Pence::parse(t).ok_or_else(|| bad("which is not an amount of money", fix))
}

/// A number above `min` (or equal to it, when `min_allowed`) and at most `max`.
fn number(
    t: &str,
    min: f64,
    min_allowed: bool,
    max: f64,
    what: &str,
    example: &str,
) -> Result<f64, Bad> {
    let range = if min_allowed {
        format!("from {min} to {max}")
    } else {
        format!("more than {min} and at most {max}")
    };
    let fix = format!("write the {what} as a number {range}, {example}");
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => {
            let above_min = if min_allowed { v >= min } else { v > min };
            if above_min && v <= max {
                Ok(v)
            } else {
                Err(bad(format!("which is out of range ({range})"), fix))
            }
        }
        _ => Err(bad("which is not a number", fix)),
    }
}

/// `YYYY-MM-DD`, or `DD/MM/YYYY` (day and month may have one digit).
pub(super) fn date(t: &str) -> Result<Date, Bad> {
    let digits = |s: &str, lengths: std::ops::RangeInclusive<usize>| {
        lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let iso: Vec<&str> = t.split('-').collect();
    let uk: Vec<&str> = t.split('/').collect();
    let (y, m, d) = match (iso.as_slice(), uk.as_slice()) {
        ([y, m, d], _) if digits(y, 4..=4) && digits(m, 2..=2) && digits(d, 2..=2) => (*y, *m, *d),
        (_, [d, m, y]) if digits(d, 1..=2) && digits(m, 1..=2) && digits(y, 4..=4) => (*y, *m, *d),
        _ => return Err(bad("which is not a date in a form swforce reads", DATE_FIX)),
    };
    let (Ok(year), Ok(month), Ok(day)) = (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>())
    else {
        return Err(bad("which is not a date in a form swforce reads", DATE_FIX));
    };
    Date::new(year, month, day).map_err(|_| {
        if t.contains('/') && month > 12 && day <= 12 {
            bad(
                format!("which has no month {month}: dates with slashes are read day first"),
                DATE_FIX,
            )
        } else {
            bad("which is not a day in the calendar", DATE_FIX)
        }
    })
}

/// An engagement's fields in the order of [`COLUMNS`].
pub(super) fn row(e: &Engagement) -> [String; N] {
    let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let number = |n: Option<f64>| n.map(|n| n.to_string()).unwrap_or_default();
    let money = |p: Option<Pence>| {
        p.map(|p| {
            let sign = if p.0 < 0 { "-" } else { "" };
            format!("{sign}{}.{:02}", p.0.abs() / 100, p.0.abs() % 100)
        })
        .unwrap_or_default()
    };
    let mut r: [String; N] = Default::default();
    r[REFERENCE] = e.reference.clone();
    r[SWE] = e.swe.clone();
    r[AGENCY] = e.agency.clone();
    r[LA_CODE] = e.la_code.clone();
    r[JOB_TYPE] = e.job_type.id().to_string();
    r[START] = e.start.to_string();
    r[END] = date(e.end);
    r[HOURS] = number(e.hours_per_week);
    r[PAY_BASIS] = e.pay_basis.map(|b| b.id().to_string()).unwrap_or_default();
    r[HOLIDAY] = money(e.charge.holiday_pay);
    r[PAY] = money(e.charge.pay);
    r[NI] = money(e.charge.employer_ni);
    r[LEVY] = money(e.charge.apprenticeship_levy);
    r[MARGIN] = money(e.charge.agency_margin);
    r[QUALIFIED] = date(e.qualified);
    r[PQE] = number(e.pqe_years);
    r[PREVIOUS_EMPLOYER] = e.previous_employer.clone().unwrap_or_default();
    r[PREVIOUS_LA] = e.previous_la_code.clone().unwrap_or_default();
    r[PREVIOUS_REGION] = e.previous_region.clone().unwrap_or_default();
    r[LEFT_ON] = date(e.left_on);
    r[LEAVING] = e.leaving.map(|l| l.id().to_string()).unwrap_or_default();
    r[PRACTICE_REFERENCE] = e
        .practice_reference
        .map(|p| if p { "yes" } else { "no" }.to_string())
        .unwrap_or_default();
    r[NOTICE] = number(e.notice_weeks);
    r[COUNCIL_NOTICE] = number(e.council_notice_weeks);
    r[PROJECT_TEAM] = e.project_team.clone().unwrap_or_default();
    r[PACKAGED] = e
        .packaged_model
        .map(|p| if p { "yes" } else { "no" }.to_string())
        .unwrap_or_default();
    r[DCS] = date(e.dcs_signoff);
    r[CEO] = date(e.ceo_signoff);
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agency::read_engagements_csv;

    const SAMPLE: &str = include_str!("../../tests/fixtures/agency_engagements.csv");

    #[test]
    fn a_record_is_refused_in_the_words_of_a_file_row() {
        let record = [
            ("reference", "R1"),
            ("swe_number", "12"),
            ("agency", ""),
            ("la_code", "E10000016"),
            ("job_type", "social_worker"),
            ("start_date", "2025-03-01"),
            ("end_date", "2025-02-01"),
            ("hours_per_week", "80"),
        ];
        let text = |c: &str| Some(record.iter().find(|(k, _)| *k == c).map_or("", |(_, v)| *v));
        let problems = engagement_from(text).unwrap_err();
        let file = format!(
            "{}\n{}\n",
            COLUMNS.iter().map(|c| c.0).collect::<Vec<_>>().join(","),
            COLUMNS
                .iter()
                .map(|c| text(c.0).unwrap())
                .collect::<Vec<_>>()
                .join(",")
        );
        let refused = read_engagements_csv("f.csv", file.as_bytes()).unwrap_err();
        let from_file: Vec<(&str, &str, &str)> = refused
            .errors()
            .map(|d| {
                (
                    d.field.as_deref().unwrap(),
                    d.problem.as_str(),
                    d.fix.as_str(),
                )
            })
            .collect();
        let from_record: Vec<(&str, &str, &str)> = problems
            .iter()
            .map(|p| (p.field, p.problem.as_str(), p.fix.as_str()))
            .collect();
        assert_eq!(from_record, from_file);
        assert_eq!(
            from_record.iter().map(|p| p.0).collect::<Vec<_>>(),
            ["swe_number", "agency", "hours_per_week", "end_date"]
        );
    }

    #[test]
    fn an_engagements_fields_read_back_to_it() {
        let read = read_engagements_csv("sample.csv", SAMPLE.as_bytes()).unwrap();
        for (_, e) in read.engagements {
            let fields = engagement_fields(&e);
            let text = |c: &str| {
                fields
                    .iter()
                    .find(|(k, _)| *k == c)
                    .map(|(_, v)| v.as_str())
            };
            assert_eq!(engagement_from(text), Ok(e));
        }
    }
}
