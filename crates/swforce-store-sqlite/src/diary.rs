//! The time diary (`DiaryStore`): categories, diaries and the sums every view reads (the scheme
//! is described in swforce-store's `diary` module).

use super::invalid;
use crate::access::*;
use crate::{SqliteStore, backend};
use rusqlite::{Connection, OptionalExtension, Transaction, params, params_from_iter};
use std::collections::BTreeMap;
use swforce_domain::diary::{Activity, Diary, MIN_CONTRIBUTORS, Obstacle, Week};
use swforce_store::diary::{
    DiaryCategory, DiaryScope, DiarySums, Published, StoredDiary, SyntheticPerson, batch_of,
    fold_sums, measures_of, minutes_from_text, minutes_to_text, rollup_delta, sums_of_new_people,
};
use swforce_store::{DiaryStore, StoreError};

impl DiaryStore for SqliteStore {
    fn diary_categories(&self, org_id: i64) -> Result<Vec<DiaryCategory>, StoreError> {
        self.read(|c| categories(c, org_id))
    }

    fn save_diary_category(&self, category: &DiaryCategory) -> Result<DiaryCategory, StoreError> {
        let refused = format!("there is already a category called \"{}\"", category.label);
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn.transaction().map_err(backend)?;
        let id = save_category(&tx, category).map_err(conflict(&refused))?;
        tx.commit().map_err(backend)?;
        Ok(DiaryCategory {
            id,
            ..category.clone()
        })
    }

    fn diary_opt_in(&self, org_id: i64) -> Result<bool, StoreError> {
        self.read(|c| {
            c.query_row(
                "SELECT national_opt_in FROM diary_settings WHERE org_id = ?1",
                [org_id],
                |r| r.get(0),
            )
            .optional()
            .map(|v| v.unwrap_or(false))
        })
    }

    fn set_diary_opt_in(&self, org_id: i64, opt_in: bool) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO diary_settings (org_id, national_opt_in) VALUES (?1, ?2)
                 ON CONFLICT (org_id) DO UPDATE SET national_opt_in = excluded.national_opt_in",
                params![org_id, opt_in],
            )
            .map(|_| ())
        })
    }

    fn diary_opted_in(&self) -> Result<Vec<i64>, StoreError> {
        self.read(|c| {
            c.prepare_cached(
                "SELECT org_id FROM diary_settings WHERE national_opt_in = 1 ORDER BY org_id",
            )?
            .query_map([], |r| r.get(0))?
            .collect()
        })
    }

    fn save_diary(&self, d: &StoredDiary) -> Result<(), StoreError> {
        self.write(|tx| save(tx, d))
    }

    fn publish_diaries(
        &self,
        through: Week,
        batch: u32,
        only: Option<(i64, Week)>,
    ) -> Result<swforce_store::diary::Published, StoreError> {
        // One organisation-week per transaction: a week's first release is whole, and saves
        // wait for one organisation's week at most, never for all of England's.
        let groups = self.read(|c| pending_groups(c, through, only))?;
        let mut done = swforce_store::diary::Published::default();
        for (org, week) in groups {
            done += self.write(|tx| publish_group(tx, org, week, batch))?;
        }
        Ok(done)
    }

    fn diaries_of(
        &self,
        person_id: i64,
        from: Week,
        to: Week,
    ) -> Result<Vec<StoredDiary>, StoreError> {
        self.read(|c| diaries_of(c, person_id, from, to))
    }

    fn last_diary_before(
        &self,
        person_id: i64,
        before: Week,
    ) -> Result<Option<StoredDiary>, StoreError> {
        self.read(|c| last_before(c, person_id, before))
    }

    fn diary_sums(
        &self,
        scope: &DiaryScope,
        from: Week,
        to: Week,
    ) -> Result<DiarySums, StoreError> {
        self.read(|c| sums(c, scope, from, to))
    }

    fn diary_week_counts(
        &self,
        org_id: i64,
        from: Week,
        to: Week,
    ) -> Result<Vec<(i64, Week, u64)>, StoreError> {
        self.read(|c| week_counts(c, org_id, from, to))
    }

    fn shared_diary_notes(
        &self,
        org_id: i64,
        from: Week,
        to: Week,
        limit: u32,
    ) -> Result<Vec<(Week, String)>, StoreError> {
        self.read(|c| shared_notes(c, org_id, from, to, limit))
    }

    fn add_synthetic_diaries(
        &self,
        org_id: i64,
        people: &[SyntheticPerson],
        at: &str,
        through: Week,
    ) -> Result<u64, StoreError> {
        self.write(|tx| add_synthetic(tx, org_id, people, at, through))
    }

    fn synthetic_people(&self, org_id: i64) -> Result<Vec<(i64, Option<i64>, Week)>, StoreError> {
        self.read(|c| {
            c.prepare_cached(
                "SELECT person_id, MIN(team_id), MAX(week) FROM diaries
                 WHERE org_id = ?1 AND person_id < 0 GROUP BY person_id ORDER BY person_id DESC",
            )?
            .query_map([org_id], |r| {
                Ok((r.get(0)?, r.get(1)?, Week::from_number(r.get(2)?)))
            })?
            .collect()
        })
    }
}

/// The measure holding how many diaries a week has.
const DIARIES: i64 = swforce_store::diary::Measure::Diaries.code();
/// The measure holding how many of them count towards five.
const ELIGIBLE: i64 = swforce_store::diary::Measure::Eligible.code();

pub fn categories(c: &Connection, org_id: i64) -> rusqlite::Result<Vec<DiaryCategory>> {
    let mut st = c.prepare_cached(
        "SELECT id, org_id, label, activity, position, retired FROM diary_categories
         WHERE org_id = ?1 ORDER BY position, id",
    )?;
    st.query_map([org_id], |r| {
        let activity: String = r.get(3)?;
        Ok(DiaryCategory {
            id: r.get(0)?,
            org_id: r.get(1)?,
            label: r.get(2)?,
            activity: Activity::from_id(&activity)
                .ok_or_else(|| invalid(format!("unknown activity {activity:?}")))?,
            position: r.get(4)?,
            retired: r.get(5)?,
        })
    })?
    .collect()
}

pub fn save_category(tx: &Transaction<'_>, c: &DiaryCategory) -> rusqlite::Result<i64> {
    if c.id == 0 {
        tx.execute(
            "INSERT INTO diary_categories (org_id, label, activity, position, retired)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![c.org_id, c.label, c.activity.id(), c.position, c.retired],
        )?;
        Ok(tx.last_insert_rowid())
    } else {
        let n = tx.execute(
            "UPDATE diary_categories SET label = ?1, activity = ?2, position = ?3, retired = ?4
             WHERE id = ?5 AND org_id = ?6",
            params![
                c.label,
                c.activity.id(),
                c.position,
                c.retired,
                c.id,
                c.org_id
            ],
        )?;
        if n == 0 {
            return Err(invalid(format!(
                "no diary category {} in organisation {}",
                c.id, c.org_id
            )));
        }
        Ok(c.id)
    }
}

fn diary_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredDiary> {
    let minutes: String = r.get(4)?;
    let obstacles: i64 = r.get(6)?;
    Ok(StoredDiary {
        person_id: r.get(0)?,
        org_id: r.get(2)?,
        team_id: r.get(3)?,
        diary: Diary {
            week: Week::from_number(r.get(1)?),
            minutes: minutes_from_text(&minutes)
                .ok_or_else(|| invalid(format!("unreadable diary minutes {minutes:?}")))?,
            contracted: r.get(5)?,
            obstacles: Obstacle::from_bits(obstacles as u32),
            note: r.get(7)?,
            share_note: r.get(8)?,
        },
        updated_at: r.get(9)?,
        eligible: r.get(10)?,
    })
}

const DIARY_COLUMNS: &str = "person_id, week, org_id, team_id, minutes, contracted, obstacles, note, share_note, updated_at, eligible";

/// The same columns of `diary_published`, which keeps no time of writing.
const PUBLISHED_COLUMNS: &str = "person_id, week, org_id, team_id, minutes, contracted, obstacles, note, share_note, '', eligible";

pub fn diaries_of(
    c: &Connection,
    person_id: i64,
    from: Week,
    to: Week,
) -> rusqlite::Result<Vec<StoredDiary>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {DIARY_COLUMNS} FROM diaries WHERE person_id = ?1 AND week BETWEEN ?2 AND ?3 ORDER BY week"
    ))?;
    st.query_map(params![person_id, from.number(), to.number()], diary_from)?
        .collect()
}

pub fn last_before(
    c: &Connection,
    person_id: i64,
    before: Week,
) -> rusqlite::Result<Option<StoredDiary>> {
    c.prepare_cached(&format!(
        "SELECT {DIARY_COLUMNS} FROM diaries WHERE person_id = ?1 AND week < ?2 ORDER BY week DESC LIMIT 1"
    ))?
    .query_row(params![person_id, before.number()], diary_from)
    .optional()
}

fn add_rollup(
    tx: &Transaction<'_>,
    org: i64,
    team: i64,
    week: i64,
    measure: i64,
    amount: i64,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO diary_rollup (org_id, team_id, week, measure, amount) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (org_id, team_id, week, measure) DO UPDATE SET amount = amount + excluded.amount",
    )?
    .execute(params![org, team, week, measure, amount])?;
    Ok(())
}

fn add_span(
    tx: &Transaction<'_>,
    org: i64,
    team: i64,
    week: i64,
    prev: i64,
    people: i64,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO diary_spans (org_id, team_id, week, prev_week, people) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (org_id, team_id, week, prev_week) DO UPDATE SET people = people + excluded.people",
    )?
    .execute(params![org, team, week, prev, people])?;
    Ok(())
}

pub fn save(tx: &Transaction<'_>, d: &StoredDiary) -> rusqlite::Result<()> {
    // A week keeps the organisation and team it was first kept in, so its sums stay put.
    tx.prepare_cached(
        "INSERT INTO diaries (person_id, week, org_id, team_id, minutes, contracted, obstacles,
                              note, share_note, updated_at, eligible, pending)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1)
         ON CONFLICT (person_id, week) DO UPDATE SET minutes = excluded.minutes,
             contracted = excluded.contracted, obstacles = excluded.obstacles, note = excluded.note,
             share_note = excluded.share_note, updated_at = excluded.updated_at, pending = 1",
    )?
    .execute(params![
        d.person_id,
        d.diary.week.number(),
        d.org_id,
        d.team_id,
        minutes_to_text(&d.diary.minutes),
        d.diary.contracted,
        Obstacle::to_bits(&d.diary.obstacles),
        d.diary.note,
        d.diary.share_note,
        d.updated_at,
        d.eligible
    ])?;
    // Saving a week as it was published is no change: it waits for nothing and makes no batch.
    tx.prepare_cached(
        "UPDATE diaries SET pending = NOT EXISTS (
             SELECT 1 FROM diary_published p
             WHERE p.person_id = diaries.person_id AND p.week = diaries.week
               AND p.minutes = diaries.minutes AND p.contracted = diaries.contracted
               AND p.obstacles = diaries.obstacles AND p.note = diaries.note
               AND p.share_note = diaries.share_note)
         WHERE person_id = ?1 AND week = ?2",
    )?
    .execute(params![d.person_id, d.diary.week.number()])?;
    Ok(())
}

/// The organisation-weeks with pending diaries in weeks up to `through` (or only `only`).
pub fn pending_groups(
    c: &Connection,
    through: Week,
    only: Option<(i64, Week)>,
) -> rusqlite::Result<Vec<(i64, i64)>> {
    let (org, week) = only.map_or((None, None), |(o, w)| (Some(o), Some(w.number())));
    c.prepare_cached(
        "SELECT DISTINCT org_id, week FROM diaries
         WHERE pending = 1 AND week <= ?1 AND (?2 IS NULL OR (org_id = ?2 AND week = ?3))
         ORDER BY week, org_id",
    )?
    .query_map(params![through.number(), org, week], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?
    .collect()
}

/// Publishes what is due in one organisation-week, in its own transaction: its first release,
/// or the batch of later changes that may go together.
pub fn publish_group(
    tx: &Transaction<'_>,
    org: i64,
    week: i64,
    batch: u32,
) -> rusqlite::Result<Published> {
    let mut done = Published::default();
    let released: bool = tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM diary_released WHERE org_id = ?1 AND week = ?2)",
        )?
        .query_row(params![org, week], |r| r.get(0))?;
    let diaries: Vec<StoredDiary> = tx
        .prepare_cached(&format!(
            "SELECT {DIARY_COLUMNS} FROM diaries
             WHERE org_id = ?1 AND week = ?2 AND pending = 1 ORDER BY person_id"
        ))?
        .query_map(params![org, week], diary_from)?
        .collect::<rusqlite::Result<_>>()?;
    let diaries: Vec<StoredDiary> = if released {
        // A later batch: only the changes that may go together, if any.
        let olds = diaries
            .iter()
            .map(|d| published(tx, d.person_id, week))
            .collect::<Result<Vec<_>, _>>()?;
        let Some(chosen) = batch_of(&diaries, &olds, batch) else {
            done.waiting += diaries.len() as u64;
            return Ok(done);
        };
        done.waiting += (diaries.len() - chosen.len()) as u64;
        let chosen: Vec<StoredDiary> = chosen.into_iter().map(|i| diaries[i].clone()).collect();
        for d in &chosen {
            publish_one(tx, d, false)?;
        }
        done.batched += chosen.len() as u64;
        chosen
    } else {
        first_release(tx, org, week, &diaries)?;
        done.first += diaries.len() as u64;
        diaries
    };
    // Only the rows published here: a change that waits stays pending.
    let mut done_with =
        tx.prepare_cached("UPDATE diaries SET pending = 0 WHERE person_id = ?1 AND week = ?2")?;
    for d in &diaries {
        done_with.execute(params![d.person_id, week])?;
    }
    Ok(done)
}

/// An organisation-week's first release: every pending diary into the organisation's and its
/// teams' sums at once (the week has none published yet), its count kept in `diary_released`.
fn first_release(
    tx: &Transaction<'_>,
    org: i64,
    week: i64,
    diaries: &[StoredDiary],
) -> rusqlite::Result<()> {
    let mut rollup: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    let mut spans: BTreeMap<(i64, i64, i64), i64> = BTreeMap::new();
    let mut insert = tx.prepare_cached(
        "INSERT OR REPLACE INTO diary_published (person_id, week, org_id, team_id, minutes,
             contracted, obstacles, note, share_note, eligible)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for d in diaries {
        let scopes: Vec<i64> = std::iter::once(0).chain(d.team_id).collect();
        let measures = measures_of(&d.diary, d.eligible);
        for &t in &scopes {
            for (m, v) in &measures {
                *rollup.entry((t, *m)).or_default() += v;
            }
            let (prev, next) = neighbours(tx, d.person_id, org, week, t)?;
            *spans.entry((t, week, prev)).or_default() += 1;
            if let Some(next) = next {
                *spans.entry((t, next, prev)).or_default() -= 1;
                *spans.entry((t, next, week)).or_default() += 1;
            }
        }
        insert.execute(params![
            d.person_id,
            week,
            org,
            d.team_id,
            minutes_to_text(&d.diary.minutes),
            d.diary.contracted,
            Obstacle::to_bits(&d.diary.obstacles),
            d.diary.note,
            d.diary.share_note,
            d.eligible
        ])?;
    }
    for ((t, m), v) in rollup.into_iter().filter(|(_, v)| *v != 0) {
        add_rollup(tx, org, t, week, m, v)?;
    }
    for ((t, w, prev), n) in spans.into_iter().filter(|(_, n)| *n != 0) {
        add_span(tx, org, t, w, prev, n)?;
    }
    tx.prepare_cached(&format!(
        "INSERT INTO diary_released (org_id, week, diaries, eligible)
         SELECT ?1, ?2,
             COALESCE((SELECT amount FROM diary_rollup
                 WHERE org_id = ?1 AND team_id = 0 AND week = ?2 AND measure = {DIARIES}), 0),
             COALESCE((SELECT amount FROM diary_rollup
                 WHERE org_id = ?1 AND team_id = 0 AND week = ?2 AND measure = {ELIGIBLE}), 0)"
    ))?
    .execute(params![org, week])?;
    Ok(())
}

/// A person's published weeks either side of `week` in a scope (team 0: the organisation), as
/// the sums hold them: `(previous or -1, next)`.
fn neighbours(
    tx: &Transaction<'_>,
    person: i64,
    org: i64,
    week: i64,
    team: i64,
) -> rusqlite::Result<(i64, Option<i64>)> {
    let near = |sql: &str| -> rusqlite::Result<Option<i64>> {
        tx.prepare_cached(sql)?
            .query_row(params![person, org, week, team], |r| {
                r.get::<_, Option<i64>>(0)
            })
    };
    let prev = near(
        "SELECT MAX(week) FROM diary_published WHERE person_id = ?1 AND org_id = ?2
         AND week < ?3 AND (?4 = 0 OR team_id = ?4)",
    )?
    .unwrap_or(-1);
    let next = near(
        "SELECT MIN(week) FROM diary_published WHERE person_id = ?1 AND org_id = ?2
         AND week > ?3 AND (?4 = 0 OR team_id = ?4)",
    )?;
    Ok((prev, next))
}

/// A diary as the sums hold it.
fn published(
    tx: &Transaction<'_>,
    person_id: i64,
    week: i64,
) -> rusqlite::Result<Option<StoredDiary>> {
    tx.prepare_cached(&format!(
        "SELECT {PUBLISHED_COLUMNS} FROM diary_published WHERE person_id = ?1 AND week = ?2"
    ))?
    .query_row(params![person_id, week], diary_from)
    .optional()
}

fn publish_one(tx: &Transaction<'_>, d: &StoredDiary, first: bool) -> rusqlite::Result<()> {
    let (org, week) = (d.org_id, d.diary.week.number());
    let old = published(tx, d.person_id, week)?;
    let team = if first { d.team_id } else { None };
    let scopes: Vec<i64> = std::iter::once(0).chain(team).collect();
    let delta = rollup_delta(
        old.as_ref().map(|o| (&o.diary, o.eligible)),
        (&d.diary, d.eligible),
    );
    for &t in &scopes {
        for (m, v) in &delta {
            add_rollup(tx, org, t, week, *m, *v)?;
        }
    }
    if old.is_none() {
        for &t in &scopes {
            // The person's neighbouring published weeks in this scope: the new one slots in.
            let (prev, next) = neighbours(tx, d.person_id, org, week, t)?;
            add_span(tx, org, t, week, prev, 1)?;
            if let Some(next) = next {
                add_span(tx, org, t, next, prev, -1)?;
                add_span(tx, org, t, next, week, 1)?;
            }
        }
    }
    let in_team = match &old {
        Some(o) => o.team_id,
        None => team,
    };
    tx.prepare_cached(
        "INSERT OR REPLACE INTO diary_published (person_id, week, org_id, team_id, minutes,
             contracted, obstacles, note, share_note, eligible)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        d.person_id,
        week,
        org,
        in_team,
        minutes_to_text(&d.diary.minutes),
        d.diary.contracted,
        Obstacle::to_bits(&d.diary.obstacles),
        d.diary.note,
        d.diary.share_note,
        d.eligible
    ])?;
    Ok(())
}

fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn sums(
    c: &Connection,
    scope: &DiaryScope,
    from: Week,
    to: Week,
) -> rusqlite::Result<DiarySums> {
    let (orgs, team) = scope.keys();
    if orgs.is_empty() {
        return Ok(DiarySums::default());
    }
    let mut args: Vec<i64> = vec![team, from.number(), to.number()];
    args.extend(&orgs);
    let list = placeholders(4, orgs.len());
    let contributors: i64 = c
        .prepare_cached(&format!(
            "SELECT COALESCE(SUM(people), 0) FROM diary_spans
             WHERE org_id IN ({list}) AND team_id = ?1 AND week BETWEEN ?2 AND ?3 AND prev_week < ?2"
        ))?
        .query_row(params_from_iter(&args), |r| r.get(0))?;
    // Several organisations: only their weeks of at least MIN_CONTRIBUTORS eligible diaries
    // count.
    let sql = if matches!(scope, DiaryScope::Orgs(_)) {
        // One pass, no join: each row carries its organisation-week's count of diaries.
        format!(
            "SELECT week, measure, SUM(amount) FROM (
                SELECT week, measure, amount,
                       MAX(CASE WHEN measure = {ELIGIBLE} THEN amount END)
                           OVER (PARTITION BY org_id, week) AS diaries
                FROM diary_rollup
                WHERE org_id IN ({list}) AND team_id = ?1 AND week BETWEEN ?2 AND ?3
             ) WHERE diaries >= {MIN_CONTRIBUTORS}
             GROUP BY week, measure"
        )
    } else {
        format!(
            "SELECT week, measure, SUM(amount) FROM diary_rollup
             WHERE org_id IN ({list}) AND team_id = ?1 AND week BETWEEN ?2 AND ?3
             GROUP BY week, measure"
        )
    };
    let mut st = c.prepare_cached(&sql)?;
    let rows = st
        .query_map(params_from_iter(&args), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(fold_sums(contributors.max(0) as u64, rows))
}

pub fn week_counts(
    c: &Connection,
    org: i64,
    from: Week,
    to: Week,
) -> rusqlite::Result<Vec<(i64, Week, u64)>> {
    // Diaries that count: teams' weeks never change after their first release, and the
    // organisation's count is the one kept at that release, so later batches do not move the
    // decision.
    let mut st = c.prepare_cached(&format!(
        "SELECT team_id, week, amount FROM diary_rollup
         WHERE org_id = ?1 AND measure = {ELIGIBLE} AND week BETWEEN ?2 AND ?3 AND amount > 0
           AND team_id <> 0
         UNION ALL
         SELECT 0, week, eligible FROM diary_released
         WHERE org_id = ?1 AND week BETWEEN ?2 AND ?3 AND eligible > 0
         ORDER BY 2, 1"
    ))?;
    st.query_map(params![org, from.number(), to.number()], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            Week::from_number(r.get(1)?),
            r.get::<_, i64>(2)?.max(0) as u64,
        ))
    })?
    .collect()
}

pub fn shared_notes(
    c: &Connection,
    org: i64,
    from: Week,
    to: Week,
    limit: u32,
) -> rusqlite::Result<Vec<(Week, String)>> {
    let mut out = Vec::new();
    // Week by week from the newest, each one a short walk of the partial index. Within a week
    // they go by their words, never by who or when they were written.
    let mut st = c.prepare_cached(
        "SELECT note FROM diary_published
         WHERE org_id = ?1 AND share_note = 1 AND week = ?2
         ORDER BY note LIMIT ?3",
    )?;
    let mut week = to;
    while week >= from && out.len() < limit as usize {
        let left = (limit as usize - out.len()) as i64;
        for note in st.query_map(params![org, week.number(), left], |r| r.get::<_, String>(0))? {
            out.push((week, note?));
        }
        week = week.plus_weeks(-1);
    }
    Ok(out)
}

pub fn add_synthetic(
    tx: &Transaction<'_>,
    org: i64,
    people: &[SyntheticPerson],
    at: &str,
    through: Week,
) -> rusqlite::Result<u64> {
    let lowest: i64 = tx.query_row("SELECT COALESCE(MIN(person_id), 0) FROM diaries", [], |r| {
        r.get(0)
    })?;
    let mut next = lowest.min(0) - 1;
    let mut added = 0;
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO diaries (person_id, week, org_id, team_id, minutes, contracted, obstacles,
                                  note, share_note, updated_at, eligible, pending)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11)",
        )?;
        let mut publish = tx.prepare_cached(
            "INSERT INTO diary_published (person_id, week, org_id, team_id, minutes, contracted,
                                          obstacles, note, share_note, eligible)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1)",
        )?;
        for p in people {
            for d in &p.diaries {
                let published = d.week <= through;
                let minutes = minutes_to_text(&d.minutes);
                let obstacles = Obstacle::to_bits(&d.obstacles);
                insert.execute(params![
                    next,
                    d.week.number(),
                    org,
                    p.team_id,
                    minutes,
                    d.contracted,
                    obstacles,
                    d.note,
                    d.share_note,
                    at,
                    !published
                ])?;
                if published {
                    publish.execute(params![
                        next,
                        d.week.number(),
                        org,
                        p.team_id,
                        minutes,
                        d.contracted,
                        obstacles,
                        d.note,
                        d.share_note
                    ])?;
                }
                added += 1;
            }
            next -= 1;
        }
    }
    let (rollup, spans) = sums_of_new_people(people, through);
    for ((team, week, measure), amount) in rollup {
        add_rollup(tx, org, team, week, measure, amount)?;
    }
    for ((team, week, prev), n) in spans {
        add_span(tx, org, team, week, prev, n)?;
    }
    // Their published weeks have had their first release, as any week of new people would.
    tx.prepare_cached(&format!(
        "INSERT INTO diary_released (org_id, week, diaries, eligible)
         SELECT org_id, week, SUM(CASE WHEN measure = {DIARIES} THEN amount END),
                SUM(CASE WHEN measure = {ELIGIBLE} THEN amount END)
         FROM diary_rollup
         WHERE org_id = ?1 AND team_id = 0 AND measure IN ({DIARIES}, {ELIGIBLE}) AND week <= ?2
         GROUP BY org_id, week
         ON CONFLICT (org_id, week) DO UPDATE SET diaries = excluded.diaries,
             eligible = excluded.eligible"
    ))?
    .execute(params![org, through.number()])?;
    Ok(added)
}
