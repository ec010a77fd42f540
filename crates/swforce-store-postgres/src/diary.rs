//! The time diary (`DiaryStore`): categories, diaries and the sums every view reads (the scheme
//! is described in swforce-store's `diary` module).

mod publish;

use publish::{add_synthetic, pending_groups, publish_group, save};

use super::{backend, get, invalid};
use crate::PostgresStore;
use crate::pool::Conn;
use swforce_domain::diary::{Activity, Diary, MIN_CONTRIBUTORS, Obstacle, Week};
use swforce_store::diary::{
    DiaryCategory, DiaryScope, DiarySums, StoredDiary, SyntheticPerson, fold_sums,
    minutes_from_text,
};
use swforce_store::{DiaryStore, StoreError};

impl DiaryStore for PostgresStore {
    fn diary_categories(&self, org_id: i64) -> Result<Vec<DiaryCategory>, StoreError> {
        self.with(|c| categories(c, org_id))
    }

    fn save_diary_category(&self, category: &DiaryCategory) -> Result<DiaryCategory, StoreError> {
        let id = self.with(|c| c.in_transaction(|c| save_category(c, category)))?;
        Ok(DiaryCategory {
            id,
            ..category.clone()
        })
    }

    fn diary_opt_in(&self, org_id: i64) -> Result<bool, StoreError> {
        self.with(|c| {
            c.query_opt(
                "SELECT national_opt_in FROM diary_settings WHERE org_id = $1",
                &[&org_id],
            )
            .map_err(backend)?
            .map(|r| get(&r, 0))
            .transpose()
            .map(|v| v.unwrap_or(false))
        })
    }

    fn set_diary_opt_in(&self, org_id: i64, opt_in: bool) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO diary_settings (org_id, national_opt_in) VALUES ($1, $2)
                 ON CONFLICT (org_id) DO UPDATE SET national_opt_in = excluded.national_opt_in",
                &[&org_id, &opt_in],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn diary_opted_in(&self) -> Result<Vec<i64>, StoreError> {
        self.select(
            "SELECT org_id FROM diary_settings WHERE national_opt_in ORDER BY org_id",
            &[],
            |r| get(r, 0),
        )
    }

    fn save_diary(&self, d: &StoredDiary) -> Result<(), StoreError> {
        self.with(|c| c.in_transaction(|c| save(c, d)))
    }

    fn publish_diaries(
        &self,
        through: Week,
        batch: u32,
        only: Option<(i64, Week)>,
    ) -> Result<swforce_store::diary::Published, StoreError> {
        // One organisation-week per transaction: a week's first release is whole, and saves
        // wait for one organisation's week at most.
        let groups = self.with(|c| pending_groups(c, through, only))?;
        let mut done = swforce_store::diary::Published::default();
        for (org, week) in groups {
            let part = self.with(|c| c.in_transaction(|c| publish_group(c, org, week, batch)))?;
            done += part;
        }
        Ok(done)
    }

    fn diaries_of(
        &self,
        person_id: i64,
        from: Week,
        to: Week,
    ) -> Result<Vec<StoredDiary>, StoreError> {
        self.with(|c| diaries_of(c, person_id, from, to))
    }

    fn last_diary_before(
        &self,
        person_id: i64,
        before: Week,
    ) -> Result<Option<StoredDiary>, StoreError> {
        self.with(|c| last_before(c, person_id, before))
    }

    fn diary_sums(
        &self,
        scope: &DiaryScope,
        from: Week,
        to: Week,
    ) -> Result<DiarySums, StoreError> {
        self.with(|c| sums(c, scope, from, to))
    }

    fn diary_week_counts(
        &self,
        org_id: i64,
        from: Week,
        to: Week,
    ) -> Result<Vec<(i64, Week, u64)>, StoreError> {
        self.with(|c| week_counts(c, org_id, from, to))
    }

    fn shared_diary_notes(
        &self,
        org_id: i64,
        from: Week,
        to: Week,
        limit: u32,
    ) -> Result<Vec<(Week, String)>, StoreError> {
        self.with(|c| shared_notes(c, org_id, from, to, limit))
    }

    fn add_synthetic_diaries(
        &self,
        org_id: i64,
        people: &[SyntheticPerson],
        at: &str,
        through: Week,
    ) -> Result<u64, StoreError> {
        self.with(|c| c.in_transaction(|c| add_synthetic(c, org_id, people, at, through)))
    }

    fn synthetic_people(&self, org_id: i64) -> Result<Vec<(i64, Option<i64>, Week)>, StoreError> {
        self.select(
            "SELECT person_id, MIN(team_id), MAX(week) FROM diaries
                 WHERE org_id = $1 AND person_id < 0 GROUP BY person_id ORDER BY person_id DESC",
            &[&org_id],
            |r| Ok((get(r, 0)?, get(r, 1)?, Week::from_number(get(r, 2)?))),
        )
    }
}

/// The measure holding how many diaries a week has.
const DIARIES: i64 = swforce_store::diary::Measure::Diaries.code();
/// The measure holding how many of them count towards five.
const ELIGIBLE: i64 = swforce_store::diary::Measure::Eligible.code();

pub fn categories(c: &mut Conn, org_id: i64) -> Result<Vec<DiaryCategory>, StoreError> {
    c.query(
        "SELECT id, org_id, label, activity, position, retired FROM diary_categories
         WHERE org_id = $1 ORDER BY position, id",
        &[&org_id],
    )
    .map_err(backend)?
    .iter()
    .map(|r| {
        let activity: String = get(r, 3)?;
        Ok(DiaryCategory {
            id: get(r, 0)?,
            org_id: get(r, 1)?,
            label: get(r, 2)?,
            activity: Activity::from_id(&activity)
                .ok_or_else(|| invalid(format!("unknown activity {activity:?}")))?,
            position: get(r, 4)?,
            retired: get(r, 5)?,
        })
    })
    .collect()
}

pub fn save_category(c: &mut Conn, cat: &DiaryCategory) -> Result<i64, StoreError> {
    let refused = format!("there is already a category called \"{}\"", cat.label);
    if cat.id == 0 {
        let row = c
            .query_one(
                "INSERT INTO diary_categories (org_id, label, activity, position, retired)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[
                    &cat.org_id,
                    &cat.label,
                    &cat.activity.id(),
                    &cat.position,
                    &cat.retired,
                ],
            )
            .map_err(crate::access::conflict(&refused))?;
        get(&row, 0)
    } else {
        let n = c
            .execute(
                "UPDATE diary_categories SET label = $1, activity = $2, position = $3, retired = $4
                 WHERE id = $5 AND org_id = $6",
                &[
                    &cat.label,
                    &cat.activity.id(),
                    &cat.position,
                    &cat.retired,
                    &cat.id,
                    &cat.org_id,
                ],
            )
            .map_err(crate::access::conflict(&refused))?;
        if n == 0 {
            return Err(invalid(format!(
                "no diary category {} in organisation {}",
                cat.id, cat.org_id
            )));
        }
        Ok(cat.id)
    }
}

const DIARY_COLUMNS: &str = "person_id, week, org_id, team_id, minutes, contracted, obstacles, note, share_note, updated_at, eligible";

/// The same columns of `diary_published`, which keeps no time of writing.
const PUBLISHED_COLUMNS: &str = "person_id, week, org_id, team_id, minutes, contracted, obstacles, note, share_note, ''::TEXT, eligible";

fn diary_from(r: &tokio_postgres::Row) -> Result<StoredDiary, StoreError> {
    let minutes: String = get(r, 4)?;
    let obstacles: i64 = get(r, 6)?;
    let contracted: i64 = get(r, 5)?;
    Ok(StoredDiary {
        person_id: get(r, 0)?,
        org_id: get(r, 2)?,
        team_id: get(r, 3)?,
        diary: Diary {
            week: Week::from_number(get(r, 1)?),
            minutes: minutes_from_text(&minutes)
                .ok_or_else(|| invalid(format!("unreadable diary minutes {minutes:?}")))?,
            contracted: u32::try_from(contracted)
                .map_err(|_| invalid(format!("contracted minutes {contracted} out of range")))?,
            obstacles: Obstacle::from_bits(obstacles as u32),
            note: get(r, 7)?,
            share_note: get(r, 8)?,
        },
        updated_at: get(r, 9)?,
        eligible: get(r, 10)?,
    })
}

pub fn diaries_of(
    c: &mut Conn,
    person_id: i64,
    from: Week,
    to: Week,
) -> Result<Vec<StoredDiary>, StoreError> {
    c.query(
        &format!(
            "SELECT {DIARY_COLUMNS} FROM diaries WHERE person_id = $1 AND week BETWEEN $2 AND $3 ORDER BY week"
        ),
        &[&person_id, &from.number(), &to.number()],
    )
    .map_err(backend)?
    .iter()
    .map(diary_from)
    .collect()
}

pub fn last_before(
    c: &mut Conn,
    person_id: i64,
    before: Week,
) -> Result<Option<StoredDiary>, StoreError> {
    c.query_opt(
        &format!(
            "SELECT {DIARY_COLUMNS} FROM diaries WHERE person_id = $1 AND week < $2 ORDER BY week DESC LIMIT 1"
        ),
        &[&person_id, &before.number()],
    )
    .map_err(backend)?
    .as_ref()
    .map(diary_from)
    .transpose()
}

pub fn sums(
    c: &mut Conn,
    scope: &DiaryScope,
    from: Week,
    to: Week,
) -> Result<DiarySums, StoreError> {
    let (orgs, team) = scope.keys();
    if orgs.is_empty() {
        return Ok(DiarySums::default());
    }
    let (a, b) = (from.number(), to.number());
    let row = c
        .query_one(
            "SELECT COALESCE(SUM(people), 0)::BIGINT FROM diary_spans
             WHERE org_id = ANY($1) AND team_id = $2 AND week BETWEEN $3 AND $4 AND prev_week < $3",
            &[&orgs, &team, &a, &b],
        )
        .map_err(backend)?;
    let contributors: i64 = get(&row, 0)?;
    // Several organisations: only their weeks of at least MIN_CONTRIBUTORS eligible diaries
    // count.
    let sql = if matches!(scope, DiaryScope::Orgs(_)) {
        // One pass, no join: each row carries its organisation-week's count of diaries.
        format!(
            "SELECT week, measure, SUM(amount)::BIGINT FROM (
                SELECT week, measure, amount,
                       MAX(CASE WHEN measure = {ELIGIBLE} THEN amount END)
                           OVER (PARTITION BY org_id, week) AS diaries
                FROM diary_rollup
                WHERE org_id = ANY($1) AND team_id = $2 AND week BETWEEN $3 AND $4
             ) x WHERE diaries >= {MIN_CONTRIBUTORS}
             GROUP BY week, measure"
        )
    } else {
        "SELECT week, measure, SUM(amount)::BIGINT FROM diary_rollup
         WHERE org_id = ANY($1) AND team_id = $2 AND week BETWEEN $3 AND $4
         GROUP BY week, measure"
            .to_string()
    };
    let rows = c
        .query(sql.as_str(), &[&orgs, &team, &a, &b])
        .map_err(backend)?
        .iter()
        .map(|r| Ok((get(r, 0)?, get(r, 1)?, get(r, 2)?)))
        .collect::<Result<Vec<(i64, i64, i64)>, StoreError>>()?;
    Ok(fold_sums(contributors.max(0) as u64, rows))
}

pub fn week_counts(
    c: &mut Conn,
    org: i64,
    from: Week,
    to: Week,
) -> Result<Vec<(i64, Week, u64)>, StoreError> {
    c.query(
        &format!(
            "SELECT team_id, week, amount FROM diary_rollup
             WHERE org_id = $1 AND measure = {ELIGIBLE} AND week BETWEEN $2 AND $3 AND amount > 0
               AND team_id <> 0
             UNION ALL
             SELECT 0, week, eligible FROM diary_released
             WHERE org_id = $1 AND week BETWEEN $2 AND $3 AND eligible > 0
             ORDER BY 2, 1"
        ),
        &[&org, &from.number(), &to.number()],
    )
    .map_err(backend)?
    .iter()
    .map(|r| {
        let week: i64 = get(r, 1)?;
        let n: i64 = get(r, 2)?;
        Ok((get(r, 0)?, Week::from_number(week), n.max(0) as u64))
    })
    .collect()
}

pub fn shared_notes(
    c: &mut Conn,
    org: i64,
    from: Week,
    to: Week,
    limit: u32,
) -> Result<Vec<(Week, String)>, StoreError> {
    let mut out = Vec::new();
    // Week by week from the newest, each one a short walk of the partial index. Within a week
    // they go by their words, never by who or when they were written.
    let mut week = to;
    while week >= from && out.len() < limit as usize {
        let left = (limit as usize - out.len()) as i64;
        let rows = c
            .query(
                "SELECT note FROM diary_published
                 WHERE org_id = $1 AND share_note AND week = $2
                 ORDER BY note COLLATE \"C\" LIMIT $3",
                &[&org, &week.number(), &left],
            )
            .map_err(backend)?;
        for r in &rows {
            out.push((week, get(r, 0)?));
        }
        week = week.plus_weeks(-1);
    }
    Ok(out)
}
