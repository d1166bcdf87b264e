//! `/deliveries`, `/robots`, `/notification-settings`: what went out beyond
//! the bell and how (CONTRACT.md "Tenant portal and delivery").

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lobby_app::delivery::{self, DeliveryQuery, DeliveryView, NotifyPrefs, RobotInput, RobotView};
use lobby_app::page::Page;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(list))
        .routes_once(routes!(resend))
        .routes_once(routes!(robots, add_robot))
        .routes_once(routes!(update_robot))
        .routes_once(routes!(get_prefs, put_prefs))
}

/// Each notification's delivery per channel (`email`|`wecom`|`dingtalk`|
/// `webhook`) with its `state` (`pending`|`sent`|`failed`|`dead`),
/// `attempts` and `last_error`, newest first (admin).
#[utoipa::path(get, path = "/deliveries", tag = "delivery", params(DeliveryQuery),
    responses((status = 200, body = Page<DeliveryView>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<DeliveryQuery>,
) -> Result<Json<Page<DeliveryView>>, ApiError> {
    Ok(Json(delivery::list(&s.app, &a, &q).await?))
}

/// Send a dead (or failing) delivery again from its first attempt; 409 for
/// one that is pending or sent.
#[utoipa::path(post, path = "/deliveries/{id}/resend", tag = "delivery", params(("id" = i64, Path)),
    responses((status = 200, body = DeliveryView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn resend(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<DeliveryView>, ApiError> {
    Ok(Json(delivery::resend(&s.app, &a, id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct RobotQuery {
    pub site_id: i64,
}

/// A site's group robots (WeCom, DingTalk) and webhooks; secrets and the
/// address's key are never shown.
#[utoipa::path(get, path = "/robots", tag = "delivery", params(super::PageQ, RobotQuery),
    responses((status = 200, body = lobby_app::page::Page<RobotView>), (status = 403, body = ErrorBody)))]
async fn robots(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<RobotQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<lobby_app::page::Page<RobotView>>, ApiError> {
    super::paged(delivery::robots(&s.app, &a, q.site_id).await?, &pq)
}

/// Add a group robot or webhook: it gets the notifications to its `roles`
/// of its `kinds` (empty: all), once per message.
#[utoipa::path(post, path = "/robots", tag = "delivery", request_body = RobotInput,
    responses((status = 201, body = RobotView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_robot(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<RobotInput>,
) -> Result<(StatusCode, Json<RobotView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(delivery::add_robot(&s.app, &a, &i).await?),
    ))
}

/// Replace a robot's settings (`active: false` turns it off; an absent
/// `secret` keeps the one set).
#[utoipa::path(put, path = "/robots/{id}", tag = "delivery", params(("id" = i64, Path)), request_body = RobotInput,
    responses((status = 200, body = RobotView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_robot(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<RobotInput>,
) -> Result<Json<RobotView>, ApiError> {
    Ok(Json(delivery::update_robot(&s.app, &a, id, &i).await?))
}

/// The caller's own delivery choices: e-mail address, e-mail on or off,
/// quiet hours.
#[utoipa::path(get, path = "/notification-settings", tag = "delivery",
    responses((status = 200, body = NotifyPrefs), (status = 401, body = ErrorBody)))]
async fn get_prefs(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
) -> Result<Json<NotifyPrefs>, ApiError> {
    Ok(Json(delivery::prefs(&s.app, &a).await?))
}

#[utoipa::path(put, path = "/notification-settings", tag = "delivery", request_body = NotifyPrefs,
    responses((status = 200, body = NotifyPrefs), (status = 422, body = ErrorBody)))]
async fn put_prefs(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<NotifyPrefs>,
) -> Result<Json<NotifyPrefs>, ApiError> {
    Ok(Json(delivery::put_prefs(&s.app, &a, &i).await?))
}
