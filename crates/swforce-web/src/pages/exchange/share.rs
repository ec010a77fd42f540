//! Sharing an example: the form (new, or editing one's own), sending it, confirming or
//! withdrawing it by the link emailed to a guest, and the list of one's own examples.

use super::{ExampleView, example_id, problems_of, shown, view};
use crate::auth::Viewer;
use crate::error::{PageError, Problem};
use crate::pages::ids::{Kind, all as all_ids};
use crate::pages::{Fields, PageResult, ids, redirect, render, run, unprocessable};
use crate::view::{Choices, Field, Layout};
use crate::{AppState, WebState};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use serde::Deserialize;
use swforce_app::access::Principal;
use swforce_app::exchange::{ExampleForm, ExchangeError, Sent, render_markdown};
use swforce_domain::access::OrgKind;
use swforce_domain::exchange::{Example, Setting, Status};
use swforce_domain::geography::REGIONS;

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
    /// The example as it will read, when "Preview" was chosen: title, problem and change (HTML).
    preview: Option<(String, String, String)>,
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
    let err = |id: &str| crate::error::error_for(&problems, id);
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
            ids::public(state, Kind::Example, f.id)?
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
        preview: None,
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
        // A preview shows the example as it will read, and keeps the form; nothing is stored.
        // What sending would refuse is shown with it, beside its fields.
        if fields.get("action") == "preview" {
            let problems = problems_of(state.app.example_problems(&form)?);
            let refused = !problems.is_empty();
            let mut page = form_page(&state, who, &form, problems, String::new())?;
            page.preview = Some((
                form.title.trim().to_string(),
                render_markdown(&form.problem),
                render_markdown(&form.change),
            ));
            return if refused {
                unprocessable(&page)
            } else {
                Ok(render(&page)?.into_response())
            };
        }
        let submit = fields.get("action") != "draft";
        match state
            .app
            .send_example(who, &form, submit, &state.options.public_url, &viewer.origin)
        {
            Ok(Sent::Saved(e)) if e.status == Status::Draft => {
                Ok(redirect("/exchange/mine?saved=1").into_response())
            }
            Ok(Sent::Saved(_)) => Ok(redirect("/exchange/mine?submitted=1").into_response()),
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
        Ok(redirect("/exchange/mine?withdrawn=1").into_response())
    })
    .await
}
