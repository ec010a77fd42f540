//! Administration: organisations (site admins), people and teams (organisation admins), single
//! sign-on settings and the audit log.

use super::{Mail, Origin, Principal, stamp};
use crate::display::one_line;
use crate::public_id::Kind;
use crate::{App, AppError};
use jiff::Timestamp;
use swforce_domain::GeographicLevel;
use swforce_domain::access::{OrgKind, Permission, Role};
use swforce_store::{
    AuditEvent, NewOrganisation, NewUser, Organisation, SsoConfig, StoreError, Team, User,
    UserStatus,
};

/// An organisation with how many people it has, for the site admin's list.
#[derive(Debug, Clone)]
pub struct OrgSummary {
    pub org: Organisation,
    pub people: usize,
}

fn invalid(problem: impl Into<String>, fix: impl Into<String>) -> AppError {
    AppError::Invalid {
        problem: problem.into(),
        fix: fix.into(),
    }
}

fn conflict(e: StoreError, fix: &str) -> AppError {
    match e {
        StoreError::Conflict(what) => invalid(capitalise(&what), fix),
        other => other.into(),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A record that is not there, or not the person's to see (its number is never told).
fn not_found(kind: &'static str) -> AppError {
    AppError::NotFound {
        kind,
        query: String::new(),
        suggestions: Vec::new(),
    }
}

/// A plausible email address, in lower case: `local@domain.tld` in plain ASCII, the local part
/// of letters, digits and `. _ + - '` (no leading, trailing or double dot), the domain of
/// labels of letters, digits and hyphens. Nothing invisible, no quoting, comments or routing
/// (`%`, `!`), so an address always reads as what it is.
pub(crate) fn check_email(email: &str) -> Result<String, AppError> {
    let e = email.trim().to_lowercase();
    let label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty()
                && l.len() <= 64
                && !l.starts_with('.')
                && !l.ends_with('.')
                && !l.contains("..")
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".+-_'".contains(&b))
                && d.contains('.')
                && d.split('.').all(label)
        });
    if ok {
        Ok(e)
    } else {
        Err(invalid(
            "Enter an email address in the right format, like name@example.gov.uk",
            "Check the address for typing mistakes",
        ))
    }
}

fn check_domain(domain: &str) -> Result<Option<String>, AppError> {
    let d = domain.trim().trim_start_matches('@').to_lowercase();
    if d.is_empty() {
        return Ok(None);
    }
    if d.contains('.')
        && d.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && !d.starts_with('.')
        && !d.ends_with('.')
    {
        Ok(Some(d))
    } else {
        Err(invalid(
            "Enter the email domain in the right format, like kent.gov.uk",
            "Give the part after the @ in people's email addresses",
        ))
    }
}

/// The roles an organisation admin gives (the others, national and site roles, only a site
/// admin gives).
pub const ORGANISATION_ROLES: [Role; 4] = [
    Role::SocialWorker,
    Role::TeamManager,
    Role::WorkforceAnalyst,
    Role::OrgAdmin,
];

/// Roles a person may give: an organisation admin gives the roles of an organisation; only a
/// site admin gives the national and site roles.
pub fn grantable(by: &Principal) -> Vec<Role> {
    if by.can(Permission::ManageSite) {
        Role::ALL.to_vec()
    } else if by.can(Permission::ManageUsers) {
        ORGANISATION_ROLES.to_vec()
    } else {
        Vec::new()
    }
}

impl App {
    /// Makes the first site admin (or another one), in an organisation for the people who run
    /// the service, and returns the secret of the link that sets their password. For the CLI,
    /// which is run by the operator.
    pub fn create_site_admin(
        &self,
        email: &str,
        name: &str,
        organisation: &str,
    ) -> Result<(User, String), AppError> {
        let email = check_email(email)?;
        one_line("The name", name)?;
        one_line("The organisation's name", organisation)?;
        let now = Timestamp::now();
        let org = match self
            .store()
            .organisations()?
            .into_iter()
            .find(|o| o.name == organisation.trim())
        {
            Some(o) => o,
            None => self
                .store()
                .create_organisation(&NewOrganisation {
                    name: organisation.trim(),
                    kind: OrgKind::NationalBody,
                    la_code: None,
                    email_domain: None,
                    created_at: &stamp(now),
                })
                .map_err(|e| conflict(e, "Choose another organisation name"))?,
        };
        let user = match self.store().user_by_email(&email)? {
            Some(mut u) => {
                if !u.roles.contains(&Role::SiteAdmin) {
                    u.roles.push(Role::SiteAdmin);
                }
                u.status = UserStatus::Active;
                u.locked_until = None;
                self.store().update_user(&u)?;
                u
            }
            None => self.store().create_user(&NewUser {
                org_id: org.id,
                team_id: None,
                email: &email,
                name: if name.trim().is_empty() {
                    &email
                } else {
                    name.trim()
                },
                roles: &[Role::SiteAdmin],
                password_hash: None,
                created_at: &stamp(now),
            })?,
        };
        let secret = self.invitation_secret(&user, now)?;
        self.audit_raw(
            Some(user.org_id),
            Some(user.id),
            "swforce",
            "admin",
            &format!("site admin {email} made from the command line"),
            &Origin::default(),
            now,
        )?;
        Ok((user, secret))
    }

    /// Organisations the person may see: every one for a site admin, else their own.
    pub fn organisations_for(&self, who: &Principal) -> Result<Vec<OrgSummary>, AppError> {
        let orgs = if who.can(Permission::ManageSite) {
            self.store().organisations()?
        } else {
            vec![who.org.clone()]
        };
        orgs.into_iter()
            .map(|org| {
                Ok(OrgSummary {
                    people: self.store().users(org.id)?.len(),
                    org,
                })
            })
            .collect()
    }

    /// One organisation, if the person may administer it (else "not found", so others'
    /// organisations are not revealed).
    pub fn organisation_for(&self, who: &Principal, id: i64) -> Result<Organisation, AppError> {
        if !who.reaches(id)
            || !(who.can(Permission::ManageUsers)
                || who.can(Permission::ConfigureSso)
                || who.can(Permission::ViewAudit))
        {
            return Err(not_found("organisation"));
        }
        self.store()
            .organisation(id)?
            .ok_or_else(|| not_found("organisation"))
    }

    pub fn create_organisation(
        &self,
        who: &Principal,
        name: &str,
        kind: &str,
        la: &str,
        domain: &str,
        origin: &Origin,
    ) -> Result<Organisation, AppError> {
        who.require(Permission::ManageSite)?;
        let name = name.trim();
        one_line("The organisation's name", name)?;
        if name.is_empty() || name.chars().count() > 200 {
            return Err(invalid(
                "Enter the organisation's name, of 200 characters or fewer",
                "Use its full name, such as Kent County Council",
            ));
        }
        let Some(kind) = OrgKind::from_id(kind) else {
            return Err(invalid(
                "Select the type of organisation",
                "Choose the one closest to what it is",
            ));
        };
        let la_code = if la.trim().is_empty() {
            if kind.holds_census() {
                return Err(invalid(
                    "Select the local authority whose census this organisation returns",
                    "Local authorities and children's trusts return the census for one authority",
                ));
            }
            if kind == OrgKind::RegionalAlliance {
                return Err(invalid(
                    "Enter the region the regional alliance covers",
                    "Give a region's name or code, such as South East or E12000008",
                ));
            }
            None
        } else if kind == OrgKind::RegionalAlliance {
            let snap = self.snapshot()?;
            let place = snap.find(la.trim())?;
            if place.level != GeographicLevel::Regional || place.code.as_str().starts_with("E13") {
                return Err(invalid(
                    format!("{} is not a region", place.name),
                    "Give one of the nine regions, such as South East or E12000008",
                ));
            }
            Some(place.code.to_string())
        } else {
            let snap = self.snapshot()?;
            let place = snap.find(la.trim())?;
            if place.level != GeographicLevel::LocalAuthority {
                return Err(invalid(
                    format!("{} is not a local authority", place.name),
                    "Give a local authority's name or code",
                ));
            }
            Some(place.code.to_string())
        };
        let domain = check_domain(domain)?;
        let org = self
            .store()
            .create_organisation(&NewOrganisation {
                name,
                kind,
                la_code: la_code.as_deref(),
                email_domain: domain.as_deref(),
                created_at: &stamp(Timestamp::now()),
            })
            .map_err(|e| {
                conflict(
                    e,
                    "Each organisation has its own name, authority and email domain",
                )
            })?;
        self.audit_event(
            Some(who),
            "admin",
            &format!(
                "organisation {} ({})",
                org.name,
                self.public_id(Kind::Organisation, org.id)?
            ),
            "organisation created",
            origin,
        )?;
        // The new organisation's log starts with its own creation.
        self.store().append_audit(&AuditEvent {
            id: 0,
            at: stamp(Timestamp::now()),
            org_id: Some(org.id),
            user_id: Some(who.user.id),
            actor: who.user.email.clone(),
            action: "admin".into(),
            target: format!("organisation {}", org.name),
            detail: "organisation created".into(),
            ip: origin.ip.clone(),
        })?;
        Ok(org)
    }

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
        let user = match self.store().user_by_email(&email)? {
            // Inviting again someone who never set a password sends a new link.
            Some(u)
                if u.org_id == org.id && u.password_hash.is_none() && u.last_sign_in.is_none() =>
            {
                u
            }
            Some(_) => {
                return Err(invalid(
                    "Someone already has an account with that email address",
                    "Find them in the list of people, or check the address",
                ));
            }
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
        let sent = self.mailer().and_then(|m| {
            m.send(&Mail {
                to: email.clone(),
                subject: format!("You have been invited to swforce by {}", org.name),
                body: format!(
                    "{} has invited you to use swforce for {}.\n\nTo set your password and sign in, open this link within {} days:\n\n{link}\n\nIf you were not expecting this, ignore this email.\n",
                    who.user.name,
                    org.name,
                    super::INVITATION_DAYS
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
        self.store().update_user(&user)?;
        if locked && !was_locked {
            self.store().delete_sessions_of(user.id)?;
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
        self.audit_org(
            who,
            user.org_id,
            "admin",
            &format!("person {}", user.email),
            &detail,
            origin,
        )?;
        Ok(user)
    }

    /// Sets or clears an organisation's single sign-on and email domain.
    #[allow(clippy::too_many_arguments)]
    pub fn configure_sso(
        &self,
        who: &Principal,
        org_id: i64,
        domain: &str,
        issuer: &str,
        client_id: &str,
        client_secret: &str,
        origin: &Origin,
    ) -> Result<(), AppError> {
        who.require(Permission::ConfigureSso)?;
        let org = self.organisation_for(who, org_id)?;
        let domain = check_domain(domain)?;
        let issuer = issuer.trim().trim_end_matches('/');
        one_line("The issuer", issuer)?;
        one_line("The client ID", client_id)?;
        one_line("The client secret", client_secret)?;
        let sso = if issuer.is_empty() {
            None
        } else {
            let plain = url::Url::parse(issuer).is_ok_and(|u| {
                u.username().is_empty()
                    && u.password().is_none()
                    && u.query().is_none()
                    && u.fragment().is_none()
            });
            if !plain || !super::sso::address_allowed(issuer, self.insecure_sso()) {
                return Err(invalid(
                    "The issuer must be an https:// address, with no user name, query or fragment",
                    "Copy it from your identity provider, such as https://login.microsoftonline.com/<tenant id>/v2.0",
                ));
            }
            if client_id.trim().is_empty() {
                return Err(invalid(
                    "Enter the client ID",
                    "Copy it from the application registered with your identity provider",
                ));
            }
            if domain.is_none() {
                return Err(invalid(
                    "Enter the email domain people sign in with",
                    "Single sign-on matches accounts by email domain",
                ));
            }
            // Leaving the secret empty keeps the one on record.
            let secret = if client_secret.is_empty() {
                org.sso
                    .as_ref()
                    .map(|s| s.client_secret.clone())
                    .unwrap_or_default()
            } else {
                client_secret.to_string()
            };
            Some(SsoConfig {
                issuer: issuer.to_string(),
                client_id: client_id.trim().to_string(),
                client_secret: secret,
            })
        };
        self.store()
            .set_sso(org.id, sso.as_ref(), domain.as_deref())
            .map_err(|e| conflict(e, "Each organisation has its own email domain"))?;
        if domain != org.email_domain {
            // A new domain is verified afresh, even one the organisation had before.
            self.store().forget_verified_domain(org.id)?;
        }
        let detail = match &sso {
            Some(s) => format!(
                "single sign-on with {} for {}",
                s.issuer,
                domain.unwrap_or_default()
            ),
            None => "single sign-on turned off".into(),
        };
        self.audit_org(
            who,
            org.id,
            "admin",
            &format!("organisation {}", org.name),
            &detail,
            origin,
        )
    }

    /// The audit log of an organisation (or, for a site admin, of every one when `org_id` is
    /// `None`), newest first.
    pub fn audit_log(
        &self,
        who: &Principal,
        org_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, AppError> {
        who.require_read(Permission::ViewAudit)?;
        let org = match org_id {
            None if who.can(Permission::ManageSite) => None,
            None => Some(who.org.id),
            Some(id) if who.reaches(id) => Some(id),
            Some(_) => return Err(not_found("organisation")),
        };
        Ok(self.store().audit(org, limit)?)
    }

    /// Writes an admin action to the organisation it touched (and, when a site admin acts on
    /// another organisation, to their own too).
    pub(crate) fn audit_org(
        &self,
        who: &Principal,
        org_id: i64,
        action: &str,
        target: &str,
        detail: &str,
        origin: &Origin,
    ) -> Result<(), AppError> {
        let line = |org: i64| AuditEvent {
            id: 0,
            at: stamp(Timestamp::now()),
            org_id: Some(org),
            user_id: Some(who.user.id),
            actor: who.user.email.clone(),
            action: action.to_string(),
            target: target.to_string(),
            detail: detail.to_string(),
            ip: origin.ip.clone(),
        };
        self.store().append_audit(&line(org_id))?;
        if org_id != who.org.id {
            self.store().append_audit(&line(who.org.id))?;
        }
        Ok(())
    }
}

/// How long a domain verification link works.
pub const DOMAIN_LINK_HOURS: i64 = 24;

impl App {
    /// The organisation's email domain and, if it has been shown to be the organisation's, when.
    /// Only a verified domain sends anyone to the organisation's sign-on service.
    pub fn domain_verification(
        &self,
        org: &Organisation,
    ) -> Result<Option<(String, Option<String>)>, AppError> {
        let Some(domain) = org.email_domain.clone() else {
            return Ok(None);
        };
        let verified = self
            .store()
            .verified_domain(org.id)?
            .filter(|(d, _)| *d == domain)
            .map(|(_, at)| at);
        Ok(Some((domain, verified)))
    }

    /// Sends a link to `address`, which must be at the organisation's email domain; opening it
    /// shows the domain is the organisation's. For whoever sets up single sign-on.
    pub fn send_domain_verification(
        &self,
        who: &Principal,
        org_id: i64,
        address: &str,
        base_url: &str,
        origin: &Origin,
    ) -> Result<(), AppError> {
        who.require(Permission::ConfigureSso)?;
        let org = self.organisation_for(who, org_id)?;
        let Some(domain) = org.email_domain.clone() else {
            return Err(invalid(
                "The organisation has no email domain to verify",
                "Enter its email domain under Single sign-on first",
            ));
        };
        let address = check_email(address)?;
        if address.rsplit_once('@').map(|(_, d)| d) != Some(domain.as_str()) {
            return Err(invalid(
                format!("Enter an address at {domain}"),
                format!(
                    "Someone who reads mail at {domain}, such as the IT service desk, opens the link"
                ),
            ));
        }
        let now = Timestamp::now();
        let secret = super::new_secret();
        self.store().create_token(&swforce_store::OneTimeToken {
            kind: swforce_store::TokenKind::DomainVerification,
            hash: super::digest(&secret),
            org_id: Some(org.id),
            user_id: Some(who.user.id),
            email: Some(address.clone()),
            payload: domain.clone(),
            expires_at: stamp(super::plus(now, jiff::ToSpan::hours(DOMAIN_LINK_HOURS))),
        })?;
        self.audit_org(
            who,
            org.id,
            "admin",
            &format!("email domain {domain}"),
            &format!("verification link sent to {address}"),
            origin,
        )?;
        let link = format!("{}/domains/verify/{secret}", base_url.trim_end_matches('/'));
        self.mailer()?
            .send(&Mail {
                to: address,
                subject: format!("Confirm that {domain} belongs to {}", org.name),
                body: format!(
                    "{} asked swforce to confirm that the email domain {domain} belongs to {}, so that people with addresses at {domain} can sign in through its own sign-on service.\n\nIf {domain} is {}'s, open this link within {DOMAIN_LINK_HOURS} hours:\n\n{link}\n\nIf it is not, or you were not expecting this, ignore this email: nothing changes.\n",
                    who.user.name, org.name, org.name
                ),
            })
            .map_err(AppError::Unavailable)
    }

    /// Opens a domain verification link: the domain it was sent for is the organisation's, if
    /// the organisation still has that domain. Returns the organisation and the domain.
    pub fn verify_domain(
        &self,
        secret: &str,
        origin: &Origin,
    ) -> Result<(Organisation, String), AppError> {
        let now = Timestamp::now();
        let expired = || {
            invalid(
                "This link has expired or has been used",
                "Ask for a new link on the organisation's administration page",
            )
        };
        let Some(token) = self.store().take_token(
            swforce_store::TokenKind::DomainVerification,
            &super::digest(secret),
            &stamp(now),
        )?
        else {
            return Err(expired());
        };
        let org = token
            .org_id
            .map(|id| self.store().organisation(id))
            .transpose()?
            .flatten()
            .ok_or_else(expired)?;
        let domain = token.payload.clone();
        if org.email_domain.as_deref() != Some(domain.as_str()) {
            return Err(invalid(
                format!("{}'s email domain is no longer {domain}", org.name),
                "Ask for a new link on the organisation's administration page",
            ));
        }
        let by = token.email.clone().unwrap_or_default();
        self.store()
            .set_verified_domain(org.id, &domain, &stamp(now), &by)?;
        self.audit_raw(
            Some(org.id),
            None,
            &by,
            "admin",
            &format!("email domain {domain} verified by {by}"),
            origin,
            now,
        )?;
        Ok((org, domain))
    }
}
