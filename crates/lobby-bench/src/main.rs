//! `lobby-load`: the load generator behind BENCHMARKS.md.
//!
//! `lobby-load run` signs in as a site's staff (the accounts `lobby generate`
//! makes, `g001_front_desk` …, or the demo's with `--prefix ''`) and plays a
//! department's requests against a running `lobby serve` on loopback:
//! front-desk creates, technicians' and the desk's actions along the whole
//! work-order life, queue lists (API and page), ticket views (API and page),
//! the monthly summary and sign-ins. Closed loop (`--clients` as fast as they
//! can) or open loop (`--rate` requests a second, latency counted from when
//! each request was due, so a stall is not hidden). Reports throughput and
//! p50/p95/p99/max per operation (HdrHistogram) and the server's RSS.
//!
//! `lobby-load startup` times `lobby serve` from spawn to `/readyz` = 200 and
//! reads its idle RSS 2 s after ready (and, with `--settle N`, N s after).
//!
//! `lobby-load baseline` measures what lobby's rates are divided by: bare
//! durable single-row commits a second on the same disk and database; the
//! `healthz` scenario of `run` is the empty handler's rate.

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use hdrhistogram::Histogram;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

mod baseline;
mod client;
mod failover;
mod golive;
mod world;
use client::*;
use world::*;

#[derive(Parser)]
#[command(
    name = "lobby-load",
    about = "Load generator for lobby (loopback only)"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Drive requests at a running `lobby serve` and report latency and throughput.
    Run(RunArgs),
    /// Time `lobby serve` from spawn to ready, and its idle memory.
    Startup(StartupArgs),
    /// Time finance's month-end run (generate a month's statements) once
    /// per site, for sites 1..=N.
    Billing(BillingArgs),
    /// The machine's limits beside lobby's: bare durable single-row commits
    /// per second on SQLite (in `--dir`) and PostgreSQL (`--database-url`).
    Baseline(baseline::BaselineArgs),
    /// The client of `scripts/failover.sh`: creates (idempotent, retried
    /// with the same key) and reads through the proxy while a node dies.
    Failover(failover::FailoverArgs),
    /// Write the go-live benchmark's workbook (`bench/golive.sh`).
    GoliveBook(golive::BookArgs),
}

#[derive(clap::Args)]
struct BillingArgs {
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    #[arg(long, default_value = "lobby-demo")]
    password: String,
    /// Sites 1..=N (their `g00N_finance` runs the month).
    #[arg(long, default_value_t = 5)]
    sites: usize,
    /// The month (`2026-10`): last month, whose readings `lobby generate`
    /// wrote.
    #[arg(long)]
    month: String,
    #[arg(long)]
    json: Option<PathBuf>,
    #[arg(long, default_value = "")]
    label: String,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, ValueEnum)]
enum Op {
    /// POST /api/v1/tickets as the front desk.
    Create,
    /// The next action of a work order this client created (dispatch, start,
    /// resolve, verify, return visit), each by its role.
    Action,
    /// GET /api/v1/tickets, 20 rows, rotating queue filters.
    List,
    /// GET /tickets, the queue page (HTML), 20 rows.
    ListPage,
    /// GET /api/v1/tickets?q=… with text no work order holds, 20 rows.
    Search,
    /// GET /api/v1/tickets/{id} with its history.
    Ticket,
    /// GET /tickets/{id}, the ticket page (HTML).
    TicketPage,
    /// GET /api/v1/reports/tickets for last month.
    Summary,
    /// POST /api/v1/auth/login (argon2).
    Login,
    /// GET /api/v1/arrears: who owes what past due, aged (the supervisor).
    Arrears,
    /// GET /arrears, the arrears page (HTML, the desk).
    ArrearsPage,
    /// A department's mix of all of the above.
    Mix,
    /// GET /healthz: the empty handler, the ceiling lists are measured against.
    Healthz,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Action => "action",
            Op::List => "list",
            Op::Search => "search",
            Op::ListPage => "list_page",
            Op::Ticket => "ticket",
            Op::TicketPage => "ticket_page",
            Op::Summary => "summary",
            Op::Login => "login",
            Op::Arrears => "arrears",
            Op::ArrearsPage => "arrears_page",
            Op::Mix => "mix",
            Op::Healthz => "healthz",
        }
    }
}

/// The mix of a busy morning, by weight.
const MIX: [(Op, u32); 8] = [
    (Op::List, 25),
    (Op::ListPage, 10),
    (Op::Ticket, 20),
    (Op::TicketPage, 10),
    (Op::Create, 12),
    (Op::Action, 18),
    (Op::Summary, 2),
    (Op::Login, 3),
];

#[derive(clap::Args)]
struct RunArgs {
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Usernames are PREFIX + role (`g001_front_desk`); '' for the demo's.
    #[arg(long, default_value = "g001_")]
    prefix: String,
    #[arg(long, default_value = "lobby-demo")]
    password: String,
    #[arg(long, value_enum, default_value = "mix")]
    scenario: Op,
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// Seconds to run.
    #[arg(long, default_value_t = 20.0)]
    duration: f64,
    /// Sites to spread the requests over (a generated portfolio's first
    /// N: staff `g001_…` to `gNNN_…`); each request but an action picks one.
    #[arg(long, default_value_t = 1)]
    sites: u32,
    /// Open loop: this many requests a second in all (latency from when each was due).
    #[arg(long)]
    rate: Option<f64>,
    /// Stop after this many requests.
    #[arg(long)]
    max_requests: Option<u64>,
    /// The server's process id: its RSS is sampled during the run.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Append the results as one JSON line to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// A label for the JSON line (database, size …).
    #[arg(long, default_value = "")]
    label: String,
}

#[derive(clap::Args)]
struct StartupArgs {
    /// The lobby binary.
    #[arg(long, default_value = "target/release/lobby")]
    lobby: PathBuf,
    #[arg(long)]
    data_dir: PathBuf,
    #[arg(long)]
    database_url: Option<String>,
    #[arg(long, default_value_t = 10)]
    runs: usize,
    /// Also read the RSS this many seconds after ready (the allocator
    /// returns what the start freed within ~10 s; 0 = only at 2 s).
    #[arg(long, default_value_t = 0)]
    settle: u64,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let out = match cli.command {
        Cmd::Run(a) => run(a).await,
        Cmd::Startup(a) => startup(a).await,
        Cmd::Billing(a) => billing(a).await,
        Cmd::Baseline(a) => baseline::baseline(a).await,
        Cmd::Failover(a) => failover::failover(a).await,
        Cmd::GoliveBook(a) => golive::book(&a),
    };
    match out {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lobby-load: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// One month-end run per site, each timed from request to response (the
/// statements are written and read back in it).
async fn billing(a: BillingArgs) -> Result<()> {
    loopback_only(&a.url)?;
    let http = reqwest::Client::new();
    let month = a.month;
    let mut ms = Vec::new();
    let mut made = 0usize;
    for no in 1..=a.sites {
        let r: Value = http
            .post(format!("{}/api/v1/auth/login", a.url))
            .json(&json!({"username": format!("g{no:03}_finance"), "password": a.password}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let token = r["token"]
            .as_str()
            .ok_or_else(|| anyhow!("no token: {r}"))?;
        let site = r["user"]["grants"][0]["site_id"]
            .as_i64()
            .ok_or_else(|| anyhow!("no site: {r}"))?;
        let t = Instant::now();
        let r = http
            .post(format!("{}/api/v1/statements/generate", a.url))
            .bearer_auth(token)
            .json(&json!({"site_id": site, "month": month}))
            .send()
            .await?;
        let status = r.status();
        let body: Value = r.json().await?;
        let took = t.elapsed().as_secs_f64() * 1000.0;
        if !status.is_success() {
            bail!("site {site}: {status} {body}");
        }
        let n = body["items"].as_array().map_or(0, Vec::len);
        made += n;
        println!("lobby-load: billing site {site} {month}: {n} statements in {took:.0} ms");
        ms.push(took);
    }
    ms.sort_by(f64::total_cmp);
    let median = ms.get(ms.len() / 2).copied().unwrap_or(0.0);
    let max = ms.last().copied().unwrap_or(0.0);
    println!(
        "lobby-load: billing {} sites · median {median:.0} ms · max {max:.0} ms",
        ms.len()
    );
    if let Some(path) = a.json {
        let line = json!({"label": a.label, "scenario": "billing", "sites": ms.len(), "statements": made, "month": month, "median_ms": median, "max_ms": max, "runs_ms": ms});
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        writeln!(f, "{line}")?;
    }
    Ok(())
}

async fn run(a: RunArgs) -> Result<()> {
    // One world per site: the first from `--prefix`, the others (a
    // generated portfolio's) from `g002_` on.
    let mut worlds = vec![Arc::new(setup(&a, &a.prefix).await?)];
    for no in 2..=a.sites {
        worlds.push(Arc::new(setup(&a, &format!("g{no:03}_")).await?));
    }
    // An action-only run starts with work orders in hand.
    let mut clients: Vec<Client> = (0..a.clients)
        .map(|i| Client::new(worlds.clone(), 7 + i as u64))
        .collect::<Result<_>>()?;
    if a.scenario == Op::Action {
        for c in clients.iter_mut() {
            for _ in 0..40 {
                c.create().await?;
            }
        }
    }
    let rss_before = a.server_pid.and_then(|p| rss_kib(p, "VmRSS:"));
    let stop = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicU64::new(rss_before.unwrap_or(0)));
    let sampler = a.server_pid.map(|pid| {
        let (stop, peak) = (stop.clone(), peak.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if let Some(k) = rss_kib(pid, "VmRSS:") {
                    peak.fetch_max(k, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    });
    let issued = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(a.duration);
    let n = a.clients as u64;
    let mut tasks = Vec::new();
    for (i, mut c) in clients.into_iter().enumerate() {
        let (issued, scenario, rate, max) = (issued.clone(), a.scenario, a.rate, a.max_requests);
        tasks.push(tokio::spawn(async move {
            let mut k = i as u64;
            loop {
                let due = match rate {
                    Some(r) => {
                        let due = started + Duration::from_secs_f64(k as f64 / r);
                        k += n;
                        if due >= deadline {
                            break;
                        }
                        tokio::time::sleep_until(due.into()).await;
                        due
                    }
                    None => Instant::now(),
                };
                if Instant::now() >= deadline {
                    break;
                }
                if max.is_some_and(|m| issued.fetch_add(1, Ordering::Relaxed) >= m) {
                    break;
                }
                let op = c.pick(scenario);
                let (measured, ok) = c.once(op).await;
                let micros = due.elapsed().as_micros() as u64;
                c.record(measured, micros, &ok);
            }
            c
        }));
    }
    let mut total: BTreeMap<Op, Histogram<u64>> = BTreeMap::new();
    let mut errors: BTreeMap<Op, u64> = BTreeMap::new();
    let mut first_error = None;
    for t in tasks {
        let c = t.await?;
        for (op, h) in c.hist {
            match total.get_mut(&op) {
                Some(t) => t.add(&h)?,
                None => {
                    total.insert(op, h);
                }
            }
        }
        for (op, e) in c.errors {
            *errors.entry(op).or_default() += e;
        }
        first_error = first_error.or(c.first_error);
    }
    let secs = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    if let Some(s) = sampler {
        let _ = s.await;
    }
    let hwm = a.server_pid.and_then(|p| rss_kib(p, "VmHWM:"));

    println!(
        "lobby-load: {} · {} clients{} · {:.1} s · site {}{} · {} ticket ids to view",
        a.scenario.name(),
        a.clients,
        a.rate
            .map(|r| format!(" · open loop {r}/s"))
            .unwrap_or_default(),
        secs,
        worlds[0].site,
        if worlds.len() > 1 {
            format!(" and {} more", worlds.len() - 1)
        } else {
            String::new()
        },
        worlds[0].tickets.len()
    );
    println!(
        "{:<12} {:>8} {:>7} {:>9} {:>8} {:>8} {:>8} {:>8}",
        "op", "count", "errors", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    let ms = |v: u64| v as f64 / 1000.0;
    let mut rows = Vec::new();
    let mut all = 0u64;
    for (op, h) in total.iter().filter(|(_, h)| !h.is_empty()) {
        let e = errors.get(op).copied().unwrap_or(0);
        all += h.len();
        println!(
            "{:<12} {:>8} {:>7} {:>9.0} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
            op.name(),
            h.len(),
            e,
            h.len() as f64 / secs,
            ms(h.value_at_quantile(0.5)),
            ms(h.value_at_quantile(0.95)),
            ms(h.value_at_quantile(0.99)),
            ms(h.max()),
        );
        rows.push(json!({
            "op": op.name(), "count": h.len(), "errors": e, "per_s": h.len() as f64 / secs,
            "p50_ms": ms(h.value_at_quantile(0.5)), "p95_ms": ms(h.value_at_quantile(0.95)),
            "p99_ms": ms(h.value_at_quantile(0.99)), "max_ms": ms(h.max()),
        }));
    }
    println!(
        "{:<12} {:>8} {:>7} {:>9.0}",
        "all",
        all,
        errors.values().sum::<u64>(),
        all as f64 / secs
    );
    if let Some(pid) = a.server_pid {
        println!(
            "server {pid}: RSS before {} MiB, peak during the run {} MiB, process high-water mark {} MiB",
            rss_before.map(|k| format!("{:.1}", k as f64 / 1024.0)).unwrap_or("?".into()),
            format_args!("{:.1}", peak.load(Ordering::Relaxed) as f64 / 1024.0),
            hwm.map(|k| format!("{:.1}", k as f64 / 1024.0)).unwrap_or("?".into()),
        );
    }
    if let Some(e) = &first_error {
        println!("first error: {e}");
    }
    if let Some(path) = &a.json {
        let line = json!({
            "label": a.label, "scenario": a.scenario.name(), "clients": a.clients, "rate": a.rate,
            "sites": worlds.len(),
            "seconds": secs, "ops": rows,
            "rss_before_kib": rss_before, "rss_peak_kib": peak.load(Ordering::Relaxed), "rss_hwm_kib": hwm,
            "first_error": first_error,
        });
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        writeln!(f, "{line}")?;
    }
    Ok(())
}

async fn startup(a: StartupArgs) -> Result<()> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()?;
    let mut ready = Vec::new();
    let mut idle = Vec::new();
    let mut settled = Vec::new();
    for _ in 0..a.runs.max(1) {
        let mut cmd = Command::new(&a.lobby);
        cmd.arg("serve")
            .env("LOBBY_ADDR", "127.0.0.1:0")
            .env("LOBBY_DATA_DIR", &a.data_dir)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        match &a.database_url {
            Some(u) => cmd.env("LOBBY_DATABASE_URL", u),
            None => cmd.env_remove("LOBBY_DATABASE_URL"),
        };
        let t0 = Instant::now();
        let mut child = cmd
            .spawn()
            .with_context(|| format!("cannot start {}", a.lobby.display()))?;
        let pid = child.id();
        let stdout = child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
        let addr = tokio::task::spawn_blocking(move || -> Option<String> {
            for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
                if let Some(rest) = line.strip_prefix("lobby: serving http://") {
                    return Some(rest.trim_end_matches('/').to_string());
                }
            }
            None
        })
        .await?
        .ok_or_else(|| anyhow!("lobby serve stopped before it said where it serves"))?;
        loop {
            if let Ok(r) = http.get(format!("http://{addr}/readyz")).send().await {
                if r.status().is_success() {
                    break;
                }
            }
            if t0.elapsed() > Duration::from_secs(30) {
                bail!("not ready within 30 s");
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        ready.push(t0.elapsed().as_secs_f64() * 1000.0);
        tokio::time::sleep(Duration::from_secs(2)).await;
        if let Some(k) = rss_kib(pid, "VmRSS:") {
            idle.push(k as f64 / 1024.0);
        }
        if a.settle > 2 {
            tokio::time::sleep(Duration::from_secs(a.settle - 2)).await;
            if let Some(k) = rss_kib(pid, "VmRSS:") {
                settled.push(k as f64 / 1024.0);
            }
        }
        Command::new("kill")
            .arg("-TERM")
            .arg(pid.to_string())
            .status()?;
        child.wait()?;
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let (lo, hi) = (
        ready.iter().copied().fold(f64::INFINITY, f64::min),
        ready.iter().copied().fold(0.0, f64::max),
    );
    let after = match settled.is_empty() {
        true => String::new(),
        false => format!(", {:.1} MiB after {} s", median(&mut settled), a.settle),
    };
    println!(
        "lobby-load startup: {} runs · spawn to /readyz 200: median {:.1} ms (min {:.1}, max {:.1}) · idle RSS median {:.1} MiB 2 s after ready{after}",
        ready.len(),
        median(&mut ready),
        lo,
        hi,
        median(&mut idle)
    );
    Ok(())
}
