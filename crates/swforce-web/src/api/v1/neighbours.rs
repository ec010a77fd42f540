//! `/api/v1/geographies/{code}/neighbours`: an authority's statistical neighbours, and the
//! neighbours' benchmark inside the benchmark answers.

use super::extract::{Path, Query};
use super::geographies::{CODE, GeographyInfo, describe};
use super::{ErrorAnswer, run, snapshot};
use crate::AppState;
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use swforce_app::indicators::published_json;
use swforce_app::neighbours::NeighbourBenchmark;
use swforce_domain::Measure;
use swforce_domain::neighbours::Closeness;
use utoipa::{IntoParams, ToSchema};

/// Which statistical neighbour model.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ModelParams {
    /// The model's year, such as 2021 or 2025; the newest on record unless given.
    #[param(value_type = Option<u16>, minimum = 2000, maximum = 2100)]
    pub model: Option<String>,
}

/// Reads a model year, or says what is wrong with it.
pub fn parse_model(text: Option<&str>) -> Result<Option<u16>, ApiError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => t.parse::<u16>().map(Some).map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "There is a problem",
                &format!("model {t:?} is not a year"),
                "give the model's year, such as model=2025, or leave it out for the newest",
            )
        }),
    }
}

/// One measure against the neighbours, in published units.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeighbourLine {
    /// The median of the neighbours' figures.
    #[schema(required, value_type = Option<f64>)]
    median: Option<Value>,
    /// The model's year.
    model: u16,
    /// Neighbours in the model.
    neighbours: usize,
    /// The authority's place from the highest among itself and its neighbours with a figure (1
    /// is the highest).
    #[schema(required)]
    rank_from_highest: Option<usize>,
    /// The authority and its neighbours with a figure that year.
    ranked: usize,
    /// Neighbours with a figure that year.
    with_figures: usize,
}

impl NeighbourLine {
    pub fn of(m: &Measure, b: &NeighbourBenchmark) -> Self {
        Self {
            median: b.median.map(|x| published_json(m, x)),
            model: b.model.get(),
            neighbours: b.of,
            rank_from_highest: b.rank_from_highest,
            ranked: b.ranked,
            with_figures: b.with_figures,
        }
    }
}

/// How close a neighbour is, closest first.
fn closeness() -> utoipa::openapi::schema::Schema {
    super::schema::string_enum(Closeness::ALL.iter().map(super::schema::serde_name))
}

/// One neighbour.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeighbourInfo {
    #[schema(schema_with = closeness)]
    closeness: Closeness,
    /// The code of the place whose figures stand for the neighbour: the authority, its jointly
    /// reported unit, or a council made after the figures on record.
    code: String,
    /// The neighbour's DfE code in the model.
    dfe_code: String,
    name: String,
    /// What to know about its figures, if anything.
    #[schema(required)]
    note: Option<String>,
    /// 1 (most similar) to 10.
    rank: usize,
}

/// An authority's statistical neighbours in one model.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeighboursAnswer {
    geography: GeographyInfo,
    /// The DfE code the model lists the authority under.
    listed_as: String,
    /// The model's year.
    model: u16,
    /// Every model on record.
    models: Vec<u16>,
    /// Most similar first.
    neighbours: Vec<NeighbourInfo>,
}

/// A local authority's statistical neighbours in the Department for Education's model.
#[utoipa::path(
    get,
    path = "/api/v1/geographies/{code}/neighbours",
    operation_id = "getNeighbours",
    tag = "statistics",
    params(("code" = String, Path, description = CODE), ModelParams),
    responses(
        (status = 200, description = "The neighbours, most similar first", body = NeighboursAnswer),
        (status = 400, description = "Not a local authority, or no such model", body = ErrorAnswer),
        (status = 404, description = "No place matches, or the model does not list it", body = ErrorAnswer),
    ),
)]
pub async fn show(
    State(state): AppState,
    Path(code): Path<String>,
    Query(params): Query<ModelParams>,
) -> Result<Json<NeighboursAnswer>, ApiError> {
    run(move || {
        let snap = snapshot(&state)?;
        let found = snap
            .find_for_neighbours(&code)
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        let g = snap.unit_of(&found.code).unwrap_or(&found);
        if g.level != swforce_domain::GeographicLevel::LocalAuthority {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "There is a problem",
                &format!("{} is not a local authority", g.name),
                "statistical neighbours are local authorities'; ask for one by its code or name",
            ));
        }
        let model = parse_model(params.model.as_deref())?;
        let found = snap
            .neighbours(g, model)
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        let Some(n) = found else {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "Not found",
                &match model {
                    Some(m) => format!("the {m} statistical neighbour model does not list {}", g.name),
                    None => format!("no statistical neighbour model on record lists {}", g.name),
                },
                "import the Department's statistical neighbour table (swforce demo loads the 2021 and 2025 models), or try the other model",
            ));
        };
        Ok(Json(NeighboursAnswer {
            geography: describe(&snap, g),
            listed_as: n.listed_as.clone(),
            model: n.model.get(),
            models: n.models.iter().map(|m| m.get()).collect(),
            neighbours: n
                .neighbours
                .iter()
                .map(|x| NeighbourInfo {
                    closeness: x.closeness,
                    code: x.code.to_string(),
                    dfe_code: x.dfe_code.clone(),
                    name: x.name.clone(),
                    note: x.note.clone(),
                    rank: x.rank,
                })
                .collect(),
        }))
    })
    .await
}
