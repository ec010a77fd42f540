//! The checks on an ID token: its signature against the provider's published keys (never a
//! shared secret, never `none`), its issuer, audience, times and nonce, and an email the
//! provider vouches for.

use super::provider::Provider;
use super::{Refusal, invalid, printable};
use crate::access::minus;
use jiff::{Timestamp, ToSpan};
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use swforce_store::SsoConfig;

/// Clock difference allowed between swforce and the provider.
pub(super) const LEEWAY_SECONDS: u64 = 60;

/// The oldest an ID token may be when it arrives (from its `iat`).
pub(super) const MAX_TOKEN_AGE_SECONDS: i64 = 600;

/// Microsoft Entra ID's sign-on host: only its ID tokens may vouch for an email with `xms_edov`.
pub(super) const ENTRA_HOST: &str = "login.microsoftonline.com";

/// Signature algorithms accepted in ID tokens (never a shared-secret one, never `none`).
pub(super) const ALGORITHMS: [Algorithm; 9] = [
    Algorithm::EdDSA,
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

/// The claims swforce reads from an ID token.
#[derive(Deserialize)]
pub(super) struct Claims {
    pub(super) nonce: Option<String>,
    #[serde(default)]
    pub(super) sub: Option<String>,
    pub(super) email: Option<String>,
    pub(super) name: Option<String>,
    #[serde(default)]
    pub(super) azp: Option<String>,
    #[serde(default)]
    pub(super) aud: Option<serde_json::Value>,
    #[serde(default)]
    pub(super) iat: Option<serde_json::Value>,
    #[serde(default)]
    pub(super) nbf: Option<serde_json::Value>,
    #[serde(default)]
    pub(super) email_verified: Option<serde_json::Value>,
    /// Microsoft Entra ID: the email's domain is verified by the tenant that owns it.
    #[serde(default)]
    pub(super) xms_edov: Option<serde_json::Value>,
}

/// A flag is true only as the boolean `true` (not "true", not 1).
pub(super) fn truthy(v: &Option<serde_json::Value>) -> bool {
    matches!(v, Some(serde_json::Value::Bool(true)))
}

/// Checks an ID token and returns its verified email, in lower case, and the person's name if
/// it carries one.
pub(super) fn check_id_token(
    provider: &Provider,
    sso: &SsoConfig,
    id_token: &str,
    nonce: &str,
    now: Timestamp,
    insecure: bool,
) -> Result<Identity, Refusal> {
    let refused = |why: String| Refusal::Untrusted(format!("it could not be trusted: {why}"));
    let header = jsonwebtoken::decode_header(id_token).map_err(|e| refused(format!("{e}")))?;
    if !ALGORITHMS.contains(&header.alg) {
        return Err(refused(format!("it is signed with {:?}", header.alg)));
    }
    let key = provider.key(&sso.issuer, header.kid.as_deref(), insecure)?;
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[provider.discovery.issuer.as_str()]);
    validation.set_audience(&[sso.client_id.as_str()]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = LEEWAY_SECONDS;
    // Expiry is checked below against `now`, so tests can set the clock.
    validation.validate_exp = false;
    let data = jsonwebtoken::decode::<serde_json::Value>(id_token, &key, &validation)
        .map_err(|e| refused(format!("{e}")))?;
    let exp = data.claims.get("exp").and_then(|v| v.as_i64()).unwrap_or(0);
    let earliest = minus(now, (LEEWAY_SECONDS as i64).seconds()).as_second();
    if exp < earliest {
        return Err(refused("it has expired".into()));
    }
    let claims: Claims =
        serde_json::from_value(data.claims).map_err(|e| refused(format!("{e}")))?;
    if claims.nonce.as_deref() != Some(nonce) {
        return Err(refused("it does not answer this sign-in (nonce)".into()));
    }
    // With several audiences, the party it was issued to must be swforce; and when it names
    // that party at all, it must be swforce.
    let several = matches!(&claims.aud, Some(serde_json::Value::Array(a)) if a.len() > 1);
    if (several || claims.azp.is_some()) && claims.azp.as_deref() != Some(sso.client_id.as_str()) {
        return Err(refused("it was issued to another application (azp)".into()));
    }
    let leeway = LEEWAY_SECONDS as i64;
    let second = |v: &Option<serde_json::Value>| v.as_ref().and_then(serde_json::Value::as_i64);
    let Some(iat) = second(&claims.iat) else {
        return Err(refused("it does not say when it was issued (iat)".into()));
    };
    if iat > now.as_second() + leeway {
        return Err(refused("it was issued in the future (iat)".into()));
    }
    if iat < now.as_second() - MAX_TOKEN_AGE_SECONDS - leeway {
        return Err(refused("it was issued too long ago (iat)".into()));
    }
    match (&claims.nbf, second(&claims.nbf)) {
        (None, _) => {}
        (Some(_), Some(nbf)) if nbf <= now.as_second() + leeway => {}
        (Some(_), Some(_)) => return Err(refused("it is not valid yet (nbf)".into())),
        (Some(_), None) => return Err(refused("its nbf is not a time".into())),
    }
    let Some(email) = claims.email.map(|e| e.trim().to_lowercase()) else {
        return Err(Refusal::Said(invalid(
            "Your organisation's sign-on service did not share your email address",
            "Ask your IT team to release the email claim to swforce",
        )));
    };
    if crate::access::admin::check_email(&email).ok().as_deref() != Some(email.as_str()) {
        return Err(refused(
            "the email address it gives is not one swforce accepts".into(),
        ));
    }
    let entra =
        url::Url::parse(&provider.discovery.issuer).is_ok_and(|u| u.host_str() == Some(ENTRA_HOST));
    if !(truthy(&claims.email_verified) || (entra && truthy(&claims.xms_edov))) {
        return Err(Refusal::Said(invalid(
            format!("Your organisation's sign-on service has not verified {email}"),
            "Ask your IT team to release a verified email (for Microsoft Entra ID, the optional claims email and xms_edov)",
        )));
    }
    let name = claims
        .name
        .map(|n| printable(&n, 200).trim().to_string())
        .filter(|n| !n.is_empty());
    let subject = claims
        .sub
        .filter(|s| !s.is_empty() && s.len() <= 255)
        .ok_or_else(|| refused("it names nobody (sub)".into()))?;
    Ok(Identity {
        email,
        name,
        subject,
    })
}

/// Who an ID token says signed in.
#[derive(Debug, PartialEq)]
pub(super) struct Identity {
    /// The verified email, in lower case.
    pub(super) email: String,
    pub(super) name: Option<String>,
    /// The provider's own, lasting id for the person.
    pub(super) subject: String,
}
