//! API tokens: per person, scoped, expiring and revocable. A token acts for its owner, within
//! both the owner's roles and its scopes.

use super::{Access, Origin, Principal, digest, new_secret, plus, stamp};
use crate::public_id::Kind;
use crate::{App, AppError};
use jiff::{Timestamp, ToSpan};
use swforce_domain::access::Permission;
use swforce_store::{ApiToken, UserStatus};

/// What a token may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Read the organisation's saved scenarios.
    ScenariosRead,
    /// Save scenarios for the organisation.
    ScenariosWrite,
    /// Read the organisation's census returns and the indicators of their records.
    CensusRead,
    /// Import published statistics.
    StatisticsImport,
    /// Read the organisation's audit log.
    AuditRead,
    /// Read the council's agency register, its checks and summary.
    AgencyRead,
    /// Read one's own time diary weeks.
    DiaryRead,
    /// Read the time diary sums of the organisation and its teams.
    TimeRead,
    /// Read the organisation's published health check results.
    HealthCheckRead,
}

/// Every scope, with its id and what it allows, for the pages and the API description.
pub const SCOPES: [(Scope, &str, &str); 9] = [
    (
        Scope::ScenariosRead,
        "scenarios:read",
        "Read your organisation's saved scenarios",
    ),
    (
        Scope::ScenariosWrite,
        "scenarios:write",
        "Save scenarios for your organisation",
    ),
    (
        Scope::CensusRead,
        "census:read",
        "Read your organisation's census returns and their indicators",
    ),
    (
        Scope::StatisticsImport,
        "statistics:import",
        "Import published statistics",
    ),
    (
        Scope::AuditRead,
        "audit:read",
        "Read your organisation's audit log",
    ),
    (
        Scope::AgencyRead,
        "agency:read",
        "Read your council's agency register, its checks and summary",
    ),
    (
        Scope::DiaryRead,
        "diary:read",
        "Read your own time diary weeks",
    ),
    (
        Scope::TimeRead,
        "time:read",
        "Read the time diary balance of your organisation and its teams",
    ),
    (
        Scope::HealthCheckRead,
        "healthcheck:read",
        "Read your organisation's published health check results",
    ),
];

impl Scope {
    pub fn id(self) -> &'static str {
        SCOPES.iter().find(|s| s.0 == self).map_or("", |s| s.1)
    }

    pub fn from_id(id: &str) -> Option<Self> {
        SCOPES.iter().find(|s| s.1 == id.trim()).map(|s| s.0)
    }

    /// The permission a scope exercises and how far: a read scope reads what its permission
    /// guards and never changes it. `None` for reading the organisation's own scenarios,
    /// which needs only membership.
    pub fn grant(self) -> Option<(Permission, Access)> {
        match self {
            Self::ScenariosRead => None,
            Self::ScenariosWrite => Some((Permission::SaveScenarios, Access::Write)),
            Self::CensusRead => Some((Permission::ImportCensus, Access::Read)),
            Self::StatisticsImport => Some((Permission::ImportStatistics, Access::Write)),
            Self::AuditRead => Some((Permission::ViewAudit, Access::Read)),
            Self::AgencyRead => Some((Permission::ManageAgency, Access::Read)),
            Self::DiaryRead => Some((Permission::KeepTimeDiary, Access::Read)),
            Self::TimeRead => Some((Permission::ViewTimeAggregates, Access::Read)),
            Self::HealthCheckRead => Some((Permission::ViewHealthCheckResults, Access::Read)),
        }
    }

    /// Which permission a scope needs its owner to hold, if any.
    pub fn needs(self) -> Option<Permission> {
        self.grant().map(|(p, _)| p)
    }

    /// Whether a token with this scope may exercise `p` with `access` (a write scope reads
    /// too).
    pub fn permits(self, p: Permission, access: Access) -> bool {
        self.grant().is_some_and(|(q, granted)| {
            q == p && (granted == Access::Write || access == Access::Read)
        })
    }

    /// The scope that grants `p` with `access`, if any does.
    pub fn granting(p: Permission, access: Access) -> Option<Scope> {
        SCOPES.iter().map(|s| s.0).find(|s| s.permits(p, access))
    }
}

/// A token just made: the secret is shown once and never again.
#[derive(Clone)]
pub struct NewApiToken {
    pub secret: String,
    pub token: ApiToken,
}

impl std::fmt::Debug for NewApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewApiToken")
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

/// Tokens start with this, so they are easy to recognise (and to find if leaked).
pub const TOKEN_PREFIX: &str = "swf_";

impl App {
    /// Makes an API token for the person acting, with some of the scopes their roles allow.
    pub fn create_api_token(
        &self,
        who: &Principal,
        name: &str,
        scopes: &[String],
        days: u32,
        origin: &Origin,
    ) -> Result<NewApiToken, AppError> {
        who.require_browser()?;
        who.require(Permission::UseApi)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::Invalid {
                problem: "Enter a name for the token, of 100 characters or fewer".into(),
                fix: "Name it after what will use it, such as Power BI dashboard".into(),
            });
        }
        // Two live tokens of one name could not be told apart in the list, or when revoking.
        let now = crate::access::now_stamp();
        if self.store().api_tokens(who.user.id)?.iter().any(|t| {
            t.revoked_at.is_none() && t.expires_at > now && t.name.trim().eq_ignore_ascii_case(name)
        }) {
            return Err(AppError::Invalid {
                problem: format!("You already have a token called \u{201c}{name}\u{201d}"),
                fix: "Give this one another name, or revoke the old one first".into(),
            });
        }
        if !(1..=366).contains(&days) {
            return Err(AppError::Invalid {
                problem: "A token must expire within a year".into(),
                fix: "Choose 1 to 366 days".into(),
            });
        }
        let mut parsed = Vec::new();
        for s in scopes {
            let Some(scope) = Scope::from_id(s) else {
                return Err(AppError::Invalid {
                    problem: format!("There is no scope called {s:?}"),
                    fix: format!("Choose from {}", SCOPES.map(|s| s.1).join(", ")),
                });
            };
            if let Some(p) = scope.needs() {
                who.require(p)?;
            }
            if !parsed.contains(&scope) {
                parsed.push(scope);
            }
        }
        if parsed.is_empty() {
            return Err(AppError::Invalid {
                problem: "Select at least one scope".into(),
                fix: "Give the token only what it needs".into(),
            });
        }
        let now = Timestamp::now();
        let secret = format!("{TOKEN_PREFIX}{}", new_secret());
        let token = self.store().create_api_token(&ApiToken {
            id: 0,
            user_id: who.user.id,
            name: name.to_string(),
            hash: digest(&secret),
            scopes: parsed.iter().map(|s| s.id().to_string()).collect(),
            created_at: stamp(now),
            expires_at: stamp(plus(now, (i64::from(days) * 24).hours())),
            revoked_at: None,
            last_used: None,
        })?;
        self.audit_event(
            Some(who),
            "api_token_created",
            &format!("token {} ({name})", self.public_id(Kind::Token, token.id)?),
            &token.scopes.join(" "),
            origin,
        )?;
        Ok(NewApiToken { secret, token })
    }

    /// The person's own tokens, newest first.
    pub fn api_tokens(&self, who: &Principal) -> Result<Vec<ApiToken>, AppError> {
        who.require_browser()?;
        Ok(self.store().api_tokens(who.user.id)?)
    }

    pub fn revoke_api_token(
        &self,
        who: &Principal,
        id: i64,
        origin: &Origin,
    ) -> Result<(), AppError> {
        who.require_browser()?;
        if !self
            .store()
            .revoke_api_token(who.user.id, id, &stamp(Timestamp::now()))?
        {
            return Err(AppError::NotFound {
                kind: "API token",
                query: String::new(),
                suggestions: Vec::new(),
            });
        }
        self.audit_event(
            Some(who),
            "api_token_revoked",
            &format!("token {}", self.public_id(Kind::Token, id)?),
            "",
            origin,
        )
    }

    /// The person a bearer token acts for, with its scopes, if it is live.
    pub fn token_principal(&self, secret: &str) -> Result<Option<Principal>, AppError> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let Some(token) = self.store().api_token_by_hash(&digest(secret))? else {
            return Ok(None);
        };
        let now = Timestamp::now();
        let now_s = stamp(now);
        if token.revoked_at.is_some() || token.expires_at <= now_s {
            return Ok(None);
        }
        let scopes = token
            .scopes
            .iter()
            .filter_map(|s| Scope::from_id(s))
            .collect();
        let Some(p) = self.principal_of(token.user_id, Some(scopes))? else {
            return Ok(None);
        };
        if p.user.status != UserStatus::Active {
            return Ok(None);
        }
        // Record use at most once a minute, to spare the database.
        let stale = token
            .last_used
            .as_deref()
            .is_none_or(|t| t < stamp(super::minus(now, 1.minute())).as_str());
        if stale {
            self.store().touch_api_token(token.id, &now_s)?;
        }
        Ok(Some(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_scope_reads_and_never_writes_and_a_write_scope_does_both() {
        for (scope, _, _) in SCOPES {
            let Some((p, access)) = scope.grant() else {
                continue;
            };
            assert!(scope.permits(p, Access::Read), "{scope:?}");
            assert_eq!(
                scope.permits(p, Access::Write),
                access == Access::Write,
                "{scope:?}"
            );
            assert_eq!(scope.id().ends_with(":read"), access == Access::Read);
        }
    }

    /// The permission matrix in `docs/access.md` ends with the scope a token needs for each
    /// permission; this keeps it the same as the code.
    #[test]
    fn the_documented_token_scopes_are_the_ones_enforced() {
        let doc = include_str!("../../../../docs/access.md");
        for (p, _) in swforce_domain::access::MATRIX {
            let row = doc
                .lines()
                .find(|l| l.starts_with(&format!("| {} |", p.describe())))
                .unwrap_or_else(|| panic!("docs/access.md has no row for {p:?}"));
            let cell = row
                .trim_end_matches('|')
                .rsplit('|')
                .next()
                .unwrap_or_default()
                .trim();
            let expected = match (
                Scope::granting(*p, Access::Write),
                Scope::granting(*p, Access::Read),
            ) {
                (Some(w), _) => format!("`{}`", w.id()),
                (None, Some(r)) => format!("`{}` (reads only)", r.id()),
                (None, None) => "none (browser only)".to_string(),
            };
            assert_eq!(cell, expected, "{p:?}");
        }
    }
}
