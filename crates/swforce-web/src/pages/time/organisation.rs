//! An organisation's own time figures, or one of its teams'.

use super::ViewParams;
use super::group::{Placing, group_csv, group_page};
use crate::auth::Viewer;
use crate::error::{PageError, Problem};
use crate::pages::ids::{Kind, PublicIds};
use crate::pages::{PageResult, csv_response, ids, run};
use crate::view::Choices;
use crate::{AppState, WebState};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use swforce_app::access::Principal;
use swforce_app::diary::{Group, GroupTime};
use swforce_domain::access::Role;

fn team_choices(teams: &[swforce_store::Team], chosen: Option<i64>, ids: &PublicIds) -> Choices {
    let mut c = Choices::new("team", "Team", "select").option(
        "",
        "Whole organisation",
        "",
        chosen.is_none(),
    );
    for t in teams {
        c = c.option(
            &ids.encode(Kind::Team, t.id),
            &t.name,
            "",
            chosen == Some(t.id),
        );
    }
    c
}

fn team_of(state: &WebState, q: &ViewParams) -> Result<Option<i64>, PageError> {
    match q.team.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => match ids::all(state)?.read(Kind::Team, t) {
            Some(found) => Ok(Some(found.id())),
            None => Err(PageError::new(
                StatusCode::BAD_REQUEST,
                "There is a problem",
                format!("\u{201c}{t}\u{201d} is not a team"),
                "Choose a team from the list",
            )),
        },
    }
}

/// The team a view shows: the one asked for; with none asked for, a team manager's own team
/// (they land on it, and "All the organisation" is one choice away); otherwise the whole
/// organisation.
fn team_shown(state: &WebState, who: &Principal, q: &ViewParams) -> Result<Option<i64>, PageError> {
    match &q.team {
        Some(_) => team_of(state, q),
        None if who.user.roles.contains(&Role::TeamManager) => Ok(who.user.team_id),
        None => Ok(None),
    }
}

/// An organisation's view: its figures, its teams, the team shown, and what was wrong with the
/// dates asked for.
struct OrgView {
    time: GroupTime,
    teams: Vec<swforce_store::Team>,
    team: Option<i64>,
    problem: Option<Problem>,
}

fn org_view(state: &WebState, who: &Principal, q: &ViewParams) -> Result<OrgView, PageError> {
    let ((from, to), problem) = super::period_or_default(q)?;
    let team = team_shown(state, who, q)?;
    let teams = state.app.diary_teams(who)?;
    let group = team.map_or(Group::Organisation, Group::Team);
    let time = state.app.org_time(who, &group, from, to)?;
    Ok(OrgView {
        time,
        teams,
        team,
        problem,
    })
}

pub(super) fn query_of(q: &ViewParams) -> String {
    let mut parts = Vec::new();
    // The dates as the boxes gave them, or as the link did (a wrong date leaves the default).
    let (from, to) = q.dates().unwrap_or_default();
    for (k, v) in [("team", &q.team), ("from", &from), ("to", &to)] {
        if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
            parts.push(format!(
                "{k}={}",
                crate::error::form_urlencoded_component(v.trim())
            ));
        }
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

pub async fn show(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<ViewParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let OrgView {
            time: g,
            teams,
            team,
            problem,
        } = org_view(&state, &who, &q)?;
        let caption = if team.is_some() {
            who.org.name.clone()
        } else {
            "Your organisation".to_string()
        };
        let page = group_page(
            &g,
            &q,
            Placing {
                caption: &caption,
                action: "/time/organisation",
                teams: Some(team_choices(&teams, team, &*ids::all(&state)?)),
                download: &format!("/time/organisation/download.csv{}", query_of(&q)),
                reform_code: Some(who.org.la_code.as_deref().unwrap_or("E92000001")),
                others: vec![("England".into(), "/time/england".into())],
                problem,
            },
        );
        page.respond()
    })
    .await
}

pub async fn download(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<ViewParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let OrgView {
            time: g, problem, ..
        } = org_view(&state, &who, &q)?;
        if let Some(p) = problem {
            return Err(PageError::new(
                StatusCode::BAD_REQUEST,
                "There is a problem",
                p.text,
                p.fix,
            ));
        }
        Ok(csv_response("time-for-social-work.csv", group_csv(&g)))
    })
    .await
}
