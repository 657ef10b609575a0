//! `GET /symbols` and `GET /screener`: answered from the in-memory view, never the database.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

use market_model::MetricSnapshot;
use utoipa::{IntoParams, ToSchema};

use super::auth::MarketAccess;
use super::{ApiError, params};
use crate::screener::{ParseError, ScreenerQuery};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct SymbolsResponse {
    pub symbols: Vec<SymbolItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SymbolItem {
    pub exchange: String,
    pub symbol: String,
    /// Latest close over every tracked interval (in-progress bars included).
    pub close: f64,
    /// Rolling 24 h change in percent; null until known.
    pub change_pct_24h: Option<f64>,
    /// When the latest snapshot was computed, ms since the Unix epoch.
    pub updated_at: i64,
    /// Intervals the screener has for this symbol.
    pub intervals: Vec<String>,
}

/// Tracked symbols with their latest close and 24 h change.
#[utoipa::path(get, path = "/api/v1/symbols", tag = "market",
    responses((status = 200, body = SymbolsResponse), super::openapi::CommonErrors))]
pub async fn symbols(_: MarketAccess, State(state): State<AppState>) -> Json<SymbolsResponse> {
    let symbols = state
        .view
        .symbols()
        .into_iter()
        .map(|s| SymbolItem {
            exchange: s.exchange,
            symbol: s.symbol,
            close: s.close,
            change_pct_24h: s.change_pct_24h,
            updated_at: s.updated_at,
            intervals: s.intervals.iter().map(|i| i.as_str().to_string()).collect(),
        })
        .collect();
    Json(SymbolsResponse { symbols })
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ScreenerParams {
    /// Kline interval: 1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M (required).
    #[param(
        required = true,
        pattern = "^(1s|1m|3m|5m|15m|30m|1h|2h|4h|6h|8h|12h|1d|3d|1w|1M)$",
        example = "1h"
    )]
    interval: Option<String>,
    /// Comma-separated clauses `<field><op><number>`, op one of `< <= > >= = !=`, all must hold, e.g.
    /// `rsi_14<30,volume_ratio_20>2`.
    #[param(example = "rsi_14<30,volume_ratio_20>2")]
    filter: Option<String>,
    /// A field to sort by, `-` prefix for descending, e.g. `-change_pct_24h`; missing values sort last.
    #[param(example = "-change_pct_24h")]
    sort: Option<String>,
    /// 1 to 1000, default 50.
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
    /// Entries to skip, default 0.
    #[param(minimum = 0)]
    offset: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScreenerResponse {
    pub interval: String,
    /// Entries matching the filter, before pagination.
    pub total: usize,
    pub limit: i64,
    pub offset: i64,
    #[schema(value_type = Vec<super::schema::Snapshot>)]
    pub items: Snapshots,
}

/// Shared snapshots serialised in place, without copying them into JSON values first.
#[derive(Debug)]
pub struct Snapshots(Vec<Arc<MetricSnapshot>>);

impl Serialize for Snapshots {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|s| &**s))
    }
}

/// Every symbol's latest metric snapshot (in-progress bars included) for one interval, filtered, sorted,
/// paginated.
#[utoipa::path(get, path = "/api/v1/screener", tag = "market", params(ScreenerParams),
    responses((status = 200, body = ScreenerResponse), super::openapi::CommonErrors))]
pub async fn screener(
    _: MarketAccess,
    State(state): State<AppState>,
    Query(p): Query<ScreenerParams>,
) -> Result<Json<ScreenerResponse>, ApiError> {
    let interval = params::interval(p.interval.as_deref())?;
    let limit = params::limit(p.limit, 50, 1000)?;
    let offset = params::offset(p.offset)?;
    let invalid = |field: &'static str, e: ParseError| match e {
        ParseError::UnknownField(_) => ApiError::invalid("unknown_field", field, e.to_string()),
        _ => ApiError::invalid("invalid_filter", field, e.to_string()),
    };
    let filters =
        ScreenerQuery::parse(p.filter.as_deref(), None).map_err(|e| invalid("filter", e))?;
    let sort = ScreenerQuery::parse(None, p.sort.as_deref()).map_err(|e| invalid("sort", e))?;
    let query = ScreenerQuery {
        filters: filters.filters,
        sort: sort.sort,
    };
    let matching = query.apply(state.view.snapshots(interval));
    let total = matching.len();
    let items = Snapshots(
        matching
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(0))
            .collect(),
    );
    Ok(Json(ScreenerResponse {
        interval: interval.as_str().to_string(),
        total,
        limit,
        offset,
        items,
    }))
}
