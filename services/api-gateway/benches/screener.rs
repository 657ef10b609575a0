//! Cost of answering one `GET /screener` from the view: filter and sort 2,000 snapshots, as the handler does.

use std::hint::black_box;
use std::sync::Arc;

use api_gateway::screener::{ScreenerQuery, ScreenerView};
use criterion::{Criterion, criterion_group, criterion_main};
use market_model::{Interval, MetricSnapshot};

fn view(symbols: usize) -> ScreenerView {
    let view = ScreenerView::default();
    for i in 0..symbols {
        let x = i as f64;
        let snapshot = MetricSnapshot {
            v: 1,
            exchange: "binance".parse().unwrap_or_else(|_| unreachable!()),
            symbol: format!("S{i:05}USDT")
                .parse()
                .unwrap_or_else(|_| unreachable!()),
            interval: Interval::Hour1,
            open_time: 0,
            closed: false,
            open: x,
            high: x,
            low: x,
            close: x,
            volume: x,
            indicators: indicators::Values {
                rsi_14: Some((x * 7.0) % 100.0),
                volume_ratio_20: Some((x * 13.0) % 5.0),
                ..Default::default()
            },
            change_pct_24h: Some((x * 3.0) % 20.0 - 10.0),
            computed_at: 1,
        };
        view.upsert(Arc::new(snapshot));
    }
    view
}

fn screener(c: &mut Criterion) {
    let view = view(2000);
    let query =
        match ScreenerQuery::parse(Some("rsi_14<50,volume_ratio_20>1"), Some("-change_pct_24h")) {
            Ok(query) => query,
            Err(e) => panic!("bench query must parse: {e}"),
        };
    c.bench_function("screener_2000_filter_sort_page50_json", |b| {
        b.iter(|| {
            let matching = query.apply(view.snapshots(Interval::Hour1));
            let page: Vec<&MetricSnapshot> = matching.iter().take(50).map(|s| &**s).collect();
            black_box(serde_json::to_vec(&page).map(|v| v.len()))
        });
    });
}

criterion_group!(benches, screener);
criterion_main!(benches);
