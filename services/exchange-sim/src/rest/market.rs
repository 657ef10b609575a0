//! `ping`, `time` and `exchangeInfo`: what a collector reads to build its symbol universe.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use serde_json::{Value, json};

use crate::market::symbols::SymbolStatus;
use crate::market::universe::Listed;
use crate::rest::error::ApiError;
use crate::rest::params::{self, Params};
use crate::state::Shared;

pub async fn ping() -> Json<Value> {
    Json(json!({}))
}

pub async fn time(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({"serverTime": shared.clock.now_ms()}))
}

fn symbol_json(l: &Listed) -> Value {
    let s = &l.model.spec;
    let tick = format!("{:.8}", 10f64.powi(-(s.price_decimals.min(8) as i32)));
    json!({
        "symbol": s.name,
        "status": l.status.as_str(),
        "baseAsset": s.base,
        "baseAssetPrecision": 8,
        "quoteAsset": s.quote,
        "quotePrecision": 8,
        "quoteAssetPrecision": 8,
        "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
        "icebergAllowed": true,
        "ocoAllowed": true,
        "isSpotTradingAllowed": true,
        "isMarginTradingAllowed": false,
        "filters": [
            {"filterType": "PRICE_FILTER", "minPrice": tick, "maxPrice": "1000000.00000000", "tickSize": tick},
            {"filterType": "LOT_SIZE", "minQty": "0.00001000", "maxQty": "9000.00000000", "stepSize": "0.00001000"},
            {"filterType": "NOTIONAL", "minNotional": "5.00000000", "applyMinToMarket": true,
             "maxNotional": "9000000.00000000", "applyMaxToMarket": false, "avgPriceMins": 5}
        ],
        "permissions": [],
        "permissionSets": [["SPOT"]],
        "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
        "allowedSelfTradePreventionModes": ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"]
    })
}

/// Which listed symbols a request asks for (`symbol`, `symbols` or `symbolStatus`, not combined).
pub fn select(shared: &Shared, p: &Params) -> Result<Vec<Listed>, ApiError> {
    let one = params::get(p, "symbol");
    let many = params::symbol_list(p)?;
    let status = params::get(p, "symbolStatus")
        .map(|s| SymbolStatus::parse(s).ok_or_else(ApiError::invalid_status))
        .transpose()?;
    if (one.is_some() || many.is_some()) && status.is_some() || (one.is_some() && many.is_some()) {
        return Err(ApiError::bad_combination());
    }
    let names: Option<Vec<String>> = many.or_else(|| one.map(|s| vec![s.to_owned()]));
    match names {
        Some(names) => names
            .iter()
            .map(|n| shared.universe.get(n).ok_or_else(ApiError::invalid_symbol))
            .collect(),
        None => Ok(shared
            .universe
            .list()
            .into_iter()
            .filter(|l| status.is_none_or(|s| l.status == s))
            .collect()),
    }
}

pub async fn exchange_info(
    State(shared): State<Arc<Shared>>,
    Query(p): Query<Params>,
) -> Result<Json<Value>, ApiError> {
    let listed = select(&shared, &p)?;
    let limit = shared.config.limits.weight_limit;
    Ok(Json(json!({
        "timezone": "UTC",
        "serverTime": shared.clock.now_ms(),
        "rateLimits": [
            {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": limit},
            {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 100},
            {"rateLimitType": "RAW_REQUESTS", "interval": "MINUTE", "intervalNum": 5, "limit": 61000}
        ],
        "exchangeFilters": [],
        "symbols": listed.iter().map(symbol_json).collect::<Vec<_>>()
    })))
}
