//! The product's indicator field names, as a closed enum.
//!
//! These names are public API: storage columns, NATS snapshot keys, REST fields and alert-rule operands all use
//! them. They stay the same whatever periods the [`crate::IndicatorConfig`] chooses (`sma_20` is "the SMA field"
//! even when configured to 50), so that changing a period never renames a column.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

macro_rules! fields {
    ($($variant:ident => $name:literal,)*) => {
        /// One output field of [`crate::Values`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Field {
            $(#[serde(rename = $name)] $variant,)*
        }

        /// Every field name, in [`Field::ALL`] order (the order of the reference CSV columns, then the screener
        /// fields).
        pub const FIELD_NAMES: [&str; Field::COUNT] = [$($name,)*];

        impl Field {
            /// Every field, in a stable order.
            pub const ALL: [Field; Field::COUNT] = [$(Field::$variant,)*];
            /// Number of fields.
            pub const COUNT: usize = [$($name,)*].len();

            /// The product name of the field (e.g. `"rsi_14"`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Field::$variant => $name,)*
                }
            }
        }

        impl FromStr for Field {
            type Err = UnknownField;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($name => Ok(Field::$variant),)*
                    _ => Err(UnknownField(s.to_owned())),
                }
            }
        }
    };
}

fields! {
    Sma20 => "sma_20",
    Ema12 => "ema_12",
    Ema26 => "ema_26",
    Rsi14 => "rsi_14",
    Macd => "macd",
    MacdSignal => "macd_signal",
    MacdHist => "macd_hist",
    BbUpper => "bb_upper",
    BbMiddle => "bb_middle",
    BbLower => "bb_lower",
    Atr14 => "atr_14",
    StochK => "stoch_k",
    StochD => "stoch_d",
    Obv => "obv",
    Vwap20 => "vwap_20",
    ChangePct => "change_pct",
    VolumeRatio20 => "volume_ratio_20",
    High20 => "high_20",
    Low20 => "low_20",
}

/// A field name that is not in [`FIELD_NAMES`]; carries the offending name for the caller's error message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown indicator field {0:?}")]
pub struct UnknownField(pub String);

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_round_trips_through_its_name() {
        for field in Field::ALL {
            assert_eq!(field.as_str().parse::<Field>(), Ok(field));
            assert_eq!(field.to_string(), field.as_str());
        }
        assert_eq!(FIELD_NAMES.len(), Field::COUNT);
    }

    #[test]
    fn serde_names_are_the_product_names() {
        for field in Field::ALL {
            let json = serde_json::to_string(&field).unwrap();
            assert_eq!(json, format!("\"{}\"", field.as_str()));
            assert_eq!(serde_json::from_str::<Field>(&json).unwrap(), field);
        }
    }

    #[test]
    fn unknown_names_are_rejected_with_the_name() {
        assert_eq!(
            "sma_21".parse::<Field>(),
            Err(UnknownField("sma_21".to_owned()))
        );
        assert!("SMA_20".parse::<Field>().is_err());
    }
}
