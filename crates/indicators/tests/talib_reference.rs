//! Every field of every row against TA-Lib's output on real candles, plus the screener fields against naive
//! recomputation from the CSV, plus `peek == update` on every row.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use indicators::{Field, IndicatorState, Values};

fn run(dataset: &str) -> Vec<Values> {
    let candles = common::candles(dataset);
    let mut state = IndicatorState::default();
    candles
        .iter()
        .map(|candle| {
            let peeked = state.peek(candle).unwrap();
            let updated = state.update(candle).unwrap();
            assert_eq!(
                peeked, updated,
                "{dataset}: peek differs from update at {}",
                candle.open_time_ms
            );
            updated
        })
        .collect()
}

#[test]
fn every_talib_field_matches_on_every_row_and_is_none_exactly_in_warm_up() {
    for dataset in common::DATASETS {
        let candles = common::candles(dataset);
        let reference = common::talib(dataset);
        let values = run(dataset);
        assert_eq!(values.len(), reference.rows.len());
        for (c, column) in reference.columns.iter().enumerate() {
            let field: Field = column.parse().unwrap();
            let scale = common::scale(column, &candles);
            let mut worst = 0.0_f64;
            for (row, (ours, theirs)) in values.iter().zip(&reference.rows).enumerate() {
                match (ours.get(field), theirs[c]) {
                    (None, None) => {}
                    (Some(a), Some(e)) => {
                        assert!(
                            common::close_enough(a, e, scale),
                            "{dataset} {column} row {row}: {a} vs {e}"
                        );
                        if e != 0.0 {
                            worst = worst.max(((a - e) / e).abs());
                        }
                    }
                    (a, e) => panic!(
                        "{dataset} {column} row {row}: warm-up mismatch, ours {a:?} vs TA-Lib {e:?}"
                    ),
                }
            }
            println!("{dataset} {column}: worst relative error {worst:.2e}");
        }
    }
}

#[test]
fn screener_fields_match_a_naive_recomputation() {
    for dataset in common::DATASETS {
        let candles = common::candles(dataset);
        let values = run(dataset);
        for (i, v) in values.iter().enumerate() {
            let c = &candles[i];
            let expected_change =
                (i > 0).then(|| (c.close - candles[i - 1].close) / candles[i - 1].close * 100.0);
            let window = (i >= 19).then(|| &candles[i - 19..=i]);
            let expected_ratio =
                window.map(|w| c.volume / (w.iter().map(|c| c.volume).sum::<f64>() / 20.0));
            let expected_high = window.map(|w| w.iter().map(|c| c.high).fold(f64::MIN, f64::max));
            let expected_low = window.map(|w| w.iter().map(|c| c.low).fold(f64::MAX, f64::min));
            let check = |name: &str, ours: Option<f64>, expected: Option<f64>, scale: f64| match (
                ours, expected,
            ) {
                (Some(a), Some(e)) => assert!(
                    common::close_enough(a, e, scale),
                    "{dataset} {name} row {i}: {a} vs {e}"
                ),
                (a, e) => assert_eq!(a, e, "{dataset} {name} row {i}"),
            };
            check("change_pct", v.change_pct, expected_change, 100.0);
            check("volume_ratio_20", v.volume_ratio_20, expected_ratio, 1.0);
            // Extremes are selections, not arithmetic: they must be exact.
            assert_eq!(v.high_20, expected_high, "{dataset} high_20 row {i}");
            assert_eq!(v.low_20, expected_low, "{dataset} low_20 row {i}");
        }
    }
}
