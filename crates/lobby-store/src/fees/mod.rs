//! Fees and arrears: fee items and their dated rates, meters and readings,
//! charges, statements and their lines, payments and their allocations.
//! Money is `i64` 分, readings `i64` thousandths; an area is read as
//! hundredths of a m² by the query itself (`CAST(ROUND(area_m2 * 100) AS
//! BIGINT)`), so no float reaches the fee code.

use sqlx::FromRow;

use lobby_domain::fees::{FeeBasis, MeterKind};

use crate::{Conn, Result};

mod deposits;
mod dunning;
pub mod notices;
mod statements;

pub use deposits::{
    deposit, deposit_of, deposits, insert_deposit, kept_between, settle_deposit, DepositRow,
    NewDeposit,
};
pub use dunning::{
    billing_sites, count_dunning, dunning_notice, dunning_notices, dunning_sent_since,
    dunning_steps, insert_dunning, insert_sighting, set_dunning_steps, sightings, DunningRow,
    NewDunning, SightingRow, StepRow,
};
pub use statements::{
    allocate, billed_tenants, count_receipts, count_statements, credits, insert_line,
    insert_payment, insert_statement, issued_statements, lines, open_statements, past_due_of,
    payment, payments, payments_before, reverse_payment, set_state, statement, statements, LineRow,
    NewPayment, NewStatement, PaymentRow, StatementFilter, StatementRow,
};

#[derive(Debug, Clone, FromRow)]
pub struct FeeItemRow {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub basis: FeeBasis,
    pub meter_kind: Option<lobby_domain::fees::MeterKind>,
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
    basis: lobby_domain::fees::FeeBasis,
    meter_kind: Option<lobby_domain::fees::MeterKind>,
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
    pub kind: MeterKind,
    pub serial: String,
    pub multiplier: i64,
    pub last_reading_milli: Option<i64>,
    pub last_read_at: Option<i64>,
    pub last_reading_id: Option<i64>,
    /// The dial's photo at the last reading.
    pub last_photo_id: Option<i64>,
    /// The newest reading flagged and not yet confirmed by a second
    /// person (it is not billed until then), and its value.
    pub waiting_reading_id: Option<i64>,
    pub waiting_reading_milli: Option<i64>,
}

const LAST_READING: &str =
    "(SELECT r.id FROM meter_readings r WHERE r.meter_id = m.id ORDER BY r.read_at DESC, r.id DESC LIMIT 1)";

const METER_COLS: &str = "m.id, m.site_id, m.unit_id, u.number AS unit_number, m.kind, m.serial, m.multiplier, \
     (SELECT r.reading_milli FROM meter_readings r WHERE r.meter_id = m.id ORDER BY r.read_at DESC, r.id DESC LIMIT 1) AS last_reading_milli, \
     (SELECT r.read_at FROM meter_readings r WHERE r.meter_id = m.id ORDER BY r.read_at DESC, r.id DESC LIMIT 1) AS last_read_at, \
     (SELECT r.id FROM meter_readings r WHERE r.meter_id = m.id AND r.flagged = 1 AND r.confirmed_by IS NULL ORDER BY r.read_at DESC, r.id DESC LIMIT 1) AS waiting_reading_id, \
     (SELECT r.reading_milli FROM meter_readings r WHERE r.meter_id = m.id AND r.flagged = 1 AND r.confirmed_by IS NULL ORDER BY r.read_at DESC, r.id DESC LIMIT 1) AS waiting_reading_milli";

/// A site's meters in unit order (one unit's when `unit_id` is given).
pub async fn meters(c: &mut Conn, site_id: i64, unit_id: Option<i64>) -> Result<Vec<MeterRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {METER_COLS}, {LAST_READING} AS last_reading_id, \
         (SELECT MAX(p.id) FROM photos p WHERE p.owner = 'meter_reading' AND p.owner_id = {LAST_READING}) AS last_photo_id \
         FROM meters m JOIN units u ON u.id = m.unit_id \
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
        "SELECT {METER_COLS}, {LAST_READING} AS last_reading_id, \
         (SELECT MAX(p.id) FROM photos p WHERE p.owner = 'meter_reading' AND p.owner_id = {LAST_READING}) AS last_photo_id \
         FROM meters m JOIN units u ON u.id = m.unit_id WHERE m.id = $1"
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
    /// The dial's photo, if one was taken.
    pub photo_id: Option<i64>,
    pub read_by: Option<i64>,
    /// A flagged reading's second person, when one has confirmed it.
    pub confirmed_by: Option<i64>,
    pub confirmed_by_name: Option<String>,
    pub confirmed_at: Option<i64>,
}

/// One reading.
pub async fn reading(c: &mut Conn, id: i64) -> Result<Option<ReadingRow>> {
    Ok(sqlx::query_as(
        "SELECT r.id, r.meter_id, r.reading_milli, r.read_at, r.replaced, r.flagged, r.read_by_name, \
         r.read_by, r.confirmed_by, r.confirmed_by_name, r.confirmed_at, \
         (SELECT MAX(p.id) FROM photos p WHERE p.owner = 'meter_reading' AND p.owner_id = r.id) AS photo_id \
         FROM meter_readings r WHERE r.id = $1",
    )
    .bind(id)
    .fetch_optional(c)
    .await?)
}

/// A meter's newest readings first.
pub async fn readings(c: &mut Conn, meter_id: i64, limit: i64) -> Result<Vec<ReadingRow>> {
    Ok(sqlx::query_as(
        "SELECT r.id, r.meter_id, r.reading_milli, r.read_at, r.replaced, r.flagged, r.read_by_name, \
         r.read_by, r.confirmed_by, r.confirmed_by_name, r.confirmed_at, \
         (SELECT MAX(p.id) FROM photos p WHERE p.owner = 'meter_reading' AND p.owner_id = r.id) AS photo_id \
         FROM meter_readings r WHERE r.meter_id = $1 ORDER BY r.read_at DESC, r.id DESC LIMIT $2",
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
        "SELECT id, meter_id, reading_milli, read_at, replaced, flagged, read_by_name, \
         read_by, confirmed_by, confirmed_by_name, confirmed_at, \
         CAST(NULL AS BIGINT) AS photo_id \
         FROM meter_readings WHERE site_id = $1 AND read_at < $2 ORDER BY meter_id, read_at, id",
    )
    .bind(site_id)
    .bind(until)
    .fetch_all(c)
    .await?)
}

/// A second person confirms flagged reading `id`; false when it is not
/// flagged or already confirmed (a conditional update: two confirm once).
pub async fn confirm_reading(
    c: &mut Conn,
    id: i64,
    by: i64,
    by_name: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE meter_readings SET confirmed_by = $2, confirmed_by_name = $3, confirmed_at = $4 \
         WHERE id = $1 AND flagged = 1 AND confirmed_by IS NULL",
    )
    .bind(id)
    .bind(by)
    .bind(by_name)
    .bind(now)
    .execute(c)
    .await?;
    Ok(done.rows_affected() == 1)
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
    /// A priced charge (a damage at a move-out) bills this, not the
    /// item's rate.
    pub amount_fen: Option<i64>,
}

/// The site's charges still to bill: recurring ones not ended and one-offs
/// not yet on a statement.
pub async fn open_charges(c: &mut Conn, site_id: i64) -> Result<Vec<ChargeRow>> {
    Ok(sqlx::query_as(
        "SELECT id, tenant_id, fee_item_id, quantity, note, amount_fen FROM fee_charges \
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

/// A one-off charge at its own price (a damage found at a move-out).
pub async fn insert_priced_charge(
    c: &mut Conn,
    site_id: i64,
    tenant_id: i64,
    fee_item_id: i64,
    amount_fen: i64,
    note: &str,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO fee_charges (site_id, tenant_id, fee_item_id, quantity, note, amount_fen, created_at) \
         VALUES ($1, $2, $3, 1, $4, $5, $6) RETURNING id",
    )
    .bind(site_id)
    .bind(tenant_id)
    .bind(fee_item_id)
    .bind(note)
    .bind(amount_fen)
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
