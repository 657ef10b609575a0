//! Two replicas share the partitions; one is killed (SIGKILL) mid-stream; the survivor takes its share over and
//! every candle and indicator row ends up stored exactly once with a single run's values.

use std::collections::HashSet;
use std::time::Duration;

use futures::StreamExt;
use market_model::{Candle, Interval, Subjects};

use crate::data;
use crate::helpers::{ChildApp, isolated, wait_for_snapshots, wait_until};

const SYMBOLS: [&str; 8] = [
    "AAAUSDT", "BBBUSDT", "CCCUSDT", "DDDUSDT", "EEEUSDT", "FFFUSDT", "GGGUSDT", "HHHUSDT",
];
const PER_SYMBOL: usize = 400;

async fn lease_owners(
    js: &async_nats::jetstream::Context,
    subjects: &Subjects,
    partitions: u32,
) -> Vec<Option<String>> {
    let Ok(kv) = js
        .get_key_value(metrics_calculator::bucket_name(subjects))
        .await
    else {
        return vec![None; partitions as usize];
    };
    let mut owners = Vec::new();
    for p in 0..partitions {
        let owner = kv.get(format!("lease.p{p}")).await.ok().flatten();
        owners.push(owner.map(|b| String::from_utf8_lossy(&b).into_owned()));
    }
    owners
}

async fn total_rows(pool: &sqlx::PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM indicator_values")
        .fetch_one(pool)
        .await
        .unwrap_or(0)
}

#[tokio::test]
async fn a_killed_replicas_partitions_move_to_the_survivor_without_loss_or_duplicates() {
    // Arrange
    let (_nats, database, config) = isolated().await;
    let subjects = Subjects::new(&config.common.nats_namespace).unwrap();
    let js = data::jetstream(&config.common.nats_url, &subjects).await;
    let pool = database.pool().await;
    let series: Vec<Vec<Candle>> = SYMBOLS
        .iter()
        .enumerate()
        .map(|(i, s)| data::walk(s, Interval::Min1, 1_700_000_040_000, PER_SYMBOL, i as u64))
        .collect();
    let in_time_order = |range: std::ops::Range<usize>| -> Vec<Candle> {
        range
            .flat_map(|i| series.iter().map(move |s| s[i].clone()))
            .collect()
    };
    data::publish(&js, &subjects, &in_time_order(0..PER_SYMBOL / 2)).await;
    let partitions = "4";
    let extra = [("CALC_PARTITIONS", partitions), ("CALC_FLUSH_SIZE", "100")];
    let mut a = ChildApp::spawn(&config.common, "replica-a", &extra);
    let b = ChildApp::spawn(&config.common, "replica-b", &extra);

    // Both replicas hold a share of the partitions.
    wait_until(
        "both replicas own partitions",
        Duration::from_secs(30),
        || async {
            let owners = lease_owners(&js, &subjects, 4).await;
            let distinct: HashSet<_> = owners.iter().flatten().collect();
            (owners.iter().all(Option::is_some) && distinct.len() == 2).then_some(())
        },
    )
    .await;
    wait_until("some candles stored", Duration::from_secs(30), || async {
        (total_rows(&pool).await > 0).then_some(())
    })
    .await;

    // Act: kill one replica mid-stream, publish the rest.
    a.kill();
    data::publish(&js, &subjects, &in_time_order(PER_SYMBOL / 2..PER_SYMBOL)).await;

    // Assert: the survivor owns every partition and everything is stored once with single-run values.
    wait_until(
        "survivor owns every partition",
        Duration::from_secs(30),
        || async {
            let owners = lease_owners(&js, &subjects, 4).await;
            owners
                .iter()
                .all(|o| o.as_deref() == Some("replica-b"))
                .then_some(())
        },
    )
    .await;
    let total = (SYMBOLS.len() * PER_SYMBOL) as i64;
    wait_until("every candle stored", Duration::from_secs(60), || async {
        (total_rows(&pool).await == total).then_some(())
    })
    .await;
    for (symbol, candles) in SYMBOLS.iter().zip(&series) {
        assert_eq!(
            data::count_rows(&pool, "candles", symbol).await,
            PER_SYMBOL as i64
        );
        let rows = data::stored(&pool, symbol, Interval::Min1).await;
        data::assert_matches_uninterrupted(candles, &rows);
    }
    let metrics = wait_for_snapshots(&js, &subjects, total as u64).await;
    let consumer = metrics
        .create_consumer(async_nats::jetstream::consumer::pull::OrderedConfig::default())
        .await
        .unwrap();
    let mut seen = HashSet::new();
    let mut messages = consumer.messages().await.unwrap().take(total as usize);
    while let Some(message) = messages.next().await {
        let message = message.unwrap();
        let id = message
            .headers
            .as_ref()
            .unwrap()
            .get("Nats-Msg-Id")
            .unwrap()
            .as_str()
            .to_owned();
        assert!(seen.insert(id), "duplicate snapshot");
    }
    drop(b);
}
