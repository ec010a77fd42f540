//! Organisations, teams and people, sign-in, API tokens, single sign-on links, site secrets and
//! the audit log (`AccessStore`), with their row mapping.

use super::{get, invalid};
use crate::{PostgresStore, backend, to_json};
use swforce_domain::access::{OrgKind, Role};
use swforce_store::{
    AccessStore, ApiToken, AuditEvent, NewOrganisation, NewUser, OneTimeToken, Organisation,
    Session, SsoConfig, StoreError, Team, TokenKind, User, UserStatus,
};
use tokio_postgres::Row;
use tokio_postgres::error::SqlState;

impl AccessStore for PostgresStore {
    fn create_organisation(&self, o: &NewOrganisation<'_>) -> Result<Organisation, StoreError> {
        self.with(|c| {
            let row = c
                .query_one(
                    &format!("INSERT INTO organisations (name, kind, la_code, email_domain, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING {ORG_COLUMNS}"),
                    &[&o.name, &o.kind.id(), &o.la_code, &o.email_domain.map(str::to_lowercase), &o.created_at],
                )
                .map_err(conflict("an organisation with that name, authority or email domain already exists"))?;
            org_from(&row)
        })
    }

    fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        self.select(
            &format!("SELECT {ORG_COLUMNS} FROM organisations ORDER BY name"),
            &[],
            org_from,
        )
    }

    fn remove_synthetic_organisations(&self) -> Result<Vec<String>, StoreError> {
        self.with(|c| {
            c.in_transaction(|c| {
                let names = c
                    .query(
                        "SELECT name FROM organisations WHERE synthetic = TRUE ORDER BY name",
                        &[],
                    )
                    .map_err(backend)?
                    .iter()
                    .map(|r| r.get::<_, String>(0))
                    .collect();
                for sql in swforce_store::REMOVE_SYNTHETIC {
                    c.execute(sql, &[]).map_err(backend)?;
                }
                Ok(names)
            })
        })
    }

    fn organisation(&self, id: i64) -> Result<Option<Organisation>, StoreError> {
        self.select_one(
            &format!("SELECT {ORG_COLUMNS} FROM organisations WHERE id = $1"),
            &[&id],
            org_from,
        )
    }

    fn organisation_by_domain(&self, domain: &str) -> Result<Option<Organisation>, StoreError> {
        self.select_one(
            &format!("SELECT {ORG_COLUMNS} FROM organisations WHERE email_domain = $1"),
            &[&domain.to_lowercase()],
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
        self.with(|c| {
            c.execute(
                "UPDATE organisations SET sso = $2, email_domain = $3 WHERE id = $1",
                &[&org_id, &sso, &email_domain.map(str::to_lowercase)],
            )
            .map_err(conflict(
                "another organisation already uses that email domain",
            ))?;
            Ok(())
        })
    }

    fn create_team(&self, org_id: i64, name: &str) -> Result<Team, StoreError> {
        self.with(|c| {
            let row = c
                .query_one(
                    "INSERT INTO teams (org_id, name) VALUES ($1, $2) RETURNING id, org_id, name",
                    &[&org_id, &name],
                )
                .map_err(conflict(
                    "the organisation already has a team with that name",
                ))?;
            team_from(&row)
        })
    }

    fn teams(&self, org_id: i64) -> Result<Vec<Team>, StoreError> {
        self.select(
            "SELECT id, org_id, name FROM teams WHERE org_id = $1 ORDER BY name",
            &[&org_id],
            team_from,
        )
    }

    fn create_user(&self, u: &NewUser<'_>) -> Result<User, StoreError> {
        self.with(|c| {
            let row = c
                .query_one(
                    &format!("INSERT INTO users (org_id, team_id, email, name, roles, password_hash, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'active', $7) RETURNING {USER_COLUMNS}"),
                    &[&u.org_id, &u.team_id, &u.email.to_lowercase(), &u.name, &roles_to_text(u.roles), &u.password_hash, &u.created_at],
                )
                .map_err(conflict("someone already has an account with that email address"))?;
            user_from(&row)
        })
    }

    fn user(&self, id: i64) -> Result<Option<User>, StoreError> {
        self.select_one(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"),
            &[&id],
            user_from,
        )
    }

    fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        self.select_one(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1"),
            &[&email.trim().to_lowercase()],
            user_from,
        )
    }

    fn users(&self, org_id: i64) -> Result<Vec<User>, StoreError> {
        self.select(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE org_id = $1 ORDER BY name, email"),
            &[&org_id],
            user_from,
        )
    }

    fn count_users(&self) -> Result<u64, StoreError> {
        self.with(|c| {
            let row = c
                .query_one("SELECT COUNT(*) FROM users", &[])
                .map_err(backend)?;
            Ok(get::<i64>(&row, 0)?.max(0) as u64)
        })
    }

    fn update_user(&self, u: &User) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "UPDATE users SET team_id = $2, name = $3, roles = $4, password_hash = $5, status = $6, failed_sign_ins = $7, locked_until = $8, last_sign_in = $9, email = $10, created_at = $11 WHERE id = $1",
                &[&u.id, &u.team_id, &u.name, &roles_to_text(&u.roles), &u.password_hash, &status_id(u.status), &i64::from(u.failed_sign_ins), &u.locked_until, &u.last_sign_in, &u.email.to_lowercase(), &u.created_at],
            )
            .map_err(conflict("someone already has an account with that email address"))?;
            Ok(())
        })
    }

    fn create_session(&self, s: &Session) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                &[&s.id_hash, &s.user_id, &s.csrf_token, &s.created_at, &s.expires_at],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn session(&self, id_hash: &str, now: &str) -> Result<Option<Session>, StoreError> {
        self.select_one(
            &format!(
                "SELECT {SESSION_COLUMNS} FROM sessions WHERE id_hash = $1 AND expires_at > $2"
            ),
            &[&id_hash, &now],
            session_from,
        )
    }

    fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute("DELETE FROM sessions WHERE id_hash = $1", &[&id_hash])
                .map_err(backend)?;
            Ok(())
        })
    }

    fn delete_sessions_of(&self, user_id: i64) -> Result<u64, StoreError> {
        self.with(|c| {
            c.execute("DELETE FROM sessions WHERE user_id = $1", &[&user_id])
                .map_err(backend)
        })
    }

    fn create_token(&self, t: &OneTimeToken) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO one_time_tokens (kind, hash, org_id, user_id, email, payload, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[&t.kind.id(), &t.hash, &t.org_id, &t.user_id, &t.email, &t.payload, &t.expires_at],
            )
            .map_err(conflict("that token is already on record"))?;
            Ok(())
        })
    }

    fn take_token(
        &self,
        kind: TokenKind,
        hash: &str,
        now: &str,
    ) -> Result<Option<OneTimeToken>, StoreError> {
        // One statement finds and marks the token: of two servers asked at once, the second
        // waits for the first and then finds the token used.
        self.with(|c| {
            c.query_opt(
                &format!(
                    "UPDATE one_time_tokens SET used_at = $3
                     WHERE kind = $1 AND hash = $2 AND used_at IS NULL AND expires_at > $3
                     RETURNING {TOKEN_COLUMNS}"
                ),
                &[&kind.id(), &hash, &now],
            )
            .map_err(backend)?
            .map(|r| token_from(kind, &r))
            .transpose()
        })
    }

    fn record_failed_sign_in(&self, key: &str, at: &str) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO failed_sign_ins (key, at) VALUES ($1, $2)",
                &[&key, &at],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn failed_sign_ins(&self, key: &str, since: &str) -> Result<u64, StoreError> {
        self.with(|c| {
            let row = c
                .query_one(
                    "SELECT COUNT(*) FROM failed_sign_ins WHERE key = $1 AND at >= $2",
                    &[&key, &since],
                )
                .map_err(backend)?;
            Ok(get::<i64>(&row, 0)?.max(0) as u64)
        })
    }

    fn create_api_token(&self, t: &ApiToken) -> Result<ApiToken, StoreError> {
        self.with(|c| {
            let row = c
                .query_one(
                    &format!("INSERT INTO api_tokens (user_id, name, hash, scopes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING {API_TOKEN_COLUMNS}"),
                    &[&t.user_id, &t.name, &t.hash, &t.scopes.join(","), &t.created_at, &t.expires_at],
                )
                .map_err(conflict("that token is already on record"))?;
            api_token_from(&row)
        })
    }

    fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>, StoreError> {
        self.select(
            &format!(
                "SELECT {API_TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY id DESC"
            ),
            &[&user_id],
            api_token_from,
        )
    }

    fn api_token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>, StoreError> {
        self.with(|c| {
            c.query_opt(
                &format!("SELECT {API_TOKEN_COLUMNS} FROM api_tokens WHERE hash = $1"),
                &[&hash],
            )
            .map_err(backend)?
            .as_ref()
            .map(api_token_from)
            .transpose()
        })
    }

    fn revoke_api_token(&self, user_id: i64, id: i64, at: &str) -> Result<bool, StoreError> {
        self.with(|c| {
            let n = c
                .execute(
                    "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $3) WHERE id = $1 AND user_id = $2",
                    &[&id, &user_id, &at],
                )
                .map_err(backend)?;
            Ok(n == 1)
        })
    }

    fn touch_api_token(&self, id: i64, at: &str) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "UPDATE api_tokens SET last_used = $2 WHERE id = $1",
                &[&id, &at],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn append_audit(&self, e: &AuditEvent) -> Result<(), StoreError> {
        self.with(|c| insert_audit(&mut c.client, e))
    }

    fn audit(&self, org_id: Option<i64>, limit: u32) -> Result<Vec<AuditEvent>, StoreError> {
        let limit = i64::from(limit);
        self.with(|c| {
            let rows = match org_id {
                Some(org) => c.query(
                    &format!("SELECT {AUDIT_COLUMNS} FROM audit_log WHERE org_id = $1 ORDER BY id DESC LIMIT $2"),
                    &[&org, &limit],
                ),
                None => c.query(
                    &format!("SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY id DESC LIMIT $1"),
                    &[&limit],
                ),
            }
            .map_err(backend)?;
            rows.iter().map(audit_from).collect()
        })
    }

    fn sso_user(&self, issuer: &str, subject: &str) -> Result<Option<i64>, StoreError> {
        self.with(|c| {
            c.query_opt(
                "SELECT user_id FROM sso_links WHERE issuer = $1 AND subject = $2",
                &[&issuer, &subject],
            )
            .map_err(backend)?
            .map(|r| get(&r, 0))
            .transpose()
        })
    }

    fn sso_subject(&self, issuer: &str, user_id: i64) -> Result<Option<String>, StoreError> {
        self.with(|c| {
            c.query_opt(
                "SELECT subject FROM sso_links WHERE issuer = $1 AND user_id = $2",
                &[&issuer, &user_id],
            )
            .map_err(backend)?
            .map(|r| get(&r, 0))
            .transpose()
        })
    }

    fn link_sso(
        &self,
        issuer: &str,
        subject: &str,
        user_id: i64,
        at: &str,
    ) -> Result<(), StoreError> {
        self.with(|c| {
            let added = c
                .execute(
                    "INSERT INTO sso_links (issuer, subject, user_id, linked_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT DO NOTHING",
                    &[&issuer, &subject, &user_id, &at],
                )
                .map_err(backend)?;
            if added == 0 {
                return Err(StoreError::Conflict(
                    "that account or that sign-on identity is linked already".into(),
                ));
            }
            Ok(())
        })
    }

    fn verified_domain(&self, org_id: i64) -> Result<Option<(String, String)>, StoreError> {
        self.with(|c| {
            c.query_opt(
                "SELECT domain, verified_at FROM verified_domains WHERE org_id = $1",
                &[&org_id],
            )
            .map_err(backend)?
            .map(|r| Ok((get(&r, 0)?, get(&r, 1)?)))
            .transpose()
        })
    }

    fn forget_verified_domain(&self, org_id: i64) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute("DELETE FROM verified_domains WHERE org_id = $1", &[&org_id])
                .map_err(backend)?;
            Ok(())
        })
    }

    fn set_verified_domain(
        &self,
        org_id: i64,
        domain: &str,
        at: &str,
        by: &str,
    ) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO verified_domains (org_id, domain, verified_at, verified_by)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (org_id) DO UPDATE SET domain = excluded.domain,
                     verified_at = excluded.verified_at, verified_by = excluded.verified_by",
                &[&org_id, &domain, &at, &by],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn site_secret(&self, name: &str, fresh: &str) -> Result<String, StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO site_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                &[&name, &fresh],
            )
            .map_err(backend)?;
            let row = c
                .query_one("SELECT value FROM site_secrets WHERE name = $1", &[&name])
                .map_err(backend)?;
            get(&row, 0)
        })
    }

    fn legacy_ids(&self) -> Result<Vec<(String, i64)>, StoreError> {
        self.select(
            "SELECT kind, last_id FROM legacy_ids ORDER BY kind",
            &[],
            |r| Ok((get(r, 0)?, get(r, 1)?)),
        )
    }
}

pub const ORG_COLUMNS: &str = "id, name, kind, la_code, email_domain, sso, created_at, synthetic";

pub fn org_from(r: &Row) -> Result<Organisation, StoreError> {
    let kind: String = get(r, 2)?;
    let sso: Option<String> = get(r, 5)?;
    Ok(Organisation {
        id: get(r, 0)?,
        name: get(r, 1)?,
        kind: OrgKind::from_id(&kind)
            .ok_or_else(|| invalid(format!("unknown organisation kind {kind:?}")))?,
        la_code: get(r, 3)?,
        email_domain: get(r, 4)?,
        sso: sso
            .map(|s| serde_json::from_str::<SsoConfig>(&s).map_err(|e| invalid(e.to_string())))
            .transpose()?,
        created_at: get(r, 6)?,
        synthetic: get(r, 7)?,
    })
}

pub fn team_from(r: &Row) -> Result<Team, StoreError> {
    Ok(Team {
        id: get(r, 0)?,
        org_id: get(r, 1)?,
        name: get(r, 2)?,
    })
}

pub const USER_COLUMNS: &str = "id, org_id, team_id, email, name, roles, password_hash, status, failed_sign_ins, locked_until, created_at, last_sign_in";

pub fn roles_to_text(roles: &[Role]) -> String {
    roles.iter().map(|r| r.id()).collect::<Vec<_>>().join(",")
}

pub fn roles_from_text(text: &str) -> Result<Vec<Role>, StoreError> {
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

pub fn user_from(r: &Row) -> Result<User, StoreError> {
    let roles: String = get(r, 5)?;
    let status: String = get(r, 7)?;
    Ok(User {
        id: get(r, 0)?,
        org_id: get(r, 1)?,
        team_id: get(r, 2)?,
        email: get(r, 3)?,
        name: get(r, 4)?,
        roles: roles_from_text(&roles)?,
        password_hash: get(r, 6)?,
        status: match status.as_str() {
            "active" => UserStatus::Active,
            "locked" => UserStatus::Locked,
            other => return Err(invalid(format!("unknown status {other:?}"))),
        },
        failed_sign_ins: get::<i64>(r, 8)?.clamp(0, i64::from(u32::MAX)) as u32,
        locked_until: get(r, 9)?,
        created_at: get(r, 10)?,
        last_sign_in: get(r, 11)?,
    })
}

pub const SESSION_COLUMNS: &str = "id_hash, user_id, csrf_token, created_at, expires_at";

pub fn session_from(r: &Row) -> Result<Session, StoreError> {
    Ok(Session {
        id_hash: get(r, 0)?,
        user_id: get(r, 1)?,
        csrf_token: get(r, 2)?,
        created_at: get(r, 3)?,
        expires_at: get(r, 4)?,
    })
}

pub const TOKEN_COLUMNS: &str = "hash, org_id, user_id, email, payload, expires_at";

pub fn token_from(kind: TokenKind, r: &Row) -> Result<OneTimeToken, StoreError> {
    Ok(OneTimeToken {
        kind,
        hash: get(r, 0)?,
        org_id: get(r, 1)?,
        user_id: get(r, 2)?,
        email: get(r, 3)?,
        payload: get(r, 4)?,
        expires_at: get(r, 5)?,
    })
}

pub const API_TOKEN_COLUMNS: &str =
    "id, user_id, name, hash, scopes, created_at, expires_at, revoked_at, last_used";

pub fn api_token_from(r: &Row) -> Result<ApiToken, StoreError> {
    let scopes: String = get(r, 4)?;
    Ok(ApiToken {
        id: get(r, 0)?,
        user_id: get(r, 1)?,
        name: get(r, 2)?,
        hash: get(r, 3)?,
        scopes: scopes
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        created_at: get(r, 5)?,
        expires_at: get(r, 6)?,
        revoked_at: get(r, 7)?,
        last_used: get(r, 8)?,
    })
}

pub const AUDIT_COLUMNS: &str = "id, at, org_id, user_id, actor, action, target, detail, ip";

pub fn audit_from(r: &Row) -> Result<AuditEvent, StoreError> {
    Ok(AuditEvent {
        id: get(r, 0)?,
        at: get(r, 1)?,
        org_id: get(r, 2)?,
        user_id: get(r, 3)?,
        actor: get(r, 4)?,
        action: get(r, 5)?,
        target: get(r, 6)?,
        detail: get(r, 7)?,
        ip: get(r, 8)?,
    })
}

/// A uniqueness failure becomes `Conflict` with `what`; anything else a backend error.
pub(crate) fn conflict(what: &str) -> impl Fn(crate::db::DbError) -> StoreError + '_ {
    move |e| match e.code() {
        Some(code) if *code == SqlState::UNIQUE_VIOLATION => StoreError::Conflict(what.to_string()),
        _ => crate::backend(e),
    }
}

/// Appends an audit line on a connection or inside a caller's transaction.
pub(crate) fn insert_audit(c: &mut crate::db::Client, e: &AuditEvent) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO audit_log (at, org_id, user_id, actor, action, target, detail, ip) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[&e.at, &e.org_id, &e.user_id, &e.actor, &e.action, &e.target, &e.detail, &e.ip],
    )
    .map_err(backend)?;
    Ok(())
}
