//! People and teams: an organisation admin invites people, gives roles (only those they may
//! give), moves them between teams and suspends them.

use super::{check_email, conflict, grantable, invalid, not_found};
use crate::access::{Mail, Origin, Principal, stamp};
use crate::display::one_line;
use crate::{App, AppError};
use jiff::Timestamp;
use swforce_domain::access::{Permission, Role};
use swforce_store::{NewUser, Team, User, UserStatus};

impl App {
    /// People of an organisation the person may manage.
    pub fn people(&self, who: &Principal, org_id: i64) -> Result<Vec<User>, AppError> {
        who.require_read(Permission::ManageUsers)?;
        if !who.reaches(org_id) {
            return Err(not_found("organisation"));
        }
        Ok(self.store().users(org_id)?)
    }

    pub fn teams_of(&self, who: &Principal, org_id: i64) -> Result<Vec<Team>, AppError> {
        if !who.reaches(org_id) {
            return Err(not_found("organisation"));
        }
        Ok(self.store().teams(org_id)?)
    }

    pub fn create_team(
        &self,
        who: &Principal,
        org_id: i64,
        name: &str,
        origin: &Origin,
    ) -> Result<Team, AppError> {
        who.require(Permission::ManageUsers)?;
        if !who.reaches(org_id) {
            return Err(not_found("organisation"));
        }
        let name = name.trim();
        one_line("The team's name", name)?;
        if name.is_empty() || name.chars().count() > 100 {
            return Err(invalid(
                "Enter the team's name, of 100 characters or fewer",
                "Use the name people know it by, such as Assessment East",
            ));
        }
        let team = self
            .store()
            .create_team(org_id, name)
            .map_err(|e| conflict(e, "Choose another name"))?;
        self.audit_org(
            who,
            org_id,
            "admin",
            &format!("team {name}"),
            "team created",
            origin,
        )?;
        Ok(team)
    }

    /// Invites someone to an organisation: makes their account and emails them a link to set
    /// their password (people who use single sign-on can sign in straight away). Returns the
    /// account and the link, which the admin may also pass on themselves.
    #[allow(clippy::too_many_arguments)]
    pub fn invite(
        &self,
        who: &Principal,
        org_id: i64,
        email: &str,
        name: &str,
        roles: &[String],
        team: Option<i64>,
        base_url: &str,
        origin: &Origin,
    ) -> Result<(User, String), AppError> {
        who.require(Permission::ManageUsers)?;
        let org = self.organisation_for(who, org_id)?;
        let email = check_email(email)?;
        // An address at a domain verified as another organisation's belongs there.
        if let Some((_, domain)) = email.rsplit_once('@')
            && let Some(owner) = self.store().organisation_by_domain(domain)?
            && owner.id != org.id
            && self
                .store()
                .verified_domain(owner.id)?
                .is_some_and(|(d, _)| d == domain)
        {
            return Err(invalid(
                format!("Addresses at {domain} belong to another organisation"),
                "Invite people with their address at this organisation",
            ));
        }
        let name = name.trim();
        one_line("The person's name", name)?;
        if name.is_empty() || name.chars().count() > 200 {
            return Err(invalid(
                "Enter the person's full name",
                "As they would like it shown",
            ));
        }
        let roles = self.parse_roles(who, roles)?;
        let team = self.check_team(org.id, team)?;
        let now = Timestamp::now();
        let existing = self.store().user_by_email(&email)?;
        if existing.as_ref().is_some_and(|u| {
            u.org_id != org.id || u.password_hash.is_some() || u.last_sign_in.is_some()
        }) {
            return Err(invalid(
                "Someone already has an account with that email address",
                "Find them in the list of people, or check the address",
            ));
        }
        // The line first: no invitation without it.
        self.audit_org(
            who,
            org.id,
            "admin",
            &format!("person {email}"),
            &format!(
                "invited with roles {}",
                roles.iter().map(|r| r.id()).collect::<Vec<_>>().join(" ")
            ),
            origin,
        )?;
        let user = match existing {
            // Inviting again someone who never set a password sends a new link.
            Some(u) => u,
            None => self
                .store()
                .create_user(&NewUser {
                    org_id: org.id,
                    team_id: team,
                    email: &email,
                    name,
                    roles: &roles,
                    password_hash: None,
                    created_at: &stamp(now),
                })
                .map_err(|e| conflict(e, "Check the address"))?,
        };
        let secret = self.invitation_secret(&user, now)?;
        let link = format!("{}/invitations/{secret}", base_url.trim_end_matches('/'));
        let sent = self.mailer().and_then(|m| {
            m.send(&Mail {
                to: email.clone(),
                subject: format!("You have been invited to swforce by {}", org.name),
                body: format!(
                    "{} has invited you to use swforce for {}.\n\nTo set your password and sign in, open this link within {} days:\n\n{link}\n\nIf you were not expecting this, ignore this email.\n",
                    who.user.name,
                    org.name,
                    crate::access::INVITATION_DAYS
                ),
            })
            .map_err(AppError::Unavailable)
        });
        if let Err(e) = sent {
            tracing::warn!(error = %e, "invitation email not sent");
        }
        Ok((user, link))
    }

    fn parse_roles(&self, who: &Principal, roles: &[String]) -> Result<Vec<Role>, AppError> {
        let allowed = grantable(who);
        let mut out = Vec::new();
        for r in roles {
            let role = Role::from_id(r).ok_or_else(|| {
                invalid(
                    format!("There is no role called {r:?}"),
                    "Choose from the roles listed",
                )
            })?;
            if !allowed.contains(&role) {
                return Err(AppError::Forbidden {
                    problem: format!("You cannot give the role of {}", role.label()),
                    fix: "Only a site admin can give national and site roles".into(),
                });
            }
            if !out.contains(&role) {
                out.push(role);
            }
        }
        if out.is_empty() {
            return Err(invalid(
                "Select at least one role",
                "Choose what the person does",
            ));
        }
        out.sort();
        Ok(out)
    }

    fn check_team(&self, org_id: i64, team: Option<i64>) -> Result<Option<i64>, AppError> {
        match team {
            None => Ok(None),
            Some(t) if self.store().teams(org_id)?.iter().any(|x| x.id == t) => Ok(Some(t)),
            Some(_) => Err(invalid(
                "Select one of the organisation's teams",
                "Or leave the team empty",
            )),
        }
    }

    /// A person the acting admin may manage, by their email address.
    pub fn user_by_email_for(&self, who: &Principal, email: &str) -> Result<User, AppError> {
        who.require_read(Permission::ManageUsers)?;
        match self.store().user_by_email(&email.trim().to_lowercase())? {
            Some(u) if who.reaches(u.org_id) => Ok(u),
            _ => Err(not_found("person")),
        }
    }

    /// A person the acting admin may manage.
    pub fn person(&self, who: &Principal, user_id: i64) -> Result<User, AppError> {
        who.require_read(Permission::ManageUsers)?;
        match self.store().user(user_id)? {
            Some(u) if who.reaches(u.org_id) => Ok(u),
            _ => Err(not_found("person")),
        }
    }

    /// Changes a person's roles, team and whether they can sign in. Admins cannot lock
    /// themselves out or take away their own admin role.
    #[allow(clippy::too_many_arguments)]
    pub fn update_person(
        &self,
        who: &Principal,
        user_id: i64,
        roles: &[String],
        team: Option<i64>,
        locked: bool,
        origin: &Origin,
    ) -> Result<User, AppError> {
        let mut user = self.person(who, user_id)?;
        let roles = self.parse_roles(who, roles)?;
        // Roles the admin may not give stay as they were.
        let mut kept: Vec<Role> = user
            .roles
            .iter()
            .copied()
            .filter(|r| !grantable(who).contains(r))
            .collect();
        kept.extend(roles);
        kept.sort();
        kept.dedup();
        if user.id == who.user.id {
            if locked {
                return Err(invalid(
                    "You cannot lock your own account",
                    "Ask another admin",
                ));
            }
            let admin = |rs: &[Role]| rs.contains(&Role::OrgAdmin) || rs.contains(&Role::SiteAdmin);
            if admin(&user.roles) && !admin(&kept) {
                return Err(invalid(
                    "You cannot take away your own admin role",
                    "Ask another admin",
                ));
            }
        }
        let team = self.check_team(user.org_id, team)?;
        let was_locked = user.status == UserStatus::Locked;
        user.roles = kept;
        user.team_id = team;
        user.status = if locked {
            UserStatus::Locked
        } else {
            UserStatus::Active
        };
        if !locked {
            user.locked_until = None;
        }
        let detail = format!(
            "roles {}; {}",
            user.roles
                .iter()
                .map(|r| r.id())
                .collect::<Vec<_>>()
                .join(" "),
            if locked { "locked" } else { "active" }
        );
        // The line first: no change without it.
        self.audit_org(
            who,
            user.org_id,
            "admin",
            &format!("person {}", user.email),
            &detail,
            origin,
        )?;
        self.store().update_user(&user)?;
        if locked && !was_locked {
            self.store().delete_sessions_of(user.id)?;
        }
        Ok(user)
    }
}
