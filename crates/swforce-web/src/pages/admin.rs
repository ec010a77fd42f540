//! Administration pages: organisations (site admins), an organisation's people, teams, single
//! sign-on and audit log (organisation admins). Every check is the application's: these pages
//! only show what it allows and post what people type.

use super::ids::{self, IdRef, Kind};
use super::{Fields, PageResult, problem_at, render, run, unprocessable};
use crate::auth::Viewer;
use crate::error::{PageError, Problem};
use crate::view::{CellView, Choices, Crumb, Field, Layout, TableView};
use crate::{AppState, WebState};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use swforce_app::AppError;
use swforce_app::access::{Principal, admin_grantable};
use swforce_domain::access::{OrgKind, Permission};
use swforce_store::{Organisation, UserStatus};

/// Lines of the audit log shown on the page (the CSV has up to [`AUDIT_EXPORT`]).
const AUDIT_SHOWN: u32 = 500;
const AUDIT_EXPORT: u32 = 100_000;

fn day(s: &str) -> String {
    s.replace('T', " ").replace('Z', "")
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

#[derive(Template)]
#[template(path = "admin.html")]
struct SitePage {
    layout: Layout,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
    organisations: TableView,
    name: Field,
    kind: Choices,
    la: Field,
    domain: Field,
}

fn site_page(
    state: &WebState,
    who: &Principal,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
    form: &Fields,
) -> Result<SitePage, PageError> {
    let orgs = state.app.organisations_for(who)?;
    let public = ids::encoder(state, Kind::Organisation)?;
    let organisations = TableView {
        caption: "Organisations".into(),
        head: [
            "Organisation",
            "Type",
            "Authority",
            "Email domain",
            "Single sign-on",
            "People",
        ]
        .iter()
        .enumerate()
        .map(|(i, h)| CellView {
            numeric: i == 5,
            ..CellView::text(*h)
        })
        .collect(),
        rows: orgs
            .iter()
            .map(|o| {
                vec![
                    CellView::link(
                        o.org.name.clone(),
                        format!("/admin/organisations/{}", public(o.org.id)),
                    ),
                    CellView::text(o.org.kind.label()),
                    CellView::text(o.org.la_code.clone().unwrap_or_default()),
                    CellView::text(o.org.email_domain.clone().unwrap_or_default()),
                    CellView::text(if o.org.sso.is_some() { "On" } else { "Off" }),
                    CellView::number(o.people.to_string(), o.people.to_string()),
                ]
            })
            .collect(),
        download: String::new(),
    };
    let chosen = form.get("kind");
    let mut kind = Choices::new("kind", "Type of organisation", "radio");
    for k in OrgKind::ALL {
        kind = kind.option(
            k.id(),
            k.label(),
            if k.holds_census() {
                "Returns the census for one local authority"
            } else {
                ""
            },
            chosen == k.id(),
        );
    }
    Ok(SitePage {
        layout: Layout::new(if problems.is_empty() { "Organisations" } else { "Error: Organisations" }).nav("admin"),
        banner,
        organisations,
        name: Field::new("name", "Name").hint("Its full name, such as Kent County Council").value(&form.get("name")).error_from(&problems),
        kind: kind.error_from(&problems),
        la: Field::new("la", "Local authority (local authorities and children's trusts) or region (regional alliances)").hint("For a local authority or children's trust, the authority whose census it returns, such as Kent or E10000016; for a regional alliance, its region, such as South East").value(&form.get("la")).width("20").error_from(&problems),
        domain: Field::new("domain", "Email domain (optional)").hint("The part after the @ in its people's work email addresses, such as kent.gov.uk; needed for single sign-on").value(&form.get("domain")).width("20").error_from(&problems),
        problems,
    })
}

pub async fn index(State(state): AppState, viewer: Viewer) -> PageResult {
    let who = viewer.signed_in()?.clone();
    if !who.can(Permission::ManageSite) {
        if who.can(Permission::ManageUsers)
            || who.can(Permission::ViewAudit)
            || who.can(Permission::ConfigureSso)
        {
            return Ok(super::redirect(&format!(
                "/admin/organisations/{}",
                ids::public(&state, Kind::Organisation, who.org.id)?
            ))
            .into_response());
        }
        who.require_read(Permission::ManageUsers)?;
    }
    run(move || {
        Ok(render(&site_page(
            &state,
            &who,
            Vec::new(),
            None,
            &Fields::default(),
        )?)?
        .into_response())
    })
    .await
}

pub async fn create_organisation(
    State(state): AppState,
    viewer: Viewer,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        match state.app.create_organisation(
            &who,
            &form.get("name"),
            &form.get("kind"),
            &form.get("la"),
            &form.get("domain"),
            &viewer.origin,
        ) {
            Ok(org) => Ok(super::redirect(&format!(
                "/admin/organisations/{}?created=1",
                ids::public(&state, Kind::Organisation, org.id)?
            ))
            .into_response()),
            Err(AppError::Invalid { problem, fix }) => {
                let target = target_of(
                    &problem,
                    &[
                        ("name", "name"),
                        ("type", "kind"),
                        ("authority", "la"),
                        ("region", "la"),
                        ("domain", "domain"),
                    ],
                );
                let page = site_page(&state, &who, problem_at(&target, problem, fix), None, &form)?;
                unprocessable(&page)
            }
            Err(AppError::NotFound {
                query, suggestions, ..
            }) => {
                let fix = if suggestions.is_empty() {
                    "Give the authority's name or its code, such as E10000016".to_string()
                } else {
                    format!("Did you mean {}?", suggestions.join(", or "))
                };
                let page = site_page(
                    &state,
                    &who,
                    problem_at(
                        "la",
                        format!("No local authority matches \u{201c}{query}\u{201d}"),
                        fix,
                    ),
                    None,
                    &form,
                )?;
                unprocessable(&page)
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

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

fn roles_choices(who: &Principal, chosen: &[String]) -> Choices {
    let mut c = Choices::new("roles", "Roles", "checkbox")
        .hint("Select all that apply. docs/access.md lists what each role may do.");
    for r in admin_grantable(who) {
        c = c.option(r.id(), r.label(), "", chosen.iter().any(|x| x == r.id()));
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
            .map(|(d, at)| (d, at.map(|a| a.replace('T', " ").replace('Z', " UTC")))),
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

/// The team chosen in a form, if any.
fn team_in(state: &WebState, form: &Fields) -> Result<Option<i64>, PageError> {
    match form.get("team").trim() {
        "" => Ok(None),
        text => Ok(Some(ids::read(state, Kind::Team, text, "team")?.id())),
    }
}

/// The organisation an address names, if the person may see it.
fn organisation(state: &WebState, who: &Principal, id: &str) -> Result<Organisation, PageError> {
    Ok(organisation_named(state, who, id)?.0)
}

/// The same, with how the address named it.
fn organisation_named(
    state: &WebState,
    who: &Principal,
    id: &str,
) -> Result<(Organisation, IdRef), PageError> {
    let found = ids::read(state, Kind::Organisation, id, "organisation")?;
    let org = state.app.organisation_for(who, found.id())?;
    Ok((org, found))
}

pub async fn show_organisation(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<OrgParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let (org, found) = organisation_named(&state, &who, &id)?;
        if let Some(moved) = ids::moved(&state, &viewer.path, found, Kind::Organisation)? {
            return Ok(moved);
        }
        let banner = if q.created.is_some() {
            Some((
                format!("{} added", org.name),
                "Invite its first organisation admin below.".to_string(),
            ))
        } else if let Some(t) = q.team {
            Some((format!("Team {t} added"), String::new()))
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
) -> Result<Response, PageError> {
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
        let org = organisation(&state, &who, &id)?;
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
        let org = organisation(&state, &who, &id)?;
        match state
            .app
            .create_team(&who, org.id, &form.get("team_name"), &viewer.origin)
        {
            Ok(t) => Ok(super::redirect(&format!(
                "/admin/organisations/{}?team={}#teams",
                ids::public(&state, Kind::Organisation, org.id)?,
                crate::error::form_urlencoded_component(&t.name)
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
        let org = organisation(&state, &who, &id)?;
        match state.app.configure_sso(
            &who,
            org.id,
            &form.get("sso_domain"),
            &form.get("sso_issuer"),
            &form.get("sso_client"),
            &form.get("sso_secret"),
            &viewer.origin,
        ) {
            Ok(()) => Ok(super::redirect(&format!(
                "/admin/organisations/{}?sso=1#sso",
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

#[derive(Template)]
#[template(path = "admin_person.html")]
struct PersonPage {
    layout: Layout,
    crumbs: Vec<Crumb>,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
    organisation: String,
    name: String,
    /// The opaque id, for the page's own addresses.
    id: String,
    details: Vec<(String, String)>,
    roles: Choices,
    teams: Choices,
    status: Choices,
}

fn person_page(
    state: &WebState,
    who: &Principal,
    id: &str,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
) -> Result<PersonPage, PageError> {
    let id = ids::read(state, Kind::Person, id, "person")?.id();
    let user = state.app.person(who, id)?;
    let org = state.app.organisation_for(who, user.org_id)?;
    let roles: Vec<String> = user.roles.iter().map(|r| r.id().to_string()).collect();
    let locked = user.status == UserStatus::Locked;
    Ok(PersonPage {
        layout: Layout::new(&if problems.is_empty() {
            user.name.clone()
        } else {
            format!("Error: {}", user.name)
        })
        .nav("admin"),
        crumbs: vec![
            Crumb {
                text: "Organisations".into(),
                href: "/admin".into(),
            },
            Crumb {
                text: org.name.clone(),
                href: format!(
                    "/admin/organisations/{}",
                    ids::public(state, Kind::Organisation, org.id)?
                ),
            },
        ],
        banner,
        organisation: org.name.clone(),
        name: user.name.clone(),
        id: ids::public(state, Kind::Person, user.id)?,
        details: vec![
            ("Email address".into(), user.email.clone()),
            (
                "Roles".into(),
                user.roles
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ("Joined (UTC)".into(), day(&user.created_at)),
            (
                "Last signed in (UTC)".into(),
                user.last_sign_in
                    .as_deref()
                    .map(day)
                    .unwrap_or_else(|| "Never".into()),
            ),
            (
                "Failed sign-ins since the last one".into(),
                user.failed_sign_ins.to_string(),
            ),
        ],
        roles: roles_choices(who, &roles).error_from(&problems),
        teams: teams_choices(state, who, org.id, user.team_id)?,
        status: Choices::new("status", "Can they sign in?", "radio")
            .option("active", "Yes", "", !locked)
            .option(
                "locked",
                "No, lock the account",
                "Signs them out everywhere and stops them signing in until unlocked",
                locked,
            )
            .error_from(&problems),
        problems,
    })
}

pub async fn show_person(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let page = person_page(&state, &who, &id, Vec::new(), None)?;
        let found = ids::read(&state, Kind::Person, &id, "person")?;
        if let Some(moved) = ids::moved(&state, &viewer.path, found, Kind::Person)? {
            return Ok(moved);
        }
        Ok(render(&page)?.into_response())
    })
    .await
}

pub async fn update_person(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let user_id = ids::read(&state, Kind::Person, &id, "person")?.id();
        let team = team_in(&state, &form)?;
        match state.app.update_person(
            &who,
            user_id,
            &form.all("roles"),
            team,
            form.get("status") == "locked",
            &viewer.origin,
        ) {
            Ok(u) => {
                let page = person_page(
                    &state,
                    &who,
                    &id,
                    Vec::new(),
                    Some((format!("{} saved", u.name), String::new())),
                )?;
                Ok(render(&page)?.into_response())
            }
            Err(AppError::Invalid { problem, fix }) | Err(AppError::Forbidden { problem, fix }) => {
                let target = target_of(
                    &problem,
                    &[("role", "roles"), ("lock", "status"), ("team", "team")],
                );
                let page = person_page(&state, &who, &id, problem_at(&target, problem, fix), None)?;
                unprocessable(&page)
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    crumbs: Vec<Crumb>,
    organisation: String,
    shown: u32,
    download: String,
    table: TableView,
}

#[derive(Debug, Default, Deserialize)]
pub struct AuditParams {
    format: Option<String>,
}

fn audit_answer(
    state: &WebState,
    viewer: &Viewer,
    who: &Principal,
    org: Option<Organisation>,
    csv: bool,
) -> Result<Response, PageError> {
    let limit = if csv { AUDIT_EXPORT } else { AUDIT_SHOWN };
    let org_id = org.as_ref().map(|o| o.id);
    let name = org
        .as_ref()
        .map_or("Every organisation".to_string(), |o| o.name.clone());
    let base = match org_id {
        None => "/admin/audit".to_string(),
        Some(id) => format!(
            "/admin/organisations/{}/audit",
            ids::public(state, Kind::Organisation, id)?
        ),
    };
    if csv {
        state.app.audit_event(
            Some(who),
            "export",
            &format!("audit log of {name}"),
            "downloaded as CSV",
            &viewer.origin,
        )?;
    }
    let lines = state.app.audit_log(who, org_id, limit)?;
    let table = TableView {
        caption: "Audit log".into(),
        head: ["When (UTC)", "Who", "Action", "Target", "Detail", "Address"]
            .iter()
            .map(|h| CellView::text(*h))
            .collect(),
        rows: lines
            .iter()
            .map(|e| {
                vec![
                    CellView {
                        raw: e.at.clone(),
                        ..CellView::text(day(&e.at))
                    },
                    CellView::text(e.actor.clone()),
                    CellView::text(e.action.clone()),
                    CellView::text(e.target.clone()),
                    CellView::text(e.detail.clone()),
                    CellView::text(e.ip.clone()),
                ]
            })
            .collect(),
        download: String::new(),
    };
    if csv {
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"audit-log.csv\"".to_string(),
                ),
            ],
            table.to_csv(),
        )
            .into_response());
    }
    let mut crumbs = vec![Crumb {
        text: "Organisations".into(),
        href: "/admin".into(),
    }];
    if let Some(o) = &org {
        crumbs.push(Crumb {
            text: o.name.clone(),
            href: format!(
                "/admin/organisations/{}",
                ids::public(state, Kind::Organisation, o.id)?
            ),
        });
    }
    let page = AuditPage {
        layout: Layout::new("Audit log").nav("admin"),
        crumbs,
        organisation: name,
        shown: AUDIT_SHOWN,
        download: format!("{base}?format=csv"),
        table,
    };
    Ok(render(&page)?.into_response())
}

pub async fn organisation_audit(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<AuditParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let org = organisation(&state, &who, &id)?;
        who.require_read(Permission::ViewAudit)?;
        audit_answer(
            &state,
            &viewer,
            &who,
            Some(org),
            q.format.as_deref() == Some("csv"),
        )
    })
    .await
}

pub async fn site_audit(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<AuditParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        who.require_read(Permission::ManageSite)?;
        audit_answer(
            &state,
            &viewer,
            &who,
            None,
            q.format.as_deref() == Some("csv"),
        )
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
        let org = organisation(&state, &who, &id)?;
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
