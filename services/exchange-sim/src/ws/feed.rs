//! One subscribed stream on one connection: which bar comes next and when its updates are due.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::candle::{Candle, EventHeader, Format, write_kline_event};
use crate::interval::Interval;
use crate::market::synth::SymbolModel;
use crate::rng;
use crate::state::Shared;
use crate::ws::names::{Resolved, Source};

/// A frame ready to go out; `closed` marks a closing (`x:true`) kline.
#[derive(Debug)]
pub struct Outgoing {
    pub text: String,
    pub closed: bool,
}

#[derive(Debug)]
enum Cursor {
    /// `open` is the bar in progress; it closes at `closes_at`.
    Synthetic {
        model: Arc<SymbolModel>,
        open: i64,
        closes_at: i64,
    },
    /// Index of the next replayed candle to send.
    Replay { index: usize },
}

#[derive(Debug)]
pub struct Feed {
    pub name: String,
    /// Upper-case symbol as written in payloads.
    symbol: String,
    interval: Interval,
    cursor: Cursor,
    name_hash: u64,
    update_every: Duration,
    next_update: Instant,
    /// Subscription number, for `/sim/streams/{name}/stall`.
    born: u64,
}

/// Where produced frames go and how they are wrapped.
pub struct Sink<'a> {
    pub shared: &'a Shared,
    pub combined: bool,
    pub out: &'a mut Vec<Outgoing>,
}

impl Sink<'_> {
    fn emit(&mut self, feed: &Feed, fmt: Format, event_time: i64, candle: &Candle, closed: bool) {
        if self.shared.stalls.is_silent(&feed.name, feed.born)
            || (closed && self.skipped(feed, candle.open_time))
        {
            return;
        }
        let header = EventHeader {
            stream: self.combined.then_some(feed.name.as_str()),
            event_time,
            symbol: &feed.symbol,
            interval: feed.interval,
            fmt,
        };
        let mut text = String::with_capacity(420);
        write_kline_event(&mut text, &header, candle, closed);
        self.out.push(Outgoing { text, closed });
    }

    /// `--skip-rate`: decided per (stream, bar) so every connection misses the same candles.
    fn skipped(&self, feed: &Feed, open: i64) -> bool {
        let p = self.shared.config.faults.skip_rate;
        let skip = p > 0.0
            && rng::unit(rng::hash(&[
                self.shared.config.seed,
                feed.name_hash,
                open as u64,
            ])) < p;
        if skip {
            crate::stats::Stats::inc(&self.shared.stats.candles_skipped);
        }
        skip
    }
}

impl Feed {
    pub fn new(shared: &Shared, resolved: Resolved, now: Instant) -> Self {
        let base = shared.config.update_interval;
        let update_every = if resolved.interval == Interval::S1 {
            base.min(Duration::from_secs(1))
        } else {
            base
        };
        let (symbol, cursor) = match resolved.source {
            Source::Synthetic(model) => {
                let open = resolved.interval.open_time(shared.clock.now_ms());
                let closes_at = resolved.interval.next_open(open);
                (
                    model.spec.name.clone(),
                    Cursor::Synthetic {
                        model,
                        open,
                        closes_at,
                    },
                )
            }
            Source::Replay => match &shared.replay {
                Some(r) => {
                    r.start();
                    (
                        r.symbol.clone(),
                        Cursor::Replay {
                            index: r.replayed(),
                        },
                    )
                }
                None => (String::new(), Cursor::Replay { index: usize::MAX }),
            },
        };
        Self {
            name_hash: rng::hash_str(&resolved.name),
            name: resolved.name,
            symbol,
            interval: resolved.interval,
            cursor,
            update_every,
            next_update: now + update_every,
            born: shared.stalls.born(),
        }
    }

    /// Sends every bar that closed since the last tick (in order) and the in-progress update when due.
    pub fn tick(&mut self, sink: &mut Sink<'_>, now: Instant) {
        let shared = sink.shared;
        match &mut self.cursor {
            Cursor::Synthetic {
                model,
                open,
                closes_at,
            } => {
                let (model, sim_now) = (Arc::clone(model), shared.clock.now_ms());
                let mut bars = Vec::new();
                while *closes_at <= sim_now {
                    bars.push(*open);
                    *open = *closes_at;
                    *closes_at = self.interval.next_open(*open);
                }
                let current = *open;
                for bar in bars {
                    sink.emit(
                        self,
                        model.format(),
                        sim_now,
                        &model.candle(self.interval, bar),
                        true,
                    );
                }
                if now >= self.next_update {
                    let partial = model.partial(self.interval, current, sim_now);
                    sink.emit(self, model.format(), sim_now, &partial, false);
                    self.next_update = now + self.update_every;
                }
            }
            Cursor::Replay { index } => {
                let Some(r) = &shared.replay else { return };
                let Some(sim_now) = r.sim_now() else { return };
                let start = *index;
                while *index < r.candles().len() && r.candles()[*index].close_time < sim_now {
                    *index += 1;
                }
                let end = *index;
                for c in &r.candles()[start..end] {
                    sink.emit(self, r.format(), sim_now, c, true);
                }
            }
        }
    }

    /// `--clock-speed max`: the next closed bar right away; false once a replay is exhausted.
    pub fn step_max(&mut self, sink: &mut Sink<'_>) -> bool {
        let shared = sink.shared;
        match &mut self.cursor {
            Cursor::Synthetic {
                model,
                open,
                closes_at,
            } => {
                let (model, bar, close) = (Arc::clone(model), *open, *closes_at);
                *open = close;
                *closes_at = self.interval.next_open(close);
                shared.clock.advance_frontier(close);
                sink.emit(
                    self,
                    model.format(),
                    close,
                    &model.candle(self.interval, bar),
                    true,
                );
                true
            }
            Cursor::Replay { index } => {
                let Some(r) = &shared.replay else {
                    return false;
                };
                let Some(c) = r.candles().get(*index).copied() else {
                    return false;
                };
                r.mark_sent(*index);
                *index += 1;
                sink.emit(self, r.format(), c.close_time + 1, &c, true);
                true
            }
        }
    }

    /// When this feed next has something to send (None: never again).
    pub fn next_wake(&self, shared: &Shared, now: Instant) -> Option<Instant> {
        match &self.cursor {
            Cursor::Synthetic { closes_at, .. } => {
                Some(self.next_update.min(now + shared.clock.until(*closes_at)))
            }
            Cursor::Replay { index } => {
                let r = shared.replay.as_ref()?;
                let c = r.candles().get(*index)?;
                let (sim_now, factor) = match (r.sim_now(), r.speed) {
                    (Some(s), crate::config::ClockSpeed::Factor(f)) => (s, f),
                    _ => return None,
                };
                Some(now + crate::clock::wall_wait(c.close_time + 1 - sim_now, factor))
            }
        }
    }

    /// False when the symbol was delisted since subscription.
    pub fn still_listed(&self, shared: &Shared) -> bool {
        match &self.cursor {
            Cursor::Synthetic { .. } => shared.universe.get(&self.symbol).is_some(),
            Cursor::Replay { .. } => true,
        }
    }
}
