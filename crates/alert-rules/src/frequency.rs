//! How often a matching rule may fire.

use serde::{Serialize, Serializer};
use std::fmt;

/// TradingView's trigger frequencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Frequency {
    /// Fires one time, then asks the engine to disable the rule.
    Once,
    /// Evaluated on every update, fires at most once per bar open time.
    OncePerBar,
    /// Evaluated only on closed bars (the default: no repainting).
    #[default]
    OncePerBarClose,
    /// Fires on every matching update (throttle with `cooldown_seconds`).
    EveryTime,
}

const ALL: [(Frequency, &str); 4] = [
    (Frequency::Once, "once"),
    (Frequency::OncePerBar, "once_per_bar"),
    (Frequency::OncePerBarClose, "once_per_bar_close"),
    (Frequency::EveryTime, "every_time"),
];

impl Frequency {
    pub fn parse(s: &str) -> Option<Self> {
        ALL.iter().find(|(_, name)| *name == s).map(|(f, _)| *f)
    }

    pub fn as_str(self) -> &'static str {
        ALL.iter()
            .find(|(f, _)| *f == self)
            .map_or("?", |(_, name)| name)
    }

    pub fn names() -> impl Iterator<Item = &'static str> {
        ALL.iter().map(|(_, name)| *name)
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Frequency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
