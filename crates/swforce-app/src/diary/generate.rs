//! Synthetic diaries: realistic weeks for invented people, from a seed, for the demo and for
//! load tests. The same seed gives the same diaries.
//!
//! The shape follows what social workers report: BASW's 2018 survey put about a quarter of a
//! 45-hour week in front of families and most of the rest on computers and paperwork. Each person
//! has their own mix and hours; each week varies around them; some weeks are missed (leave,
//! sickness, or no time to fill it in).

use super::DEFAULT_WEEKS;
use crate::access::now_stamp;
use crate::{App, AppError};
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;
use rand_pcg::rand_core::{Rng, SeedableRng};
use std::collections::BTreeMap;
use swforce_domain::Date;
use swforce_domain::diary::{Activity, Diary, Obstacle, Week};
use swforce_store::{Organisation, SyntheticPerson};

/// Team names the generator gives the teams it makes, numbered when there are more.
pub const TEAM_NAMES: [&str; 8] = [
    "Front door",
    "Assessment",
    "Child protection",
    "Children in care",
    "Care leavers",
    "Fostering",
    "Children with disabilities",
    "Adults' community",
];

/// Mean share of recorded time per national kind, in [`Activity::ALL`] order.
const MIX: [f64; 10] = [
    0.17, // direct face to face
    0.07, // direct by phone, video or message
    0.22, // case recording
    0.15, // assessments, plans and reports
    0.13, // meetings
    0.08, // travel
    0.04, // supervision
    0.03, // training
    0.08, // admin and IT
    0.03, // other
];

/// Chance a diary ticks each obstacle, in [`Obstacle::ALL`] order.
const OBSTACLES: [f64; 8] = [0.30, 0.38, 0.28, 0.15, 0.12, 0.20, 0.18, 0.04];

/// Invented notes, shared anonymously by a few diaries.
const NOTES: [&str; 6] = [
    "Recording the same visit in three places took most of Tuesday.",
    "The case system was down for half a day.",
    "Waited four days for a manager to sign off a plan.",
    "Two court reports in one week left no time for visits.",
    "Laptop update meant starting the assessment again.",
    "Travel across the county for one 30-minute visit.",
];

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct GenerateSpec {
    pub people: u32,
    /// Weeks, ending with `end_week`.
    pub weeks: u32,
    /// The last week generated; `None` for the last whole week before `today`. With the same
    /// seed and end week, the diaries are the same whatever day they are made.
    pub end_week: Option<Week>,
    pub seed: u64,
    /// People per team (teams are made as needed).
    pub team_size: u32,
}

/// What was generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Whether the organisation was in a region's and England's figures, and was taken out.
    pub taken_out: bool,
    pub people: u64,
    pub diaries: u64,
    pub teams: u64,
    pub from: Week,
    pub to: Week,
}

/// People are written in batches, each in its own transaction, so memory stays flat for
/// 100,000 people; a failed batch leaves the earlier ones in place.
const BATCH: usize = 2_000;

/// Draws from a seeded stream (shared by the invented diaries and health check responses).
pub(crate) struct Dice(pub(crate) Pcg64Mcg);

impl Dice {
    pub(crate) fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(crate) fn normal(&mut self) -> f64 {
        StandardNormal.sample(&mut self.0)
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// One invented person's weeks. Person `i` draws from its own stream of `(seed, i)`, so a
/// person's diaries do not depend on how many others are made.
fn person(seed: u64, index: u64, weeks: &[Week], categories: &[(i64, Activity)]) -> Vec<Diary> {
    let mut d = Dice(Pcg64Mcg::seed_from_u64(
        seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15),
    ));
    let part_time = d.chance(0.15);
    let contracted = if part_time { 22 * 60 + 12 } else { 37 * 60 };
    // Most work over their hours; a few record only part of their week.
    let usual = f64::from(contracted) * (1.12 + 0.08 * d.normal()).clamp(0.8, 1.5);
    let keeps = (0.82 + 0.08 * d.normal()).clamp(0.4, 0.98);
    // A person's own mix: each kind scaled by a log-normal factor.
    let mine: Vec<f64> = MIX.iter().map(|m| m * (0.35 * d.normal()).exp()).collect();
    // Categories per kind: an organisation may have more than one of a kind.
    let mut of_kind: BTreeMap<Activity, Vec<i64>> = BTreeMap::new();
    for (id, a) in categories {
        of_kind.entry(*a).or_default().push(*id);
    }
    let mut out = Vec::new();
    for &week in weeks {
        if !d.chance(keeps) {
            continue;
        }
        let total = (usual * (1.0 + 0.08 * d.normal())).clamp(60.0, 70.0 * 60.0);
        let weights: Vec<f64> = mine.iter().map(|m| m * (0.25 * d.normal()).exp()).collect();
        let sum: f64 = weights.iter().sum();
        let mut minutes: BTreeMap<i64, u32> = BTreeMap::new();
        for (i, a) in Activity::ALL.into_iter().enumerate() {
            let Some(ids) = of_kind.get(&a) else { continue };
            // Quarter hours, as people write them.
            let m = ((total * weights[i] / sum) / 15.0).round() as u32 * 15;
            if m > 0 {
                let id = ids[(d.unit() * ids.len() as f64) as usize % ids.len()];
                *minutes.entry(id).or_default() += m;
            }
        }
        let obstacles: Vec<Obstacle> = Obstacle::ALL
            .into_iter()
            .zip(OBSTACLES)
            .filter(|(_, p)| d.chance(*p))
            .map(|(o, _)| o)
            .collect();
        let shared = d.chance(0.02);
        let note = if shared {
            NOTES[(d.unit() * NOTES.len() as f64) as usize % NOTES.len()].to_string()
        } else {
            String::new()
        };
        out.push(Diary {
            week,
            minutes,
            contracted,
            obstacles,
            share_note: shared,
            note,
        });
    }
    out
}

impl GenerateSpec {
    /// Whether the numbers and the week make sense, before anything is made.
    pub fn check(&self, today: Date) -> Result<(), AppError> {
        let spec = self;
        if spec.people == 0 || spec.people > 1_000_000 {
            return Err(AppError::Invalid {
                problem: format!("--people is {}", spec.people),
                fix: "Choose from 1 to 1,000,000 people".into(),
            });
        }
        if spec.team_size == 0 || spec.team_size > 1000 {
            return Err(AppError::Invalid {
                problem: format!("--team-size is {}", spec.team_size),
                fix: "Choose from 1 to 1,000 people a team".into(),
            });
        }
        if spec.weeks == 0 || spec.weeks > 520 {
            return Err(AppError::Invalid {
                problem: format!("--weeks is {}", spec.weeks),
                fix: "Choose from 1 to 520 weeks".into(),
            });
        }
        if let Some(end) = spec.end_week {
            let earliest = Week::containing(Date::new(2000, 1, 3).expect("a date"));
            if end < earliest || end > Week::containing(today) {
                return Err(AppError::Invalid {
                    problem: format!(
                        "--end-week {} is outside the weeks diaries can be invented for",
                        end.monday()
                    ),
                    fix: "Give a week from 2000 to this week, for example --end-week 2025-03-31"
                        .into(),
                });
            }
        }
        Ok(())
    }
}

impl App {
    /// Invents `spec.people` people in `org`, in teams of about `spec.team_size`, with up to
    /// `spec.weeks` weeks each ending with the last whole week before `today`.
    pub fn generate_diaries(
        &self,
        org: &Organisation,
        spec: GenerateSpec,
        today: Date,
    ) -> Result<Generated, AppError> {
        spec.check(today)?;
        // Invented people are kept apart from real ones: an organisation that holds accounts or
        // an agency register is real, and `swforce demo remove` must never take it.
        if !org.synthetic {
            let accounts = self.store().users(org.id)?.len();
            let engagements = self.store().engagements(org.id)?.len();
            if accounts + engagements > 0 {
                return Err(AppError::Invalid {
                    problem: format!(
                        "{} is an organisation of real people ({}, {}): invented diaries are never mixed with theirs",
                        org.name,
                        swforce_domain::number::count_of(accounts, "account", "accounts"),
                        swforce_domain::number::count_of(engagements, "agency engagement", "agency engagements")
                    ),
                    fix: "Generate for an authority that has no organisation yet (one is made for the invented people, marked synthetic), such as --org E06000058".into(),
                });
            }
        }
        let already = self.store().synthetic_people(org.id)?.len();
        if already > 0 {
            return Err(AppError::Invalid {
                problem: format!(
                    "{} already has {already} synthetic people with diaries",
                    org.name
                ),
                fix: "Generate into another organisation, or start from a fresh data folder".into(),
            });
        }
        let categories = self.active_categories(org)?;
        let last_week = Week::containing(today).plus_weeks(-1);
        let to = spec.end_week.unwrap_or(last_week);
        if to > last_week {
            return Err(AppError::Invalid {
                problem: format!("--end-week {} has not ended yet", to.monday()),
                fix: format!(
                    "Choose a Monday up to {}, the start of the last whole week",
                    last_week.monday()
                ),
            });
        }
        let from = to.plus_weeks(1 - i64::from(spec.weeks));
        let weeks: Vec<Week> = (0..i64::from(spec.weeks))
            .map(|i| from.plus_weeks(i))
            .collect();
        let team_size = spec.team_size.max(1);
        let team_count = spec.people.div_ceil(team_size);
        let existing = self.store().teams(org.id)?;
        let mut teams = Vec::new();
        for t in 0..team_count {
            let base = TEAM_NAMES[t as usize % TEAM_NAMES.len()];
            let round = t as usize / TEAM_NAMES.len();
            let name = if round == 0 {
                base.to_string()
            } else {
                format!("{base} {}", round + 1)
            };
            let team = match existing.iter().find(|x| x.name == name) {
                Some(found) => found.clone(),
                None => self.store().create_team(org.id, &name)?,
            };
            teams.push(team.id);
        }
        let at = now_stamp();
        let through = Week::published_through(today);
        let mut diaries = 0;
        let mut batch = Vec::with_capacity(BATCH);
        for i in 0..spec.people {
            batch.push(SyntheticPerson {
                team_id: Some(teams[(i / team_size) as usize]),
                diaries: person(spec.seed, u64::from(i), &weeks, &categories),
            });
            if batch.len() == BATCH || i + 1 == spec.people {
                diaries += self
                    .store()
                    .add_synthetic_diaries(org.id, &batch, &at, through)?;
                batch.clear();
            }
        }
        // Invented diaries enter a region's or England's figures only when the operator says
        // so (`--opt-in`, which adds the organisation back after this).
        let taken_out = self.store().diary_opt_in(org.id)?;
        if taken_out {
            self.store().set_diary_opt_in(org.id, false)?;
        }
        Ok(Generated {
            taken_out,
            people: u64::from(spec.people),
            diaries,
            teams: u64::from(team_count),
            from,
            to,
        })
    }

    /// The demo's populated organisation: made and filled on a first run, so the diary views
    /// have something to show (labelled synthetic, and not in a region's or England's figures); on later runs its people keep diaries up to last
    /// week, so the demo never goes stale. `false` if it was there already.
    pub fn load_demo_diaries(&self, today: Date) -> Result<bool, AppError> {
        if self.refresh_demo_diaries(today)? {
            return Ok(false);
        }
        let org = self
            .store()
            .create_organisation(&swforce_store::NewOrganisation {
                name: DEMO_NAME,
                kind: swforce_domain::access::OrgKind::LocalAuthority,
                la_code: None,
                email_domain: None,
                created_at: &now_stamp(),
            })?;
        self.generate_diaries(
            &org,
            GenerateSpec {
                people: 160,
                weeks: DEFAULT_WEEKS as u32 * 2,
                end_week: None,
                seed: DEMO_SEED,
                team_size: 8,
            },
            today,
        )?;
        // Invented people are never added to a region's or England's figures unless the
        // operator says so (`swforce diary generate --opt-in`).
        Ok(true)
    }

    /// An organisation's categories in use, as the generator fills them: id and kind.
    fn active_categories(&self, org: &Organisation) -> Result<Vec<(i64, Activity)>, AppError> {
        Ok(self
            .diary_categories(org.id)?
            .into_iter()
            .filter(|c| !c.retired)
            .map(|c| (c.id, c.activity))
            .collect())
    }

    /// Brings the demo organisation's diaries up to last week, if there is a demo organisation.
    /// `false` if there is none.
    pub fn refresh_demo_diaries(&self, today: Date) -> Result<bool, AppError> {
        match self
            .store()
            .organisations()?
            .into_iter()
            .find(|o| o.name == DEMO_NAME)
        {
            Some(org) => {
                self.bring_synthetic_diaries_up_to(&org, DEMO_SEED, today)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Adds the weeks since an organisation's synthetic people last kept a diary, up to last
    /// week (at most [`DEMO_WEEKS`]), and publishes what is due. Returns the diaries added.
    pub fn bring_synthetic_diaries_up_to(
        &self,
        org: &Organisation,
        seed: u64,
        today: Date,
    ) -> Result<u64, AppError> {
        let people = self.store().synthetic_people(org.id)?;
        let last_week = Week::containing(today).plus_weeks(-1);
        let Some(latest) = people.iter().map(|p| p.2).max() else {
            return Ok(0);
        };
        let from = latest
            .plus_weeks(1)
            .max(last_week.plus_weeks(1 - DEMO_WEEKS));
        let weeks: Vec<Week> = (0..from.weeks_until(last_week) + 1)
            .map(|i| from.plus_weeks(i))
            .collect();
        if weeks.is_empty() {
            return Ok(0);
        }
        let categories = self.active_categories(org)?;
        let at = now_stamp();
        let mut added = 0;
        // The weeks carry on from the same people: their number and the first new week seed them.
        let stream = seed ^ (from.number() as u64).rotate_left(32);
        for (i, (id, team, _)) in people.iter().enumerate() {
            for diary in person(stream, i as u64, &weeks, &categories) {
                self.store().save_diary(&swforce_store::StoredDiary {
                    person_id: *id,
                    org_id: org.id,
                    team_id: *team,
                    diary,
                    updated_at: at.clone(),
                    eligible: true,
                })?;
                added += 1;
            }
        }
        self.publish_diaries(today)?;
        Ok(added)
    }
}

/// The demo organisation, made on a first run.
const DEMO_NAME: &str = "Demo Council (synthetic diaries)";
/// The demo organisation's seed.
const DEMO_SEED: u64 = 2018;
/// Weeks of diaries the demo keeps up to date.
const DEMO_WEEKS: i64 = DEFAULT_WEEKS * 2;

#[cfg(test)]
mod tests {
    use super::*;

    fn cats() -> Vec<(i64, Activity)> {
        Activity::ALL
            .into_iter()
            .enumerate()
            .map(|(i, a)| (i as i64 + 1, a))
            .collect()
    }

    fn weeks(n: i64) -> Vec<Week> {
        let w = Week::parse("2025-01-06").unwrap();
        (0..n).map(|i| w.plus_weeks(i)).collect()
    }

    #[test]
    fn one_seed_gives_one_person_whatever_else_is_made() {
        assert_eq!(
            person(7, 3, &weeks(20), &cats()),
            person(7, 3, &weeks(20), &cats())
        );
        assert_ne!(
            person(7, 3, &weeks(20), &cats()),
            person(8, 3, &weeks(20), &cats())
        );
        assert_ne!(
            person(7, 3, &weeks(20), &cats()),
            person(7, 4, &weeks(20), &cats())
        );
    }

    #[test]
    fn generated_weeks_look_like_social_work() {
        let mut direct = 0u64;
        let mut total = 0u64;
        let mut kept = 0;
        for i in 0..300 {
            for d in person(1, i, &weeks(10), &cats()) {
                kept += 1;
                assert!(d.total() <= 70 * 60, "no week over 70 hours");
                assert!(d.total() >= 60);
                assert!(d.minutes.values().all(|m| m % 15 == 0));
                direct += u64::from(d.minutes.get(&1).copied().unwrap_or(0))
                    + u64::from(d.minutes.get(&2).copied().unwrap_or(0));
                total += u64::from(d.total());
            }
        }
        let share = direct as f64 / total as f64;
        assert!((0.18..0.32).contains(&share), "direct share {share}");
        // About four weeks in five are kept.
        assert!((2_100..2_800).contains(&kept), "{kept} of 3000 weeks kept");
    }

    #[test]
    fn several_categories_of_one_kind_share_its_time() {
        let mut c = cats();
        c.push((99, Activity::DirectFaceToFace));
        let used: std::collections::BTreeSet<i64> = (0..50)
            .flat_map(|i| person(1, i, &weeks(4), &c))
            .flat_map(|d| d.minutes.into_keys())
            .collect();
        assert!(used.contains(&1) && used.contains(&99));
    }
}
