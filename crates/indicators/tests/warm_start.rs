//! A state rebuilt from the last `warmup_len()` candles must match the uninterrupted run from then on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use indicators::{Field, IndicatorConfig, IndicatorState, Values};

/// Largest relative deviation (beyond the absolute floor) between a warm-started state and the uninterrupted run
/// over `compare` rows after `start`, together with whether every field stayed within tolerance.
fn warm_start_deviation(dataset: &str, warmup: usize, start: usize, compare: usize) -> (bool, f64) {
    let candles = common::candles(dataset);
    let mut full = IndicatorState::default();
    let reference: Vec<Values> = candles.iter().map(|c| full.update(c).unwrap()).collect();

    let mut warm =
        IndicatorState::replay(IndicatorConfig::default(), &candles[start - warmup..start])
            .unwrap();
    warm.anchor_obv(reference[start - 1].obv.unwrap()).unwrap();

    let mut all_close = true;
    let mut worst = 0.0_f64;
    for (row, candle) in candles.iter().enumerate().skip(start).take(compare) {
        let ours = warm.update(candle).unwrap();
        for field in Field::ALL {
            let scale = common::scale(field.as_str(), &candles);
            match (ours.get(field), reference[row].get(field)) {
                (Some(a), Some(e)) => {
                    all_close &= common::close_enough(a, e, scale);
                    if e != 0.0 {
                        worst = worst.max(((a - e) / e).abs());
                    }
                }
                (a, e) => all_close &= a == e,
            }
        }
    }
    (all_close, worst)
}

#[test]
fn state_warmed_on_warmup_len_candles_matches_the_uninterrupted_run() {
    let warmup = IndicatorConfig::default().warmup_len();
    for (dataset, starts) in [
        ("ethbtc_5m", [1_000, 3_000, 5_000]),
        ("goog_1d", [600, 1_000, 1_500]),
    ] {
        for start in starts {
            let (ok, worst) = warm_start_deviation(dataset, warmup, start, 600);
            assert!(
                ok,
                "{dataset} warmed on {warmup} candles before row {start}: worst {worst:e}"
            );
        }
    }
}

#[test]
fn a_much_shorter_warm_up_is_detectably_different() {
    // Guards the test above against being vacuous: the same comparison must fail when the seeds are too young.
    let (ok, worst) = warm_start_deviation("ethbtc_5m", 60, 3_000, 600);
    assert!(
        !ok,
        "a 60-candle warm-up unexpectedly matched (worst {worst:e})"
    );
}

#[test]
fn obv_without_anchoring_is_offset_and_anchoring_fixes_it() {
    let candles = common::candles("goog_1d");
    let mut full = IndicatorState::default();
    let reference: Vec<Values> = candles.iter().map(|c| full.update(c).unwrap()).collect();
    let start = 1_000;
    let mut unanchored =
        IndicatorState::replay(IndicatorConfig::default(), &candles[start - 50..start]).unwrap();
    let next = unanchored.update(&candles[start]).unwrap();
    assert_ne!(next.obv, reference[start].obv);

    let mut anchored =
        IndicatorState::replay(IndicatorConfig::default(), &candles[start - 50..start]).unwrap();
    anchored
        .anchor_obv(reference[start - 1].obv.unwrap())
        .unwrap();
    assert_eq!(
        anchored.update(&candles[start]).unwrap().obv,
        reference[start].obv
    );
}
