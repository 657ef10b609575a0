//! Control requests of one connection (SUBSCRIBE / UNSUBSCRIBE batches) waiting for a send slot, the
//! replies still expected, and the resubscription of streams that went quiet.

use std::collections::{HashSet, VecDeque};

use crate::ws::WsContext;

/// Streams per SUBSCRIBE / UNSUBSCRIBE message.
const CONTROL_BATCH: usize = 200;
/// A single stream is resubscribed after this many staleness periods of silence (quiet symbols).
const QUIET_FACTOR: u32 = 6;

/// Control requests waiting to be sent, and those awaiting their reply.
#[derive(Default)]
pub struct Control {
    pub pending: VecDeque<String>,
    awaiting: HashSet<u64>,
    next_id: u64,
}

impl Control {
    pub fn queue(&mut self, ctx: &WsContext, subscribe: bool, streams: &[String]) {
        for batch in streams.chunks(CONTROL_BATCH) {
            self.next_id += 1;
            let request = if subscribe {
                ctx.connector.subscribe_request(self.next_id, batch)
            } else {
                ctx.connector.unsubscribe_request(self.next_id, batch)
            };
            self.awaiting.insert(self.next_id);
            self.pending.push_back(request);
        }
    }

    pub fn idle(&self) -> bool {
        self.pending.is_empty() && self.awaiting.is_empty()
    }

    pub fn on_reply(&mut self, id: Option<u64>) {
        if let Some(id) = id {
            self.awaiting.remove(&id);
        }
    }

    /// Streams silent for [`QUIET_FACTOR`] staleness periods while the connection delivers others get a
    /// fresh subscription, at most once per that period each, so quiet symbols cost a couple of messages a
    /// minute at most and never a reconnect.
    pub fn resubscribe_stale(&mut self, ctx: &WsContext, streams: &[String]) {
        let quiet = ctx.settings.stale_after * QUIET_FACTOR;
        let stale = ctx.book.take_stale(&ctx.keys_of(streams), quiet, quiet);
        if stale.is_empty() {
            return;
        }
        let names: Vec<String> = stale
            .iter()
            .map(|k| ctx.connector.stream_name(&k.symbol, k.interval))
            .collect();
        tracing::info!(streams = names.len(), "resubscribing silent streams");
        self.queue(ctx, false, &names);
        self.queue(ctx, true, &names);
    }
}
