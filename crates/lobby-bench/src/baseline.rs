//! The machine's limits that lobby's figures are divided by (issue 20):
//! bare durable single-row commits per second on the same disk (SQLite in
//! WAL with `synchronous = FULL`, as lobby opens it) and on the same
//! PostgreSQL (`synchronous_commit = on`). The empty handler's rate is the
//! `healthz` scenario of `run`.

use std::io::Write as _;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::json;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::Connection as _;

#[derive(clap::Args)]
pub(crate) struct BaselineArgs {
    /// A directory on the disk lobby's SQLite file is on: a scratch
    /// database is made there and removed after.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// A PostgreSQL database: a scratch table is made there and dropped after.
    #[arg(long)]
    database_url: Option<String>,
    /// Concurrent writers on PostgreSQL (SQLite has one writer, as lobby).
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// Seconds to run each.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Append the results as JSON lines to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    #[arg(long, default_value = "")]
    label: String,
}

fn report(a: &BaselineArgs, scenario: &str, commits: u64, secs: f64) -> Result<()> {
    let rps = commits as f64 / secs;
    println!("lobby-load: {scenario}: {commits} commits in {secs:.1} s = {rps:.0}/s");
    if let Some(path) = &a.json {
        let line = json!({"label": a.label, "scenario": scenario, "requests": commits, "rps": rps, "seconds": secs});
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        writeln!(f, "{line}")?;
    }
    Ok(())
}

pub(crate) async fn baseline(a: BaselineArgs) -> Result<()> {
    let run_for = Duration::from_secs_f64(a.duration);
    if let Some(dir) = &a.dir {
        let file = dir.join(format!("baseline-{}.sqlite", std::process::id()));
        let opts = SqliteConnectOptions::new()
            .filename(&file)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full);
        let mut c = sqlx::SqliteConnection::connect_with(&opts).await?;
        sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, v BIGINT NOT NULL)")
            .execute(&mut c)
            .await?;
        let (start, mut n) = (Instant::now(), 0u64);
        while start.elapsed() < run_for {
            sqlx::query("INSERT INTO t (v) VALUES ($1)")
                .bind(n as i64)
                .execute(&mut c)
                .await?;
            n += 1;
        }
        let secs = start.elapsed().as_secs_f64();
        c.close().await?;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
        report(&a, "bare_commit_sqlite", n, secs)?;
    }
    if let Some(url) = &a.database_url {
        let table = format!("lobby_baseline_{}", std::process::id());
        let opts = sqlx::postgres::PgConnectOptions::from_str(url)?;
        let mut admin = sqlx::PgConnection::connect_with(&opts).await?;
        sqlx::query(&format!(
            "CREATE TABLE {table} (id BIGSERIAL PRIMARY KEY, v BIGINT NOT NULL)"
        ))
        .execute(&mut admin)
        .await?;
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..a.clients {
            let (opts, table) = (opts.clone(), table.clone());
            tasks.push(tokio::spawn(async move {
                let mut c = sqlx::PgConnection::connect_with(&opts).await?;
                sqlx::query("SET synchronous_commit = on")
                    .execute(&mut c)
                    .await?;
                let mut n = 0u64;
                while start.elapsed() < run_for {
                    sqlx::query(&format!("INSERT INTO {table} (v) VALUES ($1)"))
                        .bind(n as i64)
                        .execute(&mut c)
                        .await?;
                    n += 1;
                }
                anyhow::Ok(n)
            }));
        }
        let mut n = 0;
        for t in tasks {
            n += t.await??;
        }
        let secs = start.elapsed().as_secs_f64();
        sqlx::query(&format!("DROP TABLE {table}"))
            .execute(&mut admin)
            .await?;
        report(&a, "bare_commit_pg", n, secs)?;
    }
    Ok(())
}
