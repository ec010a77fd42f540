//! An organisation's single sign-on provider and email domain (set by a site admin), and the
//! emailed link that shows the domain is the organisation's before it routes anyone's sign-in.

use super::{check_domain, check_email, conflict, invalid};
use crate::access::{Mail, Origin, Principal, stamp};
use crate::display::one_line;
use crate::{App, AppError};
use jiff::Timestamp;
use swforce_domain::access::Permission;
use swforce_store::{Organisation, SsoConfig};

/// How long a domain verification link works.
pub const DOMAIN_LINK_HOURS: i64 = 24;

impl App {
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
            if !plain || !crate::access::sso::address_allowed(issuer, self.insecure_sso()) {
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
        let secret = crate::access::new_secret();
        self.store().create_token(&swforce_store::OneTimeToken {
            kind: swforce_store::TokenKind::DomainVerification,
            hash: crate::access::digest(&secret),
            org_id: Some(org.id),
            user_id: Some(who.user.id),
            email: Some(address.clone()),
            payload: domain.clone(),
            expires_at: stamp(crate::access::plus(
                now,
                jiff::ToSpan::hours(DOMAIN_LINK_HOURS),
            )),
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
            &crate::access::digest(secret),
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
