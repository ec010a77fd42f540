//! Time for social work: a person keeps their weekly time diary; leaders see the 80:20 balance
//! of a team, an organisation, a region and England, and the capacity a change would free.
//!
//! Nobody but its author ever reads a diary: every other view is built from sums (see
//! `swforce_store::diary`) and shows numbers only where at least
//! [`MIN_CONTRIBUTORS`](swforce_domain::diary::MIN_CONTRIBUTORS) different people contributed.

mod calendar;
pub use calendar::CalendarSuggestion;
mod generate;
mod views;

pub(crate) use generate::Dice;
pub use generate::{GenerateSpec, Generated, TEAM_NAMES};
pub use views::{
    Capacity, GroupTime, Line, NOT_ENOUGH_RESPONSES, ObstacleCount, TrendPoint, group_time, period,
    rounded_count, summary_json,
};

use crate::access::{Principal, now_stamp};
use crate::{App, AppError};
use std::collections::{BTreeMap, BTreeSet};
use swforce_domain::Date;
use swforce_domain::access::Permission;
use swforce_domain::diary::{
    Activity, Diary, DiaryInput, DiaryProblem, MIN_CONTRIBUTORS, Obstacle, TARGET_SHARE, Week,
    check_diary, contracted_warning, held_back_teams, hours_text,
};
use swforce_store::{DiaryCategory, DiaryScope, DiarySums, Organisation, StoredDiary, Team};

/// Whether a diary counts towards the five a figure needs: only when the person's account was
/// made before the week began, so accounts made to fill in a past week beside one real person
/// never make a group big enough to show. An unreadable time counts for nothing.
pub fn counts_towards_five(account_created_at: &str, week: Week) -> bool {
    account_created_at
        .get(..10)
        .and_then(|day| Date::parse(day).ok())
        .is_some_and(|made| made < week.monday())
}

/// The weeks of a group's sums that count: five or more diaries that count, not held back.
fn counted_weeks(sums: &DiarySums, held_back: &BTreeSet<Week>) -> BTreeSet<Week> {
    sums.weeks
        .iter()
        .filter(|w| w.eligible >= u64::from(MIN_CONTRIBUTORS))
        .filter_map(|w| w.week)
        .filter(|w| !held_back.contains(w))
        .collect()
}

/// Weeks shown on the views unless a period is chosen: a quarter.
pub const DEFAULT_WEEKS: i64 = 13;
/// Longest period a view adds up, in weeks (three years).
pub const MAX_WEEKS: i64 = 156;
/// Shared notes shown on a view.
pub const NOTES_SHOWN: u32 = 20;
/// Contracted hours assumed for a first diary: a full-time week.
pub const DEFAULT_CONTRACTED: &str = "37";

/// The diary page for one week: the organisation's categories and what to show in each box.
#[derive(Debug, Clone)]
pub struct DiaryForm {
    pub week: Week,
    /// The categories on the page: the active ones, and any retired one with time this week.
    pub categories: Vec<DiaryCategory>,
    /// Text for each category's box.
    pub values: BTreeMap<i64, String>,
    pub contracted: String,
    pub obstacles: Vec<Obstacle>,
    pub note: String,
    pub share_note: bool,
    /// When this week was last saved, if it was.
    pub saved_at: Option<String>,
    /// The earlier week the boxes were filled from, for a week not yet saved.
    pub prefilled_from: Option<Week>,
    /// The weeks around this one, newest first, and whether each is saved.
    pub nearby: Vec<(Week, bool)>,
    pub this_week: Week,
}

/// What saving a diary answers.
#[derive(Debug, Clone)]
pub struct SavedDiary {
    pub diary: Diary,
    /// The gentle note about contracted hours, if the total is far from them.
    pub warning: Option<String>,
}

/// A person's own view: this week, their trend and their balance against 80:20.
#[derive(Debug, Clone)]
pub struct MyTime {
    pub this_week: Week,
    pub this_week_saved: Option<StoredDiary>,
    /// Weeks kept in the last year, oldest first, with their relationship-based share.
    pub weeks: Vec<(Week, f64, Option<f64>)>,
    /// Over the last 13 weeks kept.
    pub recent_share: Option<f64>,
    pub target: f64,
    pub categories: Vec<DiaryCategory>,
}

/// Which group a leader's view is of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Group {
    Organisation,
    Team(i64),
}

fn default_categories(org_id: i64) -> Vec<DiaryCategory> {
    Activity::ALL
        .into_iter()
        .enumerate()
        .map(|(i, a)| DiaryCategory {
            id: 0,
            org_id,
            label: a.label().to_string(),
            activity: a,
            position: (i as i64 + 1) * 10,
            retired: false,
        })
        .collect()
}

/// A category change as a leader sends it.
#[derive(Debug, Clone, Default)]
pub struct CategoryInput {
    /// 0 for a new category.
    pub id: i64,
    pub label: String,
    pub activity: String,
    pub position: String,
    pub retired: bool,
}

impl App {
    /// An organisation's diary categories, the ten defaults made on first use.
    pub fn diary_categories(&self, org_id: i64) -> Result<Vec<DiaryCategory>, AppError> {
        let found = self.store().diary_categories(org_id)?;
        if !found.is_empty() {
            return Ok(found);
        }
        for c in default_categories(org_id) {
            match self.store().save_diary_category(&c) {
                // Another request made them at the same moment.
                Ok(_) | Err(swforce_store::StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(self.store().diary_categories(org_id)?)
    }

    /// The diary page for `week` (this week when `None`): the week as saved, or else the
    /// boxes filled from the person's last week before it.
    pub fn diary_form(
        &self,
        who: &Principal,
        week: Option<Week>,
        today: Date,
    ) -> Result<DiaryForm, AppError> {
        who.require_read(Permission::KeepTimeDiary)?;
        let this_week = Week::containing(today);
        let week = week.unwrap_or(this_week);
        if week > this_week {
            return Err(AppError::Invalid {
                problem: format!("The {} has not started yet", week.describe()),
                fix: "Choose this week or an earlier one".into(),
            });
        }
        let categories = self.diary_categories(who.org.id)?;
        let saved = self
            .store()
            .diaries_of(who.user.id, week, week)?
            .into_iter()
            .next();
        let (source, prefilled_from) = match &saved {
            Some(s) => (Some(s.diary.clone()), None),
            None => {
                // The week before this one; for a past week with none before it, the latest
                // week kept.
                let last = match self.store().last_diary_before(who.user.id, week)? {
                    Some(l) => Some(l),
                    None => self
                        .store()
                        .last_diary_before(who.user.id, this_week.plus_weeks(1))?,
                };
                let from = last.as_ref().map(|l| l.diary.week);
                (last.map(|l| l.diary), from)
            }
        };
        let values: BTreeMap<i64, String> = source
            .as_ref()
            .map(|d| {
                d.minutes
                    .iter()
                    .map(|(id, m)| (*id, hours_text_short(*m)))
                    .collect()
            })
            .unwrap_or_default();
        let shown: Vec<DiaryCategory> = categories
            .into_iter()
            .filter(|c| !c.retired || values.contains_key(&c.id))
            .collect();
        let kept: Vec<Week> = self
            .store()
            .diaries_of(who.user.id, this_week.plus_weeks(-7), this_week)?
            .into_iter()
            .map(|d| d.diary.week)
            .collect();
        let nearby = (0..8)
            .map(|i| this_week.plus_weeks(-i))
            .map(|w| (w, kept.contains(&w)))
            .collect();
        let from_saved = saved.as_ref();
        Ok(DiaryForm {
            week,
            categories: shown,
            values,
            contracted: source.as_ref().map_or_else(
                || DEFAULT_CONTRACTED.to_string(),
                |d| hours_text_short(d.contracted),
            ),
            // What got in the way, and the note, belong to that week only: never carried over.
            obstacles: from_saved
                .map(|s| s.diary.obstacles.clone())
                .unwrap_or_default(),
            note: from_saved.map(|s| s.diary.note.clone()).unwrap_or_default(),
            share_note: from_saved.is_some_and(|s| s.diary.share_note),
            saved_at: from_saved.map(|s| s.updated_at.clone()),
            prefilled_from,
            nearby,
            this_week,
        })
    }

    /// Checks and keeps a person's week. Problems come back beside their fields and nothing is
    /// kept. The audit log says that a week was saved, by whom, never what it holds, so a burst
    /// of diaries from new accounts shows. The save reaches no group's figures until the week
    /// is published (see [`App::publish_diaries`]).
    pub fn save_diary(
        &self,
        who: &Principal,
        input: &DiaryInput,
        today: Date,
        origin: &crate::access::Origin,
    ) -> Result<Result<SavedDiary, Vec<DiaryProblem>>, AppError> {
        who.require(Permission::KeepTimeDiary)?;
        let categories: BTreeMap<i64, Activity> = self
            .diary_categories(who.org.id)?
            .into_iter()
            .map(|c| (c.id, c.activity))
            .collect();
        let diary = match check_diary(input, &categories, today) {
            Ok(d) => d,
            Err(problems) => return Ok(Err(problems)),
        };
        self.audit_event(
            Some(who),
            "diary.save",
            &diary.week.monday().to_string(),
            "",
            origin,
        )?;
        self.store().save_diary(&StoredDiary {
            person_id: who.user.id,
            org_id: who.org.id,
            team_id: who.user.team_id,
            diary: diary.clone(),
            updated_at: now_stamp(),
            eligible: counts_towards_five(&who.user.created_at, diary.week),
        })?;
        // A change to a closed week may be its first release, or complete a batch.
        if diary.week <= Week::published_through(today) {
            self.store().publish_diaries(
                Week::published_through(today),
                MIN_CONTRIBUTORS,
                Some((who.org.id, diary.week)),
            )?;
        }
        Ok(Ok(SavedDiary {
            warning: contracted_warning(diary.total(), diary.contracted),
            diary,
        }))
    }

    /// Publishes what is due on `today`: every organisation's weeks that have closed, at once,
    /// and the later changes to published weeks that make a batch of at least five people who
    /// count. Run by the server every few minutes and by the command line before it reads.
    pub fn publish_diaries(
        &self,
        today: Date,
    ) -> Result<swforce_store::diary::Published, AppError> {
        Ok(self
            .store()
            .publish_diaries(Week::published_through(today), MIN_CONTRIBUTORS, None)?)
    }

    /// A person's own view.
    pub fn my_time(&self, who: &Principal, today: Date) -> Result<MyTime, AppError> {
        who.require_read(Permission::KeepTimeDiary)?;
        let this_week = Week::containing(today);
        let categories = self.diary_categories(who.org.id)?;
        let kinds: BTreeMap<i64, Activity> =
            categories.iter().map(|c| (c.id, c.activity)).collect();
        let diaries = self
            .store()
            .diaries_of(who.user.id, this_week.plus_weeks(-51), this_week)?;
        let share = |d: &Diary| -> (u64, u64) {
            let rb = d
                .minutes
                .iter()
                .filter(|(id, _)| kinds.get(id).is_some_and(|a| a.relationship_based()))
                .map(|(_, m)| u64::from(*m))
                .sum();
            (rb, u64::from(d.total()))
        };
        let weeks = diaries
            .iter()
            .map(|d| {
                let (rb, total) = share(&d.diary);
                (
                    d.diary.week,
                    total as f64 / 60.0,
                    (total > 0).then(|| rb as f64 / total as f64),
                )
            })
            .collect();
        let (rb, total) = diaries
            .iter()
            .rev()
            .take(13)
            .map(|d| share(&d.diary))
            .fold((0, 0), |(a, b), (c, d)| (a + c, b + d));
        Ok(MyTime {
            this_week,
            this_week_saved: diaries.iter().find(|d| d.diary.week == this_week).cloned(),
            weeks,
            recent_share: (total > 0).then(|| rb as f64 / total as f64),
            target: TARGET_SHARE,
            categories,
        })
    }

    /// A person's own weeks, whole, for the API and their download.
    pub fn my_diaries(
        &self,
        who: &Principal,
        from: Week,
        to: Week,
    ) -> Result<Vec<StoredDiary>, AppError> {
        who.require_read(Permission::KeepTimeDiary)?;
        Ok(self.store().diaries_of(who.user.id, from, to)?)
    }

    /// The teams a leader may choose from: their organisation's.
    pub fn diary_teams(&self, who: &Principal) -> Result<Vec<Team>, AppError> {
        who.require_read(Permission::ViewTimeAggregates)?;
        Ok(self.store().teams(who.org.id)?)
    }

    /// A team's or the organisation's balance over a period, for a leader of that organisation.
    pub fn org_time(
        &self,
        who: &Principal,
        group: &Group,
        from: Week,
        to: Week,
    ) -> Result<GroupTime, AppError> {
        who.require_read(Permission::ViewTimeAggregates)?;
        self.org_time_of(&who.org, group, from, to)
    }

    /// The same view for the command line, which acts for the operator of the machine.
    pub fn org_time_of(
        &self,
        org: &Organisation,
        group: &Group,
        from: Week,
        to: Week,
    ) -> Result<GroupTime, AppError> {
        let (scope, name) = match group {
            Group::Organisation => (DiaryScope::Org(org.id), org.name.clone()),
            Group::Team(id) => {
                let team = self
                    .store()
                    .teams(org.id)?
                    .into_iter()
                    .find(|t| t.id == *id)
                    .ok_or_else(|| AppError::NotFound {
                        kind: "team",
                        query: String::new(),
                        suggestions: vec![],
                    })?;
                (
                    DiaryScope::Team {
                        org_id: org.id,
                        team_id: team.id,
                    },
                    team.name,
                )
            }
        };
        let sums = self.store().diary_sums(&scope, from, to)?;
        // A week counts only with enough diaries, and a team's week only where the rest of the
        // organisation cannot then be worked out by subtraction.
        let held_back = match &scope {
            DiaryScope::Team { org_id, team_id } => {
                self.held_back_weeks(*org_id, *team_id, from, to)?
            }
            _ => BTreeSet::new(),
        };
        let categories: BTreeMap<i64, (String, Activity)> = self
            .diary_categories(org.id)?
            .into_iter()
            .map(|c| (c.id, (c.label, c.activity)))
            .collect();
        // Notes are the organisation's leaders' alone, and never a team's: a small team's
        // notes would say too much about who wrote them.
        let notes = match &scope {
            DiaryScope::Org(org_id) => self.shown_notes(*org_id, from, to, &sums, &held_back)?,
            _ => Vec::new(),
        };
        Ok(GroupTime {
            synthetic: org.synthetic,
            ..group_time(
                &name,
                (from, to),
                &sums,
                &held_back,
                &categories,
                false,
                notes,
            )
        })
    }

    /// The notes shared anonymously in the weeks of a group's sums that count, when there are
    /// enough people to show anything.
    fn shown_notes(
        &self,
        org_id: i64,
        from: Week,
        to: Week,
        sums: &DiarySums,
        held_back: &BTreeSet<Week>,
    ) -> Result<Vec<(Week, String)>, AppError> {
        if sums.contributors < u64::from(MIN_CONTRIBUTORS) {
            return Ok(Vec::new());
        }
        let counted = counted_weeks(sums, held_back);
        Ok(self
            .store()
            .shared_diary_notes(org_id, from, to, NOTES_SHOWN)?
            .into_iter()
            .filter(|(w, _)| counted.contains(w))
            .collect())
    }

    /// The weeks of a team that would leave fewer than five people to be subtracted out of its
    /// organisation's figures (see [`held_back_teams`]).
    fn held_back_weeks(
        &self,
        org_id: i64,
        team_id: i64,
        from: Week,
        to: Week,
    ) -> Result<BTreeSet<Week>, AppError> {
        let mut weeks: BTreeMap<Week, (u64, BTreeMap<i64, u64>)> = BTreeMap::new();
        for (team, week, n) in self.store().diary_week_counts(org_id, from, to)? {
            let w = weeks.entry(week).or_default();
            if team == 0 {
                w.0 = n;
            } else {
                w.1.insert(team, n);
            }
        }
        Ok(weeks
            .into_iter()
            .filter(|(_, (org, teams))| held_back_teams(*org, teams).contains(&team_id))
            .map(|(week, _)| week)
            .collect())
    }

    /// England's or a region's balance (a region code such as E12000008), across the
    /// organisations that opted in. Public: it holds sums only.
    pub fn national_time(
        &self,
        region: Option<&str>,
        from: Week,
        to: Week,
    ) -> Result<GroupTime, AppError> {
        let opted = self.store().diary_opted_in()?;
        let orgs: Vec<Organisation> = self
            .store()
            .organisations()?
            .into_iter()
            .filter(|o| opted.contains(&o.id))
            .collect();
        let (name, members): (String, Vec<&Organisation>) = match region {
            None => ("England".into(), orgs.iter().collect()),
            Some(code) => {
                let name = swforce_domain::geography::REGIONS
                    .iter()
                    .find(|r| r.0 == code)
                    .map(|r| r.1.to_string())
                    .ok_or_else(|| AppError::NotFound {
                        kind: "region",
                        query: code.to_string(),
                        suggestions: vec![],
                    })?;
                // One snapshot of the geography for every organisation.
                let snap = self.snapshot().ok();
                let members = orgs
                    .iter()
                    .filter(|o| {
                        o.la_code
                            .as_deref()
                            .zip(snap.as_deref())
                            .and_then(|(la, snap)| crate::agency::region_in(snap, la))
                            .is_some_and(|r| r == code)
                    })
                    .collect();
                (name, members)
            }
        };
        let scope = DiaryScope::Orgs(members.iter().map(|o| o.id).collect());
        let sums = self.store().diary_sums(&scope, from, to)?;
        let held_back = BTreeSet::new();
        let mut categories = BTreeMap::new();
        for o in &members {
            for c in self.store().diary_categories(o.id)? {
                categories.insert(c.id, (c.label, c.activity));
            }
        }
        // Notes stay inside their organisation: the public views show none.
        Ok(GroupTime {
            synthetic: members.iter().any(|o| o.synthetic),
            ..group_time(
                &name,
                (from, to),
                &sums,
                &held_back,
                &categories,
                true,
                Vec::new(),
            )
        })
    }

    /// The organisations whose sums count towards England, by name.
    pub fn diary_participants(&self) -> Result<Vec<Organisation>, AppError> {
        let opted = self.store().diary_opted_in()?;
        Ok(self
            .store()
            .organisations()?
            .into_iter()
            .filter(|o| opted.contains(&o.id))
            .collect())
    }

    pub fn diary_opt_in(&self, who: &Principal) -> Result<bool, AppError> {
        who.require_read(Permission::ManageTimeDiary)?;
        Ok(self.store().diary_opt_in(who.org.id)?)
    }

    /// Adds the organisation's sums to its region's and England's, or takes them out.
    pub fn set_diary_opt_in(
        &self,
        who: &Principal,
        opt_in: bool,
        origin: &crate::access::Origin,
    ) -> Result<(), AppError> {
        who.require(Permission::ManageTimeDiary)?;
        if opt_in && who.org.synthetic {
            return Err(AppError::Invalid {
                problem: format!(
                    "{} holds invented people's diaries, which are not added to a region's or England's figures",
                    who.org.name
                ),
                fix: "Only the operator can add a synthetic organisation, from the command line (swforce diary generate --opt-in)".into(),
            });
        }
        self.store().set_diary_opt_in(who.org.id, opt_in)?;
        self.audit_event(
            Some(who),
            if opt_in {
                "diary.opt_in"
            } else {
                "diary.opt_out"
            },
            &who.org.name,
            "",
            origin,
        )
    }

    /// Renames, remaps, reorders, retires or adds one of the organisation's categories. Its id
    /// stays, so every hour kept under it stays with it.
    pub fn save_diary_category(
        &self,
        who: &Principal,
        input: &CategoryInput,
        origin: &crate::access::Origin,
    ) -> Result<Result<DiaryCategory, Vec<DiaryProblem>>, AppError> {
        who.require(Permission::ManageTimeDiary)?;
        let existing = self.diary_categories(who.org.id)?;
        let mut problems = Vec::new();
        let label = input.label.trim().to_string();
        if label.is_empty() {
            problems.push(problem("label", "Enter a name for the category"));
        } else if label.chars().count() > 80 {
            problems.push(problem("label", "Keep the name to 80 characters"));
        } else if existing
            .iter()
            .any(|c| c.id != input.id && c.label.eq_ignore_ascii_case(&label))
        {
            problems.push(problem(
                "label",
                &format!("There is already a category called \"{label}\"; choose another name"),
            ));
        }
        let activity = Activity::from_id(&input.activity);
        if activity.is_none() {
            problems.push(problem(
                "activity",
                "Choose which kind of work this category counts as",
            ));
        }
        let position = if input.position.trim().is_empty() {
            Some(existing.iter().map(|c| c.position).max().unwrap_or(0) + 10)
        } else {
            input
                .position
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|p| (0..=10_000).contains(p))
        };
        if position.is_none() {
            problems.push(problem(
                "position",
                "Enter the order as a whole number from 0 to 10000",
            ));
        }
        if input.id != 0 && !existing.iter().any(|c| c.id == input.id) {
            problems.push(problem(
                "label",
                "This category is not one of your organisation's; reload the page",
            ));
        }
        let (Some(activity), Some(position), true) = (activity, position, problems.is_empty())
        else {
            return Ok(Err(problems));
        };
        let before = existing.iter().find(|c| c.id == input.id);
        let saved = self.store().save_diary_category(&DiaryCategory {
            id: input.id,
            org_id: who.org.id,
            label: label.clone(),
            activity,
            position,
            retired: input.retired,
        })?;
        let detail = match before {
            None => format!("added as {}", activity.id()),
            Some(b) => format!(
                "was \"{}\" ({}{}); now {}{}",
                b.label,
                b.activity.id(),
                if b.retired { ", retired" } else { "" },
                activity.id(),
                if input.retired { ", retired" } else { "" }
            ),
        };
        self.audit_event(Some(who), "diary.category", &label, &detail, origin)?;
        Ok(Ok(saved))
    }

    /// One of an organisation's teams by name (in any case), for the command line.
    pub fn team_named(&self, org: &Organisation, name: &str) -> Result<Team, AppError> {
        let teams = self.store().teams(org.id)?;
        teams
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name.trim()))
            .cloned()
            .ok_or_else(|| AppError::NotFound {
                kind: "team",
                query: name.to_string(),
                suggestions: teams.iter().map(|t| t.name.clone()).take(10).collect(),
            })
    }

    /// Adds an organisation's sums to its region's and England's, as the operator asks on the
    /// command line (`swforce diary generate --opt-in`).
    pub fn opt_in_from_command_line(&self, org: &Organisation) -> Result<(), AppError> {
        Ok(self.store().set_diary_opt_in(org.id, true)?)
    }

    /// The organisation with an email domain, name or authority code, for the command line.
    pub fn organisation_named(&self, key: &str) -> Result<Organisation, AppError> {
        let key = key.trim();
        let orgs = self.store().organisations()?;
        orgs.iter()
            .find(|o| {
                o.la_code
                    .as_deref()
                    .is_some_and(|c| c.eq_ignore_ascii_case(key))
                    || o.name.eq_ignore_ascii_case(key)
                    || o.email_domain
                        .as_deref()
                        .is_some_and(|d| d.eq_ignore_ascii_case(key))
                    || o.id.to_string() == key
            })
            .cloned()
            .ok_or_else(|| AppError::NotFound {
                kind: "organisation",
                query: key.to_string(),
                suggestions: orgs.iter().map(|o| o.name.clone()).take(10).collect(),
            })
    }
}

fn problem(field: &str, message: &str) -> DiaryProblem {
    DiaryProblem {
        field: field.to_string(),
        message: message.to_string(),
    }
}

/// Minutes as people type hours: 450 → "7.5", 420 → "7", 20 → "0.33".
pub fn hours_text_short(minutes: u32) -> String {
    if minutes % 60 == 0 {
        (minutes / 60).to_string()
    } else if (minutes * 10) % 60 == 0 {
        hours_text(u64::from(minutes))
    } else {
        format!("{:.2}", f64::from(minutes) / 60.0)
    }
}
