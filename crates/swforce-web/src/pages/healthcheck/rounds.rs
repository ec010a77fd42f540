//! The organisation's rounds: the list, opening one (with its invitation links, shown once),
//! a round's page (progress, more links, closing) and the principal social worker's
//! self-assessment; and the question set itself.

use super::{ids, round_id};
use crate::auth::Viewer;
use crate::error::{PageError, Problem};
use crate::pages::ids::Kind;
use crate::pages::{Fields, PageResult, problem_at, redirect, render, run, unprocessable};
use crate::view::{Choices, DateInput, Field, Layout};
use crate::{AppState, WebState};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use swforce_app::AppError;
use swforce_app::agency::today;
use swforce_app::healthcheck::{
    Invitations, NewRound, QUESTIONS_FILE, QUESTIONS_TOML, RoundStatus, question_set,
};
use swforce_domain::access::Permission;
use swforce_domain::healthcheck::{
    MAX_OWN_QUESTIONS, OrgAnswer, PractitionerRole, QuestionSet, audience_label,
};

/// A round as a list shows it.
struct RoundRow {
    id: String,
    title: String,
    status: String,
    open: bool,
    answered: bool,
    progress: String,
}

fn row(state: &WebState, r: &RoundStatus) -> Result<RoundRow, PageError> {
    let date = |s: &str| {
        swforce_domain::Date::parse(s.get(..10).unwrap_or(s)).map_or_else(
            |_| s.to_string(),
            |d| swforce_app::display::when(&d.to_string()),
        )
    };
    Ok(RoundRow {
        id: ids::public(state, Kind::Round, r.round.id)?,
        title: r.round.title.clone(),
        status: match &r.round.closed_at {
            None => format!("Open until {}", date(&r.round.closes_on)),
            Some(at) => format!("Closed {}", date(at)),
        },
        open: r.round.is_open(),
        answered: r.answered,
        progress: r.counts.map_or_else(String::new, |c| {
            format!(
                "{} started, {} sent",
                swforce_app::display::counted(c.started as usize, "person", "people"),
                c.submitted
            )
        }),
    })
}

#[derive(Template)]
#[template(path = "healthcheck_index.html")]
struct IndexPage {
    layout: Layout,
    signed_in: bool,
    runs: bool,
    rounds: Vec<RoundRow>,
}

pub async fn index(State(state): AppState, viewer: Viewer) -> PageResult {
    run(move || {
        let rounds = match &viewer.principal {
            Some(who) => state
                .app
                .health_rounds(who, today())?
                .iter()
                .map(|r| row(&state, r))
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        render(&IndexPage {
            layout: Layout::new("Social work health check").nav("healthcheck"),
            signed_in: viewer.principal.is_some(),
            runs: viewer.can(Permission::RunHealthCheck),
            rounds,
        })
    })
    .await
}

#[derive(Template)]
#[template(path = "healthcheck_questions.html")]
struct QuestionsPage {
    layout: Layout,
    set: &'static QuestionSet,
    file: &'static str,
    obstacles: Vec<&'static str>,
}

pub async fn questions() -> PageResult {
    run(move || {
        render(&QuestionsPage {
            layout: Layout::new("Health check questions").nav("healthcheck"),
            set: question_set(),
            file: QUESTIONS_FILE,
            obstacles: swforce_domain::diary::Obstacle::ALL
                .iter()
                .map(|o| o.label())
                .collect(),
        })
    })
    .await
}

pub async fn questions_file() -> axum::response::Response {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/plain; charset=utf-8".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{QUESTIONS_FILE}\""),
            ),
        ],
        QUESTIONS_TOML,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "healthcheck_new.html")]
struct NewPage {
    layout: Layout,
    problems: Vec<Problem>,
    title: Field,
    closes: DateInput,
    audience: Choices,
    own: (String, String),
    invitations: Field,
    benchmark: bool,
    max_own: usize,
}

fn new_page(form: &Fields, problems: Vec<Problem>) -> NewPage {
    let chosen = form.all("audience");
    let fresh = !form.has("title");
    let mut audience = Choices::new("audience", "Who does it ask?", "checkbox")
        .hint("Everyone chooses their role on the first page; the results can be split by role");
    for r in PractitionerRole::ALL {
        let checked =
            chosen.iter().any(|c| c == r.id()) || (fresh && r == PractitionerRole::SocialWorker);
        audience = audience.option(
            r.id(),
            &swforce_app::display::upper_first(r.plural()),
            "",
            checked,
        );
    }
    let closes = DateInput::new(
        "closes",
        "When does it close?",
        "The last day it takes answers, up to 92 days from today. For example, 31 1 2027",
    );
    let closes = if fresh {
        closes.date(swforce_domain::Date::from_days_since_epoch(
            today().days_since_epoch() + 42,
        ))
    } else {
        closes.typed(
            &Some(form.get("closes-day")),
            &Some(form.get("closes-month")),
            &Some(form.get("closes-year")),
        )
    };
    NewPage {
        layout: Layout::new(if problems.is_empty() {
            "Open a health check round"
        } else {
            "Error: Open a health check round"
        })
        .nav("healthcheck"),
        title: Field::new("title", "Name of the round")
            .hint("For example, Health check 2026")
            .value(&form.get("title"))
            .error_from(&problems),
        closes: closes.error_from(&problems),
        audience: audience.error_from(&problems),
        own: (
            form.get("own"),
            crate::error::error_for(&problems, "own"),
        ),
        invitations: Field::new("invitations", "How many invitation links to make now")
            .hint("One for each person you will send it to; people can also answer signed in. You can make more later")
            .value(&if fresh { "0".into() } else { form.get("invitations") })
            .width("5")
            .error_from(&problems),
        benchmark: form.value("benchmark") == "yes",
        max_own: MAX_OWN_QUESTIONS,
        problems,
    }
}

pub async fn new_form(State(_state): AppState, viewer: Viewer) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require(Permission::RunHealthCheck)?;
    run(move || render(&new_page(&Fields::default(), Vec::new()))).await
}

#[derive(Template)]
#[template(path = "healthcheck_links.html")]
struct LinksPage {
    layout: Layout,
    round_id: String,
    title: String,
    links: String,
    count: usize,
    fresh: bool,
}

fn links_page(state: &WebState, made: &Invitations, fresh: bool) -> PageResult {
    let base = state.options.public_url.clone();
    let links: Vec<String> = made
        .codes
        .iter()
        .map(|c| format!("{}/healthcheck/i/{c}", base.trim_end_matches('/')))
        .collect();
    Ok(render(&LinksPage {
        layout: Layout::new(if fresh {
            "Round opened"
        } else {
            "Invitation links made"
        })
        .nav("healthcheck"),
        round_id: ids::public(state, Kind::Round, made.round.id)?,
        title: made.round.title.clone(),
        count: links.len(),
        links: links.join("\n"),
        fresh,
    })?
    .into_response())
}

pub async fn open(State(state): AppState, viewer: Viewer, Form(form): Form<Fields>) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let date = format!(
            "{}-{:0>2}-{:0>2}",
            form.value("closes-year").trim(),
            form.value("closes-month").trim(),
            form.value("closes-day").trim()
        );
        let typed = form.value("invitations").trim();
        let invitations = if typed.is_empty() {
            Ok(0)
        } else {
            typed.parse::<u32>()
        };
        let new = NewRound {
            title: form.get("title"),
            closes_on: date,
            audience: form
                .all("audience")
                .iter()
                .filter_map(|a| PractitionerRole::from_id(a))
                .collect(),
            own_questions: form.get("own"),
            invitations: *invitations.as_ref().unwrap_or(&0),
            benchmark: form.value("benchmark") == "yes",
        };
        // Every problem at once, each beside its field.
        let mut problems: Vec<Problem> = new
            .problems(today())
            .into_iter()
            .map(|p| Problem {
                target: if p.field == "closes" {
                    "closes-day".into()
                } else {
                    p.field.into()
                },
                text: p.problem,
                fix: p.fix,
            })
            .collect();
        if invitations.is_err() {
            problems.extend(problem_at(
                "invitations",
                "Enter how many links to make as a whole number",
                "For example, 40, or 0 for none",
            ));
        }
        if !problems.is_empty() {
            return unprocessable(&new_page(&form, problems));
        }
        match state
            .app
            .open_health_round(&who, &new, today(), &viewer.origin)
        {
            Ok(made) => links_page(&state, &made, true),
            // What the form cannot know: a round already open.
            Err(AppError::Invalid { problem, fix }) => {
                unprocessable(&new_page(&form, problem_at("title", problem, fix)))
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

#[derive(Template)]
#[template(path = "healthcheck_round.html")]
struct RoundPage {
    layout: Layout,
    id: String,
    row: RoundRow,
    audience: String,
    own: Vec<String>,
    invitations: String,
    runs: bool,
    assessed: usize,
    standards: usize,
    banner: Option<(String, String)>,
    problems: Vec<Problem>,
    count_error: String,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn show(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<Saved>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let n = round_id(&state, &id)?;
    run(move || {
        let banner = (q.saved.as_deref() == Some("assessment")).then(|| {
            (
                "Self-assessment saved".to_string(),
                "It is shown beside the practitioners' answers in the results.".to_string(),
            )
        });
        Ok(render(&round_page(&state, &who, n, id, banner, Vec::new())?)?.into_response())
    })
    .await
}

/// A round's page, with a banner or the problems of its "make links" form.
fn round_page(
    state: &WebState,
    who: &swforce_app::access::Principal,
    n: i64,
    id: String,
    banner: Option<(String, String)>,
    problems: Vec<Problem>,
) -> Result<RoundPage, PageError> {
    {
        let r = state.app.health_round(who, n, today())?;
        let round = r.round.clone();
        Ok(RoundPage {
            layout: Layout::new(&round.title).nav("healthcheck"),
            id,
            audience: audience_label(&round.audience),
            own: round.own_questions.clone(),
            invitations: format!(
                "{} when it opened{}",
                swforce_app::display::counted(
                    round.invitations as usize,
                    "invitation link",
                    "invitation links"
                ),
                if round.late_invitations > 0 {
                    format!(", {} later", round.late_invitations)
                } else {
                    String::new()
                }
            ),
            runs: who.can(Permission::RunHealthCheck),
            assessed: round
                .assessment
                .iter()
                .filter(|a| a.rating.is_some())
                .count(),
            standards: question_set().standards.len(),
            banner,
            count_error: crate::error::error_for(&problems, "count"),
            problems,
            row: row(state, &r)?,
        })
    }
}

pub async fn close(State(state): AppState, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let n = round_id(&state, &id)?;
    run(move || {
        state
            .app
            .close_health_round(&who, n, today(), &viewer.origin)?;
        Ok(redirect(&format!("/healthcheck/rounds/{id}/results")))
    })
    .await
}

pub async fn invite(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let n = round_id(&state, &id)?;
    run(move || {
        let count = form.value("count").trim().parse::<u32>().unwrap_or(0);
        match state
            .app
            .add_health_invitations(&who, n, count, today(), &viewer.origin)
        {
            Ok(made) => links_page(&state, &made, false),
            // Shown on the round's page, beside the box.
            Err(AppError::Invalid { problem, fix }) => unprocessable(&round_page(
                &state,
                &who,
                n,
                id,
                None,
                problem_at("count", problem, fix),
            )?),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

#[derive(Template)]
#[template(path = "healthcheck_assessment.html")]
struct AssessmentPage {
    layout: Layout,
    id: String,
    title: String,
    /// Each standard: its number and title, the question, the choices and the evidence.
    rows: Vec<(String, String, Choices, String)>,
    evidence_label: String,
    benchmark: bool,
    synthetic: bool,
}

pub async fn assessment(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require(Permission::RunHealthCheck)?;
    let n = round_id(&state, &id)?;
    run(move || {
        let round = state.app.health_round(&who, n, today())?.round;
        let set = question_set();
        let rows = set
            .organisation
            .questions
            .iter()
            .map(|q| {
                let standard = set.standard(&q.standard);
                let given = round.assessment.iter().find(|a| a.standard == q.standard);
                let mut c = Choices::new(&format!("rating-{}", q.standard), &q.text, "radio");
                for (i, label) in set.organisation.scale.iter().enumerate() {
                    let checked = given.and_then(|a| a.rating) == Some(i as u8);
                    c = c.option(&i.to_string(), label, "", checked);
                }
                (
                    standard.map_or_else(String::new, |s| format!("{}. {}", s.number, s.title)),
                    q.standard.clone(),
                    c,
                    given.map(|a| a.evidence.clone()).unwrap_or_default(),
                )
            })
            .collect();
        render(&AssessmentPage {
            layout: Layout::new("Organisation self-assessment").nav("healthcheck"),
            id,
            title: round.title.clone(),
            rows,
            evidence_label: set.organisation.evidence.clone(),
            benchmark: round.benchmark,
            synthetic: who.org.synthetic,
        })
    })
    .await
}

pub async fn save_assessment(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let n = round_id(&state, &id)?;
    run(move || {
        let answers = question_set()
            .organisation
            .questions
            .iter()
            .map(|q| OrgAnswer {
                standard: q.standard.clone(),
                rating: form.value(&format!("rating-{}", q.standard)).parse().ok(),
                evidence: form.get(&format!("evidence-{}", q.standard)),
            })
            .collect();
        state.app.save_health_assessment(
            &who,
            n,
            answers,
            form.value("benchmark") == "yes",
            today(),
            &viewer.origin,
        )?;
        Ok(redirect(&format!(
            "/healthcheck/rounds/{id}?saved=assessment#success"
        )))
    })
    .await
}
