//! Scenarios: the levers a person pulls, read from a TOML file or a web form, and checked.
//!
//! ```toml
//! name = "More Frontline places and a retention offer"
//!
//! [train]
//! allocation = "vacancies"          # or "table", with [train.shares] "E06000058" = 0.02 ...
//! [[train.routes]]
//! route = "Frontline"
//! places = 200                      # extra entrants starting each year
//! start_year = 2023
//! course_years = 1
//! completion_rate = 0.9
//! share_to_councils = 0.8           # share entering council children's services
//! first_year_retention = 0.85
//! # authority = "E10000016"         # an authority's own places: all its entrants join it
//!
//! [retain]
//! from_year = 2024
//! relative_reduction = 0.10         # or absolute_reduction = 0.02 (two percentage points)
//!
//! [reform]
//! direct_share_now = 0.20           # share of working time on direct work today
//! direct_share_target = 0.40
//! from_year = 2024
//! ramp_years = 3
//!
//! [agency]
//! from_year = 2024
//! cap_rate = 0.10                   # and/or conversion_rate = 0.2 (agency moved to permanent a year)
//!
//! [demand]
//! cin_growth = 0.01                 # children in need growth a year; fitted trend when left out
//! target_caseload = 16
//! ```
//!
//! Shares and rates are fractions (0.85 means 85%). Every lever year must fall inside the
//! projection, after the origin year.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use swforce_domain::Year;

/// Longest projection, in years.
pub const MAX_YEARS: u16 = 15;

/// A set of levers. An empty scenario is the baseline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train: Option<Train>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retain: Option<Retain>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reform: Option<Reform>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<Agency>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demand: Option<Demand>,
}

/// How extra entrants are shared among authorities.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Allocation {
    /// In proportion to each authority's vacancies at the origin.
    #[default]
    Vacancies,
    /// By the shares in `train.shares`.
    Table,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Train {
    #[serde(default)]
    pub allocation: Allocation,
    /// Authority code → share of entrants, for `allocation = "table"`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub shares: BTreeMap<String, f64>,
    #[serde(default)]
    pub routes: Vec<Route>,
}

/// One training route (university, apprenticeship, Step Up, Frontline...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub route: String,
    /// Extra places starting each year.
    pub places: f64,
    pub start_year: u16,
    /// Last year a cohort starts; every year to the end of the projection when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_year: Option<u16>,
    pub course_years: u16,
    pub completion_rate: f64,
    pub share_to_councils: f64,
    pub first_year_retention: f64,
    /// An authority's own places (its code): every entrant joins that authority, rather than
    /// being shared among authorities by the train allocation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retain {
    pub from_year: u16,
    /// Turnover cut by this share of itself (0.1: 15% becomes 13.5%).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative_reduction: Option<f64>,
    /// Turnover cut by this many points (0.02: 15% becomes 13%).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absolute_reduction: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reform {
    pub direct_share_now: f64,
    pub direct_share_target: f64,
    pub from_year: u16,
    #[serde(default)]
    pub ramp_years: u16,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    pub from_year: u16,
    /// Highest agency rate allowed: agency ÷ (agency + in post).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_rate: Option<f64>,
    /// Share of agency workers moved to permanent posts each year (where posts are open).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion_rate: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Demand {
    /// Growth of children in need a year (0.01 is 1%); the fitted trend when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cin_growth: Option<f64>,
    /// Cases per case-holding FTE that posts needed are counted at; England's current caseload
    /// when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_caseload: Option<f64>,
}

/// A problem with a scenario: where, which key, what is wrong and the allowed range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct ScenarioError {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
    /// The key, as a path (`train.routes[1].completion_rate`).
    pub key: String,
    pub problem: String,
    pub fix: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        write!(f, ": error: ")?;
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        write!(f, "{}\n  fix: {}", self.problem, self.fix)
    }
}

const LEVERS: &str = "name, description, train, retain, reform, agency, demand";

/// The longest scenario name, in characters (it is shown as a heading and in links).
pub const MAX_NAME_CHARS: usize = 100;
/// The longest scenario description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
/// The largest scenario file read: a scenario is a few dozen lines.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

impl Scenario {
    /// Reads a scenario file. Syntax errors and unknown keys name the line and column.
    pub fn from_toml(file: &str, text: &str) -> Result<Scenario, Vec<ScenarioError>> {
        toml::from_str::<Scenario>(text).map_err(|e| {
            let (line, column) = e.span().map_or((None, None), |span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() as u64 + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
                (Some(line), Some(column))
            });
            let mut message = e.message().trim().to_string();
            // What the file said is echoed in the message: cut to a few hundred characters.
            if message.chars().count() > 300 {
                message = message.chars().take(300).collect::<String>() + "… (cut)";
            }
            let fix = if message.contains("unknown field") {
                format!("use only the known keys; at the top level they are: {LEVERS}")
            } else if message.contains("missing field") {
                "add the missing key; see the example scenario in the documentation".to_string()
            } else if text.contains('\0') {
                "save the scenario as plain UTF-8 text: it holds a NUL byte".to_string()
            } else if message.contains("recursion") {
                "a scenario is a few flat tables of levers: remove the nesting".to_string()
            } else {
                "write the value as a number (0.85, not 85%) or a quoted word, as the example scenario shows".to_string()
            };
            vec![ScenarioError { file: file.to_string(), line, column, key: String::new(), problem: message, fix }]
        })
    }

    /// The scenario as TOML, for saving and sharing.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// Whether no lever is set.
    pub fn is_baseline(&self) -> bool {
        self.train.is_none()
            && self.retain.is_none()
            && self.reform.is_none()
            && self.agency.is_none()
            && self.demand.is_none()
    }

    /// Checks every value against its allowed range for a projection from `origin` over `years`
    /// years; `authorities` are the codes a `train.shares` table may name.
    pub fn validate(
        &self,
        file: &str,
        origin: Year,
        years: u16,
        authorities: &[&str],
    ) -> Result<(), Vec<ScenarioError>> {
        let mut errors = Vec::new();
        let first = origin.get() + 1;
        let last = origin.get() + years.max(1);
        let mut err = |key: String, problem: String, fix: String| {
            errors.push(ScenarioError {
                file: file.to_string(),
                line: None,
                column: None,
                key,
                problem,
                fix,
            });
        };
        let share = |key: String, v: f64, err: &mut dyn FnMut(String, String, String)| {
            if !(0.0..=1.0).contains(&v) || !v.is_finite() {
                err(
                    key,
                    format!("is {v}, outside 0 to 1"),
                    "give a share between 0 and 1 (0.85 means 85%)".into(),
                );
            }
        };
        let year = |key: String, v: u16, err: &mut dyn FnMut(String, String, String)| {
            if v < first || v > last {
                err(
                    key,
                    format!("is {v}, outside the projection ({first} to {last})"),
                    format!(
                        "choose a year from {first} to {last}: the origin year {origin} and earlier are history"
                    ),
                );
            }
        };
        let text_field =
            |key: &str, v: &str, most: usize, err: &mut dyn FnMut(String, String, String)| {
                let n = v.chars().count();
                if n > most {
                    err(
                        key.into(),
                        format!("is {n} characters long"),
                        format!("keep it to {most} characters"),
                    );
                } else if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                    err(
                        key.into(),
                        "holds a control character".into(),
                        "write it as plain text".into(),
                    );
                }
            };
        text_field("name", &self.name, MAX_NAME_CHARS, &mut err);
        text_field(
            "description",
            &self.description,
            MAX_DESCRIPTION_CHARS,
            &mut err,
        );
        if let Some(t) = &self.train {
            if t.routes.is_empty() {
                err(
                    "train.routes".into(),
                    "has no route".into(),
                    "add at least one [[train.routes]] table, or remove [train]".into(),
                );
            }
            for (i, r) in t.routes.iter().enumerate() {
                let k = |f: &str| format!("train.routes[{}].{f}", i + 1);
                if !(0.0..=100_000.0).contains(&r.places) || !r.places.is_finite() {
                    err(
                        k("places"),
                        format!("is {}, outside 0 to 100,000", r.places),
                        "give the number of extra places starting each year, zero or more".into(),
                    );
                }
                // A cohort starting before the first projected year may arrive inside it.
                if r.start_year + 10 < first || r.start_year > last {
                    err(
                        k("start_year"),
                        format!("is {}, outside {} to {last}", r.start_year, first - 10),
                        "choose the year the first extra cohort starts its course".into(),
                    );
                }
                if let Some(e) = r.end_year {
                    if e < r.start_year {
                        err(
                            k("end_year"),
                            format!("is {e}, before start_year {}", r.start_year),
                            "give the last year a cohort starts, not before the first".into(),
                        );
                    }
                }
                if r.course_years > 5 {
                    err(
                        k("course_years"),
                        format!("is {}, outside 0 to 5", r.course_years),
                        "give the course length in whole years".into(),
                    );
                }
                if let Some(code) = &r.authority {
                    if !authorities.is_empty() && !authorities.contains(&code.as_str()) {
                        err(
                            k("authority"),
                            format!("is {code}, not an authority in the projection"),
                            "use the 9-character code of a local authority, such as E06000058, or leave it out for national places".into(),
                        );
                    }
                }
                share(k("completion_rate"), r.completion_rate, &mut err);
                share(k("share_to_councils"), r.share_to_councils, &mut err);
                share(k("first_year_retention"), r.first_year_retention, &mut err);
            }
            if t.allocation == Allocation::Table {
                if t.shares.is_empty() {
                    err(
                        "train.shares".into(),
                        "is empty though allocation is \"table\"".into(),
                        "list authority codes with their shares, or use allocation = \"vacancies\""
                            .into(),
                    );
                }
                for (code, v) in &t.shares {
                    if !authorities.contains(&code.as_str()) {
                        err(
                            format!("train.shares.{code}"),
                            "is not an authority in the projection".into(),
                            "use the 9-character code of a local authority, such as E06000058"
                                .into(),
                        );
                    }
                    share(format!("train.shares.{code}"), *v, &mut err);
                }
            }
        }
        if let Some(r) = &self.retain {
            year("retain.from_year".into(), r.from_year, &mut err);
            match (r.relative_reduction, r.absolute_reduction) {
                (None, None) | (Some(_), Some(_)) => err(
                    "retain".into(),
                    "needs exactly one of relative_reduction and absolute_reduction".into(),
                    "give relative_reduction = 0.1 (a tenth less turnover) or absolute_reduction = 0.02 (two points less)".into(),
                ),
                (Some(v), None) => share("retain.relative_reduction".into(), v, &mut err),
                (None, Some(v)) => {
                    if !(0.0..=0.5).contains(&v) || !v.is_finite() {
                        err("retain.absolute_reduction".into(), format!("is {v}, outside 0 to 0.5"), "give points of turnover as a fraction: 0.02 is two percentage points".into());
                    }
                }
            }
        }
        if let Some(r) = &self.reform {
            share(
                "reform.direct_share_now".into(),
                r.direct_share_now,
                &mut err,
            );
            share(
                "reform.direct_share_target".into(),
                r.direct_share_target,
                &mut err,
            );
            if r.direct_share_now <= 0.0 {
                err(
                    "reform.direct_share_now".into(),
                    "is 0".into(),
                    "give today's share of time on direct work, above 0 (0.2 means a fifth)".into(),
                );
            }
            year("reform.from_year".into(), r.from_year, &mut err);
            if r.ramp_years > MAX_YEARS {
                err(
                    "reform.ramp_years".into(),
                    format!("is {}, outside 0 to {MAX_YEARS}", r.ramp_years),
                    "give the years it takes to reach the target".into(),
                );
            }
        }
        if let Some(a) = &self.agency {
            year("agency.from_year".into(), a.from_year, &mut err);
            if a.cap_rate.is_none() && a.conversion_rate.is_none() {
                err(
                    "agency".into(),
                    "sets neither cap_rate nor conversion_rate".into(),
                    "give cap_rate = 0.1 (at most 10% agency) and/or conversion_rate = 0.2".into(),
                );
            }
            if let Some(v) = a.cap_rate {
                share("agency.cap_rate".into(), v, &mut err);
            }
            if let Some(v) = a.conversion_rate {
                share("agency.conversion_rate".into(), v, &mut err);
            }
        }
        if let Some(d) = &self.demand {
            if let Some(g) = d.cin_growth {
                if !(-0.2..=0.2).contains(&g) || !g.is_finite() {
                    err(
                        "demand.cin_growth".into(),
                        format!("is {g}, outside -0.2 to 0.2"),
                        "give yearly growth as a fraction: 0.01 is 1% a year".into(),
                    );
                }
            }
            if let Some(c) = d.target_caseload {
                if !(5.0..=40.0).contains(&c) || !c.is_finite() {
                    err(
                        "demand.target_caseload".into(),
                        format!("is {c}, outside 5 to 40"),
                        "give cases per case-holding social worker, such as 16".into(),
                    );
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> Year {
        Year::try_from(2022).unwrap()
    }

    const GOOD: &str = r#"
name = "Frontline and retention"
[train]
[[train.routes]]
route = "Frontline"
places = 200
start_year = 2023
course_years = 1
completion_rate = 0.9
share_to_councils = 0.8
first_year_retention = 0.85
[retain]
from_year = 2024
relative_reduction = 0.1
"#;

    #[test]
    fn a_good_scenario_reads_validates_and_writes_back() {
        let s = Scenario::from_toml("s.toml", GOOD).unwrap();
        assert_eq!(s.name, "Frontline and retention");
        s.validate("s.toml", origin(), 10, &[]).unwrap();
        let again = Scenario::from_toml("again.toml", &s.to_toml()).unwrap();
        assert_eq!(again, s);
    }

    #[test]
    fn an_unknown_lever_names_its_line_and_the_known_ones() {
        let errs =
            Scenario::from_toml("s.toml", "name = \"x\"\n[trian]\nplaces = 3\n").unwrap_err();
        let e = &errs[0];
        assert_eq!(e.line, Some(2));
        assert!(e.problem.contains("trian"), "{}", e.problem);
        assert!(e.fix.contains("train, retain, reform, agency, demand"));
    }

    #[test]
    fn out_of_range_values_name_the_key_and_the_allowed_range() {
        let bad = GOOD
            .replace("completion_rate = 0.9", "completion_rate = 1.4")
            .replace("places = 200", "places = -5")
            .replace("from_year = 2024", "from_year = 2021");
        let s = Scenario::from_toml("s.toml", &bad).unwrap();
        let errs = s.validate("s.toml", origin(), 10, &[]).unwrap_err();
        let text: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert!(
            text.iter()
                .any(|t| t.contains("train.routes[1].completion_rate: is 1.4, outside 0 to 1")),
            "{text:#?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains("train.routes[1].places: is -5")),
            "{text:#?}"
        );
        assert!(
            text.iter()
                .any(|t| t
                    .contains("retain.from_year: is 2021, outside the projection (2023 to 2032)")),
            "{text:#?}"
        );
    }

    #[test]
    fn a_percentage_written_as_text_is_a_clear_type_error() {
        let errs = Scenario::from_toml(
            "s.toml",
            "[retain]\nfrom_year = 2024\nrelative_reduction = \"10%\"\n",
        )
        .unwrap_err();
        assert_eq!(errs[0].line, Some(3));
        assert!(errs[0].fix.contains("0.85, not 85%"));
    }
}
