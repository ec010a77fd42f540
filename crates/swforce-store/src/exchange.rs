//! What the store keeps for the "80:20 in practice" exchange: examples (searchable in full
//! text, the same way on every backend), themes, "this helped me", feedback forms, their
//! responses and the resources pages.

use serde::{Deserialize, Serialize};
use swforce_domain::exchange::{Example, Setting};

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

/// The words of a search, as every backend reads them: lower-case runs of letters and digits
/// (at most 8 words, each at most 40 characters); everything else separates words.
pub fn search_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().chars().take(40).collect())
        .take(8)
        .collect()
}
