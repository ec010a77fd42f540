//! The audit log, of one organisation or of every one, on a page or as CSV.

use super::{day, visible_org};
use crate::auth::Viewer;
use crate::pages::ids::{self, Kind};
use crate::pages::{PageResult, csv_response, render, run};
use crate::view::{CellView, Crumb, Layout, TableView};
use crate::{AppState, WebState};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use serde::Deserialize;
use swforce_app::access::Principal;
use swforce_domain::access::Permission;
use swforce_store::Organisation;

/// Lines of the audit log shown on the page (the CSV has up to [`AUDIT_EXPORT`]).
const AUDIT_SHOWN: u32 = 500;
const AUDIT_EXPORT: u32 = 100_000;

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
) -> PageResult {
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
        return Ok(csv_response("audit-log.csv", table.to_csv()));
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
        let org = visible_org(&state, &who, &id)?;
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
