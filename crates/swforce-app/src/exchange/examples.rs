//! Examples of the "80:20 in practice" exchange: sent in by guests (confirmed by email) or
//! signed-in authors, moderated, published, searched and found helpful.

use super::{
    CONFIRM_DAYS, ExchangeError, SUBMISSIONS_PER_HOUR, WITHDRAW_DAYS, check_email, field, number,
};
use crate::access::{Mail, Origin, Principal, digest, minus, new_secret, now_stamp, plus, stamp};
use crate::public_id::Kind;
use crate::{App, AppError};
use jiff::{Timestamp, ToSpan};
use sha2::{Digest, Sha256};
use swforce_domain::access::{OrgKind, Permission};
use swforce_domain::exchange::{Example, FieldProblem, Setting, Status, check};
use swforce_store::{ExamplePage, ExampleQuery, OneTimeToken, StoreError, TokenKind};

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
    /// Publish it, with the moderator's edits to its words if they changed any (the author is
    /// then emailed what was changed, with their own words as sent).
    Approve(Option<Edits>),
    AskForChanges(String),
    Reject(String),
}

/// A moderator's edits to an example's words before publishing, and a note to the author.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Edits {
    pub title: String,
    pub problem: String,
    pub change: String,
    pub note: String,
}

impl App {
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

    /// What sending the form would refuse, without keeping anything: for a preview, which shows
    /// the same problems as sending does.
    pub fn example_problems(&self, form: &ExampleForm) -> Result<Vec<FieldProblem>, AppError> {
        match self.example_from(form, true) {
            Ok(_) => Ok(Vec::new()),
            Err(ExchangeError::Fields(problems)) => Ok(problems),
            Err(ExchangeError::App(e)) => Err(e),
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
            Decision::Approve(edits) => {
                let sent = e.clone();
                if let Some(ed) = edits {
                    e.title = ed.title.trim().to_string();
                    e.problem = ed.problem.trim().to_string();
                    e.change = ed.change.trim().to_string();
                }
                let changed: Vec<&str> = [
                    ("title", sent.title != e.title),
                    ("problem", sent.problem != e.problem),
                    ("what changed", sent.change != e.change),
                ]
                .into_iter()
                .filter_map(|(what, differs)| differs.then_some(what))
                .collect();
                if !changed.is_empty() {
                    let problems = check(&e, &self.themes()?, true);
                    if !problems.is_empty() {
                        return Err(ExchangeError::Fields(problems));
                    }
                }
                e.status = Status::Published;
                e.published_at = Some(now.clone());
                e.moderator_note = String::new();
                if changed.is_empty() {
                    ("published".to_string(), None)
                } else {
                    let note = match &decision {
                        Decision::Approve(Some(ed)) if !ed.note.trim().is_empty() => {
                            format!("\n\nThe moderator's note: {}", ed.note.trim())
                        }
                        _ => String::new(),
                    };
                    let link = format!(
                        "{}/exchange/examples/{}",
                        base_url.trim_end_matches('/'),
                        self.public_id(Kind::Example, id)?
                    );
                    (
                        format!(
                            "published with the moderator's edits to its {}",
                            changed.join(", ")
                        ),
                        Some(Mail {
                            to: e.author_email.clone(),
                            subject: "Your 80:20 in practice example is published, with edits"
                                .into(),
                            body: format!(
                                "Thank you for sharing \"{}\". It is published: {link}\n\nBefore publishing it, a moderator edited its {}.{note}\n\nAs you sent it:\n\n{}\n\n{}\n\n{}\n",
                                e.title,
                                changed.join(", "),
                                sent.title,
                                sent.problem,
                                sent.change
                            ),
                        }),
                    )
                }
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
}
