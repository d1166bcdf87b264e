//! lobby's use cases: one function per thing a person does. Each one
//! authorises the actor (through the policy), opens one transaction, calls
//! the domain rules and the store, writes the audit log and the outbox, and
//! commits. The web UI and the JSON API both call these; no business rule
//! lives in a handler.

mod actor;
pub mod announcements;
pub mod audit;
pub mod auth;
pub mod blobs;
pub mod cache;
pub mod cleaning;
pub mod delivery;
pub mod department_reports;
pub mod desk;
pub mod digest;
mod error;
pub mod export;
pub mod fees;
#[cfg(test)]
mod fuzz;
pub mod golive;
pub mod idempotency;
pub mod inbox;
pub mod jobs;
pub mod keys;
pub mod moves;
pub mod notify;
pub mod outbound;
pub mod page;
pub mod patrols;
pub mod permits;
pub mod photos;
pub mod portal;
pub mod renovations;
pub mod reports;
pub mod scope;
pub mod shifts;
pub mod sites;
pub mod supervision;
pub mod supplies;
pub mod tenants;
pub mod tickets;
pub mod time;
pub mod training;
pub mod trends;
pub mod users;
pub mod violations;
pub mod work;
pub mod work_log;

use std::path::PathBuf;
use std::sync::Arc;

use lobby_domain::clock::Clock;
use lobby_store::Db;

pub use actor::{is_system_name, Actor, SYSTEM_NAME};
pub use error::{AppError, AppResult};
pub use work::{Once, Work};

/// Everything a use case needs: the database, the clock, the data dir and
/// the blob store (by default the data dir's `blobs/` folder).
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub data_dir: PathBuf,
    pub blobs: blobs::Blobs,
    /// Signed-in actors kept in memory (see `auth::cache`).
    pub(crate) sessions: Arc<cache::Sessions>,
    /// Every site's row, kept in memory (see `cache`).
    pub(crate) site_rows: Arc<cache::Memo<Vec<lobby_store::sites::SiteRow>>>,
    /// Each site's row, service levels and holidays (see `cache`).
    pub(crate) site_rules: Arc<cache::PerSite<tickets::sla::SiteRules>>,
    /// Where robots and webhooks may not point, and the operator's
    /// exceptions (see `outbound`).
    pub outbound: Arc<outbound::Outbound>,
}

impl App {
    pub fn new(db: Db, clock: Arc<dyn Clock>, data_dir: PathBuf) -> Self {
        Self {
            db,
            clock,
            blobs: blobs::Blobs::local(data_dir.join("blobs")),
            data_dir,
            sessions: Arc::default(),
            site_rows: Arc::default(),
            site_rules: Arc::default(),
            outbound: Arc::default(),
        }
    }

    /// The same app with the operator's allow-list for robots and webhooks.
    pub fn with_outbound(self, outbound: outbound::Outbound) -> Self {
        Self {
            outbound: Arc::new(outbound),
            ..self
        }
    }

    /// The same app keeping its files in `blobs`.
    pub fn with_blobs(self, blobs: blobs::Blobs) -> Self {
        Self { blobs, ..self }
    }

    /// The same app reading time from `clock` (the demo and the generator
    /// write history as if it happened then).
    pub fn with_clock(&self, clock: Arc<dyn Clock>) -> Self {
        Self {
            clock,
            ..self.clone()
        }
    }

    /// Now, in microseconds since the epoch (how the store keeps time).
    pub fn now(&self) -> i64 {
        self.clock.now().as_microsecond()
    }
}
