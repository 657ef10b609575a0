#![allow(clippy::unwrap_used, clippy::expect_used)]

use market_model::{ExchangeId, Interval, SubjectError, SubjectKind, Subjects, Symbol};

fn binance() -> ExchangeId {
    ExchangeId::from_static("binance")
}

fn btc() -> Symbol {
    Symbol::new("BTCUSDT").unwrap()
}

#[test]
fn production_subjects_have_no_prefix() {
    let s = Subjects::default();
    assert_eq!(
        s.candles(&binance(), &btc(), Interval::Min1),
        "candles.binance.BTCUSDT.1m"
    );
    assert_eq!(
        s.live_candles(&binance(), &btc(), Interval::Month1),
        "live.candles.binance.BTCUSDT.1M"
    );
    assert_eq!(
        s.metrics(&binance(), &btc(), Interval::Hour4),
        "metrics.binance.BTCUSDT.4h"
    );
    assert_eq!(
        s.live_metrics(&binance(), &btc(), Interval::Day1),
        "live.metrics.binance.BTCUSDT.1d"
    );
    assert_eq!(s.alerts("key_42").unwrap(), "alerts.key_42");
    assert_eq!(s.candles_stream(), "CANDLES");
    assert_eq!(s.metrics_stream(), "METRICS");
    assert_eq!(s.all(SubjectKind::Candles), "candles.>");
    assert_eq!(s.all(SubjectKind::LiveMetrics), "live.metrics.>");
    assert_eq!(s.all_alerts(), "alerts.*");
    assert_eq!(Subjects::new("").unwrap(), s);
}

#[test]
fn namespace_prefixes_subjects_and_streams() {
    let s = Subjects::new("t_1234").unwrap();
    assert_eq!(s.namespace(), "t_1234");
    assert_eq!(
        s.candles(&binance(), &btc(), Interval::Min1),
        "t_1234.candles.binance.BTCUSDT.1m"
    );
    assert_eq!(s.alerts(7).unwrap(), "t_1234.alerts.7");
    assert_eq!(s.candles_stream(), "t_1234_CANDLES");
    assert_eq!(s.metrics_stream(), "t_1234_METRICS");
    assert_eq!(s.all(SubjectKind::Candles), "t_1234.candles.>");
    assert_eq!(s.all_alerts(), "t_1234.alerts.*");
}

#[test]
fn invalid_namespaces_are_rejected() {
    for ns in ["a.b", "a b", "*", ">", "x>", &"n".repeat(65)] {
        assert!(
            matches!(Subjects::new(ns), Err(SubjectError::InvalidNamespace(_))),
            "{ns}"
        );
    }
}

#[test]
fn alert_ids_that_would_break_the_subject_are_rejected() {
    let s = Subjects::default();
    for id in ["", "a.b", "a*", "a>", "a b", "a\tb"] {
        assert!(
            matches!(s.alerts(id), Err(SubjectError::InvalidToken(_))),
            "{id:?}"
        );
    }
}

#[test]
fn filters_leave_open_parts_as_wildcards() {
    let s = Subjects::new("ns").unwrap();
    assert_eq!(
        s.filter(
            SubjectKind::Candles,
            Some(&binance()),
            None,
            Some(Interval::Min1)
        ),
        "ns.candles.binance.*.1m"
    );
    assert_eq!(
        s.filter(SubjectKind::LiveCandles, None, Some(&btc()), None),
        "ns.live.candles.*.BTCUSDT.*"
    );
}

#[test]
fn every_kind_and_interval_round_trips_through_parse() {
    for ns in ["", "t_99"] {
        let s = Subjects::new(ns).unwrap();
        for interval in Interval::ALL {
            let built = [
                (
                    SubjectKind::Candles,
                    s.candles(&binance(), &btc(), interval),
                ),
                (
                    SubjectKind::LiveCandles,
                    s.live_candles(&binance(), &btc(), interval),
                ),
                (
                    SubjectKind::Metrics,
                    s.metrics(&binance(), &btc(), interval),
                ),
                (
                    SubjectKind::LiveMetrics,
                    s.live_metrics(&binance(), &btc(), interval),
                ),
            ];
            for (kind, subject) in built {
                let parsed = s.parse(&subject).unwrap();
                assert_eq!(parsed.kind, kind);
                assert_eq!(parsed.exchange, "binance");
                assert_eq!(parsed.symbol, "BTCUSDT");
                assert_eq!(parsed.interval, interval, "{subject}");
            }
        }
    }
}

#[test]
fn minute_and_month_subjects_stay_distinct() {
    let s = Subjects::default();
    let minute = s.candles(&binance(), &btc(), Interval::Min1);
    let month = s.candles(&binance(), &btc(), Interval::Month1);
    assert_ne!(minute, month);
    assert_eq!(s.parse(&month).unwrap().interval, Interval::Month1);
}

#[test]
fn namespaces_do_not_see_each_other() {
    let a = Subjects::new("t_a").unwrap();
    let b = Subjects::new("t_b").unwrap();
    let prod = Subjects::default();
    let subject = a.candles(&binance(), &btc(), Interval::Min5);
    assert!(b.parse(&subject).is_err());
    assert!(prod.parse(&subject).is_err());
    assert!(!subject.starts_with(b.all(SubjectKind::Candles).trim_end_matches('>')));
    assert_ne!(a.candles_stream(), b.candles_stream());
}

#[test]
fn malformed_subjects_are_rejected() {
    let s = Subjects::default();
    for subject in [
        "",
        "candles",
        "candles.binance.BTCUSDT",
        "candles.binance.BTCUSDT.1m.extra",
        "candles.binance.btcusdt.1m",
        "candles.Binance.BTCUSDT.1m",
        "candles.binance.BTCUSDT.2m",
        "live.trades.binance.BTCUSDT.1m",
        "alerts.key",
        "trades.binance.BTCUSDT.1m",
    ] {
        assert!(
            matches!(s.parse(subject), Err(SubjectError::NotMarketSubject(_))),
            "{subject:?}"
        );
    }
}
