//! Evaluation of compiled conditions against snapshots and closed-bar history.

pub(crate) mod history;
pub(crate) mod node;
