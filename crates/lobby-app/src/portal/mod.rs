//! The tenant's portal (租户服务): what a tenant's own account needs to
//! report a problem — its company, the units it occupies now and the
//! site's public places. Its requests are work orders (`tickets`), scoped
//! there to the tenant's own and told without staff notes.

use lobby_domain::policy::Action as Can;
use serde::Serialize;

use crate::{Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PortalUnit {
    pub unit_id: i64,
    pub number: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PortalContext {
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    /// The units the tenant occupies now: where a problem can be.
    pub units: Vec<PortalUnit>,
    /// The site's public places (lobby, lifts, corridors …), the other
    /// choice of "where".
    pub places: Vec<String>,
}

/// The tenant's own company, units and the site's places. A staff account
/// (no tenant) or one without the portal's permission gets 403.
pub async fn context(app: &App, actor: &Actor) -> AppResult<PortalContext> {
    let own = actor.tenant_id.ok_or(AppError::Forbidden)?;
    if !actor.can_anywhere(Can::TicketsReport) {
        return Err(AppError::Forbidden);
    }
    let mut c = app.db.read().await?;
    let tenant = lobby_store::tenants::get(&mut c, own)
        .await?
        .ok_or(AppError::Forbidden)?;
    actor.authorize(Can::TicketsReport, tenant.site_id)?;
    let units = lobby_store::tenants::units_of(&mut c, &[own])
        .await?
        .into_iter()
        .map(|u| PortalUnit {
            unit_id: u.unit_id,
            number: u.number,
        })
        .collect();
    let places = lobby_store::sites::public_areas(&mut c, tenant.site_id)
        .await?
        .into_iter()
        .filter(|a| a.archived == 0)
        .map(|a| a.name)
        .collect();
    Ok(PortalContext {
        site_id: tenant.site_id,
        tenant_id: own,
        tenant_name: tenant.name,
        units,
        places,
    })
}

pub mod accounts;
