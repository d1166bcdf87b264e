//! `/digests`: the daily digest (每日简报) the supervisor and the project
//! manager are sent each morning, kept per site and day.

use axum::extract::{Path, State};
use axum::Json;
use lobby_app::digest::{self, DigestQuery, DigestView};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(list))
        .routes_once(routes!(get))
}

/// A site's digests, the newest day first.
#[utoipa::path(get, path = "/digests", tag = "digests", params(super::PageQ, DigestQuery),
    responses((status = 200, body = lobby_app::page::Page<DigestView>), (status = 403, body = ErrorBody)))]
async fn list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<DigestQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<lobby_app::page::Page<DigestView>>, ApiError> {
    super::paged(digest::list(&s.app, &a, q.site_id, 5000).await?, &pq)
}

/// One day's digest: its figures.
#[utoipa::path(get, path = "/digests/{id}", tag = "digests", params(("id" = i64, Path)),
    responses((status = 200, body = DigestView), (status = 404, body = ErrorBody)))]
async fn get(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<DigestView>, ApiError> {
    Ok(Json(digest::get(&s.app, &a, id).await?))
}
