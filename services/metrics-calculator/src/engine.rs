//! The calculator's pure core: one indicator state per series and one 24 h change per symbol, turning candles
//! into metric snapshots. No I/O; the consumer feeds it, warm-starts it from the database and stores its
//! output, and the memory benchmark measures it directly.

use std::collections::HashMap;

use indicators::{Candle as Bar, IndicatorConfig, IndicatorError, IndicatorState, Values};
use market_model::snapshot::SNAPSHOT_VERSION;
use market_model::{Candle, Interval, MetricSnapshot};

use crate::change::{DayChange, bar};
use crate::key::{MarketKey, SeriesKey};
use crate::warm::SeriesHistory;

/// What a closed candle did to the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    /// A new candle: its snapshot (values to store and publish).
    Computed(Box<MetricSnapshot>),
    /// Not after the series' last candle: a redelivery of something already stored.
    Duplicate,
}

/// One symbol: its series (few, so a short list beats a map) and its 24 h change. Grouping by symbol stores the
/// exchange and symbol names once instead of once per interval, and boxing the states keeps the map's spare
/// capacity small; together that is most of the per-symbol memory besides the states' own ring buffers.
#[derive(Debug, Default)]
struct Market {
    day: Option<DayChange>,
    series: Vec<(Interval, Box<IndicatorState>)>,
}

impl Market {
    fn series(&self, interval: Interval) -> Option<&IndicatorState> {
        self.series
            .iter()
            .find(|(i, _)| *i == interval)
            .map(|(_, s)| &**s)
    }

    fn series_mut(&mut self, interval: Interval) -> Option<&mut IndicatorState> {
        self.series
            .iter_mut()
            .find(|(i, _)| *i == interval)
            .map(|(_, s)| &mut **s)
    }

    fn insert(&mut self, interval: Interval, state: IndicatorState) {
        match self.series_mut(interval) {
            Some(existing) => *existing = state,
            None => self.series.push((interval, Box::new(state))),
        }
    }
}

#[derive(Debug)]
pub struct Engine {
    config: IndicatorConfig,
    markets: HashMap<MarketKey, Market>,
}

impl Engine {
    pub fn new(config: IndicatorConfig) -> Result<Self, IndicatorError> {
        config.validate()?;
        Ok(Self {
            config,
            markets: HashMap::new(),
        })
    }

    pub fn config(&self) -> &IndicatorConfig {
        &self.config
    }

    pub fn knows_series(&self, key: &SeriesKey) -> bool {
        self.markets
            .get(&key.market())
            .is_some_and(|m| m.series(key.interval).is_some())
    }

    pub fn knows_market(&self, key: &MarketKey) -> bool {
        self.markets.get(key).is_some_and(|m| m.day.is_some())
    }

    pub fn series_count(&self) -> usize {
        self.markets.values().map(|m| m.series.len()).sum()
    }

    /// Rebuilds a series from its stored candles (oldest first) and anchors OBV at the stored value, so the
    /// next candle gets the value an uninterrupted run would have given.
    pub fn warm_series(
        &mut self,
        key: SeriesKey,
        history: &SeriesHistory,
    ) -> Result<(), IndicatorError> {
        let mut state = IndicatorState::replay(self.config, &history.bars)?;
        if let Some(obv) = history.last_obv
            && !history.bars.is_empty()
        {
            state.anchor_obv(obv)?;
        }
        self.markets
            .entry(key.market())
            .or_default()
            .insert(key.interval, state);
        Ok(())
    }

    /// Rebuilds a symbol's 24 h change from its stored 1 h candles (oldest first).
    pub fn warm_market(&mut self, key: MarketKey, hours: &[Bar]) {
        let mut day = DayChange::default();
        for hour in hours {
            day.record_hour(hour);
        }
        self.markets.entry(key).or_default().day = Some(day);
    }

    /// Advances the series by a closed candle.
    pub fn apply(&mut self, candle: &Candle, computed_at: i64) -> Result<Applied, IndicatorError> {
        let market = match self.markets.get_mut(&market_of(candle)) {
            Some(market) => market,
            None => self.markets.entry(market_of(candle)).or_default(),
        };
        if market.series(candle.interval).is_none() {
            market.insert(candle.interval, IndicatorState::new(self.config)?);
        }
        let Some(state) = market.series_mut(candle.interval) else {
            return Ok(Applied::Duplicate);
        };
        if state
            .last_open_time_ms()
            .is_some_and(|last| candle.open_time <= last)
        {
            return Ok(Applied::Duplicate);
        }
        let values = state.update(&bar(candle))?;
        let day = market.day.get_or_insert_default();
        let change = day.change(candle);
        day.record(candle);
        Ok(Applied::Computed(Box::new(snapshot(
            candle,
            values,
            change,
            computed_at,
        ))))
    }

    /// The snapshot an in-progress candle gives now; `None` for a series this engine does not hold or a candle
    /// not after its last closed one. Never changes the state.
    pub fn peek(
        &self,
        candle: &Candle,
        computed_at: i64,
    ) -> Result<Option<MetricSnapshot>, IndicatorError> {
        let Some(market) = self.markets.get(&market_of(candle)) else {
            return Ok(None);
        };
        let Some(state) = market.series(candle.interval) else {
            return Ok(None);
        };
        if state
            .last_open_time_ms()
            .is_some_and(|last| candle.open_time <= last)
        {
            return Ok(None);
        }
        let values = state.peek(&bar(candle))?;
        let change = market.day.as_ref().and_then(|day| day.change(candle));
        Ok(Some(snapshot(candle, values, change, computed_at)))
    }

    /// Heap bytes of the states (ring buffers), for memory accounting.
    pub fn heap_bytes(&self) -> usize {
        self.markets
            .values()
            .map(|m| {
                m.series.iter().map(|(_, s)| s.heap_bytes()).sum::<usize>()
                    + m.day.as_ref().map_or(0, DayChange::heap_bytes)
            })
            .sum()
    }
}

fn market_of(candle: &Candle) -> MarketKey {
    MarketKey {
        exchange: candle.exchange.clone(),
        symbol: candle.symbol.clone(),
    }
}

fn snapshot(
    candle: &Candle,
    indicators: Values,
    change_pct_24h: Option<f64>,
    computed_at: i64,
) -> MetricSnapshot {
    MetricSnapshot {
        v: SNAPSHOT_VERSION,
        exchange: candle.exchange.clone(),
        symbol: candle.symbol.clone(),
        interval: candle.interval,
        open_time: candle.open_time,
        closed: candle.closed,
        open: candle.open,
        high: candle.high,
        low: candle.low,
        close: candle.close,
        volume: candle.volume,
        indicators,
        change_pct_24h,
        computed_at,
    }
}
