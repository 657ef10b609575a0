//! `GET /symbols/{symbol}/candles` and `/indicators`: stored closed bars from the time-series database.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use super::auth::MarketAccess;
use super::{ApiError, params};
use crate::state::AppState;
use crate::store::{HistoryQuery, HistoryStore};

const MAX_LIMIT: i64 = 10_000;

#[derive(Debug, Deserialize, IntoParams)]
pub struct HistoryParams {
    /// Kline interval, e.g. `5m` (required).
    #[param(
        required = true,
        pattern = "^(1s|1m|3m|5m|15m|30m|1h|2h|4h|6h|8h|12h|1d|3d|1w|1M)$",
        example = "1m"
    )]
    interval: Option<String>,
    /// First bar open time, ms since the Unix epoch (inclusive).
    #[param(minimum = 0, maximum = 253_402_300_799_999_i64)]
    start: Option<i64>,
    /// Last bar open time, ms since the Unix epoch (inclusive). Without `start`, the newest bars up to it.
    #[param(minimum = 0, maximum = 253_402_300_799_999_i64)]
    end: Option<i64>,
    /// 1 to 10000, default 1000.
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<i64>,
    /// Exchange id, default `binance`.
    #[param(example = "binance")]
    exchange: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CandlesResponse {
    pub exchange: String,
    pub symbol: String,
    pub interval: String,
    pub candles: Vec<CandleItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CandleItem {
    /// ms since the Unix epoch.
    pub open_time: i64,
    /// ms since the Unix epoch (the last ms of the bar).
    pub close_time: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
    pub quote_volume: f64,
    pub trades: i64,
    pub taker_buy_base: f64,
    pub taker_buy_quote: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorsResponse {
    pub exchange: String,
    pub symbol: String,
    pub interval: String,
    #[schema(value_type = Vec<super::schema::IndicatorRow>)]
    pub values: Vec<Map<String, Value>>,
}

fn history_query(symbol: &str, p: &HistoryParams) -> Result<HistoryQuery, ApiError> {
    let symbol = params::symbol(symbol)?;
    let interval = params::interval(p.interval.as_deref())?;
    let exchange = params::exchange(p.exchange.as_deref())?;
    let limit = params::limit(p.limit, 1000, MAX_LIMIT)?;
    let start = params::time_ms(p.start, "start")?;
    let end = params::time_ms(p.end, "end")?;
    if let (Some(start), Some(end)) = (start, end)
        && start > end
    {
        return Err(ApiError::invalid(
            "invalid_parameter",
            "start",
            "start must not be after end",
        ));
    }
    Ok(HistoryQuery {
        exchange: exchange.as_str().to_string(),
        symbol: symbol.as_str().to_string(),
        interval: interval.as_str().to_string(),
        start,
        end,
        limit,
    })
}

/// An empty answer for a symbol the gateway has never seen is a 404, not an empty list.
fn require_known(state: &AppState, q: &HistoryQuery, empty: bool) -> Result<(), ApiError> {
    if empty && !state.view.contains_symbol(&q.symbol) {
        return Err(ApiError::not_found(format!("unknown symbol {}", q.symbol)));
    }
    Ok(())
}

/// Stored closed candles, oldest first.
#[utoipa::path(get, path = "/api/v1/symbols/{symbol}/candles", tag = "history",
    params(("symbol" = String, Path, description = "Symbol: 1 to 20 of A-Z and 0-9", example = "BTCUSDT"), HistoryParams),
    responses((status = 200, body = CandlesResponse), super::openapi::CommonErrors))]
pub async fn candles(
    _: MarketAccess,
    State(state): State<AppState>,
    Path(symbol): Path<String>,
    Query(p): Query<HistoryParams>,
) -> Result<Json<CandlesResponse>, ApiError> {
    let q = history_query(&symbol, &p)?;
    let rows = HistoryStore::new(state.timeseries_db.clone())
        .candles(&q)
        .await
        .map_err(ApiError::database)?;
    require_known(&state, &q, rows.is_empty())?;
    let candles = rows
        .into_iter()
        .map(|r| CandleItem {
            open_time: r.open_time.timestamp_millis(),
            close_time: r.close_time.timestamp_millis(),
            open: r.open,
            high: r.high,
            low: r.low,
            close: r.close,
            volume: r.volume,
            quote_volume: r.quote_volume,
            trades: r.trades,
            taker_buy_base: r.taker_buy_base,
            taker_buy_quote: r.taker_buy_quote,
        })
        .collect();
    Ok(Json(CandlesResponse {
        exchange: q.exchange,
        symbol: q.symbol,
        interval: q.interval,
        candles,
    }))
}

/// Stored indicator values per closed candle, oldest first; `null` where no value yet.
#[utoipa::path(get, path = "/api/v1/symbols/{symbol}/indicators", tag = "history",
    params(("symbol" = String, Path, description = "Symbol: 1 to 20 of A-Z and 0-9", example = "BTCUSDT"), HistoryParams),
    responses((status = 200, body = IndicatorsResponse), super::openapi::CommonErrors))]
pub async fn indicators(
    _: MarketAccess,
    State(state): State<AppState>,
    Path(symbol): Path<String>,
    Query(p): Query<HistoryParams>,
) -> Result<Json<IndicatorsResponse>, ApiError> {
    let q = history_query(&symbol, &p)?;
    let rows = HistoryStore::new(state.timeseries_db.clone())
        .indicators(&q)
        .await
        .map_err(ApiError::database)?;
    require_known(&state, &q, rows.is_empty())?;
    let names = crate::store::value_columns();
    let values = rows
        .into_iter()
        .map(|row| {
            let mut object = Map::new();
            object.insert(
                "open_time".into(),
                Value::from(row.open_time.timestamp_millis()),
            );
            for (name, value) in names.iter().zip(row.values) {
                object.insert((*name).to_string(), value.map_or(Value::Null, Value::from));
            }
            object
        })
        .collect();
    Ok(Json(IndicatorsResponse {
        exchange: q.exchange,
        symbol: q.symbol,
        interval: q.interval,
        values,
    }))
}
