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
