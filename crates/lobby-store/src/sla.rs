//! Service-level policies and holidays per site.

use sqlx::FromRow;

use lobby_domain::tickets::{Kind, Priority};

use crate::{Conn, Result, Topic, Tx};

#[derive(Debug, Clone, FromRow)]
pub struct PolicyRow {
    pub kind: Kind,
    pub priority: Priority,
    pub respond_mins: i64,
    pub onsite_mins: i64,
    pub resolve_mins: i64,
    pub resolve_working_days: Option<i64>,
    pub return_visit_days: i64,
}

pub async fn policies(c: &mut Conn, site_id: i64) -> Result<Vec<PolicyRow>> {
    Ok(sqlx::query_as(
        "SELECT kind, priority, respond_mins, onsite_mins, resolve_mins, resolve_working_days, return_visit_days \
         FROM sla_policies WHERE site_id = $1",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

pub async fn policy(
    c: &mut Conn,
    site_id: i64,
    kind: &str,
    priority: &str,
) -> Result<Option<PolicyRow>> {
    Ok(sqlx::query_as(
        "SELECT kind, priority, respond_mins, onsite_mins, resolve_mins, resolve_working_days, return_visit_days \
         FROM sla_policies WHERE site_id = $1 AND kind = $2 AND priority = $3",
    )
    .bind(site_id)
    .bind(kind)
    .bind(priority)
    .fetch_optional(c)
    .await?)
}

pub async fn upsert_policy(tx: &mut Tx, site_id: i64, p: &PolicyRow, now: i64) -> Result<()> {
    tx.changed(Topic::Rules).await?;
    let c: &mut Conn = tx;
    sqlx::query(
        "INSERT INTO sla_policies (site_id, kind, priority, respond_mins, onsite_mins, resolve_mins, \
         resolve_working_days, return_visit_days, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (site_id, kind, priority) DO UPDATE SET respond_mins = $4, onsite_mins = $5, \
         resolve_mins = $6, resolve_working_days = $7, return_visit_days = $8, updated_at = $9",
    )
    .bind(site_id)
    .bind(p.kind)
    .bind(p.priority)
    .bind(p.respond_mins)
    .bind(p.onsite_mins)
    .bind(p.resolve_mins)
    .bind(p.resolve_working_days)
    .bind(p.return_visit_days)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct HolidayRow {
    pub day: String,
    pub name: Option<String>,
    /// 1: a make-up working day (调休) rather than a day off.
    pub working: i64,
}

pub async fn holidays(c: &mut Conn, site_id: i64) -> Result<Vec<HolidayRow>> {
    Ok(sqlx::query_as(
        "SELECT day, name, working FROM site_holidays WHERE site_id = $1 ORDER BY day",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

pub async fn add_holiday(
    tx: &mut Tx,
    site_id: i64,
    day: &str,
    name: Option<&str>,
    working: bool,
) -> Result<()> {
    tx.changed(Topic::Rules).await?;
    let c: &mut Conn = tx;
    sqlx::query("INSERT INTO site_holidays (site_id, day, name, working) VALUES ($1, $2, $3, $4)")
        .bind(site_id)
        .bind(day)
        .bind(name)
        .bind(i64::from(working))
        .execute(c)
        .await?;
    Ok(())
}

/// Removes a holiday (calendar configuration, not a record: the change is
/// audited by the use case).
pub async fn remove_holiday(tx: &mut Tx, site_id: i64, day: &str) -> Result<bool> {
    tx.changed(Topic::Rules).await?;
    let c: &mut Conn = tx;
    Ok(
        sqlx::query("DELETE FROM site_holidays WHERE site_id = $1 AND day = $2")
            .bind(site_id)
            .bind(day)
            .execute(c)
            .await?
            .rows_affected()
            == 1,
    )
}
