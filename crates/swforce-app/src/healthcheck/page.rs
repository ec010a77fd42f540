//! The survey's pages, in order, and what each page's form changes in a person's saved answers.

use super::{Answering, invalid};
use crate::AppError;
use swforce_domain::diary::Obstacle;
use swforce_domain::healthcheck::{
    Answer, MAX_STAY_REASONS, MAX_TEXT, PractitionerRole, QuestionSet, Response,
};
use swforce_store::Round;

/// One page of the survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    About,
    Standard(usize),
    Stay,
    Own,
    Check,
}

impl Step {
    /// Every page of a round, in order.
    pub fn all(set: &QuestionSet, round: &Round) -> Vec<Step> {
        let mut steps = vec![Step::About];
        steps.extend((0..set.standards.len()).map(Step::Standard));
        steps.push(Step::Stay);
        if !round.own_questions.is_empty() {
            steps.push(Step::Own);
        }
        steps.push(Step::Check);
        steps
    }

    /// The page's part of the address.
    pub fn slug(self, set: &QuestionSet) -> String {
        match self {
            Step::About => "about".into(),
            Step::Standard(i) => set
                .standards
                .get(i)
                .map_or_else(String::new, |s| s.key.clone()),
            Step::Stay => "stay".into(),
            Step::Own => "own".into(),
            Step::Check => "check".into(),
        }
    }

    pub fn parse(slug: &str, set: &QuestionSet, round: &Round) -> Option<Step> {
        Step::all(set, round)
            .into_iter()
            .find(|s| s.slug(set) == slug)
    }

    /// The page after this one.
    pub fn next(self, set: &QuestionSet, round: &Round) -> Step {
        let all = Step::all(set, round);
        let i = all.iter().position(|s| *s == self).unwrap_or(0);
        all.get(i + 1).copied().unwrap_or(Step::Check)
    }

    /// The page before this one, if any.
    pub fn previous(self, set: &QuestionSet, round: &Round) -> Option<Step> {
        let all = Step::all(set, round);
        let i = all.iter().position(|s| *s == self)?;
        i.checked_sub(1).and_then(|i| all.get(i).copied())
    }

    /// "Question 3 of 11" (the check page is not a question).
    pub fn number(self, set: &QuestionSet, round: &Round) -> (usize, usize) {
        let all = Step::all(set, round);
        let i = all.iter().position(|s| *s == self).unwrap_or(0);
        (i + 1, all.len() - 1)
    }
}

/// The value of a form field, if sent.
fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Sets a comment, or takes it away when empty.
fn set_comment(r: &mut Response, key: &str, text: Option<&str>) -> Result<(), AppError> {
    let Some(text) = text else { return Ok(()) };
    let text = text.trim();
    if text.chars().count() > MAX_TEXT {
        return Err(invalid(
            format!("Your comment is longer than {MAX_TEXT} characters"),
            "Shorten it",
        ));
    }
    r.comments.retain(|(k, _)| k != key);
    if !text.is_empty() {
        r.comments.push((key.to_string(), text.to_string()));
    }
    Ok(())
}

/// Applies one page's form to the draft.
pub(super) fn apply_page(
    at: &mut Answering,
    step: Step,
    form: &[(String, String)],
) -> Result<(), AppError> {
    let set = at.set;
    let items = set.items(&at.round.own_questions);
    let answer = |r: &mut Response, from: usize, keys: &[String]| {
        for (offset, key) in keys.iter().enumerate() {
            if let Some(v) = field(form, key) {
                r.answers.set(from + offset, Answer::from_form(v));
            }
        }
    };
    let r = &mut at.draft;
    match step {
        Step::About => {
            // Only the roles the round asks.
            r.role = field(form, "role")
                .and_then(PractitionerRole::from_id)
                .filter(|role| at.round.audience.contains(role));
            r.service =
                field(form, "service").and_then(swforce_domain::healthcheck::ServiceArea::from_id);
            r.team = field(form, "team")
                .and_then(|t| t.parse::<i64>().ok())
                .filter(|t| at.teams.iter().any(|team| team.id == *t));
        }
        Step::Standard(i) => {
            let Some(standard) = set.standards.get(i) else {
                return Ok(());
            };
            let from = items
                .iter()
                .position(|it| it.standard.is_some_and(|s| s.key == standard.key))
                .unwrap_or(0);
            let keys: Vec<String> = standard.statements.iter().map(|s| s.key.clone()).collect();
            answer(r, from, &keys);
            set_comment(r, &standard.key, field(form, "comment"))?;
        }
        Step::Stay => {
            let stay = set.stay_index();
            answer(r, stay, std::slice::from_ref(&set.stay.key));
            let chosen: Vec<&str> = form
                .iter()
                .filter(|(k, _)| k == "reason")
                .map(|(_, v)| v.as_str())
                .collect();
            if chosen.len() > MAX_STAY_REASONS {
                return Err(invalid(
                    format!("Choose up to {MAX_STAY_REASONS} things that would make you stay"),
                    format!("You chose {}: untick some", chosen.len()),
                ));
            }
            r.reasons = chosen
                .iter()
                .filter_map(|k| set.reason_bit(k))
                .fold(0, |a, b| a | b);
            r.obstacles = form
                .iter()
                .filter(|(k, _)| k == "obstacle")
                .filter_map(|(_, v)| Obstacle::from_id(v))
                .fold(0, |a, o| a | o.bit());
            set_comment(r, "stay", field(form, "comment"))?;
        }
        Step::Own => {
            let from = set.stay_index() + 1;
            let keys: Vec<String> = (1..=at.round.own_questions.len())
                .map(|i| format!("own.{i}"))
                .collect();
            answer(r, from, &keys);
        }
        Step::Check => {}
    }
    Ok(())
}
