//! Patrols (巡视): `/patrol-routes` with their checkpoints and items,
//! `/patrol-rounds` (CONTRACT.md "Patrols"), the day's plan and coverage.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use lobby_app::page::Page;
use lobby_app::patrols::{self, *};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiBytes, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(route_list, route_create))
        .routes_once(routes!(route_get, route_update))
        .routes_once(routes!(route_labels))
        .routes_once(routes!(checkpoint_add))
        .routes_once(routes!(checkpoint_update))
        .routes_once(routes!(item_add))
        .routes_once(routes!(item_update))
        .routes_once(routes!(round_list, round_start))
        .routes_once(routes!(round_get))
        .routes_once(routes!(round_record))
        .merge(
            OpenApiRouter::new()
                .routes_once(routes!(round_photo))
                .layer(axum::extract::DefaultBodyLimit::max(
                    lobby_app::photos::MAX_PHOTO_BYTES + 64 * 1024,
                )),
        )
        .routes_once(routes!(round_finish))
        .routes_once(routes!(day_plan))
        .routes_once(routes!(get_departments, put_departments))
        .routes_once(routes!(report))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct SiteParam {
    pub site_id: Option<i64>,
}

/// Routes with their ordered `checkpoints`, each with its check `items`.
#[utoipa::path(get, path = "/patrol-routes", tag = "patrols", params(super::PageQ, SiteParam), responses((status = 200, body = Page<RouteView>)))]
async fn route_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(p): ApiQuery<SiteParam>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<RouteView>>, ApiError> {
    let site = lobby_app::scope::site_of(&a, p.site_id)?;
    super::paged(patrols::routes(&s.app, &a, site).await?, &pq)
}

/// A route: name, department and daily windows (the department's default when absent).
#[utoipa::path(post, path = "/patrol-routes", tag = "patrols", request_body = RouteInput, responses((status = 201, body = RouteView), (status = 422, body = ErrorBody)))]
async fn route_create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<RouteInput>,
) -> Result<(StatusCode, Json<RouteView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(patrols::create_route(&s.app, &a, &i).await?),
    ))
}

#[utoipa::path(get, path = "/patrol-routes/{id}", tag = "patrols", params(("id" = i64, Path)), responses((status = 200, body = RouteView), (status = 404, body = ErrorBody)))]
async fn route_get(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<RouteView>, ApiError> {
    Ok(Json(patrols::route(&s.app, &a, id).await?))
}

/// The checkpoints' printed labels with their QR secrets (admin, project
/// manager, supervisor): the only place the secrets are given out.
#[utoipa::path(get, path = "/patrol-routes/{id}/labels", tag = "patrols", params(("id" = i64, Path)), responses((status = 200, body = Vec<patrols::CheckpointLabel>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn route_labels(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<Vec<patrols::CheckpointLabel>>, ApiError> {
    Ok(Json(patrols::labels(&s.app, &a, id).await?))
}

#[utoipa::path(put, path = "/patrol-routes/{id}", tag = "patrols", params(("id" = i64, Path)), request_body = RouteInput, responses((status = 200, body = RouteView), (status = 422, body = ErrorBody)))]
async fn route_update(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<RouteInput>,
) -> Result<Json<RouteView>, ApiError> {
    Ok(Json(patrols::update_route(&s.app, &a, id, &i).await?))
}

/// Add a checkpoint at the end of the route; it gets its QR token.
#[utoipa::path(post, path = "/patrol-routes/{id}/checkpoints", tag = "patrols", params(("id" = i64, Path)), request_body = CheckpointInput, responses((status = 201, body = RouteView), (status = 422, body = ErrorBody)))]
async fn checkpoint_add(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<CheckpointInput>,
) -> Result<(StatusCode, Json<RouteView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(patrols::add_checkpoint(&s.app, &a, id, &i).await?),
    ))
}

#[utoipa::path(put, path = "/patrol-checkpoints/{id}", tag = "patrols", params(("id" = i64, Path)), request_body = CheckpointInput, responses((status = 200, body = RouteView), (status = 422, body = ErrorBody)))]
async fn checkpoint_update(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<CheckpointInput>,
) -> Result<Json<RouteView>, ApiError> {
    Ok(Json(patrols::update_checkpoint(&s.app, &a, id, &i).await?))
}

#[utoipa::path(post, path = "/patrol-checkpoints/{id}/items", tag = "patrols", params(("id" = i64, Path)), request_body = ItemInput, responses((status = 201, body = RouteView), (status = 422, body = ErrorBody)))]
async fn item_add(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<ItemInput>,
) -> Result<(StatusCode, Json<RouteView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(patrols::add_item(&s.app, &a, id, &i).await?),
    ))
}

#[utoipa::path(put, path = "/patrol-items/{id}", tag = "patrols", params(("id" = i64, Path)), request_body = ItemInput, responses((status = 200, body = RouteView), (status = 422, body = ErrorBody)))]
async fn item_update(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<ItemInput>,
) -> Result<Json<RouteView>, ApiError> {
    Ok(Json(patrols::update_item(&s.app, &a, id, &i).await?))
}

/// Rounds, newest first.
#[utoipa::path(get, path = "/patrol-rounds", tag = "patrols", params(RoundQuery), responses((status = 200, body = Page<RoundView>), (status = 422, body = ErrorBody)))]
async fn round_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<RoundQuery>,
) -> Result<Json<Page<RoundView>>, ApiError> {
    Ok(Json(patrols::rounds(&s.app, &a, &q).await?))
}

/// Start a round (`route_id`) → 201, the round with its checkpoints to record.
/// Starting again while your round of that route is open returns it.
#[utoipa::path(post, path = "/patrol-rounds", tag = "patrols", request_body = StartInput,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = RoundView), (status = 422, body = ErrorBody)))]
async fn round_start(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    headers: HeaderMap,
    ApiJson(i): ApiJson<StartInput>,
) -> Result<(StatusCode, Json<RoundView>), ApiError> {
    let key = super::idempotency_key(&headers)?;
    Ok((
        StatusCode::CREATED,
        Json(patrols::start_round(&s.app, &a, &i, key.as_deref()).await?),
    ))
}

#[utoipa::path(get, path = "/patrol-rounds/{id}", tag = "patrols", params(("id" = i64, Path)), responses((status = 200, body = RoundView), (status = 404, body = ErrorBody)))]
async fn round_get(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<RoundView>, ApiError> {
    Ok(Json(patrols::round(&s.app, &a, id).await?))
}

/// Record one checkpoint: `results: [{"item_id", "ok", "note"}]`, one per
/// item; `scan_token` from its QR code proves presence. Send it with an
/// `Idempotency-Key` and retry freely: the same key changes nothing again;
/// a checkpoint already recorded is 409 `duplicate`.
#[utoipa::path(post, path = "/patrol-rounds/{id}/checkpoints/{checkpoint_id}", tag = "patrols",
    params(("id" = i64, Path), ("checkpoint_id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = CheckpointResultInput,
    responses((status = 200, body = RoundView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn round_record(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, cp)): Path<(i64, i64)>,
    headers: HeaderMap,
    ApiJson(i): ApiJson<CheckpointResultInput>,
) -> Result<Json<RoundView>, ApiError> {
    let key = super::idempotency_key(&headers)?;
    Ok(Json(
        patrols::record_checkpoint(&s.app, &a, id, cp, &i, &[], key.as_deref()).await?,
    ))
}

/// Add a photo to a recorded checkpoint: the body is the image (JPEG, PNG or WebP, ≤ 10 MiB).
#[utoipa::path(post, path = "/patrol-rounds/{id}/checkpoints/{checkpoint_id}/photos", tag = "patrols",
    params(("id" = i64, Path), ("checkpoint_id" = i64, Path)),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 200, body = RoundView), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn round_photo(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, cp)): Path<(i64, i64)>,
    ApiBytes(body): ApiBytes,
) -> Result<Json<RoundView>, ApiError> {
    Ok(Json(
        patrols::add_result_photo(&s.app, &a, id, cp, &body).await?,
    ))
}

/// Finish a round: every failed item becomes a work order with channel
/// `patrol`, linked to the round (or adds to the open one for the same item).
#[utoipa::path(post, path = "/patrol-rounds/{id}/finish", tag = "patrols", params(("id" = i64, Path)), responses((status = 200, body = RoundView), (status = 409, body = ErrorBody)))]
async fn round_finish(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<RoundView>, ApiError> {
    Ok(Json(patrols::finish_round(&s.app, &a, id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct PlanQuery {
    pub site_id: Option<i64>,
    /// `2026-11-26`; today (site time) when absent.
    pub date: Option<String>,
}

/// The day's plan: both departments' windows in time order with their
/// status, and warnings where they overlap on shared checkpoints.
#[utoipa::path(get, path = "/patrol-plan", tag = "patrols", params(PlanQuery), responses((status = 200, body = DayPlan), (status = 422, body = ErrorBody)))]
async fn day_plan(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<PlanQuery>,
) -> Result<Json<DayPlan>, ApiError> {
    let site = lobby_app::scope::site_of(&a, q.site_id)?;
    let day = match q.date.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => Some(d.parse().map_err(|_| {
            ApiError(lobby_app::AppError::invalid(
                "date",
                "date must look like 2026-11-26",
            ))
        })?),
        None => None,
    };
    Ok(Json(patrols::plan(&s.app, &a, site, day).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ReportQuery {
    pub site_id: Option<i64>,
    /// First day; the first of this month when absent.
    pub from: Option<String>,
    /// Last day, inclusive; today when absent.
    pub to: Option<String>,
}

/// Patrol coverage: scheduled, done, partial and missed windows per route;
/// rounds, findings and time per person; findings by area and category.
#[utoipa::path(get, path = "/reports/patrols", tag = "patrols", params(ReportQuery), responses((status = 200, body = Coverage), (status = 422, body = ErrorBody)))]
async fn report(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<Coverage>, ApiError> {
    let site_id = lobby_app::scope::site_of(&a, q.site_id)?;
    let site = lobby_app::sites::site(&s.app, &a, site_id).await?;
    let (from, to) = lobby_app::reports::summary_span(
        s.app.now(),
        &site.timezone,
        q.from.as_deref(),
        q.to.as_deref(),
    )?;
    Ok(Json(
        patrols::coverage(&s.app, &a, site_id, from, to).await?,
    ))
}

/// Where the site's patrol findings go, by the check item's category (its
/// own map, else the default).
#[utoipa::path(get, path = "/sites/{id}/patrol-departments", tag = "patrols", params(("id" = i64, Path)), responses((status = 200, body = Vec<CategoryDepartment>), (status = 403, body = ErrorBody)))]
async fn get_departments(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<Vec<CategoryDepartment>>, ApiError> {
    Ok(Json(patrols::category_departments(&s.app, &a, id).await?))
}

/// The supervisor sends a category's findings to another department
/// (`items` `[{category, department}]`; a category left out goes by the
/// default).
#[utoipa::path(put, path = "/sites/{id}/patrol-departments", tag = "patrols", params(("id" = i64, Path)), request_body = CategoryDepartmentsInput, responses((status = 200, body = Vec<CategoryDepartment>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_departments(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<CategoryDepartmentsInput>,
) -> Result<Json<Vec<CategoryDepartment>>, ApiError> {
    Ok(Json(
        patrols::set_category_departments(&s.app, &a, id, &v).await?,
    ))
}
