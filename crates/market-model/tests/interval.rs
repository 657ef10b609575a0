#![allow(clippy::unwrap_used, clippy::expect_used)]

use market_model::Interval;

const DAY: i64 = 86_400_000;

/// Unix ms of a UTC midnight, computed independently of the crate (via days since epoch).
fn utc_midnight(days_since_epoch: i64) -> i64 {
    days_since_epoch * DAY
}

#[test]
fn every_binance_interval_parses_and_displays_identically() {
    let names = [
        "1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d",
        "1w", "1M",
    ];
    for name in names {
        let interval: Interval = name.parse().unwrap();
        assert_eq!(interval.to_string(), name);
        assert_eq!(interval.as_str(), name);
    }
    assert_eq!(Interval::ALL.len(), names.len());
}

#[test]
fn minute_and_month_are_case_sensitive() {
    assert_eq!("1m".parse::<Interval>().unwrap(), Interval::Min1);
    assert_eq!("1M".parse::<Interval>().unwrap(), Interval::Month1);
    assert!("1H".parse::<Interval>().is_err());
    assert!("1W".parse::<Interval>().is_err());
    assert!("".parse::<Interval>().is_err());
    assert!(" 1m".parse::<Interval>().is_err());
}

#[test]
fn serde_uses_the_binance_string() {
    assert_eq!(serde_json::to_string(&Interval::Month1).unwrap(), "\"1M\"");
    assert_eq!(
        serde_json::from_str::<Interval>("\"1m\"").unwrap(),
        Interval::Min1
    );
    assert!(serde_json::from_str::<Interval>("\"2m\"").is_err());
    assert!(serde_json::from_str::<Interval>("60").is_err());
}

#[test]
fn fixed_durations() {
    assert_eq!(Interval::Sec1.duration_ms(), Some(1_000));
    assert_eq!(Interval::Min15.duration_ms(), Some(900_000));
    assert_eq!(Interval::Hour12.duration_ms(), Some(43_200_000));
    assert_eq!(Interval::Day3.duration_ms(), Some(3 * DAY));
    assert_eq!(Interval::Week1.duration_ms(), Some(7 * DAY));
    assert_eq!(Interval::Month1.duration_ms(), None);
}

#[test]
fn close_time_matches_binance_t_field() {
    // From Binance's kline event example: t=1672515780000, T=1672515839999.
    assert_eq!(
        Interval::Min1.bar_open(1_672_515_782_136),
        1_672_515_780_000
    );
    assert_eq!(
        Interval::Min1.close_time(1_672_515_780_000),
        1_672_515_839_999
    );
    assert_eq!(
        Interval::Hour1.next_open(1_672_513_200_000),
        1_672_516_800_000
    );
}

#[test]
fn fixed_intervals_align_to_the_epoch() {
    let ts = 1_700_000_123_456;
    for interval in Interval::ALL {
        let open = interval.bar_open(ts);
        assert!(open <= ts && ts < interval.next_open(open), "{interval}");
        assert_eq!(
            interval.bar_open(open),
            open,
            "{interval} alignment is idempotent"
        );
        if let Some(step) = interval.duration_ms()
            && interval != Interval::Week1
        {
            assert_eq!(open % step, 0, "{interval}");
        }
    }
}

#[test]
fn weekly_bars_open_on_monday_midnight_utc() {
    // 2024-01-01 was a Monday (day 19723 since the epoch).
    let monday = utc_midnight(19_723);
    for offset_days in 0..7 {
        let ts = monday + offset_days * DAY + 12 * 3_600_000;
        assert_eq!(Interval::Week1.bar_open(ts), monday, "offset {offset_days}");
    }
    assert_eq!(Interval::Week1.bar_open(monday - 1), monday - 7 * DAY);
    assert_eq!(Interval::Week1.next_open(monday), monday + 7 * DAY);
    assert_eq!(Interval::Week1.close_time(monday), monday + 7 * DAY - 1);
    // The epoch itself (a Thursday) belongs to the week opened on Monday 1969-12-29.
    assert_eq!(Interval::Week1.bar_open(0), -3 * DAY);
}

#[test]
fn three_day_bars_step_from_the_epoch() {
    assert_eq!(Interval::Day3.bar_open(0), 0);
    assert_eq!(Interval::Day3.bar_open(3 * DAY - 1), 0);
    assert_eq!(Interval::Day3.bar_open(3 * DAY), 3 * DAY);
    // Day 19724 (2024-01-02) is in the bar opened on day 19722 (19722 = 3 * 6574).
    assert_eq!(
        Interval::Day3.bar_open(utc_midnight(19_724) + 5),
        utc_midnight(19_722)
    );
    assert_eq!(
        Interval::Day3.next_open(utc_midnight(19_722)),
        utc_midnight(19_725)
    );
}

#[test]
fn monthly_bars_follow_the_calendar_including_leap_years() {
    // (days since epoch of the 1st of the month, length of that month in days)
    let months = [
        (19_723, 31), // 2024-01
        (19_754, 29), // 2024-02, leap year
        (19_389, 28), // 2023-02
        (10_988, 29), // 2000-02, divisible by 400: leap
        (47_513, 28), // 2100-02, divisible by 100 only: not leap
        (20_058, 31), // 2024-12, rolls over into 2025
    ];
    for (first_day, length) in months {
        let open = utc_midnight(first_day);
        let mid = open + 10 * DAY + 1234;
        assert_eq!(Interval::Month1.bar_open(mid), open, "day {first_day}");
        assert_eq!(Interval::Month1.bar_open(open), open);
        assert_eq!(
            Interval::Month1.next_open(open),
            open + length * DAY,
            "day {first_day}"
        );
        assert_eq!(Interval::Month1.close_time(open), open + length * DAY - 1);
    }
}

#[test]
fn extreme_timestamps_do_not_panic() {
    for interval in Interval::ALL {
        for ts in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX] {
            let open = interval.bar_open(ts);
            let _ = interval.next_open(open);
            let _ = interval.close_time(open);
        }
    }
}
