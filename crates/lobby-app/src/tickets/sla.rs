//! Service levels as data: per site × kind × priority, editable by admin and
//! the project manager, with the site's holidays for working-day deadlines.
//! A combination without a row uses the national grade-one default.

use jiff::civil::Date;
use lobby_domain::error::optional_text;
use lobby_domain::policy::Action as Can;
use lobby_domain::tickets::{default_service_level, DaysOff, Kind, Priority, ServiceLevel};
use lobby_store::sla::{self as store, PolicyRow};
use lobby_store::Conn;
use serde::{Deserialize, Serialize};

use std::sync::Arc;

use crate::{Actor, App, AppError, AppResult, Work};

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LevelView {
    pub kind: Kind,
    pub priority: Priority,
    /// Minutes to dispatch (acknowledge).
    pub respond_mins: i64,
    /// Minutes to someone on site (started).
    pub onsite_mins: i64,
    /// Minutes to resolve (ignored when `resolve_working_days` is set).
    pub resolve_mins: i64,
    pub resolve_working_days: Option<i64>,
    pub return_visit_days: i64,
    /// True when no policy is stored and the default applies.
    #[serde(default)]
    pub is_default: bool,
}

fn level_of(row: Option<&PolicyRow>, kind: Kind, priority: Priority) -> (ServiceLevel, bool) {
    match row {
        Some(r) => (
            ServiceLevel {
                respond_mins: r.respond_mins,
                onsite_mins: r.onsite_mins,
                resolve_mins: r.resolve_mins,
                resolve_working_days: r.resolve_working_days,
                return_visit_days: r.return_visit_days,
            },
            false,
        ),
        None => (default_service_level(kind, priority), true),
    }
}

/// A site's row, service levels and holidays: what a new work order's
/// deadlines are made of. Kept in memory per process (see `cache`): a
/// change to any of them moves its topic's epoch on.
#[derive(Debug)]
pub(crate) struct SiteRules {
    pub site: lobby_store::sites::SiteRow,
    policies: Vec<PolicyRow>,
    pub off: DaysOff,
}

impl SiteRules {
    /// The level that applies to a ticket of this kind and priority.
    pub fn level(&self, kind: Kind, priority: Priority) -> ServiceLevel {
        let row = self
            .policies
            .iter()
            .find(|r| r.kind == kind && r.priority == priority);
        level_of(row, kind, priority).0
    }
}

/// The site's rules, from memory when they are still good there (three
/// statements fewer on every create).
pub(crate) async fn rules(w: &mut Work<'_>, site_id: i64) -> AppResult<Arc<SiteRules>> {
    if let Some(r) = w.kept_rules(site_id) {
        return Ok(r);
    }
    let site = crate::scope::site_row(w, site_id).await?;
    let policies = store::policies(w, site_id).await?;
    let off = days_off(w, site_id).await?;
    let r = Arc::new(SiteRules {
        site,
        policies,
        off,
    });
    w.keep_rules(site_id, r.clone());
    Ok(r)
}

/// The site's holidays and make-up working days, for working-day deadlines.
async fn days_off(c: &mut Conn, site_id: i64) -> AppResult<DaysOff> {
    let mut off = DaysOff::default();
    for h in store::holidays(c, site_id).await? {
        let d: Date = crate::error::stored("holidays.day", &h.day)?;
        if h.working == 1 {
            off.workdays.push(d);
        } else {
            off.holidays.push(d);
        }
    }
    Ok(off)
}

/// Every kind × priority of a site with the level in force.
pub async fn levels(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<LevelView>> {
    actor.authorize(Can::TicketsRead, site_id)?;
    let mut c = app.db.read().await?;
    let rows = store::policies(&mut c, site_id).await?;
    let mut out = Vec::new();
    for k in Kind::ALL {
        for p in Priority::ALL {
            let row = rows.iter().find(|r| r.kind == *k && r.priority == *p);
            let (l, is_default) = level_of(row, *k, *p);
            out.push(LevelView {
                kind: *k,
                priority: *p,
                respond_mins: l.respond_mins,
                onsite_mins: l.onsite_mins,
                resolve_mins: l.resolve_mins,
                resolve_working_days: l.resolve_working_days,
                return_visit_days: l.return_visit_days,
                is_default,
            });
        }
    }
    Ok(out)
}

/// Sets one kind × priority; applies to tickets created from now on.
pub async fn set_level(
    app: &App,
    actor: &Actor,
    site_id: i64,
    v: &LevelView,
) -> AppResult<LevelView> {
    actor.authorize(Can::SlaManage, site_id)?;
    let level = ServiceLevel {
        respond_mins: v.respond_mins,
        onsite_mins: v.onsite_mins,
        resolve_mins: v.resolve_mins,
        resolve_working_days: v.resolve_working_days,
        return_visit_days: v.return_visit_days,
    };
    level.check()?;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            crate::scope::site_row(w, site_id).await?;
            let row = PolicyRow {
                kind: v.kind,
                priority: v.priority,
                respond_mins: level.respond_mins,
                onsite_mins: level.onsite_mins,
                resolve_mins: level.resolve_mins,
                resolve_working_days: level.resolve_working_days,
                return_visit_days: level.return_visit_days,
            };
            store::upsert_policy(w, site_id, &row, now).await?;
            w.audit(
                Some(site_id),
                "update",
                "sla_policy",
                None,
                serde_json::to_value(v).unwrap_or_default(),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    Ok(LevelView {
        is_default: false,
        ..v.clone()
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Holiday {
    /// `2026-10-01`
    pub day: String,
    pub name: Option<String>,
    /// `true`: a make-up working day (调休), a Saturday or Sunday that is
    /// worked and counts toward working-day deadlines; `false` (the
    /// default): a day off.
    #[serde(default)]
    pub working: bool,
}

pub async fn holidays(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<Holiday>> {
    actor.authorize(Can::TicketsRead, site_id)?;
    let mut c = app.db.read().await?;
    Ok(store::holidays(&mut c, site_id)
        .await?
        .into_iter()
        .map(|h| Holiday {
            day: h.day,
            name: h.name,
            working: h.working == 1,
        })
        .collect())
}

pub async fn add_holiday(app: &App, actor: &Actor, site_id: i64, h: &Holiday) -> AppResult<()> {
    actor.authorize(Can::SlaManage, site_id)?;
    let day: Date = crate::time::parse_date("day", &h.day)?;
    let name = optional_text("name", h.name.as_deref(), 40)?;
    let name = &name;
    let working = h.working;
    if working
        && !matches!(
            day.weekday(),
            jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
        )
    {
        return Err(AppError::invalid(
            "working",
            "a make-up working day is a Saturday or Sunday",
        ));
    }
    app.write(actor, |w| {
        Box::pin(async move {
            crate::scope::site_row(w, site_id).await?;
            store::add_holiday(w, site_id, &day.to_string(), name.as_deref(), working)
                .await
                .map_err(crate::error::dup_as("day", "this day is already a holiday"))?;
            w.audit(
                Some(site_id),
                "create",
                "holiday",
                None,
                serde_json::json!({"day": day.to_string(), "name": name, "working": working}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    Ok(())
}

pub async fn remove_holiday(app: &App, actor: &Actor, site_id: i64, day: &str) -> AppResult<()> {
    actor.authorize(Can::SlaManage, site_id)?;
    app.write(actor, |w| {
        Box::pin(async move {
            if !store::remove_holiday(w, site_id, day.trim()).await? {
                return Err(AppError::NotFound("holiday"));
            }
            w.audit(
                Some(site_id),
                "delete",
                "holiday",
                None,
                serde_json::json!({"day": day.trim()}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    Ok(())
}
