//! One shard of streams kept on one connection: reconnects with capped exponential backoff and jitter,
//! follows universe changes with SUBSCRIBE/UNSUBSCRIBE, and replaces its connection before the exchange's
//! lifetime limit or on `serverShutdown` by opening the new one first and closing the old one only when the
//! new one is subscribed, so no update is missed (the overlap's duplicates are dropped by the book).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use observability::CancellationToken;
use observability::catalog::data_collector::WEBSOCKET_RECONNECTS;
use platform::Backoff;
use tokio::sync::{mpsc, watch};

use crate::ws::WsContext;
use crate::ws::session::{Command, EndReason, Event, Session};

static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);

struct Live {
    id: u64,
    commands: mpsc::Sender<Command>,
}

pub struct Shard {
    pub ctx: Arc<WsContext>,
    pub index: usize,
    pub streams: watch::Receiver<BTreeSet<String>>,
    pub shutdown: CancellationToken,
}

impl Shard {
    pub async fn run(mut self) {
        let (events_tx, mut events) = mpsc::channel(16);
        let mut backoff = Backoff::new(
            Duration::from_millis(250),
            self.ctx.settings.reconnect_max_delay,
        );
        let mut wanted: BTreeSet<String> = self.streams.borrow_and_update().clone();
        let mut current = Some(self.start(&wanted, false, &events_tx));
        let mut next: Option<Live> = None;
        let mut sessions = 1usize;
        loop {
            tokio::select! {
                changed = self.streams.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    let new = self.streams.borrow_and_update().clone();
                    let removed: Vec<String> = wanted.difference(&new).cloned().collect();
                    let added: Vec<String> = new.difference(&wanted).cloned().collect();
                    for live in current.iter().chain(next.iter()) {
                        if !removed.is_empty() {
                            let _ = live.commands.send(Command::Unsubscribe(removed.clone())).await;
                        }
                        if !added.is_empty() {
                            let _ = live.commands.send(Command::Subscribe(added.clone())).await;
                        }
                    }
                    wanted = new;
                    if wanted.is_empty() {
                        break;
                    }
                }
                Some(event) = events.recv() => match event {
                    Event::Ready(id) => {
                        if next.as_ref().is_some_and(|n| n.id == id) {
                            if let Some(old) = current.take() {
                                let _ = old.commands.send(Command::Close).await;
                            }
                            current = next.take();
                        }
                        if current.as_ref().is_some_and(|c| c.id == id) {
                            backoff.reset();
                        }
                    }
                    Event::RotateDue(id) | Event::ServerShutdown(id) => {
                        if current.as_ref().is_some_and(|c| c.id == id) && next.is_none() {
                            let why = match event {
                                Event::ServerShutdown(_) => "server_shutdown",
                                _ => "rotation",
                            };
                            WEBSOCKET_RECONNECTS.counter_with(&[("reason", why)]).increment(1);
                            tracing::info!(shard = self.index, "replacing the connection before the server closes it");
                            next = Some(self.start(&wanted, false, &events_tx));
                            sessions += 1;
                        }
                    }
                    Event::Ended(id, reason) => {
                        sessions -= 1;
                        if next.as_ref().is_some_and(|n| n.id == id) {
                            next = None;
                        } else if current.as_ref().is_some_and(|c| c.id == id) {
                            current = next.take();
                            if reason == EndReason::Shutdown {
                                break;
                            }
                            if current.is_none() {
                                WEBSOCKET_RECONNECTS.counter_with(&[("reason", reason.label())]).increment(1);
                                let delay = backoff.next_delay();
                                tracing::warn!(shard = self.index, reason = reason.label(), ?delay, "exchange connection lost; reconnecting");
                                tokio::select! {
                                    () = self.shutdown.cancelled() => break,
                                    () = tokio::time::sleep(delay) => {}
                                }
                                current = Some(self.start(&wanted, true, &events_tx));
                                sessions += 1;
                            }
                        }
                    }
                },
                () = self.shutdown.cancelled() => break,
            }
        }
        for live in current.iter().chain(next.iter()) {
            let _ = live.commands.send(Command::Close).await;
        }
        // Sessions end on Close or on shutdown; wait so their sockets are closed politely.
        while sessions > 0 {
            match tokio::time::timeout(Duration::from_secs(3), events.recv()).await {
                Ok(Some(Event::Ended(..))) => sessions -= 1,
                Ok(Some(_)) => {}
                _ => break,
            }
        }
    }

    fn start(
        &self,
        streams: &BTreeSet<String>,
        backfill: bool,
        events: &mpsc::Sender<Event>,
    ) -> Live {
        let id = NEXT_SESSION.fetch_add(1, Ordering::Relaxed);
        let (commands, rx) = mpsc::channel(16);
        let session = Session {
            ctx: Arc::clone(&self.ctx),
            id,
            streams: streams.iter().cloned().collect(),
            backfill,
            commands: rx,
            events: events.clone(),
            shutdown: self.shutdown.clone(),
        };
        tokio::spawn(session.run());
        Live { id, commands }
    }
}
