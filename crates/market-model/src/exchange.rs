//! Short exchange identifiers (`binance`) used in subjects, message ids and storage keys.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest exchange id accepted.
pub const MAX_EXCHANGE_ID_LEN: usize = 32;

/// A short lower-case exchange id: `[a-z0-9_]{1,32}`.
///
/// Holds a `Cow<'static, str>` so the ids that connectors hard-code cost no allocation per candle.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExchangeId(Cow<'static, str>);

/// The string is not a valid exchange id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("exchange id {0:?} must be 1-{MAX_EXCHANGE_ID_LEN} characters of a-z, 0-9 or _")]
pub struct ExchangeIdError(pub String);

const fn is_valid(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_EXCHANGE_ID_LEN {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !(b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            return false;
        }
        i += 1;
    }
    true
}

impl ExchangeId {
    /// For ids written in code (`const BINANCE: ExchangeId = ExchangeId::from_static("binance")`):
    /// an invalid literal fails the build when used in a `const`.
    pub const fn from_static(s: &'static str) -> Self {
        assert!(is_valid(s), "invalid exchange id literal");
        ExchangeId(Cow::Borrowed(s))
    }

    pub fn new(s: &str) -> Result<Self, ExchangeIdError> {
        if is_valid(s) {
            Ok(ExchangeId(Cow::Owned(s.to_owned())))
        } else {
            Err(ExchangeIdError(
                s.chars().take(MAX_EXCHANGE_ID_LEN + 8).collect(),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for ExchangeId {
    type Err = ExchangeIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ExchangeId::new(s)
    }
}

impl AsRef<str> for ExchangeId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for ExchangeId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ExchangeId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl fmt::Display for ExchangeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for ExchangeId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ExchangeId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Cow::<'de, str>::deserialize(deserializer)?;
        ExchangeId::new(&s).map_err(serde::de::Error::custom)
    }
}
