//! The writes of a confirmed import that no other module makes: updates
//! by natural key, the lease's terms, opening statements and deposits,
//! and the id of each record by its name.

use std::collections::HashMap;

use crate::{Conn, Result};

/// The ids of a site's records by their natural key: `units` (number),
/// `tenants`, `buildings`, `fee_items`, `vendors`, `routes` (name),
/// `floors` (`building/label`), `keys` (label), `meters` (serial),
/// `checkpoints` (`route/checkpoint`).
pub async fn ids(c: &mut Conn, what: &str, site_id: i64) -> Result<HashMap<String, i64>> {
    let sql = match what {
        "units" => "SELECT number, id FROM units WHERE site_id = $1",
        "tenants" => "SELECT name, id FROM tenants WHERE site_id = $1 AND archived = 0",
        "buildings" => "SELECT name, id FROM buildings WHERE site_id = $1",
        "floors" => {
            "SELECT b.name || '/' || f.label, f.id FROM floors f JOIN buildings b ON b.id = f.building_id \
             WHERE f.site_id = $1"
        }
        "fee_items" => "SELECT name, id FROM fee_items WHERE site_id = $1",
        "vendors" => "SELECT name, id FROM vendors WHERE site_id = $1 AND archived = 0",
        "routes" => "SELECT name, id FROM patrol_routes WHERE site_id = $1 AND archived = 0",
        "checkpoints" => {
            "SELECT r.name || '/' || c.name, c.id FROM patrol_checkpoints c \
             JOIN patrol_routes r ON r.id = c.route_id WHERE r.site_id = $1 AND r.archived = 0 \
             AND c.archived = 0"
        }
        "keys" => "SELECT label, id FROM keys WHERE site_id = $1",
        "meters" => "SELECT serial, id FROM meters WHERE site_id = $1",
        "public_areas" => "SELECT name, id FROM public_areas WHERE site_id = $1",
        _ => return Ok(HashMap::new()),
    };
    let rows: Vec<(String, i64)> = sqlx::query_as(sql).bind(site_id).fetch_all(c).await?;
    Ok(rows.into_iter().collect())
}

pub async fn update_unit(
    c: &mut Conn,
    id: i64,
    floor_id: i64,
    area_m2: f64,
    status: &str,
    note: Option<&str>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE units SET floor_id = $2, area_m2 = $3, status = $4, note = $5, updated_at = $6, \
         version = version + 1 WHERE id = $1",
    )
    .bind(id)
    .bind(floor_id)
    .bind(area_m2)
    .bind(status)
    .bind(note)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn update_public_area(
    c: &mut Conn,
    id: i64,
    kind: &str,
    building_id: Option<i64>,
    floor_id: Option<i64>,
) -> Result<()> {
    sqlx::query("UPDATE public_areas SET kind = $2, building_id = $3, floor_id = $4 WHERE id = $1")
        .bind(id)
        .bind(kind)
        .bind(building_id)
        .bind(floor_id)
        .execute(c)
        .await?;
    Ok(())
}

/// A unit's current lease: made (`since`) when it has none, its terms set.
#[allow(clippy::too_many_arguments)]
pub async fn set_lease(
    c: &mut Conn,
    unit_id: i64,
    tenant_id: i64,
    since: i64,
    lease_to: Option<&str>,
    rent_fen: Option<i64>,
    deposit_fen: Option<i64>,
) -> Result<()> {
    let n = sqlx::query(
        "UPDATE occupancies SET since = $3, lease_to = $4, rent_fen = $5, deposit_fen = $6 \
         WHERE unit_id = $1 AND tenant_id = $2 AND until IS NULL",
    )
    .bind(unit_id)
    .bind(tenant_id)
    .bind(since)
    .bind(lease_to)
    .bind(rent_fen)
    .bind(deposit_fen)
    .execute(&mut *c)
    .await?
    .rows_affected();
    if n == 0 {
        sqlx::query(
            "INSERT INTO occupancies (tenant_id, unit_id, since, lease_to, rent_fen, deposit_fen) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(tenant_id)
        .bind(unit_id)
        .bind(since)
        .bind(lease_to)
        .bind(rent_fen)
        .bind(deposit_fen)
        .execute(&mut *c)
        .await?;
    }
    // A unit being renovated stays so: only a vacant one becomes let.
    sqlx::query(
        "UPDATE units SET status = 'occupied', vacant_since = NULL WHERE id = $1 AND status = 'vacant'",
    )
        .bind(unit_id)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn update_meter(c: &mut Conn, id: i64, multiplier: i64) -> Result<()> {
    sqlx::query("UPDATE meters SET multiplier = $2 WHERE id = $1")
        .bind(id)
        .bind(multiplier)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn update_rate(
    c: &mut Conn,
    fee_item_id: i64,
    effective_from: &str,
    rate_fen: i64,
    tier_limit: Option<i64>,
    above_fen: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "UPDATE fee_rates SET rate_fen = $3, tier_limit = $4, above_fen = $5 \
         WHERE fee_item_id = $1 AND effective_from = $2",
    )
    .bind(fee_item_id)
    .bind(effective_from)
    .bind(rate_fen)
    .bind(tier_limit)
    .bind(above_fen)
    .execute(c)
    .await?;
    Ok(())
}

/// The opening statement of a tenant's month: (id, state).
pub async fn opening_statement(
    c: &mut Conn,
    site_id: i64,
    tenant_id: i64,
    month: &str,
) -> Result<Option<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, state FROM statements WHERE site_id = $1 AND tenant_id = $2 AND month = $3 \
         AND opening = 1",
    )
    .bind(site_id)
    .bind(tenant_id)
    .bind(month)
    .fetch_optional(c)
    .await?)
}

/// The ids of a site's opening statements by (tenant, month).
pub async fn opening_statements(c: &mut Conn, site_id: i64) -> Result<HashMap<(i64, String), i64>> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT tenant_id, month, id FROM statements WHERE site_id = $1 AND opening = 1",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?;
    Ok(rows.into_iter().map(|(t, m, id)| ((t, m), id)).collect())
}

/// Sets an opening statement's line of `label` (adding it when new) and the
/// statement's total and due day after.
pub async fn set_opening_line(
    c: &mut Conn,
    statement_id: i64,
    fee_item_id: Option<i64>,
    label: &str,
    amount_fen: i64,
    due_date: &str,
) -> Result<()> {
    let n = sqlx::query(
        "UPDATE statement_lines SET amount_fen = $3, rate_fen = $3 WHERE statement_id = $1 AND label = $2",
    )
    .bind(statement_id)
    .bind(label)
    .bind(amount_fen)
    .execute(&mut *c)
    .await?
    .rows_affected();
    if n == 0 {
        sqlx::query(
            "INSERT INTO statement_lines (statement_id, position, fee_item_id, unit_id, label, quantity, \
             rate_fen, amount_fen) VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM statement_lines \
             WHERE statement_id = $1), $2, NULL, $3, '1', $4, $4)",
        )
        .bind(statement_id)
        .bind(fee_item_id)
        .bind(label)
        .bind(amount_fen)
        .execute(&mut *c)
        .await?;
    }
    sqlx::query(
        "UPDATE statements SET total_fen = (SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) \
         FROM statement_lines WHERE statement_id = $1), \
         due_date = CASE WHEN $2 < due_date THEN $2 ELSE due_date END, version = version + 1 WHERE id = $1",
    )
    .bind(statement_id)
    .bind(due_date)
    .execute(c)
    .await?;
    Ok(())
}

pub struct OpeningDeposit<'a> {
    pub site_id: i64,
    pub tenant_id: i64,
    pub unit_id: Option<i64>,
    pub what: &'a str,
    pub amount_fen: i64,
    pub received_at: i64,
    pub receipt_no: Option<&'a str>,
    pub by: &'a str,
}

/// A deposit held before lobby, made or (by tenant, what and day) updated;
/// false when the one of that key is not an opening deposit.
pub async fn set_opening_deposit(c: &mut Conn, d: &OpeningDeposit<'_>, new: bool) -> Result<bool> {
    if new {
        sqlx::query(
            "INSERT INTO deposits (site_id, tenant_id, kind, source_id, amount_fen, receipt_no, received_at, \
             received_by_name, what, unit_id) VALUES ($1, $2, 'opening', 0, $3, $4, $5, $6, $7, $8)",
        )
        .bind(d.site_id)
        .bind(d.tenant_id)
        .bind(d.amount_fen)
        .bind(d.receipt_no)
        .bind(d.received_at)
        .bind(d.by)
        .bind(d.what)
        .bind(d.unit_id)
        .execute(c)
        .await?;
        return Ok(true);
    }
    let n = sqlx::query(
        "UPDATE deposits SET amount_fen = $5, receipt_no = $6, unit_id = $7 WHERE site_id = $1 \
         AND tenant_id = $2 AND kind = 'opening' AND what = $3 AND received_at = $4 AND settled_at IS NULL",
    )
    .bind(d.site_id)
    .bind(d.tenant_id)
    .bind(d.what)
    .bind(d.received_at)
    .bind(d.amount_fen)
    .bind(d.receipt_no)
    .bind(d.unit_id)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n > 0)
}

#[allow(clippy::too_many_arguments)]
pub async fn update_key(
    c: &mut Conn,
    id: i64,
    tag_no: Option<&str>,
    unit_id: Option<i64>,
    place: Option<&str>,
    hook: Option<&str>,
    copies: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE keys SET tag_no = $2, unit_id = $3, place = $4, hook = $5, copies = $6 WHERE id = $1",
    )
    .bind(id)
    .bind(tag_no)
    .bind(unit_id)
    .bind(place)
    .bind(hook)
    .bind(copies)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn set_user_contact(
    c: &mut Conn,
    id: i64,
    display_name: &str,
    phone: Option<&str>,
    email: Option<&str>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE users SET display_name = $2, phone = $3, email = $4, updated_at = $5 WHERE id = $1",
    )
    .bind(id)
    .bind(display_name)
    .bind(phone)
    .bind(email)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// Grants `role` at `site_id` unless it is held.
pub async fn grant(c: &mut Conn, user_id: i64, site_id: i64, role: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO user_roles (user_id, site_id, role) SELECT $1, $2, $3 WHERE NOT EXISTS \
         (SELECT 1 FROM user_roles WHERE user_id = $1 AND site_id = $2 AND role = $3)",
    )
    .bind(user_id)
    .bind(site_id)
    .bind(role)
    .execute(c)
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub async fn update_vendor(
    c: &mut Conn,
    id: i64,
    kind: &str,
    contact: Option<&str>,
    phone: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    monthly_fee_fen: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "UPDATE vendors SET kind = $2, contact_person = $3, phone = $4, contract_start = $5, \
         contract_end = $6, monthly_fee_fen = $7 WHERE id = $1",
    )
    .bind(id)
    .bind(kind)
    .bind(contact)
    .bind(phone)
    .bind(from)
    .bind(to)
    .bind(monthly_fee_fen)
    .execute(c)
    .await?;
    Ok(())
}

/// The item of a checkpoint with this instruction: (id, category).
pub async fn patrol_item(
    c: &mut Conn,
    checkpoint_id: i64,
    instruction: &str,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM patrol_items WHERE checkpoint_id = $1 AND instruction = $2 AND archived = 0",
    )
    .bind(checkpoint_id)
    .bind(instruction)
    .fetch_optional(c)
    .await?)
}

pub async fn set_checkpoint_location(c: &mut Conn, id: i64, location: &str) -> Result<()> {
    sqlx::query("UPDATE patrol_checkpoints SET location = $2 WHERE id = $1")
        .bind(id)
        .bind(location)
        .execute(c)
        .await?;
    Ok(())
}

/// A tenant's cells from a workbook (its name is its key; its note and
/// whether it is archived stay as they are).
pub async fn update_tenant(
    c: &mut Conn,
    id: i64,
    t: &crate::tenants::TenantValues<'_>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE tenants SET kind = $2, day_phone = $3, contact_person = $4, emergency_contact_name = $5, \
         emergency_contact_phone = $6, email = $7, updated_at = $8, version = version + 1 WHERE id = $1",
    )
    .bind(id)
    .bind(t.kind)
    .bind(t.day_phone)
    .bind(t.contact_person)
    .bind(t.emergency_contact_name)
    .bind(t.emergency_contact_phone)
    .bind(t.email)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// Lets a unit to a tenant from `now`, unless it is theirs already.
pub async fn let_unit(c: &mut Conn, unit_id: i64, tenant_id: i64, now: i64) -> Result<()> {
    let held: Option<i64> = sqlx::query_scalar(
        "SELECT tenant_id FROM occupancies WHERE unit_id = $1 AND until IS NULL",
    )
    .bind(unit_id)
    .fetch_optional(&mut *c)
    .await?;
    if held == Some(tenant_id) {
        return Ok(());
    }
    set_lease(c, unit_id, tenant_id, now, None, None, None).await
}

/// A meter's latest reading, in thousandths.
pub async fn last_reading(c: &mut Conn, meter_id: i64) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT reading_milli FROM meter_readings WHERE meter_id = $1 AND replaced = 0 \
         ORDER BY read_at DESC, id DESC LIMIT 1",
    )
    .bind(meter_id)
    .fetch_optional(c)
    .await?)
}

/// Is a copy of the key out now?
pub async fn key_out(c: &mut Conn, key_id: i64) -> Result<bool> {
    Ok(sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM key_loans WHERE key_id = $1 AND returned_at IS NULL",
    )
    .bind(key_id)
    .fetch_one(c)
    .await?
        > 0)
}

pub async fn set_route(c: &mut Conn, id: i64, department: &str, windows: &str) -> Result<()> {
    sqlx::query("UPDATE patrol_routes SET department = $2, windows = $3 WHERE id = $1")
        .bind(id)
        .bind(department)
        .bind(windows)
        .execute(c)
        .await?;
    Ok(())
}
