//! Census returns: check one, import it as an authority's records, see its indicators, write it
//! back out, and invent one for testing.
//!
//! Worker records are the authority's personal data: only counts leave this module, and
//! anything meant for outside the authority goes through [`CensusIndicators::disclosed`].

use crate::access::{Access, Origin, Principal};
use crate::{App, AppError, Snapshot};
use std::io::{BufRead, Write};
use swforce_domain::access::Permission;
use swforce_domain::census::{CensusWorker, CollectionYear, LaVacancies};
use swforce_domain::{GeographicLevel, GeographyCode, OldLaCode};
use swforce_import::census::{CensusOptions, CensusRead, read_census};
use swforce_stats::census::{Aggregator, CensusIndicators};
use swforce_store::{CensusOutcome, CensusReturn};

/// A checked return, and its indicators when it could be aggregated.
#[derive(Debug, Clone)]
pub struct CensusCheck {
    pub read: CensusRead,
    /// The authority it is for, when its code is known here.
    pub authority: Option<(GeographyCode, String)>,
    pub indicators: Option<CensusIndicators>,
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

impl App {
    /// Checks a return as it streams in, aggregating as it goes: memory stays flat however many
    /// workers it holds. `year` is used when the return's header has none.
    pub fn check_census(
        &self,
        file: &str,
        reader: impl BufRead,
        year: Option<i32>,
    ) -> Result<CensusCheck, AppError> {
        let mut aggregator: Option<Aggregator> = None;
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
                    aggregator.get_or_insert_with(|| Aggregator::new(y)).add(&w);
                }
            },
        );
        let snap = self.snapshot()?;
        let authority = authority(&snap, read.header.lea, None)?;
        let code = authority
            .as_ref()
            .map_or_else(GeographyCode::england, |a| a.0.clone());
        let indicators = (!read.fatal)
            .then(|| aggregator.map(|a| a.finish(code, read.vacancies)))
            .flatten();
        Ok(CensusCheck {
            read,
            authority,
            indicators,
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
        self.import_census_checked(file, reader, la, year, None)
    }

    fn import_census_checked(
        &self,
        file: &str,
        reader: impl BufRead,
        la: Option<&str>,
        year: Option<i32>,
        must_be: Option<&str>,
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
        if !read.is_valid() {
            return Err(AppError::CensusRefused(Box::new(read)));
        }
        let snap = self.snapshot()?;
        let Some((code, _)) = authority(&snap, read.header.lea, la)? else {
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
        Ok(self.store().import_census(&census, &workers)?)
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
        let outcome = self.import_census_checked(file, reader, None, year, Some(&la))?;
        let (c, what) = match &outcome {
            CensusOutcome::Imported { census, replaced } => (
                census,
                if *replaced {
                    "imported, replacing the earlier return"
                } else {
                    "imported"
                },
            ),
            CensusOutcome::AlreadyImported { census } => (census, "already on record"),
        };
        self.audit_event(
            Some(who),
            "import_census",
            &format!("census {} {} ({} workers)", c.la_code, c.year, c.workers),
            &format!("{file}: {what}"),
            origin,
        )?;
        Ok(outcome)
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
        let (_, c, workers) = self.stored_census(la, year)?;
        let vacancies: LaVacancies = c.vacancies;
        swforce_import::census::write::write_census(out, &c.header, &vacancies, &workers).map_err(
            |e| AppError::Invalid {
                problem: format!("the return could not be written: {e}"),
                fix: "check there is room to write the file".into(),
            },
        )?;
        Ok(workers.len() as u32)
    }
}
