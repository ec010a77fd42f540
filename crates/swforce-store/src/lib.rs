//! The `Store` trait: everything swforce keeps, spoken in domain terms, with its error type and
//! (behind the `testing` feature) the conformance suite every backend runs.
//!
//! No SQL and no row types cross this boundary; backends live in their own crates.

pub mod access;
pub mod agency;
#[cfg(feature = "testing")]
pub mod conformance;
pub mod diary;
pub mod exchange;

pub use access::{
    ApiToken, AuditEvent, NewOrganisation, NewUser, OneTimeToken, Organisation, Session, SsoConfig,
    Team, TokenKind, User, UserStatus,
};

pub use agency::{StoredCap, StoredEngagement, UpsertOutcome};
pub use diary::{DiaryCategory, DiaryScope, DiarySums, StoredDiary, SyntheticPerson, WeekSums};
pub use exchange::{ExamplePage, ExampleQuery, ExampleSort, search_words};

use serde::{Deserialize, Serialize};
use swforce_domain::agency::{Engagement, JobType, Pence, PriceCap};
use swforce_domain::census::{CensusHeader, CensusWorker, LaVacancies};
use swforce_domain::exchange::{
    Example, FeedbackForm, ResourcePage, Response, Status as ExampleStatus, Theme,
};
use swforce_domain::{Cell, Dataset, Geography, GeographyCode, Row, Year};

/// What a caller may do differently about a storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the data directory is in use by a newer swforce (database schema {found}, this version knows up to {known}); upgrade swforce"
    )]
    NewerSchema { found: i64, known: i64 },
    /// A write that would break a uniqueness rule (an email or name already in use).
    #[error("{0}")]
    Conflict(String),
    #[error("storage failure")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    pub fn backend(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Backend(Box::new(e))
    }
}

/// Where an import came from, recorded with it for good.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The file's display name, as given by the person importing it.
    pub file_name: String,
    pub sha256: String,
    pub bytes: u64,
    pub dataset: Dataset,
    pub publisher: String,
    /// The release, in words ("Children's social work workforce, 2017 to 2022").
    pub release: String,
    pub first_year: Year,
    pub last_year: Year,
    pub rows: u64,
    /// Warnings found while reading, one line each.
    pub warnings: Vec<String>,
    /// Older column names read as canonical measures: `(column, measure)`.
    pub renamed: Vec<(String, String)>,
    /// When the import was made, RFC 3339 in UTC.
    pub imported_at: String,
}

/// An import on record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRecord {
    pub id: i64,
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ImportOutcome {
    /// New data stored.
    Imported {
        import: ImportRecord,
        /// Cells stored.
        cells: u64,
        /// Cells of earlier releases that this release replaced (they stay as vintages).
        superseded: u64,
        /// Cells of this release that a later release already on record outranks.
        outranked: u64,
    },
    /// The same bytes were imported before: nothing changed.
    AlreadyImported { import: ImportRecord },
}

/// One release's figure for a cell, with whether it is the one in use.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vintage {
    pub year: Year,
    pub breakdown: String,
    pub cell: Cell<f64>,
    pub current: bool,
    pub import_id: i64,
    pub release: String,
    pub file_name: String,
}

/// A named projection scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedScenario {
    pub id: i64,
    pub name: String,
    pub geography_code: String,
    /// The projection page's query string, which reproduces the scenario.
    pub query: String,
    /// The levers as a scenario file.
    pub toml: String,
    pub created_at: String,
    /// The organisation it belongs to; `None` for a scenario everyone may see.
    pub org_id: Option<i64>,
    /// Who saved it, where a signed-in person did.
    pub user_id: Option<i64>,
}

/// A scenario to save (its id and time are given by the store and the caller).
#[derive(Debug, Clone, PartialEq)]
pub struct NewScenario<'a> {
    pub name: &'a str,
    pub geography_code: &'a str,
    pub query: &'a str,
    pub toml: &'a str,
    pub created_at: &'a str,
    pub org_id: Option<i64>,
    pub user_id: Option<i64>,
}

/// A census return on record: which authority and year, from which file (no personal data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CensusReturn {
    pub id: i64,
    pub la_code: String,
    pub year: i32,
    pub file_name: String,
    pub sha256: String,
    pub workers: u32,
    pub header: CensusHeader,
    pub vacancies: LaVacancies,
    pub imported_at: String,
}

/// What importing a census return did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CensusOutcome {
    /// Stored; `replaced` when it took the place of an earlier return for the same authority
    /// and year.
    Imported {
        census: CensusReturn,
        replaced: bool,
    },
    /// The same file is already the authority's return for the year: nothing changed.
    AlreadyImported { census: CensusReturn },
}

/// Everything swforce stores. One transaction per write; a backend may be shared by threads.
///
/// Releases overlap and revise earlier years: when two imports cover the same cell, the one
/// whose release reaches the later year wins (ties go to the later import), and the other is
/// kept as a vintage.
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Stores one parsed file, all or nothing. A file whose SHA-256 is already on record
    /// changes nothing and says so.
    fn import_batch(
        &self,
        provenance: &Provenance,
        geographies: &[Geography],
        rows: &[Row],
    ) -> Result<ImportOutcome, StoreError>;

    /// The version of the database schema: the last migration applied.
    fn schema_version(&self) -> Result<i64, StoreError>;

    /// Every import, newest first.
    fn imports(&self) -> Result<Vec<ImportRecord>, StoreError>;

    /// A number that changes whenever the statistics change (0 when none are stored), so
    /// readers can cache what they derive from them.
    fn generation(&self) -> Result<i64, StoreError>;

    /// Every geography named by any import.
    fn geographies(&self) -> Result<Vec<Geography>, StoreError>;

    /// The figures in use for one dataset: for every cell, the winning release's.
    fn current_rows(&self, dataset: Dataset) -> Result<Vec<Row>, StoreError>;

    /// Every release's figure for one measure of one geography, oldest year first.
    fn vintages(
        &self,
        geography: &GeographyCode,
        measure: &str,
    ) -> Result<Vec<Vintage>, StoreError>;

    /// Saves a named scenario and returns it with its id.
    fn save_scenario(&self, scenario: &NewScenario<'_>) -> Result<SavedScenario, StoreError>;

    /// Saved scenarios an organisation may see (its own and those everyone may see; only the
    /// latter for `None`), newest first.
    fn scenarios(&self, org_id: Option<i64>) -> Result<Vec<SavedScenario>, StoreError>;

    /// One saved scenario, if there is one with that id.
    fn scenario(&self, id: i64) -> Result<Option<SavedScenario>, StoreError>;

    /// Stores an authority's census return for a year, all or nothing, in place of any earlier
    /// one; the same file again changes nothing. `census.id` is ignored.
    fn import_census(
        &self,
        census: &CensusReturn,
        workers: &[CensusWorker],
    ) -> Result<CensusOutcome, StoreError>;

    /// Census returns on record (without their worker records), newest first.
    fn census_returns(&self) -> Result<Vec<CensusReturn>, StoreError>;

    /// One authority's return for a year, with its worker records (personal data).
    fn census_return(
        &self,
        la_code: &str,
        year: i32,
    ) -> Result<Option<(CensusReturn, Vec<CensusWorker>)>, StoreError>;

    // Organisations and people.

    fn create_organisation(&self, org: &NewOrganisation<'_>) -> Result<Organisation, StoreError>;
    fn organisations(&self) -> Result<Vec<Organisation>, StoreError>;
    fn organisation(&self, id: i64) -> Result<Option<Organisation>, StoreError>;
    /// The organisation whose people use this email domain, if one has claimed it.
    fn organisation_by_domain(&self, domain: &str) -> Result<Option<Organisation>, StoreError>;
    fn set_sso(
        &self,
        org_id: i64,
        sso: Option<&SsoConfig>,
        email_domain: Option<&str>,
    ) -> Result<(), StoreError>;
    fn create_team(&self, org_id: i64, name: &str) -> Result<Team, StoreError>;
    fn teams(&self, org_id: i64) -> Result<Vec<Team>, StoreError>;
    /// Fails with `Conflict` when the email is in use.
    fn create_user(&self, user: &NewUser<'_>) -> Result<User, StoreError>;
    fn user(&self, id: i64) -> Result<Option<User>, StoreError>;
    fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError>;
    fn users(&self, org_id: i64) -> Result<Vec<User>, StoreError>;
    fn count_users(&self) -> Result<u64, StoreError>;
    /// Saves a person's team, name, roles, password hash, status and sign-in counters.
    fn update_user(&self, user: &User) -> Result<(), StoreError>;

    // Sign-in.

    fn create_session(&self, session: &Session) -> Result<(), StoreError>;
    /// A live session (not expired at `now`).
    fn session(&self, id_hash: &str, now: &str) -> Result<Option<Session>, StoreError>;
    fn delete_session(&self, id_hash: &str) -> Result<(), StoreError>;
    /// Signs a person out everywhere; returns how many sessions ended.
    fn delete_sessions_of(&self, user_id: i64) -> Result<u64, StoreError>;
    fn create_token(&self, token: &OneTimeToken) -> Result<(), StoreError>;
    /// Uses a one-time token: returns it (if it exists, is unused and live at `now`) and marks
    /// it used, atomically, so it works once.
    fn take_token(
        &self,
        kind: TokenKind,
        hash: &str,
        now: &str,
    ) -> Result<Option<OneTimeToken>, StoreError>;
    /// Records a failed sign-in for `key` (an email or an address) at `at`.
    fn record_failed_sign_in(&self, key: &str, at: &str) -> Result<(), StoreError>;
    /// Failed sign-ins for `key` since `since`.
    fn failed_sign_ins(&self, key: &str, since: &str) -> Result<u64, StoreError>;

    // API tokens.

    fn create_api_token(&self, token: &ApiToken) -> Result<ApiToken, StoreError>;
    fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>, StoreError>;
    fn api_token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>, StoreError>;
    /// Revokes one of a person's tokens; `false` if they have no such token.
    fn revoke_api_token(&self, user_id: i64, id: i64, at: &str) -> Result<bool, StoreError>;
    fn touch_api_token(&self, id: i64, at: &str) -> Result<(), StoreError>;

    // Single sign-on: accounts by the provider's own id, and verified email domains.

    /// The account a provider's `subject` was linked to at its first sign-on.
    fn sso_user(&self, issuer: &str, subject: &str) -> Result<Option<i64>, StoreError>;
    /// The provider's subject linked to an account, if it has signed on.
    fn sso_subject(&self, issuer: &str, user_id: i64) -> Result<Option<String>, StoreError>;
    /// Links an account to a provider's subject; a `Conflict` when either is linked already.
    fn link_sso(
        &self,
        issuer: &str,
        subject: &str,
        user_id: i64,
        at: &str,
    ) -> Result<(), StoreError>;
    /// The organisation's verified email domain and when it was verified.
    fn verified_domain(&self, org_id: i64) -> Result<Option<(String, String)>, StoreError>;
    /// Forgets the organisation's verified domain (when it changes, it is verified afresh).
    fn forget_verified_domain(&self, org_id: i64) -> Result<(), StoreError>;
    /// Records that `domain` was shown to be the organisation's (replacing an earlier one).
    fn set_verified_domain(
        &self,
        org_id: i64,
        domain: &str,
        at: &str,
        by: &str,
    ) -> Result<(), StoreError>;

    // Site secrets, and the records older links may name by number.

    /// The secret called `name`: the one on record, or else `fresh`, kept as it. Servers that
    /// ask at the same moment all get the one that was kept.
    fn site_secret(&self, name: &str, fresh: &str) -> Result<String, StoreError>;
    /// For each kind of record (`organisation`, `person`, `scenario`...), the last id that
    /// existed before addresses carried opaque ids: older links may name those by number.
    fn legacy_ids(&self) -> Result<Vec<(String, i64)>, StoreError>;

    // The audit log: append and read, never change.

    fn append_audit(&self, event: &AuditEvent) -> Result<(), StoreError>;
    /// Newest first; one organisation's (or every one's, for `None`), at most `limit`.
    fn audit(&self, org_id: Option<i64>, limit: u32) -> Result<Vec<AuditEvent>, StoreError>;

    // Agency engagements, price caps and permanent costs.

    /// Stores engagements for an organisation in one transaction, each matched by its
    /// reference: new ones are added, changed ones replaced, the same ones left alone.
    fn upsert_engagements(
        &self,
        org_id: i64,
        engagements: &[Engagement],
        at: &str,
    ) -> Result<UpsertOutcome, StoreError>;
    /// An organisation's engagements, by reference.
    fn engagements(&self, org_id: i64) -> Result<Vec<StoredEngagement>, StoreError>;
    fn engagement(&self, org_id: i64, id: i64) -> Result<Option<StoredEngagement>, StoreError>;
    /// `false` when the organisation has no such engagement.
    fn delete_engagement(&self, org_id: i64, id: i64) -> Result<bool, StoreError>;
    /// Every price cap, by region, job type and date.
    fn price_caps(&self) -> Result<Vec<StoredCap>, StoreError>;
    /// Sets the cap for a region and job type from a date (replacing one from the same date).
    fn set_price_cap(&self, cap: &PriceCap, set_by: &str, at: &str) -> Result<(), StoreError>;
    fn delete_price_cap(
        &self,
        region: &str,
        job: JobType,
        from: swforce_domain::Date,
    ) -> Result<bool, StoreError>;
    /// What a permanent worker costs the organisation an hour, by job type.
    fn permanent_costs(&self, org_id: i64) -> Result<Vec<(JobType, Pence)>, StoreError>;
    /// Sets (or with `None` clears) one job type's permanent hourly cost.
    fn set_permanent_cost(
        &self,
        org_id: i64,
        job: JobType,
        hourly: Option<Pence>,
    ) -> Result<(), StoreError>;

    // The "80:20 in practice" exchange.

    /// Every theme, active or not, by audience then label.
    fn themes(&self) -> Result<Vec<Theme>, StoreError>;
    /// Adds a theme, or replaces the one with its id.
    fn save_theme(&self, theme: &Theme) -> Result<(), StoreError>;
    /// Stores an example whole: a new one (id 0) gets its id; an existing one is replaced,
    /// with its themes and its search entry. A non-empty fingerprint already on another example
    /// is a [`StoreError::Conflict`] and nothing is written.
    fn save_example(&self, example: &Example) -> Result<Example, StoreError>;
    fn example(&self, id: i64) -> Result<Option<Example>, StoreError>;
    /// Examples in a status, oldest change first (a moderation queue), at most `limit`.
    fn examples_in(&self, status: ExampleStatus, limit: u32) -> Result<Vec<Example>, StoreError>;
    /// A signed-in author's examples, newest first.
    fn examples_of(&self, user_id: i64) -> Result<Vec<Example>, StoreError>;
    /// Published examples matching a query; see [`ExampleQuery`].
    fn search_examples(&self, query: &ExampleQuery) -> Result<ExamplePage, StoreError>;
    /// Records that `person` (a key that stands for one person) found an example helpful;
    /// `false` if they already had. The example's count goes up by one when it is new.
    fn mark_helped(&self, example_id: i64, person: &str, at: &str) -> Result<bool, StoreError>;
    /// Stores a feedback form whole (id 0 for a new one) and returns it with its id.
    fn save_form(&self, form: &FeedbackForm) -> Result<FeedbackForm, StoreError>;
    /// Every feedback form, newest first.
    fn forms(&self) -> Result<Vec<FeedbackForm>, StoreError>;
    fn form(&self, id: i64) -> Result<Option<FeedbackForm>, StoreError>;
    /// Stores a response (or a steering group sign-up: form 0) and returns its id.
    fn save_response(&self, response: &Response) -> Result<i64, StoreError>;
    /// A form's responses (form 0: the steering group sign-ups), oldest first.
    fn responses(&self, form_id: i64) -> Result<Vec<Response>, StoreError>;
    /// Deletes every response whose deletion day (YYYY-MM-DD) is on or before `today`;
    /// returns how many.
    fn purge_responses(&self, today: &str) -> Result<u64, StoreError>;
    /// Adds or replaces a resources page by its slug.
    fn save_page(&self, page: &ResourcePage) -> Result<(), StoreError>;
    /// Every resources page, by title.
    fn pages(&self) -> Result<Vec<ResourcePage>, StoreError>;
    fn page(&self, slug: &str) -> Result<Option<ResourcePage>, StoreError>;

    // Time for social work: the time diary. See [`diary`] for how the sums are kept.

    /// An organisation's diary categories, retired ones too, by position then id.
    fn diary_categories(&self, org_id: i64) -> Result<Vec<DiaryCategory>, StoreError>;
    /// Adds a category (id 0) or replaces the one with its id in the same organisation; returns
    /// it with its id. A label already used by another of the organisation's categories is a
    /// [`StoreError::Conflict`].
    fn save_diary_category(&self, category: &DiaryCategory) -> Result<DiaryCategory, StoreError>;
    /// Whether an organisation adds its sums to its region's and England's.
    fn diary_opt_in(&self, org_id: i64) -> Result<bool, StoreError>;
    fn set_diary_opt_in(&self, org_id: i64, opt_in: bool) -> Result<(), StoreError>;
    /// The organisations that opted in.
    fn diary_opted_in(&self) -> Result<Vec<i64>, StoreError>;
    /// Keeps a person's week, replacing the one they kept before, and marks it pending: the
    /// sums do not change until it is published. A replaced week keeps its original team.
    fn save_diary(&self, diary: &StoredDiary) -> Result<(), StoreError>;
    /// Publishes pending diaries of weeks up to `through` (the weeks that have closed), in one
    /// transaction. An organisation's week is released once: its first release publishes all
    /// its pending diaries into the organisation's and its teams' sums. Later changes to a
    /// released week wait until at least `batch` eligible people have one, then enter the
    /// organisation's sums together; a team's week never changes after its first release.
    /// `only` limits it to one organisation's week (after a save). Each organisation-week is
    /// published in its own transaction.
    fn publish_diaries(
        &self,
        through: swforce_domain::diary::Week,
        batch: u32,
        only: Option<(i64, swforce_domain::diary::Week)>,
    ) -> Result<diary::Published, StoreError>;
    /// One person's weeks from `from` to `to` inclusive, oldest first.
    fn diaries_of(
        &self,
        person_id: i64,
        from: swforce_domain::diary::Week,
        to: swforce_domain::diary::Week,
    ) -> Result<Vec<StoredDiary>, StoreError>;
    /// A person's most recent week before `before`, to pre-fill the next.
    fn last_diary_before(
        &self,
        person_id: i64,
        before: swforce_domain::diary::Week,
    ) -> Result<Option<StoredDiary>, StoreError>;
    /// A group's sums from `from` to `to` inclusive (never a single diary). For several
    /// organisations ([`DiaryScope::Orgs`]), an organisation's week counts only where at least
    /// [`swforce_domain::diary::MIN_CONTRIBUTORS`] of its people kept a diary, so a region less
    /// one organisation never leaves a handful of people.
    fn diary_sums(
        &self,
        scope: &DiaryScope,
        from: swforce_domain::diary::Week,
        to: swforce_domain::diary::Week,
    ) -> Result<DiarySums, StoreError>;
    /// How many diaries an organisation (team 0) and each of its teams had in their week's
    /// first release, from `from` to `to`, as `(team_id, week, diaries)`: what it takes to
    /// decide which teams' weeks can be shown without leaving anyone to be subtracted out. The
    /// counts are those of the first release, so later batches never change the decision.
    fn diary_week_counts(
        &self,
        org_id: i64,
        from: swforce_domain::diary::Week,
        to: swforce_domain::diary::Week,
    ) -> Result<Vec<(i64, swforce_domain::diary::Week, u64)>, StoreError>;
    /// Published notes shared anonymously in an organisation's weeks, newest week first, at
    /// most `limit`; only the week and the words, never who.
    fn shared_diary_notes(
        &self,
        org_id: i64,
        from: swforce_domain::diary::Week,
        to: swforce_domain::diary::Week,
        limit: u32,
    ) -> Result<Vec<(swforce_domain::diary::Week, String)>, StoreError>;
    /// Adds synthetic people (demo and load data) with their weeks, all or nothing, and returns
    /// how many diaries were added. They get new negative person ids. Their weeks up to
    /// `through` are published at once (as a first release); later ones are pending.
    fn add_synthetic_diaries(
        &self,
        org_id: i64,
        people: &[SyntheticPerson],
        at: &str,
        through: swforce_domain::diary::Week,
    ) -> Result<u64, StoreError>;
    /// An organisation's synthetic people as `(person id, team, latest week kept)`, in the
    /// order they were made.
    fn synthetic_people(
        &self,
        org_id: i64,
    ) -> Result<Vec<(i64, Option<i64>, swforce_domain::diary::Week)>, StoreError>;
}
