//! Dates shown to French users: Paris time (UTC+1, UTC+2 from the last Sunday of March to the last Sunday of
//! October, changing at 01:00 UTC), computed in pure Rust so that the browser and the server agree.

/// A day, in milliseconds (the unit of every time the application stores).
pub const DAY_MS: i64 = 86_400_000;
/// An hour, in milliseconds.
pub const HOUR_MS: i64 = 3_600_000;

/// (year, month 1–12, day) of a count of days since 1970-01-01 (Howard Hinnant's civil_from_days).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days since 1970-01-01 of a civil date.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The last Sunday of a month at 01:00 UTC, in milliseconds.
fn last_sunday_1h_utc(year: i64, month: u32) -> i64 {
    let last_day = days_from_civil(year, month + 1, 1) - 1;
    // 1970-01-01 was a Thursday (weekday 4 with Sunday = 0).
    let weekday = (last_day + 4).rem_euclid(7);
    (last_day - weekday) * DAY_MS + HOUR_MS
}

/// Paris local time of a UTC instant, in milliseconds.
fn paris(ms: i64) -> i64 {
    let (year, _, _) = civil_from_days(ms.div_euclid(DAY_MS));
    let summer = ms >= last_sunday_1h_utc(year, 3) && ms < last_sunday_1h_utc(year, 10);
    ms + if summer { 2 * HOUR_MS } else { HOUR_MS }
}

/// `28/11/2026`
pub fn date(ms: i64) -> String {
    let (y, m, d) = civil_from_days(paris(ms).div_euclid(DAY_MS));
    format!("{d:02}/{m:02}/{y}")
}

/// `28/11/2026 à 15:04`
pub fn date_time(ms: i64) -> String {
    let local = paris(ms);
    let minutes = local.rem_euclid(DAY_MS) / 60_000;
    format!("{} à {:02}:{:02}", date(ms), minutes / 60, minutes % 60)
}

/// "3 jours", "1 jour", "moins d'un jour".
pub fn days(n: i64) -> String {
    match n {
        i64::MIN..=0 => "moins d'un jour".to_string(),
        1 => "1 jour".to_string(),
        n => format!("{n} jours"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_time_follows_summer_time() {
        // 2026-11-28 14:00 UTC is 15:00 in Paris (winter).
        assert_eq!(date_time(1_795_874_400_000), "28/11/2026 à 15:00");
        // 2026-07-14 10:00 UTC is 12:00 (summer).
        assert_eq!(date_time(1_784_023_200_000), "14/07/2026 à 12:00");
        // Summer time starts on 2026-03-29 at 01:00 UTC: 00:59 UTC is 01:59, 01:00 UTC is 03:00.
        assert_eq!(date_time(1_774_745_940_000), "29/03/2026 à 01:59");
        assert_eq!(date_time(1_774_746_000_000), "29/03/2026 à 03:00");
        // Midnight in Paris is still the day before in UTC.
        assert_eq!(date(1_795_820_400_000), "28/11/2026");
    }

    #[test]
    fn civil_dates_round_trip() {
        for days in [-1, 0, 59, 60, 365, 11_016, 20_000, 20_420] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }
}
