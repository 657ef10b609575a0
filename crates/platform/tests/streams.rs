//! Streams are declared idempotently against the real NATS server, with the limits the code states.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use market_model::Subjects;
use platform::streams;

#[tokio::test]
async fn streams_are_created_once_with_explicit_limits() {
    let client = async_nats::connect("nats://127.0.0.1:4222").await.unwrap();
    let js = async_nats::jetstream::new(client);
    let namespace = format!("t_{}", std::process::id());
    let subjects = Subjects::new(&format!("{namespace}_{}", rand_suffix())).unwrap();
    let config = streams::candles(&subjects);
    let name = config.name.clone();

    let mut created = streams::ensure(&js, config.clone()).await.unwrap();
    let again = streams::ensure(&js, config).await.unwrap();
    let info = created.info().await.unwrap().clone();
    assert_eq!(again.cached_info().config.name, name);
    assert_eq!(info.config.duplicate_window, streams::DUPLICATE_WINDOW);
    assert_eq!(info.config.max_age, Duration::from_secs(7 * 24 * 3600));
    assert_eq!(
        info.config.subjects,
        vec![subjects.all(market_model::SubjectKind::Candles)]
    );

    let metrics = streams::ensure(&js, streams::metrics(&subjects))
        .await
        .unwrap();
    assert_ne!(metrics.cached_info().config.name, name);
    js.delete_stream(&name).await.unwrap();
    js.delete_stream(&metrics.cached_info().config.name)
        .await
        .unwrap();
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        % 1_000_000_007
}
