//! Publishes closed candles to JetStream and waits for every acknowledgement, with a bounded number in flight.
//!
//! JetStream's publish protocol is used directly (as nats.go's `PublishAsync` does): each publish carries the
//! reply subject `<inbox>.<sequence>`, one subscription receives every ack, and one sweep timer expires the
//! unanswered ones. Per candle that saves the request/response machinery of `jetstream::Context::publish`
//! (a oneshot channel, a semaphore permit, a boxed future and a timer each).
//!
//! While NATS is unreachable candles wait in a bounded buffer (readiness is already down through the NATS
//! check). A candle pushed out of a full buffer is never silently gone: its stream is marked in the
//! [`StreamBook`] and re-fetched by back-fill once NATS is back. `Nats-Msg-Id` makes the server drop the
//! duplicates this can cause.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_nats::connection::State;
use async_nats::{Message, StatusCode};
use bytes::Bytes;
use futures::{FutureExt, StreamExt};
use market_model::{Candle, Subjects, wire};
use metrics::{Counter, Gauge, Histogram};
use observability::CancellationToken;
use observability::catalog::common::{NATS_MESSAGES_PUBLISHED, NATS_PUBLISH_ERRORS};
use observability::catalog::data_collector::{
    CANDLES_PUBLISHED, EVENT_TO_PUBLISH, LAST_PUBLISHED, PUBLISH_BUFFERED,
};
use serde::Deserialize;
use tokio::sync::mpsc;

use crate::backfill::BackfillQueue;
use crate::book::{StreamBook, StreamKey};
use crate::clock::wall_ms;
use crate::headers::{HeaderCache, push_decimal};

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

/// A publish awaiting its ack.
struct InFlight {
    closed: Closed,
    sent: Instant,
}

/// Publishes awaiting their acks, indexed by their consecutive sequence numbers: a ring instead of a tree,
/// since sequences only grow and acks arrive nearly in order.
#[derive(Default)]
struct InFlightWindow {
    /// Sequence of `slots[0]`.
    first: u64,
    slots: VecDeque<Option<InFlight>>,
    len: usize,
}

impl InFlightWindow {
    fn len(&self) -> usize {
        self.len
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `sequence` must be above every sequence inserted before (skipped ones stay empty).
    fn insert(&mut self, sequence: u64, entry: InFlight) {
        if self.slots.is_empty() {
            self.first = sequence;
        }
        let Some(index) = sequence
            .checked_sub(self.first)
            .and_then(|i| usize::try_from(i).ok())
            .filter(|i| *i >= self.slots.len())
        else {
            debug_assert!(false, "in-flight sequences must grow");
            return;
        };
        self.slots.resize_with(index, || None);
        self.slots.push_back(Some(entry));
        self.len += 1;
    }

    fn remove(&mut self, sequence: u64) -> Option<InFlight> {
        let index = usize::try_from(sequence.checked_sub(self.first)?).ok()?;
        let entry = self.slots.get_mut(index)?.take()?;
        self.len -= 1;
        self.trim();
        Some(entry)
    }

    /// The oldest entry, if it was sent before `cutoff`.
    fn pop_sent_before(&mut self, cutoff: Instant) -> Option<InFlight> {
        let oldest = self.slots.front()?.as_ref()?;
        if oldest.sent >= cutoff {
            return None;
        }
        let entry = self.slots.pop_front().flatten();
        self.first += 1;
        self.len -= 1;
        self.trim();
        entry
    }

    fn trim(&mut self) {
        while matches!(self.slots.front(), Some(None)) {
            self.slots.pop_front();
            self.first += 1;
        }
    }
}

/// The JetStream ack (`{"stream":"CANDLES","seq":42,"duplicate":true}`) or error reply.
#[derive(Deserialize)]
struct Ack {
    #[serde(default)]
    duplicate: bool,
    error: Option<AckError>,
}

#[derive(Deserialize)]
struct AckError {
    #[serde(default)]
    description: String,
}

/// Room for one encoded candle (about 330 bytes), so encoding never grows the buffer.
const PAYLOAD_CAPACITY: usize = 512;

pub struct PublisherSettings {
    pub max_in_flight: usize,
    pub buffer: usize,
    pub ack_timeout: Duration,
}

/// The publishing task's state.
pub struct Publisher {
    client: async_nats::Client,
    subjects: Subjects,
    book: Arc<StreamBook>,
    backfill: BackfillQueue,
    settings: PublisherSettings,
    buffer: VecDeque<Closed>,
    in_flight: InFlightWindow,
    next_sequence: u64,
    inbox: String,
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
        subjects: Subjects,
        book: Arc<StreamBook>,
        backfill: BackfillQueue,
        settings: PublisherSettings,
    ) -> Self {
        let inbox = client.new_inbox();
        Self {
            client,
            subjects,
            book,
            backfill,
            settings,
            buffer: VecDeque::new(),
            in_flight: InFlightWindow::default(),
            next_sequence: 0,
            inbox,
            payload: Vec::with_capacity(PAYLOAD_CAPACITY),
            meters: Meters::new(),
            newest_open_time: i64::MIN,
            headers: HeaderCache::default(),
        }
    }

    /// Runs until shutdown; then waits (briefly) for the acknowledgements already in flight.
    pub async fn run(mut self, mut rx: mpsc::Receiver<Closed>, shutdown: CancellationToken) {
        let mut acks = match self.client.subscribe(format!("{}.*", self.inbox)).await {
            Ok(acks) => acks,
            Err(error) => {
                tracing::error!(%error, "cannot subscribe to JetStream acks");
                return;
            }
        };
        let cancelled = shutdown.cancelled_owned();
        tokio::pin!(cancelled);
        let mut sweep = tokio::time::interval(Duration::from_millis(100));
        sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            self.send_from_buffer().await;
            self.meters.buffered.set(self.buffer.len() as f64);
            tokio::select! {
                biased;
                () = &mut cancelled => break,
                Some(ack) = acks.next() => {
                    self.on_ack(&ack);
                    while let Some(Some(ack)) = acks.next().now_or_never() {
                        self.on_ack(&ack);
                    }
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
                _ = sweep.tick() => {
                    self.expire();
                    self.recover_lost();
                }
            }
        }
        let drain = async {
            while !self.in_flight.is_empty() {
                match acks.next().await {
                    Some(ack) => self.on_ack(&ack),
                    None => break,
                }
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
                Ok(sequence) => {
                    let sent = Instant::now();
                    self.in_flight.insert(sequence, InFlight { closed, sent });
                }
                Err(error) => {
                    tracing::warn!(%error, "JetStream publish failed; keeping the candle");
                    self.meters.nats_errors.increment(1);
                    self.buffer.push_front(closed);
                    return;
                }
            }
        }
    }

    /// Sends one candle with the reply subject `<inbox>.<sequence>`; returns the sequence.
    async fn publish(&mut self, closed: &Closed) -> Result<u64, PublishFailed> {
        let candle = &closed.candle;
        wire::encode(candle, &mut self.payload)?;
        let (subject, headers) = self.headers.closed(&self.subjects, candle);
        self.next_sequence += 1;
        let sequence = self.next_sequence;
        let mut reply = String::with_capacity(self.inbox.len() + 21);
        reply.push_str(&self.inbox);
        reply.push('.');
        push_decimal(&mut reply, sequence as i64);
        let payload = Bytes::from(std::mem::replace(
            &mut self.payload,
            Vec::with_capacity(PAYLOAD_CAPACITY),
        ));
        self.client
            .publish_with_reply_and_headers(subject, reply, headers, payload)
            .await?;
        Ok(sequence)
    }

    /// Publishes nobody answered within the ack timeout go back to the front of the buffer; the retry
    /// carries the same `Nats-Msg-Id`, so one the server did store is dropped as a duplicate.
    fn expire(&mut self) {
        let Some(cutoff) = Instant::now().checked_sub(self.settings.ack_timeout) else {
            return;
        };
        let mut expired = Vec::new();
        while let Some(entry) = self.in_flight.pop_sent_before(cutoff) {
            expired.push(entry.closed);
        }
        if !expired.is_empty() {
            tracing::debug!(
                count = expired.len(),
                "no JetStream acknowledgement; publishing again"
            );
            self.meters.nats_errors.increment(expired.len() as u64);
        }
        for closed in expired.into_iter().rev() {
            self.buffer.push_front(closed);
        }
    }

    fn on_ack(&mut self, message: &Message) {
        let Some(sequence) = message
            .subject
            .as_str()
            .rsplit('.')
            .next()
            .and_then(|s| s.parse::<u64>().ok())
        else {
            return;
        };
        // Not in flight: answered after it expired and was already sent again.
        let Some(InFlight { closed, .. }) = self.in_flight.remove(sequence) else {
            return;
        };
        let ack = if message.status == Some(StatusCode::NO_RESPONDERS) {
            Err("no stream listens on the subject".to_owned())
        } else {
            match serde_json::from_slice::<Ack>(&message.payload) {
                Ok(Ack { error: Some(e), .. }) => Err(e.description),
                Ok(ack) => Ok(ack.duplicate),
                Err(e) => Err(format!("unreadable ack: {e}")),
            }
        };
        match ack {
            Ok(duplicate) => self.acknowledged(&closed, duplicate),
            Err(error) => {
                self.meters.nats_errors.increment(1);
                tracing::warn!(%error, "JetStream rejected a candle; publishing again");
                self.buffer.push_front(closed);
            }
        }
    }

    fn acknowledged(&mut self, closed: &Closed, duplicate: bool) {
        let candle = &closed.candle;
        if !duplicate {
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
}

#[derive(Debug, thiserror::Error)]
enum PublishFailed {
    #[error("cannot encode a parsed candle: {0}")]
    Encode(#[from] wire::WireError),
    #[error(transparent)]
    Publish(#[from] async_nats::PublishError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_candles::bar;

    fn entry(open_time: i64, sent: Instant) -> InFlight {
        InFlight {
            closed: Closed {
                candle: bar(open_time, true),
                source: Source::Stream,
            },
            sent,
        }
    }

    #[test]
    fn the_window_finds_acks_in_any_order_and_expires_oldest_first() {
        let t0 = Instant::now();
        let mut window = InFlightWindow::default();
        for sequence in 1..=5 {
            window.insert(
                sequence,
                entry(sequence as i64, t0 + Duration::from_millis(sequence)),
            );
        }
        // Sequence 6 failed to send; 7 follows it.
        window.insert(7, entry(7, t0 + Duration::from_millis(7)));
        assert_eq!(window.len(), 6);
        assert_eq!(window.remove(3).unwrap().closed.candle.open_time, 3);
        assert!(window.remove(3).is_none(), "answered twice");
        assert!(window.remove(6).is_none(), "never sent");
        assert!(window.remove(99).is_none() && window.remove(0).is_none());
        assert_eq!(window.remove(1).unwrap().closed.candle.open_time, 1);
        let expired: Vec<i64> =
            std::iter::from_fn(|| window.pop_sent_before(t0 + Duration::from_millis(5)))
                .map(|e| e.closed.candle.open_time)
                .collect();
        assert_eq!(expired, [2, 4], "sent before the cutoff, oldest first");
        assert_eq!(window.len(), 2);
        assert_eq!(window.remove(7).unwrap().closed.candle.open_time, 7);
        assert_eq!(window.remove(5).unwrap().closed.candle.open_time, 5);
        assert!(window.is_empty());
        window.insert(8, entry(8, t0));
        assert_eq!(window.remove(8).unwrap().closed.candle.open_time, 8);
    }
}
