//! Deposits held (押金) and their settlement.

use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct DepositRow {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub kind: lobby_domain::fees::DepositKind,
    pub source_id: i64,
    pub amount_fen: i64,
    pub receipt_no: Option<String>,
    pub received_at: i64,
    pub received_by_name: String,
    pub released_fen: Option<i64>,
    pub kept_fen: Option<i64>,
    pub kept_reason: Option<String>,
    pub settled_at: Option<i64>,
    pub settled_by_name: Option<String>,
}

const SELECT: &str =
    "SELECT d.id, d.site_id, d.tenant_id, t.name AS tenant_name, d.kind, d.source_id, d.amount_fen, \
     d.receipt_no, d.received_at, d.received_by_name, d.released_fen, d.kept_fen, d.kept_reason, \
     d.settled_at, d.settled_by_name FROM deposits d JOIN tenants t ON t.id = d.tenant_id";

/// A site's deposits (a tenant's only, if given), those still held first.
pub async fn deposits(
    c: &mut Conn,
    site_id: i64,
    tenant_id: Option<i64>,
) -> Result<Vec<DepositRow>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE d.site_id = $1 AND ($2 IS NULL OR d.tenant_id = $2) \
         ORDER BY CASE WHEN d.settled_at IS NULL THEN 0 ELSE 1 END, d.id DESC LIMIT 1000"
    ))
    .bind(site_id)
    .bind(tenant_id)
    .fetch_all(c)
    .await?)
}

pub struct NewDeposit<'a> {
    pub site_id: i64,
    pub tenant_id: i64,
    pub kind: lobby_domain::fees::DepositKind,
    pub source_id: i64,
    pub amount_fen: i64,
    pub receipt_no: Option<&'a str>,
    pub received_by_name: &'a str,
}

pub async fn insert_deposit(c: &mut Conn, d: &NewDeposit<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO deposits (site_id, tenant_id, kind, source_id, amount_fen, receipt_no, received_at, \
         received_by_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(d.site_id)
    .bind(d.tenant_id)
    .bind(d.kind)
    .bind(d.source_id)
    .bind(d.amount_fen)
    .bind(d.receipt_no)
    .bind(now)
    .bind(d.received_by_name)
    .fetch_one(c)
    .await?)
}

/// Settles the deposit of (`kind`, `source_id`): what is kept and the rest
/// released. False when there is none held.
pub async fn settle_deposit(
    c: &mut Conn,
    kind: lobby_domain::fees::DepositKind,
    source_id: i64,
    kept_fen: i64,
    reason: Option<&str>,
    by: &str,
    now: i64,
) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE deposits SET kept_fen = $3, released_fen = amount_fen - $3, kept_reason = $4, \
         settled_at = $6, settled_by_name = $5 \
         WHERE kind = $1 AND source_id = $2 AND settled_at IS NULL AND amount_fen >= $3",
    )
    .bind(kind)
    .bind(source_id)
    .bind(kept_fen)
    .bind(reason)
    .bind(by)
    .bind(now)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

/// One deposit.
pub async fn deposit(c: &mut Conn, id: i64) -> Result<Option<DepositRow>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE d.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

/// What the site kept of deposits settled in [from, to), in 分: income.
pub async fn kept_between(c: &mut Conn, site_id: i64, from: i64, to: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(kept_fen), 0) AS BIGINT) FROM deposits \
         WHERE site_id = $1 AND settled_at >= $2 AND settled_at < $3",
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_one(c)
    .await?)
}

/// The deposit taken for (`kind`, `source_id`).
pub async fn deposit_of(
    c: &mut Conn,
    kind: lobby_domain::fees::DepositKind,
    source_id: i64,
) -> Result<Option<DepositRow>> {
    Ok(
        sqlx::query_as(&format!("{SELECT} WHERE d.kind = $1 AND d.source_id = $2"))
            .bind(kind)
            .bind(source_id)
            .fetch_optional(c)
            .await?,
    )
}
