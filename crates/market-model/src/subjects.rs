//! NATS subject and JetStream stream naming, with a namespace prefix for isolation.
//!
//! | kind | subject | transport |
//! |---|---|---|
//! | closed candles | `candles.<exchange>.<symbol>.<interval>` | JetStream stream `CANDLES` |
//! | in-progress candles | `live.candles.<exchange>.<symbol>.<interval>` | core NATS |
//! | closed metric snapshots | `metrics.<exchange>.<symbol>.<interval>` | JetStream stream `METRICS` |
//! | in-progress metric snapshots | `live.metrics.<exchange>.<symbol>.<interval>` | core NATS |
//! | alert events | `alerts.<api key id>` | core NATS |
//!
//! With a namespace `ns` every subject becomes `ns.<subject>` and every stream `ns_<STREAM>`,
//! so tests and several deployments can share one NATS server without seeing each other.
//! Subject tokens are case sensitive, which keeps interval `1m` (minute) and `1M` (month)
//! distinct; exchange ids and symbols are validated types, so no token can contain `.`, `*`,
//! `>` or whitespace.

use std::fmt;

use crate::{Candle, ExchangeId, Interval, Symbol};

/// Which family a market-data subject belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubjectKind {
    Candles,
    LiveCandles,
    Metrics,
    LiveMetrics,
}

impl SubjectKind {
    const fn root(self) -> &'static str {
        match self {
            SubjectKind::Candles => "candles",
            SubjectKind::LiveCandles => "live.candles",
            SubjectKind::Metrics => "metrics",
            SubjectKind::LiveMetrics => "live.metrics",
        }
    }
}

/// A market-data subject split back into its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarketSubject<'a> {
    pub kind: SubjectKind,
    pub exchange: &'a str,
    pub symbol: &'a str,
    pub interval: Interval,
}

/// A namespace, subject or token that NATS would misread.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubjectError {
    #[error("namespace {0:?} must be empty or one token of A-Z, a-z, 0-9, _ or -")]
    InvalidNamespace(String),
    #[error("subject token {0:?} is empty or contains '.', '*', '>' or whitespace")]
    InvalidToken(String),
    #[error("subject {0:?} is not a market-data subject of this namespace")]
    NotMarketSubject(String),
}

/// Builds and parses subjects for one namespace. `Subjects::default()` is production (no prefix).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subjects {
    /// Empty, or the namespace followed by `.`.
    subject_prefix: String,
    /// Empty, or the namespace followed by `_`.
    stream_prefix: String,
}

fn truncated(s: &str) -> String {
    s.chars().take(64).collect()
}

impl Subjects {
    /// `""` for production, e.g. `"t_1234"` in tests (giving `t_1234.candles...`).
    pub fn new(namespace: &str) -> Result<Self, SubjectError> {
        if namespace.is_empty() {
            return Ok(Self::default());
        }
        let valid = namespace.len() <= 64
            && namespace
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !valid {
            return Err(SubjectError::InvalidNamespace(truncated(namespace)));
        }
        Ok(Subjects {
            subject_prefix: format!("{namespace}."),
            stream_prefix: format!("{namespace}_"),
        })
    }

    pub fn namespace(&self) -> &str {
        self.subject_prefix.strip_suffix('.').unwrap_or("")
    }

    fn market(
        &self,
        kind: SubjectKind,
        exchange: &ExchangeId,
        symbol: &Symbol,
        interval: Interval,
    ) -> String {
        format!(
            "{}{}.{exchange}.{symbol}.{interval}",
            self.subject_prefix,
            kind.root()
        )
    }

    pub fn candles(&self, exchange: &ExchangeId, symbol: &Symbol, interval: Interval) -> String {
        self.market(SubjectKind::Candles, exchange, symbol, interval)
    }

    pub fn live_candles(
        &self,
        exchange: &ExchangeId,
        symbol: &Symbol,
        interval: Interval,
    ) -> String {
        self.market(SubjectKind::LiveCandles, exchange, symbol, interval)
    }

    pub fn metrics(&self, exchange: &ExchangeId, symbol: &Symbol, interval: Interval) -> String {
        self.market(SubjectKind::Metrics, exchange, symbol, interval)
    }

    pub fn live_metrics(
        &self,
        exchange: &ExchangeId,
        symbol: &Symbol,
        interval: Interval,
    ) -> String {
        self.market(SubjectKind::LiveMetrics, exchange, symbol, interval)
    }

    /// Where the collector publishes this candle: `candles.*` when closed, `live.candles.*` otherwise.
    pub fn for_candle(&self, candle: &Candle) -> String {
        let kind = if candle.closed {
            SubjectKind::Candles
        } else {
            SubjectKind::LiveCandles
        };
        self.market(kind, &candle.exchange, &candle.symbol, candle.interval)
    }

    /// `alerts.<api key id>`; the id is checked because it comes from the database, not a validated type.
    pub fn alerts(&self, api_key_id: impl fmt::Display) -> Result<String, SubjectError> {
        let id = api_key_id.to_string();
        if id.is_empty()
            || id
                .bytes()
                .any(|b| matches!(b, b'.' | b'*' | b'>') || b.is_ascii_whitespace())
        {
            return Err(SubjectError::InvalidToken(truncated(&id)));
        }
        Ok(format!("{}alerts.{id}", self.subject_prefix))
    }

    /// Wildcard over every subject of a kind, e.g. `candles.>` (the `CANDLES` stream's subject).
    pub fn all(&self, kind: SubjectKind) -> String {
        format!("{}{}.>", self.subject_prefix, kind.root())
    }

    /// Wildcard over every alert subject: `alerts.*`.
    pub fn all_alerts(&self) -> String {
        format!("{}alerts.*", self.subject_prefix)
    }

    /// Filter subject with `*` for each part left open, e.g. every symbol's 1m candles on Binance.
    pub fn filter(
        &self,
        kind: SubjectKind,
        exchange: Option<&ExchangeId>,
        symbol: Option<&Symbol>,
        interval: Option<Interval>,
    ) -> String {
        format!(
            "{}{}.{}.{}.{}",
            self.subject_prefix,
            kind.root(),
            exchange.map_or("*", ExchangeId::as_str),
            symbol.map_or("*", Symbol::as_str),
            interval.map_or("*", Interval::as_str),
        )
    }

    /// JetStream stream holding closed candles (`CANDLES`, or `<ns>_CANDLES`).
    pub fn candles_stream(&self) -> String {
        format!("{}CANDLES", self.stream_prefix)
    }

    /// JetStream stream holding closed metric snapshots (`METRICS`, or `<ns>_METRICS`).
    pub fn metrics_stream(&self) -> String {
        format!("{}METRICS", self.stream_prefix)
    }

    /// Splits a market-data subject of this namespace into (kind, exchange, symbol, interval).
    pub fn parse<'a>(&self, subject: &'a str) -> Result<MarketSubject<'a>, SubjectError> {
        let not_market = || SubjectError::NotMarketSubject(truncated(subject));
        let rest = subject
            .strip_prefix(self.subject_prefix.as_str())
            .ok_or_else(not_market)?;
        let (kind, rest) = if let Some(rest) = rest.strip_prefix("live.") {
            match rest.split_once('.') {
                Some(("candles", rest)) => (SubjectKind::LiveCandles, rest),
                Some(("metrics", rest)) => (SubjectKind::LiveMetrics, rest),
                _ => return Err(not_market()),
            }
        } else {
            match rest.split_once('.') {
                Some(("candles", rest)) => (SubjectKind::Candles, rest),
                Some(("metrics", rest)) => (SubjectKind::Metrics, rest),
                _ => return Err(not_market()),
            }
        };
        let mut parts = rest.split('.');
        let (Some(exchange), Some(symbol), Some(interval), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(not_market());
        };
        ExchangeId::new(exchange).map_err(|_| not_market())?;
        Symbol::new(symbol).map_err(|_| not_market())?;
        let interval = interval.parse().map_err(|_| not_market())?;
        Ok(MarketSubject {
            kind,
            exchange,
            symbol,
            interval,
        })
    }
}
