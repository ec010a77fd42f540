//! A group's figures from its sums: the lines, trend, obstacles and capacity every view shows,
//! the period they cover, and the same figures as JSON.

use super::{DEFAULT_WEEKS, MAX_WEEKS};
use crate::AppError;
use std::collections::{BTreeMap, BTreeSet};
use swforce_domain::Date;
use swforce_domain::diary::{Activity, FTE_WEEK_HOURS, MIN_CONTRIBUTORS, Obstacle, Totals, Week};
use swforce_store::{DiarySums, WeekSums};

/// What a group with too few people says instead of numbers.
pub const NOT_ENOUGH_RESPONSES: &str = "not enough responses: no week of the period has diaries from 5 or more people that can be shown without pointing to someone";

/// One line of a group's view: a category (organisation and team) or a national kind.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Line {
    /// Category id for an organisation's view; 0 for a national kind.
    pub id: i64,
    pub label: String,
    pub activity: Activity,
    pub relationship_based: bool,
    pub minutes: u64,
    /// Mean hours a week per person, rounded to a tenth.
    pub hours_per_week: f64,
    /// Share of recorded time, rounded to a whole percentage point (as a fraction).
    pub share: f64,
}

/// One week of a group's trend.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TrendPoint {
    pub week: Week,
    /// Diaries in the figures that week; 0 for a week that does not count (its count is never
    /// shown).
    pub diaries: u64,
    /// Relationship-based share, `None` where the week does not count: fewer than five people
    /// kept a diary, or it is held back.
    pub relationship_share: Option<f64>,
    /// A team's week of five or more diaries left out because, with the organisation's figures,
    /// it would leave fewer than five people to be worked out by subtraction.
    pub held_back: bool,
}

/// How often an obstacle was ticked.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ObstacleCount {
    pub obstacle: Obstacle,
    pub label: &'static str,
    /// Diaries that ticked it, to the nearest five; `None` when 1 to 4 did (a small cell, held
    /// back with its share, as statistical offices hold back small cells).
    pub diaries: Option<u64>,
    /// Share of diaries that ticked it, from the rounded count, to a whole percentage point;
    /// `None` with a small cell.
    pub share: Option<f64>,
    /// The same share in the earlier and the later half of the period's weeks (the trend),
    /// where each half has at least five diaries and the cell is not small.
    pub earlier: Option<f64>,
    pub later: Option<f64>,
}

/// The capacity figures of a group over the period.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Capacity {
    /// Hours of relationship-based work per FTE per week.
    pub relationship_hours_per_fte: f64,
    /// Relationship-based hours the whole group gave a week, on average.
    pub relationship_hours_per_week: f64,
    /// Hours recorded per FTE per week.
    pub recorded_hours_per_fte: f64,
    /// Mean FTE contributing a week.
    pub fte: f64,
}

/// A group's balance over a period: numbers only when enough people contributed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GroupTime {
    pub name: String,
    pub from: Week,
    pub to: Week,
    /// Different people behind the figures, rounded to the nearest five; 0 when not shown.
    pub contributors: u64,
    /// `false`: fewer than five people contributed; only the count of weeks is shown.
    pub shown: bool,
    /// Diaries (person-weeks) in the figures, exact: every figure per person-week is worked out
    /// from it, so rounding it would hide nothing.
    pub diaries: u64,
    pub relationship_share: Option<f64>,
    pub lines: Vec<Line>,
    pub obstacles: Vec<ObstacleCount>,
    pub trend: Vec<TrendPoint>,
    pub capacity: Option<Capacity>,
    /// Notes shared anonymously, newest week first: the week and the words only.
    pub notes: Vec<(Week, String)>,
    /// Whether the figures hold invented people's diaries (a synthetic organisation's).
    pub synthetic: bool,
}

impl GroupTime {
    /// What moving `points` percentage points of recorded time into relationship-based work
    /// is worth in FTE for this group.
    pub fn shift_in_fte(&self, points: f64) -> Option<f64> {
        let c = self.capacity.as_ref()?;
        Some(swforce_domain::diary::shift_in_fte(
            points,
            c.recorded_hours_per_fte,
            c.fte,
        ))
    }
}

/// A period of whole weeks, from the Monday of `from` to the Sunday of `to`.
pub fn period(from: Option<&str>, to: Option<&str>, today: Date) -> Result<(Week, Week), AppError> {
    let bad = |field: &str, text: &str| AppError::Invalid {
        problem: format!("\"{text}\" is not a date for \"{field}\""),
        fix: "Write the date as YYYY-MM-DD, like 2025-03-03".into(),
    };
    let last = Week::containing(today);
    let to = match to.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => Week::parse(t).map_err(|_| bad("to", t))?,
        None => last,
    };
    let from = match from.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => Week::parse(t).map_err(|_| bad("from", t))?,
        None => to.plus_weeks(1 - DEFAULT_WEEKS),
    };
    if from > to {
        return Err(AppError::Invalid {
            problem: format!(
                "The period starts (the week of {}) after it ends (the week of {})",
                from.monday().long(),
                to.monday().long()
            ),
            fix: "Choose a start date before the end date".into(),
        });
    }
    if from.weeks_until(to) >= MAX_WEEKS {
        return Err(AppError::Invalid {
            problem: format!(
                "The period is {} weeks long; the longest is {MAX_WEEKS} weeks",
                from.weeks_until(to) + 1
            ),
            fix: "Choose a shorter period".into(),
        });
    }
    Ok((from, to))
}

/// `x` rounded to a multiple of `step` (0.1, 0.01), as the nearest double to the decimal: dividing
/// by the whole number of steps in one, rather than multiplying by the step, gives 5.6 and not
/// 5.6000000000000005 in JSON.
fn round_to(x: f64, step: f64) -> f64 {
    let per_unit = (1.0 / step).round();
    (x * per_unit).round() / per_unit
}

/// Counts of people as shown: to the nearest five, as statistical offices round small counts,
/// so a count moving by one is not seen. (Nothing shown is worked out from it.)
pub const COUNTS_ROUNDED_TO: u64 = 5;

/// `n` to the nearest [`COUNTS_ROUNDED_TO`] (halves up).
pub fn rounded_count(n: u64) -> u64 {
    (n + COUNTS_ROUNDED_TO / 2) / COUNTS_ROUNDED_TO * COUNTS_ROUNDED_TO
}

/// Builds a group's view from its sums, with the label and kind of each category id.
///
/// Only weeks with at least five diaries that count (people whose accounts are older than the
/// week), and not `held_back`, count towards any figure: then two periods, or a team and its
/// organisation, never differ by fewer than five people's weeks. Counts are rounded.
pub fn group_time(
    name: &str,
    (from, to): (Week, Week),
    sums: &DiarySums,
    held_back: &BTreeSet<Week>,
    categories: &BTreeMap<i64, (String, Activity)>,
    by_activity: bool,
    notes: Vec<(Week, String)>,
) -> GroupTime {
    // Held back is the reason only for a week that would otherwise count.
    let held = |w: &WeekSums| {
        w.eligible >= u64::from(MIN_CONTRIBUTORS)
            && w.week.is_some_and(|week| held_back.contains(&week))
    };
    let counts = |w: &WeekSums| w.eligible >= u64::from(MIN_CONTRIBUTORS) && !held(w);
    let counted: Vec<&WeekSums> = sums.weeks.iter().filter(|w| counts(w)).collect();
    let shown = sums.contributors >= u64::from(MIN_CONTRIBUTORS) && !counted.is_empty();
    let mut totals = Totals {
        contributors: sums.contributors,
        ..Totals::default()
    };
    let mut minutes: BTreeMap<i64, u64> = BTreeMap::new();
    let mut activity_minutes = [0u64; 10];
    let mut obstacles = [0u64; 8];
    let mut trend = Vec::new();
    for w in &sums.weeks {
        if !counts(w) {
            if let Some(week) = w.week {
                trend.push(TrendPoint {
                    week,
                    diaries: 0,
                    relationship_share: None,
                    held_back: held(w),
                });
            }
            continue;
        }
        totals.diaries += w.diaries;
        totals.contracted_minutes += w.contracted_minutes;
        let mut week_total = 0;
        let mut week_rb = 0;
        for (id, m) in &w.minutes {
            let activity = categories.get(id).map_or(Activity::Other, |c| c.1);
            *minutes.entry(*id).or_default() += m;
            activity_minutes[activity.index()] += m;
            week_total += m;
            if activity.relationship_based() {
                week_rb += m;
            }
        }
        totals.minutes += week_total;
        totals.relationship_minutes += week_rb;
        for (i, n) in w.obstacles.iter().enumerate() {
            obstacles[i] += n;
        }
        if let Some(week) = w.week {
            trend.push(TrendPoint {
                week,
                diaries: w.diaries,
                relationship_share: (week_total > 0)
                    .then(|| round_to(week_rb as f64 / week_total as f64, 0.01)),
                held_back: false,
            });
        }
    }
    let weeks = counted.len() as u64;
    let share_of = |m: u64| {
        if totals.minutes == 0 {
            0.0
        } else {
            round_to(m as f64 / totals.minutes as f64, 0.01)
        }
    };
    let per_week = |m: u64| {
        if totals.diaries == 0 {
            0.0
        } else {
            round_to(m as f64 / 60.0 / totals.diaries as f64, 0.1)
        }
    };
    let lines: Vec<Line> = if by_activity {
        Activity::ALL
            .into_iter()
            .map(|a| Line {
                id: 0,
                label: a.label().to_string(),
                activity: a,
                relationship_based: a.relationship_based(),
                minutes: activity_minutes[a.index()],
                hours_per_week: per_week(activity_minutes[a.index()]),
                share: share_of(activity_minutes[a.index()]),
            })
            .collect()
    } else {
        let mut lines: Vec<Line> = categories
            .iter()
            .filter(|(id, _)| minutes.contains_key(id))
            .map(|(id, (label, a))| Line {
                id: *id,
                label: label.clone(),
                activity: *a,
                relationship_based: a.relationship_based(),
                minutes: minutes[id],
                hours_per_week: per_week(minutes[id]),
                share: share_of(minutes[id]),
            })
            .collect();
        lines.sort_by_key(|l| (l.activity, l.id));
        lines
    };
    let capacity = (totals.contracted_minutes > 0 && weeks > 0).then(|| {
        let fte_weeks = totals.contracted_minutes as f64 / 60.0 / FTE_WEEK_HOURS;
        Capacity {
            relationship_hours_per_fte: round_to(
                totals.relationship_minutes as f64 / 60.0 / fte_weeks,
                0.1,
            ),
            relationship_hours_per_week: round_to(
                totals.relationship_minutes as f64 / 60.0 / weeks as f64,
                0.1,
            ),
            recorded_hours_per_fte: round_to(totals.minutes as f64 / 60.0 / fte_weeks, 0.1),
            fte: round_to(fte_weeks / weeks as f64, 0.1),
        }
    });
    GroupTime {
        synthetic: false,
        name: name.to_string(),
        from,
        to,
        contributors: if shown {
            rounded_count(sums.contributors)
        } else {
            0
        },
        shown,
        diaries: if shown { totals.diaries } else { 0 },
        relationship_share: if shown {
            totals.relationship_share().map(|s| round_to(s, 0.01))
        } else {
            None
        },
        lines: if shown { lines } else { Vec::new() },
        obstacles: if shown {
            // The weeks that count, split in two halves for the trend.
            let half = counted.len() / 2;
            let small = |n: u64| n > 0 && n < u64::from(MIN_CONTRIBUTORS);
            // Counts of ticks are rounded to the nearest five and shares worked out from the
            // rounded count, so periods that overlap, or a period and its halves, never
            // difference down to a handful.
            let share_in = |weeks: &[&WeekSums], i: usize| {
                let diaries: u64 = weeks.iter().map(|w| w.diaries).sum();
                let n: u64 = weeks.iter().map(|w| w.obstacles[i]).sum();
                (diaries >= u64::from(MIN_CONTRIBUTORS) && half > 0 && !small(n))
                    .then(|| round_to(rounded_count(n) as f64 / diaries as f64, 0.01))
            };
            Obstacle::ALL
                .into_iter()
                .enumerate()
                .map(|(i, o)| ObstacleCount {
                    obstacle: o,
                    label: o.label(),
                    diaries: (!small(obstacles[i])).then(|| rounded_count(obstacles[i])),
                    share: (!small(obstacles[i])).then(|| {
                        if totals.diaries == 0 {
                            0.0
                        } else {
                            round_to(
                                rounded_count(obstacles[i]) as f64 / totals.diaries as f64,
                                0.01,
                            )
                        }
                    }),
                    earlier: share_in(&counted[..half], i),
                    later: share_in(&counted[half..], i),
                })
                .collect()
        } else {
            Vec::new()
        },
        trend: if shown { trend } else { Vec::new() },
        capacity: if shown { capacity } else { None },
        notes: if shown { notes } else { Vec::new() },
    }
}

/// A group's figures as JSON, the same for the command line and the API: one object per
/// category with its hours, share and contributors, and the relationship-based share; a group
/// with too few people says so instead of giving numbers.
pub fn summary_json(g: &GroupTime) -> serde_json::Value {
    use serde_json::json;
    let head = json!({
        "group": g.name,
        "from": g.from.monday().to_string(),
        "to": g.to.sunday().to_string(),
        "minimum_contributors": MIN_CONTRIBUTORS,
        "counts_rounded_to": COUNTS_ROUNDED_TO,
        "synthetic": g.synthetic,
    });
    let mut out = head.as_object().cloned().unwrap_or_default();
    if !g.shown {
        out.insert("suppressed".into(), json!(true));
        out.insert("message".into(), json!(NOT_ENOUGH_RESPONSES));
        return serde_json::Value::Object(out);
    }
    out.insert("suppressed".into(), json!(false));
    out.insert("contributors".into(), json!(g.contributors));
    out.insert("diaries".into(), json!(g.diaries));
    out.insert(
        "relationship_based_share".into(),
        json!(g.relationship_share),
    );
    out.insert(
        "categories".into(),
        json!(
            g.lines
                .iter()
                .map(|l| json!({
                    "category": l.label,
                    "kind": l.activity.id(),
                    "relationship_based": l.relationship_based,
                    "hours": (l.minutes as f64 / 6.0).round() / 10.0,
                    "hours_per_person_week": l.hours_per_week,
                    "share": l.share,
                }))
                .collect::<Vec<_>>()
        ),
    );
    out.insert(
        "got_in_the_way".into(),
        json!(
            g.obstacles
                .iter()
                .map(|o| json!({
                    "reason": o.obstacle.id(),
                    "label": o.label,
                    "diaries": o.diaries,
                    "share": o.share,
                    "fewer_than_5": o.diaries.is_none(),
                    "share_earlier_half": o.earlier,
                    "share_later_half": o.later,
                }))
                .collect::<Vec<_>>()
        ),
    );
    if let Some(c) = &g.capacity {
        out.insert("capacity".into(), json!(c));
    }
    serde_json::Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::hours_text_short;

    fn sums(contributors: u64, weeks: &[(u64, &[(i64, u64)])]) -> DiarySums {
        DiarySums {
            contributors,
            weeks: weeks
                .iter()
                .enumerate()
                .map(|(i, (diaries, minutes))| WeekSums {
                    week: Some(Week::parse("2025-01-06").unwrap().plus_weeks(i as i64)),
                    diaries: *diaries,
                    eligible: *diaries,
                    contracted_minutes: diaries * 37 * 60,
                    minutes: minutes.iter().copied().collect(),
                    obstacles: [*diaries, 0, 0, 0, 0, 0, 0, 0],
                    shared_notes: 0,
                })
                .collect(),
        }
    }

    fn categories() -> BTreeMap<i64, (String, Activity)> {
        [
            (1, ("Visits".to_string(), Activity::DirectFaceToFace)),
            (2, ("Recording".to_string(), Activity::CaseRecording)),
        ]
        .into_iter()
        .collect()
    }

    fn week(s: &str) -> Week {
        Week::parse(s).unwrap()
    }

    #[test]
    fn fewer_than_five_people_show_no_numbers_at_all() {
        let s = sums(4, &[(4, &[(1, 600), (2, 1800)])]);
        let g = group_time(
            "Team",
            (week("2025-01-06"), week("2025-01-06")),
            &s,
            &BTreeSet::new(),
            &categories(),
            false,
            vec![(week("2025-01-06"), "secret".into())],
        );
        assert!(!g.shown);
        assert_eq!(g.contributors, 0, "not even how many");
        assert_eq!(g.relationship_share, None);
        assert!(g.lines.is_empty() && g.obstacles.is_empty() && g.trend.is_empty());
        assert!(g.capacity.is_none() && g.notes.is_empty());
        assert_eq!(g.diaries, 0);
    }

    #[test]
    fn five_people_show_shares_rounded_and_weeks_under_five_count_for_nothing() {
        let s = sums(
            6,
            &[
                (5, &[(1, 5 * 600), (2, 5 * 1801)]),
                (3, &[(1, 3 * 300), (2, 3 * 2100)]),
            ],
        );
        let g = group_time(
            "Team",
            (week("2025-01-06"), week("2025-01-13")),
            &s,
            &BTreeSet::new(),
            &categories(),
            false,
            vec![],
        );
        assert!(g.shown);
        // Only the week of five diaries counts: 3000 / (3000 + 9005) = 24.99% → 25%.
        assert_eq!(g.diaries, 5);
        assert_eq!(g.relationship_share, Some(0.25));
        assert_eq!(g.trend.len(), 2);
        assert_eq!(g.trend[0].relationship_share, Some(0.25));
        assert_eq!(
            (g.trend[1].diaries, g.trend[1].relationship_share),
            (0, None),
            "a week that does not count shows no count"
        );
        assert_eq!(g.contributors, 5, "six people, to the nearest five");
        assert!(!g.trend[1].held_back);
        assert_eq!(g.lines[0].label, "Visits");
        assert_eq!(g.lines[0].hours_per_week, 10.0); // 3000 min / 60 / 5 diaries
        assert_eq!(g.lines[1].hours_per_week, 30.0); // 9005 min / 60 / 5 = 30.02
        let c = g.capacity.unwrap();
        assert_eq!(c.fte, 5.0);
        assert_eq!(c.relationship_hours_per_fte, 10.0);
        assert_eq!(g.obstacles[0].diaries, Some(5));
        assert_eq!(g.obstacles[0].share, Some(1.0));
        // One week counts: no halves to compare.
        assert_eq!((g.obstacles[0].earlier, g.obstacles[0].later), (None, None));

        // Only weeks under five: nothing shown, however many people over the period.
        let s = sums(9, &[(4, &[(1, 600)]), (4, &[(1, 600)]), (1, &[(1, 60)])]);
        let g = group_time(
            "Team",
            (week("2025-01-06"), week("2025-01-20")),
            &s,
            &BTreeSet::new(),
            &categories(),
            false,
            vec![(week("2025-01-06"), "words".into())],
        );
        assert!(!g.shown);
        assert!(g.lines.is_empty() && g.notes.is_empty() && g.trend.is_empty());
    }

    #[test]
    fn a_week_held_back_counts_for_nothing_and_says_why() {
        let s = sums(
            7,
            &[
                (5, &[(1, 5 * 600), (2, 5 * 1800)]),
                (6, &[(1, 6 * 1200), (2, 6 * 1200)]),
                (5, &[(1, 5 * 600), (2, 5 * 1800)]),
            ],
        );
        let held = BTreeSet::from([week("2025-01-13")]);
        let g = group_time(
            "Team",
            (week("2025-01-06"), week("2025-01-20")),
            &s,
            &held,
            &categories(),
            false,
            vec![],
        );
        assert_eq!(g.diaries, 10);
        assert_eq!(g.relationship_share, Some(0.25));
        assert!(g.trend[1].held_back && g.trend[1].relationship_share.is_none());
        assert_eq!(g.trend[1].diaries, 0);
        assert_eq!(g.capacity.unwrap().fte, 5.0);
        assert_eq!(
            (g.obstacles[0].earlier, g.obstacles[0].later),
            (Some(1.0), Some(1.0))
        );
    }

    #[test]
    fn diaries_of_accounts_made_after_the_week_never_make_five() {
        // Eight diaries, but only one person's account was older than the week.
        let mut s = sums(8, &[(8, &[(1, 8 * 600), (2, 8 * 1800)])]);
        s.weeks[0].eligible = 1;
        let g = group_time(
            "Organisation",
            (week("2025-01-06"), week("2025-01-06")),
            &s,
            &BTreeSet::new(),
            &categories(),
            false,
            vec![],
        );
        assert!(!g.shown);
        s.weeks[0].eligible = 5;
        let g = group_time(
            "Organisation",
            (week("2025-01-06"), week("2025-01-06")),
            &s,
            &BTreeSet::new(),
            &categories(),
            false,
            vec![],
        );
        assert!(g.shown);
        assert_eq!((g.contributors, g.diaries, g.trend[0].diaries), (10, 8, 8));
        // One diary in eight ticked an obstacle: neither the count nor the share is shown.
        s.weeks[0].obstacles = [1, 0, 0, 0, 0, 0, 0, 0];
        let g = group_time(
            "Organisation",
            (week("2025-01-06"), week("2025-01-06")),
            &s,
            &BTreeSet::new(),
            &categories(),
            false,
            vec![],
        );
        assert_eq!((g.obstacles[0].diaries, g.obstacles[0].share), (None, None));
        assert_eq!(
            (g.obstacles[1].diaries, g.obstacles[1].share),
            (Some(0), Some(0.0))
        );
    }

    #[test]
    fn ticks_never_difference_down_to_a_handful_across_periods() {
        let mut s = sums(
            20,
            &[
                (10, &[(1, 6000), (2, 18000)]),
                (10, &[(1, 6000), (2, 18000)]),
            ],
        );
        s.weeks[0].obstacles = [5, 0, 0, 0, 0, 0, 0, 0];
        s.weeks[1].obstacles = [1, 0, 0, 0, 0, 0, 0, 0];
        let view = |from: &str, to: &str| {
            let mut part = s.clone();
            part.weeks
                .retain(|w| w.week.is_some_and(|x| x >= week(from) && x <= week(to)));
            group_time(
                "Organisation",
                (week(from), week(to)),
                &part,
                &BTreeSet::new(),
                &categories(),
                false,
                vec![],
            )
        };
        let first = view("2025-01-06", "2025-01-06");
        let both = view("2025-01-06", "2025-01-13");
        let second = view("2025-01-13", "2025-01-13");
        assert_eq!(first.obstacles[0].diaries, Some(5));
        assert_eq!(
            both.obstacles[0].diaries,
            Some(5),
            "six, to the nearest five"
        );
        assert_eq!(second.obstacles[0].diaries, None);
        // The halves of the two weeks: five and "fewer than five", never five and one.
        assert_eq!(both.obstacles[0].earlier, Some(0.5));
        assert_eq!(both.obstacles[0].later, None);
    }

    #[test]
    fn counts_are_rounded_to_the_nearest_five() {
        let shown: Vec<u64> = [0, 1, 2, 3, 5, 7, 8, 12, 13, 1000]
            .into_iter()
            .map(rounded_count)
            .collect();
        assert_eq!(shown, vec![0, 0, 0, 5, 5, 5, 10, 10, 15, 1000]);
    }

    #[test]
    fn national_views_add_up_by_kind_whatever_each_organisation_calls_it() {
        let mut cats = categories();
        cats.insert(3, ("Home visits".into(), Activity::DirectFaceToFace));
        let s = sums(10, &[(10, &[(1, 600), (3, 600), (2, 1200)])]);
        let g = group_time(
            "England",
            (week("2025-01-06"), week("2025-01-06")),
            &s,
            &BTreeSet::new(),
            &cats,
            true,
            vec![],
        );
        assert_eq!(g.lines.len(), 10);
        assert_eq!(g.lines[0].minutes, 1200);
        assert_eq!(g.lines[0].share, 0.5);
        assert_eq!(g.relationship_share, Some(0.5));
    }

    #[test]
    fn a_period_defaults_to_the_last_thirteen_weeks_and_refuses_nonsense() {
        let today = Date::parse("2025-03-05").unwrap();
        let (from, to) = period(None, None, today).unwrap();
        assert_eq!(to, week("2025-03-03"));
        assert_eq!(from.weeks_until(to), 12);
        assert!(period(Some("2025-03-03"), Some("2025-01-01"), today).is_err());
        assert!(period(Some("nonsense"), None, today).is_err());
        assert!(period(Some("2020-01-01"), Some("2025-01-01"), today).is_err());
    }

    #[test]
    fn rounded_figures_are_the_decimals_people_read() {
        assert_eq!(round_to(5.6 * 37.0 / 37.0 + 1e-9, 0.1).to_string(), "5.6");
        assert_eq!(round_to(0.5649, 0.01).to_string(), "0.56");
        for tenths in 0..1000 {
            let x = f64::from(tenths) / 10.0;
            assert_eq!(round_to(x + 0.01, 0.1).to_string(), x.to_string());
        }
    }

    #[test]
    fn hours_are_shown_as_people_would_type_them() {
        assert_eq!(hours_text_short(420), "7");
        assert_eq!(hours_text_short(450), "7.5");
        assert_eq!(hours_text_short(20), "0.33");
    }
}
