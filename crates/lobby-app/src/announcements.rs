//! Announcements and outages (通知/停水停电): management posts a notice to
//! a site, a building or a floor — optionally a planned outage with its
//! period and what the desk tells callers. The tenants whose units it
//! reaches are told (in the portal and by their channels); the desk's home
//! shows the outages under way, so "why is there no water?" is answered in
//! one look.

use lobby_domain::announcements::Outage;
use lobby_domain::error::{optional_text, required_text};
use lobby_domain::policy::Action as Can;
use lobby_store::announcements::{self as store, AnnouncementRow, NewAnnouncement};
use serde::{Deserialize, Serialize};

use crate::page::{self, Page};
use crate::{audit, notify, time, Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AnnouncementView {
    pub id: i64,
    pub site_id: i64,
    /// Absent: the whole site.
    pub building_id: Option<i64>,
    pub building_name: Option<String>,
    pub floor_id: Option<i64>,
    pub floor_label: Option<String>,
    pub title: String,
    pub body: String,
    /// An outage: what stops (water, power, gas, lift, aircon, network, other).
    pub outage: Option<Outage>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    /// What the desk tells callers (staff only).
    pub callers_script: Option<String>,
    pub published_at: String,
    pub published_by: String,
    pub withdrawn_at: Option<String>,
    /// An outage under way now.
    pub under_way: bool,
}

fn view(a: AnnouncementRow, now: i64, staff: bool) -> AppResult<AnnouncementView> {
    let outage = a.outage;
    Ok(AnnouncementView {
        under_way: outage.is_some()
            && a.withdrawn_at.is_none()
            && a.starts_at.is_some_and(|s| s <= now)
            && a.ends_at.is_some_and(|e| e > now),
        id: a.id,
        site_id: a.site_id,
        building_id: a.building_id,
        building_name: a.building_name,
        floor_id: a.floor_id,
        floor_label: a.floor_label,
        title: a.title,
        body: a.body,
        outage,
        starts_at: time::rfc3339_opt(a.starts_at),
        ends_at: time::rfc3339_opt(a.ends_at),
        callers_script: a.callers_script.filter(|_| staff),
        published_at: time::rfc3339(a.published_at),
        published_by: a.published_by_name,
        withdrawn_at: time::rfc3339_opt(a.withdrawn_at),
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AnnouncementInput {
    pub site_id: i64,
    /// One building (absent: the whole site).
    pub building_id: Option<i64>,
    /// One floor (of the building, when both are given).
    pub floor_id: Option<i64>,
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// A planned outage: what stops (absent or `""`: a plain notice).
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    pub outage: Option<Outage>,
    /// The outage's period: RFC 3339 or the site's local `2026-12-02T09:00`.
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    /// What the desk tells a caller who asks.
    pub callers_script: Option<String>,
}

/// Posts a notice; the tenants it reaches are told in the same transaction.
pub async fn publish(
    app: &App,
    actor: &Actor,
    input: &AnnouncementInput,
) -> AppResult<AnnouncementView> {
    actor.authorize(Can::AnnouncementsPublish, input.site_id)?;
    let title = required_text("title", &input.title, 120)?;
    let body = optional_text("body", Some(&input.body), 4000)?.unwrap_or_default();
    let outage = input.outage;
    let callers = optional_text("callers_script", input.callers_script.as_deref(), 1000)?;
    let (title, body, callers) = (&title, &body, &callers);
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let site = crate::scope::site_row(w, input.site_id).await?;
                let building = match input.building_id {
                    Some(b) => Some(
                        lobby_store::sites::building(w, b)
                            .await?
                            .filter(|x| x.site_id == input.site_id)
                            .ok_or_else(|| AppError::invalid("building_id", format!("no building {b} at this site")))?
                            .id,
                    ),
                    None => None,
                };
                let floor = match input.floor_id {
                    Some(f) => {
                        let row = lobby_store::sites::floor(w, f)
                            .await?
                            .filter(|x| x.site_id == input.site_id)
                            .ok_or_else(|| AppError::invalid("floor_id", format!("no floor {f} at this site")))?;
                        if building.is_some_and(|b| b != row.building_id) {
                            return Err(AppError::invalid("floor_id", "the floor is in another building"));
                        }
                        Some(row.id)
                    }
                    None => None,
                };
                let building = building.or(match floor {
                    Some(f) => lobby_store::sites::floor(w, f).await?.map(|r| r.building_id),
                    None => None,
                });
                let when = |field: &str, v: Option<&String>| -> AppResult<Option<i64>> {
                    match v.map(|s| s.trim()).filter(|s| !s.is_empty()) {
                        Some(s) => Ok(Some(time::parse_when(field, s, &site.timezone)?)),
                        None => Ok(None),
                    }
                };
                let starts = when("starts_at", input.starts_at.as_ref())?;
                let ends = when("ends_at", input.ends_at.as_ref())?;
                match (outage, starts, ends) {
                    (Some(_), None, _) => return Err(AppError::invalid("starts_at", "an outage needs its start")),
                    (Some(_), _, None) => return Err(AppError::invalid("ends_at", "an outage needs its end")),
                    (_, Some(s), Some(e)) if e <= s => {
                        return Err(AppError::invalid("ends_at", "must be after the start"))
                    }
                    (_, _, Some(e)) if e <= now => return Err(AppError::invalid("ends_at", "must be in the future")),
                    _ => {}
                }
                let id = store::insert(
                    w,
                    &NewAnnouncement {
                        site_id: input.site_id,
                        building_id: building,
                        floor_id: floor,
                        title,
                        body,
                        outage,
                        starts_at: starts,
                        ends_at: ends,
                        callers_script: callers.as_deref(),
                        by: &actor.display_name,
                        now,
                    },
                )
                .await?;
                // Each tenant it reaches, in the portal and by its channels.
                let kind = if outage.is_some() { "outage" } else { "announcement" };
                let tenants = store::tenants_in_scope(w, input.site_id, building, floor).await?;
                let link = format!("/announcements#a{id}");
                for t in &tenants {
                    notify::to_tenant(w, now, input.site_id, Some(*t), kind, title, body, &link).await?;
                }
                audit::record(w, now, actor, Some(input.site_id), "create", "announcement", Some(id),
                    serde_json::json!({"title": title, "outage": outage, "building_id": building, "floor_id": floor, "tenants": tenants.len()})).await?;
                Ok(id)
            })
        })
        .await?;
    get(app, actor, id).await
}

async fn get(app: &App, actor: &Actor, id: i64) -> AppResult<AnnouncementView> {
    let mut c = app.db.read().await?;
    let a = store::get(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("announcement"))?;
    let staff = actor.can(Can::AnnouncementsRead, a.site_id) && actor.tenant_id.is_none();
    if !staff && !reaches(&mut c, actor, &a).await? {
        return Err(AppError::NotFound("announcement"));
    }
    view(a, app.now(), staff)
}

/// Does announcement `a` reach the tenant account `actor`?
async fn reaches(c: &mut lobby_store::Conn, actor: &Actor, a: &AnnouncementRow) -> AppResult<bool> {
    let Some(t) = actor
        .tenant_id
        .filter(|_| actor.can(Can::AnnouncementsRead, a.site_id))
    else {
        return Ok(false);
    };
    Ok(within(a, &store::tenant_places(c, t).await?))
}

/// Is `a` addressed to one of `places` (building, floor) — or to the whole site?
fn within(a: &AnnouncementRow, places: &[(i64, i64)]) -> bool {
    match (a.building_id, a.floor_id) {
        (_, Some(f)) => places.iter().any(|(_, pf)| *pf == f),
        (Some(b), None) => places.iter().any(|(pb, _)| *pb == b),
        (None, None) => true,
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct AnnouncementQuery {
    pub site_id: i64,
    /// Only those still in force (not withdrawn, not over).
    pub current: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A site's announcements, newest first; a tenant's account gets those
/// reaching its units, without the desk's script.
pub async fn list(
    app: &App,
    actor: &Actor,
    q: &AnnouncementQuery,
) -> AppResult<Page<AnnouncementView>> {
    actor.authorize(Can::AnnouncementsRead, q.site_id)?;
    let limit = page::limit(q.limit)?;
    let before = page::decode(q.cursor.as_deref())?
        .map(|(_, id)| id)
        .unwrap_or(i64::MAX);
    let now = app.now();
    let staff = actor.tenant_id.is_none();
    let mut c = app.db.read().await?;
    let rows = store::list(
        &mut c,
        q.site_id,
        q.current.filter(|c| *c).map(|_| now),
        before,
        limit + 1,
    )
    .await?;
    let mut kept = Vec::with_capacity(rows.len());
    let places = match actor.tenant_id {
        Some(t) => store::tenant_places(&mut c, t).await?,
        None => Vec::new(),
    };
    for a in rows {
        if staff || within(&a, &places) {
            kept.push(a);
        }
    }
    page::try_finish(
        kept,
        limit,
        |a| (String::new(), a.id),
        |a| view(a, now, staff),
    )
}

/// Outages under way at the site now (the desk's home).
pub async fn outages_now(
    app: &App,
    actor: &Actor,
    site_id: i64,
) -> AppResult<Vec<AnnouncementView>> {
    actor.authorize(Can::AnnouncementsRead, site_id)?;
    let now = app.now();
    let staff = actor.tenant_id.is_none();
    let mut c = app.db.read().await?;
    store::outages_now(&mut c, site_id, now)
        .await?
        .into_iter()
        .map(|a| view(a, now, staff))
        .collect()
}

/// Withdraws a notice (it stays on record, no longer in force).
pub async fn withdraw(app: &App, actor: &Actor, id: i64) -> AppResult<AnnouncementView> {
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let a = store::get(w, id)
                .await?
                .ok_or(AppError::NotFound("announcement"))?;
            if !actor.can(Can::AnnouncementsRead, a.site_id) || actor.tenant_id.is_some() {
                return Err(AppError::NotFound("announcement"));
            }
            actor.authorize(Can::AnnouncementsPublish, a.site_id)?;
            if !store::withdraw(w, id, &actor.display_name, now).await? {
                return Err(AppError::InvalidTransition(
                    "the announcement is already withdrawn".into(),
                ));
            }
            audit::record(
                w,
                now,
                actor,
                Some(a.site_id),
                "withdraw",
                "announcement",
                Some(id),
                serde_json::json!({"title": a.title}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    get(app, actor, id).await
}
