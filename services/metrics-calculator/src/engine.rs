//! The calculator's pure core: one indicator state per series and one 24 h change per symbol, turning candles
//! into metric snapshots. No I/O; the consumer feeds it, warm-starts it from the database and stores its
//! output, and the memory benchmark measures it directly.

use std::collections::HashMap;

use indicators::{Candle as Bar, IndicatorConfig, IndicatorError, IndicatorState, Values};
use market_model::snapshot::SNAPSHOT_VERSION;
use market_model::{Candle, MetricSnapshot};

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

#[derive(Debug)]
pub struct Engine {
    config: IndicatorConfig,
    series: HashMap<SeriesKey, IndicatorState>,
    markets: HashMap<MarketKey, DayChange>,
}

impl Engine {
    pub fn new(config: IndicatorConfig) -> Result<Self, IndicatorError> {
        config.validate()?;
        Ok(Self {
            config,
            series: HashMap::new(),
            markets: HashMap::new(),
        })
    }

    pub fn config(&self) -> &IndicatorConfig {
        &self.config
    }

    pub fn knows_series(&self, key: &SeriesKey) -> bool {
        self.series.contains_key(key)
    }

    pub fn knows_market(&self, key: &MarketKey) -> bool {
        self.markets.contains_key(key)
    }

    pub fn series_count(&self) -> usize {
        self.series.len()
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
        self.series.insert(key, state);
        Ok(())
    }

    /// Rebuilds a symbol's 24 h change from its stored 1 h candles (oldest first).
    pub fn warm_market(&mut self, key: MarketKey, hours: &[Bar]) {
        let mut day = DayChange::default();
        for hour in hours {
            day.record_hour(hour);
        }
        self.markets.insert(key, day);
    }

    /// Advances the series by a closed candle.
    pub fn apply(&mut self, candle: &Candle, computed_at: i64) -> Result<Applied, IndicatorError> {
        let key = SeriesKey::of(candle);
        let state = match self.series.get_mut(&key) {
            Some(state) => state,
            None => self
                .series
                .entry(key.clone())
                .or_insert(IndicatorState::new(self.config)?),
        };
        if state
            .last_open_time_ms()
            .is_some_and(|last| candle.open_time <= last)
        {
            return Ok(Applied::Duplicate);
        }
        let values = state.update(&bar(candle))?;
        let day = self.markets.entry(key.market()).or_default();
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
        let key = SeriesKey::of(candle);
        let Some(state) = self.series.get(&key) else {
            return Ok(None);
        };
        if state
            .last_open_time_ms()
            .is_some_and(|last| candle.open_time <= last)
        {
            return Ok(None);
        }
        let values = state.peek(&bar(candle))?;
        let change = self
            .markets
            .get(&key.market())
            .and_then(|day| day.change(candle));
        Ok(Some(snapshot(candle, values, change, computed_at)))
    }

    /// Heap bytes of the states (ring buffers), for memory accounting.
    pub fn heap_bytes(&self) -> usize {
        self.series
            .values()
            .map(IndicatorState::heap_bytes)
            .sum::<usize>()
            + self
                .markets
                .values()
                .map(DayChange::heap_bytes)
                .sum::<usize>()
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
