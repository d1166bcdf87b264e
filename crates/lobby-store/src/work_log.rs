//! The work log (工作日志) and the government-liaison register.

use lobby_domain::work_log::{LiaisonKind, WorkLogTopic};
use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct EntryRow {
    pub id: i64,
    pub site_id: i64,
    pub day: String,
    pub topic: WorkLogTopic,
    pub text: String,
    pub author_id: i64,
    pub author: String,
    pub created_at: i64,
}

pub async fn insert_entry(
    c: &mut Conn,
    site_id: i64,
    day: &str,
    topic: WorkLogTopic,
    text: &str,
    author_id: i64,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO work_log (site_id, day, topic, text, author_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(site_id)
    .bind(day)
    .bind(topic)
    .bind(text)
    .bind(author_id)
    .bind(now)
    .fetch_one(c)
    .await?)
}

const ENTRY: &str =
    "SELECT w.id, w.site_id, w.day, w.topic, w.text, w.author_id, u.display_name AS author, \
     w.created_at FROM work_log w JOIN users u ON u.id = w.author_id";

/// A day's entries, oldest first.
pub async fn entries(c: &mut Conn, site_id: i64, day: &str) -> Result<Vec<EntryRow>> {
    Ok(sqlx::query_as(&format!(
        "{ENTRY} WHERE w.site_id = $1 AND w.day = $2 ORDER BY w.created_at, w.id"
    ))
    .bind(site_id)
    .bind(day)
    .fetch_all(c)
    .await?)
}

pub async fn entry(c: &mut Conn, id: i64) -> Result<Option<EntryRow>> {
    Ok(sqlx::query_as(&format!("{ENTRY} WHERE w.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct LiaisonRow {
    pub id: i64,
    pub site_id: i64,
    pub authority: String,
    pub contact: Option<String>,
    pub kind: LiaisonKind,
    pub subject: String,
    pub detail: Option<String>,
    pub happened_on: String,
    pub deadline_on: Option<String>,
    pub response: Option<String>,
    pub responder: Option<String>,
    pub responded_at: Option<i64>,
    pub reminded_on: Option<String>,
    pub created_by: String,
    pub created_at: i64,
}

const LIAISON: &str = "SELECT l.id, l.site_id, l.authority, l.contact, l.kind, l.subject, l.detail, l.happened_on, \
     l.deadline_on, l.response, r.display_name AS responder, l.responded_at, l.reminded_on, \
     c.display_name AS created_by, l.created_at \
     FROM liaison_items l JOIN users c ON c.id = l.created_by LEFT JOIN users r ON r.id = l.responded_by";

pub struct NewLiaison<'a> {
    pub site_id: i64,
    pub authority: &'a str,
    pub contact: Option<&'a str>,
    pub kind: LiaisonKind,
    pub subject: &'a str,
    pub detail: Option<&'a str>,
    pub happened_on: &'a str,
    pub deadline_on: Option<&'a str>,
    pub created_by: i64,
}

pub async fn insert_liaison(c: &mut Conn, n: &NewLiaison<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO liaison_items (site_id, authority, contact, kind, subject, detail, happened_on, deadline_on, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(n.site_id)
    .bind(n.authority)
    .bind(n.contact)
    .bind(n.kind)
    .bind(n.subject)
    .bind(n.detail)
    .bind(n.happened_on)
    .bind(n.deadline_on)
    .bind(n.created_by)
    .bind(now)
    .fetch_one(c)
    .await?)
}

pub async fn liaison(c: &mut Conn, id: i64) -> Result<Option<LiaisonRow>> {
    Ok(sqlx::query_as(&format!("{LIAISON} WHERE l.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

/// The site's register: every open item, then the answered ones, newest
/// first (at most `limit`).
pub async fn register(c: &mut Conn, site_id: i64, limit: i64) -> Result<Vec<LiaisonRow>> {
    Ok(sqlx::query_as(&format!(
        "{LIAISON} WHERE l.site_id = $1 \
         ORDER BY CASE WHEN l.responded_at IS NULL THEN 0 ELSE 1 END, \
         COALESCE(l.deadline_on, '9999-12-31'), l.happened_on DESC, l.id DESC LIMIT $2"
    ))
    .bind(site_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Records the answer to an open item; false when it was answered already.
pub async fn respond(c: &mut Conn, id: i64, response: &str, by: i64, now: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE liaison_items SET response = $1, responded_by = $2, responded_at = $3 \
         WHERE id = $4 AND responded_at IS NULL",
    )
    .bind(response)
    .bind(by)
    .bind(now)
    .bind(id)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

/// A site's open items with a deadline on or before `until`.
pub async fn open_deadlines(c: &mut Conn, site_id: i64, until: &str) -> Result<Vec<LiaisonRow>> {
    Ok(sqlx::query_as(&format!(
        "{LIAISON} WHERE l.site_id = $1 AND l.responded_at IS NULL AND l.deadline_on IS NOT NULL \
         AND l.deadline_on <= $2 ORDER BY l.id"
    ))
    .bind(site_id)
    .bind(until)
    .fetch_all(c)
    .await?)
}

/// Marks item `id` reminded `today` unless another sweep did since
/// `last`; true when this sweep takes it.
pub async fn take_reminder(c: &mut Conn, id: i64, last: Option<&str>, today: &str) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE liaison_items SET reminded_on = $1 WHERE id = $2 AND responded_at IS NULL \
         AND COALESCE(reminded_on, '') = COALESCE($3, '')",
    )
    .bind(today)
    .bind(id)
    .bind(last)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}
