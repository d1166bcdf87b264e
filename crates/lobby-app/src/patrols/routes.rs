//! Routes
//!
//! Part of `patrols`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemView {
    pub id: i64,
    pub position: i64,
    /// clean | safety | engineering | other
    pub category: Category,
    pub instruction: String,
    pub archived: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckpointView {
    pub id: i64,
    pub route_id: i64,
    pub position: i64,
    pub name: String,
    pub location: String,
    pub archived: bool,
    pub items: Vec<ItemView>,
}

/// A checkpoint's printed label: the secret its QR code carries. Only those
/// who manage routes (admin, project manager, supervisor) get it, to print
/// it; every other reader of a route sees no token, since the token is
/// what proves a walker stood at the checkpoint.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckpointLabel {
    pub checkpoint_id: i64,
    pub name: String,
    pub location: String,
    pub archived: bool,
    /// The path its QR code opens (`/patrol/c/{token}`); opening it proves presence.
    pub qr_path: String,
    /// The secret in the QR code (send it back as `scan_token`).
    pub token: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RouteView {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    /// customer_service | security | …
    pub department: Department,
    /// Daily windows in the site's zone, e.g. `09:00–11:30, 14:00–17:00`.
    pub windows: String,
    pub archived: bool,
    /// In walking order.
    pub checkpoints: Vec<CheckpointView>,
}

pub(super) fn item_view(i: &ItemRow) -> ItemView {
    ItemView {
        id: i.id,
        position: i.position,
        category: i.category,
        instruction: i.instruction.clone(),
        archived: i.archived != 0,
    }
}

pub(super) fn checkpoint_view(cp: &CheckpointRow, items: &[ItemRow]) -> CheckpointView {
    CheckpointView {
        id: cp.id,
        route_id: cp.route_id,
        position: cp.position,
        name: cp.name.clone(),
        location: cp.location.clone(),
        archived: cp.archived != 0,
        items: items
            .iter()
            .filter(|i| i.checkpoint_id == cp.id)
            .map(item_view)
            .collect(),
    }
}

pub(super) async fn route_views(
    c: &mut Conn,
    routes: Vec<store::RouteRow>,
) -> AppResult<Vec<RouteView>> {
    let ids: Vec<i64> = routes.iter().map(|r| r.id).collect();
    let cps = store::checkpoints(c, &ids).await?;
    let cp_ids: Vec<i64> = cps.iter().map(|c| c.id).collect();
    let items = store::items(c, &cp_ids).await?;
    routes
        .into_iter()
        .map(|r| -> AppResult<RouteView> {
            let windows = format_windows(&super::plan::windows_of(&r)?);
            Ok(RouteView {
                id: r.id,
                site_id: r.site_id,
                name: r.name,
                department: r.department,
                windows,
                archived: r.archived != 0,
                checkpoints: cps
                    .iter()
                    .filter(|c| c.route_id == r.id)
                    .map(|c| checkpoint_view(c, &items))
                    .collect(),
            })
        })
        .collect()
}

pub async fn routes(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<RouteView>> {
    actor.authorize(Can::PatrolsRead, site_id)?;
    let mut c = app.db.read().await?;
    let rows = store::routes(&mut c, site_id).await?;
    route_views(&mut c, rows).await
}

pub(super) async fn load_route(c: &mut Conn, actor: &Actor, id: i64) -> AppResult<RouteView> {
    let r = store::route(c, id)
        .await?
        .ok_or(AppError::NotFound("route"))?;
    if !actor.can(Can::PatrolsRead, r.site_id) {
        return Err(AppError::NotFound("route"));
    }
    route_views(c, vec![r])
        .await?
        .pop()
        .ok_or(AppError::NotFound("route"))
}

pub async fn route(app: &App, actor: &Actor, id: i64) -> AppResult<RouteView> {
    let mut c = app.db.read().await?;
    load_route(&mut c, actor, id).await
}

/// The labels of a route's checkpoints, with their QR secrets, in walking
/// order: for printing, by those who manage routes.
pub async fn labels(app: &App, actor: &Actor, route_id: i64) -> AppResult<Vec<CheckpointLabel>> {
    let mut c = app.db.read().await?;
    let r = store::route(&mut c, route_id)
        .await?
        .filter(|r| actor.can(Can::PatrolsRead, r.site_id))
        .ok_or(AppError::NotFound("route"))?;
    actor.authorize(Can::PatrolsManage, r.site_id)?;
    Ok(store::checkpoints(&mut c, &[r.id])
        .await?
        .into_iter()
        .map(|cp| CheckpointLabel {
            checkpoint_id: cp.id,
            qr_path: format!("/patrol/c/{}", cp.token),
            name: cp.name,
            location: cp.location,
            archived: cp.archived != 0,
            token: cp.token,
        })
        .collect())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RouteInput {
    pub site_id: Option<i64>,
    pub name: String,
    /// customer_service when absent or `""`.
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    pub department: Option<Department>,
    /// `09:00-11:30, 14:00-17:00`; the department's default when absent.
    pub windows: Option<String>,
    #[serde(default)]
    pub archived: bool,
}

pub(super) fn route_values(i: &RouteInput) -> AppResult<(String, Department, String)> {
    let name = required_text("name", &i.name, 60)?;
    let dept = i.department.unwrap_or(Department::CustomerService);
    let windows = match i.windows.as_deref().filter(|w| !w.trim().is_empty()) {
        Some(w) => parse_windows(w)?,
        None => parse_windows(default_windows(dept))?,
    };
    Ok((name, dept, format_windows(&windows)))
}

pub async fn create_route(app: &App, actor: &Actor, input: &RouteInput) -> AppResult<RouteView> {
    let site_id = crate::scope::site_of(actor, input.site_id)?;
    actor.authorize(Can::PatrolsManage, site_id)?;
    let (name, dept, windows) = route_values(input)?;
    let windows = &windows;
    let name = &name;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                crate::scope::site_row(w, site_id).await?;
                let id = store::insert_route(w, site_id, name, dept.as_str(), windows, now).await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "patrol_route",
                    Some(id),
                    serde_json::json!({"name": name, "department": dept, "windows": windows}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    route(app, actor, id).await
}

pub async fn update_route(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &RouteInput,
) -> AppResult<RouteView> {
    let (name, dept, windows) = route_values(input)?;
    let windows = &windows;
    let name = &name;
    app.write(actor, |w| {
        Box::pin(async move {
            let r = load_route(w, actor, id).await?;
            actor.authorize(Can::PatrolsManage, r.site_id)?;
            store::update_route(w, id, name, dept.as_str(), windows, input.archived).await?;
            w.audit(Some(r.site_id), "update", "patrol_route", Some(id), serde_json::json!({"name": name, "department": dept, "windows": windows, "archived": input.archived})).await?;
            Ok(())
        })
    })
    .await?;
    route(app, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CheckpointInput {
    pub name: String,
    /// Where it is: "1F 大堂", "B1 车库入口".
    pub location: String,
    /// Walking order (kept when absent).
    pub position: Option<i64>,
    #[serde(default)]
    pub archived: bool,
}

pub async fn add_checkpoint(
    app: &App,
    actor: &Actor,
    route_id: i64,
    input: &CheckpointInput,
) -> AppResult<RouteView> {
    let name = required_text("name", &input.name, 60)?;
    let location = required_text("location", &input.location, 120)?;
    let name = &name;
    let location = &location;
    app.write(actor, |w| {
        Box::pin(async move {
            let r = load_route(w, actor, route_id).await?;
            actor.authorize(Can::PatrolsManage, r.site_id)?;
            let token = hex::encode(rand::thread_rng().gen::<[u8; 16]>());
            let id = store::insert_checkpoint(w, route_id, name, location, &token).await?;
            w.audit(
                Some(r.site_id),
                "create",
                "patrol_checkpoint",
                Some(id),
                serde_json::json!({"route_id": route_id, "name": name}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    route(app, actor, route_id).await
}

pub async fn update_checkpoint(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &CheckpointInput,
) -> AppResult<RouteView> {
    let name = required_text("name", &input.name, 60)?;
    let location = required_text("location", &input.location, 120)?;
    let name = &name;
    let location = &location;
    let cp = app
        .write(actor, |w| {
            Box::pin(async move {
                let cp = store::checkpoint(w, id)
                    .await?
                    .ok_or(AppError::NotFound("checkpoint"))?;
                let r = load_route(w, actor, cp.route_id).await?;
                actor.authorize(Can::PatrolsManage, r.site_id)?;
                let position = input.position.unwrap_or(cp.position);
                if !(1..=500).contains(&position) {
                    return Err(AppError::invalid(
                        "position",
                        "position must be between 1 and 500",
                    ));
                }
                store::update_checkpoint(w, id, position, name, location, input.archived).await?;
                w.audit(Some(r.site_id),
                "update",
                "patrol_checkpoint",
                Some(id),
                serde_json::json!({"name": name, "position": position, "archived": input.archived}),
            )
            .await?;
                Ok(cp)
            })
        })
        .await?;
    route(app, actor, cp.route_id).await
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ItemInput {
    pub category: Category,
    /// What to look at: "地面无积水、无垃圾".
    pub instruction: String,
    #[serde(default)]
    pub archived: bool,
}

pub async fn add_item(
    app: &App,
    actor: &Actor,
    checkpoint_id: i64,
    input: &ItemInput,
) -> AppResult<RouteView> {
    let category = input.category;
    let instruction = required_text("instruction", &input.instruction, 200)?;
    let instruction = &instruction;
    let cp = app
        .write(actor, |w| {
            Box::pin(async move {
                let cp = store::checkpoint(w, checkpoint_id)
                    .await?
                    .ok_or(AppError::NotFound("checkpoint"))?;
                let r = load_route(w, actor, cp.route_id).await?;
                actor.authorize(Can::PatrolsManage, r.site_id)?;
                let id =
                    store::insert_item(w, checkpoint_id, category.as_str(), instruction).await?;
                w.audit(
                    Some(r.site_id),
                    "create",
                    "patrol_item",
                    Some(id),
                    serde_json::json!({"checkpoint_id": checkpoint_id, "category": category}),
                )
                .await?;
                Ok(cp)
            })
        })
        .await?;
    route(app, actor, cp.route_id).await
}

pub async fn update_item(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &ItemInput,
) -> AppResult<RouteView> {
    let category = input.category;
    let instruction = required_text("instruction", &input.instruction, 200)?;
    let instruction = &instruction;
    let cp = app
        .write(actor, |w| {
            Box::pin(async move {
                let it = store::item(w, id)
                    .await?
                    .ok_or(AppError::NotFound("item"))?;
                let cp = store::checkpoint(w, it.checkpoint_id)
                    .await?
                    .ok_or(AppError::NotFound("checkpoint"))?;
                let r = load_route(w, actor, cp.route_id).await?;
                actor.authorize(Can::PatrolsManage, r.site_id)?;
                store::update_item(w, id, category.as_str(), instruction, input.archived).await?;
                w.audit(
                    Some(r.site_id),
                    "update",
                    "patrol_item",
                    Some(id),
                    serde_json::json!({"archived": input.archived}),
                )
                .await?;
                Ok(cp)
            })
        })
        .await?;
    route(app, actor, cp.route_id).await
}

/// The checkpoint a QR code names, with its route (a scan).
pub async fn checkpoint_by_token(
    app: &App,
    actor: &Actor,
    token: &str,
) -> AppResult<(RouteView, i64)> {
    let mut c = app.db.read().await?;
    let cp = store::checkpoint_by_token(&mut c, token.trim())
        .await?
        .ok_or(AppError::NotFound("checkpoint"))?;
    let r = load_route(&mut c, actor, cp.route_id).await?;
    Ok((r, cp.id))
}
