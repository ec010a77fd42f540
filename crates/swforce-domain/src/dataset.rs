//! The published datasets swforce understands.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A statistical dataset as released on Explore Education Statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dataset {
    /// Children's social work workforce: headline measures (years to 30 September).
    CswwHeadline,
    /// Children's social work workforce: social workers by organisational role and ethnic group.
    CswwRoleByEthnicity,
    /// Children in need: episodes and children (years to 31 March).
    ChildrenInNeed,
    /// Referrals and re-referrals to children's social care (years to 31 March).
    Referrals,
}

impl Dataset {
    /// Every dataset, workforce first.
    pub const ALL: [Dataset; 4] = [
        Self::CswwHeadline,
        Self::CswwRoleByEthnicity,
        Self::ChildrenInNeed,
        Self::Referrals,
    ];

    /// Stable identifier used in the database, the API and the CLI.
    pub fn id(self) -> &'static str {
        match self {
            Self::CswwHeadline => "csww_headline",
            Self::CswwRoleByEthnicity => "csww_role_by_ethnicity",
            Self::ChildrenInNeed => "children_in_need",
            Self::Referrals => "referrals",
        }
    }

    /// Reads a stable identifier back.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.id() == id)
    }

    /// The title a person recognises.
    pub fn title(self) -> &'static str {
        match self {
            Self::CswwHeadline => "Children's social work workforce: headline measures",
            Self::CswwRoleByEthnicity => {
                "Children's social work workforce: social workers by role and ethnicity"
            }
            Self::ChildrenInNeed => "Children in need",
            Self::Referrals => "Referrals and re-referrals to children's social care",
        }
    }

    /// The publication the dataset comes from.
    pub fn publication(self) -> &'static str {
        match self {
            Self::CswwHeadline | Self::CswwRoleByEthnicity => {
                "Children's social work workforce (Department for Education)"
            }
            Self::ChildrenInNeed | Self::Referrals => "Children in need (Department for Education)",
        }
    }

    /// When a reporting year ends, in words ("30 September").
    pub fn year_end(self) -> &'static str {
        match self {
            Self::CswwHeadline | Self::CswwRoleByEthnicity => "30 September",
            Self::ChildrenInNeed | Self::Referrals => "31 March",
        }
    }

    /// The column that splits one geography and year into several rows, if any.
    pub fn breakdown_column(self) -> Option<&'static str> {
        match self {
            Self::CswwRoleByEthnicity => Some("OrgRole"),
            _ => None,
        }
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}
