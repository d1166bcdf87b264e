//! `/sites/{id}/trends`: the manager's trends — service level met,
//! complaints and collection rate by month, arrears by age.

use axum::extract::{Path, State};
use axum::Json;
use lobby_app::trends::{self, Trends};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiActor;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes_once(routes!(get_trends))
}

/// The last six months, month by month (this one to date): work orders
/// resolved in time, complaints, the collection rate; and what is past due
/// today by age. The money figures only for who reads the fee reports.
#[utoipa::path(get, path = "/sites/{id}/trends", tag = "tickets", params(("id" = i64, Path)), responses((status = 200, body = Trends), (status = 403, body = ErrorBody)))]
async fn get_trends(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<Trends>, ApiError> {
    Ok(Json(trends::trends(&s.app, &a, id).await?))
}
