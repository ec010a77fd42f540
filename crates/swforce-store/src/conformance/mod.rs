//! The behaviours every `Store` backend must show. Each backend's test file calls every
//! function here on a fresh, empty store.
//!
//! One module per part of the store; the macro at the bottom declares one test per behaviour.

mod access;
mod agency;
mod census;
mod diary;
mod exchange;
mod healthcheck;
mod scenario;
mod statistics;

pub use access::*;
pub use agency::*;
pub use census::*;
pub use diary::*;
pub use exchange::*;
pub use healthcheck::*;
pub use scenario::*;
pub use statistics::*;

use crate::{ImportOutcome, Provenance, Store};
use swforce_domain::{
    Cell, Dataset, EesSymbol, GeographicLevel, Geography, GeographyCode, Measure, OldLaCode, Row,
    Year,
};

fn code(c: &str) -> GeographyCode {
    GeographyCode::parse(c).expect("conformance codes are well formed")
}

fn year(y: u16) -> Year {
    Year::try_from(y).expect("conformance years are in range")
}

/// England, one region and one authority in it, the authority called `authority_name`.
pub fn geographies(authority_name: &str) -> Vec<Geography> {
    vec![
        Geography {
            code: code("E92000001"),
            name: "England".into(),
            level: GeographicLevel::National,
            parent: None,
            old_la_code: None,
        },
        Geography {
            code: code("E12000009"),
            name: "South West".into(),
            level: GeographicLevel::Regional,
            parent: Some(code("E92000001")),
            old_la_code: None,
        },
        Geography {
            code: code("E06000058"),
            name: authority_name.into(),
            level: GeographicLevel::LocalAuthority,
            parent: Some(code("E12000009")),
            old_la_code: OldLaCode::parse("839").ok(),
        },
    ]
}

/// Workforce rows for the authority: in post and leavers for each year, and a suppressed cell.
pub fn rows(years: &[u16], inpost: f64) -> Vec<Row> {
    let m = |n: &str| Measure::named(n).expect("conformance measures exist");
    years
        .iter()
        .map(|y| {
            let mut r = Row::new(Dataset::CswwHeadline, code("E06000058"), year(*y), "");
            r.set(m("inpost_fte"), Cell::Value(inpost + f64::from(*y - 2000)));
            r.set(m("leavers_fte"), Cell::Value(20.5));
            r.set(m("turnover_rate_fte"), Cell::Value(0.113));
            r.set(m("working_days_lost_fte"), Cell::Symbol(EesSymbol::C));
            r
        })
        .collect()
}

pub fn provenance(sha: &str, first: u16, last: u16, rows: u64) -> Provenance {
    Provenance {
        file_name: format!("csww_{first}_to_{last}.csv"),
        sha256: sha.repeat(64 / sha.len().max(1)),
        bytes: 1234,
        dataset: Dataset::CswwHeadline,
        publisher: "Department for Education".into(),
        release: format!("Children's social work workforce, {first} to {last}"),
        first_year: year(first),
        last_year: year(last),
        rows,
        warnings: vec!["column \"x\" is unknown".into()],
        renamed: vec![("social_worker_fte".into(), "inpost_fte".into())],
        imported_at: "2026-11-25T10:00:00Z".into(),
    }
}

fn import(store: &dyn Store, sha: &str, years: &[u16], inpost: f64, name: &str) -> ImportOutcome {
    let first = *years.iter().min().expect("at least one year");
    let last = *years.iter().max().expect("at least one year");
    store
        .import_batch(
            &provenance(sha, first, last, years.len() as u64),
            &geographies(name),
            &rows(years, inpost),
        )
        .expect("conformance import succeeds")
}

fn organisation(store: &dyn Store, name: &str, la: Option<&str>) -> crate::Organisation {
    store
        .create_organisation(&crate::NewOrganisation {
            name,
            kind: swforce_domain::access::OrgKind::LocalAuthority,
            la_code: la,
            email_domain: None,
            created_at: "2026-11-25T10:00:00Z",
        })
        .unwrap()
}

fn person(store: &dyn Store, org: i64, email: &str) -> crate::User {
    use swforce_domain::access::Role;
    store
        .create_user(&crate::NewUser {
            org_id: org,
            team_id: None,
            email,
            name: "Sam Patel",
            roles: &[Role::SocialWorker, Role::TeamManager],
            password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
            created_at: "2026-11-25T10:00:00Z",
        })
        .unwrap()
}

/// Declares one `#[test]` per behaviour, each on a fresh store made by `$fresh` (an expression
/// of type `Box<dyn Store>`), so a failure names the behaviour that broke.
///
/// For a backend that needs a server, `conformance_tests!(optional $fresh)` takes an expression
/// of type `Option<Box<dyn Store>>` instead: where it is `None` (no server to test against) the
/// test returns at once, and `$fresh` is the place to say so or to fail.
#[macro_export]
macro_rules! conformance_tests {
    (optional $fresh:expr) => {
        $crate::conformance_tests!(@list optional $fresh);
    };
    ($fresh:expr) => {
        $crate::conformance_tests!(@list required $fresh);
    };
    (@list $mode:ident $fresh:expr) => {
        $crate::conformance_tests!(@each $mode $fresh;
            an_empty_store_has_nothing_and_generation_zero,
            an_import_stores_rows_symbols_geographies_and_provenance,
            reimporting_the_same_file_changes_nothing,
            a_later_release_wins_and_the_earlier_stays_as_a_vintage,
            a_release_repeating_the_figures_replaces_them_without_changing_any,
            an_older_release_imported_later_does_not_win,
            a_failing_import_writes_nothing,
            breakdowns_are_kept_apart,
            scenarios_are_saved_listed_and_found_by_id,
            a_census_return_is_stored_whole_replaced_by_a_new_file_and_kept_by_the_same,
            an_import_and_its_audit_line_commit_together,
            organisations_and_teams_are_unique_and_found,
            users_are_unique_by_email_in_any_case_and_updated_whole,
            sessions_expire_and_sign_out_everywhere_ends_them_all,
            one_time_tokens_work_once_and_only_while_live,
            failed_sign_ins_are_counted_per_key_and_window,
            api_tokens_are_scoped_to_their_owner_and_revocable,
            a_site_secret_is_made_once_and_older_ids_are_fixed_when_the_store_is_made,
            sign_on_identities_link_once_and_domains_are_verified_per_organisation,
            the_audit_log_is_append_only_newest_first_and_per_organisation,
            agency_engagements_caps_and_costs_are_kept_per_organisation,
            return_notes_are_kept_per_organisation_and_quarter,
            examples_are_stored_whole_found_by_status_and_author_and_refused_twice,
            published_examples_are_searched_filtered_and_sorted_the_same_way,
            forms_responses_and_pages_are_kept_until_their_day,
            diaries_are_kept_per_person_and_summed_for_any_period_without_reading_them,
            a_closed_week_is_released_once_and_later_changes_only_in_batches_of_five,
            health_check_tickets_answer_once_while_the_round_is_open,
        );
    };
    (@each required $fresh:expr; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let store: Box<dyn $crate::Store> = $fresh;
                $crate::conformance::$name(store.as_ref());
            }
        )*
    };
    (@each optional $fresh:expr; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let store: Option<Box<dyn $crate::Store>> = $fresh;
                let Some(store) = store else {
                    return;
                };
                $crate::conformance::$name(store.as_ref());
            }
        )*
    };
}
