//! `/move-ins`, `/move-outs` and `/moves`: move-in and move-out (入驻/退租)
//! records that several people complete — readings, the handover
//! checklist, keys — and the site's handover checklist.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lobby_app::moves::{
    self, CancelInput, CheckInput, ChecklistInput, ChecksInput, CompleteInput, MoveInput,
    MoveItemInput, MoveKeyInput, MoveQuery, MoveReadingInput, MoveView,
};
use lobby_app::page::Page;
use lobby_domain::moves::MoveKind;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{parse_json, ApiActor, ApiBytes, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(list))
        .routes_once(routes!(create_move_in))
        .routes_once(routes!(create_move_out))
        .routes_once(routes!(complete_move_in))
        .routes_once(routes!(complete_move_out))
        .routes_once(routes!(get_move))
        .routes_once(routes!(add_reading))
        .routes_once(routes!(add_item))
        .routes_once(routes!(check_item))
        .routes_once(routes!(check_items))
        .routes_once(routes!(remind))
        .routes_once(routes!(move_key))
        .routes_once(routes!(cancel))
        .routes_once(routes!(get_checklist, set_checklist))
        .merge(
            OpenApiRouter::new()
                .routes_once(routes!(add_item_photo))
                .layer(axum::extract::DefaultBodyLimit::max(
                    lobby_app::photos::MAX_PHOTO_BYTES + 64 * 1024,
                )),
        )
        .routes_once(routes!(item_photo))
}

/// A site's moves, open ones first, then the newest.
#[utoipa::path(get, path = "/moves", tag = "moves", params(super::PageQ, MoveQuery), responses((status = 200, body = Page<MoveView>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<MoveQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<MoveView>>, ApiError> {
    super::paged(moves::moves(&s.app, &a, &q).await?, &pq)
}

/// Announces a move-in (入驻): `tenant_id`, `unit_id`, `date`, and with
/// it (or later, step by step) the base `meter_readings`, the `handover`
/// checklist's findings (a `defect` opens a work order for engineering) and
/// the `keys` handed over (due back at `lease_end`).
#[utoipa::path(post, path = "/move-ins", tag = "moves", request_body = MoveInput, responses((status = 201, body = MoveView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_move_in(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(v): ApiJson<MoveInput>,
) -> Result<(StatusCode, Json<MoveView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(moves::create_move_in(&s.app, &a, &v).await?),
    ))
}

/// Announces a move-out (退租) of a unit the tenant occupies: the final
/// `meter_readings`, the `handover` findings with damages priced
/// (`charge`, yuan), the `keys` taken back. Without `handover` the
/// checklist is the tenant's move-in's.
#[utoipa::path(post, path = "/move-outs", tag = "moves", request_body = MoveInput, responses((status = 201, body = MoveView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_move_out(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(v): ApiJson<MoveInput>,
) -> Result<(StatusCode, Json<MoveView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(moves::create_move_out(&s.app, &a, &v).await?),
    ))
}

/// The body is optional (`{"signed_by": "…"}`).
fn complete_input(body: &[u8]) -> Result<CompleteInput, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(CompleteInput::default())
    } else {
        parse_json(body)
    }
}

/// Completes a move-in: the unit is occupied and billing starts from the
/// move's day. 422 while an item is pending or a meter unread; 409
/// `unit_occupied` while another tenant holds the unit.
#[utoipa::path(post, path = "/move-ins/{id}/complete", tag = "moves", params(("id" = i64, Path)), request_body(content = CompleteInput, description = "optional"), responses((status = 200, body = MoveView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn complete_move_in(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiBytes(body): ApiBytes,
) -> Result<Json<MoveView>, ApiError> {
    let v = complete_input(&body)?;
    Ok(Json(
        moves::complete(&s.app, &a, id, MoveKind::In, &v).await?,
    ))
}

/// Completes a move-out: the occupancy ends on the move's day, damages
/// become one-off charges, finance is told, the unit is vacant. 422 while
/// an item is pending, a meter unread or a key copy still out.
#[utoipa::path(post, path = "/move-outs/{id}/complete", tag = "moves", params(("id" = i64, Path)), request_body(content = CompleteInput, description = "optional"), responses((status = 200, body = MoveView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn complete_move_out(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiBytes(body): ApiBytes,
) -> Result<Json<MoveView>, ApiError> {
    let v = complete_input(&body)?;
    Ok(Json(
        moves::complete(&s.app, &a, id, MoveKind::Out, &v).await?,
    ))
}

/// A move with its checklist, readings and keys.
#[utoipa::path(get, path = "/moves/{id}", tag = "moves", params(("id" = i64, Path)), responses((status = 200, body = MoveView), (status = 404, body = ErrorBody)))]
async fn get_move(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<MoveView>, ApiError> {
    Ok(Json(moves::get(&s.app, &a, id).await?))
}

/// Reads one of the unit's meters for an open move (now).
#[utoipa::path(post, path = "/moves/{id}/readings", tag = "moves", params(("id" = i64, Path)), request_body = MoveReadingInput, responses((status = 200, body = MoveView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_reading(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<MoveReadingInput>,
) -> Result<Json<MoveView>, ApiError> {
    Ok(Json(moves::add_reading(&s.app, &a, id, &v, None).await?))
}

/// Adds an item to an open move's checklist.
#[utoipa::path(post, path = "/moves/{id}/items", tag = "moves", params(("id" = i64, Path)), request_body = MoveItemInput, responses((status = 200, body = MoveView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_item(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<MoveItemInput>,
) -> Result<Json<MoveView>, ApiError> {
    Ok(Json(moves::add_item(&s.app, &a, id, &v).await?))
}

/// Checks an item: `ok` or `defect` (a move-in's defect opens a work
/// order; a move-out's damage carries its `charge`).
#[utoipa::path(post, path = "/moves/{id}/items/{item_id}", tag = "moves", params(("id" = i64, Path), ("item_id" = i64, Path)), request_body = CheckInput, responses((status = 200, body = MoveView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn check_item(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, item_id)): Path<(i64, i64)>,
    ApiJson(v): ApiJson<CheckInput>,
) -> Result<Json<MoveView>, ApiError> {
    Ok(Json(
        moves::check_item(&s.app, &a, id, item_id, &v, None).await?,
    ))
}

/// Saves the findings of several checklist items at once (the checklist
/// walked, saved once): one transaction, one refusal keeps nothing.
#[utoipa::path(post, path = "/moves/{id}/handover", tag = "moves", params(("id" = i64, Path)), request_body = ChecksInput, responses((status = 200, body = MoveView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn check_items(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<ChecksInput>,
) -> Result<Json<MoveView>, ApiError> {
    Ok(Json(moves::check_items(&s.app, &a, id, &v, &[]).await?))
}

/// Tells engineering again that the move's meters wait for their readings
/// (409 when every meter is read).
#[utoipa::path(post, path = "/moves/{id}/remind", tag = "moves", params(("id" = i64, Path)), responses((status = 200, body = MoveView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn remind(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<MoveView>, ApiError> {
    Ok(Json(moves::remind(&s.app, &a, id).await?))
}

/// Adds a photo to a checklist item: the body is the image (JPEG, PNG or
/// WebP, ≤ 10 MiB).
#[utoipa::path(post, path = "/moves/{id}/items/{item_id}/photos", tag = "moves", params(("id" = i64, Path), ("item_id" = i64, Path)), request_body(content = Vec<u8>, content_type = "image/jpeg"), responses((status = 201, body = MoveView), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_item_photo(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, item_id)): Path<(i64, i64)>,
    ApiBytes(body): ApiBytes,
) -> Result<(StatusCode, Json<MoveView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(moves::add_item_photo(&s.app, &a, id, item_id, &body).await?),
    ))
}

/// A checklist item's photo (`thumb=true`: the 320-pixel JPEG).
#[utoipa::path(get, path = "/moves/{id}/photos/{photo_id}", tag = "moves", params(("id" = i64, Path), ("photo_id" = i64, Path), super::tickets::PhotoQuery), responses((status = 200, description = "the image"), (status = 404, body = ErrorBody)))]
async fn item_photo(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, photo_id)): Path<(i64, i64)>,
    ApiQuery(q): ApiQuery<super::tickets::PhotoQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let (ty, bytes) = moves::photo(&s.app, &a, id, photo_id, q.thumb.unwrap_or(false)).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, ty)], bytes).into_response())
}

/// Hands a key copy to the tenant (a move-in; due back at the lease's
/// end; 409 when that copy is out) or takes it back (a move-out).
#[utoipa::path(post, path = "/moves/{id}/keys", tag = "moves", params(("id" = i64, Path)), request_body = MoveKeyInput, responses((status = 200, body = MoveView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn move_key(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<MoveKeyInput>,
) -> Result<Json<MoveView>, ApiError> {
    Ok(Json(moves::move_key(&s.app, &a, id, &v).await?))
}

/// Calls an open move off.
#[utoipa::path(post, path = "/moves/{id}/cancel", tag = "moves", params(("id" = i64, Path)), request_body = CancelInput, responses((status = 200, body = MoveView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn cancel(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<CancelInput>,
) -> Result<Json<MoveView>, ApiError> {
    Ok(Json(moves::cancel(&s.app, &a, id, &v).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct SiteQ {
    site_id: i64,
}

/// The site's handover checklist (设施交接), in order.
#[utoipa::path(get, path = "/handover-checklist", tag = "moves", params(SiteQ), responses((status = 200, body = Vec<String>), (status = 403, body = ErrorBody)))]
async fn get_checklist(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SiteQ>,
) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(moves::checklist(&s.app, &a, q.site_id).await?))
}

/// Replaces the site's handover checklist (moves under way keep theirs).
#[utoipa::path(put, path = "/handover-checklist", tag = "moves", request_body = ChecklistInput, responses((status = 200, body = Vec<String>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_checklist(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(v): ApiJson<ChecklistInput>,
) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(moves::set_checklist(&s.app, &a, &v).await?))
}
