//! The durable "last closed candle" of each stream is the CANDLES stream itself: the last message stored
//! on `candles.<exchange>.<symbol>.<interval>`, read with a direct get. Nothing else has to be kept in sync,
//! and a collector restarted anywhere resumes exactly where the stream ends.

use async_nats::jetstream::stream::{DirectGetErrorKind, Stream};
use futures::StreamExt;
use market_model::{ExchangeId, Subjects, wire};

use crate::book::StreamKey;

/// Reads of the stream at once; keeps start-up with thousands of streams quick without flooding NATS.
const CONCURRENT_READS: usize = 32;

#[derive(Debug, thiserror::Error)]
#[error("cannot read the last candle of {subject}: {source}")]
pub struct CheckpointError {
    subject: String,
    source: async_nats::jetstream::stream::DirectGetError,
}

/// The open time of the newest stored candle of each stream (`None`: nothing stored).
pub async fn load(
    stream: &Stream,
    subjects: &Subjects,
    exchange: &ExchangeId,
    keys: Vec<StreamKey>,
) -> Result<Vec<(StreamKey, Option<i64>)>, CheckpointError> {
    futures::stream::iter(keys)
        .map(|key| async move {
            let subject = subjects.candles(exchange, &key.symbol, key.interval);
            match stream.direct_get_last_for_subject(subject.clone()).await {
                Ok(message) => match wire::decode(&message.payload) {
                    Ok(candle) => Ok((key, Some(candle.open_time))),
                    Err(error) => {
                        // Not ours to judge: resume from scratch for this stream; dedup covers overlaps.
                        tracing::warn!(%subject, %error, "last stored candle is unreadable");
                        Ok((key, None))
                    }
                },
                Err(e) if e.kind() == DirectGetErrorKind::NotFound => Ok((key, None)),
                Err(source) => Err(CheckpointError { subject, source }),
            }
        })
        .buffer_unordered(CONCURRENT_READS)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}
