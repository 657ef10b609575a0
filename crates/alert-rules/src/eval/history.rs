//! Closed-bar history of the fields a condition looks back on (Pine's `x[1]`, `x[bars]`).

use crate::{FieldId, Snapshot};
use serde::{Deserialize, Serialize};

/// One looked-back field: a ring of `depth` slots at `offset` in [`ConditionState::history`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Track {
    pub field: FieldId,
    pub offset: u32,
    pub depth: u32,
}

/// Per-(rule, symbol) condition state. It only advances on closed bars; in-progress updates read it.
///
/// To rebuild it after a restart, feed the last [`crate::CompiledRule::warmup_bars`] closed snapshots, oldest
/// first, to [`crate::CompiledRule::advance`]. A state whose layout does not match the rule (the rule was
/// edited) is reset on the next update rather than misread.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConditionState {
    closed_bars: u64,
    last_closed_open_time: Option<i64>,
    history: Vec<Option<f64>>,
}

impl ConditionState {
    pub(crate) fn with_len(len: usize) -> Self {
        Self {
            closed_bars: 0,
            last_closed_open_time: None,
            history: vec![None; len],
        }
    }

    /// Closed bars seen since the state was created or reset.
    pub fn closed_bars(&self) -> u64 {
        self.closed_bars
    }

    /// Open time (ms since the Unix epoch) of the last closed bar taken into the state.
    pub fn last_closed_open_time(&self) -> Option<i64> {
        self.last_closed_open_time
    }

    pub(crate) fn history_len(&self) -> usize {
        self.history.len()
    }

    /// The track's value `k` closed bars ago (`k = 1` is the last closed bar); `None` before enough history.
    #[inline]
    pub(crate) fn ago(&self, track: &Track, k: u32) -> Option<f64> {
        let k = u64::from(k);
        if k == 0 || k > u64::from(track.depth) || self.closed_bars < k {
            return None;
        }
        let slot = (self.closed_bars - k) % u64::from(track.depth);
        let index = track.offset as usize + slot as usize;
        self.history.get(index).copied().flatten()
    }

    pub(crate) fn push<S: Snapshot + ?Sized>(
        &mut self,
        tracks: &[Track],
        snapshot: &S,
        open_time: i64,
    ) {
        for track in tracks {
            let slot = self.closed_bars % u64::from(track.depth.max(1));
            if let Some(cell) = self.history.get_mut(track.offset as usize + slot as usize) {
                *cell = snapshot.get(track.field).filter(|v| !v.is_nan());
            }
        }
        self.closed_bars += 1;
        self.last_closed_open_time = Some(open_time);
    }
}
