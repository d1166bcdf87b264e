//! Sites, buildings, floors, units and public areas.

use sqlx::FromRow;

use crate::{Conn, Result, Topic, Tx};

#[derive(Debug, Clone, FromRow)]
pub struct SiteRow {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub timezone: String,
    pub address: Option<String>,
    pub archived: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// The hour (0–23, site time) the daily digest goes out.
    pub digest_hour: i64,
    /// Every tenant is visited at least this often (months).
    pub visit_every_months: i64,
    /// The customer-service desk's phone (客服中心电话).
    pub phone: Option<String>,
}

const SITE_COLS: &str = "id, name, code, timezone, address, archived, created_at, updated_at, \
     digest_hour, visit_every_months, phone";

pub async fn insert_site(
    tx: &mut Tx,
    name: &str,
    code: &str,
    timezone: &str,
    address: Option<&str>,
    now: i64,
) -> Result<i64> {
    tx.changed(Topic::Sites).await?;
    let c: &mut Conn = tx;
    Ok(sqlx::query_scalar(
        "INSERT INTO sites (name, code, timezone, address, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(name)
    .bind(code)
    .bind(timezone)
    .bind(address)
    .bind(now)
    .fetch_one(c)
    .await?)
}

pub async fn update_site(
    tx: &mut Tx,
    id: i64,
    name: &str,
    code: &str,
    timezone: &str,
    address: Option<&str>,
    archived: bool,
    now: i64,
) -> Result<()> {
    tx.changed(Topic::Sites).await?;
    let c: &mut Conn = tx;
    sqlx::query(
        "UPDATE sites SET name = $2, code = $3, timezone = $4, address = $5, archived = $6, \
         updated_at = $7 WHERE id = $1",
    )
    .bind(id)
    .bind(name)
    .bind(code)
    .bind(timezone)
    .bind(address)
    .bind(i64::from(archived))
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn set_digest_hour(tx: &mut Tx, id: i64, hour: i64) -> Result<()> {
    tx.changed(Topic::Sites).await?;
    let c: &mut Conn = tx;
    sqlx::query("UPDATE sites SET digest_hour = $2 WHERE id = $1")
        .bind(id)
        .bind(hour)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn set_phone(tx: &mut Tx, id: i64, phone: Option<&str>) -> Result<()> {
    tx.changed(Topic::Sites).await?;
    let c: &mut Conn = tx;
    sqlx::query("UPDATE sites SET phone = $2 WHERE id = $1")
        .bind(id)
        .bind(phone)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn set_visit_every(tx: &mut Tx, id: i64, months: i64) -> Result<()> {
    tx.changed(Topic::Sites).await?;
    let c: &mut Conn = tx;
    sqlx::query("UPDATE sites SET visit_every_months = $2 WHERE id = $1")
        .bind(id)
        .bind(months)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn site(c: &mut Conn, id: i64) -> Result<Option<SiteRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {SITE_COLS} FROM sites WHERE id = $1"))
            .bind(id)
            .fetch_optional(c)
            .await?,
    )
}

pub async fn sites(c: &mut Conn) -> Result<Vec<SiteRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {SITE_COLS} FROM sites ORDER BY id"))
            .fetch_all(c)
            .await?,
    )
}

// ---- buildings and floors ----

#[derive(Debug, Clone, FromRow)]
pub struct BuildingRow {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub archived: i64,
}

pub async fn insert_building(c: &mut Conn, site_id: i64, name: &str, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO buildings (site_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(site_id)
    .bind(name)
    .bind(now)
    .fetch_one(c)
    .await?)
}

pub async fn rename_building(c: &mut Conn, id: i64, name: &str, archived: bool) -> Result<()> {
    sqlx::query("UPDATE buildings SET name = $2, archived = $3 WHERE id = $1")
        .bind(id)
        .bind(name)
        .bind(i64::from(archived))
        .execute(c)
        .await?;
    Ok(())
}

pub async fn building(c: &mut Conn, id: i64) -> Result<Option<BuildingRow>> {
    Ok(
        sqlx::query_as("SELECT id, site_id, name, archived FROM buildings WHERE id = $1")
            .bind(id)
            .fetch_optional(c)
            .await?,
    )
}

pub async fn buildings(c: &mut Conn, site_id: i64) -> Result<Vec<BuildingRow>> {
    Ok(sqlx::query_as(
        "SELECT id, site_id, name, archived FROM buildings WHERE site_id = $1 ORDER BY name, id",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct FloorRow {
    pub id: i64,
    pub site_id: i64,
    pub building_id: i64,
    pub label: String,
    pub level: i64,
    pub archived: i64,
}

pub async fn insert_floor(
    c: &mut Conn,
    site_id: i64,
    building_id: i64,
    label: &str,
    level: i64,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO floors (site_id, building_id, label, level, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(site_id)
    .bind(building_id)
    .bind(label)
    .bind(level)
    .bind(now)
    .fetch_one(c)
    .await?)
}

pub async fn floor(c: &mut Conn, id: i64) -> Result<Option<FloorRow>> {
    Ok(sqlx::query_as(
        "SELECT id, site_id, building_id, label, level, archived FROM floors WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(c)
    .await?)
}

pub async fn floors(c: &mut Conn, site_id: i64, building_id: Option<i64>) -> Result<Vec<FloorRow>> {
    Ok(sqlx::query_as(
        "SELECT id, site_id, building_id, label, level, archived FROM floors \
         WHERE site_id = $1 AND ($2 IS NULL OR building_id = $2) ORDER BY building_id, level, id",
    )
    .bind(site_id)
    .bind(building_id)
    .fetch_all(c)
    .await?)
}

// ---- units ----

#[derive(Debug, Clone, FromRow)]
pub struct UnitRow {
    pub id: i64,
    pub site_id: i64,
    pub building_id: i64,
    pub building_name: String,
    pub floor_id: i64,
    pub floor_label: String,
    pub number: String,
    pub sort_key: String,
    pub area_m2: f64,
    pub status: lobby_domain::sites::UnitStatus,
    pub vacant_since: Option<i64>,
    pub note: Option<String>,
    pub archived: i64,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
}

const UNIT_SELECT: &str =
    "SELECT u.id, u.site_id, f.building_id, b.name AS building_name, u.floor_id, \
     f.label AS floor_label, u.number, u.sort_key, u.area_m2, u.status, u.vacant_since, u.note, u.archived, \
     u.version, u.created_at, u.updated_at, t.id AS tenant_id, t.name AS tenant_name \
     FROM units u JOIN floors f ON f.id = u.floor_id JOIN buildings b ON b.id = f.building_id \
     LEFT JOIN occupancies o ON o.unit_id = u.id AND o.until IS NULL \
     LEFT JOIN tenants t ON t.id = o.tenant_id";

pub struct UnitFilter<'a> {
    pub site_id: i64,
    pub status: Option<&'a str>,
    pub building_id: Option<i64>,
    pub floor_id: Option<i64>,
    pub q: Option<&'a str>,
    pub include_archived: bool,
}

/// Units in (sort_key, id) order after the cursor, keyset-paged.
pub async fn units(
    c: &mut Conn,
    f: &UnitFilter<'_>,
    after: Option<(&str, i64)>,
    limit: i64,
) -> Result<Vec<UnitRow>> {
    let like = f.q.map(|q| crate::contains_pattern(&q.to_uppercase()));
    let (after_number, after_id) = after.map(|(n, i)| (Some(n), i)).unwrap_or((None, 0));
    Ok(sqlx::query_as(&format!(
        "{UNIT_SELECT} WHERE u.site_id = $1 AND ($2 IS NULL OR u.status = $2) \
         AND ($3 IS NULL OR f.building_id = $3) AND ($4 IS NULL OR u.floor_id = $4) \
         AND ($5 IS NULL OR u.number LIKE $5 ESCAPE '\\') AND ($6 = 1 OR u.archived = 0) \
         AND ($7 IS NULL OR u.sort_key > $7 OR (u.sort_key = $7 AND u.id > $8)) \
         ORDER BY u.sort_key, u.id LIMIT $9"
    ))
    .bind(f.site_id)
    .bind(f.status)
    .bind(f.building_id)
    .bind(f.floor_id)
    .bind(like)
    .bind(i64::from(f.include_archived))
    .bind(after_number)
    .bind(after_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

pub async fn unit(c: &mut Conn, id: i64) -> Result<Option<UnitRow>> {
    Ok(sqlx::query_as(&format!("{UNIT_SELECT} WHERE u.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub async fn unit_by_number(c: &mut Conn, site_id: i64, number: &str) -> Result<Option<UnitRow>> {
    Ok(sqlx::query_as(&format!(
        "{UNIT_SELECT} WHERE u.site_id = $1 AND u.number = $2"
    ))
    .bind(site_id)
    .bind(number)
    .fetch_optional(c)
    .await?)
}

pub struct UnitValues<'a> {
    pub floor_id: i64,
    pub number: &'a str,
    pub area_m2: f64,
    pub status: &'a str,
    pub vacant_since: Option<i64>,
    pub note: Option<&'a str>,
    pub archived: bool,
}

pub async fn insert_unit(c: &mut Conn, site_id: i64, v: &UnitValues<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO units (site_id, floor_id, number, area_m2, status, vacant_since, note, archived, \
         created_at, updated_at, sort_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
    )
    .bind(site_id)
    .bind(v.floor_id)
    .bind(v.number)
    .bind(v.area_m2)
    .bind(v.status)
    .bind(v.vacant_since)
    .bind(v.note)
    .bind(i64::from(v.archived))
    .bind(now)
    .bind(lobby_domain::sites::sort_key(v.number))
    .fetch_one(c)
    .await?)
}

/// Updates a unit if its version is still `version`; false when someone
/// else changed it first.
pub async fn update_unit(
    c: &mut Conn,
    id: i64,
    version: i64,
    v: &UnitValues<'_>,
    now: i64,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE units SET floor_id = $3, number = $4, area_m2 = $5, status = $6, vacant_since = $7, \
         note = $8, archived = $9, updated_at = $10, version = version + 1, sort_key = $11 WHERE id = $1 AND version = $2",
    )
    .bind(id)
    .bind(version)
    .bind(v.floor_id)
    .bind(v.number)
    .bind(v.area_m2)
    .bind(v.status)
    .bind(v.vacant_since)
    .bind(v.note)
    .bind(i64::from(v.archived))
    .bind(now)
    .bind(lobby_domain::sites::sort_key(v.number))
    .execute(c)
    .await?
    .rows_affected();
    Ok(n == 1)
}

#[derive(Debug, Clone, FromRow)]
pub struct StatusCount {
    pub status: lobby_domain::sites::UnitStatus,
    pub n: i64,
    pub area: f64,
}

pub async fn unit_counts(c: &mut Conn, site_id: i64) -> Result<Vec<StatusCount>> {
    Ok(sqlx::query_as(
        "SELECT status, COUNT(*) AS n, CAST(COALESCE(SUM(area_m2), 0) AS DOUBLE PRECISION) AS area \
         FROM units WHERE site_id = $1 AND archived = 0 GROUP BY status ORDER BY status",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

// ---- public areas ----

#[derive(Debug, Clone, FromRow)]
pub struct PublicAreaRow {
    pub id: i64,
    pub site_id: i64,
    pub building_id: Option<i64>,
    pub floor_id: Option<i64>,
    pub name: String,
    pub kind: lobby_domain::sites::AreaKind,
    pub archived: i64,
}

pub async fn insert_public_area(
    c: &mut Conn,
    site_id: i64,
    building_id: Option<i64>,
    floor_id: Option<i64>,
    name: &str,
    kind: lobby_domain::sites::AreaKind,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO public_areas (site_id, building_id, floor_id, name, kind, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(site_id)
    .bind(building_id)
    .bind(floor_id)
    .bind(name)
    .bind(kind)
    .bind(now)
    .fetch_one(c)
    .await?)
}

pub async fn update_public_area(
    c: &mut Conn,
    id: i64,
    building_id: Option<i64>,
    floor_id: Option<i64>,
    name: &str,
    kind: lobby_domain::sites::AreaKind,
    archived: bool,
) -> Result<()> {
    sqlx::query(
        "UPDATE public_areas SET building_id = $2, floor_id = $3, name = $4, kind = $5, archived = $6 WHERE id = $1",
    )
    .bind(id)
    .bind(building_id)
    .bind(floor_id)
    .bind(name)
    .bind(kind)
    .bind(i64::from(archived))
    .execute(c)
    .await?;
    Ok(())
}

const AREA_COLS: &str = "id, site_id, building_id, floor_id, name, kind, archived";

pub async fn public_area(c: &mut Conn, id: i64) -> Result<Option<PublicAreaRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {AREA_COLS} FROM public_areas WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await?)
}

pub async fn public_areas(c: &mut Conn, site_id: i64) -> Result<Vec<PublicAreaRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {AREA_COLS} FROM public_areas WHERE site_id = $1 ORDER BY name, id"
    ))
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

// ---- vendors (the directory entry; the cleaning module builds on it) ----

pub async fn insert_vendor(
    c: &mut Conn,
    site_id: i64,
    name: &str,
    kind: lobby_domain::cleaning::VendorKind,
    contact_person: Option<&str>,
    phone: Option<&str>,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO vendors (site_id, name, kind, contact_person, phone, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(site_id)
    .bind(name)
    .bind(kind)
    .bind(contact_person)
    .bind(phone)
    .bind(now)
    .fetch_one(c)
    .await?)
}

// ---- the payee account (收款账户) ----

#[derive(Debug, Clone, FromRow)]
pub struct PayeeRow {
    pub site_id: i64,
    pub account_name: String,
    pub bank: String,
    pub account_number: String,
    pub updated_by_name: String,
    pub updated_at: i64,
}

pub async fn payee(c: &mut Conn, site_id: i64) -> Result<Option<PayeeRow>> {
    Ok(sqlx::query_as(
        "SELECT site_id, account_name, bank, account_number, updated_by_name, updated_at \
         FROM site_payees WHERE site_id = $1",
    )
    .bind(site_id)
    .fetch_optional(c)
    .await?)
}

pub struct NewPayee<'a> {
    pub site_id: i64,
    pub account_name: &'a str,
    pub bank: &'a str,
    pub account_number: &'a str,
    pub by: &'a str,
}

/// Sets the site's payee account (one a site).
pub async fn put_payee(c: &mut Conn, p: &NewPayee<'_>, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO site_payees (site_id, account_name, bank, account_number, updated_by_name, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (site_id) DO UPDATE SET account_name = excluded.account_name, bank = excluded.bank, \
         account_number = excluded.account_number, updated_by_name = excluded.updated_by_name, \
         updated_at = excluded.updated_at",
    )
    .bind(p.site_id)
    .bind(p.account_name)
    .bind(p.bank)
    .bind(p.account_number)
    .bind(p.by)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}
