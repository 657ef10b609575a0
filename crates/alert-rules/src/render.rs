//! Rendering a parsed [`Template`] into a reusable buffer.

use crate::template::Part;
use crate::{Snapshot, Template};
use chrono::DateTime;
use std::fmt::Write;

/// Everything a message can mention about one fire.
#[derive(Debug, Clone, Copy)]
pub struct RenderContext<'a, S: ?Sized> {
    pub symbol: &'a str,
    pub exchange: &'a str,
    pub interval: &'a str,
    pub value: Option<f64>,
    pub bar_open_time_ms: i64,
    pub now_ms: i64,
    pub snapshot: &'a S,
}

/// Shown for a missing or non-finite number, as Pine shows `na`.
pub const MISSING: &str = "na";

impl Template {
    /// Appends the message to `out`, so the engine can reuse one buffer. Numbers use the shortest form that
    /// round-trips (`30`, `0.1`, `1234.5678`); times are UTC ISO-8601 (`2026-01-31T12:05:00Z`).
    pub fn render_into<S: Snapshot + ?Sized>(&self, ctx: &RenderContext<'_, S>, out: &mut String) {
        for part in self.parts.iter() {
            match *part {
                Part::Literal(start, end) => {
                    out.push_str(
                        self.text
                            .get(start as usize..end as usize)
                            .unwrap_or_default(),
                    );
                }
                Part::Symbol => out.push_str(ctx.symbol),
                Part::Exchange => out.push_str(ctx.exchange),
                Part::Interval => out.push_str(ctx.interval),
                Part::Value => number(out, ctx.value),
                Part::Time => time(out, ctx.bar_open_time_ms),
                Part::TimeNow => time(out, ctx.now_ms),
                Part::Field(id) => number(out, ctx.snapshot.get(id)),
            }
        }
    }

    pub fn render<S: Snapshot + ?Sized>(&self, ctx: &RenderContext<'_, S>) -> String {
        let mut out = String::with_capacity(self.text.len() + 32);
        self.render_into(ctx, &mut out);
        out
    }
}

fn number(out: &mut String, value: Option<f64>) {
    match value.filter(|v| v.is_finite()) {
        // Writing to a String cannot fail.
        Some(v) => {
            let _ = write!(out, "{v}");
        }
        None => out.push_str(MISSING),
    }
}

fn time(out: &mut String, ms: i64) {
    let Some(t) = DateTime::from_timestamp_millis(ms) else {
        out.push_str(MISSING);
        return;
    };
    let format = if ms.rem_euclid(1000) == 0 {
        "%Y-%m-%dT%H:%M:%SZ"
    } else {
        "%Y-%m-%dT%H:%M:%S%.3fZ"
    };
    let _ = write!(out, "{}", t.format(format));
}
