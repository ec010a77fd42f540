//! The "80:20 in practice" exchange: themes, examples and their search, forms, responses and pages
//! on PostgreSQL (`ExchangeStore`).

use crate::access::*;
use crate::{PostgresStore, backend, get, invalid, to_json};
use swforce_domain::exchange::{
    Audience, Example, FeedbackForm, ResourcePage, Response, Status as ExampleStatus, Theme,
};
use swforce_store::{ExamplePage, ExampleQuery, ExampleSort, ExchangeStore, StoreError};
use tokio_postgres::types::ToSql;

impl ExchangeStore for PostgresStore {
    fn themes(&self) -> Result<Vec<Theme>, StoreError> {
        let mut themes = self.with(|c| {
            c.query(
                "SELECT id, label, audience, active FROM exchange_themes",
                &[],
            )
            .map_err(backend)?
            .iter()
            .map(|r| {
                let audience: String = get(r, 2)?;
                Ok(Theme {
                    id: get(r, 0)?,
                    label: get(r, 1)?,
                    audience: Audience::from_id(&audience)
                        .ok_or_else(|| invalid(format!("unknown audience {audience:?}")))?,
                    active: get(r, 3)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()
        })?;
        // By audience in the campaign's order (government first), not the ids' spelling.
        themes.sort_by(|a, b| (a.audience, &a.label).cmp(&(b.audience, &b.label)));
        Ok(themes)
    }

    fn save_theme(&self, theme: &Theme) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO exchange_themes (id, label, audience, active) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (id) DO UPDATE SET label = excluded.label, audience = excluded.audience, active = excluded.active",
                &[&theme.id, &theme.label, &theme.audience.id(), &theme.active],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn save_example(&self, e: &Example) -> Result<Example, StoreError> {
        let body = to_json(&Example {
            id: 0,
            helped: 0,
            ..e.clone()
        })?;
        let fingerprint = Some(e.fingerprint.as_str()).filter(|f| !f.is_empty());
        let search = search_text(e);
        self.with(|conn| {
            let mut tx = conn.client.transaction().map_err(backend)?;
            let duplicate = conflict("that example has already been sent");
            // The count of "this helped me" is `mark_helped`'s to keep: saving never changes it.
            let (id, helped): (i64, i64) = if e.id == 0 {
                let row = tx
                    .query_one(
                        "INSERT INTO examples (status, body, setting, region, hours_saved, measured, author_user, fingerprint, updated_at, published_at, search)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, to_tsvector('simple', $11)) RETURNING id, helped",
                        &[
                            &e.status.id(), &body, &e.setting.id(), &e.region, &e.hours_saved,
                            &e.measured(), &e.author_user, &fingerprint, &e.updated_at,
                            &e.published_at, &search,
                        ],
                    )
                    .map_err(&duplicate)?;
                (get(&row, 0)?, get(&row, 1)?)
            } else {
                let row = tx
                    .query_opt(
                        "UPDATE examples SET status = $2, body = $3, setting = $4, region = $5, hours_saved = $6, measured = $7,
                             author_user = $8, fingerprint = $9, updated_at = $10, published_at = $11, search = to_tsvector('simple', $12)
                         WHERE id = $1 RETURNING helped",
                        &[
                            &e.id, &e.status.id(), &body, &e.setting.id(), &e.region,
                            &e.hours_saved, &e.measured(), &e.author_user, &fingerprint,
                            &e.updated_at, &e.published_at, &search,
                        ],
                    )
                    .map_err(&duplicate)?
                    .ok_or_else(|| invalid(format!("no example {} to replace", e.id)))?;
                tx.execute("DELETE FROM example_themes WHERE example_id = $1", &[&e.id])
                    .map_err(backend)?;
                (e.id, get(&row, 0)?)
            };
            tx.execute(
                "INSERT INTO example_themes (example_id, theme_id)
                 SELECT DISTINCT $1::BIGINT, theme_id FROM unnest($2::text[]) AS t (theme_id)",
                &[&id, &e.themes],
            )
            .map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(Example {
                id,
                helped: helped.max(0) as u64,
                ..e.clone()
            })
        })
    }

    fn example(&self, id: i64) -> Result<Option<Example>, StoreError> {
        self.select_one(
            &format!("SELECT {EXAMPLE_COLUMNS} FROM examples WHERE id = $1"),
            &[&id],
            example_from,
        )
    }

    fn examples_in(&self, status: ExampleStatus, limit: u32) -> Result<Vec<Example>, StoreError> {
        self.select(&format!("SELECT {EXAMPLE_COLUMNS} FROM examples WHERE status = $1 ORDER BY updated_at, id LIMIT $2"), &[&status.id(), &i64::from(limit)], example_from)
    }

    fn examples_of(&self, user_id: i64) -> Result<Vec<Example>, StoreError> {
        self.select(
            &format!(
                "SELECT {EXAMPLE_COLUMNS} FROM examples WHERE author_user = $1 ORDER BY id DESC"
            ),
            &[&user_id],
            example_from,
        )
    }

    fn search_examples(&self, q: &ExampleQuery) -> Result<ExamplePage, StoreError> {
        // A filter left out is NULL (or false) and drops out of the plan.
        let found = "FROM examples
             WHERE status = $1
               AND ($2::text IS NULL OR setting = $2)
               AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM example_themes t WHERE t.example_id = examples.id AND t.theme_id = $3))
               AND ($4::text IS NULL OR region = $4)
               AND (NOT $5 OR measured)
               AND ($6::text IS NULL OR search @@ to_tsquery('simple', $6))";
        let order = match q.sort {
            ExampleSort::Newest => "published_at DESC NULLS LAST, id DESC",
            ExampleSort::MostHelpful => "helped DESC, published_at DESC NULLS LAST, id DESC",
            ExampleSort::MostHours => {
                "hours_saved DESC NULLS LAST, published_at DESC NULLS LAST, id DESC"
            }
        };
        let text = prefix_query(&swforce_store::search_words(&q.text));
        let limit = i64::from(if q.limit == 0 { 20 } else { q.limit });
        let offset = i64::from(q.offset);
        self.with(|c| {
            // One snapshot for the count and the page.
            let mut tx = c.client.snapshot().map_err(backend)?;
            // The filters ($1 to $6), then the page ($7 and $8).
            let params: [&(dyn ToSql + Sync); 8] = [
                &ExampleStatus::Published.id(),
                &q.setting.map(|s| s.id()),
                &q.theme,
                &q.region,
                &q.measured,
                &text,
                &limit,
                &offset,
            ];
            let total = tx
                .query_one(&format!("SELECT COUNT(*) {found}"), &params[..6])
                .map_err(backend)?;
            let total = get::<i64>(&total, 0)?.max(0) as u64;
            let examples = tx
                .query(
                    &format!(
                        "SELECT {EXAMPLE_COLUMNS} {found} ORDER BY {order} LIMIT $7 OFFSET $8"
                    ),
                    &params,
                )
                .map_err(backend)?
                .iter()
                .map(example_from)
                .collect::<Result<Vec<_>, _>>()?;
            tx.commit().map_err(backend)?;
            Ok(ExamplePage { examples, total })
        })
    }

    fn mark_helped(&self, example_id: i64, person: &str, at: &str) -> Result<bool, StoreError> {
        self.with(|conn| {
            let mut tx = conn.client.transaction().map_err(backend)?;
            // Once per person: of two marks at once, the second waits for the first, then
            // finds it there and adds nothing.
            let added = tx
                .execute(
                    "INSERT INTO example_helped (example_id, person, at)
                     SELECT id, $2, $3 FROM examples WHERE id = $1
                     ON CONFLICT (example_id, person) DO NOTHING",
                    &[&example_id, &person, &at],
                )
                .map_err(backend)?
                == 1;
            if added {
                tx.execute(
                    "UPDATE examples SET helped = helped + 1 WHERE id = $1",
                    &[&example_id],
                )
                .map_err(backend)?;
            }
            tx.commit().map_err(backend)?;
            Ok(added)
        })
    }

    fn save_form(&self, form: &FeedbackForm) -> Result<FeedbackForm, StoreError> {
        let body = to_json(&FeedbackForm {
            id: 0,
            ..form.clone()
        })?;
        self.with(|c| {
            let id = if form.id == 0 {
                let row = c
                    .query_one(
                        "INSERT INTO feedback_forms (body, created_at) VALUES ($1, $2) RETURNING id",
                        &[&body, &form.created_at],
                    )
                    .map_err(backend)?;
                get(&row, 0)?
            } else {
                let n = c
                    .execute(
                        "UPDATE feedback_forms SET body = $2, created_at = $3 WHERE id = $1",
                        &[&form.id, &body, &form.created_at],
                    )
                    .map_err(backend)?;
                if n == 0 {
                    return Err(invalid(format!("no feedback form {} to replace", form.id)));
                }
                form.id
            };
            Ok(FeedbackForm {
                id,
                ..form.clone()
            })
        })
    }

    fn forms(&self) -> Result<Vec<FeedbackForm>, StoreError> {
        self.select(
            "SELECT id, body FROM feedback_forms ORDER BY id DESC",
            &[],
            form_from,
        )
    }

    fn form(&self, id: i64) -> Result<Option<FeedbackForm>, StoreError> {
        self.select_one(
            "SELECT id, body FROM feedback_forms WHERE id = $1",
            &[&id],
            form_from,
        )
    }

    fn save_response(&self, response: &Response) -> Result<i64, StoreError> {
        let body = to_json(&Response {
            id: 0,
            ..response.clone()
        })?;
        self.with(|c| {
            let row = c
                .query_one(
                    "INSERT INTO responses (form_id, body, delete_on) VALUES ($1, $2, $3) RETURNING id",
                    &[&response.form_id, &body, &response.delete_on],
                )
                .map_err(backend)?;
            get(&row, 0)
        })
    }

    fn responses(&self, form_id: i64) -> Result<Vec<Response>, StoreError> {
        self.select(
            "SELECT id, body FROM responses WHERE form_id = $1 ORDER BY id",
            &[&form_id],
            |r| {
                let body: &str = get(r, 1)?;
                Ok(Response {
                    id: get(r, 0)?,
                    ..serde_json::from_str(body).map_err(|e| invalid(e.to_string()))?
                })
            },
        )
    }

    fn purge_responses(&self, today: &str) -> Result<u64, StoreError> {
        self.with(|c| {
            c.execute("DELETE FROM responses WHERE delete_on <= $1", &[&today])
                .map_err(backend)
        })
    }

    fn save_page(&self, page: &ResourcePage) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO resource_pages (slug, title, body, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (slug) DO UPDATE SET title = excluded.title, body = excluded.body, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                &[&page.slug, &page.title, &page.body, &page.updated_by, &page.updated_at],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn pages(&self) -> Result<Vec<ResourcePage>, StoreError> {
        self.select(
            &format!("SELECT {PAGE_COLUMNS} FROM resource_pages ORDER BY title, slug"),
            &[],
            page_from,
        )
    }

    fn page(&self, slug: &str) -> Result<Option<ResourcePage>, StoreError> {
        self.select_one(
            &format!("SELECT {PAGE_COLUMNS} FROM resource_pages WHERE slug = $1"),
            &[&slug],
            page_from,
        )
    }
}

const EXAMPLE_COLUMNS: &str = "id, body, hours_saved, helped";

fn example_from(r: &tokio_postgres::Row) -> Result<Example, StoreError> {
    let body: &str = get(r, 1)?;
    Ok(Example {
        id: get(r, 0)?,
        // From its column, exactly: a number read back from JSON may differ in the last digit.
        hours_saved: get(r, 2)?,
        helped: get::<i64>(r, 3)?.max(0) as u64,
        ..serde_json::from_str(body).map_err(|e| invalid(e.to_string()))?
    })
}

/// The text an example is found by: the words of its title, problem and change, split,
/// lower-cased and stemmed as [`swforce_store::search_words`] reads a search (and as the SQLite
/// store indexes them), so that PostgreSQL's parser finds no e-mail addresses, hyphenated words
/// or numbers with points in it, only the words themselves.
fn search_text(e: &Example) -> String {
    [&e.title, &e.problem, &e.change]
        .into_iter()
        .map(|text| swforce_store::search_entry(text))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes every example's search entry again with stemmed words (migration 14: entries before
/// it held words as written).
pub(crate) fn rebuild_search(tx: &mut crate::db::Client) -> Result<(), StoreError> {
    let rows = tx
        .query(&format!("SELECT {EXAMPLE_COLUMNS} FROM examples"), &[])
        .map_err(backend)?;
    for r in &rows {
        let e = example_from(r)?;
        tx.execute(
            "UPDATE examples SET search = to_tsvector('simple', $1) WHERE id = $2",
            &[&search_text(&e), &e.id],
        )
        .map_err(backend)?;
    }
    Ok(())
}

/// A text search query in which every word must match, whole or as the start of a word;
/// `None` for no words.
fn prefix_query(words: &[String]) -> Option<String> {
    // Words are letters and digits only; quoting them anyway keeps the query well formed.
    let terms: Vec<String> = words
        .iter()
        .map(|w| format!("'{}':*", w.replace('\\', "\\\\").replace('\'', "''")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" & "))
}

fn form_from(r: &tokio_postgres::Row) -> Result<FeedbackForm, StoreError> {
    let body: &str = get(r, 1)?;
    Ok(FeedbackForm {
        id: get(r, 0)?,
        ..serde_json::from_str(body).map_err(|e| invalid(e.to_string()))?
    })
}

const PAGE_COLUMNS: &str = "slug, title, body, updated_by, updated_at";

fn page_from(r: &tokio_postgres::Row) -> Result<ResourcePage, StoreError> {
    Ok(ResourcePage {
        slug: get(r, 0)?,
        title: get(r, 1)?,
        body: get(r, 2)?,
        updated_by: get(r, 3)?,
        updated_at: get(r, 4)?,
    })
}
