//! `/renovations`: renovation applications (装修申请) with their drawings,
//! reviewed, approved, inspected, accepted and closed.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use lobby_app::page::Page;
use lobby_app::renovations::{
    self, RenovationActionInput, RenovationInput, RenovationQuery, RenovationView,
};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiBytes, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(list, apply))
        .routes_once(routes!(get_renovation))
        .routes_once(routes!(act))
        .routes_once(routes!(override_hold))
        .merge(OpenApiRouter::new().routes_once(routes!(add_file)).layer(
            axum::extract::DefaultBodyLimit::max(
                lobby_domain::renovations::MAX_DRAWING_BYTES + 64 * 1024,
            ),
        ))
        .routes_once(routes!(get_file))
}

/// A site's renovations, the newest first.
#[utoipa::path(get, path = "/renovations", tag = "renovations", params(super::PageQ, RenovationQuery), responses((status = 200, body = Page<RenovationView>), (status = 403, body = ErrorBody)))]
async fn list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<RenovationQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<RenovationView>>, ApiError> {
    super::paged(renovations::renovations(&s.app, &a, &q).await?, &pq)
}

/// Applies for a renovation (contractor, workers, period, scope) of a unit
/// the tenant occupies; 409 while the unit has one under way; 409
/// `in_arrears` (the balance in the message, the held application's `id` in
/// the error) when the tenant owes money past due.
#[utoipa::path(post, path = "/renovations", tag = "renovations", request_body = RenovationInput, responses((status = 201, body = RenovationView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn apply(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(v): ApiJson<RenovationInput>,
) -> Result<(StatusCode, Json<RenovationView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(renovations::apply(&s.app, &a, &v).await?),
    ))
}

#[utoipa::path(get, path = "/renovations/{id}", tag = "renovations", params(("id" = i64, Path)), responses((status = 200, body = RenovationView), (status = 404, body = ErrorBody)))]
async fn get_renovation(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<RenovationView>, ApiError> {
    Ok(Json(renovations::renovation(&s.app, &a, id).await?))
}

/// `review` (engineering, conditions in `note`) → `approve` (the project
/// manager, `deposit` taken; the unit is renovating) or `reject` (`note`);
/// `inspect` (`note`, `violation`: the tenant is told) → `accept` (`note`;
/// the unit is occupied again) → `close` (`kept` of the deposit, why in
/// `note`). 409 out of order.
#[utoipa::path(post, path = "/renovations/{id}/actions", tag = "renovations", params(("id" = i64, Path)), request_body = RenovationActionInput, responses((status = 200, body = RenovationView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn act(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<RenovationActionInput>,
) -> Result<Json<RenovationView>, ApiError> {
    Ok(Json(renovations::act(&s.app, &a, id, &v).await?))
}

/// The project manager lets an application held for arrears (`held`,
/// answered `409 in_arrears` when applied for) go on to engineering's
/// review, with a `reason` (audited). 409 when it is not held.
#[utoipa::path(post, path = "/renovations/{id}/override", tag = "renovations", params(("id" = i64, Path)), request_body = lobby_app::permits::OverrideInput, responses((status = 200, body = RenovationView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn override_hold(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<lobby_app::permits::OverrideInput>,
) -> Result<Json<RenovationView>, ApiError> {
    Ok(Json(renovations::override_hold(&s.app, &a, id, &v).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct FileQ {
    /// The drawing's name as shown (平面图.pdf).
    name: String,
}

/// Adds a drawing: the body is the file (PDF, JPEG or PNG, ≤ 20 MiB).
#[utoipa::path(post, path = "/renovations/{id}/files", tag = "renovations", params(("id" = i64, Path), FileQ), request_body(content = Vec<u8>, content_type = "application/octet-stream"), responses((status = 201, body = RenovationView), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_file(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<FileQ>,
    ApiBytes(body): ApiBytes,
) -> Result<(StatusCode, Json<RenovationView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(renovations::add_file(&s.app, &a, id, &q.name, &body).await?),
    ))
}

/// A drawing, as a download.
#[utoipa::path(get, path = "/renovations/{id}/files/{file_id}", tag = "renovations", params(("id" = i64, Path), ("file_id" = i64, Path)), responses((status = 200, description = "the file"), (status = 404, body = ErrorBody)))]
async fn get_file(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, file_id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (name, ty, bytes) = renovations::file(&s.app, &a, id, file_id).await?;
    Ok(crate::files::download(&name, &ty, file_id, bytes))
}
