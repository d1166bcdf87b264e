//! Facility checks
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, FromRow)]
pub struct CheckRow {
    pub id: i64,
    pub site_id: i64,
    pub kind: lobby_domain::desk::CheckKind,
    pub subject: String,
    pub ok: i64,
    pub note: Option<String>,
    pub ticket_id: Option<i64>,
    pub ticket_number: Option<String>,
    pub at: i64,
    pub by_name: String,
}

pub(super) const CHECK_SELECT: &str = "SELECT f.id, f.site_id, f.kind, f.subject, f.ok, f.note, f.ticket_id, k.number AS ticket_number, \
     f.at, f.by_name FROM facility_checks f LEFT JOIN tickets k ON k.id = f.ticket_id";

pub struct NewCheck<'a> {
    pub site_id: i64,
    pub kind: &'a str,
    pub subject: &'a str,
    pub ok: bool,
    pub note: Option<&'a str>,
    pub ticket_id: Option<i64>,
    pub at: i64,
    pub by_name: &'a str,
}

pub async fn insert_check(c: &mut Conn, f: &NewCheck<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO facility_checks (site_id, kind, subject, ok, note, ticket_id, at, by_name) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(f.site_id)
    .bind(f.kind)
    .bind(f.subject)
    .bind(i64::from(f.ok))
    .bind(f.note)
    .bind(f.ticket_id)
    .bind(f.at)
    .bind(f.by_name)
    .fetch_one(c)
    .await?)
}

pub async fn check(c: &mut Conn, id: i64) -> Result<Option<CheckRow>> {
    Ok(sqlx::query_as(&format!("{CHECK_SELECT} WHERE f.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub async fn checks(
    c: &mut Conn,
    site_id: i64,
    kind: Option<&str>,
    before: i64,
    limit: i64,
) -> Result<Vec<CheckRow>> {
    Ok(sqlx::query_as(&format!(
        "{CHECK_SELECT} WHERE f.site_id = $1 AND f.id < $2 AND ($3 = '' OR f.kind = $3) ORDER BY f.id DESC LIMIT $4"
    ))
    .bind(site_id)
    .bind(before)
    .bind(kind.unwrap_or(""))
    .bind(limit)
    .fetch_all(c)
    .await?)
}
