//! Following rule changes without restart: `LISTEN alert_rules_changed` (the payload is the rule id) reloads
//! one rule; a full resync runs after every (re)connection of the listener, since notifications sent while
//! it was away are lost, and periodically as a safety net.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use observability::CancellationToken;
use observability::catalog::alert_engine::{RULE_RELOADS, RULES_REJECTED};
use platform::Backoff;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use uuid::Uuid;

use super::{LoadedRule, RuleRow, store};
use crate::engine::Engine;

pub const CHANNEL: &str = "alert_rules_changed";

/// Loads every enabled rule and drops the ones that are gone or disabled; rules the engine already holds in
/// the same version are not recompiled. Returns the number of rules now loaded.
pub async fn resync(pool: &PgPool, engine: &Engine) -> Result<usize, sqlx::Error> {
    let rows = store::load_enabled(pool).await?;
    let present: HashSet<Uuid> = rows.iter().map(|r| r.id).collect();
    for id in engine.rule_ids() {
        if !present.contains(&id) {
            engine.remove(id);
        }
    }
    apply(pool, engine, rows, true).await?;
    Ok(engine.rules_loaded())
}

/// Compiles and installs `rows`; with `skip_current`, rows whose revision and update time the engine already
/// holds are skipped without compiling.
async fn apply(
    pool: &PgPool,
    engine: &Engine,
    rows: Vec<RuleRow>,
    skip_current: bool,
) -> Result<usize, sqlx::Error> {
    let mut rules = Vec::with_capacity(rows.len());
    let changed = rows.into_iter().filter(|row| {
        !skip_current || !engine.is_current(row.id, row.revision, row.updated_at.timestamp_millis())
    });
    for row in changed {
        match LoadedRule::from_row(row) {
            Ok(rule) => rules.push(rule),
            Err(error) => {
                RULES_REJECTED.counter().increment(1);
                tracing::warn!(%error, "skipping a stored rule");
            }
        }
    }
    let ids: Vec<Uuid> = rules.iter().map(|r| r.id).collect();
    let mut gates: std::collections::HashMap<Uuid, Vec<_>> = std::collections::HashMap::new();
    for (rule, symbol, gate) in store::load_gates(pool, &ids).await? {
        gates.entry(rule).or_default().push((symbol, gate));
    }
    let count = rules.len();
    for rule in rules {
        let saved = gates.remove(&rule.id).unwrap_or_default();
        engine.upsert(Arc::new(rule), saved);
    }
    Ok(count)
}

/// Reloads one rule after a notification: enabled, it is (re)compiled; disabled or deleted, it is dropped.
pub async fn reload_one(pool: &PgPool, engine: &Engine, id: Uuid) -> Result<(), sqlx::Error> {
    match store::load_one(pool, id).await? {
        Some(row) => {
            apply(pool, engine, vec![row], false).await?;
        }
        None => engine.remove(id),
    }
    Ok(())
}

pub async fn run(pool: PgPool, engine: Arc<Engine>, every: Duration, shutdown: CancellationToken) {
    let mut backoff = Backoff::new(Duration::from_millis(200), Duration::from_secs(5));
    loop {
        let listener = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        let mut listener = match listener.await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for rule changes; retrying");
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tokio::time::sleep(backoff.next_delay()) => continue,
                }
            }
        };
        backoff.reset();
        full_resync(&pool, &engine).await;
        let mut tick = tokio::time::interval(every);
        tick.reset();
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tick.tick() => full_resync(&pool, &engine).await,
                received = listener.try_recv() => match received {
                    Ok(Some(notification)) => {
                        RULE_RELOADS.counter_with(&[("source", "notify")]).increment(1);
                        match notification.payload().parse::<Uuid>() {
                            Ok(id) => {
                                if let Err(error) = reload_one(&pool, &engine, id).await {
                                    tracing::warn!(%error, rule_id = %id, "cannot reload a changed rule; resyncing later");
                                }
                            }
                            Err(_) => full_resync(&pool, &engine).await,
                        }
                    }
                    // The connection dropped (and is re-established on the next call): catch up.
                    Ok(None) => full_resync(&pool, &engine).await,
                    Err(error) => {
                        tracing::warn!(%error, "rule change listener failed; reconnecting");
                        break;
                    }
                },
            }
        }
    }
}

async fn full_resync(pool: &PgPool, engine: &Engine) {
    RULE_RELOADS
        .counter_with(&[("source", "resync")])
        .increment(1);
    match resync(pool, engine).await {
        Ok(count) => tracing::debug!(rules = count, "rules resynchronised"),
        Err(error) => tracing::warn!(%error, "rule resync failed"),
    }
}
