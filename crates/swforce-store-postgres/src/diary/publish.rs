//! Saving a person's week, and publishing closed weeks into the sums: the first release of an
//! organisation's week, then later changes in batches.

use super::{DIARIES, DIARY_COLUMNS, ELIGIBLE, PUBLISHED_COLUMNS, diary_from};
use crate::pool::Conn;
use crate::{backend, get};
use swforce_domain::diary::{Obstacle, Week};
use swforce_store::StoreError;
use swforce_store::diary::{
    Published, StoredDiary, SyntheticPerson, batch_of, measures_of, minutes_to_text, rollup_delta,
    sums_of_new_people,
};

/// Adds to the sums, rows in key order: every writer locks them in the same order, so two
/// saves in one team wait for each other instead of deadlocking.
fn add_rollup(c: &mut Conn, org: i64, rows: &[(i64, i64, i64, i64)]) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let (mut teams, mut weeks, mut measures, mut amounts) = (vec![], vec![], vec![], vec![]);
    for (t, w, m, a) in rows {
        teams.push(*t);
        weeks.push(*w);
        measures.push(*m);
        amounts.push(*a);
    }
    c.execute(
        "INSERT INTO diary_rollup (org_id, team_id, week, measure, amount)
         SELECT $1, t, w, m, a FROM unnest($2::BIGINT[], $3::BIGINT[], $4::BIGINT[], $5::BIGINT[]) AS x (t, w, m, a)
         ORDER BY t, w, m
         ON CONFLICT (org_id, team_id, week, measure) DO UPDATE SET amount = diary_rollup.amount + excluded.amount",
        &[&org, &teams, &weeks, &measures, &amounts],
    )
    .map_err(backend)?;
    Ok(())
}

fn add_spans(c: &mut Conn, org: i64, rows: &[(i64, i64, i64, i64)]) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let (mut teams, mut weeks, mut prevs, mut people) = (vec![], vec![], vec![], vec![]);
    for (t, w, p, n) in rows {
        teams.push(*t);
        weeks.push(*w);
        prevs.push(*p);
        people.push(*n);
    }
    c.execute(
        "INSERT INTO diary_spans (org_id, team_id, week, prev_week, people)
         SELECT $1, t, w, p, SUM(n) FROM unnest($2::BIGINT[], $3::BIGINT[], $4::BIGINT[], $5::BIGINT[]) AS x (t, w, p, n)
         GROUP BY t, w, p ORDER BY t, w, p
         ON CONFLICT (org_id, team_id, week, prev_week) DO UPDATE SET people = diary_spans.people + excluded.people",
        &[&org, &teams, &weeks, &prevs, &people],
    )
    .map_err(backend)?;
    Ok(())
}

pub fn save(c: &mut Conn, d: &StoredDiary) -> Result<(), StoreError> {
    // A week keeps the organisation and team it was first kept in, so its sums stay put.
    c.execute(
        "INSERT INTO diaries (person_id, week, org_id, team_id, minutes, contracted, obstacles,
                              note, share_note, updated_at, eligible, pending)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, TRUE)
         ON CONFLICT (person_id, week) DO UPDATE SET minutes = excluded.minutes,
             contracted = excluded.contracted, obstacles = excluded.obstacles, note = excluded.note,
             share_note = excluded.share_note, updated_at = excluded.updated_at, pending = TRUE",
        &[
            &d.person_id,
            &d.diary.week.number(),
            &d.org_id,
            &d.team_id,
            &minutes_to_text(&d.diary.minutes),
            &i64::from(d.diary.contracted),
            &i64::from(Obstacle::to_bits(&d.diary.obstacles)),
            &d.diary.note,
            &d.diary.share_note,
            &d.updated_at,
            &d.eligible,
        ],
    )
    .map_err(backend)?;
    // Saving a week as it was published is no change: it waits for nothing and makes no batch.
    c.execute(
        "UPDATE diaries SET pending = NOT EXISTS (
             SELECT 1 FROM diary_published p
             WHERE p.person_id = diaries.person_id AND p.week = diaries.week
               AND p.minutes = diaries.minutes AND p.contracted = diaries.contracted
               AND p.obstacles = diaries.obstacles AND p.note = diaries.note
               AND p.share_note = diaries.share_note)
         WHERE person_id = $1 AND week = $2",
        &[&d.person_id, &d.diary.week.number()],
    )
    .map_err(backend)?;
    Ok(())
}

/// The advisory locks publishing takes, one per organisation-week: this constant (spelling
/// "swdiary") mixed with the organisation's id and the week's number.
const PUBLISH_LOCK: i64 = 0x0073_7764_6961_7279;

/// The organisation-weeks with pending diaries in weeks up to `through` (or only `only`).
pub fn pending_groups(
    c: &mut Conn,
    through: Week,
    only: Option<(i64, Week)>,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let (org, week) = only.map_or((None, None), |(o, w)| (Some(o), Some(w.number())));
    c.query(
        "SELECT DISTINCT org_id, week FROM diaries
         WHERE pending AND week <= $1 AND ($2::BIGINT IS NULL OR (org_id = $2 AND week = $3))
         ORDER BY week, org_id",
        &[&through.number(), &org, &week],
    )
    .map_err(backend)?
    .iter()
    .map(|r| Ok((get(r, 0)?, get(r, 1)?)))
    .collect()
}

/// Publishes what is due in one organisation-week, inside the caller's transaction: its first
/// release, or the batch of later changes that may go together.
pub fn publish_group(
    c: &mut Conn,
    org: i64,
    week: i64,
    batch: u32,
) -> Result<Published, StoreError> {
    let mut done = Published::default();
    // One publisher at a time for this organisation-week (two servers would release it twice);
    // other organisations' weeks, and saves, go on meanwhile.
    c.execute(
        "SELECT pg_advisory_xact_lock($1)",
        &[&(PUBLISH_LOCK ^ (org << 24) ^ week)],
    )
    .map_err(backend)?;
    let released: bool = get(
        &c.query_one(
            "SELECT EXISTS (SELECT 1 FROM diary_released WHERE org_id = $1 AND week = $2)",
            &[&org, &week],
        )
        .map_err(backend)?,
        0,
    )?;
    let diaries = c
        .query(
            &format!(
                "SELECT {DIARY_COLUMNS} FROM diaries
                 WHERE org_id = $1 AND week = $2 AND pending ORDER BY person_id FOR UPDATE"
            ),
            &[&org, &week],
        )
        .map_err(backend)?
        .iter()
        .map(diary_from)
        .collect::<Result<Vec<_>, _>>()?;
    let diaries: Vec<StoredDiary> = if released {
        // A later batch: only the changes that may go together, if any.
        let olds = diaries
            .iter()
            .map(|d| published(c, d.person_id, week))
            .collect::<Result<Vec<_>, _>>()?;
        let Some(chosen) = batch_of(&diaries, &olds, batch) else {
            done.waiting += diaries.len() as u64;
            return Ok(done);
        };
        done.waiting += (diaries.len() - chosen.len()) as u64;
        let chosen: Vec<StoredDiary> = chosen.into_iter().map(|i| diaries[i].clone()).collect();
        for d in &chosen {
            publish_one(c, d, false)?;
        }
        done.batched += chosen.len() as u64;
        chosen
    } else {
        first_release(c, org, week, &diaries)?;
        done.first += diaries.len() as u64;
        diaries
    };
    // Only the rows published here: one saved since by another server waits its turn.
    let people: Vec<i64> = diaries.iter().map(|d| d.person_id).collect();
    c.execute(
        "UPDATE diaries SET pending = FALSE WHERE week = $1 AND person_id = ANY($2)",
        &[&week, &people],
    )
    .map_err(backend)?;
    Ok(done)
}

/// An organisation-week's first release: every pending diary into the organisation's and its
/// teams' sums at once (the week has none published yet), in a few statements whatever the
/// number of diaries, its count kept in `diary_released`.
fn first_release(
    c: &mut Conn,
    org: i64,
    week: i64,
    diaries: &[StoredDiary],
) -> Result<(), StoreError> {
    let people: Vec<i64> = diaries.iter().map(|d| d.person_id).collect();
    // Each person's published weeks either side, in the organisation and in each team.
    let mut near: std::collections::HashMap<(i64, i64), (i64, Option<i64>)> =
        std::collections::HashMap::new();
    for r in &c
        .query(
            "SELECT person_id, 0::BIGINT, MAX(week) FILTER (WHERE week < $3), MIN(week) FILTER (WHERE week > $3)
             FROM diary_published WHERE person_id = ANY($1) AND org_id = $2 GROUP BY person_id
             UNION ALL
             SELECT person_id, team_id, MAX(week) FILTER (WHERE week < $3), MIN(week) FILTER (WHERE week > $3)
             FROM diary_published WHERE person_id = ANY($1) AND org_id = $2 AND team_id IS NOT NULL
             GROUP BY person_id, team_id",
            &[&people, &org, &week],
        )
        .map_err(backend)?
    {
        let prev: Option<i64> = get(r, 2)?;
        near.insert((get(r, 0)?, get(r, 1)?), (prev.unwrap_or(-1), get(r, 3)?));
    }
    let mut rollup: std::collections::BTreeMap<(i64, i64), i64> = Default::default();
    let mut spans: std::collections::BTreeMap<(i64, i64, i64), i64> = Default::default();
    for d in diaries {
        let measures = measures_of(&d.diary, d.eligible);
        for t in std::iter::once(0).chain(d.team_id) {
            for (m, v) in &measures {
                *rollup.entry((t, *m)).or_default() += v;
            }
            let (prev, next) = near.get(&(d.person_id, t)).copied().unwrap_or((-1, None));
            *spans.entry((t, week, prev)).or_default() += 1;
            if let Some(next) = next {
                *spans.entry((t, next, prev)).or_default() -= 1;
                *spans.entry((t, next, week)).or_default() += 1;
            }
        }
    }
    let rollup: Vec<(i64, i64, i64, i64)> = rollup
        .into_iter()
        .filter(|(_, v)| *v != 0)
        .map(|((t, m), v)| (t, week, m, v))
        .collect();
    let spans: Vec<(i64, i64, i64, i64)> = spans
        .into_iter()
        .filter(|(_, n)| *n != 0)
        .map(|((t, w, p), n)| (t, w, p, n))
        .collect();
    add_spans(c, org, &spans)?;
    add_rollup(c, org, &rollup)?;
    let teams: Vec<Option<i64>> = diaries.iter().map(|d| d.team_id).collect();
    let minutes: Vec<String> = diaries
        .iter()
        .map(|d| minutes_to_text(&d.diary.minutes))
        .collect();
    let contracted: Vec<i64> = diaries
        .iter()
        .map(|d| i64::from(d.diary.contracted))
        .collect();
    let obstacles: Vec<i64> = diaries
        .iter()
        .map(|d| i64::from(Obstacle::to_bits(&d.diary.obstacles)))
        .collect();
    let notes: Vec<&str> = diaries.iter().map(|d| d.diary.note.as_str()).collect();
    let shared: Vec<bool> = diaries.iter().map(|d| d.diary.share_note).collect();
    let eligible: Vec<bool> = diaries.iter().map(|d| d.eligible).collect();
    c.execute(
        "INSERT INTO diary_published (person_id, week, org_id, team_id, minutes, contracted,
             obstacles, note, share_note, eligible)
         SELECT p, $2, $3, t, m, k, o, n, s, e
         FROM unnest($1::BIGINT[], $4::BIGINT[], $5::TEXT[], $6::BIGINT[], $7::BIGINT[],
                     $8::TEXT[], $9::BOOLEAN[], $10::BOOLEAN[]) AS x (p, t, m, k, o, n, s, e)
         ON CONFLICT (person_id, week) DO UPDATE SET team_id = excluded.team_id,
             minutes = excluded.minutes, contracted = excluded.contracted,
             obstacles = excluded.obstacles, note = excluded.note,
             share_note = excluded.share_note, eligible = excluded.eligible",
        &[
            &people,
            &week,
            &org,
            &teams,
            &minutes,
            &contracted,
            &obstacles,
            &notes,
            &shared,
            &eligible,
        ],
    )
    .map_err(backend)?;
    c.execute(
        &format!(
            "INSERT INTO diary_released (org_id, week, diaries, eligible)
             SELECT $1, $2,
                 COALESCE((SELECT amount FROM diary_rollup
                     WHERE org_id = $1 AND team_id = 0 AND week = $2 AND measure = {DIARIES}), 0),
                 COALESCE((SELECT amount FROM diary_rollup
                     WHERE org_id = $1 AND team_id = 0 AND week = $2 AND measure = {ELIGIBLE}), 0)"
        ),
        &[&org, &week],
    )
    .map_err(backend)?;
    Ok(())
}

/// A diary as the sums hold it.
fn published(c: &mut Conn, person_id: i64, week: i64) -> Result<Option<StoredDiary>, StoreError> {
    c.query_opt(
        &format!(
            "SELECT {PUBLISHED_COLUMNS} FROM diary_published WHERE person_id = $1 AND week = $2"
        ),
        &[&person_id, &week],
    )
    .map_err(backend)?
    .as_ref()
    .map(diary_from)
    .transpose()
}

/// Brings the sums from the diary as published to the diary as kept: into the organisation's
/// and the team's sums at a week's first release, into the organisation's alone afterwards.
fn publish_one(c: &mut Conn, d: &StoredDiary, first: bool) -> Result<(), StoreError> {
    let (org, week) = (d.org_id, d.diary.week.number());
    let old = published(c, d.person_id, week)?;
    let team = if first { d.team_id } else { None };
    let scopes: Vec<i64> = std::iter::once(0).chain(team).collect();
    let delta = rollup_delta(
        old.as_ref().map(|o| (&o.diary, o.eligible)),
        (&d.diary, d.eligible),
    );
    let mut spans = Vec::new();
    if old.is_none() {
        for &t in &scopes {
            // The person's neighbouring published weeks in this scope: the new one slots in.
            let row = c
                .query_one(
                    "SELECT MAX(week) FILTER (WHERE week < $3), MIN(week) FILTER (WHERE week > $3)
                     FROM diary_published
                     WHERE person_id = $1 AND org_id = $2 AND ($4::BIGINT = 0 OR team_id = $4)",
                    &[&d.person_id, &org, &week, &t],
                )
                .map_err(backend)?;
            let prev: i64 = get::<Option<i64>>(&row, 0)?.unwrap_or(-1);
            let next: Option<i64> = get(&row, 1)?;
            spans.push((t, week, prev, 1));
            if let Some(next) = next {
                spans.push((t, next, prev, -1));
                spans.push((t, next, week, 1));
            }
        }
    }
    let rollup: Vec<(i64, i64, i64, i64)> = scopes
        .iter()
        .flat_map(|&t| delta.iter().map(move |(m, v)| (t, week, *m, *v)))
        .collect();
    add_spans(c, org, &spans)?;
    add_rollup(c, org, &rollup)?;
    let in_team = match &old {
        Some(o) => o.team_id,
        None => team,
    };
    c.execute(
        "INSERT INTO diary_published (person_id, week, org_id, team_id, minutes, contracted,
             obstacles, note, share_note, eligible)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (person_id, week) DO UPDATE SET team_id = excluded.team_id,
             minutes = excluded.minutes, contracted = excluded.contracted,
             obstacles = excluded.obstacles, note = excluded.note,
             share_note = excluded.share_note, eligible = excluded.eligible",
        &[
            &d.person_id,
            &week,
            &org,
            &in_team,
            &minutes_to_text(&d.diary.minutes),
            &i64::from(d.diary.contracted),
            &i64::from(Obstacle::to_bits(&d.diary.obstacles)),
            &d.diary.note,
            &d.diary.share_note,
            &d.eligible,
        ],
    )
    .map_err(backend)?;
    Ok(())
}

pub fn add_synthetic(
    c: &mut Conn,
    org: i64,
    people: &[SyntheticPerson],
    at: &str,
    through: Week,
) -> Result<u64, StoreError> {
    use tokio_postgres::types::Type;
    c.execute(
        "UPDATE organisations SET synthetic = TRUE WHERE id = $1",
        &[&org],
    )
    .map_err(backend)?;
    let row = c
        .query_one("SELECT COALESCE(MIN(person_id), 0) FROM diaries", &[])
        .map_err(backend)?;
    let lowest: i64 = get(&row, 0)?;
    let mut next = lowest.min(0) - 1;
    let mut added = 0u64;
    {
        let types = [
            Type::INT8,
            Type::INT8,
            Type::INT8,
            Type::INT8,
            Type::TEXT,
            Type::INT8,
            Type::INT8,
            Type::TEXT,
            Type::BOOL,
            Type::TEXT,
            Type::BOOL,
            Type::BOOL,
        ];
        let mut writer = c
            .client
            .copy_in(
                &format!("COPY diaries ({DIARY_COLUMNS}, pending) FROM STDIN BINARY"),
                &types,
            )
            .map_err(backend)?;
        for p in people {
            for d in &p.diaries {
                writer
                    .write(&[
                        &next,
                        &d.week.number(),
                        &org,
                        &p.team_id,
                        &minutes_to_text(&d.minutes),
                        &i64::from(d.contracted),
                        &i64::from(Obstacle::to_bits(&d.obstacles)),
                        &d.note,
                        &d.share_note,
                        &at,
                        &true,
                        &(d.week > through),
                    ])
                    .map_err(backend)?;
                added += 1;
            }
            next -= 1;
        }
        writer.finish().map_err(backend)?;
    }
    // Their weeks up to `through` are published as they are, as a first release.
    c.execute(
        "INSERT INTO diary_published (person_id, week, org_id, team_id, minutes, contracted,
             obstacles, note, share_note, eligible)
         SELECT person_id, week, org_id, team_id, minutes, contracted, obstacles, note,
             share_note, TRUE
         FROM diaries WHERE org_id = $1 AND person_id <= $2 AND person_id > $3 AND week <= $4",
        &[&org, &(lowest.min(0) - 1), &next, &through.number()],
    )
    .map_err(backend)?;
    let (rollup, spans) = sums_of_new_people(people, through);
    let rollup: Vec<_> = rollup
        .into_iter()
        .map(|((t, w, m), a)| (t, w, m, a))
        .collect();
    let spans: Vec<_> = spans
        .into_iter()
        .map(|((t, w, p), n)| (t, w, p, n))
        .collect();
    for chunk in rollup.chunks(50_000) {
        add_rollup(c, org, chunk)?;
    }
    for chunk in spans.chunks(50_000) {
        add_spans(c, org, chunk)?;
    }
    c.execute(
        &format!(
            "INSERT INTO diary_released (org_id, week, diaries, eligible)
             SELECT org_id, week, SUM(CASE WHEN measure = {DIARIES} THEN amount END),
                    SUM(CASE WHEN measure = {ELIGIBLE} THEN amount END)
             FROM diary_rollup
             WHERE org_id = $1 AND team_id = 0 AND measure IN ({DIARIES}, {ELIGIBLE}) AND week <= $2
             GROUP BY org_id, week
             ON CONFLICT (org_id, week) DO UPDATE SET diaries = excluded.diaries,
                 eligible = excluded.eligible"
        ),
        &[&org, &through.number()],
    )
    .map_err(backend)?;
    Ok(added)
}
