//! The notification outbox. In-app rows are what the bell counts; each
//! also writes the deliveries it owes (`delivery`), which a sender takes
//! later, outside the request.

use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct NotificationRow {
    pub id: i64,
    pub site_id: Option<i64>,
    pub user_id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

pub struct NewNotification<'a> {
    pub site_id: Option<i64>,
    pub user_id: i64,
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub link: Option<&'a str>,
    pub now: i64,
}

/// Writes the notification and, in the same transaction, the e-mail it
/// owes its reader (`delivery::enqueue_email`).
pub async fn insert(c: &mut Conn, n: &NewNotification<'_>) -> Result<i64> {
    let id = insert_in_app(c, n).await?;
    crate::delivery::enqueue_email(c, id, n.user_id, n.now).await?;
    Ok(id)
}

async fn insert_in_app(c: &mut Conn, n: &NewNotification<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO notifications (site_id, user_id, kind, title, body, link, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(n.site_id)
    .bind(n.user_id)
    .bind(n.kind)
    .bind(n.title)
    .bind(n.body)
    .bind(n.link)
    .bind(n.now)
    .fetch_one(c)
    .await?)
}

pub async fn unread_count(c: &mut Conn, user_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(c)
    .await?)
}

pub async fn list(
    c: &mut Conn,
    user_id: i64,
    before: i64,
    limit: i64,
) -> Result<Vec<NotificationRow>> {
    Ok(sqlx::query_as(
        "SELECT id, site_id, user_id, kind, title, body, link, created_at, read_at FROM notifications \
         WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(user_id)
    .bind(before)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

pub async fn mark_all_read(c: &mut Conn, user_id: i64, now: i64) -> Result<u64> {
    Ok(
        sqlx::query("UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL")
            .bind(user_id)
            .bind(now)
            .execute(c)
            .await?
            .rows_affected(),
    )
}
