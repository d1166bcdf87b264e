//! `/training-sessions`: training (培训) — sessions with each person's
//! result, vendors' sessions checked, each person's record.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lobby_app::training::{
    self, TrainingInput, TrainingMonth, TrainingQuery, TrainingRecord, TrainingView,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(month, record))
        .routes_once(routes!(person))
}

/// A month's sessions with the department's hours per person.
#[utoipa::path(get, path = "/training-sessions", tag = "training", params(TrainingQuery),
    responses((status = 200, body = TrainingMonth), (status = 403, body = ErrorBody)))]
async fn month(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<TrainingQuery>,
) -> Result<Json<TrainingMonth>, ApiError> {
    Ok(Json(training::month(&s.app, &a, &q).await?))
}

/// Record a session held (topic, trainer, `held_on`, `hours` like `1.5`)
/// with each person's `result` (`pass`|`fail`|`absent`) and `score`; or a
/// vendor's own session checked (`vendor_id`, `vendor_headcount`).
#[utoipa::path(post, path = "/training-sessions", tag = "training", request_body = TrainingInput,
    responses((status = 201, body = TrainingView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<TrainingInput>,
) -> Result<(StatusCode, Json<TrainingView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(training::record(&s.app, &a, &i).await?),
    ))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct SiteQ {
    site_id: i64,
}

/// A person's training record at a site (one's own, or anyone's for who
/// reads the site's training).
#[utoipa::path(get, path = "/training-records/{user_id}", tag = "training", params(("user_id" = i64, Path), SiteQ),
    responses((status = 200, body = TrainingRecord), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn person(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(user_id): Path<i64>,
    ApiQuery(q): ApiQuery<SiteQ>,
) -> Result<Json<TrainingRecord>, ApiError> {
    Ok(Json(
        training::record_of(&s.app, &a, q.site_id, user_id).await?,
    ))
}
