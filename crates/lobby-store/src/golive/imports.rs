//! Uploaded workbooks: previewed, then confirmed whole.

use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct ImportRow {
    pub id: i64,
    pub site_id: i64,
    pub created_by: Option<i64>,
    pub created_by_name: String,
    pub created_at: i64,
    pub kinds: String,
    pub preview: String,
    pub state: String,
    pub confirmed_at: Option<i64>,
    pub confirmed_by_name: Option<String>,
}

const COLS: &str = "id, site_id, created_by, created_by_name, created_at, kinds, preview, \
     state, confirmed_at, confirmed_by_name";

pub struct NewImport<'a> {
    pub site_id: i64,
    pub created_by: Option<i64>,
    pub created_by_name: &'a str,
    /// Each file's name and bytes, in the order given.
    pub files: &'a [(Option<String>, Vec<u8>)],
    pub kinds: &'a str,
    pub preview: &'a str,
}

pub async fn insert(c: &mut Conn, i: &NewImport<'_>, now: i64) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO imports (site_id, created_by, created_by_name, created_at, kinds, preview, state) \
         VALUES ($1, $2, $3, $4, $5, $6, 'previewed') RETURNING id",
    )
    .bind(i.site_id)
    .bind(i.created_by)
    .bind(i.created_by_name)
    .bind(now)
    .bind(i.kinds)
    .bind(i.preview)
    .fetch_one(&mut *c)
    .await?;
    for (n, (name, body)) in i.files.iter().enumerate() {
        sqlx::query(
            "INSERT INTO import_files (import_id, position, file_name, body) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(n as i64)
        .bind(name.as_deref())
        .bind(body.as_slice())
        .execute(&mut *c)
        .await?;
    }
    Ok(id)
}

pub async fn by_id(c: &mut Conn, id: i64) -> Result<Option<ImportRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLS} FROM imports WHERE id = $1"))
            .bind(id)
            .fetch_optional(c)
            .await?,
    )
}

/// An upload's files: (name, bytes), in order.
pub async fn files(c: &mut Conn, id: i64) -> Result<Vec<(Option<String>, Vec<u8>)>> {
    Ok(sqlx::query_as(
        "SELECT file_name, body FROM import_files WHERE import_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(c)
    .await?)
}

/// Marks a previewed import confirmed, with the preview it was imported
/// by; false when it was confirmed already.
pub async fn confirm(c: &mut Conn, id: i64, preview: &str, by: &str, now: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE imports SET state = 'confirmed', preview = $2, confirmed_by_name = $3, confirmed_at = $4 \
         WHERE id = $1 AND state = 'previewed'",
    )
    .bind(id)
    .bind(preview)
    .bind(by)
    .bind(now)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

/// A site's imports, the latest first.
pub async fn of_site(c: &mut Conn, site_id: i64, limit: i64) -> Result<Vec<ImportRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM imports WHERE site_id = $1 ORDER BY id DESC LIMIT $2"
    ))
    .bind(site_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}
