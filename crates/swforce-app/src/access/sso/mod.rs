//! Single sign-on with OpenID Connect: the authorization code flow with PKCE (S256), set up per
//! organisation (Microsoft Entra ID, Google Workspace, Okta or any certified provider).
//!
//! 1. [`App::sso_begin`] finds the organisation by the email domain, reads its provider's
//!    discovery document and sends the browser to the provider with a one-time `state`, a
//!    `nonce` and a PKCE challenge. What the callback needs is kept as a one-time token (only
//!    the state's SHA-256 is stored), and the browser gets a cookie that ties the attempt to it.
//! 2. [`App::sso_finish`] takes the state back once, checks the cookie, swaps the code (with
//!    the PKCE verifier and the client secret) for an ID token, checks its signature against
//!    the provider's published keys, its issuer, audience, expiry and nonce, and matches the
//!    account by the verified email, which must be in the organisation's domain.
//!
//! Someone in the domain who signs on for the first time gets an account in the organisation
//! with the role of social worker (the role that sees least); an admin gives other roles.
//!
//! An organisation's provider is trusted only as far as its own admin is: sign-on reaches only
//! accounts whose roles an organisation admin could give (site admins, national analysts and
//! moderators sign in with their own password), only a site admin sets a provider up, and the
//! provider's addresses must be https on the issuer's own host (plain http on this machine
//! only when the operator allows it for testing). Calls to a provider are few at a time, a
//! failure is remembered for a minute, and a visitor is told only that the service could not
//! be reached: the detail goes to the log and to the organisation's settings page.

mod id_token;
mod provider;

use id_token::{Identity, check_id_token};
use provider::{Provider, agent};
pub(crate) use provider::{Providers, address_allowed};

use super::{Origin, SignedIn, digest, minus, new_secret, plus, stamp};
use crate::{App, AppError};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use swforce_domain::access::Role;
use swforce_store::{NewUser, OneTimeToken, Organisation, SsoConfig, TokenKind, UserStatus};

/// How long a sign-on attempt may take at the provider.
pub const SSO_MINUTES: i64 = 10;
/// Sign-ons one network address may start in [`super::LOCK_MINUTES`].
pub const SSO_STARTS_PER_ADDRESS: u64 = 30;

/// Where to send the browser to sign on, and the value of the cookie that ties the attempt to
/// this browser (HttpOnly, for [`SSO_MINUTES`]).
#[derive(Clone)]
pub struct SsoStart {
    pub authorize_url: String,
    pub browser: String,
}

impl std::fmt::Debug for SsoStart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoStart")
            .field("authorize_url", &self.authorize_url)
            .finish_non_exhaustive()
    }
}

/// What the callback needs, kept with the one-time state.
#[derive(Serialize, Deserialize)]
struct Pending {
    nonce: String,
    verifier: String,
    redirect_uri: String,
    /// SHA-256 of the browser cookie.
    browser: String,
    /// Where the person was going (a local path).
    next: String,
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

fn invalid(problem: impl Into<String>, fix: impl Into<String>) -> AppError {
    AppError::Invalid {
        problem: problem.into(),
        fix: fix.into(),
    }
}

/// What a visitor is told when the provider fails: nothing about the provider's answers (the
/// detail is logged, and shown to the organisation's admins).
fn unreachable() -> AppError {
    AppError::Unavailable(
        "Your organisation's sign-on service could not be reached. Try again later, or sign in \
         with your password"
            .into(),
    )
}

/// A provider failure: its detail, for the log and the settings page.
#[derive(Debug)]
struct Down(String);

fn down(what: impl std::fmt::Display) -> Down {
    Down(printable(&what.to_string(), 500))
}

/// `text` with no control or invisible characters and at most `max` characters, for a log line,
/// the audit log or a page: what a provider sends cannot start a forged line.
fn printable(text: &str, max: usize) -> String {
    text.chars()
        .map(|c| {
            if crate::display::breaks_a_line(c) {
                ' '
            } else {
                c
            }
        })
        .take(max)
        .collect()
}

/// Why an ID token was refused.
#[derive(Debug)]
enum Refusal {
    /// In swforce's own words, shown to the person (an address not shared or not verified).
    Said(AppError),
    /// What was wrong with the token, for the log and the audit log; the person is told only
    /// that the sign-in could not be trusted.
    Untrusted(String),
}

impl Refusal {
    /// What the person is told.
    fn shown(&self) -> AppError {
        match self {
            Self::Said(AppError::Invalid { problem, fix }) => invalid(problem, fix),
            Self::Said(AppError::Unavailable(p)) => AppError::Unavailable(p.clone()),
            _ => invalid(
                "The sign-in from your organisation could not be trusted",
                "Try again; if it keeps happening, ask your organisation admin",
            ),
        }
    }

    /// What is logged and audited.
    fn detail(&self) -> String {
        match self {
            Self::Said(e) => printable(&e.to_string(), 300),
            Self::Untrusted(why) => printable(why, 300),
        }
    }
}

fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn email_domain(email: &str) -> Option<&str> {
    email
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.'))
}

impl App {
    /// The last time the organisation's provider could not be reached and what happened, for
    /// whoever sets up its single sign-on.
    pub fn sso_problem(
        &self,
        who: &super::Principal,
        org: &Organisation,
    ) -> Result<Option<(String, String)>, AppError> {
        who.require_read(swforce_domain::access::Permission::ConfigureSso)?;
        Ok(org
            .sso
            .as_ref()
            .and_then(|s| self.providers.last_failure(&s.issuer)))
    }

    /// The organisation whose people sign on with `email`, and its settings.
    fn sso_organisation(&self, email: &str) -> Result<(Organisation, SsoConfig), AppError> {
        let Some(domain) = email_domain(email) else {
            return Err(invalid(
                "Enter your work email address, like name@yourcouncil.gov.uk",
                "Single sign-on finds your organisation from the part after the @",
            ));
        };
        let org = self.store().organisation_by_domain(domain)?;
        let Some(org) = org else {
            return Err(not_set_up(domain));
        };
        // Only a domain shown to be the organisation's sends anyone to its provider.
        let verified = self
            .store()
            .verified_domain(org.id)?
            .is_some_and(|(d, _)| d == domain);
        match org.sso.clone() {
            Some(sso) if verified => Ok((org, sso)),
            _ => Err(not_set_up(domain)),
        }
    }

    /// Starts a sign-on for `email`: returns where to send the browser and the cookie that
    /// ties the attempt to it. `redirect_uri` is swforce's callback address, as registered with
    /// the provider.
    /// `next` is where to go once signed in.
    pub fn sso_begin(
        &self,
        email: &str,
        redirect_uri: &str,
        next: &str,
        origin: &Origin,
    ) -> Result<SsoStart, AppError> {
        self.sso_begin_at(email, redirect_uri, next, origin, Timestamp::now())
    }

    pub fn sso_begin_at(
        &self,
        email: &str,
        redirect_uri: &str,
        next: &str,
        origin: &Origin,
        now: Timestamp,
    ) -> Result<SsoStart, AppError> {
        // One address may start only so many sign-ons: each may cost calls to a provider.
        let key = format!("sso-start:{}", origin.ip);
        let since = stamp(minus(now, super::LOCK_MINUTES.minutes()));
        if self.store().failed_sign_ins(&key, &since)? >= SSO_STARTS_PER_ADDRESS {
            return Err(AppError::Unavailable(
                "Too many sign-ons were started from your network address. Wait 15 minutes, or \
                 sign in with your password"
                    .into(),
            ));
        }
        self.store().record_failed_sign_in(&key, &stamp(now))?;
        let email = email.trim().to_lowercase();
        let (org, sso) = self.sso_organisation(&email)?;
        let provider = self.providers.get(&sso.issuer, self.insecure_sso())?;
        let state = new_secret();
        let browser = new_secret();
        let pending = Pending {
            nonce: new_secret(),
            verifier: new_secret(),
            redirect_uri: redirect_uri.to_string(),
            browser: digest(&browser),
            next: next.to_string(),
        };
        let challenge = pkce_challenge(&pending.verifier);
        let d = &provider.discovery;
        let sep = if d.authorization_endpoint.contains('?') {
            '&'
        } else {
            '?'
        };
        let authorize_url = format!(
            "{}{sep}response_type=code&client_id={}&redirect_uri={}&scope={}&state={state}&nonce={}\
             &code_challenge={challenge}&code_challenge_method=S256&login_hint={}",
            d.authorization_endpoint,
            encode(&sso.client_id),
            encode(redirect_uri),
            encode("openid email profile"),
            pending.nonce,
            encode(&email),
        );
        self.store().create_token(&OneTimeToken {
            kind: TokenKind::SsoState,
            hash: digest(&state),
            org_id: Some(org.id),
            user_id: None,
            email: Some(email),
            payload: serde_json::to_string(&pending).unwrap_or_default(),
            expires_at: stamp(plus(now, SSO_MINUTES.minutes())),
        })?;
        Ok(SsoStart {
            authorize_url,
            browser,
        })
    }

    /// Finishes a sign-on when the provider sends the browser back with `code` and `state`;
    /// `browser` is the cookie [`App::sso_begin`] set. Returns the session and where the
    /// person was going. Every refusal is in the audit log.
    pub fn sso_finish(
        &self,
        state: &str,
        code: &str,
        browser: &str,
        origin: &Origin,
    ) -> Result<(SignedIn, String), AppError> {
        self.sso_finish_at(state, code, browser, origin, Timestamp::now())
    }

    pub fn sso_finish_at(
        &self,
        state: &str,
        code: &str,
        browser: &str,
        origin: &Origin,
        now: Timestamp,
    ) -> Result<(SignedIn, String), AppError> {
        let expired = || {
            invalid(
                "This sign-on link has expired or has been used",
                "Start again from the sign-in page",
            )
        };
        let Some(token) =
            self.store()
                .take_token(TokenKind::SsoState, &digest(state), &stamp(now))?
        else {
            return Err(expired());
        };
        let Ok(pending) = serde_json::from_str::<Pending>(&token.payload) else {
            return Err(expired());
        };
        let hint = token.email.clone().unwrap_or_default();
        let fail = |detail: &str, err: AppError| -> Result<(SignedIn, String), AppError> {
            self.audit_raw(
                token.org_id,
                None,
                &hint,
                "sign_in_failed",
                &format!("single sign-on: {detail}"),
                origin,
                now,
            )?;
            Err(err)
        };
        if digest(browser) != pending.browser {
            return fail(
                "started in another browser",
                invalid(
                    "This sign-on was started in another browser or window",
                    "Start again from the sign-in page in this browser",
                ),
            );
        }
        let org = token
            .org_id
            .map(|id| self.store().organisation(id))
            .transpose()?
            .flatten();
        let Some((org, sso)) = org.and_then(|o| o.sso.clone().map(|s| (o, s))) else {
            return fail("single sign-on was turned off", expired());
        };
        let provider = match self.providers.get(&sso.issuer, self.insecure_sso()) {
            Ok(p) => p,
            Err(e) => return fail("the provider could not be reached", e),
        };
        let id_token = match self.swap_code(&provider, &sso, code, &pending) {
            Ok(t) => t,
            Err(e) => return fail("the provider refused the code", e),
        };
        let checked = check_id_token(
            &provider,
            &sso,
            &id_token,
            &pending.nonce,
            now,
            self.insecure_sso(),
        );
        let Identity {
            email,
            name,
            subject,
        } = match checked {
            Ok(found) => found,
            Err(e) => {
                return fail(
                    &format!("the ID token was refused: {}", e.detail()),
                    e.shown(),
                );
            }
        };
        if email_domain(&email) != org.email_domain.as_deref() {
            return fail(
                &format!(
                    "{email} is outside {}",
                    org.email_domain.unwrap_or_default()
                ),
                invalid(
                    format!("{email} is not an address of {}", org.name),
                    "Sign on with your work account",
                ),
            );
        }
        // The account is the one the provider's subject was linked to at its first sign-on;
        // an address the provider gives for another subject does not reach it.
        let linked = self.store().sso_user(&sso.issuer, &subject)?;
        // An address changed at the provider, moved to the account only once every check below
        // has passed: a refused sign-on changes nothing.
        let mut moved = false;
        let user = match linked
            .map(|id| self.store().user(id))
            .transpose()?
            .flatten()
        {
            Some(u) if u.org_id != org.id => {
                return fail(
                    &format!("{email} is linked to an account of another organisation"),
                    invalid(
                        format!("{email} has a swforce account in another organisation"),
                        "Ask a site admin to move the account",
                    ),
                );
            }
            Some(u) => {
                if u.email != email {
                    // The address changed at the provider: the account follows it, unless
                    // another account has it.
                    if self.store().user_by_email(&email)?.is_some() {
                        return fail(
                            &format!(
                                "{} is now {email} at the provider, which another account has",
                                u.email
                            ),
                            invalid(
                                format!("{email} belongs to another swforce account"),
                                "Ask your organisation admin",
                            ),
                        );
                    }
                    moved = true;
                }
                u
            }
            None => match self.store().user_by_email(&email)? {
                Some(u) if u.org_id == org.id => {
                    if self.store().sso_subject(&sso.issuer, u.id)?.is_some() {
                        return fail(
                            &format!("{email} signed on before as another person at the provider"),
                            invalid(
                                format!(
                                    "{email} is linked to another account at your organisation's sign-on service"
                                ),
                                "Ask your organisation admin",
                            ),
                        );
                    }
                    u
                }
                Some(_) => {
                    return fail(
                        &format!("{email} has an account in another organisation"),
                        invalid(
                            format!("{email} has a swforce account in another organisation"),
                            "Ask a site admin to move the account",
                        ),
                    );
                }
                None => {
                    let name = name
                        .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_string());
                    let user = self.store().create_user(&NewUser {
                        org_id: org.id,
                        team_id: None,
                        email: &email,
                        name: &name,
                        roles: &[Role::SocialWorker],
                        password_hash: None,
                        created_at: &stamp(now),
                    })?;
                    self.store().append_audit(&swforce_store::AuditEvent {
                        id: 0,
                        at: stamp(now),
                        org_id: Some(org.id),
                        user_id: Some(user.id),
                        actor: "swforce".into(),
                        action: "admin".into(),
                        target: format!("person {email}"),
                        detail:
                            "account made at first single sign-on, with the role of social worker"
                                .into(),
                        ip: origin.ip.clone(),
                    })?;
                    user
                }
            },
        };
        // Sign-on is trusted as far as the organisation's own admin: it never signs in an
        // account holding a role that admin could not give.
        let beyond: Vec<&str> = user
            .roles
            .iter()
            .filter(|r| !super::admin::ORGANISATION_ROLES.contains(r))
            .map(|r| r.label())
            .collect();
        if !beyond.is_empty() {
            return fail(
                &format!(
                    "{email} holds the role of {}, which signs in with a password only",
                    beyond.join(" and ")
                ),
                invalid(
                    format!(
                        "{email} signs in with a password: single sign-on is not used for the role of {}",
                        beyond.join(" and ")
                    ),
                    "Sign in with your email address and password",
                ),
            );
        }
        if user.status == UserStatus::Locked {
            self.audit_raw(
                Some(user.org_id),
                Some(user.id),
                &email,
                "sign_in_failed",
                "single sign-on: account locked by an admin",
                origin,
                now,
            )?;
            return Err(invalid(
                "Your account is locked",
                "Ask your organisation admin to unlock it",
            ));
        }
        if linked.is_none() {
            self.store()
                .link_sso(&sso.issuer, &subject, user.id, &stamp(now))?;
        }
        let mut user = user;
        if moved {
            let before = std::mem::replace(&mut user.email, email.clone());
            self.store().update_user(&user)?;
            self.audit_raw(
                Some(org.id),
                Some(user.id),
                &email,
                "admin",
                &format!("email address changed from {before} at the sign-on service"),
                origin,
                now,
            )?;
        }
        let how = format!("single sign-on with {}", sso.issuer);
        let signed_in = self.start_session(user, &how, origin, now)?;
        Ok((signed_in, pending.next))
    }

    /// Records a sign-on the provider refused (the person cancelled, or is not allowed) and
    /// says so. The state is used up.
    pub fn sso_refused(
        &self,
        state: &str,
        error: &str,
        description: &str,
        origin: &Origin,
    ) -> Result<AppError, AppError> {
        let now = Timestamp::now();
        let token = self
            .store()
            .take_token(TokenKind::SsoState, &digest(state), &stamp(now))?;
        let said = printable(&format!("{error} {description}"), 200);
        let Some(t) = &token else {
            // Not a sign-on in flight: nothing the address says is shown.
            return Ok(invalid(
                "This address is for returning from your organisation's sign-in",
                "Start again from the sign-in page",
            ));
        };
        {
            self.audit_raw(
                t.org_id,
                None,
                t.email.as_deref().unwrap_or_default(),
                "sign_in_failed",
                &format!("single sign-on: the provider said {}", said.trim()),
                origin,
                now,
            )?;
        }
        Ok(if error == "access_denied" {
            invalid(
                "Sign-on was cancelled or not allowed by your organisation",
                "Try again, or ask your IT team whether swforce is assigned to you",
            )
        } else {
            invalid(
                "Your organisation's sign-on service refused the sign-in",
                "Try again; if it keeps happening, ask your organisation admin to check the settings",
            )
        })
    }

    fn swap_code(
        &self,
        provider: &Provider,
        sso: &SsoConfig,
        code: &str,
        pending: &Pending,
    ) -> Result<String, AppError> {
        let endpoint = &provider.discovery.token_endpoint;
        let _call = self.providers.call(&sso.issuer)?;
        let failed = |what: String| self.providers.failed(&sso.issuer, Down(what));
        // client_secret_basic: both parts form-encoded, then base64 (RFC 6749 section 2.3.1).
        let basic = STANDARD.encode(format!(
            "{}:{}",
            encode(&sso.client_id),
            encode(&sso.client_secret)
        ));
        let mut resp = agent()
            .post(endpoint)
            .header("Authorization", &format!("Basic {basic}"))
            .header("Accept", "application/json")
            .send_form([
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", pending.redirect_uri.as_str()),
                ("code_verifier", pending.verifier.as_str()),
                ("client_id", sso.client_id.as_str()),
            ])
            .map_err(|e| failed(format!("{endpoint}: {e}")))?;
        let status = resp.status();
        let body = resp
            .body_mut()
            .with_config()
            .limit(1024 * 1024)
            .read_to_string()
            .map_err(|e| failed(format!("{endpoint}: {e}")))?;
        let parsed: TokenResponse = serde_json::from_str(&body).map_err(|_| {
            failed(format!(
                "its token address answered {status} with something other than JSON"
            ))
        })?;
        match (parsed.id_token, parsed.error) {
            (Some(t), None) if status == 200 => Ok(t),
            (_, Some(error)) => {
                let said: String =
                    format!("{error} {}", parsed.error_description.unwrap_or_default())
                        .chars()
                        .filter(|c| !c.is_control())
                        .take(200)
                        .collect();
                tracing::warn!(issuer = %sso.issuer, "the token address refused the code: {said}");
                Err(invalid(
                    "Your organisation's sign-on service refused the sign-in",
                    "Try again; if it keeps happening, ask your organisation admin",
                ))
            }
            _ => Err(failed(format!(
                "its token address answered {status} without an ID token"
            ))),
        }
    }
}

fn not_set_up(domain: &str) -> AppError {
    invalid(
        format!("Single sign-on is not set up for {domain}"),
        "Sign in with your email address and password, or ask your organisation admin",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use id_token::truthy;
    use jsonwebtoken::Algorithm;
    use provider::{Discovery, on_issuer_host};
    use std::sync::Mutex;
    use std::time::Instant;

    use jsonwebtoken::{EncodingKey, Header};
    use ring::signature::{Ed25519KeyPair, KeyPair};

    const ISSUER: &str = "https://login.example.gov.uk/tenant/v2.0";

    struct Signer {
        key: EncodingKey,
        jwk: serde_json::Value,
    }

    fn signer(kid: &str) -> Signer {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        Signer {
            key: EncodingKey::from_ed_der(pkcs8.as_ref()),
            jwk: serde_json::json!({
                "kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA", "kid": kid,
                "x": URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()),
            }),
        }
    }

    fn provider(published: &Signer) -> Provider {
        provider_at(ISSUER, published)
    }

    fn provider_at(issuer: &str, published: &Signer) -> Provider {
        Provider {
            discovery: Discovery {
                issuer: issuer.into(),
                authorization_endpoint: format!("{issuer}/authorize"),
                token_endpoint: format!("{issuer}/token"),
                jwks_uri: format!("{issuer}/keys"),
            },
            keys: Mutex::new((
                Instant::now(),
                serde_json::from_value(serde_json::json!({ "keys": [published.jwk] })).unwrap(),
            )),
            read_at: Instant::now(),
        }
    }

    fn sso() -> SsoConfig {
        SsoConfig {
            issuer: ISSUER.into(),
            client_id: "swforce-client".into(),
            client_secret: "s3cret".into(),
        }
    }

    fn now() -> Timestamp {
        "2026-03-02T10:00:00Z".parse().unwrap()
    }

    fn claims() -> serde_json::Value {
        serde_json::json!({
            "iss": ISSUER,
            "aud": "swforce-client",
            "sub": "abc123",
            "iat": now().as_second(),
            "exp": now().as_second() + 300,
            "nonce": "n-1",
            "email": "Sam.Worker@Council.gov.uk",
            "email_verified": true,
        })
    }

    fn token(s: &Signer, kid: &str, claims: &serde_json::Value) -> String {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(kid.into());
        jsonwebtoken::encode(&header, claims, &s.key).unwrap()
    }

    fn with(
        change: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>),
    ) -> serde_json::Value {
        let mut c = claims();
        change(c.as_object_mut().unwrap());
        c
    }

    /// Why the provider's token with `claims`, signed by `s`, is refused.
    fn refusal(p: &Provider, s: &Signer, claims: &serde_json::Value) -> String {
        problem(check_id_token(
            p,
            &sso(),
            &token(s, "k1", claims),
            "n-1",
            now(),
            false,
        ))
    }

    fn problem(r: Result<Identity, Refusal>) -> String {
        match r {
            Err(Refusal::Said(AppError::Invalid { problem, .. })) => problem,
            Err(Refusal::Untrusted(why)) => why,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn the_person_is_never_shown_what_the_token_said() {
        let s = signer("k1");
        let p = provider(&s);
        let sneaky = signer("Call 0800 000 000 now\nERROR forged");
        let forged = token(&sneaky, "Call 0800 000 000 now\nERROR forged", &claims());
        let refusal = check_id_token(&p, &sso(), &forged, "n-1", now(), false).unwrap_err();
        let shown = refusal.shown().to_string();
        assert!(!shown.contains("0800"), "{shown}");
        assert!(shown.contains("could not be trusted"));
        assert!(
            refusal.detail().contains("0800"),
            "the detail is kept for the log"
        );
        assert!(
            !refusal.detail().contains('\n'),
            "and cannot start a forged line"
        );
    }

    #[test]
    fn a_good_id_token_gives_its_verified_email_in_lower_case() {
        let s = signer("k1");
        let p = provider(&s);
        let email = check_id_token(&p, &sso(), &token(&s, "k1", &claims()), "n-1", now(), false);
        assert_eq!(
            email.unwrap(),
            Identity {
                email: "sam.worker@council.gov.uk".into(),
                name: None,
                subject: "abc123".into(),
            }
        );
        // Microsoft Entra ID's domain-owner flag stands in for email_verified, from Entra only.
        let entra_issuer = "https://login.microsoftonline.com/tenant/v2.0";
        let entra = with(|c| {
            c.remove("email_verified");
            c.insert("xms_edov".into(), true.into());
            c.insert("iss".into(), entra_issuer.into());
        });
        let mut entra_sso = sso();
        entra_sso.issuer = entra_issuer.into();
        let from_entra = provider_at(entra_issuer, &s);
        assert!(
            check_id_token(
                &from_entra,
                &entra_sso,
                &token(&s, "k1", &entra),
                "n-1",
                now(),
                false
            )
            .is_ok()
        );
        let elsewhere = with(|c| {
            c.remove("email_verified");
            c.insert("xms_edov".into(), true.into());
        });
        assert!(
            problem(check_id_token(
                &p,
                &sso(),
                &token(&s, "k1", &elsewhere),
                "n-1",
                now(),
                false
            ))
            .contains("has not verified"),
            "xms_edov from another provider vouches for nothing"
        );
    }

    #[test]
    fn id_tokens_are_refused_for_each_claim_that_is_wrong() {
        let s = signer("k1");
        let p = provider(&s);
        let check = |c: serde_json::Value| refusal(&p, &s, &c);
        assert!(
            check(with(|c| {
                c.insert("aud".into(), "another-app".into());
            }))
            .contains("could not be trusted")
        );
        assert!(
            check(with(|c| {
                c.insert("iss".into(), "https://evil.example".into());
            }))
            .contains("could not be trusted")
        );
        assert!(
            check(with(|c| {
                c.insert("nonce".into(), "replayed".into());
            }))
            .contains("nonce")
        );
        assert!(
            check(with(|c| {
                c.remove("nonce");
            }))
            .contains("nonce")
        );
        assert!(
            check(with(|c| {
                c.insert("exp".into(), (now().as_second() - 61).into());
            }))
            .contains("expired")
        );
        // Within the minute allowed for clocks that differ.
        let late = with(|c| {
            c.insert("exp".into(), (now().as_second() - 59).into());
        });
        assert!(check_id_token(&p, &sso(), &token(&s, "k1", &late), "n-1", now(), false).is_ok());
        assert!(
            check(with(|c| {
                c.insert("email_verified".into(), false.into());
            }))
            .contains("has not verified sam.worker@council.gov.uk")
        );
        assert!(
            check(with(|c| {
                c.remove("email");
            }))
            .contains("did not share your email")
        );
    }

    #[test]
    fn a_token_signed_by_another_key_or_with_a_shared_secret_is_refused() {
        let published = signer("k1");
        let p = provider(&published);
        let forger = signer("k1");
        let forged = token(&forger, "k1", &claims());
        assert!(
            problem(check_id_token(&p, &sso(), &forged, "n-1", now(), false))
                .contains("could not be trusted")
        );
        let unknown = token(&forger, "k2", &claims());
        assert!(
            problem(check_id_token(&p, &sso(), &unknown, "n-1", now(), false))
                .contains("does not publish (k2)")
        );
        let hmac = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims(),
            &EncodingKey::from_secret(b"s3cret"),
        )
        .unwrap();
        assert!(
            problem(check_id_token(&p, &sso(), &hmac, "n-1", now(), false))
                .contains("signed with HS256")
        );
        assert!(
            problem(check_id_token(
                &p,
                &sso(),
                "not.a.token",
                "n-1",
                now(),
                false
            ))
            .contains("could not be trusted")
        );
    }

    #[test]
    fn pkce_challenge_is_base64url_of_sha256_without_padding() {
        // Worked out independently: base64.urlsafe_b64encode(hashlib.sha256(v).digest()).
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mJ92IUoOOUXR7DCJ1cZoCdZqRR0Rp0"),
            "Gjk5qNQVTw71Jz0eQV9XHXHEx0pRTUHGkdNgvak-gPo"
        );
    }

    #[test]
    fn email_domains() {
        assert_eq!(email_domain("sam@bcp.gov.uk"), Some("bcp.gov.uk"));
        assert_eq!(email_domain("sam@localhost"), None);
        assert_eq!(email_domain("sam"), None);
        assert_eq!(email_domain("sam@.uk"), None);
    }

    #[test]
    fn verified_flags_are_the_boolean_true_only() {
        assert!(truthy(&Some(serde_json::json!(true))));
        for not in [
            serde_json::json!("true"),
            serde_json::json!("TRUE"),
            serde_json::json!(1),
            serde_json::json!(false),
            serde_json::json!("yes"),
        ] {
            assert!(!truthy(&Some(not.clone())), "{not}");
        }
        assert!(!truthy(&None));
    }

    #[test]
    fn only_https_unless_the_operator_allows_this_machine_for_testing() {
        assert!(address_allowed(
            "https://login.microsoftonline.com/x/v2.0",
            false
        ));
        assert!(!address_allowed("http://127.0.0.1:4000", false));
        assert!(address_allowed("http://127.0.0.1:4000", true));
        assert!(address_allowed("http://localhost:4000/x", true));
        assert!(!address_allowed("http://idp.example.com", true));
        assert!(!address_allowed("http://localhost.example.com/", true));
        assert!(!address_allowed("http://127.0.0.1.example.com/", true));
        assert!(!address_allowed("ftp://x", true));
        assert!(!address_allowed("javascript:alert(1)", true));
    }

    #[test]
    fn a_providers_addresses_must_be_on_the_issuers_host() {
        assert!(on_issuer_host(ISSUER, &format!("{ISSUER}/token")));
        assert!(on_issuer_host(
            ISSUER,
            "https://login.example.gov.uk/other/keys"
        ));
        assert!(!on_issuer_host(ISSUER, "https://evil.example/token"));
        assert!(!on_issuer_host(
            ISSUER,
            "https://login.example.gov.uk:8443/token"
        ));
        assert!(!on_issuer_host(ISSUER, "http://login.example.gov.uk/token"));
        assert!(!on_issuer_host(
            "http://127.0.0.1:4000",
            "http://127.0.0.1:5432/"
        ));
    }

    #[test]
    fn issue_time_not_before_azp_and_the_address_are_checked() {
        let s = signer("k1");
        let p = provider(&s);
        let check = |c: serde_json::Value| refusal(&p, &s, &c);
        let at = now().as_second();
        assert!(
            check(with(|c| {
                c.remove("iat");
            }))
            .contains("(iat)")
        );
        assert!(
            check(with(|c| {
                c.insert("iat".into(), (at + 120).into());
            }))
            .contains("future")
        );
        assert!(
            check(with(|c| {
                c.insert("iat".into(), (at - 3600).into());
            }))
            .contains("too long ago")
        );
        assert!(
            check(with(|c| {
                c.insert("nbf".into(), (at + 120).into());
            }))
            .contains("(nbf)")
        );
        let several = |azp: Option<&str>| {
            with(|c| {
                c.insert(
                    "aud".into(),
                    serde_json::json!(["swforce-client", "another"]),
                );
                if let Some(a) = azp {
                    c.insert("azp".into(), a.into());
                }
            })
        };
        assert!(check(several(None)).contains("(azp)"));
        assert!(
            check(with(|c| {
                c.insert("azp".into(), "another".into());
            }))
            .contains("(azp)"),
            "an azp that names another application, with one audience"
        );
        for odd in [serde_json::json!("9999999999"), serde_json::json!(1e30)] {
            assert!(
                check(with(|c| {
                    c.insert("nbf".into(), odd.clone());
                }))
                .contains("nbf"),
                "{odd}"
            );
        }
        assert!(check(several(Some("another"))).contains("(azp)"));
        assert!(
            check_id_token(
                &p,
                &sso(),
                &token(&s, "k1", &several(Some("swforce-client"))),
                "n-1",
                now(),
                false
            )
            .is_ok()
        );
        for email in [
            "evil@evil.example@council.gov.uk",
            "sam\r\nbcc@council.gov.uk",
            "sam\u{0}@council.gov.uk",
            "\"sam worker\"@council.gov.uk",
        ] {
            assert!(
                check(with(|c| {
                    c.insert("email".into(), email.into());
                }))
                .contains("not one swforce accepts"),
                "{email:?}"
            );
        }
        let long = format!("{}@council.gov.uk", "a".repeat(100_000));
        assert!(
            check(with(|c| {
                c.insert("email".into(), long.into());
            }))
            .contains("not one swforce accepts")
        );
        assert!(
            check(with(|c| {
                c.insert("email_verified".into(), "true".into());
            }))
            .contains("has not verified")
        );
    }
}
