//! Time diaries as stored: categories, one row per person-week, and the running sums behind
//! every team, organisation, region and England view.
//!
//! Views never read diaries: they read two tables of sums, so a dashboard over 100,000 people
//! costs the same as one over ten. The sums hold what has been *published*, never what was
//! saved a moment ago (see [`publish`](crate::Store::publish_diaries)):
//!
//! - A save changes only the person's own diary and marks it pending.
//! - Once a week has closed, its first release publishes every pending diary of an
//!   organisation's week at once, into the organisation's and its teams' sums; the
//!   organisation's count of diaries at that moment is kept in `diary_released`.
//! - After that, changes to the week (edits and late diaries) wait, and enter the
//!   organisation's sums (never a team's) only as a batch of at least five eligible people's
//!   changes. A team's week is frozen at its first release.
//! - `diary_published` holds each diary as the sums hold it.
//!
//! - `diary_rollup (org_id, team_id, week, measure, amount)`: per organisation (team 0) and per
//!   team, per week, the minutes of each category and the other [`Measure`]s.
//! - `diary_spans (org_id, team_id, week, prev_week, people)`: for each week, how many people
//!   kept a diary that week whose previous diary (in the same organisation, or the same team)
//!   was `prev_week` (`-1`: none before). The different people who kept a diary between weeks
//!   `a` and `b` are exactly those whose first diary in the period has its previous one before
//!   `a`, so `SUM(people) WHERE week BETWEEN a AND b AND prev_week < a` counts each person once
//!   without reading a single diary.

use crate::StoreError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use swforce_domain::diary::{Activity, Diary, Obstacle, Week};

/// One of an organisation's diary categories. Its id never changes, so renaming it or mapping
/// it to another national kind keeps every past hour with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiaryCategory {
    /// 0 for one not yet stored.
    pub id: i64,
    pub org_id: i64,
    pub label: String,
    /// The national kind it counts as; it decides whether it is relationship-based.
    pub activity: Activity,
    /// Order on the diary page.
    pub position: i64,
    /// Retired categories leave the diary page but keep their history.
    pub retired: bool,
}

/// A diary as kept: whose it is and where they worked that week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredDiary {
    /// The person's user id; synthetic people (demo and load data) have negative ids.
    pub person_id: i64,
    pub org_id: i64,
    /// The person's team when the week was first saved; later edits keep it.
    pub team_id: Option<i64>,
    pub diary: Diary,
    /// RFC 3339, UTC.
    pub updated_at: String,
    /// Whether the diary counts towards the five a figure needs: the person's account is older
    /// than the week (synthetic people always count).
    #[serde(skip_serializing, default = "counts_by_default")]
    pub eligible: bool,
}

fn counts_by_default() -> bool {
    true
}

/// What one publishing pass did; passes add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Published {
    /// Diaries published in the first release of their organisation's week.
    pub first: u64,
    /// Later changes published in batches.
    pub batched: u64,
    /// Later changes still waiting for a batch of enough people.
    pub waiting: u64,
}

impl std::ops::AddAssign for Published {
    fn add_assign(&mut self, other: Published) {
        self.first += other.first;
        self.batched += other.batched;
        self.waiting += other.waiting;
    }
}

/// Whose sums a view reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiaryScope {
    Org(i64),
    Team {
        org_id: i64,
        team_id: i64,
    },
    /// Several organisations added up (a region, England): the caller lists those that opted in.
    Orgs(Vec<i64>),
}

impl DiaryScope {
    /// `(org ids, team id)` as the sums are keyed: team 0 stands for the whole organisation.
    pub fn keys(&self) -> (Vec<i64>, i64) {
        match self {
            DiaryScope::Org(o) => (vec![*o], 0),
            DiaryScope::Team { org_id, team_id } => (vec![*org_id], *team_id),
            DiaryScope::Orgs(orgs) => (orgs.clone(), 0),
        }
    }
}

/// One week of a group's sums.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct WeekSums {
    pub week: Option<Week>,
    /// Diaries kept that week (one per person).
    pub diaries: u64,
    /// Of those, the ones that count towards the five a figure needs.
    pub eligible: u64,
    pub contracted_minutes: u64,
    /// Minutes per category id.
    pub minutes: BTreeMap<i64, u64>,
    /// How many diaries ticked each obstacle, in [`Obstacle::ALL`] order.
    pub obstacles: [u64; 8],
    /// Notes shared anonymously.
    pub shared_notes: u64,
}

/// A group's sums over a period.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct DiarySums {
    /// Different people who kept at least one diary in the period.
    pub contributors: u64,
    /// Weeks with at least one diary, oldest first.
    pub weeks: Vec<WeekSums>,
}

/// What the sums hold for a week, besides category minutes (measure = category id, > 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Category(i64),
    Diaries,
    Contracted,
    SharedNotes,
    Obstacle(usize),
    /// Diaries whose person's account was older than the week.
    Eligible,
}

impl Measure {
    pub const fn code(self) -> i64 {
        match self {
            Measure::Category(id) => id,
            Measure::Diaries => -1,
            Measure::Contracted => -2,
            Measure::SharedNotes => -3,
            Measure::Eligible => -4,
            Measure::Obstacle(i) => -100 - i as i64,
        }
    }

    pub fn from_code(code: i64) -> Option<Measure> {
        match code {
            c if c > 0 => Some(Measure::Category(c)),
            -1 => Some(Measure::Diaries),
            -2 => Some(Measure::Contracted),
            -3 => Some(Measure::SharedNotes),
            -4 => Some(Measure::Eligible),
            c if (-107..=-100).contains(&c) => Some(Measure::Obstacle((-100 - c) as usize)),
            _ => None,
        }
    }
}

/// What one diary adds to its week's sums.
pub fn measures_of(d: &Diary, eligible: bool) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = d
        .minutes
        .iter()
        .map(|(id, m)| (Measure::Category(*id).code(), i64::from(*m)))
        .collect();
    out.push((Measure::Diaries.code(), 1));
    if eligible {
        out.push((Measure::Eligible.code(), 1));
    }
    out.push((Measure::Contracted.code(), i64::from(d.contracted)));
    if d.share_note {
        out.push((Measure::SharedNotes.code(), 1));
    }
    for o in &d.obstacles {
        let i = Obstacle::ALL.iter().position(|x| x == o).unwrap_or(0);
        out.push((Measure::Obstacle(i).code(), 1));
    }
    out
}

/// The change to a week's sums when `old` (if any) is replaced by `new`, zero changes left out,
/// sorted by measure so every writer touches rows in one order.
pub fn rollup_delta(old: Option<(&Diary, bool)>, new: (&Diary, bool)) -> Vec<(i64, i64)> {
    let mut delta: BTreeMap<i64, i64> = BTreeMap::new();
    if let Some((old, eligible)) = old {
        for (m, v) in measures_of(old, eligible) {
            *delta.entry(m).or_default() -= v;
        }
    }
    for (m, v) in measures_of(new.0, new.1) {
        *delta.entry(m).or_default() += v;
    }
    delta.into_iter().filter(|(_, v)| *v != 0).collect()
}

/// [`safe_batch`] over stored diaries: each waiting diary beside the version the sums hold
/// (`None` for one never published).
pub fn batch_of(
    waiting: &[StoredDiary],
    published: &[Option<StoredDiary>],
    min: u32,
) -> Option<Vec<usize>> {
    let changes: Vec<Change<'_>> = waiting
        .iter()
        .zip(published)
        .map(|(d, o)| {
            (
                o.as_ref().map(|o| (&o.diary, o.eligible)),
                (&d.diary, d.eligible),
            )
        })
        .collect();
    safe_batch(&changes, min)
}

/// One person's change to a week: the diary as published (if it was) and as kept now, each with
/// whether it counts towards five.
pub type Change<'a> = (Option<(&'a Diary, bool)>, (&'a Diary, bool));

/// Which of the later changes to a published week may enter the figures together, by index
/// into `changes` (each `(as published, as kept now)`); `None` while they may not. The batch is
/// the largest set in which every figure that moves is moved by none of its people who count
/// or by at least `min` of them, with at least `min` such people: so no figure ever moves by a
/// handful of people's changes, even when the others change something else (a note, their
/// contracted hours, another category). A change nobody else's matches waits, without holding
/// back the rest. Changes by people who do not count (`eligible` false) go with any batch:
/// whoever made those accounts knows what they typed.
pub fn safe_batch(changes: &[Change<'_>], min: u32) -> Option<Vec<usize>> {
    let min = min as usize;
    let deltas: Vec<Vec<i64>> = changes
        .iter()
        .map(|(old, new)| {
            rollup_delta(*old, *new)
                .into_iter()
                .map(|(m, _)| m)
                .collect()
        })
        .collect();
    let counts = |i: usize| changes[i].1.1 && !deltas[i].is_empty();
    let mut kept: Vec<bool> = (0..changes.len()).map(counts).collect();
    loop {
        let mut touched: BTreeMap<i64, usize> = BTreeMap::new();
        for i in (0..changes.len()).filter(|i| kept[*i]) {
            for m in &deltas[i] {
                *touched.entry(*m).or_default() += 1;
            }
        }
        let mut dropped = false;
        for i in 0..changes.len() {
            if kept[i] && deltas[i].iter().any(|m| touched[m] < min) {
                kept[i] = false;
                dropped = true;
            }
        }
        if !dropped {
            break;
        }
    }
    let people = kept.iter().filter(|k| **k).count();
    (people >= min).then(|| {
        (0..changes.len())
            .filter(|i| kept[*i] || !changes[*i].1.1)
            .collect()
    })
}

/// Folds `(week, measure, amount)` rows into weeks of sums.
pub fn fold_sums(contributors: u64, rows: impl IntoIterator<Item = (i64, i64, i64)>) -> DiarySums {
    let mut weeks: BTreeMap<i64, WeekSums> = BTreeMap::new();
    for (week, measure, amount) in rows {
        let w = weeks.entry(week).or_insert_with(|| WeekSums {
            week: Some(Week::from_number(week)),
            ..WeekSums::default()
        });
        let amount = amount.max(0) as u64;
        match Measure::from_code(measure) {
            Some(Measure::Category(id)) => *w.minutes.entry(id).or_default() += amount,
            Some(Measure::Diaries) => w.diaries += amount,
            Some(Measure::Contracted) => w.contracted_minutes += amount,
            Some(Measure::SharedNotes) => w.shared_notes += amount,
            Some(Measure::Eligible) => w.eligible += amount,
            Some(Measure::Obstacle(i)) => w.obstacles[i.min(7)] += amount,
            None => {}
        }
    }
    DiarySums {
        contributors,
        weeks: weeks.into_values().filter(|w| w.diaries > 0).collect(),
    }
}

/// Minutes per category as one text column: `3:720,5:1230`.
pub fn minutes_to_text(minutes: &BTreeMap<i64, u32>) -> String {
    minutes
        .iter()
        .map(|(id, m)| format!("{id}:{m}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads [`minutes_to_text`] back; `None` if the text is not in that form.
pub fn minutes_from_text(text: &str) -> Option<BTreeMap<i64, u32>> {
    if text.is_empty() {
        return Some(BTreeMap::new());
    }
    text.split(',')
        .map(|pair| {
            let (id, m) = pair.split_once(':')?;
            Some((id.parse().ok()?, m.parse().ok()?))
        })
        .collect()
}

/// A synthetic person's weeks, for demo and load data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticPerson {
    pub team_id: Option<i64>,
    /// Oldest first, one per week.
    pub diaries: Vec<Diary>,
}

/// The rows a batch of brand-new people adds to the sums: `(team_id, week, measure, amount)`
/// and `(team_id, week, prev_week, people)`, for the organisation (team 0) and each team.
pub type SumRows = (
    BTreeMap<(i64, i64, i64), i64>,
    BTreeMap<(i64, i64, i64), i64>,
);

/// Sums for people with no earlier diaries (their weeks sorted oldest first), of their weeks up
/// to `through` (the weeks that are published at once).
pub fn sums_of_new_people(people: &[SyntheticPerson], through: Week) -> SumRows {
    let mut rollup: BTreeMap<(i64, i64, i64), i64> = BTreeMap::new();
    let mut spans: BTreeMap<(i64, i64, i64), i64> = BTreeMap::new();
    for p in people {
        let mut prev = -1;
        for d in p.diaries.iter().filter(|d| d.week <= through) {
            let week = d.week.number();
            let teams: Vec<i64> = std::iter::once(0).chain(p.team_id).collect();
            for team in teams {
                for (m, v) in measures_of(d, true) {
                    *rollup.entry((team, week, m)).or_default() += v;
                }
                *spans.entry((team, week, prev)).or_default() += 1;
            }
            prev = week;
        }
    }
    (rollup, spans)
}

/// The time diary: categories, opt-ins, each person's weeks, and the published sums. See
/// [`diary`](crate::diary) for how the sums are kept.
pub trait DiaryStore {
    /// An organisation's diary categories, retired ones too, by position then id.
    fn diary_categories(&self, org_id: i64) -> Result<Vec<DiaryCategory>, StoreError>;

    /// Adds a category (id 0) or replaces the one with its id in the same organisation; returns
    /// it with its id. A label already used by another of the organisation's categories is a
    /// [`StoreError::Conflict`].
    fn save_diary_category(&self, category: &DiaryCategory) -> Result<DiaryCategory, StoreError>;

    /// Whether an organisation adds its sums to its region's and England's.
    fn diary_opt_in(&self, org_id: i64) -> Result<bool, StoreError>;
    fn set_diary_opt_in(&self, org_id: i64, opt_in: bool) -> Result<(), StoreError>;

    /// The organisations that opted in.
    fn diary_opted_in(&self) -> Result<Vec<i64>, StoreError>;

    /// Keeps a person's week, replacing the one they kept before, and marks it pending: the
    /// sums do not change until it is published. A replaced week keeps its original team.
    fn save_diary(&self, diary: &StoredDiary) -> Result<(), StoreError>;

    /// Publishes pending diaries of weeks up to `through` (the weeks that have closed), in one
    /// transaction. An organisation's week is released once: its first release publishes all
    /// its pending diaries into the organisation's and its teams' sums. Later changes to a
    /// released week wait until at least `batch` eligible people have one, then enter the
    /// organisation's sums together; a team's week never changes after its first release.
    /// `only` limits it to one organisation's week (after a save). Each organisation-week is
    /// published in its own transaction.
    fn publish_diaries(
        &self,
        through: Week,
        batch: u32,
        only: Option<(i64, Week)>,
    ) -> Result<Published, StoreError>;

    /// One person's weeks from `from` to `to` inclusive, oldest first.
    fn diaries_of(
        &self,
        person_id: i64,
        from: Week,
        to: Week,
    ) -> Result<Vec<StoredDiary>, StoreError>;

    /// A person's most recent week before `before`, to pre-fill the next.
    fn last_diary_before(
        &self,
        person_id: i64,
        before: Week,
    ) -> Result<Option<StoredDiary>, StoreError>;

    /// A group's sums from `from` to `to` inclusive (never a single diary). For several
    /// organisations ([`DiaryScope::Orgs`]), an organisation's week counts only where at least
    /// [`swforce_domain::diary::MIN_CONTRIBUTORS`] of its people kept a diary, so a region less
    /// one organisation never leaves a handful of people.
    fn diary_sums(&self, scope: &DiaryScope, from: Week, to: Week)
    -> Result<DiarySums, StoreError>;

    /// How many diaries an organisation (team 0) and each of its teams had in their week's
    /// first release, from `from` to `to`, as `(team_id, week, diaries)`: what it takes to
    /// decide which teams' weeks can be shown without leaving anyone to be subtracted out. The
    /// counts are those of the first release, so later batches never change the decision.
    fn diary_week_counts(
        &self,
        org_id: i64,
        from: Week,
        to: Week,
    ) -> Result<Vec<(i64, Week, u64)>, StoreError>;

    /// Published notes shared anonymously in an organisation's weeks, newest week first, at
    /// most `limit`; only the week and the words, never who.
    fn shared_diary_notes(
        &self,
        org_id: i64,
        from: Week,
        to: Week,
        limit: u32,
    ) -> Result<Vec<(Week, String)>, StoreError>;

    /// Adds synthetic people (demo and load data) with their weeks, all or nothing, and returns
    /// how many diaries were added. They get new negative person ids. Their weeks up to
    /// `through` are published at once (as a first release); later ones are pending.
    fn add_synthetic_diaries(
        &self,
        org_id: i64,
        people: &[SyntheticPerson],
        at: &str,
        through: Week,
    ) -> Result<u64, StoreError>;

    /// An organisation's synthetic people as `(person id, team, latest week kept)`, in the
    /// order they were made.
    fn synthetic_people(&self, org_id: i64) -> Result<Vec<(i64, Option<i64>, Week)>, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use swforce_domain::Date;

    fn diary(week: &str, minutes: &[(i64, u32)]) -> Diary {
        Diary {
            week: Week::parse(week).unwrap(),
            minutes: minutes.iter().copied().collect(),
            contracted: 37 * 60,
            obstacles: vec![Obstacle::Forms],
            note: String::new(),
            share_note: false,
        }
    }

    #[test]
    fn a_replaced_diary_changes_only_what_differs() {
        let old = diary("2025-03-03", &[(1, 600), (2, 60)]);
        let new = diary("2025-03-03", &[(1, 660), (3, 30)]);
        assert_eq!(
            rollup_delta(Some((&old, true)), (&new, true)),
            vec![(-100 - 2, 0), (1, 60), (2, -60), (3, 30)]
                .into_iter()
                .filter(|(_, v)| *v != 0)
                .collect::<Vec<_>>()
        );
        assert!(rollup_delta(Some((&new, true)), (&new, true)).is_empty());
        let first = rollup_delta(None, (&new, true));
        assert!(first.contains(&(-1, 1)));
        assert!(first.contains(&(-4, 1)));
        // An account made after the week began adds a diary that does not count towards five.
        let late = rollup_delta(None, (&new, false));
        assert!(late.contains(&(-1, 1)) && !late.iter().any(|(m, _)| *m == -4));
        assert!(first.contains(&(-2, 37 * 60)));
    }

    #[test]
    fn a_batch_moves_no_figure_by_fewer_than_five_people() {
        let was = diary("2025-03-03", &[(1, 600), (2, 600)]);
        let mut more_visits = was.clone();
        more_visits.minutes.insert(1, 900);
        let mut new_note = was.clone();
        new_note.note = "typo fixed".into();
        let mut fewer_hours = was.clone();
        fewer_hours.contracted = 36 * 60;
        let pair = |old: &Diary, new: &Diary| -> (Diary, Diary) { (old.clone(), new.clone()) };
        let run = |pairs: &[(Diary, Diary)], eligible: bool| {
            let refs: Vec<_> = pairs
                .iter()
                .map(|(o, n)| (Some((o, true)), (n, eligible)))
                .collect();
            safe_batch(&refs, 5)
        };
        // Five people each adding visits: all five go.
        let five: Vec<_> = (0..5).map(|_| pair(&was, &more_visits)).collect();
        assert_eq!(run(&five, true), Some(vec![0, 1, 2, 3, 4]));
        // One adds visits, four change a note or their contracted hours only: visits would move
        // by one person's change, so nothing goes.
        let mut mixed = vec![pair(&was, &more_visits)];
        mixed.extend((0..2).map(|_| pair(&was, &new_note)));
        mixed.extend((0..2).map(|_| pair(&was, &fewer_hours)));
        assert_eq!(run(&mixed, true), None);
        // Five visits and one lone note: the five go, the note waits.
        let mut six = five.clone();
        six.push(pair(&was, &new_note));
        assert_eq!(run(&six, true), Some(vec![0, 1, 2, 3, 4]));
        // Four people who count are not a batch, whatever accounts made after the week add.
        assert_eq!(run(&five[..4], true), None);
        assert_eq!(run(&five, false), None);
    }

    #[test]
    fn measures_round_trip_through_codes() {
        for m in [
            Measure::Category(7),
            Measure::Diaries,
            Measure::Contracted,
            Measure::SharedNotes,
            Measure::Eligible,
            Measure::Obstacle(0),
            Measure::Obstacle(7),
        ] {
            assert_eq!(Measure::from_code(m.code()), Some(m));
        }
        assert_eq!(Measure::from_code(0), None);
        assert_eq!(Measure::from_code(-108), None);
    }

    #[test]
    fn minutes_round_trip_through_text() {
        let m: BTreeMap<i64, u32> = [(1, 720), (12, 5)].into_iter().collect();
        assert_eq!(minutes_to_text(&m), "1:720,12:5");
        assert_eq!(minutes_from_text("1:720,12:5"), Some(m));
        assert_eq!(minutes_from_text(""), Some(BTreeMap::new()));
        assert_eq!(minutes_from_text("1:x"), None);
    }

    #[test]
    fn spans_count_each_person_once_in_any_period() {
        let w = |n: i64| {
            Week::containing(Date::parse("2025-01-06").unwrap())
                .plus_weeks(n)
                .to_string()
        };
        // One person keeps weeks 0, 1 and 3; another week 2 only.
        let people = vec![
            SyntheticPerson {
                team_id: Some(9),
                diaries: vec![
                    diary(&w(0), &[(1, 60)]),
                    diary(&w(1), &[(1, 60)]),
                    diary(&w(3), &[(1, 60)]),
                ],
            },
            SyntheticPerson {
                team_id: None,
                diaries: vec![diary(&w(2), &[(1, 60)])],
            },
        ];
        let (_, spans) = sums_of_new_people(&people, Week::parse(&w(3)).unwrap());
        let week = |n: i64| Week::parse(&w(n)).unwrap().number();
        let distinct = |team: i64, a: i64, b: i64| -> i64 {
            spans
                .iter()
                .filter(|((t, wk, prev), _)| {
                    *t == team && (week(a)..=week(b)).contains(wk) && *prev < week(a)
                })
                .map(|(_, n)| n)
                .sum()
        };
        assert_eq!(distinct(0, 0, 3), 2);
        assert_eq!(distinct(0, 1, 1), 1);
        assert_eq!(distinct(0, 1, 2), 2);
        assert_eq!(distinct(0, 2, 2), 1);
        assert_eq!(distinct(0, 3, 3), 1);
        assert_eq!(distinct(9, 0, 3), 1);
        assert_eq!(distinct(9, 2, 2), 0);
        // Weeks after `through` are not published yet, so they add nothing.
        let (_, early) = sums_of_new_people(&people, Week::parse(&w(1)).unwrap());
        assert!(early.keys().all(|(_, wk, _)| *wk <= week(1)));
    }
}
