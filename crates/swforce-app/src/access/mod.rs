//! Organisations, people and what they may do: sign-in with a password or single sign-on,
//! sessions, invitations, password resets, API tokens and the audit log.
//!
//! Every use case that touches an organisation's data takes the [`Principal`] acting and checks
//! it here, so the web pages, the JSON API and any other shell enforce the same rules: the
//! permission matrix of `swforce_domain::access`, within the person's own organisation.

mod admin;
mod mail;
mod secret;
mod signin;
mod sso;
mod tokens;

pub(crate) use admin::check_email;
pub(crate) use admin::operator::COMMAND_LINE;
pub use admin::{OrgSummary, grantable as admin_grantable};
pub use mail::{Mail, Mailer, Outbox};
pub use secret::{digest, hash_password, new_secret, password_problem, verify_password};
pub use signin::SignedIn;
pub(crate) use sso::Providers;
pub use sso::{SSO_MINUTES, SSO_STARTS_PER_ADDRESS, SsoStart};
pub use tokens::{NewApiToken, SCOPES, Scope};

use crate::AppError;
use jiff::Timestamp;
use swforce_domain::access::{Permission, Role};
use swforce_store::{AuditEvent, Organisation, User, UserStatus};

/// How long a browser stays signed in.
pub const SESSION_HOURS: i64 = 12;
/// Failed sign-ins for one account within [`LOCK_MINUTES`] before it is locked for that long.
pub const LOCK_AFTER: u64 = 5;
pub const LOCK_MINUTES: i64 = 15;
/// Failed sign-ins from one address within [`LOCK_MINUTES`] before it must wait.
pub const ADDRESS_LIMIT: u64 = 50;
/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;
/// How long a password reset link works.
pub const RESET_MINUTES: i64 = 60;

/// Someone signed in, through a browser session or an API token, and their organisation.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: User,
    pub org: Organisation,
    /// What an API token allows; `None` for a browser session (the roles alone decide).
    pub scopes: Option<Vec<Scope>>,
}

/// Whether a use case reads what a permission guards or changes it. A token's read scope
/// grants only [`Access::Read`]; a browser session has whatever its roles allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    Read,
    Write,
}

impl Principal {
    /// Whether this is an API token rather than a signed-in browser.
    pub fn is_token(&self) -> bool {
        self.scopes.is_some()
    }

    /// Whether this person (and, for a token, its scopes) allows `p` with `access`.
    pub fn allows(&self, p: Permission, access: Access) -> bool {
        self.user.status == UserStatus::Active
            && self.user.roles.iter().any(|r| r.allows(p))
            && self
                .scopes
                .as_ref()
                .is_none_or(|scopes| scopes.iter().any(|s| s.permits(p, access)))
    }

    /// Whether this person may change what `p` guards (a token needs a write scope for it).
    pub fn can(&self, p: Permission) -> bool {
        self.allows(p, Access::Write)
    }

    /// Whether this person may read what `p` guards (a token needs a scope for it).
    pub fn can_read(&self, p: Permission) -> bool {
        self.allows(p, Access::Read)
    }

    /// `Ok` when [`Principal::can`]: the check of every use case that changes something.
    pub fn require(&self, p: Permission) -> Result<(), AppError> {
        self.require_access(p, Access::Write)
    }

    /// `Ok` when [`Principal::can_read`]: the check of every use case that only reads.
    pub fn require_read(&self, p: Permission) -> Result<(), AppError> {
        self.require_access(p, Access::Read)
    }

    /// `Ok` when the person (and token) allows `p` with `access`, else a refusal that says
    /// which roles, or which token scope, would.
    pub fn require_access(&self, p: Permission, access: Access) -> Result<(), AppError> {
        if self.allows(p, access) {
            return Ok(());
        }
        let roles: Vec<&str> = Role::ALL
            .into_iter()
            .filter(|r| r.allows(p))
            .map(Role::label)
            .collect();
        let held = self.user.roles.iter().any(|r| r.allows(p));
        let fix = match (self.is_token(), held, Scope::granting(p, access)) {
            (true, true, Some(scope)) => format!("Use a token with the scope {}", scope.id()),
            (true, true, None) => {
                "API tokens cannot do this: sign in with a browser to do it".to_string()
            }
            (true, false, _) => format!(
                "Use a token held by someone with the role of {}",
                roles.join(" or ")
            ),
            (false, _, _) => format!(
                "Ask your organisation admin for the role of {}",
                roles.join(" or ")
            ),
        };
        Err(AppError::Forbidden {
            problem: format!("You cannot {}", crate::display::lower_first(p.describe())),
            fix,
        })
    }

    /// `Ok` for a signed-in browser; a token is refused. For account actions (signing out
    /// everywhere, tokens, passwords) and whatever a person does in their own name that no
    /// scope covers (sharing an example, answering a form).
    pub fn require_browser(&self) -> Result<(), AppError> {
        if self.is_token() {
            return Err(AppError::Forbidden {
                problem: "API tokens cannot do this".into(),
                fix: "Sign in with a browser to do it".into(),
            });
        }
        Ok(())
    }

    /// `Ok` for a browser session, or a token that carries `scope`: for reads that need only
    /// membership of the organisation (its saved scenarios).
    pub fn require_scope(&self, scope: Scope) -> Result<(), AppError> {
        if self.has_scope(scope) {
            return Ok(());
        }
        Err(AppError::Forbidden {
            problem: format!("This token does not have the scope {}", scope.id()),
            fix: "Make a token with that scope on your account page".into(),
        })
    }

    /// Whether the person is allowed to act on `org_id`'s people and settings: their own
    /// organisation, or any for a site admin.
    pub fn reaches(&self, org_id: i64) -> bool {
        self.org.id == org_id || self.can(Permission::ManageSite)
    }

    /// Whether a token carries `scope` (a browser session carries every one).
    pub fn has_scope(&self, scope: Scope) -> bool {
        self.scopes.as_ref().is_none_or(|s| s.contains(&scope))
    }

    pub fn has(&self, role: Role) -> bool {
        self.user.roles.contains(&role)
    }
}

/// The time as stored: RFC 3339 in UTC to the second, so stored times compare as text.
pub fn stamp(t: Timestamp) -> String {
    t.round(jiff::Unit::Second).unwrap_or(t).to_string()
}

/// The time now, as stored.
pub fn now_stamp() -> String {
    stamp(Timestamp::now())
}

pub(crate) fn plus(t: Timestamp, span: jiff::Span) -> Timestamp {
    t.checked_add(span).unwrap_or(t)
}

pub(crate) fn minus(t: Timestamp, span: jiff::Span) -> Timestamp {
    t.checked_sub(span).unwrap_or(t)
}

/// Where a request came from, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: String,
}

/// An audit line, stamped now, for a change a store writes in its own transaction.
pub(crate) fn audit_line(
    who: Option<&Principal>,
    action: &str,
    target: &str,
    detail: &str,
    origin: &Origin,
) -> AuditEvent {
    AuditEvent {
        id: 0,
        at: stamp(Timestamp::now()),
        org_id: who.map(|p| p.org.id),
        user_id: who.map(|p| p.user.id),
        actor: who.map_or_else(|| "anonymous".to_string(), |p| p.user.email.clone()),
        action: action.to_string(),
        target: target.to_string(),
        detail: detail.to_string(),
        ip: origin.ip.clone(),
    }
}

impl crate::App {
    /// Appends a line to the audit log. A personal-data action whose line cannot be written
    /// does not go ahead: callers write the line first.
    pub fn audit_event(
        &self,
        who: Option<&Principal>,
        action: &str,
        target: &str,
        detail: &str,
        origin: &Origin,
    ) -> Result<(), AppError> {
        self.store()
            .append_audit(&audit_line(who, action, target, detail, origin))?;
        Ok(())
    }

    /// The person and organisation behind a user id, for a session or token that names them.
    pub(crate) fn principal_of(
        &self,
        user_id: i64,
        scopes: Option<Vec<Scope>>,
    ) -> Result<Option<Principal>, AppError> {
        let Some(user) = self.store().user(user_id)? else {
            return Ok(None);
        };
        if user.status != UserStatus::Active {
            return Ok(None);
        }
        let Some(org) = self.store().organisation(user.org_id)? else {
            return Ok(None);
        };
        Ok(Some(Principal { user, org, scopes }))
    }
}
