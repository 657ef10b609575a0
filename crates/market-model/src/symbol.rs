//! Validated trading-pair symbols.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest symbol accepted; Binance's longest spot symbols are well under this.
pub const MAX_SYMBOL_LEN: usize = 20;

/// An upper-case trading-pair symbol such as `BTCUSDT`: `[A-Z0-9]{1,20}`.
///
/// Validated once at the edge so every later use (NATS subject tokens, SQL keys, metric
/// labels) can rely on it containing no `.`, `*`, `>`, whitespace or lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(String);

/// The string is not a valid symbol.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SymbolError {
    #[error("symbol is empty")]
    Empty,
    #[error("symbol is {0} bytes long, the maximum is {MAX_SYMBOL_LEN}")]
    TooLong(usize),
    #[error("symbol {0:?} may only contain A-Z and 0-9")]
    InvalidChar(String),
}

impl Symbol {
    pub fn new(s: &str) -> Result<Self, SymbolError> {
        validate(s)?;
        Ok(Symbol(s.to_owned()))
    }

    /// Accepts lower-case input too (stream names, user input) and upper-cases it.
    pub fn from_any_case(s: &str) -> Result<Self, SymbolError> {
        let upper = s.to_ascii_uppercase();
        validate(&upper)?;
        Ok(Symbol(upper))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

fn validate(s: &str) -> Result<(), SymbolError> {
    if s.is_empty() {
        return Err(SymbolError::Empty);
    }
    if s.len() > MAX_SYMBOL_LEN {
        return Err(SymbolError::TooLong(s.len()));
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Err(SymbolError::InvalidChar(s.to_owned()));
    }
    Ok(())
}

impl TryFrom<String> for Symbol {
    type Error = SymbolError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        validate(&s)?;
        Ok(Symbol(s))
    }
}

impl std::str::FromStr for Symbol {
    type Err = SymbolError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Symbol::new(s)
    }
}

impl Deref for Symbol {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Symbol {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Symbol {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Symbol {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Symbol {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Symbol {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Symbol {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        validate(&s).map_err(serde::de::Error::custom)?;
        Ok(Symbol(s.into_owned()))
    }
}
