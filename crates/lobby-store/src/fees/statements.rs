//! Statements, their lines, payments and what they paid. Part of `fees`.

#[allow(unused_imports)]
use super::*;
use lobby_domain::fees::{PaymentMethod, StatementState};
use sqlx::FromRow;

use crate::{Conn, Result};

/// The tenants that already have a statement for `month` at the site.
pub async fn billed_tenants(c: &mut Conn, site_id: i64, month: &str) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT tenant_id FROM statements WHERE site_id = $1 AND month = $2")
            .bind(site_id)
            .bind(month)
            .fetch_all(c)
            .await?,
    )
}

pub async fn count_statements(c: &mut Conn, site_id: i64, month: &str) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM statements WHERE site_id = $1 AND month = $2")
            .bind(site_id)
            .bind(month)
            .fetch_one(c)
            .await?,
    )
}

pub struct NewStatement<'a> {
    pub site_id: i64,
    pub tenant_id: i64,
    pub month: &'a str,
    pub number: &'a str,
    pub total_fen: i64,
    pub due_date: &'a str,
}

pub async fn insert_statement(c: &mut Conn, s: &NewStatement<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO statements (site_id, tenant_id, month, number, state, total_fen, due_date, created_at) \
         VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7) RETURNING id",
    )
    .bind(s.site_id)
    .bind(s.tenant_id)
    .bind(s.month)
    .bind(s.number)
    .bind(s.total_fen)
    .bind(s.due_date)
    .bind(now)
    .fetch_one(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct LineRow {
    pub statement_id: i64,
    pub position: i64,
    pub fee_item_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub label: String,
    pub quantity: String,
    pub rate_fen: i64,
    pub amount_fen: i64,
}

pub async fn insert_line(c: &mut Conn, l: &LineRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO statement_lines (statement_id, position, fee_item_id, unit_id, label, quantity, rate_fen, amount_fen) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(l.statement_id)
    .bind(l.position)
    .bind(l.fee_item_id)
    .bind(l.unit_id)
    .bind(&l.label)
    .bind(&l.quantity)
    .bind(l.rate_fen)
    .bind(l.amount_fen)
    .execute(c)
    .await?;
    Ok(())
}

/// The lines of the statements `ids`, in order.
pub async fn lines(c: &mut Conn, ids: &[i64]) -> Result<Vec<LineRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    Ok(sqlx::query_as(&format!(
        "SELECT statement_id, position, fee_item_id, unit_id, label, quantity, rate_fen, amount_fen \
         FROM statement_lines WHERE statement_id IN ({list}) ORDER BY statement_id, position"
    ))
    .fetch_all(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct StatementRow {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub month: String,
    pub number: String,
    pub state: StatementState,
    pub total_fen: i64,
    pub paid_fen: i64,
    pub due_date: String,
    pub issued_at: Option<i64>,
    pub version: i64,
}

const STATEMENT_COLS: &str = "s.id, s.site_id, s.tenant_id, t.name AS tenant_name, s.month, s.number, s.state, \
     s.total_fen, CAST(COALESCE((SELECT SUM(a.amount_fen) FROM payment_allocations a WHERE a.statement_id = s.id), 0) AS BIGINT) AS paid_fen, \
     s.due_date, s.issued_at, s.version";

#[derive(Debug, Default)]
pub struct StatementFilter<'a> {
    pub site_id: i64,
    pub month: Option<&'a str>,
    pub tenant_id: Option<i64>,
    pub state: Option<StatementState>,
    /// Leave out drafts (a tenant sees a statement once it is issued).
    pub issued_only: bool,
    /// Text the tenant's name, the statement's number or one of the
    /// tenant's units contains (`1203`).
    pub search: Option<&'a str>,
}

/// Statements newest first (by id), `before` an id for paging.
pub async fn statements(
    c: &mut Conn,
    f: &StatementFilter<'_>,
    before: i64,
    limit: i64,
) -> Result<Vec<StatementRow>> {
    let pattern = f.search.map(crate::contains_pattern);
    Ok(sqlx::query_as(&format!(
        "SELECT {STATEMENT_COLS} FROM statements s JOIN tenants t ON t.id = s.tenant_id \
         WHERE s.site_id = $1 AND ($2 IS NULL OR s.month = $2) AND ($3 IS NULL OR s.tenant_id = $3) \
         AND ($4 IS NULL OR s.state = $4) AND s.id < $5 AND ($7 = 0 OR s.state <> 'draft') \
         AND ($8 IS NULL OR t.name LIKE $8 ESCAPE '\\' OR s.number LIKE $8 ESCAPE '\\' OR EXISTS ( \
           SELECT 1 FROM occupancies o JOIN units u ON u.id = o.unit_id \
           WHERE o.tenant_id = s.tenant_id AND o.until IS NULL AND u.number LIKE $8 ESCAPE '\\')) \
         ORDER BY s.id DESC LIMIT $6"
    ))
    .bind(f.site_id)
    .bind(f.month)
    .bind(f.tenant_id)
    .bind(f.state)
    .bind(before)
    .bind(limit)
    .bind(i64::from(f.issued_only))
    .bind(pattern)
    .fetch_all(c)
    .await?)
}

pub async fn statement(c: &mut Conn, id: i64) -> Result<Option<StatementRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {STATEMENT_COLS} FROM statements s JOIN tenants t ON t.id = s.tenant_id WHERE s.id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await?)
}

/// A tenant's issued statements with something left to pay, oldest due
/// first (where a payment to the account goes).
pub async fn open_statements(c: &mut Conn, tenant_id: i64) -> Result<Vec<StatementRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {STATEMENT_COLS} FROM statements s JOIN tenants t ON t.id = s.tenant_id \
         WHERE s.tenant_id = $1 AND s.state = 'issued' ORDER BY s.due_date, s.id"
    ))
    .bind(tenant_id)
    .fetch_all(c)
    .await?)
}

/// Every issued statement of the site with its paid part (the arrears page
/// keeps those with a balance past due), oldest due first. The order is the
/// `statements_open` index's: ordered by tenant, SQLite walked the site's
/// every statement by the (site, tenant, month) key instead (10 ms against
/// 1 ms at 10,000 statements a site).
pub async fn issued_statements(c: &mut Conn, site_id: i64) -> Result<Vec<StatementRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {STATEMENT_COLS} FROM statements s JOIN tenants t ON t.id = s.tenant_id \
         WHERE s.site_id = $1 AND s.state = 'issued' ORDER BY s.due_date, s.id"
    ))
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

/// One tenant's issued statements at a site due before `today`, as
/// (total, paid) in 分, for the caller to net and add with checked sums.
/// Read in the transaction that acts on what the tenant owes.
pub async fn past_due_of(
    c: &mut Conn,
    site_id: i64,
    tenant_id: i64,
    today: &str,
) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT s.total_fen, CAST(COALESCE((SELECT SUM(a.amount_fen) FROM payment_allocations a \
         WHERE a.statement_id = s.id), 0) AS BIGINT) FROM statements s \
         WHERE s.site_id = $1 AND s.tenant_id = $2 AND s.state = 'issued' AND s.due_date < $3 \
         ORDER BY s.id",
    )
    .bind(site_id)
    .bind(tenant_id)
    .bind(today)
    .fetch_all(c)
    .await?)
}

/// Moves a statement from `from` to `to` (its version guards the change);
/// false when it was not in `from`.
pub async fn set_state(
    c: &mut Conn,
    id: i64,
    from: StatementState,
    to: StatementState,
    issued_at: Option<i64>,
) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE statements SET state = $3, issued_at = COALESCE($4, issued_at), version = version + 1 \
         WHERE id = $1 AND state = $2",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(issued_at)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

/// How many receipts of the series `prefix` the site has issued: payments
/// and deposits share it (a deposit held before lobby keeps the number of
/// the receipt it was given then, in no series of this site's).
pub async fn count_receipts(c: &mut Conn, site_id: i64, prefix: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM payments WHERE site_id = $1 AND receipt_no LIKE $2) \
         + (SELECT COUNT(*) FROM deposits WHERE site_id = $1 AND receipt_no LIKE $2 \
         AND kind <> 'opening')",
    )
    .bind(site_id)
    .bind(format!("{prefix}%"))
    .fetch_one(c)
    .await?)
}

pub struct NewPayment<'a> {
    pub site_id: i64,
    pub tenant_id: i64,
    pub statement_id: Option<i64>,
    pub amount_fen: i64,
    pub method: PaymentMethod,
    pub paid_at: i64,
    pub receipt_no: &'a str,
    pub note: Option<&'a str>,
    pub recorded_by: Option<i64>,
}

pub async fn insert_payment(c: &mut Conn, p: &NewPayment<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO payments (site_id, tenant_id, statement_id, amount_fen, method, paid_at, receipt_no, note, recorded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(p.site_id)
    .bind(p.tenant_id)
    .bind(p.statement_id)
    .bind(p.amount_fen)
    .bind(p.method)
    .bind(p.paid_at)
    .bind(p.receipt_no)
    .bind(p.note)
    .bind(p.recorded_by)
    .bind(now)
    .fetch_one(c)
    .await?)
}

pub async fn allocate(c: &mut Conn, payment_id: i64, statement_id: i64, fen: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO payment_allocations (payment_id, statement_id, amount_fen) VALUES ($1, $2, $3) \
         ON CONFLICT (payment_id, statement_id) DO UPDATE SET amount_fen = payment_allocations.amount_fen + $3",
    )
    .bind(payment_id)
    .bind(statement_id)
    .bind(fen)
    .execute(c)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct PaymentRow {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub statement_id: Option<i64>,
    pub amount_fen: i64,
    /// What it paid of statements; the rest is the tenant's credit.
    pub allocated_fen: i64,
    pub method: PaymentMethod,
    pub paid_at: i64,
    pub receipt_no: String,
    pub note: Option<String>,
    pub reversed_at: Option<i64>,
    pub reversal_reason: Option<String>,
    /// Who recorded it (收款人).
    pub recorded_by_name: Option<String>,
    /// The statement it paid, by number.
    pub statement_number: Option<String>,
}

const PAYMENT_COLS: &str = "p.id, p.site_id, p.tenant_id, t.name AS tenant_name, p.statement_id, p.amount_fen, \
     CAST(COALESCE((SELECT SUM(a.amount_fen) FROM payment_allocations a WHERE a.payment_id = p.id), 0) AS BIGINT) AS allocated_fen, \
     p.method, p.paid_at, p.receipt_no, p.note, p.reversed_at, p.reversal_reason, \
     (SELECT u.display_name FROM users u WHERE u.id = p.recorded_by) AS recorded_by_name, \
     (SELECT s.number FROM statements s WHERE s.id = p.statement_id) AS statement_number";

/// Payments of a site (a tenant's, a statement's), newest first (at most
/// `limit`).
pub async fn payments(
    c: &mut Conn,
    site_id: i64,
    tenant_id: Option<i64>,
    statement_id: Option<i64>,
    limit: i64,
) -> Result<Vec<PaymentRow>> {
    payments_before(c, site_id, tenant_id, statement_id, None, limit).await
}

/// A page of payments, newest first: those with an id below `before`.
pub async fn payments_before(
    c: &mut Conn,
    site_id: i64,
    tenant_id: Option<i64>,
    statement_id: Option<i64>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<PaymentRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {PAYMENT_COLS} FROM payments p JOIN tenants t ON t.id = p.tenant_id \
         WHERE p.site_id = $1 AND ($2 IS NULL OR p.tenant_id = $2) \
         AND ($3 IS NULL OR p.id IN (SELECT a.payment_id FROM payment_allocations a WHERE a.statement_id = $3) OR p.statement_id = $3) \
         AND ($4 IS NULL OR p.id < $4) \
         ORDER BY p.id DESC LIMIT $5"
    ))
    .bind(site_id)
    .bind(tenant_id)
    .bind(statement_id)
    .bind(before)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

pub async fn payment(c: &mut Conn, id: i64) -> Result<Option<PaymentRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {PAYMENT_COLS} FROM payments p JOIN tenants t ON t.id = p.tenant_id WHERE p.id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await?)
}

/// A tenant's payments (not reversed) with something not yet allocated:
/// their credit, oldest first.
pub async fn credits(c: &mut Conn, tenant_id: i64) -> Result<Vec<PaymentRow>> {
    let rows: Vec<PaymentRow> = sqlx::query_as(&format!(
        "SELECT {PAYMENT_COLS} FROM payments p JOIN tenants t ON t.id = p.tenant_id \
         WHERE p.tenant_id = $1 AND p.reversed_at IS NULL ORDER BY p.id"
    ))
    .bind(tenant_id)
    .fetch_all(c)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|p| p.amount_fen > p.allocated_fen)
        .collect())
}

/// Reverses a payment: it pays nothing any more. Returns the statements it
/// had paid (their state may go back to issued).
pub async fn reverse_payment(
    c: &mut Conn,
    id: i64,
    at: i64,
    reason: &str,
) -> Result<Option<Vec<i64>>> {
    // The transition first, conditionally: of two reversals one takes it,
    // the other finds it taken and changes nothing.
    let done = sqlx::query(
        "UPDATE payments SET reversed_at = $2, reversal_reason = $3 WHERE id = $1 AND reversed_at IS NULL",
    )
    .bind(id)
    .bind(at)
    .bind(reason)
    .execute(&mut *c)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(None);
    }
    let paid: Vec<i64> =
        sqlx::query_scalar("SELECT statement_id FROM payment_allocations WHERE payment_id = $1")
            .bind(id)
            .fetch_all(&mut *c)
            .await?;
    sqlx::query("DELETE FROM payment_allocations WHERE payment_id = $1")
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(Some(paid))
}
