//! What a projection reports, named as the statistics name them where they can be.

use serde::Serialize;

/// A projected indicator, per geography and year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    InpostFte,
    StartersFte,
    LeaversFte,
    TurnoverRateFte,
    AgencyFte,
    AgencyRateFte,
    VacancyFte,
    VacancyRateFte,
    CaseloadFte,
    PostsNeeded,
    GapFte,
    DirectHoursPerWeek,
    EquivalentFte,
}

impl Indicator {
    pub const ALL: [Indicator; 13] = [
        Self::InpostFte,
        Self::StartersFte,
        Self::LeaversFte,
        Self::TurnoverRateFte,
        Self::AgencyFte,
        Self::AgencyRateFte,
        Self::VacancyFte,
        Self::VacancyRateFte,
        Self::CaseloadFte,
        Self::PostsNeeded,
        Self::GapFte,
        Self::DirectHoursPerWeek,
        Self::EquivalentFte,
    ];

    /// The canonical name (as in the statistics, plus the projection's own measures).
    pub fn name(self) -> &'static str {
        match self {
            Self::InpostFte => "inpost_fte",
            Self::StartersFte => "starters_fte",
            Self::LeaversFte => "leavers_fte",
            Self::TurnoverRateFte => "turnover_rate_fte",
            Self::AgencyFte => "agency_fte",
            Self::AgencyRateFte => "agency_rate_fte",
            Self::VacancyFte => "vacancy_fte",
            Self::VacancyRateFte => "vacancy_rate_fte",
            Self::CaseloadFte => "caseload_fte",
            Self::PostsNeeded => "posts_needed",
            Self::GapFte => "gap_fte",
            Self::DirectHoursPerWeek => "direct_hours_per_week",
            Self::EquivalentFte => "equivalent_fte",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.name() == name)
    }

    /// Words for a heading.
    pub fn label(self) -> &'static str {
        match self {
            Self::InpostFte => "Social workers in post (FTE)",
            Self::StartersFte => "Starters (FTE)",
            Self::LeaversFte => "Leavers (FTE)",
            Self::TurnoverRateFte => "Turnover rate (FTE)",
            Self::AgencyFte => "Agency workers (FTE)",
            Self::AgencyRateFte => "Agency worker rate (FTE)",
            Self::VacancyFte => "Vacancies (FTE)",
            Self::VacancyRateFte => "Vacancy rate (FTE)",
            Self::CaseloadFte => "Average caseload",
            Self::PostsNeeded => "Posts needed at the target caseload (FTE)",
            Self::GapFte => "Gap: posts needed less in post and agency (FTE)",
            Self::DirectHoursPerWeek => "Hours of direct work with families per week",
            Self::EquivalentFte => "Direct-work time freed, as equivalent FTE",
        }
    }

    /// Whether the value is a fraction shown as a percentage.
    pub fn is_rate(self) -> bool {
        matches!(
            self,
            Self::TurnoverRateFte | Self::AgencyRateFte | Self::VacancyRateFte
        )
    }
}
