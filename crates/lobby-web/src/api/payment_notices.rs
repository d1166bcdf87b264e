//! `/payment-notices`: a tenant's 我已付款 (with the transfer slip's photo)
//! and finance's queue that matches or declines them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lobby_app::fees::{
    self, DeclineNoticeInput, MatchNoticeInput, PaymentNoticeInput, PaymentNoticeQuery,
    PaymentNoticeView,
};
use lobby_app::page::Page;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiActor, ApiBytes, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(list, create))
        .routes_once(routes!(get_notice))
        .routes_once(routes!(match_notice))
        .routes_once(routes!(decline_notice))
        .merge(OpenApiRouter::new().routes_once(routes!(add_photo)).layer(
            axum::extract::DefaultBodyLimit::max(lobby_app::photos::MAX_PHOTO_BYTES + 64 * 1024),
        ))
        .routes_once(routes!(photo))
}

/// Finance's queue at a site (pending first), or a tenant account's own
/// notices.
#[utoipa::path(get, path = "/payment-notices", tag = "fees", params(super::PageQ, PaymentNoticeQuery), responses((status = 200, body = Page<PaymentNoticeView>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<PaymentNoticeQuery>,
    ApiQuery(pq): ApiQuery<super::PageQ>,
) -> Result<Json<Page<PaymentNoticeView>>, ApiError> {
    super::paged(fees::payment_notices(&s.app, &a, &q).await?, &pq)
}

/// A tenant's 我已付款 for its own issued statement: `statement_id`,
/// `amount_fen`, `paid_on`, `note`; add the transfer slip's photos with
/// `POST /payment-notices/{id}/photos`. Finance is told. Staff record
/// payments themselves (403).
#[utoipa::path(post, path = "/payment-notices", tag = "fees", request_body = PaymentNoticeInput, responses((status = 201, body = PaymentNoticeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(v): ApiJson<PaymentNoticeInput>,
) -> Result<(StatusCode, Json<PaymentNoticeView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(fees::report_paid(&s.app, &a, &v, &[]).await?),
    ))
}

/// One notice (finance, or the tenant's own).
#[utoipa::path(get, path = "/payment-notices/{id}", tag = "fees", params(("id" = i64, Path)), responses((status = 200, body = PaymentNoticeView), (status = 404, body = ErrorBody)))]
async fn get_notice(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<PaymentNoticeView>, ApiError> {
    Ok(Json(fees::payment_notice(&s.app, &a, id).await?))
}

/// Finance matches a pending notice: to `payment_id` (recorded already),
/// or, without it, by recording the transfer from the notice now (its
/// receipt prints at `/payments/{id}/receipt`). Once: 409 after.
#[utoipa::path(post, path = "/payment-notices/{id}/match", tag = "fees", params(("id" = i64, Path)), request_body = MatchNoticeInput, responses((status = 200, body = PaymentNoticeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn match_notice(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<MatchNoticeInput>,
) -> Result<Json<PaymentNoticeView>, ApiError> {
    Ok(Json(fees::match_notice(&s.app, &a, id, &v).await?))
}

/// Finance declines a pending notice with the `reason` the tenant reads.
#[utoipa::path(post, path = "/payment-notices/{id}/decline", tag = "fees", params(("id" = i64, Path)), request_body = DeclineNoticeInput, responses((status = 200, body = PaymentNoticeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn decline_notice(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<DeclineNoticeInput>,
) -> Result<Json<PaymentNoticeView>, ApiError> {
    Ok(Json(fees::decline_notice(&s.app, &a, id, &v).await?))
}

/// The tenant adds a transfer slip's photo to its pending notice: the body
/// is the image (JPEG, PNG or WebP, ≤ 10 MiB; at most three).
#[utoipa::path(post, path = "/payment-notices/{id}/photos", tag = "fees", params(("id" = i64, Path)), request_body(content = Vec<u8>, content_type = "image/jpeg"), responses((status = 201, body = PaymentNoticeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_photo(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiBytes(body): ApiBytes,
) -> Result<(StatusCode, Json<PaymentNoticeView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(fees::add_notice_photo(&s.app, &a, id, &body).await?),
    ))
}

/// A notice's photo (`thumb=true`: the 320-pixel JPEG).
#[utoipa::path(get, path = "/payment-notices/{id}/photos/{photo_id}", tag = "fees", params(("id" = i64, Path), ("photo_id" = i64, Path), super::tickets::PhotoQuery), responses((status = 200, description = "the image"), (status = 404, body = ErrorBody)))]
async fn photo(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, photo_id)): Path<(i64, i64)>,
    ApiQuery(q): ApiQuery<super::tickets::PhotoQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let (ty, bytes) =
        fees::notice_photo(&s.app, &a, id, photo_id, q.thumb.unwrap_or(false)).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, ty)], bytes).into_response())
}
