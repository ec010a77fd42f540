//! The model's starting point and parameters, per authority.

use serde::Serialize;
use swforce_domain::Year;

/// A parameter and its uncertainty: each run draws its value from a normal distribution with
/// this mean and standard deviation, clamped to the parameter's range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Param {
    pub mean: f64,
    pub sd: f64,
}

impl Param {
    pub const fn fixed(mean: f64) -> Self {
        Self { mean, sd: 0.0 }
    }
}

/// Stocks at 30 September of the origin year, in FTE (cases are a count).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stocks {
    /// Social workers in post (permanent).
    pub inpost: f64,
    pub agency: f64,
    pub vacancies: f64,
    /// Cases held.
    pub cases: f64,
}

/// A stock the baseline forecasts statistically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stock {
    Inpost,
    Vacancies,
    Agency,
    /// Cases per case-holding FTE.
    Caseload,
}

impl Stock {
    pub const ALL: [Stock; 4] = [Self::Inpost, Self::Vacancies, Self::Agency, Self::Caseload];
}

/// The statistical forecast of one stock (see `statistical`), on the log scale of one plus the
/// figure or as a share of the establishment: each year the distance from `level` shrinks by `rho`, the level moves by
/// `drift`, and a shock of standard deviation `sd` is added.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Path {
    /// The origin's figure.
    pub start: f64,
    /// The level the stock returns toward (the mean of its years), and its uncertainty.
    pub level: Param,
    pub rho: f64,
    pub drift: f64,
    pub sd: f64,
    /// `None` on the log scale; else the stock is forecast as a share of this many FTE (the
    /// authority's establishment), and the drift moves it in proportion.
    pub unit: Option<f64>,
}

/// One authority, ready to simulate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Authority {
    pub code: String,
    pub name: String,
    pub region_code: String,
    pub start: Stocks,
    /// Leavers in a year as a share of those in post.
    pub turnover: Param,
    /// Year-to-year deviation of the authority's turnover from its own mean (standard deviation).
    pub turnover_noise: f64,
    /// Share of open posts (vacancies plus posts left by leavers) filled in a year.
    pub fill: Param,
    /// Agency workers covering vacancies, per vacancy.
    pub cover: Param,
    /// Agency workers not covering a vacancy, per FTE in post.
    pub other_agency: Param,
    /// Case-holding FTE per FTE of social workers in post and agency workers.
    pub case_holder_share: Param,
    /// Growth of demand (children in need) per year, on the log scale: cases follow it.
    pub growth: Param,
    /// Growth of the establishment (posts: in post plus vacancies) per year, on the log scale.
    pub posts_growth: Param,
    /// Year-to-year deviation of demand growth (standard deviation, log scale).
    pub growth_noise: f64,
    /// Year-to-year deviation of the establishment's growth (standard deviation, log scale).
    pub posts_noise: f64,
    /// Whether starters were derived from the stock identity rather than published.
    pub starters_derived: bool,
    /// The baseline's statistical forecast of each stock, in [`Stock::ALL`] order.
    pub paths: [Path; 4],
}

/// Everything a projection starts from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Baseline {
    /// The last year of history used: the projection's first year is the one after.
    pub origin: Year,
    pub authorities: Vec<Authority>,
    /// A year-to-year shock to turnover shared by every authority (standard deviation): the
    /// national labour market moves them together, so totals are not falsely certain.
    pub national_turnover_noise: f64,
    /// A shared year-to-year shock to demand growth (standard deviation, log scale).
    pub national_growth_noise: f64,
    /// A shared year-to-year shock to each stock's statistical forecast (standard deviation,
    /// log scale), in [`Stock::ALL`] order.
    pub national_stock_noise: [f64; 4],
    /// A year-to-year shock to each stock shared by a region's authorities, beyond England's.
    pub regional_stock_noise: [f64; 4],
    /// England's caseload in the origin year: the default target caseload.
    pub england_caseload: f64,
    /// Authorities left out, with the reason (their figures are reported with another's).
    pub excluded: Vec<(String, String)>,
    /// What a reader should know about how the baseline was made, whatever places are shown.
    pub notes: Vec<String>,
    /// Authorities whose agency figures for the origin are withheld, so that their latest
    /// published agency rate is used: `(code, name)`.
    pub agency_estimated: Vec<(String, String)>,
    /// Authorities with a stock withheld in the origin year and taken from the year before:
    /// `(code, "name (stocks)")`.
    pub from_year_before: Vec<(String, String)>,
}

impl Baseline {
    /// The notes about the places shown: every note for every authority (`None`), or only
    /// what concerns the authorities given (a council's page says nothing of another's
    /// figures).
    pub fn notes_about(&self, codes: Option<&[&str]>) -> Vec<String> {
        let mut out = self.notes.clone();
        let in_view = |c: &String| codes.is_none_or(|wanted| wanted.contains(&c.as_str()));
        let earlier: Vec<&str> = self
            .from_year_before
            .iter()
            .filter(|(c, _)| in_view(c))
            .map(|(_, n)| n.as_str())
            .collect();
        if !earlier.is_empty() {
            out.push(format!(
                "Figures withheld for {} are taken from the year before: {}.",
                self.origin,
                earlier.join("; ")
            ));
        }
        let names: Vec<&str> = self
            .agency_estimated
            .iter()
            .filter(|(c, _)| codes.is_none_or(|wanted| wanted.contains(&c.as_str())))
            .map(|(_, n)| n.as_str())
            .collect();
        match names.as_slice() {
            [] => {}
            [one] => out.push(format!(
                "Agency figures for {} are withheld for {one}; its latest published agency rate is used.",
                self.origin
            )),
            many => out.push(format!(
                "Agency figures for {} are withheld for {}; their latest published agency rate is used.",
                self.origin,
                many.join(", ")
            )),
        }
        out
    }
}
