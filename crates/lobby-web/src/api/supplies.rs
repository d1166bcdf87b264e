//! `/requisitions`: supplies (办公用品申购) — ask, approve or reject,
//! receive, and the month's cost by department.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lobby_app::supplies::{
    self, DecisionInput, ReceiveInput, RequisitionInput, RequisitionView, SuppliesMonth,
    SuppliesQuery,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(month, request))
        .routes_once(routes!(approve))
        .routes_once(routes!(reject))
        .routes_once(routes!(receive))
}

/// The month's requisitions (and every one still open), with what was
/// received in the month by department and category.
#[utoipa::path(get, path = "/requisitions", tag = "supplies", params(SuppliesQuery),
    responses((status = 200, body = SuppliesMonth), (status = 403, body = ErrorBody)))]
async fn month(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SuppliesQuery>,
) -> Result<Json<SuppliesMonth>, ApiError> {
    Ok(Json(supplies::month(&s.app, &a, &q).await?))
}

/// Ask for supplies: 1–50 lines of item, quantity, unit and estimated
/// price in 分. The project manager is told.
#[utoipa::path(post, path = "/requisitions", tag = "supplies", request_body = RequisitionInput,
    responses((status = 201, body = RequisitionView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn request(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<RequisitionInput>,
) -> Result<(StatusCode, Json<RequisitionView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(supplies::request(&s.app, &a, &i).await?),
    ))
}

/// The project manager approves a submitted requisition (409 once decided).
#[utoipa::path(post, path = "/requisitions/{id}/approve", tag = "supplies", params(("id" = i64, Path)), request_body = DecisionInput,
    responses((status = 200, body = RequisitionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn approve(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<DecisionInput>,
) -> Result<Json<RequisitionView>, ApiError> {
    Ok(Json(
        supplies::decide(&s.app, &a, id, "approve", i.note.as_deref(), None).await?,
    ))
}

/// The project manager rejects a submitted requisition, saying why.
#[utoipa::path(post, path = "/requisitions/{id}/reject", tag = "supplies", params(("id" = i64, Path)), request_body = DecisionInput,
    responses((status = 200, body = RequisitionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn reject(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<DecisionInput>,
) -> Result<Json<RequisitionView>, ApiError> {
    Ok(Json(
        supplies::decide(&s.app, &a, id, "reject", i.note.as_deref(), None).await?,
    ))
}

/// The goods came: an approved requisition is received at `actual_fen`
/// (the estimate when absent); it counts in this month's cost.
#[utoipa::path(post, path = "/requisitions/{id}/receive", tag = "supplies", params(("id" = i64, Path)), request_body = ReceiveInput,
    responses((status = 200, body = RequisitionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn receive(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<ReceiveInput>,
) -> Result<Json<RequisitionView>, ApiError> {
    Ok(Json(
        supplies::decide(&s.app, &a, id, "receive", None, i.actual_fen).await?,
    ))
}
