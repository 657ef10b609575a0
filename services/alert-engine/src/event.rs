//! An alert event: its deterministic id and deduplication key, and the JSON body receivers get.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The webhook body, also published on `alerts.<api key id>` and stored in `alert_events.payload`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertPayload {
    pub event_id: Uuid,
    pub rule_id: Uuid,
    pub rule_name: String,
    pub symbol: String,
    pub exchange: String,
    pub interval: String,
    /// RFC 3339, UTC.
    pub bar_open_time: String,
    pub value: Option<f64>,
    /// The rule's condition as the user wrote it.
    pub condition: serde_json::Value,
    pub message: String,
    pub triggered_at: String,
    /// Set only on deliveries made by [`crate::deliver_test`].
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub test: bool,
}

/// What makes two triggers "the same event". Replicas compute it independently from the same snapshot, so
/// it must depend on nothing local (no clock, no counter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventIdentity {
    pub rule_id: Uuid,
    pub revision: i64,
    pub exchange: String,
    pub symbol: String,
    pub bar_open_time_ms: i64,
    /// `every_time` rules may fire several times per bar: the update (closed flag and computation time)
    /// is part of their identity. `once` rules fire once per rule: no symbol or bar in theirs.
    pub scope: Scope,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Bar,
    Update { closed: bool, computed_at_ms: i64 },
    Rule,
}

impl EventIdentity {
    /// The Redis key suffix (the configured prefix goes in front).
    pub fn dedup_key(&self) -> String {
        let base = format!("{}:{}", self.rule_id.simple(), self.revision);
        match self.scope {
            Scope::Rule => format!("{base}:once"),
            Scope::Bar => format!(
                "{base}:{}:{}:{}",
                self.exchange, self.symbol, self.bar_open_time_ms
            ),
            Scope::Update {
                closed,
                computed_at_ms,
            } => format!(
                "{base}:{}:{}:{}:{}{computed_at_ms}",
                self.exchange,
                self.symbol,
                self.bar_open_time_ms,
                if closed { 'c' } else { 'l' }
            ),
        }
    }

    /// A UUID derived from the key (SHA-256, version 8), so a redelivery or another replica names the same
    /// event with the same id and `INSERT ... ON CONFLICT DO NOTHING` is idempotent.
    pub fn event_id(&self) -> Uuid {
        let digest = Sha256::digest(self.dedup_key().as_bytes());
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        uuid::Builder::from_custom_bytes(bytes).into_uuid()
    }
}

/// RFC 3339 with milliseconds only when they are not zero, UTC (`2026-01-31T12:05:00Z`).
pub fn rfc3339_ms(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(scope: Scope) -> EventIdentity {
        EventIdentity {
            rule_id: Uuid::from_u128(7),
            revision: 2,
            exchange: "binance".into(),
            symbol: "ETHBTC".into(),
            bar_open_time_ms: 1_515_560_100_000,
            scope,
        }
    }

    #[test]
    fn identities_differ_exactly_where_frequencies_need_them_to() {
        let bar = identity(Scope::Bar);
        assert_eq!(bar.event_id(), identity(Scope::Bar).event_id());
        let live = identity(Scope::Update {
            closed: false,
            computed_at_ms: 5,
        });
        let closed = identity(Scope::Update {
            closed: true,
            computed_at_ms: 5,
        });
        let keys = [
            bar.dedup_key(),
            live.dedup_key(),
            closed.dedup_key(),
            identity(Scope::Rule).dedup_key(),
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        let mut other_revision = identity(Scope::Bar);
        other_revision.revision = 3;
        assert_ne!(other_revision.event_id(), bar.event_id());
        assert_eq!(bar.event_id().get_version_num(), 8);
    }

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339_ms(1_515_560_100_000), "2018-01-10T04:55:00Z");
        assert_eq!(rfc3339_ms(1_515_560_100_123), "2018-01-10T04:55:00.123Z");
    }
}
