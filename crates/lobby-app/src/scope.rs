//! Where and when a request is about: its site and the span of a local day.
//! Shared by every feature; knows no feature.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::{time, Actor, AppError, AppResult};

/// The site a request is about: the one given, else the actor's only one.
pub fn site_of(actor: &Actor, site_id: Option<i64>) -> AppResult<i64> {
    match site_id {
        Some(s) => Ok(s),
        None => match actor.site_ids() {
            Some(v) if v.len() == 1 => Ok(v[0]),
            _ => Err(AppError::invalid("site_id", "say which site")),
        },
    }
}

/// The instant a local day starts, in microseconds (a day that begins in a
/// daylight-saving gap starts at the first instant that exists).
pub fn day_start(day: Date, tz: &TimeZone) -> AppResult<i64> {
    day.to_zoned(tz.clone())
        .map(|z| z.timestamp().as_microsecond())
        .map_err(|e| AppError::invalid("day", e.to_string()))
}

/// A month asked for (`2026-11`; the current month at `now` when absent)
/// at a site whose zone is named `tz`: its first day, and its start and end
/// (exclusive) in microseconds.
pub fn month_span(month: Option<&str>, tz: &str, now: i64) -> AppResult<(Date, i64, i64)> {
    let first = match month.filter(|m| !m.trim().is_empty()) {
        Some(m) => time::parse_month("month", m)?.0,
        None => time::local_date(now, tz)?.first_of_month(),
    };
    let next = first
        .checked_add(jiff::Span::new().months(1))
        .map_err(|e| AppError::invalid("month", e.to_string()))?;
    Ok((first, day_span(first, tz)?.0, day_span(next, tz)?.0))
}

/// The start and end (exclusive) of a local day at a site whose zone is
/// named `tz`, in microseconds.
pub fn day_span(day: Date, tz: &str) -> AppResult<(i64, i64)> {
    let zone = time::zone(tz)?;
    let next = day
        .tomorrow()
        .map_err(|e| AppError::invalid("day", e.to_string()))?;
    Ok((day_start(day, &zone)?, day_start(next, &zone)?))
}

/// Today at the site and its zone, by the app's clock.
pub(crate) async fn site_today(
    app: &crate::App,
    site_id: i64,
) -> AppResult<(jiff::civil::Date, jiff::tz::TimeZone)> {
    let site = {
        let mut c = app.db.read().await?;
        site_row(&mut c, site_id).await?
    };
    let tz = crate::time::zone(&site.timezone)?;
    Ok((crate::time::ts(app.now()).to_zoned(tz.clone()).date(), tz))
}

/// The site row for a use case that already authorised.
pub(crate) async fn site_row(
    c: &mut lobby_store::Conn,
    id: i64,
) -> AppResult<lobby_store::sites::SiteRow> {
    lobby_store::sites::site(c, id)
        .await?
        .ok_or(AppError::NotFound("site"))
}
