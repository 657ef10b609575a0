//! Borrowing serde shapes of Binance's JSON, parsed in one pass without `serde_json::Value`.

use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::text::Text;

/// Every top-level key any frame we understand can carry: events (`e`, `E`, `k`), the combined
/// envelope (`stream`, `data`) and control replies (`id`, `result`, `error`, or `code`/`msg`).
/// Other keys are skipped by serde without allocation.
#[derive(serde::Deserialize)]
pub(super) struct RawFrame<'a> {
    #[serde(borrow)]
    pub stream: Option<Text<'a>>,
    #[serde(borrow)]
    pub data: Option<Data<'a>>,
    #[serde(borrow)]
    pub e: Option<Text<'a>>,
    #[serde(rename = "E")]
    pub event_time: Option<i64>,
    #[serde(borrow)]
    pub k: Option<RawKline<'a>>,
    pub id: Option<u64>,
    /// `Some` whenever the key is present, including `"result": null`.
    #[serde(default, deserialize_with = "present")]
    pub result: Option<RawResult>,
    #[serde(borrow)]
    pub error: Option<RawError<'a>>,
    pub code: Option<i64>,
    #[serde(borrow)]
    pub msg: Option<Text<'a>>,
}

#[derive(serde::Deserialize)]
pub(super) struct RawKline<'a> {
    #[serde(rename = "t")]
    pub open_time: i64,
    #[serde(rename = "T")]
    pub close_time: i64,
    #[serde(borrow, rename = "s")]
    pub symbol: Text<'a>,
    #[serde(borrow, rename = "i")]
    pub interval: Text<'a>,
    #[serde(borrow, rename = "o")]
    pub open: Text<'a>,
    #[serde(borrow, rename = "h")]
    pub high: Text<'a>,
    #[serde(borrow, rename = "l")]
    pub low: Text<'a>,
    #[serde(borrow, rename = "c")]
    pub close: Text<'a>,
    #[serde(borrow, rename = "v")]
    pub volume: Text<'a>,
    #[serde(borrow, rename = "q")]
    pub quote_volume: Text<'a>,
    #[serde(borrow, rename = "V")]
    pub taker_buy_base: Text<'a>,
    #[serde(borrow, rename = "Q")]
    pub taker_buy_quote: Text<'a>,
    #[serde(rename = "n")]
    pub trades: u64,
    #[serde(rename = "x")]
    pub closed: bool,
}

#[derive(serde::Deserialize)]
pub(super) struct RawError<'a> {
    pub code: i64,
    #[serde(borrow)]
    pub msg: Text<'a>,
}

/// The payload of a combined-stream envelope: an event object, or an array (`!miniTicker@arr`).
pub(super) enum Data<'a> {
    Object(Box<RawFrame<'a>>),
    NotObject,
}

impl<'de: 'a, 'a> Deserialize<'de> for Data<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DataVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for DataVisitor<'a> {
            type Value = Data<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an event object or array")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                RawFrame::deserialize(MapAccessDeserializer::new(map))
                    .map(|f| Data::Object(Box::new(f)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Data::NotObject)
            }
        }
        deserializer.deserialize_any(DataVisitor(std::marker::PhantomData))
    }
}

/// A control reply's `result`: `null`, a list of stream names, or any other JSON value as text.
pub(super) enum RawResult {
    Null,
    Streams(Vec<String>),
    Value(String),
}

fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<RawResult>, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(Some(match value {
        serde_json::Value::Null => RawResult::Null,
        serde_json::Value::Array(items) if items.iter().all(serde_json::Value::is_string) => {
            RawResult::Streams(
                items
                    .into_iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            )
        }
        other => RawResult::Value(other.to_string()),
    }))
}

/// One klines REST row: `[openTime,"o","h","l","c","v",closeTime,"q",n,"V","Q","0"]`.
/// Columns after the eleventh are ignored so an added column does not break back-fill.
pub(super) struct KlineRow<'a> {
    pub open_time: i64,
    pub open: Text<'a>,
    pub high: Text<'a>,
    pub low: Text<'a>,
    pub close: Text<'a>,
    pub volume: Text<'a>,
    pub close_time: i64,
    pub quote_volume: Text<'a>,
    pub trades: u64,
    pub taker_buy_base: Text<'a>,
    pub taker_buy_quote: Text<'a>,
}

impl<'de: 'a, 'a> Deserialize<'de> for KlineRow<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RowVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for RowVisitor<'a> {
            type Value = KlineRow<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a kline row with at least 11 elements")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                macro_rules! next {
                    ($index:expr) => {
                        seq.next_element()?
                            .ok_or_else(|| serde::de::Error::invalid_length($index, &self))?
                    };
                }
                let row = KlineRow {
                    open_time: next!(0),
                    open: next!(1),
                    high: next!(2),
                    low: next!(3),
                    close: next!(4),
                    volume: next!(5),
                    close_time: next!(6),
                    quote_volume: next!(7),
                    trades: next!(8),
                    taker_buy_base: next!(9),
                    taker_buy_quote: next!(10),
                };
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(row)
            }
        }
        deserializer.deserialize_seq(RowVisitor(std::marker::PhantomData))
    }
}
