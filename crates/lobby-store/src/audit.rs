//! The audit log table: append and read back. The chain's rule (what the
//! hash covers) lives in `lobby_domain::audit`.

use lobby_domain::audit::{entry_hash, EntryFields, StoredEntry, GENESIS};
use sqlx::FromRow;

use sqlx::AnyPool;

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

/// Appends an entry. On SQLite it is chained at once: the single writer
/// keeps the chain's head, so chaining costs one insert. On PostgreSQL it
/// is written unchained, with no lock taken, and [`seal`] links it after
/// the commit (see the migration `0040_write_path`); the transaction's
/// commit wakes the sealer.
pub async fn append(tx: &mut Tx, e: &NewEntry<'_>) -> Result<i64> {
    if tx.dialect() == Dialect::Postgres {
        // An id a release before this one took (max + 1, a rolling
        // upgrade) is skipped: the next one from the sequence is tried.
        for _ in 0..100 {
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO audit_log (id, at, actor_id, actor_name, site_id, action, entity, \
                 entity_id, detail, prev_hash, hash) VALUES (nextval('audit_log_id_seq'), \
                 $1, $2, $3, $4, $5, $6, $7, $8, '', '') ON CONFLICT (id) DO NOTHING RETURNING id",
            )
            .bind(e.at)
            .bind(e.actor_id)
            .bind(e.actor_name)
            .bind(e.site_id)
            .bind(e.action)
            .bind(e.entity)
            .bind(e.entity_id)
            .bind(e.detail)
            .fetch_optional(&mut **tx)
            .await?;
            if let Some(id) = id {
                tx.wrote_unsealed();
                return Ok(id);
            }
        }
        return Err(StoreError::Config(
            "no free id for an audit entry: is audit_log_id_seq behind the table?".into(),
        ));
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

/// SQLite: the chain's last entry (the chain runs in id order there).
async fn last(tx: &mut Tx) -> Result<Option<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut **tx)
            .await?,
    )
}

fn fields<'a>(id: i64, e: &'a NewEntry<'_>) -> EntryFields<'a> {
    EntryFields {
        id,
        at_micros: e.at,
        actor_id: e.actor_id,
        actor_name: e.actor_name,
        site_id: e.site_id,
        action: e.action,
        entity: e.entity,
        entity_id: e.entity_id,
        detail: e.detail,
    }
}

/// SQLite: inserts the entry chained after `head` (its id and seal are the
/// next place in the chain).
async fn insert(tx: &mut Tx, head: Option<(i64, String)>, e: &NewEntry<'_>) -> Result<i64> {
    let (id, prev) = match head {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let hash = entry_hash(&prev, &fields(id, e));
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_id, actor_name, site_id, action, entity, entity_id, \
         detail, prev_hash, hash, seal) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $1)",
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
    tx.set_audit_head(id, &hash);
    Ok(id)
}

/// How many entries one sealing transaction links at most.
const SEAL_BATCH: i64 = 500;

/// Links the committed entries that wait for their seal to the chain, in id
/// order, after its last sealed entry; returns how many it sealed. One
/// sealer at a time (the chain's advisory lock), each batch in a short
/// transaction of its own. Nothing waits on SQLite (entries are chained as
/// they are written).
pub async fn seal(pool: &AnyPool, dialect: Dialect) -> Result<u64> {
    if dialect == Dialect::Sqlite {
        return Ok(0);
    }
    let mut sealed = 0u64;
    loop {
        let mut tx = pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(7710001)")
            .execute(&mut *tx)
            .await?;
        let waiting: Vec<AuditRow> = sqlx::query_as(&format!(
            "SELECT {COLS} FROM audit_log WHERE seal IS NULL ORDER BY id LIMIT $1"
        ))
        .bind(SEAL_BATCH)
        .fetch_all(&mut *tx)
        .await?;
        if waiting.is_empty() {
            return Ok(sealed);
        }
        let head: Option<(i64, String)> = sqlx::query_as(
            "SELECT seal, hash FROM audit_log WHERE seal IS NOT NULL ORDER BY seal DESC LIMIT 1",
        )
        .fetch_optional(&mut *tx)
        .await?;
        let (mut place, mut prev) = head.unwrap_or((0, GENESIS.to_string()));
        let n = waiting.len();
        for batch in waiting.chunks(100) {
            let mut sql = String::from(
                "UPDATE audit_log SET seal = v.seal, prev_hash = v.prev_hash, hash = v.hash FROM (VALUES ",
            );
            let mut links = Vec::with_capacity(batch.len());
            for (i, r) in batch.iter().enumerate() {
                place += 1;
                let e = NewEntry {
                    at: r.at,
                    actor_id: r.actor_id,
                    actor_name: &r.actor_name,
                    site_id: r.site_id,
                    action: &r.action,
                    entity: &r.entity,
                    entity_id: r.entity_id,
                    detail: &r.detail,
                };
                let hash = entry_hash(&prev, &fields(r.id, &e));
                if i > 0 {
                    sql.push_str(", ");
                }
                let b = i * 4;
                sql.push_str(&format!(
                    "(CAST(${} AS BIGINT), CAST(${} AS BIGINT), CAST(${} AS TEXT), CAST(${} AS TEXT))",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4
                ));
                links.push((
                    r.id,
                    place,
                    std::mem::replace(&mut prev, hash.clone()),
                    hash,
                ));
            }
            sql.push_str(") AS v (id, seal, prev_hash, hash) WHERE audit_log.id = v.id");
            let mut q = sqlx::query(&sql);
            for (id, seal, prev_hash, hash) in links {
                q = q.bind(id).bind(seal).bind(prev_hash).bind(hash);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        sealed += n as u64;
        if (n as i64) < SEAL_BATCH {
            return Ok(sealed);
        }
    }
}

/// How many committed entries wait for their seal (none on SQLite).
pub async fn waiting(c: &mut crate::Conn, dialect: Dialect) -> Result<i64> {
    if dialect == Dialect::Sqlite {
        return Ok(0);
    }
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE seal IS NULL")
            .fetch_one(c)
            .await?,
    )
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
    /// Empty while the entry waits for its seal (PostgreSQL).
    pub prev_hash: String,
    pub hash: String,
    /// The entry's place in the chain; `None` while it waits (PostgreSQL).
    pub seal: Option<i64>,
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
    "id, at, actor_id, actor_name, site_id, action, entity, entity_id, detail, prev_hash, hash, seal";

/// Chained entries after place `after` in the chain, in chain order (for
/// verification in chunks): by seal on PostgreSQL, by id on SQLite.
pub async fn chunk(
    c: &mut crate::Conn,
    dialect: Dialect,
    after: i64,
    limit: i64,
) -> Result<Vec<AuditRow>> {
    let place = match dialect {
        Dialect::Postgres => "seal",
        Dialect::Sqlite => "id",
    };
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM audit_log WHERE {place} > $1 ORDER BY {place} LIMIT $2"
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
