//! Degenerate markets, bad input, ordering, reset and non-default periods.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use indicators::{Candle, IndicatorConfig, IndicatorError, IndicatorState, Values};

fn candle(i: i64, high: f64, low: f64, close: f64, volume: f64) -> Candle {
    Candle {
        open_time_ms: 1_600_000_000_000 + i * 60_000,
        open: close,
        high,
        low,
        close,
        volume,
    }
}

fn feed(state: &mut IndicatorState, candles: &[Candle]) -> Values {
    candles
        .iter()
        .map(|c| state.update(c).unwrap())
        .last()
        .unwrap()
}

#[test]
fn flat_market_gives_zero_rsi_zero_stochastic_and_collapsed_bands() {
    let flat: Vec<Candle> = (0..60).map(|i| candle(i, 2.5, 2.5, 2.5, 10.0)).collect();
    let values = feed(&mut IndicatorState::default(), &flat);
    assert_eq!(values.rsi_14, Some(0.0));
    assert_eq!(values.stoch_k, Some(0.0));
    assert_eq!(values.stoch_d, Some(0.0));
    assert_eq!(values.atr_14, Some(0.0));
    assert_eq!(values.bb_upper, Some(2.5));
    assert_eq!(values.bb_lower, Some(2.5));
    assert_eq!(values.change_pct, Some(0.0));
    assert_eq!(values.volume_ratio_20, Some(1.0));
    assert_eq!(values.macd_hist, Some(0.0));
}

#[test]
fn zero_range_stochastic_after_movement_is_zero_not_nan() {
    let mut candles: Vec<Candle> = (0..20)
        .map(|i| candle(i, 3.0 + i as f64, 1.0, 2.0 + i as f64, 1.0))
        .collect();
    candles.extend((20..40).map(|i| candle(i, 7.0, 7.0, 7.0, 1.0)));
    let values = feed(&mut IndicatorState::default(), &candles);
    assert_eq!(values.stoch_k, Some(0.0));
    assert_eq!(values.stoch_d, Some(0.0));
}

#[test]
fn all_zero_volume_leaves_volume_ratios_undefined() {
    let quiet: Vec<Candle> = (0..30).map(|i| candle(i, 2.0, 1.0, 1.5, 0.0)).collect();
    let values = feed(&mut IndicatorState::default(), &quiet);
    assert_eq!(values.vwap_20, None);
    assert_eq!(values.volume_ratio_20, None);
    assert_eq!(values.obv, Some(0.0));
    assert!(values.sma_20.is_some());
}

#[test]
fn non_finite_and_negative_input_is_refused_and_leaves_state_untouched() {
    let candles = common::candles("ethbtc_5m");
    let mut clean = IndicatorState::default();
    let mut dirty = IndicatorState::default();
    feed(&mut clean, &candles[..100]);
    feed(&mut dirty, &candles[..100]);
    let next = candles[100];
    for bad in [
        Candle {
            close: f64::NAN,
            ..next
        },
        Candle {
            high: f64::INFINITY,
            ..next
        },
        Candle {
            low: f64::NEG_INFINITY,
            ..next
        },
        Candle {
            open: f64::NAN,
            ..next
        },
        Candle {
            volume: f64::NAN,
            ..next
        },
    ] {
        assert!(matches!(
            dirty.update(&bad),
            Err(IndicatorError::NonFinite { .. })
        ));
        assert!(matches!(
            dirty.peek(&bad),
            Err(IndicatorError::NonFinite { .. })
        ));
    }
    let negative = Candle {
        volume: -1.0,
        ..next
    };
    assert!(matches!(
        dirty.update(&negative),
        Err(IndicatorError::NegativeVolume { .. })
    ));
    assert_eq!(dirty.candles_seen(), 100);
    assert_eq!(dirty.update(&next).unwrap(), clean.update(&next).unwrap());
}

#[test]
fn repeated_or_older_candles_are_refused() {
    let candles = common::candles("goog_1d");
    let mut state = IndicatorState::default();
    feed(&mut state, &candles[..10]);
    for stale in [candles[9], candles[3]] {
        let error = state.update(&stale).unwrap_err();
        assert_eq!(
            error,
            IndicatorError::OutOfOrder {
                open_time_ms: stale.open_time_ms,
                last_open_time_ms: candles[9].open_time_ms
            }
        );
        assert!(state.peek(&stale).is_err());
    }
    assert_eq!(state.candles_seen(), 10);
}

#[test]
fn reset_behaves_like_a_fresh_state_and_keeps_its_buffers() {
    let candles = common::candles("ethbtc_5m");
    let mut reused = IndicatorState::default();
    feed(&mut reused, &candles[..700]);
    let heap = reused.heap_bytes();
    reused.reset();
    assert_eq!(reused.candles_seen(), 0);
    assert_eq!(reused.heap_bytes(), heap);
    let mut fresh = IndicatorState::default();
    for candle in &candles[1_000..1_300] {
        assert_eq!(
            reused.update(candle).unwrap(),
            fresh.update(candle).unwrap()
        );
    }
}

#[test]
fn anchoring_obv_needs_a_candle_and_a_finite_value() {
    let mut state = IndicatorState::default();
    assert_eq!(state.anchor_obv(5.0), Err(IndicatorError::NothingToAnchor));
    state.update(&candle(0, 2.0, 1.0, 1.5, 3.0)).unwrap();
    assert!(state.anchor_obv(f64::NAN).is_err());
    state.anchor_obv(100.0).unwrap();
    assert_eq!(
        state.update(&candle(1, 2.0, 1.0, 1.75, 3.0)).unwrap().obv,
        Some(103.0)
    );
}

#[test]
fn invalid_config_is_refused_at_construction() {
    let config = IndicatorConfig {
        rsi_period: 0,
        ..IndicatorConfig::default()
    };
    assert!(matches!(
        IndicatorState::new(config),
        Err(IndicatorError::InvalidConfig(_))
    ));
}

#[test]
fn custom_periods_drive_the_windows_and_keep_the_field_names() {
    let candles = common::candles("goog_1d");
    let config = IndicatorConfig {
        sma_period: 5,
        bb_period: 10,
        bb_stddev: 1.5,
        vwap_period: 7,
        volume_ratio_period: 3,
        high_low_period: 50,
        ..IndicatorConfig::default()
    };
    let mut state = IndicatorState::new(config).unwrap();
    for (i, c) in candles.iter().enumerate() {
        let peeked = state.peek(c).unwrap();
        let values = state.update(c).unwrap();
        assert_eq!(peeked, values);
        let window = |n: usize| (i + 1 >= n).then(|| &candles[i + 1 - n..=i]);
        let mean =
            |w: &[Candle], f: fn(&Candle) -> f64| w.iter().map(f).sum::<f64>() / w.len() as f64;
        let close = |a: Option<f64>, e: Option<f64>, what: &str| match (a, e) {
            (Some(a), Some(e)) => assert!(
                common::close_enough(a, e, 500.0),
                "{what} row {i}: {a} vs {e}"
            ),
            (a, e) => assert_eq!(a, e, "{what} row {i}"),
        };
        close(
            values.sma_20,
            window(5).map(|w| mean(w, |c| c.close)),
            "sma",
        );
        let bands = window(10).map(|w| {
            let m = mean(w, |c| c.close);
            let sd = (w.iter().map(|c| (c.close - m).powi(2)).sum::<f64>() / 10.0).sqrt();
            (m + 1.5 * sd, m - 1.5 * sd)
        });
        close(values.bb_upper, bands.map(|b| b.0), "bb_upper");
        close(values.bb_lower, bands.map(|b| b.1), "bb_lower");
        let vwap = window(7).map(|w| {
            w.iter()
                .map(|c| (c.high + c.low + c.close) / 3.0 * c.volume)
                .sum::<f64>()
                / w.iter().map(|c| c.volume).sum::<f64>()
        });
        close(values.vwap_20, vwap, "vwap");
        close(
            values.volume_ratio_20,
            window(3).map(|w| c.volume / mean(w, |c| c.volume)),
            "volume_ratio",
        );
        assert_eq!(
            values.high_20,
            window(50).map(|w| w.iter().map(|c| c.high).fold(f64::MIN, f64::max))
        );
        assert_eq!(
            values.low_20,
            window(50).map(|w| w.iter().map(|c| c.low).fold(f64::MAX, f64::min))
        );
    }
}
