//! One candle's worth of indicator outputs.

use serde::{Deserialize, Serialize};

use crate::field::{Field, UnknownField};

/// Indicator values after one candle. `None` means "still warming up" (exactly where TA-Lib has no value) or,
/// for the ratio fields, "undefined" (zero denominator); it never means an error.
///
/// Field names are the product's public names and do not change with the configured periods.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Values {
    pub sma_20: Option<f64>,
    pub ema_12: Option<f64>,
    pub ema_26: Option<f64>,
    pub rsi_14: Option<f64>,
    pub macd: Option<f64>,
    pub macd_signal: Option<f64>,
    pub macd_hist: Option<f64>,
    pub bb_upper: Option<f64>,
    pub bb_middle: Option<f64>,
    pub bb_lower: Option<f64>,
    pub atr_14: Option<f64>,
    pub stoch_k: Option<f64>,
    pub stoch_d: Option<f64>,
    pub obv: Option<f64>,
    pub vwap_20: Option<f64>,
    /// Close vs the previous close, in percent.
    pub change_pct: Option<f64>,
    /// Volume / mean volume of the window that includes this candle.
    pub volume_ratio_20: Option<f64>,
    /// Highest high of the window that includes this candle.
    pub high_20: Option<f64>,
    /// Lowest low of the window that includes this candle.
    pub low_20: Option<f64>,
}

impl Values {
    /// The value of one field; the alert engine resolves rule operands through this.
    pub const fn get(&self, field: Field) -> Option<f64> {
        match field {
            Field::Sma20 => self.sma_20,
            Field::Ema12 => self.ema_12,
            Field::Ema26 => self.ema_26,
            Field::Rsi14 => self.rsi_14,
            Field::Macd => self.macd,
            Field::MacdSignal => self.macd_signal,
            Field::MacdHist => self.macd_hist,
            Field::BbUpper => self.bb_upper,
            Field::BbMiddle => self.bb_middle,
            Field::BbLower => self.bb_lower,
            Field::Atr14 => self.atr_14,
            Field::StochK => self.stoch_k,
            Field::StochD => self.stoch_d,
            Field::Obv => self.obv,
            Field::Vwap20 => self.vwap_20,
            Field::ChangePct => self.change_pct,
            Field::VolumeRatio20 => self.volume_ratio_20,
            Field::High20 => self.high_20,
            Field::Low20 => self.low_20,
        }
    }

    /// Looks a field up by its product name; an unknown name is an error, distinct from a warm-up `None`.
    pub fn get_by_name(&self, name: &str) -> Result<Option<f64>, UnknownField> {
        Ok(self.get(name.parse()?))
    }

    /// Every `(name, value)` pair in [`Field::ALL`] order, without allocating.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, Option<f64>)> + '_ {
        Field::ALL
            .into_iter()
            .map(move |field| (field.as_str(), self.get(field)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialised_keys_match_field_names_and_get_agrees_with_each_key() {
        let values = Values {
            rsi_14: Some(55.0),
            low_20: Some(1.5),
            ..Values::default()
        };
        let json = serde_json::to_value(values).unwrap();
        let object = json.as_object().unwrap();
        assert_eq!(object.len(), Field::COUNT);
        for (name, value) in values.iter() {
            assert_eq!(object[name].as_f64(), value, "{name}");
        }
    }

    #[test]
    fn lookup_by_name_and_by_enum_agree() {
        let values = Values {
            macd_hist: Some(-0.25),
            ..Values::default()
        };
        assert_eq!(values.get_by_name("macd_hist"), Ok(Some(-0.25)));
        assert_eq!(values.get(Field::MacdHist), Some(-0.25));
        assert_eq!(values.get_by_name("obv"), Ok(None));
        assert!(values.get_by_name("nope").is_err());
    }
}
