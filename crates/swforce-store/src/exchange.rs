//! What the store keeps for the "80:20 in practice" exchange: examples (searchable in full
//! text, the same way on every backend), themes, "this helped me", feedback forms, their
//! responses and the resources pages.

use crate::StoreError;
use serde::{Deserialize, Serialize};
use swforce_domain::exchange::{
    Example, FeedbackForm, ResourcePage, Response, Setting, Status as ExampleStatus, Theme,
};

/// How search results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExampleSort {
    /// Newest published first.
    #[default]
    Newest,
    /// Most "this helped me" first, then newest.
    MostHelpful,
    /// Most hours saved a week first (unmeasured last), then newest.
    MostHours,
}

/// A search of published examples. Text matches whole words or the start of words, in any
/// case, in the title, the problem and the change; every word must match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExampleQuery {
    pub text: String,
    pub setting: Option<Setting>,
    pub theme: Option<String>,
    pub region: Option<String>,
    /// Only examples with a measured impact.
    pub measured: bool,
    pub sort: ExampleSort,
    pub limit: u32,
    pub offset: u32,
}

/// One page of search results and how many there are in all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExamplePage {
    pub examples: Vec<Example>,
    pub total: u64,
}

/// The words a search looks for: at most 8, each at most 40 characters, lower case and reduced
/// to its stem ([`stem`]), so that "headsets" finds "headset" and "recordings" finds
/// "recording" the same way on every backend.
pub fn search_words(text: &str) -> Vec<String> {
    words(text)
        .map(|w| stem(&w.chars().take(40).collect::<String>()))
        .take(8)
        .collect()
}

/// A text as its search entry holds it: each word lower case and stemmed, in order, joined by
/// spaces (what both backends index, so that they find the same examples).
pub fn search_entry(text: &str) -> String {
    words(text).map(|w| stem(&w)).collect::<Vec<_>>().join(" ")
}

/// A word's stem by the Snowball English stemmer ("families" and "family" → "famili").
pub fn stem(word: &str) -> String {
    thread_local! {
        static ENGLISH: rust_stemmers::Stemmer =
            rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
    }
    ENGLISH.with(|s| s.stem(word).into_owned())
}

/// The words of a text, lower case: runs of letters and digits.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// The "80:20 in practice" exchange: themes, examples, "this helped me", feedback forms and
/// their responses, and the resources pages.
pub trait ExchangeStore {
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
}
