//! `/sla-policies` and `/holidays`: a site's service levels and the days
//! that are not working days.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lobby_app::page::Page;
use lobby_app::tickets::sla::{self, Holiday, LevelView};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(list_levels, set_level))
        .routes_once(routes!(list_holidays, add_holiday))
        .routes_once(routes!(remove_holiday))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct SiteQuery {
    pub site_id: i64,
}

/// Every kind × priority with the level in force (`is_default` when none is stored).
#[utoipa::path(get, path = "/sla-policies", tag = "tickets", params(super::PageQ, SiteQuery), responses((status = 200, body = Page<LevelView>)))]
async fn list_levels(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SiteQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<LevelView>>, ApiError> {
    super::paged(sla::levels(&s.app, &a, q.site_id).await?, &pq)
}

/// Set one kind × priority (admin, project manager); applies to tickets created from now on.
#[utoipa::path(put, path = "/sla-policies", tag = "tickets", params(SiteQuery), request_body = LevelView, responses((status = 200, body = LevelView), (status = 422, body = ErrorBody)))]
async fn set_level(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SiteQuery>,
    ApiJson(v): ApiJson<LevelView>,
) -> Result<Json<LevelView>, ApiError> {
    Ok(Json(sla::set_level(&s.app, &a, q.site_id, &v).await?))
}

#[utoipa::path(get, path = "/holidays", tag = "tickets", params(super::PageQ, SiteQuery), responses((status = 200, body = Page<Holiday>)))]
async fn list_holidays(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SiteQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<Holiday>>, ApiError> {
    super::paged(sla::holidays(&s.app, &a, q.site_id).await?, &pq)
}

#[utoipa::path(post, path = "/holidays", tag = "tickets", params(SiteQuery), request_body = Holiday, responses((status = 201), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_holiday(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SiteQuery>,
    ApiJson(h): ApiJson<Holiday>,
) -> Result<StatusCode, ApiError> {
    sla::add_holiday(&s.app, &a, q.site_id, &h).await?;
    Ok(StatusCode::CREATED)
}

#[utoipa::path(delete, path = "/holidays/{day}", tag = "tickets", params(SiteQuery, ("day" = String, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
async fn remove_holiday(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SiteQuery>,
    Path(day): Path<String>,
) -> Result<StatusCode, ApiError> {
    sla::remove_holiday(&s.app, &a, q.site_id, &day).await?;
    Ok(StatusCode::NO_CONTENT)
}
