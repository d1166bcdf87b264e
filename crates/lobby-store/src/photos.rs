//! The one photos table: every photo, keyed by its owner (kind and id).

use lobby_domain::photos::Owner;
use lobby_domain::tickets::PhotoStage;
use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct PhotoRow {
    pub id: i64,
    pub owner: Owner,
    pub owner_id: i64,
    pub blob: String,
    pub thumb_blob: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub width: i64,
    pub height: i64,
    pub uploaded_by: Option<i64>,
    pub uploaded_at: i64,
    /// Work orders' photos only.
    pub stage: Option<PhotoStage>,
    pub event_id: Option<i64>,
}

pub struct NewPhoto<'a> {
    pub owner: Owner,
    pub owner_id: i64,
    pub blob: &'a str,
    pub thumb_blob: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub width: i64,
    pub height: i64,
    pub uploaded_by: Option<i64>,
    pub now: i64,
    pub stage: Option<PhotoStage>,
    pub event_id: Option<i64>,
}

pub async fn insert(c: &mut Conn, p: &NewPhoto<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO photos (owner, owner_id, blob, thumb_blob, content_type, size_bytes, width, \
         height, uploaded_by, uploaded_at, stage, event_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(p.owner)
    .bind(p.owner_id)
    .bind(p.blob)
    .bind(p.thumb_blob)
    .bind(p.content_type)
    .bind(p.size_bytes)
    .bind(p.width)
    .bind(p.height)
    .bind(p.uploaded_by)
    .bind(p.now)
    .bind(p.stage)
    .bind(p.event_id)
    .fetch_one(c)
    .await?)
}

const COLS: &str = "p.id, p.owner, p.owner_id, p.blob, p.thumb_blob, p.content_type, \
     p.size_bytes, p.width, p.height, p.uploaded_by, p.uploaded_at, p.stage, p.event_id";

/// One owner's photos, oldest first.
pub async fn of(c: &mut Conn, owner: Owner, owner_id: i64) -> Result<Vec<PhotoRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM photos p WHERE p.owner = $1 AND p.owner_id = $2 ORDER BY p.id"
    ))
    .bind(owner)
    .bind(owner_id)
    .fetch_all(c)
    .await?)
}

/// The photos of every checkpoint of a patrol round, oldest first.
pub async fn of_round(c: &mut Conn, round_id: i64) -> Result<Vec<PhotoRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM photos p JOIN patrol_results r ON r.id = p.owner_id \
         WHERE p.owner = 'patrol_result' AND r.round_id = $1 ORDER BY p.id"
    ))
    .bind(round_id)
    .fetch_all(c)
    .await?)
}

/// The photos of a move's checklist items, in one query.
pub async fn of_move(c: &mut Conn, move_id: i64) -> Result<Vec<PhotoRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM photos p JOIN move_items i ON i.id = p.owner_id \
         WHERE p.owner = 'move_item' AND i.move_id = $1 ORDER BY p.id"
    ))
    .bind(move_id)
    .fetch_all(c)
    .await?)
}

pub async fn get(c: &mut Conn, id: i64) -> Result<Option<PhotoRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLS} FROM photos p WHERE p.id = $1"))
            .bind(id)
            .fetch_optional(c)
            .await?,
    )
}
