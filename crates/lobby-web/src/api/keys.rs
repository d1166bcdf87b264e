//! `/keys`: the key register (钥匙管理) — keys with their copies, issue and
//! return of a copy, the overdue ones.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lobby_app::keys::{
    self, ChargeLossInput, IssueInput, KeyInput, KeyQuery, KeyView, LoanView, LossView, LostInput,
    ReturnInput, SettleInput,
};
use lobby_app::page::Page;
use serde::Serialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(list, create))
        .routes_once(routes!(get_key))
        .routes_once(routes!(issue))
        .routes_once(routes!(give_back))
        .routes_once(routes!(lost))
        .routes_once(routes!(settle))
        .routes_once(routes!(losses_to_charge))
        .routes_once(routes!(charge_loss))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct LossQuery {
    pub site_id: i64,
}

/// Lost copies whose replacement the desk proposed to charge and finance
/// has not charged yet (finance).
#[utoipa::path(get, path = "/key-losses/to-charge", tag = "keys", params(LossQuery, super::PageQ), responses((status = 200, body = Page<LossView>), (status = 403, body = ErrorBody)))]
async fn losses_to_charge(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<LossQuery>,
    ApiQuery(pq): ApiQuery<super::PageQ>,
) -> Result<Json<Page<LossView>>, ApiError> {
    super::paged(keys::losses_to_charge(&s.app, &a, q.site_id).await?, &pq)
}

/// Finance charges a lost copy's replacement (a one-off charge on the
/// next statement): `fee_item_id` default the proposed one, `tenant_id`
/// default the loss's tenant. Once: again is 409 `invalid_transition`.
#[utoipa::path(post, path = "/key-losses/{id}/charge", tag = "keys", params(("id" = i64, Path)), request_body = ChargeLossInput, responses((status = 200, body = LossView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn charge_loss(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<ChargeLossInput>,
) -> Result<Json<LossView>, ApiError> {
    Ok(Json(keys::charge_loss(&s.app, &a, id, &v).await?))
}

/// A lost copy `found` or `replaced` (`how`): in service again. Once: a
/// loss settled already is 409 `invalid_transition`.
#[utoipa::path(post, path = "/keys/{id}/losses/{loss_id}/settle", tag = "keys", params(("id" = i64, Path), ("loss_id" = i64, Path)), request_body = SettleInput, responses((status = 200, body = LossView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn settle(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, loss_id)): Path<(i64, i64)>,
    ApiJson(v): ApiJson<SettleInput>,
) -> Result<Json<LossView>, ApiError> {
    Ok(Json(keys::settle_loss(&s.app, &a, id, loss_id, &v).await?))
}

/// Records a lost copy (钥匙遗失): its loan closes as lost and the copy is
/// out of service until found or replaced (`/keys/{id}/losses/{loss_id}/settle`);
/// a copy lost already is 409 `invalid_transition`. With a one-off
/// `fee_item_id` (finance only: 403 otherwise) the replacement is charged
/// to the unit's tenant, or to `tenant_id` (another tenant: finance only),
/// on the next statement.
#[utoipa::path(post, path = "/keys/{id}/lost", tag = "keys", params(("id" = i64, Path)), request_body = LostInput, responses((status = 201, body = LossView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn lost(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<LostInput>,
) -> Result<(StatusCode, Json<LossView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(keys::lose_key(&s.app, &a, id, &v).await?),
    ))
}

/// The site's keys with how many copies are out and overdue (`overdue=true`:
/// only keys with a copy past its time).
#[utoipa::path(get, path = "/keys", tag = "keys", params(super::PageQ, KeyQuery), responses((status = 200, body = Page<KeyView>)))]
async fn list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<KeyQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<KeyView>>, ApiError> {
    super::paged(keys::keys(&s.app, &a, &q).await?, &pq)
}

/// A key for a unit (`unit_id`) or a place (`place`), with `copies`.
#[utoipa::path(post, path = "/keys", tag = "keys", request_body = KeyInput, responses((status = 201, body = KeyView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(v): ApiJson<KeyInput>,
) -> Result<(StatusCode, Json<KeyView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(keys::create_key(&s.app, &a, &v).await?),
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct KeyWithHistory {
    pub key: KeyView,
    /// Every loan, newest first.
    pub history: Vec<LoanView>,
}

#[utoipa::path(get, path = "/keys/{id}", tag = "keys", params(("id" = i64, Path)), responses((status = 200, body = KeyWithHistory), (status = 404, body = ErrorBody)))]
async fn get_key(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<KeyWithHistory>, ApiError> {
    let (key, history) = keys::key(&s.app, &a, id).await?;
    Ok(Json(KeyWithHistory { key, history }))
}

/// Issues a copy to a holder (409 when that copy, or every copy, is out).
#[utoipa::path(post, path = "/keys/{id}/issue", tag = "keys", params(("id" = i64, Path)), request_body = IssueInput, responses((status = 201, body = LoanView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn issue(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<IssueInput>,
) -> Result<(StatusCode, Json<LoanView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(keys::issue_key(&s.app, &a, id, &v).await?),
    ))
}

/// Takes a copy back (`copy`, or the only one out).
#[utoipa::path(post, path = "/keys/{id}/return", tag = "keys", params(("id" = i64, Path)), request_body = ReturnInput, responses((status = 200, body = LoanView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn give_back(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<ReturnInput>,
) -> Result<Json<LoanView>, ApiError> {
    Ok(Json(keys::return_key(&s.app, &a, id, &v).await?))
}
