//! Synthetic health check responses, from a seed, for demonstrations and speed tests: a closed
//! round of invented practitioners in an organisation marked synthetic. The same seed gives
//! the same responses.
//!
//! Each person has a general view of their employer and their team shares part of it; each
//! standard sits above or below the middle as practitioners' surveys usually find (workload
//! lowest, supervision and registration highest); intention to stay follows workload,
//! wellbeing and supervision most.

use super::{Pass, question_set};
use crate::access::{Origin, audit_line, digest, new_secret, now_stamp};
use crate::diary::{Dice, TEAM_NAMES};
use crate::{App, AppError};
use rand_pcg::Pcg64Mcg;
use rand_pcg::rand_core::SeedableRng;
use swforce_domain::Date;
use swforce_domain::diary::Obstacle;
use swforce_domain::healthcheck::{Answer, Answers, PractitionerRole, Response, ServiceArea};
use swforce_store::{Organisation, Round};

/// Most people a round may invent.
pub const MAX_PEOPLE: u32 = 50_000;

/// Where each standard sits against the middle of the scale, in [`QuestionSet::standards`]
/// order, and how much it weighs in intention to stay.
///
/// [`QuestionSet::standards`]: swforce_domain::healthcheck::QuestionSet
const LEVEL: [f64; 8] = [0.3, -0.3, -0.7, -0.1, 0.4, 0.1, 0.8, 0.2];
const STAY_WEIGHT: [f64; 8] = [0.05, 0.10, 0.35, 0.25, 0.15, 0.05, 0.0, 0.05];
/// Chance each reason to stay is chosen, in the question set's order.
const REASONS: [f64; 10] = [0.45, 0.35, 0.30, 0.20, 0.15, 0.25, 0.20, 0.15, 0.15, 0.03];
/// Chance each obstacle is ticked, in [`Obstacle::ALL`] order.
const OBSTACLES: [f64; 8] = [0.35, 0.40, 0.30, 0.15, 0.12, 0.22, 0.18, 0.04];
const COMMENTS: [&str; 5] = [
    "Caseloads have gone up since the last restructure.",
    "My manager protects supervision time, which makes a real difference.",
    "Hybrid working has helped me stay.",
    "We need more time for reflective practice.",
    "The new case system takes too long to record a visit.",
];

/// What was invented.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthGenerated {
    pub round: Round,
    pub responses: u64,
    pub teams: u64,
}

fn point(latent: f64) -> u8 {
    (3.0 + latent).round().clamp(1.0, 5.0) as u8
}

/// One invented person's response; person `i` draws from its own stream of `(seed, i)`.
fn person(seed: u64, i: u64, team: Option<i64>, team_view: f64) -> Response {
    let set = question_set();
    let mut d = Dice(Pcg64Mcg::seed_from_u64(
        seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15),
    ));
    let general = d.normal() * 0.5 + team_view;
    let items = set.items(&[]);
    let mut answers = Answers::blank(items.len());
    let mut stay = 0.6;
    let mut i_item = 0;
    for (s, standard) in set.standards.iter().enumerate() {
        let own = d.normal() * 0.7;
        let mut sum = 0.0;
        for _ in &standard.statements {
            let latent = LEVEL.get(s).copied().unwrap_or(0.0) + general + own + 0.6 * d.normal();
            let a = if d.chance(0.03) {
                Answer::NotAnswered
            } else if s >= 6 && d.chance(0.05) {
                Answer::DoesNotApply
            } else {
                Answer::Agreement(point(latent))
            };
            answers.set(i_item, a);
            sum += latent;
            i_item += 1;
        }
        stay += STAY_WEIGHT.get(s).copied().unwrap_or(0.0) * sum
            / standard.statements.len().max(1) as f64;
    }
    answers.set(
        set.stay_index(),
        Answer::Agreement(point(1.3 * stay + 0.8 * d.normal())),
    );
    let role = match d.unit() {
        u if u < 0.85 => PractitionerRole::SocialWorker,
        u if u < 0.93 => PractitionerRole::SocialWorkAssistant,
        u if u < 0.97 => PractitionerRole::OccupationalTherapist,
        _ => PractitionerRole::OtherPractitioner,
    };
    let service = match d.unit() {
        u if u < 0.75 => ServiceArea::Children,
        u if u < 0.95 => ServiceArea::Adults,
        _ => ServiceArea::Other,
    };
    let mut reasons: u32 = 0;
    for (bit, p) in REASONS.iter().enumerate().take(set.stay.reasons.len()) {
        if u32::count_ones(reasons) < 3 && d.chance(*p) {
            reasons |= 1 << bit;
        }
    }
    let obstacles =
        Obstacle::ALL.iter().zip(OBSTACLES).fold(
            0,
            |acc, (o, p)| if d.chance(p) { acc | o.bit() } else { acc },
        );
    let mut comments = Vec::new();
    if d.chance(0.08) {
        let which = (d.unit() * COMMENTS.len() as f64) as usize % COMMENTS.len();
        let key = if which == 2 { "stay" } else { "workload" };
        comments.push((key.to_string(), COMMENTS[which].to_string()));
    }
    Response {
        role: Some(role),
        service: Some(service),
        team,
        answers,
        reasons,
        obstacles,
        comments,
        counts: true,
    }
}

/// Whether `people` and `team_size` can be invented, checked before anything is made.
pub fn check_generation(people: u32, team_size: u32) -> Result<(), AppError> {
    if people == 0 || people > MAX_PEOPLE {
        return Err(AppError::Invalid {
            problem: format!("--people {people}: give 1 to {MAX_PEOPLE}"),
            fix: "Five or more people are needed before anything is shown".into(),
        });
    }
    if team_size == 0 {
        return Err(AppError::Invalid {
            problem: "--team-size 0: a team needs at least one person".into(),
            fix: "Give the number of people per team, such as 12".into(),
        });
    }
    Ok(())
}

impl App {
    /// Invents `people` responses to a round of the shipped question set in `org`, which is
    /// marked synthetic, and closes the round so its results are published. An organisation of
    /// real people is refused.
    pub fn generate_health_check(
        &self,
        org: &Organisation,
        people: u32,
        seed: u64,
        team_size: u32,
        today: Date,
    ) -> Result<HealthGenerated, AppError> {
        check_generation(people, team_size)?;
        if !org.synthetic && !self.store().users(org.id)?.is_empty() {
            return Err(AppError::Invalid {
                problem: format!(
                    "{} is an organisation of real people: invented responses are never mixed with theirs",
                    org.name
                ),
                fix: "Generate for an authority that has no organisation yet: one is made for the invented people, marked synthetic".into(),
            });
        }
        let mut teams = self.store().teams(org.id)?;
        let wanted = people.div_ceil(team_size) as usize;
        while teams.len() < wanted.min(40) {
            let n = teams.len();
            let base = TEAM_NAMES[n % TEAM_NAMES.len()];
            let name = if n < TEAM_NAMES.len() {
                base.to_string()
            } else {
                format!("{base} {}", n / TEAM_NAMES.len() + 1)
            };
            teams.push(self.store().create_team(org.id, &name)?);
        }
        let codes: Vec<String> = (0..people).map(|_| new_secret()).collect();
        let digests: Vec<String> = codes.iter().map(|c| digest(c)).collect();
        let number = self.store().health_rounds(org.id)?.len() + 1;
        let round = Round {
            id: 0,
            org_id: org.id,
            title: format!("Invented health check {number} (seed {seed})"),
            version: question_set().version.clone(),
            audience: PractitionerRole::ALL.to_vec(),
            own_questions: Vec::new(),
            opened_at: now_stamp(),
            closes_on: today.to_string(),
            closed_at: None,
            invitations: people,
            late_invitations: 0,
            assessment: Vec::new(),
            benchmark: false,
            synthetic: true,
        };
        let mut line = audit_line(
            None,
            "healthcheck.generate",
            &round.title,
            &format!("{people} invented responses"),
            &Origin::default(),
        );
        line.org_id = Some(org.id);
        line.actor = "swforce (command line)".into();
        let round = self.store().open_round(&round, &digests, &line)?;
        let mut d = Dice(Pcg64Mcg::seed_from_u64(seed));
        let views: Vec<f64> = teams.iter().map(|_| 0.4 * d.normal()).collect();
        for (i, code) in codes.iter().enumerate() {
            let t = (i / team_size as usize) % teams.len().max(1);
            let team = teams.get(t).map(|t| t.id);
            let r = person(seed, i as u64, team, views.get(t).copied().unwrap_or(0.0));
            self.store()
                .submit_health_response(&Pass::Link(code).holder(), &r)?;
        }
        let mut close = line.clone();
        close.action = "healthcheck.close".into();
        close.detail = "invented responses published at once".into();
        self.store().close_round(round.id, &now_stamp(), &close)?;
        Ok(HealthGenerated {
            round: self.store().health_round(round.id)?.unwrap_or(round),
            responses: u64::from(people),
            teams: teams.len() as u64,
        })
    }
}
