//! The 2022 CSWW census schema (`specs/csww_census_2022.xsd`), as content models and simple
//! types, checked exactly as an XML Schema validator checks them: element order and occurrence,
//! patterns, enumerations, decimals with their fraction digits and bounds, integers and dates.
//!
//! Strings are checked as written (XML Schema preserves their whitespace, so `" 1"` is not the
//! code `1`); numbers and dates have their surrounding whitespace collapsed first.

use swforce_domain::Date;
use swforce_domain::census::{self, CodeList};

/// What an element may hold.
#[derive(Debug)]
pub enum Content {
    /// Child elements, in this order.
    Complex(&'static [Particle]),
    Simple(Simple),
}

/// A child element of a complex type, with how often it may occur.
#[derive(Debug)]
pub struct Particle {
    pub name: &'static str,
    pub min: u32,
    pub max: u32,
    pub content: &'static Content,
}

/// A simple type.
#[derive(Debug, Clone, Copy)]
pub enum Simple {
    /// Any text.
    String,
    /// One of a code list.
    Codes(CodeList),
    /// A fixed word list (`CSWW`, `L`).
    Words(&'static [&'static str]),
    /// Two letters and ten digits.
    SweNumber,
    /// Three digits.
    Lea,
    /// A decimal with at most `fraction` digits after the point, within the bounds.
    Decimal {
        fraction: u32,
        min: Option<f64>,
        max: Option<f64>,
    },
    Integer,
    Date,
    Year,
    DateTime,
}

const UNBOUNDED: u32 = u32::MAX;

const fn p(name: &'static str, min: u32, max: u32, content: &'static Content) -> Particle {
    Particle {
        name,
        min,
        max,
        content,
    }
}

static STRING: Content = Content::Simple(Simple::String);
static DATE: Content = Content::Simple(Simple::Date);
static INTEGER: Content = Content::Simple(Simple::Integer);
static TWO_DP: Content = Content::Simple(Simple::Decimal {
    fraction: 2,
    min: None,
    max: None,
});
static ONE_DP: Content = Content::Simple(Simple::Decimal {
    fraction: 1,
    min: None,
    max: None,
});
static FTE: Content = Content::Simple(Simple::Decimal {
    fraction: 6,
    min: Some(0.0),
    max: Some(1.0),
});
static YES_NO: Content = Content::Simple(Simple::Codes(census::YES_NO));

static COLLECTION_DETAILS: Content = Content::Complex(&[
    p(
        "Collection",
        0,
        1,
        &Content::Simple(Simple::Words(&["CSWW"])),
    ),
    p("Year", 0, 1, &Content::Simple(Simple::Year)),
    p("ReferenceDate", 0, 1, &DATE),
]);

static SOURCE: Content = Content::Complex(&[
    p("SourceLevel", 0, 1, &Content::Simple(Simple::Words(&["L"]))),
    p("LEA", 1, 1, &Content::Simple(Simple::Lea)),
    p("SoftwareCode", 0, 1, &STRING),
    p("DateTime", 0, 1, &Content::Simple(Simple::DateTime)),
]);

static HEADER: Content = Content::Complex(&[
    p("CollectionDetails", 0, 1, &COLLECTION_DETAILS),
    p("Source", 0, UNBOUNDED, &SOURCE),
]);

static VACANCIES: Content = Content::Complex(&[
    p("NumberOfVacancies", 1, 1, &TWO_DP),
    p("NoAgencyFTE", 1, 1, &TWO_DP),
    p("NoAgencyHeadcount", 1, 1, &INTEGER),
]);

/// Every element of a worker record, in schema order.
pub static WORKER: Content = Content::Complex(&[
    p(
        "AgencyWorker",
        1,
        1,
        &Content::Simple(Simple::Codes(census::AGENCY)),
    ),
    p("SWENo", 1, 1, &Content::Simple(Simple::SweNumber)),
    p("FTE", 0, 1, &FTE),
    p("PersonBirthDate", 0, 1, &DATE),
    p(
        "GenderCurrent",
        0,
        1,
        &Content::Simple(Simple::Codes(census::GENDER)),
    ),
    p(
        "Ethnicity",
        0,
        1,
        &Content::Simple(Simple::Codes(census::ETHNICITY)),
    ),
    p("QualInst", 1, UNBOUNDED, &STRING),
    p(
        "QualLevel",
        0,
        1,
        &Content::Simple(Simple::Codes(census::QUAL_LEVEL)),
    ),
    p("StepUpGrad", 0, 1, &YES_NO),
    p(
        "OrgRole",
        0,
        1,
        &Content::Simple(Simple::Codes(census::ORG_ROLE)),
    ),
    p("RoleStartDate", 0, 1, &DATE),
    p(
        "StartOrigin",
        0,
        1,
        &Content::Simple(Simple::Codes(census::START_ORIGIN)),
    ),
    p("RoleEndDate", 0, 1, &DATE),
    p(
        "LeaverDestination",
        0,
        1,
        &Content::Simple(Simple::Codes(census::LEAVER_DESTINATION)),
    ),
    p(
        "ReasonLeave",
        0,
        1,
        &Content::Simple(Simple::Codes(census::REASON_LEAVE)),
    ),
    p("FTE30", 0, 1, &FTE),
    p("Cases30", 0, 1, &INTEGER),
    p("WorkingDaysLost", 0, 1, &TWO_DP),
    p("ContractWeeks", 0, UNBOUNDED, &ONE_DP),
    p("FrontlineGrad", 0, 1, &YES_NO),
    p("Absat30Sept", 0, UNBOUNDED, &YES_NO),
    p(
        "ReasonAbsence",
        0,
        UNBOUNDED,
        &Content::Simple(Simple::Codes(census::ABSENCE)),
    ),
    p(
        "CFKSSstatus",
        0,
        UNBOUNDED,
        &Content::Simple(Simple::Codes(census::CFKSS)),
    ),
]);

/// The document element.
pub static MESSAGE: Content = Content::Complex(&[
    p("Header", 0, 1, &HEADER),
    p("LALevelVacancies", 1, 1, &VACANCIES),
    p("CSWWWorker", 1, UNBOUNDED, &WORKER),
]);

/// XML Schema's whitespace collapse: trim, and runs of spaces become one.
fn collapse(text: &str) -> String {
    text.split([' ', '\t', '\n', '\r'])
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A decimal's value and its fraction digits (trailing zeros do not count), or `None`.
pub fn decimal(text: &str) -> Option<(f64, u32)> {
    let t = collapse(text);
    let body = t.strip_prefix(['+', '-']).unwrap_or(&t);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return None;
    }
    let value: f64 = t.parse().ok().or_else(|| format!("{}0", t).parse().ok())?;
    Some((value, frac.trim_end_matches('0').len() as u32))
}

/// An integer's value, or `None`.
pub fn integer(text: &str) -> Option<i64> {
    let t = collapse(text);
    let body = t.strip_prefix(['+', '-']).unwrap_or(&t);
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Values beyond i64 are still integers to the schema; they saturate here.
    Some(t.parse::<i64>().unwrap_or(if t.starts_with('-') {
        i64::MIN
    } else {
        i64::MAX
    }))
}

fn time_zone_ok(tz: &str) -> bool {
    if tz.is_empty() || tz == "Z" {
        return true;
    }
    let b = tz.as_bytes();
    if b.len() != 6 || !(b[0] == b'+' || b[0] == b'-') || b[3] != b':' {
        return false;
    }
    let (Ok(h), Ok(m)) = (tz[1..3].parse::<u8>(), tz[4..6].parse::<u8>()) else {
        return false;
    };
    tz[1..3].bytes().all(|c| c.is_ascii_digit())
        && tz[4..6].bytes().all(|c| c.is_ascii_digit())
        && (h < 14 && m < 60 || h == 14 && m == 0)
}

/// `xs:gYear`: four digits (not 0000) and an optional time zone.
pub fn year(text: &str) -> Option<i32> {
    let t = collapse(text);
    let cut = t.len().min(4);
    if !t.is_char_boundary(cut) {
        return None;
    }
    let (y, tz) = t.split_at(cut);
    (y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) && y != "0000" && time_zone_ok(tz))
        .then(|| y.parse().ok())
        .flatten()
}

/// `xs:dateTime`: a date, `T`, a time with optional fractional seconds, an optional zone.
pub fn date_time(text: &str) -> bool {
    let t = collapse(text);
    let Some((date, rest)) = t.split_once('T') else {
        return false;
    };
    if Date::parse(date).is_err()
        || date.len() != 10
        || rest.len() < 8
        || !rest.is_char_boundary(8)
        || !rest[..8].is_ascii()
    {
        return false;
    }
    let (time, tz) = rest.split_at(8);
    let b = time.as_bytes();
    let two = |s: &str| s.len() == 2 && s.bytes().all(|c| c.is_ascii_digit());
    if b[2] != b':' || b[5] != b':' || !two(&time[..2]) || !two(&time[3..5]) || !two(&time[6..8]) {
        return false;
    }
    let (h, m, s): (u8, u8, u8) = (
        time[..2].parse().unwrap_or(99),
        time[3..5].parse().unwrap_or(99),
        time[6..8].parse().unwrap_or(99),
    );
    let (fraction, tz) = match tz.strip_prefix('.') {
        Some(f) => {
            let n = f.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return false;
            }
            (f[..n].bytes().any(|c| c != b'0'), &f[n..])
        }
        None => (false, tz),
    };
    let time_ok = (h < 24 && m < 60 && s < 60) || (h == 24 && m == 0 && s == 0 && !fraction);
    time_ok && time_zone_ok(tz)
}

/// Checks text against a simple type; the problem and fix in plain English when it fails.
/// The text itself is never repeated, so a personal value cannot leak into a message.
pub fn check(ty: Simple, text: &str) -> Result<(), (String, String)> {
    let fail = |problem: String, fix: &str| Err((problem, fix.to_string()));
    match ty {
        Simple::String => Ok(()),
        Simple::Codes(list) => {
            if census::meaning(list, text).is_some() {
                Ok(())
            } else {
                let codes: Vec<&str> = list.iter().map(|(c, _)| *c).collect();
                fail(
                    format!("is not one of the codes {}", codes.join(", ")),
                    "use one of the listed codes exactly, with no spaces around it",
                )
            }
        }
        Simple::Words(words) => {
            if words.contains(&text) {
                Ok(())
            } else {
                fail(
                    format!("must be {}", words.join(" or ")),
                    "write the value exactly as the schema gives it",
                )
            }
        }
        Simple::SweNumber => {
            if census::SweNumber::parse(text).is_some() {
                Ok(())
            } else {
                fail(
                    format!(
                        "is not two letters and ten digits ({} characters given)",
                        text.chars().count()
                    ),
                    "copy the Social Work England number exactly, such as SW1234567890, with no spaces",
                )
            }
        }
        Simple::Lea => {
            if text.len() == 3 && text.bytes().all(|b| b.is_ascii_digit()) {
                Ok(())
            } else {
                fail(
                    "is not a three-digit local authority code".into(),
                    "write the authority's DfE code, such as 839",
                )
            }
        }
        Simple::Decimal { fraction, min, max } => match decimal(text) {
            None => fail(
                "is not a number".into(),
                "write a decimal number such as 0.5, with a full stop for the decimal point",
            ),
            Some((_, digits)) if digits > fraction => fail(
                format!(
                    "has {digits} digits after the decimal point; at most {fraction} are allowed"
                ),
                &format!(
                    "round to {fraction} decimal place{}",
                    if fraction == 1 { "" } else { "s" }
                ),
            ),
            Some((v, _)) if min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m) => fail(
                format!(
                    "is outside {} to {}",
                    min.map_or("-".into(), |m| m.to_string()),
                    max.map_or("-".into(), |m| m.to_string())
                ),
                "a full-time equivalent is between 0 and 1 (1 is full time)",
            ),
            Some(_) => Ok(()),
        },
        Simple::Integer => integer(text).map(|_| ()).ok_or_else(|| {
            (
                "is not a whole number".into(),
                "write a whole number such as 12, with no decimal point".into(),
            )
        }),
        Simple::Date => Date::parse(&collapse(text)).map(|_| ()).map_err(|_| {
            (
                "is not a valid date".into(),
                "write the date as YYYY-MM-DD, such as 2022-09-30".into(),
            )
        }),
        Simple::Year => year(text).map(|_| ()).ok_or_else(|| {
            (
                "is not a year".into(),
                "write the four-digit year, such as 2022".into(),
            )
        }),
        Simple::DateTime => {
            if date_time(text) {
                Ok(())
            } else {
                fail(
                    "is not a date and time".into(),
                    "write it as YYYY-MM-DDThh:mm:ss, such as 2022-10-01T09:30:00",
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_follow_xml_schema() {
        assert_eq!(
            decimal("1.500"),
            Some((1.5, 1)),
            "trailing zeros are not fraction digits"
        );
        assert_eq!(decimal(" .5 "), Some((0.5, 1)));
        assert_eq!(decimal("5."), Some((5.0, 0)));
        assert_eq!(decimal("+1"), Some((1.0, 0)));
        for bad in ["", ".", "1e3", "1,5", "one", "1.2.3", "- 1"] {
            assert_eq!(decimal(bad), None, "{bad:?}");
        }
        assert!(
            check(
                Simple::Decimal {
                    fraction: 6,
                    min: Some(0.0),
                    max: Some(1.0)
                },
                "1.0000000"
            )
            .is_ok()
        );
        assert!(
            check(
                Simple::Decimal {
                    fraction: 6,
                    min: Some(0.0),
                    max: Some(1.0)
                },
                "1.0000001"
            )
            .is_err()
        );
    }

    #[test]
    fn codes_keep_their_whitespace_but_numbers_do_not() {
        assert!(check(Simple::Codes(census::AGENCY), "0").is_ok());
        assert!(check(Simple::Codes(census::AGENCY), " 0").is_err());
        assert!(check(Simple::Integer, " 3 ").is_ok());
        assert!(check(Simple::Integer, "3.0").is_err());
    }

    #[test]
    fn dates_times_and_years() {
        assert!(date_time("2022-10-01T10:00:00"));
        assert!(date_time("2022-10-01T10:00:00.123Z"));
        assert!(date_time("2022-10-01T24:00:00"));
        assert!(!date_time("2022-10-01T24:00:01"));
        assert!(!date_time("2022-10-01 10:00:00"));
        assert_eq!(year("20\u{e9}2"), None);
        assert_eq!(year("202\u{feff}"), None);
        // Found by fuzzing: a multi-byte character where a fixed-width field is expected.
        assert!(!date_time("2022-\u{feff}10-15T09:00:00"));
        assert!(!date_time("2022-10-15T0\u{feff}0:00:00"));
        assert!(!date_time("2022-10-15T09:00:0\u{e9}"));
        assert_eq!(year("2022"), Some(2022));
        assert_eq!(year("2022Z"), Some(2022));
        assert_eq!(year("22"), None);
    }
}
