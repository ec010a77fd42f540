//! Census returns: check one, import it as an authority's records, see its indicators, write it
//! back out, and invent one for testing.
//!
//! Worker records are the authority's personal data: only counts leave this module, and
//! anything meant for outside the authority goes through [`CensusIndicators::disclosed`].

use crate::access::{Access, Origin, Principal};
use crate::{App, AppError, Snapshot};
use std::collections::HashSet;
use std::io::{BufRead, Write};
use swforce_domain::access::Permission;
use swforce_domain::census::{CensusWorker, CollectionYear, LaVacancies};
use swforce_domain::{GeographicLevel, GeographyCode, OldLaCode};
use swforce_import::census::notes::{Note, Notes};
use swforce_import::census::rules::{self, Hit};
use swforce_import::census::{CensusOptions, CensusRead, Finding, read_census};
use swforce_stats::census::{Aggregator, CensusIndicators};
use swforce_store::{AuditEvent, AuditOf, CensusOutcome, CensusReturn};

/// A checked return, and its indicators when it could be aggregated.
#[derive(Debug, Clone)]
pub struct CensusCheck {
    pub read: CensusRead,
    /// The authority it is for, when its code is known here.
    pub authority: Option<(GeographyCode, String)>,
    pub indicators: Option<CensusIndicators>,
    /// The comparison with the authority's return for the year before, when one is stored
    /// and the person checking may see it.
    pub continuity: Option<Continuity>,
    /// The authority's explanations of its queries, when given.
    pub notes: Option<Notes>,
}

/// One figure of this year's return beside last year's.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub measure: &'static str,
    pub label: &'static str,
    pub last: Option<f64>,
    pub this: Option<f64>,
    /// The rule that queries the change, when it does.
    pub queried: Option<&'static str>,
}

/// What comparing a return with the authority's return for the year before found.
#[derive(Debug, Clone, PartialEq)]
pub struct Continuity {
    /// The year of the earlier return.
    pub year: i32,
    /// Social workers in post on 30 September of that year.
    pub in_post_last_year: u32,
    /// How many of them are neither in post nor leavers in this return.
    pub missing: u32,
    pub changes: Vec<Change>,
}

/// Where a return stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No errors, and every query explained.
    Ready,
    /// No errors, but queries still to explain.
    QueriesToExplain(usize),
    /// Errors to correct.
    Errors(usize),
}

impl CensusCheck {
    /// The explanation of a finding, if it is an explained query.
    pub fn explanation(&self, f: &Finding) -> Option<&Note> {
        self.notes.as_ref().and_then(|n| n.explanation(f))
    }

    /// Queries with an explanation.
    pub fn explained(&self) -> usize {
        self.read
            .findings
            .iter()
            .filter(|f| self.explanation(f).is_some())
            .count()
    }

    /// Explanations that match no query of this return.
    pub fn unused_notes(&self) -> Vec<&Note> {
        self.notes
            .as_ref()
            .map(|n| n.unused(&self.read.findings))
            .unwrap_or_default()
    }

    /// Every finding kept, with its explanation, as CSV: to keep, to paste into the collection
    /// system, or, with the note column filled in, to read back as the notes.
    pub fn findings_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record([
            "rule", "severity", "line", "column", "path", "element", "record", "message", "fix",
            "note",
        ]);
        for f in &self.read.findings {
            let _ = w.write_record([
                f.rule.to_string(),
                f.severity.to_string(),
                f.line.to_string(),
                f.column.to_string(),
                f.path.clone(),
                f.element.clone(),
                f.record.map(|r| r.to_string()).unwrap_or_default(),
                f.message.clone(),
                f.fix.clone(),
                self.explanation(f)
                    .map(|n| swforce_import::census::notes::guarded(&n.note))
                    .unwrap_or_default(),
            ]);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// Whether the return is ready to submit.
    pub fn verdict(&self) -> Verdict {
        if self.read.errors > 0 {
            Verdict::Errors(self.read.errors)
        } else if self.read.queries > self.explained() {
            Verdict::QueriesToExplain(self.read.queries - self.explained())
        } else {
            Verdict::Ready
        }
    }
}

/// Whose earlier returns a check may compare with.
#[derive(Debug, Clone, Copy)]
enum History<'a> {
    /// None: the person checking may not see stored returns.
    None,
    /// The return's own authority's, whichever it is (the operator, on the command line).
    Any,
    /// Only this authority's (the person's own), by ONS code.
    Own(&'a str),
}

/// The most of last year's record numbers a query lists.
const LISTED: usize = 20;

/// Year-on-year bounds of the continuity queries, set so that about one published year-on-year
/// change in twenty (authorities, 2018 to 2022) is queried: in-post FTE by more than a factor of
/// 1.25 (3.5% of published changes); agency FTE and vacancies by more than a factor of 3 and
/// at least 10 FTE (4.8% and 6.4%).
const BOUNDS: [(&str, &str, f64, f64); 3] = [
    ("inpost_fte", "CSWW-C02", 1.25, 0.0),
    ("agency_fte", "CSWW-C03", 3.0, 10.0),
    ("vacancy_fte", "CSWW-C04", 3.0, 10.0),
];

fn beyond(last: f64, this: f64, factor: f64, least: f64) -> bool {
    let (lo, hi) = if last < this {
        (last, this)
    } else {
        (this, last)
    };
    hi - lo >= least && (lo <= 0.0 && hi > 0.0 || lo > 0.0 && hi / lo > factor)
}

/// A finding the reader could not make, with its rule's severity and fix.
fn finding(at: (u64, u64), path: &str, h: Hit) -> Finding {
    h.finding(at, path.to_string(), None)
}

/// Whether statistics are loaded, so the authorities are known.
fn knows_authorities(snap: &Snapshot) -> bool {
    snap.geographies()
        .any(|g| g.level == GeographicLevel::LocalAuthority)
}

/// Why a census command that needs the authorities cannot run on a fresh data folder.
fn no_statistics() -> AppError {
    AppError::Invalid {
        problem: "no statistics are loaded here, so swforce does not know the local authorities a census return belongs to".into(),
        fix: "run `swforce demo`, or import the published statistics, then try again".into(),
    }
}

/// CSWW-B20: the return names its authority in the header's LEA, and (when statistics are
/// loaded, so the authorities are known) the LEA is a local authority that existed on the
/// return's reference date.
fn check_lea(
    snap: &Snapshot,
    read: &mut CensusRead,
    authority: Option<&(GeographyCode, String)>,
    given: bool,
) {
    let max = CensusOptions::default().max_findings;
    let b20 = |message: String| Hit {
        rule: "CSWW-B20",
        element: "LEA",
        message,
        fix: None,
    };
    let Some(at) = read.lea_at else {
        if !read.fatal && !given {
            read.add(
                finding(
                    (1, 1),
                    "Message/Header",
                    b20("the return does not say which authority it is for: its header has no <Source><LEA>".into()),
                ),
                max,
            );
        }
        return;
    };
    let path = "Message/Header/Source/LEA";
    if !knows_authorities(snap) {
        return;
    }
    let Some((code, name)) = authority else {
        let message = match read.header.lea {
            Some(lea) => format!(
                "LEA {lea} is not the code of any local authority in the published statistics"
            ),
            None => "the LEA is not the code of a local authority".to_string(),
        };
        read.add(finding(at, path, b20(message)), max);
        return;
    };
    let Some(year) = read.year else { return };
    let reference = year.reference_date();
    let took_effect =
        |r: &swforce_domain::lineage::Reorganisation| swforce_domain::Date::parse(r.effective).ok();
    let problem = if let Some(d) = snap
        .ended_by(code)
        .and_then(took_effect)
        .filter(|d| *d <= reference)
    {
        Some(format!(
            "LEA {} is {name}, which was replaced on {d}, before this return's reference date {reference}",
            read.header.lea.map(|l| l.to_string()).unwrap_or_default()
        ))
    } else {
        // An authority that kept its predecessor's DfE code (Buckinghamshire, 825, in 2020)
        // returned under it before too.
        let lea = read.header.lea.map(|l| format!("{l}")).unwrap_or_default();
        snap.formed_by(code)
            .filter(|r| !r.predecessors.iter().any(|(_, dfe, _)| *dfe == lea))
            .and_then(took_effect)
            .filter(|d| *d > reference)
            .map(|d| {
                format!(
                    "LEA {} is {name}, which took over on {d}, after this return's reference date {reference}",
                    read.header.lea.map(|l| l.to_string()).unwrap_or_default()
                )
            })
    };
    if let Some(message) = problem {
        read.add(finding(at, path, b20(message)), max);
    }
}

/// The authority a return is for: its header's DfE code, or the one given.
fn authority(
    snap: &Snapshot,
    lea: Option<OldLaCode>,
    given: Option<&str>,
) -> Result<Option<(GeographyCode, String)>, AppError> {
    if let Some(q) = given {
        let g = snap.find(q)?;
        if g.level != GeographicLevel::LocalAuthority {
            return Err(AppError::Invalid {
                problem: format!("{} is not a local authority", g.name),
                fix: "give the authority's code, such as E06000058 or 839".into(),
            });
        }
        return Ok(Some((g.code.clone(), g.name.clone())));
    }
    let Some(lea) = lea else { return Ok(None) };
    Ok(snap
        .geographies()
        .filter(|g| {
            g.old_la_code.is_some_and(|c| c.covers(lea))
                && g.level == GeographicLevel::LocalAuthority
        })
        // The published figures a return is compared with are the unit's, where the authority
        // reports jointly.
        .min_by_key(|g| (snap.is_former(g), !g.code.is_joint()))
        .map(|g| (g.code.clone(), g.name.clone())))
}

/// Compares a return with the authority's return for the year before, adding the continuity
/// queries to its findings. Only counts and last year's record numbers are reported.
fn compare(
    read: &mut CensusRead,
    present: &HashSet<u64>,
    code: GeographyCode,
    last: &CensusReturn,
    workers: &[CensusWorker],
    now: &CensusIndicators,
) -> Continuity {
    let year = CollectionYear(last.year);
    let reference = year.reference_date();
    let mut aggregator = Aggregator::new(year);
    // Each person once, by their first record in post.
    let mut last_year: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
    for w in workers {
        aggregator.add(w);
        if !w.agency && w.in_post_at(reference) {
            last_year.entry(rules::fingerprint(w)).or_insert(w.record);
        }
    }
    let in_post = last_year.len() as u32;
    let mut missing: Vec<u32> = last_year
        .iter()
        .filter(|(person, _)| !present.contains(person))
        .map(|(_, record)| *record)
        .collect();
    missing.sort_unstable();
    let before = aggregator.finish(code, Some(last.vacancies));
    let max = CensusOptions::default().max_findings;
    if !missing.is_empty() {
        let listed: Vec<String> = missing.iter().take(LISTED).map(u32::to_string).collect();
        read.add(
            finding(
                (1, 1),
                "Message",
                Hit {
                    rule: "CSWW-C01",
                    element: "",
                    message: format!(
                        "{} of the {in_post} social workers in post on {reference} (records {}{} of the {} return) {} neither in post nor a leaver in this return",
                        missing.len(),
                        listed.join(", "),
                        if missing.len() > LISTED { ", and more" } else { "" },
                        last.year,
                        if missing.len() == 1 { "is" } else { "are" }
                    ),
                    fix: None,
                },
            ),
            max,
        );
    }
    let mut changes = Vec::new();
    for (measure, rule, factor, least) in BOUNDS {
        let label = swforce_domain::Measure::named(measure).map_or(measure, |m| m.label);
        let (l, t) = (before.row.value(measure), now.row.value(measure));
        let queried = match (l, t) {
            (Some(l), Some(t)) if beyond(l, t, factor, least) => Some(rule),
            _ => None,
        };
        if let (Some(rule), Some(l), Some(t)) = (queried, l, t) {
            let (path, element) = if measure == "vacancy_fte" {
                ("Message/LALevelVacancies", "NumberOfVacancies")
            } else {
                ("Message", "")
            };
            read.add(
                finding(
                    (1, 1),
                    path,
                    Hit {
                        rule,
                        element,
                        message: format!(
                            "{label} is {} in this return and was {} in the {} return",
                            crate::display::grouped(t, 2),
                            crate::display::grouped(l, 2),
                            last.year
                        ),
                        fix: None,
                    },
                ),
                max,
            );
        }
        changes.push(Change {
            measure,
            label,
            last: l,
            this: t,
            queried,
        });
    }
    Continuity {
        year: last.year,
        in_post_last_year: in_post,
        missing: missing.len() as u32,
        changes,
    }
}

impl App {
    /// Checks a return as it streams in, aggregating as it goes: memory stays flat however many
    /// workers it holds. `year` is used when the return's header has none. No stored return is
    /// read: anyone may check a file.
    pub fn check_census(
        &self,
        file: &str,
        reader: impl BufRead,
        year: Option<i32>,
    ) -> Result<CensusCheck, AppError> {
        self.check_census_against(file, reader, year, History::None)
    }

    /// Checks a return and compares it with its authority's stored return for the year
    /// before, where there is one (for the operator, who may read every stored return).
    pub fn check_census_with_history(
        &self,
        file: &str,
        reader: impl BufRead,
        year: Option<i32>,
    ) -> Result<CensusCheck, AppError> {
        self.check_census_against(file, reader, year, History::Any)
    }

    /// Checks a return for a signed-in person: when it is their own authority's and they may
    /// handle its returns, it is compared with last year's stored return (reading that return
    /// is recorded on the audit log). Anyone else's check is [`App::check_census`].
    pub fn check_census_for(
        &self,
        who: Option<&Principal>,
        file: &str,
        reader: impl BufRead,
        year: Option<i32>,
        origin: &Origin,
    ) -> Result<CensusCheck, AppError> {
        let own = who.and_then(|w| {
            self.own_authority(w, Permission::ImportCensus, Access::Read)
                .ok()
        });
        let check = match own.as_deref() {
            Some(la) => self.check_census_against(file, reader, year, History::Own(la))?,
            None => self.check_census(file, reader, year)?,
        };
        if let (Some(who), Some(c)) = (who, &check.continuity) {
            let la = check.authority.as_ref().map_or("", |a| a.0.as_str());
            self.audit_event(
                Some(who),
                "view_personal_data",
                &format!("census {la} {}", c.year),
                "compared with a return being checked",
                origin,
            )?;
        }
        Ok(check)
    }

    fn check_census_against(
        &self,
        file: &str,
        reader: impl BufRead,
        year: Option<i32>,
        history: History<'_>,
    ) -> Result<CensusCheck, AppError> {
        let mut aggregator: Option<Aggregator> = None;
        let keep = !matches!(history, History::None);
        // Fingerprints of the SWE numbers of those in post or leaving, for continuity.
        let mut present: HashSet<u64> = HashSet::new();
        let read = read_census(
            file,
            reader,
            CensusOptions {
                year,
                fingerprint: false,
                ..CensusOptions::default()
            },
            |w, y| {
                if let Some(y) = y {
                    if keep
                        && (w.in_post_at(y.reference_date())
                            || w.role_end.is_some_and(|e| y.contains(e)))
                    {
                        present.insert(rules::fingerprint(&w));
                    }
                    aggregator.get_or_insert_with(|| Aggregator::new(y)).add(&w);
                }
            },
        );
        let snap = self.snapshot()?;
        let mut read = read;
        let authority = authority(&snap, read.header.lea, None)?;
        check_lea(&snap, &mut read, authority.as_ref(), false);
        let code = authority
            .as_ref()
            .map_or_else(GeographyCode::england, |a| a.0.clone());
        let indicators = (!read.fatal)
            .then(|| aggregator.map(|a| a.finish(code.clone(), read.vacancies)))
            .flatten();
        let earlier = match (history, &authority, read.year, &indicators) {
            (History::None, ..) | (_, None, ..) | (_, _, None, _) | (_, _, _, None) => None,
            (History::Own(own), Some(a), ..) if own != a.0.as_str() => None,
            (_, Some(_), Some(y), Some(_)) => self.store().census_return(code.as_str(), y.0 - 1)?,
        };
        let continuity = match (earlier, &indicators) {
            (Some((last, workers)), Some(now)) => Some(compare(
                &mut read,
                &present,
                code.clone(),
                &last,
                &workers,
                now,
            )),
            _ => None,
        };
        Ok(CensusCheck {
            read,
            authority,
            indicators,
            continuity,
            notes: None,
        })
    }

    /// Imports a valid return as an authority's worker records for its year, all or nothing.
    /// A return with any error is refused with its findings; nothing is written.
    pub fn import_census(
        &self,
        file: &str,
        reader: impl BufRead,
        la: Option<&str>,
        year: Option<i32>,
    ) -> Result<CensusOutcome, AppError> {
        self.import_census_checked(file, reader, la, year, None, None)
    }

    /// [`App::import_census`] from the command line: on the audit log as the command line, in
    /// the import's own transaction.
    pub fn import_census_from_command_line(
        &self,
        file: &str,
        reader: impl BufRead,
        la: Option<&str>,
        year: Option<i32>,
    ) -> Result<CensusOutcome, AppError> {
        let who = self.operator();
        let line = |o: &CensusOutcome| census_audit_line(&who, file, o, &Origin::default());
        self.import_census_checked(file, reader, la, year, None, Some(&line))
    }

    fn import_census_checked(
        &self,
        file: &str,
        reader: impl BufRead,
        la: Option<&str>,
        year: Option<i32>,
        must_be: Option<&str>,
        audit: Option<AuditOf<'_, CensusOutcome>>,
    ) -> Result<CensusOutcome, AppError> {
        let mut workers: Vec<CensusWorker> = Vec::new();
        let read = read_census(
            file,
            reader,
            CensusOptions {
                year,
                ..CensusOptions::default()
            },
            |w, _| workers.push(w),
        );
        let snap = self.snapshot()?;
        let mut read = read;
        let from_header = authority(&snap, read.header.lea, None)?;
        check_lea(&snap, &mut read, from_header.as_ref(), la.is_some());
        if !read.is_valid() {
            return Err(AppError::CensusRefused(Box::new(read)));
        }
        if let (Some(q), Some((own, own_name))) = (la, &from_header) {
            let given = snap.find(q)?;
            // A member of a jointly reported unit may store its return under its own code.
            if given.code != *own && !own.members().contains(&given.code) {
                return Err(AppError::Invalid {
                    problem: format!(
                        "the return's LEA is {own_name} ({own}), not {} as given",
                        given.name
                    ),
                    fix: "leave out --la: it is for a return whose header has no LEA; or check you chose the right file".into(),
                });
            }
        }
        let Some((code, _)) = authority(&snap, read.header.lea, la)? else {
            if !knows_authorities(&snap) {
                return Err(no_statistics());
            }
            return Err(AppError::Invalid {
                problem: "the return does not say which authority it is for, and none was given".into(),
                fix: "give the authority (--la E06000058), or add <Source><LEA> to the return's header".into(),
            });
        };
        if let Some(own) = must_be.filter(|own| *own != code.as_str()) {
            let name = |c: &str| snap.find(c).map_or(c.to_string(), |g| g.name.clone());
            return Err(AppError::Forbidden {
                problem: format!(
                    "This return is for {}, but your organisation returns the census for {}",
                    name(code.as_str()),
                    name(own)
                ),
                fix: "Check you chose your own authority's return".into(),
            });
        }
        let Some(y) = read.year else {
            return Err(AppError::Invalid {
                problem: "the return gives no collection year".into(),
                fix: "give the year (--year 2022), or add <CollectionDetails><Year> to the header"
                    .into(),
            });
        };
        let census = CensusReturn {
            id: 0,
            la_code: code.to_string(),
            year: y.0,
            file_name: file.to_string(),
            sha256: read.sha256.clone(),
            workers: workers.len() as u32,
            header: read.header.clone(),
            vacancies: read.vacancies.unwrap_or_default(),
            imported_at: jiff::Timestamp::now()
                .round(jiff::Unit::Second)
                .unwrap_or_else(|_| jiff::Timestamp::now())
                .to_string(),
        };
        Ok(self
            .store()
            .import_census_audited(&census, &workers, audit)?)
    }

    /// The authority a person's organisation returns the census for, if they may handle it.
    fn own_authority(
        &self,
        who: &Principal,
        p: Permission,
        access: Access,
    ) -> Result<String, AppError> {
        who.require_access(p, access)?;
        who.org
            .la_code
            .clone()
            .filter(|_| who.org.kind.holds_census())
            .ok_or_else(|| AppError::Forbidden {
                problem: format!("{} does not return a census", who.org.name),
                fix: "Census returns belong to local authorities and children's trusts".into(),
            })
    }

    /// Stores a return for the person's own authority (and no other), on the audit log.
    pub fn import_census_for(
        &self,
        who: &Principal,
        file: &str,
        reader: impl BufRead,
        year: Option<i32>,
        origin: &Origin,
    ) -> Result<CensusOutcome, AppError> {
        let la = self.own_authority(who, Permission::ImportCensus, Access::Write)?;
        let line = |o: &CensusOutcome| census_audit_line(who, file, o, origin);
        self.import_census_checked(file, reader, None, year, Some(&la), Some(&line))
    }

    /// The person's authority's returns on record (no personal data), newest first.
    pub fn census_returns_for(&self, who: &Principal) -> Result<Vec<CensusReturn>, AppError> {
        let la = self.own_authority(who, Permission::ImportCensus, Access::Read)?;
        Ok(self
            .store()
            .census_returns()?
            .into_iter()
            .filter(|r| r.la_code == la)
            .collect())
    }

    /// The indicators of the person's authority's return for a year, on the audit log (they
    /// are worked out from personal records).
    pub fn census_indicators_for(
        &self,
        who: &Principal,
        year: i32,
        origin: &Origin,
    ) -> Result<(CensusReturn, CensusIndicators), AppError> {
        let la = self.own_authority(who, Permission::ImportCensus, Access::Read)?;
        let (code, c, workers) = self.stored_census(&la, year)?;
        self.audit_event(
            Some(who),
            "view_personal_data",
            &format!("census {la} {year}"),
            "indicators worked out from the records",
            origin,
        )?;
        let mut a = Aggregator::new(CollectionYear(c.year));
        for w in &workers {
            a.add(w);
        }
        let ind = a.finish(code, Some(c.vacancies));
        Ok((c, ind))
    }

    /// Writes the person's authority's return for a year (personal data), after recording the
    /// export on the audit log.
    pub fn export_census_for(
        &self,
        who: &Principal,
        year: i32,
        out: &mut impl Write,
        origin: &Origin,
    ) -> Result<u32, AppError> {
        let la = self.own_authority(who, Permission::ExportCensus, Access::Read)?;
        // Exists? (so a missing year is "not found", not an export on the log)
        self.stored_census(&la, year)?;
        self.audit_event(
            Some(who),
            "export",
            &format!("census {la} {year}"),
            "return downloaded as XML",
            origin,
        )?;
        self.export_census(&la, year, out)
    }

    /// Census returns on record (no personal data).
    pub fn census_returns(&self) -> Result<Vec<CensusReturn>, AppError> {
        Ok(self.store().census_returns()?)
    }

    fn stored_census(
        &self,
        la: &str,
        year: i32,
    ) -> Result<(GeographyCode, CensusReturn, Vec<CensusWorker>), AppError> {
        let snap = self.snapshot()?;
        if !knows_authorities(&snap) {
            return Err(no_statistics());
        }
        let place = snap.find(la)?.clone();
        let (c, workers) = self
            .store()
            .census_return(place.code.as_str(), year)?
            .ok_or_else(|| AppError::NotFound {
                kind: "census return",
                query: format!("{} {year}", place.name),
                suggestions: Vec::new(),
            })?;
        Ok((place.code, c, workers))
    }

    /// The indicators of a stored return, as the authority sees them (no suppression).
    pub fn census_indicators(&self, la: &str, year: i32) -> Result<CensusIndicators, AppError> {
        let (code, c, workers) = self.stored_census(la, year)?;
        let mut a = Aggregator::new(CollectionYear(c.year));
        for w in &workers {
            a.add(w);
        }
        Ok(a.finish(code, Some(c.vacancies)))
    }

    /// Writes a stored return back out as a census file.
    pub fn export_census(
        &self,
        la: &str,
        year: i32,
        out: &mut impl Write,
    ) -> Result<u32, AppError> {
        let (code, c, workers) = self.stored_census(la, year)?;
        let vacancies: LaVacancies = c.vacancies;
        // A return stored without its year or LEA (given on import) is written with them, so
        // the file passes its own check.
        let mut header = c.header.clone();
        header.collection.get_or_insert_with(|| "CSWW".into());
        header.year.get_or_insert(c.year);
        header
            .reference_date
            .get_or_insert(CollectionYear(c.year).reference_date());
        if header.lea.is_none() {
            header.lea = self.snapshot()?.find(code.as_str())?.old_la_code;
        }
        swforce_import::census::write::write_census(out, &header, &vacancies, &workers).map_err(
            |e| AppError::Invalid {
                problem: format!("the return could not be written: {e}"),
                fix: "check there is room to write the file".into(),
            },
        )?;
        Ok(workers.len() as u32)
    }
}

/// The audit line of a census import, by what it did.
fn census_audit_line(
    who: &Principal,
    file: &str,
    o: &CensusOutcome,
    origin: &Origin,
) -> AuditEvent {
    let (c, what) = match o {
        CensusOutcome::Imported {
            census,
            replaced: true,
        } => (census, "imported, replacing the earlier return"),
        CensusOutcome::Imported { census, .. } => (census, "imported"),
        CensusOutcome::AlreadyImported { census } => (census, "already on record"),
    };
    let target = format!("census {} {} ({} workers)", c.la_code, c.year, c.workers);
    let detail = format!("{file}: {what}");
    crate::access::audit_line(Some(who), "import_census", &target, &detail, origin)
}
