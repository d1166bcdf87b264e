//! `/release-permits`: moving and goods-release permits (搬家/放行条) —
//! applied for by the desk or the tenant, held for arrears until the project
//! manager overrides, looked up at the gate by code and released once.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lobby_app::page::Page;
use lobby_app::permits::{
    self, GateView, OverrideInput, PermitInput, PermitQuery, PermitView, VerifyInput,
};

use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(list, apply))
        .routes_once(routes!(verify))
        .routes_once(routes!(release))
        .routes_once(routes!(get_permit))
        .routes_once(routes!(override_hold))
        .routes_once(routes!(cancel))
}

/// A site's permits from `from` (default today) on, by day and window (a
/// tenant: its own).
#[utoipa::path(get, path = "/release-permits", tag = "permits", params(super::PageQ, PermitQuery), responses((status = 200, body = Page<PermitView>), (status = 422, body = ErrorBody)))]
async fn list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<PermitQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<PermitView>>, ApiError> {
    super::paged(permits::permits(&s.app, &a, &q).await?, &pq)
}

/// Applies for a permit: 201 with its `code`; 409 `in_arrears` when the
/// tenant owes money past due (the message names the balance; the
/// application is kept, held, and its `id` is in the error for the project
/// manager's override).
#[utoipa::path(post, path = "/release-permits", tag = "permits", request_body = PermitInput, responses((status = 201, body = PermitView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn apply(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(v): ApiJson<PermitInput>,
) -> Result<(StatusCode, Json<PermitView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(permits::apply(&s.app, &a, &v).await?),
    ))
}

/// The gate's look-up by `code`: the permit, the goods it lists and its
/// `verdict` now (`valid`, `early`, `late`, `held`, `withdrawn`,
/// `already_used`), with `may_release` for the caller. Changes nothing. 404
/// for a code not known at the guard's sites (wrong codes are throttled, 429).
#[utoipa::path(post, path = "/release-permits/verify", tag = "permits", request_body = VerifyInput, responses((status = 200, body = GateView), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn verify(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(v): ApiJson<VerifyInput>,
) -> Result<Json<GateView>, ApiError> {
    Ok(Json(permits::verify(&s.app, &a, &v).await?))
}

/// Releases the permit for `code` once, after the goods are checked: 200
/// with the permit (`used`); again, or at once from another gate, 409
/// `already_used`; outside its window 409 `wrong_time` unless the caller is
/// the site's supervisor; 409 `permit_held` or `permit_cancelled`; 404 for
/// an unknown code (throttled with the look-up, 429).
#[utoipa::path(post, path = "/release-permits/release", tag = "permits", request_body = VerifyInput, responses((status = 200, body = PermitView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn release(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(v): ApiJson<VerifyInput>,
) -> Result<Json<PermitView>, ApiError> {
    Ok(Json(permits::release(&s.app, &a, &v).await?))
}

#[utoipa::path(get, path = "/release-permits/{id}", tag = "permits", params(("id" = i64, Path)), responses((status = 200, body = PermitView), (status = 404, body = ErrorBody)))]
async fn get_permit(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<PermitView>, ApiError> {
    Ok(Json(permits::permit(&s.app, &a, id).await?))
}

/// The project manager lets a held permit through with a `reason`
/// (audited; the supervisor is told).
#[utoipa::path(post, path = "/release-permits/{id}/override", tag = "permits", params(("id" = i64, Path)), request_body = OverrideInput, responses((status = 200, body = PermitView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn override_hold(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<OverrideInput>,
) -> Result<Json<PermitView>, ApiError> {
    Ok(Json(permits::override_hold(&s.app, &a, id, &v).await?))
}

/// Withdraws a permit not yet used.
#[utoipa::path(post, path = "/release-permits/{id}/cancel", tag = "permits", params(("id" = i64, Path)), responses((status = 200, body = PermitView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn cancel(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<PermitView>, ApiError> {
    Ok(Json(permits::cancel(&s.app, &a, id).await?))
}
