//! The site admin's list of organisations, and adding one.

use super::target_of;
use crate::auth::Viewer;
use crate::error::{PageError, Problem};
use crate::pages::ids::{self, Kind};
use crate::pages::{Fields, PageResult, problem_at, redirect, render, run, unprocessable};
use crate::view::{CellView, Choices, Field, Layout, TableView};
use crate::{AppState, WebState};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::IntoResponse;
use swforce_app::AppError;
use swforce_app::access::Principal;
use swforce_domain::access::{OrgKind, Permission};

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
            return Ok(redirect(&format!(
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
            Ok(org) => Ok(redirect(&format!(
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
