//! The screener's query language: `filter=rsi_14<30,volume_ratio_20>2` (comparisons `< <= > >= = !=` on any
//! metric field, comma = and) and `sort=-change_pct_24h` (`-` for descending), resolved once per request into
//! field accessors so evaluating 2,000 entries costs no string matching.

use std::cmp::Ordering;
use std::str::FromStr;
use std::sync::Arc;

use indicators::Field;
use market_model::MetricSnapshot;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParseError {
    #[error("filter clause {0:?} is not <field><op><number> with op one of < <= > >= = !=")]
    Syntax(String),
    #[error("unknown field {0:?}")]
    UnknownField(String),
    #[error("{0:?} is not a finite number")]
    Number(String),
}

/// A field a filter or sort can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldRef {
    Open,
    High,
    Low,
    Close,
    Volume,
    Indicator(Field),
    Change24h,
    OpenTime,
    ComputedAt,
    Symbol,
    Exchange,
}

impl FieldRef {
    /// The numeric value; `None` for a field without a value yet, or a text field.
    pub fn value(self, s: &MetricSnapshot) -> Option<f64> {
        match self {
            Self::Open => Some(s.open),
            Self::High => Some(s.high),
            Self::Low => Some(s.low),
            Self::Close => Some(s.close),
            Self::Volume => Some(s.volume),
            Self::Indicator(field) => s.indicators.get(field),
            Self::Change24h => s.change_pct_24h,
            #[allow(clippy::cast_precision_loss)] // ms timestamps are far below 2^53
            Self::OpenTime => Some(s.open_time as f64),
            #[allow(clippy::cast_precision_loss)]
            Self::ComputedAt => Some(s.computed_at as f64),
            Self::Symbol | Self::Exchange => None,
        }
    }

    fn compare(self, a: &MetricSnapshot, b: &MetricSnapshot) -> Ordering {
        match self {
            Self::Symbol => a.symbol.as_str().cmp(b.symbol.as_str()),
            Self::Exchange => a.exchange.as_str().cmp(b.exchange.as_str()),
            _ => match (self.value(a), self.value(b)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        }
    }
}

impl FromStr for FieldRef {
    type Err = ParseError;
    fn from_str(name: &str) -> Result<Self, ParseError> {
        Ok(match name {
            "open" => Self::Open,
            "high" => Self::High,
            "low" => Self::Low,
            "close" => Self::Close,
            "volume" => Self::Volume,
            "change_pct_24h" => Self::Change24h,
            "open_time" => Self::OpenTime,
            "computed_at" => Self::ComputedAt,
            "symbol" => Self::Symbol,
            "exchange" => Self::Exchange,
            other => Self::Indicator(
                other
                    .parse::<Field>()
                    .map_err(|_| ParseError::UnknownField(other.chars().take(64).collect()))?,
            ),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

/// One `field op number` clause; a field without a value never matches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Filter {
    field: FieldRef,
    cmp: Cmp,
    value: f64,
}

impl Filter {
    pub fn matches(&self, s: &MetricSnapshot) -> bool {
        let Some(x) = self.field.value(s) else {
            return false;
        };
        match self.cmp {
            Cmp::Lt => x < self.value,
            Cmp::Le => x <= self.value,
            Cmp::Gt => x > self.value,
            Cmp::Ge => x >= self.value,
            #[allow(clippy::float_cmp)] // `=` means exactly equal, as the user wrote it
            Cmp::Eq => x == self.value,
            #[allow(clippy::float_cmp)]
            Cmp::Ne => x != self.value,
        }
    }

    fn parse(clause: &str) -> Result<Self, ParseError> {
        let syntax = || ParseError::Syntax(clause.chars().take(64).collect());
        let at = clause.find(['<', '>', '=', '!']).ok_or_else(syntax)?;
        let (name, rest) = clause.split_at(at);
        let (cmp, number) = [
            ("<=", Cmp::Le),
            (">=", Cmp::Ge),
            ("!=", Cmp::Ne),
            ("<", Cmp::Lt),
            (">", Cmp::Gt),
            ("=", Cmp::Eq),
        ]
        .into_iter()
        .find_map(|(op, cmp)| rest.strip_prefix(op).map(|n| (cmp, n)))
        .ok_or_else(syntax)?;
        let (name, number) = (name.trim(), number.trim());
        if name.is_empty() || number.is_empty() {
            return Err(syntax());
        }
        let field: FieldRef = name.parse()?;
        if matches!(field, FieldRef::Symbol | FieldRef::Exchange) {
            return Err(ParseError::UnknownField(name.to_string()));
        }
        let value = number
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| ParseError::Number(number.chars().take(64).collect()))?;
        Ok(Self { field, cmp, value })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey {
    pub field: FieldRef,
    pub descending: bool,
}

impl FromStr for SortKey {
    type Err = ParseError;
    fn from_str(text: &str) -> Result<Self, ParseError> {
        let (descending, name) = match text.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        Ok(Self {
            field: name.trim().parse()?,
            descending,
        })
    }
}

/// A parsed screener request.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreenerQuery {
    pub filters: Vec<Filter>,
    pub sort: Option<SortKey>,
}

impl ScreenerQuery {
    pub fn parse(filter: Option<&str>, sort: Option<&str>) -> Result<Self, ParseError> {
        let filters = filter
            .unwrap_or("")
            .split(',')
            .filter(|clause| !clause.trim().is_empty())
            .map(Filter::parse)
            .collect::<Result<_, _>>()?;
        let sort = sort
            .filter(|s| !s.trim().is_empty())
            .map(str::parse)
            .transpose()?;
        Ok(Self { filters, sort })
    }

    /// Filters and sorts; entries without a value for the sort field go last in either direction.
    pub fn apply(&self, entries: Vec<Arc<MetricSnapshot>>) -> Vec<Arc<MetricSnapshot>> {
        let mut kept: Vec<_> = entries
            .into_iter()
            .filter(|s| self.filters.iter().all(|f| f.matches(s)))
            .collect();
        if let Some(SortKey { field, descending }) = self.sort {
            kept.sort_by(|a, b| {
                let missing = |s: &MetricSnapshot| {
                    !matches!(field, FieldRef::Symbol | FieldRef::Exchange)
                        && field.value(s).is_none()
                };
                match (missing(a), missing(b)) {
                    (false, true) => Ordering::Less,
                    (true, false) => Ordering::Greater,
                    _ if descending => field.compare(b, a),
                    _ => field.compare(a, b),
                }
            });
        }
        kept
    }
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
