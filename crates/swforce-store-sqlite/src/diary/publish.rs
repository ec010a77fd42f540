//! Saving a person's week, and publishing closed weeks into the sums: the first release of an
//! organisation's week, then later changes in batches.

use super::{DIARIES, DIARY_COLUMNS, ELIGIBLE, PUBLISHED_COLUMNS, diary_from};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::collections::BTreeMap;
use swforce_domain::diary::{Obstacle, Week};
use swforce_store::diary::{
    Published, StoredDiary, SyntheticPerson, batch_of, measures_of, minutes_to_text, rollup_delta,
    sums_of_new_people,
};

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

pub fn add_synthetic(
    tx: &Transaction<'_>,
    org: i64,
    people: &[SyntheticPerson],
    at: &str,
    through: Week,
) -> rusqlite::Result<u64> {
    tx.execute(
        "UPDATE organisations SET synthetic = 1 WHERE id = ?1",
        [org],
    )?;
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
