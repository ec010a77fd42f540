//! The employer standards health check: rounds an organisation opens and closes, practitioners
//! answering by invitation link or signed in (one theme per page, save and return, check your
//! answers), and results published when a round closes, with the time diary's protections.
//!
//! Who may do what is the permission matrix: [`Permission::RunHealthCheck`] runs rounds,
//! [`Permission::ViewHealthCheckResults`] reads the published figures, every member answers.
//! A response names nobody: the ticket that stops a second answer is stored apart from it.

mod drivers;
mod generate;
mod page;
mod summary;
mod tabulate;

pub use drivers::{DRIVERS_NEED, spearman};
pub use generate::{HealthGenerated, MAX_PEOPLE, check_generation};
pub use page::Step;
pub use summary::{
    Breakdown, Driver, GroupFigures, ReasonFigure, RetainStart, StandardFigure, StatementFigure,
    Summary, WorkforceFigure, summary_csv,
};

use crate::access::{Origin, Principal, audit_line, digest, new_secret, now_stamp};
use crate::{App, AppError};
use std::sync::OnceLock;
use swforce_domain::Date;
use swforce_domain::access::Permission;
use swforce_domain::healthcheck::{
    Answers, MAX_INVITATIONS, MAX_OWN_QUESTIONS, MAX_QUESTION, MAX_TEXT, OrgAnswer,
    PractitionerRole, QuestionSet, Response,
};
use swforce_store::{Round, Team, TicketCounts};

/// The question set shipped with swforce, as a file (for `/healthcheck/questions.toml`).
pub const QUESTIONS_TOML: &str =
    include_str!("../../data/healthcheck/employer-standards-2020.toml");
/// Its file name.
pub const QUESTIONS_FILE: &str = "employer-standards-2020.toml";
/// Longest a round may stay open, in days.
pub const MAX_ROUND_DAYS: i64 = 92;

/// The current question set (the shipped file, read once).
pub fn question_set() -> &'static QuestionSet {
    static SET: OnceLock<QuestionSet> = OnceLock::new();
    SET.get_or_init(|| {
        swforce_import::healthcheck::read_question_set(QUESTIONS_FILE, QUESTIONS_TOML)
            .expect("the shipped question set reads: a test in swforce-import reads it")
    })
}

/// The question set a round was opened with. Every version swforce has shipped stays here, so
/// a round keeps its own questions after a new version ships.
pub fn question_set_of(round: &Round) -> Result<&'static QuestionSet, AppError> {
    let set = question_set();
    if round.version == set.version {
        Ok(set)
    } else {
        Err(AppError::Invalid {
            problem: format!(
                "this round was opened with question set {}, which this version of swforce does not have",
                round.version
            ),
            fix: "Run the version of swforce that opened it".into(),
        })
    }
}

/// What opening a round asks for, as typed.
#[derive(Debug, Clone, Default)]
pub struct NewRound {
    pub title: String,
    /// The last day it takes answers, YYYY-MM-DD.
    pub closes_on: String,
    pub audience: Vec<PractitionerRole>,
    /// The organisation's own statements, one per line.
    pub own_questions: String,
    /// Invitation links to hand out now.
    pub invitations: u32,
    pub benchmark: bool,
}

/// One problem with a form, and the field it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The form field (`title`, `closes`, `audience`, `own`, `invitations`).
    pub field: &'static str,
    pub problem: String,
    pub fix: String,
}

impl NewRound {
    /// The name as it will be kept: spaces and control characters tidied.
    pub fn title(&self) -> String {
        self.title
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Everything wrong with the form, each beside its field.
    pub fn problems(&self, today: Date) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        let mut add = |field, problem: String, fix: &str| {
            out.push(FieldProblem {
                field,
                problem,
                fix: fix.into(),
            })
        };
        let title = self.title();
        if title.is_empty() || title.chars().count() > 120 {
            add(
                "title",
                "Enter a name for the round, up to 120 characters".into(),
                "For example \"Health check 2026\"",
            );
        }
        match Date::parse(self.closes_on.trim()) {
            Err(_) => add(
                "closes",
                "The closing date must be a real date".into(),
                "Enter the last day it takes answers, for example 31 1 2027",
            ),
            Ok(closes) => {
                let days = closes.days_since_epoch() - today.days_since_epoch();
                if !(0..=MAX_ROUND_DAYS).contains(&days) {
                    add(
                        "closes",
                        format!("The closing date must be today or within {MAX_ROUND_DAYS} days"),
                        "Most health checks run for four to six weeks",
                    );
                }
            }
        }
        if self.audience.is_empty() {
            add(
                "audience",
                "Choose who the round asks".into(),
                "Select social workers, and any other practitioners it should ask",
            );
        }
        if self.invitations > MAX_INVITATIONS {
            add(
                "invitations",
                format!("At most {MAX_INVITATIONS} invitation links at once"),
                "Hand out more later from the round's page",
            );
        }
        if let Err(AppError::Invalid { problem, fix }) = own_questions(&self.own_questions) {
            add("own", problem, &fix);
        }
        out
    }
}

/// A round just opened, or invitations just added: the links' secrets, shown once.
#[derive(Debug, Clone)]
pub struct Invitations {
    pub round: Round,
    pub codes: Vec<String>,
}

/// A round as its organisation's people see it.
#[derive(Debug, Clone)]
pub struct RoundStatus {
    pub round: Round,
    /// Started and sent, for those who run rounds; `None` for others.
    pub counts: Option<TicketCounts>,
    /// Whether the person looking has sent their answers.
    pub answered: bool,
}

/// Where someone answering is: the round, their saved answers and whether they have sent them.
#[derive(Debug, Clone)]
pub struct Answering {
    pub round: Round,
    pub org_name: String,
    pub set: &'static QuestionSet,
    pub teams: Vec<Team>,
    pub draft: Response,
    pub submitted: bool,
    /// Answers were saved through this link in another browser: they are not shown here, and
    /// nothing can be saved here until it starts again ([`App::restart_health_link`]).
    pub elsewhere: bool,
}

/// How someone answering is known: an invitation link's secret (in a browser that holds a key
/// of its own, from a cookie, or none), or a signed-in member.
#[derive(Debug, Clone, Copy)]
pub enum Pass<'a> {
    Link(&'a str),
    /// A link in a browser with its key: the first save keeps the key's digest with the
    /// answers, and only that browser sees and changes them afterwards.
    Keyed(&'a str, &'a str),
    Member(&'a Principal, i64),
}

impl Pass<'_> {
    fn holder(&self) -> String {
        match self {
            Pass::Link(code) | Pass::Keyed(code, _) => format!("code:{}", digest(code.trim())),
            Pass::Member(who, round) => format!("user:{round}:{}", who.user.id),
        }
    }

    /// The browser's key, as kept with the answers.
    fn key(&self) -> Option<String> {
        match self {
            Pass::Keyed(_, key) if !key.trim().is_empty() => Some(digest(key.trim())),
            _ => None,
        }
    }
}

/// Saved answers, with the browser they belong to when saved through a link.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct Draft {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    browser: Option<String>,
    #[serde(flatten)]
    response: Response,
}

impl Draft {
    fn read(stored: Option<&str>) -> Self {
        stored
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or_default()
    }
}

pub(super) fn invalid(problem: impl Into<String>, fix: impl Into<String>) -> AppError {
    AppError::Invalid {
        problem: problem.into(),
        fix: fix.into(),
    }
}

/// Not found, saying nothing of what was asked for (a round's number is not for the address).
fn not_found(kind: &'static str) -> AppError {
    AppError::NotFound {
        kind,
        query: String::new(),
        suggestions: Vec::new(),
    }
}

/// The organisation's own statements from one-per-line text: blank lines dropped, each checked.
pub fn own_questions(text: &str) -> Result<Vec<String>, AppError> {
    let own: Vec<String> = text
        .lines()
        .map(|l| {
            l.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|l| !l.is_empty())
        .collect();
    if let Some((i, q)) = own
        .iter()
        .enumerate()
        .find(|(i, q)| own[..*i].iter().any(|p| p.eq_ignore_ascii_case(q)))
    {
        return Err(invalid(
            format!("Question {} is the same as an earlier one: \"{q}\"", i + 1),
            "Ask each question once",
        ));
    }
    if own.len() > MAX_OWN_QUESTIONS {
        return Err(invalid(
            format!(
                "{} questions of your own; a round may add at most {MAX_OWN_QUESTIONS}",
                own.len()
            ),
            "Keep the ten that matter most",
        ));
    }
    if let Some(long) = own.iter().find(|q| q.chars().count() > MAX_QUESTION) {
        return Err(invalid(
            format!(
                "the question \"{}…\" is {} characters; at most {MAX_QUESTION}",
                long.chars().take(40).collect::<String>(),
                long.chars().count()
            ),
            "Write each as one short statement people can agree or disagree with",
        ));
    }
    Ok(own)
}

impl App {
    /// Opens a round for the organisation and hands out its first invitation links.
    pub fn open_health_round(
        &self,
        who: &Principal,
        form: &NewRound,
        today: Date,
        origin: &Origin,
    ) -> Result<Invitations, AppError> {
        who.require(Permission::RunHealthCheck)?;
        if let Some(p) = form.problems(today).into_iter().next() {
            return Err(invalid(p.problem, p.fix));
        }
        let title = form.title();
        let closes = Date::parse(form.closes_on.trim())
            .map_err(|_| invalid("The closing date must be a real date", ""))?;
        let own = own_questions(&form.own_questions)?;
        if self
            .store()
            .health_rounds(who.org.id)?
            .iter()
            .any(|r| r.is_open())
        {
            return Err(invalid(
                "The organisation already has a round open",
                "Close it before opening another",
            ));
        }
        let round = Round {
            id: 0,
            org_id: who.org.id,
            title,
            version: question_set().version.clone(),
            audience: form.audience.clone(),
            own_questions: own,
            opened_at: now_stamp(),
            closes_on: closes.to_string(),
            closed_at: None,
            invitations: form.invitations,
            late_invitations: 0,
            assessment: Vec::new(),
            benchmark: form.benchmark && !who.org.synthetic,
            synthetic: false,
        };
        let codes: Vec<String> = (0..form.invitations).map(|_| new_secret()).collect();
        let digests: Vec<String> = codes.iter().map(|c| digest(c)).collect();
        let audit = audit_line(
            Some(who),
            "healthcheck.open",
            &round.title,
            &format!(
                "closes {}, asks {}, {} invitation links",
                round.closes_on,
                swforce_domain::healthcheck::audience_label(&round.audience),
                codes.len()
            ),
            origin,
        );
        let round = self.store().open_round(&round, &digests, &audit)?;
        Ok(Invitations { round, codes })
    }

    /// The organisation's rounds: all of them for those who run rounds or read results, the
    /// open ones for everyone else.
    pub fn health_rounds(
        &self,
        who: &Principal,
        today: Date,
    ) -> Result<Vec<RoundStatus>, AppError> {
        who.require_browser()?;
        let runs = who.can(Permission::RunHealthCheck);
        let reads = who.can_read(Permission::ViewHealthCheckResults);
        let mut out = Vec::new();
        for round in self.store().health_rounds(who.org.id)? {
            let round = self.close_if_due(round, today)?;
            if !(runs || reads || round.is_open()) {
                continue;
            }
            let answered = self
                .store()
                .ticket(&Pass::Member(who, round.id).holder())?
                .is_some_and(|t| t.submitted);
            let counts = if runs {
                Some(self.store().ticket_counts(round.id)?)
            } else {
                None
            };
            out.push(RoundStatus {
                round,
                counts,
                answered,
            });
        }
        Ok(out)
    }

    /// One of the organisation's rounds, for those who run or read it. Another organisation's
    /// round is not found.
    pub fn health_round(
        &self,
        who: &Principal,
        id: i64,
        today: Date,
    ) -> Result<RoundStatus, AppError> {
        who.require_browser()?;
        let runs = who.can(Permission::RunHealthCheck);
        let round = self.own_round(who, id, today)?;
        let answered = self
            .store()
            .ticket(&Pass::Member(who, round.id).holder())?
            .is_some_and(|t| t.submitted);
        Ok(RoundStatus {
            counts: if runs {
                Some(self.store().ticket_counts(round.id)?)
            } else {
                None
            },
            round,
            answered,
        })
    }

    /// The round `id` if it is the organisation's (closed if its day has passed).
    pub(crate) fn own_round(
        &self,
        who: &Principal,
        id: i64,
        today: Date,
    ) -> Result<Round, AppError> {
        let round = self
            .store()
            .health_round(id)?
            .filter(|r| r.org_id == who.org.id)
            .ok_or_else(|| not_found("health check round"))?;
        self.close_if_due(round, today)
    }

    /// Closes a round whose last day has passed, as swforce.
    pub(super) fn close_if_due(&self, round: Round, today: Date) -> Result<Round, AppError> {
        let due = Date::parse(&round.closes_on).is_ok_and(|d| d < today);
        if !(round.is_open() && due) {
            return Ok(round);
        }
        let at = now_stamp();
        let mut line = audit_line(
            None,
            "healthcheck.close",
            &round.title,
            "its closing day passed",
            &Origin::default(),
        );
        line.org_id = Some(round.org_id);
        line.actor = "swforce".into();
        self.store().close_round(round.id, &at, &line)?;
        Ok(self.store().health_round(round.id)?.unwrap_or(round))
    }

    /// Closes a round now and publishes its results.
    pub fn close_health_round(
        &self,
        who: &Principal,
        id: i64,
        today: Date,
        origin: &Origin,
    ) -> Result<Round, AppError> {
        who.require(Permission::RunHealthCheck)?;
        let round = self.own_round(who, id, today)?;
        if !round.is_open() {
            return Ok(round);
        }
        let counts = self.store().ticket_counts(round.id)?;
        let audit = audit_line(
            Some(who),
            "healthcheck.close",
            &round.title,
            &format!("{} responses", counts.submitted),
            origin,
        );
        self.store().close_round(round.id, &now_stamp(), &audit)?;
        self.own_round(who, id, today)
    }

    /// Hands out more invitation links for an open round. Their answers count in the figures
    /// but not towards the five a group needs (see docs/healthcheck.md).
    pub fn add_health_invitations(
        &self,
        who: &Principal,
        id: i64,
        n: u32,
        today: Date,
        origin: &Origin,
    ) -> Result<Invitations, AppError> {
        who.require(Permission::RunHealthCheck)?;
        let round = self.own_round(who, id, today)?;
        if n == 0 || n > MAX_INVITATIONS {
            return Err(invalid(
                format!("Enter how many links to make, from 1 to {MAX_INVITATIONS}"),
                "One for each person you will send one to, as a whole number",
            ));
        }
        let codes: Vec<String> = (0..n).map(|_| new_secret()).collect();
        let digests: Vec<String> = codes.iter().map(|c| digest(c)).collect();
        let audit = audit_line(
            Some(who),
            "healthcheck.invite",
            &round.title,
            &format!("{n} more invitation links"),
            origin,
        );
        if !self.store().add_invitations(round.id, &digests, &audit)? {
            return Err(invalid(
                "The round has closed",
                "Open a new round to ask again",
            ));
        }
        Ok(Invitations {
            round: self.own_round(who, id, today)?,
            codes,
        })
    }

    /// Saves the principal social worker's self-assessment and the benchmark choice.
    pub fn save_health_assessment(
        &self,
        who: &Principal,
        id: i64,
        answers: Vec<OrgAnswer>,
        benchmark: bool,
        today: Date,
        origin: &Origin,
    ) -> Result<Round, AppError> {
        who.require(Permission::RunHealthCheck)?;
        let mut round = self.own_round(who, id, today)?;
        let set = question_set_of(&round)?;
        let points = set.organisation.scale.len() as u8;
        let mut kept = Vec::new();
        for q in &set.organisation.questions {
            let given = answers.iter().find(|a| a.standard == q.standard);
            let rating = given.and_then(|a| a.rating).filter(|r| *r < points);
            let evidence = given
                .map(|a| a.evidence.trim().to_string())
                .unwrap_or_default();
            if evidence.chars().count() > MAX_TEXT {
                return Err(invalid(
                    format!(
                        "The evidence for {} is longer than {MAX_TEXT} characters",
                        q.standard
                    ),
                    "Shorten it, or link to where the evidence is kept",
                ));
            }
            kept.push(OrgAnswer {
                standard: q.standard.clone(),
                rating,
                evidence,
            });
        }
        round.assessment = kept;
        round.benchmark = benchmark && !who.org.synthetic && !round.synthetic;
        let audit = audit_line(
            Some(who),
            "healthcheck.assess",
            &round.title,
            if round.benchmark {
                "self-assessment saved; results shared with the region's and England's benchmarks"
            } else {
                "self-assessment saved; results kept out of benchmarks"
            },
            origin,
        );
        self.store().update_round(&round, &audit)?;
        self.own_round(who, id, today)
    }

    /// Where someone answering is. An unknown or used link is not found; a member of another
    /// organisation finds no round.
    pub fn health_answering(&self, pass: Pass<'_>, today: Date) -> Result<Answering, AppError> {
        let (round, ticket) = match pass {
            Pass::Link(_) | Pass::Keyed(..) => {
                let ticket = self
                    .store()
                    .ticket(&pass.holder())?
                    .ok_or_else(|| not_found("invitation link"))?;
                let round = self
                    .store()
                    .health_round(ticket.round_id)?
                    .ok_or_else(|| not_found("invitation link"))?;
                let round = self.close_if_due(round, today)?;
                (round, ticket)
            }
            Pass::Member(who, id) => {
                who.require_browser()?;
                who.require(Permission::AnswerHealthCheck)?;
                let round = self.own_round(who, id, today)?;
                // Only people whose account was made before the round opened count towards five.
                let counts = who.user.created_at < round.opened_at;
                let ticket = match self.store().ticket(&pass.holder())? {
                    Some(t) => t,
                    None if round.is_open() => {
                        self.store()
                            .member_ticket(&pass.holder(), round.id, counts)?
                    }
                    None => swforce_store::Ticket {
                        round_id: round.id,
                        counts,
                        draft: None,
                        submitted: false,
                    },
                };
                (round, ticket)
            }
        };
        let org = self
            .store()
            .organisation(round.org_id)?
            .ok_or_else(|| not_found("organisation"))?;
        let set = question_set_of(&round)?;
        let stored = Draft::read(ticket.draft.as_deref());
        // Answers saved through a link in another browser stay there.
        let elsewhere = stored.browser.is_some() && stored.browser != pass.key();
        let mut draft = if elsewhere {
            Response::default()
        } else {
            stored.response
        };
        let items = set.items(&round.own_questions).len();
        if draft.answers.len() < items {
            let mut answers = Answers::blank(items);
            for i in 0..draft.answers.len() {
                answers.set(i, draft.answers.get(i));
            }
            draft.answers = answers;
        }
        draft.counts = ticket.counts;
        Ok(Answering {
            teams: self.store().teams(org.id)?,
            org_name: org.name,
            round,
            set,
            draft,
            submitted: ticket.submitted,
            elsewhere,
        })
    }

    /// Deletes what was saved through a link in another browser and lets this browser start
    /// again (what was saved is never shown here).
    pub fn restart_health_link(&self, pass: Pass<'_>, today: Date) -> Result<(), AppError> {
        let at = self.health_answering(pass, today)?;
        if at.submitted || !at.round.is_open() || pass.key().is_none() {
            return Err(invalid(
                "This link cannot start again",
                "It has been used to send answers, or the round has closed",
            ));
        }
        let fresh = Draft {
            browser: pass.key(),
            response: Response::default(),
        };
        self.keep_draft(pass, &fresh)
    }

    fn keep_draft(&self, pass: Pass<'_>, draft: &Draft) -> Result<(), AppError> {
        let text = serde_json::to_string(draft)
            .map_err(|e| AppError::Unavailable(format!("saving your answers: {e}")))?;
        if !self.store().save_health_draft(&pass.holder(), &text)? {
            return Err(invalid(
                "Your answers could not be saved: the round has closed or they were sent",
                "Your organisation will share its results",
            ));
        }
        Ok(())
    }

    /// Saves one page's answers to return to later. Nothing is sent until
    /// [`App::submit_health_answers`].
    pub fn save_health_page(
        &self,
        pass: Pass<'_>,
        step: Step,
        form: &[(String, String)],
        today: Date,
    ) -> Result<Answering, AppError> {
        let mut at = self.health_answering(pass, today)?;
        if at.submitted {
            return Err(invalid(
                "You have already sent your answers",
                "Each person answers a round once",
            ));
        }
        if !at.round.is_open() {
            return Err(invalid(
                "This health check has closed",
                "Your organisation will share its results",
            ));
        }
        if at.elsewhere {
            return Err(invalid(
                "Answers were saved through this link in another browser",
                "Carry on in that browser, or start again here (what was saved there is deleted)",
            ));
        }
        page::apply_page(&mut at, step, form)?;
        self.keep_draft(
            pass,
            &Draft {
                browser: pass.key(),
                response: at.draft.clone(),
            },
        )?;
        Ok(at)
    }

    /// Sends the answers saved so far, once. The response keeps no link to the person.
    pub fn submit_health_answers(&self, pass: Pass<'_>, today: Date) -> Result<(), AppError> {
        let at = self.health_answering(pass, today)?;
        if at.submitted {
            return Err(invalid(
                "You have already sent your answers",
                "Each person answers a round once",
            ));
        }
        if at.elsewhere {
            return Err(invalid(
                "Answers were saved through this link in another browser",
                "Send them from that browser, or start again here",
            ));
        }
        if at.draft.answers.answered() == 0 {
            return Err(invalid(
                "You have not answered any statements yet",
                "Answer at least one statement, then send",
            ));
        }
        if !self
            .store()
            .submit_health_response(&pass.holder(), &at.draft)?
        {
            return Err(invalid(
                "Your answers could not be sent: the round has closed or they were already sent",
                "Your organisation will share its results",
            ));
        }
        Ok(())
    }
}
