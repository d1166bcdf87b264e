//! A site's records of each kind as the template's columns, every value as
//! text (amounts in 分, readings in thousandths, instants in microseconds):
//! what the import compares a workbook with, and what the export writes.

use sqlx::Row;

use crate::{Conn, Result};

async fn text_rows(c: &mut Conn, sql: &str, site_id: i64) -> Result<Vec<Vec<String>>> {
    let rows = sqlx::query(sql).bind(site_id).fetch_all(c).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut cells = Vec::with_capacity(r.len());
        for i in 0..r.len() {
            let v: Option<String> = r.try_get(i)?;
            cells.push(v.unwrap_or_default());
        }
        out.push(cells);
    }
    Ok(out)
}

/// The records of `kind` (`lobby_domain::golive::RecordKind` names), in
/// its columns' order. Tenants come with an empty `units` (see
/// [`current_lets`]); opening balances are [`open_lines`].
pub async fn rows(c: &mut Conn, kind: &str, site_id: i64) -> Result<Vec<Vec<String>>> {
    let sql = match kind {
        "units" => {
            "SELECT b.name, f.label, u.number, CAST(u.area_m2 AS TEXT), u.status, \
             COALESCE(u.note, '') FROM units u JOIN floors f ON f.id = u.floor_id \
             JOIN buildings b ON b.id = f.building_id \
             WHERE u.site_id = $1 AND u.archived = 0 ORDER BY u.sort_key, u.id"
        }
        "public-areas" => {
            "SELECT a.name, a.kind, COALESCE(b.name, ''), COALESCE(f.label, '') \
             FROM public_areas a LEFT JOIN buildings b ON b.id = a.building_id \
             LEFT JOIN floors f ON f.id = a.floor_id \
             WHERE a.site_id = $1 AND a.archived = 0 ORDER BY a.id"
        }
        "tenants" => {
            "SELECT t.name, t.kind, '', COALESCE(t.day_phone, ''), COALESCE(t.contact_person, ''), \
             COALESCE(t.emergency_contact_name, ''), COALESCE(t.emergency_contact_phone, ''), \
             COALESCE(t.email, '') FROM tenants t \
             WHERE t.site_id = $1 AND t.archived = 0 ORDER BY t.id"
        }
        "leases" => {
            "SELECT u.number, t.name, CAST(o.since AS TEXT), COALESCE(o.lease_to, ''), \
             COALESCE(CAST(o.rent_fen AS TEXT), ''), COALESCE(CAST(o.deposit_fen AS TEXT), '') \
             FROM occupancies o JOIN units u ON u.id = o.unit_id JOIN tenants t ON t.id = o.tenant_id \
             WHERE u.site_id = $1 AND o.until IS NULL ORDER BY u.sort_key, u.id"
        }
        "meters" => {
            "SELECT u.number, m.kind, m.serial, CAST(m.multiplier AS TEXT), \
             COALESCE(CAST(r.reading_milli AS TEXT), ''), COALESCE(CAST(r.read_at AS TEXT), '') \
             FROM meters m JOIN units u ON u.id = m.unit_id \
             LEFT JOIN meter_readings r ON r.id = (SELECT x.id FROM meter_readings x \
               WHERE x.meter_id = m.id AND x.replaced = 0 ORDER BY x.read_at DESC, x.id DESC LIMIT 1) \
             WHERE m.site_id = $1 AND m.archived = 0 ORDER BY u.sort_key, m.id"
        }
        "fee-items" => {
            "SELECT i.name, i.basis, COALESCE(i.meter_kind, ''), COALESCE(CAST(r.rate_fen AS TEXT), ''), \
             COALESCE(r.effective_from, ''), COALESCE(CAST(r.tier_limit AS TEXT), ''), \
             COALESCE(CAST(r.above_fen AS TEXT), '') \
             FROM fee_items i LEFT JOIN fee_rates r ON r.fee_item_id = i.id \
             WHERE i.site_id = $1 AND i.archived = 0 ORDER BY i.id, r.effective_from"
        }
        "deposits" => {
            "SELECT t.name, COALESCE(u.number, ''), \
             COALESCE(d.what, CASE d.kind WHEN 'renovation' THEN '装修押金' ELSE '' END), \
             CAST(d.amount_fen AS TEXT), CAST(d.received_at AS TEXT), COALESCE(d.receipt_no, '') \
             FROM deposits d JOIN tenants t ON t.id = d.tenant_id \
             LEFT JOIN units u ON u.id = d.unit_id \
             WHERE d.site_id = $1 AND d.settled_at IS NULL ORDER BY d.id"
        }
        "keys" => {
            "SELECT k.label, COALESCE(k.tag_no, ''), COALESCE(u.number, ''), COALESCE(k.place, ''), \
             COALESCE(k.hook, ''), CAST(k.copies AS TEXT), \
             COALESCE((SELECT l.holder FROM key_loans l WHERE l.key_id = k.id \
               AND l.returned_at IS NULL ORDER BY l.copy_no LIMIT 1), '') \
             FROM keys k LEFT JOIN units u ON u.id = k.unit_id \
             WHERE k.site_id = $1 AND k.archived = 0 ORDER BY k.id"
        }
        "staff" => {
            "SELECT u.username, u.display_name, r.role, COALESCE(u.phone, ''), COALESCE(u.email, '') \
             FROM user_roles r JOIN users u ON u.id = r.user_id \
             WHERE r.site_id = $1 AND u.active = 1 AND u.tenant_id IS NULL AND u.vendor_id IS NULL \
             AND r.role NOT IN ('admin', 'vendor', 'tenant') ORDER BY u.id, r.id"
        }
        "vendors" => {
            "SELECT v.name, v.kind, COALESCE(v.contact_person, ''), COALESCE(v.phone, ''), \
             COALESCE(v.contract_start, ''), COALESCE(v.contract_end, ''), \
             COALESCE(CAST(v.monthly_fee_fen AS TEXT), '') \
             FROM vendors v WHERE v.site_id = $1 AND v.archived = 0 ORDER BY v.id"
        }
        "patrol-routes" => {
            "SELECT r.name, r.department, r.windows, c.name, c.location, i.category, i.instruction \
             FROM patrol_routes r JOIN patrol_checkpoints c ON c.route_id = r.id AND c.archived = 0 \
             JOIN patrol_items i ON i.checkpoint_id = c.id AND i.archived = 0 \
             WHERE r.site_id = $1 AND r.archived = 0 ORDER BY r.id, c.position, c.id, i.position, i.id"
        }
        _ => return Ok(Vec::new()),
    };
    text_rows(c, sql, site_id).await
}

/// Who holds each let unit now: (tenant's name, unit number).
pub async fn current_lets(c: &mut Conn, site_id: i64) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT t.name, u.number FROM occupancies o JOIN units u ON u.id = o.unit_id \
         JOIN tenants t ON t.id = o.tenant_id WHERE u.site_id = $1 AND o.until IS NULL \
         ORDER BY u.sort_key",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

/// A line of a statement still owed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenLine {
    pub statement_id: i64,
    pub tenant: String,
    pub month: String,
    pub item: String,
    pub amount_fen: i64,
    pub due_date: String,
    pub opening: i64,
    /// Paid towards the statement so far (the same on each of its lines).
    pub paid_fen: i64,
}

/// The lines of every issued statement, with what was paid towards it.
pub async fn open_lines(c: &mut Conn, site_id: i64) -> Result<Vec<OpenLine>> {
    Ok(sqlx::query_as(
        "SELECT s.id AS statement_id, t.name AS tenant, s.month, \
         COALESCE(i.name, l.label) AS item, l.amount_fen, s.due_date, s.opening, \
         CAST(COALESCE((SELECT SUM(a.amount_fen) FROM payment_allocations a \
         WHERE a.statement_id = s.id), 0) AS BIGINT) AS paid_fen \
         FROM statements s JOIN statement_lines l ON l.statement_id = s.id \
         JOIN tenants t ON t.id = s.tenant_id LEFT JOIN fee_items i ON i.id = l.fee_item_id \
         WHERE s.site_id = $1 AND s.state = 'issued' ORDER BY s.id, l.position",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

/// Usernames taken by accounts that are not staff (a tenant's, a vendor's).
pub async fn outside_usernames(c: &mut Conn) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT username FROM users WHERE tenant_id IS NOT NULL OR vendor_id IS NOT NULL",
    )
    .fetch_all(c)
    .await?)
}

/// Staff accounts by username, with their display name, phone and e-mail
/// (whatever site they work at).
pub async fn staff_accounts(c: &mut Conn) -> Result<Vec<(String, String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT username, display_name, COALESCE(phone, ''), COALESCE(email, '') FROM users \
         WHERE tenant_id IS NULL AND vendor_id IS NULL",
    )
    .fetch_all(c)
    .await?)
}

/// (tenant, month) of the statements lobby made itself (issued, paid or
/// draft): an opening balance is for the months before.
pub async fn own_statement_months(c: &mut Conn, site_id: i64) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT t.name, s.month FROM statements s JOIN tenants t ON t.id = s.tenant_id \
         WHERE s.site_id = $1 AND s.opening = 0 AND s.state <> 'void'",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}
