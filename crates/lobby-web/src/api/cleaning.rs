//! Cleaning, greening and pest control (保洁/绿化/虫控): `/vendors`,
//! `/cleaning-plans`, `/cleaning-tasks`, `/cleaning-day`,
//! `/vendor-headcounts`, `/inspections`, `/rectification-notices`,
//! `/evaluation-criteria`, `/evaluations`, `/quality-checks`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use lobby_app::cleaning::{self as cl, *};
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
        .routes_once(routes!(vendor_list, vendor_create))
        .routes_once(routes!(vendor_get, vendor_update))
        .routes_once(routes!(plan_list, plan_create))
        .routes_once(routes!(plan_change))
        .routes_once(routes!(plan_end))
        .routes_once(routes!(task_list))
        .routes_once(routes!(task_done))
        .routes_once(routes!(day))
        .routes_once(routes!(headcount))
        .routes_once(routes!(inspection_list, inspection_create))
        .routes_once(routes!(inspection_get))
        .routes_once(routes!(notice_list, notice_create))
        .routes_once(routes!(notice_get))
        .routes_once(routes!(notice_act))
        .routes_once(routes!(criteria_get, criteria_put))
        .routes_once(routes!(evaluation_get, evaluation_put))
        .routes_once(routes!(evaluation_list))
        .routes_once(routes!(quality_list, quality_create))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct SiteParam {
    pub site_id: Option<i64>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct VendorParam {
    pub site_id: Option<i64>,
    pub vendor_id: Option<i64>,
}

fn site(a: &lobby_app::Actor, s: Option<i64>) -> Result<i64, ApiError> {
    Ok(lobby_app::scope::site_of(a, s)?)
}

fn date(field: &str, v: Option<&str>) -> Result<Option<jiff::civil::Date>, ApiError> {
    match v.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(d) => d.parse().map(Some).map_err(|_| {
            ApiError(lobby_app::AppError::invalid(
                field,
                format!("{field} must be a date like 2026-11-26"),
            ))
        }),
    }
}

/// Vendors and their contracts (a vendor's account: its own).
#[utoipa::path(get, path = "/vendors", tag = "cleaning", params(super::PageQ, SiteParam), responses((status = 200, body = Page<VendorView>)))]
async fn vendor_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(p): ApiQuery<SiteParam>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<VendorView>>, ApiError> {
    let site = site(&a, p.site_id)?;
    super::paged(cl::vendors(&s.app, &a, site).await?, &pq)
}

#[utoipa::path(post, path = "/vendors", tag = "cleaning", request_body = VendorInput, responses((status = 201, body = VendorView), (status = 422, body = ErrorBody)))]
async fn vendor_create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<VendorInput>,
) -> Result<(StatusCode, Json<VendorView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(cl::create_vendor(&s.app, &a, &i).await?),
    ))
}

#[utoipa::path(get, path = "/vendors/{id}", tag = "cleaning", params(("id" = i64, Path)), responses((status = 200, body = VendorView), (status = 404, body = ErrorBody)))]
async fn vendor_get(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<VendorView>, ApiError> {
    Ok(Json(cl::vendor(&s.app, &a, id).await?))
}

#[utoipa::path(put, path = "/vendors/{id}", tag = "cleaning", params(("id" = i64, Path)), request_body = VendorInput, responses((status = 200, body = VendorView), (status = 422, body = ErrorBody)))]
async fn vendor_update(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<VendorInput>,
) -> Result<Json<VendorView>, ApiError> {
    Ok(Json(cl::update_vendor(&s.app, &a, id, &i).await?))
}

/// Task plans, every version (an ended one has `valid_until`).
#[utoipa::path(get, path = "/cleaning-plans", tag = "cleaning", params(super::PageQ, VendorParam), responses((status = 200, body = Page<PlanView>)))]
async fn plan_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(p): ApiQuery<VendorParam>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<PlanView>>, ApiError> {
    let site = site(&a, p.site_id)?;
    super::paged(cl::plans(&s.app, &a, site, p.vendor_id).await?, &pq)
}

/// A recurring task: daily (`times_per_day`), weekly (`weekdays` `1,3,5`)
/// or monthly (`day_of_month`), from `valid_from` (today or later).
#[utoipa::path(post, path = "/cleaning-plans", tag = "cleaning", request_body = PlanInput, responses((status = 201, body = PlanView), (status = 422, body = ErrorBody)))]
async fn plan_create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<PlanInput>,
) -> Result<(StatusCode, Json<PlanView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(cl::create_plan(&s.app, &a, &i).await?),
    ))
}

/// Change a plan from `valid_from` (today when absent): the old version
/// ends the day before; days already past keep their tasks. → the new version.
#[utoipa::path(put, path = "/cleaning-plans/{id}", tag = "cleaning", params(("id" = i64, Path)), request_body = PlanInput, responses((status = 200, body = PlanView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn plan_change(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<PlanInput>,
) -> Result<Json<PlanView>, ApiError> {
    Ok(Json(cl::change_plan(&s.app, &a, id, &i).await?))
}

/// End a plan after today.
#[utoipa::path(post, path = "/cleaning-plans/{id}/end", tag = "cleaning", params(("id" = i64, Path)), responses((status = 200, body = PlanView), (status = 409, body = ErrorBody)))]
async fn plan_end(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<PlanView>, ApiError> {
    Ok(Json(cl::end_plan(&s.app, &a, id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct TaskQuery {
    pub site_id: Option<i64>,
    pub vendor_id: Option<i64>,
    /// First day; today when absent.
    pub from: Option<String>,
    /// Last day (at most 62 days on); `from` when absent.
    pub to: Option<String>,
}

/// The tasks of a span of days, from the plans.
#[utoipa::path(get, path = "/cleaning-tasks", tag = "cleaning", params(super::PageQ, TaskQuery), responses((status = 200, body = Page<TaskView>), (status = 422, body = ErrorBody)))]
async fn task_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<TaskQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<TaskView>>, ApiError> {
    let site_id = site(&a, q.site_id)?;
    let tz = lobby_app::sites::site(&s.app, &a, site_id).await?.timezone;
    let today = lobby_app::time::local_date(s.app.now(), &tz)?;
    let from = date("from", q.from.as_deref())?.unwrap_or(today);
    let to = date("to", q.to.as_deref())?.unwrap_or(from);
    super::paged(
        cl::tasks(&s.app, &a, site_id, q.vendor_id, from, to).await?,
        &pq,
    )
}

/// The vendor marks a task done.
#[utoipa::path(post, path = "/cleaning-tasks/{id}/done", tag = "cleaning", params(("id" = i64, Path)), responses((status = 200, body = TaskView), (status = 409, body = ErrorBody)))]
async fn task_done(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<TaskView>, ApiError> {
    Ok(Json(cl::mark_done(&s.app, &a, id, None).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct DayQuery {
    pub site_id: Option<i64>,
    pub date: Option<String>,
}

/// A day at a glance: tasks done vs planned and headcount vs contract per vendor.
#[utoipa::path(get, path = "/cleaning-day", tag = "cleaning", params(DayQuery), responses((status = 200, body = DayView)))]
async fn day(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<DayQuery>,
) -> Result<Json<DayView>, ApiError> {
    let site_id = site(&a, q.site_id)?;
    let d = date("date", q.date.as_deref())?;
    Ok(Json(cl::day_overview(&s.app, &a, site_id, d).await?))
}

/// The vendor reports today's headcount at shift start.
#[utoipa::path(post, path = "/vendor-headcounts", tag = "cleaning", request_body = HeadcountInput, responses((status = 200, body = DayView), (status = 422, body = ErrorBody)))]
async fn headcount(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<HeadcountInput>,
) -> Result<Json<DayView>, ApiError> {
    Ok(Json(cl::report_headcount(&s.app, &a, &i).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListParam {
    pub site_id: Option<i64>,
    pub vendor_id: Option<i64>,
    /// true: only notices not closed.
    pub open: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/inspections", tag = "cleaning", params(ListParam), responses((status = 200, body = Page<InspectionView>)))]
async fn inspection_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<ListParam>,
) -> Result<Json<Page<InspectionView>>, ApiError> {
    let site_id = site(&a, q.site_id)?;
    Ok(Json(
        cl::inspections(
            &s.app,
            &a,
            site_id,
            q.vendor_id,
            q.cursor.as_deref(),
            q.limit,
        )
        .await?,
    ))
}

/// Inspect a task or an area: pass / fail with a score; a fail with
/// `issue_notice` serves a rectification notice at once.
#[utoipa::path(post, path = "/inspections", tag = "cleaning", request_body = InspectionInput, responses((status = 201, body = InspectionView), (status = 422, body = ErrorBody)))]
async fn inspection_create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<InspectionInput>,
) -> Result<(StatusCode, Json<InspectionView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(cl::inspect(&s.app, &a, &i, &[]).await?),
    ))
}

#[utoipa::path(get, path = "/inspections/{id}", tag = "cleaning", params(("id" = i64, Path)), responses((status = 200, body = InspectionView), (status = 404, body = ErrorBody)))]
async fn inspection_get(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<InspectionView>, ApiError> {
    Ok(Json(cl::inspection(&s.app, &a, id).await?))
}

/// Rectification notices (清洁整改通知书), newest first (a vendor: its own).
#[utoipa::path(get, path = "/rectification-notices", tag = "cleaning", params(ListParam), responses((status = 200, body = Page<NoticeView>)))]
async fn notice_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<ListParam>,
) -> Result<Json<Page<NoticeView>>, ApiError> {
    let site_id = site(&a, q.site_id)?;
    Ok(Json(
        cl::notices(
            &s.app,
            &a,
            site_id,
            q.vendor_id,
            q.open.unwrap_or(false),
            q.cursor.as_deref(),
            q.limit,
        )
        .await?,
    ))
}

/// Serve a notice (after a failed inspection or a tenant's cleaning complaint).
#[utoipa::path(post, path = "/rectification-notices", tag = "cleaning", request_body = NoticeInput, responses((status = 201, body = NoticeView), (status = 422, body = ErrorBody)))]
async fn notice_create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<NoticeInput>,
) -> Result<(StatusCode, Json<NoticeView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(cl::issue_notice(&s.app, &a, &i).await?),
    ))
}

/// A notice with its history; another vendor's is 404.
#[utoipa::path(get, path = "/rectification-notices/{id}", tag = "cleaning", params(("id" = i64, Path)), responses((status = 200, body = NoticeView), (status = 404, body = ErrorBody)))]
async fn notice_get(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<NoticeView>, ApiError> {
    Ok(Json(cl::notice(&s.app, &a, id).await?))
}

/// `acknowledge`, `report_fix` (the vendor); `close`, `send_back` (the
/// inspector). A wrong state is 409 `invalid_transition`.
#[utoipa::path(post, path = "/rectification-notices/{id}/actions", tag = "cleaning", params(("id" = i64, Path)), request_body = NoticeActionInput,
    responses((status = 200, body = NoticeView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn notice_act(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<NoticeActionInput>,
) -> Result<Json<NoticeView>, ApiError> {
    Ok(Json(cl::act_notice(&s.app, &a, id, &i).await?))
}

/// The evaluation criteria and weights of a site.
#[utoipa::path(get, path = "/evaluation-criteria", tag = "cleaning", params(super::PageQ, SiteParam), responses((status = 200, body = Page<CriterionView>)))]
async fn criteria_get(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(p): ApiQuery<SiteParam>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<CriterionView>>, ApiError> {
    let site = site(&a, p.site_id)?;
    super::paged(cl::criteria(&s.app, &a, site).await?, &pq)
}

/// Replace the criteria (weights add up to 100).
#[utoipa::path(put, path = "/evaluation-criteria", tag = "cleaning", params(SiteParam), request_body = Vec<CriterionView>, responses((status = 200, body = Page<CriterionView>), (status = 422, body = ErrorBody)))]
async fn criteria_put(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(p): ApiQuery<SiteParam>,
    ApiJson(list): ApiJson<Vec<CriterionView>>,
) -> Result<Json<Page<CriterionView>>, ApiError> {
    let site = site(&a, p.site_id)?;
    Ok(Json(Page {
        items: cl::set_criteria(&s.app, &a, site, &list).await?,
        next_cursor: None,
    }))
}

/// A vendor's evaluation of a month: saved, or a draft pre-filled from the month's figures.
#[utoipa::path(get, path = "/vendors/{id}/evaluations/{month}", tag = "cleaning", params(("id" = i64, Path), ("month" = String, Path)), responses((status = 200, body = EvaluationView), (status = 422, body = ErrorBody)))]
async fn evaluation_get(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, month)): Path<(i64, String)>,
) -> Result<Json<EvaluationView>, ApiError> {
    Ok(Json(cl::evaluation(&s.app, &a, id, &month).await?))
}

/// Save the month's evaluation with the supervisor's scores.
#[utoipa::path(put, path = "/vendors/{id}/evaluations/{month}", tag = "cleaning", params(("id" = i64, Path), ("month" = String, Path)), request_body = EvaluationInput, responses((status = 200, body = EvaluationView), (status = 422, body = ErrorBody)))]
async fn evaluation_put(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, month)): Path<(i64, String)>,
    ApiJson(mut i): ApiJson<EvaluationInput>,
) -> Result<Json<EvaluationView>, ApiError> {
    i.month = month;
    Ok(Json(cl::save_evaluation(&s.app, &a, id, &i).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct EvalQuery {
    pub site_id: Option<i64>,
    pub vendor_id: Option<i64>,
    /// `json` (default) or `xlsx`.
    pub format: Option<String>,
}

/// Saved evaluations, newest month first (the trend per vendor).
#[utoipa::path(get, path = "/evaluations", tag = "cleaning", params(super::PageQ, EvalQuery), responses((status = 200, body = Page<EvaluationRowView>)))]
async fn evaluation_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<EvalQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Response, ApiError> {
    let site = site(&a, q.site_id)?;
    let rows = cl::evaluations(&s.app, &a, site, q.vendor_id).await?;
    match q.format.as_deref() {
        None | Some("json") => Ok(super::paged(rows, &pq)?.into_response()),
        Some("xlsx") => Ok(crate::files::xlsx_response(
            cl::evaluations_xlsx(&rows)?,
            "evaluations.xlsx",
        )),
        Some(_) => Err(ApiError(lobby_app::AppError::invalid(
            "format",
            "format must be json or xlsx",
        ))),
    }
}

/// Quality checks of consumables and plant displays.
#[utoipa::path(get, path = "/quality-checks", tag = "cleaning", params(super::PageQ, VendorParam), responses((status = 200, body = Page<QualityView>)))]
async fn quality_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(p): ApiQuery<VendorParam>,
    ApiQuery(pq): ApiQuery<super::PageQ>,
) -> Result<Json<Page<QualityView>>, ApiError> {
    let site = site(&a, p.site_id)?;
    super::paged(
        cl::quality_checks(&s.app, &a, site, p.vendor_id).await?,
        &pq,
    )
}

#[utoipa::path(post, path = "/quality-checks", tag = "cleaning", request_body = QualityInput, responses((status = 201, body = QualityView), (status = 422, body = ErrorBody)))]
async fn quality_create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<QualityInput>,
) -> Result<(StatusCode, Json<QualityView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(cl::record_quality(&s.app, &a, &i).await?),
    ))
}
