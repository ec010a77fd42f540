//! What the store keeps about organisations, people, sign-in and the audit log. Secrets are
//! never stored: sessions, one-time tokens and API tokens are kept as SHA-256 hashes, and
//! passwords as argon2id hashes.

use crate::StoreError;
use serde::{Deserialize, Serialize};
use swforce_domain::access::{OrgKind, Role};

/// Single sign-on settings of an organisation (OpenID Connect).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct SsoConfig {
    /// The issuer URL; its `/.well-known/openid-configuration` is read at sign-in.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for SsoConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub kind: OrgKind,
    /// For an authority or trust: the ONS code of the authority whose census it returns.
    pub la_code: Option<String>,
    /// The email domain of its people (`bcpcouncil.gov.uk`), for single sign-on.
    pub email_domain: Option<String>,
    pub sso: Option<SsoConfig>,
    pub created_at: String,
    /// Whether it holds invented people (the demo, or generated diaries): labelled so wherever
    /// it is shown, and kept out of a region's and England's figures unless the operator opts
    /// it in.
    pub synthetic: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewOrganisation<'a> {
    pub name: &'a str,
    pub kind: OrgKind,
    pub la_code: Option<&'a str>,
    pub email_domain: Option<&'a str>,
    pub created_at: &'a str,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Team {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
}

/// Whether a person can sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    Active,
    /// Locked by an admin (or by repeated failed sign-ins until `locked_until`).
    Locked,
}

#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub org_id: i64,
    pub team_id: Option<i64>,
    /// Lower case.
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
    /// argon2id PHC string; `None` for people who sign in only through single sign-on.
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub status: UserStatus,
    pub failed_sign_ins: u32,
    /// RFC 3339; sign-in is refused until then after too many failures.
    pub locked_until: Option<String>,
    pub created_at: String,
    pub last_sign_in: Option<String>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("org_id", &self.org_id)
            .field("email", &self.email)
            .field("roles", &self.roles)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewUser<'a> {
    pub org_id: i64,
    pub team_id: Option<i64>,
    pub email: &'a str,
    pub name: &'a str,
    pub roles: &'a [Role],
    pub password_hash: Option<&'a str>,
    pub created_at: &'a str,
}

/// A signed-in browser.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// SHA-256 of the session cookie's value.
    pub id_hash: String,
    pub user_id: i64,
    /// The token every state-changing form must carry.
    pub csrf_token: String,
    pub created_at: String,
    pub expires_at: String,
}

/// What a one-time token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Invitation,
    PasswordReset,
    /// A single sign-on attempt in flight: its state, nonce and PKCE verifier.
    SsoState,
    /// A guest confirming the email address of an example they sent to the exchange.
    ExampleConfirmation,
    /// A guest's link to withdraw their example from the exchange.
    ExampleWithdrawal,
    /// A link sent to an address at an organisation's email domain, which shows the domain is
    /// the organisation's.
    DomainVerification,
}

impl TokenKind {
    pub fn id(self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::PasswordReset => "password_reset",
            Self::SsoState => "sso_state",
            Self::ExampleConfirmation => "example_confirmation",
            Self::ExampleWithdrawal => "example_withdrawal",
            Self::DomainVerification => "domain_verification",
        }
    }
}

/// A token used once: an invitation, a password reset or a sign-on state.
#[derive(Debug, Clone, PartialEq)]
pub struct OneTimeToken {
    pub kind: TokenKind,
    /// SHA-256 of the token.
    pub hash: String,
    pub org_id: Option<i64>,
    pub user_id: Option<i64>,
    pub email: Option<String>,
    /// What the token carries (an invitation's roles, a sign-on's nonce and verifier), as JSON.
    pub payload: String,
    pub expires_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    #[serde(skip)]
    pub hash: String,
    pub scopes: Vec<String>,
    pub created_at: String,
    pub expires_at: String,
    pub revoked_at: Option<String>,
    pub last_used: Option<String>,
}

/// One line of the audit log, which is never changed or deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: i64,
    pub at: String,
    pub org_id: Option<i64>,
    pub user_id: Option<i64>,
    /// Who, in words (an email; "anonymous"; "swforce" for the system).
    pub actor: String,
    /// `sign_in`, `sign_in_failed`, `export`, `view_personal_data`, `admin`...
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: String,
}

/// The statements that remove the synthetic organisations and all they hold, in an order the
/// foreign keys allow, for a backend to run in one transaction (the same SQL on SQLite and
/// PostgreSQL).
pub const REMOVE_SYNTHETIC: &[&str] = &[
    "UPDATE examples SET author_user = NULL WHERE author_user IN (SELECT id FROM users WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE))",
    "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE))",
    "DELETE FROM api_tokens WHERE user_id IN (SELECT id FROM users WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE))",
    "DELETE FROM sso_links WHERE user_id IN (SELECT id FROM users WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE))",
    "DELETE FROM one_time_tokens WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE) OR user_id IN (SELECT id FROM users WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE))",
    "DELETE FROM scenarios WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE) OR user_id IN (SELECT id FROM users WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE))",
    "DELETE FROM healthcheck_tickets WHERE round_id IN (SELECT id FROM healthcheck_rounds WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE))",
    "DELETE FROM healthcheck_responses WHERE round_id IN (SELECT id FROM healthcheck_rounds WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE))",
    "DELETE FROM healthcheck_rounds WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE)",
    "DELETE FROM users WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE)",
    "DELETE FROM diaries WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE)",
    "DELETE FROM diary_published WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE)",
    "DELETE FROM diary_released WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE)",
    "DELETE FROM diary_rollup WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE)",
    "DELETE FROM diary_spans WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE)",
    "DELETE FROM diary_categories WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE)",
    "DELETE FROM diary_settings WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE)",
    "DELETE FROM teams WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE)",
    "DELETE FROM agency_engagements WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE)",
    "DELETE FROM agency_permanent_costs WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE)",
    "DELETE FROM agency_return_notes WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE)",
    "DELETE FROM verified_domains WHERE org_id IN (SELECT id FROM organisations WHERE synthetic = TRUE)",
    "DELETE FROM organisations WHERE synthetic = TRUE",
];

/// The audit line of a change, made from what the change did, so that it can be written in the
/// change's own transaction: both are on record, or neither.
pub type AuditOf<'a, T> = &'a dyn Fn(&T) -> AuditEvent;

/// Organisations, teams and people; sign-in sessions, one-time and API tokens; single sign-on
/// links and verified domains; site secrets; and the audit log (append and read, never change).
pub trait AccessStore {
    fn create_organisation(&self, org: &NewOrganisation<'_>) -> Result<Organisation, StoreError>;
    fn organisations(&self) -> Result<Vec<Organisation>, StoreError>;
    fn organisation(&self, id: i64) -> Result<Option<Organisation>, StoreError>;

    /// Removes every synthetic organisation with all it holds (people, teams, sessions,
    /// tokens, diaries and their published sums, agency register, scenarios), all or nothing,
    /// and returns their names. Their audit lines stay, as every audit line does.
    fn remove_synthetic_organisations(&self) -> Result<Vec<String>, StoreError>;

    /// The organisation whose people use this email domain, if one has claimed it.
    fn organisation_by_domain(&self, domain: &str) -> Result<Option<Organisation>, StoreError>;
    fn set_sso(
        &self,
        org_id: i64,
        sso: Option<&SsoConfig>,
        email_domain: Option<&str>,
    ) -> Result<(), StoreError>;
    fn create_team(&self, org_id: i64, name: &str) -> Result<Team, StoreError>;
    fn teams(&self, org_id: i64) -> Result<Vec<Team>, StoreError>;

    /// Fails with `Conflict` when the email is in use.
    fn create_user(&self, user: &NewUser<'_>) -> Result<User, StoreError>;
    fn user(&self, id: i64) -> Result<Option<User>, StoreError>;
    fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError>;
    fn users(&self, org_id: i64) -> Result<Vec<User>, StoreError>;
    fn count_users(&self) -> Result<u64, StoreError>;

    /// Saves a person's team, name, roles, password hash, status and sign-in counters.
    fn update_user(&self, user: &User) -> Result<(), StoreError>;
    fn create_session(&self, session: &Session) -> Result<(), StoreError>;

    /// A live session (not expired at `now`).
    fn session(&self, id_hash: &str, now: &str) -> Result<Option<Session>, StoreError>;
    fn delete_session(&self, id_hash: &str) -> Result<(), StoreError>;

    /// Signs a person out everywhere; returns how many sessions ended.
    fn delete_sessions_of(&self, user_id: i64) -> Result<u64, StoreError>;
    fn create_token(&self, token: &OneTimeToken) -> Result<(), StoreError>;

    /// Uses a one-time token: returns it (if it exists, is unused and live at `now`) and marks
    /// it used, atomically, so it works once.
    fn take_token(
        &self,
        kind: TokenKind,
        hash: &str,
        now: &str,
    ) -> Result<Option<OneTimeToken>, StoreError>;

    /// Records a failed sign-in for `key` (an email or an address) at `at`.
    fn record_failed_sign_in(&self, key: &str, at: &str) -> Result<(), StoreError>;

    /// Failed sign-ins for `key` since `since`.
    fn failed_sign_ins(&self, key: &str, since: &str) -> Result<u64, StoreError>;
    fn create_api_token(&self, token: &ApiToken) -> Result<ApiToken, StoreError>;
    fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>, StoreError>;
    fn api_token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>, StoreError>;

    /// Revokes one of a person's tokens; `false` if they have no such token.
    fn revoke_api_token(&self, user_id: i64, id: i64, at: &str) -> Result<bool, StoreError>;
    fn touch_api_token(&self, id: i64, at: &str) -> Result<(), StoreError>;

    /// The account a provider's `subject` was linked to at its first sign-on.
    fn sso_user(&self, issuer: &str, subject: &str) -> Result<Option<i64>, StoreError>;

    /// The provider's subject linked to an account, if it has signed on.
    fn sso_subject(&self, issuer: &str, user_id: i64) -> Result<Option<String>, StoreError>;

    /// Links an account to a provider's subject; a `Conflict` when either is linked already.
    fn link_sso(
        &self,
        issuer: &str,
        subject: &str,
        user_id: i64,
        at: &str,
    ) -> Result<(), StoreError>;

    /// The organisation's verified email domain and when it was verified.
    fn verified_domain(&self, org_id: i64) -> Result<Option<(String, String)>, StoreError>;

    /// Forgets the organisation's verified domain (when it changes, it is verified afresh).
    fn forget_verified_domain(&self, org_id: i64) -> Result<(), StoreError>;

    /// Records that `domain` was shown to be the organisation's (replacing an earlier one).
    fn set_verified_domain(
        &self,
        org_id: i64,
        domain: &str,
        at: &str,
        by: &str,
    ) -> Result<(), StoreError>;

    /// The secret called `name`: the one on record, or else `fresh`, kept as it. Servers that
    /// ask at the same moment all get the one that was kept.
    fn site_secret(&self, name: &str, fresh: &str) -> Result<String, StoreError>;

    /// For each kind of record (`organisation`, `person`, `scenario`...), the last id that
    /// existed before addresses carried opaque ids: older links may name those by number.
    fn legacy_ids(&self) -> Result<Vec<(String, i64)>, StoreError>;
    fn append_audit(&self, event: &AuditEvent) -> Result<(), StoreError>;

    /// Newest first; one organisation's (or every one's, for `None`), at most `limit`.
    fn audit(&self, org_id: Option<i64>, limit: u32) -> Result<Vec<AuditEvent>, StoreError>;
}
