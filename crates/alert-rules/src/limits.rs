//! Bounds on rule size, so one user's rule cannot make evaluation or storage expensive.

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_SYMBOLS: usize = 100;
pub const MAX_SYMBOL_CHARS: usize = 30;
/// Nesting depth of `all`/`any`, counting the root condition as depth 1.
pub const MAX_DEPTH: usize = 5;
/// Total number of condition nodes (leaves and composites) in one rule.
pub const MAX_NODES: usize = 32;
/// Largest `bars` for `moving_*`; also bounds the per-symbol history a rule keeps.
pub const MAX_BARS: u32 = 500;
pub const MAX_URL_CHARS: usize = 2048;
pub const MAX_MESSAGE_CHARS: usize = 4096;
/// One year.
pub const MAX_COOLDOWN_SECONDS: u64 = 366 * 24 * 3600;
