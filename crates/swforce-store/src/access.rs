//! What the store keeps about organisations, people, sign-in and the audit log. Secrets are
//! never stored: sessions, one-time tokens and API tokens are kept as SHA-256 hashes, and
//! passwords as argon2id hashes.

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
