//! JetStream streams, declared in code with explicit limits. Defined once here because several services
//! touch them (the collector publishes candles, the calculator consumes them and publishes metrics, the alert
//! engine consumes metrics): each declares the stream at start-up with exactly this configuration.

use std::time::Duration;

use async_nats::jetstream::{self, stream};
use market_model::{SubjectKind, Subjects};

/// Deduplication window: a candle re-published within it (reconnect, back-fill, restart) with the same
/// `Nats-Msg-Id` is dropped by the server. Publishers also start back-fills after the last stored candle, so
/// the window is a second line of defence, sized for long outages.
pub const DUPLICATE_WINDOW: Duration = Duration::from_secs(3600);

/// Byte caps. JetStream reserves a file stream's `max_bytes` from the server's storage up front, so the caps are
/// sized for the default universe (100 symbols x 6 intervals: about 0.5 GB of candles a week) rather than
/// generously; when a cap is reached the oldest messages go (the database keeps the history).
pub const CANDLES_MAX_BYTES: i64 = 2 * 1024 * 1024 * 1024;
pub const METRICS_MAX_BYTES: i64 = 1024 * 1024 * 1024;

/// Closed candles: `candles.<exchange>.<symbol>.<interval>`, kept 7 days (consumers replay from here after
/// outages; the database keeps history).
pub fn candles(subjects: &Subjects) -> stream::Config {
    stream::Config {
        name: subjects.candles_stream(),
        description: Some("Closed candles from the data-collector".into()),
        subjects: vec![subjects.all(SubjectKind::Candles)],
        retention: stream::RetentionPolicy::Limits,
        storage: stream::StorageType::File,
        max_age: Duration::from_secs(7 * 24 * 3600),
        max_bytes: CANDLES_MAX_BYTES,
        max_message_size: 64 * 1024,
        discard: stream::DiscardPolicy::Old,
        duplicate_window: DUPLICATE_WINDOW,
        num_replicas: 1,
        allow_direct: true,
        ..Default::default()
    }
}

/// Closed-bar metric snapshots: `metrics.<exchange>.<symbol>.<interval>`, kept 2 days for the alert engine.
pub fn metrics(subjects: &Subjects) -> stream::Config {
    stream::Config {
        name: subjects.metrics_stream(),
        description: Some("Closed-bar metric snapshots from the metrics-calculator".into()),
        subjects: vec![subjects.all(SubjectKind::Metrics)],
        retention: stream::RetentionPolicy::Limits,
        storage: stream::StorageType::File,
        max_age: Duration::from_secs(2 * 24 * 3600),
        max_bytes: METRICS_MAX_BYTES,
        max_message_size: 64 * 1024,
        discard: stream::DiscardPolicy::Old,
        duplicate_window: DUPLICATE_WINDOW,
        num_replicas: 1,
        allow_direct: true,
        ..Default::default()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("cannot create stream {name}: {source}")]
    Create {
        name: String,
        source: jetstream::context::CreateStreamError,
    },
    #[error("cannot update stream {name}: {source}")]
    Update {
        name: String,
        source: jetstream::context::UpdateStreamError,
    },
}

/// Creates the stream, or brings an existing one to `config` (limits changed between releases).
pub async fn ensure(
    js: &jetstream::Context,
    config: stream::Config,
) -> Result<stream::Stream, StreamError> {
    let name = config.name.clone();
    match js.get_stream(&name).await {
        Ok(mut existing) => {
            let current = existing.info().await.map(|info| info.config.clone()).ok();
            if current.as_ref().is_some_and(|c| same_limits(c, &config)) {
                return Ok(existing);
            }
            js.update_stream(config)
                .await
                .map_err(|source| StreamError::Update {
                    name: name.clone(),
                    source,
                })?;
            js.get_stream(&name).await.map_err(|e| StreamError::Create {
                name,
                source: jetstream::context::CreateStreamError::with_source(
                    jetstream::context::CreateStreamErrorKind::JetStreamUnavailable,
                    e,
                ),
            })
        }
        Err(_) => js
            .create_stream(config)
            .await
            .map_err(|source| StreamError::Create { name, source }),
    }
}

fn same_limits(a: &stream::Config, b: &stream::Config) -> bool {
    a.subjects == b.subjects
        && a.max_age == b.max_age
        && a.max_bytes == b.max_bytes
        && a.duplicate_window == b.duplicate_window
        && a.max_message_size == b.max_message_size
        && a.discard == b.discard
}
