//! The "80:20 in practice" exchange: people share what freed time for direct work, moderators
//! publish it, anyone finds it; and the campaign's steering group, feedback forms and resources.

use crate::access::{Mail, Origin, Principal, digest, minus, new_secret, now_stamp, plus, stamp};
use crate::display::spreadsheet_safe;
use crate::public_id::Kind;
use crate::{App, AppError};
use jiff::{Timestamp, ToSpan};
use sha2::{Digest, Sha256};
use swforce_domain::access::{OrgKind, Permission};
pub use swforce_domain::exchange::render_markdown;
use swforce_domain::exchange::{
    Example, FeedbackForm, FieldProblem, ResourcePage, Response, Setting, Status, Theme, check,
    has_html, seed_themes,
};
use swforce_store::{ExamplePage, ExampleQuery, OneTimeToken, StoreError, TokenKind};

/// Submissions one network address may make in an hour.
pub const SUBMISSIONS_PER_HOUR: u64 = 10;
/// How long a guest has to confirm their email address.
pub const CONFIRM_DAYS: i64 = 7;
/// How long the withdraw link a guest is sent keeps working.
pub const WITHDRAW_DAYS: i64 = 365;
/// How long a steering group sign-up is kept.
pub const STEERING_DAYS: u32 = 730;

/// Why something sent to the exchange was not taken: problems by field, or another error.
#[derive(Debug)]
pub enum ExchangeError {
    Fields(Vec<FieldProblem>),
    App(AppError),
}

impl From<AppError> for ExchangeError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl From<StoreError> for ExchangeError {
    fn from(e: StoreError) -> Self {
        Self::App(e.into())
    }
}

fn field(field: &'static str, problem: impl Into<String>, fix: impl Into<String>) -> ExchangeError {
    ExchangeError::Fields(vec![FieldProblem {
        field,
        problem: problem.into(),
        fix: fix.into(),
    }])
}

/// What a person typed into the example form, as text.
#[derive(Debug, Clone, Default)]
pub struct ExampleForm {
    /// The example being changed (0 for a new one).
    pub id: i64,
    pub title: String,
    pub problem: String,
    pub change: String,
    pub setting: String,
    pub org_kind: String,
    pub region: String,
    pub themes: Vec<String>,
    pub hours_saved: String,
    pub direct_before: String,
    pub direct_after: String,
    pub contact_consent: bool,
    /// A guest's name and email address.
    pub name: String,
    pub email: String,
    /// A field people cannot see; anything in it is a robot.
    pub honeypot: String,
}

/// What happened to an example sent in.
#[derive(Debug, Clone)]
pub enum Sent {
    /// Saved as a draft or submitted by a signed-in author.
    Saved(Box<Example>),
    /// A guest's example, waiting for them to confirm their email address.
    Confirm { email: String },
}

/// A moderator's decision.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Approve,
    AskForChanges(String),
    Reject(String),
}

fn number<T: std::str::FromStr>(
    text: &str,
    name: &'static str,
    fix: &str,
) -> Result<Option<T>, FieldProblem> {
    let t = text.trim().trim_end_matches('%');
    if t.is_empty() {
        return Ok(None);
    }
    t.parse().map(Some).map_err(|_| FieldProblem {
        field: name,
        problem: format!("{:?} is not a number", text.trim()),
        fix: fix.into(),
    })
}

/// An address someone gives, checked as an invitation's is.
fn check_email(email: &str) -> Option<String> {
    crate::access::check_email(email).ok()
}

impl App {
    /// The themes, seeding the campaign's on first use.
    pub fn themes(&self) -> Result<Vec<Theme>, AppError> {
        let themes = self.store().themes()?;
        if !themes.is_empty() {
            return Ok(themes);
        }
        for t in seed_themes() {
            self.store().save_theme(&t)?;
        }
        Ok(self.store().themes()?)
    }

    /// Adds a theme or changes one (campaign leads).
    pub fn save_theme(
        &self,
        who: &Principal,
        id: &str,
        label: &str,
        audience: &str,
        active: bool,
        origin: &Origin,
    ) -> Result<(), ExchangeError> {
        who.require(Permission::RunCampaign)?;
        let slug: String = id
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let slug = slug.trim_matches('-').to_string();
        if slug.is_empty() || slug.len() > 60 {
            return Err(field(
                "theme_id",
                "Enter a short id for the theme",
                "Letters, digits and hyphens, such as quicker-sign-off",
            ));
        }
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 100 || has_html(label) {
            return Err(field(
                "theme_label",
                "Enter the theme's name, of 100 characters or fewer",
                "Plain text, such as Quicker sign-off",
            ));
        }
        let Some(audience) = swforce_domain::exchange::Audience::from_id(audience) else {
            return Err(field(
                "theme_audience",
                "Choose who the theme is for",
                "Pick one",
            ));
        };
        self.themes()?;
        self.store().save_theme(&Theme {
            id: slug.clone(),
            label: label.into(),
            audience,
            active,
        })?;
        self.audit_event(
            Some(who),
            "admin",
            &format!("theme {slug}"),
            if active { "saved" } else { "retired" },
            origin,
        )?;
        Ok(())
    }

    fn example_from(&self, form: &ExampleForm, submitting: bool) -> Result<Example, ExchangeError> {
        let mut problems = Vec::new();
        let hours = number::<f64>(
            &form.hours_saved,
            "hours_saved",
            "Give hours a week, such as 3.5",
        )
        .unwrap_or_else(|p| {
            problems.push(p);
            None
        });
        let mut share = |text: &str, name: &'static str| {
            number::<u8>(text, name, "Give a whole number of per cent, such as 35").unwrap_or_else(
                |p| {
                    problems.push(p);
                    None
                },
            )
        };
        let before = share(&form.direct_before, "direct_before");
        let after = share(&form.direct_after, "direct_after");
        let setting = match Setting::from_id(&form.setting) {
            Some(s) => s,
            None => {
                problems.push(FieldProblem {
                    field: "setting",
                    problem: "Choose the setting".into(),
                    fix: "Pick the one closest to where it happened".into(),
                });
                Setting::Other
            }
        };
        let org_kind = if form.org_kind.trim().is_empty() {
            None
        } else {
            match OrgKind::from_id(&form.org_kind) {
                Some(k) => Some(k),
                None => {
                    problems.push(FieldProblem {
                        field: "org_kind",
                        problem: "Choose the type of organisation from the list".into(),
                        fix: "Or leave it as not given".into(),
                    });
                    None
                }
            }
        };
        let now = now_stamp();
        let example = Example {
            id: form.id,
            status: Status::Draft,
            title: form.title.trim().to_string(),
            problem: form.problem.trim().to_string(),
            change: form.change.trim().to_string(),
            setting,
            org_kind,
            region: Some(form.region.trim().to_string()).filter(|r| !r.is_empty()),
            themes: {
                let mut t: Vec<String> = form.themes.iter().map(|t| t.trim().to_string()).collect();
                t.sort();
                t.dedup();
                t
            },
            hours_saved: hours,
            direct_before: before,
            direct_after: after,
            contact_consent: form.contact_consent,
            author_user: None,
            author_name: String::new(),
            author_email: String::new(),
            moderator_note: String::new(),
            fingerprint: String::new(),
            created_at: now.clone(),
            updated_at: now,
            published_at: None,
            helped: 0,
        };
        problems.extend(check(&example, &self.themes()?, submitting));
        if problems.is_empty() {
            Ok(example)
        } else {
            Err(ExchangeError::Fields(problems))
        }
    }

    fn fingerprint(author: &str, e: &Example) -> String {
        let mut h = Sha256::new();
        for part in [author, &e.title.to_lowercase(), &e.problem, &e.change] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Saves an example as a draft, or submits it. Signed in, the author is the person; as a
    /// guest (`who` is `None`), it must be submitted, with a name and email address, and waits
    /// until the emailed link is opened. `base_url` makes the links in emails.
    pub fn send_example(
        &self,
        who: Option<&Principal>,
        form: &ExampleForm,
        submit: bool,
        base_url: &str,
        origin: &Origin,
    ) -> Result<Sent, ExchangeError> {
        if let Some(who) = who {
            who.require_browser()?;
        }
        let guest_email = if who.is_none() {
            check_email(&form.email)
        } else {
            None
        };
        // A robot filled the hidden field: answer as if all went well, keep nothing.
        if !form.honeypot.trim().is_empty() {
            return Ok(Sent::Confirm {
                email: form.email.trim().to_string(),
            });
        }
        let now = Timestamp::now();
        let key = format!("exchange:{}", origin.ip);
        let store = self.store();
        if !origin.ip.is_empty()
            && store.failed_sign_ins(&key, &stamp(minus(now, 1.hours())))? >= SUBMISSIONS_PER_HOUR
        {
            return Err(field(
                "title",
                "Too many examples sent from your network in the last hour",
                "Wait an hour and try again",
            ));
        }
        let submitting = submit || who.is_none();
        let mut e = self.example_from(form, submitting)?;
        let previous = if form.id > 0 {
            let Some(who) = who else {
                return Err(AppError::Forbidden {
                    problem: "Sign in to change an example".into(),
                    fix: "Guests send a new example instead".into(),
                }
                .into());
            };
            match store.example(form.id)? {
                Some(p) if p.author_user == Some(who.user.id) && p.status.editable() => Some(p),
                Some(p) if p.author_user == Some(who.user.id) => {
                    return Err(field(
                        "title",
                        format!(
                            "This example is {} and cannot be changed",
                            p.status.label().to_lowercase()
                        ),
                        "Withdraw it and send a new one if it needs to change",
                    ));
                }
                _ => {
                    return Err(AppError::NotFound {
                        kind: "example",
                        query: String::new(),
                        suggestions: Vec::new(),
                    }
                    .into());
                }
            }
        } else {
            None
        };
        match who {
            Some(p) => {
                e.author_user = Some(p.user.id);
                e.author_name = p.user.name.clone();
                e.author_email = p.user.email.clone();
            }
            None => {
                let mut problems = Vec::new();
                if form.name.trim().is_empty()
                    || form.name.trim().chars().count() > 100
                    || !crate::display::is_one_line(&form.name)
                {
                    problems.push(FieldProblem {
                        field: "name",
                        problem: "Enter your name, on one line".into(),
                        fix: "So the campaign knows who sent it; it is never published".into(),
                    });
                }
                if guest_email.is_none() {
                    problems.push(FieldProblem {
                        field: "email",
                        problem: "Enter your email address, like name@example.org".into(),
                        fix: "We send a link to it to confirm the example is yours".into(),
                    });
                }
                if !problems.is_empty() {
                    return Err(ExchangeError::Fields(problems));
                }
                e.author_name = form.name.trim().to_string();
                e.author_email = guest_email.clone().unwrap_or_default();
            }
        }
        if let Some(p) = &previous {
            e.created_at = p.created_at.clone();
            e.helped = p.helped;
        }
        e.status = match (who, submit) {
            (None, _) => Status::Unconfirmed,
            (Some(_), true) => Status::Submitted,
            (Some(_), false) => Status::Draft,
        };
        e.fingerprint = if e.status == Status::Draft {
            String::new()
        } else {
            Self::fingerprint(&e.author_email, &e)
        };
        store.record_failed_sign_in(&key, &stamp(now))?;
        let saved = match store.save_example(&e) {
            Ok(s) => s,
            Err(StoreError::Conflict(_)) => {
                return Err(field(
                    "title",
                    "You have already sent this example",
                    "It is with the moderators; you do not need to send it again",
                ));
            }
            Err(other) => return Err(other.into()),
        };
        match who {
            Some(p) => {
                self.audit_event(
                    Some(p),
                    "exchange",
                    &format!("example {}", self.public_id(Kind::Example, saved.id)?),
                    if submit {
                        "submitted for moderation"
                    } else {
                        "draft saved"
                    },
                    origin,
                )?;
                Ok(Sent::Saved(Box::new(saved)))
            }
            None => {
                let confirm = new_secret();
                let withdraw = new_secret();
                for (kind, secret, days) in [
                    (TokenKind::ExampleConfirmation, &confirm, CONFIRM_DAYS),
                    (TokenKind::ExampleWithdrawal, &withdraw, WITHDRAW_DAYS),
                ] {
                    store.create_token(&OneTimeToken {
                        kind,
                        hash: digest(secret),
                        org_id: None,
                        user_id: None,
                        email: Some(saved.author_email.clone()),
                        payload: saved.id.to_string(),
                        expires_at: stamp(plus(now, (days * 24).hours())),
                    })?;
                }
                let base = base_url.trim_end_matches('/');
                self.mailer()?
                    .send(&Mail {
                        to: saved.author_email.clone(),
                        subject: "Confirm your example for 80:20 in practice".into(),
                        body: format!(
                            "Thank you for sharing \"{}\".\n\nTo send it to the moderators, open this link within {CONFIRM_DAYS} days:\n\n{base}/exchange/confirm/{confirm}\n\nIf you change your mind later, this link takes the example down and erases your details:\n\n{base}/exchange/withdraw/{withdraw}\n\nIf you did not send it, ignore this email and nothing will be published.\n",
                            saved.title
                        ),
                    })
                    .map_err(|e| AppError::Unavailable(format!("the email could not be sent: {e}")))?;
                self.store().append_audit(&swforce_store::AuditEvent {
                    id: 0,
                    at: stamp(now),
                    org_id: None,
                    user_id: None,
                    actor: saved.author_email.clone(),
                    action: "exchange".into(),
                    target: format!("example {}", saved.id),
                    detail: "sent by a guest; confirmation emailed".into(),
                    ip: origin.ip.clone(),
                })?;
                Ok(Sent::Confirm {
                    email: saved.author_email,
                })
            }
        }
    }

    /// A guest confirms their email address: the example goes to the moderators.
    pub fn confirm_example(&self, secret: &str, origin: &Origin) -> Result<Example, AppError> {
        let token = self
            .store()
            .take_token(
                TokenKind::ExampleConfirmation,
                &digest(secret),
                &now_stamp(),
            )?
            .ok_or_else(|| AppError::Invalid {
                problem: "This confirmation link has expired or has been used".into(),
                fix: "Send the example again if it has not reached the moderators".into(),
            })?;
        let id: i64 = token.payload.parse().unwrap_or(0);
        let mut e = self.store().example(id)?.ok_or_else(|| AppError::Invalid {
            problem: "This example is no longer on record".into(),
            fix: "Send it again".into(),
        })?;
        if e.status == Status::Unconfirmed {
            e.status = Status::Submitted;
            e.updated_at = now_stamp();
            e = self.store().save_example(&e)?;
        }
        self.exchange_audit(&e, "email confirmed; sent for moderation", origin)?;
        Ok(e)
    }

    fn exchange_audit(&self, e: &Example, detail: &str, origin: &Origin) -> Result<(), AppError> {
        self.store().append_audit(&swforce_store::AuditEvent {
            id: 0,
            at: now_stamp(),
            org_id: None,
            user_id: e.author_user,
            actor: if e.author_email.is_empty() {
                "anonymous".into()
            } else {
                e.author_email.clone()
            },
            action: "exchange".into(),
            target: format!("example {}", e.id),
            detail: detail.into(),
            ip: origin.ip.clone(),
        })?;
        Ok(())
    }

    /// A guest withdraws their example with the link they were sent.
    pub fn withdraw_with_link(&self, secret: &str, origin: &Origin) -> Result<(), AppError> {
        let token = self
            .store()
            .take_token(TokenKind::ExampleWithdrawal, &digest(secret), &now_stamp())?
            .ok_or_else(|| AppError::Invalid {
                problem: "This link has expired or has been used".into(),
                fix: "Write to the campaign to have the example taken down".into(),
            })?;
        let id: i64 = token.payload.parse().unwrap_or(0);
        if let Some(mut e) = self.store().example(id)? {
            e.erase();
            e.updated_at = now_stamp();
            self.store().save_example(&e)?;
            self.exchange_audit(&e, "withdrawn by its author; personal data erased", origin)?;
        }
        Ok(())
    }

    /// A signed-in author withdraws one of their examples: it leaves the site and what could
    /// identify them is erased.
    pub fn withdraw_example(
        &self,
        who: &Principal,
        id: i64,
        origin: &Origin,
    ) -> Result<(), AppError> {
        let mut e = self.own_example(who, id)?;
        e.erase();
        e.updated_at = now_stamp();
        self.store().save_example(&e)?;
        self.audit_event(
            Some(who),
            "exchange",
            &format!("example {}", self.public_id(Kind::Example, id)?),
            "withdrawn by its author; personal data erased",
            origin,
        )
    }

    /// One of the person's own examples.
    pub fn own_example(&self, who: &Principal, id: i64) -> Result<Example, AppError> {
        who.require_browser()?;
        match self.store().example(id)? {
            Some(e) if e.author_user == Some(who.user.id) => Ok(e),
            _ => Err(AppError::NotFound {
                kind: "example",
                query: String::new(),
                suggestions: Vec::new(),
            }),
        }
    }

    /// The person's own examples, newest first.
    pub fn my_examples(&self, who: &Principal) -> Result<Vec<Example>, AppError> {
        who.require_browser()?;
        Ok(self.store().examples_of(who.user.id)?)
    }

    /// Erases the guests' examples never confirmed by `cutoff` (RFC 3339): their name and
    /// email address are not kept past the life of the link. Returns how many.
    pub fn erase_unconfirmed_before(&self, cutoff: &str) -> Result<usize, AppError> {
        let mut n = 0;
        for mut e in self.store().examples_in(Status::Unconfirmed, 500)? {
            if e.updated_at.as_str() >= cutoff {
                break;
            }
            e.erase();
            e.updated_at = now_stamp();
            self.store().save_example(&e)?;
            n += 1;
        }
        Ok(n)
    }

    /// Examples waiting for a moderator, oldest first. Guests' examples never confirmed are
    /// erased first.
    pub fn moderation_queue(&self, who: &Principal) -> Result<Vec<Example>, AppError> {
        who.require_read(Permission::Moderate)?;
        self.erase_unconfirmed_before(&stamp(minus(
            Timestamp::now(),
            (CONFIRM_DAYS * 24).hours(),
        )))?;
        Ok(self.store().examples_in(Status::Submitted, 200)?)
    }

    /// An example as a moderator sees it (with its author's details).
    /// One example sent for moderation, for a moderator: a draft, a guest's example not yet
    /// confirmed and a withdrawn one are the author's alone, and are "not found".
    pub fn example_for_moderation(&self, who: &Principal, id: i64) -> Result<Example, AppError> {
        who.require_read(Permission::Moderate)?;
        let sent = |e: &Example| {
            matches!(
                e.status,
                Status::Submitted | Status::ChangesRequested | Status::Published | Status::Rejected
            )
        };
        self.store()
            .example(id)?
            .filter(sent)
            .ok_or(AppError::NotFound {
                kind: "example",
                query: String::new(),
                suggestions: Vec::new(),
            })
    }

    /// A moderator's decision on a submitted example; the author is told by email when
    /// changes are asked for or it is not published. On the audit log.
    pub fn moderate(
        &self,
        who: &Principal,
        id: i64,
        decision: Decision,
        base_url: &str,
        origin: &Origin,
    ) -> Result<Example, ExchangeError> {
        let mut e = self.example_for_moderation(who, id)?;
        if e.status != Status::Submitted {
            return Err(field(
                "decision",
                format!("This example is {}", e.status.label().to_lowercase()),
                "Only examples waiting for moderation can be decided",
            ));
        }
        let now = now_stamp();
        let (detail, mail) = match &decision {
            Decision::Approve => {
                e.status = Status::Published;
                e.published_at = Some(now.clone());
                e.moderator_note = String::new();
                ("published".to_string(), None)
            }
            Decision::AskForChanges(note) | Decision::Reject(note) => {
                let note = note.trim();
                if note.is_empty() || note.chars().count() > 2000 {
                    return Err(field(
                        "note",
                        "Say what the author should change, or why it is not published",
                        "The author reads this; 2,000 characters at most",
                    ));
                }
                e.moderator_note = note.to_string();
                let changes = matches!(decision, Decision::AskForChanges(_));
                e.status = if changes {
                    Status::ChangesRequested
                } else {
                    Status::Rejected
                };
                let base = base_url.trim_end_matches('/');
                let body = if changes {
                    format!(
                        "Thank you for sharing \"{}\". A moderator asked for some changes before it is published:\n\n{note}\n\n{}",
                        e.title,
                        if e.author_user.is_some() {
                            format!(
                                "Sign in and change it from your examples: {base}/exchange/mine\n"
                            )
                        } else {
                            "Please send it again with the changes.\n".to_string()
                        }
                    )
                } else {
                    format!(
                        "Thank you for sharing \"{}\". It will not be published, because:\n\n{note}\n",
                        e.title
                    )
                };
                (
                    if changes {
                        format!("changes asked for: {note}")
                    } else {
                        format!("not published: {note}")
                    },
                    Some(Mail {
                        to: e.author_email.clone(),
                        subject: if changes {
                            "Changes asked for your 80:20 in practice example".into()
                        } else {
                            "Your 80:20 in practice example".into()
                        },
                        body,
                    }),
                )
            }
        };
        e.updated_at = now;
        let e = self.store().save_example(&e)?;
        self.audit_event(
            Some(who),
            "moderation",
            &format!("example {}", self.public_id(Kind::Example, id)?),
            &detail,
            origin,
        )?;
        if let Some(mail) = mail.filter(|m| !m.to.is_empty()) {
            self.mailer()?
                .send(&mail)
                .map_err(|e| AppError::Unavailable(format!("the email could not be sent: {e}")))?;
        }
        Ok(e)
    }

    /// Published examples matching a search.
    pub fn search_examples(&self, query: &ExampleQuery) -> Result<ExamplePage, AppError> {
        Ok(self.store().search_examples(query)?)
    }

    /// A published example, for anyone.
    pub fn published_example(&self, id: i64) -> Result<Example, AppError> {
        match self.store().example(id)? {
            Some(e) if e.status == Status::Published => Ok(e),
            _ => Err(AppError::NotFound {
                kind: "example",
                query: String::new(),
                suggestions: Vec::new(),
            }),
        }
    }

    /// "This helped me": once per person (`person` is a key that stands for one).
    pub fn helped(&self, id: i64, person: &str) -> Result<bool, AppError> {
        self.published_example(id)?;
        Ok(self.store().mark_helped(id, person, &now_stamp())?)
    }

    // Get involved.

    fn delete_on(days: u32) -> String {
        let day = plus(Timestamp::now(), (i64::from(days) * 24).hours());
        stamp(day)[..10].to_string()
    }

    fn purge(&self) -> Result<(), AppError> {
        self.store().purge_responses(&now_stamp()[..10])?;
        Ok(())
    }

    /// Someone signs up for the campaign's steering group.
    #[allow(clippy::too_many_arguments)]
    pub fn join_steering_group(
        &self,
        name: &str,
        email: &str,
        organisation: &str,
        role: &str,
        bring: &str,
        consent: bool,
        honeypot: &str,
        origin: &Origin,
    ) -> Result<(), ExchangeError> {
        if !honeypot.trim().is_empty() {
            return Ok(());
        }
        let mut problems = Vec::new();
        if name.trim().is_empty()
            || name.chars().count() > 100
            || !crate::display::is_one_line(name)
        {
            problems.push(FieldProblem {
                field: "name",
                problem: "Enter your name, on one line".into(),
                fix: "100 characters at most".into(),
            });
        }
        let email = check_email(email);
        if email.is_none() {
            problems.push(FieldProblem {
                field: "email",
                problem: "Enter your email address, like name@example.org".into(),
                fix: "The campaign writes to you about the steering group".into(),
            });
        }
        for (f, text) in [
            ("organisation", organisation),
            ("role", role),
            ("bring", bring),
        ] {
            if text.chars().count() > 2000 || has_html(text) {
                problems.push(FieldProblem {
                    field: f,
                    problem: "Keep this to 2,000 characters of plain text".into(),
                    fix: "Remove any HTML tags".into(),
                });
            }
        }
        if !consent {
            problems.push(FieldProblem {
                field: "consent",
                problem: "Agree to the campaign keeping your details to sign up".into(),
                fix: format!(
                    "They are kept for {} years, then deleted",
                    STEERING_DAYS / 365
                ),
            });
        }
        if !problems.is_empty() {
            return Err(ExchangeError::Fields(problems));
        }
        self.purge()?;
        let r = Response {
            id: 0,
            form_id: 0,
            name: name.trim().into(),
            email: email.unwrap_or_default(),
            answers: vec![
                organisation.trim().into(),
                role.trim().into(),
                bring.trim().into(),
            ],
            consent: STEERING_CONSENT.into(),
            created_at: now_stamp(),
            delete_on: Self::delete_on(STEERING_DAYS),
        };
        let id = self.store().save_response(&r)?;
        self.store().append_audit(&swforce_store::AuditEvent {
            id: 0,
            at: now_stamp(),
            org_id: None,
            user_id: None,
            actor: r.email.clone(),
            action: "exchange".into(),
            target: format!("steering group sign-up {id}"),
            detail: format!("kept until {}", r.delete_on),
            ip: origin.ip.clone(),
        })?;
        Ok(())
    }

    /// Open feedback forms (for anyone) or every form (for campaign leads).
    pub fn feedback_forms(&self, who: Option<&Principal>) -> Result<Vec<FeedbackForm>, AppError> {
        let all = who.is_some_and(|p| p.can(Permission::RunCampaign));
        Ok(self
            .store()
            .forms()?
            .into_iter()
            .filter(|f| all || f.open)
            .collect())
    }

    pub fn feedback_form(
        &self,
        id: i64,
        who: Option<&Principal>,
    ) -> Result<FeedbackForm, AppError> {
        let all = who.is_some_and(|p| p.can(Permission::RunCampaign));
        match self.store().form(id)? {
            Some(f) if f.open || all => Ok(f),
            _ => Err(AppError::NotFound {
                kind: "feedback form",
                query: String::new(),
                suggestions: Vec::new(),
            }),
        }
    }

    /// A campaign lead makes a feedback form: a question per line.
    pub fn create_form(
        &self,
        who: &Principal,
        title: &str,
        intro: &str,
        questions: &str,
        retention_days: &str,
        origin: &Origin,
    ) -> Result<FeedbackForm, ExchangeError> {
        who.require(Permission::RunCampaign)?;
        let mut problems = Vec::new();
        let title = title.trim();
        if title.is_empty()
            || title.chars().count() > 150
            || has_html(title)
            || !crate::display::is_one_line(title)
        {
            problems.push(FieldProblem {
                field: "form_title",
                problem: "Enter the form's title, of 150 characters or fewer".into(),
                fix: "Plain text, such as How much time did the new templates save?".into(),
            });
        }
        let questions: Vec<String> = questions
            .lines()
            .map(|q| q.trim().to_string())
            .filter(|q| !q.is_empty())
            .collect();
        if questions.is_empty()
            || questions.len() > 10
            || questions
                .iter()
                .any(|q| q.chars().count() > 300 || has_html(q))
        {
            problems.push(FieldProblem {
                field: "questions",
                problem: "Write between 1 and 10 questions, one a line".into(),
                fix: "Short questions of plain text, 300 characters at most".into(),
            });
        }
        let days = retention_days
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=1095).contains(d));
        if days.is_none() {
            problems.push(FieldProblem {
                field: "retention_days",
                problem: "Enter how many days responses are kept, from 1 to 1095".into(),
                fix: "Keep them only as long as you need them, such as 180".into(),
            });
        }
        if intro.chars().count() > 2000 || has_html(intro) {
            problems.push(FieldProblem {
                field: "intro",
                problem: "Keep the introduction to 2,000 characters of plain text".into(),
                fix: "Remove any HTML tags".into(),
            });
        }
        if !problems.is_empty() {
            return Err(ExchangeError::Fields(problems));
        }
        let form = self.store().save_form(&FeedbackForm {
            id: 0,
            title: title.into(),
            intro: intro.trim().into(),
            questions,
            open: true,
            retention_days: days.unwrap_or(180),
            created_at: now_stamp(),
        })?;
        self.audit_event(
            Some(who),
            "admin",
            &format!("feedback form {}", self.public_id(Kind::Form, form.id)?),
            "created",
            origin,
        )?;
        Ok(form)
    }

    /// Opens or closes a feedback form.
    pub fn set_form_open(
        &self,
        who: &Principal,
        id: i64,
        open: bool,
        origin: &Origin,
    ) -> Result<(), AppError> {
        who.require(Permission::RunCampaign)?;
        let mut f = self.feedback_form(id, Some(who))?;
        f.open = open;
        self.store().save_form(&f)?;
        self.audit_event(
            Some(who),
            "admin",
            &format!("feedback form {}", self.public_id(Kind::Form, id)?),
            if open { "opened" } else { "closed" },
            origin,
        )
    }

    /// Someone answers an open feedback form.
    #[allow(clippy::too_many_arguments)]
    pub fn respond(
        &self,
        form_id: i64,
        name: &str,
        email: &str,
        answers: &[String],
        consent: bool,
        honeypot: &str,
        origin: &Origin,
    ) -> Result<(), ExchangeError> {
        let form = self.feedback_form(form_id, None)?;
        if !honeypot.trim().is_empty() {
            return Ok(());
        }
        let mut problems = Vec::new();
        let email = email.trim();
        let email = if email.is_empty() {
            String::new()
        } else {
            match check_email(email) {
                Some(e) => e,
                None => {
                    problems.push(FieldProblem {
                        field: "email",
                        problem: "Enter a real email address, or leave it empty".into(),
                        fix: "Like name@example.org".into(),
                    });
                    String::new()
                }
            }
        };
        if name.chars().count() > 100 || !crate::display::is_one_line(name) {
            problems.push(FieldProblem {
                field: "name",
                problem: "Keep your name to 100 characters, on one line".into(),
                fix: "Or leave it empty".into(),
            });
        }
        const ANSWER_FIELDS: [&str; 10] = [
            "answer-1",
            "answer-2",
            "answer-3",
            "answer-4",
            "answer-5",
            "answer-6",
            "answer-7",
            "answer-8",
            "answer-9",
            "answer-10",
        ];
        for (i, a) in answers.iter().enumerate().take(form.questions.len()) {
            if a.chars().count() > 5000 || has_html(a) {
                problems.push(FieldProblem {
                    field: ANSWER_FIELDS[i.min(9)],
                    problem: "Keep each answer to 5,000 characters of plain text".into(),
                    fix: "Remove any HTML tags".into(),
                });
            }
        }
        if answers.iter().all(|a| a.trim().is_empty()) {
            problems.push(FieldProblem {
                field: "answer-1",
                problem: "Answer at least one question".into(),
                fix: "A sentence is enough".into(),
            });
        }
        if !consent {
            problems.push(FieldProblem {
                field: "consent",
                problem: "Agree to the campaign keeping your answers to send them".into(),
                fix: format!(
                    "They are kept for {} days, then deleted",
                    form.retention_days
                ),
            });
        }
        if !problems.is_empty() {
            return Err(ExchangeError::Fields(problems));
        }
        self.purge()?;
        let r = Response {
            id: 0,
            form_id,
            name: name.trim().into(),
            email,
            answers: form
                .questions
                .iter()
                .enumerate()
                .map(|(i, _)| {
                    answers
                        .get(i)
                        .map(|a| a.trim().to_string())
                        .unwrap_or_default()
                })
                .collect(),
            consent: format!(
                "I agree to the campaign keeping my answers for {} days to improve the campaign",
                form.retention_days
            ),
            created_at: now_stamp(),
            delete_on: Self::delete_on(form.retention_days),
        };
        let id = self.store().save_response(&r)?;
        self.store().append_audit(&swforce_store::AuditEvent {
            id: 0,
            at: now_stamp(),
            org_id: None,
            user_id: None,
            actor: if r.email.is_empty() {
                "anonymous".into()
            } else {
                r.email.clone()
            },
            action: "exchange".into(),
            target: format!("feedback form {form_id} response {id}"),
            detail: format!("kept until {}", r.delete_on),
            ip: origin.ip.clone(),
        })?;
        Ok(())
    }

    /// A form's responses (form 0: the steering group) as CSV, for campaign leads; on the
    /// audit log. Responses past their day are deleted first.
    pub fn responses_csv(
        &self,
        who: &Principal,
        form_id: i64,
        origin: &Origin,
    ) -> Result<String, AppError> {
        who.require(Permission::RunCampaign)?;
        self.purge()?;
        let questions: Vec<String> = if form_id == 0 {
            vec![
                "Organisation".into(),
                "Role".into(),
                "What they would bring".into(),
            ]
        } else {
            self.feedback_form(form_id, Some(who))?.questions
        };
        let responses = self.store().responses(form_id)?;
        let mut w = csv::Writer::from_writer(Vec::new());
        let fail =
            |e: csv::Error| AppError::Unavailable(format!("the export could not be written: {e}"));
        let mut head = vec!["sent".to_string(), "name".into(), "email".into()];
        head.extend(questions.iter().cloned());
        head.extend(["consent".into(), "deleted on".into()]);
        w.write_record(&head).map_err(fail)?;
        for r in &responses {
            let mut row = vec![
                r.created_at.clone(),
                spreadsheet_safe(&r.name),
                spreadsheet_safe(&r.email),
            ];
            row.extend(r.answers.iter().map(|a| spreadsheet_safe(a)));
            row.extend([r.consent.clone(), r.delete_on.clone()]);
            w.write_record(&row).map_err(fail)?;
        }
        let bytes = w.into_inner().map_err(|e| fail(e.into_error().into()))?;
        self.audit_event(
            Some(who),
            "export",
            &if form_id == 0 {
                "steering group sign-ups".to_string()
            } else {
                format!("feedback form {form_id} responses")
            },
            &format!("{} response(s)", responses.len()),
            origin,
        )?;
        String::from_utf8(bytes).map_err(|e| AppError::Unavailable(e.to_string()))
    }

    /// How many responses a form has (campaign leads).
    pub fn response_count(&self, who: &Principal, form_id: i64) -> Result<usize, AppError> {
        who.require_read(Permission::RunCampaign)?;
        self.purge()?;
        Ok(self.store().responses(form_id)?.len())
    }

    // Resources.

    /// The resources pages, seeding the campaign's first two on first use.
    pub fn resource_pages(&self) -> Result<Vec<ResourcePage>, AppError> {
        let pages = self.store().pages()?;
        if !pages.is_empty() {
            return Ok(pages);
        }
        for (slug, title, body) in SEED_PAGES {
            self.store().save_page(&ResourcePage {
                slug: slug.into(),
                title: title.into(),
                body: body.into(),
                updated_by: "swforce".into(),
                updated_at: now_stamp(),
            })?;
        }
        Ok(self.store().pages()?)
    }

    pub fn resource_page(&self, slug: &str) -> Result<ResourcePage, AppError> {
        self.resource_pages()?;
        self.store().page(slug)?.ok_or_else(|| AppError::NotFound {
            kind: "page",
            query: slug.into(),
            suggestions: Vec::new(),
        })
    }

    /// A moderator writes or changes a resources page.
    pub fn save_resource_page(
        &self,
        who: &Principal,
        slug: &str,
        title: &str,
        body: &str,
        origin: &Origin,
    ) -> Result<ResourcePage, ExchangeError> {
        who.require(Permission::Moderate)?;
        let mut problems = Vec::new();
        let slug = slug.trim().to_lowercase();
        if slug.is_empty()
            || slug.len() > 60
            || !slug.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            problems.push(FieldProblem {
                field: "slug",
                problem: "Enter the page's address: letters, digits and hyphens".into(),
                fix: "Such as top-tips".into(),
            });
        }
        if title.trim().is_empty() || title.chars().count() > 150 || has_html(title) {
            problems.push(FieldProblem {
                field: "page_title",
                problem: "Enter the page's title, of 150 characters or fewer".into(),
                fix: "Plain text".into(),
            });
        }
        if body.trim().is_empty() || body.chars().count() > 50_000 || has_html(body) {
            problems.push(FieldProblem {
                field: "body",
                problem: "Write the page in Markdown, without HTML tags, 50,000 characters at most"
                    .into(),
                fix: "Use # for headings, - for lists and [words](https://...) for links".into(),
            });
        }
        if !problems.is_empty() {
            return Err(ExchangeError::Fields(problems));
        }
        let page = ResourcePage {
            slug: slug.clone(),
            title: title.trim().into(),
            body: body.trim().into(),
            updated_by: who.user.email.clone(),
            updated_at: now_stamp(),
        };
        self.store().save_page(&page)?;
        self.audit_event(
            Some(who),
            "admin",
            &format!("resources page {slug}"),
            "saved",
            origin,
        )?;
        Ok(page)
    }
}

/// The words a steering group sign-up agrees to.
pub const STEERING_CONSENT: &str = "I agree to the 80:20 campaign keeping my name, email address and answers to contact me about its steering group, for two years";

const SEED_PAGES: [(&str, &str, &str); 2] = [
    (
        "top-tips",
        "Top tips for more time with families",
        "Ideas that teams in the exchange say gave them time back. Try one, measure it with your time diary, and share what happened.\n\n## For practitioners\n\n- Plan your week around your visits first, then fit recording around them.\n- Write records with families where you can: it is quicker and fairer.\n- Use templates and dictation for routine letters and notes.\n\n## For managers\n\n- Protect time in the week that is only for direct work.\n- Agree who signs off what, and cut steps that add nothing.\n- Keep meetings short, with a clear purpose and notes everyone can reuse.\n\n## For employers\n\n- Give teams business and admin support.\n- Record once: stop asking for the same information twice.\n- Fix the equipment and systems that waste social workers' time.\n",
    ),
    (
        "support",
        "Support for social workers",
        "If you are struggling with your workload or your wellbeing, you do not have to manage alone.\n\n- Talk to your supervisor or manager, and ask for reflective supervision.\n- Your employer's employee assistance programme offers confidential support.\n- [Social Work England](https://www.socialworkengland.org.uk) sets the professional standards and guidance on continuing development.\n- [BASW](https://www.basw.co.uk), the professional association for social work, offers advice and the 80:20 campaign's resources.\n- [Samaritans](https://www.samaritans.org) are there day and night on 116 123.\n",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guests_examples_never_confirmed_are_erased_after_the_link_expires() {
        use std::sync::Arc;
        let dir = tempfile::tempdir().unwrap();
        let store = swforce_store_sqlite::SqliteStore::open_in_dir(dir.path()).unwrap();
        let app = App::new(Arc::new(store));
        let mut e = Example {
            id: 0,
            status: Status::Unconfirmed,
            title: "Old".into(),
            problem: "p".into(),
            change: "c".into(),
            setting: Setting::Adults,
            org_kind: None,
            region: None,
            themes: Vec::new(),
            hours_saved: None,
            direct_before: None,
            direct_after: None,
            contact_consent: false,
            author_user: None,
            author_name: "Gita".into(),
            author_email: "gita@example.org".into(),
            moderator_note: String::new(),
            fingerprint: "old".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
            updated_at: "2026-01-01T00:00:00Z".into(),
            published_at: None,
            helped: 0,
        };
        let old = app.store().save_example(&e).unwrap().id;
        e.title = "New".into();
        e.fingerprint = "new".into();
        e.updated_at = "2026-01-09T00:00:00Z".into();
        let new = app.store().save_example(&e).unwrap().id;
        assert_eq!(
            app.erase_unconfirmed_before("2026-01-08T00:00:00Z")
                .unwrap(),
            1
        );
        let gone = app.store().example(old).unwrap().unwrap();
        assert_eq!(gone.status, Status::Withdrawn);
        assert!(gone.author_email.is_empty());
        assert_eq!(
            app.store().example(new).unwrap().unwrap().author_email,
            "gita@example.org"
        );
    }

    #[test]
    fn emails_and_numbers_are_read_as_people_write_them() {
        assert_eq!(
            check_email(" Sam@Example.org "),
            Some("sam@example.org".into())
        );
        assert_eq!(check_email("sam@localhost"), None);
        assert_eq!(check_email("sam example@x.org"), None);
        assert_eq!(number::<u8>("35%", "x", "").unwrap(), Some(35));
        assert_eq!(number::<f64>(" ", "x", "").unwrap(), None);
        assert!(number::<u8>("lots", "x", "").is_err());
        assert_eq!(spreadsheet_safe("=1+1"), "'=1+1");
    }
}
