//! Row mapping for organisations, people, sign-in, API tokens and the audit log.

use super::{get, invalid};
use postgres::Row;
use postgres::error::SqlState;
use swforce_domain::access::{OrgKind, Role};
use swforce_store::{
    ApiToken, AuditEvent, OneTimeToken, Organisation, Session, SsoConfig, StoreError, Team,
    TokenKind, User, UserStatus,
};

pub const ORG_COLUMNS: &str = "id, name, kind, la_code, email_domain, sso, created_at";

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
pub fn conflict(what: &str) -> impl Fn(postgres::Error) -> StoreError + '_ {
    move |e| match e.code() {
        Some(code) if *code == SqlState::UNIQUE_VIOLATION => StoreError::Conflict(what.to_string()),
        _ => StoreError::backend(e),
    }
}
