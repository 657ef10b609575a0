//! `POST /sim/streams/{name}/stall`: the named stream's current subscriptions go silent while their
//! connections and other streams carry on, until a client subscribes to it again. This is the failure a
//! collector must notice per stream (one symbol's feed stops, the connection looks healthy) and repair by
//! resubscribing; the candles it missed stay in REST history for its back-fill.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

#[derive(Debug, Default)]
pub struct StreamStalls {
    /// Set once any stream was stalled, so feeds skip the lock until then.
    any: AtomicBool,
    next_feed: AtomicU64,
    /// Stream name -> feeds numbered below this are silent.
    stalled: Mutex<HashMap<String, u64>>,
}

impl StreamStalls {
    /// A number for a new subscription (feeds subscribed after a stall are not affected by it).
    pub fn born(&self) -> u64 {
        self.next_feed.fetch_add(1, Ordering::Relaxed)
    }

    /// Silences every current subscription of `name`.
    pub fn stall(&self, name: &str) {
        let mut stalled = self.stalled.lock().unwrap_or_else(PoisonError::into_inner);
        stalled.insert(name.to_owned(), self.next_feed.load(Ordering::Relaxed));
        self.any.store(true, Ordering::Release);
    }

    pub fn is_silent(&self, name: &str, born: u64) -> bool {
        if !self.any.load(Ordering::Acquire) {
            return false;
        }
        let stalled = self.stalled.lock().unwrap_or_else(PoisonError::into_inner);
        stalled.get(name).is_some_and(|until| born < *until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stall_silences_existing_subscriptions_only() {
        let stalls = StreamStalls::default();
        let old = stalls.born();
        let other = stalls.born();
        assert!(!stalls.is_silent("btcusdt@kline_1m", old));
        stalls.stall("btcusdt@kline_1m");
        assert!(stalls.is_silent("btcusdt@kline_1m", old));
        assert!(!stalls.is_silent("ethusdt@kline_1m", other));
        let resubscribed = stalls.born();
        assert!(!stalls.is_silent("btcusdt@kline_1m", resubscribed));
    }
}
