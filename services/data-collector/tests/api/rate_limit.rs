//! The exchange's REST rate limit, end to end: when the simulator answers 429 with `Retry-After`, the
//! collector sends nothing more until that time has passed (any request before it would be answered 418, an
//! IP ban), and every candle the back-fill could not fetch at first is fetched afterwards.

use std::collections::BTreeMap;
use std::time::Duration;

use market_model::Interval;
use test_support::local_common_config;

use crate::helpers::{collector_config, spawn_collector, start_sim, wait_until};
use crate::store::stored;

const SYMBOLS: &[&str] = &[
    "BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "XRPUSDT", "ADAUSDT",
];

/// Streams whose stored candles are not exactly one per minute from their first one up to `until`, or that
/// do not reach past it.
fn incomplete(stored: &BTreeMap<(String, Interval, i64), usize>, until: i64) -> Vec<String> {
    let mut problems = Vec::new();
    for symbol in SYMBOLS {
        let opens: Vec<(i64, usize)> = stored
            .iter()
            .filter(|((s, _, _), _)| s == symbol)
            .map(|((_, _, open), n)| (*open, *n))
            .collect();
        let Some(&(first, _)) = opens.first() else {
            problems.push(format!("{symbol}: nothing stored"));
            continue;
        };
        let mut want = first;
        for &(open, count) in opens.iter().filter(|(open, _)| *open <= until) {
            if open != want || count != 1 {
                problems.push(format!("{symbol}: expected {want}, found {open} x{count}"));
                break;
            }
            want += 60_000;
        }
        if opens.last().is_none_or(|(open, _)| *open <= until) {
            problems.push(format!("{symbol}: nothing after {until}"));
        }
    }
    problems
}

#[tokio::test]
async fn a_429_is_obeyed_until_retry_after_and_the_gaps_are_fetched_afterwards() {
    // 20 weight per 2 s: the start-up exchangeInfo (20) uses it all, so the first back-fill request is answered
    // 429; dropped candles then keep the back-fill at the limit for the rest of the run.
    let sim = start_sim(SYMBOLS, 600.0, |c| {
        c.limits.weight_limit = 20;
        c.limits.weight_window = Duration::from_secs(2);
        c.limits.ban_duration = Duration::from_secs(60);
        c.faults.skip_rate = 0.3;
    })
    .await;
    let common = local_common_config();
    let (nats_url, namespace) = (common.nats_url.clone(), common.nats_namespace.clone());
    let mut config = collector_config(common, &sim, SYMBOLS);
    config.backfill_initial_bars = 5;
    let app = spawn_collector(config).await;

    wait_until(
        "a 429 and published candles",
        Duration::from_secs(30),
        || async {
            app.counted("data_collector_rest_requests_total{outcome=\"rate_limited\"}")
                .await
                >= 1.0
                && app.counted("data_collector_candles_published_total").await >= 100.0
        },
    )
    .await;
    let until = sim.now_ms();
    let mut problems = Vec::new();
    for _ in 0..60 {
        problems = incomplete(&stored(&nats_url, &namespace).await, until);
        if problems.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let backfilled = app.counted("data_collector_backfilled_candles_total").await;
    app.stop().await;

    assert!(problems.is_empty(), "{problems:?}");
    assert!(backfilled > 0.0, "skipped candles came from back-fill");
    let stats = sim.stats();
    assert!(stats.candles_skipped > 0, "{stats:?}");
    assert!(stats.rest_429 >= 1, "the limit was reached: {stats:?}");
    assert_eq!(
        stats.rest_418, 0,
        "no request inside Retry-After: {stats:?}"
    );
    assert_eq!(stats.violations.total(), 0, "{stats:?}");
}
