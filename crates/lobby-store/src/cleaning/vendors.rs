//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, FromRow)]
pub struct VendorRow {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub kind: lobby_domain::cleaning::VendorKind,
    pub contact_person: Option<String>,
    pub phone: Option<String>,
    pub archived: i64,
    pub contract_start: Option<String>,
    pub contract_end: Option<String>,
    pub scope: Option<String>,
    pub headcount: i64,
    pub feed_token: Option<String>,
}

pub(super) const VENDOR: &str = "SELECT id, site_id, name, kind, contact_person, phone, archived, contract_start, contract_end, \
     scope, headcount, feed_token FROM vendors";

pub async fn vendors(c: &mut Conn, site_id: i64) -> Result<Vec<VendorRow>> {
    Ok(
        sqlx::query_as(&format!("{VENDOR} WHERE site_id = $1 ORDER BY id"))
            .bind(site_id)
            .fetch_all(c)
            .await?,
    )
}

pub async fn vendor(c: &mut Conn, id: i64) -> Result<Option<VendorRow>> {
    Ok(sqlx::query_as(&format!("{VENDOR} WHERE id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub async fn vendor_by_feed(c: &mut Conn, token: &str) -> Result<Option<VendorRow>> {
    Ok(sqlx::query_as(&format!("{VENDOR} WHERE feed_token = $1"))
        .bind(token)
        .fetch_optional(c)
        .await?)
}

pub struct VendorValues<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub contact_person: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub contract_start: Option<&'a str>,
    pub contract_end: Option<&'a str>,
    pub scope: Option<&'a str>,
    pub headcount: i64,
    pub archived: bool,
}

pub async fn insert_vendor(
    c: &mut Conn,
    site_id: i64,
    v: &VendorValues<'_>,
    token: &str,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO vendors (site_id, name, kind, contact_person, phone, contract_start, contract_end, scope, headcount, \
         archived, feed_token, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(site_id)
    .bind(v.name)
    .bind(v.kind)
    .bind(v.contact_person)
    .bind(v.phone)
    .bind(v.contract_start)
    .bind(v.contract_end)
    .bind(v.scope)
    .bind(v.headcount)
    .bind(i64::from(v.archived))
    .bind(token)
    .bind(now)
    .fetch_one(c)
    .await?)
}

pub async fn update_vendor(c: &mut Conn, id: i64, v: &VendorValues<'_>) -> Result<()> {
    sqlx::query(
        "UPDATE vendors SET name = $2, kind = $3, contact_person = $4, phone = $5, contract_start = $6, contract_end = $7, \
         scope = $8, headcount = $9, archived = $10 WHERE id = $1",
    )
    .bind(id)
    .bind(v.name)
    .bind(v.kind)
    .bind(v.contact_person)
    .bind(v.phone)
    .bind(v.contract_start)
    .bind(v.contract_end)
    .bind(v.scope)
    .bind(v.headcount)
    .bind(i64::from(v.archived))
    .execute(c)
    .await?;
    Ok(())
}

pub async fn set_feed_token(c: &mut Conn, id: i64, token: &str) -> Result<()> {
    sqlx::query("UPDATE vendors SET feed_token = $2 WHERE id = $1")
        .bind(id)
        .bind(token)
        .execute(c)
        .await?;
    Ok(())
}
