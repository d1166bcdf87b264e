//! The database handle: one `AnyPool` over SQLite or PostgreSQL, chosen by
//! the URL's scheme. An unknown scheme is refused loudly, so a typo never
//! creates a fresh empty database.

use std::ops::{Deref, DerefMut};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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
    shared: Arc<Shared>,
}

/// Read-mostly rows that servers keep in memory: a commit that changes
/// them moves the topic's epoch on, here and on every other server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// Who may do what: users (profile, activity), their roles, sessions.
    Auth = 0,
    /// The sites (names, zones, archived).
    Sites = 1,
    /// A site's service levels and holidays (the deadlines of new work
    /// orders).
    Rules = 2,
}

impl Topic {
    const ALL: [Topic; 3] = [Topic::Auth, Topic::Sites, Topic::Rules];

    fn name(self) -> &'static str {
        match self {
            Topic::Auth => "auth",
            Topic::Sites => "sites",
            Topic::Rules => "rules",
        }
    }
}

/// What every handle and transaction of one database shares.
#[derive(Default)]
pub(crate) struct Shared {
    /// Per topic, counts the commits that changed it, in this process and,
    /// on PostgreSQL, through `NOTIFY lobby_changed` on every server.
    epochs: [AtomicU64; 3],
    /// Are changes by other processes reaching `epochs`? Always on SQLite
    /// (one process owns the file); on PostgreSQL only while the listener
    /// is connected.
    watching: AtomicBool,
    /// SQLite: the audit chain's last `(id, hash)` as of the last commit,
    /// `None` when not known (see `audit::append`).
    audit_head: std::sync::Mutex<Option<(i64, String)>>,
    /// PostgreSQL: the listener and the audit sealer, stopped with the
    /// last handle.
    tasks: std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>,
    /// PostgreSQL: woken by a commit that wrote audit entries unchained.
    seal_wake: Arc<tokio::sync::Notify>,
    /// PostgreSQL: the connection numbers are taken on, each in a short
    /// transaction of its own (see `numbers`), and the URL to open it.
    pub(crate) numbers: Mutex<Option<Conn>>,
    pub(crate) url: String,
}

impl Drop for Shared {
    fn drop(&mut self) {
        if let Ok(tasks) = self.tasks.get_mut() {
            for task in tasks.drain(..) {
                task.abort();
            }
        }
    }
}

/// The channel on which PostgreSQL servers tell each other that a topic
/// changed (the payload names it).
const CHANNEL: &str = "lobby_changed";

impl Shared {
    fn bump(&self, topic: Topic) {
        self.epochs[topic as usize].fetch_add(1, Ordering::SeqCst);
    }

    fn bump_all(&self) {
        for t in Topic::ALL {
            self.bump(t);
        }
    }
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
        let mut shared = Shared::default();
        shared.url = url.to_string();
        let shared = Arc::new(shared);
        match dialect {
            Dialect::Sqlite => shared.watching.store(true, Ordering::SeqCst),
            Dialect::Postgres => {
                let listener = tokio::spawn(listen(url.to_string(), Arc::downgrade(&shared)));
                let sealer = tokio::spawn(seal_on(pool.clone(), shared.seal_wake.clone()));
                if let Ok(mut tasks) = shared.tasks.lock() {
                    tasks.extend([listener, sealer]);
                }
            }
        }
        Ok(Self {
            pool,
            dialect,
            write_lock: Arc::new(Mutex::new(())),
            shared,
        })
    }

    /// Where `topic` stands: a number that changes after every commit that
    /// changed it (here or on another server), or `None` while changes
    /// elsewhere might go unseen (the PostgreSQL listener is not
    /// connected). What is cached under one epoch is good while it stays.
    pub fn epoch(&self, topic: Topic) -> Option<u64> {
        self.shared
            .watching
            .load(Ordering::SeqCst)
            .then(|| self.shared.epochs[topic as usize].load(Ordering::SeqCst))
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Applies the embedded migrations of this engine.
    pub async fn migrate(&self) -> Result<()> {
        let mut m = match self.dialect {
            Dialect::Sqlite => sqlx::migrate!("migrations/sqlite"),
            Dialect::Postgres => sqlx::migrate!("migrations/postgres"),
        };
        // A rolling upgrade runs release N beside N+1 on one database (see
        // docs/operations.md): once N+1 has migrated, a node of N that
        // starts again finds migrations it does not know. They only expand
        // the schema (new tables, nullable or defaulted columns — the rule
        // `migrations_only_expand` checks), so N runs on it unchanged.
        m.set_ignore_missing(true);
        let known = m.iter().map(|x| x.version).max().unwrap_or(0);
        m.run(&self.pool).await?;
        let newest: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_one(&self.pool)
                .await
                .ok()
                .flatten();
        if let Some(v) = newest.filter(|v| *v > known) {
            tracing::warn!(
                schema = v,
                this_build = known,
                "the database has migrations of a newer release; running beside it (rolling upgrade)"
            );
        }
        Ok(())
    }

    /// A connection for reads outside a transaction.
    pub async fn read(&self) -> Result<ReadConn> {
        Ok(ReadConn(self.pool.acquire().await?))
    }

    /// Starts a write transaction: the unit of one use case. On SQLite it
    /// first waits for the one writer's turn, held until the transaction
    /// ends.
    pub async fn begin(&self) -> Result<Tx> {
        let turn = match self.dialect {
            Dialect::Sqlite => Some(self.write_lock.clone().lock_owned().await),
            Dialect::Postgres => None,
        };
        let tx = match self.dialect {
            // IMMEDIATE takes the write lock at BEGIN: a transaction never
            // has to upgrade a read snapshot to a write (which SQLite refuses
            // at once, without the busy timeout, when the snapshot is stale),
            // and a lock still held by a connection whose transaction was
            // dropped (a client that went away mid-request) is waited for.
            Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Dialect::Postgres => self.pool.begin().await?,
        };
        Ok(Tx {
            tx,
            dialect: self.dialect,
            _guard: turn,
            shared: self.shared.clone(),
            touches: Vec::new(),
            audit_head: None,
            unsealed: false,
        })
    }

    /// Seals the audit entries that wait (see `audit::seal`); how many.
    pub async fn seal_audit(&self) -> Result<u64> {
        crate::audit::seal(&self.pool, self.dialect).await
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
        tx.forget_audit_head();
        for t in Topic::ALL {
            tx.changed(t).await?;
        }
        match self.dialect {
            Dialect::Sqlite => {
                // A text index (FTS5) is emptied by its content table's
                // triggers, and its own shadow tables are left to it.
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT name FROM sqlite_master m WHERE type = 'table' \
                     AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' \
                     AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND NOT EXISTS (\
                     SELECT 1 FROM sqlite_master v WHERE v.sql LIKE 'CREATE VIRTUAL TABLE%' \
                     AND m.name LIKE v.name || '\\_%' ESCAPE '\\')",
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
/// A table whose rows a transaction may hold ([`Tx::hold`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    Tenants,
    Keys,
    Permits,
}

impl Held {
    fn name(self) -> &'static str {
        match self {
            Held::Tenants => "tenants",
            Held::Keys => "keys",
            Held::Permits => "release_permits",
        }
    }
}

pub struct Tx {
    tx: sqlx::Transaction<'static, Any>,
    dialect: Dialect,
    _guard: Option<OwnedMutexGuard<()>>,
    shared: Arc<Shared>,
    touches: Vec<Topic>,
    audit_head: Option<(i64, String)>,
    /// Wrote audit entries for the sealer (PostgreSQL).
    unsealed: bool,
}

impl Tx {
    /// Commits. Then the epochs of the topics this transaction changed move
    /// on (other servers hear of it by the `NOTIFY` sent inside the
    /// transaction, which PostgreSQL delivers at commit), and the audit
    /// chain's head is what this transaction appended.
    pub async fn commit(self) -> Result<()> {
        let Tx {
            tx,
            shared,
            touches,
            audit_head,
            unsealed,
            _guard: turn,
            ..
        } = self;
        let done = tx.commit().await;
        if unsealed && done.is_ok() {
            shared.seal_wake.notify_one();
        }
        if let Ok(mut head) = shared.audit_head.lock() {
            match (&done, audit_head) {
                (Ok(()), Some(new)) => *head = Some(new),
                (Ok(()), None) => {}
                // Whether a failed commit reached the disk is not known.
                (Err(_), _) => *head = None,
            }
        }
        for topic in touches {
            shared.bump(topic);
        }
        drop(turn);
        done?;
        Ok(())
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Holds row `id` of `table` until this transaction ends, so that a
    /// decision read under it ("no notice of this step yet") is taken by
    /// one transaction at a time: PostgreSQL locks the row (`FOR UPDATE`);
    /// on SQLite the one writer holds every row already.
    pub async fn hold(&mut self, table: Held, id: i64) -> Result<()> {
        if self.dialect == Dialect::Postgres {
            sqlx::query(&format!(
                "SELECT id FROM {} WHERE id = $1 FOR UPDATE",
                table.name()
            ))
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        }
        Ok(())
    }

    /// Marks this transaction as changing `topic`: what servers keep in
    /// memory of it is dropped when it commits. On PostgreSQL this sends
    /// `NOTIFY lobby_changed` (once per topic), which reaches every
    /// server's listener only if and when the transaction commits.
    pub async fn changed(&mut self, topic: Topic) -> Result<()> {
        if self.touches.contains(&topic) {
            return Ok(());
        }
        if self.dialect == Dialect::Postgres {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(topic.name())
                .execute(&mut *self.tx)
                .await?;
        }
        self.touches.push(topic);
        Ok(())
    }

    /// Has this transaction changed `topic` (so that what it read of it
    /// may not be kept: it is not committed yet)?
    pub fn touched(&self, topic: Topic) -> bool {
        self.touches.contains(&topic)
    }

    /// SQLite: the audit chain's last `(id, hash)` as of the last commit,
    /// or as this transaction left it; `None` when not known.
    pub(crate) fn audit_head(&self) -> Option<(i64, String)> {
        if self.audit_head.is_some() {
            return self.audit_head.clone();
        }
        self.shared.audit_head.lock().ok().and_then(|h| h.clone())
    }

    /// The audit chain's head after an entry this transaction appended (it
    /// becomes the shared head when the transaction commits).
    pub(crate) fn set_audit_head(&mut self, id: i64, hash: &str) {
        self.audit_head = Some((id, hash.to_string()));
    }

    /// Marks this transaction as having written audit entries that the
    /// sealer links after the commit.
    pub(crate) fn wrote_unsealed(&mut self) {
        self.unsealed = true;
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// Forgets the shared audit head (it was found stale).
    pub(crate) fn forget_audit_head(&mut self) {
        self.audit_head = None;
        if let Ok(mut head) = self.shared.audit_head.lock() {
            *head = None;
        }
    }
}

/// PostgreSQL: listens on `lobby_changed` for as long as the database
/// handle lives, moving the named topic's epoch on at every notification.
/// While the connection is down `watching` is off, so nothing cached is
/// trusted; when it is back, every epoch moves on (what happened meanwhile
/// was not heard) before `watching` is on again.
async fn listen(url: String, shared: std::sync::Weak<Shared>) {
    use sqlx::postgres::PgListener;
    loop {
        let connected = async {
            let mut l = PgListener::connect(&url).await?;
            l.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(l)
        }
        .await;
        if let (Ok(mut l), Some(s)) = (connected, shared.upgrade()) {
            s.bump_all();
            s.watching.store(true, Ordering::SeqCst);
            drop(s);
            // `try_recv` gives `None` when the connection was lost.
            while let Ok(Some(n)) = l.try_recv().await {
                let Some(s) = shared.upgrade() else { return };
                match Topic::ALL.iter().find(|t| t.name() == n.payload()) {
                    Some(&t) => s.bump(t),
                    None => s.bump_all(),
                }
            }
            let Some(s) = shared.upgrade() else { return };
            s.watching.store(false, Ordering::SeqCst);
            s.bump_all();
            tracing::warn!(
                "lost the PostgreSQL listener; cached sessions are not used until it is back"
            );
        } else if shared.strong_count() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// PostgreSQL: seals the audit chain for as long as the database handle
/// lives: at once (what a crash left waiting), then after each commit that
/// wrote entries (a moment later, so a burst is sealed in one go), and every
/// second whatever happens (what another server's commits left).
async fn seal_on(pool: sqlx::AnyPool, wake: Arc<tokio::sync::Notify>) {
    loop {
        if pool.is_closed() {
            return;
        }
        if let Err(e) = crate::audit::seal(&pool, Dialect::Postgres).await {
            if pool.is_closed() {
                return;
            }
            tracing::warn!(error = %e, "could not seal the audit chain; trying again");
        }
        let _ = tokio::time::timeout(Duration::from_secs(1), wake.notified()).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
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
