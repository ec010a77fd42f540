//! The "80:20 in practice" exchange: themes, examples and their search, forms, responses and pages
//! on SQLite (`ExchangeStore`).

use crate::access::*;
use crate::{SqliteStore, backend, invalid, to_json};
use rusqlite::params;
use swforce_domain::exchange::{
    Audience, Example, FeedbackForm, ResourcePage, Response, Status as ExampleStatus, Theme,
};
use swforce_store::{
    ExamplePage, ExampleQuery, ExampleSort, ExchangeStore, StoreError, search_entry, search_words,
};

impl ExchangeStore for SqliteStore {
    fn themes(&self) -> Result<Vec<Theme>, StoreError> {
        let mut themes = self.read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT id, label, audience, active FROM exchange_themes")?;
            stmt.query_map([], |r| {
                let audience: String = r.get(2)?;
                Ok(Theme {
                    id: r.get(0)?,
                    label: r.get(1)?,
                    audience: Audience::from_id(&audience)
                        .ok_or_else(|| invalid(format!("unknown audience {audience:?}")))?,
                    active: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
        })?;
        themes.sort_by(|a, b| (a.audience, &a.label).cmp(&(b.audience, &b.label)));
        Ok(themes)
    }

    fn save_theme(&self, t: &Theme) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO exchange_themes (id, label, audience, active) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET label = excluded.label, audience = excluded.audience, active = excluded.active",
            params![t.id, t.label, t.audience.id(), t.active],
        )
        .map_err(backend)?;
        Ok(())
    }

    fn save_example(&self, e: &Example) -> Result<Example, StoreError> {
        let body = to_json(&Example {
            id: 0,
            helped: 0,
            ..e.clone()
        })?;
        let fingerprint = Some(e.fingerprint.as_str()).filter(|f| !f.is_empty());
        let refused = conflict("that example has already been sent");
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(backend)?;
        let values = params![
            e.status.id(),
            body,
            e.setting.id(),
            e.region,
            e.hours_saved,
            e.measured(),
            e.author_user,
            fingerprint,
            e.updated_at,
            e.published_at
        ];
        let (id, helped) = if e.id == 0 {
            tx.execute(
                "INSERT INTO examples (status, body, setting, region, hours_saved, measured, author_user, fingerprint, updated_at, published_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                values,
            )
            .map_err(&refused)?;
            (tx.last_insert_rowid(), 0)
        } else {
            let mut with_id = values.to_vec();
            with_id.push(&e.id);
            let helped: i64 = tx
                .query_row(
                    "UPDATE examples SET status = ?1, body = ?2, setting = ?3, region = ?4, hours_saved = ?5, measured = ?6,
                         author_user = ?7, fingerprint = ?8, updated_at = ?9, published_at = ?10
                     WHERE id = ?11 RETURNING helped",
                    with_id.as_slice(),
                    |r| r.get(0),
                )
                .map_err(&refused)?;
            tx.execute("DELETE FROM example_themes WHERE example_id = ?1", [e.id])
                .map_err(backend)?;
            tx.execute("DELETE FROM examples_fts WHERE rowid = ?1", [e.id])
                .map_err(backend)?;
            (e.id, helped)
        };
        {
            let mut theme = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO example_themes (example_id, theme_id) VALUES (?1, ?2)",
                )
                .map_err(backend)?;
            for t in &e.themes {
                theme.execute(params![id, t]).map_err(backend)?;
            }
        }
        index(&tx, id, e).map_err(backend)?;
        tx.commit().map_err(backend)?;
        Ok(Example {
            id,
            helped: helped.max(0) as u64,
            ..e.clone()
        })
    }

    fn example(&self, id: i64) -> Result<Option<Example>, StoreError> {
        self.select_one(
            &format!("SELECT {EXAMPLE_COLUMNS} FROM examples WHERE id = ?1"),
            [id],
            example_from,
        )
    }

    fn examples_in(&self, status: ExampleStatus, limit: u32) -> Result<Vec<Example>, StoreError> {
        self.select(&format!(
                "SELECT {EXAMPLE_COLUMNS} FROM examples WHERE status = ?1 ORDER BY updated_at, id LIMIT ?2"
            ), params![status.id(), limit], example_from)
    }

    fn examples_of(&self, user_id: i64) -> Result<Vec<Example>, StoreError> {
        self.select(
            &format!(
                "SELECT {EXAMPLE_COLUMNS} FROM examples WHERE author_user = ?1 ORDER BY id DESC"
            ),
            [user_id],
            example_from,
        )
    }

    fn search_examples(&self, q: &ExampleQuery) -> Result<ExamplePage, StoreError> {
        use rusqlite::types::Value;
        let mut conditions = vec!["e.status = ?".to_string()];
        let mut values = vec![Value::Text(ExampleStatus::Published.id().into())];
        let words = search_words(&q.text);
        if !words.is_empty() {
            // Each word quoted, so nothing in it is read as an FTS operator; `*` makes it a
            // prefix, and words side by side must all match.
            let terms: Vec<String> = words
                .iter()
                .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
                .collect();
            conditions
                .push("e.id IN (SELECT rowid FROM examples_fts WHERE examples_fts MATCH ?)".into());
            values.push(Value::Text(terms.join(" ")));
        }
        if let Some(setting) = q.setting {
            conditions.push("e.setting = ?".into());
            values.push(Value::Text(setting.id().into()));
        }
        if let Some(theme) = &q.theme {
            conditions.push(
                "EXISTS (SELECT 1 FROM example_themes t WHERE t.example_id = e.id AND t.theme_id = ?)"
                    .into(),
            );
            values.push(Value::Text(theme.clone()));
        }
        if let Some(region) = &q.region {
            conditions.push("e.region = ?".into());
            values.push(Value::Text(region.clone()));
        }
        if q.measured {
            conditions.push("e.measured = 1".into());
        }
        let filter = conditions.join(" AND ");
        let order = match q.sort {
            ExampleSort::Newest => "e.published_at DESC, e.id DESC",
            ExampleSort::MostHelpful => "e.helped DESC, e.published_at DESC, e.id DESC",
            ExampleSort::MostHours => {
                "e.hours_saved IS NULL, e.hours_saved DESC, e.published_at DESC, e.id DESC"
            }
        };
        let limit = if q.limit == 0 { 20 } else { q.limit };
        self.read(|c| {
            // One snapshot for the count and the page.
            let tx = c.unchecked_transaction()?;
            let total: i64 = tx.query_row(
                &format!("SELECT COUNT(*) FROM examples e WHERE {filter}"),
                rusqlite::params_from_iter(&values),
                |r| r.get(0),
            )?;
            let mut stmt = tx.prepare(&format!(
                "SELECT {EXAMPLE_COLUMNS} FROM examples e WHERE {filter} ORDER BY {order} LIMIT ? OFFSET ?"
            ))?;
            let page = values
                .iter()
                .cloned()
                .chain([Value::Integer(limit.into()), Value::Integer(q.offset.into())]);
            let examples = stmt
                .query_map(rusqlite::params_from_iter(page), example_from)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(ExamplePage {
                examples,
                total: total.max(0) as u64,
            })
        })
    }

    fn mark_helped(&self, example_id: i64, person: &str, at: &str) -> Result<bool, StoreError> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(backend)?;
        let new = tx
            .execute(
                "INSERT INTO example_helped (example_id, person, at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                params![example_id, person, at],
            )
            .map_err(backend)?
            == 1;
        if new {
            tx.execute(
                "UPDATE examples SET helped = helped + 1 WHERE id = ?1",
                [example_id],
            )
            .map_err(backend)?;
        }
        tx.commit().map_err(backend)?;
        Ok(new)
    }

    fn save_form(&self, f: &FeedbackForm) -> Result<FeedbackForm, StoreError> {
        let body = to_json(&FeedbackForm { id: 0, ..f.clone() })?;
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let id = if f.id == 0 {
            conn.execute(
                "INSERT INTO feedback_forms (body, created_at) VALUES (?1, ?2)",
                params![body, f.created_at],
            )
            .map_err(backend)?;
            conn.last_insert_rowid()
        } else {
            conn.query_row(
                "UPDATE feedback_forms SET body = ?2, created_at = ?3 WHERE id = ?1 RETURNING id",
                params![f.id, body, f.created_at],
                |r| r.get(0),
            )
            .map_err(backend)?
        };
        Ok(FeedbackForm { id, ..f.clone() })
    }

    fn forms(&self) -> Result<Vec<FeedbackForm>, StoreError> {
        self.read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT id, body FROM feedback_forms ORDER BY id DESC")?;
            stmt.query_map([], form_from)?.collect()
        })
    }

    fn form(&self, id: i64) -> Result<Option<FeedbackForm>, StoreError> {
        self.select_one(
            "SELECT id, body FROM feedback_forms WHERE id = ?1",
            [id],
            form_from,
        )
    }

    fn save_response(&self, response: &Response) -> Result<i64, StoreError> {
        let body = to_json(&Response {
            id: 0,
            ..response.clone()
        })?;
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO responses (form_id, body, delete_on) VALUES (?1, ?2, ?3)",
            params![response.form_id, body, response.delete_on],
        )
        .map_err(backend)?;
        Ok(conn.last_insert_rowid())
    }

    fn responses(&self, form_id: i64) -> Result<Vec<Response>, StoreError> {
        self.read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT id, body FROM responses WHERE form_id = ?1 ORDER BY id")?;
            stmt.query_map([form_id], response_from)?.collect()
        })
    }

    fn purge_responses(&self, today: &str) -> Result<u64, StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let n = conn
            .execute("DELETE FROM responses WHERE delete_on <= ?1", [today])
            .map_err(backend)?;
        Ok(n as u64)
    }

    fn save_page(&self, p: &ResourcePage) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO resource_pages (slug, title, body, updated_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (slug) DO UPDATE SET title = excluded.title, body = excluded.body, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            params![p.slug, p.title, p.body, p.updated_by, p.updated_at],
        )
        .map_err(backend)?;
        Ok(())
    }

    fn pages(&self) -> Result<Vec<ResourcePage>, StoreError> {
        self.select(
            &format!("SELECT {PAGE_COLUMNS} FROM resource_pages ORDER BY title, slug"),
            [],
            page_from,
        )
    }

    fn page(&self, slug: &str) -> Result<Option<ResourcePage>, StoreError> {
        self.select_one(
            &format!("SELECT {PAGE_COLUMNS} FROM resource_pages WHERE slug = ?1"),
            [slug],
            page_from,
        )
    }
}

const EXAMPLE_COLUMNS: &str = "id, body, helped";

/// Writes an example's search entry: its words stemmed as a search's are
/// ([`swforce_store::search_entry`]), so SQLite and PostgreSQL find the same examples.
fn index(conn: &rusqlite::Connection, id: i64, e: &Example) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO examples_fts (rowid, title, problem, change) VALUES (?1, ?2, ?3, ?4)",
        params![
            id,
            search_entry(&e.title),
            search_entry(&e.problem),
            search_entry(&e.change)
        ],
    )
}

/// Writes every example's search entry again (after migration 14 emptied them: entries before
/// it held words as written, not their stems).
pub(crate) fn rebuild_search(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    let mut select = conn.prepare(&format!("SELECT {EXAMPLE_COLUMNS} FROM examples"))?;
    let examples = select
        .query_map([], example_from)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for e in &examples {
        index(conn, e.id, e)?;
    }
    Ok(())
}

fn example_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<Example> {
    let body: String = r.get(1)?;
    Ok(Example {
        id: r.get(0)?,
        helped: r.get::<_, i64>(2)?.max(0) as u64,
        ..serde_json::from_str(&body).map_err(|e| invalid(e.to_string()))?
    })
}

fn form_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<FeedbackForm> {
    let body: String = r.get(1)?;
    Ok(FeedbackForm {
        id: r.get(0)?,
        ..serde_json::from_str(&body).map_err(|e| invalid(e.to_string()))?
    })
}

fn response_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<Response> {
    let body: String = r.get(1)?;
    Ok(Response {
        id: r.get(0)?,
        ..serde_json::from_str(&body).map_err(|e| invalid(e.to_string()))?
    })
}

const PAGE_COLUMNS: &str = "slug, title, body, updated_by, updated_at";

fn page_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<ResourcePage> {
    Ok(ResourcePage {
        slug: r.get(0)?,
        title: r.get(1)?,
        body: r.get(2)?,
        updated_by: r.get(3)?,
        updated_at: r.get(4)?,
    })
}
