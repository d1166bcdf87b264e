//! The tenant roster (租户名单): who occupies which unit, how to reach them by
//! day, and the night emergency contact that only the supervisor, the
//! project manager, security and admin may read (记录资料必须保密). Every read
//! that shows it is written to the audit log; the desk can break the glass
//! for one tenant with a reason, and the supervisor is told.

use std::collections::HashMap;

use lobby_domain::policy::Action;
use lobby_domain::roles::Role;
use lobby_domain::sites::UnitStatus;
use lobby_domain::tenants::{
    parse_roster, pinyin_initials, ImportProblem, ImportRow, RawTenant, TenantInput, TenantKind,
    ROSTER_COLUMNS,
};
use lobby_store::sites as site_store;
use lobby_store::tenants::{self as store, NewVisit, TenantRow, TenantValues};
use lobby_store::{Conn, Tx};
use serde::{Deserialize, Serialize};

use crate::error::dup_as;
use crate::page::{self, Page};
use crate::sites::set_unit_status;
use crate::{audit, notify, time, Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitRef {
    pub id: i64,
    pub number: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TenantView {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub kind: TenantKind,
    pub units: Vec<UnitRef>,
    pub day_phone: Option<String>,
    pub contact_person: Option<String>,
    /// Present only for cs_supervisor, project_manager, security and admin.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub emergency_contact_name: Option<Option<String>>,
    /// Present only for cs_supervisor, project_manager, security and admin.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub emergency_contact_phone: Option<Option<String>>,
    /// Whether a night emergency contact is on file (shown to everyone).
    pub has_emergency_contact: bool,
    pub email: Option<String>,
    pub note: Option<String>,
    pub archived: bool,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

fn view(t: TenantRow, units: Vec<UnitRef>, confidential: bool) -> TenantView {
    TenantView {
        has_emergency_contact: t.emergency_contact_phone.is_some(),
        emergency_contact_name: confidential.then_some(t.emergency_contact_name),
        emergency_contact_phone: confidential.then_some(t.emergency_contact_phone),
        id: t.id,
        site_id: t.site_id,
        name: t.name,
        kind: t.kind,
        units,
        day_phone: t.day_phone,
        contact_person: t.contact_person,
        email: t.email,
        note: t.note,
        archived: t.archived != 0,
        version: t.version,
        created_at: time::rfc3339(t.created_at),
        updated_at: time::rfc3339(t.updated_at),
    }
}

async fn units_by_tenant(c: &mut Conn, ids: &[i64]) -> AppResult<HashMap<i64, Vec<UnitRef>>> {
    let mut m: HashMap<i64, Vec<UnitRef>> = HashMap::new();
    for o in store::units_of(c, ids).await? {
        m.entry(o.tenant_id).or_default().push(UnitRef {
            id: o.unit_id,
            number: o.number,
        });
    }
    Ok(m)
}

/// Writes the audit entry for a read that showed confidential contacts.
async fn audit_confidential_read(
    app: &App,
    actor: &Actor,
    site_id: i64,
    ids: &[i64],
    how: &str,
) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    audit::record_alone(
        app,
        actor,
        Some(site_id),
        "read_confidential",
        "tenant",
        (ids.len() == 1).then(|| ids[0]),
        serde_json::json!({"fields": ["emergency_contact_name", "emergency_contact_phone"], "tenant_ids": ids, "via": how}),
    )
    .await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct TenantQuery {
    pub site_id: i64,
    /// Name (汉字), pinyin initials (`hw` finds 华为) or a unit number.
    pub q: Option<String>,
    pub include_archived: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub async fn list(app: &App, actor: &Actor, q: &TenantQuery) -> AppResult<Page<TenantView>> {
    actor.authorize(Action::TenantsRead, q.site_id)?;
    let limit = page::limit(q.limit)?;
    let cursor = page::decode(q.cursor.as_deref())?;
    let confidential = actor.can(Action::TenantContactsRead, q.site_id);
    let mut c = app.db.read().await?;
    let rows = store::list(
        &mut c,
        q.site_id,
        q.q.as_deref().map(str::trim).filter(|s| !s.is_empty()),
        q.include_archived.unwrap_or(false),
        cursor.as_ref().map(|(k, i)| (k.as_str(), *i)),
        limit + 1,
    )
    .await?;
    let ids: Vec<i64> = rows.iter().take(limit as usize).map(|t| t.id).collect();
    let mut units = units_by_tenant(&mut c, &ids).await?;
    drop(c);
    let page = page::finish(
        rows,
        limit,
        |t| (t.name_initials.clone(), t.id),
        |t| {
            let u = units.remove(&t.id).unwrap_or_default();
            view(t, u, confidential)
        },
    );
    if confidential {
        let shown: Vec<i64> = page
            .items
            .iter()
            .filter(|t| t.has_emergency_contact)
            .map(|t| t.id)
            .collect();
        audit_confidential_read(app, actor, q.site_id, &shown, "list").await?;
    }
    Ok(page)
}

async fn load(c: &mut Conn, actor: &Actor, id: i64) -> AppResult<TenantRow> {
    let t = store::get(c, id)
        .await?
        .ok_or(AppError::NotFound("tenant"))?;
    let own = actor.tenant_id == Some(id);
    if !(own || actor.can(Action::TenantsRead, t.site_id)) {
        return Err(AppError::NotFound("tenant"));
    }
    Ok(t)
}

/// The unit and tenant an application names (a permit, a move, a
/// renovation), permission first: 403 when `actor` may `act` nowhere; the
/// unit is `no such unit` unless they may `see` its site, 403 when they may
/// see but not `act` there; the tenant must be of the unit's site.
pub(crate) async fn unit_and_tenant(
    app: &App,
    actor: &Actor,
    see: Action,
    act: Action,
    unit_id: i64,
    tenant_id: i64,
) -> AppResult<(site_store::UnitRow, TenantRow)> {
    if !actor.can_anywhere(act) {
        return Err(AppError::Forbidden);
    }
    let mut c = app.db.read().await?;
    let unit = site_store::unit(&mut c, unit_id)
        .await?
        .filter(|u| actor.can(see, u.site_id))
        .ok_or_else(|| AppError::invalid("unit_id", "no such unit"))?;
    actor.authorize(act, unit.site_id)?;
    let tenant = store::get(&mut c, tenant_id)
        .await?
        .filter(|t| t.site_id == unit.site_id && t.archived == 0)
        .ok_or_else(|| AppError::invalid("tenant_id", "no such tenant at the unit's site"))?;
    Ok((unit, tenant))
}

pub async fn get(app: &App, actor: &Actor, id: i64) -> AppResult<TenantView> {
    let mut c = app.db.read().await?;
    let t = load(&mut c, actor, id).await?;
    let site_id = t.site_id;
    let confidential = actor.can(Action::TenantContactsRead, site_id);
    let units = units_by_tenant(&mut c, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    drop(c);
    let v = view(t, units, confidential);
    if confidential && v.has_emergency_contact {
        audit_confidential_read(app, actor, site_id, &[id], "record").await?;
    }
    Ok(v)
}

/// The tenant without the confidential contact, whoever asks (no audit
/// entry): the desk's view of the caller on a unit page.
pub async fn get_day_view(app: &App, actor: &Actor, id: i64) -> AppResult<TenantView> {
    let mut c = app.db.read().await?;
    let t = load(&mut c, actor, id).await?;
    let units = units_by_tenant(&mut c, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok(view(t, units, false))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TenantInputDto {
    /// Needed when `unit_ids` is empty and you work at several sites.
    pub site_id: Option<i64>,
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub unit_ids: Vec<i64>,
    pub day_phone: Option<String>,
    pub contact_person: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub email: Option<String>,
    pub note: Option<String>,
    pub archived: Option<bool>,
    /// On update: the version you read; 409 `version_conflict` if it moved.
    pub expected_version: Option<i64>,
}

impl TenantInputDto {
    fn parse(&self) -> AppResult<TenantInput> {
        Ok(TenantInput::parse(&RawTenant {
            name: &self.name,
            kind: &self.kind,
            day_phone: self.day_phone.as_deref(),
            contact_person: self.contact_person.as_deref(),
            emergency_contact_name: self.emergency_contact_name.as_deref(),
            emergency_contact_phone: self.emergency_contact_phone.as_deref(),
            email: self.email.as_deref(),
            note: self.note.as_deref(),
        })?)
    }
}

fn values<'a>(t: &'a TenantInput, initials: &'a str, archived: bool) -> TenantValues<'a> {
    TenantValues {
        name: &t.name,
        name_initials: initials,
        kind: t.kind.as_str(),
        day_phone: t.day_phone.as_deref(),
        contact_person: t.contact_person.as_deref(),
        emergency_contact_name: t.emergency_contact_name.as_deref(),
        emergency_contact_phone: t.emergency_contact_phone.as_deref(),
        email: t.email.as_deref(),
        note: t.note.as_deref(),
        archived,
    }
}

/// What the audit log keeps of a tenant: never the confidential values,
/// only whether they were set.
fn audit_detail(t: &TenantInput, unit_ids: &[i64]) -> serde_json::Value {
    serde_json::json!({
        "name": t.name, "kind": t.kind, "unit_ids": unit_ids, "day_phone": t.day_phone,
        "contact_person": t.contact_person, "emergency_contact": t.emergency_contact_phone.is_some(),
    })
}

/// The site of a new tenant: given, or that of its units, or the actor's
/// only site.
async fn resolve_site(c: &mut Conn, actor: &Actor, input: &TenantInputDto) -> AppResult<i64> {
    if let Some(s) = input.site_id {
        return Ok(s);
    }
    if let Some(u) = input.unit_ids.first() {
        let u = site_store::unit(c, *u)
            .await?
            .ok_or_else(|| AppError::invalid("unit_ids", format!("no unit {u}")))?;
        return Ok(u.site_id);
    }
    match actor.site_ids() {
        Some(v) if v.len() == 1 => Ok(v[0]),
        _ => Err(AppError::invalid(
            "site_id",
            "say which site the tenant is at",
        )),
    }
}

/// Moves the tenant into exactly `unit_ids`: units left become vacant, units
/// taken become occupied. A unit that someone else occupies is refused.
async fn set_units(
    tx: &mut Tx,
    site_id: i64,
    tenant_id: i64,
    unit_ids: &[i64],
    now: i64,
) -> AppResult<()> {
    let mut ids = unit_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let current: Vec<i64> = store::units_of(tx, &[tenant_id])
        .await?
        .into_iter()
        .map(|o| o.unit_id)
        .collect();
    for uid in &ids {
        if current.contains(uid) {
            continue;
        }
        let u = site_store::unit(tx, *uid)
            .await?
            .filter(|u| u.site_id == site_id && u.archived == 0)
            .ok_or_else(|| AppError::invalid("unit_ids", format!("no unit {uid} at this site")))?;
        if let Some(other) = u
            .tenant_name
            .as_ref()
            .filter(|_| u.tenant_id != Some(tenant_id))
        {
            return Err(AppError::invalid(
                "unit_ids",
                format!("unit {} is occupied by {other}", u.number),
            ));
        }
        store::start_occupancy(tx, tenant_id, u.id, now).await?;
        set_unit_status(tx, &u, UnitStatus::Occupied, now).await?;
    }
    for uid in current.iter().filter(|u| !ids.contains(u)) {
        store::end_occupancy(tx, tenant_id, *uid, now).await?;
        if let Some(u) = site_store::unit(tx, *uid).await? {
            set_unit_status(tx, &u, UnitStatus::Vacant, now).await?;
        }
    }
    Ok(())
}

mod contacts;
mod export;
mod import;
mod visits;
mod write;

pub use contacts::{break_glass, EmergencyContact};
pub use export::{export, ExportFormat};
pub(crate) use import::check_xlsx_parts;
pub use import::{
    import_commit, import_preview, read_table, ImportPreview, ImportPreviewRow, ImportResult,
    MAX_IMPORT_COLUMNS, MAX_IMPORT_ROWS, MAX_XLSX_UNPACKED,
};
pub(crate) use visits::visits_due_of;
pub use visits::{
    add_visit, recent_follow_ups, visits, visits_due, FollowUp, VisitDue, VisitInput,
    VisitTicketInput, VisitView,
};
pub use write::{create, update};
