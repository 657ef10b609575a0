//! Server pings and the pong deadline: a client that does not echo a ping's payload in time is cut off.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bytes::Bytes;

#[derive(Debug)]
pub struct Heartbeat {
    interval: Duration,
    timeout: Duration,
    next_ping: Instant,
    /// Pings not yet answered: (payload counter, sent at).
    outstanding: VecDeque<(u64, Instant)>,
    counter: u64,
}

impl Heartbeat {
    pub fn new(interval: Duration, timeout: Duration, now: Instant) -> Self {
        Self {
            interval,
            timeout,
            next_ping: now + interval,
            outstanding: VecDeque::new(),
            counter: 0,
        }
    }

    /// The payload of the ping to send now, if one is due.
    pub fn ping_due(&mut self, now: Instant) -> Option<Bytes> {
        if now < self.next_ping {
            return None;
        }
        self.counter += 1;
        self.outstanding.push_back((self.counter, now));
        self.next_ping = now + self.interval;
        Some(Bytes::from(self.counter.to_string()))
    }

    /// A pong answers its ping (and every older one) only when it echoes the payload.
    pub fn pong(&mut self, payload: &[u8]) {
        let answered = std::str::from_utf8(payload)
            .ok()
            .and_then(|s| s.parse::<u64>().ok());
        if let Some(pos) =
            answered.and_then(|c| self.outstanding.iter().position(|(sent, _)| *sent == c))
        {
            self.outstanding.drain(..=pos);
        }
    }

    pub fn timed_out(&self, now: Instant) -> bool {
        self.outstanding
            .front()
            .is_some_and(|(_, sent)| now.duration_since(*sent) >= self.timeout)
    }

    pub fn next_deadline(&self) -> Instant {
        match self.outstanding.front() {
            Some((_, sent)) => self.next_ping.min(*sent + self.timeout),
            None => self.next_ping,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_echoed_payload_answers_a_ping() {
        let t0 = Instant::now();
        let mut hb = Heartbeat::new(Duration::from_secs(1), Duration::from_secs(3), t0);
        assert!(hb.ping_due(t0).is_none());
        let p = hb.ping_due(t0 + Duration::from_secs(1)).unwrap();
        hb.pong(b"wrong");
        assert!(hb.timed_out(t0 + Duration::from_secs(4)));
        hb.pong(&p);
        assert!(!hb.timed_out(t0 + Duration::from_secs(4)));
    }
}
