//! The database handle: one `AnyPool` over SQLite or PostgreSQL, chosen by
//! the URL's scheme. An unknown scheme is refused loudly, so a typo never
//! creates a fresh empty database.

use std::ops::{Deref, DerefMut};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, ConnectOptions, Connection, Executor};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::{Result, StoreError};

/// The connection type store functions run on (a pooled connection or the
/// connection of a transaction).
pub type Conn = sqlx::AnyConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    dialect: Dialect,
    /// SQLite allows one writer at a time. Write transactions take this lock
    /// before `BEGIN`, so a transaction never starts as a reader and then
    /// fails to upgrade (SQLITE_BUSY_SNAPSHOT) under concurrent writes. One
    /// process owns a SQLite file; PostgreSQL does not need it.
    write_lock: Arc<Mutex<()>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("dialect", &self.dialect)
            .finish()
    }
}

/// Settings applied to every SQLite connection.
///
/// `synchronous = FULL`: in WAL mode, NORMAL only syncs the WAL at
/// checkpoints, so a power cut can lose transactions that were already
/// acknowledged to the user. FULL syncs the WAL on every commit: an
/// acknowledged write survives a crash of the process *and* of the machine.
/// It costs commit latency (an fsync per transaction), which the load
/// benchmark measures.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; \
     PRAGMA busy_timeout = 5000;";

impl Db {
    /// Opens the database at `url` (`sqlite://…` or `postgres://…`).
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let dialect = if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Dialect::Postgres
        } else {
            let scheme = url.split(':').next().unwrap_or("");
            return Err(StoreError::Config(format!(
                "database URL scheme '{scheme}' is not supported; use sqlite://FILE or postgres://USER@HOST/DB"
            )));
        };
        let opts = AnyConnectOptions::from_str(url)
            .map_err(|e| {
                StoreError::Config(format!(
                    "bad database URL ({e}); set --database-url or LOBBY_DATABASE_URL"
                ))
            })?
            .log_statements(tracing::log::LevelFilter::Debug)
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500));
        // One connection first, alone: a wrong host, port, password or
        // database is reported at once with its cause, not as the pool's
        // "timed out" after its wait.
        let place = where_of(url);
        match tokio::time::timeout(
            Duration::from_secs(10),
            sqlx::AnyConnection::connect_with(&opts),
        )
        .await
        {
            Err(_) => {
                return Err(StoreError::Config(format!(
                    "cannot connect to {place}: no answer within 10 s; check --database-url or LOBBY_DATABASE_URL"
                )))
            }
            Ok(Err(e)) => {
                return Err(StoreError::Config(format!(
                    "cannot connect to {place}: {}; check --database-url or LOBBY_DATABASE_URL",
                    cause_of(&e)
                )))
            }
            Ok(Ok(c)) => {
                let _ = c.close().await;
            }
        }
        let mut pool = AnyPoolOptions::new()
            .max_connections(match dialect {
                Dialect::Sqlite => 8,
                Dialect::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10));
        if dialect == Dialect::Sqlite {
            pool = pool.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute(SQLITE_PRAGMAS).await?;
                    Ok(())
                })
            });
        }
        let pool = pool
            .connect_with(opts)
            .await
            .map_err(|e| StoreError::Config(format!("cannot open the database: {e}")))?;
        Ok(Self {
            pool,
            dialect,
            write_lock: Arc::new(Mutex::new(())),
        })
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Applies the embedded migrations of this engine.
    pub async fn migrate(&self) -> Result<()> {
        match self.dialect {
            Dialect::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await?,
            Dialect::Postgres => {
                sqlx::migrate!("migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    /// A connection for reads outside a transaction.
    pub async fn read(&self) -> Result<ReadConn> {
        Ok(ReadConn(self.pool.acquire().await?))
    }

    /// Starts a write transaction: the unit of one use case.
    pub async fn begin(&self) -> Result<Tx> {
        let (guard, tx) = match self.dialect {
            // IMMEDIATE takes the write lock at BEGIN: a transaction never
            // has to upgrade a read snapshot to a write (which SQLite refuses
            // at once, without the busy timeout, when the snapshot is stale),
            // and a lock still held by a connection whose transaction was
            // dropped (a client that went away mid-request) is waited for.
            Dialect::Sqlite => {
                let guard = self.write_lock.clone().lock_owned().await;
                (Some(guard), self.pool.begin_with("BEGIN IMMEDIATE").await?)
            }
            Dialect::Postgres => (None, self.pool.begin().await?),
        };
        Ok(Tx {
            tx,
            dialect: self.dialect,
            _guard: guard,
        })
    }

    /// Does the database answer?
    pub async fn ping(&self) -> bool {
        match self.pool.acquire().await {
            Ok(mut c) => c.ping().await.is_ok(),
            Err(_) => false,
        }
    }

    /// SQLite: writes a consistent copy of the live database to `path`
    /// (`VACUUM INTO`, which reads one snapshot while writers go on).
    pub async fn backup_to(&self, path: &str) -> Result<()> {
        if self.dialect != Dialect::Sqlite {
            return Err(StoreError::Config(
                "lobby backup copies SQLite databases; for PostgreSQL use pg_dump".into(),
            ));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Empties every table (the schema and its migrations stay), in one
    /// transaction. Only for undoing a demo load that failed part-way: the
    /// demo loads into a database without sites, and a half-loaded demo
    /// must not stay behind. The audit log's append-only guard is lifted
    /// for the length of this transaction only (SQLite: the trigger is
    /// dropped and re-created from its own stored text; PostgreSQL:
    /// TRUNCATE, which row triggers do not see).
    pub async fn erase_all(&self) -> Result<()> {
        let mut tx = self.begin().await?;
        match self.dialect {
            Dialect::Sqlite => {
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' \
                     AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
                )
                .fetch_all(&mut *tx)
                .await?;
                let guard: Option<String> = sqlx::query_scalar(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_log_no_delete'",
                )
                .fetch_optional(&mut *tx)
                .await?;
                tx.execute("PRAGMA defer_foreign_keys = ON").await?;
                if guard.is_some() {
                    tx.execute("DROP TRIGGER audit_log_no_delete").await?;
                }
                for t in &tables {
                    tx.execute(format!("DELETE FROM \"{t}\"").as_str()).await?;
                }
                let has_sequence: Option<String> = sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'",
                )
                .fetch_optional(&mut *tx)
                .await?;
                if has_sequence.is_some() {
                    tx.execute("DELETE FROM sqlite_sequence").await?;
                }
                if let Some(sql) = guard {
                    tx.execute(sql.as_str()).await?;
                }
            }
            Dialect::Postgres => {
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() \
                     AND tablename <> '_sqlx_migrations'",
                )
                .fetch_all(&mut *tx)
                .await?;
                if !tables.is_empty() {
                    let list = tables
                        .iter()
                        .map(|t| format!("\"{t}\""))
                        .collect::<Vec<_>>()
                        .join(", ");
                    tx.execute(format!("TRUNCATE {list} RESTART IDENTITY CASCADE").as_str())
                        .await?;
                }
            }
        }
        tx.commit().await
    }

    /// Tries to become the one process that runs background jobs. On
    /// PostgreSQL that is a session advisory lock held by a connection kept
    /// for as long as the returned guard lives (a crashed leader's lock goes
    /// with its connection); on SQLite the one process is always it.
    pub async fn try_lead(&self) -> Result<Option<Leader>> {
        match self.dialect {
            Dialect::Sqlite => Ok(Some(Leader(None))),
            Dialect::Postgres => {
                let mut conn = self.pool.acquire().await?.detach();
                let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(7710002)")
                    .fetch_one(&mut conn)
                    .await?;
                Ok(got.then_some(Leader(Some(conn))))
            }
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Where a database URL points, for messages (never its password):
/// `127.0.0.1:5432` or the SQLite file.
fn where_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    if url.starts_with("sqlite:") {
        return rest.split('?').next().unwrap_or(rest).to_string();
    }
    let host = rest.split(['/', '?']).next().unwrap_or(rest);
    let host = host.rsplit_once('@').map(|(_, h)| h).unwrap_or(host);
    if host.contains(':') || host.is_empty() {
        host.to_string()
    } else {
        format!("{host}:5432")
    }
}

/// The cause of a failed connection in a few words: "connection refused",
/// the server's own message, …
fn cause_of(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
            std::io::ErrorKind::TimedOut => "the connection timed out".into(),
            std::io::ErrorKind::NotFound => "no such file or host".into(),
            std::io::ErrorKind::PermissionDenied => "permission denied".into(),
            _ => io.to_string(),
        },
        sqlx::Error::Database(d) => d.message().to_string(),
        other => other.to_string(),
    }
}

/// Held by the process that runs background jobs (see `Db::try_lead`).
pub struct Leader(Option<Conn>);

impl Leader {
    /// Is the lock still held (the connection alive)?
    pub async fn alive(&mut self) -> bool {
        match &mut self.0 {
            None => true,
            Some(c) => c.ping().await.is_ok(),
        }
    }
}

pub struct ReadConn(PoolConnection<Any>);

impl Deref for ReadConn {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.0
    }
}

impl DerefMut for ReadConn {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.0
    }
}

/// A write transaction. Dropped without `commit`, it rolls back.
pub struct Tx {
    tx: sqlx::Transaction<'static, Any>,
    dialect: Dialect,
    _guard: Option<OwnedMutexGuard<()>>,
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }
}

impl Deref for Tx {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.tx
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.tx
    }
}
