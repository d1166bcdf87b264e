//! Visitors
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, FromRow)]
pub struct VisitorRow {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub id_or_phone: String,
    pub host: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub purpose: String,
    pub expected_mins: Option<i64>,
    pub in_at: i64,
    pub out_at: Option<i64>,
    pub registered_by: String,
    pub signed_out_by: Option<String>,
}

pub(super) const VISITOR_SELECT: &str = "SELECT v.id, v.site_id, v.name, v.id_or_phone, v.host, v.unit_id, u.number AS unit_number, \
     v.tenant_id, t.name AS tenant_name, v.purpose, v.expected_mins, v.in_at, v.out_at, v.registered_by, v.signed_out_by \
     FROM visitors v LEFT JOIN units u ON u.id = v.unit_id LEFT JOIN tenants t ON t.id = v.tenant_id";

pub struct NewVisitor<'a> {
    pub site_id: i64,
    pub name: &'a str,
    pub id_or_phone: &'a str,
    pub host: Option<&'a str>,
    pub unit_id: Option<i64>,
    pub tenant_id: Option<i64>,
    pub purpose: &'a str,
    pub expected_mins: Option<i64>,
    pub in_at: i64,
    pub registered_by: &'a str,
}

pub async fn insert_visitor(c: &mut Conn, v: &NewVisitor<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO visitors (site_id, name, id_or_phone, host, unit_id, tenant_id, purpose, expected_mins, in_at, registered_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(v.site_id)
    .bind(v.name)
    .bind(v.id_or_phone)
    .bind(v.host)
    .bind(v.unit_id)
    .bind(v.tenant_id)
    .bind(v.purpose)
    .bind(v.expected_mins)
    .bind(v.in_at)
    .bind(v.registered_by)
    .fetch_one(c)
    .await?)
}

pub async fn visitor(c: &mut Conn, id: i64) -> Result<Option<VisitorRow>> {
    Ok(sqlx::query_as(&format!("{VISITOR_SELECT} WHERE v.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub struct VisitorFilter {
    pub site_id: i64,
    pub inside: Option<bool>,
    pub unit_id: Option<i64>,
    pub tenant_id: Option<i64>,
}

pub async fn visitors(
    c: &mut Conn,
    f: &VisitorFilter,
    before: i64,
    limit: i64,
) -> Result<Vec<VisitorRow>> {
    let mut sql = format!("{VISITOR_SELECT} WHERE v.site_id = $1 AND v.id < $2");
    match f.inside {
        Some(true) => sql.push_str(" AND v.out_at IS NULL"),
        Some(false) => sql.push_str(" AND v.out_at IS NOT NULL"),
        None => {}
    }
    sql.push_str(" AND ($3 = 0 OR v.unit_id = $3) AND ($4 = 0 OR v.tenant_id = $4) ORDER BY v.id DESC LIMIT $5");
    Ok(sqlx::query_as(&sql)
        .bind(f.site_id)
        .bind(before)
        .bind(f.unit_id.unwrap_or(0))
        .bind(f.tenant_id.unwrap_or(0))
        .bind(limit)
        .fetch_all(c)
        .await?)
}

pub async fn sign_out_visitor(c: &mut Conn, id: i64, at: i64, by: &str) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE visitors SET out_at = $2, signed_out_by = $3 WHERE id = $1 AND out_at IS NULL",
    )
    .bind(id)
    .bind(at)
    .bind(by)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}
