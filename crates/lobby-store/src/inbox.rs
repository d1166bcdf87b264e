//! 待我处理: counts of what waits at a site, one query each.

use crate::{Conn, Result};

async fn count(c: &mut Conn, sql: &str, site_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(sql).bind(site_id).fetch_one(c).await?)
}

/// Open work orders escalated to the project manager.
pub async fn escalations(c: &mut Conn, site_id: i64) -> Result<i64> {
    count(
        c,
        "SELECT COUNT(*) FROM tickets WHERE site_id = $1 AND escalated = 1 \
         AND state IN ('open', 'dispatched', 'in_progress', 'on_hold', 'resolved', 'verified')",
        site_id,
    )
    .await
}

/// Work orders in `state` (`open`: to dispatch; `resolved`: to verify).
pub async fn tickets_in(c: &mut Conn, site_id: i64, state: &str) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM tickets WHERE site_id = $1 AND state = $2")
            .bind(site_id)
            .bind(state)
            .fetch_one(c)
            .await?,
    )
}

/// Release permits held for arrears, for today or later (`2026-12-07`).
pub async fn permits_held(c: &mut Conn, site_id: i64, today: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM release_permits WHERE site_id = $1 AND state = 'held' \
         AND permit_date >= $2",
    )
    .bind(site_id)
    .bind(today)
    .fetch_one(c)
    .await?)
}

/// Renovations held for arrears, to review, and to approve.
pub async fn renovations(c: &mut Conn, site_id: i64) -> Result<(i64, i64, i64)> {
    let held = "held_at IS NOT NULL AND overridden_at IS NULL";
    let n =
        |cond: String| format!("SELECT COUNT(*) FROM renovations WHERE site_id = $1 AND {cond}");
    Ok((
        count(c, &n(format!("state = 'applied' AND {held}")), site_id).await?,
        count(
            c,
            &n(format!("state = 'applied' AND NOT ({held})")),
            site_id,
        )
        .await?,
        count(c, &n("state = 'reviewed'".into()), site_id).await?,
    ))
}

/// Supply requisitions waiting for approval.
pub async fn requisitions(c: &mut Conn, site_id: i64) -> Result<i64> {
    count(
        c,
        "SELECT COUNT(*) FROM requisitions WHERE site_id = $1 AND state = 'submitted'",
        site_id,
    )
    .await
}

/// Proposals not yet decided.
pub async fn proposals(c: &mut Conn, site_id: i64) -> Result<i64> {
    count(
        c,
        "SELECT COUNT(*) FROM proposals WHERE site_id = $1 AND state = 'open'",
        site_id,
    )
    .await
}

/// Is `month`'s department report signed (`2026-11`)?
pub async fn report_signed(c: &mut Conn, site_id: i64, month: &str) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM department_reports WHERE site_id = $1 AND month = $2 \
         AND signed_at IS NOT NULL",
    )
    .bind(site_id)
    .bind(month)
    .fetch_one(c)
    .await?;
    Ok(n > 0)
}

/// Rectification notices the vendor reports fixed (to re-inspect).
pub async fn notices_fixed(c: &mut Conn, site_id: i64) -> Result<i64> {
    count(
        c,
        "SELECT COUNT(*) FROM rectification_notices WHERE site_id = $1 AND state = 'fixed'",
        site_id,
    )
    .await
}

/// Desk-log entries `viewer` has not acknowledged (and did not write).
pub async fn log_unread(c: &mut Conn, site_id: i64, viewer: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM desk_log l WHERE l.site_id = $1 \
         AND (l.author_id IS NULL OR l.author_id <> $2) AND NOT EXISTS \
         (SELECT 1 FROM desk_log_acks a WHERE a.entry_id = l.id AND a.user_id = $2)",
    )
    .bind(site_id)
    .bind(viewer)
    .fetch_one(c)
    .await?)
}
