//! `/sites/{id}/department-reports`: the monthly department report
//! (部门总结) — the month's figures, the supervisor's summary and plan,
//! the project manager's sign-off that archives it.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use lobby_app::department_reports::{
    self as reports, DepartmentReport, ReportListItem, ReportTextInput, SignInput,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(list))
        .routes_once(routes!(get_report, write))
        .routes_once(routes!(sign))
}

/// The last twelve months with each report's state (`unwritten`, `draft`,
/// `signed`), and any older report kept.
#[utoipa::path(get, path = "/sites/{id}/department-reports", tag = "department", params(super::PageQ, ("id" = i64, Path)),
    responses((status = 200, body = lobby_app::page::Page<ReportListItem>), (status = 403, body = ErrorBody)))]
async fn list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<lobby_app::page::Page<ReportListItem>>, ApiError> {
    super::paged(reports::reports(&s.app, &a, id).await?, &pq)
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct FormatQ {
    /// `json` (default) or `xlsx`.
    format: Option<String>,
}

/// The month's report (`2026-11`): figures as they are now for a draft, as
/// they were signed for a signed one; `?format=xlsx` for the workbook.
#[utoipa::path(get, path = "/sites/{id}/department-reports/{month}", tag = "department",
    params(("id" = i64, Path), ("month" = String, Path), FormatQ),
    responses((status = 200, body = DepartmentReport), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn get_report(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, month)): Path<(i64, String)>,
    ApiQuery(q): ApiQuery<FormatQ>,
) -> Result<Response, ApiError> {
    let format = q.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "xlsx") {
        return Err(ApiError(lobby_app::AppError::invalid(
            "format",
            "format must be json or xlsx",
        )));
    }
    let r = reports::report(&s.app, &a, id, &month).await?;
    Ok(if format == "xlsx" {
        crate::files::xlsx_response(
            reports::report_xlsx(&r)?,
            &format!("department-report-{}.xlsx", r.month),
        )
    } else {
        Json(r).into_response()
    })
}

/// Write (or rewrite) the month's summary and next month's plan (the
/// supervisor); 409 once it is signed.
#[utoipa::path(put, path = "/sites/{id}/department-reports/{month}", tag = "department",
    params(("id" = i64, Path), ("month" = String, Path)), request_body = ReportTextInput,
    responses((status = 200, body = DepartmentReport), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn write(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, month)): Path<(i64, String)>,
    ApiJson(i): ApiJson<ReportTextInput>,
) -> Result<Json<DepartmentReport>, ApiError> {
    Ok(Json(reports::write(&s.app, &a, id, &month, &i).await?))
}

/// Sign the month off (the project manager): after the month's end, with
/// the summary and plan written; the figures are frozen and nothing
/// changes after.
#[utoipa::path(post, path = "/sites/{id}/department-reports/{month}/sign", tag = "department",
    params(("id" = i64, Path), ("month" = String, Path)), request_body = SignInput,
    responses((status = 200, body = DepartmentReport), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn sign(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, month)): Path<(i64, String)>,
    ApiJson(i): ApiJson<SignInput>,
) -> Result<Json<DepartmentReport>, ApiError> {
    Ok(Json(reports::sign(&s.app, &a, id, &month, &i).await?))
}
