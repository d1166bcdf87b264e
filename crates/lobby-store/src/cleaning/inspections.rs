//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;

pub struct NewInspection<'a> {
    pub site_id: i64,
    pub vendor_id: i64,
    pub task_id: Option<i64>,
    pub area: &'a str,
    pub passed: bool,
    pub score: i64,
    pub note: Option<&'a str>,
    pub at: i64,
    pub by_name: &'a str,
}

pub async fn insert_inspection(c: &mut Conn, i: &NewInspection<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO inspections (site_id, vendor_id, task_id, area, passed, score, note, at, by_name) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(i.site_id)
    .bind(i.vendor_id)
    .bind(i.task_id)
    .bind(i.area)
    .bind(i64::from(i.passed))
    .bind(i.score)
    .bind(i.note)
    .bind(i.at)
    .bind(i.by_name)
    .fetch_one(c)
    .await?)
}

pub async fn inspection(c: &mut Conn, id: i64) -> Result<Option<InspectionRow>> {
    Ok(sqlx::query_as(&format!("{INSPECTION} WHERE i.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub async fn inspections(
    c: &mut Conn,
    site_id: i64,
    vendor_id: Option<i64>,
    from: i64,
    to: i64,
    before: i64,
    limit: i64,
) -> Result<Vec<InspectionRow>> {
    Ok(sqlx::query_as(&format!(
        "{INSPECTION} WHERE i.site_id = $1 AND ($2 = 0 OR i.vendor_id = $2) AND i.at >= $3 AND i.at < $4 AND i.id < $5 \
         ORDER BY i.id DESC LIMIT $6"
    ))
    .bind(site_id)
    .bind(vendor_id.unwrap_or(0))
    .bind(from)
    .bind(to)
    .bind(before)
    .bind(limit)
    .fetch_all(c)
    .await?)
}
