//! Measures: what each published column means, its unit and how it is derived.
//!
//! Canonical names follow the latest Explore Education Statistics releases (`inpost_fte`,
//! `leavers_fte`, `agency_rate_fte`); every other published spelling appears once, in each
//! measure's `legacy` list, which is the whole mapping table. Column names are matched without
//! regard to case, so a spelling that differs only by case needs no entry.
//!
//! This file is longer than the style guide's 800 lines on purpose: most of it is [`MEASURES`],
//! one entry per published column, kept in one table so that adding an indicator is adding one
//! entry (see docs/architecture.md).

use crate::Dataset;
use serde::Serialize;

/// What a number counts, which decides how it is stored, rounded and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Full-time equivalent posts, one decimal place.
    Fte,
    /// People, whole numbers.
    Headcount,
    /// Cases, referrals, episodes: whole numbers.
    Count,
    /// Working days, one decimal place.
    Days,
    /// A share stored as a fraction (0.171), published and shown as a percentage (17.1).
    Percent,
    /// Per 10,000 children, one decimal place.
    PerTenThousand,
    /// Cases per case-holding FTE, one decimal place.
    CasesPerFte,
}

impl Unit {
    /// Decimal places the publisher rounds to (for percentages: of the percentage).
    pub fn decimals(self) -> u32 {
        match self {
            Unit::Headcount | Unit::Count => 0,
            _ => 1,
        }
    }

    /// Converts a published number into the stored form (percentages become fractions).
    pub fn from_published(self, published: f64) -> f64 {
        match self {
            Unit::Percent => published / 100.0,
            _ => published,
        }
    }

    /// Converts a stored number into the published form (fractions become percentages).
    pub fn to_published(self, stored: f64) -> f64 {
        match self {
            Unit::Percent => stored * 100.0,
            _ => stored,
        }
    }

    /// Whether the published number is a percentage, which cannot exceed 100.
    pub fn is_percent(self) -> bool {
        self == Unit::Percent
    }

    /// Words for a column heading or axis ("FTE", "%").
    pub fn label(self) -> &'static str {
        match self {
            Unit::Fte => "FTE",
            Unit::Headcount => "people",
            Unit::Count => "number",
            Unit::Days => "days",
            Unit::Percent => "%",
            Unit::PerTenThousand => "per 10,000 children",
            Unit::CasesPerFte => "cases per FTE",
        }
    }
}

/// Which way is better, for benchmarking and direction of travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    LowerIsBetter,
    HigherIsBetter,
    /// A size, not a judgement.
    Neutral,
}

/// How a published rate is derived from published counts, following the publisher's definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Formula {
    /// `numerator / denominator`.
    Ratio {
        numerator: &'static str,
        denominator: &'static str,
    },
    /// `part / (part + rest)`: agency and vacancy rates, whose whole is in post plus the part.
    Share {
        part: &'static str,
        rest: &'static str,
    },
    /// `days_lost / (fte × working days in the year)`.
    Absence {
        days_lost: &'static str,
        fte: &'static str,
    },
    /// `count / children × 10,000`: a figure per 10,000 children aged 0 to 17.
    PerTenThousand {
        count: &'static str,
        children: &'static str,
    },
}

impl Formula {
    /// The measures the formula reads.
    pub fn inputs(self) -> [&'static str; 2] {
        match self {
            Formula::Ratio {
                numerator,
                denominator,
            } => [numerator, denominator],
            Formula::Share { part, rest } => [part, rest],
            Formula::Absence { days_lost, fte } => [days_lost, fte],
            Formula::PerTenThousand { count, children } => [count, children],
        }
    }
}

/// One measure of one dataset.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Measure {
    /// Canonical name, as in the latest release.
    pub name: &'static str,
    pub dataset: Dataset,
    /// Plain-English label for headings.
    pub label: &'static str,
    pub unit: Unit,
    pub polarity: Polarity,
    /// The published definition, in words.
    pub definition: &'static str,
    /// How it is derived from other measures, where it is.
    pub formula: Option<Formula>,
    /// Other column names the publisher has used for the same thing, older or newer; matched,
    /// like the canonical name, without regard to case.
    pub legacy: &'static [&'static str],
    /// Whether it is one of the headline indicators shown first.
    pub headline: bool,
    /// Whether a percentage may exceed 100: its numerator is not part of its denominator
    /// (leavers can outnumber those in post; agency cover can exceed vacancies).
    pub may_exceed_whole: bool,
    /// Whether the publisher shows 0, not `z`, when both inputs are zero (no agency workers and
    /// none covering a vacancy is a cover rate of 0%); otherwise a zero denominator is `z`.
    pub zero_when_both_zero: bool,
    /// The dataset a figure is joined from, for a measure that its own dataset's files do not
    /// hold: the children of an area, from the population estimates, beside each workforce,
    /// children in need and referrals row (see [`population_year`]). Never read from a file.
    pub joined: Option<Dataset>,
}

/// The mid-year population estimate a dataset's year is set against, as the publisher does:
/// the workforce at 30 September of a year against the children at 30 June of that year; a
/// children in need or referrals year to 31 March against the children at 30 June before it.
pub fn population_year(dataset: Dataset, year: u16) -> Option<u16> {
    match dataset {
        Dataset::CswwHeadline => Some(year),
        Dataset::ChildrenInNeed | Dataset::Referrals => year.checked_sub(1),
        _ => None,
    }
}

/// The joined measure holding the children of an area in a dataset's rows, if it has one.
pub fn children_measure(dataset: Dataset) -> Option<&'static Measure> {
    MEASURES
        .iter()
        .find(|m| m.dataset == dataset && m.joined == Some(Dataset::ChildPopulation))
}

impl Measure {
    /// Finds a measure of `dataset` by its canonical name or any other published spelling,
    /// without regard to case: releases have written the same column `Awaiting_assessment` and
    /// `awaiting_assessment`.
    pub fn find(dataset: Dataset, column: &str) -> Option<&'static Measure> {
        MEASURES.iter().find(|m| {
            m.dataset == dataset
                && m.joined.is_none()
                && m.spellings().any(|s| s.eq_ignore_ascii_case(column))
        })
    }

    /// The canonical name followed by every other spelling in the mapping table.
    pub fn spellings(&self) -> impl Iterator<Item = &'static str> + use<> {
        std::iter::once(self.name).chain(self.legacy.iter().copied())
    }

    /// Whether no release publishes the measure, so that swforce always computes it: a rate
    /// per 10,000 children of the workforce, from its counts and the population estimates.
    pub fn always_computed(&self) -> bool {
        matches!(self.formula, Some(Formula::PerTenThousand { .. }))
            && self.dataset == Dataset::CswwHeadline
    }

    /// Finds a measure by canonical name in any dataset.
    pub fn named(name: &str) -> Option<&'static Measure> {
        MEASURES.iter().find(|m| m.name == name)
    }

    /// The measures of one dataset, in publication order.
    pub fn of(dataset: Dataset) -> impl Iterator<Item = &'static Measure> {
        MEASURES.iter().filter(move |m| m.dataset == dataset)
    }
}

const fn m(
    name: &'static str,
    dataset: Dataset,
    label: &'static str,
    unit: Unit,
    polarity: Polarity,
    definition: &'static str,
) -> Measure {
    Measure {
        name,
        dataset,
        label,
        unit,
        polarity,
        definition,
        formula: None,
        legacy: &[],
        headline: false,
        may_exceed_whole: false,
        zero_when_both_zero: false,
        joined: None,
    }
}

const fn joined_children(
    name: &'static str,
    dataset: Dataset,
    definition: &'static str,
) -> Measure {
    let mut me = m(
        name,
        dataset,
        "Children aged 0 to 17",
        Count,
        Neutral,
        definition,
    );
    me.joined = Some(Dataset::ChildPopulation);
    me
}

const fn per_10k(count: &'static str, children: &'static str) -> Formula {
    Formula::PerTenThousand { count, children }
}

const fn zero_when_empty(mut me: Measure) -> Measure {
    me.zero_when_both_zero = true;
    me
}

const fn unbounded(mut me: Measure) -> Measure {
    me.may_exceed_whole = true;
    me
}

const fn legacy(mut me: Measure, names: &'static [&'static str]) -> Measure {
    me.legacy = names;
    me
}

const fn derived(mut me: Measure, formula: Formula) -> Measure {
    me.formula = Some(formula);
    me
}

const fn headline(mut me: Measure) -> Measure {
    me.headline = true;
    me
}

const fn ratio(numerator: &'static str, denominator: &'static str) -> Formula {
    Formula::Ratio {
        numerator,
        denominator,
    }
}

use Dataset::{
    ChildPopulation as Pop, ChildrenInNeed as Cin, CswwHeadline as Csww,
    CswwRoleByEthnicity as Eth, Referrals as Ref, StatisticalNeighbours as Sn,
};
use Polarity::{LowerIsBetter as Lower, Neutral};
use Unit::{CasesPerFte, Count, Days, Fte, Headcount, PerTenThousand, Percent};

/// Every measure swforce knows, in publication order within each dataset.
pub static MEASURES: &[Measure] = &[
    // Children's social work workforce: headline measures.
    headline(legacy(
        m(
            "inpost_fte",
            Csww,
            "Social workers in post (FTE)",
            Fte,
            Neutral,
            "Full-time equivalent children and family social workers employed by the local authority at 30 September.",
        ),
        &["social_worker_fte"],
    )),
    legacy(
        m(
            "inpost_headcount",
            Csww,
            "Social workers in post (headcount)",
            Headcount,
            Neutral,
            "Number of children and family social workers employed by the local authority at 30 September.",
        ),
        &["social_worker_headcount"],
    ),
    m(
        "starters_fte",
        Csww,
        "Starters (FTE)",
        Fte,
        Neutral,
        "Full-time equivalent social workers who started in the year to 30 September.",
    ),
    m(
        "starters_headcount",
        Csww,
        "Starters (headcount)",
        Headcount,
        Neutral,
        "Social workers who started in the year to 30 September.",
    ),
    legacy(
        m(
            "leavers_fte",
            Csww,
            "Leavers (FTE)",
            Fte,
            Neutral,
            "Full-time equivalent social workers who left in the year to 30 September.",
        ),
        &["leaver_fte"],
    ),
    legacy(
        m(
            "leavers_headcount",
            Csww,
            "Leavers (headcount)",
            Headcount,
            Neutral,
            "Social workers who left in the year to 30 September.",
        ),
        &["leaver_headcount"],
    ),
    headline(unbounded(derived(
        legacy(
            m(
                "turnover_rate_fte",
                Csww,
                "Turnover rate (FTE)",
                Percent,
                Lower,
                "Leavers in the year as a share of social workers in post at 30 September (FTE).",
            ),
            &["turnover_rate_fte_%"],
        ),
        ratio("leavers_fte", "inpost_fte"),
    ))),
    unbounded(derived(
        legacy(
            m(
                "turnover_rate_headcount",
                Csww,
                "Turnover rate (headcount)",
                Percent,
                Lower,
                "Leavers in the year as a share of social workers in post at 30 September (headcount).",
            ),
            &["turnover_rate_headcount_%"],
        ),
        ratio("leavers_headcount", "inpost_headcount"),
    )),
    m(
        "agency_fte",
        Csww,
        "Agency workers (FTE)",
        Fte,
        Neutral,
        "Full-time equivalent agency social workers at 30 September.",
    ),
    m(
        "agency_headcount",
        Csww,
        "Agency workers (headcount)",
        Headcount,
        Neutral,
        "Agency social workers at 30 September.",
    ),
    headline(derived(
        legacy(
            m(
                "agency_rate_fte",
                Csww,
                "Agency worker rate (FTE)",
                Percent,
                Lower,
                "Agency workers as a share of agency workers plus social workers in post (FTE).",
            ),
            &["agency_worker_rate_fte_%"],
        ),
        Formula::Share {
            part: "agency_fte",
            rest: "inpost_fte",
        },
    )),
    derived(
        legacy(
            m(
                "agency_rate_headcount",
                Csww,
                "Agency worker rate (headcount)",
                Percent,
                Lower,
                "Agency workers as a share of agency workers plus social workers in post (headcount).",
            ),
            &["agency_worker_rate_headcount_%"],
        ),
        Formula::Share {
            part: "agency_headcount",
            rest: "inpost_headcount",
        },
    ),
    m(
        "agency_cover_fte",
        Csww,
        "Agency workers covering vacancies (FTE)",
        Fte,
        Neutral,
        "Full-time equivalent agency workers covering a vacant post at 30 September.",
    ),
    zero_when_empty(derived(
        legacy(
            m(
                "agency_cover_rate_fte",
                Csww,
                "Agency workers covering vacancies, share of agency workers",
                Percent,
                Neutral,
                "Agency workers covering vacancies as a share of all agency workers (FTE).",
            ),
            &["agency_cover_rate_fte_%"],
        ),
        ratio("agency_cover_fte", "agency_fte"),
    )),
    m(
        "vacancy_fte",
        Csww,
        "Vacancies (FTE)",
        Fte,
        Neutral,
        "Full-time equivalent vacant social worker posts at 30 September.",
    ),
    headline(derived(
        legacy(
            m(
                "vacancy_rate_fte",
                Csww,
                "Vacancy rate (FTE)",
                Percent,
                Lower,
                "Vacancies as a share of vacancies plus social workers in post (FTE).",
            ),
            &["vacancy_rate_fte_%"],
        ),
        Formula::Share {
            part: "vacancy_fte",
            rest: "inpost_fte",
        },
    )),
    zero_when_empty(unbounded(derived(
        legacy(
            m(
                "vacancy_agency_cover_rate_fte",
                Csww,
                "Vacancies covered by agency workers",
                Percent,
                Neutral,
                "Agency workers covering vacancies as a share of vacancies (FTE).",
            ),
            &["vacancy_agency_cover_rate_fte_%"],
        ),
        ratio("agency_cover_fte", "vacancy_fte"),
    ))),
    m(
        "case_holders_fte",
        Csww,
        "Case-holding social workers (FTE)",
        Fte,
        Neutral,
        "Full-time equivalent social workers holding one or more cases at 30 September.",
    ),
    m(
        "cases",
        Csww,
        "Cases held",
        Count,
        Neutral,
        "Cases held by case-holding social workers at 30 September.",
    ),
    headline(derived(
        m(
            "caseload_fte",
            Csww,
            "Average caseload",
            CasesPerFte,
            Lower,
            "Cases per case-holding social worker (FTE) at 30 September.",
        ),
        ratio("cases", "case_holders_fte"),
    )),
    m(
        "working_days_lost_fte",
        Csww,
        "Working days lost to sickness (FTE)",
        Days,
        Neutral,
        "Working days lost to sickness absence in the year to 30 September, by social workers in post (FTE).",
    ),
    headline(derived(
        legacy(
            m(
                "absence_rate_fte",
                Csww,
                "Sickness absence rate",
                Percent,
                Lower,
                "Working days lost as a share of the working days available to social workers in post (FTE \u{d7} working days in the year).",
            ),
            &["absence_rate_fte_%"],
        ),
        Formula::Absence {
            days_lost: "working_days_lost_fte",
            fte: "inpost_fte",
        },
    )),
    joined_children(
        "population_0_17",
        Csww,
        "Children aged 0 to 17 living in the area at 30 June of the year (ONS mid-year estimate), joined from the population estimates.",
    ),
    headline(derived(
        m(
            "inpost_fte_per_10k",
            Csww,
            "Social workers in post per 10,000 children",
            PerTenThousand,
            Neutral,
            "Social workers in post (FTE) at 30 September per 10,000 children aged 0 to 17 (ONS mid-year estimate of the same year). For regions and England, their total FTE over their total children.",
        ),
        per_10k("inpost_fte", "population_0_17"),
    )),
    derived(
        m(
            "cases_per_10k",
            Csww,
            "Cases held per 10,000 children",
            PerTenThousand,
            Neutral,
            "Cases held by case-holding social workers at 30 September per 10,000 children aged 0 to 17 (ONS mid-year estimate of the same year).",
        ),
        per_10k("cases", "population_0_17"),
    ),
    derived(
        m(
            "vacancies_per_10k",
            Csww,
            "Vacancies per 10,000 children",
            PerTenThousand,
            Lower,
            "Vacant social worker posts (FTE) at 30 September per 10,000 children aged 0 to 17 (ONS mid-year estimate of the same year).",
        ),
        per_10k("vacancy_fte", "population_0_17"),
    ),
    // Social workers by role and ethnicity.
    m(
        "known_headcount",
        Eth,
        "Social workers with a known ethnicity",
        Headcount,
        Neutral,
        "Social workers in post at 30 September whose ethnic group was recorded.",
    ),
    m(
        "white",
        Eth,
        "White",
        Headcount,
        Neutral,
        "Social workers of a White ethnic group.",
    ),
    m(
        "mixed",
        Eth,
        "Mixed or multiple ethnic groups",
        Headcount,
        Neutral,
        "Social workers of a Mixed or multiple ethnic group.",
    ),
    m(
        "asian",
        Eth,
        "Asian or Asian British",
        Headcount,
        Neutral,
        "Social workers of an Asian or Asian British ethnic group.",
    ),
    m(
        "black",
        Eth,
        "Black, Black British, Caribbean or African",
        Headcount,
        Neutral,
        "Social workers of a Black, Black British, Caribbean or African ethnic group.",
    ),
    m(
        "other",
        Eth,
        "Other ethnic group",
        Headcount,
        Neutral,
        "Social workers of another ethnic group.",
    ),
    zero_when_empty(derived(
        m(
            "white_perc",
            Eth,
            "White (%)",
            Percent,
            Neutral,
            "White, as a share of social workers with a known ethnicity.",
        ),
        ratio("white", "known_headcount"),
    )),
    zero_when_empty(derived(
        m(
            "mixed_perc",
            Eth,
            "Mixed or multiple (%)",
            Percent,
            Neutral,
            "Mixed or multiple, as a share of social workers with a known ethnicity.",
        ),
        ratio("mixed", "known_headcount"),
    )),
    zero_when_empty(derived(
        m(
            "asian_perc",
            Eth,
            "Asian or Asian British (%)",
            Percent,
            Neutral,
            "Asian or Asian British, as a share of social workers with a known ethnicity.",
        ),
        ratio("asian", "known_headcount"),
    )),
    zero_when_empty(derived(
        m(
            "black_perc",
            Eth,
            "Black, Black British, Caribbean or African (%)",
            Percent,
            Neutral,
            "Black, Black British, Caribbean or African, as a share of social workers with a known ethnicity.",
        ),
        ratio("black", "known_headcount"),
    )),
    zero_when_empty(derived(
        m(
            "other_perc",
            Eth,
            "Other ethnic group (%)",
            Percent,
            Neutral,
            "Other ethnic group, as a share of social workers with a known ethnicity.",
        ),
        ratio("other", "known_headcount"),
    )),
    // Children in need.
    joined_children(
        "cin_population_0_17",
        Cin,
        "Children aged 0 to 17 living in the area at 30 June before the year to 31 March (ONS mid-year estimate), joined from the population estimates: the denominator of the published rates.",
    ),
    m(
        "Anypoint_episodes",
        Cin,
        "Children in need episodes at any point in the year",
        Count,
        Neutral,
        "Episodes of need open at any point in the year to 31 March.",
    ),
    derived(
        m(
            "Anypoint_episodes_rate",
            Cin,
            "Episodes at any point, per 10,000 children",
            PerTenThousand,
            Neutral,
            "Episodes open at any point in the year per 10,000 children aged under 18.",
        ),
        per_10k("Anypoint_episodes", "cin_population_0_17"),
    ),
    m(
        "Anypoint_child",
        Cin,
        "Children in need at any point in the year",
        Count,
        Neutral,
        "Children in need at any point in the year to 31 March.",
    ),
    derived(
        m(
            "Anypoint_child_rate",
            Cin,
            "Children in need at any point, per 10,000 children",
            PerTenThousand,
            Neutral,
            "Children in need at any point in the year per 10,000 children aged under 18.",
        ),
        per_10k("Anypoint_child", "cin_population_0_17"),
    ),
    m(
        "Started_episodes",
        Cin,
        "Episodes started",
        Count,
        Neutral,
        "Episodes of need that started in the year to 31 March.",
    ),
    derived(
        m(
            "Started_episodes_rate",
            Cin,
            "Episodes started, per 10,000 children",
            PerTenThousand,
            Neutral,
            "Episodes started in the year per 10,000 children aged under 18.",
        ),
        per_10k("Started_episodes", "cin_population_0_17"),
    ),
    m(
        "Started_child",
        Cin,
        "Children starting an episode",
        Count,
        Neutral,
        "Children starting an episode of need in the year to 31 March.",
    ),
    derived(
        m(
            "Started_child_rate",
            Cin,
            "Children starting an episode, per 10,000 children",
            PerTenThousand,
            Neutral,
            "Children starting an episode in the year per 10,000 children aged under 18.",
        ),
        per_10k("Started_child", "cin_population_0_17"),
    ),
    m(
        "Ended_episodes",
        Cin,
        "Episodes ended",
        Count,
        Neutral,
        "Episodes of need that ended in the year to 31 March.",
    ),
    derived(
        m(
            "Ended_episodes_rate",
            Cin,
            "Episodes ended, per 10,000 children",
            PerTenThousand,
            Neutral,
            "Episodes ended in the year per 10,000 children aged under 18.",
        ),
        per_10k("Ended_episodes", "cin_population_0_17"),
    ),
    m(
        "Ended_child",
        Cin,
        "Children ending an episode",
        Count,
        Neutral,
        "Children whose episode of need ended in the year to 31 March.",
    ),
    derived(
        m(
            "Ended_child_rate",
            Cin,
            "Children ending an episode, per 10,000 children",
            PerTenThousand,
            Neutral,
            "Children ending an episode in the year per 10,000 children aged under 18.",
        ),
        per_10k("Ended_child", "cin_population_0_17"),
    ),
    headline(m(
        "At31_episodes",
        Cin,
        "Children in need at 31 March",
        Count,
        Neutral,
        "Episodes of need open on 31 March.",
    )),
    derived(
        m(
            "At31_episodes_rate",
            Cin,
            "Children in need at 31 March, per 10,000 children",
            PerTenThousand,
            Neutral,
            "Episodes open on 31 March per 10,000 children aged under 18.",
        ),
        per_10k("At31_episodes", "cin_population_0_17"),
    ),
    m(
        "Awaiting_assessment",
        Cin,
        "Awaiting assessment at 31 March",
        Count,
        Lower,
        "Episodes on 31 March still awaiting the start of an assessment.",
    ),
    derived(
        m(
            "Awaiting_assessment_rate",
            Cin,
            "Awaiting assessment, per 10,000 children",
            PerTenThousand,
            Lower,
            "Episodes awaiting assessment per 10,000 children aged under 18.",
        ),
        per_10k("Awaiting_assessment", "cin_population_0_17"),
    ),
    // Referrals.
    joined_children(
        "referrals_population_0_17",
        Ref,
        "Children aged 0 to 17 living in the area at 30 June before the year to 31 March (ONS mid-year estimate), joined from the population estimates: the denominator of the published rates.",
    ),
    headline(legacy(
        m(
            "Referrals",
            Ref,
            "Referrals",
            Count,
            Neutral,
            "Referrals to children's social care in the year to 31 March.",
        ),
        &["referral_count"],
    )),
    derived(
        m(
            "Referrals_rate",
            Ref,
            "Referrals per 10,000 children",
            PerTenThousand,
            Neutral,
            "Referrals in the year per 10,000 children aged under 18.",
        ),
        per_10k("Referrals", "referrals_population_0_17"),
    ),
    legacy(
        m(
            "Re_referrals",
            Ref,
            "Re-referrals within 12 months",
            Count,
            Lower,
            "Referrals within 12 months of a previous referral of the same child.",
        ),
        &["rereferral_count"],
    ),
    derived(
        legacy(
            m(
                "Re_referrals_percent",
                Ref,
                "Re-referral rate",
                Percent,
                Lower,
                "Re-referrals within 12 months as a share of referrals.",
            ),
            &["rereferral_percent"],
        ),
        ratio("Re_referrals", "Referrals"),
    ),
    legacy(
        m(
            "No_Further_Action",
            Ref,
            "Referrals with no further action",
            Count,
            Neutral,
            "Referrals that led to no further action.",
        ),
        &["no_further_action_count"],
    ),
    derived(
        m(
            "No_Further_Action_percent",
            Ref,
            "No further action (%)",
            Percent,
            Neutral,
            "Referrals with no further action as a share of referrals.",
        ),
        ratio("No_Further_Action", "Referrals"),
    ),
    legacy(
        m(
            "Not_in_Need",
            Ref,
            "Assessed as not in need",
            Count,
            Neutral,
            "Referrals where the child was assessed as not in need.",
        ),
        &["not_in_need_count"],
    ),
    derived(
        m(
            "Not_in_Need_percent",
            Ref,
            "Assessed as not in need (%)",
            Percent,
            Neutral,
            "Children assessed as not in need as a share of referrals.",
        ),
        ratio("Not_in_Need", "Referrals"),
    ),
    legacy(
        m(
            "Referrals_child",
            Ref,
            "Children referred",
            Count,
            Neutral,
            "Children referred to children's social care in the year to 31 March.",
        ),
        &["referral_child_count"],
    ),
    derived(
        m(
            "Referrals_child_rate",
            Ref,
            "Children referred, per 10,000 children",
            PerTenThousand,
            Neutral,
            "Children referred per 10,000 children aged under 18.",
        ),
        per_10k("Referrals_child", "referrals_population_0_17"),
    ),
    legacy(
        m(
            "Re_referrals_child",
            Ref,
            "Children re-referred within 12 months",
            Count,
            Lower,
            "Children referred again within 12 months of a previous referral.",
        ),
        &["rereferral_child_count"],
    ),
    derived(
        legacy(
            m(
                "Re_referrals_child_percent",
                Ref,
                "Children re-referred (%)",
                Percent,
                Lower,
                "Children re-referred as a share of children referred.",
            ),
            &["rereferral_child_percent"],
        ),
        ratio("Re_referrals_child", "Referrals_child"),
    ),
    // Children aged 0 to 17.
    m(
        "population_estimate",
        Pop,
        "Children aged 0 to 17",
        Count,
        Neutral,
        "Children aged 0 to 17 living in the area at 30 June (ONS mid-year population estimate).",
    ),
    // Statistical neighbours: each authority's ten, by DfE code, and how close each is.
    neighbour(1),
    neighbour(2),
    neighbour(3),
    neighbour(4),
    neighbour(5),
    neighbour(6),
    neighbour(7),
    neighbour(8),
    neighbour(9),
    neighbour(10),
    closeness(1),
    closeness(2),
    closeness(3),
    closeness(4),
    closeness(5),
    closeness(6),
    closeness(7),
    closeness(8),
    closeness(9),
    closeness(10),
];

/// How many statistical neighbours the Department's model gives each authority.
pub const NEIGHBOURS: usize = 10;

/// The measure holding an authority's `rank`th statistical neighbour's DfE code (1 to 10).
pub fn neighbour_measure(rank: usize) -> &'static str {
    NEIGHBOUR_NAMES[rank.clamp(1, NEIGHBOURS) - 1]
}

/// The measure holding how close an authority's `rank`th neighbour is (see
/// [`crate::neighbours::Closeness`]).
pub fn closeness_measure(rank: usize) -> &'static str {
    CLOSENESS_NAMES[rank.clamp(1, NEIGHBOURS) - 1]
}

const NEIGHBOUR_NAMES: [&str; NEIGHBOURS] = [
    "neighbour_1",
    "neighbour_2",
    "neighbour_3",
    "neighbour_4",
    "neighbour_5",
    "neighbour_6",
    "neighbour_7",
    "neighbour_8",
    "neighbour_9",
    "neighbour_10",
];

const CLOSENESS_NAMES: [&str; NEIGHBOURS] = [
    "closeness_1",
    "closeness_2",
    "closeness_3",
    "closeness_4",
    "closeness_5",
    "closeness_6",
    "closeness_7",
    "closeness_8",
    "closeness_9",
    "closeness_10",
];

const fn neighbour(rank: usize) -> Measure {
    m(
        NEIGHBOUR_NAMES[rank - 1],
        Sn,
        "Statistical neighbour (DfE code)",
        Count,
        Neutral,
        "The DfE code of one of the authority's ten statistical neighbours, most similar first.",
    )
}

const fn closeness(rank: usize) -> Measure {
    m(
        CLOSENESS_NAMES[rank - 1],
        Sn,
        "Closeness of a statistical neighbour",
        Count,
        Neutral,
        "How close the neighbour is: 1 extremely close, 2 very close, 3 close, 4 somewhat close, 5 not close.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_and_spellings_are_unique_within_a_dataset_whatever_their_case() {
        // A spelling differing only by case from another would be ambiguous (or, for its own
        // measure, redundant): columns are matched without regard to case.
        for d in Dataset::ALL {
            let mut seen = HashSet::new();
            for me in Measure::of(d) {
                for s in me.spellings() {
                    assert!(seen.insert(s.to_ascii_lowercase()), "{s}");
                }
            }
        }
    }

    #[test]
    fn a_column_is_found_whatever_its_case() {
        assert_eq!(
            Measure::find(Cin, "AT31_EPISODES").unwrap().name,
            "At31_episodes"
        );
        assert_eq!(
            Measure::find(Cin, "awaiting_assessment").unwrap().name,
            "Awaiting_assessment"
        );
        assert_eq!(
            Measure::find(Csww, "Social_Worker_FTE").unwrap().name,
            "inpost_fte"
        );
        assert!(Measure::find(Cin, "At31_episode").is_none());
    }

    #[test]
    fn the_new_generation_referrals_columns_are_the_existing_measures() {
        for (column, canonical) in [
            ("referral_count", "Referrals"),
            ("rereferral_count", "Re_referrals"),
            ("rereferral_percent", "Re_referrals_percent"),
            ("no_further_action_count", "No_Further_Action"),
            ("no_further_action_percent", "No_Further_Action_percent"),
            ("not_in_need_count", "Not_in_Need"),
            ("not_in_need_percent", "Not_in_Need_percent"),
            ("referral_child_count", "Referrals_child"),
            ("rereferral_child_count", "Re_referrals_child"),
            ("rereferral_child_percent", "Re_referrals_child_percent"),
        ] {
            let found = Measure::find(Ref, column).map(|m| m.name);
            assert_eq!(found, Some(canonical), "{column}");
        }
    }

    #[test]
    fn every_formula_reads_measures_of_its_own_dataset() {
        for me in MEASURES {
            if let Some(f) = me.formula {
                let unit = match f {
                    Formula::PerTenThousand { .. } => PerTenThousand,
                    _ if me.name == "caseload_fte" => CasesPerFte,
                    _ => Percent,
                };
                assert_eq!(me.unit, unit, "{}", me.name);
                for input in f.inputs() {
                    let found = Measure::of(me.dataset).find(|m| m.name == input);
                    assert!(found.is_some(), "{} reads unknown {input}", me.name);
                    assert!(
                        found.unwrap().formula.is_none(),
                        "{} reads a derived measure",
                        me.name
                    );
                }
            }
        }
    }

    #[test]
    fn the_canonical_workforce_set_is_the_latest_release_names() {
        let names: Vec<_> = Measure::of(Dataset::CswwHeadline).map(|m| m.name).collect();
        assert_eq!(names.len(), 26);
        assert_eq!(
            Measure::find(Csww, "social_worker_fte").unwrap().name,
            "inpost_fte"
        );
        assert_eq!(
            Measure::find(Csww, "turnover_rate_fte_%").unwrap().name,
            "turnover_rate_fte"
        );
        assert_eq!(
            Measure::find(Csww, "agency_worker_rate_fte_%")
                .unwrap()
                .name,
            "agency_rate_fte"
        );
        assert!(Measure::find(Csww, "white").is_none());
    }
}
