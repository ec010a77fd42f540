//! Use cases shared by the web service and the CLI: import a file, load the demo data, look up
//! a place, read its indicators, benchmark it, compare places, reconcile with the publisher.
//!
//! Shells (the web handlers and CLI subcommands) parse input, call one function here and render
//! the answer. This crate reads the clock (to time-stamp imports) but never the environment.

pub mod access;
pub mod agency;
pub mod census;
pub mod diary;
pub mod display;
pub mod exchange;
pub mod healthcheck;
pub mod importing;
pub mod indicators;
pub mod lookup;
pub mod neighbours;
pub mod profile;
pub mod projection;
pub mod public_id;
pub mod quality;
pub mod reconciliation;
pub mod snapshot;

pub use importing::{DEMO_FILES, ImportReport};
pub use indicators::IndicatorRow;
pub use profile::{Comparison, Overview, Profile};
pub use quality::Check;
pub use snapshot::{Figure, Origin, Snapshot};

use std::sync::{Arc, Mutex, OnceLock, RwLock};
use swforce_import::Refused;
use swforce_store::{Store, StoreError};

/// What went wrong, by what the caller does about it.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Nothing matches: say so and suggest close matches.
    #[error("no {kind} matches {query:?}")]
    NotFound {
        kind: &'static str,
        query: String,
        suggestions: Vec<String>,
    },
    /// Several places match: ask which one.
    #[error("{query:?} matches {} places: {}", candidates.len(), candidates.join("; "))]
    Ambiguous {
        query: String,
        candidates: Vec<String>,
    },
    /// The request itself is wrong (too many places, a year out of range).
    #[error("{problem}")]
    Invalid { problem: String, fix: String },
    /// A file was refused; the diagnostics say where and why.
    #[error(transparent)]
    Refused(#[from] Refused),
    /// A census return has errors; its findings say where and why.
    #[error("{} was not imported: {} found", .0.file, crate::display::counted(.0.errors, "error", "errors"))]
    CensusRefused(Box<swforce_import::census::CensusRead>),
    /// The person acting may not do this; `fix` says who may.
    #[error("{problem}")]
    Forbidden { problem: String, fix: String },
    /// Something the service relies on (email) is not working.
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The application: one store and a cache of what is derived from it.
#[derive(Debug, Clone)]
pub struct App {
    store: Arc<dyn Store>,
    cache: Arc<RwLock<Option<Arc<Snapshot>>>>,
    /// Held by the one caller building a new snapshot (others keep the previous one meanwhile).
    building: Arc<Mutex<()>>,
    /// Snapshots built since start (for the operator's metrics, and to test the one-at-a-time
    /// build).
    builds: Arc<std::sync::atomic::AtomicU64>,
    mailer: Option<Arc<dyn access::Mailer>>,
    /// Single sign-on providers read recently.
    providers: access::Providers,
    /// The deployment's opaque ids, read from the store on first use.
    ids: Arc<OnceLock<Arc<public_id::PublicIds>>>,
    /// Whether single sign-on may use plain-http providers on this machine (for testing).
    insecure_sso: bool,
}

impl App {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            cache: Arc::new(RwLock::new(None)),
            building: Arc::new(Mutex::new(())),
            builds: Arc::default(),
            mailer: None,
            providers: access::Providers::default(),
            ids: Arc::new(OnceLock::new()),
            insecure_sso: false,
        }
    }

    /// Lets single sign-on use providers at plain-http addresses on this machine (127.0.0.1,
    /// localhost), for testing against a local provider. Off unless the operator says so.
    pub fn with_insecure_sso_for_testing(mut self, allow: bool) -> Self {
        self.insecure_sso = allow;
        self
    }

    pub(crate) fn insecure_sso(&self) -> bool {
        self.insecure_sso
    }

    /// The deployment's opaque ids for addresses (its key is made on first use and kept in the
    /// store, so every server of a deployment agrees).
    pub fn ids(&self) -> Result<Arc<public_id::PublicIds>, AppError> {
        if let Some(ids) = self.ids.get() {
            return Ok(ids.clone());
        }
        let secret = self
            .store()
            .site_secret("public_ids", &access::new_secret())?;
        let ids = Arc::new(public_id::PublicIds::new(
            &secret,
            &self.store().legacy_ids()?,
        ));
        Ok(self.ids.get_or_init(|| ids).clone())
    }

    /// The opaque id of record `id` of `kind`, for an address.
    pub fn public_id(&self, kind: public_id::Kind, id: i64) -> Result<String, AppError> {
        Ok(self.ids()?.encode(kind, id))
    }

    /// Sends invitations and password resets through `mailer`.
    pub fn with_mailer(mut self, mailer: Arc<dyn access::Mailer>) -> Self {
        self.mailer = Some(mailer);
        self
    }

    pub fn mailer(&self) -> Result<&Arc<dyn access::Mailer>, AppError> {
        self.mailer
            .as_ref()
            .ok_or_else(|| AppError::Unavailable("email is not set up for this service".into()))
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// A number that changes whenever the statistics change, so a cache of what is derived
    /// from them knows when to start again.
    pub fn statistics_generation(&self) -> Result<i64, AppError> {
        Ok(self.store.generation()?)
    }

    /// Whether any organisation signs its people in with single sign-on, so the sign-in page
    /// offers it.
    pub fn single_sign_on_offered(&self) -> Result<bool, AppError> {
        Ok(self.store.organisations()?.iter().any(|o| o.sso.is_some()))
    }

    /// The statistics as they stand, rebuilt only when an import has changed them (so several
    /// servers sharing one database each notice the others' imports).
    ///
    /// One caller at a time builds a new snapshot; meanwhile the others keep answering from the
    /// previous one (consistent, one import behind for a moment), so an import under load costs
    /// one build, not one per request waiting.
    pub fn snapshot(&self) -> Result<Arc<Snapshot>, AppError> {
        let generation = self.store.generation()?;
        let cached = || self.cache.read().unwrap_or_else(|p| p.into_inner()).clone();
        let previous = cached();
        if let Some(s) = previous.as_ref().filter(|s| s.generation == generation) {
            return Ok(s.clone());
        }
        let building = match self.building.try_lock() {
            Ok(guard) => guard,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {
                if let Some(s) = previous {
                    return Ok(s);
                }
                // Nothing to answer from yet: wait for the build under way.
                let guard = self.building.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(s) = cached().filter(|s| s.generation >= generation) {
                    return Ok(s);
                }
                guard
            }
        };
        // Built by another caller while this one waited for the lock?
        if let Some(s) = cached().filter(|s| s.generation >= generation) {
            return Ok(s);
        }
        let fresh = Arc::new(Snapshot::load(self.store.as_ref(), generation)?);
        self.builds
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        *self.cache.write().unwrap_or_else(|p| p.into_inner()) = Some(fresh.clone());
        drop(building);
        Ok(fresh)
    }

    /// The generation of the statistics snapshot answers are made from now (behind the
    /// store's for a moment while a new one is built), if one has been built.
    pub fn answering_generation(&self) -> Option<i64> {
        self.cache
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|s| s.generation)
    }

    /// Which database this is (its kind and where it is, never a password), for logs.
    pub fn database_location(&self) -> String {
        self.store.location()
    }

    /// How many times the statistics snapshot has been built since start.
    pub fn snapshot_builds(&self) -> u64 {
        self.builds.load(std::sync::atomic::Ordering::Relaxed)
    }
}
