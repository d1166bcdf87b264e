//! Payment notices (我已付款): a tenant says it transferred an amount for a
//! statement; finance matches it to a payment or declines it.

use lobby_domain::fees::PaymentNoticeState;
use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct NoticeRow {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub statement_id: i64,
    pub statement_number: String,
    /// The statement's balance now, in 分.
    pub statement_total_fen: i64,
    pub amount_fen: i64,
    pub paid_on: String,
    pub note: Option<String>,
    pub state: PaymentNoticeState,
    pub payment_id: Option<i64>,
    pub receipt_no: Option<String>,
    pub decline_reason: Option<String>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<i64>,
    pub created_by_name: String,
    pub created_at: i64,
}

const SELECT: &str = "SELECT n.id, n.site_id, n.tenant_id, t.name AS tenant_name, n.statement_id, \
     s.number AS statement_number, s.total_fen AS statement_total_fen, n.amount_fen, n.paid_on, \
     n.note, n.state, n.payment_id, p.receipt_no, n.decline_reason, n.decided_by_name, \
     n.decided_at, n.created_by_name, n.created_at \
     FROM payment_notices n JOIN tenants t ON t.id = n.tenant_id \
     JOIN statements s ON s.id = n.statement_id LEFT JOIN payments p ON p.id = n.payment_id";

pub struct NewNotice<'a> {
    pub site_id: i64,
    pub tenant_id: i64,
    pub statement_id: i64,
    pub amount_fen: i64,
    pub paid_on: &'a str,
    pub note: Option<&'a str>,
    pub created_by: Option<i64>,
    pub created_by_name: &'a str,
}

pub async fn insert(c: &mut Conn, n: &NewNotice<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO payment_notices (site_id, tenant_id, statement_id, amount_fen, paid_on, note, \
         state, created_by, created_by_name, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9) RETURNING id",
    )
    .bind(n.site_id)
    .bind(n.tenant_id)
    .bind(n.statement_id)
    .bind(n.amount_fen)
    .bind(n.paid_on)
    .bind(n.note)
    .bind(n.created_by)
    .bind(n.created_by_name)
    .bind(now)
    .fetch_one(c)
    .await?)
}

pub async fn get(c: &mut Conn, id: i64) -> Result<Option<NoticeRow>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE n.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

/// A site's notices (one tenant's when `tenant_id`), pending first, then
/// the newest.
pub async fn list(
    c: &mut Conn,
    site_id: i64,
    state: Option<PaymentNoticeState>,
    tenant_id: Option<i64>,
    limit: i64,
) -> Result<Vec<NoticeRow>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE n.site_id = $1 AND ($2 IS NULL OR n.state = $2) \
         AND ($3 IS NULL OR n.tenant_id = $3) \
         ORDER BY CASE WHEN n.state = 'pending' THEN 0 ELSE 1 END, n.id DESC LIMIT $4"
    ))
    .bind(site_id)
    .bind(state)
    .bind(tenant_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// How many notices of a statement wait for finance.
pub async fn pending_of_statement(c: &mut Conn, statement_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM payment_notices WHERE statement_id = $1 AND state = 'pending'",
    )
    .bind(statement_id)
    .fetch_one(c)
    .await?)
}

/// How many notices wait for finance at a site.
pub async fn count_pending(c: &mut Conn, site_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM payment_notices WHERE site_id = $1 AND state = 'pending'",
    )
    .bind(site_id)
    .fetch_one(c)
    .await?)
}

/// Decides a pending notice: matched to `payment_id`, or declined with
/// `reason`. False when it was decided already.
pub async fn decide(
    c: &mut Conn,
    id: i64,
    state: PaymentNoticeState,
    payment_id: Option<i64>,
    reason: Option<&str>,
    by: &str,
    at: i64,
) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE payment_notices SET state = $2, payment_id = $3, decline_reason = $4, \
         decided_by_name = $5, decided_at = $6 WHERE id = $1 AND state = 'pending'",
    )
    .bind(id)
    .bind(state)
    .bind(payment_id)
    .bind(reason)
    .bind(by)
    .bind(at)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

/// The oldest pending notice a payment answers: the same tenant and
/// amount, for the statement paid (any of the tenant's when the payment
/// named none).
pub async fn answered_by(
    c: &mut Conn,
    tenant_id: i64,
    statement_id: Option<i64>,
    amount_fen: i64,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM payment_notices WHERE tenant_id = $1 AND state = 'pending' \
         AND amount_fen = $3 AND ($2 IS NULL OR statement_id = $2) ORDER BY id LIMIT 1",
    )
    .bind(tenant_id)
    .bind(statement_id)
    .bind(amount_fen)
    .fetch_optional(c)
    .await?)
}

/// The photos of a site's notices (one tenant's when `tenant_id`), as
/// (notice id, photo id), oldest first: one query for a whole list.
pub async fn photo_ids(
    c: &mut Conn,
    site_id: i64,
    tenant_id: Option<i64>,
) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT n.id, p.id FROM photos p JOIN payment_notices n ON n.id = p.owner_id \
         WHERE p.owner = 'payment_notice' AND n.site_id = $1 AND ($2 IS NULL OR n.tenant_id = $2) \
         ORDER BY p.id",
    )
    .bind(site_id)
    .bind(tenant_id)
    .fetch_all(c)
    .await?)
}
