//! Suggested diary hours from a calendar export: nothing from the file is kept.

use crate::access::Principal;
use crate::{App, AppError};
use std::collections::BTreeMap;
use swforce_domain::diary::{Activity, Week};
use swforce_import::Refused;
use swforce_import::calendar::{WeekSuggestion, default_rules, suggest_week};

/// A calendar's suggestion on an organisation's categories.
#[derive(Debug, Clone)]
pub struct CalendarSuggestion {
    pub suggestion: WeekSuggestion,
    /// Minutes per category id.
    pub by_category: BTreeMap<i64, u32>,
    /// Each counted event: when (`Tue 10:00`, UK time), minutes in the week, and the name of
    /// the category it went to.
    pub events: Vec<(String, u32, String)>,
}

impl App {
    /// Suggested hours for a week from a calendar export, mapped onto the organisation's
    /// categories (the first active category of each kind, else its first active "other"
    /// category). Nothing is kept.
    pub fn suggest_from_calendar(
        &self,
        who: &Principal,
        file: &str,
        bytes: &[u8],
        week: Week,
    ) -> Result<CalendarSuggestion, AppError> {
        let emails = vec![who.user.email.clone()];
        let suggestion =
            suggest_week(file, bytes, week, &default_rules(), &emails).map_err(|diagnostics| {
                AppError::Refused(Refused {
                    file: file.to_string(),
                    diagnostics,
                })
            })?;
        let categories = self.diary_categories(who.org.id)?;
        let target = |activity: Activity| {
            let active = || categories.iter().filter(|c| !c.retired);
            active()
                .find(|c| c.activity == activity)
                .or_else(|| active().find(|c| c.activity == Activity::Other))
        };
        let mut by_category: BTreeMap<i64, u32> = BTreeMap::new();
        for (activity, minutes) in &suggestion.minutes {
            if let Some(c) = target(*activity) {
                *by_category.entry(c.id).or_default() += minutes;
            }
        }
        let events = suggestion
            .events
            .iter()
            .map(|e| {
                let label = target(e.activity)
                    .map_or_else(|| e.activity.label().to_string(), |c| c.label.clone());
                (e.starts.clone(), e.minutes, label)
            })
            .collect();
        Ok(CalendarSuggestion {
            suggestion,
            by_category,
            events,
        })
    }
}
