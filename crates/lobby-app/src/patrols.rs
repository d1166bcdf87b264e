//! Patrols (巡视): routes of checkpoints with check items and daily
//! windows; rounds walked on a phone, one checkpoint at a time (each result
//! sent on its own, safe to retry); findings that become work orders (or
//! add to the open one for the same problem); missed windows; coverage.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use lobby_domain::error::{optional_text, required_text};
use lobby_domain::patrols::{
    covered, default_windows, format_windows, parse_windows, Category, RoundSpan, Window,
};
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_domain::tickets::Department;
use lobby_store::patrols::{self as store, CheckpointRow, ItemRow, RoundRow};
use lobby_store::{Conn, Tx};
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::page::{self, Page};
use crate::tickets::{ActionInput, NewTicketInput};
use crate::{audit, notify, time, Actor, App, AppError, AppResult};

// ======================================================================
// Routes
// ======================================================================

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

fn item_view(i: &ItemRow) -> ItemView {
    ItemView {
        id: i.id,
        position: i.position,
        category: i.category.parse().unwrap_or(Category::Other),
        instruction: i.instruction.clone(),
        archived: i.archived != 0,
    }
}

fn checkpoint_view(cp: &CheckpointRow, items: &[ItemRow]) -> CheckpointView {
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

async fn route_views(c: &mut Conn, routes: Vec<store::RouteRow>) -> AppResult<Vec<RouteView>> {
    let ids: Vec<i64> = routes.iter().map(|r| r.id).collect();
    let cps = store::checkpoints(c, &ids).await?;
    let cp_ids: Vec<i64> = cps.iter().map(|c| c.id).collect();
    let items = store::items(c, &cp_ids).await?;
    Ok(routes
        .into_iter()
        .map(|r| RouteView {
            id: r.id,
            site_id: r.site_id,
            name: r.name,
            department: r.department.parse().unwrap_or(Department::CustomerService),
            windows: parse_windows(&r.windows)
                .map(|w| format_windows(&w))
                .unwrap_or(r.windows),
            archived: r.archived != 0,
            checkpoints: cps
                .iter()
                .filter(|c| c.route_id == r.id)
                .map(|c| checkpoint_view(c, &items))
                .collect(),
        })
        .collect())
}

pub async fn routes(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<RouteView>> {
    actor.authorize(Can::PatrolsRead, site_id)?;
    let mut c = app.db.read().await?;
    let rows = store::routes(&mut c, site_id).await?;
    route_views(&mut c, rows).await
}

async fn load_route(c: &mut Conn, actor: &Actor, id: i64) -> AppResult<RouteView> {
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
    /// customer_service | security | … (customer_service when absent)
    pub department: Option<String>,
    /// `09:00-11:30, 14:00-17:00`; the department's default when absent.
    pub windows: Option<String>,
    #[serde(default)]
    pub archived: bool,
}

fn route_values(i: &RouteInput) -> AppResult<(String, Department, String)> {
    let name = required_text("name", &i.name, 60)?;
    let dept: Department = match i.department.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => d
            .parse()
            .map_err(|e: lobby_domain::FieldError| AppError::Invalid {
                field: "department".into(),
                message: e.message,
            })?,
        None => Department::CustomerService,
    };
    let windows = match i.windows.as_deref().filter(|w| !w.trim().is_empty()) {
        Some(w) => parse_windows(w)?,
        None => parse_windows(default_windows(dept))?,
    };
    Ok((name, dept, format_windows(&windows)))
}

pub async fn create_route(app: &App, actor: &Actor, input: &RouteInput) -> AppResult<RouteView> {
    let site_id = crate::desk::site_of(actor, input.site_id)?;
    actor.authorize(Can::PatrolsManage, site_id)?;
    let (name, dept, windows) = route_values(input)?;
    let windows = &windows;
    let name = &name;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                crate::sites::site_row(w, site_id).await?;
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

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ItemInput {
    /// clean | safety | engineering | other
    pub category: String,
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
    let category: Category = input.category.parse()?;
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
    let category: Category = input.category.parse()?;
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

// ======================================================================
// Rounds
// ======================================================================

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemResultView {
    pub item_id: i64,
    pub category: Category,
    pub instruction: String,
    pub ok: bool,
    pub note: Option<String>,
    /// The work order the finding became or was added to (after finish).
    pub ticket_id: Option<i64>,
    pub ticket_number: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundCheckpointView {
    pub checkpoint_id: i64,
    pub position: i64,
    pub name: String,
    pub location: String,
    /// Recorded in this round (null: not yet, or skipped).
    pub recorded_at: Option<String>,
    pub recorded_by: Option<String>,
    /// When its QR code was opened; null with `recorded_at` set: recorded without a scan.
    pub scanned_at: Option<String>,
    pub note: Option<String>,
    pub photos: i64,
    pub items: Vec<ItemResultView>,
    /// The check items to record (for a checkpoint not yet recorded).
    pub to_check: Vec<ItemView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundView {
    pub id: i64,
    pub site_id: i64,
    pub route_id: i64,
    pub route_name: String,
    pub department: Department,
    pub walker: String,
    pub walker_id: Option<i64>,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// in_progress | finished | partial (finished with checkpoints left out)
    pub state: String,
    pub checkpoints_done: i64,
    pub checkpoints_total: i64,
    pub findings: i64,
    /// Minutes from start to finish.
    pub minutes: Option<i64>,
    pub checkpoints: Vec<RoundCheckpointView>,
}

fn round_state(r: &RoundRow) -> &'static str {
    match r.finished_at {
        None => "in_progress",
        Some(_) if r.checkpoints_done < r.checkpoints_total => "partial",
        Some(_) => "finished",
    }
}

fn round_summary(r: RoundRow) -> RoundView {
    RoundView {
        id: r.id,
        site_id: r.site_id,
        route_id: r.route_id,
        department: r.department.parse().unwrap_or(Department::CustomerService),
        walker_id: r.walker_id,
        started_at: time::rfc3339(r.started_at),
        finished_at: time::rfc3339_opt(r.finished_at),
        state: round_state(&r).into(),
        minutes: r.finished_at.map(|f| (f - r.started_at) / 60_000_000),
        checkpoints_done: r.checkpoints_done,
        checkpoints_total: r.checkpoints_total,
        findings: r.findings,
        route_name: r.route_name,
        walker: r.walker_name,
        checkpoints: Vec::new(),
    }
}

async fn load_round_row(c: &mut Conn, actor: &Actor, id: i64) -> AppResult<RoundRow> {
    let r = store::round(c, id)
        .await?
        .ok_or(AppError::NotFound("round"))?;
    if !actor.can(Can::PatrolsRead, r.site_id) {
        return Err(AppError::NotFound("round"));
    }
    Ok(r)
}

async fn round_in(c: &mut Conn, actor: &Actor, id: i64) -> AppResult<RoundView> {
    let r = load_round_row(c, actor, id).await?;
    let route = store::route(c, r.route_id)
        .await?
        .ok_or(AppError::NotFound("route"))?;
    let cps = store::checkpoints(c, &[route.id]).await?;
    let cp_ids: Vec<i64> = cps.iter().map(|c| c.id).collect();
    let items = store::items(c, &cp_ids).await?;
    let results = store::results(c, id).await?;
    let item_results = store::item_results(c, id).await?;
    let photos = store::photos(c, id).await?;
    let mut v = round_summary(r);
    v.checkpoints = cps
        .iter()
        .filter_map(|cp| {
            let res = results.iter().find(|x| x.checkpoint_id == cp.id);
            // An archived checkpoint shows only where it was recorded.
            if cp.archived != 0 && res.is_none() {
                return None;
            }
            Some(RoundCheckpointView {
                checkpoint_id: cp.id,
                position: cp.position,
                name: cp.name.clone(),
                location: cp.location.clone(),
                recorded_at: res.map(|x| time::rfc3339(x.recorded_at)),
                recorded_by: res.map(|x| x.recorded_by.clone()),
                scanned_at: res.and_then(|x| x.scanned_at).map(time::rfc3339),
                note: res.and_then(|x| x.note.clone()),
                photos: res
                    .map(|x| photos.iter().filter(|p| p.result_id == x.id).count() as i64)
                    .unwrap_or(0),
                items: res
                    .map(|x| {
                        item_results
                            .iter()
                            .filter(|ir| ir.result_id == x.id)
                            .map(|ir| {
                                let it = items.iter().find(|i| i.id == ir.item_id);
                                ItemResultView {
                                    item_id: ir.item_id,
                                    category: it
                                        .and_then(|i| i.category.parse().ok())
                                        .unwrap_or(Category::Other),
                                    instruction: it
                                        .map(|i| i.instruction.clone())
                                        .unwrap_or_default(),
                                    ok: ir.ok != 0,
                                    note: ir.note.clone(),
                                    ticket_id: ir.ticket_id,
                                    ticket_number: ir.ticket_number.clone(),
                                }
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                to_check: if res.is_none() {
                    items
                        .iter()
                        .filter(|i| i.checkpoint_id == cp.id && i.archived == 0)
                        .map(item_view)
                        .collect()
                } else {
                    Vec::new()
                },
            })
        })
        .collect();
    Ok(v)
}

pub async fn round(app: &App, actor: &Actor, id: i64) -> AppResult<RoundView> {
    let mut c = app.db.read().await?;
    round_in(&mut c, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StartInput {
    pub route_id: i64,
}

/// Starts a round of a route (one in progress per person and route: a
/// second start returns the one already being walked).
pub async fn start_round(
    app: &App,
    actor: &Actor,
    input: &StartInput,
    idempotency_key: Option<&str>,
) -> AppResult<RoundView> {
    let once = crate::Once::new(idempotency_key, "patrol_round", input);
    let id = app
        .create(actor, &once, |w| {
            Box::pin(async move {
                let now = w.now();
                let r = store::route(w, input.route_id)
                    .await?
                    .filter(|r| actor.can(Can::PatrolsRead, r.site_id))
                    .ok_or_else(|| {
                        AppError::invalid("route_id", format!("no route {}", input.route_id))
                    })?;
                actor.authorize(Can::PatrolsWalk, r.site_id)?;
                if r.archived != 0 {
                    return Err(AppError::invalid("route_id", "this route is archived"));
                }
                let open = store::rounds(
                    w,
                    &store::RoundFilter {
                        site_id: r.site_id,
                        route_id: Some(r.id),
                        walker_id: Some(actor.user_id),
                        open: Some(true),
                        from: now - 86_400_000_000,
                        to: now + 1,
                    },
                    i64::MAX,
                    1,
                )
                .await?;
                if let Some(existing) = open.first() {
                    return Ok(existing.id);
                }
                let cps = store::checkpoints(w, &[r.id]).await?;
                let total = cps.iter().filter(|c| c.archived == 0).count() as i64;
                if total == 0 {
                    return Err(AppError::invalid(
                        "route_id",
                        "this route has no checkpoints yet",
                    ));
                }
                let id = store::insert_round(
                    w,
                    r.site_id,
                    r.id,
                    (actor.audit_id(), &actor.display_name),
                    now,
                    total,
                )
                .await?;
                w.audit(
                    Some(r.site_id),
                    "create",
                    "patrol_round",
                    Some(id),
                    serde_json::json!({"route_id": r.id}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    round(app, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ItemResultInput {
    pub item_id: i64,
    pub ok: bool,
    /// Required when not ok: what is wrong.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CheckpointResultInput {
    /// One per check item of the checkpoint.
    pub results: Vec<ItemResultInput>,
    pub note: Option<String>,
    /// The token from the checkpoint's QR code: proves presence.
    pub scan_token: Option<String>,
    /// When the code was scanned (RFC 3339); now when absent.
    pub scanned_at: Option<String>,
}

/// Records one checkpoint of a round with its photos. Sent on its own and
/// safe to retry: with the same `Idempotency-Key` it returns the round as
/// the first call left it; a checkpoint already recorded is 409 `duplicate`.
pub async fn record_checkpoint(
    app: &App,
    actor: &Actor,
    round_id: i64,
    checkpoint_id: i64,
    input: &CheckpointResultInput,
    photos: &[Vec<u8>],
    idempotency_key: Option<&str>,
) -> AppResult<RoundView> {
    let note = optional_text("note", input.note.as_deref(), 1000)?;
    if photos.len() > 6 {
        return Err(AppError::invalid("file", "at most 6 photos a checkpoint"));
    }
    // Blobs are content-addressed: storing before the transaction is safe
    // to repeat and leaves nothing that matters if it fails. Who may walk
    // the round is checked before any photo is looked at.
    if !photos.is_empty() {
        let mut c = app.db.read().await?;
        let r = load_round_row(&mut c, actor, round_id).await?;
        actor.authorize(Can::PatrolsWalk, r.site_id)?;
    }
    let mut stored = Vec::new();
    for p in photos {
        stored.push((crate::tickets::store_photo(app, p).await?, p.len()));
    }
    let once = crate::Once::new(
        idempotency_key,
        "patrol_result",
        &(round_id, checkpoint_id, input),
    );
    let stored = &stored;
    let note = &note;
    app.create(actor, &once, |w| {
        Box::pin(async move {
            let now = w.now();
            let r = load_round_row(w, actor, round_id).await?;
            actor.authorize(Can::PatrolsWalk, r.site_id)?;
            if r.finished_at.is_some() {
                return Err(AppError::InvalidTransition(format!(
                    "round {round_id} is finished"
                )));
            }
            let cp = store::checkpoint(w, checkpoint_id)
                .await?
                .filter(|c| c.route_id == r.route_id && c.archived == 0)
                .ok_or(AppError::NotFound("checkpoint"))?;
            let items: Vec<ItemRow> = store::items(w, &[cp.id])
                .await?
                .into_iter()
                .filter(|i| i.archived == 0)
                .collect();
            for (i, res) in input.results.iter().enumerate() {
                if !items.iter().any(|it| it.id == res.item_id) {
                    return Err(AppError::invalid(
                        &format!("results[{i}].item_id"),
                        format!("item {} is not checked at this checkpoint", res.item_id),
                    ));
                }
                if input.results[..i].iter().any(|x| x.item_id == res.item_id) {
                    return Err(AppError::invalid(
                        &format!("results[{i}].item_id"),
                        "an item is given twice",
                    ));
                }
                if !res.ok && res.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
                    return Err(AppError::invalid(
                        &format!("results[{i}].note"),
                        "say what is wrong",
                    ));
                }
            }
            if let Some(missing) = items
                .iter()
                .find(|it| !input.results.iter().any(|x| x.item_id == it.id))
            {
                return Err(AppError::invalid(
                    "results",
                    format!(
                        "item {} ({}) has no result",
                        missing.id, missing.instruction
                    ),
                ));
            }
            let scanned_at = match input
                .scan_token
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
            {
                None => None,
                Some(t) if t == cp.token => {
                    let at = input
                        .scanned_at
                        .as_deref()
                        .and_then(|s| s.parse::<jiff::Timestamp>().ok())
                        .map(|t| t.as_microsecond())
                        .unwrap_or(now);
                    // A scan counts only within the round.
                    Some(at.clamp(r.started_at, now))
                }
                Some(_) => {
                    return Err(AppError::invalid(
                        "scan_token",
                        "this is not the code of this checkpoint",
                    ))
                }
            };
            let result_id = store::insert_result(
                w,
                round_id,
                cp.id,
                scanned_at,
                now,
                &actor.display_name,
                note.as_deref(),
            )
            .await
            .map_err(crate::error::dup_as(
                "checkpoint_id",
                "this checkpoint is already recorded in this round",
            ))?;
            for res in &input.results {
                let n = optional_text("note", res.note.as_deref(), 500)?;
                store::insert_item_result(w, result_id, res.item_id, res.ok, n.as_deref()).await?;
            }
            for (p, size) in stored.iter() {
                store::insert_photo(
                    w,
                    &store::NewPhoto {
                        result_id,
                        blob: &p.blob,
                        thumb_blob: &p.thumb_blob,
                        content_type: p.content_type,
                        size_bytes: *size as i64,
                        width: i64::from(p.width),
                        height: i64::from(p.height),
                    },
                )
                .await?;
            }
            store::bump_done(w, round_id).await?;
            let failed = input.results.iter().filter(|x| !x.ok).count();
            w.audit(Some(r.site_id), "record", "patrol_round", Some(round_id), serde_json::json!({"checkpoint_id": cp.id, "failed": failed, "scanned": scanned_at.is_some(), "photos": stored.len()})).await?;
            let id = result_id;
            Ok(id)
        })
    })
    .await?;
    round(app, actor, round_id).await
}

/// Finishes a round: every failed item becomes a work order (channel
/// `patrol`, the department of its category, the checkpoint's location and
/// photos, linked to the round) — or, when the same item already has an
/// open one, is added to that one's history.
pub async fn finish_round(app: &App, actor: &Actor, id: i64) -> AppResult<RoundView> {
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let r = load_round_row(w, actor, id).await?;
            actor.authorize(Can::PatrolsWalk, r.site_id)?;
            if r.finished_at.is_some() {
                return Err(AppError::InvalidTransition(format!(
                    "round {id} is already finished"
                )));
            }
            let findings = file_findings(w, now, actor, &r).await?;
            let results = store::results(w, id).await?;
            let cps = store::checkpoints(w, &[r.route_id]).await?;
            let total = cps.iter().filter(|c| c.archived == 0).count() as i64;
            let done = results.len() as i64;
            store::finish_round(w, id, now, done, total.max(done), findings).await?;
            w.audit(
                Some(r.site_id),
                "finish",
                "patrol_round",
                Some(id),
                serde_json::json!({"done": done, "total": total, "findings": findings}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    round(app, actor, id).await
}

async fn file_findings(tx: &mut Tx, now: i64, actor: &Actor, r: &RoundRow) -> AppResult<i64> {
    let results = store::results(tx, r.id).await?;
    let item_results = store::item_results(tx, r.id).await?;
    let photos = store::photos(tx, r.id).await?;
    let cps = store::checkpoints(tx, &[r.route_id]).await?;
    let cp_ids: Vec<i64> = cps.iter().map(|c| c.id).collect();
    let items = store::items(tx, &cp_ids).await?;
    let mut n = 0;
    for ir in item_results
        .iter()
        .filter(|ir| ir.ok == 0 && ir.ticket_id.is_none())
    {
        n += 1;
        let Some(res) = results.iter().find(|x| x.id == ir.result_id) else {
            continue;
        };
        let Some(cp) = cps.iter().find(|c| c.id == res.checkpoint_id) else {
            continue;
        };
        let Some(item) = items.iter().find(|i| i.id == ir.item_id) else {
            continue;
        };
        let category: Category = item.category.parse().unwrap_or(Category::Other);
        let what = ir.note.clone().unwrap_or_default();
        let ticket_id = match store::open_ticket_for_item(tx, item.id).await? {
            Some(open) => {
                crate::tickets::act_in(
                    tx,
                    now,
                    actor,
                    open,
                    &ActionInput {
                        action: "comment".into(),
                        note: Some(format!(
                            "巡视再次发现 / Found again on patrol (round #{}): {what}",
                            r.id
                        )),
                        ..Default::default()
                    },
                )
                .await?;
                open
            }
            None => {
                let t = crate::tickets::create_in(
                    tx,
                    now,
                    actor,
                    &NewTicketInput {
                        site_id: Some(r.site_id),
                        kind: if category == Category::Engineering {
                            "repair"
                        } else {
                            "request"
                        }
                        .into(),
                        priority: if category == Category::Safety {
                            "high"
                        } else {
                            "normal"
                        }
                        .into(),
                        title: format!("[巡视] {}：{}", cp.name, item.instruction)
                            .chars()
                            .take(120)
                            .collect(),
                        description: format!("{what}\n\n— {} · {}", r.route_name, r.walker_name),
                        unit_id: None,
                        location: Some(cp.location.clone()),
                        tenant_id: None,
                        channel: Some("patrol".into()),
                        department: Some(category.department().as_str().into()),
                        complaint: None,
                    },
                )
                .await?;
                lobby_store::tickets::set_patrol_round(tx, t, r.id).await?;
                // The walker saw where it belongs: it goes straight to that department.
                crate::tickets::act_on_behalf(
                    tx,
                    now,
                    actor,
                    t,
                    &ActionInput {
                        action: "dispatch".into(),
                        department: Some(category.department().as_str().into()),
                        note: Some(format!("巡视发现 / Patrol finding (round #{})", r.id)),
                        ..Default::default()
                    },
                )
                .await?;
                for p in photos.iter().filter(|p| p.result_id == res.id) {
                    lobby_store::tickets::insert_photo(
                        tx,
                        &lobby_store::tickets::NewPhoto {
                            ticket_id: t,
                            blob: &p.blob,
                            thumb_blob: &p.thumb_blob,
                            content_type: &p.content_type,
                            size_bytes: p.size_bytes,
                            width: p.width,
                            height: p.height,
                            uploaded_by: actor.audit_id(),
                            now,
                            // The finding as the walker found it.
                            stage: lobby_domain::tickets::PhotoStage::Before.as_str(),
                            event_id: None,
                        },
                    )
                    .await?;
                }
                t
            }
        };
        store::set_item_ticket(tx, ir.id, ticket_id).await?;
    }
    Ok(n)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct RoundQuery {
    pub site_id: Option<i64>,
    pub route_id: Option<i64>,
    /// true: only rounds still being walked.
    pub open: Option<bool>,
    /// Only mine.
    pub mine: Option<bool>,
    /// A day in the site's zone, `2026-11-26`.
    pub date: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub async fn rounds(app: &App, actor: &Actor, q: &RoundQuery) -> AppResult<Page<RoundView>> {
    let site_id = crate::desk::site_of(actor, q.site_id)?;
    actor.authorize(Can::PatrolsRead, site_id)?;
    let limit = page::limit(q.limit)?;
    let before = page::decode(q.cursor.as_deref())?
        .map(|(_, id)| id)
        .unwrap_or(i64::MAX);
    let mut c = app.db.read().await?;
    let (from, to) = match q.date.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => {
            let day: Date = crate::time::parse_date("date", d)?;
            let site = crate::sites::site_row(&mut c, site_id).await?;
            crate::desk::day_span(day, &site.timezone)
        }
        None => (0, i64::MAX),
    };
    let rows = store::rounds(
        &mut c,
        &store::RoundFilter {
            site_id,
            route_id: q.route_id,
            walker_id: q.mine.unwrap_or(false).then_some(actor.user_id),
            open: q.open,
            from,
            to,
        },
        before,
        limit + 1,
    )
    .await?;
    Ok(page::finish(
        rows,
        limit,
        |r| (String::new(), r.id),
        round_summary,
    ))
}

// ======================================================================
// The day's plan, missed windows, coverage
// ======================================================================

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Slot {
    pub route_id: i64,
    pub route_name: String,
    pub department: Department,
    /// `09:00–11:30`
    pub window: String,
    pub starts_at: String,
    pub ends_at: String,
    /// upcoming | open (now in the window) | in_progress | done | partial | missed
    pub status: String,
    pub round_id: Option<i64>,
    pub walker: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DayPlan {
    pub day: String,
    /// Both departments' windows in time order (交叉进行).
    pub slots: Vec<Slot>,
    /// Windows of different departments on the same route that overlap.
    pub warnings: Vec<String>,
}

fn windows_of(r: &store::RouteRow) -> Vec<Window> {
    parse_windows(&r.windows).unwrap_or_default()
}

fn slot_status(
    start: i64,
    end: i64,
    now: i64,
    rounds: &[RoundRow],
) -> (&'static str, Option<&RoundRow>) {
    let early = lobby_domain::patrols::EARLY_START_MINS * 60_000_000;
    let inside: Vec<&RoundRow> = rounds
        .iter()
        .filter(|r| r.started_at >= start - early && r.started_at < end)
        .collect();
    if let Some(r) = inside
        .iter()
        .find(|r| r.finished_at.is_some() && r.checkpoints_done >= r.checkpoints_total)
    {
        return ("done", Some(r));
    }
    if let Some(r) = inside.iter().find(|r| r.finished_at.is_some()) {
        return ("partial", Some(r));
    }
    if let Some(r) = inside.first() {
        return (if now < end { "in_progress" } else { "missed" }, Some(r));
    }
    if now < start {
        ("upcoming", None)
    } else if now < end {
        ("open", None)
    } else {
        ("missed", None)
    }
}

pub async fn plan(app: &App, actor: &Actor, site_id: i64, day: Option<Date>) -> AppResult<DayPlan> {
    actor.authorize(Can::PatrolsRead, site_id)?;
    let now = app.now();
    let mut c = app.db.read().await?;
    let site = crate::sites::site_row(&mut c, site_id).await?;
    let tz = TimeZone::get(&site.timezone).unwrap_or(TimeZone::UTC);
    let day = day.unwrap_or_else(|| time::local_date(now, &site.timezone));
    let (from, to) = crate::desk::day_span(day, &site.timezone);
    let routes: Vec<store::RouteRow> = store::routes(&mut c, site_id)
        .await?
        .into_iter()
        .filter(|r| r.archived == 0)
        .collect();
    let rounds = store::rounds(
        &mut c,
        &store::RoundFilter {
            site_id,
            route_id: None,
            walker_id: None,
            open: None,
            from: from - 3_600_000_000,
            to,
        },
        i64::MAX,
        500,
    )
    .await?;
    let mut slots = Vec::new();
    let mut warnings = Vec::new();
    for r in &routes {
        let mine: Vec<RoundRow> = rounds
            .iter()
            .filter(|x| x.route_id == r.id)
            .cloned()
            .collect();
        for w in windows_of(r) {
            let (a, b) = w.on(day, &tz);
            let (a, b) = (a.as_microsecond(), b.as_microsecond());
            let (status, round) = slot_status(a, b, now, &mine);
            slots.push(Slot {
                route_id: r.id,
                route_name: r.name.clone(),
                department: r.department.parse().unwrap_or(Department::CustomerService),
                window: w.label(),
                starts_at: time::rfc3339(a),
                ends_at: time::rfc3339(b),
                status: status.into(),
                round_id: round.map(|x| x.id),
                walker: round.map(|x| x.walker_name.clone()),
            });
        }
    }
    // Same route, different departments, overlapping windows: they should alternate.
    for (i, a) in routes.iter().enumerate() {
        for b in routes.iter().skip(i + 1) {
            if a.department == b.department {
                continue;
            }
            let shared = {
                let ca: Vec<String> = store::checkpoints(&mut c, &[a.id])
                    .await?
                    .into_iter()
                    .map(|x| x.location)
                    .collect();
                let cb: Vec<String> = store::checkpoints(&mut c, &[b.id])
                    .await?
                    .into_iter()
                    .map(|x| x.location)
                    .collect();
                ca.iter().any(|l| cb.contains(l))
            };
            if !shared {
                continue;
            }
            for wa in windows_of(a) {
                for wb in windows_of(b) {
                    if wa.overlaps(&wb) {
                        warnings.push(format!(
                            "{} {} ↔ {} {}",
                            a.name,
                            wa.label(),
                            b.name,
                            wb.label()
                        ));
                    }
                }
            }
        }
    }
    slots.sort_by(|x, y| x.starts_at.cmp(&y.starts_at));
    Ok(DayPlan {
        day: day.to_string(),
        slots,
        warnings,
    })
}

/// The missed-round job: every window of yesterday and today that ended
/// without a finished round gets, once, a desk-log entry and a notice to
/// the supervisor. Returns how many it found.
pub async fn missed_sweep(app: &App) -> AppResult<usize> {
    let routes = {
        let mut c = app.db.read().await?;
        store::active_routes(&mut c).await?
    };
    let mut found = 0;
    for r in routes {
        let r = &r;
        found += app
            .write_as_system(|w| {
                Box::pin(async move {
                    let now = w.now();
                    let mut found = 0;
                    let site = crate::sites::site_row(w, r.site_id).await?;
                    let tz = TimeZone::get(&site.timezone).unwrap_or(TimeZone::UTC);
                    let today = time::local_date(now, &site.timezone);
                    let rounds = store::rounds(
                        w,
                        &store::RoundFilter {
                            site_id: r.site_id,
                            route_id: Some(r.id),
                            walker_id: None,
                            open: None,
                            from: now - 3 * 86_400_000_000,
                            to: now + 1,
                        },
                        i64::MAX,
                        200,
                    )
                    .await?;
                    let spans: Vec<RoundSpan> = rounds
                        .iter()
                        .map(|x| RoundSpan {
                            started_at: time::ts(x.started_at),
                            finished_at: x.finished_at.map(time::ts),
                        })
                        .collect();
                    for day in [today.yesterday().unwrap_or(today), today] {
                        for win in windows_of(r) {
                            let (a, b) = win.on(day, &tz);
                            let end = b.as_microsecond();
                            if end > now || end <= r.created_at || covered(a, b, &spans) {
                                continue;
                            }
                            let label = win.label();
                            if !store::insert_missed(w, r.id, &day.to_string(), &label, now).await?
                            {
                                continue;
                            }
                            found += 1;
                            let text = format!("漏巡 Missed patrol: {} {} {}", r.name, day, label);
                            let log_id = lobby_store::desk::insert_log(
                                w,
                                &lobby_store::desk::NewLog {
                                    site_id: r.site_id,
                                    at: now,
                                    author_id: None,
                                    author_name: "lobby",
                                    category: "security",
                                    text: &text,
                                    needs_follow_up: true,
                                    corrects_id: None,
                                },
                            )
                            .await?;
                            store::set_missed_log(w, r.id, &day.to_string(), &label, log_id)
                                .await?;
                            notify::to_role(
                                w,
                                now,
                                r.site_id,
                                Role::CsSupervisor,
                                "patrol_missed",
                                &text,
                                &r.name,
                                Some("/patrols"),
                            )
                            .await?;
                            audit::record(
                                w,
                                now,
                                &Actor::system(),
                                Some(r.site_id),
                                "missed",
                                "patrol_route",
                                Some(r.id),
                                serde_json::json!({"day": day.to_string(), "window": label}),
                            )
                            .await?;
                        }
                    }
                    Ok(found)
                })
            })
            .await?;
    }
    Ok(found)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RouteCoverage {
    pub route_id: i64,
    pub route_name: String,
    pub department: Department,
    /// Windows that have ended in the span.
    pub scheduled: i64,
    pub done: i64,
    pub partial: i64,
    pub missed: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonCoverage {
    pub walker: String,
    pub rounds: i64,
    pub partial: i64,
    pub findings: i64,
    pub mean_minutes: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AreaFindings {
    pub checkpoint: String,
    pub category: Category,
    pub n: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Coverage {
    pub from: String,
    pub to: String,
    pub routes: Vec<RouteCoverage>,
    pub people: Vec<PersonCoverage>,
    pub findings: Vec<AreaFindings>,
    pub mean_minutes: Option<i64>,
}

/// Coverage between two days (inclusive): scheduled, done, partial and
/// missed windows by route; rounds, findings and time by person; findings
/// by area and category.
pub async fn coverage(
    app: &App,
    actor: &Actor,
    site_id: i64,
    from: Date,
    to: Date,
) -> AppResult<Coverage> {
    actor.authorize(Can::PatrolsRead, site_id)?;
    if to < from || (to - from).get_days() > 366 {
        return Err(AppError::invalid(
            "to",
            "give a span of at most a year, ending after it starts",
        ));
    }
    let now = app.now();
    let mut c = app.db.read().await?;
    let site = crate::sites::site_row(&mut c, site_id).await?;
    let tz = TimeZone::get(&site.timezone).unwrap_or(TimeZone::UTC);
    let start = crate::desk::day_span(from, &site.timezone).0;
    let end = crate::desk::day_span(to, &site.timezone).1;
    let routes = store::routes(&mut c, site_id).await?;
    let rounds = store::rounds(
        &mut c,
        &store::RoundFilter {
            site_id,
            route_id: None,
            walker_id: None,
            open: None,
            from: start - 3_600_000_000,
            to: end,
        },
        i64::MAX,
        100_000,
    )
    .await?;
    let mut out = Vec::new();
    for r in &routes {
        let mine: Vec<RoundRow> = rounds
            .iter()
            .filter(|x| x.route_id == r.id)
            .cloned()
            .collect();
        let mut cov = RouteCoverage {
            route_id: r.id,
            route_name: r.name.clone(),
            department: r.department.parse().unwrap_or(Department::CustomerService),
            scheduled: 0,
            done: 0,
            partial: 0,
            missed: 0,
        };
        let mut day = from;
        while day <= to {
            for w in windows_of(r) {
                let (a, b) = w.on(day, &tz);
                let (a, b) = (a.as_microsecond(), b.as_microsecond());
                if b > now || b <= r.created_at {
                    continue;
                }
                cov.scheduled += 1;
                match slot_status(a, b, now, &mine).0 {
                    "done" => cov.done += 1,
                    "partial" => cov.partial += 1,
                    _ => cov.missed += 1,
                }
            }
            day = match day.tomorrow() {
                Ok(d) => d,
                Err(_) => break,
            };
        }
        if cov.scheduled > 0 || r.archived == 0 {
            out.push(cov);
        }
    }
    let mut people: Vec<PersonCoverage> = Vec::new();
    let mut minutes: Vec<i64> = Vec::new();
    for x in rounds
        .iter()
        .filter(|x| x.started_at >= start && x.finished_at.is_some())
    {
        let m = x
            .finished_at
            .map(|f| (f - x.started_at) / 60_000_000)
            .unwrap_or(0);
        minutes.push(m);
        let p = match people.iter_mut().find(|p| p.walker == x.walker_name) {
            Some(p) => p,
            None => {
                people.push(PersonCoverage {
                    walker: x.walker_name.clone(),
                    rounds: 0,
                    partial: 0,
                    findings: 0,
                    mean_minutes: Some(0),
                });
                let last = people.len() - 1;
                &mut people[last]
            }
        };
        let mean = p.mean_minutes.unwrap_or(0) * p.rounds;
        p.rounds += 1;
        p.partial += i64::from(x.checkpoints_done < x.checkpoints_total);
        p.findings += x.findings;
        p.mean_minutes = Some((mean + m) / p.rounds);
    }
    let findings = store::findings_by_area(&mut c, site_id, start, end)
        .await?
        .into_iter()
        .map(|f| AreaFindings {
            checkpoint: f.checkpoint_name,
            category: f.category.parse().unwrap_or(Category::Other),
            n: f.n,
        })
        .collect();
    Ok(Coverage {
        from: from.to_string(),
        to: to.to_string(),
        routes: out,
        people,
        findings,
        mean_minutes: (!minutes.is_empty())
            .then(|| minutes.iter().sum::<i64>() / minutes.len() as i64),
    })
}

/// Every round of a day with its results (the supervisor's patrol record).
pub async fn day_record(
    app: &App,
    actor: &Actor,
    site_id: i64,
    day: Date,
) -> AppResult<Vec<RoundView>> {
    actor.authorize(Can::PatrolsRead, site_id)?;
    let mut c = app.db.read().await?;
    let site = crate::sites::site_row(&mut c, site_id).await?;
    let (from, to) = crate::desk::day_span(day, &site.timezone);
    let rows = store::rounds(
        &mut c,
        &store::RoundFilter {
            site_id,
            route_id: None,
            walker_id: None,
            open: None,
            from,
            to,
        },
        i64::MAX,
        200,
    )
    .await?;
    let mut out = Vec::new();
    for r in rows.into_iter().rev() {
        out.push(round_in(&mut c, actor, r.id).await?);
    }
    Ok(out)
}

/// The checkpoints of a round a walker still has to record, in order.
pub fn next_checkpoint(r: &RoundView, after: Option<i64>) -> Option<i64> {
    let pending = |c: &&RoundCheckpointView| c.recorded_at.is_none();
    let later = r
        .checkpoints
        .iter()
        .skip_while(|c| after.is_some_and(|a| c.checkpoint_id != a))
        .skip(usize::from(after.is_some()))
        .find(pending);
    later
        .or_else(|| r.checkpoints.iter().find(pending))
        .map(|c| c.checkpoint_id)
}

/// Adds a photo to a checkpoint already recorded in a round that is still
/// being walked (the API sends photos after the result).
pub async fn add_result_photo(
    app: &App,
    actor: &Actor,
    round_id: i64,
    checkpoint_id: i64,
    bytes: &[u8],
) -> AppResult<RoundView> {
    {
        let mut c = app.db.read().await?;
        let r = load_round_row(&mut c, actor, round_id).await?;
        actor.authorize(Can::PatrolsWalk, r.site_id)?;
    }
    let p = crate::tickets::store_photo(app, bytes).await?;
    let p = &p;
    app.write(actor, |w| {
        Box::pin(async move {
            let r = load_round_row(w, actor, round_id).await?;
            actor.authorize(Can::PatrolsWalk, r.site_id)?;
            if r.finished_at.is_some() {
                return Err(AppError::InvalidTransition(format!(
                    "round {round_id} is finished"
                )));
            }
            let res = store::results(w, round_id)
                .await?
                .into_iter()
                .find(|x| x.checkpoint_id == checkpoint_id)
                .ok_or_else(|| {
                    AppError::InvalidTransition("record the checkpoint before adding photos".into())
                })?;
            store::insert_photo(
                w,
                &store::NewPhoto {
                    result_id: res.id,
                    blob: &p.blob,
                    thumb_blob: &p.thumb_blob,
                    content_type: p.content_type,
                    size_bytes: bytes.len() as i64,
                    width: i64::from(p.width),
                    height: i64::from(p.height),
                },
            )
            .await?;
            w.audit(
                Some(r.site_id),
                "photo",
                "patrol_round",
                Some(round_id),
                serde_json::json!({"checkpoint_id": checkpoint_id, "blob": p.blob}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    round(app, actor, round_id).await
}
