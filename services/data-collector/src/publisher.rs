//! Publishes closed candles to JetStream and waits for every acknowledgement, with a bounded number in flight.
//!
//! While NATS is unreachable candles wait in a bounded buffer (readiness is already down through the NATS
//! check). A candle pushed out of a full buffer is never silently gone: its stream is marked in the
//! [`StreamBook`] and re-fetched by back-fill once NATS is back. `Nats-Msg-Id` makes the server drop the
//! duplicates this can cause.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use async_nats::connection::State;
use async_nats::jetstream::{self, context::PublishError, publish::PublishAck};
use bytes::Bytes;
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use market_model::{Candle, Subjects, wire};
use metrics::{Counter, Gauge, Histogram};
use observability::CancellationToken;
use observability::catalog::common::{NATS_MESSAGES_PUBLISHED, NATS_PUBLISH_ERRORS};
use observability::catalog::data_collector::{
    CANDLES_PUBLISHED, EVENT_TO_PUBLISH, LAST_PUBLISHED, PUBLISH_BUFFERED,
};
use tokio::sync::mpsc;

use crate::backfill::BackfillQueue;
use crate::book::{StreamBook, StreamKey};
use crate::clock::wall_ms;
use crate::headers::HeaderCache;

/// Where a closed candle came from (the `source` label of `candles_published_total`; back-filled
/// candles are left out of the event-to-ack latency, their event time is the bar's close).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Stream,
    Backfill,
}

#[derive(Debug)]
pub struct Closed {
    pub candle: Candle,
    pub source: Source,
}

type AckFuture = Pin<Box<dyn Future<Output = (Closed, Result<PublishAck, PublishError>)> + Send>>;

pub struct PublisherSettings {
    pub max_in_flight: usize,
    pub buffer: usize,
}

/// The publishing task's state.
pub struct Publisher {
    client: async_nats::Client,
    js: jetstream::Context,
    subjects: Subjects,
    book: Arc<StreamBook>,
    backfill: BackfillQueue,
    settings: PublisherSettings,
    buffer: VecDeque<Closed>,
    in_flight: FuturesUnordered<AckFuture>,
    payload: Vec<u8>,
    meters: Meters,
    newest_open_time: i64,
    headers: HeaderCache,
}

/// Metric handles resolved once: looking a labelled series up per candle would cost more than publishing.
struct Meters {
    from_stream: Counter,
    from_backfill: Counter,
    nats_published: Counter,
    nats_errors: Counter,
    latency: Histogram,
    last_published: Gauge,
    buffered: Gauge,
}

impl Meters {
    fn new() -> Self {
        Self {
            from_stream: CANDLES_PUBLISHED.counter_with(&[("source", "stream")]),
            from_backfill: CANDLES_PUBLISHED.counter_with(&[("source", "backfill")]),
            nats_published: NATS_MESSAGES_PUBLISHED.counter_with(&[("kind", "candles")]),
            nats_errors: NATS_PUBLISH_ERRORS.counter_with(&[("kind", "candles")]),
            latency: EVENT_TO_PUBLISH.histogram(),
            last_published: LAST_PUBLISHED.gauge(),
            buffered: PUBLISH_BUFFERED.gauge(),
        }
    }
}

impl Publisher {
    pub fn new(
        client: async_nats::Client,
        js: jetstream::Context,
        subjects: Subjects,
        book: Arc<StreamBook>,
        backfill: BackfillQueue,
        settings: PublisherSettings,
    ) -> Self {
        Self {
            client,
            js,
            subjects,
            book,
            backfill,
            settings,
            buffer: VecDeque::new(),
            in_flight: FuturesUnordered::new(),
            payload: Vec::with_capacity(512),
            meters: Meters::new(),
            newest_open_time: i64::MIN,
            headers: HeaderCache::default(),
        }
    }

    /// Runs until shutdown; then waits (briefly) for the acknowledgements already in flight.
    pub async fn run(mut self, mut rx: mpsc::Receiver<Closed>, shutdown: CancellationToken) {
        let cancelled = shutdown.cancelled_owned();
        tokio::pin!(cancelled);
        let mut recheck = tokio::time::interval(Duration::from_millis(100));
        recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            self.send_from_buffer().await;
            self.meters.buffered.set(self.buffer.len() as f64);
            tokio::select! {
                biased;
                () = &mut cancelled => break,
                Some((closed, result)) = self.in_flight.next(), if !self.in_flight.is_empty() => {
                    self.on_ack(closed, result);
                }
                received = rx.recv() => match received {
                    Some(closed) => {
                        self.enqueue(closed);
                        while self.buffer.len() < self.settings.buffer.max(1) {
                            match rx.try_recv() {
                                Ok(closed) => self.enqueue(closed),
                                Err(_) => break,
                            }
                        }
                    }
                    None => break,
                },
                _ = recheck.tick() => self.recover_lost(),
            }
        }
        let drain = async {
            while let Some((closed, result)) = self.in_flight.next().await {
                self.on_ack(closed, result);
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(2), drain).await;
    }

    fn connected(&self) -> bool {
        self.client.connection_state() == State::Connected
    }

    fn enqueue(&mut self, closed: Closed) {
        if self.buffer.len() >= self.settings.buffer.max(1)
            && let Some(oldest) = self.buffer.pop_front()
        {
            // Recovered by back-fill once NATS is back (see `recover_lost`).
            self.book
                .mark_lost(&StreamKey::of(&oldest.candle), oldest.candle.open_time);
        }
        self.buffer.push_back(closed);
    }

    /// Once NATS is reachable again, re-fetches what fell out of the buffer.
    fn recover_lost(&mut self) {
        if !self.connected() {
            return;
        }
        for (key, from) in self.book.take_lost() {
            tracing::info!(symbol = %key.symbol, interval = %key.interval, from, "back-filling candles dropped while NATS was down");
            self.backfill.push(key, Some(from), None);
        }
    }

    async fn send_from_buffer(&mut self) {
        while self.in_flight.len() < self.settings.max_in_flight.max(1) && self.connected() {
            let Some(closed) = self.buffer.pop_front() else {
                return;
            };
            match self.publish(&closed).await {
                Ok(ack) => self
                    .in_flight
                    .push(Box::pin(async move { (closed, ack.await) })),
                Err(error) => {
                    tracing::warn!(%error, "JetStream publish failed; keeping the candle");
                    self.meters.nats_errors.increment(1);
                    self.buffer.push_front(closed);
                    return;
                }
            }
        }
    }

    async fn publish(
        &mut self,
        closed: &Closed,
    ) -> Result<jetstream::context::PublishAckFuture, PublishError> {
        let candle = &closed.candle;
        if let Err(error) = wire::encode(candle, &mut self.payload) {
            // Candles are validated when parsed, so this is a bug; never publish a bad document.
            tracing::error!(%error, "cannot encode a parsed candle");
            return Err(PublishError::with_source(
                jetstream::context::PublishErrorKind::Other,
                error,
            ));
        }
        let (subject, headers) = self.headers.closed(&self.subjects, candle);
        let payload = Bytes::copy_from_slice(&self.payload);
        self.js
            .publish_with_headers(subject, headers, payload)
            .await
    }

    fn on_ack(&mut self, closed: Closed, result: Result<PublishAck, PublishError>) {
        match result {
            Ok(ack) => {
                let candle = &closed.candle;
                if !ack.duplicate {
                    match closed.source {
                        Source::Stream => self.meters.from_stream.increment(1),
                        Source::Backfill => self.meters.from_backfill.increment(1),
                    }
                    self.meters.nats_published.increment(1);
                }
                if closed.source == Source::Stream {
                    let latency_ms = (wall_ms() - candle.event_time).max(0);
                    self.meters.latency.record(latency_ms as f64 / 1000.0);
                }
                if candle.open_time > self.newest_open_time {
                    self.newest_open_time = candle.open_time;
                    self.meters
                        .last_published
                        .set((candle.open_time / 1000) as f64);
                }
            }
            Err(error) => {
                self.meters.nats_errors.increment(1);
                tracing::debug!(%error, "no JetStream acknowledgement; publishing again");
                // The server may have stored it anyway: the retry carries the same Nats-Msg-Id.
                self.buffer.push_front(closed);
            }
        }
    }
}
