//! Synthetic census returns: realistic records of any size from a seed, for tests, the demo and
//! benchmarks, and a mutator that makes an invalid variant with exactly one defect.
//!
//! The people are invented: SWE numbers are drawn at random and never match a real register.

use super::rules;
use super::write::{write_census, write_worker};
use rand_pcg::Pcg64Mcg;
use rand_pcg::rand_core::{Rng, SeedableRng};
use std::io::{self, Write};
use swforce_domain::census::{CensusHeader, CensusWorker, CollectionYear, LaVacancies, SweNumber};
use swforce_domain::{Date, OldLaCode};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct GenerateSpec {
    pub workers: u32,
    pub seed: u64,
    pub lea: OldLaCode,
    /// The collection year (ending 30 September).
    pub year: i32,
}

struct Dice(Pcg64Mcg);

impl Dice {
    fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: u32) -> u32 {
        (self.unit() * f64::from(n)) as u32 % n.max(1)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Picks from `(value, weight)` pairs.
    fn pick<'a>(&mut self, options: &[(&'a str, f64)]) -> &'a str {
        let total: f64 = options.iter().map(|o| o.1).sum();
        let mut x = self.unit() * total;
        for (v, w) in options {
            if x < *w {
                return v;
            }
            x -= w;
        }
        options.last().map_or("", |o| o.0)
    }

    fn date_between(&mut self, from: Date, to: Date) -> Date {
        let (a, b) = (from.days_since_epoch(), to.days_since_epoch());
        let day = a + (self.unit() * (b - a + 1) as f64) as i64;
        from_days(day.min(b))
    }
}

/// The date `days` after 1 January 1970.
fn from_days(days: i64) -> Date {
    // Howard Hinnant's civil-from-days algorithm.
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    Date::new(y, m, d).expect("the civil-from-days algorithm gives valid dates")
}

const ETHNICITY: &[(&str, f64)] = &[
    ("WBRI", 62.0),
    ("WIRI", 1.5),
    ("WOTH", 6.0),
    ("MWBC", 1.5),
    ("MWBA", 0.8),
    ("MWAS", 0.7),
    ("MOTH", 1.0),
    ("AIND", 2.5),
    ("APKN", 2.0),
    ("ABAN", 0.8),
    ("AOTH", 1.0),
    ("BCRB", 3.0),
    ("BAFR", 8.0),
    ("BOTH", 1.2),
    ("CHNE", 0.3),
    ("OOTH", 1.0),
    ("REFU", 3.0),
    ("NOBT", 3.7),
];
const ROLE: &[(&str, f64)] = &[
    ("1", 2.0),
    ("2", 5.0),
    ("3", 12.0),
    ("4", 10.0),
    ("5", 60.0),
    ("6", 11.0),
];
const ORIGIN: &[(&str, f64)] = &[
    ("1", 25.0),
    ("2", 30.0),
    ("3", 3.0),
    ("4", 15.0),
    ("5", 6.0),
    ("6", 5.0),
    ("7", 3.0),
    ("8", 3.0),
    ("9", 8.0),
    ("10", 2.0),
];
const DESTINATION: &[(&str, f64)] = &[
    ("1", 25.0),
    ("2", 3.0),
    ("3", 15.0),
    ("4", 8.0),
    ("5", 5.0),
    ("6", 12.0),
    ("7", 7.0),
    ("8", 20.0),
    ("9", 5.0),
];
const REASON: &[(&str, f64)] = &[
    ("1", 70.0),
    ("2", 2.0),
    ("3", 1.0),
    ("4", 3.0),
    ("5", 8.0),
    ("6", 0.5),
    ("7", 5.0),
    ("8", 5.0),
    ("9", 5.0),
    ("10", 0.5),
];
const UNIVERSITIES: &[&str] = &[
    "University of Leeds",
    "University of Birmingham",
    "Open University",
    "University of Kent",
    "Goldsmiths, University of London",
    "Manchester Metropolitan University",
];

/// One invented worker for record `record` of a return for `year`.
fn worker(d: &mut Dice, record: u32, year: CollectionYear) -> CensusWorker {
    let agency = d.chance(0.15);
    let letters: String = (0..2)
        .map(|_| char::from(b'A' + d.below(26) as u8))
        .collect();
    let digits: String = (0..10)
        .map(|_| char::from(b'0' + d.below(10) as u8))
        .collect();
    let swe = SweNumber::parse(&format!("{letters}{digits}")).expect("two letters and ten digits");
    let mut w = CensusWorker::new(record, agency, swe);
    let reference = year.reference_date();
    let full_time = d.chance(0.82);
    let fte = if full_time {
        1.0
    } else {
        ((0.4 + 0.55 * d.unit()) * 1000.0).round() / 1000.0
    };
    w.fte = Some(fte);
    let age = 22 + d.below(45);
    let born_year = reference.year() - age as i32;
    w.birth_date = Some(d.date_between(
        Date::new(born_year - 1, 10, 1).expect("valid"),
        Date::new(born_year, 9, 30).expect("valid"),
    ));
    w.gender = Some(
        d.pick(&[("2", 84.0), ("1", 14.0), ("9", 1.0), ("0", 1.0)])
            .to_string(),
    );
    w.ethnicity = Some(d.pick(ETHNICITY).to_string());
    w.qual_inst
        .push(UNIVERSITIES[d.below(UNIVERSITIES.len() as u32) as usize].to_string());
    w.qual_level = Some(d.pick(&[("1", 55.0), ("2", 40.0), ("3", 5.0)]).to_string());
    w.step_up = Some(d.chance(0.04));
    let role = d.pick(ROLE).to_string();
    // Starters this year, long-servers otherwise.
    let starter = d.chance(0.17);
    let start = if starter {
        d.date_between(year.first_day(), reference)
    } else {
        // Long-servers started before the year: its first day would make a starter.
        d.date_between(
            Date::new(reference.year() - 20, 1, 1).expect("valid"),
            from_days(year.first_day().days_since_epoch() - 1),
        )
    };
    w.role_start = Some(start);
    if starter && !agency {
        w.start_origin = Some(d.pick(ORIGIN).to_string());
    }
    // Leavers leave by 29 September: a last day of 30 September is queried.
    let last_leaving_day = from_days(reference.days_since_epoch() - 1);
    let leaver = d.chance(if agency { 0.2 } else { 0.15 }) && start <= last_leaving_day;
    if leaver {
        let end = d.date_between(year.first_day().max(start), last_leaving_day);
        w.role_end = Some(end);
        if !agency {
            w.leaver_destination = Some(d.pick(DESTINATION).to_string());
            w.reason_leave = Some(d.pick(REASON).to_string());
        }
    } else {
        w.fte30 = Some(fte);
        if matches!(role.as_str(), "3" | "4" | "5") {
            let cases = i64::from(if role == "5" {
                8 + d.below(18)
            } else {
                d.below(10)
            });
            // No more than the rules find plausible for the worker's time.
            w.cases30 = Some(cases.min((fte * rules::MOST_CASES_PER_FTE) as i64));
        }
        if d.chance(0.05) {
            w.absent_30_sept.push(true);
            w.reason_absence.push(
                d.pick(&[("SIC", 50.0), ("MAT", 40.0), ("OTH", 10.0)])
                    .to_string(),
            );
        }
    }
    w.org_role = Some(role);
    if !agency {
        let days = if d.chance(0.4) {
            0.0
        } else {
            (d.unit().powi(3) * 60.0 * fte * 100.0).round() / 100.0
        };
        w.working_days_lost = Some(days);
        w.contract_weeks.push(52.0);
    }
    w.frontline_grad = Some(d.chance(0.06));
    if !agency && d.chance(0.3) {
        w.cfkss.push(
            d.pick(&[("1", 40.0), ("2", 30.0), ("3", 20.0), ("4", 10.0)])
                .to_string(),
        );
    }
    w
}

/// The header a generated return carries.
pub fn header(spec: &GenerateSpec) -> CensusHeader {
    let year = CollectionYear(spec.year);
    CensusHeader {
        collection: Some("CSWW".into()),
        year: Some(spec.year),
        reference_date: Some(year.reference_date()),
        lea: Some(spec.lea),
        software: Some("swforce generate".into()),
        generated: Some(format!("{}-10-15T09:00:00", spec.year)),
    }
}

/// Generated workers, in memory (for tests; [`generate`] streams).
pub fn workers(spec: &GenerateSpec) -> Vec<CensusWorker> {
    let mut d = Dice(Pcg64Mcg::seed_from_u64(spec.seed));
    (1..=spec.workers)
        .map(|r| worker(&mut d, r, CollectionYear(spec.year)))
        .collect()
}

/// Writes a valid synthetic return of `spec.workers` workers, one record at a time.
pub fn generate(out: &mut impl Write, spec: &GenerateSpec) -> io::Result<()> {
    let year = CollectionYear(spec.year);
    // The vacancy block comes before the workers, and half the agency workers in post cover a
    // vacancy: a first pass over the same dice counts them, keeping nothing.
    let mut d = Dice(Pcg64Mcg::seed_from_u64(spec.seed));
    let agency_in_post = (1..=spec.workers)
        .map(|r| worker(&mut d, r, year))
        .filter(|w| w.agency && w.in_post_at(year.reference_date()))
        .count();
    let cover = (agency_in_post / 2) as i64;
    let vacancies = LaVacancies {
        vacancies_fte: (f64::from(spec.workers) * 0.18 * 100.0).round() / 100.0,
        // Some cover part-time: never more FTE than people.
        agency_cover_fte: (cover as f64 * 0.95 * 100.0).round() / 100.0,
        agency_cover_headcount: cover,
    };
    let mut d = Dice(Pcg64Mcg::seed_from_u64(spec.seed));
    // The header and vacancies first, then each worker as it is invented.
    let mut head = Vec::new();
    write_census(&mut head, &header(spec), &vacancies, &[])?;
    let head = String::from_utf8_lossy(&head);
    let (opening, closing) = head.rsplit_once("</Message>").unwrap_or((&head, ""));
    out.write_all(opening.as_bytes())?;
    for r in 1..=spec.workers {
        write_worker(out, &worker(&mut d, r, year))?;
    }
    out.write_all(b"</Message>")?;
    out.write_all(closing.as_bytes())
}

/// One defect the mutator can make, with the finding it must cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Defect {
    MissingSweNumber,
    SwappedElements,
    BadSwePattern,
    UnknownEthnicityCode,
    TooManyFteDigits,
    FteAboveOne,
    ImpossibleDate,
    WordInInteger,
    UnknownElement,
    RepeatedElement,
    MissingQualification,
    UnexpectedAttribute,
    EmptyCode,
    SpaceInCode,
    MissingVacancies,
    TextBetweenElements,
    BadDecimalPlaces,
    EndBeforeStart,
    ReasonWithoutEnd,
    LeftOutsideYear,
    Fte30ForLeaver,
    CasesForManager,
    DuplicateSweNumber,
    ImplausibleBirthDate,
    FutureBirthDate,
    StartsAfterReference,
    Truncated,
    EntityDeclaration,
    MissingFte30,
    MissingGender,
    StarterWithoutOrigin,
    LeaverWithoutDestination,
    LeaverWithNoFte,
    NegativeCases,
    NegativeVacancies,
    AgencyCoverAboveHeadcount,
    CoverAboveAgencyWorkers,
    UnknownAuthority,
    WrongReferenceDate,
    EmptyQualInst,
    AbsentWithoutReason,
    LeftOn30September,
    OverlappingRecords,
    CaseloadTooHigh,
    NamespacedRoot,
    ContentAfterEnd,
}

impl Defect {
    pub const ALL: [Defect; 46] = [
        Self::MissingSweNumber,
        Self::SwappedElements,
        Self::BadSwePattern,
        Self::UnknownEthnicityCode,
        Self::TooManyFteDigits,
        Self::FteAboveOne,
        Self::ImpossibleDate,
        Self::WordInInteger,
        Self::UnknownElement,
        Self::RepeatedElement,
        Self::MissingQualification,
        Self::UnexpectedAttribute,
        Self::EmptyCode,
        Self::SpaceInCode,
        Self::MissingVacancies,
        Self::TextBetweenElements,
        Self::BadDecimalPlaces,
        Self::EndBeforeStart,
        Self::ReasonWithoutEnd,
        Self::LeftOutsideYear,
        Self::Fte30ForLeaver,
        Self::CasesForManager,
        Self::DuplicateSweNumber,
        Self::ImplausibleBirthDate,
        Self::FutureBirthDate,
        Self::StartsAfterReference,
        Self::Truncated,
        Self::EntityDeclaration,
        Self::MissingFte30,
        Self::MissingGender,
        Self::StarterWithoutOrigin,
        Self::LeaverWithoutDestination,
        Self::LeaverWithNoFte,
        Self::NegativeCases,
        Self::NegativeVacancies,
        Self::AgencyCoverAboveHeadcount,
        Self::CoverAboveAgencyWorkers,
        Self::UnknownAuthority,
        Self::WrongReferenceDate,
        Self::EmptyQualInst,
        Self::AbsentWithoutReason,
        Self::LeftOn30September,
        Self::OverlappingRecords,
        Self::CaseloadTooHigh,
        Self::NamespacedRoot,
        Self::ContentAfterEnd,
    ];

    /// The defect's name on the command line: its words in lower case joined by `-`.
    pub fn name(self) -> String {
        let debug = format!("{self:?}");
        let mut out = String::new();
        for (i, c) in debug.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    }

    /// The defect with this name.
    pub fn named(name: &str) -> Option<Defect> {
        Self::ALL.into_iter().find(|d| d.name() == name)
    }

    /// Whether finding it needs the geography (which authority an LEA is), so only a check
    /// with the statistics loaded finds it.
    pub fn needs_geography(self) -> bool {
        self == Self::UnknownAuthority
    }

    /// The record its finding points at, if it is about a worker: the first, or the second where
    /// the defect repeats a person.
    pub fn record(self) -> Option<u32> {
        match self {
            Self::DuplicateSweNumber | Self::OverlappingRecords => Some(2),
            Self::NegativeVacancies
            | Self::AgencyCoverAboveHeadcount
            | Self::CoverAboveAgencyWorkers
            | Self::UnknownAuthority
            | Self::WrongReferenceDate
            | Self::NamespacedRoot
            | Self::ContentAfterEnd => None,
            _ => Some(1),
        }
    }

    /// The rule the defect breaks and the element a checker must name.
    pub fn expected(self) -> (&'static str, &'static str) {
        match self {
            Self::MissingSweNumber => ("XSD-STRUCTURE", "FTE"),
            Self::SwappedElements => ("XSD-STRUCTURE", "SWENo"),
            Self::BadSwePattern => ("XSD-VALUE", "SWENo"),
            Self::UnknownEthnicityCode => ("XSD-VALUE", "Ethnicity"),
            Self::TooManyFteDigits => ("XSD-VALUE", "FTE"),
            Self::FteAboveOne => ("XSD-VALUE", "FTE30"),
            Self::ImpossibleDate => ("XSD-VALUE", "PersonBirthDate"),
            Self::WordInInteger => ("XSD-VALUE", "Cases30"),
            Self::UnknownElement => ("XSD-STRUCTURE", "Nickname"),
            Self::RepeatedElement => ("XSD-STRUCTURE", "FTE"),
            Self::MissingQualification => ("XSD-STRUCTURE", "QualLevel"),
            Self::UnexpectedAttribute => ("XSD-ATTRIBUTE", "CSWWWorker"),
            Self::EmptyCode => ("XSD-VALUE", "GenderCurrent"),
            Self::SpaceInCode => ("XSD-VALUE", "OrgRole"),
            Self::MissingVacancies => ("XSD-STRUCTURE", "CSWWWorker"),
            Self::TextBetweenElements => ("XSD-CONTENT", "CSWWWorker"),
            Self::BadDecimalPlaces => ("XSD-VALUE", "WorkingDaysLost"),
            Self::EndBeforeStart => ("CSWW-B01", "RoleEndDate"),
            Self::ReasonWithoutEnd => ("CSWW-B03", "ReasonLeave"),
            Self::LeftOutsideYear => ("CSWW-B02", "RoleEndDate"),
            Self::Fte30ForLeaver => ("CSWW-B04", "FTE30"),
            Self::CasesForManager => ("CSWW-B05", "Cases30"),
            Self::DuplicateSweNumber => ("CSWW-B06", "SWENo"),
            Self::ImplausibleBirthDate => ("CSWW-B07", "PersonBirthDate"),
            Self::FutureBirthDate => ("CSWW-B26", "PersonBirthDate"),
            Self::StartsAfterReference => ("CSWW-B08", "RoleStartDate"),
            Self::Truncated => ("XML-SYNTAX", ""),
            Self::EntityDeclaration => ("XML-DTD", ""),
            Self::MissingFte30 => ("CSWW-B09", "FTE30"),
            Self::MissingGender => ("CSWW-B14", "GenderCurrent"),
            Self::StarterWithoutOrigin => ("CSWW-B15", "StartOrigin"),
            Self::LeaverWithoutDestination => ("CSWW-B10", "LeaverDestination"),
            Self::LeaverWithNoFte => ("CSWW-B16", "FTE"),
            Self::NegativeCases => ("CSWW-B17", "Cases30"),
            Self::NegativeVacancies => ("CSWW-B17", "NumberOfVacancies"),
            Self::AgencyCoverAboveHeadcount => ("CSWW-B18", "NoAgencyFTE"),
            Self::CoverAboveAgencyWorkers => ("CSWW-B19", "NoAgencyHeadcount"),
            Self::UnknownAuthority => ("CSWW-B20", "LEA"),
            Self::WrongReferenceDate => ("CSWW-B21", "ReferenceDate"),
            Self::EmptyQualInst => ("CSWW-B22", "QualInst"),
            Self::AbsentWithoutReason => ("CSWW-B23", "Absat30Sept"),
            Self::LeftOn30September => ("CSWW-B24", "RoleEndDate"),
            Self::OverlappingRecords => ("CSWW-B12", "SWENo"),
            Self::CaseloadTooHigh => ("CSWW-B13", "Cases30"),
            Self::NamespacedRoot => ("XSD-STRUCTURE", "Message"),
            Self::ContentAfterEnd => ("XML-SYNTAX", ""),
        }
    }
}

/// A valid worker with every field, in post on the reference date, for the mutator to spoil.
fn full_worker(year: CollectionYear) -> String {
    let y = year.0;
    format!(
        "  <CSWWWorker>\n    <AgencyWorker>0</AgencyWorker>\n    <SWENo>QQ0000000001</SWENo>\n    <FTE>0.800000</FTE>\n    <PersonBirthDate>1985-06-15</PersonBirthDate>\n    <GenderCurrent>2</GenderCurrent>\n    <Ethnicity>WBRI</Ethnicity>\n    <QualInst>University of Leeds</QualInst>\n    <QualLevel>2</QualLevel>\n    <StepUpGrad>0</StepUpGrad>\n    <OrgRole>5</OrgRole>\n    <RoleStartDate>{}-03-01</RoleStartDate>\n    <StartOrigin>2</StartOrigin>\n    <FTE30>0.800000</FTE30>\n    <Cases30>14</Cases30>\n    <WorkingDaysLost>3.50</WorkingDaysLost>\n    <ContractWeeks>52.0</ContractWeeks>\n    <FrontlineGrad>0</FrontlineGrad>\n  </CSWWWorker>\n",
        y
    )
}

/// Makes `valid` (a return from [`generate`]) invalid in one way: the first worker is replaced
/// by a complete record spoiled by `defect`.
pub fn mutate(valid: &str, defect: Defect, year: i32) -> String {
    let year = CollectionYear(year);
    let Some(start) = valid.find("  <CSWWWorker>") else {
        return valid.to_string();
    };
    let end = valid[start..]
        .find("</CSWWWorker>\n")
        .map_or(valid.len(), |e| start + e + "</CSWWWorker>\n".len());
    let w = full_worker(year);
    let y = year.0;
    let spoiled = match defect {
        Defect::MissingSweNumber => w.replace("    <SWENo>QQ0000000001</SWENo>\n", ""),
        Defect::SwappedElements => w.replace("    <AgencyWorker>0</AgencyWorker>\n    <SWENo>QQ0000000001</SWENo>\n", "    <SWENo>QQ0000000001</SWENo>\n    <AgencyWorker>0</AgencyWorker>\n"),
        Defect::BadSwePattern => w.replace("QQ0000000001", "QQ00000000O1"),
        Defect::UnknownEthnicityCode => w.replace("<Ethnicity>WBRI</Ethnicity>", "<Ethnicity>WBR</Ethnicity>"),
        Defect::TooManyFteDigits => w.replace("<FTE>0.800000</FTE>", "<FTE>0.8000001</FTE>"),
        Defect::FteAboveOne => w.replace("<FTE30>0.800000</FTE30>", "<FTE30>1.200000</FTE30>"),
        Defect::ImpossibleDate => w.replace("1985-06-15", "1985-02-30"),
        Defect::WordInInteger => w.replace("<Cases30>14</Cases30>", "<Cases30>fourteen</Cases30>"),
        Defect::UnknownElement => w.replace("    <FTE>", "    <Nickname>Sam</Nickname>\n    <FTE>"),
        Defect::RepeatedElement => w.replace("<FTE>0.800000</FTE>\n", "<FTE>0.800000</FTE>\n    <FTE>0.800000</FTE>\n"),
        Defect::MissingQualification => w.replace("    <QualInst>University of Leeds</QualInst>\n", ""),
        Defect::UnexpectedAttribute => w.replace("<CSWWWorker>", "<CSWWWorker id=\"7\">"),
        Defect::EmptyCode => w.replace("<GenderCurrent>2</GenderCurrent>", "<GenderCurrent></GenderCurrent>"),
        Defect::SpaceInCode => w.replace("<OrgRole>5</OrgRole>", "<OrgRole> 5</OrgRole>"),
        Defect::TextBetweenElements => w.replace("    <FTE>", "    see notes\n    <FTE>"),
        Defect::BadDecimalPlaces => w.replace("<WorkingDaysLost>3.50</WorkingDaysLost>", "<WorkingDaysLost>3.505</WorkingDaysLost>"),
        Defect::EndBeforeStart => w.replace("    <FTE30>0.800000</FTE30>\n", "").replace("    <StartOrigin>2</StartOrigin>\n", &format!("    <StartOrigin>2</StartOrigin>\n    <RoleEndDate>{y}-02-01</RoleEndDate>\n    <LeaverDestination>1</LeaverDestination>\n    <ReasonLeave>1</ReasonLeave>\n")).replace("    <Cases30>14</Cases30>\n", ""),
        Defect::ReasonWithoutEnd => w.replace("    <FTE30>", "    <ReasonLeave>1</ReasonLeave>\n    <FTE30>"),
        Defect::LeftOutsideYear => w.replace("    <FTE30>0.800000</FTE30>\n", "").replace("    <StartOrigin>2</StartOrigin>\n", &format!("    <StartOrigin>2</StartOrigin>\n    <RoleEndDate>{y}-10-15</RoleEndDate>\n    <LeaverDestination>1</LeaverDestination>\n    <ReasonLeave>1</ReasonLeave>\n")).replace("    <Cases30>14</Cases30>\n", ""),
        Defect::Fte30ForLeaver => w.replace("    <StartOrigin>2</StartOrigin>\n", &format!("    <StartOrigin>2</StartOrigin>\n    <RoleEndDate>{y}-06-01</RoleEndDate>\n    <LeaverDestination>1</LeaverDestination>\n    <ReasonLeave>1</ReasonLeave>\n")).replace("    <Cases30>14</Cases30>\n", ""),
        Defect::CasesForManager => w.replace("<OrgRole>5</OrgRole>", "<OrgRole>1</OrgRole>"),
        Defect::DuplicateSweNumber => format!("{w}{w}"),
        Defect::ImplausibleBirthDate => w.replace("1985-06-15", &format!("{}-06-15", y - 12)),
        Defect::FutureBirthDate => w.replace("1985-06-15", &format!("{}-12-01", y)),
        Defect::StartsAfterReference => w.replace(&format!("<RoleStartDate>{y}-03-01"), &format!("<RoleStartDate>{y}-11-01")).replace("    <FTE30>0.800000</FTE30>\n", "").replace("    <Cases30>14</Cases30>\n", ""),
        Defect::MissingFte30 => w.replace("    <FTE30>0.800000</FTE30>\n", ""),
        Defect::MissingGender => w.replace("    <GenderCurrent>2</GenderCurrent>\n", ""),
        Defect::StarterWithoutOrigin => w.replace("    <StartOrigin>2</StartOrigin>\n", ""),
        Defect::LeaverWithoutDestination => w.replace("    <FTE30>0.800000</FTE30>\n", "").replace("    <StartOrigin>2</StartOrigin>\n", &format!("    <StartOrigin>2</StartOrigin>\n    <RoleEndDate>{y}-06-01</RoleEndDate>\n    <ReasonLeave>1</ReasonLeave>\n")).replace("    <Cases30>14</Cases30>\n", ""),
        Defect::LeaverWithNoFte => w.replace("<FTE>0.800000</FTE>", "<FTE>0.000000</FTE>").replace("    <FTE30>0.800000</FTE30>\n", "").replace("    <StartOrigin>2</StartOrigin>\n", &format!("    <StartOrigin>2</StartOrigin>\n    <RoleEndDate>{y}-06-01</RoleEndDate>\n    <LeaverDestination>1</LeaverDestination>\n    <ReasonLeave>1</ReasonLeave>\n")).replace("    <Cases30>14</Cases30>\n", ""),
        Defect::LeftOn30September => w.replace("    <FTE30>0.800000</FTE30>\n", "").replace("    <StartOrigin>2</StartOrigin>\n", &format!("    <StartOrigin>2</StartOrigin>\n    <RoleEndDate>{y}-09-30</RoleEndDate>\n    <LeaverDestination>1</LeaverDestination>\n    <ReasonLeave>1</ReasonLeave>\n")).replace("    <Cases30>14</Cases30>\n", ""),
        Defect::NegativeCases => w.replace("<Cases30>14</Cases30>", "<Cases30>-3</Cases30>"),
        Defect::EmptyQualInst => w.replace("<QualInst>University of Leeds</QualInst>", "<QualInst></QualInst>"),
        Defect::AbsentWithoutReason => w.replace("    <FrontlineGrad>0</FrontlineGrad>\n", "    <FrontlineGrad>0</FrontlineGrad>\n    <Absat30Sept>1</Absat30Sept>\n"),
        Defect::OverlappingRecords => format!("{w}{}", w.replace(&format!("<RoleStartDate>{y}-03-01"), &format!("<RoleStartDate>{y}-04-01"))),
        Defect::CaseloadTooHigh => w.replace("<Cases30>14</Cases30>", "<Cases30>150</Cases30>"),
        Defect::MissingVacancies
        | Defect::Truncated
        | Defect::EntityDeclaration
        | Defect::NegativeVacancies
        | Defect::AgencyCoverAboveHeadcount
        | Defect::CoverAboveAgencyWorkers
        | Defect::UnknownAuthority
        | Defect::WrongReferenceDate
        | Defect::NamespacedRoot
        | Defect::ContentAfterEnd => w,
    };
    let mut out = format!("{}{}{}", &valid[..start], spoiled, &valid[end..]);
    match defect {
        Defect::MissingVacancies => {
            if let (Some(a), Some(b)) = (
                out.find("  <LALevelVacancies>"),
                out.find("</LALevelVacancies>\n"),
            ) {
                out.replace_range(a..b + "</LALevelVacancies>\n".len(), "");
            }
        }
        Defect::Truncated => out.truncate(out.len() * 2 / 3),
        Defect::NegativeVacancies => set_element(&mut out, "NumberOfVacancies", "-4.00"),
        Defect::AgencyCoverAboveHeadcount => {
            set_element(&mut out, "NoAgencyFTE", "12.00");
            set_element(&mut out, "NoAgencyHeadcount", "2");
        }
        Defect::CoverAboveAgencyWorkers => {
            set_element(&mut out, "NoAgencyFTE", "0.00");
            set_element(&mut out, "NoAgencyHeadcount", "1000");
        }
        Defect::UnknownAuthority => set_element(&mut out, "LEA", "999"),
        Defect::NamespacedRoot => out = out.replacen("<Message>", "<Message xmlns=\"urn:x\">", 1),
        Defect::ContentAfterEnd => out.push_str("a second return\n"),
        Defect::WrongReferenceDate => {
            set_element(&mut out, "ReferenceDate", &format!("{y}-08-31"));
        }
        Defect::EntityDeclaration => {
            let bomb = "<!DOCTYPE Message [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>\n";
            if let Some(i) = out.find("<Message>") {
                out.insert_str(i, bomb);
                out = out.replacen(
                    "<QualInst>University of Leeds</QualInst>",
                    "<QualInst>&c;</QualInst>",
                    1,
                );
            }
        }
        _ => {}
    }
    out
}

/// Puts `value` in the first `<name>` of `text`.
fn set_element(text: &mut String, name: &str, value: &str) {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    if let Some(a) = text.find(&open) {
        let from = a + open.len();
        if let Some(b) = text[from..].find(&close) {
            text.replace_range(from..from + b, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_defect_has_a_name_that_finds_it() {
        for d in Defect::ALL {
            assert_eq!(Defect::named(&d.name()), Some(d));
        }
        assert_eq!(Defect::MissingFte30.name(), "missing-fte30");
    }

    #[test]
    fn days_convert_both_ways() {
        for text in ["1970-01-01", "2000-02-29", "2022-09-30", "1900-03-01"] {
            let d = Date::parse(text).unwrap();
            assert_eq!(from_days(d.days_since_epoch()), d);
        }
    }
}
