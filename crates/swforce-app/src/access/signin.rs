//! Signing in and out: passwords, sessions, lock-out, invitations and password resets.

use super::secret::decoy_hash;
use super::{
    ADDRESS_LIMIT, INVITATION_DAYS, LOCK_AFTER, LOCK_MINUTES, Mail, Origin, Principal,
    RESET_MINUTES, SESSION_HOURS, digest, hash_password, minus, new_secret, password_problem, plus,
    stamp, verify_password,
};
use crate::{App, AppError};
use jiff::{Timestamp, ToSpan};
use swforce_store::{OneTimeToken, Session, TokenKind, User, UserStatus};

/// A new browser session: the cookie's value (shown once, stored only as a hash), the token
/// its forms carry, and who it is.
#[derive(Clone)]
pub struct SignedIn {
    pub cookie: String,
    pub csrf: String,
    pub principal: Principal,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn")
            .field("user", &self.principal.user.email)
            .finish_non_exhaustive()
    }
}

fn invalid(problem: impl Into<String>, fix: impl Into<String>) -> AppError {
    AppError::Invalid {
        problem: problem.into(),
        fix: fix.into(),
    }
}

fn wrong_details() -> AppError {
    invalid(
        "Email address or password is not right",
        "Check both and try again, or reset your password",
    )
}

impl App {
    /// Signs in with an email address and password. Repeated failures lock the account for
    /// [`LOCK_MINUTES`] minutes and slow an address that tries many accounts.
    pub fn sign_in(
        &self,
        email: &str,
        password: &str,
        origin: &Origin,
    ) -> Result<SignedIn, AppError> {
        self.sign_in_at(email, password, origin, Timestamp::now())
    }

    pub fn sign_in_at(
        &self,
        email: &str,
        password: &str,
        origin: &Origin,
        now: Timestamp,
    ) -> Result<SignedIn, AppError> {
        let email = email.trim().to_lowercase();
        if email.is_empty() || password.is_empty() {
            return Err(invalid(
                "Enter your email address and password",
                "Both are needed to sign in",
            ));
        }
        let store = self.store();
        let window = stamp(minus(now, LOCK_MINUTES.minutes()));
        let address_key = format!("address:{}", origin.ip);
        if !origin.ip.is_empty() && store.failed_sign_ins(&address_key, &window)? >= ADDRESS_LIMIT {
            return Err(invalid(
                "Too many failed sign-ins from your network",
                format!("Wait {LOCK_MINUTES} minutes and try again"),
            ));
        }
        let user = store.user_by_email(&email)?;
        // Check a hash even when there is no such account, so timing does not reveal accounts.
        let hash = user.as_ref().and_then(|u| u.password_hash.clone());
        let matches = verify_password(password, hash.as_deref().unwrap_or(decoy_hash()));
        let Some(mut user) = user else {
            store.record_failed_sign_in(&address_key, &stamp(now))?;
            // What was typed is kept only when it is shaped like an email address: a password
            // typed into the wrong box never reaches the audit log, which is kept for good.
            let shaped = email.len() <= 254
                && !email.chars().any(char::is_whitespace)
                && email
                    .split_once('@')
                    .is_some_and(|(l, d)| !l.is_empty() && d.contains('.'));
            let typed = if shaped {
                email.as_str()
            } else {
                "(not an email address)"
            };
            self.audit_raw(
                None,
                None,
                typed,
                "sign_in_failed",
                "no such account",
                origin,
                now,
            )?;
            return Err(wrong_details());
        };
        if user.status == UserStatus::Locked {
            self.audit_raw(
                Some(user.org_id),
                Some(user.id),
                &email,
                "sign_in_failed",
                "account locked by an admin",
                origin,
                now,
            )?;
            return Err(invalid(
                "Your account is locked",
                "Ask your organisation admin to unlock it",
            ));
        }
        if let Some(until) = user
            .locked_until
            .as_deref()
            .filter(|u| *u > stamp(now).as_str())
        {
            self.audit_raw(
                Some(user.org_id),
                Some(user.id),
                &email,
                "sign_in_failed",
                "locked after failed sign-ins",
                origin,
                now,
            )?;
            return Err(invalid(
                format!(
                    "Too many failed sign-ins: your account is locked until {} UTC",
                    until.replace('T', " ").trim_end_matches('Z')
                ),
                "Wait and try again, or reset your password",
            ));
        }
        if !matches || hash.is_none() {
            store.record_failed_sign_in(&address_key, &stamp(now))?;
            store.record_failed_sign_in(&format!("account:{}", user.id), &stamp(now))?;
            let recent = store.failed_sign_ins(&format!("account:{}", user.id), &window)?;
            user.failed_sign_ins = user.failed_sign_ins.saturating_add(1);
            let detail = if recent >= LOCK_AFTER {
                user.locked_until = Some(stamp(plus(now, LOCK_MINUTES.minutes())));
                format!("wrong password; locked for {LOCK_MINUTES} minutes after {recent} failures")
            } else if hash.is_none() {
                "no password set (invited, or single sign-on only)".to_string()
            } else {
                "wrong password".to_string()
            };
            store.update_user(&user)?;
            self.audit_raw(
                Some(user.org_id),
                Some(user.id),
                &email,
                "sign_in_failed",
                &detail,
                origin,
                now,
            )?;
            return Err(wrong_details());
        }
        self.start_session(user, "password", origin, now)
    }

    /// Opens a session for someone whose identity is proven (by password or single sign-on).
    pub(crate) fn start_session(
        &self,
        mut user: User,
        how: &str,
        origin: &Origin,
        now: Timestamp,
    ) -> Result<SignedIn, AppError> {
        user.failed_sign_ins = 0;
        user.locked_until = None;
        user.last_sign_in = Some(stamp(now));
        self.store().update_user(&user)?;
        let cookie = new_secret();
        let csrf = new_secret();
        self.store().create_session(&Session {
            id_hash: digest(&cookie),
            user_id: user.id,
            csrf_token: csrf.clone(),
            created_at: stamp(now),
            expires_at: stamp(plus(now, SESSION_HOURS.hours())),
        })?;
        let principal = self
            .principal_of(user.id, None)?
            .ok_or_else(|| invalid("Your organisation is not on record", "Ask a site admin"))?;
        self.audit_raw(
            Some(user.org_id),
            Some(user.id),
            &user.email,
            "sign_in",
            how,
            origin,
            now,
        )?;
        Ok(SignedIn {
            cookie,
            csrf,
            principal,
        })
    }

    /// The person behind a session cookie, with the session's form token, while it lasts.
    pub fn session_principal(&self, cookie: &str) -> Result<Option<(Principal, String)>, AppError> {
        if cookie.len() != 64 {
            return Ok(None);
        }
        let Some(s) = self
            .store()
            .session(&digest(cookie), &stamp(Timestamp::now()))?
        else {
            return Ok(None);
        };
        Ok(self
            .principal_of(s.user_id, None)?
            .map(|p| (p, s.csrf_token)))
    }

    /// Ends this browser's session.
    pub fn sign_out(&self, cookie: &str, who: &Principal, origin: &Origin) -> Result<(), AppError> {
        who.require_browser()?;
        self.store().delete_session(&digest(cookie))?;
        self.audit_event(Some(who), "sign_out", &who.user.email, "", origin)
    }

    /// Ends every session of the person, on every device.
    pub fn sign_out_everywhere(&self, who: &Principal, origin: &Origin) -> Result<u64, AppError> {
        who.require_browser()?;
        let n = self.store().delete_sessions_of(who.user.id)?;
        self.audit_event(
            Some(who),
            "sign_out_everywhere",
            &who.user.email,
            &format!(
                "{} ended",
                swforce_domain::number::count_of(n as usize, "session", "sessions")
            ),
            origin,
        )?;
        Ok(n)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn audit_raw(
        &self,
        org_id: Option<i64>,
        user_id: Option<i64>,
        actor: &str,
        action: &str,
        detail: &str,
        origin: &Origin,
        now: Timestamp,
    ) -> Result<(), AppError> {
        self.store().append_audit(&swforce_store::AuditEvent {
            id: 0,
            at: stamp(now),
            org_id,
            user_id,
            actor: actor.to_string(),
            action: action.to_string(),
            target: actor.to_string(),
            detail: detail.to_string(),
            ip: origin.ip.clone(),
        })?;
        Ok(())
    }

    /// A link that lets an invited person set their password (and so sign in for the first
    /// time). Returns the link's secret; it works once, for [`INVITATION_DAYS`] days.
    pub(crate) fn invitation_secret(
        &self,
        user: &User,
        now: Timestamp,
    ) -> Result<String, AppError> {
        let secret = new_secret();
        self.store().create_token(&OneTimeToken {
            kind: TokenKind::Invitation,
            hash: digest(&secret),
            org_id: Some(user.org_id),
            user_id: Some(user.id),
            email: Some(user.email.clone()),
            payload: "{}".into(),
            expires_at: stamp(plus(now, (INVITATION_DAYS * 24).hours())),
        })?;
        Ok(secret)
    }

    /// Accepts an invitation (or completes a password reset): sets the password and signs in.
    pub fn set_password_with(
        &self,
        kind: TokenKind,
        secret: &str,
        password: &str,
        confirm: &str,
        origin: &Origin,
    ) -> Result<SignedIn, AppError> {
        let now = Timestamp::now();
        let user = self.set_password(kind, secret, password, confirm, origin, None, now)?;
        self.start_session(user, "password", origin, now)
    }

    /// Sets the password of an invitation's account from the command line (`swforce admin
    /// create --password-stdin`): on the audit log as the command line, and no one signs in.
    pub fn set_password_from_command_line(
        &self,
        secret: &str,
        password: &str,
    ) -> Result<User, AppError> {
        self.set_password(
            TokenKind::Invitation,
            secret,
            password,
            password,
            &Origin::default(),
            Some(super::admin::operator::COMMAND_LINE),
            Timestamp::now(),
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn set_password(
        &self,
        kind: TokenKind,
        secret: &str,
        password: &str,
        confirm: &str,
        origin: &Origin,
        actor: Option<&str>,
        now: Timestamp,
    ) -> Result<User, AppError> {
        if password != confirm {
            return Err(invalid(
                "The passwords do not match",
                "Type the same password in both boxes",
            ));
        }
        if let Some((problem, fix)) = password_problem(password, "") {
            return Err(invalid(problem, fix));
        }
        let expired = || {
            invalid(
                "This link has expired or has already been used",
                match kind {
                    TokenKind::Invitation => "Ask your organisation admin to invite you again",
                    _ => "Ask for a new password reset link",
                },
            )
        };
        let Some(token) = self
            .store()
            .take_token(kind, &digest(secret), &stamp(now))?
        else {
            return Err(expired());
        };
        let Some(mut user) = token
            .user_id
            .map(|id| self.store().user(id))
            .transpose()?
            .flatten()
        else {
            return Err(expired());
        };
        if user.status == UserStatus::Locked {
            return Err(invalid(
                "Your account is locked",
                "Ask your organisation admin to unlock it",
            ));
        }
        user.password_hash = Some(hash_password(password));
        self.store().update_user(&user)?;
        // A new password ends every session signed in with the old one.
        self.store().delete_sessions_of(user.id)?;
        let action = match kind {
            TokenKind::Invitation => "invitation_accepted",
            _ => "password_reset",
        };
        self.audit_raw(
            Some(user.org_id),
            Some(user.id),
            actor.unwrap_or(&user.email),
            action,
            if actor.is_some() {
                "password set from the command line"
            } else {
                "password set"
            },
            origin,
            now,
        )?;
        Ok(user)
    }

    /// Emails a password reset link, if an active account has this address. Says nothing
    /// about whether one does, and sends at most three links an hour to one address.
    pub fn request_password_reset(
        &self,
        email: &str,
        base_url: &str,
        origin: &Origin,
    ) -> Result<(), AppError> {
        let now = Timestamp::now();
        let email = email.trim().to_lowercase();
        if !email.contains('@') {
            return Err(invalid(
                "Enter an email address in the right format, like name@example.gov.uk",
                "Check the address",
            ));
        }
        let key = format!("reset:{email}");
        if self
            .store()
            .failed_sign_ins(&key, &stamp(minus(now, 1.hour())))?
            >= 3
        {
            return Ok(());
        }
        self.store().record_failed_sign_in(&key, &stamp(now))?;
        let Some(user) = self.store().user_by_email(&email)? else {
            self.audit_raw(
                None,
                None,
                &email,
                "password_reset_requested",
                "no such account",
                origin,
                now,
            )?;
            return Ok(());
        };
        if user.status != UserStatus::Active {
            return Ok(());
        }
        let secret = new_secret();
        self.store().create_token(&OneTimeToken {
            kind: TokenKind::PasswordReset,
            hash: digest(&secret),
            org_id: Some(user.org_id),
            user_id: Some(user.id),
            email: Some(user.email.clone()),
            payload: "{}".into(),
            expires_at: stamp(plus(now, RESET_MINUTES.minutes())),
        })?;
        self.audit_raw(
            Some(user.org_id),
            Some(user.id),
            &email,
            "password_reset_requested",
            "link sent",
            origin,
            now,
        )?;
        self.mailer()?
            .send(&Mail {
                to: user.email.clone(),
                subject: "Reset your swforce password".into(),
                body: format!(
                    "Someone asked to reset the password of your swforce account.\n\nTo choose a new password, open this link within {RESET_MINUTES} minutes:\n\n{}/password-reset/{secret}\n\nIf it was not you, ignore this email: your password has not changed.\n",
                    base_url.trim_end_matches('/')
                ),
            })
            .map_err(|e| AppError::Unavailable(format!("the email could not be sent: {e}")))
    }
}
