//! Get involved with the 80:20 campaign: join the steering group, answer a feedback form; for
//! campaign leads, the forms, themes and exports; and the resources pages moderators write.

use super::exchange::problems_of;
use super::ids::{IdRef, Kind};
use super::{Fields, PageResult, csv_response, ids, redirect, render, run, unprocessable};
use crate::auth::Viewer;
use crate::error::{PageError, Problem};
use crate::view::{Choices, Field, Layout};
use crate::{AppState, WebState};
use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde::Deserialize;
use swforce_app::access::Principal;
use swforce_app::exchange::{ExchangeError, STEERING_CONSENT, render_markdown};
use swforce_domain::access::Permission;
use swforce_domain::exchange::{Audience, FeedbackForm};

/// Getting involved: the steering group, feedback forms and resources.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/get-involved", get(index))
        .route("/get-involved/steering", post(join))
        .route("/get-involved/steering.csv", get(steering_csv))
        .route("/get-involved/manage", get(manage))
        .route("/get-involved/forms", post(create_form))
        .route("/get-involved/forms/{id}", get(show_form).post(answer))
        .route("/get-involved/forms/{id}/open", post(set_open))
        .route("/get-involved/forms/{id}/responses.csv", get(responses_csv))
        .route("/get-involved/themes", post(save_theme))
        .route("/resources", get(resources).post(save_resource))
        .route("/resources/edit", get(edit_resource))
        .route("/resources/{slug}", get(resource))
}

/// A form's problems shown beside its fields by `page`; any other error as its own page.
fn refused(e: ExchangeError, page: impl FnOnce(Vec<Problem>) -> PageResult) -> PageResult {
    match e {
        ExchangeError::Fields(p) => page(problems_of(p)),
        ExchangeError::App(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "involved.html")]
struct InvolvedPage {
    layout: Layout,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
    /// Each open form with its opaque id.
    forms: Vec<(FeedbackForm, String)>,
    name: Field,
    email: Field,
    organisation: Field,
    role: Field,
    bring: (String, String),
    consent_text: &'static str,
    consent_error: String,
    lead: bool,
}

fn involved_page(
    state: &WebState,
    viewer: &Viewer,
    form: &Fields,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
) -> Result<InvolvedPage, PageError> {
    let public = ids::encoder(state, Kind::Form)?;
    let forms = state
        .app
        .feedback_forms(None)?
        .into_iter()
        .map(|f| {
            let id = public(f.id);
            (f, id)
        })
        .collect();
    let err = |id: &str| crate::error::error_for(&problems, id);
    Ok(InvolvedPage {
        layout: Layout::new(if problems.is_empty() {
            "Get involved"
        } else {
            "Error: Get involved"
        })
        .nav("exchange"),
        banner,
        forms,
        name: Field::new("name", "Your name")
            .kind("text", "name")
            .value(&form.get("name"))
            .error_from(&problems),
        email: Field::new("email", "Your email address")
            .kind("email", "email")
            .value(&form.get("email"))
            .error_from(&problems),
        organisation: Field::new("organisation", "Your organisation (optional)")
            .kind("text", "organization")
            .value(&form.get("organisation"))
            .error_from(&problems),
        role: Field::new("role", "Your role (optional)")
            .hint("Such as social worker, team manager, principal social worker")
            .value(&form.get("role"))
            .error_from(&problems),
        bring: (form.get("bring"), err("bring")),
        consent_text: STEERING_CONSENT,
        consent_error: err("consent"),
        lead: viewer.can(Permission::RunCampaign),
        problems,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneParams {
    #[serde(default)]
    joined: Option<String>,
    #[serde(default)]
    answered: Option<String>,
}

pub async fn index(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<DoneParams>,
) -> PageResult {
    run(move || {
        let banner = if q.joined.is_some() {
            Some((
                "Thank you for signing up".to_string(),
                "The campaign will be in touch about the steering group.".to_string(),
            ))
        } else if q.answered.is_some() {
            Some(("Thank you for your answers".to_string(), String::new()))
        } else {
            None
        };
        Ok(render(&involved_page(
            &state,
            &viewer,
            &Fields(Vec::new()),
            Vec::new(),
            banner,
        )?)?
        .into_response())
    })
    .await
}

pub async fn join(State(state): AppState, viewer: Viewer, Form(form): Form<Fields>) -> PageResult {
    run(move || {
        match state.app.join_steering_group(
            &form.get("name"),
            &form.get("email"),
            &form.get("organisation"),
            &form.get("role"),
            &form.get("bring"),
            form.get("consent") == "yes",
            &form.get("website"),
            &viewer.origin,
        ) {
            Ok(()) => Ok(redirect("/get-involved?joined=1").into_response()),
            Err(e) => refused(e, |problems| {
                unprocessable(&involved_page(&state, &viewer, &form, problems, None)?)
            }),
        }
    })
    .await
}

#[derive(Template)]
#[template(path = "involved_form.html")]
struct AnswerPage {
    layout: Layout,
    problems: Vec<Problem>,
    form: FeedbackForm,
    /// The form's opaque id.
    form_id: String,
    answers: Vec<(String, String, String, String)>,
    name: Field,
    email: Field,
    consent_error: String,
}

fn answer_page(
    state: &WebState,
    id: i64,
    values: &Fields,
    problems: Vec<Problem>,
) -> Result<AnswerPage, PageError> {
    let form = state.app.feedback_form(id, None)?;
    let answers = form
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let key = format!("answer-{}", i + 1);
            let error = problems
                .iter()
                .find(|p| p.target == key)
                .map(|p| p.text.clone())
                .unwrap_or_default();
            (key.clone(), q.clone(), values.get(&key), error)
        })
        .collect();
    Ok(AnswerPage {
        form_id: ids::public(state, Kind::Form, form.id)?,
        layout: Layout::new(if problems.is_empty() {
            &form.title
        } else {
            "Error: feedback form"
        })
        .nav("exchange"),
        name: Field::new("name", "Your name (optional)")
            .kind("text", "name")
            .value(&values.get("name"))
            .error_from(&problems),
        email: Field::new("email", "Your email address (optional)")
            .hint("Only if you would like the campaign to reply")
            .kind("email", "email")
            .value(&values.get("email"))
            .error_from(&problems),
        consent_error: problems
            .iter()
            .find(|p| p.target == "consent")
            .map(|p| p.text.clone())
            .unwrap_or_default(),
        form,
        answers,
        problems,
    })
}

fn form_id(state: &WebState, text: &str) -> Result<IdRef, PageError> {
    ids::read(state, Kind::Form, text, "form")
}

pub async fn show_form(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let found = form_id(&state, &id)?;
    run(move || {
        let page = answer_page(&state, found.id(), &Fields(Vec::new()), Vec::new())?;
        if let Some(moved) = ids::moved(&state, &viewer.path, found, Kind::Form)? {
            return Ok(moved);
        }
        Ok(render(&page)?.into_response())
    })
    .await
}

pub async fn answer(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> PageResult {
    let id = form_id(&state, &id)?.id();
    run(move || {
        let answers: Vec<String> = (1..=10).map(|i| form.get(&format!("answer-{i}"))).collect();
        match state.app.respond(
            id,
            &form.get("name"),
            &form.get("email"),
            &answers,
            form.get("consent") == "yes",
            &form.get("website"),
            &viewer.origin,
        ) {
            Ok(()) => Ok(redirect("/get-involved?answered=1").into_response()),
            Err(e) => refused(e, |problems| {
                unprocessable(&answer_page(&state, id, &form, problems)?)
            }),
        }
    })
    .await
}

#[derive(Template)]
#[template(path = "involved_manage.html")]
struct ManagePage {
    layout: Layout,
    /// The confirmation after a saving action.
    banner: Option<(String, String)>,
    problems: Vec<Problem>,
    /// Each form, its number of responses and its opaque id.
    forms: Vec<(FeedbackForm, usize, String)>,
    signups: usize,
    themes: Vec<(String, String, &'static str, bool)>,
    form_title: Field,
    intro: (String, String),
    questions: (String, String),
    retention_days: Field,
    theme_id: Field,
    theme_label: Field,
    theme_audience: Choices,
}

fn manage_page(
    state: &WebState,
    who: &Principal,
    values: &Fields,
    problems: Vec<Problem>,
) -> Result<ManagePage, PageError> {
    let forms = state.app.feedback_forms(Some(who))?;
    let public = ids::encoder(state, Kind::Form)?;
    let mut counted = Vec::new();
    for f in forms {
        let n = state.app.response_count(who, f.id)?;
        let id = public(f.id);
        counted.push((f, n, id));
    }
    let signups = state.app.response_count(who, 0)?;
    let themes = state.app.themes()?;
    let err = |id: &str| crate::error::error_for(&problems, id);
    let mut audience = Choices::new("theme_audience", "Who it is for", "select");
    for a in Audience::ALL {
        audience = audience.option(
            a.id(),
            a.label(),
            "",
            values.get("theme_audience") == a.id(),
        );
    }
    Ok(ManagePage {
        layout: Layout::new(if problems.is_empty() {
            "Run the campaign"
        } else {
            "Error: Run the campaign"
        })
        .nav("exchange"),
        forms: counted,
        signups,
        themes: themes
            .into_iter()
            .map(|t| (t.id, t.label, t.audience.label(), t.active))
            .collect(),
        form_title: Field::new("form_title", "Title")
            .value(&values.get("form_title"))
            .error_from(&problems),
        intro: (values.get("intro"), err("intro")),
        questions: (values.get("questions"), err("questions")),
        retention_days: Field::new("retention_days", "Keep responses for, in days")
            .hint("Then they are deleted; such as 180")
            .value(&if values.0.is_empty() {
                "180".to_string()
            } else {
                values.get("retention_days")
            })
            .width("10")
            .error_from(&problems),
        theme_id: Field::new("theme_id", "Theme id")
            .hint("Letters, digits and hyphens; the same id changes a theme")
            .value(&values.get("theme_id"))
            .width("20")
            .error_from(&problems),
        theme_label: Field::new("theme_label", "Theme name")
            .value(&values.get("theme_label"))
            .error_from(&problems),
        theme_audience: audience.error_from(&problems),
        problems,
        banner: None,
    })
}

/// What `?saved=` after a saving action on the campaign page confirms.
#[derive(Debug, Default, Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

impl Saved {
    fn banner(&self) -> Option<(String, String)> {
        let (title, body) = match self.saved.as_deref()? {
            "form" => (
                "Feedback form created",
                "It is listed under your forms and open for responses.",
            ),
            "opened" => ("Form opened", "It takes responses again."),
            "closed" => (
                "Form closed",
                "It takes no more responses; those it has are kept until their day.",
            ),
            "theme" => ("Theme saved", "It is listed under the themes."),
            _ => return None,
        };
        Some((title.to_string(), body.to_string()))
    }
}

pub async fn manage(
    State(state): AppState,
    viewer: Viewer,
    Query(saved): Query<Saved>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require_read(Permission::RunCampaign)?;
    run(move || {
        let mut page = manage_page(&state, &who, &Fields(Vec::new()), Vec::new())?;
        page.banner = saved.banner();
        Ok(render(&page)?.into_response())
    })
    .await
}

pub async fn create_form(
    State(state): AppState,
    viewer: Viewer,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        match state.app.create_form(
            &who,
            &form.get("form_title"),
            &form.get("intro"),
            &form.get("questions"),
            &form.get("retention_days"),
            &viewer.origin,
        ) {
            Ok(_) => Ok(redirect("/get-involved/manage?saved=form").into_response()),
            Err(e) => refused(e, |problems| {
                unprocessable(&manage_page(&state, &who, &form, problems)?)
            }),
        }
    })
    .await
}

pub async fn set_open(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let id = form_id(&state, &id)?.id();
    run(move || {
        let open = form.get("open") == "yes";
        state.app.set_form_open(&who, id, open, &viewer.origin)?;
        Ok(redirect(if open {
            "/get-involved/manage?saved=opened"
        } else {
            "/get-involved/manage?saved=closed"
        })
        .into_response())
    })
    .await
}

pub async fn save_theme(
    State(state): AppState,
    viewer: Viewer,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        match state.app.save_theme(
            &who,
            &form.get("theme_id"),
            &form.get("theme_label"),
            &form.get("theme_audience"),
            form.get("retire") != "yes",
            &viewer.origin,
        ) {
            Ok(()) => Ok(redirect("/get-involved/manage?saved=theme#success").into_response()),
            Err(e) => refused(e, |problems| {
                unprocessable(&manage_page(&state, &who, &form, problems)?)
            }),
        }
    })
    .await
}

pub async fn responses_csv(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let id = form_id(&state, &id)?.id();
    run(move || {
        let csv = state.app.responses_csv(&who, id, &viewer.origin)?;
        Ok(csv_response(
            &format!("feedback-form-{}.csv", ids::public(&state, Kind::Form, id)?),
            csv,
        ))
    })
    .await
}

pub async fn steering_csv(State(state): AppState, viewer: Viewer) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let csv = state.app.responses_csv(&who, 0, &viewer.origin)?;
        Ok(csv_response("steering-group.csv", csv))
    })
    .await
}

// Resources.

#[derive(Template)]
#[template(path = "resources.html")]
struct ResourcesPage {
    layout: Layout,
    pages: Vec<(String, String, String)>,
    can_edit: bool,
}

pub async fn resources(State(state): AppState, viewer: Viewer) -> PageResult {
    run(move || {
        let pages = state.app.resource_pages()?;
        let page = ResourcesPage {
            layout: Layout::new("Resources").nav("exchange"),
            pages: pages
                .into_iter()
                .map(|p| {
                    (
                        p.slug,
                        p.title,
                        swforce_app::display::when(&p.updated_at[..p.updated_at.len().min(10)]),
                    )
                })
                .collect(),
            can_edit: viewer.can(Permission::Moderate),
        };
        Ok(render(&page)?.into_response())
    })
    .await
}

#[derive(Template)]
#[template(path = "resource.html")]
struct ResourcePageView {
    layout: Layout,
    banner: Option<(String, String)>,
    slug: String,
    title: String,
    html: String,
    updated: String,
    can_edit: bool,
}

pub async fn resource(
    State(state): AppState,
    viewer: Viewer,
    Path(slug): Path<String>,
    Query(saved): Query<Saved>,
) -> PageResult {
    run(move || {
        let p = state.app.resource_page(&slug)?;
        let page = ResourcePageView {
            layout: Layout::new(&p.title).nav("exchange"),
            banner: saved.saved.is_some().then(|| {
                (
                    "Page saved".to_string(),
                    "This is how readers see it.".to_string(),
                )
            }),
            html: render_markdown(&p.body),
            updated: swforce_app::display::when(&p.updated_at[..p.updated_at.len().min(10)]),
            can_edit: viewer.can(Permission::Moderate),
            slug: p.slug,
            title: p.title,
        };
        Ok(render(&page)?.into_response())
    })
    .await
}

#[derive(Template)]
#[template(path = "resource_edit.html")]
struct EditPage {
    layout: Layout,
    problems: Vec<Problem>,
    slug: Field,
    page_title: Field,
    body: (String, String),
}

fn edit_page(values: &Fields, problems: Vec<Problem>) -> EditPage {
    EditPage {
        layout: Layout::new(if problems.is_empty() { "Edit a resources page" } else { "Error: Edit a resources page" }).nav("exchange"),
        slug: Field::new("slug", "Address").hint("The end of the page's address: letters, digits and hyphens, such as top-tips. An address already used changes that page").value(&values.get("slug")).width("20").error_from(&problems),
        page_title: Field::new("page_title", "Title").value(&values.get("page_title")).error_from(&problems),
        body: (values.get("body"), problems.iter().find(|p| p.target == "body").map(|p| p.text.clone()).unwrap_or_default()),
        problems,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct EditParams {
    #[serde(default)]
    slug: Option<String>,
}

pub async fn edit_resource(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<EditParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require_read(Permission::Moderate)?;
    run(move || {
        let mut values = Fields(Vec::new());
        if let Some(slug) = &q.slug {
            let p = state.app.resource_page(slug)?;
            values.0 = vec![
                ("slug".into(), p.slug),
                ("page_title".into(), p.title),
                ("body".into(), p.body),
            ];
        }
        Ok(render(&edit_page(&values, Vec::new()))?.into_response())
    })
    .await
}

pub async fn save_resource(
    State(state): AppState,
    viewer: Viewer,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        match state.app.save_resource_page(
            &who,
            &form.get("slug"),
            &form.get("page_title"),
            &form.get("body"),
            &viewer.origin,
        ) {
            Ok(p) => Ok(redirect(&format!("/resources/{}?saved=1", p.slug)).into_response()),
            Err(e) => refused(e, |problems| unprocessable(&edit_page(&form, problems))),
        }
    })
    .await
}
