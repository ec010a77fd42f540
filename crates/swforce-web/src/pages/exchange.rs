//! "80:20 in practice": find examples of what freed time for direct work, read one, say it
//! helped, share one (signed in, or as a guest who confirms by email), and moderate them.

use super::ids::{IdRef, Kind, PublicIds, all as all_ids};
use super::{Fields, PageResult, render, run, unprocessable};
use crate::auth::Viewer;
use crate::error::{PageError, Problem};
use crate::view::{Choices, Field, Layout};
use crate::{AppState, WebState};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;
use swforce_app::access::Principal;
use swforce_app::exchange::{Decision, ExampleForm, ExchangeError, Sent, render_markdown};
use swforce_domain::access::{OrgKind, Permission};
use swforce_domain::exchange::{Example, FieldProblem, Setting, Status, Theme};
use swforce_domain::geography::REGIONS;
use swforce_store::{ExampleQuery, ExampleSort};

const PAGE_SIZE: u32 = 20;

/// The largest example form read; longer text is refused beside its field by the checks.
pub const MAX_FORM_BYTES: usize = 8 * 1024 * 1024;

/// Text to put back into a form after a refusal: no more than a little over the limit, so a
/// huge paste is not sent back whole.
fn shown(text: String) -> String {
    const KEEP: usize = swforce_domain::exchange::MAX_TEXT + 1_000;
    if text.len() > KEEP {
        text.chars().take(KEEP).collect()
    } else {
        text
    }
}

fn region_name(code: &str) -> &'static str {
    REGIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, n)| *n)
}

/// Problems by field, for the error summary and the fields.
pub(crate) fn problems_of(fields: Vec<FieldProblem>) -> Vec<Problem> {
    fields
        .into_iter()
        .map(|p| Problem {
            text: p.problem,
            fix: p.fix,
            target: p.field.into(),
        })
        .collect()
}

/// An example in a list, or on its own page.
#[derive(Debug, Clone)]
pub struct ExampleView {
    /// The example's opaque id.
    pub id: String,
    pub href: String,
    pub title: String,
    pub setting: &'static str,
    pub region: &'static str,
    pub org_kind: &'static str,
    pub themes: Vec<String>,
    pub impact: String,
    pub helped: u64,
    pub published: String,
    pub status: &'static str,
    pub problem_html: String,
    pub change_html: String,
    /// The first words of the change, for lists.
    pub teaser: String,
}

fn impact(e: &Example) -> String {
    let mut parts = Vec::new();
    if let Some(h) = e.hours_saved {
        parts.push(format!("{h} hours a week saved for each social worker"));
    }
    if let (Some(b), Some(a)) = (e.direct_before, e.direct_after) {
        parts.push(format!("time on direct work from {b}% to {a}%"));
    }
    parts.join("; ")
}

fn view(e: &Example, themes: &[Theme], full: bool, ids: &PublicIds) -> ExampleView {
    let teaser: String = e.change.chars().take(220).collect();
    let id = ids.encode(Kind::Example, e.id);
    ExampleView {
        href: format!("/exchange/examples/{id}-{}", e.slug()),
        id,
        title: e.title.clone(),
        setting: e.setting.label(),
        region: e.region.as_deref().map(region_name).unwrap_or(""),
        org_kind: e.org_kind.map(OrgKind::label).unwrap_or(""),
        themes: e
            .themes
            .iter()
            .map(|t| {
                themes
                    .iter()
                    .find(|k| &k.id == t)
                    .map_or_else(|| t.clone(), |k| k.label.clone())
            })
            .collect(),
        impact: impact(e),
        helped: e.helped,
        published: e
            .published_at
            .as_deref()
            .map(|p| p.chars().take(10).collect())
            .unwrap_or_default(),
        status: e.status.label(),
        problem_html: if full {
            render_markdown(&e.problem)
        } else {
            String::new()
        },
        change_html: if full {
            render_markdown(&e.change)
        } else {
            String::new()
        },
        teaser: if e.change.chars().count() > 220 {
            format!("{}…", teaser.trim_end())
        } else {
            teaser
        },
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    setting: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    measured: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "exchange.html")]
struct IndexPage {
    layout: Layout,
    q: String,
    setting: Choices,
    theme: Choices,
    region: Choices,
    measured: bool,
    sort: Choices,
    total: u64,
    results: Vec<ExampleView>,
    previous: String,
    next: String,
    can_moderate: bool,
    signed_in: bool,
    /// Whether any words or filters were given.
    filtered: bool,
}

fn select(
    id: &str,
    legend: &str,
    none: &str,
    options: &[(String, String)],
    chosen: &str,
) -> Choices {
    let mut c = Choices::new(id, legend, "select").option("", none, "", chosen.is_empty());
    for (v, l) in options {
        c = c.option(v, l, "", chosen == v);
    }
    c
}

fn query_string(p: &SearchParams, page: u32) -> String {
    let enc = crate::error::form_urlencoded_component;
    let mut parts = Vec::new();
    for (k, v) in [
        ("q", &p.q),
        ("setting", &p.setting),
        ("theme", &p.theme),
        ("region", &p.region),
        ("measured", &p.measured),
        ("sort", &p.sort),
    ] {
        if !v.is_empty() {
            parts.push(format!("{k}={}", enc(v)));
        }
    }
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    format!("/exchange?{}", parts.join("&"))
}

pub async fn index(
    State(state): AppState,
    viewer: Viewer,
    Query(p): Query<SearchParams>,
) -> PageResult {
    run(move || {
        let themes = state.app.themes()?;
        let ids = all_ids(&state)?;
        let page = p.page.unwrap_or(1).clamp(1, 10_000);
        let sort = match p.sort.as_str() {
            "helpful" => ExampleSort::MostHelpful,
            "hours" => ExampleSort::MostHours,
            _ => ExampleSort::Newest,
        };
        let found = state.app.search_examples(&ExampleQuery {
            text: p.q.chars().take(200).collect(),
            setting: Setting::from_id(&p.setting),
            theme: Some(p.theme.clone()).filter(|t| !t.is_empty()),
            region: Some(p.region.clone()).filter(|r| !r.is_empty()),
            measured: !p.measured.is_empty(),
            sort,
            limit: PAGE_SIZE,
            offset: (page - 1) * PAGE_SIZE,
        })?;
        let settings: Vec<(String, String)> = Setting::ALL
            .iter()
            .map(|s| (s.id().to_string(), s.label().to_string()))
            .collect();
        let theme_options: Vec<(String, String)> = themes
            .iter()
            .map(|t| {
                (
                    t.id.clone(),
                    format!("{} ({})", t.label, t.audience.label().to_lowercase()),
                )
            })
            .collect();
        let regions: Vec<(String, String)> = REGIONS
            .iter()
            .map(|(c, n)| (c.to_string(), n.to_string()))
            .collect();
        let sorts = vec![
            ("helpful".to_string(), "Most helpful first".to_string()),
            ("hours".to_string(), "Most hours saved first".to_string()),
        ];
        let page_view = IndexPage {
            layout: Layout::new("80:20 in practice").nav("exchange"),
            q: p.q.clone(),
            setting: select("setting", "Setting", "Any setting", &settings, &p.setting),
            theme: select("theme", "Theme", "Any theme", &theme_options, &p.theme),
            region: select("region", "Region", "Any region", &regions, &p.region),
            measured: !p.measured.is_empty(),
            sort: select("sort", "Order", "Newest first", &sorts, &p.sort),
            total: found.total,
            results: found
                .examples
                .iter()
                .map(|e| view(e, &themes, false, &ids))
                .collect(),
            previous: if page > 1 {
                query_string(&p, page - 1)
            } else {
                String::new()
            },
            next: if u64::from(page * PAGE_SIZE) < found.total {
                query_string(&p, page + 1)
            } else {
                String::new()
            },
            can_moderate: viewer.can(Permission::Moderate),
            signed_in: viewer.principal.is_some(),
            filtered: !(p.q.trim().is_empty()
                && p.setting.is_empty()
                && p.theme.is_empty()
                && p.region.is_empty()
                && p.measured.is_empty()),
        };
        Ok(render(&page_view)?.into_response())
    })
    .await
}

/// The example an address names (its id, then a dash and the title's slug).
fn example_id(state: &WebState, text: &str) -> Result<IdRef, PageError> {
    super::ids::read(
        state,
        Kind::Example,
        text.split('-').next().unwrap_or_default(),
        "example",
    )
}

#[derive(Template)]
#[template(path = "exchange_example.html")]
struct ExamplePage {
    layout: Layout,
    e: ExampleView,
    banner: Option<(String, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowParams {
    #[serde(default)]
    helped: Option<String>,
}

pub async fn show(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<ShowParams>,
) -> PageResult {
    let found = example_id(&state, &id)?;
    run(move || {
        let e = state.app.published_example(found.id())?;
        if let Some(moved) = super::ids::moved(&state, &viewer.path, found, Kind::Example)? {
            return Ok(moved);
        }
        let ids = all_ids(&state)?;
        let themes = state.app.themes()?;
        let page = ExamplePage {
            layout: Layout::new(&e.title).nav("exchange"),
            e: view(&e, &themes, true, &ids),
            banner: match q.helped.as_deref() {
                Some("1") => Some(("Thank you for saying it helped".into(), String::new())),
                Some(_) => Some(("You have already said it helped".into(), String::new())),
                None => None,
            },
        };
        Ok(render(&page)?.into_response())
    })
    .await
}

/// "This helped me": once per signed-in person, or once per browser.
pub async fn helped(State(state): AppState, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    let id = example_id(&state, &id)?.id();
    run(move || {
        let person = match &viewer.principal {
            Some(p) => format!("user:{}", p.user.id),
            None => format!("browser:{}", swforce_app::access::digest(&viewer.csrf)),
        };
        let new = state.app.helped(id, &person)?;
        let e = state.app.published_example(id)?;
        Ok(super::redirect(&format!(
            "/exchange/examples/{}-{}?helped={}#helped",
            super::ids::public(&state, Kind::Example, id)?,
            e.slug(),
            if new { "1" } else { "0" }
        ))
        .into_response())
    })
    .await
}

#[derive(Template)]
#[template(path = "exchange_form.html")]
struct FormPage {
    layout: Layout,
    problems: Vec<Problem>,
    /// The opaque id of the example being changed, or empty for a new one.
    id: String,
    guest: bool,
    title: Field,
    /// The two Markdown parts: id, label, hint, value and error.
    texts: Vec<(&'static str, &'static str, &'static str, String, String)>,
    setting: Choices,
    org_kind: Choices,
    region: Choices,
    themes: Choices,
    hours_saved: Field,
    direct_before: Field,
    direct_after: Field,
    consent: bool,
    name: Field,
    email: Field,
    note: String,
}

fn form_of(e: &Example) -> ExampleForm {
    ExampleForm {
        id: e.id,
        title: e.title.clone(),
        problem: e.problem.clone(),
        change: e.change.clone(),
        setting: e.setting.id().into(),
        org_kind: e.org_kind.map(|k| k.id().to_string()).unwrap_or_default(),
        region: e.region.clone().unwrap_or_default(),
        themes: e.themes.clone(),
        hours_saved: e.hours_saved.map(|h| h.to_string()).unwrap_or_default(),
        direct_before: e.direct_before.map(|h| h.to_string()).unwrap_or_default(),
        direct_after: e.direct_after.map(|h| h.to_string()).unwrap_or_default(),
        contact_consent: e.contact_consent,
        ..ExampleForm::default()
    }
}

fn form_page(
    state: &WebState,
    who: Option<&Principal>,
    f: &ExampleForm,
    problems: Vec<Problem>,
    note: String,
) -> Result<FormPage, PageError> {
    let themes = state.app.themes()?;
    let err = |id: &str| {
        problems
            .iter()
            .find(|p| p.target == id)
            .map(|p| p.text.clone())
            .unwrap_or_default()
    };
    let mut setting = Choices::new("setting", "Setting", "radio");
    for s in Setting::ALL {
        setting = setting.option(s.id(), s.label(), "", f.setting == s.id());
    }
    let mut org_kind = Choices::new("org_kind", "Type of organisation (optional)", "select")
        .option("", "Not given", "", f.org_kind.is_empty());
    for k in OrgKind::ALL {
        org_kind = org_kind.option(k.id(), k.label(), "", f.org_kind == k.id());
    }
    let mut region = Choices::new("region", "Region (optional)", "select").option(
        "",
        "Not given",
        "",
        f.region.is_empty(),
    );
    for (c, n) in REGIONS {
        region = region.option(c, n, "", f.region == c);
    }
    let mut theme_choices =
        Choices::new("themes", "Themes (optional)", "checkbox").hint("Choose any that fit");
    for t in themes
        .iter()
        .filter(|t| t.active || f.themes.contains(&t.id))
    {
        theme_choices = theme_choices.option(
            &t.id,
            &t.label,
            t.audience.label(),
            f.themes.contains(&t.id),
        );
    }
    Ok(FormPage {
        layout: Layout::new(if problems.is_empty() {
            "Share an example"
        } else {
            "Error: Share an example"
        })
        .nav("exchange"),
        id: if f.id == 0 {
            String::new()
        } else {
            super::ids::public(state, Kind::Example, f.id)?
        },
        guest: who.is_none(),
        title: Field::new("title", "Title")
            .hint("What changed, in a few words")
            .value(&f.title)
            .error_from(&problems),
        texts: vec![
            (
                "problem",
                "What the problem was",
                "What took time away from direct work?",
                f.problem.clone(),
                err("problem"),
            ),
            (
                "change",
                "What changed, and how",
                "What did you do, who was involved, and what happened?",
                f.change.clone(),
                err("change"),
            ),
        ],
        setting: setting.error_from(&problems),
        org_kind: org_kind.error_from(&problems),
        region: region.error_from(&problems),
        themes: theme_choices.error_from(&problems),
        hours_saved: Field::new(
            "hours_saved",
            "Hours a week saved for each social worker (optional)",
        )
        .hint("If you measured it, such as 3.5")
        .value(&f.hours_saved)
        .width("10")
        .error_from(&problems),
        direct_before: Field::new(
            "direct_before",
            "Share of time on direct work before, % (optional)",
        )
        .value(&f.direct_before)
        .width("10")
        .error_from(&problems),
        direct_after: Field::new(
            "direct_after",
            "Share of time on direct work after, % (optional)",
        )
        .value(&f.direct_after)
        .width("10")
        .error_from(&problems),
        consent: f.contact_consent,
        name: Field::new("name", "Your name")
            .kind("text", "name")
            .value(&f.name)
            .error_from(&problems),
        email: Field::new("email", "Your email address")
            .hint("We send a link to confirm the example is yours; it is never published")
            .kind("email", "email")
            .value(&f.email)
            .error_from(&problems),
        note,
        problems,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct EditParams {
    #[serde(default)]
    edit: Option<String>,
}

pub async fn new_example(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<EditParams>,
) -> PageResult {
    run(move || {
        let who = viewer.principal.as_ref();
        let (form, note) = match (&q.edit, who) {
            (Some(id), Some(p)) => {
                let e = state.app.own_example(p, example_id(&state, id)?.id())?;
                (form_of(&e), e.moderator_note.clone())
            }
            _ => (
                ExampleForm {
                    setting: Setting::ChildrenAndFamilies.id().into(),
                    ..ExampleForm::default()
                },
                String::new(),
            ),
        };
        Ok(render(&form_page(&state, who, &form, Vec::new(), note)?)?.into_response())
    })
    .await
}

#[derive(Template)]
#[template(path = "exchange_sent.html")]
struct SentPage {
    layout: Layout,
    heading: String,
    body: String,
}

pub async fn send(
    State(state): AppState,
    viewer: Viewer,
    Form(fields): Form<Fields>,
) -> PageResult {
    run(move || {
        let who = viewer.principal.as_ref();
        let form = ExampleForm {
            id: match fields.get("id").trim() {
                "" => 0,
                id => example_id(&state, id)?.id(),
            },
            title: fields.get("title"),
            problem: fields.get("problem"),
            change: fields.get("change"),
            setting: fields.get("setting"),
            org_kind: fields.get("org_kind"),
            region: fields.get("region"),
            themes: fields.all("themes"),
            hours_saved: fields.get("hours_saved"),
            direct_before: fields.get("direct_before"),
            direct_after: fields.get("direct_after"),
            contact_consent: fields.get("contact_consent") == "yes",
            name: fields.get("name"),
            email: fields.get("email"),
            honeypot: fields.get("website"),
        };
        let submit = fields.get("action") != "draft";
        match state
            .app
            .send_example(who, &form, submit, &state.options.public_url, &viewer.origin)
        {
            Ok(Sent::Saved(e)) if e.status == Status::Draft => {
                Ok(super::redirect("/exchange/mine?saved=1").into_response())
            }
            Ok(Sent::Saved(_)) => Ok(super::redirect("/exchange/mine?submitted=1").into_response()),
            Ok(Sent::Confirm { email }) => {
                let page = SentPage {
                    layout: Layout::new("Check your email").nav("exchange"),
                    heading: "Check your email".into(),
                    body: format!(
                        "We have sent a link to {email}. Open it to send your example to the moderators. The link works for 7 days."
                    ),
                        };
                Ok(render(&page)?.into_response())
            }
            Err(ExchangeError::Fields(problems)) => {
                let form = ExampleForm {
                    title: shown(form.title),
                    problem: shown(form.problem),
                    change: shown(form.change),
                    ..form
                };
                let page = form_page(&state, who, &form, problems_of(problems), String::new())?;
                unprocessable(&page)
            }
            Err(ExchangeError::App(e)) => Err(e.into()),
        }
    })
    .await
}

pub async fn confirm(
    State(state): AppState,
    viewer: Viewer,
    Path(secret): Path<String>,
) -> PageResult {
    run(move || {
        state
            .app
            .confirm_example(&secret, &viewer.origin)?;
        let page = SentPage {
            layout: Layout::new("Example sent to the moderators").nav("exchange"),
            heading: "Example sent to the moderators".into(),
            body: "Thank you. A moderator will read it, and it will appear on 80:20 in practice once published. If they need changes, they will email you.".into(),
        };
        Ok(render(&page)?.into_response())
    })
    .await
}

pub async fn withdraw_link(
    State(state): AppState,
    viewer: Viewer,
    Path(secret): Path<String>,
) -> PageResult {
    run(move || {
        state.app.withdraw_with_link(&secret, &viewer.origin)?;
        let page = SentPage {
            layout: Layout::new("Example withdrawn").nav("exchange"),
            heading: "Example withdrawn".into(),
            body: "Your example has been taken down and your name and email address erased.".into(),
        };
        Ok(render(&page)?.into_response())
    })
    .await
}

#[derive(Template)]
#[template(path = "exchange_mine.html")]
struct MinePage {
    layout: Layout,
    banner: Option<(String, String)>,
    examples: Vec<(ExampleView, bool, bool, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct MineParams {
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    submitted: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
}

pub async fn mine(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<MineParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let themes = state.app.themes()?;
        let ids = all_ids(&state)?;
        let examples = state.app.my_examples(&who)?;
        let page = MinePage {
            layout: Layout::new("Your examples").nav("exchange"),
            banner: if q.saved.is_some() {
                Some((
                    "Draft saved".into(),
                    "Send it for moderation when it is ready.".into(),
                ))
            } else if q.submitted.is_some() {
                Some((
                    "Example sent to the moderators".into(),
                    "It will appear once a moderator publishes it.".into(),
                ))
            } else if q.withdrawn.is_some() {
                Some(("Example withdrawn".into(), "It has left the site.".into()))
            } else {
                None
            },
            examples: examples
                .iter()
                .map(|e| {
                    (
                        view(e, &themes, false, &ids),
                        e.status.editable(),
                        e.status == Status::Published,
                        e.moderator_note.clone(),
                    )
                })
                .collect(),
        };
        Ok(render(&page)?.into_response())
    })
    .await
}

pub async fn withdraw(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let id = example_id(&state, &id)?.id();
    run(move || {
        state.app.withdraw_example(&who, id, &viewer.origin)?;
        Ok(super::redirect("/exchange/mine?withdrawn=1").into_response())
    })
    .await
}

#[derive(Template)]
#[template(path = "exchange_moderation.html")]
struct QueuePage {
    layout: Layout,
    banner: Option<(String, String)>,
    queue: Vec<(ExampleView, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct QueueParams {
    #[serde(default)]
    decided: Option<String>,
}

pub async fn queue(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<QueueParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let themes = state.app.themes()?;
        let ids = all_ids(&state)?;
        let queue = state.app.moderation_queue(&who)?;
        let page = QueuePage {
            layout: Layout::new("Moderation").nav("exchange"),
            banner: q.decided.map(|d| (d, String::new())),
            queue: queue
                .iter()
                .map(|e| {
                    (
                        view(e, &themes, false, &ids),
                        e.updated_at.replace('T', " ").replace('Z', ""),
                    )
                })
                .collect(),
        };
        Ok(render(&page)?.into_response())
    })
    .await
}

#[derive(Template)]
#[template(path = "exchange_review.html")]
struct ReviewPage {
    layout: Layout,
    problems: Vec<Problem>,
    e: ExampleView,
    author: String,
    consent: bool,
    decision: Choices,
    note: String,
    note_error: String,
}

fn review_page(
    state: &WebState,
    who: &Principal,
    id: i64,
    problems: Vec<Problem>,
    chosen: &str,
    note: &str,
) -> Result<ReviewPage, PageError> {
    let e = state.app.example_for_moderation(who, id)?;
    let themes = state.app.themes()?;
    let ids = all_ids(state)?;
    let decision = Choices::new("decision", "Decision", "radio")
        .option("approve", "Publish it", "", chosen == "approve")
        .option(
            "changes",
            "Ask the author for changes",
            "They are emailed what you write below",
            chosen == "changes",
        )
        .option(
            "reject",
            "Do not publish it",
            "They are emailed the reason you write below",
            chosen == "reject",
        )
        .error_from(&problems);
    Ok(ReviewPage {
        layout: Layout::new(if problems.is_empty() {
            "Moderate an example"
        } else {
            "Error: Moderate an example"
        })
        .nav("exchange"),
        e: view(&e, &themes, true, &ids),
        author: if e.author_email.is_empty() {
            "Withdrawn".into()
        } else {
            format!("{} ({})", e.author_name, e.author_email)
        },
        consent: e.contact_consent,
        decision,
        note: note.into(),
        note_error: problems
            .iter()
            .find(|p| p.target == "note")
            .map(|p| p.text.clone())
            .unwrap_or_default(),
        problems,
    })
}

pub async fn review(State(state): AppState, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let id = example_id(&state, &id)?.id();
    run(move || Ok(render(&review_page(&state, &who, id, Vec::new(), "", "")?)?.into_response()))
        .await
}

pub async fn decide(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let id = example_id(&state, &id)?.id();
    run(move || {
        let note = form.get("note");
        let chosen = form.get("decision");
        let decision = match chosen.as_str() {
            "approve" => Some(Decision::Approve),
            "changes" => Some(Decision::AskForChanges(note.clone())),
            "reject" => Some(Decision::Reject(note.clone())),
            _ => None,
        };
        let result = match decision {
            Some(d) => state
                .app
                .moderate(&who, id, d, &state.options.public_url, &viewer.origin),
            None => Err(ExchangeError::Fields(vec![FieldProblem {
                field: "decision",
                problem: "Choose a decision".into(),
                fix: "Publish it, ask for changes, or do not publish it".into(),
            }])),
        };
        match result {
            Ok(e) => Ok(super::redirect(&format!(
                "/exchange/moderation?decided={}",
                crate::error::form_urlencoded_component(&format!(
                    "\u{201c}{}\u{201d}: {}",
                    e.title,
                    e.status.label().to_lowercase()
                ))
            ))
            .into_response()),
            Err(ExchangeError::Fields(problems)) => {
                let page = review_page(&state, &who, id, problems_of(problems), &chosen, &note)?;
                unprocessable(&page)
            }
            Err(ExchangeError::App(e)) => Err(e.into()),
        }
    })
    .await
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An Atom feed of the newest published examples.
pub async fn feed(State(state): AppState) -> PageResult {
    run(move || {
        let found = state
            .app
            .search_examples(&ExampleQuery {
                limit: 20,
                ..ExampleQuery::default()
            })?;
        let ids = all_ids(&state)?;
        let base = state.options.public_url.trim_end_matches('/').to_string();
        let updated = found
            .examples
            .first()
            .and_then(|e| e.published_at.clone())
            .unwrap_or_else(|| "2024-01-01T00:00:00Z".into());
        let mut out = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>80:20 in practice: newly published examples</title>\n  <id>{base}/exchange</id>\n  <link rel=\"self\" href=\"{base}/exchange/feed.atom\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{base}/exchange\"/>\n  <updated>{updated}</updated>\n  <author><name>swforce</name></author>\n"
        );
        for e in &found.examples {
            let id = ids.encode(Kind::Example, e.id);
            let link = format!("{base}/exchange/examples/{id}-{}", e.slug());
            let published = e.published_at.clone().unwrap_or_default();
            out.push_str(&format!(
                "  <entry>\n    <title>{}</title>\n    <id>{base}/exchange/examples/{}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <published>{published}</published>\n    <updated>{published}</updated>\n    <summary type=\"html\">{}</summary>\n  </entry>\n",
                xml(&e.title),
                id,
                xml(&link),
                xml(&render_markdown(&e.change)),
            ));
        }
        out.push_str("</feed>\n");
        Ok((
            [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
            out,
        )
            .into_response())
    })
    .await
}
