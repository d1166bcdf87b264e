//! Handovers
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, FromRow)]
pub struct HandoverRow {
    pub id: i64,
    pub site_id: i64,
    pub from_user_id: i64,
    pub from_name: String,
    pub at: i64,
    pub summary: String,
    pub note: Option<String>,
    pub to_user_id: Option<i64>,
    pub to_name: Option<String>,
    pub confirmed_at: Option<i64>,
}

pub(super) const HANDOVER_SELECT: &str =
    "SELECT id, site_id, from_user_id, from_name, at, summary, note, to_user_id, \
     to_name, confirmed_at FROM handovers";

pub async fn insert_handover(
    c: &mut Conn,
    site_id: i64,
    from: (i64, &str),
    at: i64,
    summary: &str,
    note: Option<&str>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO handovers (site_id, from_user_id, from_name, at, summary, note) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(site_id)
    .bind(from.0)
    .bind(from.1)
    .bind(at)
    .bind(summary)
    .bind(note)
    .fetch_one(c)
    .await?)
}

pub async fn handover(c: &mut Conn, id: i64) -> Result<Option<HandoverRow>> {
    Ok(sqlx::query_as(&format!("{HANDOVER_SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub async fn handovers(
    c: &mut Conn,
    site_id: i64,
    pending_only: bool,
    limit: i64,
) -> Result<Vec<HandoverRow>> {
    let pending = if pending_only {
        " AND confirmed_at IS NULL"
    } else {
        ""
    };
    Ok(sqlx::query_as(&format!(
        "{HANDOVER_SELECT} WHERE site_id = $1{pending} ORDER BY id DESC LIMIT $2"
    ))
    .bind(site_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

pub async fn confirm_handover(c: &mut Conn, id: i64, to: (i64, &str), at: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE handovers SET to_user_id = $2, to_name = $3, confirmed_at = $4 WHERE id = $1 AND confirmed_at IS NULL",
    )
    .bind(id)
    .bind(to.0)
    .bind(to.1)
    .bind(at)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

/// Open tickets a user created (for the handover).
pub async fn open_tickets_by(
    c: &mut Conn,
    site_id: i64,
    user_id: i64,
) -> Result<Vec<(i64, String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, number, title, state FROM tickets WHERE site_id = $1 AND created_by = $2 \
         AND state IN ('open', 'dispatched', 'in_progress', 'on_hold', 'resolved', 'verified') ORDER BY id LIMIT 200",
    )
    .bind(site_id)
    .bind(user_id)
    .fetch_all(c)
    .await?)
}
