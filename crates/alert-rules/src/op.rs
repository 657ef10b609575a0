//! Condition operators, named as in the rule JSON.

use serde::{Serialize, Serializer};
use std::fmt;

/// A leaf operator. Which extra keys a leaf needs depends on its [`OpKind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Gt,
    Gte,
    Lt,
    Lte,
    Crosses,
    CrossesAbove,
    CrossesBelow,
    EnteringChannel,
    ExitingChannel,
    InsideChannel,
    OutsideChannel,
    MovingUp,
    MovingDown,
    MovingUpPct,
    MovingDownPct,
}

/// The shape of a leaf: `right`, `lower`+`upper`, or `bars`+`value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Compare,
    Channel,
    Moving,
}

const ALL: [(Op, &str); 15] = [
    (Op::Gt, "gt"),
    (Op::Gte, "gte"),
    (Op::Lt, "lt"),
    (Op::Lte, "lte"),
    (Op::Crosses, "crosses"),
    (Op::CrossesAbove, "crosses_above"),
    (Op::CrossesBelow, "crosses_below"),
    (Op::EnteringChannel, "entering_channel"),
    (Op::ExitingChannel, "exiting_channel"),
    (Op::InsideChannel, "inside_channel"),
    (Op::OutsideChannel, "outside_channel"),
    (Op::MovingUp, "moving_up"),
    (Op::MovingDown, "moving_down"),
    (Op::MovingUpPct, "moving_up_pct"),
    (Op::MovingDownPct, "moving_down_pct"),
];

impl Op {
    pub fn parse(s: &str) -> Option<Self> {
        ALL.iter().find(|(_, name)| *name == s).map(|(op, _)| *op)
    }

    pub fn as_str(self) -> &'static str {
        ALL.iter()
            .find(|(op, _)| *op == self)
            .map_or("?", |(_, name)| name)
    }

    pub fn names() -> impl Iterator<Item = &'static str> {
        ALL.iter().map(|(_, name)| *name)
    }

    pub fn kind(self) -> OpKind {
        match self {
            Op::Gt
            | Op::Gte
            | Op::Lt
            | Op::Lte
            | Op::Crosses
            | Op::CrossesAbove
            | Op::CrossesBelow => OpKind::Compare,
            Op::EnteringChannel | Op::ExitingChannel | Op::InsideChannel | Op::OutsideChannel => {
                OpKind::Channel
            }
            Op::MovingUp | Op::MovingDown | Op::MovingUpPct | Op::MovingDownPct => OpKind::Moving,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Op {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
