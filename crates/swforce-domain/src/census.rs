//! The children's social work workforce census return: one record per social worker or agency
//! worker, and the authority's vacancies. Worker records are personal data: the SWE number and
//! birth date never leave the authority's scope, so their types never print them.

use crate::{Date, OldLaCode};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A Social Work England registration number: two letters and ten digits. Personal data: its
/// `Debug` shows only that there is one.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SweNumber(String);

impl SweNumber {
    /// Checks the census pattern `[A-Za-z]{2}\d{10}`.
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        (b.len() == 12
            && b[..2].iter().all(u8::is_ascii_alphabetic)
            && b[2..].iter().all(u8::is_ascii_digit))
        .then(|| Self(text.to_string()))
    }

    /// The number itself, for storage and for writing the return; never for messages.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A fingerprint of the number, the same whatever the case of its letters: how records of
    /// one person are matched without keeping the number.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::Hasher;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for b in self.0.bytes() {
            h.write_u8(b.to_ascii_uppercase());
        }
        h.finish()
    }
}

impl fmt::Debug for SweNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SweNumber(***)")
    }
}

/// A code list of the census schema: `(code, meaning)`.
pub type CodeList = &'static [(&'static str, &'static str)];

pub const GENDER: CodeList = &[
    ("0", "Not known"),
    ("1", "Male"),
    ("2", "Female"),
    ("9", "Not specified"),
];
pub const ETHNICITY: CodeList = &[
    ("WBRI", "White British"),
    ("WIRI", "White Irish"),
    ("WOTH", "Any other White background"),
    ("MWBC", "White and Black Caribbean"),
    ("MWBA", "White and Black African"),
    ("MWAS", "White and Asian"),
    ("MOTH", "Any other mixed background"),
    ("AIND", "Indian"),
    ("APKN", "Pakistani"),
    ("ABAN", "Bangladeshi"),
    ("AOTH", "Any other Asian background"),
    ("BCRB", "Black Caribbean"),
    ("BAFR", "Black African"),
    ("BOTH", "Any other Black background"),
    ("CHNE", "Chinese"),
    ("OOTH", "Any other ethnic group"),
    ("REFU", "Declared not stated or refused"),
    ("NOBT", "Information not yet obtained"),
];
pub const QUAL_LEVEL: CodeList = &[
    ("1", "Undergraduate"),
    ("2", "Postgraduate"),
    ("3", "Other"),
];
pub const YES_NO: CodeList = &[("0", "No"), ("1", "Yes")];
pub const AGENCY: CodeList = &[("0", "Not an agency worker"), ("1", "Agency worker")];
pub const ORG_ROLE: CodeList = &[
    ("1", "Senior manager"),
    ("2", "Middle manager"),
    ("3", "First line manager"),
    ("4", "Senior practitioner"),
    ("5", "Case holder"),
    ("6", "Qualified without cases"),
];
pub const START_ORIGIN: CodeList = &[
    ("1", "Newly qualified social worker"),
    (
        "2",
        "Social worker role in a different local authority in England",
    ),
    ("3", "Social worker role outside England"),
    ("4", "Agency or consultancy in social work (in England)"),
    (
        "5",
        "Other social work role, not a local authority (in England)",
    ),
    ("6", "Other social care role (in England)"),
    (
        "7",
        "Non-social care role, any role outside England, no employment or career break",
    ),
    ("8", "Other"),
    ("9", "Not known"),
    ("10", "Not yet collected"),
];
pub const LEAVER_DESTINATION: CodeList = &[
    (
        "1",
        "Social worker role in a different local authority in England",
    ),
    ("2", "Social worker role outside England"),
    ("3", "Agency or consultancy in social work (in England)"),
    (
        "4",
        "Other social work role, not a local authority (in England)",
    ),
    ("5", "Other social care role (in England)"),
    (
        "6",
        "Non-social care role, any role outside England, no employment or career break",
    ),
    ("7", "Other"),
    ("8", "Not known"),
    ("9", "Not yet collected"),
];
pub const REASON_LEAVE: CodeList = &[
    ("1", "Resignation"),
    ("2", "Voluntary redundancy"),
    ("3", "Compulsory redundancy"),
    ("4", "Dismissed"),
    ("5", "Retired"),
    ("6", "Deceased"),
    (
        "7",
        "Moved to a role within the authority that is not children and family social work",
    ),
    ("8", "Other"),
    ("9", "Not known"),
    ("10", "Not yet collected"),
];
pub const ABSENCE: CodeList = &[
    ("MAT", "Maternity or paternity leave"),
    ("OTH", "Other paid authorised absence"),
    ("PUB", "Paid absence for public duties"),
    ("SIC", "Sick leave"),
    ("TRN", "Training"),
    ("UNA", "Unauthorised absence"),
    ("UNP", "Unpaid authorised absence"),
];
pub const CFKSS: CodeList = &[
    ("1", "Assessed and supported year in employment"),
    ("2", "Frontline practitioner"),
    ("3", "Practice supervisor"),
    ("4", "Practice leader"),
];

/// The meaning of a code, if the list has it.
pub fn meaning(list: CodeList, code: &str) -> Option<&'static str> {
    list.iter().find(|(c, _)| *c == code).map(|(_, m)| *m)
}

/// One worker's record, as returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CensusWorker {
    /// Position in the return, from 1: how a finding points at a person without naming them.
    pub record: u32,
    pub agency: bool,
    pub swe: SweNumber,
    pub fte: Option<f64>,
    pub birth_date: Option<Date>,
    pub gender: Option<String>,
    pub ethnicity: Option<String>,
    pub qual_inst: Vec<String>,
    pub qual_level: Option<String>,
    pub step_up: Option<bool>,
    pub org_role: Option<String>,
    pub role_start: Option<Date>,
    pub start_origin: Option<String>,
    pub role_end: Option<Date>,
    pub leaver_destination: Option<String>,
    pub reason_leave: Option<String>,
    pub fte30: Option<f64>,
    pub cases30: Option<i64>,
    pub working_days_lost: Option<f64>,
    pub contract_weeks: Vec<f64>,
    pub frontline_grad: Option<bool>,
    pub absent_30_sept: Vec<bool>,
    pub reason_absence: Vec<String>,
    pub cfkss: Vec<String>,
}

impl CensusWorker {
    /// An empty record for a worker, to be filled in.
    pub fn new(record: u32, agency: bool, swe: SweNumber) -> Self {
        Self {
            record,
            agency,
            swe,
            fte: None,
            birth_date: None,
            gender: None,
            ethnicity: None,
            qual_inst: Vec::new(),
            qual_level: None,
            step_up: None,
            org_role: None,
            role_start: None,
            start_origin: None,
            role_end: None,
            leaver_destination: None,
            reason_leave: None,
            fte30: None,
            cases30: None,
            working_days_lost: None,
            contract_weeks: Vec::new(),
            frontline_grad: None,
            absent_30_sept: Vec::new(),
            reason_absence: Vec::new(),
            cfkss: Vec::new(),
        }
    }

    /// In post on the collection's reference date: started by then and not left before it.
    pub fn in_post_at(&self, date: Date) -> bool {
        self.role_start.is_none_or(|s| s <= date) && self.role_end.is_none_or(|e| e > date)
    }
}

/// The return's header, where given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CensusHeader {
    pub collection: Option<String>,
    pub year: Option<i32>,
    pub reference_date: Option<Date>,
    pub lea: Option<OldLaCode>,
    pub software: Option<String>,
    pub generated: Option<String>,
}

/// The authority-level block: vacancies and agency workers covering them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LaVacancies {
    pub vacancies_fte: f64,
    pub agency_cover_fte: f64,
    pub agency_cover_headcount: i64,
}

/// A collection year: 1 October to 30 September, named by the year it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionYear(pub i32);

impl CollectionYear {
    /// The years a census return can be for (the collection began in 2017; the dates of any
    /// year in this range exist).
    pub const PLAUSIBLE: std::ops::RangeInclusive<i32> = 2000..=2100;

    /// 1 October of the year before.
    pub fn first_day(self) -> Date {
        Date::new(self.0 - 1, 10, 1).expect("1 October exists in every year")
    }

    /// 30 September: the reference date, when stocks are counted.
    pub fn reference_date(self) -> Date {
        Date::new(self.0, 9, 30).expect("30 September exists in every year")
    }

    pub fn contains(self, d: Date) -> bool {
        d >= self.first_day() && d <= self.reference_date()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swe_numbers_follow_the_pattern_and_never_print() {
        let s = SweNumber::parse("AB1234567890").unwrap();
        assert_eq!(format!("{s:?}"), "SweNumber(***)");
        for bad in [
            "AB123456789",
            "A11234567890",
            "AB12345678901",
            "ÄB1234567890",
            " AB1234567890",
        ] {
            assert!(SweNumber::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_collection_year_runs_from_october_to_september() {
        let y = CollectionYear(2022);
        assert!(y.contains(Date::parse("2021-10-01").unwrap()));
        assert!(y.contains(Date::parse("2022-09-30").unwrap()));
        assert!(!y.contains(Date::parse("2021-09-30").unwrap()));
        assert!(!y.contains(Date::parse("2022-10-01").unwrap()));
    }
}
