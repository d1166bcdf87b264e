//! Time conversions at the edges: the store keeps microseconds since the
//! epoch; the API speaks RFC 3339 (UTC); the UI shows the site's zone.

use jiff::{tz::TimeZone, Timestamp};

pub fn ts(micros: i64) -> Timestamp {
    Timestamp::from_microsecond(micros).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// RFC 3339 in UTC, to the second: `2026-11-26T06:05:00Z`.
pub fn rfc3339(micros: i64) -> String {
    ts(micros).strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn rfc3339_opt(micros: Option<i64>) -> Option<String> {
    micros.map(rfc3339)
}

/// `2026-11-26 14:05` in the given zone (SCREENS.md).
pub fn local(micros: i64, tz: &str) -> String {
    let zone = TimeZone::get(tz).unwrap_or(TimeZone::UTC);
    ts(micros)
        .to_zoned(zone)
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// The calendar date in the given zone.
pub fn local_date(micros: i64, tz: &str) -> jiff::civil::Date {
    let zone = TimeZone::get(tz).unwrap_or(TimeZone::UTC);
    ts(micros).to_zoned(zone).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shanghai_is_eight_hours_ahead() {
        let t: Timestamp = "2026-11-26T06:05:00Z".parse().unwrap();
        let m = t.as_microsecond();
        assert_eq!(rfc3339(m), "2026-11-26T06:05:00Z");
        assert_eq!(local(m, "Asia/Shanghai"), "2026-11-26 14:05");
        assert_eq!(
            local_date(t.as_microsecond() + 10 * 3_600_000_000, "Asia/Shanghai").to_string(),
            "2026-11-27"
        );
    }
}
