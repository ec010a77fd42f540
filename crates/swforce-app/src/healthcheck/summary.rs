//! A closed round's results, with the time diary's disclosure protections: nothing before the
//! round closes; a group or a cell only with at least five responses that count; a group or
//! cell held back when, with the organisation's figure, it would leave one to four to be worked
//! out by subtraction; counts to the nearest five. Beside them: the organisation's published
//! workforce figures and diary, year-on-year change, benchmarks across organisations that opt
//! in, and the drivers view (rank correlation with intention to stay).

use super::drivers::{DRIVERS_NEED, drivers, median, upper_quarter};
use super::question_set_of;
use super::tabulate::{chosen, tabulate};
use crate::access::Principal;
use crate::diary::Group;
use crate::{App, AppError};
use std::collections::BTreeMap;
use swforce_domain::Date;
use swforce_domain::access::Permission;
use swforce_domain::diary::{Obstacle, Week};
use swforce_domain::healthcheck::QuestionSet;
use swforce_domain::{GeographyCode, Measure};
use swforce_store::{Organisation, Round};

/// One statement's figures in one group. Shares are of those who answered on the scale ("does
/// not apply" and no answer left out).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StatementFigure {
    pub key: String,
    pub text: String,
    /// The standard it is under (`stay`, `own`).
    pub standard: String,
    /// `false`: fewer than five answers that count, or held back.
    pub shown: bool,
    /// Answers on the scale, to the nearest five.
    pub answered: Option<u64>,
    pub agree: Option<f64>,
    pub neutral: Option<f64>,
    pub disagree: Option<f64>,
}

/// A standard's figures in one group: its statements' answers pooled.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StandardFigure {
    pub key: String,
    pub number: u8,
    pub title: String,
    pub shown: bool,
    pub agree: Option<f64>,
    pub disagree: Option<f64>,
    /// The share agreeing in the organisation's previous closed round.
    pub previous: Option<f64>,
    /// The median share agreeing across organisations of the region, and of England, that
    /// share their results (at least three organisations).
    pub region: Option<f64>,
    pub england: Option<f64>,
    /// The principal social worker's self-assessment, in words.
    pub assessment: Option<String>,
}

/// A group of respondents: the organisation, or one team, role or service.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GroupFigures {
    pub label: String,
    /// `false`: nothing about the group is shown.
    pub shown: bool,
    /// Responses, to the nearest five (when shown).
    pub responses: Option<u64>,
    pub standards: Vec<StandardFigure>,
    pub statements: Vec<StatementFigure>,
    /// Share who agree they expect to be here in 12 months.
    pub stay: Option<f64>,
}

/// The organisation's results split one way.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Breakdown {
    /// "team", "role" or "service".
    pub by: &'static str,
    pub groups: Vec<GroupFigures>,
}

/// How many chose a reason to stay, or an obstacle.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReasonFigure {
    pub label: String,
    /// To the nearest five; `None` when fewer than five who count chose it ("fewer than 5").
    pub count: Option<u64>,
    pub few: bool,
    /// Of all responses (from the exact count, shown as a whole percentage).
    pub share: Option<f64>,
}

/// How a standard's answers go with intention to stay, across respondents.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Driver {
    pub key: String,
    pub title: String,
    /// Respondents with both answers, to the nearest five.
    pub pairs: u64,
    /// Spearman's rank correlation, and its 95% interval.
    pub rho: f64,
    pub low: f64,
    pub high: f64,
}

/// A published figure of the organisation's authority.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WorkforceFigure {
    pub label: String,
    pub value: String,
    /// The year it is for ("2022"), or the weeks of the diary.
    pub when: String,
}

/// The Retain lever's suggested starting value, with its reasoning.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RetainStart {
    /// The authority, for the projection's address.
    pub la_code: String,
    /// The cut in turnover, as a fraction (0.12 for 12%).
    pub cut: f64,
    pub reasoning: String,
}

/// A round's results as its organisation sees them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Summary {
    pub round: Round,
    #[serde(skip)]
    pub set: &'static QuestionSet,
    pub org_name: String,
    pub synthetic: bool,
    /// `false` while the round is open: nothing is shown before it closes.
    pub published: bool,
    pub overall: GroupFigures,
    pub breakdowns: Vec<Breakdown>,
    pub reasons: Vec<ReasonFigure>,
    pub obstacles: Vec<ReasonFigure>,
    pub drivers: Vec<Driver>,
    /// Respondents the drivers view needs.
    pub drivers_need: u64,
    pub workforce: Vec<WorkforceFigure>,
    pub previous_title: Option<String>,
    pub retain: Option<RetainStart>,
    /// Free text by where it was asked, in alphabetical order; only for those who run rounds.
    pub comments: Option<Vec<(String, Vec<String>)>>,
    /// Organisations in the region's and England's benchmarks.
    pub benchmark_orgs: (usize, usize),
}

/// Organisations a benchmark needs.
pub const BENCHMARK_NEED: usize = 3;

/// One organisation's round in a benchmark: its standards' shares agreeing and intention to stay.
struct Benchmarked {
    region: Option<String>,
    standards: Vec<Option<f64>>,
    stay: Option<f64>,
}

impl App {
    /// A round's results. Nothing is shown before it closes; see the module's rules.
    pub fn health_summary(
        &self,
        who: &Principal,
        id: i64,
        today: Date,
    ) -> Result<Summary, AppError> {
        who.require_read(Permission::ViewHealthCheckResults)?;
        let round = self.own_round(who, id, today)?;
        let comments = who.can(Permission::RunHealthCheck);
        self.summary_of(&who.org, round, comments)
    }

    /// The organisation's rounds, for a program reading results (a token with a read scope).
    pub fn health_rounds_for_results(
        &self,
        who: &Principal,
        today: Date,
    ) -> Result<Vec<Round>, AppError> {
        who.require_read(Permission::ViewHealthCheckResults)?;
        self.store()
            .health_rounds(who.org.id)?
            .into_iter()
            .map(|r| self.close_if_due(r, today))
            .collect()
    }

    /// A round's results, or the latest closed round's when `id` is `None`.
    pub fn latest_health_summary(
        &self,
        who: &Principal,
        id: Option<i64>,
        today: Date,
    ) -> Result<Summary, AppError> {
        who.require_read(Permission::ViewHealthCheckResults)?;
        let id = match id {
            Some(id) => id,
            None => self
                .health_rounds_for_results(who, today)?
                .into_iter()
                .find(|r| !r.is_open())
                .map(|r| r.id)
                .ok_or_else(|| AppError::NotFound {
                    kind: "closed health check round",
                    query: who.org.name.clone(),
                    suggestions: Vec::new(),
                })?,
        };
        self.health_summary(who, id, today)
    }

    /// A round's results for the command line (the operator reads any organisation's, without
    /// free text).
    pub fn health_summary_of(
        &self,
        org: &Organisation,
        id: Option<i64>,
        today: Date,
    ) -> Result<Summary, AppError> {
        let rounds = self.store().health_rounds(org.id)?;
        let round = match id {
            Some(id) => rounds.into_iter().find(|r| r.id == id),
            None => rounds.into_iter().find(|r| !r.is_open()),
        }
        .ok_or_else(|| AppError::NotFound {
            kind: "closed health check round",
            query: id.map_or_else(|| org.name.clone(), |i| i.to_string()),
            suggestions: Vec::new(),
        })?;
        let round = self.close_if_due(round, today)?;
        self.summary_of(org, round, false)
    }

    fn summary_of(
        &self,
        org: &Organisation,
        round: Round,
        with_comments: bool,
    ) -> Result<Summary, AppError> {
        let set = question_set_of(&round)?;
        let published = !round.is_open();
        let responses = if published {
            self.store().health_responses(round.id)?
        } else {
            Vec::new()
        };
        let teams: Vec<(i64, String)> = self
            .store()
            .teams(org.id)?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect();
        let (mut overall, breakdowns) = tabulate(set, &round, &responses, &teams);
        let shown = overall.shown;
        let reason_labels: Vec<String> = set.stay.reasons.iter().map(|r| r.label.clone()).collect();
        let obstacle_labels: Vec<String> = Obstacle::ALL
            .iter()
            .map(|o| o.label().to_string())
            .collect();
        let (reasons, obstacles, drivers) = if shown {
            (
                chosen(&responses, &reason_labels, |r| r.reasons),
                chosen(&responses, &obstacle_labels, |r| r.obstacles),
                drivers(set, &responses),
            )
        } else {
            Default::default()
        };
        // Free text: the organisation's leaders only, once the whole organisation is shown, in
        // alphabetical order so that nothing follows when it was written.
        let comments = (with_comments && shown).then(|| {
            let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for r in &responses {
                for (k, text) in &r.comments {
                    by.entry(k.clone()).or_default().push(text.clone());
                }
            }
            let mut out = Vec::new();
            for s in &set.standards {
                if let Some(mut v) = by.remove(&s.key) {
                    v.sort();
                    out.push((s.title.clone(), v));
                }
            }
            if let Some(mut v) = by.remove("stay") {
                v.sort();
                out.push(("What would make people stay".to_string(), v));
            }
            out
        });
        // The self-assessment beside each standard.
        for (f, s) in overall.standards.iter_mut().zip(&set.standards) {
            f.assessment = round
                .assessment
                .iter()
                .find(|a| a.standard == s.key)
                .and_then(|a| a.rating)
                .and_then(|r| set.organisation.scale.get(usize::from(r)).cloned());
        }
        // Year on year: the organisation's previous closed round of the same question set.
        let previous = self
            .store()
            .health_rounds(org.id)?
            .into_iter()
            .filter(|r| !r.is_open() && r.id < round.id && r.version == round.version)
            .max_by_key(|r| r.id);
        let mut previous_title = None;
        if let (true, Some(prev)) = (shown, previous) {
            let prev_responses = self.store().health_responses(prev.id)?;
            let (prev_overall, _) = tabulate(set, &prev, &prev_responses, &teams);
            if prev_overall.shown {
                for (now, then) in overall.standards.iter_mut().zip(&prev_overall.standards) {
                    now.previous = then.agree.filter(|_| now.shown);
                }
                previous_title = Some(prev.title.clone());
            }
        }
        let snapshot = self.snapshot()?;
        let la = org
            .la_code
            .as_deref()
            .and_then(|c| GeographyCode::parse(c).ok());
        let region = la
            .as_ref()
            .and_then(|c| snapshot.geography(c))
            .and_then(|g| snapshot.region_of(g))
            .map(|g| g.code.to_string());
        let benchmarks = if shown {
            self.benchmarks(set, &round, &snapshot)?
        } else {
            Vec::new()
        };
        let in_region: Vec<&Benchmarked> = benchmarks
            .iter()
            .filter(|b| region.is_some() && b.region == region)
            .collect();
        for (i, f) in overall.standards.iter_mut().enumerate() {
            if !f.shown {
                continue;
            }
            let of = |list: &[&Benchmarked]| {
                let v: Vec<f64> = list.iter().filter_map(|b| b.standards[i]).collect();
                (v.len() >= BENCHMARK_NEED).then(|| median(v)).flatten()
            };
            f.region = of(&in_region);
            f.england = of(&benchmarks.iter().collect::<Vec<_>>());
        }
        let workforce = la
            .as_ref()
            .map(|c| workforce(&snapshot, c))
            .unwrap_or_default();
        let mut workforce = workforce;
        if let Some(share) = self.diary_share(org, &round) {
            workforce.push(share);
        }
        let retain = match (&la, overall.stay) {
            (Some(code), Some(stay)) => {
                retain_start(&snapshot, code, stay, &in_region, &benchmarks)
            }
            _ => None,
        };
        let benchmark_orgs = (in_region.len(), benchmarks.len());
        Ok(Summary {
            set,
            org_name: org.name.clone(),
            synthetic: org.synthetic || round.synthetic,
            published,
            overall,
            breakdowns,
            reasons,
            obstacles,
            drivers,
            drivers_need: DRIVERS_NEED,
            workforce,
            previous_title,
            retain,
            comments,
            benchmark_orgs,
            round,
        })
    }

    /// Each organisation's latest round that shares its results, closed in the two years before
    /// this round closed or the year after, with its figures (only rounds whose whole
    /// organisation is shown).
    fn benchmarks(
        &self,
        set: &QuestionSet,
        round: &Round,
        snapshot: &crate::Snapshot,
    ) -> Result<Vec<Benchmarked>, AppError> {
        let closed = round.closed_at.as_deref().unwrap_or_default();
        let at = closed.parse::<jiff::Timestamp>().ok();
        let since = at
            .map(|t| crate::access::stamp(crate::access::minus(t, jiff::ToSpan::hours(730 * 24))))
            .unwrap_or_default();
        let until = at
            .map(|t| crate::access::stamp(crate::access::plus(t, jiff::ToSpan::hours(365 * 24))))
            .unwrap_or_default();
        let mut latest: BTreeMap<i64, Round> = BTreeMap::new();
        for r in self.store().benchmark_rounds(&since)? {
            if r.version == set.version && r.closed_at.as_deref() <= Some(until.as_str()) {
                latest.insert(r.org_id, r);
            }
        }
        let mut out = Vec::new();
        for (org_id, r) in latest {
            let Some(org) = self.store().organisation(org_id)? else {
                continue;
            };
            if org.synthetic {
                continue;
            }
            let responses = self.store().health_responses(r.id)?;
            let (figures, _) = tabulate(set, &r, &responses, &[]);
            if !figures.shown {
                continue;
            }
            let region = org
                .la_code
                .as_deref()
                .and_then(|c| GeographyCode::parse(c).ok())
                .and_then(|c| snapshot.geography(&c).cloned())
                .and_then(|g| snapshot.region_of(&g).map(|r| r.code.to_string()));
            out.push(Benchmarked {
                region,
                standards: figures.standards.iter().map(|s| s.agree).collect(),
                stay: figures.stay,
            });
        }
        Ok(out)
    }

    /// The organisation's diary share of direct work over the round's weeks, where it keeps one
    /// and enough people contributed.
    fn diary_share(&self, org: &Organisation, round: &Round) -> Option<WorkforceFigure> {
        let day = |s: &str| Date::parse(s.get(..10)?).ok();
        let from = Week::containing(day(&round.opened_at)?);
        let to = Week::containing(day(round.closed_at.as_deref()?)?);
        let g = self.org_time_of(org, &Group::Organisation, from, to).ok()?;
        let share = g.relationship_share.filter(|_| g.shown)?;
        Some(WorkforceFigure {
            label: "Direct, relationship-based work (time diary)".into(),
            value: format!("{:.0}%", share * 100.0),
            when: format!("weeks of {} to {}", from.monday(), to.sunday()),
        })
    }
}

/// The authority's latest published turnover, agency, vacancy rates and caseload.
fn workforce(snapshot: &crate::Snapshot, code: &GeographyCode) -> Vec<WorkforceFigure> {
    [
        ("turnover_rate_fte", "Turnover"),
        ("agency_rate_fte", "Agency workers"),
        ("vacancy_rate_fte", "Vacancies"),
        ("caseload_fte", "Average caseload"),
    ]
    .into_iter()
    .filter_map(|(name, label)| {
        let m = Measure::named(name)?;
        let f = snapshot
            .series(code, m, "")
            .into_iter()
            .rev()
            .find(|f| f.value().is_some())?;
        let v = f.value()?;
        let value = if name == "caseload_fte" {
            format!("{v:.1} cases per social worker")
        } else {
            format!("{:.1}%", v * 100.0)
        };
        Some(WorkforceFigure {
            label: label.into(),
            value,
            when: f.year.to_string(),
        })
    })
    .collect()
}

/// "Turnover if intention to stay moved to the regional upper quarter": leavers are taken to
/// fall in proportion to the share who do not expect to stay.
fn retain_start(
    snapshot: &crate::Snapshot,
    code: &GeographyCode,
    stay: f64,
    region: &[&Benchmarked],
    england: &[Benchmarked],
) -> Option<RetainStart> {
    let of = |list: Vec<f64>| (list.len() >= 4).then(|| upper_quarter(list)).flatten();
    let (target, whose) = match of(region.iter().filter_map(|b| b.stay).collect()) {
        Some(t) => (t, "the region's"),
        None => (
            of(england.iter().filter_map(|b| b.stay).collect())?,
            "England's",
        ),
    };
    let turnover = snapshot
        .series(code, Measure::named("turnover_rate_fte")?, "")
        .into_iter()
        .rev()
        .find_map(|f| f.value())?;
    if target <= stay || stay >= 1.0 {
        return None;
    }
    let cut = (1.0 - (1.0 - target) / (1.0 - stay)).clamp(0.0, 0.9);
    Some(RetainStart {
        la_code: code.to_string(),
        cut,
        reasoning: format!(
            "{:.0}% of your respondents expect to be here in 12 months; the upper quarter of {whose} organisations that share results is {:.0}%. If those not expecting to stay fell from {:.0}% to {:.0}%, and leavers fell in proportion, turnover of {:.1}% would fall by {:.0}% to {:.1}%. This is an association across people, not a promise: use it as a starting value and test others.",
            stay * 100.0,
            target * 100.0,
            (1.0 - stay) * 100.0,
            (1.0 - target) * 100.0,
            turnover * 100.0,
            cut * 100.0,
            turnover * (1.0 - cut) * 100.0
        ),
    })
}

/// The results as CSV: one row per group shown and statement or standard, as shown (a statement
/// held back says so, never a figure; a group held back is not there). Only the heading while
/// nothing is published.
pub fn summary_csv(s: &Summary) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let pct = |v: Option<f64>| {
        v.map_or_else(
            || "fewer than 5".to_string(),
            |v| format!("{:.0}", v * 100.0),
        )
    };
    let _ = w.write_record([
        "round",
        "split_by",
        "group",
        "standard",
        "statement_key",
        "statement",
        "answers_rounded",
        "agree_pct",
        "neutral_pct",
        "disagree_pct",
    ]);
    if !s.published || !s.overall.shown {
        return String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    }
    // Groups held back are left out whole: not even their names (a name would say someone in
    // that group answered).
    let mut groups: Vec<(&str, &GroupFigures)> = vec![("organisation", &s.overall)];
    for b in &s.breakdowns {
        groups.extend(b.groups.iter().filter(|g| g.shown).map(|g| (b.by, g)));
    }
    for (by, g) in groups {
        for f in &g.standards {
            let _ = w.write_record([
                s.round.title.as_str(),
                by,
                &g.label,
                &f.title,
                "",
                "all statements of the standard",
                "",
                &pct(f.agree),
                "",
                &pct(f.disagree),
            ]);
        }
        for f in &g.statements {
            let _ = w.write_record([
                s.round.title.as_str(),
                by,
                &g.label,
                &f.standard,
                &f.key,
                &f.text,
                &f.answered
                    .map_or_else(|| "fewer than 5".to_string(), |n| n.to_string()),
                &pct(f.agree),
                &pct(f.neutral),
                &pct(f.disagree),
            ]);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
