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
    /// ONS mid-year population estimates of children aged 0 to 17 (at 30 June).
    ChildPopulation,
    /// The Department's statistical neighbour groupings: for each authority (by its DfE code, as
    /// the breakdown of one England row per model year), its ten most similar authorities in
    /// order, with how close each is.
    StatisticalNeighbours,
}

impl Dataset {
    /// Every dataset, workforce first.
    pub const ALL: [Dataset; 6] = [
        Self::CswwHeadline,
        Self::CswwRoleByEthnicity,
        Self::ChildrenInNeed,
        Self::Referrals,
        Self::ChildPopulation,
        Self::StatisticalNeighbours,
    ];

    /// Whether the dataset holds figures of places (shown as indicators and defined on the
    /// about page), not a grouping of them.
    pub fn holds_figures(self) -> bool {
        self != Self::StatisticalNeighbours
    }

    /// Who publishes it, as credited beside its figures.
    pub fn publisher(self) -> &'static str {
        match self {
            Self::ChildPopulation => "Office for National Statistics",
            _ => "Department for Education",
        }
    }

    /// Stable identifier used in the database, the API and the CLI.
    pub fn id(self) -> &'static str {
        match self {
            Self::CswwHeadline => "csww_headline",
            Self::CswwRoleByEthnicity => "csww_role_by_ethnicity",
            Self::ChildrenInNeed => "children_in_need",
            Self::Referrals => "referrals",
            Self::ChildPopulation => "child_population",
            Self::StatisticalNeighbours => "statistical_neighbours",
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
            Self::ChildPopulation => "Children aged 0 to 17: mid-year population estimates",
            Self::StatisticalNeighbours => "Statistical neighbours of local authorities",
        }
    }

    /// The publication the dataset comes from.
    pub fn publication(self) -> &'static str {
        match self {
            Self::CswwHeadline | Self::CswwRoleByEthnicity => {
                "Children's social work workforce (Department for Education)"
            }
            Self::ChildrenInNeed | Self::Referrals => "Children in need (Department for Education)",
            Self::ChildPopulation => {
                "Mid-year population estimates (Office for National Statistics), as published on \
                 Explore Education Statistics"
            }
            Self::StatisticalNeighbours => {
                "Children's services statistical neighbour benchmarking tool (Department for \
                 Education)"
            }
        }
    }

    /// When a reporting year ends, in words ("30 September").
    pub fn year_end(self) -> &'static str {
        match self {
            Self::CswwHeadline | Self::CswwRoleByEthnicity => "30 September",
            Self::ChildrenInNeed | Self::Referrals => "31 March",
            Self::ChildPopulation => "30 June",
            Self::StatisticalNeighbours => "the model's year",
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
