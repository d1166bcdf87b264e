//! Cleaning, greening and pest control: vendors' contracts, plan versions,
//! task instances, headcounts, inspections, rectification notices,
//! evaluations and quality checks.

use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct VendorRow {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub kind: String,
    pub contact_person: Option<String>,
    pub phone: Option<String>,
    pub archived: i64,
    pub contract_start: Option<String>,
    pub contract_end: Option<String>,
    pub scope: Option<String>,
    pub headcount: i64,
    pub feed_token: Option<String>,
}

const VENDOR: &str = "SELECT id, site_id, name, kind, contact_person, phone, archived, contract_start, contract_end, \
     scope, headcount, feed_token FROM vendors";

pub async fn vendors(c: &mut Conn, site_id: i64) -> Result<Vec<VendorRow>> {
    Ok(
        sqlx::query_as(&format!("{VENDOR} WHERE site_id = $1 ORDER BY id"))
            .bind(site_id)
            .fetch_all(c)
            .await?,
    )
}

pub async fn vendor(c: &mut Conn, id: i64) -> Result<Option<VendorRow>> {
    Ok(sqlx::query_as(&format!("{VENDOR} WHERE id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub async fn vendor_by_feed(c: &mut Conn, token: &str) -> Result<Option<VendorRow>> {
    Ok(sqlx::query_as(&format!("{VENDOR} WHERE feed_token = $1"))
        .bind(token)
        .fetch_optional(c)
        .await?)
}

pub struct VendorValues<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub contact_person: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub contract_start: Option<&'a str>,
    pub contract_end: Option<&'a str>,
    pub scope: Option<&'a str>,
    pub headcount: i64,
    pub archived: bool,
}

pub async fn insert_vendor(
    c: &mut Conn,
    site_id: i64,
    v: &VendorValues<'_>,
    token: &str,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO vendors (site_id, name, kind, contact_person, phone, contract_start, contract_end, scope, headcount, \
         archived, feed_token, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(site_id)
    .bind(v.name)
    .bind(v.kind)
    .bind(v.contact_person)
    .bind(v.phone)
    .bind(v.contract_start)
    .bind(v.contract_end)
    .bind(v.scope)
    .bind(v.headcount)
    .bind(i64::from(v.archived))
    .bind(token)
    .bind(now)
    .fetch_one(c)
    .await?)
}

pub async fn update_vendor(c: &mut Conn, id: i64, v: &VendorValues<'_>) -> Result<()> {
    sqlx::query(
        "UPDATE vendors SET name = $2, kind = $3, contact_person = $4, phone = $5, contract_start = $6, contract_end = $7, \
         scope = $8, headcount = $9, archived = $10 WHERE id = $1",
    )
    .bind(id)
    .bind(v.name)
    .bind(v.kind)
    .bind(v.contact_person)
    .bind(v.phone)
    .bind(v.contract_start)
    .bind(v.contract_end)
    .bind(v.scope)
    .bind(v.headcount)
    .bind(i64::from(v.archived))
    .execute(c)
    .await?;
    Ok(())
}

pub async fn set_feed_token(c: &mut Conn, id: i64, token: &str) -> Result<()> {
    sqlx::query("UPDATE vendors SET feed_token = $2 WHERE id = $1")
        .bind(id)
        .bind(token)
        .execute(c)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct PlanRow {
    pub id: i64,
    pub site_id: i64,
    pub vendor_id: i64,
    pub vendor_name: String,
    pub area: String,
    pub task: String,
    pub frequency: String,
    pub times_per_day: i64,
    pub weekdays: String,
    pub day_of_month: i64,
    pub valid_from: String,
    pub valid_until: Option<String>,
    pub replaces_id: Option<i64>,
}

const PLAN: &str = "SELECT p.id, p.site_id, p.vendor_id, v.name AS vendor_name, p.area, p.task, p.frequency, p.times_per_day, \
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
    pub frequency: &'a str,
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

const TASK: &str = "SELECT t.id, t.site_id, t.vendor_id, v.name AS vendor_name, t.plan_id, t.day, t.seq, t.area, t.task, \
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

const INSPECTION: &str = "SELECT i.id, i.site_id, i.vendor_id, v.name AS vendor_name, i.task_id, i.area, i.passed, i.score, i.note, \
     i.at, i.by_name, (SELECT MIN(n.id) FROM rectification_notices n WHERE n.inspection_id = i.id) AS notice_id \
     FROM inspections i JOIN vendors v ON v.id = i.vendor_id";

pub struct NewInspection<'a> {
    pub site_id: i64,
    pub vendor_id: i64,
    pub task_id: Option<i64>,
    pub area: &'a str,
    pub passed: bool,
    pub score: i64,
    pub note: Option<&'a str>,
    pub at: i64,
    pub by_name: &'a str,
}

pub async fn insert_inspection(c: &mut Conn, i: &NewInspection<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO inspections (site_id, vendor_id, task_id, area, passed, score, note, at, by_name) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(i.site_id)
    .bind(i.vendor_id)
    .bind(i.task_id)
    .bind(i.area)
    .bind(i64::from(i.passed))
    .bind(i.score)
    .bind(i.note)
    .bind(i.at)
    .bind(i.by_name)
    .fetch_one(c)
    .await?)
}

pub async fn inspection(c: &mut Conn, id: i64) -> Result<Option<InspectionRow>> {
    Ok(sqlx::query_as(&format!("{INSPECTION} WHERE i.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub async fn inspections(
    c: &mut Conn,
    site_id: i64,
    vendor_id: Option<i64>,
    from: i64,
    to: i64,
    before: i64,
    limit: i64,
) -> Result<Vec<InspectionRow>> {
    Ok(sqlx::query_as(&format!(
        "{INSPECTION} WHERE i.site_id = $1 AND ($2 = 0 OR i.vendor_id = $2) AND i.at >= $3 AND i.at < $4 AND i.id < $5 \
         ORDER BY i.id DESC LIMIT $6"
    ))
    .bind(site_id)
    .bind(vendor_id.unwrap_or(0))
    .bind(from)
    .bind(to)
    .bind(before)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

pub async fn insert_photo(
    c: &mut Conn,
    owner: &str,
    owner_id: i64,
    blob: &str,
    thumb: &str,
    ty: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO cleaning_photos (owner, owner_id, blob, thumb_blob, content_type) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(owner)
    .bind(owner_id)
    .bind(blob)
    .bind(thumb)
    .bind(ty)
    .fetch_one(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct PhotoRow {
    pub id: i64,
    pub owner: String,
    pub owner_id: i64,
    pub blob: String,
    pub thumb_blob: String,
    pub content_type: String,
}

pub async fn photos(c: &mut Conn, owner: &str, owner_id: i64) -> Result<Vec<PhotoRow>> {
    Ok(sqlx::query_as(
        "SELECT id, owner, owner_id, blob, thumb_blob, content_type FROM cleaning_photos WHERE owner = $1 AND owner_id = $2 ORDER BY id",
    )
    .bind(owner)
    .bind(owner_id)
    .fetch_all(c)
    .await?)
}

pub async fn photo(c: &mut Conn, id: i64) -> Result<Option<PhotoRow>> {
    Ok(sqlx::query_as(
        "SELECT id, owner, owner_id, blob, thumb_blob, content_type FROM cleaning_photos WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct NoticeRow {
    pub id: i64,
    pub site_id: i64,
    pub vendor_id: i64,
    pub vendor_name: String,
    pub number: String,
    pub inspection_id: Option<i64>,
    pub ticket_id: Option<i64>,
    pub problem: String,
    pub location: String,
    pub deadline_at: i64,
    pub state: String,
    pub issued_at: i64,
    pub issued_by: String,
    pub acknowledged_at: Option<i64>,
    pub fixed_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub overdue_notified_at: Option<i64>,
    pub version: i64,
}

const NOTICE: &str = "SELECT n.id, n.site_id, n.vendor_id, v.name AS vendor_name, n.number, n.inspection_id, n.ticket_id, n.problem, \
     n.location, n.deadline_at, n.state, n.issued_at, n.issued_by, n.acknowledged_at, n.fixed_at, n.closed_at, \
     n.overdue_notified_at, n.version FROM rectification_notices n JOIN vendors v ON v.id = n.vendor_id";

pub struct NewNotice<'a> {
    pub site_id: i64,
    pub vendor_id: i64,
    pub number: &'a str,
    pub inspection_id: Option<i64>,
    pub ticket_id: Option<i64>,
    pub problem: &'a str,
    pub location: &'a str,
    pub deadline_at: i64,
    pub issued_at: i64,
    pub issued_by: &'a str,
}

pub async fn insert_notice(c: &mut Conn, n: &NewNotice<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO rectification_notices (site_id, vendor_id, number, inspection_id, ticket_id, problem, location, deadline_at, \
         state, issued_at, issued_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'issued', $9, $10) RETURNING id",
    )
    .bind(n.site_id)
    .bind(n.vendor_id)
    .bind(n.number)
    .bind(n.inspection_id)
    .bind(n.ticket_id)
    .bind(n.problem)
    .bind(n.location)
    .bind(n.deadline_at)
    .bind(n.issued_at)
    .bind(n.issued_by)
    .fetch_one(c)
    .await?)
}

pub async fn count_notices(c: &mut Conn, site_id: i64) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM rectification_notices WHERE site_id = $1")
            .bind(site_id)
            .fetch_one(c)
            .await?,
    )
}

pub async fn notice(c: &mut Conn, id: i64) -> Result<Option<NoticeRow>> {
    Ok(sqlx::query_as(&format!("{NOTICE} WHERE n.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub async fn notices(
    c: &mut Conn,
    site_id: i64,
    vendor_id: Option<i64>,
    open_only: bool,
    before: i64,
    limit: i64,
) -> Result<Vec<NoticeRow>> {
    let open = if open_only {
        " AND n.state <> 'closed'"
    } else {
        ""
    };
    Ok(sqlx::query_as(&format!(
        "{NOTICE} WHERE n.site_id = $1 AND ($2 = 0 OR n.vendor_id = $2) AND n.id < $3{open} ORDER BY n.id DESC LIMIT $4"
    ))
    .bind(site_id)
    .bind(vendor_id.unwrap_or(0))
    .bind(before)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Moves a notice to `state` if it is still at `version`, stamping the
/// time in `stamp` (acknowledged_at, fixed_at, closed_at) when given.
pub async fn move_notice(
    c: &mut Conn,
    id: i64,
    version: i64,
    state: &str,
    stamp: Option<&str>,
    at: i64,
) -> Result<bool> {
    let q = match stamp {
        Some("acknowledged_at") => sqlx::query(
            "UPDATE rectification_notices SET state = $3, acknowledged_at = $4, version = version + 1 WHERE id = $1 AND version = $2",
        )
        .bind(id)
        .bind(version)
        .bind(state)
        .bind(at),
        Some("fixed_at") => sqlx::query(
            "UPDATE rectification_notices SET state = $3, fixed_at = $4, version = version + 1 WHERE id = $1 AND version = $2",
        )
        .bind(id)
        .bind(version)
        .bind(state)
        .bind(at),
        Some("closed_at") => sqlx::query(
            "UPDATE rectification_notices SET state = $3, closed_at = $4, version = version + 1 WHERE id = $1 AND version = $2",
        )
        .bind(id)
        .bind(version)
        .bind(state)
        .bind(at),
        _ => sqlx::query(
            "UPDATE rectification_notices SET state = $3, version = version + 1 WHERE id = $1 AND version = $2",
        )
        .bind(id)
        .bind(version)
        .bind(state),
    };
    Ok(q.execute(c).await?.rows_affected() == 1)
}

pub async fn insert_notice_event(
    c: &mut Conn,
    notice_id: i64,
    at: i64,
    actor: &str,
    action: &str,
    note: Option<&str>,
) -> Result<()> {
    sqlx::query("INSERT INTO notice_events (notice_id, at, actor_name, action, note) VALUES ($1, $2, $3, $4, $5)")
        .bind(notice_id)
        .bind(at)
        .bind(actor)
        .bind(action)
        .bind(note)
        .execute(c)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct NoticeEventRow {
    pub at: i64,
    pub actor_name: String,
    pub action: String,
    pub note: Option<String>,
}

pub async fn notice_events(c: &mut Conn, notice_id: i64) -> Result<Vec<NoticeEventRow>> {
    Ok(sqlx::query_as(
        "SELECT at, actor_name, action, note FROM notice_events WHERE notice_id = $1 ORDER BY id",
    )
    .bind(notice_id)
    .fetch_all(c)
    .await?)
}

/// Open notices past their deadline not yet flagged (the overdue job).
pub async fn overdue_unflagged(c: &mut Conn, now: i64) -> Result<Vec<NoticeRow>> {
    Ok(sqlx::query_as(&format!(
        "{NOTICE} WHERE n.state <> 'closed' AND n.deadline_at < $1 AND n.overdue_notified_at IS NULL ORDER BY n.id LIMIT 200"
    ))
    .bind(now)
    .fetch_all(c)
    .await?)
}

pub async fn flag_overdue(c: &mut Conn, id: i64, now: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE rectification_notices SET overdue_notified_at = $2 WHERE id = $1 AND overdue_notified_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, Clone, FromRow)]
pub struct CriterionRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub weight: i64,
    pub archived: i64,
}

pub async fn criteria(c: &mut Conn, site_id: i64) -> Result<Vec<CriterionRow>> {
    Ok(sqlx::query_as(
        "SELECT id, code, name, weight, archived FROM eval_criteria WHERE site_id = $1 ORDER BY id",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

pub async fn upsert_criterion(
    c: &mut Conn,
    site_id: i64,
    code: &str,
    name: &str,
    weight: i64,
    archived: bool,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO eval_criteria (site_id, code, name, weight, archived) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (site_id, code) DO UPDATE SET name = $3, weight = $4, archived = $5",
    )
    .bind(site_id)
    .bind(code)
    .bind(name)
    .bind(weight)
    .bind(i64::from(archived))
    .execute(c)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct EvaluationRow {
    pub id: i64,
    pub site_id: i64,
    pub vendor_id: i64,
    pub vendor_name: String,
    pub month: String,
    pub total: i64,
    pub figures: String,
    pub note: Option<String>,
    pub by_name: String,
    pub at: i64,
}

const EVALUATION: &str = "SELECT e.id, e.site_id, e.vendor_id, v.name AS vendor_name, e.month, e.total, e.figures, e.note, \
     e.by_name, e.at FROM evaluations e JOIN vendors v ON v.id = e.vendor_id";

pub async fn evaluations(
    c: &mut Conn,
    site_id: i64,
    vendor_id: Option<i64>,
) -> Result<Vec<EvaluationRow>> {
    Ok(sqlx::query_as(&format!(
        "{EVALUATION} WHERE e.site_id = $1 AND ($2 = 0 OR e.vendor_id = $2) ORDER BY e.month DESC, e.vendor_id"
    ))
    .bind(site_id)
    .bind(vendor_id.unwrap_or(0))
    .fetch_all(c)
    .await?)
}

pub async fn evaluation(c: &mut Conn, id: i64) -> Result<Option<EvaluationRow>> {
    Ok(sqlx::query_as(&format!("{EVALUATION} WHERE e.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub async fn delete_evaluation_scores(c: &mut Conn, evaluation_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM evaluation_scores WHERE evaluation_id = $1")
        .bind(evaluation_id)
        .execute(c)
        .await?;
    Ok(())
}

/// Creates or replaces the month's evaluation of a vendor; returns its id.
pub async fn upsert_evaluation(
    c: &mut Conn,
    site_id: i64,
    vendor_id: i64,
    month: &str,
    total: i64,
    figures: &str,
    note: Option<&str>,
    by: &str,
    at: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO evaluations (site_id, vendor_id, month, total, figures, note, by_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (vendor_id, month) DO UPDATE SET total = $4, figures = $5, note = $6, by_name = $7, at = $8 RETURNING id",
    )
    .bind(site_id)
    .bind(vendor_id)
    .bind(month)
    .bind(total)
    .bind(figures)
    .bind(note)
    .bind(by)
    .bind(at)
    .fetch_one(c)
    .await?)
}

pub async fn insert_score(
    c: &mut Conn,
    evaluation_id: i64,
    code: &str,
    name: &str,
    weight: i64,
    prefilled: i64,
    score: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO evaluation_scores (evaluation_id, code, name, weight, prefilled, score) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(evaluation_id)
    .bind(code)
    .bind(name)
    .bind(weight)
    .bind(prefilled)
    .bind(score)
    .execute(c)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct ScoreRow {
    pub evaluation_id: i64,
    pub code: String,
    pub name: String,
    pub weight: i64,
    pub prefilled: i64,
    pub score: i64,
}

pub async fn scores(c: &mut Conn, evaluation_id: i64) -> Result<Vec<ScoreRow>> {
    Ok(sqlx::query_as(
        "SELECT evaluation_id, code, name, weight, prefilled, score FROM evaluation_scores WHERE evaluation_id = $1 ORDER BY code",
    )
    .bind(evaluation_id)
    .fetch_all(c)
    .await?)
}

/// Work orders of department cleaning about the site between two instants
/// (tenants' cleaning complaints count in the evaluation).
pub async fn cleaning_complaints(c: &mut Conn, site_id: i64, from: i64, to: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM tickets WHERE site_id = $1 AND department = 'cleaning' AND kind = 'complaint' \
         AND created_at >= $2 AND created_at < $3",
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_one(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct QualityRow {
    pub id: i64,
    pub site_id: i64,
    pub vendor_id: Option<i64>,
    pub vendor_name: Option<String>,
    pub kind: String,
    pub subject: String,
    pub supplier: Option<String>,
    pub passed: i64,
    pub replaced: i64,
    pub note: Option<String>,
    pub at: i64,
    pub by_name: String,
}

pub struct NewQuality<'a> {
    pub site_id: i64,
    pub vendor_id: Option<i64>,
    pub kind: &'a str,
    pub subject: &'a str,
    pub supplier: Option<&'a str>,
    pub passed: bool,
    pub replaced: bool,
    pub note: Option<&'a str>,
    pub at: i64,
    pub by_name: &'a str,
}

pub async fn insert_quality(c: &mut Conn, q: &NewQuality<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO quality_checks (site_id, vendor_id, kind, subject, supplier, passed, replaced, note, at, by_name) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(q.site_id)
    .bind(q.vendor_id)
    .bind(q.kind)
    .bind(q.subject)
    .bind(q.supplier)
    .bind(i64::from(q.passed))
    .bind(i64::from(q.replaced))
    .bind(q.note)
    .bind(q.at)
    .bind(q.by_name)
    .fetch_one(c)
    .await?)
}

pub async fn quality_checks(
    c: &mut Conn,
    site_id: i64,
    vendor_id: Option<i64>,
    from: i64,
    to: i64,
) -> Result<Vec<QualityRow>> {
    Ok(sqlx::query_as(
        "SELECT q.id, q.site_id, q.vendor_id, v.name AS vendor_name, q.kind, q.subject, q.supplier, q.passed, q.replaced, q.note, \
         q.at, q.by_name FROM quality_checks q LEFT JOIN vendors v ON v.id = q.vendor_id \
         WHERE q.site_id = $1 AND ($2 = 0 OR q.vendor_id = $2) AND q.at >= $3 AND q.at < $4 ORDER BY q.id DESC LIMIT 500",
    )
    .bind(site_id)
    .bind(vendor_id.unwrap_or(0))
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}
