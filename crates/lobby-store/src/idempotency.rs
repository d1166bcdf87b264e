//! Idempotency keys: a create sent twice (a flaky phone connection) with the
//! same key by the same user returns the first result. The key is recorded
//! in the same transaction as the create.

use crate::{Conn, Result};

/// The entity a key already created, if any, with its scope (e.g.
/// `tenant`) and the fingerprint of the request that made it; a key reused
/// for another scope or request is the caller's error.
pub async fn lookup(
    c: &mut Conn,
    user_id: i64,
    key: &str,
) -> Result<Option<(String, i64, Option<String>)>> {
    Ok(sqlx::query_as(
        "SELECT scope, entity_id, fingerprint FROM idempotency_keys WHERE user_id = $1 AND key = $2",
    )
    .bind(user_id)
    .bind(key)
    .fetch_optional(c)
    .await?)
}

pub async fn remember(
    c: &mut Conn,
    user_id: i64,
    key: &str,
    scope: &str,
    entity_id: i64,
    now: i64,
    fingerprint: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO idempotency_keys (user_id, key, scope, entity_id, created_at, fingerprint) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(user_id)
    .bind(key)
    .bind(scope)
    .bind(entity_id)
    .bind(now)
    .bind(fingerprint)
    .execute(c)
    .await?;
    Ok(())
}

/// A request of the API sent with an `Idempotency-Key`, as kept: the
/// fingerprint of what it asked, and its answer once it has one.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RequestRow {
    pub fingerprint: String,
    pub status: Option<i64>,
    pub content_type: Option<String>,
    pub body: Option<String>,
    pub created_at: i64,
}

/// Reserves `key` for `user_id`'s request with `fingerprint`: true when
/// this call took it (no such key yet), false when it was already there.
/// Two at once: one inserts, the other waits for it and gets false.
pub async fn reserve(
    c: &mut Conn,
    user_id: i64,
    key: &str,
    fingerprint: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO api_idempotency (user_id, key, fingerprint, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, key) DO NOTHING",
    )
    .bind(user_id)
    .bind(key)
    .bind(fingerprint)
    .bind(now)
    .execute(c)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn request(c: &mut Conn, user_id: i64, key: &str) -> Result<Option<RequestRow>> {
    Ok(sqlx::query_as(
        "SELECT fingerprint, status, content_type, body, created_at FROM api_idempotency \
         WHERE user_id = $1 AND key = $2",
    )
    .bind(user_id)
    .bind(key)
    .fetch_optional(c)
    .await?)
}

/// Keeps the answer of a reserved request (once: a kept answer is final).
pub async fn answer(
    c: &mut Conn,
    user_id: i64,
    key: &str,
    status: i64,
    content_type: Option<&str>,
    body: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE api_idempotency SET status = $3, content_type = $4, body = $5 \
         WHERE user_id = $1 AND key = $2 AND status IS NULL",
    )
    .bind(user_id)
    .bind(key)
    .bind(status)
    .bind(content_type)
    .bind(body)
    .execute(c)
    .await?;
    Ok(())
}

/// Lets a reserved key go unanswered (the request failed without effect):
/// it may be sent again.
pub async fn release(c: &mut Conn, user_id: i64, key: &str) -> Result<()> {
    sqlx::query("DELETE FROM api_idempotency WHERE user_id = $1 AND key = $2 AND status IS NULL")
        .bind(user_id)
        .bind(key)
        .execute(c)
        .await?;
    Ok(())
}

/// Forgets `user_id`'s keys made before `before` (kept a week).
pub async fn prune(c: &mut Conn, user_id: i64, before: i64) -> Result<()> {
    sqlx::query("DELETE FROM api_idempotency WHERE user_id = $1 AND created_at < $2")
        .bind(user_id)
        .bind(before)
        .execute(c)
        .await?;
    Ok(())
}
