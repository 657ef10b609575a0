//! Publishing metric snapshots: closed ones to the METRICS stream (deduplicated by `Nats-Msg-Id`, acks
//! awaited), in-progress ones on core NATS. Both carry the request id and trace of the candle behind them.

use async_nats::jetstream::{self, context::PublishError};
use async_nats::{HeaderMap, HeaderName, HeaderValue};
use bytes::Bytes;
use market_model::snapshot::SNAPSHOT_CONTENT_TYPE;
use market_model::wire::{CONTENT_TYPE_HEADER, MSG_ID_HEADER};
use market_model::{MetricSnapshot, Subjects};
use observability::TraceContext;
use observability::catalog::common::{NATS_MESSAGES_PUBLISHED, NATS_PUBLISH_ERRORS};

#[derive(Debug, thiserror::Error)]
pub enum SnapshotPublishError {
    #[error("cannot encode snapshot: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("snapshot not acknowledged by JetStream: {0}")]
    Publish(#[from] PublishError),
    #[error("cannot publish live snapshot: {0}")]
    Live(#[from] async_nats::PublishError),
}

/// A snapshot with the trace of the candle it came from.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub snapshot: MetricSnapshot,
    pub trace: Option<TraceContext>,
}

/// Header names resolved at compile time (parsing them per message showed in profiles).
const CONTENT_TYPE: HeaderName = HeaderName::from_static(CONTENT_TYPE_HEADER);
const MSG_ID: HeaderName = HeaderName::from_static(MSG_ID_HEADER);

fn headers(outgoing: &Outgoing, msg_id: bool) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, SNAPSHOT_CONTENT_TYPE);
    if msg_id {
        headers.insert(MSG_ID, HeaderValue::from(outgoing.snapshot.msg_id()));
    }
    match &outgoing.trace {
        Some(trace) => trace.inject_child(&mut headers),
        None => TraceContext::new_root(None).inject(&mut headers),
    }
    headers
}

fn payload(snapshot: &MetricSnapshot) -> Result<Bytes, serde_json::Error> {
    let mut buf = Vec::with_capacity(768);
    snapshot.encode(&mut buf)?;
    Ok(Bytes::from(buf))
}

/// Publishes every closed snapshot, then awaits every ack. Safe to repeat after a failure: the stream drops
/// the copies it already has.
pub async fn closed(
    js: &jetstream::Context,
    subjects: &Subjects,
    batch: &[Outgoing],
) -> Result<(), SnapshotPublishError> {
    let counter = NATS_MESSAGES_PUBLISHED.counter_with(&[("kind", "metrics")]);
    let errors = NATS_PUBLISH_ERRORS.counter_with(&[("kind", "metrics")]);
    let mut acks = Vec::with_capacity(batch.len());
    for outgoing in batch {
        let s = &outgoing.snapshot;
        let subject = subjects.metrics(&s.exchange, &s.symbol, s.interval);
        match js
            .publish_with_headers(subject, headers(outgoing, true), payload(s)?)
            .await
        {
            Ok(ack) => acks.push(ack),
            Err(error) => {
                errors.increment(1);
                return Err(error.into());
            }
        }
    }
    let mut first_error = None;
    for ack in acks {
        match ack.await {
            Ok(_) => counter.increment(1),
            Err(error) => {
                errors.increment(1);
                first_error.get_or_insert(error);
            }
        }
    }
    first_error.map_or(Ok(()), |e| Err(e.into()))
}

/// Publishes an in-progress snapshot on `live.metrics.*` (fire and forget, like the live candle itself).
pub async fn live(
    client: &async_nats::Client,
    subjects: &Subjects,
    outgoing: &Outgoing,
) -> Result<(), SnapshotPublishError> {
    let s = &outgoing.snapshot;
    let subject = subjects.live_metrics(&s.exchange, &s.symbol, s.interval);
    let result = client
        .publish_with_headers(subject, headers(outgoing, false), payload(s)?)
        .await;
    match result {
        Ok(()) => {
            NATS_MESSAGES_PUBLISHED
                .counter_with(&[("kind", "live_metrics")])
                .increment(1);
            Ok(())
        }
        Err(error) => {
            NATS_PUBLISH_ERRORS
                .counter_with(&[("kind", "live_metrics")])
                .increment(1);
            Err(error.into())
        }
    }
}
