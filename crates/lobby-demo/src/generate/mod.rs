//! A portfolio at scale for benchmarks (`lobby generate`): N sites × U
//! units with tenants, staff and patrol routes, then Y years of history —
//! work orders with their events, desk-log entries with the supervisor's
//! acknowledgements, patrol rounds with their checkpoint results, and the
//! money: meters read monthly, statements and payments, some arrears — with the
//! rhythms of a real department (Mondays busiest, weekends quiet, summer
//! air-conditioning, the Spring Festival lull, mornings and afternoons).
//!
//! The sites and people go in through the same store functions as the demo;
//! the history goes in as multi-row inserts (`lobby_store::bulk`), one
//! transaction per generated day, so a million work orders take minutes, not
//! hours. Every row is one the use cases could have written: numbers follow
//! the per-site per-day counters (which are left where a new ticket continues
//! them), states follow the state machine, deadlines come from the default
//! service levels, breaches carry their escalation.

use std::time::Instant;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use lobby_domain::roles::Role;
use lobby_domain::tenants::pinyin_initials;
use lobby_domain::tickets::{deadlines, default_service_level, Kind, Priority};
use lobby_store::bulk::{self, Rows, Val};
use lobby_store::patrols as patrol_store;
use lobby_store::sites::{self as site_store, UnitValues};
use lobby_store::tenants::{self as tenant_store, TenantValues};
use lobby_store::users::{self, NewUser, RoleRow};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use lobby_app::auth::hash_password;
use lobby_app::{App, AppError, AppResult};

const MIN: i64 = 60_000_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
const TZ: &str = "Asia/Shanghai";

/// `days` calendar days before `now`, at the same local time (the date
/// library's arithmetic, not 24-hour steps).
fn days_before(now: i64, days: i64) -> AppResult<i64> {
    Ok(Timestamp::from_microsecond(now)
        .and_then(|t| t.to_zoned(TimeZone::get(TZ)?).checked_sub(days.days()))
        .map_err(|e| AppError::Internal(e.into()))?
        .timestamp()
        .as_microsecond())
}

/// How much to generate.
#[derive(Debug, Clone)]
pub struct Scale {
    pub sites: usize,
    pub units_per_site: usize,
    pub years: u32,
    pub tickets: u64,
    /// The same seed gives the same portfolio.
    pub seed: u64,
    /// The staff accounts' password.
    pub password: String,
}

/// What was written.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Generated {
    pub sites: usize,
    pub units: usize,
    pub tenants: usize,
    pub users: usize,
    pub tickets: u64,
    pub ticket_events: u64,
    pub desk_entries: u64,
    pub patrol_rounds: u64,
    pub statements: u64,
    pub payments: u64,
    pub meter_readings: u64,
    pub seconds: f64,
}

/// The staff of every generated site: username `g{site:03}_{role}`.
const STAFF: [(Role, &str); 7] = [
    (Role::FrontDesk, "前台"),
    (Role::CsSupervisor, "客服主管"),
    (Role::ProjectManager, "项目经理"),
    (Role::FieldAssistant, "外勤"),
    (Role::Engineering, "工程部"),
    (Role::Security, "中控室"),
    (Role::Finance, "综合部"),
];

/// The username of a generated site's staff account (sites count from 1).
pub fn username(site_no: usize, role: Role) -> String {
    format!("g{site_no:03}_{}", role.as_str())
}

struct Site {
    id: i64,
    /// Relative busyness (0.6–1.4).
    weight: f64,
    units: Vec<(i64, String, Option<i64>)>,
    /// The let units: who holds them since when, and their area.
    leases: Vec<Lease>,
    areas: Vec<String>,
    staff: Vec<(Role, i64, String)>,
    routes: Vec<Route>,
}

struct Lease {
    unit: i64,
    number: String,
    tenant: i64,
    /// Moved in (µs).
    since: i64,
    /// The unit's area in 1/100 m².
    area_centi: i64,
}

struct Route {
    id: i64,
    /// (start, end) in minutes of the day.
    windows: Vec<(i64, i64)>,
    /// Checkpoint ids, each with its item ids.
    checkpoints: Vec<(i64, Vec<i64>)>,
}

impl Site {
    fn person(&self, role: Role) -> (i64, &str) {
        self.staff
            .iter()
            .find(|(r, _, _)| *r == role)
            .map(|(_, id, name)| (*id, name.as_str()))
            .unwrap_or((0, "system"))
    }
}

/// Fills an empty database. `progress` hears a line now and then.
pub async fn portfolio(
    app: &App,
    scale: &Scale,
    progress: &(dyn Fn(String) + Sync),
) -> AppResult<Generated> {
    if scale.sites == 0 || scale.units_per_site == 0 || scale.years == 0 {
        return Err(AppError::invalid(
            "sites",
            "sites, units and years must each be at least 1",
        ));
    }
    if !crate::demo::is_empty(app).await? {
        return Err(AppError::invalid(
            "database",
            "the database already has sites; generate into an empty one",
        ));
    }
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(scale.seed);
    let now = app.now();
    let tz = TimeZone::get(TZ).map_err(|e| AppError::Internal(e.into()))?;
    let today = Timestamp::from_microsecond(now)
        .map_err(|e| AppError::Internal(e.into()))?
        .to_zoned(tz.clone())
        .date();
    let first = today
        .checked_sub((i64::from(scale.years) * 365).days())
        .map_err(|e| AppError::Internal(e.into()))?;
    let hash = hash_password(&scale.password)?;
    let mut out = Generated::default();

    let mut sites = Vec::with_capacity(scale.sites);
    for no in 1..=scale.sites {
        let site = make_site(app, no, scale, &hash, now, &mut rng).await?;
        out.units += site.units.len();
        out.tenants += site.units.iter().filter(|u| u.2.is_some()).count();
        out.users += site.staff.len();
        sites.push(site);
        if no % 10 == 0 || no == scale.sites {
            progress(format!("{no} sites with their units, tenants and staff"));
        }
    }
    out.sites = sites.len();

    // How many tickets each (day, site) gets: weights by weekday, season and
    // growth, scaled so the whole adds up to exactly `tickets`.
    let days: Vec<Date> = (0..)
        .map_while(|i: i64| first.checked_add(i.days()).ok().filter(|d| *d <= today))
        .collect();
    let span = days.len().max(1) as f64;
    let day_weight = |i: usize, d: Date| -> f64 {
        let wd = match d.weekday() {
            Weekday::Monday => 1.35,
            Weekday::Tuesday => 1.1,
            Weekday::Friday => 1.05,
            Weekday::Saturday => 0.6,
            Weekday::Sunday => 0.5,
            _ => 1.0,
        };
        let season = match d.month() {
            6..=8 => 1.25,
            2 => 0.7,
            12 | 1 => 1.1,
            _ => 1.0,
        };
        wd * season * (0.8 + 0.3 * i as f64 / span)
    };
    let total_weight: f64 = days
        .iter()
        .enumerate()
        .map(|(i, d)| day_weight(i, *d))
        .sum::<f64>()
        * sites.iter().map(|s| s.weight).sum::<f64>();
    let per_weight = scale.tickets as f64 / total_weight.max(f64::MIN_POSITIVE);

    let mut c = app.db.read().await?;
    let mut next = Ids {
        ticket: bulk::max_id(&mut c, "tickets").await? + 1,
        event: bulk::max_id(&mut c, "ticket_events").await? + 1,
        desk: bulk::max_id(&mut c, "desk_log").await? + 1,
        round: bulk::max_id(&mut c, "patrol_rounds").await? + 1,
        result: bulk::max_id(&mut c, "patrol_results").await? + 1,
        item_result: bulk::max_id(&mut c, "patrol_item_results").await? + 1,
    };
    drop(c);

    let mut expected = 0.0f64;
    let mut made: u64 = 0;
    for (i, day) in days.iter().enumerate() {
        let day_start = day
            .to_zoned(tz.clone())
            .map_err(|e| AppError::Internal(e.into()))?
            .timestamp()
            .as_microsecond();
        let mut b = Batch::new();
        for site in &sites {
            expected += day_weight(i, *day) * site.weight * per_weight;
            let n = (expected.round() as u64).saturating_sub(made);
            made += n;
            // Today only up to now.
            let mut times: Vec<i64> = (0..n)
                .map(|_| {
                    let t = day_start + time_of_day(&mut rng);
                    if t < now {
                        t
                    } else {
                        day_start + rng.gen_range(0..(now - day_start).max(1))
                    }
                })
                .collect();
            times.sort_unstable();
            let mut count = 0i64;
            let series = format!("WO-{}", day.strftime("%Y%m%d"));
            for at in times.into_iter().filter(|t| *t < now) {
                count += 1;
                let number = format!("{series}-{count:04}");
                ticket(&mut b, &mut next, site, &number, at, now, &tz, &mut rng)?;
            }
            if count > 0 {
                b.counters
                    .push(vec![site.id.into(), series.into(), count.into()])?;
            }
            desk_day(&mut b, &mut next, site, day_start, now, &mut rng)?;
            patrol_day(&mut b, &mut next, site, day_start, now, &mut rng)?;
        }
        out.tickets += b.tickets.len() as u64;
        out.ticket_events += b.events.len() as u64;
        out.desk_entries += b.desk.len() as u64;
        out.patrol_rounds += b.rounds.len() as u64;
        let mut tx = app.db.begin().await?;
        for rows in b.all() {
            rows.flush(&mut tx).await?;
        }
        tx.commit().await?;
        if (i + 1) % 60 == 0 || i + 1 == days.len() {
            progress(format!(
                "{day}: {} work orders, {} events, {} desk-log entries, {} patrol rounds ({:.0} s)",
                out.tickets,
                out.ticket_events,
                out.desk_entries,
                out.patrol_rounds,
                started.elapsed().as_secs_f64()
            ));
        }
    }

    fees::money(
        app, &sites, first, today, &tz, now, &mut rng, progress, &mut out,
    )
    .await?;

    let detail = serde_json::json!({"sites": out.sites, "units": out.units, "tickets": out.tickets, "statements": out.statements, "seed": scale.seed});
    let detail = &detail;
    app.write_as_system(|w| {
        Box::pin(async move {
            let dialect = w.dialect();
            for table in [
                "tickets",
                "ticket_events",
                "desk_log",
                "patrol_rounds",
                "patrol_results",
                "patrol_item_results",
            ] {
                bulk::sync_identity(w, dialect, table).await?;
            }
            w.audit(None, "generate", "portfolio", None, detail.clone())
                .await
        })
    })
    .await?;
    let mut c = app.db.read().await?;
    bulk::analyze(&mut c).await?;
    out.seconds = started.elapsed().as_secs_f64();
    Ok(out)
}

mod batch;
mod days;
mod fees;
mod sites;
mod tickets;

use batch::{pick, time_of_day, Batch, Ids};
use days::{desk_day, patrol_day};
use sites::make_site;
use tickets::ticket;
