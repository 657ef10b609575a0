//! One WebSocket connection from open to close. Streams beyond what fits the URL are subscribed with paced
//! control messages; every outgoing frame (pongs included, which the WebSocket library sends by itself) is
//! kept under the exchange's per-connection message rate.

use std::sync::Arc;
use std::time::Duration;

use futures::{FutureExt, SinkExt, StreamExt};
use observability::CancellationToken;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use crate::pacing::SlidingWindow;
use crate::ws::WsContext;
use crate::ws::control::Control;
use crate::ws::frames::{After, FrameHandler, bad_input};

/// Streams named in the connection URL; the rest are subscribed with control messages (long URLs are
/// refused by some proxies and exchanges).
const URL_STREAMS: usize = 200;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const WATCHDOG_TICK: Duration = Duration::from_millis(250);
/// Frames handled per wake-up before other events get a turn.
const FRAMES_PER_WAKE: usize = 128;
/// How often silent streams are looked for, in watchdog ticks.
const QUIET_CHECK_TICKS: u32 = 20;

/// Why a session ended: the label of `websocket_reconnects_total{reason}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    Error,
    Closed,
    Stale,
    /// Replaced by a newer session (rotation or server shutdown), or told to close.
    Replaced,
    Shutdown,
}

impl EndReason {
    pub fn label(self) -> &'static str {
        match self {
            EndReason::Error => "error",
            EndReason::Closed => "closed",
            EndReason::Stale => "stale",
            EndReason::Replaced => "rotation",
            EndReason::Shutdown => "closed",
        }
    }
}

#[derive(Debug)]
pub enum Command {
    Subscribe(Vec<String>),
    Unsubscribe(Vec<String>),
    Close,
}

#[derive(Debug)]
pub enum Event {
    /// Connected and every subscription confirmed: an older session of the shard may close now.
    Ready(u64),
    RotateDue(u64),
    ServerShutdown(u64),
    Ended(u64, EndReason),
}

pub struct Session {
    pub ctx: Arc<WsContext>,
    pub id: u64,
    pub streams: Vec<String>,
    /// Back-fill every stream after connecting (a reconnect after a gap; not for a rotation).
    pub backfill: bool,
    pub commands: mpsc::Receiver<Command>,
    pub events: mpsc::Sender<Event>,
    pub shutdown: CancellationToken,
}

impl Session {
    pub async fn run(mut self) {
        let reason = self.connect_and_serve().await;
        let _ = self.events.send(Event::Ended(self.id, reason)).await;
    }

    async fn connect_and_serve(&mut self) -> EndReason {
        let ctx = Arc::clone(&self.ctx);
        tokio::select! {
            () = self.shutdown.cancelled() => return EndReason::Shutdown,
            () = async { ctx.connection_pacer.lock().await.acquire().await } => {}
        }
        let in_url = self.streams.len().min(URL_STREAMS);
        let url = match ctx.connector.ws_url(&self.streams[..in_url]) {
            Ok(url) => url,
            Err(error) => {
                tracing::error!(%error, "cannot build the stream URL");
                return EndReason::Error;
            }
        };
        let connected = tokio::select! {
            () = self.shutdown.cancelled() => return EndReason::Shutdown,
            r = tokio::time::timeout(CONNECT_TIMEOUT, tokio_tungstenite::connect_async(url)) => r,
        };
        let mut ws = match connected {
            Ok(Ok((ws, _))) => ws,
            Ok(Err(error)) => {
                bad_input(&ctx, "connection", &error);
                return EndReason::Error;
            }
            Err(_) => {
                bad_input(&ctx, "connection", &"connect timed out");
                return EndReason::Error;
            }
        };
        ctx.open.opened();
        let opened = Instant::now();
        tracing::info!(
            session = self.id,
            streams = self.streams.len(),
            "exchange connection open"
        );
        let keys = ctx.keys_of(&self.streams);
        ctx.book.touch(&keys);
        if self.backfill {
            for key in keys {
                let from = ctx.book.resume_from(&key);
                ctx.backfill.push(key, from, None);
            }
        }
        let limits = ctx.connector.limits();
        let pacer = SlidingWindow::new(
            (limits.max_incoming_messages_per_second as usize).saturating_sub(1),
            Duration::from_secs(1),
        );
        let mut control = Control::default();
        control.queue(&ctx, true, &self.streams[in_url..]);
        let mut handler = FrameHandler::default();
        let mut state = Flow {
            control,
            pacer,
            last_data: Instant::now(),
            data_seen: false,
            now: Instant::now(),
        };
        let mut rotation_asked = false;
        let mut ready_sent = false;
        let mut ticks: u32 = 0;
        let mut watchdog = tokio::time::interval(WATCHDOG_TICK);
        let cancelled = self.shutdown.clone().cancelled_owned();
        tokio::pin!(cancelled);
        let reason = 'session: loop {
            if !ready_sent && state.control.idle() {
                ready_sent = true;
                let _ = self.events.send(Event::Ready(self.id)).await;
            }
            let next_send = state
                .control
                .pending
                .front()
                .map(|_| state.pacer.next_slot(Instant::now()));
            tokio::select! {
                () = &mut cancelled => break EndReason::Shutdown,
                frame = ws.next() => {
                    // Drain what is already buffered before going back to select! (one wake-up per batch).
                    let mut frame = frame;
                    for _ in 0..FRAMES_PER_WAKE {
                        if let Some(reason) = self.on_message(&ctx, frame, &mut handler, &mut state).await {
                            break 'session reason;
                        }
                        match ws.next().now_or_never() {
                            Some(next) => frame = next,
                            None => break,
                        }
                    }
                }
                command = self.commands.recv() => match command {
                    Some(Command::Subscribe(streams)) => {
                        state.control.queue(&ctx, true, &streams);
                        ctx.book.touch(&ctx.keys_of(&streams));
                        self.streams.extend(streams);
                    }
                    Some(Command::Unsubscribe(streams)) => {
                        state.control.queue(&ctx, false, &streams);
                        self.streams.retain(|s| !streams.contains(s));
                    }
                    Some(Command::Close) | None => break EndReason::Replaced,
                },
                () = sleep_until_opt(next_send) => {
                    if let Some(text) = state.control.pending.pop_front() {
                        state.pacer.record(Instant::now());
                        if let Err(error) = ws.send(Message::Text(text.into())).await {
                            bad_input(&ctx, "connection", &error);
                            break EndReason::Error;
                        }
                    }
                }
                _ = watchdog.tick() => {
                    let now = Instant::now();
                    state.now = now;
                    if std::mem::take(&mut state.data_seen) {
                        state.last_data = now;
                    }
                    if now.duration_since(state.last_data) >= ctx.settings.stale_after {
                        tracing::warn!(session = self.id, "no data on the connection; reconnecting");
                        break EndReason::Stale;
                    }
                    if !rotation_asked && now.duration_since(opened) >= ctx.settings.rotate_after {
                        rotation_asked = true;
                        let _ = self.events.send(Event::RotateDue(self.id)).await;
                    }
                    ticks = ticks.wrapping_add(1);
                    if ticks.is_multiple_of(QUIET_CHECK_TICKS) {
                        state.control.resubscribe_stale(&ctx, &self.streams);
                    }
                }
            }
        };
        let pacer = &mut state.pacer;
        ctx.open.closed();
        if reason != EndReason::Error && reason != EndReason::Closed {
            tokio::time::sleep_until(pacer.next_slot(Instant::now())).await;
            let _ = tokio::time::timeout(Duration::from_secs(2), ws.close(None)).await;
        }
        tracing::info!(
            session = self.id,
            reason = reason.label(),
            "exchange connection closed"
        );
        reason
    }
}

impl Session {
    /// Handles one read result; `Some` ends the session.
    async fn on_message(
        &self,
        ctx: &WsContext,
        frame: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
        handler: &mut FrameHandler,
        state: &mut Flow,
    ) -> Option<EndReason> {
        match frame {
            Some(Ok(Message::Text(text))) => {
                match handler.text(ctx, text.as_str(), state.now).await {
                    After::Data => state.data_seen = true,
                    After::Reply(id) => state.control.on_reply(id),
                    After::Continue => {}
                    After::ServerShutdown => {
                        let _ = self.events.send(Event::ServerShutdown(self.id)).await;
                    }
                    After::Stop => return Some(EndReason::Shutdown),
                }
            }
            // The library queues the pong and sends it with the next read: count it now.
            Some(Ok(Message::Ping(_))) => state.pacer.record(Instant::now()),
            Some(Ok(Message::Close(_))) | None => return Some(EndReason::Closed),
            Some(Ok(Message::Binary(_))) => bad_input(ctx, "protocol", &"unexpected binary frame"),
            Some(Ok(_)) => {}
            Some(Err(error)) => {
                bad_input(ctx, "connection", &error);
                return Some(EndReason::Error);
            }
        }
        None
    }
}

/// The mutable state of a session's loop.
struct Flow {
    control: Control,
    pacer: SlidingWindow,
    last_data: Instant,
    /// A kline arrived since the last watchdog tick (cheaper than reading the clock per frame).
    data_seen: bool,
    /// Coarse time (updated every watchdog tick) for per-stream staleness.
    now: Instant,
}

async fn sleep_until_opt(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
