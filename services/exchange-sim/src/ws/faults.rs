//! Broken frames for `--malformed-rate`: the kinds of garbage a collector must survive.

use crate::rng::SplitMix;

/// A replacement for `original`: truncated JSON, wrong field types, an unknown event or not JSON at all.
pub fn corrupt(original: &str, event_time: i64, rng: &mut SplitMix) -> String {
    match rng.next_u64() % 4 {
        0 => {
            let cut = (original.len() / 2).max(1);
            original.get(..cut).unwrap_or("{").to_owned()
        }
        1 => format!(
            r#"{{"e":"kline","E":"{event_time}","s":42,"k":{{"t":"soon","o":1.5,"x":"maybe"}}}}"#
        ),
        2 => format!(r#"{{"e":"simUnknownEvent","E":{event_time}}}"#),
        _ => "\u{1}not json at all".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_breaks_a_kline_parser() {
        let mut rng = SplitMix::new(1);
        let good = r#"{"e":"kline","E":1,"s":"X","k":{"t":0}}"#;
        for _ in 0..32 {
            let bad = corrupt(good, 1, &mut rng);
            let parsed: Result<serde_json::Value, _> = serde_json::from_str(&bad);
            let still_kline = parsed
                .ok()
                .is_some_and(|v| v["e"] == "kline" && v["E"].is_i64());
            assert!(!still_kline, "{bad}");
        }
    }
}
