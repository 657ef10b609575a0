//! Reading back what a collector stored in its CANDLES stream, and what the simulator says it should be.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use async_nats::jetstream;
use exchange_sim::RunningSim;
use futures::StreamExt;
use market_model::{Interval, Subjects, wire};

/// Every candle in the namespace's CANDLES stream: how often each (symbol, interval, open time) is stored.
pub async fn stored(nats_url: &str, namespace: &str) -> BTreeMap<(String, Interval, i64), usize> {
    let client = async_nats::connect(nats_url).await.unwrap();
    let js = jetstream::new(client);
    let subjects = Subjects::new(namespace).unwrap();
    let mut counts = BTreeMap::new();
    let Ok(mut stream) = js.get_stream(subjects.candles_stream()).await else {
        return counts;
    };
    let total = stream.info().await.unwrap().state.messages;
    if total == 0 {
        return counts;
    }
    let consumer = stream
        .create_consumer(jetstream::consumer::pull::OrderedConfig::default())
        .await
        .unwrap();
    let mut messages = consumer.messages().await.unwrap().take(total as usize);
    while let Some(message) = messages.next().await {
        let message = message.unwrap();
        let candle = wire::decode(&message.payload).unwrap();
        let headers = message.headers.as_ref().unwrap();
        assert_eq!(
            headers.get("Nats-Msg-Id").unwrap().as_str(),
            wire::msg_id(&candle)
        );
        assert!(headers.get("traceparent").is_some() && headers.get("X-Request-ID").is_some());
        *counts
            .entry((candle.symbol.to_string(), candle.interval, candle.open_time))
            .or_insert(0) += 1;
    }
    counts
}

/// For each stream in `stored`, the simulator's closed candles between the first and last stored open time.
pub async fn expected(
    sim: &RunningSim,
    stored: &BTreeMap<(String, Interval, i64), usize>,
) -> BTreeMap<(String, Interval, i64), usize> {
    let mut ranges: HashMap<(String, Interval), (i64, i64)> = HashMap::new();
    for (symbol, interval, open) in stored.keys() {
        let range = ranges
            .entry((symbol.clone(), *interval))
            .or_insert((*open, *open));
        range.0 = range.0.min(*open);
        range.1 = range.1.max(*open);
    }
    let http = reqwest::Client::new();
    let mut expected = BTreeMap::new();
    for ((symbol, interval), (first, last)) in ranges {
        let mut start = first;
        while start <= last {
            let url = format!(
                "{}/api/v3/klines?symbol={symbol}&interval={interval}&startTime={start}&endTime={last}&limit=1000",
                sim.rest_url()
            );
            let rows: Vec<serde_json::Value> =
                http.get(url).send().await.unwrap().json().await.unwrap();
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let open = row[0].as_i64().unwrap();
                expected.insert((symbol.clone(), interval, open), 1);
                start = interval.next_open(open);
            }
        }
    }
    expected
}

/// Polls until every stored stream is gap-free and free of duplicates (or the time is up), then returns
/// (stored, expected) for the final assertion.
pub async fn settle(
    sim: &RunningSim,
    nats_url: &str,
    namespace: &str,
    timeout: Duration,
) -> (
    BTreeMap<(String, Interval, i64), usize>,
    BTreeMap<(String, Interval, i64), usize>,
) {
    let deadline = Instant::now() + timeout;
    loop {
        let got = stored(nats_url, namespace).await;
        let want = expected(sim, &got).await;
        if (got == want && !got.is_empty()) || Instant::now() > deadline {
            return (got, want);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Like [`settle`], but also waits until the stored range reaches past `after_ms`: `settle` only compares the
/// range stored so far, so right after an outage or a restart it can agree before the newest candles arrive.
pub async fn settle_past(
    sim: &RunningSim,
    nats_url: &str,
    namespace: &str,
    after_ms: i64,
    timeout: Duration,
) -> (
    BTreeMap<(String, Interval, i64), usize>,
    BTreeMap<(String, Interval, i64), usize>,
) {
    let deadline = Instant::now() + timeout;
    loop {
        let (got, want) = settle(sim, nats_url, namespace, Duration::from_secs(5)).await;
        let newest = got
            .keys()
            .map(|(_, _, open)| *open)
            .max()
            .unwrap_or(i64::MIN);
        if (got == want && newest > after_ms) || Instant::now() > deadline {
            return (got, want);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Describes the differences between stored and expected candles (for assertion messages).
pub fn diff(
    got: &BTreeMap<(String, Interval, i64), usize>,
    want: &BTreeMap<(String, Interval, i64), usize>,
) -> String {
    let missing: Vec<_> = want
        .keys()
        .filter(|k| !got.contains_key(*k))
        .take(10)
        .collect();
    let extra: Vec<_> = got
        .keys()
        .filter(|k| !want.contains_key(*k))
        .take(10)
        .collect();
    let duplicated: Vec<_> = got.iter().filter(|(_, n)| **n > 1).take(10).collect();
    format!(
        "stored {} expected {}; missing {missing:?}; unexpected {extra:?}; duplicated {duplicated:?}",
        got.len(),
        want.len()
    )
}
