//! Settings: each a flag or a `LOBBY_*` variable (the flag wins), with the
//! defaults of CONTRACT.md. The database URL is checked here so that a typo
//! never silently creates a fresh empty database.

use std::path::PathBuf;

use clap::Args;

#[derive(Args, Debug, Clone)]
pub struct Settings {
    /// Address to serve on.
    #[arg(
        long,
        env = "LOBBY_ADDR",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub addr: String,
    /// Folder for the SQLite file and uploaded files.
    #[arg(
        long,
        env = "LOBBY_DATA_DIR",
        default_value = "./lobby-data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// `postgres://…` for PostgreSQL; default: SQLite file inside the data dir.
    #[arg(
        long,
        env = "LOBBY_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Where photos and other files go: `local` (the data dir's `blobs/`
    /// folder) or `s3://bucket/prefix` on an S3-compatible service, with the
    /// standard `AWS_*` variables for keys, region and `AWS_ENDPOINT`.
    #[arg(long, env = "LOBBY_BLOB_STORE", default_value = "local", global = true)]
    pub blob_store: String,
    /// Mark cookies `Secure` (serve behind HTTPS).
    #[arg(long, env = "LOBBY_SECURE_COOKIES", global = true)]
    pub secure_cookies: bool,
    /// Reverse proxies in front of lobby, as addresses or networks
    /// (`127.0.0.1,10.0.0.0/8`): from them, the client's address is read
    /// from `X-Forwarded-For` (sign-in throttles count by it). Empty: the
    /// TCP peer is the client — behind a proxy without this, every client
    /// shares the proxy's address and its sign-in limit.
    #[arg(
        long,
        env = "LOBBY_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = proxy_net,
        global = true
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Seconds between runs of the background jobs (SLA sweep).
    #[arg(
        long,
        env = "LOBBY_JOB_INTERVAL_SECS",
        default_value_t = 30,
        global = true
    )]
    pub job_interval_secs: u64,
    /// The SMTP server for e-mail: `smtp://host:25`,
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or
    /// `smtps://user:pass@host:465`. Without it e-mail deliveries wait.
    #[arg(long, env = "LOBBY_SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The From of e-mail, e.g. `物业客服 <desk@example.com>`.
    #[arg(long, env = "LOBBY_SMTP_FROM", global = true)]
    pub smtp_from: Option<String>,
    /// The address people reach lobby at (`https://lobby.example.com`):
    /// links in e-mail and group messages are made absolute with it.
    #[arg(long, env = "LOBBY_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Hosts, addresses or networks inside the server's network that
    /// robots and webhooks may still point at (`relay.corp,10.1.2.0/24`):
    /// an in-house relay. Without it, loopback, private, link-local and
    /// metadata addresses are refused when saved and when sent to.
    #[arg(
        long,
        env = "LOBBY_OUTBOUND_ALLOW",
        default_value = "",
        value_parser = outbound_list,
        global = true
    )]
    pub outbound_allow: lobby_app::outbound::Outbound,
    /// Seconds between rounds of the sender (e-mail, robots, webhooks).
    #[arg(
        long,
        env = "LOBBY_DELIVERY_INTERVAL_SECS",
        default_value_t = 5,
        global = true
    )]
    pub delivery_interval_secs: u64,
    /// Log format: `text` or `json`.
    #[arg(long, env = "LOBBY_LOG_FORMAT", default_value = "text", global = true)]
    pub log_format: String,
}

/// An address (`127.0.0.1`, a network of one) or a network (`10.0.0.0/8`).
fn proxy_net(s: &str) -> Result<ipnet::IpNet, String> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("'{s}' is not an IP address or network (10.0.0.0/8)"))
}

fn outbound_list(s: &str) -> Result<lobby_app::outbound::Outbound, String> {
    lobby_app::outbound::Outbound::parse(s)
}

impl Settings {
    /// The database URL to open, after checking the data dir is usable.
    pub fn database_url(&self) -> Result<String, String> {
        std::fs::create_dir_all(&self.data_dir).map_err(|e| {
            format!(
                "cannot create the data dir {} ({e}); set --data-dir or LOBBY_DATA_DIR",
                self.data_dir.display()
            )
        })?;
        let probe = self.data_dir.join(".lobby-write-test");
        std::fs::write(&probe, b"ok").map_err(|e| {
            format!(
                "cannot write in the data dir {} ({e}); set --data-dir or LOBBY_DATA_DIR",
                self.data_dir.display()
            )
        })?;
        let _ = std::fs::remove_file(&probe);
        match self
            .database_url
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => {
                let file = self.data_dir.join("lobby.db");
                let path = file
                    .to_str()
                    .ok_or("the data dir path must be valid UTF-8")?;
                Ok(format!("sqlite://{path}?mode=rwc"))
            }
            Some(u)
                if u.starts_with("postgres://")
                    || u.starts_with("postgresql://")
                    || u.starts_with("sqlite:") =>
            {
                Ok(u.to_string())
            }
            Some(u) => Err(format!(
                "--database-url / LOBBY_DATABASE_URL '{}' is not a postgres:// or sqlite: URL",
                u.split('@').next_back().unwrap_or("")
            )),
        }
    }
}

pub fn init_tracing(s: &Settings) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("LOBBY_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if s.log_format == "json" {
        b.json().init();
    } else {
        b.init();
    }
}
