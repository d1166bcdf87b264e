//! Announcements and outages: management's notices to a site, a building
//! or a floor.

use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct AnnouncementRow {
    pub id: i64,
    pub site_id: i64,
    pub building_id: Option<i64>,
    pub building_name: Option<String>,
    pub floor_id: Option<i64>,
    pub floor_label: Option<String>,
    pub title: String,
    pub body: String,
    pub outage: Option<lobby_domain::announcements::Outage>,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub callers_script: Option<String>,
    pub published_at: i64,
    pub published_by_name: String,
    pub withdrawn_at: Option<i64>,
    pub withdrawn_by_name: Option<String>,
}

const SELECT: &str = "SELECT a.id, a.site_id, a.building_id, b.name AS building_name, a.floor_id, f.label AS floor_label, \
     a.title, a.body, a.outage, a.starts_at, a.ends_at, a.callers_script, a.published_at, a.published_by_name, \
     a.withdrawn_at, a.withdrawn_by_name FROM announcements a \
     LEFT JOIN buildings b ON b.id = a.building_id LEFT JOIN floors f ON f.id = a.floor_id";

pub struct NewAnnouncement<'a> {
    pub site_id: i64,
    pub building_id: Option<i64>,
    pub floor_id: Option<i64>,
    pub title: &'a str,
    pub body: &'a str,
    pub outage: Option<lobby_domain::announcements::Outage>,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub callers_script: Option<&'a str>,
    pub by: &'a str,
    pub now: i64,
}

pub async fn insert(c: &mut Conn, a: &NewAnnouncement<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO announcements (site_id, building_id, floor_id, title, body, outage, starts_at, ends_at, \
         callers_script, published_at, published_by_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(a.site_id)
    .bind(a.building_id)
    .bind(a.floor_id)
    .bind(a.title)
    .bind(a.body)
    .bind(a.outage)
    .bind(a.starts_at)
    .bind(a.ends_at)
    .bind(a.callers_script)
    .bind(a.now)
    .bind(a.by)
    .fetch_one(c)
    .await?)
}

pub async fn get(c: &mut Conn, id: i64) -> Result<Option<AnnouncementRow>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

/// A site's announcements, newest first; `live_at`: only those not
/// withdrawn and (for an outage) not yet over at that time.
pub async fn list(
    c: &mut Conn,
    site_id: i64,
    live_at: Option<i64>,
    before: i64,
    limit: i64,
) -> Result<Vec<AnnouncementRow>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE a.site_id = $1 AND a.id < $2 \
         AND ($3 IS NULL OR (a.withdrawn_at IS NULL AND (a.ends_at IS NULL OR a.ends_at > $3))) \
         ORDER BY a.id DESC LIMIT $4"
    ))
    .bind(site_id)
    .bind(before)
    .bind(live_at)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Outages under way at `at` (the desk's home).
pub async fn outages_now(c: &mut Conn, site_id: i64, at: i64) -> Result<Vec<AnnouncementRow>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE a.site_id = $1 AND a.outage IS NOT NULL AND a.withdrawn_at IS NULL \
         AND a.starts_at <= $2 AND a.ends_at > $2 ORDER BY a.starts_at, a.id"
    ))
    .bind(site_id)
    .bind(at)
    .fetch_all(c)
    .await?)
}

pub async fn withdraw(c: &mut Conn, id: i64, by: &str, now: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE announcements SET withdrawn_at = $3, withdrawn_by_name = $2 WHERE id = $1 AND withdrawn_at IS NULL",
    )
    .bind(id)
    .bind(by)
    .bind(now)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

/// The tenants whose units (now) are within the scope: the whole site, a
/// building, or a floor.
pub async fn tenants_in_scope(
    c: &mut Conn,
    site_id: i64,
    building_id: Option<i64>,
    floor_id: Option<i64>,
) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT o.tenant_id FROM occupancies o JOIN units u ON u.id = o.unit_id JOIN floors f ON f.id = u.floor_id \
         WHERE o.until IS NULL AND u.site_id = $1 AND ($2 IS NULL OR f.building_id = $2) AND ($3 IS NULL OR u.floor_id = $3) \
         ORDER BY o.tenant_id",
    )
    .bind(site_id)
    .bind(building_id)
    .bind(floor_id)
    .fetch_all(c)
    .await?)
}

/// The buildings and floors a tenant occupies now (which announcements
/// reach it).
pub async fn tenant_places(c: &mut Conn, tenant_id: i64) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT f.building_id, f.id FROM occupancies o JOIN units u ON u.id = o.unit_id \
         JOIN floors f ON f.id = u.floor_id WHERE o.until IS NULL AND o.tenant_id = $1",
    )
    .bind(tenant_id)
    .fetch_all(c)
    .await?)
}
