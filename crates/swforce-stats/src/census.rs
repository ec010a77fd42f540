//! Indicators from individual census records, defined as the published statistics define them,
//! with their breakdowns and the statistical disclosure control applied to anything shown
//! outside the authority.
//!
//! Records are added one at a time, so a return of any size is aggregated in constant memory.

use crate::derive_missing;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use swforce_domain::census::{self, CensusWorker, CodeList, CollectionYear, LaVacancies};
use swforce_domain::{Cell, Dataset, EesSymbol, GeographyCode, Measure, Row, Unit, Year};

/// One cell of a breakdown: people and their full-time equivalent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakdownCell {
    pub label: String,
    pub headcount: Cell<f64>,
    pub fte: Cell<f64>,
}

/// A breakdown of one population by one characteristic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    pub name: &'static str,
    /// Who is counted, in words.
    pub population: &'static str,
    pub cells: Vec<BreakdownCell>,
}

/// A return's indicators: the canonical workforce measures and the breakdowns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CensusIndicators {
    #[serde(skip)]
    pub row: Row,
    pub breakdowns: Vec<Breakdown>,
    /// Whether small cells have been suppressed for showing outside the authority.
    pub disclosed: bool,
    /// Measures not shown because they would be impossible (a negative count, a share above
    /// the whole), with the reason, in the order of the measures.
    pub withheld: Vec<Withheld>,
    /// Social workers holding cases: the people the caseload rests on.
    #[serde(skip)]
    pub case_holders_headcount: f64,
    /// Agency workers covering vacancies, from the vacancy block: the people the cover rests on.
    #[serde(skip)]
    pub agency_cover_headcount: f64,
}

/// A measure withheld from a return's indicators, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Withheld {
    pub measure: &'static str,
    pub reason: String,
}

/// Takes out of `row` every figure that cannot be: a negative count, and a rate that is
/// negative, above 100% where its part belongs to its whole, or resting on a figure taken out.
/// Returns what was taken out and why.
fn withhold_impossible(row: &mut Row) -> Vec<Withheld> {
    let mut out: Vec<Withheld> = Vec::new();
    let measures: Vec<&'static Measure> = Measure::of(row.dataset).collect();
    for m in measures.iter().filter(|m| m.formula.is_none()) {
        if let Some(v) = row.value(m.name).filter(|v| *v < 0.0) {
            row.cells.remove(m.name);
            out.push(Withheld {
                measure: m.name,
                reason: format!(
                    "{} is negative ({v}) in the return, which its checks refuse",
                    m.label
                ),
            });
        }
    }
    for m in measures.iter().filter(|m| m.formula.is_some()) {
        row.cells.remove(m.name);
    }
    derive_missing(row);
    for m in measures.iter() {
        let Some(formula) = m.formula else { continue };
        // A rate per 10,000 children needs the population, which a return does not hold.
        let needs_absent = formula.inputs().into_iter().any(|i| {
            Measure::named(i).is_some_and(|x| x.joined.is_some()) && row.cell(i).is_none()
        });
        if needs_absent {
            continue;
        }
        let rests_on = formula
            .inputs()
            .into_iter()
            .find(|i| out.iter().any(|w| w.measure == *i));
        let v = row.value(m.name);
        let reason = if let Some(input) = rests_on {
            let label = Measure::named(input).map_or(input, |i| i.label);
            Some(format!("it rests on {label}, which is withheld"))
        } else {
            let share = m.unit == Unit::Percent && !m.may_exceed_whole;
            v.filter(|v| *v < 0.0 || (share && *v > 1.0 + 1e-12))
                .map(|v| {
                    format!(
                        "it would be {:.1}%, which is impossible: the figures it rests on contradict each other",
                        v * 100.0
                    )
                })
        };
        if let Some(reason) = reason {
            row.cells.remove(m.name);
            out.push(Withheld {
                measure: m.name,
                reason,
            });
        }
    }
    out
}

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    headcount: f64,
    fte: f64,
}

impl Tally {
    /// Adds a record's FTE, and the person to the headcount when they are not in it already.
    fn add(&mut self, fte: f64, new_person: bool) {
        if new_person {
            self.headcount += 1.0;
        }
        self.fte += fte;
    }
}

/// The headline counts a person has entered, as bits: one person with two records (two posts,
/// a return after leaving) counts once in each, as the published statistics count them.
const IN_POST: u8 = 1;
const STARTER: u8 = 2;
const LEAVER: u8 = 4;
const AGENCY: u8 = 8;
const CASE_HOLDER: u8 = 16;

/// Adds census records up.
#[derive(Debug)]
pub struct Aggregator {
    year: CollectionYear,
    inpost: Tally,
    starters: Tally,
    leavers: Tally,
    agency: Tally,
    case_holders: Tally,
    cases: f64,
    days_lost: f64,
    groups: [BTreeMap<&'static str, Tally>; 6],
    /// Each person's counts so far, by a fingerprint of their SWE number.
    people: HashMap<u64, u8>,
}

const ROLE: usize = 0;
const AGE: usize = 1;
const ETHNICITY: usize = 2;
const ORIGIN: usize = 3;
const DESTINATION: usize = 4;
const REASON: usize = 5;

/// The published ethnic groups, from the census codes.
fn ethnic_group(code: &str) -> &'static str {
    match code {
        "WBRI" | "WIRI" | "WOTH" => "White",
        "MWBC" | "MWBA" | "MWAS" | "MOTH" => "Mixed or multiple ethnic groups",
        "AIND" | "APKN" | "ABAN" | "AOTH" | "CHNE" => "Asian or Asian British",
        "BCRB" | "BAFR" | "BOTH" => "Black, Black British, Caribbean or African",
        "OOTH" => "Other ethnic group",
        _ => "Not known or not stated",
    }
}

fn age_band(age: i32) -> &'static str {
    match age {
        ..=29 => "Under 30",
        30..=39 => "30 to 39",
        40..=49 => "40 to 49",
        50..=59 => "50 to 59",
        _ => "60 and over",
    }
}

fn label(list: CodeList, code: Option<&str>) -> &'static str {
    code.and_then(|c| census::meaning(list, c))
        .unwrap_or("Not recorded")
}

impl Aggregator {
    pub fn new(year: CollectionYear) -> Self {
        Self {
            year,
            inpost: Tally::default(),
            starters: Tally::default(),
            leavers: Tally::default(),
            agency: Tally::default(),
            case_holders: Tally::default(),
            cases: 0.0,
            days_lost: 0.0,
            groups: Default::default(),
            people: HashMap::new(),
        }
    }

    /// Whether the person is new to the count `bit`, marking them in it.
    fn first(&mut self, person: u64, bit: u8) -> bool {
        let seen = self.people.entry(person).or_insert(0);
        let new = *seen & bit == 0;
        *seen |= bit;
        new
    }

    /// Counts one record. The published statistics count social workers (not agency workers)
    /// in post on 30 September, starters and leavers in the year, and agency workers in post on
    /// 30 September separately; each person once in each, whatever records they have, with the
    /// FTE of every record.
    pub fn add(&mut self, w: &CensusWorker) {
        let reference = self.year.reference_date();
        let in_post = w.in_post_at(reference);
        let fte_at_30 = w.fte30.or(w.fte).unwrap_or(0.0);
        let person = w.swe.fingerprint();
        if w.agency {
            if in_post {
                let new = self.first(person, AGENCY);
                self.agency.add(fte_at_30, new);
            }
            return;
        }
        let fte = w.fte.or(w.fte30).unwrap_or(0.0);
        if w.role_start.is_some_and(|d| self.year.contains(d)) {
            let new = self.first(person, STARTER);
            self.starters.add(fte, new);
            self.groups[ORIGIN]
                .entry(label(census::START_ORIGIN, w.start_origin.as_deref()))
                .or_default()
                .add(fte, new);
        }
        if w.role_end.is_some_and(|d| self.year.contains(d)) {
            let new = self.first(person, LEAVER);
            self.leavers.add(fte, new);
            self.groups[DESTINATION]
                .entry(label(
                    census::LEAVER_DESTINATION,
                    w.leaver_destination.as_deref(),
                ))
                .or_default()
                .add(fte, new);
            self.groups[REASON]
                .entry(label(census::REASON_LEAVE, w.reason_leave.as_deref()))
                .or_default()
                .add(fte, new);
        }
        if in_post {
            let new = self.first(person, IN_POST);
            self.inpost.add(fte_at_30, new);
            self.days_lost += w.working_days_lost.unwrap_or(0.0);
            if let Some(c) = w.cases30.filter(|c| *c > 0) {
                let holder = self.first(person, CASE_HOLDER);
                self.case_holders.add(fte_at_30, holder);
                self.cases += c as f64;
            }
            // A person in two posts is in each post's role; their age and ethnic group once.
            self.groups[ROLE]
                .entry(label(census::ORG_ROLE, w.org_role.as_deref()))
                .or_default()
                .add(fte_at_30, true);
            let age = w
                .birth_date
                .map_or("Not known", |b| age_band(b.years_until(reference)));
            self.groups[AGE].entry(age).or_default().add(fte_at_30, new);
            self.groups[ETHNICITY]
                .entry(ethnic_group(w.ethnicity.as_deref().unwrap_or("")))
                .or_default()
                .add(fte_at_30, new);
        }
    }

    /// The indicators for `geography`, with the authority's vacancy block.
    pub fn finish(
        self,
        geography: GeographyCode,
        vacancies: Option<LaVacancies>,
    ) -> CensusIndicators {
        let year = Year::try_from(u16::try_from(self.year.0).unwrap_or(0))
            .unwrap_or_else(|_| Year::try_from(Year::MIN).expect("the minimum year is valid"));
        let mut row = Row::new(Dataset::CswwHeadline, geography, year, "");
        let mut set = |name: &str, v: f64| {
            if let Some(m) = Measure::named(name) {
                row.set(m, Cell::Value(v));
            }
        };
        set("inpost_fte", self.inpost.fte);
        set("inpost_headcount", self.inpost.headcount);
        set("starters_fte", self.starters.fte);
        set("starters_headcount", self.starters.headcount);
        set("leavers_fte", self.leavers.fte);
        set("leavers_headcount", self.leavers.headcount);
        set("agency_fte", self.agency.fte);
        set("agency_headcount", self.agency.headcount);
        set("case_holders_fte", self.case_holders.fte);
        set("cases", self.cases);
        set("working_days_lost_fte", self.days_lost);
        if let Some(v) = vacancies {
            set("vacancy_fte", v.vacancies_fte);
            set("agency_cover_fte", v.agency_cover_fte);
        }
        let withheld = withhold_impossible(&mut row);
        let order: [(&'static str, &'static str, Option<CodeList>); 6] = [
            (
                "Organisational role",
                "social workers in post on 30 September",
                Some(census::ORG_ROLE),
            ),
            ("Age", "social workers in post on 30 September", None),
            (
                "Ethnic group",
                "social workers in post on 30 September",
                None,
            ),
            (
                "Where starters came from",
                "social workers who started in the year",
                Some(census::START_ORIGIN),
            ),
            (
                "Where leavers went",
                "social workers who left in the year",
                Some(census::LEAVER_DESTINATION),
            ),
            (
                "Reason for leaving",
                "social workers who left in the year",
                Some(census::REASON_LEAVE),
            ),
        ];
        let breakdowns = order
            .iter()
            .zip(self.groups)
            .map(|((name, population, list), tallies)| {
                // Code lists keep their published order; other groups their natural one.
                let mut keys: Vec<&'static str> = tallies.keys().copied().collect();
                if let Some(list) = list {
                    keys.sort_by_key(|k| {
                        list.iter().position(|(_, m)| m == k).unwrap_or(usize::MAX)
                    });
                } else if *name == "Ethnic group" {
                    let groups = [
                        "White",
                        "Mixed or multiple ethnic groups",
                        "Asian or Asian British",
                        "Black, Black British, Caribbean or African",
                        "Other ethnic group",
                        "Not known or not stated",
                    ];
                    keys.sort_by_key(|k| groups.iter().position(|g| g == k).unwrap_or(usize::MAX));
                } else if *name == "Age" {
                    let bands = [
                        "Under 30",
                        "30 to 39",
                        "40 to 49",
                        "50 to 59",
                        "60 and over",
                        "Not known",
                    ];
                    keys.sort_by_key(|k| bands.iter().position(|b| b == k).unwrap_or(usize::MAX));
                }
                Breakdown {
                    name,
                    population,
                    cells: keys
                        .into_iter()
                        .map(|k| {
                            let t = tallies[&k];
                            BreakdownCell {
                                label: k.to_string(),
                                headcount: Cell::Value(t.headcount),
                                fte: Cell::Value(t.fte),
                            }
                        })
                        .collect(),
                }
            })
            .collect();
        CensusIndicators {
            row,
            breakdowns,
            disclosed: false,
            withheld,
            case_holders_headcount: self.case_holders.headcount,
            agency_cover_headcount: vacancies.map_or(0.0, |v| v.agency_cover_headcount as f64),
        }
    }
}

/// Fewest people a cell shown outside the authority may count, unless it is zero.
pub const SMALLEST_CELL: f64 = 5.0;

fn small(c: &Cell<f64>) -> bool {
    c.value().is_some_and(|v| v > 0.0 && v < SMALLEST_CELL)
}

impl CensusIndicators {
    /// The indicators as they may be shown outside the authority: any cell counting one to four
    /// people is suppressed (`c`) with its FTE, and where a breakdown would then have a single
    /// suppressed cell, the next smallest is suppressed too, so it cannot be worked out from the
    /// total. A headline figure resting on fewer than five people is suppressed with the rates
    /// that use it.
    pub fn disclosed(&self) -> CensusIndicators {
        let c = Cell::Symbol(EesSymbol::C);
        let mut row = self.row.clone();
        let pairs = [
            ("inpost_headcount", "inpost_fte"),
            ("starters_headcount", "starters_fte"),
            ("leavers_headcount", "leavers_fte"),
            ("agency_headcount", "agency_fte"),
        ];
        let few_in_post = row.cell("inpost_headcount").is_some_and(|x| small(&x));
        for (h, f) in pairs {
            if row.cell(h).is_some_and(|x| small(&x)) {
                for name in [h, f] {
                    if let Some(m) = Measure::named(name) {
                        row.set(m, c);
                    }
                }
            }
        }
        // Cases and days lost rest on the people in post, and cases on those holding them: too
        // few of either, and the figures would be one person's caseload or sickness.
        let few_holders = small(&Cell::Value(self.case_holders_headcount));
        let few_covering = small(&Cell::Value(self.agency_cover_headcount));
        let resting: &[(&str, bool)] = &[
            ("case_holders_fte", few_in_post || few_holders),
            ("cases", few_in_post || few_holders),
            ("working_days_lost_fte", few_in_post),
            ("agency_cover_fte", few_covering),
        ];
        for (name, hide) in resting {
            if let (true, Some(m)) = (*hide, Measure::named(name)) {
                if row.cells.contains_key(m.name) {
                    row.set(m, c);
                }
            }
        }
        // Rates are recomputed from what is left, so a suppressed count suppresses them too;
        // what was withheld stays out.
        for m in Measure::of(Dataset::CswwHeadline).filter(|m| m.formula.is_some()) {
            row.cells.remove(m.name);
        }
        derive_missing(&mut row);
        for w in &self.withheld {
            row.cells.remove(w.measure);
        }
        let breakdowns = self
            .breakdowns
            .iter()
            .map(|b| {
                let mut cells = b.cells.clone();
                let mut hidden: Vec<usize> = cells
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| small(&x.headcount))
                    .map(|(i, _)| i)
                    .collect();
                if hidden.len() == 1 {
                    let next = cells
                        .iter()
                        .enumerate()
                        .filter(|(i, x)| {
                            !hidden.contains(i) && x.headcount.value().is_some_and(|v| v > 0.0)
                        })
                        .min_by(|a, b| {
                            a.1.headcount
                                .value()
                                .unwrap_or(0.0)
                                .total_cmp(&b.1.headcount.value().unwrap_or(0.0))
                        })
                        .map(|(i, _)| i);
                    hidden.extend(next);
                }
                for i in hidden {
                    cells[i].headcount = c;
                    cells[i].fte = c;
                }
                Breakdown { cells, ..b.clone() }
            })
            .collect();
        CensusIndicators {
            row,
            breakdowns,
            disclosed: true,
            withheld: self.withheld.clone(),
            case_holders_headcount: self.case_holders_headcount,
            agency_cover_headcount: self.agency_cover_headcount,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use swforce_domain::Date;
    use swforce_domain::census::SweNumber;

    fn worker(record: u32, agency: bool) -> CensusWorker {
        let mut w = CensusWorker::new(
            record,
            agency,
            SweNumber::parse(&format!("AB{record:010}")).unwrap(),
        );
        w.fte = Some(1.0);
        w.fte30 = Some(1.0);
        w.role_start = Some(Date::parse("2015-01-01").unwrap());
        w.org_role = Some("5".into());
        w.cases30 = Some(16);
        w.working_days_lost = Some(5.0);
        w.ethnicity = Some("WBRI".into());
        w.birth_date = Some(Date::parse("1985-01-01").unwrap());
        w
    }

    fn year() -> CollectionYear {
        CollectionYear(2022)
    }

    #[test]
    fn indicators_follow_the_published_definitions() {
        let mut a = Aggregator::new(year());
        for r in 1..=18 {
            a.add(&worker(r, false));
        }
        let mut leaver = worker(19, false);
        leaver.role_end = Some(Date::parse("2022-03-31").unwrap());
        leaver.fte30 = None;
        leaver.reason_leave = Some("1".into());
        a.add(&leaver);
        let mut starter = worker(20, false);
        starter.role_start = Some(Date::parse("2022-01-10").unwrap());
        starter.fte = Some(0.5);
        starter.fte30 = Some(0.5);
        starter.cases30 = None;
        a.add(&starter);
        a.add(&worker(21, true));
        let out = a.finish(
            GeographyCode::parse("E06000058").unwrap(),
            Some(LaVacancies {
                vacancies_fte: 4.0,
                agency_cover_fte: 1.0,
                agency_cover_headcount: 1,
            }),
        );
        let v = |n: &str| out.row.value(n).unwrap();
        assert_eq!(
            v("inpost_headcount"),
            19.0,
            "18 long-servers and the starter; not the leaver or the agency worker"
        );
        assert_eq!(v("inpost_fte"), 18.5);
        assert_eq!(
            (v("leavers_headcount"), v("starters_headcount")),
            (1.0, 1.0)
        );
        assert_eq!(v("agency_fte"), 1.0);
        assert!((v("turnover_rate_fte") - 1.0 / 18.5).abs() < 1e-12);
        assert!((v("caseload_fte") - 16.0).abs() < 1e-12);
        assert!((v("vacancy_rate_fte") - 4.0 / 22.5).abs() < 1e-12);
        assert!((v("absence_rate_fte") - 95.0 / (18.5 * 253.0)).abs() < 1e-12);
        let roles = &out.breakdowns[0];
        assert_eq!(roles.cells[0].label, "Case holder");
    }

    #[test]
    fn an_impossible_figure_is_withheld_with_its_reason_and_so_are_rates_resting_on_it() {
        let mut a = Aggregator::new(year());
        for r in 1..=20 {
            a.add(&worker(r, false));
        }
        a.add(&worker(21, true));
        let out = a.finish(
            GeographyCode::parse("E06000058").unwrap(),
            Some(LaVacancies {
                vacancies_fte: -4.0,
                agency_cover_fte: 3.0,
                agency_cover_headcount: 3,
            }),
        );
        let withheld: Vec<&str> = out.withheld.iter().map(|w| w.measure).collect();
        assert_eq!(
            withheld,
            vec![
                "vacancy_fte",
                "agency_cover_rate_fte",
                "vacancy_rate_fte",
                "vacancy_agency_cover_rate_fte"
            ],
            "{:#?}",
            out.withheld
        );
        assert_eq!(out.row.cell("vacancy_rate_fte"), None);
        assert!(out.withheld[0].reason.contains("negative (-4)"));
        assert!(
            out.withheld[1].reason.contains("impossible"),
            "3 FTE covering vacancies but 1 agency worker: {:?}",
            out.withheld[1]
        );
        let shown = out.disclosed();
        assert_eq!(shown.row.cell("vacancy_rate_fte"), None);
        assert_eq!(shown.row.cell("agency_cover_rate_fte"), None);
        assert_eq!(shown.withheld.len(), 4);
        assert!((out.row.value("turnover_rate_fte").unwrap()).abs() < 1e-12);
    }

    #[test]
    fn a_person_in_two_posts_counts_once_with_the_fte_of_both() {
        let mut a = Aggregator::new(year());
        let mut first = worker(1, false);
        first.fte = Some(0.5);
        first.fte30 = Some(0.5);
        first.org_role = Some("3".into());
        let mut second = first.clone();
        second.record = 2;
        second.org_role = Some("6".into());
        second.cases30 = None;
        a.add(&first);
        a.add(&second);
        for r in 3..=6 {
            a.add(&worker(r, false));
        }
        let out = a.finish(GeographyCode::parse("E06000058").unwrap(), None);
        assert_eq!(out.row.value("inpost_headcount"), Some(5.0));
        assert_eq!(out.row.value("inpost_fte"), Some(5.0));
        let cell = |b: usize, l: &str| {
            out.breakdowns[b]
                .cells
                .iter()
                .find(|c| c.label == l)
                .unwrap()
                .headcount
        };
        assert_eq!(cell(1, "30 to 39"), Cell::Value(5.0), "age: once");
        assert_eq!(cell(0, "Qualified without cases"), Cell::Value(1.0));
        assert_eq!(cell(0, "First line manager"), Cell::Value(1.0));
    }

    #[test]
    fn small_cells_are_suppressed_with_a_second_so_neither_can_be_worked_out() {
        let mut a = Aggregator::new(year());
        for r in 1..=30 {
            let mut w = worker(r, false);
            w.org_role = Some(
                if r <= 2 {
                    "1"
                } else if r <= 8 {
                    "3"
                } else {
                    "5"
                }
                .into(),
            );
            a.add(&w);
        }
        let out = a
            .finish(GeographyCode::parse("E06000058").unwrap(), None)
            .disclosed();
        let roles = &out.breakdowns[0];
        let get = |l: &str| roles.cells.iter().find(|c| c.label == l).unwrap().headcount;
        assert_eq!(
            get("Senior manager"),
            Cell::Symbol(EesSymbol::C),
            "2 people"
        );
        assert_eq!(
            get("First line manager"),
            Cell::Symbol(EesSymbol::C),
            "6 people, hidden so 2 cannot be derived from the total"
        );
        assert_eq!(get("Case holder"), Cell::Value(22.0));
        assert!(out.disclosed);
        assert_eq!(out.row.value("inpost_headcount"), Some(30.0));
    }

    #[test]
    fn a_headline_on_fewer_than_five_people_is_suppressed_with_its_rates() {
        let mut a = Aggregator::new(year());
        for r in 1..=20 {
            a.add(&worker(r, false));
        }
        let mut leaver = worker(21, false);
        leaver.role_end = Some(Date::parse("2022-05-01").unwrap());
        a.add(&leaver);
        let out = a
            .finish(GeographyCode::parse("E06000058").unwrap(), None)
            .disclosed();
        assert_eq!(
            out.row.cell("leavers_headcount"),
            Some(Cell::Symbol(EesSymbol::C))
        );
        assert_eq!(
            out.row.cell("turnover_rate_fte"),
            Some(Cell::Symbol(EesSymbol::C))
        );
        assert_eq!(out.row.value("inpost_fte"), Some(20.0));
    }

    #[test]
    fn cases_and_days_lost_resting_on_fewer_than_five_people_are_suppressed() {
        let c = Some(Cell::Symbol(EesSymbol::C));
        let mut a = Aggregator::new(year());
        a.add(&worker(1, false));
        let out = a
            .finish(GeographyCode::parse("E06000058").unwrap(), None)
            .disclosed();
        for m in [
            "inpost_headcount",
            "case_holders_fte",
            "cases",
            "caseload_fte",
            "working_days_lost_fte",
            "absence_rate_fte",
        ] {
            assert_eq!(out.row.cell(m), c, "{m} rests on one person");
        }
        // Twenty in post, but only two of them holding cases.
        let mut a = Aggregator::new(year());
        for r in 1..=20 {
            let mut w = worker(r, false);
            if r > 2 {
                w.cases30 = None;
            }
            a.add(&w);
        }
        let out = a
            .finish(GeographyCode::parse("E06000058").unwrap(), None)
            .disclosed();
        assert_eq!(out.row.cell("cases"), c);
        assert_eq!(out.row.cell("caseload_fte"), c);
        assert_eq!(out.row.value("working_days_lost_fte"), Some(100.0));
        // One agency worker covering a vacancy.
        let mut a = Aggregator::new(year());
        for r in 1..=7 {
            a.add(&worker(r, false));
        }
        let out = a
            .finish(
                GeographyCode::parse("E06000058").unwrap(),
                Some(LaVacancies {
                    vacancies_fte: 2.0,
                    agency_cover_fte: 0.6,
                    agency_cover_headcount: 1,
                }),
            )
            .disclosed();
        assert_eq!(out.row.cell("agency_cover_fte"), c);
        assert_eq!(out.row.cell("vacancy_agency_cover_rate_fte"), c);
    }
}
