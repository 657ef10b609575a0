//! The benchmark's rules: the mix described in main.rs, bulk-inserted as the gateway would store them.

use serde_json::{Value, json};
use uuid::Uuid;

pub fn rule(i: usize, symbol: &str, url: &str, firing: bool) -> Value {
    let condition = if firing {
        json!({"left": "close", "op": "gt", "right": 0})
    } else {
        match i % 4 {
            0 => json!({"left": "rsi_14", "op": "crosses_below", "right": 5 + (i % 10)}),
            1 => json!({"left": "close", "op": "gt", "right": 1_000_000 + i}),
            2 => json!({"all": [{"left": "rsi_14", "op": "lt", "right": 3},
                                {"left": "volume", "op": "gt", "right": 1e12}]}),
            _ => json!({"left": "close", "op": "moving_up_pct", "bars": 3, "value": 50}),
        }
    };
    json!({"name": format!("bench {i}"), "symbols": [symbol], "interval": "1m", "condition": condition,
           "frequency": "once_per_bar_close", "webhook_url": url})
}

pub async fn seed(pool: &sqlx::PgPool, rules: usize, symbols: &[String], url: &str) -> usize {
    for schema in [
        platform::migrate::Schema::App,
        platform::migrate::Schema::Timeseries,
    ] {
        platform::migrate::run(pool, schema).await.unwrap();
    }
    let owner = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO api_keys (id, name, key_hash, key_prefix) VALUES ($1, 'bench', 'h', 'sk_')",
    )
    .bind(owner)
    .execute(pool)
    .await
    .unwrap();
    let mut firing = 0;
    for chunk in (0..rules).collect::<Vec<_>>().chunks(5000) {
        let (mut ids, mut names, mut specs) = (Vec::new(), Vec::new(), Vec::new());
        for &i in chunk {
            let s = i % symbols.len();
            let fires = i < symbols.len() && s.is_multiple_of(20);
            firing += usize::from(fires);
            ids.push(Uuid::new_v4());
            names.push(format!("bench {i}"));
            specs.push(rule(i, &symbols[s], url, fires));
        }
        sqlx::query(
            "INSERT INTO alert_rules (id, api_key_id, name, spec, secret) \
             SELECT id, $2, name, spec, 'secret' FROM UNNEST($1::uuid[], $3::text[], $4::jsonb[]) AS t(id, name, spec)",
        )
        .bind(&ids)
        .bind(owner)
        .bind(&names)
        .bind(&specs)
        .execute(pool)
        .await
        .unwrap();
    }
    firing
}
