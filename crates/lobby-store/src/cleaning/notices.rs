//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;

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
    pub state: lobby_domain::cleaning::NoticeState,
    pub issued_at: i64,
    pub issued_by: String,
    pub acknowledged_at: Option<i64>,
    pub fixed_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub overdue_notified_at: Option<i64>,
    pub version: i64,
}

pub(super) const NOTICE: &str = "SELECT n.id, n.site_id, n.vendor_id, v.name AS vendor_name, n.number, n.inspection_id, n.ticket_id, n.problem, \
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
