//! Administration pages: organisations (site admins), an organisation's people, teams, single
//! sign-on and audit log (organisation admins). Every check is the application's: these pages
//! only show what it allows and post what people type.

mod audit;
mod organisation;
mod people;
mod site;

use super::Fields;
use super::ids::{self, IdRef, Kind};
use crate::WebState;
use crate::error::PageError;
use crate::view::Choices;
use axum::Router;
use axum::routing::{get, post};
use swforce_app::access::{Principal, admin_grantable};
use swforce_store::Organisation;

/// Administration: organisations, people, single sign-on, domains and the audit log.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/admin", get(site::index))
        .route("/admin/audit", get(audit::site_audit))
        .route("/admin/organisations", post(site::create_organisation))
        .route(
            "/admin/organisations/{id}",
            get(organisation::show_organisation),
        )
        .route(
            "/admin/organisations/{id}/audit",
            get(audit::organisation_audit),
        )
        .route(
            "/admin/organisations/{id}/invitations",
            post(organisation::invite),
        )
        .route(
            "/admin/organisations/{id}/teams",
            post(organisation::create_team),
        )
        .route(
            "/admin/organisations/{id}/sso",
            post(organisation::configure_sso),
        )
        .route(
            "/admin/organisations/{id}/domain-verification",
            post(organisation::verify_domain_request),
        )
        .route("/domains/verify/{secret}", get(organisation::verify_domain))
        .route(
            "/admin/people/{id}",
            get(people::show_person).post(people::update_person),
        )
}

fn day(s: &str) -> String {
    swforce_app::display::when(s)
}

/// Which field a problem from the application is about, from its words.
fn target_of(problem: &str, fields: &[(&str, &str)]) -> String {
    let p = problem.to_lowercase();
    fields
        .iter()
        .find(|(word, _)| p.contains(word))
        .map_or(fields[0].1, |(_, t)| t)
        .to_string()
}

fn roles_choices(who: &Principal, chosen: &[String]) -> Choices {
    let mut c = Choices::new("roles", "Roles", "checkbox")
        .hint("Select all that apply. Under each role is what it lets a person do.");
    for r in admin_grantable(who) {
        // What the role adds, in the matrix's words.
        let may: Vec<&str> = swforce_domain::access::MATRIX
            .iter()
            .filter(|(_, roles)| roles.contains(&r))
            .map(|(p, _)| p.describe())
            .collect();
        c = c.option(
            r.id(),
            r.label(),
            &may.join("; "),
            chosen.iter().any(|x| x == r.id()),
        );
    }
    c
}

fn teams_choices(
    state: &WebState,
    who: &Principal,
    org: i64,
    chosen: Option<i64>,
) -> Result<Choices, PageError> {
    let teams = state.app.teams_of(who, org)?;
    let mut c = Choices::new("team", "Team (optional)", "select");
    if !teams.is_empty() {
        c = c.option("", "No team", "", chosen.is_none());
        let public = ids::encoder(state, Kind::Team)?;
        for t in teams {
            c = c.option(&public(t.id), &t.name, "", chosen == Some(t.id));
        }
    }
    Ok(c)
}

/// The team chosen in a form, if any.
fn team_in(state: &WebState, form: &Fields) -> Result<Option<i64>, PageError> {
    match form.get("team").trim() {
        "" => Ok(None),
        text => Ok(Some(ids::read(state, Kind::Team, text, "team")?.id())),
    }
}

/// The organisation an address names, if the person may see it.
fn visible_org(state: &WebState, who: &Principal, id: &str) -> Result<Organisation, PageError> {
    Ok(visible_org_named(state, who, id)?.0)
}

/// The same, with how the address named it.
fn visible_org_named(
    state: &WebState,
    who: &Principal,
    id: &str,
) -> Result<(Organisation, IdRef), PageError> {
    let found = ids::read(state, Kind::Organisation, id, "organisation")?;
    let org = state.app.organisation_for(who, found.id())?;
    Ok((org, found))
}
