//! Fees and arrears: fee items and their dated rates, meters and readings,
//! charges, statements and their lines, payments and their allocations.
//! Money is `i64` 分, readings `i64` thousandths; an area is read as
//! hundredths of a m² by the query itself (`CAST(ROUND(area_m2 * 100) AS
//! BIGINT)`), so no float reaches the fee code.

use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct FeeItemRow {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub basis: String,
    pub meter_kind: Option<String>,
    pub archived: i64,
}

pub async fn fee_items(c: &mut Conn, site_id: i64) -> Result<Vec<FeeItemRow>> {
    Ok(sqlx::query_as(
        "SELECT id, site_id, name, basis, meter_kind, archived FROM fee_items \
         WHERE site_id = $1 ORDER BY id",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

pub async fn fee_item(c: &mut Conn, id: i64) -> Result<Option<FeeItemRow>> {
    Ok(sqlx::query_as(
        "SELECT id, site_id, name, basis, meter_kind, archived FROM fee_items WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(c)
    .await?)
}

pub async fn insert_fee_item(
    c: &mut Conn,
    site_id: i64,
    name: &str,
    basis: &str,
    meter_kind: Option<&str>,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO fee_items (site_id, name, basis, meter_kind, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(site_id)
    .bind(name)
    .bind(basis)
    .bind(meter_kind)
    .bind(now)
    .fetch_one(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct FeeRateRow {
    pub fee_item_id: i64,
    pub effective_from: String,
    pub rate_fen: i64,
    pub tier_limit: Option<i64>,
    pub above_fen: Option<i64>,
}

/// Every rate of the site's fee items, oldest first per item.
pub async fn fee_rates(c: &mut Conn, site_id: i64) -> Result<Vec<FeeRateRow>> {
    Ok(sqlx::query_as(
        "SELECT r.fee_item_id, r.effective_from, r.rate_fen, r.tier_limit, r.above_fen \
         FROM fee_rates r JOIN fee_items i ON i.id = r.fee_item_id \
         WHERE i.site_id = $1 ORDER BY r.fee_item_id, r.effective_from",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

pub async fn insert_rate(c: &mut Conn, r: &FeeRateRow, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO fee_rates (fee_item_id, effective_from, rate_fen, tier_limit, above_fen, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(r.fee_item_id)
    .bind(&r.effective_from)
    .bind(r.rate_fen)
    .bind(r.tier_limit)
    .bind(r.above_fen)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct MeterRow {
    pub id: i64,
    pub site_id: i64,
    pub unit_id: i64,
    pub unit_number: String,
    pub kind: String,
    pub serial: String,
    pub multiplier: i64,
    pub last_reading_milli: Option<i64>,
    pub last_read_at: Option<i64>,
}

const METER_COLS: &str = "m.id, m.site_id, m.unit_id, u.number AS unit_number, m.kind, m.serial, m.multiplier, \
     (SELECT r.reading_milli FROM meter_readings r WHERE r.meter_id = m.id ORDER BY r.read_at DESC, r.id DESC LIMIT 1) AS last_reading_milli, \
     (SELECT r.read_at FROM meter_readings r WHERE r.meter_id = m.id ORDER BY r.read_at DESC, r.id DESC LIMIT 1) AS last_read_at";

/// A site's meters in unit order (one unit's when `unit_id` is given).
pub async fn meters(c: &mut Conn, site_id: i64, unit_id: Option<i64>) -> Result<Vec<MeterRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {METER_COLS} FROM meters m JOIN units u ON u.id = m.unit_id \
         WHERE m.site_id = $1 AND m.archived = 0 AND ($2 IS NULL OR m.unit_id = $2) \
         ORDER BY u.sort_key, m.kind, m.id"
    ))
    .bind(site_id)
    .bind(unit_id)
    .fetch_all(c)
    .await?)
}

pub async fn meter(c: &mut Conn, id: i64) -> Result<Option<MeterRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {METER_COLS} FROM meters m JOIN units u ON u.id = m.unit_id WHERE m.id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await?)
}

pub async fn insert_meter(
    c: &mut Conn,
    site_id: i64,
    unit_id: i64,
    kind: &str,
    serial: &str,
    multiplier: i64,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO meters (site_id, unit_id, kind, serial, multiplier, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(site_id)
    .bind(unit_id)
    .bind(kind)
    .bind(serial)
    .bind(multiplier)
    .bind(now)
    .fetch_one(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct ReadingRow {
    pub id: i64,
    pub meter_id: i64,
    pub reading_milli: i64,
    pub read_at: i64,
    pub replaced: i64,
    pub flagged: i64,
    pub read_by_name: String,
}

/// A meter's newest readings first.
pub async fn readings(c: &mut Conn, meter_id: i64, limit: i64) -> Result<Vec<ReadingRow>> {
    Ok(sqlx::query_as(
        "SELECT id, meter_id, reading_milli, read_at, replaced, flagged, read_by_name \
         FROM meter_readings WHERE meter_id = $1 ORDER BY read_at DESC, id DESC LIMIT $2",
    )
    .bind(meter_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Every reading of the site's meters up to `until` (micros), by meter and
/// time: what a month's consumption is computed from.
pub async fn site_readings(c: &mut Conn, site_id: i64, until: i64) -> Result<Vec<ReadingRow>> {
    Ok(sqlx::query_as(
        "SELECT id, meter_id, reading_milli, read_at, replaced, flagged, read_by_name \
         FROM meter_readings WHERE site_id = $1 AND read_at < $2 ORDER BY meter_id, read_at, id",
    )
    .bind(site_id)
    .bind(until)
    .fetch_all(c)
    .await?)
}

pub struct NewReading<'a> {
    pub meter_id: i64,
    pub site_id: i64,
    pub reading_milli: i64,
    pub read_at: i64,
    pub replaced: bool,
    pub flagged: bool,
    pub read_by: Option<i64>,
    pub read_by_name: &'a str,
}

pub async fn insert_reading(c: &mut Conn, r: &NewReading<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO meter_readings (meter_id, site_id, reading_milli, read_at, replaced, flagged, read_by, read_by_name, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(r.meter_id)
    .bind(r.site_id)
    .bind(r.reading_milli)
    .bind(r.read_at)
    .bind(i64::from(r.replaced))
    .bind(i64::from(r.flagged))
    .bind(r.read_by)
    .bind(r.read_by_name)
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// A tenant's hold of a unit that overlaps a month.
#[derive(Debug, Clone, FromRow)]
pub struct HoldRow {
    pub tenant_id: i64,
    pub unit_id: i64,
    pub unit_number: String,
    /// Hundredths of a m².
    pub area_centi: i64,
    pub since: i64,
    pub until: Option<i64>,
}

/// The occupancies of the site's units that overlap `start..end` (micros).
pub async fn holds(c: &mut Conn, site_id: i64, start: i64, end: i64) -> Result<Vec<HoldRow>> {
    Ok(sqlx::query_as(
        "SELECT o.tenant_id, o.unit_id, u.number AS unit_number, \
         CAST(ROUND(u.area_m2 * 100) AS BIGINT) AS area_centi, o.since, o.until \
         FROM occupancies o JOIN units u ON u.id = o.unit_id \
         WHERE u.site_id = $1 AND o.since < $3 AND (o.until IS NULL OR o.until >= $2) \
         ORDER BY o.tenant_id, u.sort_key",
    )
    .bind(site_id)
    .bind(start)
    .bind(end)
    .fetch_all(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct ChargeRow {
    pub id: i64,
    pub tenant_id: i64,
    pub fee_item_id: i64,
    pub quantity: i64,
    pub note: Option<String>,
}

/// The site's charges still to bill: recurring ones not ended and one-offs
/// not yet on a statement.
pub async fn open_charges(c: &mut Conn, site_id: i64) -> Result<Vec<ChargeRow>> {
    Ok(sqlx::query_as(
        "SELECT id, tenant_id, fee_item_id, quantity, note FROM fee_charges \
         WHERE site_id = $1 AND ended = 0 AND billed_statement_id IS NULL ORDER BY id",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

pub async fn insert_charge(
    c: &mut Conn,
    site_id: i64,
    tenant_id: i64,
    fee_item_id: i64,
    quantity: i64,
    note: Option<&str>,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO fee_charges (site_id, tenant_id, fee_item_id, quantity, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(site_id)
    .bind(tenant_id)
    .bind(fee_item_id)
    .bind(quantity)
    .bind(note)
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// A one-off charge is billed once: it names the statement that billed it.
pub async fn mark_billed(c: &mut Conn, charge_id: i64, statement_id: i64) -> Result<()> {
    sqlx::query("UPDATE fee_charges SET billed_statement_id = $2 WHERE id = $1")
        .bind(charge_id)
        .bind(statement_id)
        .execute(c)
        .await?;
    Ok(())
}

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
    pub state: String,
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
    pub state: Option<&'a str>,
}

/// Statements newest first (by id), `before` an id for paging.
pub async fn statements(
    c: &mut Conn,
    f: &StatementFilter<'_>,
    before: i64,
    limit: i64,
) -> Result<Vec<StatementRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {STATEMENT_COLS} FROM statements s JOIN tenants t ON t.id = s.tenant_id \
         WHERE s.site_id = $1 AND ($2 IS NULL OR s.month = $2) AND ($3 IS NULL OR s.tenant_id = $3) \
         AND ($4 IS NULL OR s.state = $4) AND s.id < $5 ORDER BY s.id DESC LIMIT $6"
    ))
    .bind(f.site_id)
    .bind(f.month)
    .bind(f.tenant_id)
    .bind(f.state)
    .bind(before)
    .bind(limit)
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
/// keeps those with a balance past due).
pub async fn issued_statements(c: &mut Conn, site_id: i64) -> Result<Vec<StatementRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {STATEMENT_COLS} FROM statements s JOIN tenants t ON t.id = s.tenant_id \
         WHERE s.site_id = $1 AND s.state = 'issued' ORDER BY s.tenant_id, s.due_date"
    ))
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

/// Moves a statement from `from` to `to` (its version guards the change);
/// false when it was not in `from`.
pub async fn set_state(
    c: &mut Conn,
    id: i64,
    from: &str,
    to: &str,
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

pub async fn count_receipts(c: &mut Conn, site_id: i64, prefix: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM payments WHERE site_id = $1 AND receipt_no LIKE $2",
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
    pub method: &'a str,
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
    pub method: String,
    pub paid_at: i64,
    pub receipt_no: String,
    pub note: Option<String>,
    pub reversed_at: Option<i64>,
    pub reversal_reason: Option<String>,
}

const PAYMENT_COLS: &str = "p.id, p.site_id, p.tenant_id, t.name AS tenant_name, p.statement_id, p.amount_fen, \
     CAST(COALESCE((SELECT SUM(a.amount_fen) FROM payment_allocations a WHERE a.payment_id = p.id), 0) AS BIGINT) AS allocated_fen, \
     p.method, p.paid_at, p.receipt_no, p.note, p.reversed_at, p.reversal_reason";

/// Payments of a site (a tenant's, a statement's), newest first.
pub async fn payments(
    c: &mut Conn,
    site_id: i64,
    tenant_id: Option<i64>,
    statement_id: Option<i64>,
    limit: i64,
) -> Result<Vec<PaymentRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {PAYMENT_COLS} FROM payments p JOIN tenants t ON t.id = p.tenant_id \
         WHERE p.site_id = $1 AND ($2 IS NULL OR p.tenant_id = $2) \
         AND ($3 IS NULL OR p.id IN (SELECT a.payment_id FROM payment_allocations a WHERE a.statement_id = $3) OR p.statement_id = $3) \
         ORDER BY p.id DESC LIMIT $4"
    ))
    .bind(site_id)
    .bind(tenant_id)
    .bind(statement_id)
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
pub async fn reverse_payment(c: &mut Conn, id: i64, at: i64, reason: &str) -> Result<Vec<i64>> {
    let paid: Vec<i64> =
        sqlx::query_scalar("SELECT statement_id FROM payment_allocations WHERE payment_id = $1")
            .bind(id)
            .fetch_all(&mut *c)
            .await?;
    sqlx::query("DELETE FROM payment_allocations WHERE payment_id = $1")
        .bind(id)
        .execute(&mut *c)
        .await?;
    sqlx::query("UPDATE payments SET reversed_at = $2, reversal_reason = $3 WHERE id = $1")
        .bind(id)
        .bind(at)
        .bind(reason)
        .execute(&mut *c)
        .await?;
    Ok(paid)
}

#[derive(Debug, Clone, FromRow)]
pub struct StepRow {
    pub days_overdue: i64,
    pub name: String,
}

/// A site's dunning steps, earliest first.
pub async fn dunning_steps(c: &mut Conn, site_id: i64) -> Result<Vec<StepRow>> {
    Ok(sqlx::query_as(
        "SELECT days_overdue, name FROM dunning_steps WHERE site_id = $1 ORDER BY days_overdue",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

/// Replaces a site's dunning steps.
pub async fn set_dunning_steps(c: &mut Conn, site_id: i64, steps: &[StepRow]) -> Result<()> {
    sqlx::query("DELETE FROM dunning_steps WHERE site_id = $1")
        .bind(site_id)
        .execute(&mut *c)
        .await?;
    for s in steps {
        sqlx::query("INSERT INTO dunning_steps (site_id, days_overdue, name) VALUES ($1, $2, $3)")
            .bind(site_id)
            .bind(s.days_overdue)
            .bind(&s.name)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct DunningRow {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub number: String,
    pub step_days: i64,
    pub step_name: String,
    pub balance_fen: i64,
    pub oldest_due_date: String,
    pub pay_by: String,
    pub sent_by: Option<i64>,
    pub sent_by_name: String,
    pub created_at: i64,
}

const DUNNING_COLS: &str =
    "d.id, d.site_id, d.tenant_id, t.name AS tenant_name, d.number, d.step_days, d.step_name, \
     d.balance_fen, d.oldest_due_date, d.pay_by, d.sent_by, d.sent_by_name, d.created_at";

/// Notices sent at a site (to one tenant), newest first.
pub async fn dunning_notices(
    c: &mut Conn,
    site_id: i64,
    tenant_id: Option<i64>,
    limit: i64,
) -> Result<Vec<DunningRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {DUNNING_COLS} FROM dunning_notices d JOIN tenants t ON t.id = d.tenant_id \
         WHERE d.site_id = $1 AND ($2 IS NULL OR d.tenant_id = $2) ORDER BY d.id DESC LIMIT $3"
    ))
    .bind(site_id)
    .bind(tenant_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

pub async fn dunning_notice(c: &mut Conn, id: i64) -> Result<Option<DunningRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {DUNNING_COLS} FROM dunning_notices d JOIN tenants t ON t.id = d.tenant_id WHERE d.id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await?)
}

pub struct NewDunning<'a> {
    pub site_id: i64,
    pub tenant_id: i64,
    pub number: &'a str,
    pub step_days: i64,
    pub step_name: &'a str,
    pub balance_fen: i64,
    pub oldest_due_date: &'a str,
    pub pay_by: &'a str,
    pub sent_by: Option<i64>,
    pub sent_by_name: &'a str,
}

pub async fn insert_dunning(c: &mut Conn, d: &NewDunning<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO dunning_notices (site_id, tenant_id, number, step_days, step_name, balance_fen, oldest_due_date, pay_by, sent_by, sent_by_name, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(d.site_id)
    .bind(d.tenant_id)
    .bind(d.number)
    .bind(d.step_days)
    .bind(d.step_name)
    .bind(d.balance_fen)
    .bind(d.oldest_due_date)
    .bind(d.pay_by)
    .bind(d.sent_by)
    .bind(d.sent_by_name)
    .bind(now)
    .fetch_one(c)
    .await?)
}

pub async fn count_dunning(c: &mut Conn, site_id: i64, prefix: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM dunning_notices WHERE site_id = $1 AND number LIKE $2",
    )
    .bind(site_id)
    .bind(format!("{prefix}%"))
    .fetch_one(c)
    .await?)
}

/// The sites that have issued statements (the dunning sweep's round).
pub async fn billing_sites(c: &mut Conn) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT site_id FROM statements WHERE state = 'issued' ORDER BY site_id",
    )
    .fetch_all(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct SightingRow {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub note: String,
    pub balance_fen: i64,
    pub seen_by: Option<i64>,
    pub seen_by_name: String,
    pub created_at: i64,
}

/// Sightings at a site between `from` and `to` (micros), or of one tenant;
/// newest first.
pub async fn sightings(
    c: &mut Conn,
    site_id: i64,
    tenant_id: Option<i64>,
    from: i64,
    to: i64,
) -> Result<Vec<SightingRow>> {
    Ok(sqlx::query_as(
        "SELECT s.id, s.site_id, s.tenant_id, t.name AS tenant_name, s.note, s.balance_fen, s.seen_by, s.seen_by_name, s.created_at \
         FROM arrears_sightings s JOIN tenants t ON t.id = s.tenant_id \
         WHERE s.site_id = $1 AND ($2 IS NULL OR s.tenant_id = $2) AND s.created_at >= $3 AND s.created_at < $4 \
         ORDER BY s.id DESC LIMIT 200",
    )
    .bind(site_id)
    .bind(tenant_id)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_sighting(
    c: &mut Conn,
    site_id: i64,
    tenant_id: i64,
    note: &str,
    balance_fen: i64,
    seen_by: Option<i64>,
    seen_by_name: &str,
    log_id: i64,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO arrears_sightings (site_id, tenant_id, note, balance_fen, seen_by, seen_by_name, log_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(site_id)
    .bind(tenant_id)
    .bind(note)
    .bind(balance_fen)
    .bind(seen_by)
    .bind(seen_by_name)
    .bind(log_id)
    .bind(now)
    .fetch_one(c)
    .await?)
}
