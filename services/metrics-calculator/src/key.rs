//! The unit of ordering (one series: exchange, symbol, interval) and the unit of ownership (one partition of
//! the (exchange, symbol) space, so every interval of a symbol, and its 24 h change, live on one replica).

use market_model::{Candle, ExchangeId, Interval, Symbol};

/// One candle series; indicators are computed per series, in open-time order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SeriesKey {
    pub exchange: ExchangeId,
    pub symbol: Symbol,
    pub interval: Interval,
}

impl SeriesKey {
    pub fn of(candle: &Candle) -> Self {
        Self {
            exchange: candle.exchange.clone(),
            symbol: candle.symbol.clone(),
            interval: candle.interval,
        }
    }

    pub fn market(&self) -> MarketKey {
        MarketKey {
            exchange: self.exchange.clone(),
            symbol: self.symbol.clone(),
        }
    }
}

/// One symbol on one exchange: the key of the 24 h change and of partitioning.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MarketKey {
    pub exchange: ExchangeId,
    pub symbol: Symbol,
}

/// The partition of a symbol: FNV-1a over `exchange NUL symbol`, modulo the partition count. Stable across
/// releases and platforms (no std hasher, whose seed and algorithm may change), because replicas of different
/// versions must agree during a rolling update.
pub fn partition_of(exchange: &str, symbol: &str, partitions: u32) -> u32 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for byte in exchange.bytes().chain([0]).chain(symbol.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(PRIME);
    }
    (hash % u64::from(partitions.max(1))) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_is_stable_and_in_range() {
        assert_eq!(partition_of("binance", "ETHBTC", 1), 0);
        let p = partition_of("binance", "ETHBTC", 16);
        assert!(p < 16);
        assert_eq!(p, partition_of("binance", "ETHBTC", 16));
        // The separator keeps ("ab", "c") and ("a", "bc") apart.
        let spread: std::collections::HashSet<u32> = (0..64)
            .map(|i| partition_of("binance", &format!("SYM{i}USDT"), 4))
            .collect();
        assert_eq!(spread.len(), 4, "64 symbols should reach every partition");
    }
}
