//! One kline and its two Binance wire forms: the WebSocket event payload and the REST array row.

use std::fmt::Write;

use crate::decimal::{Precision, write_decimal};
use crate::interval::Interval;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candle {
    pub open_time: i64,
    pub close_time: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
    pub quote_volume: f64,
    pub trades: u64,
    /// -1 when the bar had no trades, like Binance.
    pub first_trade_id: i64,
    pub last_trade_id: i64,
    pub taker_buy_volume: f64,
    pub taker_buy_quote_volume: f64,
}

/// How prices and quantities of one symbol are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Format {
    pub price: Precision,
    pub qty: Precision,
}

/// Everything about a kline event except the candle itself.
#[derive(Debug, Clone, Copy)]
pub struct EventHeader<'a> {
    /// Stream name for the combined-stream envelope; `None` sends the raw payload.
    pub stream: Option<&'a str>,
    pub event_time: i64,
    pub symbol: &'a str,
    pub interval: Interval,
    pub fmt: Format,
}

/// Appends the kline event payload (`{"e":"kline",...}`), optionally inside a combined-stream envelope.
pub fn write_kline_event(out: &mut String, h: &EventHeader<'_>, c: &Candle, closed: bool) {
    let EventHeader {
        stream,
        event_time,
        symbol,
        interval,
        fmt,
    } = *h;
    if let Some(name) = stream {
        let _ = write!(out, r#"{{"stream":"{name}","data":"#);
    }
    let _ = write!(
        out,
        r#"{{"e":"kline","E":{event_time},"s":"{symbol}","k":{{"t":{},"T":{},"s":"{symbol}","i":"{interval}","f":{},"L":{},"o":""#,
        c.open_time, c.close_time, c.first_trade_id, c.last_trade_id
    );
    write_decimal(out, c.open, fmt.price);
    out.push_str(r#"","c":""#);
    write_decimal(out, c.close, fmt.price);
    out.push_str(r#"","h":""#);
    write_decimal(out, c.high, fmt.price);
    out.push_str(r#"","l":""#);
    write_decimal(out, c.low, fmt.price);
    out.push_str(r#"","v":""#);
    write_decimal(out, c.volume, fmt.qty);
    let _ = write!(out, r#"","n":{},"x":{closed},"q":""#, c.trades);
    write_decimal(out, c.quote_volume, fmt.qty);
    out.push_str(r#"","V":""#);
    write_decimal(out, c.taker_buy_volume, fmt.qty);
    out.push_str(r#"","Q":""#);
    write_decimal(out, c.taker_buy_quote_volume, fmt.qty);
    out.push_str(r#"","B":"0"}}"#);
    if stream.is_some() {
        out.push('}');
    }
}

/// Appends the REST row `[t,"o","h","l","c","v",T,"q",n,"V","Q","0"]`.
pub fn write_kline_row(out: &mut String, c: &Candle, fmt: Format) {
    let _ = write!(out, "[{},\"", c.open_time);
    for (i, (x, p)) in [
        (c.open, fmt.price),
        (c.high, fmt.price),
        (c.low, fmt.price),
        (c.close, fmt.price),
    ]
    .into_iter()
    .enumerate()
    {
        if i > 0 {
            out.push_str("\",\"");
        }
        write_decimal(out, x, p);
    }
    out.push_str("\",\"");
    write_decimal(out, c.volume, fmt.qty);
    let _ = write!(out, "\",{},\"", c.close_time);
    write_decimal(out, c.quote_volume, fmt.qty);
    let _ = write!(out, "\",{},\"", c.trades);
    write_decimal(out, c.taker_buy_volume, fmt.qty);
    out.push_str("\",\"");
    write_decimal(out, c.taker_buy_quote_volume, fmt.qty);
    out.push_str("\",\"0\"]");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Candle {
        Candle {
            open_time: 60_000,
            close_time: 119_999,
            open: 1.5,
            high: 2.0,
            low: 1.0,
            close: 1.75,
            volume: 10.0,
            quote_volume: 17.5,
            trades: 3,
            first_trade_id: 7,
            last_trade_id: 9,
            taker_buy_volume: 4.0,
            taker_buy_quote_volume: 7.0,
        }
    }

    const FMT: Format = Format {
        price: Precision::Fixed(2),
        qty: Precision::Shortest,
    };

    #[test]
    fn event_is_valid_json_with_string_decimals() {
        let mut s = String::new();
        let h = EventHeader {
            stream: Some("abc@kline_1m"),
            event_time: 5,
            symbol: "ABC",
            interval: Interval::M1,
            fmt: FMT,
        };
        write_kline_event(&mut s, &h, &sample(), true);
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["stream"], "abc@kline_1m");
        let k = &v["data"]["k"];
        assert_eq!(k["o"], "1.50");
        assert_eq!(k["x"], true);
        assert_eq!(k["q"], "17.5");
        assert_eq!(k["B"], "0");
    }

    #[test]
    fn row_has_twelve_fields() {
        let mut s = String::new();
        write_kline_row(&mut s, &sample(), FMT);
        let v: Vec<serde_json::Value> = serde_json::from_str(&s).unwrap();
        assert_eq!(v.len(), 12);
        assert_eq!(v[0], 60_000);
        assert_eq!(v[4], "1.75");
        assert_eq!(v[8], 3);
    }
}
