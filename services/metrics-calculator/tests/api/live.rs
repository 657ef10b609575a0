//! The peek path: an in-progress candle produces a `live.metrics` snapshot with `closed = false` and changes
//! neither the stored rows nor the state later closed candles are computed from.

use std::time::Duration;

use async_nats::HeaderMap;
use futures::StreamExt;
use indicators::{Field, IndicatorState};
use market_model::{Interval, MetricSnapshot, Subjects, wire};
use observability::TraceContext;

use crate::data;
use crate::helpers::{isolated, start, wait_until};

#[tokio::test]
async fn an_in_progress_candle_is_peeked_published_live_and_never_stored() {
    // Arrange
    let (_nats, database, config) = isolated().await;
    let subjects = Subjects::new(&config.common.nats_namespace).unwrap();
    let js = data::jetstream(&config.common.nats_url, &subjects).await;
    let client = async_nats::connect(&config.common.nats_url).await.unwrap();
    let pool = database.pool().await;
    let mut candles = data::walk("LIVEUSDT", Interval::Min1, 1_700_000_040_000, 61, 5);
    let closed_last = candles.pop().unwrap();
    data::publish(&js, &subjects, &candles).await;
    let app = start(config).await;
    wait_until("closed candles stored", Duration::from_secs(30), || async {
        (data::count_rows(&pool, "indicator_values", "LIVEUSDT").await == 60).then_some(())
    })
    .await;
    let mut live = client
        .subscribe(subjects.all(market_model::SubjectKind::LiveMetrics))
        .await
        .unwrap();
    client.flush().await.unwrap();

    // Act: the next candle, still in progress, with a different close than it will finally have.
    let mut in_progress = closed_last.clone();
    in_progress.closed = false;
    in_progress.close = closed_last.open;
    in_progress.high = in_progress.high.max(in_progress.close);
    in_progress.low = in_progress.low.min(in_progress.close);
    let mut buf = Vec::new();
    wire::encode(&in_progress, &mut buf).unwrap();
    let mut headers = HeaderMap::new();
    TraceContext::new_root(Some("live-req".into())).inject(&mut headers);
    client
        .publish_with_headers(subjects.for_candle(&in_progress), headers, buf.into())
        .await
        .unwrap();
    let message = tokio::time::timeout(Duration::from_secs(10), live.next())
        .await
        .unwrap()
        .unwrap();

    // Assert: the live snapshot is the peek of the state after 60 candles.
    let snapshot = MetricSnapshot::decode(&message.payload).unwrap();
    assert!(!snapshot.closed);
    assert_eq!(snapshot.open_time, in_progress.open_time);
    assert_eq!(
        message.subject.as_str(),
        subjects.live_metrics(&snapshot.exchange, &snapshot.symbol, Interval::Min1)
    );
    assert_eq!(
        message
            .headers
            .as_ref()
            .unwrap()
            .get("X-Request-ID")
            .unwrap()
            .as_str(),
        "live-req"
    );
    let mut state = IndicatorState::default();
    for candle in &candles {
        state.update(&bar(candle)).unwrap();
    }
    let peeked = state.peek(&bar(&in_progress)).unwrap();
    // The candle JSON may come back an ulp off (serde_json), which cancellation in MACD amplifies: compare
    // with the indicator tolerance.
    let all = [candles.as_slice(), std::slice::from_ref(&in_progress)].concat();
    for field in Field::ALL {
        match (snapshot.indicators.get(field), peeked.get(field)) {
            (Some(a), Some(e)) => assert!(
                data::close_enough(a, e, data::scale(field.as_str(), &all)),
                "{field}: {a} vs {e}"
            ),
            (a, e) => assert_eq!(a, e, "{field}"),
        }
    }
    assert_eq!(
        data::count_rows(&pool, "indicator_values", "LIVEUSDT").await,
        60
    );
    assert_eq!(data::count_rows(&pool, "candles", "LIVEUSDT").await, 60);

    // Assert: the closed candle is computed from the untouched state.
    data::publish(&js, &subjects, std::slice::from_ref(&closed_last)).await;
    wait_until("closed candle stored", Duration::from_secs(30), || async {
        (data::count_rows(&pool, "indicator_values", "LIVEUSDT").await == 61).then_some(())
    })
    .await;
    candles.push(closed_last);
    let rows = data::stored(&pool, "LIVEUSDT", Interval::Min1).await;
    data::assert_matches_uninterrupted(&candles, &rows);
    app.stop().await;
}

fn bar(candle: &market_model::Candle) -> indicators::Candle {
    indicators::Candle {
        open_time_ms: candle.open_time,
        open: candle.open,
        high: candle.high,
        low: candle.low,
        close: candle.close,
        volume: candle.volume,
    }
}
