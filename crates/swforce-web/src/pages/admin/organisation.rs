//! One organisation's page and its forms: inviting people, adding teams, single sign-on and
//! verifying its email domain.

use super::{
    day, roles_choices, target_of, team_in, teams_choices, visible_org, visible_org_named,
};
use crate::auth::Viewer;
use crate::error::{PageError, Problem};
use crate::pages::ids::{self, Kind};
use crate::pages::{Fields, PageResult, problem_at, redirect, render, run, unprocessable};
use crate::view::{CellView, Choices, Crumb, Field, Layout, TableView};
use crate::{AppState, WebState};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use serde::Deserialize;
use swforce_app::AppError;
use swforce_app::access::Principal;
use swforce_domain::access::Permission;
use swforce_store::{Organisation, UserStatus};

#[derive(Template)]
#[template(path = "admin_org.html")]
struct OrgPage {
    layout: Layout,
    crumbs: Vec<Crumb>,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
    invitation: Option<String>,
    site_admin: bool,
    /// The opaque id, for the page's own addresses.
    id: String,
    name: String,
    kind: &'static str,
    details: Vec<(String, String)>,
    can_audit: bool,
    can_people: bool,
    /// The last failure to reach the provider: when, and what happened.
    sso_problem: Option<(String, String)>,
    /// The email domain, and when it was verified (if it was).
    domain: Option<(String, Option<String>)>,
    verify_address: Field,
    can_sso: bool,
    people: TableView,
    invite_name: Field,
    invite_email: Field,
    roles: Choices,
    teams: Choices,
    team_names: Vec<String>,
    team_name: Field,
    redirect_uri: String,
    sso_domain: Field,
    sso_issuer: Field,
    sso_client: Field,
    sso_secret: Field,
}

#[derive(Debug, Default, Deserialize)]
pub struct OrgParams {
    created: Option<String>,
    team: Option<String>,
    sso: Option<String>,
}

#[allow(clippy::too_many_arguments)]
fn org_page(
    state: &WebState,
    who: &Principal,
    org: &Organisation,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
    invitation: Option<String>,
    form: &Fields,
) -> Result<OrgPage, PageError> {
    let can_people = who.can(Permission::ManageUsers);
    let mut people = TableView {
        caption: "People".into(),
        head: Vec::new(),
        rows: Vec::new(),
        download: String::new(),
    };
    let mut team_names = Vec::new();
    if can_people {
        let teams = state.app.teams_of(who, org.id)?;
        team_names = teams.iter().map(|t| t.name.clone()).collect();
        let list = state.app.people(who, org.id)?;
        let person = ids::encoder(state, Kind::Person)?;
        people.head = [
            "Name",
            "Email address",
            "Roles",
            "Team",
            "Status",
            "Last signed in (UTC)",
        ]
        .iter()
        .map(|h| CellView::text(*h))
        .collect();
        people.rows = list
            .iter()
            .map(|u| {
                let status = match (
                    u.status,
                    u.password_hash.is_some() || u.last_sign_in.is_some(),
                ) {
                    (UserStatus::Locked, _) => "Locked",
                    (UserStatus::Active, false) => "Invited",
                    (UserStatus::Active, true) => "Active",
                };
                vec![
                    CellView::link(u.name.clone(), format!("/admin/people/{}", person(u.id))),
                    CellView::text(u.email.clone()),
                    CellView::text(
                        u.roles
                            .iter()
                            .map(|r| r.label())
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    CellView::text(
                        u.team_id
                            .and_then(|t| teams.iter().find(|x| x.id == t))
                            .map(|t| t.name.clone())
                            .unwrap_or_default(),
                    ),
                    CellView::text(status),
                    CellView::text(
                        u.last_sign_in
                            .as_deref()
                            .map(day)
                            .unwrap_or_else(|| "Never".into()),
                    ),
                ]
            })
            .collect();
    }
    let authority = org.la_code.as_ref().map(|c| {
        state
            .app
            .snapshot()
            .ok()
            .and_then(|s| s.find(c).ok().map(|g| format!("{} ({c})", g.name)))
            .unwrap_or_else(|| c.clone())
    });
    let mut details = vec![("Type".to_string(), org.kind.label().to_string())];
    if let Some(a) = authority {
        details.push(("Local authority".into(), a));
    }
    details.push((
        "Email domain".into(),
        org.email_domain.clone().unwrap_or_else(|| "None".into()),
    ));
    details.push((
        "Single sign-on".into(),
        org.sso
            .as_ref()
            .map_or("Off".into(), |s| format!("On, with {}", s.issuer)),
    ));
    let team_chosen = team_in(state, form)?;
    let sso = org.sso.clone();
    Ok(OrgPage {
        layout: Layout::new(&if problems.is_empty() { org.name.clone() } else { format!("Error: {}", org.name) }).nav("admin"),
        crumbs: vec![Crumb { text: "Organisations".into(), href: "/admin".into() }],
        banner,
        invitation,
        site_admin: who.can(Permission::ManageSite),
        id: ids::public(state, Kind::Organisation, org.id)?,
        name: org.name.clone(),
        kind: org.kind.label(),
        details,
        can_audit: who.can(Permission::ViewAudit),
        can_people,
        can_sso: who.can(Permission::ConfigureSso),
        sso_problem: if who.can(Permission::ConfigureSso) {
            state.app.sso_problem(who, org)?
        } else {
            None
        },
        domain: state
            .app
            .domain_verification(org)?
            .map(|(d, at)| (d, at.map(|a| swforce_app::display::when(&a)))),
        verify_address: Field::new("verify_address", "An address at the domain")
            .hint("Someone who reads mail there (such as the IT service desk) opens the link we send")
            .kind("email", "off")
            .value(&form.get("verify_address"))
            .width("20")
            .error_from(&problems),
        people,
        invite_name: Field::new("name", "Full name").value(&form.get("name")).width("20").error_from(&problems),
        invite_email: Field::new("email", "Email address").kind("email", "off").value(&form.get("email")).width("20").error_from(&problems),
        roles: roles_choices(who, &form.all("roles")).error_from(&problems),
        teams: if can_people { teams_choices(state, who, org.id, team_chosen)?.error_from(&problems) } else { Choices::default() },
        team_names,
        team_name: Field::new("team_name", "Team name").hint("Such as Assessment East").width("20").error_from(&problems),
        redirect_uri: format!("{}/sign-in/sso/callback", state.options.public_url.trim_end_matches('/')),
        sso_domain: Field::new("sso_domain", "Email domain").hint("Such as kent.gov.uk").value(&if form.0.is_empty() { org.email_domain.clone().unwrap_or_default() } else { form.get("sso_domain") }).width("20").error_from(&problems),
        sso_issuer: Field::new("sso_issuer", "Issuer").hint("From your identity provider; for Entra ID, https://login.microsoftonline.com/<tenant id>/v2.0. Leave empty to turn single sign-on off.").value(&if form.0.is_empty() { sso.as_ref().map(|s| s.issuer.clone()).unwrap_or_default() } else { form.get("sso_issuer") }).error_from(&problems),
        sso_client: Field::new("sso_client", "Client ID").value(&if form.0.is_empty() { sso.as_ref().map(|s| s.client_id.clone()).unwrap_or_default() } else { form.get("sso_client") }).width("20").error_from(&problems),
        sso_secret: Field::new("sso_secret", "Client secret").hint(if sso.is_some() { "Leave empty to keep the one saved" } else { "From the application's certificates and secrets" }).kind("password", "off").width("20").error_from(&problems),
        problems,
    })
}

pub async fn show_organisation(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<OrgParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let (org, found) = visible_org_named(&state, &who, &id)?;
        if let Some(moved) = ids::moved(&state, &viewer.path, found, Kind::Organisation)? {
            return Ok(moved);
        }
        let banner = if q.created.is_some() {
            Some((
                format!("{} added", org.name),
                "Invite its first organisation admin below.".to_string(),
            ))
        } else if let Some(t) = q.team {
            // The address names the team by its id; the banner says its stored name, so a link
            // cannot put words of its own in it.
            let found = ids::all(&state)?.read(Kind::Team, &t);
            state
                .app
                .teams_of(&who, org.id)?
                .into_iter()
                .find(|team| found.as_ref().is_some_and(|f| f.id() == team.id))
                .map(|team| {
                    (
                        format!("Team \u{201c}{}\u{201d} added", team.name),
                        String::new(),
                    )
                })
        } else if q.sso.is_some() {
            Some(("Single sign-on saved".to_string(), String::new()))
        } else {
            None
        };
        Ok(render(&org_page(
            &state,
            &who,
            &org,
            Vec::new(),
            banner,
            None,
            &Fields::default(),
        )?)?
        .into_response())
    })
    .await
}

fn refused(
    state: &WebState,
    who: &Principal,
    org: &Organisation,
    problems: Vec<Problem>,
    form: &Fields,
) -> PageResult {
    let page = org_page(state, who, org, problems, None, None, form)?;
    unprocessable(&page)
}

pub async fn invite(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let org = visible_org(&state, &who, &id)?;
        let team = team_in(&state, &form)?;
        match state.app.invite(
            &who,
            org.id,
            &form.get("email"),
            &form.get("name"),
            &form.all("roles"),
            team,
            &state.options.public_url,
            &viewer.origin,
        ) {
            Ok((user, link)) => {
                let banner = Some((
                    format!("{} invited", user.name),
                    format!("An invitation has gone to {}.", user.email),
                ));
                Ok(render(&org_page(
                    &state,
                    &who,
                    &org,
                    Vec::new(),
                    banner,
                    Some(link),
                    &Fields::default(),
                )?)?
                .into_response())
            }
            Err(AppError::Invalid { problem, fix }) | Err(AppError::Forbidden { problem, fix }) => {
                let target = target_of(
                    &problem,
                    &[
                        ("name", "name"),
                        ("email", "email"),
                        ("role", "roles"),
                        ("team", "team"),
                    ],
                );
                refused(&state, &who, &org, problem_at(&target, problem, fix), &form)
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

pub async fn create_team(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let org = visible_org(&state, &who, &id)?;
        match state
            .app
            .create_team(&who, org.id, &form.get("team_name"), &viewer.origin)
        {
            Ok(t) => Ok(redirect(&format!(
                "/admin/organisations/{}?team={}#success",
                ids::public(&state, Kind::Organisation, org.id)?,
                ids::public(&state, Kind::Team, t.id)?
            ))
            .into_response()),
            Err(AppError::Invalid { problem, fix }) => refused(
                &state,
                &who,
                &org,
                problem_at("team_name", problem, fix),
                &Fields::default(),
            ),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

pub async fn configure_sso(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let org = visible_org(&state, &who, &id)?;
        match state.app.configure_sso(
            &who,
            org.id,
            &form.get("sso_domain"),
            &form.get("sso_issuer"),
            &form.get("sso_client"),
            &form.get("sso_secret"),
            &viewer.origin,
        ) {
            Ok(()) => Ok(redirect(&format!(
                "/admin/organisations/{}?sso=1#success",
                ids::public(&state, Kind::Organisation, org.id)?
            ))
            .into_response()),
            Err(AppError::Invalid { problem, fix }) => {
                let target = target_of(
                    &problem,
                    &[
                        ("domain", "sso_domain"),
                        ("issuer", "sso_issuer"),
                        ("client id", "sso_client"),
                    ],
                );
                refused(&state, &who, &org, problem_at(&target, problem, fix), &form)
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

/// Sends a link to an address at the organisation's email domain, to verify it.
pub async fn verify_domain_request(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let org = visible_org(&state, &who, &id)?;
        match state.app.send_domain_verification(
            &who,
            org.id,
            &form.get("verify_address"),
            &state.options.public_url,
            &viewer.origin,
        ) {
            Ok(()) => {
                let page = org_page(
                    &state,
                    &who,
                    &org,
                    Vec::new(),
                    Some((
                        "Verification link sent".into(),
                        format!(
                            "When {} opens it, the domain is verified.",
                            form.get("verify_address").trim()
                        ),
                    )),
                    None,
                    &Fields::default(),
                )?;
                Ok(render(&page)?.into_response())
            }
            Err(AppError::Invalid { problem, fix }) => refused(
                &state,
                &who,
                &org,
                problem_at("verify_address", problem, fix),
                &form,
            ),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

#[derive(Template)]
#[template(path = "domain_verified.html")]
struct DomainVerifiedPage {
    layout: Layout,
    domain: String,
    organisation: String,
}

/// `/domains/verify/{secret}`: the link sent to an address at an organisation's domain.
pub async fn verify_domain(
    State(state): AppState,
    viewer: Viewer,
    Path(secret): Path<String>,
) -> PageResult {
    run(move || {
        let (org, domain) = state.app.verify_domain(&secret, &viewer.origin)?;
        let page = DomainVerifiedPage {
            layout: Layout::new(&format!("{domain} is verified")),
            domain,
            organisation: org.name,
        };
        Ok(render(&page)?.into_response())
    })
    .await
}
