//! Organisations, teams and people, sign-in, API tokens, single sign-on links, site secrets and
//! the audit log (`AccessStore`), with their row mapping.

use super::invalid;
use crate::{SqliteStore, backend, to_json};
use rusqlite::{OptionalExtension, params};
use swforce_domain::access::{OrgKind, Role};
use swforce_store::{
    AccessStore, ApiToken, AuditEvent, NewOrganisation, NewUser, OneTimeToken, Organisation,
    Session, SsoConfig, StoreError, Team, TokenKind, User, UserStatus,
};

impl AccessStore for SqliteStore {
    fn create_organisation(&self, o: &NewOrganisation<'_>) -> Result<Organisation, StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO organisations (name, kind, la_code, email_domain, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![o.name, o.kind.id(), o.la_code, o.email_domain.map(str::to_lowercase), o.created_at],
        )
        .map_err(conflict("an organisation with that name, authority or email domain already exists"))?;
        let id = conn.last_insert_rowid();
        conn.query_row(
            &format!("SELECT {ORG_COLUMNS} FROM organisations WHERE id = ?1"),
            [id],
            org_from,
        )
        .map_err(backend)
    }

    fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        self.select(
            &format!("SELECT {ORG_COLUMNS} FROM organisations ORDER BY name"),
            [],
            org_from,
        )
    }

    fn remove_synthetic_organisations(&self) -> Result<Vec<String>, StoreError> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(backend)?;
        let names = {
            let mut stmt = tx
                .prepare("SELECT name FROM organisations WHERE synthetic = TRUE ORDER BY name")
                .map_err(backend)?;
            stmt.query_map([], |r| r.get::<_, String>(0))
                .and_then(Iterator::collect::<Result<Vec<_>, _>>)
                .map_err(backend)?
        };
        for sql in swforce_store::REMOVE_SYNTHETIC {
            tx.execute(sql, []).map_err(backend)?;
        }
        tx.commit().map_err(backend)?;
        Ok(names)
    }

    fn organisation(&self, id: i64) -> Result<Option<Organisation>, StoreError> {
        self.select_one(
            &format!("SELECT {ORG_COLUMNS} FROM organisations WHERE id = ?1"),
            [id],
            org_from,
        )
    }

    fn organisation_by_domain(&self, domain: &str) -> Result<Option<Organisation>, StoreError> {
        self.select_one(
            &format!("SELECT {ORG_COLUMNS} FROM organisations WHERE email_domain = ?1"),
            [domain.to_lowercase()],
            org_from,
        )
    }

    fn set_sso(
        &self,
        org_id: i64,
        sso: Option<&SsoConfig>,
        email_domain: Option<&str>,
    ) -> Result<(), StoreError> {
        let sso = sso.map(to_json).transpose()?;
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "UPDATE organisations SET sso = ?2, email_domain = ?3 WHERE id = ?1",
            params![org_id, sso, email_domain.map(str::to_lowercase)],
        )
        .map_err(conflict(
            "another organisation already uses that email domain",
        ))?;
        Ok(())
    }

    fn create_team(&self, org_id: i64, name: &str) -> Result<Team, StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO teams (org_id, name) VALUES (?1, ?2)",
            params![org_id, name],
        )
        .map_err(conflict(
            "the organisation already has a team with that name",
        ))?;
        Ok(Team {
            id: conn.last_insert_rowid(),
            org_id,
            name: name.to_string(),
        })
    }

    fn teams(&self, org_id: i64) -> Result<Vec<Team>, StoreError> {
        self.select(
            "SELECT id, org_id, name FROM teams WHERE org_id = ?1 ORDER BY name",
            [org_id],
            team_from,
        )
    }

    fn create_user(&self, u: &NewUser<'_>) -> Result<User, StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO users (org_id, team_id, email, name, roles, password_hash, status, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active', ?7)",
            params![u.org_id, u.team_id, u.email.to_lowercase(), u.name, roles_to_text(u.roles), u.password_hash, u.created_at],
        )
        .map_err(conflict("someone already has an account with that email address"))?;
        let id = conn.last_insert_rowid();
        conn.query_row(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
            [id],
            user_from,
        )
        .map_err(backend)
    }

    fn user(&self, id: i64) -> Result<Option<User>, StoreError> {
        self.select_one(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
            [id],
            user_from,
        )
    }

    fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        self.select_one(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?1"),
            [email.trim().to_lowercase()],
            user_from,
        )
    }

    fn users(&self, org_id: i64) -> Result<Vec<User>, StoreError> {
        self.select(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE org_id = ?1 ORDER BY name, email"),
            [org_id],
            user_from,
        )
    }

    fn count_users(&self) -> Result<u64, StoreError> {
        self.read(|c| c.query_row("SELECT COUNT(*) FROM users", [], |r| r.get::<_, i64>(0)))
            .map(|n| n.max(0) as u64)
    }

    fn update_user(&self, u: &User) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "UPDATE users SET team_id = ?2, name = ?3, roles = ?4, password_hash = ?5, status = ?6, failed_sign_ins = ?7, locked_until = ?8, last_sign_in = ?9, email = ?10, created_at = ?11 WHERE id = ?1",
            params![u.id, u.team_id, u.name, roles_to_text(&u.roles), u.password_hash, status_id(u.status), i64::from(u.failed_sign_ins), u.locked_until, u.last_sign_in, u.email.to_lowercase(), u.created_at],
        )
        .map_err(conflict("someone already has an account with that email address"))?;
        Ok(())
    }

    fn create_session(&self, s: &Session) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![s.id_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at],
        )
        .map_err(backend)?;
        Ok(())
    }

    fn session(&self, id_hash: &str, now: &str) -> Result<Option<Session>, StoreError> {
        self.select_one(
            &format!(
                "SELECT {SESSION_COLUMNS} FROM sessions WHERE id_hash = ?1 AND expires_at > ?2"
            ),
            [id_hash, now],
            session_from,
        )
    }

    fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute("DELETE FROM sessions WHERE id_hash = ?1", [id_hash])
            .map_err(backend)?;
        Ok(())
    }

    fn delete_sessions_of(&self, user_id: i64) -> Result<u64, StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let n = conn
            .execute("DELETE FROM sessions WHERE user_id = ?1", [user_id])
            .map_err(backend)?;
        Ok(n as u64)
    }

    fn create_token(&self, t: &OneTimeToken) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO one_time_tokens (kind, hash, org_id, user_id, email, payload, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![t.kind.id(), t.hash, t.org_id, t.user_id, t.email, t.payload, t.expires_at],
        )
        .map_err(conflict("that token is already on record"))?;
        Ok(())
    }

    fn take_token(
        &self,
        kind: TokenKind,
        hash: &str,
        now: &str,
    ) -> Result<Option<OneTimeToken>, StoreError> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(backend)?;
        let token = tx
            .query_row(
                "SELECT hash, org_id, user_id, email, payload, expires_at FROM one_time_tokens
                 WHERE kind = ?1 AND hash = ?2 AND used_at IS NULL AND expires_at > ?3",
                params![kind.id(), hash, now],
                |r| token_from(kind, r),
            )
            .optional()
            .map_err(backend)?;
        if token.is_some() {
            tx.execute(
                "UPDATE one_time_tokens SET used_at = ?3 WHERE kind = ?1 AND hash = ?2",
                params![kind.id(), hash, now],
            )
            .map_err(backend)?;
        }
        tx.commit().map_err(backend)?;
        Ok(token)
    }

    fn record_failed_sign_in(&self, key: &str, at: &str) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO failed_sign_ins (key, at) VALUES (?1, ?2)",
            [key, at],
        )
        .map_err(backend)?;
        Ok(())
    }

    fn failed_sign_ins(&self, key: &str, since: &str) -> Result<u64, StoreError> {
        self.read(|c| {
            c.query_row(
                "SELECT COUNT(*) FROM failed_sign_ins WHERE key = ?1 AND at >= ?2",
                [key, since],
                |r| r.get::<_, i64>(0),
            )
        })
        .map(|n| n.max(0) as u64)
    }

    fn create_api_token(&self, t: &ApiToken) -> Result<ApiToken, StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO api_tokens (user_id, name, hash, scopes, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![t.user_id, t.name, t.hash, t.scopes.join(","), t.created_at, t.expires_at],
        )
        .map_err(conflict("that token is already on record"))?;
        let id = conn.last_insert_rowid();
        conn.query_row(
            &format!("SELECT {API_TOKEN_COLUMNS} FROM api_tokens WHERE id = ?1"),
            [id],
            api_token_from,
        )
        .map_err(backend)
    }

    fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>, StoreError> {
        self.select(
            &format!(
                "SELECT {API_TOKEN_COLUMNS} FROM api_tokens WHERE user_id = ?1 ORDER BY id DESC"
            ),
            [user_id],
            api_token_from,
        )
    }

    fn api_token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>, StoreError> {
        self.read(|c| {
            c.query_row(
                &format!("SELECT {API_TOKEN_COLUMNS} FROM api_tokens WHERE hash = ?1"),
                [hash],
                api_token_from,
            )
            .optional()
        })
    }

    fn revoke_api_token(&self, user_id: i64, id: i64, at: &str) -> Result<bool, StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let n = conn
            .execute(
                "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?3) WHERE id = ?1 AND user_id = ?2",
                params![id, user_id, at],
            )
            .map_err(backend)?;
        Ok(n == 1)
    }

    fn touch_api_token(&self, id: i64, at: &str) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "UPDATE api_tokens SET last_used = ?2 WHERE id = ?1",
            params![id, at],
        )
        .map_err(backend)?;
        Ok(())
    }

    fn append_audit(&self, e: &AuditEvent) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        insert_audit(&conn, e)
    }

    fn audit(&self, org_id: Option<i64>, limit: u32) -> Result<Vec<AuditEvent>, StoreError> {
        self.read(|c| match org_id {
            Some(org) => {
                let mut stmt = c.prepare_cached(&format!("SELECT {AUDIT_COLUMNS} FROM audit_log WHERE org_id = ?1 ORDER BY id DESC LIMIT ?2"))?;
                stmt.query_map(params![org, limit], audit_from)?.collect()
            }
            None => {
                let mut stmt = c.prepare_cached(&format!("SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY id DESC LIMIT ?1"))?;
                stmt.query_map([limit], audit_from)?.collect()
            }
        })
    }

    fn sso_user(&self, issuer: &str, subject: &str) -> Result<Option<i64>, StoreError> {
        self.read(|c| {
            c.query_row(
                "SELECT user_id FROM sso_links WHERE issuer = ?1 AND subject = ?2",
                params![issuer, subject],
                |r| r.get(0),
            )
            .optional()
        })
    }

    fn sso_subject(&self, issuer: &str, user_id: i64) -> Result<Option<String>, StoreError> {
        self.read(|c| {
            c.query_row(
                "SELECT subject FROM sso_links WHERE issuer = ?1 AND user_id = ?2",
                params![issuer, user_id],
                |r| r.get(0),
            )
            .optional()
        })
    }

    fn link_sso(
        &self,
        issuer: &str,
        subject: &str,
        user_id: i64,
        at: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(backend)?;
        let added = tx
            .execute(
                "INSERT INTO sso_links (issuer, subject, user_id, linked_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT DO NOTHING",
                params![issuer, subject, user_id, at],
            )
            .map_err(backend)?;
        tx.commit().map_err(backend)?;
        if added == 0 {
            return Err(StoreError::Conflict(
                "that account or that sign-on identity is linked already".into(),
            ));
        }
        Ok(())
    }

    fn verified_domain(&self, org_id: i64) -> Result<Option<(String, String)>, StoreError> {
        self.read(|c| {
            c.query_row(
                "SELECT domain, verified_at FROM verified_domains WHERE org_id = ?1",
                [org_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
        })
    }

    fn forget_verified_domain(&self, org_id: i64) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("DELETE FROM verified_domains WHERE org_id = ?1", [org_id])
                .map(|_| ())
        })
    }

    fn set_verified_domain(
        &self,
        org_id: i64,
        domain: &str,
        at: &str,
        by: &str,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO verified_domains (org_id, domain, verified_at, verified_by)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (org_id) DO UPDATE SET domain = excluded.domain,
                     verified_at = excluded.verified_at, verified_by = excluded.verified_by",
                params![org_id, domain, at, by],
            )
            .map(|_| ())
        })
    }

    fn site_secret(&self, name: &str, fresh: &str) -> Result<String, StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO site_secrets (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
                params![name, fresh],
            )?;
            tx.query_row(
                "SELECT value FROM site_secrets WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
        })
    }

    fn legacy_ids(&self) -> Result<Vec<(String, i64)>, StoreError> {
        self.read(|c| {
            c.prepare_cached("SELECT kind, last_id FROM legacy_ids ORDER BY kind")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        })
    }
}

pub const ORG_COLUMNS: &str = "id, name, kind, la_code, email_domain, sso, created_at, synthetic";

pub fn org_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<Organisation> {
    let kind: String = r.get(2)?;
    let sso: Option<String> = r.get(5)?;
    Ok(Organisation {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: OrgKind::from_id(&kind)
            .ok_or_else(|| invalid(format!("unknown organisation kind {kind:?}")))?,
        la_code: r.get(3)?,
        email_domain: r.get(4)?,
        sso: sso
            .map(|s| serde_json::from_str::<SsoConfig>(&s).map_err(|e| invalid(e.to_string())))
            .transpose()?,
        created_at: r.get(6)?,
        synthetic: r.get(7)?,
    })
}

pub fn team_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<Team> {
    Ok(Team {
        id: r.get(0)?,
        org_id: r.get(1)?,
        name: r.get(2)?,
    })
}

pub const USER_COLUMNS: &str = "id, org_id, team_id, email, name, roles, password_hash, status, failed_sign_ins, locked_until, created_at, last_sign_in";

pub fn roles_to_text(roles: &[Role]) -> String {
    roles.iter().map(|r| r.id()).collect::<Vec<_>>().join(",")
}

pub fn roles_from_text(text: &str) -> rusqlite::Result<Vec<Role>> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| Role::from_id(s).ok_or_else(|| invalid(format!("unknown role {s:?}"))))
        .collect()
}

pub fn status_id(s: UserStatus) -> &'static str {
    match s {
        UserStatus::Active => "active",
        UserStatus::Locked => "locked",
    }
}

pub fn user_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let roles: String = r.get(5)?;
    let status: String = r.get(7)?;
    Ok(User {
        id: r.get(0)?,
        org_id: r.get(1)?,
        team_id: r.get(2)?,
        email: r.get(3)?,
        name: r.get(4)?,
        roles: roles_from_text(&roles)?,
        password_hash: r.get(6)?,
        status: match status.as_str() {
            "active" => UserStatus::Active,
            "locked" => UserStatus::Locked,
            other => return Err(invalid(format!("unknown status {other:?}"))),
        },
        failed_sign_ins: r.get::<_, i64>(8)?.clamp(0, i64::from(u32::MAX)) as u32,
        locked_until: r.get(9)?,
        created_at: r.get(10)?,
        last_sign_in: r.get(11)?,
    })
}

pub const SESSION_COLUMNS: &str = "id_hash, user_id, csrf_token, created_at, expires_at";

pub fn session_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<Session> {
    Ok(Session {
        id_hash: r.get(0)?,
        user_id: r.get(1)?,
        csrf_token: r.get(2)?,
        created_at: r.get(3)?,
        expires_at: r.get(4)?,
    })
}

pub fn token_from(kind: TokenKind, r: &rusqlite::Row<'_>) -> rusqlite::Result<OneTimeToken> {
    Ok(OneTimeToken {
        kind,
        hash: r.get(0)?,
        org_id: r.get(1)?,
        user_id: r.get(2)?,
        email: r.get(3)?,
        payload: r.get(4)?,
        expires_at: r.get(5)?,
    })
}

pub const API_TOKEN_COLUMNS: &str =
    "id, user_id, name, hash, scopes, created_at, expires_at, revoked_at, last_used";

pub fn api_token_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<ApiToken> {
    let scopes: String = r.get(4)?;
    Ok(ApiToken {
        id: r.get(0)?,
        user_id: r.get(1)?,
        name: r.get(2)?,
        hash: r.get(3)?,
        scopes: scopes
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        created_at: r.get(5)?,
        expires_at: r.get(6)?,
        revoked_at: r.get(7)?,
        last_used: r.get(8)?,
    })
}

pub const AUDIT_COLUMNS: &str = "id, at, org_id, user_id, actor, action, target, detail, ip";

pub fn audit_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEvent> {
    Ok(AuditEvent {
        id: r.get(0)?,
        at: r.get(1)?,
        org_id: r.get(2)?,
        user_id: r.get(3)?,
        actor: r.get(4)?,
        action: r.get(5)?,
        target: r.get(6)?,
        detail: r.get(7)?,
        ip: r.get(8)?,
    })
}

/// A uniqueness failure becomes `Conflict` with `what`; anything else (a missing parent, a
/// broken rule) a backend error.
pub fn conflict(what: &str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |e| match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            StoreError::Conflict(what.to_string())
        }
        _ => crate::backend(e),
    }
}

/// Appends an audit line on a connection or inside a caller's transaction.
pub(crate) fn insert_audit(conn: &rusqlite::Connection, e: &AuditEvent) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO audit_log (at, org_id, user_id, actor, action, target, detail, ip) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![e.at, e.org_id, e.user_id, e.actor, e.action, e.target, e.detail, e.ip],
    )
    .map_err(backend)?;
    Ok(())
}
