//! The "80:20 in practice" exchange: people share what freed time for direct work, moderators
//! publish it, anyone finds it; and the campaign's steering group, feedback forms and resources.

mod examples;
mod forms;
mod pages;

pub use examples::{Decision, Edits, ExampleForm, Sent};
pub use forms::STEERING_CONSENT;

use crate::access::{Origin, Principal};
use crate::{App, AppError};
use swforce_domain::access::Permission;
use swforce_domain::exchange::{FieldProblem, Theme, has_html, seed_themes};
pub use swforce_domain::exchange::{markdown_as_text, render_markdown};
use swforce_store::StoreError;

/// Submissions one network address may make in an hour.
pub const SUBMISSIONS_PER_HOUR: u64 = 10;
/// How long a guest has to confirm their email address.
pub const CONFIRM_DAYS: i64 = 7;
/// How long the withdraw link a guest is sent keeps working.
pub const WITHDRAW_DAYS: i64 = 365;
/// How long a steering group sign-up is kept.
pub const STEERING_DAYS: u32 = 730;

/// Why something sent to the exchange was not taken: problems by field, or another error.
#[derive(Debug)]
pub enum ExchangeError {
    Fields(Vec<FieldProblem>),
    App(AppError),
}

impl From<AppError> for ExchangeError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl From<StoreError> for ExchangeError {
    fn from(e: StoreError) -> Self {
        Self::App(e.into())
    }
}

fn field(field: &'static str, problem: impl Into<String>, fix: impl Into<String>) -> ExchangeError {
    ExchangeError::Fields(vec![FieldProblem {
        field,
        problem: problem.into(),
        fix: fix.into(),
    }])
}

fn number<T: std::str::FromStr>(
    text: &str,
    name: &'static str,
    fix: &str,
) -> Result<Option<T>, FieldProblem> {
    let t = text.trim().trim_end_matches('%');
    if t.is_empty() {
        return Ok(None);
    }
    t.parse().map(Some).map_err(|_| FieldProblem {
        field: name,
        problem: format!("{:?} is not a number", text.trim()),
        fix: fix.into(),
    })
}

/// An address someone gives, checked as an invitation's is.
fn check_email(email: &str) -> Option<String> {
    crate::access::check_email(email).ok()
}

impl App {
    /// The themes, seeding the campaign's on first use.
    pub fn themes(&self) -> Result<Vec<Theme>, AppError> {
        let themes = self.store().themes()?;
        if !themes.is_empty() {
            return Ok(themes);
        }
        for t in seed_themes() {
            self.store().save_theme(&t)?;
        }
        Ok(self.store().themes()?)
    }

    /// Adds a theme or changes one (campaign leads).
    pub fn save_theme(
        &self,
        who: &Principal,
        id: &str,
        label: &str,
        audience: &str,
        active: bool,
        origin: &Origin,
    ) -> Result<(), ExchangeError> {
        who.require(Permission::RunCampaign)?;
        let slug: String = id
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let slug = slug.trim_matches('-').to_string();
        if slug.is_empty() || slug.len() > 60 {
            return Err(field(
                "theme_id",
                "Enter a short id for the theme",
                "Letters, digits and hyphens, such as quicker-sign-off",
            ));
        }
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 100 || has_html(label) {
            return Err(field(
                "theme_label",
                "Enter the theme's name, of 100 characters or fewer",
                "Plain text, such as Quicker sign-off",
            ));
        }
        let Some(audience) = swforce_domain::exchange::Audience::from_id(audience) else {
            return Err(field(
                "theme_audience",
                "Choose who the theme is for",
                "Pick one",
            ));
        };
        self.themes()?;
        self.store().save_theme(&Theme {
            id: slug.clone(),
            label: label.into(),
            audience,
            active,
        })?;
        self.audit_event(
            Some(who),
            "admin",
            &format!("theme {slug}"),
            if active { "saved" } else { "retired" },
            origin,
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::display::spreadsheet_safe;
    use swforce_domain::exchange::{Example, Setting, Status};

    #[test]
    fn guests_examples_never_confirmed_are_erased_after_the_link_expires() {
        use std::sync::Arc;
        let dir = tempfile::tempdir().unwrap();
        let store = swforce_store_sqlite::SqliteStore::open_in_dir(dir.path()).unwrap();
        let app = App::new(Arc::new(store));
        let mut e = Example {
            id: 0,
            status: Status::Unconfirmed,
            title: "Old".into(),
            problem: "p".into(),
            change: "c".into(),
            setting: Setting::Adults,
            org_kind: None,
            region: None,
            themes: Vec::new(),
            hours_saved: None,
            direct_before: None,
            direct_after: None,
            contact_consent: false,
            author_user: None,
            author_name: "Gita".into(),
            author_email: "gita@example.org".into(),
            moderator_note: String::new(),
            fingerprint: "old".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
            updated_at: "2026-01-01T00:00:00Z".into(),
            published_at: None,
            helped: 0,
        };
        let old = app.store().save_example(&e).unwrap().id;
        e.title = "New".into();
        e.fingerprint = "new".into();
        e.updated_at = "2026-01-09T00:00:00Z".into();
        let new = app.store().save_example(&e).unwrap().id;
        assert_eq!(
            app.erase_unconfirmed_before("2026-01-08T00:00:00Z")
                .unwrap(),
            1
        );
        let gone = app.store().example(old).unwrap().unwrap();
        assert_eq!(gone.status, Status::Withdrawn);
        assert!(gone.author_email.is_empty());
        assert_eq!(
            app.store().example(new).unwrap().unwrap().author_email,
            "gita@example.org"
        );
    }

    #[test]
    fn emails_and_numbers_are_read_as_people_write_them() {
        assert_eq!(
            check_email(" Sam@Example.org "),
            Some("sam@example.org".into())
        );
        assert_eq!(check_email("sam@localhost"), None);
        assert_eq!(check_email("sam example@x.org"), None);
        assert_eq!(number::<u8>("35%", "x", "").unwrap(), Some(35));
        assert_eq!(number::<f64>(" ", "x", "").unwrap(), None);
        assert!(number::<u8>("lots", "x", "").is_err());
        assert_eq!(spreadsheet_safe("=1+1"), "'=1+1");
    }
}
