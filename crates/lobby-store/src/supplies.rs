//! Supplies (办公用品申购): requisitions, their lines, and the month's cost.

use sqlx::FromRow;

use lobby_domain::supplies::{RequisitionState, SupplyCategory};
use lobby_domain::tickets::Department;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct RequisitionRow {
    pub id: i64,
    pub site_id: i64,
    pub department: Department,
    pub category: SupplyCategory,
    pub state: RequisitionState,
    pub note: Option<String>,
    pub requested_by: i64,
    pub requester: String,
    pub requested_at: i64,
    pub decided_by: Option<i64>,
    pub decider: Option<String>,
    pub decided_at: Option<i64>,
    pub decision_note: Option<String>,
    pub received_at: Option<i64>,
    pub estimate_fen: i64,
    pub actual_fen: Option<i64>,
}

#[derive(Debug, Clone, FromRow)]
pub struct LineRow {
    pub id: i64,
    pub requisition_id: i64,
    pub item: String,
    pub quantity: i64,
    pub unit: String,
    pub price_fen: i64,
}

pub struct NewRequisition<'a> {
    pub site_id: i64,
    pub department: Department,
    pub category: SupplyCategory,
    pub note: Option<&'a str>,
    pub requested_by: i64,
    pub estimate_fen: i64,
}

pub async fn insert(c: &mut Conn, r: &NewRequisition<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO requisitions (site_id, department, category, state, note, requested_by, requested_at, estimate_fen) \
         VALUES ($1, $2, $3, 'submitted', $4, $5, $6, $7) RETURNING id",
    )
    .bind(r.site_id)
    .bind(r.department)
    .bind(r.category)
    .bind(r.note)
    .bind(r.requested_by)
    .bind(now)
    .bind(r.estimate_fen)
    .fetch_one(c)
    .await?)
}

pub async fn insert_line(
    c: &mut Conn,
    requisition_id: i64,
    item: &str,
    quantity: i64,
    unit: &str,
    price_fen: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO requisition_lines (requisition_id, item, quantity, unit, price_fen) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(requisition_id)
    .bind(item)
    .bind(quantity)
    .bind(unit)
    .bind(price_fen)
    .execute(c)
    .await?;
    Ok(())
}

const COLS: &str = "r.id, r.site_id, r.department, r.category, r.state, r.note, r.requested_by, \
     u.display_name AS requester, r.requested_at, r.decided_by, d.display_name AS decider, r.decided_at, \
     r.decision_note, r.received_at, r.estimate_fen, r.actual_fen";

pub async fn get(c: &mut Conn, id: i64) -> Result<Option<RequisitionRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM requisitions r JOIN users u ON u.id = r.requested_by \
         LEFT JOIN users d ON d.id = r.decided_by WHERE r.id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await?)
}

/// A site's requisitions asked for in `[from, to)`, and those received in
/// it, the newest first.
pub async fn list(c: &mut Conn, site_id: i64, from: i64, to: i64) -> Result<Vec<RequisitionRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM requisitions r JOIN users u ON u.id = r.requested_by \
         LEFT JOIN users d ON d.id = r.decided_by WHERE r.site_id = $1 \
         AND ((r.requested_at >= $2 AND r.requested_at < $3) OR (r.received_at >= $2 AND r.received_at < $3) \
              OR r.state IN ('submitted', 'approved')) \
         ORDER BY r.requested_at DESC, r.id DESC LIMIT 500"
    ))
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}

pub async fn lines(c: &mut Conn, ids: &[i64]) -> Result<Vec<LineRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    Ok(sqlx::query_as(&format!(
        "SELECT id, requisition_id, item, quantity, unit, price_fen FROM requisition_lines \
         WHERE requisition_id IN ({list}) ORDER BY id"
    ))
    .fetch_all(c)
    .await?)
}

/// Decides a submitted requisition; false when it was no longer submitted.
pub async fn decide(
    c: &mut Conn,
    id: i64,
    state: &str,
    by: i64,
    note: Option<&str>,
    now: i64,
) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE requisitions SET state = $2, decided_by = $3, decision_note = $4, decided_at = $5 \
         WHERE id = $1 AND state = 'submitted'",
    )
    .bind(id)
    .bind(state)
    .bind(by)
    .bind(note)
    .bind(now)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

/// Marks an approved requisition received at its real cost; false when it
/// was not approved.
pub async fn receive(c: &mut Conn, id: i64, actual_fen: i64, now: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE requisitions SET state = 'received', actual_fen = $2, received_at = $3 \
         WHERE id = $1 AND state = 'approved'",
    )
    .bind(id)
    .bind(actual_fen)
    .bind(now)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, Clone, FromRow)]
pub struct CostRow {
    pub department: Department,
    pub category: SupplyCategory,
    pub cost_fen: i64,
}

/// What was received in `[from, to)`, by department and category.
pub async fn costs(c: &mut Conn, site_id: i64, from: i64, to: i64) -> Result<Vec<CostRow>> {
    Ok(sqlx::query_as(
        "SELECT department, category, CAST(SUM(actual_fen) AS BIGINT) AS cost_fen FROM requisitions \
         WHERE site_id = $1 AND state = 'received' AND received_at >= $2 AND received_at < $3 \
         GROUP BY department, category ORDER BY department, category",
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}
