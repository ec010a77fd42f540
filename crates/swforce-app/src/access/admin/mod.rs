//! Administration: organisations (site admins), people and teams (organisation admins), single
//! sign-on settings and the audit log.

pub(crate) mod operator;

mod domains;
mod people;

use super::{Origin, Principal, stamp};
use crate::display::one_line;
use crate::public_id::Kind;
use crate::{App, AppError};
use jiff::Timestamp;
use swforce_domain::GeographicLevel;
use swforce_domain::access::{OrgKind, Permission, Role};
use swforce_store::{
    AuditEvent, NewOrganisation, NewUser, Organisation, StoreError, User, UserStatus,
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
pub const ORGANISATION_ROLES: [Role; 5] = [
    Role::SocialWorker,
    Role::TeamManager,
    Role::WorkforceAnalyst,
    Role::PrincipalSocialWorker,
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
        // The line first: no site admin without it.
        self.audit_raw(
            Some(org.id),
            None,
            operator::COMMAND_LINE,
            "admin",
            &format!("site admin {email} made from the command line"),
            &Origin::default(),
            now,
        )?;
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
        if !la.trim().is_empty() && !kind.holds_census() && kind != OrgKind::RegionalAlliance {
            return Err(invalid(
                "Only a local authority or children's trust has a local authority, and a regional alliance a region",
                "Leave the authority empty for this type of organisation, or choose the type that returns the authority's census",
            ));
        }
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
        } else if let (Some((code, _)), true) = (
            swforce_domain::lineage::successor(la),
            self.snapshot()?.find(la.trim()).is_err(),
        ) {
            // A council made since the statistics on record (Cumberland, 2023).
            Some(code.to_string())
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
        // The line first: no organisation without it. (The command line's operator belongs to
        // no organisation: its line is the new organisation's own, below.)
        if who.org.id != 0 {
            self.audit_event(
                Some(who),
                "admin",
                &format!("organisation {name}"),
                "organisation created",
                origin,
            )?;
        }
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
        // The new organisation's log starts with its own creation.
        self.store().append_audit(&AuditEvent {
            id: 0,
            at: stamp(Timestamp::now()),
            org_id: Some(org.id),
            user_id: Some(who.user.id),
            actor: who.user.email.clone(),
            action: "admin".into(),
            target: format!(
                "organisation {} ({})",
                org.name,
                self.public_id(Kind::Organisation, org.id)?
            ),
            detail: "organisation created".into(),
            ip: origin.ip.clone(),
        })?;
        Ok(org)
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
