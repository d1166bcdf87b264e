//! `/supervision`, `/supervised` and `/proposals`: supervising the other
//! departments and the outsourced services, and proposals (合理化建议).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lobby_app::supervision::{
    self, CriterionInput, ProposalInput, ProposalStepInput, ProposalView, ServiceCriteria,
    SiteQuery, SupervisedInput, SupervisedView, SupervisionEvaluationInput, SupervisionMonth,
    SupervisionQuery,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(month))
        .routes_once(routes!(add))
        .routes_once(routes!(evaluate))
        .routes_once(routes!(list_proposals, propose))
        .routes_once(routes!(step))
        .routes_once(routes!(criteria))
        .routes_once(routes!(set_criteria))
}

/// Every service's criteria at the site (its own, else the defaults).
#[utoipa::path(get, path = "/supervision-criteria", tag = "department", params(SiteQuery),
    responses((status = 200, body = Vec<ServiceCriteria>), (status = 403, body = ErrorBody)))]
async fn criteria(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SiteQuery>,
) -> Result<Json<Vec<ServiceCriteria>>, ApiError> {
    Ok(Json(supervision::criteria(&s.app, &a, q.site_id).await?))
}

/// Set the site's own criteria for a service (weights add up to 100; an
/// empty list goes back to the defaults). Evaluations saved keep theirs.
#[utoipa::path(put, path = "/supervision-criteria/{service}", tag = "department",
    params(("service" = String, Path), SiteQuery), request_body = Vec<CriterionInput>,
    responses((status = 200, body = Vec<ServiceCriteria>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_criteria(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(service): Path<String>,
    ApiQuery(q): ApiQuery<SiteQuery>,
    ApiJson(list): ApiJson<Vec<CriterionInput>>,
) -> Result<Json<Vec<ServiceCriteria>>, ApiError> {
    Ok(Json(
        supervision::set_criteria(&s.app, &a, q.site_id, &service, &list).await?,
    ))
}

/// Everyone the site supervises, each with its service's criteria and the
/// month's evaluation when made.
#[utoipa::path(get, path = "/supervision", tag = "department", params(SupervisionQuery),
    responses((status = 200, body = SupervisionMonth), (status = 403, body = ErrorBody)))]
async fn month(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SupervisionQuery>,
) -> Result<Json<SupervisionMonth>, ApiError> {
    Ok(Json(supervision::month(&s.app, &a, &q).await?))
}

/// Add a department or contractor the site supervises (`service`
/// `security`|`engineering`|`lift`|`fire_system`|`pest_control`|`landscaping`|`other`).
#[utoipa::path(post, path = "/supervised", tag = "department", request_body = SupervisedInput,
    responses((status = 201, body = SupervisedView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<SupervisedInput>,
) -> Result<(StatusCode, Json<SupervisedView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(supervision::add_supervised(&s.app, &a, &i).await?),
    ))
}

/// Save (or revise) the month's evaluation: a score 0–100 for every
/// criterion of the service.
#[utoipa::path(put, path = "/supervised/{id}/evaluations/{month}", tag = "department",
    params(("id" = i64, Path), ("month" = String, Path)), request_body = SupervisionEvaluationInput,
    responses((status = 200, body = SupervisedView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn evaluate(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, month)): Path<(i64, String)>,
    ApiJson(i): ApiJson<SupervisionEvaluationInput>,
) -> Result<Json<SupervisedView>, ApiError> {
    Ok(Json(
        supervision::evaluate(&s.app, &a, id, &month, &i).await?,
    ))
}

/// The site's proposals (合理化建议), open and adopted first.
#[utoipa::path(get, path = "/proposals", tag = "department", params(super::PageQ, SiteQuery),
    responses((status = 200, body = lobby_app::page::Page<ProposalView>), (status = 403, body = ErrorBody)))]
async fn list_proposals(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SiteQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<lobby_app::page::Page<ProposalView>>, ApiError> {
    super::paged(supervision::proposals(&s.app, &a, q.site_id).await?, &pq)
}

/// Make a proposal; the project manager is told.
#[utoipa::path(post, path = "/proposals", tag = "department", request_body = ProposalInput,
    responses((status = 201, body = ProposalView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn propose(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<ProposalInput>,
) -> Result<(StatusCode, Json<ProposalView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(supervision::propose(&s.app, &a, &i).await?),
    ))
}

/// The project manager's step: `adopt`, `decline` (with why) or `done`
/// (with what was done); the proposer is told.
#[utoipa::path(post, path = "/proposals/{id}/{step}", tag = "department",
    params(("id" = i64, Path), ("step" = String, Path)), request_body = ProposalStepInput,
    responses((status = 200, body = ProposalView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn step(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, step)): Path<(i64, String)>,
    ApiJson(i): ApiJson<ProposalStepInput>,
) -> Result<Json<ProposalView>, ApiError> {
    Ok(Json(supervision::step(&s.app, &a, id, &step, &i).await?))
}
