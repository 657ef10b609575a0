//! Replay of real candle files: every candle exactly once, values bit-identical, gaps kept, REST limited
//! to what was replayed.

use std::path::PathBuf;

use exchange_sim::{ClockSpeed, Interval, ReplayConfig, SimConfig};

use crate::helpers::*;

fn reference_csv() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/reference/ethbtc_5m.csv")
}

/// (open time, [open, high, low, close, volume]) for every row of a candle file.
fn file_rows(path: &PathBuf) -> Vec<(i64, [f64; 5])> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let n = |i: usize| f[i].parse::<f64>().unwrap();
            (f[0].parse().unwrap(), [n(1), n(2), n(3), n(4), n(5)])
        })
        .collect()
}

fn replay_config(file: PathBuf) -> SimConfig {
    SimConfig {
        replay: Some(ReplayConfig {
            file,
            symbol: "ETHBTC".into(),
            interval: Interval::M5,
            speed: ClockSpeed::Max,
        }),
        ..config()
    }
}

#[tokio::test]
async fn max_speed_replay_sends_every_candle_once_with_the_files_exact_values() {
    let path = reference_csv();
    let expected = file_rows(&path);
    let sim = spawn(replay_config(path)).await;
    let klines = format!("{}/api/v3/klines?symbol=ETHBTC&interval=5m", sim.rest_url());

    let (_, before) = get_json(&klines).await;
    assert_eq!(
        before.as_array().unwrap().len(),
        0,
        "nothing is served before the replay starts"
    );

    let mut ws = connect(&format!("{}/ws/ethbtc@kline_5m", sim.ws_url())).await;
    let got = closed_klines(&mut ws, expected.len()).await;
    for (payload, (t, values)) in got.iter().zip(&expected) {
        let k = &payload["k"];
        assert_eq!(k["t"].as_i64().unwrap(), *t);
        let sent = ["o", "h", "l", "c", "v"].map(|key| {
            let s = k[key].as_str().unwrap();
            assert!(!s.contains(['e', 'E']), "no exponent: {s}");
            s.parse::<f64>().unwrap()
        });
        assert_eq!(
            sent.map(f64::to_bits),
            values.map(f64::to_bits),
            "candle {t}"
        );
    }
    // Nothing after the last candle.
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(300), next_text(&mut ws))
            .await
            .is_err()
    );

    let first = expected[0].0;
    let (_, page) = get_json(&format!("{klines}&startTime={first}&limit=1000")).await;
    let rows = page.as_array().unwrap();
    assert_eq!(rows.len(), 1000);
    assert_eq!(rows[999][0].as_i64().unwrap(), expected[999].0);
    assert_eq!(
        rows[3][4].as_str().unwrap().parse::<f64>().unwrap(),
        expected[3].1[3]
    );
    let (_, newest) = get_json(&klines).await;
    assert_eq!(
        newest.as_array().unwrap().last().unwrap()[0]
            .as_i64()
            .unwrap(),
        expected.last().unwrap().0
    );
}

#[tokio::test]
async fn gaps_in_the_file_stay_gaps_at_max_speed() {
    gaps_stay_gaps(ClockSpeed::Max, "max").await;
}

#[tokio::test]
async fn gaps_in_the_file_stay_gaps_at_a_speed_factor() {
    // 5-minute bars at x300000: one bar per millisecond of wall time.
    gaps_stay_gaps(ClockSpeed::Factor(300_000.0), "factor").await;
}

async fn gaps_stay_gaps(speed: ClockSpeed, tag: &str) {
    let dir = std::env::temp_dir().join(format!("exchange-sim-gap-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("gap.csv");
    std::fs::write(
        &file,
        "open_time_ms,open,high,low,close,volume\n\
         0,1,2,0.5,1.5,10\n300000,1.5,2,1,1.25,1e-8\n1500000,1.25,1.5,1,1,3\n1800000,1,1,1,1,0\n",
    )
    .unwrap();
    let mut cfg = replay_config(file);
    if let Some(r) = cfg.replay.as_mut() {
        r.speed = speed;
    }
    let sim = spawn(cfg).await;
    let mut ws = connect(&format!("{}/ws/ethbtc@kline_5m", sim.ws_url())).await;
    let got = closed_klines(&mut ws, 4).await;
    let times: Vec<i64> = got.iter().map(|p| p["k"]["t"].as_i64().unwrap()).collect();
    assert_eq!(times, [0, 300_000, 1_500_000, 1_800_000]);
    assert_eq!(got[1]["k"]["v"], "0.00000001");
    let (_, rest) = get_json(&format!(
        "{}/api/v3/klines?symbol=ETHBTC&interval=5m",
        sim.rest_url()
    ))
    .await;
    assert_eq!(rest.as_array().unwrap().len(), 4);
    std::fs::remove_dir_all(&dir).ok();
}
