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
        kind: t.kind.parse().unwrap_or(TenantKind::Company),
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

pub async fn create(
    app: &App,
    actor: &Actor,
    input: &TenantInputDto,
    idempotency_key: Option<&str>,
) -> AppResult<TenantView> {
    let t = input.parse()?;
    let once = crate::Once::new(idempotency_key, "tenant", input);
    let t = &t;
    let id = app
        .create(actor, &once, |w| {
            Box::pin(async move {
                let now = w.now();
                let site_id = resolve_site(w, actor, input).await?;
                actor.authorize(Action::TenantsManage, site_id)?;
                crate::sites::site_row(w, site_id).await?;
                let initials = pinyin_initials(&t.name);
                let id = store::insert(w, site_id, &values(t, &initials, false), now)
                    .await
                    .map_err(dup_as(
                        "name",
                        "a tenant of this name is already on the roster",
                    ))?;
                set_units(w, site_id, id, &input.unit_ids, now).await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "tenant",
                    Some(id),
                    audit_detail(t, &input.unit_ids),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    get_after_write(app, actor, id).await
}

/// The record as the writer may see it. Shown right after their own write,
/// the contact they just typed is not a new disclosure, so no audit entry.
async fn get_after_write(app: &App, actor: &Actor, id: i64) -> AppResult<TenantView> {
    let mut c = app.db.read().await?;
    let t = load(&mut c, actor, id).await?;
    let confidential = actor.can(Action::TenantContactsRead, t.site_id);
    let units = units_by_tenant(&mut c, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok(view(t, units, confidential))
}

pub async fn update(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &TenantInputDto,
) -> AppResult<TenantView> {
    let parsed = input.parse()?;
    let parsed = &parsed;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let mut t = parsed.clone();
            let old = store::get(w, id)
                .await?
                .ok_or(AppError::NotFound("tenant"))?;
            actor.authorize(Action::TenantsManage, old.site_id)?;
            // Someone who may not read the confidential contact cannot see it in the
            // form either: leaving it out keeps the one on file.
            if !actor.can(Action::TenantContactsRead, old.site_id) {
                t.emergency_contact_name = old.emergency_contact_name.clone();
                t.emergency_contact_phone = old.emergency_contact_phone.clone();
            }
            let initials = pinyin_initials(&t.name);
            let archived = input.archived.unwrap_or(old.archived != 0);
            let ok = store::update(
                w,
                id,
                input.expected_version.unwrap_or(old.version),
                &values(&t, &initials, archived),
                now,
            )
            .await
            .map_err(dup_as(
                "name",
                "a tenant of this name is already on the roster",
            ))?;
            if !ok {
                return Err(AppError::VersionConflict);
            }
            let unit_ids = if archived {
                Vec::new()
            } else {
                input.unit_ids.clone()
            };
            set_units(w, old.site_id, id, &unit_ids, now).await?;
            let mut detail = audit_detail(&t, &unit_ids);
            detail["archived"] = archived.into();
            w.audit(Some(old.site_id), "update", "tenant", Some(id), detail)
                .await?;
            Ok(())
        })
    })
    .await?;
    get_after_write(app, actor, id).await
}

// ---- break the glass ----

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EmergencyContact {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
}

/// The desk on duty reveals one tenant's night contact, giving a reason.
/// The reveal is audited and every supervisor of the site is notified.
pub async fn break_glass(
    app: &App,
    actor: &Actor,
    id: i64,
    reason: &str,
) -> AppResult<EmergencyContact> {
    let reason = reason.trim();
    if reason.chars().count() < 4 {
        return Err(AppError::invalid(
            "reason",
            "say why you need the contact (at least 4 characters)",
        ));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::invalid(
            "reason",
            "the reason has at most 500 characters",
        ));
    }
    let t = app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let t = store::get(w, id)
                .await?
                .ok_or(AppError::NotFound("tenant"))?;
            actor.authorize(Action::TenantContactsBreakGlass, t.site_id)?;
            w.audit(Some(t.site_id),
                "break_glass",
                "tenant",
                Some(id),
                serde_json::json!({"reason": reason, "fields": ["emergency_contact_name", "emergency_contact_phone"]}),
            )
            .await?;
            let link = format!("/tenants/{id}");
            notify::to_role(
                w,
                now,
                t.site_id,
                Role::CsSupervisor,
                "break_glass",
                &format!("紧急联系人查看 / Emergency contact revealed: {}", t.name),
                &format!("{} ({}) : {}", actor.display_name, actor.username, reason),
                Some(&link),
            )
            .await?;
            Ok(t)
        })
    })
    .await?;
    Ok(EmergencyContact {
        tenant_id: t.id,
        tenant_name: t.name,
        emergency_contact_name: t.emergency_contact_name,
        emergency_contact_phone: t.emergency_contact_phone,
    })
}

// ---- visits (定期拜访) ----

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VisitView {
    pub id: i64,
    pub tenant_id: i64,
    /// The day of the visit, `2026-11-26`.
    pub visited_on: String,
    pub visitor: String,
    pub met_with: Option<String>,
    pub feedback: String,
    pub follow_up: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct VisitInput {
    /// `YYYY-MM-DD`; today (site time) when absent.
    pub visited_on: Option<String>,
    pub met_with: Option<String>,
    /// What the tenant said.
    pub feedback: String,
    pub follow_up: Option<String>,
}

pub async fn visits(app: &App, actor: &Actor, tenant_id: i64) -> AppResult<Vec<VisitView>> {
    let mut c = app.db.read().await?;
    let t = store::get(&mut c, tenant_id)
        .await?
        .ok_or(AppError::NotFound("tenant"))?;
    actor.authorize(Action::TenantVisitsRead, t.site_id)?;
    Ok(store::visits(&mut c, tenant_id)
        .await?
        .into_iter()
        .map(|v| VisitView {
            id: v.id,
            tenant_id: v.tenant_id,
            visited_on: v.visited_on,
            visitor: v.visitor_name,
            met_with: v.met_with,
            feedback: v.feedback,
            follow_up: v.follow_up,
            created_at: time::rfc3339(v.created_at),
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FollowUp {
    pub visit_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub visited_on: String,
    pub follow_up: String,
}

/// What recent visits left to follow up, newest first (the supervisor's home).
pub async fn recent_follow_ups(
    app: &App,
    actor: &Actor,
    site_id: i64,
    limit: i64,
) -> AppResult<Vec<FollowUp>> {
    actor.authorize(Action::TenantVisitsRead, site_id)?;
    let mut c = app.db.read().await?;
    Ok(store::recent_follow_ups(&mut c, site_id, limit)
        .await?
        .into_iter()
        .map(|f| FollowUp {
            visit_id: f.id,
            tenant_id: f.tenant_id,
            tenant_name: f.tenant_name,
            visited_on: f.visited_on,
            follow_up: f.follow_up,
        })
        .collect())
}

pub async fn add_visit(
    app: &App,
    actor: &Actor,
    tenant_id: i64,
    input: &VisitInput,
) -> AppResult<i64> {
    use lobby_domain::error::{optional_text, required_text};
    let feedback = required_text("feedback", &input.feedback, 2000)?;
    let met_with = optional_text("met_with", input.met_with.as_deref(), 50)?;
    let follow_up = optional_text("follow_up", input.follow_up.as_deref(), 1000)?;
    let met_with = &met_with;
    let follow_up = &follow_up;
    let feedback = &feedback;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let t = store::get(w, tenant_id)
                    .await?
                    .ok_or(AppError::NotFound("tenant"))?;
                actor.authorize(Action::TenantVisitsWrite, t.site_id)?;
                let site = crate::sites::site_row(w, t.site_id).await?;
                let today = time::local_date(now, &site.timezone);
                let day = match input
                    .visited_on
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    Some(s) => crate::time::parse_date("visited_on", s)?,
                    None => today,
                };
                if day > today {
                    return Err(AppError::invalid(
                        "visited_on",
                        "a visit cannot be in the future",
                    ));
                }
                let id = store::insert_visit(
                    w,
                    &NewVisit {
                        site_id: t.site_id,
                        tenant_id,
                        visited_on: &day.to_string(),
                        visitor_id: actor.user_id,
                        met_with: met_with.as_deref(),
                        feedback,
                        follow_up: follow_up.as_deref(),
                        now,
                    },
                )
                .await?;
                w.audit(
                    Some(t.site_id),
                    "create",
                    "tenant_visit",
                    Some(id),
                    serde_json::json!({"tenant_id": tenant_id, "visited_on": day.to_string()}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    Ok(id)
}

// ---- export and import ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

/// The whole roster of a site as a file. The confidential columns are
/// included only for those who may read them, and that read is audited.
pub async fn export(
    app: &App,
    actor: &Actor,
    site_id: i64,
    format: ExportFormat,
) -> AppResult<Vec<u8>> {
    actor.authorize(Action::TenantsExport, site_id)?;
    let confidential = actor.can(Action::TenantContactsRead, site_id);
    let mut c = app.db.read().await?;
    let mut all = Vec::new();
    let mut after: Option<(String, i64)> = None;
    loop {
        let rows = store::list(
            &mut c,
            site_id,
            None,
            false,
            after.as_ref().map(|(k, i)| (k.as_str(), *i)),
            500,
        )
        .await?;
        let Some(last) = rows.last() else { break };
        after = Some((last.name_initials.clone(), last.id));
        let n = rows.len();
        all.extend(rows);
        if n < 500 {
            break;
        }
    }
    let ids: Vec<i64> = all.iter().map(|t| t.id).collect();
    let mut units = units_by_tenant(&mut c, &ids).await?;
    drop(c);
    let cols: Vec<(&str, &str)> = ROSTER_COLUMNS
        .iter()
        .copied()
        .filter(|(k, _)| confidential || !k.starts_with("emergency_"))
        .collect();
    let table: Vec<Vec<String>> = all
        .iter()
        .map(|t| {
            let u = units.remove(&t.id).unwrap_or_default();
            let numbers = u
                .iter()
                .map(|u| u.number.as_str())
                .collect::<Vec<_>>()
                .join("、");
            cols.iter()
                .map(|(k, _)| match *k {
                    "name" => t.name.clone(),
                    "kind" => if t.kind == "person" {
                        "个人"
                    } else {
                        "公司"
                    }
                    .to_string(),
                    "units" => numbers.clone(),
                    "day_phone" => t.day_phone.clone().unwrap_or_default(),
                    "contact_person" => t.contact_person.clone().unwrap_or_default(),
                    "emergency_contact_name" => {
                        t.emergency_contact_name.clone().unwrap_or_default()
                    }
                    "emergency_contact_phone" => {
                        t.emergency_contact_phone.clone().unwrap_or_default()
                    }
                    "email" => t.email.clone().unwrap_or_default(),
                    _ => String::new(),
                })
                .collect()
        })
        .collect();
    let header: Vec<&str> = cols.iter().map(|(_, zh)| *zh).collect();
    let bytes = match format {
        ExportFormat::Csv => crate::export::write_csv(&header, &table)?,
        ExportFormat::Xlsx => write_xlsx(&header, &table)?,
    };
    audit::record_alone(
        app,
        actor,
        Some(site_id),
        if confidential { "export_confidential" } else { "export" },
        "tenant",
        None,
        serde_json::json!({"rows": table.len(), "format": if format == ExportFormat::Csv { "csv" } else { "xlsx" }}),
    )
    .await?;
    Ok(bytes)
}

fn write_xlsx(header: &[&str], rows: &[Vec<String>]) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("租户名单").map_err(xl)?;
    let bold = Format::new().set_bold();
    for (i, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold)
            .map_err(xl)?;
        ws.set_column_width(i as u16, 18).map_err(xl)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (i, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, i as u16, v).map_err(xl)?;
        }
    }
    wb.save_to_buffer().map_err(xl)
}

/// The most a roster file may hold. Checked before anything is read into
/// memory, whatever the file itself claims (a 1.6 KB XLSX may declare a
/// used range of 17 billion cells, a ZIP entry may inflate a thousandfold).
pub const MAX_IMPORT_ROWS: usize = 5_000;
pub const MAX_IMPORT_COLUMNS: usize = 64;
/// The most the XLSX's parts may unpack to, together.
pub const MAX_XLSX_UNPACKED: u64 = 32 * 1024 * 1024;
const MAX_XLSX_PARTS: usize = 200;

fn too_big(what: String) -> AppError {
    AppError::invalid("file", what)
}

/// Reads an uploaded roster: XLSX (first sheet) or CSV in UTF-8 or GBK.
/// At most `MAX_IMPORT_ROWS` rows of `MAX_IMPORT_COLUMNS` columns.
pub fn read_table(bytes: &[u8]) -> AppResult<Vec<Vec<String>>> {
    if bytes.starts_with(b"PK") {
        return read_xlsx(bytes);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.trim_start_matches('\u{feff}').to_string(),
        Err(_) => {
            let (s, _, bad) = encoding_rs::GBK.decode(bytes);
            if bad {
                return Err(AppError::invalid(
                    "file",
                    "the file is neither XLSX nor CSV in UTF-8 or GBK",
                ));
            }
            s.into_owned()
        }
    };
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        if i >= MAX_IMPORT_ROWS {
            return Err(too_big(format!(
                "the file has more than {MAX_IMPORT_ROWS} rows; split it"
            )));
        }
        let rec = rec.map_err(|e| AppError::invalid("file", format!("row {}: {e}", i + 1)))?;
        if rec.len() > MAX_IMPORT_COLUMNS {
            return Err(too_big(format!(
                "row {} has more than {MAX_IMPORT_COLUMNS} columns",
                i + 1
            )));
        }
        out.push(rec.iter().map(str::to_string).collect());
    }
    Ok(out)
}

/// The first sheet of an XLSX, cell by cell. The ZIP's directory is read
/// first: too many parts, or parts that together unpack to more than
/// `MAX_XLSX_UNPACKED`, refuse the file before any part is inflated. The
/// sheet's own claim of its used range is not trusted: cells are read one
/// at a time and the file is refused at the first cell beyond the limits.
fn read_xlsx(bytes: &[u8]) -> AppResult<Vec<Vec<String>>> {
    use calamine::{Reader, Xlsx};
    let bad = |e: String| AppError::invalid("file", format!("cannot read the XLSX file: {e}"));
    {
        let mut zip =
            zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
        if zip.len() > MAX_XLSX_PARTS {
            return Err(too_big(format!(
                "the XLSX file has {} parts (at most {MAX_XLSX_PARTS})",
                zip.len()
            )));
        }
        // Each part is inflated into nothing, counting, whatever its header
        // says its size is: a header that lies cannot make this read more
        // than the limit, in memory or in time.
        let mut unpacked: u64 = 0;
        for i in 0..zip.len() {
            let part = zip.by_index(i).map_err(|e| bad(e.to_string()))?;
            let left = MAX_XLSX_UNPACKED - unpacked;
            let n = std::io::copy(
                &mut std::io::Read::take(part, left + 1),
                &mut std::io::sink(),
            )
            .map_err(|e| bad(e.to_string()))?;
            unpacked += n;
            if unpacked > MAX_XLSX_UNPACKED {
                return Err(too_big(format!(
                    "the XLSX file unpacks to more than {} MiB; save it as CSV or split it",
                    MAX_XLSX_UNPACKED / (1024 * 1024)
                )));
            }
        }
    }
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    let first = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| bad("it has no sheet".into()))?;
    let mut cells = wb
        .worksheet_cells_reader(&first)
        .map_err(|e| bad(e.to_string()))?;
    let mut out: Vec<Vec<String>> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(|e| bad(e.to_string()))? {
        let (row, col) = cell.get_position();
        let (row, col) = (row as usize, col as usize);
        if row >= MAX_IMPORT_ROWS {
            return Err(too_big(format!(
                "the sheet has more than {MAX_IMPORT_ROWS} rows; split it"
            )));
        }
        if col >= MAX_IMPORT_COLUMNS {
            return Err(too_big(format!(
                "row {} has more than {MAX_IMPORT_COLUMNS} columns",
                row + 1
            )));
        }
        let text = calamine::Data::from(cell.get_value().clone()).to_string();
        if text.is_empty() {
            continue;
        }
        if out.len() <= row {
            out.resize_with(row + 1, Vec::new);
        }
        let r = &mut out[row];
        if r.len() <= col {
            r.resize(col + 1, String::new());
        }
        r[col] = text;
    }
    // Like the sheet's used range: from its first row and column that hold
    // anything (a title row above the header, or a margin column, is kept
    // out of the way as before).
    let first_row = out.iter().position(|r| !r.is_empty()).unwrap_or(out.len());
    out.drain(..first_row);
    let first_col = out
        .iter()
        .filter_map(|r| r.iter().position(|c| !c.is_empty()))
        .min()
        .unwrap_or(0);
    for r in &mut out {
        r.drain(..first_col.min(r.len()));
    }
    Ok(out)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportPreviewRow {
    pub row: usize,
    pub name: String,
    /// `create` or `update` (a tenant of that name is on the roster).
    pub action: String,
    pub units: Vec<String>,
    pub has_emergency_contact: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportPreview {
    /// True when every row is good and the file can be imported.
    pub ok: bool,
    pub rows: Vec<ImportPreviewRow>,
    pub problems: Vec<ImportProblem>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportResult {
    pub created: usize,
    pub updated: usize,
}

/// A row resolved against the database: the unit ids and the existing
/// tenant it updates, if any.
struct Resolved {
    row: ImportRow,
    unit_ids: Vec<i64>,
    existing: Option<TenantRow>,
}

async fn resolve_rows(
    c: &mut Conn,
    site_id: i64,
    table: &[Vec<String>],
) -> AppResult<(Vec<Resolved>, Vec<ImportProblem>)> {
    let (rows, mut problems) = parse_roster(table)?;
    let mut out = Vec::new();
    let mut claimed: HashMap<i64, usize> = HashMap::new();
    for row in rows {
        let existing = store::by_name(c, site_id, &row.tenant.name).await?;
        let mut unit_ids = Vec::new();
        let mut bad = false;
        for n in &row.units {
            match site_store::unit_by_number(c, site_id, n.as_str()).await? {
                None => {
                    problems.push(ImportProblem {
                        row: row.row,
                        field: "units".into(),
                        message: format!("there is no unit {}", n.as_str()),
                    });
                    bad = true;
                }
                Some(u) => {
                    if let (Some(occ), Some(occ_name)) = (u.tenant_id, &u.tenant_name) {
                        if existing.as_ref().map(|e| e.id) != Some(occ) {
                            problems.push(ImportProblem {
                                row: row.row,
                                field: "units".into(),
                                message: format!("unit {} is occupied by {occ_name}", u.number),
                            });
                            bad = true;
                            continue;
                        }
                    }
                    if let Some(first) = claimed.insert(u.id, row.row) {
                        problems.push(ImportProblem {
                            row: row.row,
                            field: "units".into(),
                            message: format!("unit {} is also on row {first}", u.number),
                        });
                        bad = true;
                    }
                    unit_ids.push(u.id);
                }
            }
        }
        if !bad {
            out.push(Resolved {
                row,
                unit_ids,
                existing,
            });
        }
    }
    problems.sort_by_key(|p| p.row);
    Ok((out, problems))
}

fn preview_of(resolved: &[Resolved], problems: Vec<ImportProblem>) -> ImportPreview {
    ImportPreview {
        ok: problems.is_empty(),
        rows: resolved
            .iter()
            .map(|r| ImportPreviewRow {
                row: r.row.row,
                name: r.row.tenant.name.clone(),
                action: if r.existing.is_some() {
                    "update"
                } else {
                    "create"
                }
                .into(),
                units: r.row.units.iter().map(|u| u.as_str().to_string()).collect(),
                has_emergency_contact: r.row.tenant.emergency_contact_phone.is_some(),
            })
            .collect(),
        problems,
    }
}

/// `read_table` on the blocking pool: inflating and parsing a file is CPU
/// work that must not hold up a runtime thread.
async fn read_table_off_runtime(bytes: &[u8]) -> AppResult<Vec<Vec<String>>> {
    let bytes = bytes.to_vec();
    tokio::task::spawn_blocking(move || read_table(&bytes))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
}

/// Checks a file without importing anything.
pub async fn import_preview(
    app: &App,
    actor: &Actor,
    site_id: i64,
    bytes: &[u8],
) -> AppResult<ImportPreview> {
    actor.authorize(Action::TenantsImport, site_id)?;
    let table = read_table_off_runtime(bytes).await?;
    let mut c = app.db.read().await?;
    crate::sites::site_row(&mut c, site_id).await?;
    let (resolved, problems) = resolve_rows(&mut c, site_id, &table).await?;
    Ok(preview_of(&resolved, problems))
}

/// Imports a file whole, in one transaction, or nothing: any bad row refuses
/// the file with every bad row named.
///
/// The file is read and every row checked against the roster on a read
/// connection first, so a bad file never takes the write lock and a good
/// one holds it only for the writes. What may change in between is checked
/// again inside the transaction: an updated tenant's version, that no
/// tenant of a new row's name has appeared, and each unit's occupant.
pub async fn import_commit(
    app: &App,
    actor: &Actor,
    site_id: i64,
    bytes: &[u8],
) -> AppResult<ImportResult> {
    actor.authorize(Action::TenantsImport, site_id)?;
    let table = read_table_off_runtime(bytes).await?;
    let resolved = {
        let mut c = app.db.read().await?;
        crate::sites::site_row(&mut c, site_id).await?;
        let (resolved, problems) = resolve_rows(&mut c, site_id, &table).await?;
        if !problems.is_empty() {
            return Err(AppError::InvalidRows(problems));
        }
        resolved
    };
    if resolved.is_empty() {
        return Err(AppError::invalid("file", "the file has no tenant rows"));
    }
    let resolved = &resolved;
    let (created, updated) = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                for r in resolved.iter().filter(|r| r.existing.is_none()) {
                    if store::by_name(w, site_id, &r.row.tenant.name)
                        .await?
                        .is_some()
                    {
                        return Err(AppError::VersionConflict);
                    }
                }
                let (mut created, mut updated) = (0, 0);
                for r in resolved.iter() {
                    let t = &r.row.tenant;
                    let initials = pinyin_initials(&t.name);
                    let id = match &r.existing {
                        Some(old) => {
                            let mut t = t.clone();
                            t.note = old.note.clone();
                            let same_version = store::update(
                                w,
                                old.id,
                                old.version,
                                &values(&t, &initials, false),
                                now,
                            )
                            .await?;
                            if !same_version {
                                // Changed since the file was checked: nothing is imported.
                                return Err(AppError::VersionConflict);
                            }
                            updated += 1;
                            old.id
                        }
                        None => {
                            created += 1;
                            store::insert(w, site_id, &values(t, &initials, false), now).await?
                        }
                    };
                    set_units(w, site_id, id, &r.unit_ids, now)
                        .await
                        .map_err(|e| match e {
                            AppError::Invalid { message, .. } => {
                                AppError::InvalidRows(vec![ImportProblem {
                                    row: r.row.row,
                                    field: "units".into(),
                                    message,
                                }])
                            }
                            other => other,
                        })?;
                }
                w.audit(
                    Some(site_id),
                    "import",
                    "tenant",
                    None,
                    serde_json::json!({"created": created, "updated": updated}),
                )
                .await?;
                Ok((created, updated))
            })
        })
        .await?;
    Ok(ImportResult { created, updated })
}
