//! Synthetic candles as a pure function of (seed, symbol, interval, open time).
//!
//! The log price is a Brownian bridge over a ~1-year period (pinned to the start price at both ends, so
//! prices stay realistic forever), built on a dyadic tree of hashed normals: the price at any instant is
//! computed in ~28 hashes without storing a path. Opens and closes therefore agree across intervals of one
//! symbol, history can be generated lazily for any range, and nothing is kept in memory.

use crate::candle::{Candle, Format};
use crate::decimal::Precision;
use crate::interval::Interval;
use crate::market::symbols::SymbolSpec;
use crate::rng;

/// Path resolution: 125 ms.
const UNIT_MS: i64 = 125;
/// Bridge period in units (2^28 x 125 ms = 388 days).
const PERIOD_BITS: u32 = 28;
const PERIOD: i64 = 1 << PERIOD_BITS;
const UNITS_PER_YEAR: f64 = 365.0 * 24.0 * 3600.0 * 8.0;
/// Points sampled inside each bar: the in-progress close moves through them and the bar's high/low cover them.
const SAMPLES: usize = 6;
/// Trade ids start here (mid-2017), so ids are positive and grow with time.
const TRADE_EPOCH_MS: i64 = 1_500_000_000_000;
const DAY_MS: f64 = 86_400_000.0;

/// A symbol with its model parameters precomputed.
#[derive(Debug, Clone)]
pub struct SymbolModel {
    pub spec: SymbolSpec,
    /// Lower-case name, as used in stream names.
    pub stream_name: String,
    seed: u64,
    sigma_unit: f64,
    tick_scale: f64,
    rate_per_ms: f64,
    avg_trade_size: f64,
}

fn round_to(x: f64, scale: f64) -> f64 {
    (x * scale).round() / scale
}

const QTY_SCALE: f64 = 1e8;

impl SymbolModel {
    pub fn new(spec: SymbolSpec, seed: u64) -> Self {
        let notional = match spec.quote.as_str() {
            "BTC" => 0.012,
            "ETH" => 0.3,
            "BNB" => 1.5,
            _ => 800.0,
        };
        Self {
            stream_name: spec.name.to_ascii_lowercase(),
            seed: rng::hash(&[seed, rng::hash_str(&spec.name)]),
            sigma_unit: spec.volatility / UNITS_PER_YEAR.sqrt(),
            tick_scale: 10f64.powi(spec.price_decimals as i32),
            rate_per_ms: spec.trade_rate / 1000.0,
            avg_trade_size: notional / spec.start_price,
            spec,
        }
    }

    /// Binance writes every decimal with 8 places.
    pub fn format(&self) -> Format {
        Format {
            price: Precision::Fixed(8),
            qty: Precision::Fixed(8),
        }
    }

    /// Brownian bridge value at path unit `u` (periodic, zero at multiples of the period).
    fn bridge(&self, u: i64) -> f64 {
        let u = u.rem_euclid(PERIOD);
        let (mut a, mut b, mut wa, mut wb) = (0i64, PERIOD, 0.0f64, 0.0f64);
        loop {
            if u == a {
                return wa;
            }
            if u == b {
                return wb;
            }
            let m = (a + b) / 2;
            let sd = ((b - a) as f64).sqrt() * 0.5;
            let wm = 0.5 * (wa + wb) + sd * rng::normal(rng::hash(&[self.seed, m as u64]));
            if u < m {
                (b, wb) = (m, wm);
            } else {
                (a, wa) = (m, wm);
            }
        }
    }

    /// Unrounded price at time `ms`.
    pub fn price_at(&self, ms: i64) -> f64 {
        self.spec.start_price * (self.sigma_unit * self.bridge(ms.div_euclid(UNIT_MS))).exp()
    }

    /// Cumulative trade count up to `ms`: linear in time with a daily seasonality and per-second jitter,
    /// monotone by construction so that first/last trade ids of consecutive bars chain up.
    fn trade_id(&self, ms: i64) -> i64 {
        let t = (ms - TRADE_EPOCH_MS).max(0) as f64;
        let season =
            0.5 * DAY_MS / std::f64::consts::TAU * (std::f64::consts::TAU * t / DAY_MS).sin();
        let jitter =
            0.9 * 1000.0 * rng::unit(rng::hash(&[self.seed, 7, ms.div_euclid(1000) as u64]));
        (self.rate_per_ms * (t + season + jitter)).floor() as i64
    }

    /// The closed candle opening at `open` (which must be aligned to `interval`).
    pub fn candle(&self, interval: Interval, open: i64) -> Candle {
        self.build(interval, open, None)
    }

    /// The bar opening at `open` as seen at time `now` (before its close); never exceeds the final bar.
    pub fn partial(&self, interval: Interval, open: i64, now: i64) -> Candle {
        self.build(interval, open, Some(now))
    }

    fn build(&self, interval: Interval, open: i64, now: Option<i64>) -> Candle {
        let end = interval.next_open(open);
        let span = end - open;
        let mut prices = [0.0f64; SAMPLES + 1];
        for (j, p) in prices.iter_mut().enumerate() {
            *p = self.price_at(open + span * j as i64 / SAMPLES as i64);
        }
        // How many sample points the bar has passed: all of them once closed.
        let seen = match now {
            None => SAMPLES,
            Some(now) => ((((now - open).max(0) as i128) * SAMPLES as i128 / span as i128)
                as usize)
                .min(SAMPLES),
        };
        let progress = seen as f64 / SAMPLES as f64;
        let h = rng::hash(&[self.seed, interval as u64, open as u64]);
        let bar_sigma = self.sigma_unit * ((span / UNIT_MS) as f64 / (4.0 * SAMPLES as f64)).sqrt();
        let up = (rng::normal(h).abs() * bar_sigma * progress).exp();
        let down = (-rng::normal(rng::mix(h)).abs() * bar_sigma * progress).exp();
        let visible = &prices[..=seen];
        let hi = visible.iter().copied().fold(f64::MIN, f64::max) * up;
        let lo = visible.iter().copied().fold(f64::MAX, f64::min) * down;

        let first = self.trade_id(open);
        let upto = match now {
            None => end,
            Some(now) => now.clamp(open, end),
        };
        let trades = (self.trade_id(upto) - first).max(0);
        let (o, c) = (
            round_to(prices[0], self.tick_scale),
            round_to(prices[seen], self.tick_scale),
        );
        let (high, low) = if trades == 0 {
            (o.max(c), o.min(c))
        } else {
            (
                round_to(hi, self.tick_scale).max(o).max(c),
                round_to(lo, self.tick_scale).min(o).min(c),
            )
        };
        let size = self.avg_trade_size * (0.5 * rng::normal(rng::mix(h ^ 0xA5))).exp();
        let volume = round_to(trades as f64 * size, QTY_SCALE);
        let quote_volume = round_to(volume * (o + c + high + low) / 4.0, QTY_SCALE);
        let taker = 0.35 + 0.3 * rng::unit(rng::mix(h ^ 0x7A));
        Candle {
            open_time: open,
            close_time: end - 1,
            open: o,
            high,
            low,
            close: c,
            volume,
            quote_volume,
            trades: trades as u64,
            first_trade_id: if trades > 0 { first } else { -1 },
            last_trade_id: if trades > 0 { first + trades - 1 } else { -1 },
            taker_buy_volume: round_to(volume * taker, QTY_SCALE),
            taker_buy_quote_volume: round_to(quote_volume * taker, QTY_SCALE),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::symbols::default_universe;

    fn btc() -> SymbolModel {
        SymbolModel::new(default_universe(1, 3).remove(0), 3)
    }

    #[test]
    fn candles_are_consistent_and_contiguous() {
        let m = btc();
        let mut open = Interval::M1.open_time(1_780_000_000_000);
        let mut prev: Option<Candle> = None;
        for _ in 0..500 {
            let c = m.candle(Interval::M1, open);
            assert!(
                c.low <= c.open.min(c.close) && c.high >= c.open.max(c.close),
                "{c:?}"
            );
            assert!(c.taker_buy_volume <= c.volume && c.volume >= 0.0);
            if let Some(p) = prev {
                assert_eq!(p.close, c.open);
                assert_eq!(p.last_trade_id + 1, c.first_trade_id);
            }
            prev = Some(c);
            open = Interval::M1.next_open(open);
        }
    }

    #[test]
    fn partial_bars_stay_inside_the_final_bar_and_opens_agree_across_intervals() {
        let m = btc();
        let open = Interval::H1.open_time(1_780_000_000_000);
        let done = m.candle(Interval::H1, open);
        for minutes in [0, 5, 17, 30, 59] {
            let p = m.partial(Interval::H1, open, open + minutes * 60_000);
            assert!(p.high <= done.high && p.low >= done.low && p.volume <= done.volume);
        }
        assert_eq!(m.candle(Interval::M1, open).open, done.open);
        assert_eq!(
            m.candle(Interval::M5, Interval::H1.next_open(open) - 300_000)
                .close,
            done.close
        );
    }

    #[test]
    fn prices_stay_realistic_over_a_year() {
        let m = btc();
        for day in 0..400 {
            let p = m.price_at(1_780_000_000_000 + day * 86_400_000);
            assert!(p > 10_000.0 && p < 400_000.0, "{p}");
        }
    }
}
