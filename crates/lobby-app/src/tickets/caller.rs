//! The caller (报告人): who reported a work order, so whoever works it can
//! ring them back — by default the unit's tenant's day contact.
//!
//! Part of `tickets`; shares its imports.

#[allow(unused_imports)]
use super::*;
use lobby_store::tenants::TenantRow;

/// Who called, and for which tenant.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Caller {
    /// The caller's name (a visitor's, or the tenant's contact person).
    pub name: Option<String>,
    pub phone: Option<String>,
    /// The tenant the call is about, when there is one.
    pub tenant_name: Option<String>,
}

impl Caller {
    /// A tenant's default caller: its contact person and day phone.
    pub fn of_tenant(t: &TenantRow) -> Self {
        Caller {
            name: t.contact_person.clone(),
            phone: t.day_phone.clone(),
            tenant_name: Some(t.name.clone()),
        }
    }
}

/// A unit typed at the desk: who is in it and who to call by default.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitCaller {
    pub unit_id: i64,
    pub unit_number: String,
    pub tenant_id: Option<i64>,
    #[serde(flatten)]
    pub caller: Caller,
}

/// The unit called `number` at `site_id` and its default caller, for the
/// desk taking a call; `None` when no unit has that number (a public place
/// typed in the same box, 大堂, is not a unit).
pub async fn caller_at_unit(
    app: &App,
    actor: &Actor,
    site_id: i64,
    number: &str,
) -> AppResult<Option<UnitCaller>> {
    actor.authorize(Can::TicketsCreate, site_id)?;
    let Ok(number) = lobby_domain::sites::UnitNumber::parse("unit", number) else {
        return Ok(None);
    };
    let mut c = app.db.read().await?;
    let Some(unit) = lobby_store::sites::unit_by_number(&mut c, site_id, number.as_str()).await?
    else {
        return Ok(None);
    };
    let tenant = match unit.tenant_id {
        Some(t) => lobby_store::tenants::get(&mut c, t).await?,
        None => None,
    };
    Ok(Some(UnitCaller {
        unit_id: unit.id,
        unit_number: unit.number,
        tenant_id: tenant.as_ref().map(|t| t.id),
        caller: tenant.as_ref().map(Caller::of_tenant).unwrap_or_default(),
    }))
}
