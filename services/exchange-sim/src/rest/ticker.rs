//! `GET /api/v3/ticker/24hr`: rolling 24 h statistics, summed from hourly bars of the same price model
//! the streams use (in replay mode: from the candles replayed so far).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use serde_json::{Value, json};

use crate::candle::Candle;
use crate::decimal::{Precision, decimal};
use crate::interval::Interval;
use crate::market::universe::Listed;
use crate::rest::error::ApiError;
use crate::rest::market::select;
use crate::rest::params::{Params, get};
use crate::state::Shared;

const DAY_MS: i64 = 86_400_000;

/// Candles covering the last 24 h, oldest first.
fn last_day(shared: &Shared, listed: &Listed, now: i64) -> (Vec<Candle>, Precision) {
    if let Some(r) = shared
        .replay
        .as_ref()
        .filter(|r| r.symbol == listed.model.spec.name)
    {
        let done = &r.candles()[..r.replayed()];
        let until = done.last().map_or(0, |c| c.close_time);
        let rows = done
            .iter()
            .filter(|c| c.open_time > until - DAY_MS)
            .copied()
            .collect();
        return (rows, Precision::Shortest);
    }
    let m = &listed.model;
    let current = Interval::H1.open_time(now);
    let mut rows: Vec<Candle> = (1..24)
        .rev()
        .map(|h| m.candle(Interval::H1, current - h * 3_600_000))
        .collect();
    rows.push(m.partial(Interval::H1, current, now));
    (rows, Precision::Fixed(8))
}

fn stats_json(shared: &Shared, listed: &Listed, now: i64) -> Value {
    let (rows, p) = last_day(shared, listed, now);
    let d = |x: f64| decimal(x, p);
    let (open, last) = (
        rows.first().map_or(0.0, |c| c.open),
        rows.last().map_or(0.0, |c| c.close),
    );
    let high = rows.iter().map(|c| c.high).fold(0.0, f64::max);
    let low = rows.iter().map(|c| c.low).fold(f64::MAX, f64::min);
    let low = if rows.is_empty() { 0.0 } else { low };
    let volume: f64 = rows.iter().map(|c| c.volume).sum();
    let quote: f64 = rows.iter().map(|c| c.quote_volume).sum();
    let count: u64 = rows.iter().map(|c| c.trades).sum();
    let first_id = rows
        .iter()
        .map(|c| c.first_trade_id)
        .find(|id| *id >= 0)
        .unwrap_or(-1);
    let last_id = rows
        .iter()
        .rev()
        .map(|c| c.last_trade_id)
        .find(|id| *id >= 0)
        .unwrap_or(-1);
    let change = last - open;
    let pct = if open > 0.0 {
        change / open * 100.0
    } else {
        0.0
    };
    let tick = 10f64.powi(-(listed.model.spec.price_decimals as i32));
    json!({
        "symbol": listed.model.spec.name,
        "priceChange": d(change),
        "priceChangePercent": format!("{pct:.3}"),
        "weightedAvgPrice": d(if volume > 0.0 { quote / volume } else { last }),
        "prevClosePrice": d(open),
        "lastPrice": d(last),
        "lastQty": d(0.0),
        "bidPrice": d((last - tick).max(0.0)),
        "bidQty": d(1.0),
        "askPrice": d(last + tick),
        "askQty": d(1.0),
        "openPrice": d(open),
        "highPrice": d(high),
        "lowPrice": d(low),
        "volume": d(volume),
        "quoteVolume": d(quote),
        "openTime": now - DAY_MS,
        "closeTime": now,
        "firstId": first_id,
        "lastId": last_id,
        "count": count
    })
}

pub async fn ticker_24hr(
    State(shared): State<Arc<Shared>>,
    Query(p): Query<Params>,
) -> Result<Json<Value>, ApiError> {
    let listed = select(&shared, &p)?;
    let now = shared.clock.now_ms();
    if get(&p, "symbol").is_some() {
        let one = listed.first().ok_or_else(ApiError::invalid_symbol)?;
        return Ok(Json(stats_json(&shared, one, now)));
    }
    Ok(Json(Value::Array(
        listed.iter().map(|l| stats_json(&shared, l, now)).collect(),
    )))
}
