//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;
use lobby_domain::cleaning::Frequency;

#[derive(Debug, Clone, FromRow)]
pub struct PlanRow {
    pub id: i64,
    pub site_id: i64,
    pub vendor_id: i64,
    pub vendor_name: String,
    pub area: String,
    pub task: String,
    pub frequency: Frequency,
    pub times_per_day: i64,
    pub weekdays: String,
    pub day_of_month: i64,
    pub valid_from: String,
    pub valid_until: Option<String>,
    pub replaces_id: Option<i64>,
}

pub(super) const PLAN: &str = "SELECT p.id, p.site_id, p.vendor_id, v.name AS vendor_name, p.area, p.task, p.frequency, p.times_per_day, \
     p.weekdays, p.day_of_month, p.valid_from, p.valid_until, p.replaces_id FROM cleaning_plans p JOIN vendors v ON v.id = p.vendor_id";

pub async fn plans(c: &mut Conn, site_id: i64, vendor_id: Option<i64>) -> Result<Vec<PlanRow>> {
    Ok(sqlx::query_as(&format!(
        "{PLAN} WHERE p.site_id = $1 AND ($2 = 0 OR p.vendor_id = $2) ORDER BY p.vendor_id, p.area, p.id"
    ))
    .bind(site_id)
    .bind(vendor_id.unwrap_or(0))
    .fetch_all(c)
    .await?)
}

pub async fn plan(c: &mut Conn, id: i64) -> Result<Option<PlanRow>> {
    Ok(sqlx::query_as(&format!("{PLAN} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub struct PlanValues<'a> {
    pub site_id: i64,
    pub vendor_id: i64,
    pub area: &'a str,
    pub task: &'a str,
    pub frequency: Frequency,
    pub times_per_day: i64,
    pub weekdays: &'a str,
    pub day_of_month: i64,
    pub valid_from: &'a str,
    pub replaces_id: Option<i64>,
}

pub async fn insert_plan(c: &mut Conn, p: &PlanValues<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO cleaning_plans (site_id, vendor_id, area, task, frequency, times_per_day, weekdays, day_of_month, \
         valid_from, replaces_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(p.site_id)
    .bind(p.vendor_id)
    .bind(p.area)
    .bind(p.task)
    .bind(p.frequency)
    .bind(p.times_per_day)
    .bind(p.weekdays)
    .bind(p.day_of_month)
    .bind(p.valid_from)
    .bind(p.replaces_id)
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// Ends a plan version on `last_day` (inclusive).
pub async fn end_plan(c: &mut Conn, id: i64, last_day: &str) -> Result<()> {
    sqlx::query("UPDATE cleaning_plans SET valid_until = $2 WHERE id = $1")
        .bind(id)
        .bind(last_day)
        .execute(c)
        .await?;
    Ok(())
}

/// Removes a plan's generated tasks from `day` on that are not done (an
/// edit or an end replaces them); done ones stay as history.
pub async fn drop_future_tasks(c: &mut Conn, plan_id: i64, day: &str) -> Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM cleaning_tasks WHERE plan_id = $1 AND day >= $2 AND done_at IS NULL",
    )
    .bind(plan_id)
    .bind(day)
    .execute(c)
    .await?
    .rows_affected())
}

/// Inserts a task instance unless it exists.
pub async fn ensure_task(c: &mut Conn, p: &PlanRow, day: &str, seq: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO cleaning_tasks (site_id, vendor_id, plan_id, day, seq, area, task) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (plan_id, day, seq) DO NOTHING",
    )
    .bind(p.site_id)
    .bind(p.vendor_id)
    .bind(p.id)
    .bind(day)
    .bind(seq)
    .bind(&p.area)
    .bind(&p.task)
    .execute(c)
    .await?;
    Ok(())
}
