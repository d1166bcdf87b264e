//! Part of `sites`; shares its imports.

#[allow(unused_imports)]
use super::*;

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
            status: u.status,
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

pub(super) struct ParsedUnit {
    number: String,
    area: f64,
    status: UnitStatus,
    note: Option<String>,
}

pub(super) fn parse_unit(input: &UnitInput) -> AppResult<ParsedUnit> {
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
                old.status == UnitStatus::Vacant,
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
    if unit.status == status {
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
