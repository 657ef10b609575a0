//! Sorting the messages of one pull into candles of this partition, other partitions' messages, and poison.

use async_nats::jetstream::Message;
use market_model::{Candle, SubjectKind, Subjects, wire};
use observability::TraceContext;

use crate::key::partition_of;

/// Why a message was terminated; the `reason` label of the poison counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoisonReason {
    /// Not a candle document, or a candle that fails validation.
    Undecodable,
    /// A subject that is not a candle subject, an in-progress candle, or a body naming another series.
    Mismatch,
    /// The indicator engine refused the candle (e.g. misaligned to its interval).
    Rejected,
}

impl PoisonReason {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Undecodable => "undecodable",
            Self::Mismatch => "mismatch",
            Self::Rejected => "rejected",
        }
    }
}

#[derive(Debug)]
pub enum Incoming {
    Candle {
        candle: Box<Candle>,
        trace: Option<TraceContext>,
    },
    /// Belongs to another partition: acknowledged unprocessed (its owner's consumer receives it too).
    Foreign,
    Poison(PoisonReason),
}

/// Classifies a candle-stream message for partition `partition` of `partitions`.
pub fn classify(
    subjects: &Subjects,
    message: &Message,
    partition: u32,
    partitions: u32,
) -> Incoming {
    let Ok(subject) = subjects.parse(message.subject.as_str()) else {
        return Incoming::Poison(PoisonReason::Mismatch);
    };
    if partition_of(subject.exchange, subject.symbol, partitions) != partition {
        return Incoming::Foreign;
    }
    let candle = match wire::decode(&message.payload) {
        Ok(candle) => candle,
        Err(_) => return Incoming::Poison(PoisonReason::Undecodable),
    };
    let matches = subject.kind == SubjectKind::Candles
        && candle.closed
        && candle.exchange.as_str() == subject.exchange
        && candle.symbol.as_str() == subject.symbol
        && candle.interval == subject.interval;
    if !matches {
        return Incoming::Poison(PoisonReason::Mismatch);
    }
    Incoming::Candle {
        candle: Box::new(candle),
        trace: TraceContext::extract(message.headers.as_ref()),
    }
}
