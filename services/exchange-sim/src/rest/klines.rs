//! `GET /api/v3/klines`: closed candles plus the one in progress, like Binance; in replay mode exactly the
//! candles replayed so far.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::candle::{Candle, Format, write_kline_row};
use crate::interval::Interval;
use crate::market::synth::SymbolModel;
use crate::rest::error::ApiError;
use crate::rest::params::{self, Params};
use crate::state::Shared;

/// Binance spot opened in July 2017; synthetic history never reaches further back.
const LISTING_MS: i64 = 1_500_000_000_000;
const DEFAULT_LIMIT: i64 = 500;
const MAX_LIMIT: i64 = 1000;

#[derive(Debug, Clone, Copy)]
struct Window {
    start: Option<i64>,
    end: Option<i64>,
    limit: usize,
}

fn window(p: &Params) -> Result<Window, ApiError> {
    let start = params::number(p, "startTime")?;
    let end = params::number(p, "endTime")?;
    if let (Some(s), Some(e)) = (start, end)
        && s > e
    {
        return Err(ApiError::start_after_end());
    }
    let limit = params::number(p, "limit")?.unwrap_or(DEFAULT_LIMIT);
    if limit < 1 {
        return Err(ApiError::illegal("limit"));
    }
    Ok(Window {
        start,
        end,
        limit: limit.min(MAX_LIMIT) as usize,
    })
}

fn body(candles: &[Candle], fmt: Format) -> Response {
    let mut out = String::with_capacity(candles.len() * 160 + 2);
    out.push('[');
    for (i, c) in candles.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_kline_row(&mut out, c, fmt);
    }
    out.push(']');
    ([(header::CONTENT_TYPE, "application/json")], out).into_response()
}

fn history_start(interval: Interval, current: i64, bars: u32) -> i64 {
    let start = match interval {
        Interval::Mo1 => (0..bars).fold(current, |open, _| interval.prev_open(open)),
        fixed => current - i64::from(bars) * fixed.nominal_ms(),
    };
    if current > LISTING_MS {
        start.max(LISTING_MS)
    } else {
        start
    }
}

/// Open times to serve: with `startTime` the oldest first from there, otherwise the newest up to `endTime`.
fn synthetic(
    model: &SymbolModel,
    interval: Interval,
    now: i64,
    bars: u32,
    w: Window,
) -> Vec<Candle> {
    let current = interval.open_time(now);
    let first = history_start(interval, current, bars);
    let last = w
        .end
        .map_or(current, |e| interval.open_time(e.min(now)).min(current));
    let mut opens = Vec::with_capacity(w.limit);
    match w.start {
        Some(s) => {
            let mut open = interval.open_time(s.max(first));
            if open < s.max(first) {
                open = interval.next_open(open);
            }
            while open <= last && opens.len() < w.limit {
                opens.push(open);
                open = interval.next_open(open);
            }
        }
        None => {
            let mut open = last;
            while open >= first && opens.len() < w.limit {
                opens.push(open);
                open = interval.prev_open(open);
            }
            opens.reverse();
        }
    }
    opens
        .into_iter()
        .map(|o| {
            if o == current {
                model.partial(interval, o, now)
            } else {
                model.candle(interval, o)
            }
        })
        .collect()
}

fn replayed(candles: &[Candle], w: Window) -> Vec<Candle> {
    let in_range = candles.iter().filter(|c| {
        w.start.is_none_or(|s| c.open_time >= s) && w.end.is_none_or(|e| c.open_time <= e)
    });
    if w.start.is_some() {
        in_range.take(w.limit).copied().collect()
    } else {
        let all: Vec<Candle> = in_range.copied().collect();
        all[all.len().saturating_sub(w.limit)..].to_vec()
    }
}

pub async fn klines(
    State(shared): State<Arc<Shared>>,
    Query(p): Query<Params>,
) -> Result<Response, ApiError> {
    let symbol = params::required(&p, "symbol")?;
    let interval: Interval = params::required(&p, "interval")?
        .parse()
        .map_err(|_| ApiError::invalid_interval())?;
    let listed = shared
        .universe
        .get(symbol)
        .ok_or_else(ApiError::invalid_symbol)?;
    let w = window(&p)?;
    if let Some(r) = shared.replay.as_ref().filter(|r| r.symbol == symbol) {
        let rows = if r.interval == interval {
            replayed(&r.candles()[..r.replayed()], w)
        } else {
            Vec::new()
        };
        return Ok(body(&rows, r.format()));
    }
    let model = &listed.model;
    let rows = synthetic(
        model,
        interval,
        shared.clock.now_ms(),
        shared.config.history_bars,
        w,
    );
    Ok(body(&rows, model.format()))
}
