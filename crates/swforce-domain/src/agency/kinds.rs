//! The kinds an engagement is described by: the job type, how the worker is paid, and how
//! they left their last substantive post.

use serde::{Deserialize, Serialize};

/// The kind of post an agency worker fills: the five job types the Department for Education
/// sets price caps for and collects in the quarterly return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobType {
    /// A social worker who holds cases independently.
    SocialWorker,
    SeniorSocialWorker,
    /// An advanced practitioner, including assistant team managers and practice leads.
    AdvancedPractitioner,
    TeamManager,
    /// An independent reviewing officer or child protection conference chair.
    IroOrCpChair,
}

impl JobType {
    pub const ALL: [JobType; 5] = [
        Self::SocialWorker,
        Self::SeniorSocialWorker,
        Self::AdvancedPractitioner,
        Self::TeamManager,
        Self::IroOrCpChair,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::SocialWorker => "social_worker",
            Self::SeniorSocialWorker => "senior_social_worker",
            Self::AdvancedPractitioner => "advanced_practitioner",
            Self::TeamManager => "team_manager",
            Self::IroOrCpChair => "iro_or_cp_chair",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::SocialWorker => "Social worker",
            Self::SeniorSocialWorker => "Senior social worker",
            Self::AdvancedPractitioner => "Advanced practitioner",
            Self::TeamManager => "Team manager",
            Self::IroOrCpChair => "Independent reviewing officer or child protection chair",
        }
    }

    /// What the job type covers, as the Department describes it.
    pub fn covers(self) -> &'static str {
        match self {
            Self::SocialWorker => "a social worker who holds cases independently",
            Self::SeniorSocialWorker => "a senior social worker",
            Self::AdvancedPractitioner => {
                "an advanced practitioner, including assistant team managers and practice leads"
            }
            Self::TeamManager => "a team manager",
            Self::IroOrCpChair => {
                "an independent reviewing officer or child protection conference chair"
            }
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        let id = id.trim();
        Self::ALL
            .into_iter()
            .find(|j| j.id().eq_ignore_ascii_case(id) || j.label().eq_ignore_ascii_case(id))
    }

    /// The job types of swforce before the five of the Department, with what each became when
    /// stored registers were moved over: `(old id, new job type, what to check)`.
    pub const RENAMED: [(&'static str, JobType, &'static str); 4] = [
        ("case_holder", JobType::SocialWorker, "the same job"),
        (
            "senior_practitioner",
            JobType::SeniorSocialWorker,
            "senior and advanced practitioners were one job type: an advanced practitioner (including assistant team managers and practice leads) is advanced_practitioner",
        ),
        ("team_manager", JobType::TeamManager, "the same job"),
        (
            "senior_manager",
            JobType::TeamManager,
            "senior managers are not one of the Department's job types: the nearest is team_manager",
        ),
    ];

    /// An old job type id, as [`Self::RENAMED`] lists it.
    pub fn renamed(old: &str) -> Option<(JobType, &'static str)> {
        Self::RENAMED
            .iter()
            .find(|(id, _, _)| id.eq_ignore_ascii_case(old.trim()))
            .map(|(_, j, why)| (*j, *why))
    }
}

/// How the agency worker is paid, which decides what their hourly pay rate includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayBasis {
    /// Employed by the agency through PAYE: employer National Insurance, the apprenticeship
    /// levy and holiday pay are paid on top of the hourly pay.
    Paye,
    /// Paid through an umbrella company, which pays those out of the hourly rate.
    Umbrella,
    /// Working through their own limited company, which pays those out of the hourly rate.
    LimitedCompany,
}

impl PayBasis {
    pub const ALL: [PayBasis; 3] = [Self::Paye, Self::Umbrella, Self::LimitedCompany];

    pub fn id(self) -> &'static str {
        match self {
            Self::Paye => "paye",
            Self::Umbrella => "umbrella",
            Self::LimitedCompany => "limited_company",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Paye => "PAYE",
            Self::Umbrella => "Umbrella company",
            Self::LimitedCompany => "Limited company",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        let id = id.trim();
        Self::ALL
            .into_iter()
            .find(|b| b.id().eq_ignore_ascii_case(id) || b.label().eq_ignore_ascii_case(id))
    }

    /// Whether the hourly pay rate already includes employer National Insurance, the levy and
    /// holiday pay.
    pub fn pay_includes_on_costs(self) -> bool {
        !matches!(self, Self::Paye)
    }
}

/// How the worker left their last substantive (permanent) post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Leaving {
    Resigned,
    Redundancy,
    LeftInProbation,
    /// The agency engagement is a step into a permanent post with the council.
    MovingToPermanent,
    Dismissed,
    EndOfFixedTerm,
    Retired,
}

impl Leaving {
    pub const ALL: [Leaving; 7] = [
        Self::Resigned,
        Self::Redundancy,
        Self::LeftInProbation,
        Self::MovingToPermanent,
        Self::Dismissed,
        Self::EndOfFixedTerm,
        Self::Retired,
    ];

    /// Whether the rules except this way of leaving from the three months (redundancy, leaving
    /// in probation, moving to a permanent post); any other way of leaving is not excepted.
    pub fn excepted(self) -> bool {
        matches!(
            self,
            Self::Redundancy | Self::LeftInProbation | Self::MovingToPermanent
        )
    }

    pub fn id(self) -> &'static str {
        match self {
            Self::Resigned => "resigned",
            Self::Redundancy => "redundancy",
            Self::LeftInProbation => "left_in_probation",
            Self::MovingToPermanent => "moving_to_permanent",
            Self::Dismissed => "dismissed",
            Self::EndOfFixedTerm => "end_of_fixed_term",
            Self::Retired => "retired",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Resigned => "Resigned",
            Self::Redundancy => "Made redundant",
            Self::LeftInProbation => "Left during probation",
            Self::MovingToPermanent => "Moving to a permanent post",
            Self::Dismissed => "Dismissed",
            Self::EndOfFixedTerm => "End of a fixed-term contract",
            Self::Retired => "Retired",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        let id = id.trim();
        Self::ALL
            .into_iter()
            .find(|l| l.id().eq_ignore_ascii_case(id) || l.label().eq_ignore_ascii_case(id))
    }
}
