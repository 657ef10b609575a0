//! OpenAPI schemas of bodies whose shape comes from other crates (the metric snapshot, indicator rows, rule
//! JSON), built from the same field lists the code serialises, so the document cannot drift from responses.

use market_model::MetricSnapshot;
use serde::Serialize;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::{PartialSchema, ToSchema};

/// The error envelope every 4xx/5xx carries.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable: `validation_error`, `invalid_parameter`, `invalid_filter`, `unknown_field`,
    /// `not_found`, `unauthorized`, `rate_limited`, `payload_too_large`, `unavailable`, ...
    pub code: String,
    pub message: String,
    /// The X-Request-ID of the request, for support and logs.
    pub request_id: String,
    /// The parameter or JSON path at fault, when there is one.
    #[schema(nullable)]
    pub field: Option<String>,
    /// Validation errors: the category (`unknown_field`, `invalid_url`, ...).
    pub kind: Option<String>,
    /// Validation errors: every problem found, each with `kind`, `field`, `message`.
    pub details: Option<Vec<serde_json::Value>>,
}

fn number(nullable: bool) -> Schema {
    let ty = if nullable {
        SchemaType::from_iter([Type::Number, Type::Null])
    } else {
        SchemaType::new(Type::Number)
    };
    ObjectBuilder::new().schema_type(ty).into()
}

fn integer() -> Schema {
    ObjectBuilder::new().schema_type(Type::Integer).into()
}

fn string() -> Schema {
    ObjectBuilder::new().schema_type(Type::String).into()
}

/// A metric snapshot (`market_model::MetricSnapshot`): candle fields, every indicator, `change_pct_24h`.
#[derive(Debug)]
pub struct Snapshot;

impl PartialSchema for Snapshot {
    fn schema() -> RefOr<Schema> {
        let mut object = ObjectBuilder::new()
            .description(Some(
                "Latest metric snapshot of one (exchange, symbol, interval). `closed` is false for an \
                 in-progress bar; `computed_at` (ms) is when it was computed. Indicator fields are null \
                 until warmed up.",
            ))
            .property("v", integer())
            .property("exchange", string())
            .property("symbol", string())
            .property("interval", string())
            .property("open_time", integer())
            .property("closed", ObjectBuilder::new().schema_type(Type::Boolean))
            .property("computed_at", integer());
        for name in [
            "v",
            "exchange",
            "symbol",
            "interval",
            "open_time",
            "closed",
            "computed_at",
        ] {
            object = object.required(name);
        }
        for name in MetricSnapshot::field_names() {
            let nullable = !market_model::snapshot::CANDLE_FIELDS.contains(&name);
            object = object.property(name, number(nullable)).required(name);
        }
        RefOr::T(object.into())
    }
}
impl ToSchema for Snapshot {}

/// One row of stored indicator values: `open_time` (ms) and every indicator field (null before warm-up).
#[derive(Debug)]
pub struct IndicatorRow;

impl PartialSchema for IndicatorRow {
    fn schema() -> RefOr<Schema> {
        let mut object = ObjectBuilder::new()
            .property("open_time", integer())
            .required("open_time");
        for name in indicators::FIELD_NAMES
            .into_iter()
            .chain(["change_pct_24h"])
        {
            object = object.property(name, number(true)).required(name);
        }
        RefOr::T(object.into())
    }
}
impl ToSchema for IndicatorRow {}

/// An alert rule as clients write it (validated by the alert-rules crate; see docs/api-gateway.md).
#[derive(Debug)]
pub struct RuleInput;

impl PartialSchema for RuleInput {
    fn schema() -> RefOr<Schema> {
        let any_object = || ObjectBuilder::new().schema_type(Type::Object);
        let object = ObjectBuilder::new()
            .description(Some(
                "Rule JSON: name, symbols (list of symbols or [\"*\"]), interval, condition (a tree of \
                 all/any and leaves {left, op, right|lower,upper|bars,value}), frequency (once, \
                 once_per_bar, once_per_bar_close, every_time), cooldown_seconds, expires_at, \
                 webhook_url, message; plus `enabled` (default true).",
            ))
            .property("name", string())
            .property(
                "symbols",
                ArrayBuilder::new().items(ObjectBuilder::new().schema_type(Type::String)),
            )
            .property("interval", string())
            .property("condition", any_object())
            .property("frequency", string())
            .property("cooldown_seconds", integer())
            .property("expires_at", ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null])))
            .property("webhook_url", string())
            .property("message", ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null])))
            .property("enabled", ObjectBuilder::new().schema_type(Type::Boolean))
            .required("name")
            .required("symbols")
            .required("interval")
            .required("condition")
            .required("webhook_url")
            .examples([serde_json::json!({
                "name": "BTC oversold",
                "symbols": ["BTCUSDT"],
                "interval": "1h",
                "condition": {"all": [
                    {"left": "rsi_14", "op": "crosses_below", "right": 30},
                    {"left": "volume_ratio_20", "op": "gt", "right": 2}
                ]},
                "frequency": "once_per_bar_close",
                "cooldown_seconds": 3600,
                "webhook_url": "https://example.com/hooks/screener",
                "message": "{{symbol}} RSI {{rsi_14}}",
                "enabled": true
            })]);
        RefOr::T(object.into())
    }
}
impl ToSchema for RuleInput {}

/// A stored rule: the rule JSON plus id, enabled, revision and timestamps; `secret` only in the creation reply.
#[derive(Debug)]
pub struct RuleOutput;

impl PartialSchema for RuleOutput {
    fn schema() -> RefOr<Schema> {
        let RefOr::T(Schema::Object(mut object)) = RuleInput::schema() else {
            return RuleInput::schema();
        };
        object.description = Some(
            "A stored alert rule: the rule JSON with id, enabled, revision, created_at and updated_at (ms); \
             `secret` (the webhook signing key) appears only in the reply to POST /alerts."
                .into(),
        );
        for (name, schema) in [
            (
                "id",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                        utoipa::openapi::KnownFormat::Uuid,
                    )))
                    .into(),
            ),
            ("revision", integer()),
            ("created_at", integer()),
            ("updated_at", integer()),
            ("secret", string()),
        ] {
            object.properties.insert(name.into(), RefOr::T(schema));
        }
        for name in [
            "id",
            "enabled",
            "revision",
            "created_at",
            "updated_at",
            "frequency",
            "cooldown_seconds",
            "expires_at",
            "message",
        ] {
            if !object.required.iter().any(|r| r == name) {
                object.required.push(name.into());
            }
        }
        RefOr::T(Schema::Object(object))
    }
}
impl ToSchema for RuleOutput {}
