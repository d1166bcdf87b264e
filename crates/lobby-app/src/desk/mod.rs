//! The front desk (前台): the daily log book with acknowledgement and
//! follow-up, the shift handover, visitors, mail and parcels, emergency
//! incidents, lift and lobby checks, and the inquiry log.

use lobby_domain::desk::{pickup_code, CheckKind, FollowUp, LogCategory};
use lobby_domain::error::{optional_text, required_text};
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_domain::tickets::Department;
use lobby_store::desk::{self as store, LogFilter, LogRow};
use lobby_store::Conn;
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::page::{self, Page};
use crate::tickets::{NewTicketInput, TicketView};
use crate::{notify, time, Actor, App, AppError, AppResult};

use crate::scope::{day_span, site_of};

async fn unit_at(
    c: &mut Conn,
    site_id: i64,
    unit_id: Option<i64>,
) -> AppResult<Option<lobby_store::sites::UnitRow>> {
    let Some(u) = unit_id else { return Ok(None) };
    match lobby_store::sites::unit(c, u).await? {
        Some(row) if row.site_id == site_id => Ok(Some(row)),
        _ => Err(AppError::invalid(
            "unit_id",
            format!("no unit {u} at this site"),
        )),
    }
}

async fn tenant_at(
    c: &mut Conn,
    site_id: i64,
    tenant_id: Option<i64>,
) -> AppResult<Option<lobby_store::tenants::TenantRow>> {
    let Some(t) = tenant_id else { return Ok(None) };
    match lobby_store::tenants::get(c, t).await? {
        Some(row) if row.site_id == site_id => Ok(Some(row)),
        _ => Err(AppError::invalid(
            "tenant_id",
            format!("no tenant {t} at this site"),
        )),
    }
}

fn cursor_before(cursor: Option<&str>) -> AppResult<i64> {
    Ok(page::decode(cursor)?.map(|(_, id)| id).unwrap_or(i64::MAX))
}

mod checks;
mod expected;
mod handover;
mod incidents;
mod inquiries;
mod log;
mod outgoing;
mod parcels;
mod visitors;

pub use checks::*;
pub use expected::*;
pub use handover::*;
pub use incidents::*;
pub use inquiries::*;
pub use log::*;
pub use outgoing::*;
pub use parcels::*;
pub use visitors::*;
