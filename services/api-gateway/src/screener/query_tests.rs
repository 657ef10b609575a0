use super::*;

fn snap(symbol: &str, rsi: Option<f64>, change: Option<f64>) -> Arc<MetricSnapshot> {
    Arc::new(MetricSnapshot {
        v: 1,
        exchange: "binance".parse().unwrap(),
        symbol: symbol.parse().unwrap(),
        interval: market_model::Interval::Hour1,
        open_time: 0,
        closed: false,
        open: 1.0,
        high: 1.0,
        low: 1.0,
        close: 1.0,
        volume: 1.0,
        indicators: indicators::Values {
            rsi_14: rsi,
            ..Default::default()
        },
        change_pct_24h: change,
        computed_at: 1,
    })
}

fn symbols(entries: &[Arc<MetricSnapshot>]) -> Vec<&str> {
    entries.iter().map(|s| s.symbol.as_str()).collect()
}

#[test]
fn clauses_parse_every_operator() {
    for (text, a, b) in [
        ("rsi_14<30", 29.0, 30.0),
        ("rsi_14<=30", 30.0, 31.0),
        ("rsi_14>30", 31.0, 30.0),
        ("rsi_14>=30", 30.0, 29.0),
        ("rsi_14=30", 30.0, 30.5),
        ("rsi_14!=30", 31.0, 30.0),
    ] {
        let q = ScreenerQuery::parse(Some(text), None).unwrap();
        assert!(q.filters[0].matches(&snap("A", Some(a), None)), "{text}");
        assert!(!q.filters[0].matches(&snap("A", Some(b), None)), "{text}");
        assert!(!q.filters[0].matches(&snap("A", None, None)), "{text}");
    }
}

#[test]
fn bad_filters_are_typed_errors() {
    assert!(matches!(
        ScreenerQuery::parse(Some("rsi_14"), None),
        Err(ParseError::Syntax(_))
    ));
    assert!(matches!(
        ScreenerQuery::parse(Some("<3"), None),
        Err(ParseError::Syntax(_))
    ));
    assert!(matches!(
        ScreenerQuery::parse(Some("rsi_14=<3"), None),
        Err(ParseError::Number(_))
    ));
    assert!(matches!(
        ScreenerQuery::parse(Some("nope>1"), None),
        Err(ParseError::UnknownField(_))
    ));
    assert!(matches!(
        ScreenerQuery::parse(Some("rsi_14>x"), None),
        Err(ParseError::Number(_))
    ));
    assert!(matches!(
        ScreenerQuery::parse(Some("rsi_14>inf"), None),
        Err(ParseError::Number(_))
    ));
    assert!(matches!(
        ScreenerQuery::parse(Some("symbol=1"), None),
        Err(ParseError::UnknownField(_))
    ));
    assert!(matches!(
        ScreenerQuery::parse(None, Some("-nope")),
        Err(ParseError::UnknownField(_))
    ));
}

#[test]
fn sorting_puts_missing_values_last_in_both_directions() {
    let entries = vec![
        snap("A", Some(50.0), Some(1.0)),
        snap("B", None, Some(-3.0)),
        snap("C", Some(20.0), None),
        snap("D", Some(80.0), Some(7.0)),
    ];
    let asc = ScreenerQuery::parse(None, Some("rsi_14")).unwrap();
    assert_eq!(symbols(&asc.apply(entries.clone())), ["C", "A", "D", "B"]);
    let desc = ScreenerQuery::parse(None, Some("-change_pct_24h")).unwrap();
    assert_eq!(symbols(&desc.apply(entries.clone())), ["D", "A", "B", "C"]);
    let both = ScreenerQuery::parse(Some("rsi_14>=20, change_pct_24h>0"), Some("-symbol")).unwrap();
    assert_eq!(symbols(&both.apply(entries)), ["D", "A"]);
}
