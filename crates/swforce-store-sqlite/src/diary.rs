//! The time diary (`DiaryStore`): categories, diaries and the sums every view reads (the scheme
//! is described in swforce-store's `diary` module).

mod publish;

use publish::{add_synthetic, pending_groups, publish_group, save};

use super::invalid;
use crate::access::*;
use crate::{SqliteStore, backend};
use rusqlite::{Connection, OptionalExtension, Transaction, params, params_from_iter};
use swforce_domain::diary::{Activity, Diary, MIN_CONTRIBUTORS, Obstacle, Week};
use swforce_store::diary::{
    DiaryCategory, DiaryScope, DiarySums, StoredDiary, SyntheticPerson, fold_sums,
    minutes_from_text,
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
