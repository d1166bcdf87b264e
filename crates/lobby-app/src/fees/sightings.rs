//! Arrears sightings (欠费租户动向): the desk or a field assistant notes what
//! they saw of a tenant in arrears (goods carried out, the office emptied);
//! the note goes into the desk log for the supervisor and into the day's
//! management log.

use lobby_domain::error::required_text;
use lobby_domain::policy::Action as Can;
use lobby_store::fees as store;
use serde::{Deserialize, Serialize};

use crate::{time, Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SightingView {
    pub id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub note: String,
    /// What the tenant owed past due when seen.
    pub balance_fen: i64,
    pub seen_by: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SightingInput {
    pub tenant_id: i64,
    pub note: String,
}

fn view(r: store::SightingRow) -> SightingView {
    SightingView {
        id: r.id,
        tenant_id: r.tenant_id,
        tenant_name: r.tenant_name,
        note: r.note,
        balance_fen: r.balance_fen,
        seen_by: r.seen_by_name,
        created_at: time::rfc3339(r.created_at),
    }
}

/// Notes a sighting of a tenant (the person on duty).
pub async fn record_sighting(
    app: &App,
    actor: &Actor,
    input: &SightingInput,
) -> AppResult<SightingView> {
    let tenant = {
        let mut c = app.db.read().await?;
        lobby_store::tenants::get(&mut c, input.tenant_id)
            .await?
            .ok_or(AppError::NotFound("tenant"))?
    };
    if !actor.can(Can::FeesRead, tenant.site_id) {
        return Err(AppError::NotFound("tenant"));
    }
    actor.authorize(Can::DeskWrite, tenant.site_id)?;
    let note = required_text("note", &input.note, 500)?;
    let owed = super::arrears_of(app, tenant.site_id, Some(tenant.id))
        .await?
        .first()
        .map_or(0, |l| l.balance_fen);
    let site_id = tenant.site_id;
    let (note, tenant) = (&note, &tenant);
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let actor = w.actor();
                let text = format!(
                    "欠费租户动向：{}（逾期欠款 ¥{}）{note}",
                    tenant.name,
                    lobby_domain::fees::yuan(owed)
                );
                let log_id = lobby_store::desk::insert_log(
                    w,
                    &lobby_store::desk::NewLog {
                        site_id,
                        at: now,
                        author_id: actor.audit_id(),
                        author_name: &actor.display_name,
                        category: "tenant",
                        text: &text,
                        needs_follow_up: true,
                        corrects_id: None,
                    },
                )
                .await?;
                let id = store::insert_sighting(
                    w,
                    site_id,
                    tenant.id,
                    note,
                    owed,
                    actor.audit_id(),
                    &actor.display_name,
                    log_id,
                    now,
                )
                .await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "arrears_sighting",
                    Some(id),
                    serde_json::json!({"tenant_id": tenant.id, "balance_fen": owed}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    let mut c = app.db.read().await?;
    store::sightings(&mut c, site_id, Some(input.tenant_id), 0, i64::MAX)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .map(view)
        .ok_or(AppError::NotFound("sighting"))
}

/// Sightings of a day at a site (the management log) or all of one tenant's.
pub async fn sightings(
    app: &App,
    actor: &Actor,
    site_id: i64,
    tenant_id: Option<i64>,
    day: Option<jiff::civil::Date>,
) -> AppResult<Vec<SightingView>> {
    actor.authorize(Can::FeesReport, site_id)?;
    let (from, to) = match day {
        Some(d) => {
            let site = {
                let mut c = app.db.read().await?;
                crate::scope::site_row(&mut c, site_id).await?
            };
            crate::scope::day_span(d, &site.timezone)?
        }
        None => (0, i64::MAX),
    };
    let mut c = app.db.read().await?;
    Ok(store::sightings(&mut c, site_id, tenant_id, from, to)
        .await?
        .into_iter()
        .map(view)
        .collect())
}
