//! The operator acting from the command line: a site admin that is no account (it has no id a
//! person could sign in with), whose changes are on the audit log as "swforce command line".

use super::super::Principal;
use crate::App;
use swforce_domain::access::{OrgKind, Role};
use swforce_store::{Organisation, User, UserStatus};

/// The name the command line acts under, on the audit log.
pub const COMMAND_LINE: &str = "swforce command line";

impl App {
    /// The person running the server's command line, as a site admin. Whoever runs it can read
    /// the data folder, so it is not checked against roles; it is never stored as an account.
    pub fn operator(&self) -> Principal {
        let at = super::stamp(jiff::Timestamp::now());
        Principal {
            user: User {
                id: 0,
                org_id: 0,
                team_id: None,
                email: COMMAND_LINE.into(),
                name: COMMAND_LINE.into(),
                roles: vec![Role::SiteAdmin],
                password_hash: None,
                status: UserStatus::Active,
                failed_sign_ins: 0,
                locked_until: None,
                created_at: at.clone(),
                last_sign_in: None,
            },
            org: Organisation {
                id: 0,
                name: COMMAND_LINE.into(),
                kind: OrgKind::NationalBody,
                la_code: None,
                email_domain: None,
                sso: None,
                created_at: at,
                synthetic: false,
            },
            scopes: None,
        }
    }
}

impl App {
    /// The schema version of the database, as it answers now (for a readiness check).
    pub fn schema_version(&self) -> Result<i64, crate::AppError> {
        Ok(self.store().schema_version()?)
    }

    /// How the database connections are used now (none for a store without a pool).
    pub fn connections(&self) -> Option<swforce_store::Connections> {
        self.store().connections()
    }

    /// The schema version this program migrates a database to (no database call).
    pub fn known_schema_version(&self) -> i64 {
        self.store().known_schema_version()
    }

    /// The name an authority is published under (by its code or name), for an organisation
    /// made from the command line without a name of its own: a council made since the
    /// statistics on record by the name of its reorganisation.
    pub fn authority_name(&self, text: &str) -> Option<String> {
        if let Some(g) = self
            .snapshot()
            .ok()
            .and_then(|s| s.find(text.trim()).ok().map(|g| (g.level, g.name.clone())))
            .filter(|(level, _)| *level == swforce_domain::GeographicLevel::LocalAuthority)
        {
            return Some(g.1);
        }
        swforce_domain::lineage::successor(text).map(|(_, name)| name.to_string())
    }
}

impl App {
    /// Removes every synthetic organisation (the demo, and those `swforce diary generate`
    /// made) with all it holds, for a site admin or the command line; the audit line comes
    /// first, naming them. Returns their names (none when there are none).
    pub fn remove_synthetic_organisations(
        &self,
        who: &Principal,
        origin: &crate::access::Origin,
    ) -> Result<Vec<String>, crate::AppError> {
        who.require(swforce_domain::access::Permission::ManageSite)?;
        let synthetic: Vec<_> = self
            .store()
            .organisations()?
            .into_iter()
            .filter(|o| o.synthetic)
            .collect();
        // Invented people only: an organisation someone has since given real accounts stays.
        let mut with_accounts = Vec::new();
        for o in &synthetic {
            let accounts = self.store().users(o.id)?.len();
            if accounts > 0 {
                with_accounts.push(format!(
                    "{} ({})",
                    o.name,
                    swforce_domain::number::count_of(accounts, "account", "accounts")
                ));
            }
        }
        if !with_accounts.is_empty() {
            return Err(crate::AppError::Invalid {
                problem: format!(
                    "these organisations hold invented people and also accounts of real people, which removing them would delete: {}",
                    with_accounts.join("; ")
                ),
                fix: "Nothing was removed. Keep them, or move the people to a real organisation first (invite them there, then disable these accounts with swforce admin user disable)".into(),
            });
        }
        let names: Vec<String> = synthetic.into_iter().map(|o| o.name).collect();
        if names.is_empty() {
            return Ok(names);
        }
        self.audit_event(
            Some(who),
            "admin",
            "synthetic organisations",
            &format!("removed: {}", names.join("; ")),
            origin,
        )?;
        Ok(self.store().remove_synthetic_organisations()?)
    }
}
