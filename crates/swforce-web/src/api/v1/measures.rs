//! `GET /api/v1/measures`: every measure, its unit, definition and formula.

use axum::Json;
use serde_json::{Value, json};
use swforce_domain::Measure;
use swforce_domain::measure::MEASURES;

pub fn describe(m: &Measure) -> Value {
    json!({
        "name": m.name,
        "dataset": m.dataset.id(),
        "label": m.label,
        "unit": m.unit,
        "published_as": if m.unit.is_percent() { "percentage" } else { m.unit.label() },
        "decimals": m.unit.decimals(),
        "polarity": m.polarity,
        "definition": m.definition,
        "formula": m.formula,
        "older_names": m.legacy,
        "headline": m.headline,
    })
}

pub async fn index() -> Json<Value> {
    Json(Value::Array(MEASURES.iter().map(describe).collect()))
}
