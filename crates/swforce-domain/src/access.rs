//! Who may do what: organisation types, roles and the permission matrix.
//!
//! `docs/access.md` prints [`MATRIX`]; the code enforces exactly it, through [`Role::allows`].

use serde::{Deserialize, Serialize};
use std::fmt;

/// Kinds of organisation that use swforce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    LocalAuthority,
    ChildrensTrust,
    Employer,
    Agency,
    RegionalAlliance,
    NationalBody,
    Campaign,
}

impl OrgKind {
    pub const ALL: [OrgKind; 7] = [
        Self::LocalAuthority,
        Self::ChildrensTrust,
        Self::Employer,
        Self::Agency,
        Self::RegionalAlliance,
        Self::NationalBody,
        Self::Campaign,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::LocalAuthority => "local_authority",
            Self::ChildrensTrust => "childrens_trust",
            Self::Employer => "employer",
            Self::Agency => "agency",
            Self::RegionalAlliance => "regional_alliance",
            Self::NationalBody => "national_body",
            Self::Campaign => "campaign",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::LocalAuthority => "Local authority",
            Self::ChildrensTrust => "Children's trust",
            Self::Employer => "NHS or voluntary employer",
            Self::Agency => "Agency",
            Self::RegionalAlliance => "Regional alliance",
            Self::NationalBody => "National body",
            Self::Campaign => "Campaign",
        }
    }

    /// Whether the organisation returns the census for an authority (and so holds its records).
    pub fn holds_census(self) -> bool {
        matches!(self, Self::LocalAuthority | Self::ChildrensTrust)
    }
}

/// What a person does in swforce. A person may hold several roles in their organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    SocialWorker,
    TeamManager,
    WorkforceAnalyst,
    PrincipalSocialWorker,
    OrgAdmin,
    Moderator,
    NationalAnalyst,
    SiteAdmin,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Self::SocialWorker,
        Self::TeamManager,
        Self::WorkforceAnalyst,
        Self::PrincipalSocialWorker,
        Self::OrgAdmin,
        Self::Moderator,
        Self::NationalAnalyst,
        Self::SiteAdmin,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::SocialWorker => "social_worker",
            Self::TeamManager => "team_manager",
            Self::WorkforceAnalyst => "workforce_analyst",
            Self::PrincipalSocialWorker => "principal_social_worker",
            Self::OrgAdmin => "org_admin",
            Self::Moderator => "moderator",
            Self::NationalAnalyst => "national_analyst",
            Self::SiteAdmin => "site_admin",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.id() == id.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::SocialWorker => "Social worker",
            Self::TeamManager => "Team manager",
            Self::WorkforceAnalyst => "Workforce analyst",
            Self::PrincipalSocialWorker => "Principal social worker",
            Self::OrgAdmin => "Organisation admin",
            Self::Moderator => "Moderator",
            Self::NationalAnalyst => "National analyst",
            Self::SiteAdmin => "Site admin",
        }
    }

    /// Whether this role grants `p` (always within the person's own organisation, except where
    /// the permission says otherwise).
    pub fn allows(self, p: Permission) -> bool {
        MATRIX
            .iter()
            .any(|(perm, roles)| *perm == p && roles.contains(&self))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Every action that needs a permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Save a projection scenario for the organisation, and delete its own.
    SaveScenarios,
    /// Create API tokens for oneself.
    UseApi,
    /// Import the authority's census return and see its records' indicators.
    ImportCensus,
    /// Download the authority's census return (personal data).
    ExportCensus,
    /// Invite people, set their roles and teams, lock and unlock them.
    ManageUsers,
    /// Configure an organisation's single sign-on and email domain (site admins only: a
    /// provider is trusted with every account of the organisation).
    ConfigureSso,
    /// Read and export the organisation's audit log.
    ViewAudit,
    /// Import published statistics (public data, for everyone).
    ImportStatistics,
    /// Keep the council's register of agency engagements, see their checks and summary, set
    /// permanent costs and export the quarterly return.
    ManageAgency,
    /// Set the region's agency price caps and see its councils' agency figures (regional
    /// alliances).
    RegionalAgency,
    /// Moderate shared examples and edit the resources pages.
    Moderate,
    /// Run the campaign: themes, feedback forms, and exporting responses and steering group
    /// sign-ups.
    RunCampaign,
    /// Keep one's own weekly time diary (every member of an organisation).
    KeepTimeDiary,
    /// See the time diary balance of the organisation and its teams (sums only, never a
    /// person's diary, and only where at least five people contributed).
    ViewTimeAggregates,
    /// Rename, add, remap and retire the organisation's diary categories, and opt its sums in
    /// to its region's and England's.
    ManageTimeDiary,
    /// Open and close the organisation's health check rounds, hand out invitations, complete
    /// its self-assessment and read its free text.
    RunHealthCheck,
    /// See the organisation's published health check results (groups of at least five
    /// responses, never a response).
    ViewHealthCheckResults,
    /// Answer the organisation's open health check rounds (every member).
    AnswerHealthCheck,
    /// Create organisations and their first admins; see every organisation's audit log.
    ManageSite,
}

impl Permission {
    pub fn describe(self) -> &'static str {
        match self {
            Self::SaveScenarios => "Save projection scenarios for the organisation",
            Self::UseApi => "Create and revoke their own API tokens",
            Self::ImportCensus => {
                "Import the authority's census return and see the indicators of its records"
            }
            Self::ExportCensus => "Download the authority's census return (personal data)",
            Self::ManageUsers => {
                "Invite people to the organisation, set their roles and teams, lock and unlock them"
            }
            Self::ConfigureSso => "Configure an organisation's single sign-on and email domain",
            Self::ViewAudit => "Read and export the organisation's audit log",
            Self::ImportStatistics => "Import published statistics (public data, seen by everyone)",
            Self::ManageAgency => {
                "Keep the council's register of agency engagements, see their checks, and export the quarterly return"
            }
            Self::RegionalAgency => {
                "Set the region's agency price caps and see its councils' agency figures (regional alliances)"
            }
            Self::Moderate => "Moderate shared examples and edit the resources pages",
            Self::RunCampaign => {
                "Run the campaign: themes, feedback forms, and exporting responses and steering group sign-ups"
            }
            Self::KeepTimeDiary => "Keep their own weekly time diary",
            Self::ViewTimeAggregates => {
                "See the time diary balance of the organisation and its teams (sums of at least five people, never a diary)"
            }
            Self::ManageTimeDiary => {
                "Change the organisation's diary categories and opt its sums in to its region's and England's"
            }
            Self::RunHealthCheck => {
                "Open and close the organisation's health check rounds, hand out invitations, complete its self-assessment and read its free text"
            }
            Self::ViewHealthCheckResults => {
                "See the organisation's published health check results (groups of at least five responses, never a response)"
            }
            Self::AnswerHealthCheck => "Answer the organisation's open health check rounds",
            Self::ManageSite => {
                "Create organisations and their first admins; read every organisation's audit log"
            }
        }
    }
}

use Role::*;

/// The permission matrix: each permission and the roles that hold it. Anyone, signed in or not,
/// may read the published statistics, projections, the method pages and check a census file
/// (nothing is stored); everything else is here.
pub const MATRIX: &[(Permission, &[Role])] = &[
    (
        Permission::SaveScenarios,
        &[
            SocialWorker,
            TeamManager,
            WorkforceAnalyst,
            PrincipalSocialWorker,
            OrgAdmin,
            Moderator,
            NationalAnalyst,
            SiteAdmin,
        ],
    ),
    (
        Permission::UseApi,
        &[
            TeamManager,
            WorkforceAnalyst,
            PrincipalSocialWorker,
            OrgAdmin,
            NationalAnalyst,
            SiteAdmin,
        ],
    ),
    (Permission::ImportCensus, &[WorkforceAnalyst, OrgAdmin]),
    (Permission::ExportCensus, &[WorkforceAnalyst, OrgAdmin]),
    (Permission::ManageUsers, &[OrgAdmin, SiteAdmin]),
    (Permission::ConfigureSso, &[SiteAdmin]),
    (Permission::ViewAudit, &[OrgAdmin, SiteAdmin]),
    (Permission::ImportStatistics, &[NationalAnalyst, SiteAdmin]),
    (Permission::ManageAgency, &[WorkforceAnalyst, OrgAdmin]),
    (Permission::RegionalAgency, &[WorkforceAnalyst, OrgAdmin]),
    (Permission::Moderate, &[Moderator, SiteAdmin]),
    (Permission::RunCampaign, &[Moderator, SiteAdmin]),
    (
        Permission::KeepTimeDiary,
        &[
            SocialWorker,
            TeamManager,
            WorkforceAnalyst,
            PrincipalSocialWorker,
            OrgAdmin,
            Moderator,
            NationalAnalyst,
            SiteAdmin,
        ],
    ),
    (
        Permission::ViewTimeAggregates,
        &[
            TeamManager,
            WorkforceAnalyst,
            PrincipalSocialWorker,
            OrgAdmin,
        ],
    ),
    (Permission::ManageTimeDiary, &[WorkforceAnalyst, OrgAdmin]),
    (
        Permission::RunHealthCheck,
        &[PrincipalSocialWorker, OrgAdmin],
    ),
    (
        Permission::ViewHealthCheckResults,
        &[
            TeamManager,
            WorkforceAnalyst,
            PrincipalSocialWorker,
            OrgAdmin,
        ],
    ),
    (
        Permission::AnswerHealthCheck,
        &[
            SocialWorker,
            TeamManager,
            WorkforceAnalyst,
            PrincipalSocialWorker,
            OrgAdmin,
            Moderator,
            NationalAnalyst,
            SiteAdmin,
        ],
    ),
    (Permission::ManageSite, &[SiteAdmin]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_and_kind_reads_back_and_the_matrix_names_each_permission_once() {
        for r in Role::ALL {
            assert_eq!(Role::from_id(r.id()), Some(r));
        }
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::from_id(k.id()), Some(k));
        }
        let mut seen = std::collections::HashSet::new();
        for (p, _) in MATRIX {
            assert!(seen.insert(*p), "{p:?} twice");
        }
    }

    #[test]
    fn personal_data_is_for_analysts_and_admins_only() {
        assert!(Role::WorkforceAnalyst.allows(Permission::ExportCensus));
        assert!(!Role::TeamManager.allows(Permission::ExportCensus));
        assert!(!Role::SocialWorker.allows(Permission::ImportCensus));
        assert!(
            !Role::SiteAdmin.allows(Permission::ExportCensus),
            "a site admin does not read an authority's records"
        );
        assert!(Role::SocialWorker.allows(Permission::SaveScenarios));
    }
}

#[cfg(test)]
mod docs {
    use super::*;

    /// `docs/access.md` prints the matrix; this keeps the two the same.
    #[test]
    fn the_documented_permission_matrix_is_the_one_enforced() {
        let doc = include_str!("../../../docs/access.md");
        let header = doc
            .lines()
            .find(|l| l.starts_with("| What |"))
            .expect("docs/access.md has the permission table");
        let columns: Vec<&str> = header
            .split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .skip(1)
            .take(Role::ALL.len())
            .collect();
        assert_eq!(
            columns,
            Role::ALL.map(Role::label),
            "the table's columns are the roles, in order (then the token scope, checked where \
             scopes are defined)"
        );
        for (p, roles) in MATRIX {
            let row = doc
                .lines()
                .find(|l| l.starts_with(&format!("| {} |", p.describe())))
                .unwrap_or_else(|| panic!("docs/access.md has no row for {p:?}"));
            let cells: Vec<&str> = row
                .split('|')
                .map(str::trim)
                .skip(2)
                .take(Role::ALL.len())
                .collect();
            for (role, cell) in Role::ALL.iter().zip(cells) {
                assert_eq!(
                    cell == "✓",
                    roles.contains(role),
                    "{p:?} for {role:?}: the page says {cell:?}"
                );
            }
        }
        let rows = doc
            .lines()
            .skip_while(|l| !l.starts_with("| What |"))
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .count();
        assert_eq!(
            rows,
            MATRIX.len(),
            "every row of the table is a permission the code knows"
        );
    }
}
