//! The property directory: sites, buildings, floors, units, public areas,
//! and the vacant-unit report (空置单元资料) for the project manager.

use lobby_domain::error::required_text;
use lobby_domain::policy::Action;
use lobby_domain::sites::{parse_area, SiteInput, UnitNumber, UnitStatus};
use lobby_store::sites::{self as store, UnitFilter, UnitRow, UnitValues};
use lobby_store::Conn;
use serde::{Deserialize, Serialize};

use crate::error::dup_as;
use crate::page::{self, Page};
use crate::{time, Actor, App, AppError, AppResult};

// ---- sites ----

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SiteView {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub timezone: String,
    pub address: Option<String>,
    pub archived: bool,
    pub created_at: String,
}

impl From<store::SiteRow> for SiteView {
    fn from(s: store::SiteRow) -> Self {
        Self {
            id: s.id,
            name: s.name,
            code: s.code,
            timezone: s.timezone,
            address: s.address,
            archived: s.archived != 0,
            created_at: time::rfc3339(s.created_at),
        }
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SiteInputDto {
    pub name: String,
    pub code: String,
    /// IANA zone; Asia/Shanghai when absent.
    pub timezone: Option<String>,
    pub address: Option<String>,
    pub archived: Option<bool>,
}

/// The sites the actor works at.
pub async fn sites(app: &App, actor: &Actor) -> AppResult<Vec<SiteView>> {
    let mut c = app.db.read().await?;
    let all = store::sites(&mut c).await?;
    Ok(all
        .into_iter()
        .filter(|s| visible(actor, s.id))
        .map(SiteView::from)
        .collect())
}

/// A site's name, zone and address are known to staff and to everyone who
/// holds a role there (a tenant's portal, a vendor: their frame shows it).
fn visible(actor: &Actor, id: i64) -> bool {
    actor.can(Action::SitesRead, id)
        || actor.can(Action::SitesManage, id)
        || actor.roles_at(id).next().is_some()
}

pub async fn site(app: &App, actor: &Actor, id: i64) -> AppResult<SiteView> {
    if !visible(actor, id) {
        return Err(AppError::NotFound("site"));
    }
    let mut c = app.db.read().await?;
    Ok(store::site(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("site"))?
        .into())
}

/// The site row for a use case that already authorised.
pub(crate) async fn site_row(c: &mut Conn, id: i64) -> AppResult<store::SiteRow> {
    store::site(c, id).await?.ok_or(AppError::NotFound("site"))
}

pub async fn create_site(app: &App, actor: &Actor, input: &SiteInputDto) -> AppResult<SiteView> {
    // A new site has no holders yet: only an every-site admin may make one.
    actor.authorize(Action::SitesManage, 0)?;
    let v = SiteInput::parse(
        &input.name,
        &input.code,
        input.timezone.as_deref(),
        input.address.as_deref(),
    )?;
    let v = &v;
    let row = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let id =
                    store::insert_site(w, &v.name, &v.code, &v.timezone, v.address.as_deref(), now)
                        .await
                        .map_err(dup_as("code", "another site has this code"))?;
                // The manual's shifts and emergency types, editable from here on.
                crate::desk::seed_site(w, id).await?;
                w.audit(
                    Some(id),
                    "create",
                    "site",
                    Some(id),
                    serde_json::json!({"name": v.name, "code": v.code}),
                )
                .await?;
                let row = site_row(w, id).await?;
                Ok(row)
            })
        })
        .await?;
    Ok(row.into())
}

pub async fn update_site(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &SiteInputDto,
) -> AppResult<SiteView> {
    actor.authorize(Action::SitesManage, id)?;
    let v = SiteInput::parse(
        &input.name,
        &input.code,
        input.timezone.as_deref(),
        input.address.as_deref(),
    )?;
    let v = &v;
    let row = app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let old = site_row(w, id).await?;
            let archived = input.archived.unwrap_or(old.archived != 0);
            store::update_site(
                w,
                id,
                &v.name,
                &v.code,
                &v.timezone,
                v.address.as_deref(),
                archived,
                now,
            )
            .await
            .map_err(dup_as("code", "another site has this code"))?;
            w.audit(Some(id),
                "update",
                "site",
                Some(id),
                serde_json::json!({"name": v.name, "code": v.code, "timezone": v.timezone, "archived": archived}),
            )
            .await?;
            let row = site_row(w, id).await?;
            Ok(row)
        })
    })
    .await?;
    Ok(row.into())
}

// ---- buildings and floors ----

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BuildingView {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub archived: bool,
    pub floors: Vec<FloorView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FloorView {
    pub id: i64,
    pub building_id: i64,
    pub label: String,
    pub level: i64,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct BuildingInput {
    pub site_id: i64,
    pub name: String,
    pub archived: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct FloorInput {
    pub building_id: i64,
    /// How the floor is called: `12F`, `B1`.
    pub label: String,
    /// For ordering: 12, -1.
    pub level: i64,
}

/// Buildings of a site with their floors.
pub async fn buildings(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<BuildingView>> {
    actor.authorize(Action::SitesRead, site_id)?;
    let mut c = app.db.read().await?;
    let floors = store::floors(&mut c, site_id, None).await?;
    Ok(store::buildings(&mut c, site_id)
        .await?
        .into_iter()
        .map(|b| BuildingView {
            floors: floors
                .iter()
                .filter(|f| f.building_id == b.id)
                .map(|f| FloorView {
                    id: f.id,
                    building_id: f.building_id,
                    label: f.label.clone(),
                    level: f.level,
                })
                .collect(),
            id: b.id,
            site_id: b.site_id,
            name: b.name,
            archived: b.archived != 0,
        })
        .collect())
}

pub async fn create_building(app: &App, actor: &Actor, input: &BuildingInput) -> AppResult<i64> {
    actor.authorize(Action::SitesManage, input.site_id)?;
    let name = required_text("name", &input.name, 50)?;
    let name = &name;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                site_row(w, input.site_id).await?;
                let id = store::insert_building(w, input.site_id, name, now)
                    .await
                    .map_err(dup_as(
                        "name",
                        "this site already has a building of that name",
                    ))?;
                w.audit(
                    Some(input.site_id),
                    "create",
                    "building",
                    Some(id),
                    serde_json::json!({"name": name}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    Ok(id)
}

pub async fn update_building(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &BuildingInput,
) -> AppResult<()> {
    let name = required_text("name", &input.name, 50)?;
    let name = &name;
    app.write(actor, |w| {
        Box::pin(async move {
            let b = store::building(w, id)
                .await?
                .ok_or(AppError::NotFound("building"))?;
            actor.authorize(Action::SitesManage, b.site_id)?;
            let archived = input.archived.unwrap_or(b.archived != 0);
            store::rename_building(w, id, name, archived)
                .await
                .map_err(dup_as(
                    "name",
                    "this site already has a building of that name",
                ))?;
            w.audit(
                Some(b.site_id),
                "update",
                "building",
                Some(id),
                serde_json::json!({"name": name, "archived": archived}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    Ok(())
}

pub async fn create_floor(app: &App, actor: &Actor, input: &FloorInput) -> AppResult<i64> {
    let label = required_text("label", &input.label, 16)?;
    if !(-20..=300).contains(&input.level) {
        return Err(AppError::invalid(
            "level",
            "level must be between -20 and 300",
        ));
    }
    let label = &label;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let b = store::building(w, input.building_id)
                    .await?
                    .ok_or_else(|| AppError::invalid("building_id", "no such building"))?;
                actor.authorize(Action::SitesManage, b.site_id)?;
                let id = store::insert_floor(w, b.site_id, b.id, label, input.level, now)
                    .await
                    .map_err(dup_as(
                        "label",
                        "this building already has a floor with that label",
                    ))?;
                w.audit(
                    Some(b.site_id),
                    "create",
                    "floor",
                    Some(id),
                    serde_json::json!({"label": label, "building_id": b.id}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    Ok(id)
}

// ---- units ----

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitView {
    pub id: i64,
    pub site_id: i64,
    pub building_id: i64,
    pub building: String,
    pub floor_id: i64,
    pub floor: String,
    pub number: String,
    pub area_m2: f64,
    pub status: UnitStatus,
    /// When the unit last became vacant (for the vacant-unit report).
    pub vacant_since: Option<String>,
    pub note: Option<String>,
    pub archived: bool,
    pub version: i64,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub updated_at: String,
}

impl From<UnitRow> for UnitView {
    fn from(u: UnitRow) -> Self {
        Self {
            id: u.id,
            site_id: u.site_id,
            building_id: u.building_id,
            building: u.building_name,
            floor_id: u.floor_id,
            floor: u.floor_label,
            number: u.number,
            area_m2: u.area_m2,
            status: u.status.parse().unwrap_or(UnitStatus::Vacant),
            vacant_since: time::rfc3339_opt(u.vacant_since),
            note: u.note,
            archived: u.archived != 0,
            version: u.version,
            tenant_id: u.tenant_id,
            tenant_name: u.tenant_name,
            updated_at: time::rfc3339(u.updated_at),
        }
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct UnitInput {
    pub floor_id: i64,
    pub number: String,
    pub area_m2: f64,
    /// vacant when absent.
    pub status: Option<UnitStatus>,
    pub note: Option<String>,
    pub archived: Option<bool>,
    /// On update: the version you read; 409 `version_conflict` if it moved.
    pub expected_version: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct UnitQuery {
    pub site_id: i64,
    pub status: Option<String>,
    pub building_id: Option<i64>,
    pub floor_id: Option<i64>,
    /// Part of a unit number.
    pub q: Option<String>,
    pub include_archived: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub async fn units(app: &App, actor: &Actor, q: &UnitQuery) -> AppResult<Page<UnitView>> {
    actor.authorize(Action::UnitsRead, q.site_id)?;
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(s.parse::<UnitStatus>()?),
        None => None,
    };
    let limit = page::limit(q.limit)?;
    let cursor = page::decode(q.cursor.as_deref())?;
    let mut c = app.db.read().await?;
    let rows = store::units(
        &mut c,
        &UnitFilter {
            site_id: q.site_id,
            status: status.map(UnitStatus::as_str),
            building_id: q.building_id,
            floor_id: q.floor_id,
            q: q.q.as_deref().map(str::trim).filter(|s| !s.is_empty()),
            include_archived: q.include_archived.unwrap_or(false),
        },
        cursor.as_ref().map(|(k, id)| (k.as_str(), *id)),
        limit + 1,
    )
    .await?;
    Ok(page::finish(
        rows,
        limit,
        |u| (u.sort_key.clone(), u.id),
        UnitView::from,
    ))
}

pub async fn unit(app: &App, actor: &Actor, id: i64) -> AppResult<UnitView> {
    let mut c = app.db.read().await?;
    let u = store::unit(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("unit"))?;
    if !actor.can(Action::UnitsRead, u.site_id) {
        return Err(AppError::NotFound("unit"));
    }
    Ok(u.into())
}

/// Finds a unit by its number as typed at the desk (`1203`, `a-1203`).
pub async fn unit_by_number(
    app: &App,
    actor: &Actor,
    site_id: i64,
    number: &str,
) -> AppResult<Option<UnitView>> {
    actor.authorize(Action::UnitsRead, site_id)?;
    let n = UnitNumber::parse("number", number)?;
    let mut c = app.db.read().await?;
    Ok(store::unit_by_number(&mut c, site_id, n.as_str())
        .await?
        .map(Into::into))
}

struct ParsedUnit {
    number: String,
    area: f64,
    status: UnitStatus,
    note: Option<String>,
}

fn parse_unit(input: &UnitInput) -> AppResult<ParsedUnit> {
    Ok(ParsedUnit {
        number: UnitNumber::parse("number", &input.number)?.into_inner(),
        area: parse_area("area_m2", input.area_m2)?,
        status: input.status.unwrap_or(UnitStatus::Vacant),
        note: lobby_domain::error::optional_text("note", input.note.as_deref(), 500)?,
    })
}

pub async fn create_unit(app: &App, actor: &Actor, input: &UnitInput) -> AppResult<UnitView> {
    let p = parse_unit(input)?;
    let p = &p;
    let u = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let floor = store::floor(w, input.floor_id)
                    .await?
                    .ok_or_else(|| AppError::invalid("floor_id", "no such floor"))?;
                actor.authorize(Action::UnitsManage, floor.site_id)?;
                let id = store::insert_unit(
                    w,
                    floor.site_id,
                    &UnitValues {
                        floor_id: floor.id,
                        number: &p.number,
                        area_m2: p.area,
                        status: p.status.as_str(),
                        vacant_since: (p.status == UnitStatus::Vacant).then_some(now),
                        note: p.note.as_deref(),
                        archived: input.archived.unwrap_or(false),
                    },
                    now,
                )
                .await
                .map_err(dup_as(
                    "number",
                    "this site already has a unit with that number",
                ))?;
                w.audit(
                    Some(floor.site_id),
                    "create",
                    "unit",
                    Some(id),
                    serde_json::json!({"number": p.number, "area_m2": p.area, "status": p.status}),
                )
                .await?;
                let u = store::unit(w, id)
                    .await?
                    .ok_or(AppError::NotFound("unit"))?;
                Ok(u)
            })
        })
        .await?;
    Ok(u.into())
}

pub async fn update_unit(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &UnitInput,
) -> AppResult<UnitView> {
    let p = parse_unit(input)?;
    let p = &p;
    let u = app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let old = store::unit(w, id)
                .await?
                .ok_or(AppError::NotFound("unit"))?;
            actor.authorize(Action::UnitsManage, old.site_id)?;
            let floor = store::floor(w, input.floor_id)
                .await?
                .filter(|f| f.site_id == old.site_id)
                .ok_or_else(|| AppError::invalid("floor_id", "no such floor at this site"))?;
            let version = input.expected_version.unwrap_or(old.version);
            let vacant_since = match (
                old.status == UnitStatus::Vacant.as_str(),
                p.status == UnitStatus::Vacant,
            ) {
                (true, true) => old.vacant_since,
                (false, true) => Some(now),
                (_, false) => None,
            };
            let updated = store::update_unit(
                w,
                id,
                version,
                &UnitValues {
                    floor_id: floor.id,
                    number: &p.number,
                    area_m2: p.area,
                    status: p.status.as_str(),
                    vacant_since,
                    note: p.note.as_deref(),
                    archived: input.archived.unwrap_or(old.archived != 0),
                },
                now,
            )
            .await
            .map_err(dup_as(
                "number",
                "this site already has a unit with that number",
            ))?;
            if !updated {
                return Err(AppError::VersionConflict);
            }
            w.audit(Some(old.site_id),
                "update",
                "unit",
                Some(id),
                serde_json::json!({"number": p.number, "area_m2": p.area, "status": p.status, "was": old.status}),
            )
            .await?;
            let u = store::unit(w, id)
                .await?
                .ok_or(AppError::NotFound("unit"))?;
            Ok(u)
        })
    })
    .await?;
    Ok(u.into())
}

/// Sets a unit's status inside another use case's transaction (occupancy
/// changes), keeping `vacant_since` right.
pub(crate) async fn set_unit_status(
    c: &mut Conn,
    unit: &UnitRow,
    status: UnitStatus,
    now: i64,
) -> AppResult<()> {
    if unit.status == status.as_str() {
        return Ok(());
    }
    let updated = store::update_unit(
        c,
        unit.id,
        unit.version,
        &UnitValues {
            floor_id: unit.floor_id,
            number: &unit.number,
            area_m2: unit.area_m2,
            status: status.as_str(),
            vacant_since: (status == UnitStatus::Vacant).then_some(now),
            note: unit.note.as_deref(),
            archived: unit.archived != 0,
        },
        now,
    )
    .await?;
    if updated {
        Ok(())
    } else {
        Err(AppError::VersionConflict)
    }
}

// ---- public areas ----

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicAreaView {
    pub id: i64,
    pub site_id: i64,
    pub building_id: Option<i64>,
    pub floor_id: Option<i64>,
    pub name: String,
    /// lobby, corridor, lift, stairs, garage, garden, washroom, roof, other
    pub kind: String,
    pub archived: bool,
}

pub const AREA_KINDS: [&str; 9] = [
    "lobby", "corridor", "lift", "stairs", "garage", "garden", "washroom", "roof", "other",
];

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PublicAreaInput {
    pub site_id: i64,
    pub building_id: Option<i64>,
    pub floor_id: Option<i64>,
    pub name: String,
    pub kind: String,
    pub archived: Option<bool>,
}

impl From<store::PublicAreaRow> for PublicAreaView {
    fn from(a: store::PublicAreaRow) -> Self {
        Self {
            id: a.id,
            site_id: a.site_id,
            building_id: a.building_id,
            floor_id: a.floor_id,
            name: a.name,
            kind: a.kind,
            archived: a.archived != 0,
        }
    }
}

pub async fn public_areas(
    app: &App,
    actor: &Actor,
    site_id: i64,
) -> AppResult<Vec<PublicAreaView>> {
    actor.authorize(Action::SitesRead, site_id)?;
    let mut c = app.db.read().await?;
    Ok(store::public_areas(&mut c, site_id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

async fn check_area(c: &mut Conn, input: &PublicAreaInput) -> AppResult<(String, String)> {
    let name = required_text("name", &input.name, 60)?;
    if !AREA_KINDS.contains(&input.kind.as_str()) {
        return Err(AppError::invalid(
            "kind",
            format!("kind must be one of {}", AREA_KINDS.join(", ")),
        ));
    }
    if let Some(b) = input.building_id {
        store::building(c, b)
            .await?
            .filter(|b| b.site_id == input.site_id)
            .ok_or_else(|| AppError::invalid("building_id", "no such building at this site"))?;
    }
    if let Some(f) = input.floor_id {
        store::floor(c, f)
            .await?
            .filter(|f| f.site_id == input.site_id)
            .ok_or_else(|| AppError::invalid("floor_id", "no such floor at this site"))?;
    }
    Ok((name, input.kind.clone()))
}

pub async fn create_public_area(
    app: &App,
    actor: &Actor,
    input: &PublicAreaInput,
) -> AppResult<PublicAreaView> {
    actor.authorize(Action::SitesManage, input.site_id)?;
    let a = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                site_row(w, input.site_id).await?;
                let (name, kind) = check_area(w, input).await?;
                let id = store::insert_public_area(
                    w,
                    input.site_id,
                    input.building_id,
                    input.floor_id,
                    &name,
                    &kind,
                    now,
                )
                .await
                .map_err(dup_as(
                    "name",
                    "this site already has a public area of that name",
                ))?;
                w.audit(
                    Some(input.site_id),
                    "create",
                    "public_area",
                    Some(id),
                    serde_json::json!({"name": name, "kind": kind}),
                )
                .await?;
                let a = store::public_area(w, id)
                    .await?
                    .ok_or(AppError::NotFound("public area"))?;
                Ok(a)
            })
        })
        .await?;
    Ok(a.into())
}

pub async fn update_public_area(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &PublicAreaInput,
) -> AppResult<PublicAreaView> {
    let a = app
        .write(actor, |w| {
            Box::pin(async move {
                let old = store::public_area(w, id)
                    .await?
                    .ok_or(AppError::NotFound("public area"))?;
                actor.authorize(Action::SitesManage, old.site_id)?;
                if input.site_id != old.site_id {
                    return Err(AppError::invalid(
                        "site_id",
                        "a public area cannot move to another site",
                    ));
                }
                let (name, kind) = check_area(w, input).await?;
                let archived = input.archived.unwrap_or(old.archived != 0);
                store::update_public_area(
                    w,
                    id,
                    input.building_id,
                    input.floor_id,
                    &name,
                    &kind,
                    archived,
                )
                .await
                .map_err(dup_as(
                    "name",
                    "this site already has a public area of that name",
                ))?;
                w.audit(
                    Some(old.site_id),
                    "update",
                    "public_area",
                    Some(id),
                    serde_json::json!({"name": name, "kind": kind, "archived": archived}),
                )
                .await?;
                let a = store::public_area(w, id)
                    .await?
                    .ok_or(AppError::NotFound("public area"))?;
                Ok(a)
            })
        })
        .await?;
    Ok(a.into())
}

// ---- the vacant-unit report (空置单元资料) ----

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VacantRow {
    pub unit: UnitView,
    /// Whole days since the unit became vacant, in the site's zone.
    pub days_vacant: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VacantReport {
    pub site: SiteView,
    /// The day the report is for, in the site's zone.
    pub as_of: String,
    pub rows: Vec<VacantRow>,
    pub vacant_units: i64,
    pub vacant_area_m2: f64,
    pub total_units: i64,
    pub total_area_m2: f64,
    /// Vacant area as a share of all area, in percent with one decimal.
    pub vacancy_rate_pct: f64,
    pub renovating_units: i64,
}

pub async fn vacant_report(app: &App, actor: &Actor, site_id: i64) -> AppResult<VacantReport> {
    actor.authorize(Action::VacantReport, site_id)?;
    let mut c = app.db.read().await?;
    let site = site_row(&mut c, site_id).await?;
    let today = time::local_date(app.now(), &site.timezone);
    let mut rows = Vec::new();
    let mut after: Option<(String, i64)> = None;
    loop {
        let chunk = store::units(
            &mut c,
            &UnitFilter {
                site_id,
                status: Some("vacant"),
                building_id: None,
                floor_id: None,
                q: None,
                include_archived: false,
            },
            after.as_ref().map(|(k, i)| (k.as_str(), *i)),
            500,
        )
        .await?;
        let Some(last) = chunk.last() else { break };
        after = Some((last.sort_key.clone(), last.id));
        let n = chunk.len();
        for u in chunk {
            let days = u
                .vacant_since
                .map(|v| (today - time::local_date(v, &site.timezone)).get_days() as i64);
            rows.push(VacantRow {
                unit: u.into(),
                days_vacant: days,
            });
        }
        if n < 500 {
            break;
        }
    }
    let counts = store::unit_counts(&mut c, site_id).await?;
    let total_units = counts.iter().map(|s| s.n).sum();
    let total_area: f64 = counts.iter().map(|s| s.area).sum();
    let vacant_area: f64 = rows.iter().map(|r| r.unit.area_m2).sum();
    let renovating = counts
        .iter()
        .find(|s| s.status == "renovating")
        .map(|s| s.n)
        .unwrap_or(0);
    Ok(VacantReport {
        as_of: today.to_string(),
        vacant_units: rows.len() as i64,
        vacant_area_m2: (vacant_area * 100.0).round() / 100.0,
        total_units,
        total_area_m2: (total_area * 100.0).round() / 100.0,
        vacancy_rate_pct: if total_area > 0.0 {
            (vacant_area / total_area * 1000.0).round() / 10.0
        } else {
            0.0
        },
        renovating_units: renovating,
        site: site.into(),
        rows,
    })
}

/// The report as an XLSX workbook, headers in Chinese (the form the
/// manager files).
pub fn vacant_report_xlsx(r: &VacantReport) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("空置单元").map_err(xl)?;
    let bold = Format::new().set_bold();
    ws.write_string_with_format(
        0,
        0,
        format!("{} 空置单元资料 {}", r.site.name, r.as_of),
        &bold,
    )
    .map_err(xl)?;
    let headers = [
        "单元",
        "楼栋",
        "楼层",
        "面积(m²)",
        "空置起始",
        "空置天数",
        "备注",
    ];
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(2, i as u16, *h, &bold)
            .map_err(xl)?;
    }
    for (i, row) in r.rows.iter().enumerate() {
        let n = 3 + i as u32;
        let u = &row.unit;
        ws.write_string(n, 0, &u.number).map_err(xl)?;
        ws.write_string(n, 1, &u.building).map_err(xl)?;
        ws.write_string(n, 2, &u.floor).map_err(xl)?;
        ws.write_number(n, 3, u.area_m2).map_err(xl)?;
        if let Some(v) = &u.vacant_since {
            ws.write_string(n, 4, v.get(..10).unwrap_or(v))
                .map_err(xl)?;
        }
        if let Some(d) = row.days_vacant {
            ws.write_number(n, 5, d as f64).map_err(xl)?;
        }
        ws.write_string(n, 6, u.note.as_deref().unwrap_or(""))
            .map_err(xl)?;
    }
    let t = 4 + r.rows.len() as u32;
    ws.write_string_with_format(t, 0, "合计", &bold)
        .map_err(xl)?;
    ws.write_number(t, 1, r.vacant_units as f64).map_err(xl)?;
    ws.write_number(t, 3, r.vacant_area_m2).map_err(xl)?;
    ws.write_string(
        t + 1,
        0,
        format!(
            "空置率 {}% (全部 {} 个单元, {} m²)",
            r.vacancy_rate_pct, r.total_units, r.total_area_m2
        ),
    )
    .map_err(xl)?;
    ws.set_column_width(0, 12).map_err(xl)?;
    ws.set_column_width(4, 14).map_err(xl)?;
    ws.set_column_width(6, 30).map_err(xl)?;
    wb.save_to_buffer().map_err(xl)
}

/// (vacant, occupied, renovating, tenants) of a site, for home pages; the
/// caller has checked the actor may read units.
pub async fn vacant_report_counts(app: &App, site_id: i64) -> AppResult<(i64, i64, i64, i64)> {
    let mut c = app.db.read().await?;
    let counts = store::unit_counts(&mut c, site_id).await?;
    let n = |s: &str| {
        counts
            .iter()
            .find(|x| x.status == s)
            .map(|x| x.n)
            .unwrap_or(0)
    };
    let tenants = lobby_store::tenants::count_active(&mut c, site_id).await?;
    Ok((n("vacant"), n("occupied"), n("renovating"), tenants))
}
