//! Inquiries
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, FromRow)]
pub struct InquiryRow {
    pub id: i64,
    pub site_id: i64,
    pub at: i64,
    pub by_name: String,
    pub asker: String,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    pub question: String,
    pub answer: String,
}

pub(super) const INQUIRY_SELECT: &str = "SELECT q.id, q.site_id, q.at, q.by_name, q.asker, q.tenant_id, t.name AS tenant_name, \
     q.unit_id, u.number AS unit_number, q.question, q.answer \
     FROM inquiries q LEFT JOIN units u ON u.id = q.unit_id LEFT JOIN tenants t ON t.id = q.tenant_id";

pub struct NewInquiry<'a> {
    pub site_id: i64,
    pub at: i64,
    pub by_name: &'a str,
    pub asker: &'a str,
    pub tenant_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub question: &'a str,
    pub answer: &'a str,
}

pub async fn insert_inquiry(c: &mut Conn, q: &NewInquiry<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO inquiries (site_id, at, by_name, asker, tenant_id, unit_id, question, answer) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(q.site_id)
    .bind(q.at)
    .bind(q.by_name)
    .bind(q.asker)
    .bind(q.tenant_id)
    .bind(q.unit_id)
    .bind(q.question)
    .bind(q.answer)
    .fetch_one(c)
    .await?)
}

pub async fn inquiry(c: &mut Conn, id: i64) -> Result<Option<InquiryRow>> {
    Ok(sqlx::query_as(&format!("{INQUIRY_SELECT} WHERE q.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub async fn inquiries(
    c: &mut Conn,
    site_id: i64,
    since: i64,
    before: i64,
    limit: i64,
) -> Result<Vec<InquiryRow>> {
    Ok(sqlx::query_as(&format!(
        "{INQUIRY_SELECT} WHERE q.site_id = $1 AND q.id < $2 AND q.at >= $3 ORDER BY q.id DESC LIMIT $4"
    ))
    .bind(site_id)
    .bind(before)
    .bind(since)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

#[derive(Debug, Clone, Default, FromRow)]
pub struct DeskCounts {
    pub inquiries: i64,
    pub visitors: i64,
    pub parcels: i64,
    pub incidents: i64,
}

/// The desk's month in four numbers (the department summary).
pub async fn counts_between(c: &mut Conn, site_id: i64, from: i64, to: i64) -> Result<DeskCounts> {
    Ok(sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM inquiries WHERE site_id = $1 AND at >= $2 AND at < $3) AS inquiries, \
         (SELECT COUNT(*) FROM visitors WHERE site_id = $1 AND in_at >= $2 AND in_at < $3) AS visitors, \
         (SELECT COUNT(*) FROM parcels WHERE site_id = $1 AND received_at >= $2 AND received_at < $3) AS parcels, \
         (SELECT COUNT(*) FROM incidents WHERE site_id = $1 AND opened_at >= $2 AND opened_at < $3) AS incidents",
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_one(c)
    .await?)
}
