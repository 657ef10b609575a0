//! Compiles a [`ConditionSpec`] against a [`Schema`]: resolves names to ids and lays out the history it needs.

use crate::checks::suggest;
use crate::decode::{child, index};
use crate::eval::history::Track;
use crate::eval::node::{ChannelMode, CompareOp, CrossDir, Leaf, MovingMode, NO_TRACK, Node, Term};
use crate::{ConditionSpec, ErrorKind, FieldId, Op, Operand, Schema, ValidationError};

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompiledCondition {
    pub root: Node,
    pub tracks: Box<[Track]>,
    pub history_len: usize,
    /// Left field of the first leaf: what `{{value}}` shows.
    pub value_field: Option<FieldId>,
    pub warmup_bars: u32,
}

pub(crate) fn compile<S: Schema + ?Sized>(
    spec: &ConditionSpec,
    schema: &S,
    errors: &mut Vec<ValidationError>,
) -> Option<CompiledCondition> {
    let mut builder = Builder {
        schema,
        errors,
        needs: Vec::new(),
    };
    let root = builder.node(spec, "condition")?;
    let value_field = spec.first_left().and_then(|name| schema.resolve(name));
    let mut offset = 0u32;
    let mut warmup_bars = 0;
    let tracks: Box<[Track]> = builder
        .needs
        .iter()
        .map(|&(field, depth)| {
            let track = Track {
                field,
                offset,
                depth,
            };
            offset += depth;
            warmup_bars = warmup_bars.max(depth);
            track
        })
        .collect();
    Some(CompiledCondition {
        root,
        tracks,
        history_len: offset as usize,
        value_field,
        warmup_bars,
    })
}

struct Builder<'a, S: ?Sized> {
    schema: &'a S,
    errors: &'a mut Vec<ValidationError>,
    /// One entry per looked-back field, with the deepest look-back any leaf needs.
    needs: Vec<(FieldId, u32)>,
}

impl<S: Schema + ?Sized> Builder<'_, S> {
    fn node(&mut self, spec: &ConditionSpec, path: &str) -> Option<Node> {
        match spec {
            ConditionSpec::All { all } => self.children(all, &child(path, "all")).map(Node::All),
            ConditionSpec::Any { any } => self.children(any, &child(path, "any")).map(Node::Any),
            ConditionSpec::Compare { left, op, right } => {
                let crossing = !matches!(op, Op::Gt | Op::Gte | Op::Lt | Op::Lte);
                let depth = u32::from(crossing);
                let left = self.field(left, &child(path, "left"), depth);
                let right = self.operand(right, &child(path, "right"), depth);
                let (left, right) = (left?, right?);
                let leaf = match op {
                    Op::Gt => Leaf::Compare {
                        left,
                        right,
                        op: CompareOp::Gt,
                    },
                    Op::Gte => Leaf::Compare {
                        left,
                        right,
                        op: CompareOp::Gte,
                    },
                    Op::Lt => Leaf::Compare {
                        left,
                        right,
                        op: CompareOp::Lt,
                    },
                    Op::Lte => Leaf::Compare {
                        left,
                        right,
                        op: CompareOp::Lte,
                    },
                    Op::CrossesAbove => Leaf::Cross {
                        left,
                        right,
                        dir: CrossDir::Above,
                    },
                    Op::CrossesBelow => Leaf::Cross {
                        left,
                        right,
                        dir: CrossDir::Below,
                    },
                    _ => Leaf::Cross {
                        left,
                        right,
                        dir: CrossDir::Either,
                    },
                };
                Some(Node::Leaf(leaf))
            }
            ConditionSpec::Channel {
                left,
                op,
                lower,
                upper,
            } => {
                let mode = match op {
                    Op::EnteringChannel => ChannelMode::Entering,
                    Op::ExitingChannel => ChannelMode::Exiting,
                    Op::InsideChannel => ChannelMode::Inside,
                    _ => ChannelMode::Outside,
                };
                let depth = u32::from(matches!(mode, ChannelMode::Entering | ChannelMode::Exiting));
                let x = self.field(left, &child(path, "left"), depth);
                let lower = self.operand(lower, &child(path, "lower"), depth);
                let upper = self.operand(upper, &child(path, "upper"), depth);
                Some(Node::Leaf(Leaf::Channel {
                    x: x?,
                    lower: lower?,
                    upper: upper?,
                    mode,
                }))
            }
            ConditionSpec::Moving {
                left,
                op,
                bars,
                value,
            } => {
                let mode = match op {
                    Op::MovingUp => MovingMode::Up,
                    Op::MovingDown => MovingMode::Down,
                    Op::MovingUpPct => MovingMode::UpPct,
                    _ => MovingMode::DownPct,
                };
                let left = self.field(left, &child(path, "left"), *bars)?;
                Some(Node::Leaf(Leaf::Moving {
                    left,
                    bars: *bars,
                    value: *value,
                    mode,
                }))
            }
        }
    }

    fn children(&mut self, specs: &[ConditionSpec], path: &str) -> Option<Box<[Node]>> {
        let nodes: Vec<Option<Node>> = specs
            .iter()
            .enumerate()
            .map(|(i, s)| self.node(s, &index(path, i)))
            .collect();
        nodes.into_iter().collect()
    }

    fn operand(&mut self, operand: &Operand, path: &str, depth: u32) -> Option<Term> {
        match operand {
            Operand::Number(n) => Some(Term::Const(*n)),
            Operand::Field(name) => self.field(name, path, depth),
        }
    }

    /// Resolves `name`, registering a look-back of `depth` closed bars (0 = current value only).
    fn field(&mut self, name: &str, path: &str, depth: u32) -> Option<Term> {
        let Some(id) = self.schema.resolve(name) else {
            let known = self.schema.field_names();
            let message = match suggest(name, &known) {
                Some(close) => format!("unknown field \"{name}\"; did you mean \"{close}\"?"),
                None => format!(
                    "unknown field \"{name}\"; known fields: {}",
                    known.join(", ")
                ),
            };
            self.errors
                .push(ValidationError::new(ErrorKind::UnknownField, path, message));
            return None;
        };
        if depth == 0 {
            return Some(Term::Field {
                id,
                track: NO_TRACK,
            });
        }
        let slot = match self.needs.iter().position(|(f, _)| *f == id) {
            Some(i) => {
                self.needs[i].1 = self.needs[i].1.max(depth);
                i
            }
            None => {
                self.needs.push((id, depth));
                self.needs.len() - 1
            }
        };
        // At most MAX_NODES * 3 distinct tracks, far below NO_TRACK.
        let track = u16::try_from(slot).ok().filter(|t| *t != NO_TRACK)?;
        Some(Term::Field { id, track })
    }
}
