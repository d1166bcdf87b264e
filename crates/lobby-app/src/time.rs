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
pub fn local(micros: i64, tz: &str) -> crate::AppResult<String> {
    Ok(ts(micros)
        .to_zoned(zone(tz)?)
        .strftime("%Y-%m-%d %H:%M")
        .to_string())
}

/// The calendar date in the given zone.
pub fn local_date(micros: i64, tz: &str) -> crate::AppResult<jiff::civil::Date> {
    Ok(ts(micros).to_zoned(zone(tz)?).date())
}

/// A site's time zone by its stored name. A site's zone is checked when it
/// is written; one the time-zone database no longer knows is an internal
/// error naming it, never a silent UTC.
pub fn zone(name: &str) -> crate::AppResult<TimeZone> {
    TimeZone::get(name).map_err(|e| {
        crate::AppError::Internal(anyhow::anyhow!(
            "the site's time zone {name:?} is not in the time-zone database: {e}"
        ))
    })
}

/// The first instant of `day` in `tz`, in microseconds (a day that starts
/// at a DST gap starts at its first valid instant).
pub fn day_start(day: jiff::civil::Date, tz: &TimeZone) -> crate::AppResult<i64> {
    Ok(day
        .to_zoned(tz.clone())
        .map_err(|e| crate::AppError::Internal(e.into()))?
        .timestamp()
        .as_microsecond())
}

/// The years a date typed into lobby may fall in: a lease, a holiday or a
/// deadline in year 1 or 9999 is a typing error, and would make date
/// arithmetic overflow further on.
pub const SANE_YEARS: std::ops::RangeInclusive<i16> = 1900..=2200;

fn sane(field: &str, year: i16) -> crate::AppResult<()> {
    if SANE_YEARS.contains(&year) {
        Ok(())
    } else {
        Err(crate::AppError::invalid(
            field,
            format!(
                "{field} must fall between the years {} and {}",
                SANE_YEARS.start(),
                SANE_YEARS.end()
            ),
        ))
    }
}

/// A date typed as `2026-11-26`, in the sane years.
pub fn parse_date(field: &str, s: &str) -> crate::AppResult<jiff::civil::Date> {
    let d: jiff::civil::Date = s.trim().parse().map_err(|_| {
        crate::AppError::invalid(field, format!("{field} must be a date like 2026-11-26"))
    })?;
    sane(field, d.year())?;
    Ok(d)
}

/// A month typed as `2026-11`: its first and last day.
pub fn parse_month(
    field: &str,
    s: &str,
) -> crate::AppResult<(jiff::civil::Date, jiff::civil::Date)> {
    let first: jiff::civil::Date = format!("{}-01", s.trim()).parse().map_err(|_| {
        crate::AppError::invalid(field, format!("{field} must be a month like 2026-11"))
    })?;
    sane(field, first.year())?;
    Ok((first, first.last_of_month()))
}

/// An instant typed as RFC 3339 (`2026-11-27T02:00:00Z`), in the sane
/// years.
pub fn parse_instant(field: &str, s: &str) -> crate::AppResult<Timestamp> {
    let t: Timestamp = s.trim().parse().map_err(|_| {
        crate::AppError::invalid(
            field,
            format!("{field} must be a time like 2026-11-27T10:00:00Z"),
        )
    })?;
    sane(field, t.to_zoned(TimeZone::UTC).year())?;
    Ok(t)
}

/// A time a person typed: RFC 3339, or a local date and time at the site
/// (`2026-11-27T09:30`, what a `datetime-local` field sends).
pub fn parse_when(field: &str, s: &str, tz: &str) -> crate::AppResult<i64> {
    let s = s.trim();
    let bad = || {
        crate::AppError::invalid(
            field,
            format!("{field} must be a time like 2026-11-27T09:30 or 2026-11-27T01:30:00Z"),
        )
    };
    Ok(match s.parse::<Timestamp>() {
        Ok(_) => parse_instant(field, s)?.as_microsecond(),
        Err(_) => {
            let local = s.parse::<jiff::civil::DateTime>().map_err(|_| bad())?;
            parse_date(field, &local.date().to_string())?;
            local
                .in_tz(tz)
                .map_err(|_| bad())?
                .timestamp()
                .as_microsecond()
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_outside_the_sane_years_are_refused() {
        use super::*;
        assert!(parse_date("day", "2026-11-26").is_ok());
        for bad in [
            "0001-01-01",
            "1899-12-31",
            "2201-01-01",
            "9999-12-31",
            "2026-13-01",
            "x",
        ] {
            let e = parse_date("day", bad).unwrap_err();
            assert_eq!(e.field(), Some("day"), "{bad}");
        }
        assert!(parse_month("month", "2026-11").is_ok());
        assert!(parse_month("month", "9999-12").is_err());
        assert!(parse_instant("at", "2026-11-27T10:00:00Z").is_ok());
        assert!(parse_instant("at", "9999-12-31T00:00:00Z").is_err());
        assert!(parse_instant("at", "1000-01-01T00:00:00Z").is_err());
    }

    use super::*;

    #[test]
    fn shanghai_is_eight_hours_ahead() {
        let t: Timestamp = "2026-11-26T06:05:00Z".parse().unwrap();
        let m = t.as_microsecond();
        assert_eq!(rfc3339(m), "2026-11-26T06:05:00Z");
        assert_eq!(local(m, "Asia/Shanghai").unwrap(), "2026-11-26 14:05");
        let later = t.checked_add(jiff::SignedDuration::from_hours(10)).unwrap();
        assert_eq!(
            local_date(later.as_microsecond(), "Asia/Shanghai")
                .unwrap()
                .to_string(),
            "2026-11-27"
        );
    }

    #[test]
    fn an_unknown_zone_is_an_error_not_utc() {
        assert!(matches!(
            local_date(0, "Mars/Olympus_Mons"),
            Err(crate::AppError::Internal(_))
        ));
    }
}
