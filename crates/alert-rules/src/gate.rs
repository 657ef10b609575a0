//! Frequency, cooldown and expiry gating, as a pure function of a small state and the update's times.

use crate::Frequency;
use serde::{Deserialize, Serialize};

/// When an update happened, all in milliseconds since the Unix epoch. Passing `now_ms` in keeps gating testable
/// without clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tick {
    pub bar_open_time_ms: i64,
    pub closed: bool,
    pub now_ms: i64,
}

/// A rule's gating settings, fixed at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gate {
    pub frequency: Frequency,
    pub cooldown_ms: i64,
    pub expires_at_ms: Option<i64>,
}

/// Per-(rule, symbol) record of past fires; serde so the engine can persist it alongside the condition state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateState {
    /// Open time of the bar the last fire happened on.
    pub last_fire_bar_ms: Option<i64>,
    /// Wall-clock time of the last fire.
    pub last_fire_at_ms: Option<i64>,
    /// Set by a `once` rule's fire: nothing fires again.
    pub done: bool,
}

/// Why an update could not fire. `Expired` and `Done` are permanent: the engine may disable the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Suppressed {
    /// `now` is after `expires_at`.
    Expired,
    /// A `once` rule already fired.
    Done,
    /// `once_per_bar_close` ignores in-progress updates.
    AwaitingBarClose,
    /// `once_per_bar` already fired on this bar.
    AlreadyFiredThisBar,
    /// Within `cooldown_seconds` of the last fire.
    Cooldown,
    /// The update is for a bar at or before the last closed bar already taken (late or duplicate delivery).
    Stale,
}

impl Suppressed {
    pub fn is_permanent(self) -> bool {
        matches!(self, Suppressed::Expired | Suppressed::Done)
    }
}

impl Gate {
    /// Whether an update at `tick` may fire if its condition holds. Boundaries: a fire exactly `cooldown`
    /// after the last one, or exactly at `expires_at`, is allowed.
    pub fn check(&self, state: &GateState, tick: Tick) -> Result<(), Suppressed> {
        if state.done {
            return Err(Suppressed::Done);
        }
        if self
            .expires_at_ms
            .is_some_and(|expiry| tick.now_ms > expiry)
        {
            return Err(Suppressed::Expired);
        }
        match self.frequency {
            Frequency::OncePerBarClose if !tick.closed => return Err(Suppressed::AwaitingBarClose),
            Frequency::OncePerBar if state.last_fire_bar_ms == Some(tick.bar_open_time_ms) => {
                return Err(Suppressed::AlreadyFiredThisBar);
            }
            _ => {}
        }
        if let Some(last) = state.last_fire_at_ms
            && tick.now_ms.saturating_sub(last) < self.cooldown_ms
        {
            return Err(Suppressed::Cooldown);
        }
        Ok(())
    }

    /// Records a fire; returns `true` when the engine should disable the whole rule (`once`).
    pub fn record_fire(&self, state: &mut GateState, tick: Tick) -> bool {
        state.last_fire_bar_ms = Some(tick.bar_open_time_ms);
        state.last_fire_at_ms = Some(tick.now_ms);
        state.done = self.frequency == Frequency::Once;
        state.done
    }
}
