//! The campaign's steering group sign-ups and feedback forms: responses are kept until their
//! deletion day and read only by those who run the form.

use super::{ExchangeError, STEERING_DAYS, check_email};
use crate::access::{Origin, Principal, now_stamp, plus, stamp};
use crate::display::spreadsheet_safe;
use crate::public_id::Kind;
use crate::{App, AppError};
use jiff::{Timestamp, ToSpan};
use swforce_domain::access::Permission;
use swforce_domain::exchange::{FeedbackForm, FieldProblem, Response, has_html};

/// The words a steering group sign-up agrees to.
pub const STEERING_CONSENT: &str = "I agree to the 80:20 campaign keeping my name, email address and answers to contact me about its steering group, for two years";

impl App {
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
            &swforce_domain::number::count_of(responses.len(), "response", "responses"),
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
}
