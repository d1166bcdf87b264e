//! Visitors a tenant registers ahead; the desk signs them in.

use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct ExpectedRow {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    pub name: String,
    pub phone: String,
    pub expected_at: i64,
    pub note: Option<String>,
    pub registered_by: String,
    pub created_at: i64,
    pub visitor_id: Option<i64>,
    pub cancelled_at: Option<i64>,
    /// The pass the desk scans or types.
    pub pass_code: Option<String>,
}

const SELECT: &str = "SELECT e.id, e.site_id, e.tenant_id, t.name AS tenant_name, e.unit_id, u.number AS unit_number, \
     e.name, e.phone, e.expected_at, e.note, e.registered_by, e.created_at, e.visitor_id, e.cancelled_at, \
     e.pass_code \
     FROM expected_visitors e JOIN tenants t ON t.id = e.tenant_id LEFT JOIN units u ON u.id = e.unit_id";

pub struct NewExpected<'a> {
    pub site_id: i64,
    pub tenant_id: i64,
    pub unit_id: Option<i64>,
    pub name: &'a str,
    pub phone: &'a str,
    pub expected_at: i64,
    pub note: Option<&'a str>,
    pub by: &'a str,
    pub now: i64,
    pub pass_code: &'a str,
}

pub async fn insert(c: &mut Conn, e: &NewExpected<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO expected_visitors (site_id, tenant_id, unit_id, name, phone, expected_at, note, registered_by, created_at, pass_code) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(e.site_id)
    .bind(e.tenant_id)
    .bind(e.unit_id)
    .bind(e.name)
    .bind(e.phone)
    .bind(e.expected_at)
    .bind(e.note)
    .bind(e.by)
    .bind(e.now)
    .bind(e.pass_code)
    .fetch_one(c)
    .await?)
}

pub async fn get(c: &mut Conn, id: i64) -> Result<Option<ExpectedRow>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE e.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

/// A site's (or one tenant's) expected visitors between `from` and `to`,
/// by expected time.
pub async fn list(
    c: &mut Conn,
    site_id: i64,
    tenant_id: Option<i64>,
    from: i64,
    to: i64,
) -> Result<Vec<ExpectedRow>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE e.site_id = $1 AND ($2 IS NULL OR e.tenant_id = $2) AND e.expected_at >= $3 AND e.expected_at < $4 \
         ORDER BY e.expected_at, e.id LIMIT 500"
    ))
    .bind(site_id)
    .bind(tenant_id)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}

/// Marks it arrived as visitor `visitor_id`; false when it already
/// arrived or was cancelled.
pub async fn arrive(c: &mut Conn, id: i64, visitor_id: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE expected_visitors SET visitor_id = $2 WHERE id = $1 AND visitor_id IS NULL AND cancelled_at IS NULL",
    )
    .bind(id)
    .bind(visitor_id)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

pub async fn cancel(c: &mut Conn, id: i64, now: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE expected_visitors SET cancelled_at = $2 WHERE id = $1 AND visitor_id IS NULL AND cancelled_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

/// The expected visitor with this pass at the site.
pub async fn by_pass(c: &mut Conn, site_id: i64, code: &str) -> Result<Option<ExpectedRow>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE e.site_id = $1 AND e.pass_code = $2"
    ))
    .bind(site_id)
    .bind(code)
    .fetch_optional(c)
    .await?)
}
