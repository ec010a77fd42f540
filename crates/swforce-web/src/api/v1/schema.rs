//! The OpenAPI schemas of the answers that other crates put together (the indicators, an
//! import's provenance, the diary's sums...), described here from the code's own lists where
//! there is one (the measures, the symbols, the roles). The API tests check every answer against
//! these.

use serde::Serialize;
use std::borrow::Cow;
use swforce_domain::measure::MEASURES;
use swforce_domain::{Dataset, EesSymbol, Measure};
use utoipa::openapi::schema::{
    AdditionalProperties, KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat,
    SchemaType, Type,
};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

/// A value's name as the answers write it (`"lower_is_better"` for `Polarity::LowerIsBetter`).
pub fn serde_name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// A string that is one of `values` (each once, in their first order).
pub fn string_enum<S: Into<String>>(values: impl IntoIterator<Item = S>) -> Schema {
    let mut seen: Vec<String> = Vec::new();
    for v in values {
        let v = v.into();
        if !seen.contains(&v) {
            seen.push(v);
        }
    }
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(seen))
            .build(),
    )
}

/// Serializes `value` with its objects' keys in alphabetical order, as an answer put together
/// as a JSON value lists them.
pub fn sorted<T: Serialize, S: serde::Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    serde_json::to_value(value)
        .map_err(serde::ser::Error::custom)?
        .serialize(s)
}

/// Lets a string enum be null as well.
pub fn or_null(schema: &mut Schema) {
    if let Schema::Object(o) = schema {
        o.schema_type = SchemaType::from_iter([Type::String, Type::Null]);
        if let Some(values) = &mut o.enum_values {
            values.push(serde_json::Value::Null);
        }
    }
}

/// The same, named by how `T` serializes each of `all`.
pub fn serde_enum<T: Serialize>(all: &[T]) -> Schema {
    string_enum(all.iter().map(serde_name))
}

/// A date, `2025-01-06`.
pub fn date() -> Schema {
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .build(),
    )
}

/// A date or null.
pub fn date_or_null() -> Schema {
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .build(),
    )
}

/// Every measure's canonical name.
pub fn measure_name() -> Schema {
    string_enum(
        MEASURES
            .iter()
            .filter(|m| m.dataset.holds_figures())
            .map(|m| m.name),
    )
}

/// A workforce measure's canonical name (the measures benchmarked).
pub fn workforce_measure_name() -> Schema {
    string_enum(swforce_domain::Measure::of(swforce_domain::Dataset::CswwHeadline).map(|m| m.name))
}

/// A measure's canonical name, for a parameter.
#[derive(Debug)]
pub struct MeasureName;

impl PartialSchema for MeasureName {
    fn schema() -> RefOr<Schema> {
        RefOr::T(measure_name())
    }
}

impl ToSchema for MeasureName {}

/// The object `T` describes, as its schema (for building others from it).
fn object(props: impl IntoIterator<Item = (String, RefOr<Schema>, bool)>) -> ObjectBuilder {
    props
        .into_iter()
        .fold(ObjectBuilder::new(), |o, (name, schema, required)| {
            let o = o.property(name.clone(), schema);
            if required { o.required(name) } else { o }
        })
}

fn typed(t: Type) -> RefOr<Schema> {
    RefOr::T(Schema::Object(ObjectBuilder::new().schema_type(t).build()))
}

/// A published figure: a number, the symbol the publisher put in its place, or null when the
/// release did not publish it. (An answer's own type for such a value.)
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct Cell(pub serde_json::Value);

impl PartialSchema for Cell {
    fn schema() -> RefOr<Schema> {
        let symbols = EesSymbol::ALL
            .iter()
            .map(|s| format!("{} {}", s.as_str(), s.meaning()))
            .collect::<Vec<_>>()
            .join("; ");
        RefOr::T(Schema::OneOf(
            OneOfBuilder::new()
                .description(Some(format!(
                    "A number (rates as percentages, rounded as published), or the symbol the publisher put in its place ({symbols}), or null when the release did not publish it"
                )))
                .item(typed(Type::Number))
                .item(string_enum(EesSymbol::ALL.iter().map(|s| s.as_str())))
                .item(typed(Type::Null))
                .build(),
        ))
    }
}

impl ToSchema for Cell {}

/// Why a figure should be checked before it is relied on (docs/statistics.md, "Figures to
/// check"). The figure itself is unchanged.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FigureCheck {
    /// The rule that raised it.
    #[schema(schema_with = check_rule)]
    pub rule: &'static str,
    /// Plain English with the numbers.
    pub reason: String,
}

impl From<&swforce_app::Check> for FigureCheck {
    fn from(c: &swforce_app::Check) -> Self {
        Self {
            rule: c.rule,
            reason: c.reason.clone(),
        }
    }
}

fn check_rule() -> Schema {
    string_enum(
        [
            swforce_stats::quality::Rule::Impossible,
            swforce_stats::quality::Rule::FteHeadcount,
            swforce_stats::quality::Rule::TooFew,
            swforce_stats::quality::Rule::Jump,
        ]
        .map(swforce_stats::quality::Rule::id),
    )
}

/// `swforce_app::IndicatorRow` as it serializes: the place, the year, every measure of the
/// workforce dataset (a [`Cell`]) and the computed figures that differ from the published ones.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct IndicatorRow(pub swforce_app::IndicatorRow);

/// The measures an indicator row carries: those of the workforce dataset, in publication order.
pub fn indicator_measures() -> impl Iterator<Item = &'static Measure> {
    Measure::of(Dataset::CswwHeadline)
}

impl PartialSchema for IndicatorRow {
    fn schema() -> RefOr<Schema> {
        let string = || typed(Type::String);
        let head = [
            ("geography_code".to_string(), string(), true),
            ("geography_name".to_string(), string(), true),
            (
                "geographic_level".to_string(),
                RefOr::T(serde_level()),
                true,
            ),
            ("year".to_string(), typed(Type::Integer), true),
        ];
        let measures = indicator_measures().map(|m| {
            (
                m.name.to_string(),
                RefOr::Ref({
                    let mut r = Ref::from_schema_name(Cell::name());
                    r.description = m.label.to_string();
                    r
                }),
                true,
            )
        });
        let computed = indicator_measures()
            .filter(|m| m.formula.is_some())
            .map(|m| (m.name.to_string(), typed(Type::Number), false));
        let computed = object(computed)
            .schema_type(Type::Object)
            .description(Some(
                "For derived measures, swforce's figure from the published counts where it differs from the published one at the published precision (or fills a gap)",
            ))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        let checks = indicator_measures().map(|m| {
            (
                m.name.to_string(),
                RefOr::Ref(Ref::from_schema_name(FigureCheck::name())),
                false,
            )
        });
        let checks = object(checks)
            .schema_type(Type::Object)
            .description(Some(
                "Figures of the year to check before relying on them, by measure, with the rule and the reason; empty when none is flagged",
            ))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        RefOr::T(Schema::Object(
            object(head.into_iter().chain(measures))
                .property("computed", computed)
                .required("computed")
                .property("checks", checks)
                .required("checks")
                .property(
                    "source",
                    ObjectBuilder::new()
                        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                        .description(Some("Where the year's figures come from when they are not the place's own published row (a merged authority's predecessors, one member of a jointly reported unit reporting for both, or both members added up); null when they are")),
                )
                .required("source")
                .schema_type(Type::Object)
                .description(Some(
                    "The canonical workforce indicators of one place for one year: every measure of the workforce dataset, null where the release did not publish it",
                ))
                .build(),
        ))
    }
}

impl ToSchema for IndicatorRow {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("IndicatorRow")
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((Cell::name().into(), Cell::schema()));
        schemas.push((FigureCheck::name().into(), FigureCheck::schema()));
    }
}

/// `National`, `Regional` or `Local authority`.
pub fn serde_level() -> Schema {
    string_enum(
        swforce_domain::GeographicLevel::ALL
            .iter()
            .map(|l| l.as_str()),
    )
}

/// `national`, `regional` or `local_authority`.
pub fn level_id() -> Schema {
    string_enum(swforce_domain::GeographicLevel::ALL.iter().map(|l| l.id()))
}

/// Schemas of answers serialized by other crates' types: each field as that type writes it.
/// Never built; the API tests check real answers against them.
#[allow(dead_code)]
pub mod shapes {
    use super::{date, date_or_null, serde_enum, string_enum};
    use swforce_domain::Dataset;
    use swforce_domain::agency::{JobType, Leaving, PayBasis, Rule};
    use swforce_domain::diary::{Activity, Obstacle};
    use utoipa::ToSchema;
    use utoipa::openapi::schema::Schema;

    fn dataset() -> Schema {
        serde_enum(&Dataset::ALL)
    }

    fn severity() -> Schema {
        string_enum(
            [
                swforce_import::Severity::Error,
                swforce_import::Severity::Warning,
            ]
            .iter()
            .map(super::serde_name),
        )
    }

    /// One problem found in a file: where it is, what is wrong and how to put it right.
    #[derive(ToSchema)]
    pub struct Diagnostic {
        /// The file's name as given.
        file: String,
        /// 1-based line; null for a problem with the whole file.
        #[schema(required)]
        line: Option<u64>,
        /// 1-based column (field number).
        #[schema(required)]
        column: Option<u64>,
        /// The column heading, where there is one.
        #[schema(required)]
        field: Option<String>,
        #[schema(schema_with = severity)]
        severity: String,
        problem: String,
        fix: String,
    }

    /// A file on record, with its provenance.
    #[derive(ToSchema)]
    pub struct Import {
        id: i64,
        /// The file's name, as given by the person importing it.
        file_name: String,
        sha256: String,
        bytes: u64,
        #[schema(schema_with = dataset)]
        dataset: String,
        publisher: String,
        /// The release, in words.
        release: String,
        first_year: u16,
        last_year: u16,
        rows: u64,
        /// Warnings found while reading, one line each.
        warnings: Vec<String>,
        /// Older column names read as canonical measures: `[column, measure]`.
        renamed: Vec<Vec<String>>,
        /// RFC 3339, UTC.
        imported_at: String,
    }

    fn import_status() -> Schema {
        string_enum(["imported", "already_imported"])
    }

    /// What importing one file did.
    #[derive(ToSchema)]
    pub struct ImportReport {
        /// `already_imported`: the same bytes were on record; nothing changed.
        #[schema(schema_with = import_status)]
        status: String,
        file: String,
        #[schema(schema_with = dataset)]
        dataset: String,
        dataset_title: String,
        rows: u64,
        first_year: u16,
        last_year: u16,
        geographies: u64,
        warnings: Vec<Diagnostic>,
        import: Import,
        /// Cells stored (when imported).
        cells: Option<u64>,
        /// Cells of earlier releases this one replaced (they stay as vintages).
        superseded: Option<u64>,
        /// Of those, the cells whose figure or symbol this release changes.
        changed: Option<u64>,
        /// Cells of this release that a later release on record outranks.
        outranked: Option<u64>,
    }

    /// What was wrong and how to fix it.
    #[derive(ToSchema)]
    pub struct Problem {
        text: String,
        fix: String,
    }

    #[derive(ToSchema)]
    pub struct ErrorDetail {
        /// The HTTP status again.
        status: u16,
        title: String,
        problems: Vec<Problem>,
        /// For a refused import: every problem found in the file.
        diagnostics: Vec<Diagnostic>,
        /// For a failure of the service: the id to quote when reporting it.
        #[schema(required)]
        request_id: Option<String>,
    }

    /// Every error answer: what was wrong and how to fix it.
    #[derive(ToSchema)]
    #[schema(as = Error)]
    pub struct ErrorAnswer {
        error: ErrorDetail,
    }

    /// The return's header, where given.
    #[derive(ToSchema)]
    pub struct CensusHeader {
        #[schema(required)]
        collection: Option<String>,
        #[schema(required)]
        year: Option<i32>,
        #[schema(required, schema_with = date_or_null)]
        reference_date: Option<String>,
        /// The authority's old 3-digit code.
        #[schema(required)]
        lea: Option<String>,
        #[schema(required)]
        software: Option<String>,
        #[schema(required)]
        generated: Option<String>,
    }

    /// The authority-level block: vacancies and the agency workers covering them.
    #[derive(ToSchema)]
    pub struct LaVacancies {
        vacancies_fte: f64,
        agency_cover_fte: f64,
        agency_cover_headcount: i64,
    }

    /// One cell of a breakdown: people and their full-time equivalent.
    #[derive(ToSchema)]
    pub struct BreakdownCell {
        label: String,
        headcount: super::Cell,
        fte: super::Cell,
    }

    /// A breakdown of one population by one characteristic.
    #[derive(ToSchema)]
    pub struct Breakdown {
        name: String,
        /// Who is counted, in words.
        population: String,
        cells: Vec<BreakdownCell>,
    }

    fn job_type() -> Schema {
        serde_enum(&JobType::ALL)
    }

    fn pay_basis() -> Schema {
        let mut s = serde_enum(&PayBasis::ALL);
        super::or_null(&mut s);
        s
    }

    fn leaving() -> Schema {
        let mut s = serde_enum(&Leaving::ALL);
        super::or_null(&mut s);
        s
    }

    /// The hourly charge for a worker, broken down, in pence.
    #[derive(ToSchema)]
    pub struct Charge {
        #[schema(required)]
        pay: Option<i64>,
        #[schema(required)]
        employer_ni: Option<i64>,
        #[schema(required)]
        apprenticeship_levy: Option<i64>,
        /// Holiday pay on top of a PAYE worker's pay.
        #[schema(required)]
        holiday_pay: Option<i64>,
        /// Reported in spend, not compared with the price cap.
        #[schema(required)]
        agency_margin: Option<i64>,
    }

    /// One agency engagement, as the council recorded it.
    #[derive(ToSchema)]
    pub struct Engagement {
        reference: String,
        /// Social Work England registration number.
        swe: String,
        agency: String,
        la_code: String,
        #[schema(schema_with = job_type)]
        job_type: String,
        #[schema(schema_with = date)]
        start: String,
        #[schema(required, schema_with = date_or_null)]
        end: Option<String>,
        #[schema(required)]
        hours_per_week: Option<f64>,
        /// How the worker is paid: PAYE, or through an umbrella or limited company (whose pay
        /// rate includes National Insurance, the levy and holiday pay).
        #[schema(required, schema_with = pay_basis)]
        pay_basis: Option<String>,
        charge: Charge,
        #[schema(required, schema_with = date_or_null)]
        qualified: Option<String>,
        #[schema(required)]
        pqe_years: Option<f64>,
        #[schema(required)]
        previous_employer: Option<String>,
        #[schema(required)]
        previous_la_code: Option<String>,
        #[schema(required)]
        previous_region: Option<String>,
        #[schema(required, schema_with = date_or_null)]
        left_on: Option<String>,
        #[schema(required, schema_with = leaving)]
        leaving: Option<String>,
        #[schema(required)]
        practice_reference: Option<bool>,
        #[schema(required)]
        notice_weeks: Option<f64>,
        #[schema(required)]
        council_notice_weeks: Option<f64>,
        #[schema(required)]
        project_team: Option<String>,
        #[schema(required)]
        packaged_model: Option<bool>,
        #[schema(required, schema_with = date_or_null)]
        dcs_signoff: Option<String>,
        #[schema(required, schema_with = date_or_null)]
        ceo_signoff: Option<String>,
    }

    pub fn rule() -> Schema {
        serde_enum(&Rule::ALL)
    }

    fn result() -> Schema {
        string_enum(["compliant", "breach", "missing", "not_applicable"])
    }

    /// The result of one rule for one engagement.
    #[derive(ToSchema)]
    pub struct Finding {
        #[schema(schema_with = rule)]
        rule: String,
        #[schema(schema_with = result)]
        result: String,
        evidence: String,
        /// For `missing`: the fields needed to decide, by CSV column name.
        fields: Option<Vec<String>>,
    }

    fn activity() -> Schema {
        serde_enum(&Activity::ALL)
    }

    fn obstacle() -> Schema {
        string_enum(Obstacle::ALL.iter().map(|o| o.id()))
    }

    /// One category's time in a group's sums.
    #[derive(ToSchema)]
    pub struct TimeLine {
        category: String,
        #[schema(schema_with = activity)]
        kind: String,
        relationship_based: bool,
        hours: f64,
        /// Mean hours a week per person, to a tenth.
        hours_per_person_week: f64,
        /// Share of recorded time, to a whole percentage point (as a fraction).
        share: f64,
    }

    /// What got in the way, across a group's diaries.
    #[derive(ToSchema)]
    pub struct ObstacleLine {
        #[schema(schema_with = obstacle)]
        reason: String,
        label: String,
        /// Diaries that ticked it, to the nearest five; null for 1 to 4.
        #[schema(required)]
        diaries: Option<u64>,
        #[schema(required)]
        share: Option<f64>,
        fewer_than_5: bool,
        #[schema(required)]
        share_earlier_half: Option<f64>,
        #[schema(required)]
        share_later_half: Option<f64>,
    }

    /// The capacity figures of a group over the period.
    #[derive(ToSchema)]
    pub struct Capacity {
        relationship_hours_per_fte: f64,
        relationship_hours_per_week: f64,
        recorded_hours_per_fte: f64,
        fte: f64,
    }

    /// A group's time diary sums. With no week that counts, only the head and
    /// `"suppressed": true` with a message.
    #[derive(ToSchema)]
    pub struct TimeSummary {
        group: String,
        #[schema(schema_with = date)]
        from: String,
        #[schema(schema_with = date)]
        to: String,
        minimum_contributors: u32,
        counts_rounded_to: u32,
        /// Whether the figures hold invented people's diaries (a synthetic organisation's,
        /// added by the operator): not any council's.
        synthetic: bool,
        suppressed: bool,
        message: Option<String>,
        /// Different people behind the figures, to the nearest five.
        contributors: Option<u64>,
        diaries: Option<u64>,
        relationship_based_share: Option<f64>,
        categories: Option<Vec<TimeLine>>,
        got_in_the_way: Option<Vec<ObstacleLine>>,
        capacity: Option<Capacity>,
    }
}
