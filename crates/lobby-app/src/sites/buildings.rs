//! Part of `sites`; shares its imports.

#[allow(unused_imports)]
use super::*;

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
                crate::scope::site_row(w, input.site_id).await?;
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
