//! Tenants, which units they occupy, and the supervisor's visit records.

use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct TenantRow {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub name_initials: String,
    pub kind: lobby_domain::tenants::TenantKind,
    pub day_phone: Option<String>,
    pub contact_person: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub email: Option<String>,
    pub note: Option<String>,
    pub archived: i64,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLS: &str = "id, site_id, name, name_initials, kind, day_phone, contact_person, \
     emergency_contact_name, emergency_contact_phone, email, note, archived, version, created_at, updated_at";

pub struct TenantValues<'a> {
    pub name: &'a str,
    pub name_initials: &'a str,
    pub kind: &'a str,
    pub day_phone: Option<&'a str>,
    pub contact_person: Option<&'a str>,
    pub emergency_contact_name: Option<&'a str>,
    pub emergency_contact_phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub note: Option<&'a str>,
    pub archived: bool,
}

pub async fn insert(c: &mut Conn, site_id: i64, v: &TenantValues<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO tenants (site_id, name, name_initials, kind, day_phone, contact_person, \
         emergency_contact_name, emergency_contact_phone, email, note, archived, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(site_id)
    .bind(v.name)
    .bind(v.name_initials)
    .bind(v.kind)
    .bind(v.day_phone)
    .bind(v.contact_person)
    .bind(v.emergency_contact_name)
    .bind(v.emergency_contact_phone)
    .bind(v.email)
    .bind(v.note)
    .bind(i64::from(v.archived))
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// Updates if the version still matches; false when someone changed it first.
pub async fn update(
    c: &mut Conn,
    id: i64,
    version: i64,
    v: &TenantValues<'_>,
    now: i64,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE tenants SET name = $3, name_initials = $4, kind = $5, day_phone = $6, contact_person = $7, \
         emergency_contact_name = $8, emergency_contact_phone = $9, email = $10, note = $11, archived = $12, \
         updated_at = $13, version = version + 1 WHERE id = $1 AND version = $2",
    )
    .bind(id)
    .bind(version)
    .bind(v.name)
    .bind(v.name_initials)
    .bind(v.kind)
    .bind(v.day_phone)
    .bind(v.contact_person)
    .bind(v.emergency_contact_name)
    .bind(v.emergency_contact_phone)
    .bind(v.email)
    .bind(v.note)
    .bind(i64::from(v.archived))
    .bind(now)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n == 1)
}

pub async fn get(c: &mut Conn, id: i64) -> Result<Option<TenantRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLS} FROM tenants WHERE id = $1"))
            .bind(id)
            .fetch_optional(c)
            .await?,
    )
}

pub async fn by_name(c: &mut Conn, site_id: i64, name: &str) -> Result<Option<TenantRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM tenants WHERE site_id = $1 AND name = $2"
    ))
    .bind(site_id)
    .bind(name)
    .fetch_optional(c)
    .await?)
}

/// The roster: tenants of a site in pinyin order (initials, then id) after the cursor, matching
/// `q` against the name, its pinyin initials, or an occupied unit number.
pub async fn list(
    c: &mut Conn,
    site_id: i64,
    q: Option<&str>,
    include_archived: bool,
    after: Option<(&str, i64)>,
    limit: i64,
) -> Result<Vec<TenantRow>> {
    let like = q.map(|q| crate::contains_pattern(&q.trim().to_lowercase()));
    let unit_like = q.map(|q| crate::contains_pattern(&q.trim().to_uppercase()));
    let (after_name, after_id) = after.map(|(n, i)| (Some(n), i)).unwrap_or((None, 0));
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM tenants t WHERE site_id = $1 AND ($2 = 1 OR archived = 0) \
         AND ($3 IS NULL OR LOWER(name) LIKE $3 ESCAPE '\\' OR name_initials LIKE $3 ESCAPE '\\' OR EXISTS ( \
             SELECT 1 FROM occupancies o JOIN units u ON u.id = o.unit_id \
             WHERE o.tenant_id = t.id AND o.until IS NULL AND u.number LIKE $4 ESCAPE '\\')) \
         AND ($5 IS NULL OR name_initials > $5 OR (name_initials = $5 AND id > $6)) \
         ORDER BY name_initials, id LIMIT $7"
    ))
    .bind(site_id)
    .bind(i64::from(include_archived))
    .bind(like)
    .bind(unit_like)
    .bind(after_name)
    .bind(after_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct OccupiedUnit {
    pub tenant_id: i64,
    pub unit_id: i64,
    pub number: String,
}

/// The units each of `tenant_ids` occupies now, in one query.
pub async fn units_of(c: &mut Conn, tenant_ids: &[i64]) -> Result<Vec<OccupiedUnit>> {
    if tenant_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=tenant_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT o.tenant_id, o.unit_id, u.number FROM occupancies o JOIN units u ON u.id = o.unit_id \
         WHERE o.until IS NULL AND o.tenant_id IN ({}) ORDER BY u.number",
        marks.join(", ")
    );
    let mut q = sqlx::query_as(&sql);
    for id in tenant_ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(c).await?)
}

/// Who occupies `unit_id` now, if anyone.
pub async fn occupant_of(c: &mut Conn, unit_id: i64) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar(
            "SELECT tenant_id FROM occupancies WHERE unit_id = $1 AND until IS NULL",
        )
        .bind(unit_id)
        .fetch_optional(c)
        .await?,
    )
}

/// Whether the tenant occupies the unit now.
pub async fn occupies(c: &mut Conn, tenant_id: i64, unit_id: i64) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM occupancies WHERE tenant_id = $1 AND unit_id = $2 AND until IS NULL",
    )
    .bind(tenant_id)
    .bind(unit_id)
    .fetch_one(c)
    .await?;
    Ok(n > 0)
}

pub async fn start_occupancy(c: &mut Conn, tenant_id: i64, unit_id: i64, now: i64) -> Result<()> {
    sqlx::query("INSERT INTO occupancies (tenant_id, unit_id, since) VALUES ($1, $2, $3)")
        .bind(tenant_id)
        .bind(unit_id)
        .bind(now)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn end_occupancy(c: &mut Conn, tenant_id: i64, unit_id: i64, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE occupancies SET until = $3 WHERE tenant_id = $1 AND unit_id = $2 AND until IS NULL",
    )
    .bind(tenant_id)
    .bind(unit_id)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn count_active(c: &mut Conn, site_id: i64) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM tenants WHERE site_id = $1 AND archived = 0")
            .bind(site_id)
            .fetch_one(c)
            .await?,
    )
}

// ---- visits (定期拜访) ----

#[derive(Debug, Clone, FromRow)]
pub struct VisitRow {
    pub id: i64,
    pub tenant_id: i64,
    pub visited_on: String,
    pub visitor_id: i64,
    pub visitor_name: String,
    pub met_with: Option<String>,
    pub feedback: String,
    pub follow_up: Option<String>,
    pub created_at: i64,
    pub ticket_id: Option<i64>,
    pub ticket_number: Option<String>,
}

pub struct NewVisit<'a> {
    pub site_id: i64,
    pub tenant_id: i64,
    pub visited_on: &'a str,
    pub visitor_id: i64,
    pub met_with: Option<&'a str>,
    pub feedback: &'a str,
    pub follow_up: Option<&'a str>,
    pub now: i64,
}

pub async fn insert_visit(c: &mut Conn, v: &NewVisit<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO tenant_visits (site_id, tenant_id, visited_on, visitor_id, met_with, feedback, \
         follow_up, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(v.site_id)
    .bind(v.tenant_id)
    .bind(v.visited_on)
    .bind(v.visitor_id)
    .bind(v.met_with)
    .bind(v.feedback)
    .bind(v.follow_up)
    .bind(v.now)
    .fetch_one(c)
    .await?)
}

pub async fn visits(c: &mut Conn, tenant_id: i64) -> Result<Vec<VisitRow>> {
    Ok(sqlx::query_as(
        "SELECT v.id, v.tenant_id, v.visited_on, v.visitor_id, u.display_name AS visitor_name, v.met_with, \
         v.feedback, v.follow_up, v.created_at, v.ticket_id, k.number AS ticket_number FROM tenant_visits v \
         JOIN users u ON u.id = v.visitor_id LEFT JOIN tickets k ON k.id = v.ticket_id \
         WHERE v.tenant_id = $1 ORDER BY v.visited_on DESC, v.id DESC",
    )
    .bind(tenant_id)
    .fetch_all(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct FollowUpRow {
    pub id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub visited_on: String,
    pub follow_up: String,
}

/// A tenant occupying a unit now, with the day of its last visit.
#[derive(Debug, Clone, FromRow)]
pub struct LastVisitRow {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub last_visit: Option<String>,
}

/// Every tenant of a site that occupies a unit now, with its last visit
/// (the due list is made from it).
pub async fn last_visits(c: &mut Conn, site_id: i64) -> Result<Vec<LastVisitRow>> {
    Ok(sqlx::query_as(
        "SELECT t.id AS tenant_id, t.name AS tenant_name, \
         (SELECT MAX(v.visited_on) FROM tenant_visits v WHERE v.tenant_id = t.id) AS last_visit \
         FROM tenants t WHERE t.site_id = $1 AND t.archived = 0 \
         AND EXISTS (SELECT 1 FROM occupancies o WHERE o.tenant_id = t.id AND o.until IS NULL) ORDER BY t.id",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

/// The work order a visit's feedback became.
pub async fn set_visit_ticket(c: &mut Conn, visit_id: i64, ticket_id: i64) -> Result<()> {
    sqlx::query("UPDATE tenant_visits SET ticket_id = $2 WHERE id = $1")
        .bind(visit_id)
        .bind(ticket_id)
        .execute(c)
        .await?;
    Ok(())
}

/// The newest visits of a site that left something to follow up.
pub async fn recent_follow_ups(c: &mut Conn, site_id: i64, limit: i64) -> Result<Vec<FollowUpRow>> {
    Ok(sqlx::query_as(
        "SELECT v.id, v.tenant_id, t.name AS tenant_name, v.visited_on, v.follow_up FROM tenant_visits v \
         JOIN tenants t ON t.id = v.tenant_id WHERE v.site_id = $1 AND v.follow_up IS NOT NULL \
         ORDER BY v.visited_on DESC, v.id DESC LIMIT $2",
    )
    .bind(site_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}
