//! The weekly time diary: a person's week on one page (with hours suggested from their
//! calendar), their own view of their weeks and balance, and their own download. Only they
//! ever see these pages' contents.

use super::ids::{Kind, PublicIds};
use super::time::{pct, short_date, week_param};
use super::{
    Fields, PageResult, csv_response, ids, redirect, render, render_as, run, unprocessable,
};
use crate::auth::Viewer;
use crate::chart::{LineChart, Series};
use crate::error::{Problem, problem_from};
use crate::upload::{self, Unread};
use crate::view::{CellView, Choices, Field, Layout, TableView};
use crate::{AppState, WebState};
use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use serde::Deserialize;
use std::collections::BTreeMap;
use swforce_app::AppError;
use swforce_app::access::Principal;
use swforce_app::agency::today;
use swforce_app::diary::{CalendarSuggestion, DiaryForm, hours_text_short};
use swforce_domain::access::Permission;
use swforce_domain::diary::{
    DiaryInput, DiaryProblem, Obstacle, TARGET_SHARE, Week, contracted_warning, hours_text,
    long_date, parse_hours, percent,
};

/// A person's time diary (filling it from a calendar is routed with the uploads, under its size limit).
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/time/diary", get(show).post(save))
        .route("/time/mine", get(mine))
        .route("/time/mine/download.csv", get(mine_csv))
}

// ---------------------------------------------------------------------------------------------
// The diary

#[derive(Template)]
#[template(path = "time_diary.html")]
struct DiaryPage {
    layout: Layout,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
    warning: String,
    organisation: String,
    week: String,
    week_label: String,
    prefilled: String,
    suggested: String,
    /// The calendar's events as counted: when, hours, category.
    calendar_events: Vec<(String, String, String)>,
    /// Events the calendar left out, and why.
    left_out: Vec<String>,
    weeks: Choices,
    hours: Vec<Field>,
    total: String,
    contracted: Field,
    obstacles: Choices,
    note: String,
    note_error: String,
    share: Choices,
    upload_action: String,
    calendar_error: bool,
    this_week: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct DiaryParams {
    pub week: Option<String>,
    pub saved: Option<String>,
}

/// What to show in the boxes: from the store, or what was posted (with problems), or a
/// calendar's suggestion.
struct Shown {
    values: BTreeMap<i64, String>,
    contracted: String,
    obstacles: Vec<String>,
    note: String,
    share_note: bool,
}

fn from_form(form: &DiaryForm) -> Shown {
    Shown {
        values: form.values.clone(),
        contracted: form.contracted.clone(),
        obstacles: form.obstacles.iter().map(|o| o.id().to_string()).collect(),
        note: form.note.clone(),
        share_note: form.share_note,
    }
}

/// A category's box on the diary, named by the category's opaque id.
fn hours_field(ids: &PublicIds, category: i64) -> String {
    format!("hours-{}", ids.encode(Kind::Category, category))
}

/// What a calendar suggested, for the page: the notice, the events counted and those left out.
#[derive(Default)]
struct FromCalendar {
    said: String,
    events: Vec<(String, String, String)>,
    left_out: Vec<String>,
}

#[allow(clippy::too_many_arguments)]
fn diary_page(
    form: &DiaryForm,
    shown: &Shown,
    who: &Principal,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
    calendar: FromCalendar,
    ids: &PublicIds,
) -> DiaryPage {
    let suggested = calendar.said;
    let error_of = |id: &str| crate::error::error_for(&problems, id);
    let hours: Vec<Field> = form
        .categories
        .iter()
        .map(|c| {
            let id = hours_field(ids, c.id);
            let mut hint = if c.activity.relationship_based() {
                "Counts as direct, relationship-based work".to_string()
            } else {
                String::new()
            };
            if c.retired {
                hint = "No longer in use: kept here because this week has time in it".into();
            }
            let mut f = Field::new(&id, &c.label)
                .hint(&hint)
                .value(shown.values.get(&c.id).map_or("", String::as_str))
                .width("3");
            f.kind = "text";
            f.error = error_of(&id);
            f
        })
        .collect();
    let total: u32 = shown
        .values
        .values()
        .filter_map(|v| parse_hours(v).ok())
        .sum();
    let mut contracted = Field::new("contracted", "Your contracted hours this week")
        .hint("A full-time week is usually 37 hours")
        .value(&shown.contracted)
        .width("3");
    contracted.error = error_of("contracted");
    let mut obstacles = Choices::new(
        "obstacles",
        "What got in the way of direct work this week? (optional)",
        "checkbox",
    )
    .hint("Leaders see how often each is ticked, never who ticked it");
    obstacles.error = error_of("obstacles");
    for o in Obstacle::ALL {
        obstacles = obstacles.option(
            o.id(),
            o.label(),
            "",
            shown.obstacles.iter().any(|x| x == o.id()),
        );
    }
    let share = Choices::new("share_note", "Who can read your note", "checkbox").option(
        "yes",
        "Share it anonymously with leaders",
        "They see the words and the week, never your name or team. Left unticked, only you can read it.",
        shown.share_note,
    );
    let mut weeks = Choices::new("week", "Week", "select");
    weeks.error = error_of("week");
    for (w, saved) in &form.nearby {
        let label = format!(
            "{}{}{}",
            long_date(w.monday()),
            if *w == form.this_week {
                " (this week)"
            } else {
                ""
            },
            if *saved { " – saved" } else { "" }
        );
        weeks = weeks.option(&w.to_string(), &label, "", *w == form.week);
    }
    if !form.nearby.iter().any(|(w, _)| *w == form.week) {
        weeks = weeks.option(
            &form.week.to_string(),
            &long_date(form.week.monday()),
            "",
            true,
        );
    }
    let saved_total = form
        .saved_at
        .as_ref()
        .and_then(|_| {
            let total: u32 = form
                .values
                .values()
                .filter_map(|v| parse_hours(v).ok())
                .sum();
            parse_hours(&form.contracted)
                .ok()
                .and_then(|c| contracted_warning(total, c))
        })
        .unwrap_or_default();
    let calendar_error = problems.iter().any(|p| p.target == "calendar");
    DiaryPage {
        calendar_error,
        layout: Layout::new(&format!("Your diary: {}", form.week.describe())).nav("time"),
        note_error: error_of("note"),
        problems,
        banner,
        warning: saved_total,
        organisation: who.org.name.clone(),
        week: form.week.to_string(),
        week_label: format!(
            "{} to {}",
            long_date(form.week.monday()),
            long_date(form.week.sunday())
        ),
        // One notice says where the hours came from: the calendar, else an earlier week.
        prefilled: form
            .prefilled_from
            .filter(|_| suggested.is_empty())
            .map(|w| {
                format!(
                    "The hours are filled in from your {}. Change them to match this week.",
                    w.describe()
                )
            })
            .unwrap_or_default(),
        suggested,
        calendar_events: calendar.events,
        left_out: calendar.left_out,
        weeks,
        hours,
        total: hours_text(u64::from(total)),
        contracted,
        obstacles,
        note: shown.note.clone(),
        share,
        upload_action: format!("/time/diary/calendar?week={}", form.week),
        this_week: form.week == form.this_week,
    }
}

fn problems_of(found: Vec<DiaryProblem>, form: &DiaryForm, ids: &PublicIds) -> Vec<Problem> {
    let first = form
        .categories
        .first()
        .map(|c| hours_field(ids, c.id))
        .unwrap_or_default();
    let offered: Vec<String> = form
        .categories
        .iter()
        .map(|c| hours_field(ids, c.id))
        .collect();
    found
        .into_iter()
        .map(|mut p| {
            // The application names a box by the category's number; the page by its id.
            if let Some(n) = p
                .field
                .strip_prefix("hours-")
                .and_then(|n| n.parse::<i64>().ok())
            {
                p.field = hours_field(ids, n);
            }
            p
        })
        .map(|p| Problem {
            target: match p.field.as_str() {
                "hours" => first.clone(),
                // A box the page never offered (another organisation's category): the message
                // goes beside the first box.
                f if f.starts_with("hours-") && !offered.iter().any(|o| o == f) => first.clone(),
                "obstacles" => "obstacles-1".into(),
                "share_note" => "share_note-1".into(),
                f => f.to_string(),
            },
            // Named by its category, so the summary says which box it is about.
            text: match form
                .categories
                .iter()
                .find(|c| p.field == hours_field(ids, c.id))
            {
                Some(c) => format!(
                    "{}: {}",
                    c.label,
                    swforce_app::display::lower_first(&p.message)
                ),
                None => p.message,
            },
            fix: String::new(),
        })
        .collect()
}

pub async fn show(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<DiaryParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require_read(Permission::KeepTimeDiary)?;
    let week = week_param(q.week.as_deref())?;
    run(move || {
        let form = state
            .app
            .diary_form(&who, week, today())?;
        let banner = q.saved.is_some().then(|| {
            let total: u32 = form
                .values
                .values()
                .filter_map(|v| parse_hours(v).ok())
                .sum();
            // A published week's change waits for others' (see docs/diary.md).
            let later = if form.week <= Week::published_through(today()) {
                " This week's figures are already published: your change enters them when at least 4 other people have changed the same figures for this week too."
            } else {
                ""
            };
            (
                format!("Your {} is saved", form.week.describe()),
                format!(
                    "{} hours recorded. Thank you: it takes a minute and it counts.{later}",
                    hours_text(u64::from(total))
                ),
            )
        });
        let page = diary_page(
            &form,
            &from_form(&form),
            &who,
            Vec::new(),
            banner,
            FromCalendar::default(),
            &*ids::all(&state)?,
        );
        Ok(render(&page)?.into_response())
    })
    .await
}

fn input_from(fields: &Fields, ids: &PublicIds) -> DiaryInput {
    let mut hours: Vec<(i64, String)> = Vec::new();
    for (k, v) in &fields.0 {
        if let Some(id) = k.strip_prefix("hours-") {
            // A field for a category the page never offered is still checked (and refused).
            let id = ids.read(Kind::Category, id).map_or(-1, |found| found.id());
            hours.push((id, v.clone()));
        }
    }
    DiaryInput {
        week: fields.get("week"),
        hours,
        contracted: fields.get("contracted"),
        obstacles: fields.all("obstacles"),
        note: fields.get("note"),
        share_note: fields.get("share_note") == "yes",
    }
}

pub async fn save(
    State(state): AppState,
    viewer: Viewer,
    Form(fields): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require(Permission::KeepTimeDiary)?;
    let origin = viewer.origin.clone();
    run(move || {
        let ids = ids::all(&state)?;
        let input = input_from(&fields, &ids);
        match state.app.save_diary(&who, &input, today(), &origin)? {
            Ok(saved) => Ok(
                redirect(&format!("/time/diary?week={}&saved=1", saved.diary.week)).into_response(),
            ),
            Err(found) => {
                // Show the week asked for if it is one; otherwise this week.
                let week = Week::parse(&input.week)
                    .ok()
                    .filter(|w| *w <= Week::containing(today()));
                let form = state.app.diary_form(&who, week, today())?;
                let shown = Shown {
                    values: input.hours.iter().cloned().collect(),
                    contracted: input.contracted.clone(),
                    obstacles: input.obstacles.clone(),
                    // A long note is refused but not sent back whole.
                    note: input
                        .note
                        .chars()
                        .take(swforce_domain::diary::MAX_NOTE + 100)
                        .collect(),
                    share_note: input.share_note,
                };
                let problems = problems_of(found, &form, &ids);
                let page = diary_page(
                    &form,
                    &shown,
                    &who,
                    problems,
                    None,
                    FromCalendar::default(),
                    &ids,
                );
                unprocessable(&page)
            }
        }
    })
    .await
}

/// What the page says of a calendar read into the week (what was counted, left out or looks
/// wrong), and the events it read.
fn from_calendar(found: &CalendarSuggestion, form: &DiaryForm) -> FromCalendar {
    let suggestion = &found.suggestion;
    let skipped = suggestion.skipped_declined
        + suggestion.skipped_cancelled
        + suggestion.skipped_all_day
        + suggestion.skipped_free;
    let mut said = format!(
        "{} event{} in your calendar for this week became the hours below.",
        suggestion.events_counted,
        if suggestion.events_counted == 1 {
            ""
        } else {
            "s"
        }
    );
    if skipped > 0 {
        said.push_str(&format!(
            " {skipped} {} left out (declined, cancelled, all-day or shown as free).",
            if skipped == 1 { "was" } else { "were" }
        ));
    }
    if suggestion.left_out_count > 0 {
        let n = suggestion.left_out_count;
        said.push_str(&format!(
            " {n} {} could not be placed in time and {} left out (see below).",
            if n == 1 { "event" } else { "events" },
            if n == 1 { "was" } else { "were" }
        ));
    }
    if suggestion.unmatched_minutes > 0 {
        said.push_str(&format!(
            " {} hours matched no category and are under Other.",
            hours_text(u64::from(suggestion.unmatched_minutes))
        ));
    }
    // A calendar shows meetings, rarely the recording and travel around them; and
    // long or overlapping events can add up to more than the week.
    let total = suggestion.total_minutes();
    if total > u64::from(swforce_domain::diary::MAX_WEEK_MINUTES) {
        said.push_str(&format!(
            " These events add up to {} hours, more than the 168 in a week: look for long or overlapping events in the list below and correct the hours before you save.",
            hours_text_short(u32::try_from(total).unwrap_or(u32::MAX))
        ));
    }
    if let Ok(contracted) = parse_hours(&form.contracted)
        && contracted > 0
        && total * 2 < u64::from(contracted)
    {
        said.push_str(&format!(
            " Your calendar accounts for only {} of your {} contracted hours: add the time it does not show, such as recording, travel and admin, before you save.",
            hours_text_short(u32::try_from(total).unwrap_or(u32::MAX)),
            hours_text_short(contracted)
        ));
    }
    said.push_str(" Check them, add what your calendar does not show, and save the week. Nothing from the file was kept.");
    FromCalendar {
        said,
        events: found
            .events
            .iter()
            .map(|(when, m, label)| (when.clone(), hours_text_short(*m), label.clone()))
            .collect(),
        left_out: suggestion
            .left_out
            .iter()
            .map(|l| format!("The event that starts on line {}: {}.", l.line, l.why))
            .collect(),
    }
}

/// Fills the diary page with hours suggested from a calendar export. Nothing is kept: the
/// person checks the hours and saves the week themselves.
pub async fn calendar(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<DiaryParams>,
    form: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require(Permission::KeepTimeDiary)?;
    let week = week_param(q.week.as_deref())?;
    let found = upload::file(form).await.map_err(|u| match u {
        Unread::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "The selected file is larger than {} MB",
                swforce_import::calendar::MAX_ICS_BYTES / (1024 * 1024)
            ),
            "Export just a few weeks of your calendar (Outlook: File, Save calendar, Date range; Google: export one calendar)",
        ),
        Unread::Stalled => (
            StatusCode::REQUEST_TIMEOUT,
            "The upload stopped arriving and was given up on: nothing was saved".to_string(),
            "Check your connection and choose the calendar file again",
        ),
        Unread::Broken(detail) => (
            StatusCode::BAD_REQUEST,
            format!("The upload could not be read ({detail})"),
            "Choose the calendar file again",
        ),
        Unread::Missing => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Select your calendar file (.ics)".to_string(),
            "Use Choose file to pick the .ics file you exported",
        ),
    });
    run(move || {
        let form = state.app.diary_form(&who, week, today())?;
        let refuse = |status: StatusCode, problems: Vec<Problem>| -> PageResult {
            let page = diary_page(
                &form,
                &from_form(&form),
                &who,
                problems,
                None,
                FromCalendar::default(),
                &*ids::all(&state)?,
            );
            render_as(status, &page)
        };
        let (name, bytes) = match found {
            Ok(f) => f,
            Err((status, text, fix)) => {
                return refuse(
                    status,
                    vec![Problem {
                        text,
                        fix: fix.into(),
                        target: "calendar".into(),
                    }],
                );
            }
        };
        match state
            .app
            .suggest_from_calendar(&who, &name, &bytes, form.week)
        {
            Ok(found) => {
                let mut shown = from_form(&form);
                shown.values = found
                    .by_category
                    .iter()
                    .map(|(id, m)| (*id, hours_text_short(*m)))
                    .collect();
                let calendar = from_calendar(&found, &form);
                let page = diary_page(
                    &form,
                    &shown,
                    &who,
                    Vec::new(),
                    None,
                    calendar,
                    &*ids::all(&state)?,
                );
                Ok(render(&page)?.into_response())
            }
            Err(AppError::Refused(r)) => refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                r.errors()
                    .take(10)
                    .map(|d| Problem {
                        target: "calendar".into(),
                        ..problem_from(d)
                    })
                    .collect(),
            ),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// A person's own view

#[derive(Template)]
#[template(path = "time_mine.html")]
struct MinePage {
    layout: Layout,
    this_week: String,
    this_week_saved: bool,
    this_week_href: String,
    recent: String,
    gap: String,
    chart: String,
    table: Option<TableView>,
}

pub async fn mine(State(state): AppState, viewer: Viewer) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require_read(Permission::KeepTimeDiary)?;
    run(move || {
        let my = state.app.my_time(&who, today())?;
        let chart = (my.weeks.len() >= 2).then(|| LineChart {
            id: "my-balance".into(),
            title: "Your share of time on direct work, by week".into(),
            description: format!(
                "Your share of recorded time on direct, relationship-based work in each week you kept a diary, against the campaign's aim of {}.",
                percent(my.target)
            ),
            x_labels: my.weeks.iter().map(|w| short_date(w.0)).collect(),
            series: vec![
                Series {
                    name: "You".into(),
                    values: my.weeks.iter().map(|w| w.2.map(|s| s * 100.0)).collect(),
                },
                Series {
                    name: "80:20 aim".into(),
                    values: my.weeks.iter().map(|_| Some(TARGET_SHARE * 100.0)).collect(),
                },
            ],
            axis_format: |v| format!("{v:.0}%"),
        });
        let table = (!my.weeks.is_empty()).then(|| TableView {
            caption: "Your weeks".into(),
            head: vec![
                CellView::text("Week"),
                CellView::number("Hours recorded", ""),
                CellView::number("Direct work", ""),
            ],
            rows: my
                .weeks
                .iter()
                .rev()
                .map(|(w, hours, share)| {
                    vec![
                        CellView::link(long_date(w.monday()), format!("/time/diary?week={w}")),
                        CellView::number(format!("{hours:.1}"), format!("{hours:.2}")),
                        CellView::number(pct(*share), share.map(|s| format!("{s:.4}")).unwrap_or_default()),
                    ]
                })
                .collect(),
            download: "/time/mine/download.csv".into(),
        });
        let page = MinePage {
            layout: Layout::new("Your time").nav("time"),
            this_week: my.this_week.describe(),
            this_week_saved: my.this_week_saved.is_some(),
            this_week_href: format!("/time/diary?week={}", my.this_week),
            recent: pct(my.recent_share),
            gap: my
                .recent_share
                .map(|s| {
                    let points = ((my.target - s) * 100.0).round();
                    if points > 0.0 {
                        format!("{points:.0} percentage points short of the 80:20 aim")
                    } else {
                        "at or above the 80:20 aim".to_string()
                    }
                })
                .unwrap_or_default(),
            chart: chart.map(|c| c.to_svg()).unwrap_or_default(),
            table,
        };
        Ok(render(&page)?.into_response())
    })
    .await
}

/// A person's own weeks as CSV: only theirs, whole.
pub async fn mine_csv(State(state): AppState, viewer: Viewer) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require_read(Permission::KeepTimeDiary)?;
    run(move || {
        let now = Week::containing(today());
        let diaries = state.app.my_diaries(&who, now.plus_weeks(-520), now)?;
        let categories = state.app.diary_categories(who.org.id)?;
        let mut head = vec![CellView::text("week")];
        head.extend(categories.iter().map(|c| CellView::text(c.label.clone())));
        head.extend(
            ["contracted", "what_got_in_the_way", "note", "note_shared"].map(CellView::text),
        );
        let table = TableView {
            caption: String::new(),
            head,
            rows: diaries
                .iter()
                .map(|d| {
                    let mut row = vec![CellView::text(d.diary.week.to_string())];
                    row.extend(categories.iter().map(|c| {
                        let m = d.diary.minutes.get(&c.id).copied().unwrap_or(0);
                        CellView::number(hours_text_short(m), hours_text_short(m))
                    }));
                    row.push(CellView::number(
                        hours_text_short(d.diary.contracted),
                        hours_text_short(d.diary.contracted),
                    ));
                    row.push(CellView::text(
                        d.diary
                            .obstacles
                            .iter()
                            .map(|o| o.id())
                            .collect::<Vec<_>>()
                            .join(";"),
                    ));
                    row.push(CellView::text(d.diary.note.clone()));
                    row.push(CellView::text(if d.diary.share_note {
                        "yes"
                    } else {
                        "no"
                    }));
                    row
                })
                .collect(),
            download: String::new(),
        };
        Ok(csv_response("my-time-diary.csv", table.to_csv()))
    })
    .await
}
