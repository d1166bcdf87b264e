//! `/announcements`: management's notices and planned outages
//! (通知/停水停电).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lobby_app::announcements::{self, AnnouncementInput, AnnouncementQuery, AnnouncementView};
use lobby_app::page::Page;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(list, publish))
        .routes_once(routes!(withdraw))
}

/// A site's notices, newest first (`current=true`: still in force). A
/// tenant's account sees those reaching its units, without the desk's
/// `callers_script`.
#[utoipa::path(get, path = "/announcements", tag = "announcements", params(AnnouncementQuery),
    responses((status = 200, body = Page<AnnouncementView>), (status = 403, body = ErrorBody)))]
async fn list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<AnnouncementQuery>,
) -> Result<Json<Page<AnnouncementView>>, ApiError> {
    Ok(Json(announcements::list(&s.app, &a, &q).await?))
}

/// Post a notice to the site, a building or a floor; with `outage`, a
/// planned outage (`starts_at`, `ends_at` required). The tenants it reaches
/// are notified.
#[utoipa::path(post, path = "/announcements", tag = "announcements", request_body = AnnouncementInput,
    responses((status = 201, body = AnnouncementView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn publish(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<AnnouncementInput>,
) -> Result<(StatusCode, Json<AnnouncementView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(announcements::publish(&s.app, &a, &i).await?),
    ))
}

/// Withdraw a notice (kept on record); 409 when already withdrawn.
#[utoipa::path(post, path = "/announcements/{id}/withdraw", tag = "announcements", params(("id" = i64, Path)),
    responses((status = 200, body = AnnouncementView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn withdraw(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<AnnouncementView>, ApiError> {
    Ok(Json(announcements::withdraw(&s.app, &a, id).await?))
}
