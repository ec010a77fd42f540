//! `GET /api/v1/measures`: every measure, its unit, definition and formula.

use super::schema::{measure_name, string_enum};
use axum::Json;
use serde::Serialize;
use swforce_domain::measure::{Formula, MEASURES, Polarity, Unit};
use swforce_domain::{Dataset, Measure};
use utoipa::ToSchema;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{RefOr, schema};

// Fields in alphabetical order, the order the answer has always had.

/// A measure: what a published column means, its unit and how it is derived.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Measure)]
pub struct MeasureInfo {
    /// The dataset it is published in.
    #[schema(schema_with = dataset)]
    dataset: &'static str,
    /// Decimal places the publisher rounds to (for a rate: of the percentage).
    decimals: u32,
    definition: &'static str,
    /// How it is derived from other measures of its dataset, where it is.
    #[serde(serialize_with = "super::schema::sorted")]
    #[schema(required, schema_with = formula)]
    formula: Option<Formula>,
    /// One of the headline indicators shown first.
    headline: bool,
    label: &'static str,
    /// The canonical name, as in the latest release.
    #[schema(schema_with = measure_name)]
    name: &'static str,
    /// Older column names that mean the same thing.
    older_names: Vec<&'static str>,
    #[schema(schema_with = polarity)]
    polarity: Polarity,
    /// `percentage` for a rate, else the unit in words.
    published_as: &'static str,
    #[schema(schema_with = unit)]
    unit: Unit,
}

pub fn describe(m: &Measure) -> MeasureInfo {
    MeasureInfo {
        dataset: m.dataset.id(),
        decimals: m.unit.decimals(),
        definition: m.definition,
        formula: m.formula,
        headline: m.headline,
        label: m.label,
        name: m.name,
        older_names: m.legacy.to_vec(),
        polarity: m.polarity,
        published_as: if m.unit.is_percent() {
            "percentage"
        } else {
            m.unit.label()
        },
        unit: m.unit,
    }
}

/// Every measure: name, unit, definition, formula and older column names.
#[utoipa::path(
    get,
    path = "/api/v1/measures",
    operation_id = "listMeasures",
    tag = "statistics",
    responses((status = 200, description = "Every measure, in publication order within each dataset", body = Vec<MeasureInfo>)),
)]
pub async fn index() -> Json<Vec<MeasureInfo>> {
    Json(
        MEASURES
            .iter()
            .filter(|m| m.dataset.holds_figures())
            .map(describe)
            .collect(),
    )
}

fn dataset() -> Schema {
    string_enum(Dataset::ALL.iter().map(|d| d.id()))
}

/// The units and polarities the measures have.
fn unit() -> Schema {
    string_enum(MEASURES.iter().map(|m| super::schema::serde_name(&m.unit)))
}

fn polarity() -> Schema {
    string_enum(
        MEASURES
            .iter()
            .map(|m| super::schema::serde_name(&m.polarity)),
    )
}

/// A formula: its kind and the measures it reads.
fn formula() -> RefOr<Schema> {
    let inputs = MEASURES
        .iter()
        .filter_map(|m| m.formula)
        .flat_map(|f| match serde_json::to_value(f) {
            Ok(serde_json::Value::Object(o)) => o.keys().cloned().collect::<Vec<_>>(),
            _ => Vec::new(),
        })
        .filter(|k| k != "kind")
        .collect::<std::collections::BTreeSet<_>>();
    let mut o = ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Object, Type::Null]))
        .description(Some(
            "`kind` and the measures it reads: numerator / denominator (ratio), part / (part + rest) (share), or days_lost / (fte × working days) (absence); null when published only",
        ))
        .property(
            "kind",
            string_enum(MEASURES.iter().filter_map(|m| m.formula).map(|f| {
                serde_json::to_value(f).ok().and_then(|v| v["kind"].as_str().map(String::from)).unwrap_or_default()
            })),
        )
        .required("kind");
    for k in inputs {
        o = o.property(k, schema::Object::with_type(Type::String));
    }
    RefOr::T(Schema::Object(o.build()))
}
