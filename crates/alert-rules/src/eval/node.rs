//! The compiled condition tree and its evaluation: field ids and ring offsets only, no strings, no allocation.

use super::history::{ConditionState, Track};
use crate::{FieldId, Snapshot};

/// Marks a field operand that needs no history.
pub(crate) const NO_TRACK: u16 = u16::MAX;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Term {
    Const(f64),
    Field { id: FieldId, track: u16 },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    All(Box<[Node]>),
    Any(Box<[Node]>),
    Leaf(Leaf),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Leaf {
    Compare {
        left: Term,
        right: Term,
        op: CompareOp,
    },
    Cross {
        left: Term,
        right: Term,
        dir: CrossDir,
    },
    Channel {
        x: Term,
        lower: Term,
        upper: Term,
        mode: ChannelMode,
    },
    Moving {
        left: Term,
        bars: u32,
        value: f64,
        mode: MovingMode,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CompareOp {
    Gt,
    Gte,
    Lt,
    Lte,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CrossDir {
    Above,
    Below,
    Either,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChannelMode {
    Entering,
    Exiting,
    Inside,
    Outside,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MovingMode {
    Up,
    Down,
    UpPct,
    DownPct,
}

/// What a leaf can see: the current snapshot and the closed-bar history.
pub(crate) struct Ctx<'a, S: ?Sized> {
    pub snapshot: &'a S,
    pub past: &'a ConditionState,
    pub tracks: &'a [Track],
}

impl<S: Snapshot + ?Sized> Ctx<'_, S> {
    #[inline]
    fn now(&self, term: Term) -> Option<f64> {
        match term {
            Term::Const(c) => Some(c),
            Term::Field { id, .. } => self.snapshot.get(id).filter(|v| !v.is_nan()),
        }
    }

    #[inline]
    fn ago(&self, term: Term, k: u32) -> Option<f64> {
        match term {
            Term::Const(c) => Some(c),
            Term::Field { track, .. } => self
                .tracks
                .get(usize::from(track))
                .and_then(|t| self.past.ago(t, k)),
        }
    }
}

impl Node {
    pub(crate) fn eval<S: Snapshot + ?Sized>(&self, ctx: &Ctx<'_, S>) -> bool {
        match self {
            Node::All(children) => children.iter().all(|c| c.eval(ctx)),
            Node::Any(children) => children.iter().any(|c| c.eval(ctx)),
            Node::Leaf(leaf) => leaf.eval(ctx),
        }
    }
}

impl Leaf {
    #[inline]
    fn eval<S: Snapshot + ?Sized>(&self, ctx: &Ctx<'_, S>) -> bool {
        match *self {
            Leaf::Compare { left, right, op } => match (ctx.now(left), ctx.now(right)) {
                (Some(a), Some(b)) => match op {
                    CompareOp::Gt => a > b,
                    CompareOp::Gte => a >= b,
                    CompareOp::Lt => a < b,
                    CompareOp::Lte => a <= b,
                },
                _ => false,
            },
            Leaf::Cross { left, right, dir } => {
                let (Some(a), Some(b), Some(pa), Some(pb)) = (
                    ctx.now(left),
                    ctx.now(right),
                    ctx.ago(left, 1),
                    ctx.ago(right, 1),
                ) else {
                    return false;
                };
                let above = a > b && pa <= pb;
                let below = a < b && pa >= pb;
                match dir {
                    CrossDir::Above => above,
                    CrossDir::Below => below,
                    CrossDir::Either => above || below,
                }
            }
            Leaf::Channel {
                x,
                lower,
                upper,
                mode,
            } => {
                let Some(inside_now) = inside(ctx.now(x), ctx.now(lower), ctx.now(upper)) else {
                    return false;
                };
                match mode {
                    ChannelMode::Inside => inside_now,
                    ChannelMode::Outside => !inside_now,
                    ChannelMode::Entering | ChannelMode::Exiting => {
                        let Some(inside_before) =
                            inside(ctx.ago(x, 1), ctx.ago(lower, 1), ctx.ago(upper, 1))
                        else {
                            return false;
                        };
                        if mode == ChannelMode::Entering {
                            inside_now && !inside_before
                        } else {
                            !inside_now && inside_before
                        }
                    }
                }
            }
            Leaf::Moving {
                left,
                bars,
                value,
                mode,
            } => {
                let (Some(now), Some(then)) = (ctx.now(left), ctx.ago(left, bars)) else {
                    return false;
                };
                let change = match mode {
                    MovingMode::Up => now - then,
                    MovingMode::Down => then - now,
                    MovingMode::UpPct | MovingMode::DownPct if then == 0.0 => return false,
                    MovingMode::UpPct => (now - then) / then.abs() * 100.0,
                    MovingMode::DownPct => (then - now) / then.abs() * 100.0,
                };
                change > 0.0 && change >= value
            }
        }
    }
}

/// `lower <= x <= upper`, with bounds swapped if a field-valued lower bound is above the upper one.
#[inline]
fn inside(x: Option<f64>, lower: Option<f64>, upper: Option<f64>) -> Option<bool> {
    let (x, a, b) = (x?, lower?, upper?);
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    Some(lo <= x && x <= hi)
}
