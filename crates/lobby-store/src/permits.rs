//! Moving and goods-release permits (搬家/放行条).

use lobby_domain::permits::{PermitKind, PermitState};
use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct PermitRow {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub unit_id: i64,
    pub unit_number: String,
    pub kind: PermitKind,
    pub permit_date: String,
    pub window_from: String,
    pub window_to: String,
    pub items: String,
    pub vehicle: Option<String>,
    pub lift: Option<String>,
    pub code: String,
    pub state: PermitState,
    pub arrears_fen: i64,
    pub override_reason: Option<String>,
    pub overridden_by_name: Option<String>,
    pub overridden_at: Option<i64>,
    pub used_at: Option<i64>,
    pub used_by_name: Option<String>,
    pub applied_by_name: String,
    pub created_at: i64,
}

const COLS: &str = "p.id, p.site_id, p.tenant_id, t.name AS tenant_name, p.unit_id, u.number AS unit_number, \
     p.kind, p.permit_date, p.window_from, p.window_to, p.items, p.vehicle, p.lift, p.code, p.state, \
     p.arrears_fen, p.override_reason, p.overridden_by_name, p.overridden_at, p.used_at, p.used_by_name, \
     p.applied_by_name, p.created_at";
const FROM: &str =
    "FROM release_permits p JOIN tenants t ON t.id = p.tenant_id JOIN units u ON u.id = p.unit_id";

pub struct PermitFilter<'a> {
    pub site_id: i64,
    /// From this day on (`2026-12-01`).
    pub from: Option<&'a str>,
    /// Up to and including this day.
    pub to: Option<&'a str>,
    pub tenant_id: Option<i64>,
    pub state: Option<PermitState>,
    pub limit: i64,
}

/// A site's permits by day and window (the earliest first).
pub async fn permits(c: &mut Conn, f: &PermitFilter<'_>) -> Result<Vec<PermitRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} {FROM} WHERE p.site_id = $1 \
         AND ($2 IS NULL OR p.permit_date >= $2) AND ($3 IS NULL OR p.permit_date <= $3) \
         AND ($4 IS NULL OR p.tenant_id = $4) AND ($5 IS NULL OR p.state = $5) \
         ORDER BY p.permit_date, p.window_from, p.id LIMIT $6"
    ))
    .bind(f.site_id)
    .bind(f.from)
    .bind(f.to)
    .bind(f.tenant_id)
    .bind(f.state)
    .bind(f.limit)
    .fetch_all(c)
    .await?)
}

pub async fn permit(c: &mut Conn, id: i64) -> Result<Option<PermitRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLS} {FROM} WHERE p.id = $1"))
            .bind(id)
            .fetch_optional(c)
            .await?,
    )
}

pub async fn permit_by_code(c: &mut Conn, code: &str) -> Result<Option<PermitRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLS} {FROM} WHERE p.code = $1"))
            .bind(code)
            .fetch_optional(c)
            .await?,
    )
}

pub struct NewPermit<'a> {
    pub site_id: i64,
    pub tenant_id: i64,
    pub unit_id: i64,
    pub kind: PermitKind,
    pub permit_date: &'a str,
    pub window_from: &'a str,
    pub window_to: &'a str,
    pub items: &'a str,
    pub vehicle: Option<&'a str>,
    pub lift: Option<&'a str>,
    pub code: &'a str,
    pub state: PermitState,
    pub arrears_fen: i64,
    pub applied_by_name: &'a str,
}

/// A new permit; a code that is taken already is `StoreError::Duplicate`.
pub async fn insert_permit(c: &mut Conn, p: &NewPermit<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO release_permits (site_id, tenant_id, unit_id, kind, permit_date, window_from, window_to, \
         items, vehicle, lift, code, state, arrears_fen, applied_by_name, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(p.site_id)
    .bind(p.tenant_id)
    .bind(p.unit_id)
    .bind(p.kind)
    .bind(p.permit_date)
    .bind(p.window_from)
    .bind(p.window_to)
    .bind(p.items)
    .bind(p.vehicle)
    .bind(p.lift)
    .bind(p.code)
    .bind(p.state)
    .bind(p.arrears_fen)
    .bind(p.applied_by_name)
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// Lets a held permit through; false when it was not held any more.
pub async fn override_permit(
    c: &mut Conn,
    id: i64,
    reason: &str,
    by: &str,
    at: i64,
) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE release_permits SET state = 'valid', override_reason = $2, overridden_by_name = $3, \
         overridden_at = $4, version = version + 1 WHERE id = $1 AND state = 'held'",
    )
    .bind(id)
    .bind(reason)
    .bind(by)
    .bind(at)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

/// Marks a valid permit used at the gate; false when someone used it first.
pub async fn use_permit(c: &mut Conn, id: i64, by: &str, at: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE release_permits SET state = 'used', used_at = $2, used_by_name = $3, \
         version = version + 1 WHERE id = $1 AND state = 'valid'",
    )
    .bind(id)
    .bind(at)
    .bind(by)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

/// Withdraws a permit not yet used; false when it was used or withdrawn.
pub async fn cancel_permit(c: &mut Conn, id: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE release_permits SET state = 'cancelled', version = version + 1 \
         WHERE id = $1 AND state IN ('held', 'valid')",
    )
    .bind(id)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}
