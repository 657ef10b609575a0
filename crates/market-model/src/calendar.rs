//! Proleptic Gregorian calendar arithmetic on UTC milliseconds, needed for month-aligned bars.
//!
//! Uses Howard Hinnant's `days_from_civil` / `civil_from_days` algorithms: branch-light, exact
//! for every representable day, and free of a date-library dependency.

pub(crate) const MS_PER_DAY: i64 = 86_400_000;

/// Splits a day count since 1970-01-01 into (year, month 1..=12, day 1..=31).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Both values are bounded by the arithmetic above, so the narrowing cannot truncate.
    (year, month as u32, day as u32)
}

/// Day count since 1970-01-01 of a civil date (month 1..=12, day 1..=31).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 }; // [0, 11]
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Start (ms) of the UTC calendar month containing `ts_ms`.
pub(crate) fn month_start(ts_ms: i64) -> i64 {
    let (year, month, _) = civil_from_days(ts_ms.div_euclid(MS_PER_DAY));
    days_from_civil(year, month, 1).saturating_mul(MS_PER_DAY)
}

/// Start (ms) of the UTC calendar month after the one containing `ts_ms`.
pub(crate) fn next_month_start(ts_ms: i64) -> i64 {
    let (year, month, _) = civil_from_days(ts_ms.div_euclid(MS_PER_DAY));
    let (year, month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    days_from_civil(year, month, 1).saturating_mul(MS_PER_DAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_is_day_zero() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn round_trips_across_four_centuries() {
        for days in (-200_000..200_000).step_by(7) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
    }

    #[test]
    fn known_dates() {
        // 2024-02-29 (leap day) and 2000-03-01 (after a 400-year leap day).
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
