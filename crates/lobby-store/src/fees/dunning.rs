//! Dunning steps and notices, and arrears sightings. Part of `fees`.

#[allow(unused_imports)]
use super::*;
use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct StepRow {
    pub days_overdue: i64,
    pub name: String,
}

/// A site's dunning steps, earliest first.
pub async fn dunning_steps(c: &mut Conn, site_id: i64) -> Result<Vec<StepRow>> {
    Ok(sqlx::query_as(
        "SELECT days_overdue, name FROM dunning_steps WHERE site_id = $1 ORDER BY days_overdue",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

/// Replaces a site's dunning steps.
pub async fn set_dunning_steps(c: &mut Conn, site_id: i64, steps: &[StepRow]) -> Result<()> {
    sqlx::query("DELETE FROM dunning_steps WHERE site_id = $1")
        .bind(site_id)
        .execute(&mut *c)
        .await?;
    for s in steps {
        sqlx::query("INSERT INTO dunning_steps (site_id, days_overdue, name) VALUES ($1, $2, $3)")
            .bind(site_id)
            .bind(s.days_overdue)
            .bind(&s.name)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct DunningRow {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub number: String,
    pub step_days: i64,
    pub step_name: String,
    pub balance_fen: i64,
    pub oldest_due_date: String,
    pub pay_by: String,
    pub sent_by: Option<i64>,
    pub sent_by_name: String,
    pub created_at: i64,
}

const DUNNING_COLS: &str =
    "d.id, d.site_id, d.tenant_id, t.name AS tenant_name, d.number, d.step_days, d.step_name, \
     d.balance_fen, d.oldest_due_date, d.pay_by, d.sent_by, d.sent_by_name, d.created_at";

/// Notices sent at a site (to one tenant), newest first.
pub async fn dunning_notices(
    c: &mut Conn,
    site_id: i64,
    tenant_id: Option<i64>,
    limit: i64,
) -> Result<Vec<DunningRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {DUNNING_COLS} FROM dunning_notices d JOIN tenants t ON t.id = d.tenant_id \
         WHERE d.site_id = $1 AND ($2 IS NULL OR d.tenant_id = $2) ORDER BY d.id DESC LIMIT $3"
    ))
    .bind(site_id)
    .bind(tenant_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

pub async fn dunning_notice(c: &mut Conn, id: i64) -> Result<Option<DunningRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {DUNNING_COLS} FROM dunning_notices d JOIN tenants t ON t.id = d.tenant_id WHERE d.id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await?)
}

pub struct NewDunning<'a> {
    pub site_id: i64,
    pub tenant_id: i64,
    pub number: &'a str,
    pub step_days: i64,
    pub step_name: &'a str,
    pub balance_fen: i64,
    pub oldest_due_date: &'a str,
    pub pay_by: &'a str,
    pub sent_by: Option<i64>,
    pub sent_by_name: &'a str,
}

pub async fn insert_dunning(c: &mut Conn, d: &NewDunning<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO dunning_notices (site_id, tenant_id, number, step_days, step_name, balance_fen, oldest_due_date, pay_by, sent_by, sent_by_name, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(d.site_id)
    .bind(d.tenant_id)
    .bind(d.number)
    .bind(d.step_days)
    .bind(d.step_name)
    .bind(d.balance_fen)
    .bind(d.oldest_due_date)
    .bind(d.pay_by)
    .bind(d.sent_by)
    .bind(d.sent_by_name)
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// The id and number of a notice of this step for this debt (its oldest
/// due date) sent to `tenant_id` since `since`, if any.
pub async fn dunning_sent_since(
    c: &mut Conn,
    tenant_id: i64,
    oldest_due_date: &str,
    step_days: i64,
    since: i64,
) -> Result<Option<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, number FROM dunning_notices WHERE tenant_id = $1 AND oldest_due_date = $2 \
         AND step_days = $3 AND created_at >= $4 ORDER BY id DESC LIMIT 1",
    )
    .bind(tenant_id)
    .bind(oldest_due_date)
    .bind(step_days)
    .bind(since)
    .fetch_optional(c)
    .await?)
}

pub async fn count_dunning(c: &mut Conn, site_id: i64, prefix: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM dunning_notices WHERE site_id = $1 AND number LIKE $2",
    )
    .bind(site_id)
    .bind(format!("{prefix}%"))
    .fetch_one(c)
    .await?)
}

/// The sites that have issued statements (the dunning sweep's round).
pub async fn billing_sites(c: &mut Conn) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT site_id FROM statements WHERE state = 'issued' ORDER BY site_id",
    )
    .fetch_all(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct SightingRow {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub note: String,
    pub balance_fen: i64,
    pub seen_by: Option<i64>,
    pub seen_by_name: String,
    pub created_at: i64,
}

/// Sightings at a site between `from` and `to` (micros), or of one tenant;
/// newest first.
pub async fn sightings(
    c: &mut Conn,
    site_id: i64,
    tenant_id: Option<i64>,
    from: i64,
    to: i64,
) -> Result<Vec<SightingRow>> {
    Ok(sqlx::query_as(
        "SELECT s.id, s.site_id, s.tenant_id, t.name AS tenant_name, s.note, s.balance_fen, s.seen_by, s.seen_by_name, s.created_at \
         FROM arrears_sightings s JOIN tenants t ON t.id = s.tenant_id \
         WHERE s.site_id = $1 AND ($2 IS NULL OR s.tenant_id = $2) AND s.created_at >= $3 AND s.created_at < $4 \
         ORDER BY s.id DESC LIMIT 200",
    )
    .bind(site_id)
    .bind(tenant_id)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_sighting(
    c: &mut Conn,
    site_id: i64,
    tenant_id: i64,
    note: &str,
    balance_fen: i64,
    seen_by: Option<i64>,
    seen_by_name: &str,
    log_id: i64,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO arrears_sightings (site_id, tenant_id, note, balance_fen, seen_by, seen_by_name, log_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(site_id)
    .bind(tenant_id)
    .bind(note)
    .bind(balance_fen)
    .bind(seen_by)
    .bind(seen_by_name)
    .bind(log_id)
    .bind(now)
    .fetch_one(c)
    .await?)
}
