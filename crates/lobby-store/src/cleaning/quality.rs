//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;
use lobby_domain::cleaning::QualityKind;

#[derive(Debug, Clone, FromRow)]
pub struct QualityRow {
    pub id: i64,
    pub site_id: i64,
    pub vendor_id: Option<i64>,
    pub vendor_name: Option<String>,
    pub kind: QualityKind,
    pub subject: String,
    pub supplier: Option<String>,
    pub passed: i64,
    pub replaced: i64,
    pub note: Option<String>,
    pub at: i64,
    pub by_name: String,
}

pub struct NewQuality<'a> {
    pub site_id: i64,
    pub vendor_id: Option<i64>,
    pub kind: QualityKind,
    pub subject: &'a str,
    pub supplier: Option<&'a str>,
    pub passed: bool,
    pub replaced: bool,
    pub note: Option<&'a str>,
    pub at: i64,
    pub by_name: &'a str,
}

pub async fn insert_quality(c: &mut Conn, q: &NewQuality<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO quality_checks (site_id, vendor_id, kind, subject, supplier, passed, replaced, note, at, by_name) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(q.site_id)
    .bind(q.vendor_id)
    .bind(q.kind)
    .bind(q.subject)
    .bind(q.supplier)
    .bind(i64::from(q.passed))
    .bind(i64::from(q.replaced))
    .bind(q.note)
    .bind(q.at)
    .bind(q.by_name)
    .fetch_one(c)
    .await?)
}

pub async fn quality_checks(
    c: &mut Conn,
    site_id: i64,
    vendor_id: Option<i64>,
    from: i64,
    to: i64,
) -> Result<Vec<QualityRow>> {
    Ok(sqlx::query_as(
        "SELECT q.id, q.site_id, q.vendor_id, v.name AS vendor_name, q.kind, q.subject, q.supplier, q.passed, q.replaced, q.note, \
         q.at, q.by_name FROM quality_checks q LEFT JOIN vendors v ON v.id = q.vendor_id \
         WHERE q.site_id = $1 AND ($2 = 0 OR q.vendor_id = $2) AND q.at >= $3 AND q.at < $4 ORDER BY q.id DESC LIMIT 500",
    )
    .bind(site_id)
    .bind(vendor_id.unwrap_or(0))
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}
