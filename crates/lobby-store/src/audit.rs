//! The audit log table: append and read back. The chain's rule (what the
//! hash covers) lives in `lobby_domain::audit`.

use lobby_domain::audit::{entry_hash, EntryFields, StoredEntry, GENESIS};
use sqlx::FromRow;

use crate::{Dialect, Result, StoreError, Tx};

pub struct NewEntry<'a> {
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub site_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub detail: &'a str,
}

/// Appends an entry chained to the last one. Appends are serialised: on
/// SQLite by the single-writer transaction, on PostgreSQL by a
/// transaction-scoped advisory lock, so two writers never chain to the same
/// predecessor.
pub async fn append(tx: &mut Tx, e: &NewEntry<'_>) -> Result<i64> {
    if tx.dialect() == Dialect::Postgres {
        // Servers append one at a time, each after the last one committed.
        sqlx::query("SELECT pg_advisory_xact_lock(7710001)")
            .execute(&mut **tx)
            .await?;
        let head = last(tx).await?;
        return insert(tx, head, e).await;
    }
    // SQLite: the one writer keeps the chain's head from its last commit.
    // Should another process have appended meanwhile (a command run beside
    // the server), the id is taken: read the head and append after it.
    if let Some(head) = tx.audit_head() {
        match insert(tx, Some(head), e).await {
            Err(StoreError::Duplicate(_)) => tx.forget_audit_head(),
            other => return other,
        }
    }
    let head = last(tx).await?;
    insert(tx, head, e).await
}

async fn last(tx: &mut Tx) -> Result<Option<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut **tx)
            .await?,
    )
}

async fn insert(tx: &mut Tx, head: Option<(i64, String)>, e: &NewEntry<'_>) -> Result<i64> {
    let (id, prev) = match head {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let hash = entry_hash(
        &prev,
        &EntryFields {
            id,
            at_micros: e.at,
            actor_id: e.actor_id,
            actor_name: e.actor_name,
            site_id: e.site_id,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            detail: e.detail,
        },
    );
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_id, actor_name, site_id, action, entity, entity_id, \
         detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id)
    .bind(e.at)
    .bind(e.actor_id)
    .bind(e.actor_name)
    .bind(e.site_id)
    .bind(e.action)
    .bind(e.entity)
    .bind(e.entity_id)
    .bind(e.detail)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    if tx.dialect() == Dialect::Sqlite {
        tx.set_audit_head(id, &hash);
    }
    Ok(id)
}

#[derive(Debug, Clone, FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub site_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    pub fn into_stored(self) -> StoredEntry {
        StoredEntry {
            id: self.id,
            at_micros: self.at,
            actor_id: self.actor_id,
            actor_name: self.actor_name,
            site_id: self.site_id,
            action: self.action,
            entity: self.entity,
            entity_id: self.entity_id,
            detail: self.detail,
            prev_hash: self.prev_hash,
            hash: self.hash,
        }
    }
}

const COLS: &str =
    "id, at, actor_id, actor_name, site_id, action, entity, entity_id, detail, prev_hash, hash";

/// Entries with id > `after`, ascending (for verification in chunks).
pub async fn chunk(c: &mut crate::Conn, after: i64, limit: i64) -> Result<Vec<AuditRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2"
    ))
    .bind(after)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Newest first, filtered by entity and id, before `before` (keyset).
pub async fn recent(
    c: &mut crate::Conn,
    site_id: Option<i64>,
    entity: Option<&str>,
    entity_id: Option<i64>,
    action: Option<&str>,
    before: i64,
    limit: i64,
) -> Result<Vec<AuditRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM audit_log WHERE id < $1 AND ($2 IS NULL OR entity = $2) \
         AND ($3 IS NULL OR entity_id = $3) AND ($4 IS NULL OR action = $4) \
         AND ($6 IS NULL OR site_id = $6) ORDER BY id DESC LIMIT $5"
    ))
    .bind(before)
    .bind(entity)
    .bind(entity_id)
    .bind(action)
    .bind(limit)
    .bind(site_id)
    .fetch_all(c)
    .await?)
}
