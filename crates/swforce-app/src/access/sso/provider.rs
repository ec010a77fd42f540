//! The identity providers swforce has read: their discovery documents and signing keys, kept
//! for an hour; the last failure of each, remembered for a minute; and the calls to each in
//! flight, a few at a time. Every address must be on the issuer's own host.

use super::stamp;
use super::{Down, Refusal, down, unreachable};
use crate::AppError;
use jiff::Timestamp;
use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a provider's discovery document and keys are kept before they are read again.
pub(super) const PROVIDER_TTL: Duration = Duration::from_secs(3600);

/// The longest a call to a provider may take.
pub(super) const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a provider that could not be reached is left alone before it is tried again.
pub(super) const FAILURE_TTL: Duration = Duration::from_secs(60);

/// Calls to one provider in flight at once; more are refused at once rather than queued, so a
/// provider that hangs holds a few threads, not the service.
pub(super) const CALLS_PER_PROVIDER: usize = 4;

#[derive(Debug, Clone, Deserialize)]
pub(super) struct Discovery {
    pub(super) issuer: String,
    pub(super) authorization_endpoint: String,
    pub(super) token_endpoint: String,
    pub(super) jwks_uri: String,
}

/// A provider's discovery document and signing keys, as last read.
#[derive(Debug)]
pub(super) struct Provider {
    pub(super) discovery: Discovery,
    pub(super) keys: Mutex<(Instant, JwkSet)>,
    pub(super) read_at: Instant,
}

/// The last time a provider could not be reached, and why.
#[derive(Debug, Clone)]
pub(super) struct Failure {
    pub(super) at: Instant,
    pub(super) when: Timestamp,
    pub(super) detail: String,
}

#[derive(Debug, Default)]
pub(super) struct Cache {
    pub(super) read: HashMap<String, Arc<Provider>>,
    pub(super) failed: HashMap<String, Failure>,
    pub(super) in_flight: HashMap<String, usize>,
}

/// Providers read recently, by issuer: their documents, their last failure, and the calls to
/// each in flight.
#[derive(Debug, Default, Clone)]
pub(crate) struct Providers(Arc<Mutex<Cache>>);

/// A call to a provider in flight; the count goes down when it ends.
pub(super) struct Call {
    pub(super) providers: Providers,
    pub(super) issuer: String,
}

impl Drop for Call {
    fn drop(&mut self) {
        if let Some(n) = self.providers.lock().in_flight.get_mut(&self.issuer) {
            *n = n.saturating_sub(1);
        }
    }
}

/// Whether a provider address may be used: https, or plain http on this machine (127.0.0.1,
/// localhost, ::1) when the operator allows it for testing.
pub(crate) fn address_allowed(address: &str, insecure: bool) -> bool {
    let Ok(url) = url::Url::parse(address) else {
        return false;
    };
    match url.scheme() {
        "https" => url.host().is_some(),
        "http" => insecure && matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")),
        _ => false,
    }
}

/// Whether `address` is on the issuer's own host (scheme, host and port).
pub(super) fn on_issuer_host(issuer: &str, address: &str) -> bool {
    match (url::Url::parse(issuer), url::Url::parse(address)) {
        (Ok(i), Ok(a)) => i.origin() == a.origin(),
        _ => false,
    }
}

pub(super) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(PROVIDER_TIMEOUT))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

/// Reads a JSON document from a provider address on the issuer's host.
pub(super) fn get_json<T: serde::de::DeserializeOwned>(
    issuer: &str,
    url: &str,
    insecure: bool,
) -> Result<T, Down> {
    if !address_allowed(url, insecure) || !on_issuer_host(issuer, url) {
        return Err(down(format!(
            "{url} is not an https address on the issuer's host"
        )));
    }
    let mut resp = agent()
        .get(url)
        .header("Accept", "application/json")
        .call()
        .map_err(|e| down(format!("{url}: {e}")))?;
    if resp.status() != 200 {
        return Err(down(format!("{url} answered {}", resp.status())));
    }
    let body = resp
        .body_mut()
        .with_config()
        .limit(1024 * 1024)
        .read_to_string()
        .map_err(|e| down(format!("{url}: {e}")))?;
    serde_json::from_str(&body).map_err(|e| down(format!("{url} is not what was expected ({e})")))
}

impl Providers {
    /// A call to `issuer`'s provider, if fewer than [`CALLS_PER_PROVIDER`] are in flight and
    /// it has not failed within [`FAILURE_TTL`].
    pub(super) fn call(&self, issuer: &str) -> Result<Call, AppError> {
        let mut cache = self.lock();
        if cache
            .failed
            .get(issuer)
            .is_some_and(|f| f.at.elapsed() < FAILURE_TTL)
        {
            return Err(unreachable());
        }
        let n = cache.in_flight.entry(issuer.to_string()).or_insert(0);
        if *n >= CALLS_PER_PROVIDER {
            return Err(AppError::Unavailable(
                "Your organisation's sign-on service is busy. Try again in a minute, or sign in \
                 with your password"
                    .into(),
            ));
        }
        *n += 1;
        Ok(Call {
            providers: self.clone(),
            issuer: issuer.to_string(),
        })
    }

    /// Notes a failure to reach `issuer`'s provider (logged, remembered for the settings page
    /// and for [`FAILURE_TTL`]) and gives what the visitor is told.
    pub(super) fn failed(&self, issuer: &str, Down(detail): Down) -> AppError {
        tracing::warn!(issuer, "single sign-on provider failed: {detail}");
        self.lock().failed.insert(
            issuer.to_string(),
            Failure {
                at: Instant::now(),
                when: Timestamp::now(),
                detail,
            },
        );
        unreachable()
    }

    /// The last failure to reach `issuer`'s provider: when (RFC 3339) and what happened.
    pub(crate) fn last_failure(&self, issuer: &str) -> Option<(String, String)> {
        self.lock()
            .failed
            .get(issuer)
            .map(|f| (stamp(f.when), f.detail.clone()))
    }

    /// The provider of `issuer`, from the cache while it is fresh.
    pub(super) fn get(&self, issuer: &str, insecure: bool) -> Result<Arc<Provider>, AppError> {
        if let Some(p) = self.lock().read.get(issuer)
            && p.read_at.elapsed() < PROVIDER_TTL
        {
            return Ok(p.clone());
        }
        let _call = self.call(issuer)?;
        let p = Self::read(issuer, insecure).map_err(|d| self.failed(issuer, d))?;
        let mut cache = self.lock();
        cache.failed.remove(issuer);
        cache.read.insert(issuer.to_string(), p.clone());
        Ok(p)
    }

    pub(super) fn read(issuer: &str, insecure: bool) -> Result<Arc<Provider>, Down> {
        let discovery: Discovery = get_json(
            issuer,
            &format!("{issuer}/.well-known/openid-configuration"),
            insecure,
        )?;
        if discovery.issuer.trim_end_matches('/') != issuer {
            return Err(down(format!(
                "its discovery document names another issuer ({}); check the issuer setting",
                discovery.issuer
            )));
        }
        for (what, address) in [
            ("authorization", &discovery.authorization_endpoint),
            ("token", &discovery.token_endpoint),
            ("key list", &discovery.jwks_uri),
        ] {
            if !address_allowed(address, insecure) || !on_issuer_host(issuer, address) {
                return Err(down(format!(
                    "its {what} address {address} is not an https address on the issuer's host"
                )));
            }
        }
        let keys: JwkSet = get_json(issuer, &discovery.jwks_uri, insecure)?;
        Ok(Arc::new(Provider {
            discovery,
            keys: Mutex::new((Instant::now(), keys)),
            read_at: Instant::now(),
        }))
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Provider {
    /// The key an ID token names, reading the provider's keys again once if it is new (keys
    /// are rotated), but not more than once a minute.
    pub(super) fn key(
        &self,
        issuer: &str,
        kid: Option<&str>,
        insecure: bool,
    ) -> Result<DecodingKey, Refusal> {
        let find = |set: &JwkSet| match kid {
            Some(kid) => set.find(kid).cloned(),
            None if set.keys.len() == 1 => set.keys.first().cloned(),
            None => None,
        };
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        let jwk = match find(&keys.1) {
            Some(k) => k,
            None if keys.0.elapsed() > Duration::from_secs(60) => {
                let fresh: JwkSet = get_json(issuer, &self.discovery.jwks_uri, insecure).map_err(
                    |Down(detail)| {
                        tracing::warn!(issuer, "single sign-on provider failed: {detail}");
                        Refusal::Said(unreachable())
                    },
                )?;
                *keys = (Instant::now(), fresh);
                find(&keys.1).ok_or_else(|| unknown_key(kid))?
            }
            None => return Err(unknown_key(kid)),
        };
        DecodingKey::from_jwk(&jwk)
            .map_err(|e| Refusal::Untrusted(format!("its signing key cannot be used ({e})")))
    }
}

pub(super) fn unknown_key(kid: Option<&str>) -> Refusal {
    Refusal::Untrusted(format!(
        "it was signed with a key the provider does not publish ({})",
        kid.unwrap_or("no key id")
    ))
}
