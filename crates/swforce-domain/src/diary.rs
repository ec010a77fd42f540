//! "Time for social work": the weekly time diary behind the 80:20 balance.
//!
//! A diary is one person's hours for one week (Monday to Sunday), split over their organisation's
//! categories. Every organisation category maps to one of ten national [`Activity`] kinds, which
//! decide whether its hours count as relationship-based work and let regions and England add
//! organisations up. Pure types, checks and arithmetic; storage lives elsewhere.

use crate::date::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Fewest different people behind any figure shown for a group: below this a team, an
/// organisation, a region or England shows "not enough responses" instead of numbers.
pub const MIN_CONTRIBUTORS: u32 = 5;
/// Days after a week ends (its Sunday) before its figures are published: people have two
/// weeks to fill it in, and nobody sees a group's week change as they do.
pub const PUBLISH_AFTER_DAYS: i64 = 14;
/// The campaign's aim: 80% of working time on direct, relationship-based work.
pub const TARGET_SHARE: f64 = 0.80;
/// Hours in a week: no diary can hold more.
pub const MAX_WEEK_MINUTES: u32 = 168 * 60;
/// Hours of one full-time equivalent a week, for FTE arithmetic. Councils' standard
/// (NJC "Green Book") full-time week is 37 hours.
pub const FTE_WEEK_HOURS: f64 = 37.0;
/// Longest free-text note about what got in the way, in characters.
pub const MAX_NOTE: usize = 2_000;

/// The ten national kinds of activity. Each organisation category maps to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    DirectFaceToFace,
    DirectRemote,
    CaseRecording,
    AssessmentsPlansReports,
    Meetings,
    Travel,
    Supervision,
    Training,
    AdminIt,
    Other,
}

impl Activity {
    pub const ALL: [Activity; 10] = [
        Self::DirectFaceToFace,
        Self::DirectRemote,
        Self::CaseRecording,
        Self::AssessmentsPlansReports,
        Self::Meetings,
        Self::Travel,
        Self::Supervision,
        Self::Training,
        Self::AdminIt,
        Self::Other,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::DirectFaceToFace => "direct_face_to_face",
            Self::DirectRemote => "direct_remote",
            Self::CaseRecording => "case_recording",
            Self::AssessmentsPlansReports => "assessments_plans_reports",
            Self::Meetings => "meetings",
            Self::Travel => "travel",
            Self::Supervision => "supervision",
            Self::Training => "training",
            Self::AdminIt => "admin_it",
            Self::Other => "other",
        }
    }

    /// The default label of the organisation category that starts with this kind.
    pub fn label(self) -> &'static str {
        match self {
            Self::DirectFaceToFace => "Direct work face to face",
            Self::DirectRemote => "Direct work by phone, video or message",
            Self::CaseRecording => "Case recording and notes",
            Self::AssessmentsPlansReports => "Assessments, plans and reports",
            Self::Meetings => "Meetings and conferences (multi-agency, court)",
            Self::Travel => "Travel",
            Self::Supervision => "Supervision and reflective practice",
            Self::Training => "Training and development",
            Self::AdminIt => "Admin and IT problems",
            Self::Other => "Other",
        }
    }

    /// Whether hours of this kind are direct, relationship-based work with children, adults and
    /// families: the "80" of 80:20. Only the two kinds of direct work count.
    pub fn relationship_based(self) -> bool {
        matches!(self, Self::DirectFaceToFace | Self::DirectRemote)
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.id() == id.trim())
    }

    /// Position in [`Activity::ALL`], for flat arrays indexed by kind.
    pub fn index(self) -> usize {
        Self::ALL
            .iter()
            .position(|a| *a == self)
            .expect("every activity is listed in ALL")
    }
}

/// What got in the way of direct work this week: the optional pick-list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Obstacle {
    DuplicateRecording,
    CaseManagementSystem,
    Forms,
    WaitingForSignOff,
    Travel,
    Meetings,
    ItProblems,
    Other,
}

impl Obstacle {
    pub const ALL: [Obstacle; 8] = [
        Self::DuplicateRecording,
        Self::CaseManagementSystem,
        Self::Forms,
        Self::WaitingForSignOff,
        Self::Travel,
        Self::Meetings,
        Self::ItProblems,
        Self::Other,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::DuplicateRecording => "duplicate_recording",
            Self::CaseManagementSystem => "case_management_system",
            Self::Forms => "forms",
            Self::WaitingForSignOff => "waiting_for_sign_off",
            Self::Travel => "travel",
            Self::Meetings => "meetings",
            Self::ItProblems => "it_problems",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::DuplicateRecording => "Recording the same thing twice",
            Self::CaseManagementSystem => "The case management system",
            Self::Forms => "Forms",
            Self::WaitingForSignOff => "Waiting for sign-off",
            Self::Travel => "Too much travel",
            Self::Meetings => "Too many meetings",
            Self::ItProblems => "IT problems",
            Self::Other => "Something else",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.id() == id.trim())
    }

    /// The bit of this obstacle in a stored set.
    pub fn bit(self) -> u32 {
        1 << Self::ALL
            .iter()
            .position(|o| *o == self)
            .expect("every obstacle is listed in ALL")
    }

    /// The obstacles in a stored set, in list order.
    pub fn from_bits(bits: u32) -> Vec<Obstacle> {
        Self::ALL
            .into_iter()
            .filter(|o| bits & o.bit() != 0)
            .collect()
    }

    pub fn to_bits(set: &[Obstacle]) -> u32 {
        set.iter().fold(0, |bits, o| bits | o.bit())
    }
}

/// The Monday a diary week starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Week(Date);

impl Week {
    /// The week (Monday to Sunday) that holds `day`.
    pub fn containing(day: Date) -> Week {
        // 1970-01-01 was a Thursday: day 0 is three days after a Monday.
        let days = day.days_since_epoch();
        let since_monday = (days + 3).rem_euclid(7);
        Week(Date::from_days_since_epoch(days - since_monday))
    }

    /// A week from a date, which must be its Monday.
    pub fn from_monday(day: Date) -> Result<Week, String> {
        let week = Week::containing(day);
        if week.0 == day {
            Ok(week)
        } else {
            Err(format!(
                "{day} is not a Monday; the week that holds it starts on {}",
                week.0
            ))
        }
    }

    /// Reads `YYYY-MM-DD` and takes the week that holds that day.
    pub fn parse(text: &str) -> Result<Week, String> {
        Date::parse(text.trim())
            .map(Week::containing)
            .map_err(|e| e.0)
    }

    pub fn monday(self) -> Date {
        self.0
    }

    pub fn sunday(self) -> Date {
        self.0.plus_days(6)
    }

    pub fn plus_weeks(self, weeks: i64) -> Week {
        Week(self.0.plus_days(7 * weeks))
    }

    /// The latest week whose figures are published on `today`: the week has ended and
    /// [`PUBLISH_AFTER_DAYS`] more days have passed.
    pub fn published_through(today: Date) -> Week {
        Week::containing(today.plus_days(-PUBLISH_AFTER_DAYS - 7))
    }

    /// The day this week's figures are published.
    pub fn published_on(self) -> Date {
        self.sunday().plus_days(PUBLISH_AFTER_DAYS + 1)
    }

    /// Weeks from `self` to `later` (negative when `later` is earlier).
    pub fn weeks_until(self, later: Week) -> i64 {
        (later.0.days_since_epoch() - self.0.days_since_epoch()) / 7
    }

    /// A stable number for the week, for storage: days from 1970-01-01 to its Monday.
    pub fn number(self) -> i64 {
        self.0.days_since_epoch()
    }

    pub fn from_number(days: i64) -> Week {
        Week::containing(Date::from_days_since_epoch(days))
    }

    /// "Week of 3 March 2025".
    pub fn describe(self) -> String {
        format!("week of {}", long_date(self.0))
    }
}

impl TryFrom<String> for Week {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Week::parse(&value)
    }
}

impl From<Week> for String {
    fn from(value: Week) -> Self {
        value.0.to_string()
    }
}

impl std::fmt::Display for Week {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// "3 March 2025", the GOV.UK date style.
pub fn long_date(day: Date) -> String {
    day.long()
}

/// Reads hours as a person types them: `7`, `7.5`, `7,5`, `7:30` or `7h30`, blank for none.
/// Answers whole minutes, or a sentence saying what is wrong.
pub fn parse_hours(text: &str) -> Result<u32, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(0);
    }
    let (hours, minutes) = if let Some((h, m)) = t.split_once([':', 'h']) {
        let h: u32 = h
            .trim()
            .parse()
            .map_err(|_| format!("\"{t}\" is not a number of hours; write it like 7.5 or 7:30"))?;
        let m = m.trim().trim_end_matches('m');
        let m: u32 = if m.is_empty() {
            0
        } else {
            m.parse().map_err(|_| {
                format!("\"{t}\" is not a number of hours; write it like 7.5 or 7:30")
            })?
        };
        if m >= 60 {
            return Err(format!(
                "\"{t}\" has {m} minutes; minutes after the colon go up to 59"
            ));
        }
        (h, m)
    } else {
        let value: f64 = t.replace(',', ".").parse().map_err(|_| {
            if t.starts_with('-') {
                "Hours cannot be negative; leave it blank or write 0".to_string()
            } else {
                format!("\"{t}\" is not a number of hours; write it like 7.5 or 7:30")
            }
        })?;
        if value < 0.0 {
            return Err("Hours cannot be negative; leave it blank or write 0".into());
        }
        if !value.is_finite() || value > 168.0 {
            return Err(format!("{t} hours is more than a week holds (168 hours)"));
        }
        let minutes = (value * 60.0).round() as u32;
        (minutes / 60, minutes % 60)
    };
    let total = hours.saturating_mul(60).saturating_add(minutes);
    if total > MAX_WEEK_MINUTES {
        return Err(format!("{t} hours is more than a week holds (168 hours)"));
    }
    Ok(total)
}

/// Minutes shown as hours to one decimal place: 450 → "7.5".
pub fn hours_text(minutes: u64) -> String {
    format!("{:.1}", minutes as f64 / 60.0)
}

/// One problem with a diary, tied to the form field it belongs beside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiaryProblem {
    /// The form field: `week`, `hours-<category id>`, `contracted`, `note`, `obstacles`.
    pub field: String,
    pub message: String,
}

/// A diary as a person sends it, before checking.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DiaryInput {
    pub week: String,
    /// Category id and the text typed for it.
    pub hours: Vec<(i64, String)>,
    pub contracted: String,
    pub obstacles: Vec<String>,
    pub note: String,
    pub share_note: bool,
}

/// A checked diary: one person's week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diary {
    pub week: Week,
    /// Minutes per organisation category id; categories with no time are left out.
    pub minutes: BTreeMap<i64, u32>,
    /// Contracted minutes that week (a full-time week is 37 hours).
    pub contracted: u32,
    pub obstacles: Vec<Obstacle>,
    /// What got in the way, in the person's words. Private unless `share_note`.
    pub note: String,
    /// The author chose to let leaders read the note, without their name.
    pub share_note: bool,
}

impl Diary {
    pub fn total(&self) -> u32 {
        self.minutes.values().sum()
    }
}

/// Checks a diary against the organisation's categories (id → kind) and today's date.
/// Every problem is gathered, each beside its field; nothing is kept unless there are none.
pub fn check_diary(
    input: &DiaryInput,
    categories: &BTreeMap<i64, Activity>,
    today: Date,
) -> Result<Diary, Vec<DiaryProblem>> {
    let mut problems = Vec::new();
    let mut problem = |field: &str, message: String| {
        problems.push(DiaryProblem {
            field: field.to_string(),
            message,
        })
    };
    let week = match Week::parse(&input.week) {
        Ok(w) if w.monday() > today => {
            problem(
                "week",
                format!(
                    "The {} has not started yet; choose this week or an earlier one",
                    w.describe()
                ),
            );
            None
        }
        Ok(w) => Some(w),
        Err(_) => {
            problem(
                "week",
                "Enter the week as a date, like 2025-03-03".to_string(),
            );
            None
        }
    };
    let mut minutes = BTreeMap::new();
    for (id, text) in &input.hours {
        let field = format!("hours-{id}");
        if !categories.contains_key(id) {
            problem(
                &field,
                "This category is not one of your organisation's; reload the page and try again"
                    .to_string(),
            );
            continue;
        }
        match parse_hours(text) {
            Ok(0) => {}
            Ok(m) => {
                *minutes.entry(*id).or_insert(0) += m;
            }
            Err(e) => problem(&field, e),
        }
    }
    let total: u32 = minutes.values().sum();
    if total > MAX_WEEK_MINUTES {
        problem(
            "hours",
            format!(
                "These hours add up to {}, more than the 168 hours in a week; check each one",
                hours_text(u64::from(total))
            ),
        );
    }
    let contracted = match parse_hours(&input.contracted) {
        Ok(0) => {
            problem(
                "contracted",
                "Enter your contracted hours for the week, like 37".to_string(),
            );
            0
        }
        Ok(m) if m > 80 * 60 => {
            problem(
                "contracted",
                "Contracted hours go up to 80 a week; enter the hours in your contract".to_string(),
            );
            0
        }
        Ok(m) => m,
        Err(e) => {
            problem("contracted", e);
            0
        }
    };
    let mut obstacles = Vec::new();
    for id in &input.obstacles {
        match Obstacle::from_id(id) {
            Some(o) if !obstacles.contains(&o) => obstacles.push(o),
            Some(_) => {}
            None => problem(
                "obstacles",
                format!("\"{id}\" is not on the list; choose from the boxes shown"),
            ),
        }
    }
    obstacles.sort();
    let note = input.note.trim().replace("\r\n", "\n");
    if note.chars().count() > MAX_NOTE {
        problem(
            "note",
            format!(
                "Keep this to {MAX_NOTE} characters; it has {}",
                note.chars().count()
            ),
        );
    }
    if note.contains('\0') {
        problem(
            "note",
            "The note holds a character that cannot be kept".into(),
        );
    }
    match week {
        Some(week) if problems.is_empty() => Ok(Diary {
            week,
            minutes,
            contracted,
            share_note: input.share_note && !note.is_empty(),
            note,
            obstacles,
        }),
        _ => Err(problems),
    }
}

/// The gentle warning shown when a week's total is far from the contracted hours. Not an error:
/// people work over, and part-time weeks vary.
pub fn contracted_warning(total: u32, contracted: u32) -> Option<String> {
    if contracted == 0 {
        return None;
    }
    let (t, c) = (f64::from(total), f64::from(contracted));
    if t > c * 1.25 {
        Some(format!(
            "You recorded {} hours against {} contracted. If that is right, it is worth raising in supervision.",
            hours_text(u64::from(total)),
            hours_text(u64::from(contracted))
        ))
    } else if total > 0 && t < c * 0.5 {
        Some(format!(
            "You recorded {} hours against {} contracted. If you were on leave or off sick part of the week, that is fine.",
            hours_text(u64::from(total)),
            hours_text(u64::from(contracted))
        ))
    } else {
        None
    }
}

/// Sums behind a group's figures for a period, in minutes, by national kind or by category.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Totals {
    /// Different people who kept a diary in the period.
    pub contributors: u64,
    /// Diaries (person-weeks) in the period.
    pub diaries: u64,
    /// Minutes recorded, all categories.
    pub minutes: u64,
    /// Minutes recorded in relationship-based categories.
    pub relationship_minutes: u64,
    /// Contracted minutes over all diaries.
    pub contracted_minutes: u64,
}

impl Totals {
    /// Share of recorded time on relationship-based work, or `None` with no time recorded.
    pub fn relationship_share(&self) -> Option<f64> {
        (self.minutes > 0).then(|| self.relationship_minutes as f64 / self.minutes as f64)
    }

    /// Whether the group has enough different people behind it to show.
    pub fn shown(&self) -> bool {
        self.contributors >= u64::from(MIN_CONTRIBUTORS)
    }

    /// Hours of relationship-based work per full-time equivalent per week: relationship-based
    /// hours over contracted FTE-weeks (contracted hours ÷ 37).
    pub fn relationship_hours_per_fte_week(&self) -> Option<f64> {
        let fte_weeks = self.contracted_minutes as f64 / 60.0 / FTE_WEEK_HOURS;
        (fte_weeks > 0.0).then(|| self.relationship_minutes as f64 / 60.0 / fte_weeks)
    }

    /// Mean hours recorded per diary (per person per week).
    pub fn hours_per_diary(&self) -> Option<f64> {
        (self.diaries > 0).then(|| self.minutes as f64 / 60.0 / self.diaries as f64)
    }

    /// Mean FTE contributing each week.
    pub fn fte_per_week(&self, weeks: u64) -> Option<f64> {
        (weeks > 0).then(|| self.contracted_minutes as f64 / 60.0 / FTE_WEEK_HOURS / weeks as f64)
    }
}

/// What moving `points` percentage points of recorded time into relationship-based work is
/// worth, in full-time equivalents of relationship-based work, for a group of `fte` FTE whose
/// people record `hours_per_fte` hours a week each.
///
/// Extra relationship-based hours a week = points/100 × hours_per_fte × fte; one FTE does
/// [`FTE_WEEK_HOURS`] hours a week of it at most, so the equivalent is that ÷ 37.
pub fn shift_in_fte(points: f64, hours_per_fte: f64, fte: f64) -> f64 {
    points / 100.0 * hours_per_fte * fte / FTE_WEEK_HOURS
}

/// Which teams' figures for one week must be held back so that nobody can be worked out by
/// subtraction.
///
/// `org_diaries` is the organisation's diaries that week and `teams` each team's. A team's week is
/// shown only with at least [`MIN_CONTRIBUTORS`] diaries (primary suppression). Since the
/// organisation's week is shown too, the diaries of everything held back (small teams, and people
/// in no team) can be had by subtracting the teams shown from the organisation: if they add up to
/// between 1 and 4 diaries, the smallest team still shown is held back as well (secondary
/// suppression), so what can be subtracted is either nothing or at least five people.
pub fn held_back_teams(
    org_diaries: u64,
    teams: &BTreeMap<i64, u64>,
) -> std::collections::BTreeSet<i64> {
    let min = u64::from(MIN_CONTRIBUTORS);
    let mut held: std::collections::BTreeSet<i64> = teams
        .iter()
        .filter(|(_, n)| **n < min)
        .map(|(t, _)| *t)
        .collect();
    let shown_sum: u64 = teams
        .iter()
        .filter(|(t, _)| !held.contains(*t))
        .map(|(_, n)| *n)
        .sum();
    let hidden = org_diaries.saturating_sub(shown_sum);
    if org_diaries < min {
        // The organisation's own week is not shown: nothing to subtract from.
        return teams.keys().copied().collect();
    }
    if hidden > 0 && hidden < min {
        if let Some((t, _)) = teams
            .iter()
            .filter(|(t, _)| !held.contains(*t))
            .min_by_key(|(t, n)| (**n, **t))
        {
            held.insert(*t);
        }
    }
    held
}

/// Rounds a share for display to a whole percentage, so small groups cannot be differenced
/// to a person's hours.
pub fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_week_is_published_fifteen_days_after_its_sunday() {
        let week = Week::parse("2025-03-03").unwrap();
        assert_eq!(week.published_on(), Date::parse("2025-03-24").unwrap());
        for (today, through) in [
            ("2025-03-23", "2025-02-24"),
            ("2025-03-24", "2025-03-03"),
            ("2025-03-30", "2025-03-03"),
            ("2025-03-31", "2025-03-10"),
        ] {
            assert_eq!(
                Week::published_through(Date::parse(today).unwrap()),
                Week::parse(through).unwrap(),
                "on {today}"
            );
        }
    }

    #[test]
    fn teams_are_held_back_so_nobody_can_be_subtracted_out() {
        let teams = |t: &[(i64, u64)]| t.iter().copied().collect::<BTreeMap<i64, u64>>();
        let held = |org, t: &[(i64, u64)]| {
            held_back_teams(org, &teams(t))
                .into_iter()
                .collect::<Vec<_>>()
        };
        // Everyone in teams of five or more: all shown.
        assert_eq!(held(12, &[(1, 6), (2, 6)]), Vec::<i64>::new());
        assert_eq!(held(17, &[(1, 6), (2, 6), (3, 5)]), Vec::<i64>::new());
        // A small team is held back with the smallest team shown, so 5 or more are left over.
        assert_eq!(held(19, &[(1, 6), (2, 6), (3, 5), (4, 2)]), vec![3, 4]);
        // One person in no team: the organisation minus the teams would be that person, so the
        // smallest team shown is held back too (ties go to the lower id).
        assert_eq!(held(13, &[(1, 6), (2, 6)]), vec![1]);
        assert_eq!(held(13, &[(1, 7), (2, 5)]), vec![2]);
        // Two small teams adding up to five or more can be subtracted out only as a group.
        assert_eq!(held(16, &[(1, 10), (2, 3), (3, 3)]), vec![2, 3]);
        // An organisation week of fewer than five shows nothing at all.
        assert_eq!(held(4, &[(1, 4)]), vec![1]);
        // Whatever the teams, what can be subtracted is nothing or at least five diaries.
        for org in 0..30u64 {
            for a in 0..=org {
                for b in 0..=(org - a) {
                    let t = teams(&[(1, a), (2, b)]);
                    let h = held_back_teams(org, &t);
                    if org < 5 {
                        continue;
                    }
                    let shown: u64 = t
                        .iter()
                        .filter(|(k, _)| !h.contains(*k))
                        .map(|(_, n)| n)
                        .sum();
                    let rest = org - shown;
                    assert!(
                        rest == 0 || rest >= 5,
                        "org {org}, teams {a} and {b}: {rest} left over"
                    );
                    assert!(t.iter().all(|(k, n)| h.contains(k) || *n >= 5));
                }
            }
        }
    }

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn categories() -> BTreeMap<i64, Activity> {
        Activity::ALL
            .iter()
            .enumerate()
            .map(|(i, a)| (i as i64 + 1, *a))
            .collect()
    }

    fn input(week: &str, hours: &[(i64, &str)]) -> DiaryInput {
        DiaryInput {
            week: week.into(),
            hours: hours.iter().map(|(i, h)| (*i, h.to_string())).collect(),
            contracted: "37".into(),
            ..DiaryInput::default()
        }
    }

    #[test]
    fn a_week_starts_on_the_monday_that_holds_the_day() {
        assert_eq!(Week::containing(d("2025-03-05")).monday(), d("2025-03-03"));
        assert_eq!(Week::containing(d("2025-03-03")).monday(), d("2025-03-03"));
        assert_eq!(Week::containing(d("2025-03-09")).monday(), d("2025-03-03"));
        assert_eq!(Week::containing(d("2025-03-10")).monday(), d("2025-03-10"));
        assert_eq!(Week::containing(d("1970-01-01")).monday(), d("1969-12-29"));
        let w = Week::containing(d("2024-12-31"));
        assert_eq!(w.monday(), d("2024-12-30"));
        assert_eq!(Week::from_number(w.number()), w);
        assert_eq!(w.plus_weeks(1).monday(), d("2025-01-06"));
        assert_eq!(w.weeks_until(w.plus_weeks(52)), 52);
        assert!(Week::from_monday(d("2025-03-04")).is_err());
        assert_eq!(w.describe(), "week of 30 December 2024");
    }

    #[test]
    fn hours_are_read_as_people_type_them() {
        assert_eq!(parse_hours(""), Ok(0));
        assert_eq!(parse_hours("7"), Ok(420));
        assert_eq!(parse_hours("7.5"), Ok(450));
        assert_eq!(parse_hours("7,25"), Ok(435));
        assert_eq!(parse_hours("7:30"), Ok(450));
        assert_eq!(parse_hours("7h30"), Ok(450));
        assert_eq!(parse_hours("168"), Ok(168 * 60));
        assert!(parse_hours("-1").unwrap_err().contains("negative"));
        assert!(parse_hours("-0.5").unwrap_err().contains("negative"));
        assert!(parse_hours("169").unwrap_err().contains("168"));
        assert!(parse_hours("7:75").unwrap_err().contains("59"));
        assert!(parse_hours("seven").unwrap_err().contains("7.5"));
        assert!(parse_hours("NaN").is_err());
        assert!(parse_hours("inf").is_err());
        assert!(parse_hours("99999999999:00").is_err());
    }

    #[test]
    fn a_good_diary_is_accepted_with_blank_categories_left_out() {
        let diary = check_diary(
            &input("2025-03-05", &[(1, "12"), (2, ""), (3, "20.5")]),
            &categories(),
            d("2025-03-10"),
        )
        .unwrap();
        assert_eq!(diary.week.monday(), d("2025-03-03"));
        assert_eq!(diary.minutes, BTreeMap::from([(1, 720), (3, 1230)]));
        assert_eq!(diary.total(), 1950);
        assert_eq!(diary.contracted, 37 * 60);
    }

    #[test]
    fn the_current_week_can_be_kept_but_not_a_future_one() {
        let today = d("2025-03-05");
        assert!(check_diary(&input("2025-03-03", &[(1, "1")]), &categories(), today).is_ok());
        let e = check_diary(&input("2025-03-10", &[(1, "1")]), &categories(), today).unwrap_err();
        assert_eq!(e[0].field, "week");
        assert!(e[0].message.contains("not started"));
    }

    #[test]
    fn every_problem_is_named_beside_its_field() {
        let mut i = input("someday", &[(1, "-3"), (99, "2"), (2, "abc")]);
        i.contracted = "".into();
        i.obstacles = vec!["gremlins".into()];
        let e = check_diary(&i, &categories(), d("2025-03-05")).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "week",
                "hours-1",
                "hours-99",
                "hours-2",
                "contracted",
                "obstacles"
            ]
        );
        assert!(e[2].message.contains("not one of your organisation's"));
    }

    #[test]
    fn a_week_over_168_hours_is_refused_as_a_whole() {
        let e = check_diary(
            &input("2025-03-03", &[(1, "100"), (2, "69")]),
            &categories(),
            d("2025-03-05"),
        )
        .unwrap_err();
        assert_eq!(e[0].field, "hours");
        assert!(e[0].message.contains("169.0"));
    }

    #[test]
    fn a_note_is_shared_only_when_asked_and_not_empty() {
        let mut i = input("2025-03-03", &[(1, "1")]);
        i.share_note = true;
        let diary = check_diary(&i, &categories(), d("2025-03-05")).unwrap();
        assert!(!diary.share_note);
        i.note = "  Two days lost to the new system  ".into();
        let diary = check_diary(&i, &categories(), d("2025-03-05")).unwrap();
        assert!(diary.share_note);
        assert_eq!(diary.note, "Two days lost to the new system");
        i.note = "x".repeat(MAX_NOTE + 1);
        assert!(check_diary(&i, &categories(), d("2025-03-05")).is_err());
    }

    #[test]
    fn obstacles_round_trip_through_bits() {
        let set = vec![Obstacle::Forms, Obstacle::ItProblems];
        assert_eq!(Obstacle::from_bits(Obstacle::to_bits(&set)), set);
        assert_eq!(Obstacle::from_bits(0), vec![]);
        assert_eq!(Obstacle::from_bits(u32::MAX).len(), 8);
    }

    #[test]
    fn only_direct_work_is_relationship_based() {
        let rb: Vec<_> = Activity::ALL
            .into_iter()
            .filter(|a| a.relationship_based())
            .collect();
        assert_eq!(rb, [Activity::DirectFaceToFace, Activity::DirectRemote]);
        for a in Activity::ALL {
            assert_eq!(Activity::from_id(a.id()), Some(a));
            assert_eq!(Activity::ALL[a.index()], a);
        }
    }

    #[test]
    fn the_contracted_warning_is_gentle_and_only_when_far_off() {
        assert_eq!(contracted_warning(37 * 60, 37 * 60), None);
        assert_eq!(contracted_warning(45 * 60, 37 * 60), None);
        assert!(
            contracted_warning(50 * 60, 37 * 60)
                .unwrap()
                .contains("supervision")
        );
        assert!(
            contracted_warning(10 * 60, 37 * 60)
                .unwrap()
                .contains("leave")
        );
        assert_eq!(contracted_warning(0, 37 * 60), None);
    }

    #[test]
    fn capacity_arithmetic_follows_its_definitions() {
        // BASW's 2018 figures: 11 of 45 hours face to face.
        let t = Totals {
            contributors: 10,
            diaries: 10,
            minutes: 10 * 45 * 60,
            relationship_minutes: 10 * 11 * 60,
            contracted_minutes: 10 * 37 * 60,
        };
        assert!((t.relationship_share().unwrap() - 11.0 / 45.0).abs() < 1e-12);
        assert!((t.relationship_hours_per_fte_week().unwrap() - 11.0).abs() < 1e-12);
        assert_eq!(t.hours_per_diary(), Some(45.0));
        assert!(t.shown());
        // Ten points more of a 37-hour week for 37 FTE is 10% of 37 FTE.
        assert!((shift_in_fte(10.0, 37.0, 37.0) - 3.7).abs() < 1e-12);
        assert_eq!(Totals::default().relationship_share(), None);
        assert!(!Totals::default().shown());
        assert_eq!(percent(0.244), "24%");
    }
}
