//! The levers as a web form: every field, its default, and the scenario it adds up to.
//!
//! The form is a GET form, so its address is the scenario: a link reproduces it exactly.
//! People type percentages (10 for 10%); the engine takes fractions.

use crate::error::Problem;
use swforce_domain::Year;
use swforce_engine::scenario::{Agency, Demand, Reform, Retain, Route, Train};
use swforce_engine::simulate::DEFAULT_DIRECT_SHARE;
use swforce_engine::{RunSpec, Scenario};

/// Training routes on the form: `(id, name, course years)`.
pub const ROUTES: &[(&str, &str, u16)] = &[
    ("university", "University degree", 3),
    ("apprenticeship", "Social work apprenticeship", 3),
    ("step_up", "Step Up to Social Work", 1),
    ("frontline", "Frontline", 1),
];

/// One input on the form.
#[derive(Debug, Clone)]
pub struct Field {
    pub id: String,
    pub label: String,
    pub hint: String,
    pub value: String,
    pub suffix: &'static str,
    pub error: String,
    /// `sw-input--width-*` class suffix.
    pub width: &'static str,
}

/// A fieldset of inputs.
#[derive(Debug, Clone)]
pub struct Group {
    pub id: &'static str,
    pub legend: &'static str,
    pub description: String,
    pub fields: Vec<Field>,
    /// Starting values offered for the place in view, each a sentence with the figures it
    /// comes from and, where it changes anything, a link that fills the field in.
    pub suggestions: Vec<Suggestion>,
}

/// A bound as people read it: 10000 is "10,000", 0.5 stays "0.5".
fn say(v: f64) -> String {
    if v.fract() == 0.0 {
        swforce_app::display::grouped(v, 0)
    } else {
        v.to_string()
    }
}

impl Group {
    /// Whether a field of the group has a problem: the group is then shown open.
    pub fn has_error(&self) -> bool {
        self.fields.iter().any(|f| !f.error.is_empty())
    }
}

/// A starting value for a lever, and where it comes from.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub text: String,
    /// `(link text, address)`.
    pub link: Option<(String, String)>,
}

/// The parsed form: fields to show again (with errors), and the scenario and run settings
/// when everything checks out.
#[derive(Debug)]
pub struct Form {
    pub name: String,
    pub groups: Vec<Group>,
    pub problems: Vec<Problem>,
    pub scenario: Option<Scenario>,
    pub spec: RunSpec,
}

struct Reader<'a> {
    pairs: &'a [(String, String)],
    problems: Vec<Problem>,
    errors: Vec<(String, String)>,
}

#[derive(Clone, Copy)]
enum Kind {
    /// A percentage between the bounds; stored as a fraction.
    Percent(f64, f64),
    Number(f64, f64),
    Whole(u32, u32),
}

impl Reader<'_> {
    fn raw(&self, id: &str) -> Option<String> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == id)
            .map(|(_, v)| {
                v.trim()
                    .trim_end_matches('%')
                    .replace(',', "")
                    .trim()
                    .to_string()
            })
    }

    /// Reads a field; `None` when blank and optional. Records a problem when it is not a number
    /// in range.
    fn read(&mut self, id: &str, label: &str, kind: Kind, default: Option<f64>) -> Option<f64> {
        let raw = self.raw(id).unwrap_or_default();
        if raw.is_empty() {
            return default;
        }
        let (lo, hi, unit) = match kind {
            Kind::Percent(lo, hi) => (lo, hi, "%"),
            Kind::Number(lo, hi) => (lo, hi, ""),
            Kind::Whole(lo, hi) => (f64::from(lo), f64::from(hi), ""),
        };
        let parsed = raw.parse::<f64>().ok().filter(|v| v.is_finite());
        let whole = matches!(kind, Kind::Whole(..));
        match parsed {
            Some(v) if v >= lo && v <= hi && (!whole || v.fract() == 0.0) => {
                Some(if matches!(kind, Kind::Percent(..)) {
                    v / 100.0
                } else {
                    v
                })
            }
            Some(_) => {
                let (lo, hi) = (say(lo), say(hi));
                let range = if whole {
                    format!("a whole number from {lo} to {hi}")
                } else {
                    format!("a number from {lo}{unit} to {hi}{unit}")
                };
                self.fail(
                    id,
                    format!("{label} must be {range}"),
                    format!("Enter {range}"),
                );
                None
            }
            None => {
                self.fail(
                    id,
                    format!("{label} must be a number"),
                    "Enter a number, like 10".into(),
                );
                None
            }
        }
    }

    fn fail(&mut self, id: &str, text: String, fix: String) {
        self.errors.push((id.to_string(), text.clone()));
        self.problems.push(Problem {
            text,
            fix,
            target: id.to_string(),
        });
    }
}

fn field(
    id: &str,
    label: &str,
    hint: &str,
    value: String,
    suffix: &'static str,
    width: &'static str,
) -> Field {
    Field {
        id: id.into(),
        label: label.into(),
        hint: hint.into(),
        value,
        suffix,
        error: String::new(),
        width,
    }
}

/// Which form field a scenario key belongs to, for errors found by the engine's checks.
fn field_for(key: &str) -> &'static str {
    match key {
        k if k.starts_with("retain") => "retain_from",
        k if k.starts_with("reform.from") => "reform_from",
        k if k.starts_with("reform") => "direct_target",
        k if k.starts_with("agency") => "agency_from",
        k if k.starts_with("demand.cin") => "cin_growth",
        k if k.starts_with("demand") => "target_caseload",
        _ => "years",
    }
}

/// The authority a projection page is about, for the Train lever: its code, its name and its
/// share of national places (its share of the authorities' vacancies at the origin).
#[derive(Debug, Clone)]
pub struct Local {
    pub code: String,
    pub name: String,
    pub share: f64,
}

/// Reads the form from query pairs. `origin` is the last year of history.
pub fn read(pairs: &[(String, String)], origin: Year, england_caseload: f64) -> Form {
    read_for(pairs, origin, england_caseload, None)
}

/// Reads the form of a page about `local` (an authority; `None` for a region or England).
pub fn read_for(
    pairs: &[(String, String)],
    origin: Year,
    england_caseload: f64,
    local: Option<&Local>,
) -> Form {
    let mut r = Reader {
        pairs,
        problems: Vec::new(),
        errors: Vec::new(),
    };
    let levers = Levers::read(&mut r, origin, local);
    let name = pairs
        .iter()
        .rev()
        .find(|(k, _)| k == "name")
        .map(|(_, v)| v.trim().chars().take(120).collect::<String>())
        .unwrap_or_default();
    let scenario = levers.scenario(&name);
    if r.problems.is_empty() {
        if let Err(errors) = scenario.validate("form", origin, levers.years, &[]) {
            for e in errors {
                r.fail(field_for(&e.key), format!("{} {}", e.key, e.problem), e.fix);
            }
        }
    }
    let mut groups = vec![
        train_group(&r, &levers, local),
        retain_group(&r, &levers),
        reform_group(&r, &levers),
        agency_group(&r, &levers),
        demand_group(&r, england_caseload),
        run_group(&r),
    ];
    for g in &mut groups {
        for f in &mut g.fields {
            if let Some((_, e)) = r.errors.iter().find(|(id, _)| *id == f.id) {
                f.error = e.clone();
            }
        }
    }
    let ok = r.problems.is_empty();
    Form {
        name,
        groups,
        problems: r.problems,
        scenario: (ok && !scenario.is_baseline()).then_some(scenario),
        spec: RunSpec {
            years: levers.years,
            runs: levers.runs,
            seed: levers.seed,
            volatility: 1.0,
        },
    }
}

/// Every lever as read from the form (percentages as fractions), with its default where it
/// was left blank.
struct Levers {
    years: u16,
    runs: u32,
    seed: u64,
    /// The first projected year.
    first: f64,
    routes: Vec<Route>,
    completion: f64,
    to_councils: f64,
    retention: f64,
    retain_cut: f64,
    retain_from: f64,
    direct_now: f64,
    direct_target: f64,
    reform_from: f64,
    ramp: f64,
    agency_cap: Option<f64>,
    agency_conversion: Option<f64>,
    agency_from: f64,
    cin_growth: Option<f64>,
    target_caseload: Option<f64>,
}

impl Levers {
    /// Reads the levers in the order of the form's problems: the run's settings first (the
    /// years bound the other years), then train, retain, reform, agency workers and demand.
    fn read(r: &mut Reader, origin: Year, local: Option<&Local>) -> Self {
        let first = f64::from(origin.get() + 1);
        let years = r
            .read("years", "Years to project", Kind::Whole(1, 15), Some(10.0))
            .unwrap_or(10.0) as u16;
        let last = f64::from(origin.get()) + f64::from(years);
        let runs = r
            .read("runs", "Runs", Kind::Whole(100, 10_000), Some(1000.0))
            .unwrap_or(1000.0) as u32;
        let seed = r
            .read("seed", "Seed", Kind::Whole(0, u32::MAX), Some(1.0))
            .unwrap_or(1.0) as u64;
        let year = Kind::Whole(first as u32, last as u32);
        let percent = |r: &mut Reader, id, label, default| {
            r.read(id, label, Kind::Percent(0.0, 100.0), Some(default))
                .unwrap_or(default)
        };
        let completion = percent(r, "completion", "Completion rate", 0.85);
        let to_councils = percent(
            r,
            "to_councils",
            "Share entering council children's services",
            0.8,
        );
        let retention = percent(r, "retention", "First-year retention", 0.85);
        let mut routes = read_routes(r, first, last, completion, to_councils, retention);
        if let Some(local) = local {
            let places = r
                .read(
                    "own_places",
                    &format!("{}'s own places", local.name),
                    Kind::Number(0.0, 10_000.0),
                    Some(0.0),
                )
                .unwrap_or(0.0);
            let start = r
                .read(
                    "own_start",
                    &format!("{}'s own places: first arrive in", local.name),
                    Kind::Whole(first as u32, last as u32),
                    Some(first),
                )
                .unwrap_or(first);
            if places > 0.0 {
                // Newly qualified social workers the council brings in itself: they join it in
                // the year given, all of them, and stay at the first-year retention.
                routes.push(Route {
                    route: format!("{}'s own", local.name),
                    places,
                    start_year: start as u16,
                    end_year: None,
                    course_years: 0,
                    completion_rate: 1.0,
                    share_to_councils: 1.0,
                    first_year_retention: retention,
                    authority: Some(local.code.clone()),
                });
            }
        }
        let retain_cut = percent(r, "retain_cut", "Cut in turnover", 0.0);
        let retain_from = r
            .read(
                "retain_from",
                "Retention offer starts in",
                year,
                Some(first),
            )
            .unwrap_or(first);
        let direct_now = r
            .read(
                "direct_now",
                "Share of time on direct work today",
                Kind::Percent(1.0, 100.0),
                Some(0.2),
            )
            .unwrap_or(0.2);
        let direct_target = r
            .read(
                "direct_target",
                "Target share of time on direct work",
                Kind::Percent(1.0, 100.0),
                Some(direct_now),
            )
            .unwrap_or(direct_now);
        let reform_from = r
            .read("reform_from", "Reform starts in", year, Some(first))
            .unwrap_or(first);
        let ramp = r
            .read(
                "ramp_years",
                "Years to reach the target",
                Kind::Whole(0, 15),
                Some(3.0),
            )
            .unwrap_or(3.0);
        let agency_cap = r.read(
            "agency_cap",
            "Highest agency worker rate",
            Kind::Percent(0.0, 100.0),
            None,
        );
        let agency_conversion = r.read(
            "agency_conversion",
            "Agency workers moved to permanent posts a year",
            Kind::Percent(0.0, 100.0),
            None,
        );
        let agency_from = r
            .read("agency_from", "Agency rules apply from", year, Some(first))
            .unwrap_or(first);
        let cin_growth = r.read(
            "cin_growth",
            "Growth in children in need a year",
            Kind::Percent(-20.0, 20.0),
            None,
        );
        let target_caseload = r.read(
            "target_caseload",
            "Target caseload",
            Kind::Number(5.0, 40.0),
            None,
        );
        Self {
            years,
            runs,
            seed,
            first,
            routes,
            completion,
            to_councils,
            retention,
            retain_cut,
            retain_from,
            direct_now,
            direct_target,
            reform_from,
            ramp,
            agency_cap,
            agency_conversion,
            agency_from,
            cin_growth,
            target_caseload,
        }
    }

    /// The scenario the levers add up to, named `name` (or "Scenario").
    fn scenario(&self, name: &str) -> Scenario {
        Scenario {
            name: if name.is_empty() {
                "Scenario".into()
            } else {
                name.to_string()
            },
            description: String::new(),
            train: (!self.routes.is_empty()).then(|| Train {
                routes: self.routes.clone(),
                ..Train::default()
            }),
            retain: (self.retain_cut > 0.0).then_some(Retain {
                from_year: self.retain_from as u16,
                relative_reduction: Some(self.retain_cut),
                absolute_reduction: None,
            }),
            // Today's share is a lever of its own: it sets the hours of direct work even
            // without a change.
            reform: ((self.direct_target - self.direct_now).abs() > 1e-9
                || (self.direct_now - DEFAULT_DIRECT_SHARE).abs() > 1e-9)
                .then_some(Reform {
                    direct_share_now: self.direct_now,
                    direct_share_target: self.direct_target,
                    from_year: self.reform_from as u16,
                    ramp_years: self.ramp as u16,
                }),
            agency: (self.agency_cap.is_some() || self.agency_conversion.is_some()).then_some(
                Agency {
                    from_year: self.agency_from as u16,
                    cap_rate: self.agency_cap,
                    conversion_rate: self.agency_conversion,
                },
            ),
            demand: (self.cin_growth.is_some() || self.target_caseload.is_some()).then_some(
                Demand {
                    cin_growth: self.cin_growth,
                    target_caseload: self.target_caseload,
                },
            ),
        }
    }
}

/// The training routes with extra places: each route's places and first cohort.
fn read_routes(
    r: &mut Reader,
    first: f64,
    last: f64,
    completion: f64,
    to_councils: f64,
    retention: f64,
) -> Vec<Route> {
    let mut routes = Vec::new();
    for (id, name, course) in ROUTES {
        let places = r
            .read(
                &format!("{id}_places"),
                &format!("{name} places"),
                Kind::Number(0.0, 100_000.0),
                Some(0.0),
            )
            .unwrap_or(0.0);
        let start = r
            .read(
                &format!("{id}_start"),
                &format!("{name} start year"),
                Kind::Whole(first as u32 - 5, last as u32),
                Some(first),
            )
            .unwrap_or(first);
        if places > 0.0 {
            routes.push(Route {
                route: (*name).to_string(),
                places,
                start_year: start as u16,
                end_year: None,
                course_years: *course,
                completion_rate: completion,
                share_to_councils: to_councils,
                first_year_retention: retention,
                authority: None,
            });
        }
    }
    routes
}

/// What a field shows: what was typed, or else `default`.
fn value(r: &Reader, id: &str, default: String) -> String {
    r.raw(id).filter(|v| !v.is_empty()).unwrap_or(default)
}

/// A fraction as the percentage typed (0.153 as 15.3).
fn pct(v: f64) -> String {
    format!("{}", (v * 1000.0).round() / 10.0)
}

/// A year as typed.
fn year(v: f64) -> String {
    format!("{}", v as u16)
}

fn train_group(r: &Reader, l: &Levers, local: Option<&Local>) -> Group {
    let mut fields = Vec::new();
    if let Some(local) = local {
        fields.push(field(
            "own_places",
            &format!("{}'s own places: newly qualified social workers a year", local.name),
            &format!(
                "They join {} alone (a cohort it recruits or funds itself), every year from the year below",
                local.name
            ),
            value(r, "own_places", "0".into()),
            "",
            "5",
        ));
        fields.push(field(
            "own_start",
            &format!("{}'s own places: first arrive in", local.name),
            "",
            value(r, "own_start", year(l.first)),
            "",
            "4",
        ));
    }
    for (id, name, course) in ROUTES {
        fields.push(field(
            &format!("{id}_places"),
            &format!("{name}: extra places a year"),
            &format!(
                "Course length {course} year{}",
                if *course == 1 { "" } else { "s" }
            ),
            value(r, &format!("{id}_places"), "0".into()),
            "",
            "5",
        ));
        fields.push(field(
            &format!("{id}_start"),
            &format!("{name}: first extra cohort starts in"),
            "",
            value(r, &format!("{id}_start"), year(l.first)),
            "",
            "4",
        ));
    }
    fields.push(field(
        "completion",
        "Completion rate",
        "Share of starters who qualify",
        value(r, "completion", pct(l.completion)),
        "%",
        "3",
    ));
    fields.push(field(
        "to_councils",
        "Share entering council children's services",
        "",
        value(r, "to_councils", pct(l.to_councils)),
        "%",
        "3",
    ));
    fields.push(field(
        "retention",
        "First-year retention",
        "Share still in post after their first year",
        value(r, "retention", pct(l.retention)),
        "%",
        "3",
    ));
    Group {
        id: "train",
        legend: "Train: more newly qualified social workers",
        description: match local {
            Some(local) => format!(
                "Extra places a year: {name}'s own, and national places on each route. National places are shared among all councils by their vacancies in {origin}: {name} had {per100}% of the councils' vacancies, so about {per100} in every 100 newly qualified social workers from national places join {name}, when their course ends and where it has vacancies.",
                name = local.name,
                origin = l.first as u16 - 1,
                per100 = swforce_app::display::grouped(local.share * 100.0, 1),
            ),
            None => "Extra places a year on each route, from the year the first extra cohort starts. Newly qualified social workers join council children's services when their course ends, where there are vacancies, shared among authorities by their vacancies.".into(),
        },
        fields,
        suggestions: Vec::new(),
    }
}

fn retain_group(r: &Reader, l: &Levers) -> Group {
    Group {
        id: "retain",
        legend: "Retain: keep the social workers you have",
        description: "A cut in each authority's turnover, relative to its own rate: 10% turns 15% turnover into 13.5%.".into(),
        fields: vec![
            field(
                "retain_cut",
                "Cut in turnover",
                "0 for none",
                value(r, "retain_cut", "0".into()),
                "%",
                "3",
            ),
            field(
                "retain_from",
                "From",
                "",
                value(r, "retain_from", year(l.first)),
                "",
                "4",
            ),
        ],
        suggestions: Vec::new(),
    }
}

fn reform_group(r: &Reader, l: &Levers) -> Group {
    Group {
        id: "reform",
        legend: "Reform: more time with children and families",
        description: "The share of working time spent on direct, relationship-based work, rising from today's share to a target. The freed time is shown as hours with families and as equivalent full-time social workers.".into(),
        fields: vec![
            field(
                "direct_now",
                "Share of time on direct work today",
                "The 80:20 campaign's surveys put it near 20%",
                value(r, "direct_now", pct(l.direct_now)),
                "%",
                "3",
            ),
            field(
                "direct_target",
                "Target share",
                "The campaign asks for 80%",
                value(r, "direct_target", pct(l.direct_target)),
                "%",
                "3",
            ),
            field(
                "reform_from",
                "From",
                "",
                value(r, "reform_from", year(l.first)),
                "",
                "4",
            ),
            field(
                "ramp_years",
                "Years to reach the target",
                "",
                value(r, "ramp_years", "3".into()),
                "",
                "3",
            ),
        ],
        suggestions: Vec::new(),
    }
}

fn agency_group(r: &Reader, l: &Levers) -> Group {
    Group {
        id: "agency",
        legend: "Agency workers",
        description: "A cap on the agency worker rate, and a share of agency workers moved into permanent posts each year. Leave blank for none.".into(),
        fields: vec![
            field(
                "agency_cap",
                "Highest agency worker rate",
                "For example 10",
                value(r, "agency_cap", String::new()),
                "%",
                "3",
            ),
            field(
                "agency_conversion",
                "Agency workers moved to permanent posts a year",
                "For example 20",
                value(r, "agency_conversion", String::new()),
                "%",
                "3",
            ),
            field(
                "agency_from",
                "From",
                "",
                value(r, "agency_from", year(l.first)),
                "",
                "4",
            ),
        ],
        suggestions: Vec::new(),
    }
}

fn demand_group(r: &Reader, england_caseload: f64) -> Group {
    Group {
        id: "demand",
        legend: "Demand",
        description: "Leave blank to follow each authority's own trend in children in need, and England's current caseload.".into(),
        fields: vec![
            field(
                "cin_growth",
                "Growth in children in need a year",
                "For example 1.5",
                value(r, "cin_growth", String::new()),
                "%",
                "3",
            ),
            field(
                "target_caseload",
                "Target caseload",
                &format!(
                    "Cases per case-holding social worker; England's is {england_caseload:.1}"
                ),
                value(r, "target_caseload", String::new()),
                "",
                "3",
            ),
        ],
        suggestions: Vec::new(),
    }
}

fn run_group(r: &Reader) -> Group {
    Group {
        id: "run",
        legend: "Projection settings",
        description: "".into(),
        fields: vec![
            field(
                "years",
                "Years to project",
                "1 to 15",
                value(r, "years", "10".into()),
                "",
                "3",
            ),
            field(
                "runs",
                "Runs",
                "More runs give smoother bands: 100 to 10,000",
                value(r, "runs", "1000".into()),
                "",
                "5",
            ),
            field(
                "seed",
                "Seed",
                "The same seed gives the same answer",
                value(r, "seed", "1".into()),
                "",
                "5",
            ),
        ],
        suggestions: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &str) -> Vec<(String, String)> {
        serde_urlencoded::from_str(q).unwrap()
    }

    fn origin() -> Year {
        Year::try_from(2022).unwrap()
    }

    #[test]
    fn an_empty_form_is_the_baseline() {
        let f = read(&[], origin(), 16.6);
        assert!(f.problems.is_empty());
        assert!(f.scenario.is_none());
        assert_eq!(f.spec.years, 10);
    }

    #[test]
    fn percentages_become_fractions_and_places_become_routes() {
        let f = read(
            &pairs(
                "frontline_places=300&retain_cut=10&retain_from=2024&direct_target=40&agency_cap=12%25&name=Mine",
            ),
            origin(),
            16.6,
        );
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let s = f.scenario.unwrap();
        assert_eq!(s.name, "Mine");
        let t = s.train.unwrap();
        assert_eq!(t.routes.len(), 1);
        assert_eq!(
            (
                t.routes[0].places,
                t.routes[0].course_years,
                t.routes[0].start_year
            ),
            (300.0, 1, 2023)
        );
        assert_eq!(s.retain.unwrap().relative_reduction, Some(0.1));
        assert!((s.reform.unwrap().direct_share_target - 0.4).abs() < 1e-12);
        assert!((s.agency.unwrap().cap_rate.unwrap() - 0.12).abs() < 1e-12);
    }

    #[test]
    fn bad_values_point_at_their_fields() {
        let f = read(
            &pairs("retain_cut=140&years=abc&frontline_places=-3&retain_from=2020"),
            origin(),
            16.6,
        );
        let targets: Vec<&str> = f.problems.iter().map(|p| p.target.as_str()).collect();
        assert!(
            targets.contains(&"retain_cut")
                && targets.contains(&"years")
                && targets.contains(&"frontline_places"),
            "{targets:?}"
        );
        assert!(
            f.problems
                .iter()
                .any(|p| p.text == "Cut in turnover must be a number from 0% to 100%"),
            "{:?}",
            f.problems
        );
        let field = f
            .groups
            .iter()
            .flat_map(|g| &g.fields)
            .find(|x| x.id == "retain_cut")
            .unwrap();
        assert_eq!(field.value, "140", "the value typed is shown again");
        assert!(!field.error.is_empty());
        assert!(f.scenario.is_none());
    }
}
