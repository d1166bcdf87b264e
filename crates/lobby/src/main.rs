//! `lobby`: the one binary. Reads the settings (flags win over `LOBBY_*`
//! variables, which win over defaults), opens the database the URL names,
//! and runs one command. A bad setting ends the process with one line
//! saying what to fix and a non-zero status.

mod config;

use std::io::Read;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use lobby_app::{auth, App};
use lobby_demo::demo;
use lobby_domain::clock::SystemClock;

use crate::config::Settings;

/// mimalloc instead of glibc's malloc: glibc keeps a heap per thread that
/// has allocated, and a sign-in's 19 MiB argon2 block, freed on one of the
/// blocking pool's threads, stays in that thread's heap; under a burst of
/// sign-ins the process held 500 MiB (BENCHMARKS.md). mimalloc returns freed
/// memory to the system.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `0.1.0 (commit 0123456789ab)`: the release and the commit it was built from.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("LOBBY_GIT_COMMIT"),
    ")"
);

#[derive(Parser)]
#[command(
    name = "lobby",
    version = VERSION,
    about = "lobby — the customer-service department of a property (客户服务部)"
)]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database if needed and serve the web UI and API.
    Serve {
        /// On an empty database, first load the demo site.
        #[arg(long)]
        demo: bool,
    },
    /// Load the demo site into an empty database and exit.
    Demo,
    /// Bring the schema up to date and exit.
    Migrate,
    /// Fill an empty database with a portfolio at scale, for benchmarks:
    /// sites × units with tenants, staff (`g001_front_desk`, … password
    /// `lobby-demo`) and patrol routes, and years of work orders, desk-log
    /// entries and patrol rounds.
    Generate {
        #[arg(long, default_value_t = 50)]
        sites: usize,
        /// Units per site.
        #[arg(long, default_value_t = 400)]
        units: usize,
        /// Years of history, up to today.
        #[arg(long, default_value_t = 3)]
        years: u32,
        /// Work orders in all (spread over the sites and days).
        #[arg(long, default_value_t = 1_000_000)]
        tickets: u64,
        /// The same seed makes the same portfolio.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Write a consistent copy of a running SQLite database.
    Backup {
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Bring a site's records in from workbooks made from the go-live
    /// templates (one or more files; references across them hold): all or
    /// nothing. Every bad row is printed by sheet, row and column.
    Import {
        #[arg(long)]
        site: i64,
        /// Only check the files and print the preview.
        #[arg(long)]
        dry_run: bool,
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
    },
    /// Write every kind of a site's records to one workbook in the
    /// templates' format (`.json` for programs).
    Export {
        #[arg(long)]
        site: i64,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account; the password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
        /// The site the role holds at; without it, every site (admin only).
        #[arg(long)]
        site: Option<i64>,
        #[arg(long)]
        display_name: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain; exits non-zero naming the first bad entry.
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    config::init_tracing(&cli.settings);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(msg) => fail(&msg),
    }
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("lobby: {msg}");
    ExitCode::FAILURE
}

/// Opens the app: checks the data dir, connects, migrates.
async fn open(settings: &Settings) -> Result<App, String> {
    let url = settings.database_url()?;
    let db = lobby_store::Db::connect(&url)
        .await
        .map_err(|e| e.to_string())?;
    db.migrate()
        .await
        .map_err(|e| format!("cannot migrate the database: {e}"))?;
    let blobs = lobby_app::blobs::Blobs::from_setting(&settings.blob_store, &settings.data_dir)?;
    Ok(
        App::new(db, Arc::new(SystemClock), settings.data_dir.clone())
            .with_blobs(blobs)
            .with_outbound(settings.outbound_allow.clone()),
    )
}

fn app_err(e: lobby_app::AppError) -> String {
    match e {
        lobby_app::AppError::Internal(cause) => format!("{cause:#}"),
        other => other.to_string(),
    }
}

/// An import's preview for the operator: each kind's counts, then every
/// bad row.
fn print_preview(p: &lobby_app::golive::UploadPreview) {
    for k in &p.kinds {
        println!(
            "lobby: {} ({}): {} new, {} changed, {} unchanged, {} bad rows",
            k.sheet,
            k.kind,
            k.new,
            k.changed,
            k.unchanged,
            k.errors.len()
        );
        for w in &k.warnings {
            println!("lobby:   note: {w}");
        }
        for e in &k.errors {
            eprintln!(
                "lobby:   {} row {}, {}: {}",
                e.sheet, e.row, e.column, e.reason
            );
        }
    }
    for s in &p.ignored_sheets {
        println!("lobby: sheet {s} is no kind's; left out");
    }
}

async fn run(cli: Cli) -> Result<ExitCode, String> {
    let s = cli.settings;
    match cli.command {
        Command::Migrate => {
            open(&s).await?;
            println!("lobby: the database is up to date");
        }
        Command::Demo => {
            let app = open(&s).await?;
            admin(&app).await?;
            let site = demo::load(&app).await.map_err(app_err)?;
            println!(
                "lobby: loaded the demo site EA公寓 (id {site}); accounts use the password '{}'",
                demo::DEMO_PASSWORD
            );
        }
        Command::Generate {
            sites,
            units,
            years,
            tickets,
            seed,
        } => {
            let app = open(&s).await?;
            admin(&app).await?;
            let scale = lobby_demo::generate::Scale {
                sites,
                units_per_site: units,
                years,
                tickets,
                seed,
                password: demo::DEMO_PASSWORD.into(),
            };
            let said = |line: String| println!("lobby: {line}");
            let g = lobby_demo::generate::portfolio(&app, &scale, &said)
                .await
                .map_err(app_err)?;
            println!(
                "lobby: generated {} sites, {} units, {} tenants, {} staff, {} work orders ({} events), {} desk-log entries, {} patrol rounds, {} statements, {} payments, {} meter readings in {:.1} s; staff sign in as g001_front_desk … with the password '{}'",
                g.sites, g.units, g.tenants, g.users, g.tickets, g.ticket_events, g.desk_entries, g.patrol_rounds, g.statements, g.payments, g.meter_readings, g.seconds, demo::DEMO_PASSWORD
            );
        }
        Command::Serve { demo: with_demo } => {
            // Take over SIGTERM before the port opens: a stop that comes
            // while the database is still opening is a graceful stop too.
            let shutdown = shutdown_signal()?;
            let listener = tokio::net::TcpListener::bind(&s.addr).await.map_err(|e| {
                format!(
                    "cannot listen on {} ({e}); set --addr or LOBBY_ADDR",
                    s.addr
                )
            })?;
            let app = open(&s).await?;
            app.blobs.check().await?;
            tracing::info!(blobs = %app.blobs.describe(), "blob store ready");
            admin(&app).await?;
            if with_demo && demo::is_empty(&app).await.map_err(app_err)? {
                demo::load(&app).await.map_err(app_err)?;
                println!("lobby: loaded the demo site EA公寓; demo accounts use the password '{}' (evaluation only)", demo::DEMO_PASSWORD);
            }
            lobby_web::ops::init_metrics();
            tokio::spawn(lobby_app::jobs::run(
                app.clone(),
                std::time::Duration::from_secs(s.job_interval_secs.max(1)),
            ));
            let sender = lobby_app::delivery::Sender::new(
                lobby_app::delivery::SenderConfig {
                    smtp_url: s.smtp_url.clone(),
                    smtp_from: s.smtp_from.clone(),
                    public_url: s.public_url.clone(),
                    ..lobby_app::delivery::SenderConfig::new()
                },
                lobby_web::i18n::notification_label(),
            )?;
            tokio::spawn(lobby_app::delivery::run(
                app.clone(),
                Arc::new(sender),
                std::time::Duration::from_secs(s.delivery_interval_secs.max(1)),
            ));
            lobby_web::ops::set_build(env!("CARGO_PKG_VERSION"), env!("LOBBY_GIT_COMMIT"));
            let state = lobby_web::AppState {
                app: Arc::new(app.clone()),
                secure_cookies: s.secure_cookies,
                trusted_proxies: Arc::new(s.trusted_proxies.clone()),
            };
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            println!("lobby: serving http://{addr}/");
            tracing::info!(%addr, "serving");
            lobby_web::serve(listener, state, shutdown)
                .await
                .map_err(|e| e.to_string())?;
            app.db.close().await;
            tracing::info!("stopped");
        }
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    role,
                    site,
                    display_name,
                },
        } => {
            let app = open(&s).await?;
            let role: lobby_domain::roles::Role = role
                .parse()
                .map_err(|e: lobby_domain::FieldError| e.message)?;
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            let input = lobby_app::users::UserInput {
                username,
                display_name,
                password: Some(password),
                roles: vec![lobby_app::users::RoleGrant {
                    site_id: site,
                    role,
                }],
                locale: None,
                tenant_id: None,
                vendor_id: None,
                active: Some(true),
                tenant_admin: None,
            };
            let u = lobby_app::users::create(&app, &lobby_app::Actor::system(), &input)
                .await
                .map_err(app_err)?;
            println!("lobby: added user '{}' (id {})", u.username, u.id);
        }
        Command::Import {
            site,
            dry_run,
            files,
        } => {
            let app = open(&s).await?;
            let mut read = Vec::new();
            for f in &files {
                let bytes = std::fs::read(f).map_err(|e| format!("{}: {e}", f.display()))?;
                let name = f.file_name().map(|n| n.to_string_lossy().into_owned());
                read.push((name, bytes));
            }
            let system = lobby_app::Actor::system();
            let labels = lobby_web::i18n::Labels;
            let preview = lobby_app::golive::upload(&app, &system, site, &read, &labels, !dry_run)
                .await
                .map_err(app_err)?;
            print_preview(&preview);
            if !preview.ok {
                return Ok(ExitCode::FAILURE);
            }
            if dry_run {
                println!("lobby: dry run; nothing was imported");
            } else {
                let id = preview.id.ok_or("the upload was not kept")?;
                let done = match lobby_app::golive::confirm(&app, &system, id, &labels).await {
                    Err(lobby_app::AppError::ImportRefused(v)) => {
                        if let Ok(p) = serde_json::from_value(*v) {
                            print_preview(&p);
                        }
                        return Ok(ExitCode::FAILURE);
                    }
                    other => other.map_err(app_err)?,
                };
                for l in &done.staff_links {
                    println!(
                        "lobby: {} ({}) sets a password at {} (once, within 72 hours)",
                        l.display_name, l.username, l.path
                    );
                }
                println!("lobby: imported (upload {id})");
            }
        }
        Command::Export { site, out } => {
            let app = open(&s).await?;
            let system = lobby_app::Actor::system();
            let labels = lobby_web::i18n::Labels;
            let bytes = if out.extension().is_some_and(|e| e == "json") {
                let e = lobby_app::golive::export::export_json(&app, &system, site, &labels)
                    .await
                    .map_err(app_err)?;
                serde_json::to_vec_pretty(&e).map_err(|e| e.to_string())?
            } else {
                lobby_app::golive::export::export_xlsx(&app, &system, site, false, &labels)
                    .await
                    .map_err(app_err)?
            };
            std::fs::write(&out, bytes).map_err(|e| format!("{}: {e}", out.display()))?;
            println!("lobby: wrote site {site}'s records to {}", out.display());
        }
        Command::Backup { out } => {
            let url = s.database_url()?;
            if !url.starts_with("sqlite:") {
                return Err(
                    "lobby backup copies SQLite databases; for PostgreSQL use pg_dump".into(),
                );
            }
            if out.exists() {
                return Err(format!(
                    "{} exists already; choose a new file",
                    out.display()
                ));
            }
            let app = open(&s).await?;
            let path = out.to_str().ok_or("the backup path must be valid UTF-8")?;
            app.db.backup_to(path).await.map_err(|e| e.to_string())?;
            println!("lobby: wrote a consistent copy to {}", out.display());
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let app = open(&s).await?;
            match lobby_app::audit::verify(&app).await.map_err(app_err)? {
                Ok(v) => {
                    println!("lobby: the audit log verifies ({} entries)", v.entries);
                    if v.sealed_now > 0 {
                        println!(
                            "lobby: {} entries were waiting for their seal and are sealed now",
                            v.sealed_now
                        );
                    }
                    if v.waiting > 0 {
                        println!("lobby: {} entries committed during the check wait for their seal (checked at the next run)", v.waiting);
                    }
                }
                Err(b) => {
                    let (id, why) = match b {
                        lobby_domain::audit::ChainBreak::Link { id } => (id, "does not link to the entry before it (an entry was removed or inserted)"),
                        lobby_domain::audit::ChainBreak::Content { id } => (id, "does not match its hash (it was altered)"),
                    };
                    eprintln!("lobby: the audit log is broken: entry {id} {why}");
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// On an empty database, the `admin` account (LOBBY_ADMIN_PASSWORD, or a
/// random password printed once).
async fn admin(app: &App) -> Result<(), String> {
    let pw = std::env::var("LOBBY_ADMIN_PASSWORD").ok();
    if let Some(generated) = auth::ensure_admin(app, pw.as_deref())
        .await
        .map_err(app_err)?
    {
        println!("lobby: created the 'admin' account with password: {generated}  (shown once; change it after signing in)");
    }
    Ok(())
}

/// Installs the handlers for Ctrl-C and SIGTERM now and returns the
/// future that completes on the first of them.
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, String> {
    #[cfg(unix)]
    let (mut term, mut int) = {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate())
            .map_err(|e| format!("cannot listen for SIGTERM: {e}"))?;
        let int = signal(SignalKind::interrupt())
            .map_err(|e| format!("cannot listen for SIGINT: {e}"))?;
        (term, int)
    };
    Ok(async move {
        #[cfg(unix)]
        tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing requests in flight");
    })
}
