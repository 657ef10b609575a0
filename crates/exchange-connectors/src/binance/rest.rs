//! Binance REST: request descriptions and response parsers.

use std::fmt::Write as _;

use market_model::{Candle, ExchangeId, Interval, Symbol};
use serde::Deserialize;

use super::model::KlineRow;
use crate::text::Text;
use crate::{
    ApiError, Endpoint, ExchangeInfo, FrameError, KlinesQuery, RequestError, RestRequest,
    SymbolInfo, SymbolStatus, Ticker24h,
};

pub const KLINES_WEIGHT: u32 = 2;
pub const EXCHANGE_INFO_WEIGHT: u32 = 20;
pub const TICKERS_ALL_WEIGHT: u32 = 80;
/// Request weight used in the current minute, as reported by Binance.
pub const USED_WEIGHT_HEADER: &str = "X-MBX-USED-WEIGHT-1M";

pub(super) fn klines_request(
    base: &str,
    q: &KlinesQuery,
    max_limit: u32,
) -> Result<RestRequest, RequestError> {
    if let Some(limit) = q.limit
        && !(1..=max_limit).contains(&limit)
    {
        return Err(RequestError::LimitOutOfRange {
            limit,
            max: max_limit,
        });
    }
    for t in [q.start_time, q.end_time].into_iter().flatten() {
        if t < 0 {
            return Err(RequestError::NegativeTime(t));
        }
    }
    if let (Some(start), Some(end)) = (q.start_time, q.end_time)
        && start > end
    {
        return Err(RequestError::EmptyRange { start, end });
    }
    let mut url = format!(
        "{base}/api/v3/klines?symbol={}&interval={}",
        q.symbol, q.interval
    );
    // Writing to a String cannot fail.
    if let Some(start) = q.start_time {
        let _ = write!(url, "&startTime={start}");
    }
    if let Some(end) = q.end_time {
        let _ = write!(url, "&endTime={end}");
    }
    if let Some(limit) = q.limit {
        let _ = write!(url, "&limit={limit}");
    }
    Ok(RestRequest {
        endpoint: Endpoint::Klines,
        url,
        weight: KLINES_WEIGHT,
    })
}

pub(super) fn exchange_info_request(base: &str) -> RestRequest {
    RestRequest {
        endpoint: Endpoint::ExchangeInfo,
        url: format!("{base}/api/v3/exchangeInfo"),
        weight: EXCHANGE_INFO_WEIGHT,
    }
}

pub(super) fn tickers_request(base: &str) -> RestRequest {
    RestRequest {
        endpoint: Endpoint::Tickers24h,
        url: format!("{base}/api/v3/ticker/24hr"),
        weight: TICKERS_ALL_WEIGHT,
    }
}

/// Parses `body` as `T`, reporting an exchange error body as [`FrameError::Api`].
fn parse_body<'a, T: Deserialize<'a>>(body: &'a str) -> Result<T, FrameError> {
    serde_json::from_str(body).map_err(|e| match ApiError::from_body(body) {
        Some(api) => FrameError::Api {
            code: api.code,
            msg: api.msg,
        },
        None => FrameError::from(e),
    })
}

pub(super) fn parse_klines(
    exchange: &ExchangeId,
    symbol: &Symbol,
    interval: Interval,
    body: &str,
    now_ms: i64,
) -> Result<Vec<Candle>, FrameError> {
    let rows: Vec<KlineRow<'_>> = parse_body(body)?;
    rows.into_iter()
        .map(|row| {
            let candle = Candle {
                exchange: exchange.clone(),
                symbol: symbol.clone(),
                interval,
                open_time: row.open_time,
                close_time: row.close_time,
                open: FrameError::decimal("open", row.open.as_str())?,
                high: FrameError::decimal("high", row.high.as_str())?,
                low: FrameError::decimal("low", row.low.as_str())?,
                close: FrameError::decimal("close", row.close.as_str())?,
                volume: FrameError::decimal("volume", row.volume.as_str())?,
                quote_volume: FrameError::decimal("quote_volume", row.quote_volume.as_str())?,
                taker_buy_base: FrameError::decimal("taker_buy_base", row.taker_buy_base.as_str())?,
                taker_buy_quote: FrameError::decimal(
                    "taker_buy_quote",
                    row.taker_buy_quote.as_str(),
                )?,
                trades: row.trades,
                // The current bar is included in a page while still open; only past ones are final.
                closed: row.close_time < now_ms,
                event_time: row.close_time,
            };
            candle.validate()?;
            Ok(candle)
        })
        .collect()
}

#[derive(Deserialize)]
struct RawExchangeInfo<'a> {
    #[serde(borrow)]
    symbols: Vec<RawSymbol<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSymbol<'a> {
    #[serde(borrow)]
    symbol: Text<'a>,
    #[serde(borrow)]
    status: Text<'a>,
    #[serde(borrow)]
    base_asset: Text<'a>,
    #[serde(borrow)]
    quote_asset: Text<'a>,
}

pub(super) fn parse_exchange_info(body: &str) -> Result<ExchangeInfo, FrameError> {
    let raw: RawExchangeInfo<'_> = parse_body(body)?;
    let mut info = ExchangeInfo::default();
    for s in raw.symbols {
        match Symbol::new(s.symbol.as_str()) {
            Ok(symbol) => info.symbols.push(SymbolInfo {
                symbol,
                base: s.base_asset.as_str().to_owned(),
                quote: s.quote_asset.as_str().to_owned(),
                status: SymbolStatus::parse(s.status.as_str()),
            }),
            Err(_) => info
                .rejected
                .push(s.symbol.as_str().chars().take(64).collect()),
        }
    }
    Ok(info)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTicker<'a> {
    #[serde(borrow)]
    symbol: Text<'a>,
    #[serde(borrow)]
    last_price: Text<'a>,
    #[serde(borrow)]
    price_change_percent: Text<'a>,
    #[serde(borrow)]
    quote_volume: Text<'a>,
}

/// Tickers of symbols whose names are not valid [`Symbol`]s are skipped: they cannot be in the
/// universe anyway (exchange info rejects them too).
pub(super) fn parse_tickers(body: &str) -> Result<Vec<Ticker24h>, FrameError> {
    let raw: Vec<RawTicker<'_>> = parse_body(body)?;
    let mut tickers = Vec::with_capacity(raw.len());
    for t in raw {
        let Ok(symbol) = Symbol::new(t.symbol.as_str()) else {
            continue;
        };
        tickers.push(Ticker24h {
            symbol,
            quote_volume: FrameError::decimal("quoteVolume", t.quote_volume.as_str())?,
            last_price: FrameError::decimal("lastPrice", t.last_price.as_str())?,
            price_change_percent: FrameError::decimal(
                "priceChangePercent",
                t.price_change_percent.as_str(),
            )?,
        });
    }
    Ok(tickers)
}
