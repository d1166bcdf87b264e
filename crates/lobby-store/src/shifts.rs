//! Shift definitions (班次), the weekly roster and attendance (出勤).

use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct ShiftRow {
    pub id: i64,
    pub site_id: i64,
    pub code: String,
    pub name: String,
    pub starts: String,
    pub ends: String,
    pub archived: i64,
}

pub async fn shifts(c: &mut Conn, site_id: i64) -> Result<Vec<ShiftRow>> {
    Ok(sqlx::query_as(
        "SELECT id, site_id, code, name, starts, ends, archived FROM shifts WHERE site_id = $1 ORDER BY starts, id",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

pub async fn shift(c: &mut Conn, id: i64) -> Result<Option<ShiftRow>> {
    Ok(sqlx::query_as(
        "SELECT id, site_id, code, name, starts, ends, archived FROM shifts WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(c)
    .await?)
}

pub async fn insert_shift(
    c: &mut Conn,
    site_id: i64,
    code: &str,
    name: &str,
    starts: &str,
    ends: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO shifts (site_id, code, name, starts, ends) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(site_id)
    .bind(code)
    .bind(name)
    .bind(starts)
    .bind(ends)
    .fetch_one(c)
    .await?)
}

pub async fn update_shift(
    c: &mut Conn,
    id: i64,
    name: &str,
    starts: &str,
    ends: &str,
    archived: bool,
) -> Result<()> {
    sqlx::query("UPDATE shifts SET name = $2, starts = $3, ends = $4, archived = $5 WHERE id = $1")
        .bind(id)
        .bind(name)
        .bind(starts)
        .bind(ends)
        .bind(i64::from(archived))
        .execute(c)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct RosterRow {
    pub user_id: i64,
    pub day: String,
    pub shift_id: i64,
}

/// The roster between two days (inclusive, `YYYY-MM-DD`).
pub async fn roster(c: &mut Conn, site_id: i64, from: &str, to: &str) -> Result<Vec<RosterRow>> {
    Ok(sqlx::query_as(
        "SELECT user_id, day, shift_id FROM roster WHERE site_id = $1 AND day >= $2 AND day <= $3 ORDER BY day, user_id",
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}

pub async fn rostered(c: &mut Conn, site_id: i64, user_id: i64, day: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT shift_id FROM roster WHERE site_id = $1 AND user_id = $2 AND day = $3",
    )
    .bind(site_id)
    .bind(user_id)
    .bind(day)
    .fetch_optional(c)
    .await?)
}

/// Sets (or with `None` clears) one person's shift on one day.
pub async fn set_roster(
    c: &mut Conn,
    site_id: i64,
    user_id: i64,
    day: &str,
    shift_id: Option<i64>,
) -> Result<()> {
    match shift_id {
        Some(s) => {
            sqlx::query(
                "INSERT INTO roster (site_id, user_id, day, shift_id) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (site_id, user_id, day) DO UPDATE SET shift_id = $4",
            )
            .bind(site_id)
            .bind(user_id)
            .bind(day)
            .bind(s)
            .execute(c)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM roster WHERE site_id = $1 AND user_id = $2 AND day = $3")
                .bind(site_id)
                .bind(user_id)
                .bind(day)
                .execute(c)
                .await?;
        }
    }
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct AttendanceRow {
    pub user_id: i64,
    pub day: String,
    pub clock_in_at: i64,
    pub clock_out_at: Option<i64>,
}

pub async fn attendance(
    c: &mut Conn,
    site_id: i64,
    from: &str,
    to: &str,
) -> Result<Vec<AttendanceRow>> {
    Ok(sqlx::query_as(
        "SELECT user_id, day, clock_in_at, clock_out_at FROM attendance WHERE site_id = $1 AND day >= $2 AND day <= $3",
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}

pub async fn attendance_of(
    c: &mut Conn,
    site_id: i64,
    user_id: i64,
    day: &str,
) -> Result<Option<AttendanceRow>> {
    Ok(sqlx::query_as(
        "SELECT user_id, day, clock_in_at, clock_out_at FROM attendance WHERE site_id = $1 AND user_id = $2 AND day = $3",
    )
    .bind(site_id)
    .bind(user_id)
    .bind(day)
    .fetch_optional(c)
    .await?)
}

/// The first clock-in of the day; false when there already was one.
pub async fn clock_in(
    c: &mut Conn,
    site_id: i64,
    user_id: i64,
    day: &str,
    at: i64,
) -> Result<bool> {
    Ok(sqlx::query(
        "INSERT INTO attendance (site_id, user_id, day, clock_in_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (site_id, user_id, day) DO NOTHING",
    )
    .bind(site_id)
    .bind(user_id)
    .bind(day)
    .bind(at)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

/// Records (or moves later) the clock-out; false without a clock-in.
pub async fn clock_out(
    c: &mut Conn,
    site_id: i64,
    user_id: i64,
    day: &str,
    at: i64,
) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE attendance SET clock_out_at = $4 WHERE site_id = $1 AND user_id = $2 AND day = $3",
    )
    .bind(site_id)
    .bind(user_id)
    .bind(day)
    .bind(at)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}
