//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, FromRow)]
pub struct TaskRow {
    pub id: i64,
    pub site_id: i64,
    pub vendor_id: i64,
    pub vendor_name: String,
    pub plan_id: i64,
    pub day: String,
    pub seq: i64,
    pub area: String,
    pub task: String,
    pub done_at: Option<i64>,
    pub done_by: Option<String>,
    pub photo: Option<String>,
}

pub(super) const TASK: &str = "SELECT t.id, t.site_id, t.vendor_id, v.name AS vendor_name, t.plan_id, t.day, t.seq, t.area, t.task, \
     t.done_at, t.done_by, t.photo FROM cleaning_tasks t JOIN vendors v ON v.id = t.vendor_id";

pub async fn tasks(
    c: &mut Conn,
    site_id: i64,
    vendor_id: Option<i64>,
    from: &str,
    to: &str,
) -> Result<Vec<TaskRow>> {
    Ok(sqlx::query_as(&format!(
        "{TASK} WHERE t.site_id = $1 AND ($2 = 0 OR t.vendor_id = $2) AND t.day >= $3 AND t.day <= $4 \
         ORDER BY t.day, t.vendor_id, t.area, t.seq, t.id"
    ))
    .bind(site_id)
    .bind(vendor_id.unwrap_or(0))
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}

pub async fn task(c: &mut Conn, id: i64) -> Result<Option<TaskRow>> {
    Ok(sqlx::query_as(&format!("{TASK} WHERE t.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub async fn mark_done(
    c: &mut Conn,
    id: i64,
    at: i64,
    by: &str,
    photo: Option<&str>,
) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE cleaning_tasks SET done_at = $2, done_by = $3, photo = COALESCE($4, photo) WHERE id = $1 AND done_at IS NULL",
    )
    .bind(id)
    .bind(at)
    .bind(by)
    .bind(photo)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

pub async fn set_headcount(
    c: &mut Conn,
    site_id: i64,
    vendor_id: i64,
    day: &str,
    n: i64,
    at: i64,
    by: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO vendor_headcounts (site_id, vendor_id, day, headcount, reported_at, reported_by) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (vendor_id, day) DO UPDATE SET headcount = $4, reported_at = $5, reported_by = $6",
    )
    .bind(site_id)
    .bind(vendor_id)
    .bind(day)
    .bind(n)
    .bind(at)
    .bind(by)
    .execute(c)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct HeadcountRow {
    pub vendor_id: i64,
    pub day: String,
    pub headcount: i64,
}

pub async fn headcounts(
    c: &mut Conn,
    site_id: i64,
    from: &str,
    to: &str,
) -> Result<Vec<HeadcountRow>> {
    Ok(sqlx::query_as(
        "SELECT vendor_id, day, headcount FROM vendor_headcounts WHERE site_id = $1 AND day >= $2 AND day <= $3 ORDER BY day",
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct InspectionRow {
    pub id: i64,
    pub site_id: i64,
    pub vendor_id: i64,
    pub vendor_name: String,
    pub task_id: Option<i64>,
    pub area: String,
    pub passed: i64,
    pub score: i64,
    pub note: Option<String>,
    pub at: i64,
    pub by_name: String,
    pub notice_id: Option<i64>,
}

pub(super) const INSPECTION: &str = "SELECT i.id, i.site_id, i.vendor_id, v.name AS vendor_name, i.task_id, i.area, i.passed, i.score, i.note, \
     i.at, i.by_name, (SELECT MIN(n.id) FROM rectification_notices n WHERE n.inspection_id = i.id) AS notice_id \
     FROM inspections i JOIN vendors v ON v.id = i.vendor_id";
