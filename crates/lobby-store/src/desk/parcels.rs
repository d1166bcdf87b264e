//! Parcels
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, FromRow)]
pub struct ParcelRow {
    pub id: i64,
    pub site_id: i64,
    pub carrier: String,
    pub tracking_no: Option<String>,
    pub addressee: Option<String>,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    pub registered_mail: i64,
    pub photo: Option<String>,
    pub code: String,
    pub received_at: i64,
    pub received_by: String,
    pub picked_up_at: Option<i64>,
    pub collected_by: Option<String>,
    pub handed_by: Option<String>,
}

pub(super) const PARCEL_SELECT: &str = "SELECT p.id, p.site_id, p.carrier, p.tracking_no, p.addressee, p.tenant_id, t.name AS tenant_name, \
     p.unit_id, u.number AS unit_number, p.registered_mail, p.photo, p.code, p.received_at, p.received_by, \
     p.picked_up_at, p.collected_by, p.handed_by \
     FROM parcels p LEFT JOIN units u ON u.id = p.unit_id LEFT JOIN tenants t ON t.id = p.tenant_id";

pub struct NewParcel<'a> {
    pub site_id: i64,
    pub carrier: &'a str,
    pub tracking_no: Option<&'a str>,
    pub addressee: Option<&'a str>,
    pub tenant_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub registered_mail: bool,
    pub code: &'a str,
    pub received_at: i64,
    pub received_by: &'a str,
}

pub async fn insert_parcel(c: &mut Conn, p: &NewParcel<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO parcels (site_id, carrier, tracking_no, addressee, tenant_id, unit_id, registered_mail, code, received_at, received_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(p.site_id)
    .bind(p.carrier)
    .bind(p.tracking_no)
    .bind(p.addressee)
    .bind(p.tenant_id)
    .bind(p.unit_id)
    .bind(i64::from(p.registered_mail))
    .bind(p.code)
    .bind(p.received_at)
    .bind(p.received_by)
    .fetch_one(c)
    .await?)
}

pub async fn parcel(c: &mut Conn, id: i64) -> Result<Option<ParcelRow>> {
    Ok(sqlx::query_as(&format!("{PARCEL_SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub struct ParcelFilter {
    pub site_id: i64,
    /// Only this tenant's (the tenant portal).
    pub tenant_id: Option<i64>,
    pub waiting: Option<bool>,
    /// Only parcels received before this instant (uncollected for N days).
    pub received_before: Option<i64>,
    /// Only those for this unit.
    pub unit_id: Option<i64>,
}

pub async fn parcels(
    c: &mut Conn,
    f: &ParcelFilter,
    before: i64,
    limit: i64,
) -> Result<Vec<ParcelRow>> {
    let mut sql = format!("{PARCEL_SELECT} WHERE p.site_id = $1 AND p.id < $2");
    match f.waiting {
        Some(true) => sql.push_str(" AND p.picked_up_at IS NULL"),
        Some(false) => sql.push_str(" AND p.picked_up_at IS NOT NULL"),
        None => {}
    }
    sql.push_str(
        " AND ($3 = 0 OR p.tenant_id = $3) AND p.received_at < $4 AND ($6 = 0 OR p.unit_id = $6) \
         ORDER BY p.id DESC LIMIT $5",
    );
    Ok(sqlx::query_as(&sql)
        .bind(f.site_id)
        .bind(before)
        .bind(f.tenant_id.unwrap_or(0))
        .bind(f.received_before.unwrap_or(i64::MAX))
        .bind(limit)
        .bind(f.unit_id.unwrap_or(0))
        .fetch_all(c)
        .await?)
}

pub async fn pick_up(
    c: &mut Conn,
    id: i64,
    at: i64,
    collected_by: &str,
    handed_by: &str,
) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE parcels SET picked_up_at = $2, collected_by = $3, handed_by = $4 WHERE id = $1 AND picked_up_at IS NULL",
    )
    .bind(id)
    .bind(at)
    .bind(collected_by)
    .bind(handed_by)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

pub async fn set_parcel_photo(c: &mut Conn, id: i64, blob: &str) -> Result<()> {
    sqlx::query("UPDATE parcels SET photo = $2 WHERE id = $1")
        .bind(id)
        .bind(blob)
        .execute(c)
        .await?;
    Ok(())
}
