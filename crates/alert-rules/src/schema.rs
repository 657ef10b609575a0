//! The seam between rules and the metrics calculator: field names resolve once, at compile time, to compact ids.

/// Index of a metric field in a [`Schema`]; snapshots are looked up by it on the hot path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldId(pub u16);

impl FieldId {
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// The set of metric fields a deployment computes. The alert engine implements it over the calculator's real
/// field set; [`DefaultSchema`] is the documented list, used by the gateway and in tests.
pub trait Schema {
    fn resolve(&self, name: &str) -> Option<FieldId>;
    /// Every known field name, used only to build helpful error messages.
    fn field_names(&self) -> Vec<&str>;
}

/// One symbol's metric values at one update. `None` means "no value yet" (indicator warm-up).
pub trait Snapshot {
    fn get(&self, field: FieldId) -> Option<f64>;
}

/// A dense snapshot indexed by `FieldId`, handy for the engine and for tests (pass `vec.as_slice()`).
impl Snapshot for [Option<f64>] {
    fn get(&self, field: FieldId) -> Option<f64> {
        <[Option<f64>]>::get(self, field.index()).copied().flatten()
    }
}

impl<T: Snapshot + ?Sized> Snapshot for &T {
    fn get(&self, field: FieldId) -> Option<f64> {
        (**self).get(field)
    }
}

/// The metric fields documented for rules, in `FieldId` order.
pub const DEFAULT_FIELDS: &[&str] = &[
    "open",
    "high",
    "low",
    "close",
    "volume",
    "sma_20",
    "ema_12",
    "ema_26",
    "rsi_14",
    "macd",
    "macd_signal",
    "macd_hist",
    "bb_upper",
    "bb_middle",
    "bb_lower",
    "atr_14",
    "stoch_k",
    "stoch_d",
    "obv",
    "vwap_20",
    "change_pct",
    "volume_ratio_20",
    "high_20",
    "low_20",
    "change_pct_24h",
];

/// [`DEFAULT_FIELDS`] as a schema: `FieldId(i)` is `DEFAULT_FIELDS[i]`.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultSchema;

impl DefaultSchema {
    /// A snapshot-sized vector of `None`, ready to fill by `FieldId`.
    pub fn empty_snapshot(&self) -> Vec<Option<f64>> {
        vec![None; DEFAULT_FIELDS.len()]
    }
}

impl Schema for DefaultSchema {
    fn resolve(&self, name: &str) -> Option<FieldId> {
        DEFAULT_FIELDS
            .iter()
            .position(|f| *f == name)
            .and_then(|i| u16::try_from(i).ok())
            .map(FieldId)
    }

    fn field_names(&self) -> Vec<&str> {
        DEFAULT_FIELDS.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schema_resolves_every_documented_field_to_its_index() {
        for (i, name) in DEFAULT_FIELDS.iter().enumerate() {
            assert_eq!(DefaultSchema.resolve(name), Some(FieldId(i as u16)));
        }
        assert_eq!(DefaultSchema.resolve("rsi14"), None);
    }

    #[test]
    fn dense_snapshot_treats_out_of_range_ids_as_missing() {
        let snap: &[Option<f64>] = &[Some(1.0), None];
        assert_eq!(Snapshot::get(snap, FieldId(0)), Some(1.0));
        assert_eq!(Snapshot::get(snap, FieldId(1)), None);
        assert_eq!(Snapshot::get(snap, FieldId(9)), None);
    }
}
