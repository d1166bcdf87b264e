//! `/work-log` and `/liaison-items`: the supervisor's and the project
//! manager's work log (工作日志) and the government-liaison register.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lobby_app::work_log::{
    self, DayQuery, EntryInput, EntryView, LiaisonInput, LiaisonView, ResponseInput,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(entries, add_entry))
        .routes_once(routes!(register, add_liaison))
        .routes_once(routes!(respond))
}

/// A day's work log (today when `day` is absent).
#[utoipa::path(get, path = "/work-log", tag = "department", params(super::PageQ, DayQuery),
    responses((status = 200, body = lobby_app::page::Page<EntryView>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn entries(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<DayQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<lobby_app::page::Page<EntryView>>, ApiError> {
    super::paged(work_log::entries(&s.app, &a, &q).await?, &pq)
}

/// Write an entry (`topic` `note`|`arrears`|`government`|`decision`, `text`,
/// `day` not ahead of today).
#[utoipa::path(post, path = "/work-log", tag = "department", request_body = EntryInput,
    responses((status = 201, body = EntryView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_entry(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<EntryInput>,
) -> Result<(StatusCode, Json<EntryView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(work_log::add_entry(&s.app, &a, &i).await?),
    ))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct SiteQ {
    site_id: i64,
}

/// The government-liaison register: open items first, nearest deadline
/// first, with `overdue` and `days_left`.
#[utoipa::path(get, path = "/liaison-items", tag = "department", params(super::PageQ, SiteQ),
    responses((status = 200, body = lobby_app::page::Page<LiaisonView>), (status = 403, body = ErrorBody)))]
async fn register(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SiteQ>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<lobby_app::page::Page<LiaisonView>>, ApiError> {
    super::paged(work_log::register(&s.app, &a, q.site_id).await?, &pq)
}

/// Register a contact with an authority (an inspection, a notice, a
/// meeting, a filing) with its deadline; it goes into the day's work log.
#[utoipa::path(post, path = "/liaison-items", tag = "department", request_body = LiaisonInput,
    responses((status = 201, body = LiaisonView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_liaison(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<LiaisonInput>,
) -> Result<(StatusCode, Json<LiaisonView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(work_log::add_liaison(&s.app, &a, &i).await?),
    ))
}

/// Record what was answered or done; the item closes (409 when answered).
#[utoipa::path(post, path = "/liaison-items/{id}/response", tag = "department", params(("id" = i64, Path)),
    request_body = ResponseInput,
    responses((status = 200, body = LiaisonView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn respond(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<ResponseInput>,
) -> Result<Json<LiaisonView>, ApiError> {
    Ok(Json(work_log::respond(&s.app, &a, id, &i).await?))
}
