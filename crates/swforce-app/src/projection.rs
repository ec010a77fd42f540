//! Projections and backtests from the statistics on record.

use crate::{AppError, Snapshot};
use std::collections::BTreeMap;
use std::sync::Arc;
use swforce_domain::{Cell, Dataset, GeographicLevel, Geography, Measure, Year};
use swforce_engine::scenario::MAX_YEARS;
use swforce_engine::simulate::MAX_RUNS;
use swforce_engine::{
    AuthorityHistory, Backtest, Baseline, Group, History, Projection, Rolling, RunSpec, Scenario,
    SpecError, YearFigures, backtest, estimate, project, rolling,
};

/// Runs of the rolling evaluation the method page and docs/model.md show.
pub const PAGE_ROLLING_RUNS: u32 = 500;

/// What to report: one place, or every place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    All,
    One(String),
}

impl Snapshot {
    /// The last workforce year on record: the default origin of a projection.
    pub fn default_origin(&self) -> Option<Year> {
        self.latest_year(Dataset::CswwHeadline)
    }

    /// Every current authority's history, as the engine reads it. Years before a reorganised
    /// authority existed are its predecessors' figures, combined.
    pub fn history(&self) -> History {
        let cell = |code: &swforce_domain::GeographyCode, name: &str, year: Year| -> Option<f64> {
            let m = Measure::named(name)?;
            self.figure(code, m, "", year).and_then(|f| match f.cell {
                Cell::Value(v) => Some(v),
                Cell::Symbol(_) => None,
            })
        };
        let years = self.years(Dataset::CswwHeadline);
        let cin_years = self.years(Dataset::ChildrenInNeed);
        let mut authorities = Vec::new();
        if let Some(england) = self.england() {
            for region in self.children(&england.code) {
                for la in self.children(&region.code) {
                    let mut h = AuthorityHistory {
                        code: la.code.to_string(),
                        name: la.name.clone(),
                        region_code: region.code.to_string(),
                        ..Default::default()
                    };
                    for y in &years {
                        let f = YearFigures {
                            inpost: cell(&la.code, "inpost_fte", *y),
                            leavers: cell(&la.code, "leavers_fte", *y),
                            starters: cell(&la.code, "starters_fte", *y),
                            agency: cell(&la.code, "agency_fte", *y),
                            agency_cover: cell(&la.code, "agency_cover_fte", *y),
                            vacancies: cell(&la.code, "vacancy_fte", *y),
                            case_holders: cell(&la.code, "case_holders_fte", *y),
                            cases: cell(&la.code, "cases", *y),
                        };
                        if f.inpost.is_some() || f.leavers.is_some() {
                            h.years.insert(*y, f);
                        }
                    }
                    for y in &cin_years {
                        if let Some(v) = cell(&la.code, "At31_episodes", *y) {
                            h.children_in_need.insert(*y, v);
                        }
                    }
                    authorities.push(h);
                }
            }
        }
        let england_caseload = match (self.england(), Measure::named("caseload_fte")) {
            (Some(e), Some(m)) => years
                .iter()
                .filter_map(|y| {
                    self.figure(&e.code, m, "", *y)
                        .and_then(|f| f.value())
                        .map(|v| (*y, v))
                })
                .collect(),
            _ => BTreeMap::new(),
        };
        History {
            authorities,
            england_caseload,
        }
    }

    /// Groups to report, over the authorities of `baseline`: England, the regions, and each
    /// authority (or just the one place asked for).
    /// What a reader of a projection of `place` (`None`: every place) should know: the
    /// baseline's notes about the authorities in view only (a council's projection says nothing
    /// of another's figures), why the place itself is not simulated, and for a region or England
    /// which of its authorities are not.
    pub fn projection_notes(&self, baseline: &Baseline, place: Option<&Geography>) -> Vec<String> {
        let in_view: Option<Vec<String>> = match place {
            None => None,
            Some(p) if p.level == GeographicLevel::National => None,
            Some(p) => Some(
                self.groups(baseline, &Report::One(p.code.to_string()))
                    .ok()
                    .and_then(|g| g.into_iter().next())
                    .map(|g| {
                        g.members
                            .iter()
                            .map(|&i| baseline.authorities[i].code.clone())
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
        };
        let codes: Option<Vec<&str>> = in_view
            .as_ref()
            .map(|v| v.iter().map(String::as_str).collect());
        let mut notes = baseline.notes_about(codes.as_deref());
        let own = place.and_then(|p| baseline.excluded.iter().find(|(c, _)| c == p.code.as_str()));
        // A council reporting for a shared service's pair speaks for both.
        let partner = place
            .and_then(|p| swforce_domain::lineage::reports_for(p.code.as_str()))
            .filter(|partner| baseline.excluded.iter().any(|(c, _)| c == partner));
        if let (Some(p), Some(partner)) = (place, partner) {
            let service = swforce_domain::lineage::reported_with(partner).map_or("", |s| s.1);
            let name = self.find(partner).map_or(partner, |g| g.name.as_str());
            notes.push(format!(
                "{}'s figures include {name}'s: {service} reports for both.",
                p.name
            ));
        }
        if let Some((_, reason)) = own {
            notes.push(reason.clone());
        } else if !baseline.excluded.is_empty()
            && place.is_none_or(|p| p.level != GeographicLevel::LocalAuthority)
        {
            let names: Vec<&str> = baseline
                .excluded
                .iter()
                .filter(|(c, _)| {
                    // A region's own authorities only.
                    place.is_none_or(|p| {
                        p.level == GeographicLevel::National
                            || self.find(c).is_ok_and(|g| {
                                g.parent.as_ref() == Some(&p.code)
                                    || self.region_of(g).is_some_and(|r| r.code == p.code)
                            })
                    })
                })
                .filter_map(|(c, _)| self.find(c).ok().map(|g| g.name.as_str()))
                .collect();
            if !names.is_empty() {
                notes.push(format!(
                    "Not simulated, because their figures are reported with another authority's or withheld: {}.",
                    names.join(", ")
                ));
            }
        }
        notes
    }

    pub fn groups(&self, baseline: &Baseline, report: &Report) -> Result<Vec<Group>, AppError> {
        let all: Vec<usize> = (0..baseline.authorities.len()).collect();
        let mut groups = Vec::new();
        if let Some(e) = self.england() {
            groups.push(Group {
                code: e.code.to_string(),
                name: e.name.clone(),
                level: e.level.id().into(),
                members: all.clone(),
            });
            for region in self.children(&e.code) {
                let members: Vec<usize> = all
                    .iter()
                    .copied()
                    .filter(|&i| baseline.authorities[i].region_code == region.code.as_str())
                    .collect();
                if !members.is_empty() {
                    groups.push(Group {
                        code: region.code.to_string(),
                        name: region.name.clone(),
                        level: region.level.id().into(),
                        members,
                    });
                }
            }
        }
        for (i, a) in baseline.authorities.iter().enumerate() {
            groups.push(Group {
                code: a.code.clone(),
                name: a.name.clone(),
                level: GeographicLevel::LocalAuthority.id().into(),
                members: vec![i],
            });
        }
        match report {
            Report::All => Ok(groups),
            Report::One(query) => {
                let place = self.find(query)?;
                let found: Vec<Group> = groups
                    .into_iter()
                    .filter(|g| g.code == place.code.as_str())
                    .collect();
                if found.is_empty() {
                    return Err(not_projectable(place, self.unit_of(&place.code), baseline));
                }
                Ok(found)
            }
        }
    }

    /// The baseline estimated from history up to `origin` (the latest year when `None`),
    /// estimated once per state of the statistics.
    pub fn baseline(&self, origin: Option<Year>) -> Result<Arc<Baseline>, AppError> {
        let latest = self.default_origin().ok_or_else(|| AppError::Invalid {
            problem: "there are no workforce figures to project from".into(),
            fix: "import the children's social work workforce statistics first (swforce demo)"
                .into(),
        })?;
        let origin = origin.unwrap_or(latest);
        let first = self
            .years(Dataset::CswwHeadline)
            .first()
            .copied()
            .unwrap_or(latest);
        if origin > latest || origin.get() < first.get() + 1 {
            return Err(AppError::Invalid {
                problem: if origin >= first && origin <= latest {
                    format!(
                        "the origin year {origin} has too little history before it (workforce figures on record: {first} to {latest})"
                    )
                } else {
                    format!(
                        "the origin year {origin} is outside the workforce figures on record ({first} to {latest})"
                    )
                },
                fix: format!(
                    "choose an origin from {} to {latest}: the model needs two years of history",
                    first.get() + 1
                ),
            });
        }
        let mut cache = self.baselines.lock().unwrap_or_else(|p| p.into_inner());
        Ok(cache
            .entry(origin)
            .or_insert_with(|| Arc::new(estimate(&self.history(), origin)))
            .clone())
    }

    /// Projects the baseline and `scenarios` (already validated) from `origin`.
    pub fn project(
        &self,
        origin: Option<Year>,
        scenarios: &[Scenario],
        spec: RunSpec,
        report: &Report,
    ) -> Result<(Arc<Baseline>, Projection), AppError> {
        let baseline = self.baseline(origin)?;
        let groups = self.groups(&baseline, report)?;
        let p = project(&baseline, scenarios, spec, &groups).map_err(|e| AppError::Invalid {
            fix: match &e {
                SpecError::TooLarge { most, .. } => {
                    format!("choose at most {most} runs, or fewer years or places")
                }
                SpecError::Years(_) => format!("choose 1 to {MAX_YEARS} years"),
                SpecError::Runs(_) => format!("choose 1 to {MAX_RUNS} runs"),
                SpecError::Empty => "import the workforce statistics (swforce demo)".into(),
            },
            problem: e.to_string(),
        })?;
        Ok((baseline, p))
    }

    /// The rolling-origin evaluation (every origin, every horizon, England, the regions and
    /// every authority, beside the naive and drift benchmarks).
    pub fn rolling_backtest(&self, runs: u32, seed: u64) -> Result<Rolling, AppError> {
        if self.years(Dataset::CswwHeadline).len() < 3 {
            return Err(AppError::Invalid {
                problem: "a rolling evaluation needs at least three years of workforce figures"
                    .into(),
                fix: "import the workforce statistics (swforce demo)".into(),
            });
        }
        rolling(&self.history(), runs, seed, |baseline| {
            self.groups(baseline, &Report::All).unwrap_or_default()
        })
        .map_err(|e| AppError::Invalid {
            problem: e.to_string(),
            fix: "choose from 1 to 100,000 runs".into(),
        })
    }

    /// The rolling evaluation the method page shows (500 runs, seed 1), worked out once per
    /// snapshot.
    pub fn rolling_for_pages(&self) -> Result<std::sync::Arc<Rolling>, AppError> {
        let mut kept = self.rolling.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(r) = kept.as_ref() {
            return Ok(r.clone());
        }
        let r = std::sync::Arc::new(self.rolling_backtest(PAGE_ROLLING_RUNS, 1)?);
        *kept = Some(r.clone());
        Ok(r)
    }

    /// Backtests from `origin` over `horizon` years, scoring England, the regions and every
    /// authority.
    pub fn backtest(
        &self,
        origin: Year,
        horizon: u16,
        runs: u32,
        seed: u64,
    ) -> Result<Backtest, AppError> {
        let baseline = self.baseline(Some(origin))?;
        let latest = self.default_origin().unwrap_or(origin);
        let available = latest.get().saturating_sub(origin.get());
        if available == 0 {
            return Err(AppError::Invalid {
                problem: format!("there are no actual figures after {origin} to test against"),
                fix: format!("choose an origin before {latest}"),
            });
        }
        let groups = self.groups(&baseline, &Report::All)?;
        backtest(
            &self.history(),
            origin,
            horizon.min(available),
            RunSpec {
                years: horizon.min(available),
                runs,
                seed,
                volatility: 1.0,
            },
            &groups,
        )
        .map_err(|e| AppError::Invalid {
            problem: e.to_string(),
            fix: "adjust the horizon or runs".into(),
        })
    }
}

fn not_projectable(place: &Geography, unit: Option<&Geography>, baseline: &Baseline) -> AppError {
    if let Some(unit) = unit {
        return AppError::Invalid {
            problem: format!(
                "{} cannot be projected on its own: its workforce is reported jointly as {} ({})",
                place.name, unit.name, unit.code
            ),
            fix: format!("project {} instead", unit.code),
        };
    }
    let reason = baseline
        .excluded
        .iter()
        .find(|(c, _)| c == place.code.as_str())
        .map(|(_, r)| r.clone());
    AppError::Invalid {
        problem: reason.unwrap_or_else(|| {
            format!(
                "{} cannot be projected: it is not a current local authority, region or England",
                place.name
            )
        }),
        fix: "choose England, a region or a current local authority".into(),
    }
}

/// One line of a projection's output: a place, year, scenario and indicator, summarised.
/// Rates are percentages (17.1), as in the statistics.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProjectionRow {
    pub geography_code: String,
    pub geography_name: String,
    pub geographic_level: &'static str,
    pub year: u16,
    pub scenario: String,
    pub indicator: &'static str,
    pub mean: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

fn shown(indicator: swforce_engine::Indicator, v: f64) -> f64 {
    let v = if indicator.is_rate() { v * 100.0 } else { v };
    (v * 100.0).round() / 100.0
}

/// Every summary of a projection as rows: each scenario's values, then each scenario's
/// difference from the baseline (scenario named "<name> minus baseline").
pub fn rows(p: &Projection) -> Vec<ProjectionRow> {
    let mut out = Vec::new();
    for g in &p.groups {
        let level = GeographicLevel::from_id(&g.level).map_or("", |l| l.as_str());
        for s in &g.series {
            let sets = std::iter::once((s.scenario.clone(), &s.values)).chain(
                s.difference
                    .as_ref()
                    .map(|d| (format!("{} minus baseline", s.scenario), d)),
            );
            for (name, values) in sets {
                for (y, year) in p.years.iter().enumerate() {
                    for (k, indicator) in swforce_engine::Indicator::ALL.iter().enumerate() {
                        let v = values[y][k];
                        out.push(ProjectionRow {
                            geography_code: g.code.clone(),
                            geography_name: g.name.clone(),
                            geographic_level: level,
                            year: year.get(),
                            scenario: name.clone(),
                            indicator: indicator.name(),
                            mean: shown(*indicator, v.mean),
                            p5: shown(*indicator, v.p5),
                            p50: shown(*indicator, v.p50),
                            p95: shown(*indicator, v.p95),
                        });
                    }
                }
            }
        }
    }
    out
}

impl crate::App {
    /// Saves a named scenario for a place, for the person's organisation, so its link can be
    /// shared with colleagues. Its scenario file carries the name it is saved with, whatever
    /// name `scenario` had.
    pub fn save_scenario(
        &self,
        who: &crate::access::Principal,
        name: &str,
        geography_code: &str,
        query: &str,
        scenario: &Scenario,
    ) -> Result<swforce_store::SavedScenario, AppError> {
        who.require(swforce_domain::access::Permission::SaveScenarios)?;
        let name = name.trim();
        crate::display::one_line("The scenario's name", name)?;
        if name.chars().count() > swforce_engine::scenario::MAX_NAME_CHARS {
            return Err(AppError::Invalid {
                problem: format!(
                    "Keep the scenario's name to {} characters",
                    swforce_engine::scenario::MAX_NAME_CHARS
                ),
                fix: "Give it a short name people will recognise".into(),
            });
        }
        if name.is_empty() {
            return Err(AppError::Invalid {
                problem: "Enter a name for the scenario".into(),
                fix: "Give it a name people will recognise, such as More Frontline places".into(),
            });
        }
        // One name, one scenario, in an organisation: a second save under the same name would
        // leave two links nobody can tell apart.
        if let Some(same) = self
            .store()
            .scenarios(Some(who.org.id))?
            .into_iter()
            .find(|s| s.org_id == Some(who.org.id) && s.name.trim().eq_ignore_ascii_case(name))
        {
            return Err(AppError::Invalid {
                problem: format!(
                    "{} already has a scenario called \u{201c}{}\u{201d}, saved {}",
                    who.org.name,
                    same.name,
                    crate::display::when(&same.created_at)
                ),
                fix: "Give this one another name, or open the saved one from the Projections page"
                    .into(),
            });
        }
        let created_at = crate::access::now_stamp();
        let scenario = Scenario {
            name: name.to_string(),
            ..scenario.clone()
        };
        let saved = self.store().save_scenario(&swforce_store::NewScenario {
            name,
            geography_code,
            query,
            toml: &scenario.to_toml(),
            created_at: &created_at,
            org_id: Some(who.org.id),
            user_id: Some(who.user.id),
        })?;
        Ok(saved)
    }

    /// Saved scenarios the viewer may open: their organisation's, and those saved for everyone.
    pub fn scenarios(
        &self,
        viewer: Option<&crate::access::Principal>,
    ) -> Result<Vec<swforce_store::SavedScenario>, AppError> {
        if let Some(p) = viewer {
            p.require_scope(crate::access::Scope::ScenariosRead)?;
        }
        Ok(self.store().scenarios(viewer.map(|p| p.org.id))?)
    }

    /// Whether a saved scenario exists and belongs to an organisation: what a signed-out visitor
    /// of its link is told (with a way to sign in), rather than "not found".
    pub fn scenario_is_private(&self, id: i64) -> Result<bool, AppError> {
        Ok(self
            .store()
            .scenario(id)?
            .is_some_and(|s| s.org_id.is_some()))
    }

    /// One saved scenario, if the viewer may open it (another organisation's is "not found").
    pub fn scenario(
        &self,
        viewer: Option<&crate::access::Principal>,
        id: i64,
    ) -> Result<swforce_store::SavedScenario, AppError> {
        if let Some(p) = viewer {
            p.require_scope(crate::access::Scope::ScenariosRead)?;
        }
        self.store()
            .scenario(id)?
            .filter(|s| s.org_id.is_none() || s.org_id == viewer.map(|p| p.org.id))
            .ok_or_else(|| AppError::NotFound {
                kind: "saved scenario",
                query: String::new(),
                suggestions: Vec::new(),
            })
    }
}
