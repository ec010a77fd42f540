//! Suggested diary hours from a calendar export: nothing from the file is kept.

use crate::access::Principal;
use crate::{App, AppError};
use std::collections::BTreeMap;
use swforce_domain::diary::{Activity, Week};
use swforce_import::Refused;
use swforce_import::calendar::{WeekSuggestion, default_rules, suggest_week};

impl App {
    /// Suggested hours for a week from a calendar export, mapped onto the organisation's
    /// categories (the first active category of each kind). Nothing is kept.
    pub fn suggest_from_calendar(
        &self,
        who: &Principal,
        file: &str,
        bytes: &[u8],
        week: Week,
    ) -> Result<(WeekSuggestion, BTreeMap<i64, u32>), AppError> {
        let emails = vec![who.user.email.clone()];
        let suggestion =
            suggest_week(file, bytes, week, &default_rules(), &emails).map_err(|diagnostics| {
                AppError::Refused(Refused {
                    file: file.to_string(),
                    diagnostics,
                })
            })?;
        let categories = self.diary_categories(who.org.id)?;
        let mut by_category: BTreeMap<i64, u32> = BTreeMap::new();
        for (activity, minutes) in &suggestion.minutes {
            let target = categories
                .iter()
                .filter(|c| !c.retired)
                .find(|c| c.activity == *activity)
                .or_else(|| {
                    categories
                        .iter()
                        .filter(|c| !c.retired)
                        .find(|c| c.activity == Activity::Other)
                });
            if let Some(c) = target {
                *by_category.entry(c.id).or_default() += minutes;
            }
        }
        Ok((suggestion, by_category))
    }
}
