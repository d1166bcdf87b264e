//! Move-ins and move-outs (入驻/退租), their checklist items, the readings
//! and key copies they took, and each site's handover checklist.

use lobby_domain::moves::{ItemState, MoveKind, MoveState};
use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct MoveRow {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub unit_id: i64,
    pub unit_number: String,
    pub kind: MoveKind,
    pub move_date: String,
    pub lease_end: Option<String>,
    pub state: MoveState,
    pub note: Option<String>,
    pub signed_by: Option<String>,
    pub signed_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub completed_by_name: Option<String>,
    pub created_by_name: String,
    pub created_at: i64,
    /// When engineering was last told the meters wait for their readings.
    pub readings_told_at: Option<i64>,
}

const COLS: &str =
    "m.id, m.site_id, m.tenant_id, t.name AS tenant_name, m.unit_id, u.number AS unit_number, \
     m.kind, m.move_date, m.lease_end, m.state, m.note, m.signed_by, m.signed_at, m.completed_at, \
     m.completed_by_name, m.created_by_name, m.created_at, m.readings_told_at";
const FROM: &str =
    "FROM moves m JOIN tenants t ON t.id = m.tenant_id JOIN units u ON u.id = m.unit_id";

pub struct MoveFilter {
    pub site_id: i64,
    pub kind: Option<MoveKind>,
    pub state: Option<MoveState>,
    pub tenant_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub limit: i64,
}

/// A site's moves, open ones first, then the newest.
pub async fn moves(c: &mut Conn, f: &MoveFilter) -> Result<Vec<MoveRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} {FROM} WHERE m.site_id = $1 AND ($2 IS NULL OR m.kind = $2) \
         AND ($3 IS NULL OR m.state = $3) AND ($4 IS NULL OR m.tenant_id = $4) \
         AND ($5 IS NULL OR m.unit_id = $5) \
         ORDER BY CASE WHEN m.state = 'open' THEN 0 ELSE 1 END, m.move_date DESC, m.id DESC LIMIT $6"
    ))
    .bind(f.site_id)
    .bind(f.kind)
    .bind(f.state)
    .bind(f.tenant_id)
    .bind(f.unit_id)
    .bind(f.limit)
    .fetch_all(c)
    .await?)
}

pub async fn get(c: &mut Conn, id: i64) -> Result<Option<MoveRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLS} {FROM} WHERE m.id = $1"))
            .bind(id)
            .fetch_optional(c)
            .await?,
    )
}

/// The last completed move-in of the tenant into the unit (the checklist a
/// move-out is inspected against).
pub async fn last_move_in(c: &mut Conn, tenant_id: i64, unit_id: i64) -> Result<Option<MoveRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} {FROM} WHERE m.tenant_id = $1 AND m.unit_id = $2 AND m.kind = 'in' \
         AND m.state = 'completed' ORDER BY m.id DESC LIMIT 1"
    ))
    .bind(tenant_id)
    .bind(unit_id)
    .fetch_optional(c)
    .await?)
}

pub struct NewMove<'a> {
    pub site_id: i64,
    pub tenant_id: i64,
    pub unit_id: i64,
    pub kind: MoveKind,
    pub move_date: &'a str,
    pub lease_end: Option<&'a str>,
    pub note: Option<&'a str>,
    pub created_by_name: &'a str,
}

/// A new open move; a second open move of the kind for the unit is
/// `StoreError::Duplicate`.
pub async fn insert(c: &mut Conn, m: &NewMove<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO moves (site_id, tenant_id, unit_id, kind, move_date, lease_end, state, note, \
         created_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $9) RETURNING id",
    )
    .bind(m.site_id)
    .bind(m.tenant_id)
    .bind(m.unit_id)
    .bind(m.kind)
    .bind(m.move_date)
    .bind(m.lease_end)
    .bind(m.note)
    .bind(m.created_by_name)
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// Closes an open move (completed or cancelled); false when it was not
/// open any more.
pub async fn close(
    c: &mut Conn,
    id: i64,
    state: MoveState,
    signed_by: Option<&str>,
    by: &str,
    at: i64,
) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE moves SET state = $2, signed_by = $3, signed_at = CASE WHEN $3 IS NULL THEN NULL ELSE $5 END, \
         completed_by_name = $4, completed_at = $5, version = version + 1 WHERE id = $1 AND state = 'open'",
    )
    .bind(id)
    .bind(state)
    .bind(signed_by)
    .bind(by)
    .bind(at)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, Clone, FromRow)]
pub struct ItemRow {
    pub id: i64,
    pub move_id: i64,
    pub position: i64,
    pub name: String,
    pub state: ItemState,
    pub note: Option<String>,
    pub charge_fen: i64,
    pub ticket_id: Option<i64>,
    pub ticket_number: Option<String>,
    pub fee_charge_id: Option<i64>,
    pub checked_by_name: Option<String>,
    pub checked_at: Option<i64>,
}

pub async fn items(c: &mut Conn, move_id: i64) -> Result<Vec<ItemRow>> {
    Ok(sqlx::query_as(
        "SELECT i.id, i.move_id, i.position, i.name, i.state, i.note, i.charge_fen, i.ticket_id, \
         t.number AS ticket_number, i.fee_charge_id, i.checked_by_name, i.checked_at \
         FROM move_items i LEFT JOIN tickets t ON t.id = i.ticket_id \
         WHERE i.move_id = $1 ORDER BY i.position, i.id",
    )
    .bind(move_id)
    .fetch_all(c)
    .await?)
}

/// One item of a move's checklist.
pub async fn item(c: &mut Conn, move_id: i64, id: i64) -> Result<Option<ItemRow>> {
    Ok(sqlx::query_as(
        "SELECT i.id, i.move_id, i.position, i.name, i.state, i.note, i.charge_fen, i.ticket_id, \
         t.number AS ticket_number, i.fee_charge_id, i.checked_by_name, i.checked_at \
         FROM move_items i LEFT JOIN tickets t ON t.id = i.ticket_id \
         WHERE i.move_id = $1 AND i.id = $2",
    )
    .bind(move_id)
    .bind(id)
    .fetch_optional(c)
    .await?)
}

/// Adds an item to a move's checklist; the same name twice is
/// `StoreError::Duplicate`.
pub async fn insert_item(c: &mut Conn, move_id: i64, position: i64, name: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO move_items (move_id, position, name, state) VALUES ($1, $2, $3, 'pending') RETURNING id",
    )
    .bind(move_id)
    .bind(position)
    .bind(name)
    .fetch_one(c)
    .await?)
}

pub struct Check<'a> {
    pub state: ItemState,
    pub note: Option<&'a str>,
    pub charge_fen: i64,
    pub ticket_id: Option<i64>,
    pub by: &'a str,
    pub at: i64,
}

/// Records an item's finding (the work order a defect opened, if one).
pub async fn check_item(c: &mut Conn, id: i64, k: &Check<'_>) -> Result<()> {
    sqlx::query(
        "UPDATE move_items SET state = $2, note = $3, charge_fen = $4, \
         ticket_id = COALESCE($5, ticket_id), checked_by_name = $6, checked_at = $7 WHERE id = $1",
    )
    .bind(id)
    .bind(k.state)
    .bind(k.note)
    .bind(k.charge_fen)
    .bind(k.ticket_id)
    .bind(k.by)
    .bind(k.at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn set_item_charge(c: &mut Conn, id: i64, fee_charge_id: i64) -> Result<()> {
    sqlx::query("UPDATE move_items SET fee_charge_id = $2 WHERE id = $1")
        .bind(id)
        .bind(fee_charge_id)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn delete_item(c: &mut Conn, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM move_items WHERE id = $1 AND state = 'pending'")
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// Notes that engineering was told of the move's unread meters.
pub async fn set_readings_told(c: &mut Conn, id: i64, at: i64) -> Result<()> {
    sqlx::query("UPDATE moves SET readings_told_at = $2 WHERE id = $1")
        .bind(id)
        .bind(at)
        .execute(c)
        .await?;
    Ok(())
}

/// The open moves of a unit on or before `by` (`2026-12-08`): those a
/// reading of its meters taken now belongs to.
pub async fn open_of_unit(c: &mut Conn, unit_id: i64, by: &str) -> Result<Vec<MoveRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} {FROM} WHERE m.unit_id = $1 AND m.state = 'open' AND m.move_date <= $2 \
         ORDER BY m.id"
    ))
    .bind(unit_id)
    .bind(by)
    .fetch_all(c)
    .await?)
}

/// A meter of an open move's unit with no reading in that move.
#[derive(Debug, Clone, FromRow)]
pub struct UnreadRow {
    pub meter_id: i64,
    pub move_id: i64,
    pub kind: MoveKind,
    pub move_date: String,
}

/// Where the SQL finds an open move's meters not yet read in it.
const UNREAD: &str = "FROM moves m JOIN meters x ON x.unit_id = m.unit_id AND x.archived = 0 \
     WHERE m.site_id = $1 AND m.state = 'open' AND m.move_date <= $2 \
     AND NOT EXISTS (SELECT 1 FROM move_readings mr JOIN meter_readings r ON r.id = mr.reading_id \
     WHERE mr.move_id = m.id AND r.meter_id = x.id)";

/// A site's meters waiting for a move's reading, for moves on or before
/// `by`: the meter round marks them.
pub async fn unread(c: &mut Conn, site_id: i64, by: &str) -> Result<Vec<UnreadRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT x.id AS meter_id, m.id AS move_id, m.kind, m.move_date {UNREAD} ORDER BY m.move_date, m.id"
    ))
    .bind(site_id)
    .bind(by)
    .fetch_all(c)
    .await?)
}

/// How many open moves on or before `by` wait for a meter's reading.
pub async fn count_awaiting_readings(c: &mut Conn, site_id: i64, by: &str) -> Result<i64> {
    Ok(
        sqlx::query_scalar(&format!("SELECT COUNT(DISTINCT m.id) {UNREAD}"))
            .bind(site_id)
            .bind(by)
            .fetch_one(c)
            .await?,
    )
}

pub async fn link_reading(c: &mut Conn, move_id: i64, reading_id: i64) -> Result<()> {
    sqlx::query("INSERT INTO move_readings (move_id, reading_id) VALUES ($1, $2)")
        .bind(move_id)
        .bind(reading_id)
        .execute(c)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct MoveReadingRow {
    pub reading_id: i64,
    pub meter_id: i64,
    pub kind: lobby_domain::fees::MeterKind,
    pub serial: String,
    pub reading_milli: i64,
    pub read_at: i64,
    pub read_by_name: String,
    pub photo_id: Option<i64>,
}

/// The readings a move took, by meter.
pub async fn readings(c: &mut Conn, move_id: i64) -> Result<Vec<MoveReadingRow>> {
    Ok(sqlx::query_as(
        "SELECT r.id AS reading_id, r.meter_id, m.kind, m.serial, r.reading_milli, r.read_at, r.read_by_name, \
         (SELECT MIN(p.id) FROM photos p WHERE p.owner = 'meter_reading' AND p.owner_id = r.id) AS photo_id \
         FROM move_readings x JOIN meter_readings r ON r.id = x.reading_id JOIN meters m ON m.id = r.meter_id \
         WHERE x.move_id = $1 ORDER BY m.kind, m.serial, r.id",
    )
    .bind(move_id)
    .fetch_all(c)
    .await?)
}

pub async fn link_key(c: &mut Conn, move_id: i64, key_id: i64, loan_id: i64) -> Result<()> {
    sqlx::query("INSERT INTO move_keys (move_id, key_id, loan_id) VALUES ($1, $2, $3)")
        .bind(move_id)
        .bind(key_id)
        .bind(loan_id)
        .execute(c)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct MoveKeyRow {
    pub key_id: i64,
    pub label: String,
    pub tag_no: Option<String>,
    pub loan_id: i64,
    pub copy_no: i64,
    pub holder: String,
    pub returned_at: Option<i64>,
}

/// The key copies a move handed over (a move-in) or took back (a move-out).
pub async fn keys(c: &mut Conn, move_id: i64) -> Result<Vec<MoveKeyRow>> {
    Ok(sqlx::query_as(
        "SELECT k.id AS key_id, k.label, k.tag_no, l.id AS loan_id, l.copy_no, l.holder, l.returned_at \
         FROM move_keys x JOIN keys k ON k.id = x.key_id JOIN key_loans l ON l.id = x.loan_id \
         WHERE x.move_id = $1 ORDER BY k.label, l.copy_no",
    )
    .bind(move_id)
    .fetch_all(c)
    .await?)
}

/// The site's handover checklist, in order.
pub async fn checklist(c: &mut Conn, site_id: i64) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT name FROM handover_checklist WHERE site_id = $1 ORDER BY position, id",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

/// Replaces the site's checklist (moves under way keep their own copy).
pub async fn set_checklist(c: &mut Conn, site_id: i64, names: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM handover_checklist WHERE site_id = $1")
        .bind(site_id)
        .execute(&mut *c)
        .await?;
    for (i, n) in names.iter().enumerate() {
        sqlx::query("INSERT INTO handover_checklist (site_id, position, name) VALUES ($1, $2, $3)")
            .bind(site_id)
            .bind(i as i64)
            .bind(n)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}
