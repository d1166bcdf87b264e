//! Renovations (装修申请), their inspections and drawings.

use lobby_domain::renovations::RenovationState;
use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct RenovationRow {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub unit_id: i64,
    pub unit_number: String,
    pub state: RenovationState,
    pub contractor: String,
    pub contractor_phone: Option<String>,
    pub workers: i64,
    pub start_date: String,
    pub end_date: String,
    pub scope: String,
    pub conditions: Option<String>,
    pub reviewed_by_name: Option<String>,
    pub reviewed_at: Option<i64>,
    pub approved_by_name: Option<String>,
    pub approved_at: Option<i64>,
    pub deposit_fen: i64,
    pub deposit_receipt: Option<String>,
    pub rejected_reason: Option<String>,
    pub accepted_note: Option<String>,
    pub accepted_by_name: Option<String>,
    pub accepted_at: Option<i64>,
    pub kept_fen: i64,
    pub kept_reason: Option<String>,
    pub closed_by_name: Option<String>,
    pub closed_at: Option<i64>,
    pub applied_by_name: String,
    pub created_at: i64,
    pub version: i64,
    /// What the tenant owed past due when it applied, in 分.
    pub arrears_fen: i64,
    pub override_reason: Option<String>,
    pub overridden_by_name: Option<String>,
    pub overridden_at: Option<i64>,
}

/// The state as the app sees it: an application held for arrears (stored
/// `applied`, with its hold) reads `held` until the project manager
/// overrides.
macro_rules! state_sql {
    () => {
        "CASE WHEN r.state = 'applied' AND r.held_at IS NOT NULL AND r.overridden_at IS NULL \
         THEN 'held' ELSE r.state END"
    };
}

const STATE: &str = state_sql!();

const COLS: &str = concat!(
    "r.id, r.site_id, r.tenant_id, t.name AS tenant_name, r.unit_id, u.number AS unit_number, ",
    state_sql!(),
    " AS state, r.contractor, r.contractor_phone, r.workers, r.start_date, r.end_date, r.scope, r.conditions, \
     r.reviewed_by_name, r.reviewed_at, r.approved_by_name, r.approved_at, r.deposit_fen, r.deposit_receipt, \
     r.rejected_reason, r.accepted_note, r.accepted_by_name, r.accepted_at, r.kept_fen, r.kept_reason, \
     r.closed_by_name, r.closed_at, r.applied_by_name, r.created_at, r.version, r.arrears_fen, \
     r.override_reason, r.overridden_by_name, r.overridden_at"
);
const FROM: &str =
    "FROM renovations r JOIN tenants t ON t.id = r.tenant_id JOIN units u ON u.id = r.unit_id";

/// A site's renovations, the newest first (at most `limit`).
pub async fn list(
    c: &mut Conn,
    site_id: i64,
    state: Option<RenovationState>,
    tenant_id: Option<i64>,
    limit: i64,
) -> Result<Vec<RenovationRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} {FROM} WHERE r.site_id = $1 AND ($2 IS NULL OR {STATE} = $2) \
         AND ($3 IS NULL OR r.tenant_id = $3) ORDER BY r.id DESC LIMIT $4"
    ))
    .bind(site_id)
    .bind(state)
    .bind(tenant_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

pub async fn get(c: &mut Conn, id: i64) -> Result<Option<RenovationRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLS} {FROM} WHERE r.id = $1"))
            .bind(id)
            .fetch_optional(c)
            .await?,
    )
}

pub struct NewRenovation<'a> {
    pub site_id: i64,
    pub tenant_id: i64,
    pub unit_id: i64,
    pub contractor: &'a str,
    pub contractor_phone: Option<&'a str>,
    pub workers: i64,
    pub start_date: &'a str,
    pub end_date: &'a str,
    pub scope: &'a str,
    pub applied_by_name: &'a str,
    /// Owed past due when applying: more than 0 holds the application.
    pub arrears_fen: i64,
}

/// A new application; a unit with a renovation under way is
/// `StoreError::Duplicate`.
pub async fn insert(c: &mut Conn, r: &NewRenovation<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO renovations (site_id, tenant_id, unit_id, state, contractor, contractor_phone, workers, \
         start_date, end_date, scope, applied_by_name, created_at, arrears_fen, held_at) \
         VALUES ($1, $2, $3, 'applied', $4, $5, $6, $7, $8, $9, $10, $11, $12, \
         CASE WHEN $12 > 0 THEN $11 END) RETURNING id",
    )
    .bind(r.site_id)
    .bind(r.tenant_id)
    .bind(r.unit_id)
    .bind(r.contractor)
    .bind(r.contractor_phone)
    .bind(r.workers)
    .bind(r.start_date)
    .bind(r.end_date)
    .bind(r.scope)
    .bind(r.applied_by_name)
    .bind(now)
    .bind(r.arrears_fen)
    .fetch_one(c)
    .await?)
}

/// Lets an application held for arrears proceed to review; false when it
/// is not held (overridden already, or no longer an application).
pub async fn override_hold(
    c: &mut Conn,
    id: i64,
    reason: &str,
    by: &str,
    now: i64,
) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE renovations SET override_reason = $2, overridden_by_name = $3, overridden_at = $4, \
         version = version + 1 \
         WHERE id = $1 AND state = 'applied' AND held_at IS NOT NULL AND overridden_at IS NULL",
    )
    .bind(id)
    .bind(reason)
    .bind(by)
    .bind(now)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

/// Writes a renovation's state and the record of the step that moved it,
/// if its version is still `version`; false when someone was first.
pub async fn update(c: &mut Conn, r: &RenovationRow) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE renovations SET state = $3, conditions = $4, reviewed_by_name = $5, reviewed_at = $6, \
         approved_by_name = $7, approved_at = $8, deposit_fen = $9, deposit_receipt = $10, \
         rejected_reason = $11, accepted_note = $12, accepted_by_name = $13, accepted_at = $14, \
         kept_fen = $15, kept_reason = $16, closed_by_name = $17, closed_at = $18, version = version + 1 \
         WHERE id = $1 AND version = $2",
    )
    .bind(r.id)
    .bind(r.version)
    .bind(r.state)
    .bind(&r.conditions)
    .bind(&r.reviewed_by_name)
    .bind(r.reviewed_at)
    .bind(&r.approved_by_name)
    .bind(r.approved_at)
    .bind(r.deposit_fen)
    .bind(&r.deposit_receipt)
    .bind(&r.rejected_reason)
    .bind(&r.accepted_note)
    .bind(&r.accepted_by_name)
    .bind(r.accepted_at)
    .bind(r.kept_fen)
    .bind(&r.kept_reason)
    .bind(&r.closed_by_name)
    .bind(r.closed_at)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, Clone, FromRow)]
pub struct InspectionRow {
    pub id: i64,
    pub kind: lobby_domain::renovations::InspectionKind,
    pub note: String,
    pub violation: i64,
    pub inspected_by_name: String,
    pub inspected_at: i64,
}

pub async fn inspections(c: &mut Conn, renovation_id: i64) -> Result<Vec<InspectionRow>> {
    Ok(sqlx::query_as(
        "SELECT id, kind, note, violation, inspected_by_name, inspected_at FROM renovation_inspections \
         WHERE renovation_id = $1 ORDER BY id",
    )
    .bind(renovation_id)
    .fetch_all(c)
    .await?)
}

pub async fn insert_inspection(
    c: &mut Conn,
    renovation_id: i64,
    kind: lobby_domain::renovations::InspectionKind,
    note: &str,
    violation: bool,
    by: &str,
    at: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO renovation_inspections (renovation_id, kind, note, violation, inspected_by_name, inspected_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(renovation_id)
    .bind(kind)
    .bind(note)
    .bind(i64::from(violation))
    .bind(by)
    .bind(at)
    .fetch_one(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct FileRow {
    pub id: i64,
    pub renovation_id: i64,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub blob: String,
    pub uploaded_by_name: String,
    pub uploaded_at: i64,
}

pub async fn files(c: &mut Conn, renovation_id: i64) -> Result<Vec<FileRow>> {
    Ok(sqlx::query_as(
        "SELECT id, renovation_id, name, content_type, size_bytes, blob, uploaded_by_name, uploaded_at \
         FROM renovation_files WHERE renovation_id = $1 ORDER BY id",
    )
    .bind(renovation_id)
    .fetch_all(c)
    .await?)
}

pub struct NewFile<'a> {
    pub renovation_id: i64,
    pub name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub blob: &'a str,
    pub uploaded_by_name: &'a str,
}

pub async fn insert_file(c: &mut Conn, f: &NewFile<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO renovation_files (renovation_id, name, content_type, size_bytes, blob, uploaded_by_name, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(f.renovation_id)
    .bind(f.name)
    .bind(f.content_type)
    .bind(f.size_bytes)
    .bind(f.blob)
    .bind(f.uploaded_by_name)
    .bind(now)
    .fetch_one(c)
    .await?)
}
