//! The survey: one theme per page (about you, each standard, staying, the organisation's own
//! questions), then check your answers and send. Each page saves, so a person can stop and
//! come back by the same link (or signed in). Works without JavaScript.

use super::{ids, round_id};
use crate::auth::Viewer;
use crate::error::{PageError, Problem};
use crate::pages::ids::Kind;
use crate::pages::{Fields, PageResult, redirect, render, run};
use crate::view::{Choices, Layout};
use crate::{AppState, WebState};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use swforce_app::AppError;
use swforce_app::access::Principal;
use swforce_app::agency::today;
use swforce_app::healthcheck::{Answering, Pass, Step};
use swforce_domain::diary::Obstacle;
use swforce_domain::healthcheck::{Answer, PractitionerRole, ServiceArea};

/// How the person answering is known, and the address their pages sit under.
enum Who {
    /// A link's secret, and this browser's key (empty until it saves something).
    Link(String, String),
    Member(Box<Principal>, i64, String),
}

/// The cookie that holds this browser's key for invitation links: answers saved through a link
/// are shown and changed only in the browser that saved them.
const KEY_COOKIE: &str = "swforce_healthcheck";

impl Who {
    fn pass(&self) -> Pass<'_> {
        match self {
            Who::Link(code, key) if key.is_empty() => Pass::Link(code),
            Who::Link(code, key) => Pass::Keyed(code, key),
            Who::Member(p, round, _) => Pass::Member(p.as_ref(), *round),
        }
    }

    fn base(&self) -> String {
        match self {
            Who::Link(code, _) => format!("/healthcheck/i/{code}"),
            Who::Member(_, _, id) => format!("/healthcheck/rounds/{id}/answer"),
        }
    }
}

/// One statement on the agreement scale, with its answer.
struct StatementView {
    key: String,
    text: String,
    options: Vec<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "healthcheck_question.html")]
struct QuestionPage {
    layout: Layout,
    action: String,
    back: String,
    caption: String,
    heading: String,
    intro: String,
    org_name: String,
    statements: Vec<StatementView>,
    choices: Vec<Choices>,
    comment: Option<(String, String)>,
    problems: Vec<Problem>,
    link: bool,
}

/// A row of the check page: the page's name, what was answered and where to change it.
struct CheckRow {
    name: String,
    answered: String,
    change: String,
}

#[derive(Template)]
#[template(path = "healthcheck_check.html")]
struct CheckPage {
    layout: Layout,
    action: String,
    back: String,
    title: String,
    org_name: String,
    rows: Vec<CheckRow>,
    /// "12 statements".
    answered: String,
    problems: Vec<Problem>,
}

#[derive(Template)]
#[template(path = "healthcheck_elsewhere.html")]
struct ElsewherePage {
    layout: Layout,
    action: String,
}

#[derive(Template)]
#[template(path = "healthcheck_done.html")]
struct DonePage {
    layout: Layout,
    heading: String,
    body: String,
    link: bool,
}

fn agreement(
    set: &swforce_domain::healthcheck::QuestionSet,
    key: &str,
    text: &str,
    a: Answer,
) -> StatementView {
    let mut options: Vec<(String, String, bool)> = set
        .scale
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let v = (i + 1) as u8;
            (v.to_string(), label.clone(), a == Answer::Agreement(v))
        })
        .collect();
    options.push((
        "n".into(),
        set.not_applicable.clone(),
        a == Answer::DoesNotApply,
    ));
    StatementView {
        key: key.to_string(),
        text: text.to_string(),
        options,
    }
}

/// A problem of the application, for the error summary (about the page, not one field).
fn problems_of(error: Option<(String, String)>) -> Vec<Problem> {
    error
        .map(|(text, fix)| Problem {
            text,
            fix,
            target: String::new(),
        })
        .into_iter()
        .collect()
}

fn comment_of(at: &Answering, key: &str) -> String {
    at.draft
        .comments
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn question_page(
    state: &WebState,
    who: &Who,
    at: &Answering,
    step: Step,
    error: Option<(String, String)>,
) -> Result<QuestionPage, PageError> {
    let set = at.set;
    let round = &at.round;
    let items = set.items(&round.own_questions);
    let (n, of) = step.number(set, round);
    let back = step.previous(set, round).map_or_else(
        || "/healthcheck".to_string(),
        |p| format!("{}/{}", who.base(), p.slug(set)),
    );
    let mut page = QuestionPage {
        layout: Layout::new("").nav("healthcheck"),
        action: format!("{}/{}", who.base(), step.slug(set)),
        back,
        caption: format!("{} · page {n} of {of}", round.title),
        heading: String::new(),
        intro: String::new(),
        org_name: at.org_name.clone(),
        statements: Vec::new(),
        choices: Vec::new(),
        comment: None,
        problems: problems_of(error),
        link: matches!(who, Who::Link(..)),
    };
    match step {
        Step::About => {
            page.heading = "About you".into();
            page.intro = "Your answers are not linked to your name, and results are only shown for groups of at least five people. Choose \"Prefer not to say\" for anything you would rather not tell.".into();
            let mut role = Choices::new("role", "What is your role?", "radio");
            for r in PractitionerRole::ALL
                .iter()
                .filter(|r| round.audience.contains(r))
            {
                role = role.option(r.id(), r.label(), "", at.draft.role == Some(*r));
            }
            role = role.option("", "Prefer not to say", "", at.draft.role.is_none());
            let mut service = Choices::new("service", "Which service do you work in?", "radio");
            for s in ServiceArea::ALL {
                service = service.option(s.id(), s.label(), "", at.draft.service == Some(s));
            }
            service = service.option("", "Prefer not to say", "", at.draft.service.is_none());
            let public = ids::encoder(state, Kind::Team)?;
            let mut team = Choices::new("team", "Which team are you in?", "select")
                .hint("Teams are only shown when five or more of their people answer");
            team = team.option("", "Prefer not to say", "", at.draft.team.is_none());
            for t in &at.teams {
                team = team.option(&public(t.id), &t.name, "", at.draft.team == Some(t.id));
            }
            page.choices = if at.teams.is_empty() {
                vec![role, service]
            } else {
                vec![role, service, team]
            };
        }
        Step::Standard(i) => {
            let Some(s) = set.standards.get(i) else {
                return Err(PageError::not_found(
                    "There is no such page",
                    "Start again from the link",
                ));
            };
            page.heading = format!("{}. {}", s.number, s.title);
            page.intro = format!("How far do you agree? {}", s.asks);
            page.statements = items
                .iter()
                .enumerate()
                .filter(|(_, it)| it.standard.is_some_and(|x| x.key == s.key))
                .map(|(idx, it)| agreement(set, &it.key, it.text, at.draft.answers.get(idx)))
                .collect();
            page.comment = Some((s.comment.clone(), comment_of(at, &s.key)));
        }
        Step::Stay => {
            page.heading = "Staying".into();
            let stay = set.stay_index();
            page.statements = vec![agreement(
                set,
                &set.stay.key,
                &set.stay.text,
                at.draft.answers.get(stay),
            )];
            let mut reasons = Choices::new("reason", &set.stay.reasons_question, "checkbox");
            for (i, r) in set.stay.reasons.iter().enumerate() {
                reasons = reasons.option(&r.key, &r.label, "", at.draft.reasons & (1 << i) != 0);
            }
            let mut obstacles = Choices::new(
                "obstacle",
                "What most gets in the way of direct work with people? Choose all that apply.",
                "checkbox",
            )
            .hint("The same list as the time diary's");
            for o in Obstacle::ALL {
                obstacles =
                    obstacles.option(o.id(), o.label(), "", at.draft.obstacles & o.bit() != 0);
            }
            page.choices = vec![reasons, obstacles];
            page.comment = Some((set.stay.comment.clone(), comment_of(at, "stay")));
        }
        Step::Own => {
            page.heading = format!("Questions from {}", at.org_name);
            page.intro = "Your organisation added these. How far do you agree?".into();
            let from = set.stay_index() + 1;
            page.statements = round
                .own_questions
                .iter()
                .enumerate()
                .map(|(i, q)| {
                    agreement(
                        set,
                        &format!("own.{}", i + 1),
                        q,
                        at.draft.answers.get(from + i),
                    )
                })
                .collect();
        }
        Step::Check => {}
    }
    page.layout = Layout::new(&if !page.problems.is_empty() {
        format!("Error: {}", page.heading)
    } else {
        page.heading.clone()
    })
    .nav("healthcheck");
    Ok(page)
}

fn check_page(who: &Who, at: &Answering, error: Option<(String, String)>) -> CheckPage {
    let set = at.set;
    let round = &at.round;
    let items = set.items(&round.own_questions);
    let count = |keep: &dyn Fn(usize) -> bool| {
        let of: Vec<usize> = (0..items.len()).filter(|i| keep(*i)).collect();
        let done = of
            .iter()
            .filter(|i| at.draft.answers.get(**i) != Answer::NotAnswered)
            .count();
        format!("{done} of {} answered", of.len())
    };
    let mut rows = Vec::new();
    for step in Step::all(set, round) {
        let change = format!("{}/{}", who.base(), step.slug(set));
        let (name, answered) = match step {
            Step::About => (
                "About you".to_string(),
                [
                    at.draft.role.map(|r| r.label().to_string()),
                    at.draft.service.map(|s| s.label().to_string()),
                    at.draft
                        .team
                        .and_then(|t| at.teams.iter().find(|x| x.id == t))
                        .map(|t| t.name.clone()),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", "),
            ),
            Step::Standard(i) => {
                let s = &set.standards[i];
                let mut text = count(&|k: usize| items[k].standard.is_some_and(|x| x.key == s.key));
                if !comment_of(at, &s.key).is_empty() {
                    text.push_str("; a comment");
                }
                (format!("{}. {}", s.number, s.title), text)
            }
            Step::Stay => {
                let chosen = at.draft.reasons.count_ones();
                (
                    "Staying".to_string(),
                    format!(
                        "{}; {} chosen",
                        count(&|k: usize| k == set.stay_index()),
                        swforce_app::display::counted(chosen as usize, "reason", "reasons")
                    ),
                )
            }
            Step::Own => (
                format!("Questions from {}", at.org_name),
                count(&|k: usize| k > set.stay_index()),
            ),
            Step::Check => continue,
        };
        rows.push(CheckRow {
            name,
            answered: if answered.is_empty() {
                "Not said".into()
            } else {
                answered
            },
            change,
        });
    }
    let last = Step::all(set, round);
    let back = last.iter().rev().nth(1).map_or_else(
        || "/healthcheck".to_string(),
        |s| format!("{}/{}", who.base(), s.slug(set)),
    );
    CheckPage {
        layout: Layout::new(if error.is_some() {
            "Error: Check your answers before sending"
        } else {
            "Check your answers before sending"
        })
        .nav("healthcheck"),
        action: format!("{}/check", who.base()),
        back,
        title: round.title.clone(),
        org_name: at.org_name.clone(),
        rows,
        answered: swforce_app::display::counted(
            at.draft.answers.answered(),
            "statement",
            "statements",
        ),
        problems: problems_of(error),
    }
}

/// The page a person is on, or where they should be instead (sent already, or closed).
fn page(state: &WebState, who: &Who, slug: &str) -> PageResult {
    let at = state.app.health_answering(who.pass(), today())?;
    // Once closed, every link says only that: whether one was used is nobody's business.
    if !at.round.is_open() {
        return done(false, matches!(who, Who::Link(..)));
    }
    if at.submitted {
        return done(true, matches!(who, Who::Link(..)));
    }
    if at.elsewhere {
        return Ok(axum::response::IntoResponse::into_response(render(
            &ElsewherePage {
                layout: Layout::new("Your answers are in another browser").nav("healthcheck"),
                action: format!("{}/restart", who.base()),
            },
        )?));
    }
    let step = Step::parse(slug, at.set, &at.round).ok_or_else(|| {
        PageError::not_found(
            format!("There is no page {slug} in this survey"),
            "Start again from your link",
        )
    })?;
    if step == Step::Check {
        return Ok(axum::response::IntoResponse::into_response(render(
            &check_page(who, &at, None),
        )?));
    }
    Ok(axum::response::IntoResponse::into_response(render(
        &question_page(state, who, &at, step, None)?,
    )?))
}

fn done(sent: bool, link: bool) -> PageResult {
    let page = if sent {
        DonePage {
            layout: Layout::new("Answers sent").nav("healthcheck"),
            heading: "Answers sent".into(),
            body: "Thank you. Your answers are kept without your name. Results are published when the round closes, for groups of at least five people.".into(),
            link,
        }
    } else {
        DonePage {
            layout: Layout::new("This health check has closed").nav("healthcheck"),
            heading: "This health check has closed".into(),
            body: "It no longer takes answers. Your organisation will share its results.".into(),
            link,
        }
    };
    Ok(axum::response::IntoResponse::into_response(render(&page)?))
}

/// Saves a page and goes on (or, with "save and come back later", stops); on the check page,
/// sends.
fn save(state: &WebState, who: &Who, slug: &str, form: Fields) -> PageResult {
    let at = state.app.health_answering(who.pass(), today())?;
    // Once closed, every link says only that: whether one was used is nobody's business.
    if !at.round.is_open() {
        return done(false, matches!(who, Who::Link(..)));
    }
    if at.submitted {
        return done(true, matches!(who, Who::Link(..)));
    }
    let set = at.set;
    let step = Step::parse(slug, set, &at.round).ok_or_else(|| {
        PageError::not_found(
            format!("There is no page {slug} in this survey"),
            "Start again from your link",
        )
    })?;
    if step == Step::Check {
        return match state.app.submit_health_answers(who.pass(), today()) {
            Ok(()) => Ok(axum::response::IntoResponse::into_response(redirect(
                if matches!(who, Who::Link(..)) {
                    "/healthcheck/sent?by=link"
                } else {
                    "/healthcheck/sent"
                },
            ))),
            Err(AppError::Invalid { problem, fix }) => {
                crate::pages::unprocessable(&check_page(who, &at, Some((problem, fix))))
            }
            Err(e) => Err(e.into()),
        };
    }
    // Teams are named by their opaque ids on the page.
    let mut fields = form.0;
    if step == Step::About {
        let ids = ids::all(state)?;
        for (k, v) in &mut fields {
            if k == "team" {
                *v = ids
                    .decode(Kind::Team, v)
                    .map(|n| n.to_string())
                    .unwrap_or_default();
            }
        }
    }
    let later = fields.iter().any(|(k, _)| k == "later");
    match state
        .app
        .save_health_page(who.pass(), step, &fields, today())
    {
        Ok(at) => {
            if later {
                let body = match who {
                    Who::Link(..) => {
                        "Your answers are saved. Open the same link again to carry on before the round closes on "
                    }
                    Who::Member(..) => {
                        "Your answers are saved. Sign in and open the health check again to carry on before the round closes on "
                    }
                };
                let page = DonePage {
                    layout: Layout::new("Your answers are saved").nav("healthcheck"),
                    heading: "Your answers are saved".into(),
                    body: format!(
                        "{body}{}. Nothing is sent until you choose Send on the last page.",
                        swforce_app::display::when(&at.round.closes_on)
                    ),
                    link: matches!(who, Who::Link(..)),
                };
                return Ok(axum::response::IntoResponse::into_response(render(&page)?));
            }
            let next = step.next(set, &at.round);
            Ok(axum::response::IntoResponse::into_response(redirect(
                &format!("{}/{}", who.base(), next.slug(set)),
            )))
        }
        Err(AppError::Invalid { problem, fix }) => crate::pages::unprocessable(&question_page(
            state,
            who,
            &at,
            step,
            Some((problem, fix)),
        )?),
        Err(e) => Err(e.into()),
    }
}

pub async fn link_start(Path(code): Path<String>) -> PageResult {
    Ok(axum::response::IntoResponse::into_response(redirect(
        &format!("/healthcheck/i/{code}/about"),
    )))
}

/// A link's pages hold someone's saved answers: no browser or shared cache keeps them.
fn private(answer: PageResult) -> PageResult {
    answer.map(|mut r| {
        r.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store, private"),
        );
        r
    })
}

/// This browser's key for links, from its cookie (empty when it has none).
fn browser_key(headers: &axum::http::HeaderMap) -> String {
    crate::auth::cookie(headers, KEY_COOKIE)
        .filter(|k| k.len() == 64 && k.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_default()
}

/// Runs `work` as this browser, making it a key first if it has none (a save keeps the key
/// with the answers), and answers with the key's cookie when it was made now.
async fn as_browser(
    state: WebState,
    headers: axum::http::HeaderMap,
    work: impl FnOnce(&WebState, &str) -> PageResult + Send + 'static,
) -> PageResult {
    let old = browser_key(&headers);
    let key = if old.is_empty() {
        swforce_app::access::new_secret()
    } else {
        old.clone()
    };
    let secure = state.options.secure();
    let k = key.clone();
    let mut answer = private(run(move || work(&state, &k)).await)?;
    if old.is_empty() {
        answer.headers_mut().append(
            axum::http::header::SET_COOKIE,
            crate::auth::set_cookie(KEY_COOKIE, &key, Some(120 * 86_400), "Strict", secure),
        );
    }
    Ok(answer)
}

pub async fn link_page(
    State(state): AppState,
    headers: axum::http::HeaderMap,
    Path((code, step)): Path<(String, String)>,
) -> PageResult {
    let key = browser_key(&headers);
    private(run(move || page(&state, &Who::Link(code, key), &step)).await)
}

pub async fn link_save(
    State(state): AppState,
    headers: axum::http::HeaderMap,
    Path((code, step)): Path<(String, String)>,
    Form(form): Form<Fields>,
) -> PageResult {
    as_browser(state, headers, move |state, key| {
        save(state, &Who::Link(code, key.to_string()), &step, form)
    })
    .await
}

/// Starts a link again in this browser: what was saved through it in another browser is
/// deleted, never shown.
pub async fn link_restart(
    State(state): AppState,
    headers: axum::http::HeaderMap,
    Path(code): Path<String>,
) -> PageResult {
    as_browser(state, headers, move |state, key| {
        let who = Who::Link(code, key.to_string());
        state.app.restart_health_link(who.pass(), today())?;
        Ok(axum::response::IntoResponse::into_response(redirect(
            &format!("{}/about", who.base()),
        )))
    })
    .await
}

pub async fn member_page(
    State(state): AppState,
    viewer: Viewer,
    Path((id, step)): Path<(String, String)>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let n = round_id(&state, &id)?;
    run(move || page(&state, &Who::Member(Box::new(who), n, id), &step)).await
}

pub async fn member_save(
    State(state): AppState,
    viewer: Viewer,
    Path((id, step)): Path<(String, String)>,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let n = round_id(&state, &id)?;
    run(move || save(&state, &Who::Member(Box::new(who), n, id), &step, form)).await
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct SentParams {
    #[serde(default)]
    by: Option<String>,
}

pub async fn sent(axum::extract::Query(q): axum::extract::Query<SentParams>) -> PageResult {
    run(move || done(true, q.by.is_some())).await
}
