//! Finding examples: the searchable list, one example, "this helped me", and the Atom feed.

use super::{ExampleView, PAGE_SIZE, example_id, view};
use crate::AppState;
use crate::auth::Viewer;
use crate::pages::ids::{Kind, PublicIds, all as all_ids};
use crate::pages::{PageResult, ids, redirect, render, run};
use crate::view::{Choices, Layout};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;
use swforce_app::exchange::render_markdown;
use swforce_domain::access::Permission;
use swforce_domain::exchange::{Setting, Theme};
use swforce_domain::geography::REGIONS;
use swforce_store::{ExampleQuery, ExampleSort};

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

pub(super) fn select(
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
        let found = state.app.search_examples(&example_query(&p, page))?;
        render(&index_page(&p, page, &found, &themes, &ids, &viewer))
    })
    .await
}

/// The search the list's address asks for, at page `page`.
fn example_query(p: &SearchParams, page: u32) -> ExampleQuery {
    ExampleQuery {
        text: p.q.chars().take(200).collect(),
        setting: Setting::from_id(&p.setting),
        theme: Some(p.theme.clone()).filter(|t| !t.is_empty()),
        region: Some(p.region.clone()).filter(|r| !r.is_empty()),
        measured: !p.measured.is_empty(),
        sort: match p.sort.as_str() {
            "helpful" => ExampleSort::MostHelpful,
            "hours" => ExampleSort::MostHours,
            _ => ExampleSort::Newest,
        },
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
    }
}

/// The list: the search form as it was filled in, one page of examples, and links to the
/// pages before and after.
fn index_page(
    p: &SearchParams,
    page: u32,
    found: &swforce_store::ExamplePage,
    themes: &[Theme],
    ids: &PublicIds,
    viewer: &Viewer,
) -> IndexPage {
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
    IndexPage {
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
            .map(|e| view(e, themes, false, ids))
            .collect(),
        previous: if page > 1 {
            query_string(p, page - 1)
        } else {
            String::new()
        },
        next: if u64::from(page * PAGE_SIZE) < found.total {
            query_string(p, page + 1)
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
    }
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
        if let Some(moved) = ids::moved(&state, &viewer.path, found, Kind::Example)? {
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
        Ok(redirect(&format!(
            "/exchange/examples/{}-{}?helped={}#success",
            ids::public(&state, Kind::Example, id)?,
            e.slug(),
            if new { "1" } else { "0" }
        ))
        .into_response())
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
