//! Row mapping for organisations, people, sign-in, API tokens and the audit log.

use super::invalid;
use swforce_domain::access::{OrgKind, Role};
use swforce_store::{
    ApiToken, AuditEvent, OneTimeToken, Organisation, Session, SsoConfig, StoreError, Team,
    TokenKind, User, UserStatus,
};

pub const ORG_COLUMNS: &str = "id, name, kind, la_code, email_domain, sso, created_at";

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
        _ => StoreError::backend(e),
    }
}
