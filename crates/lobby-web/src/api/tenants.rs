//! `/tenants`: the roster, the confidential night contact (absent from the
//! JSON for roles that may not read it), break-the-glass, visits, export
//! and import.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use lobby_app::page::Page;
use lobby_app::tenants::{
    self, EmergencyContact, ExportFormat, ImportPreview, ImportResult, TenantInputDto, TenantQuery,
    TenantView, VisitInput, VisitView,
};
use lobby_app::AppError;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use super::sites::Created;
use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiJson, ApiQuery};
use crate::files::{file_response, xlsx_response};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(list_tenants, create_tenant))
        .routes_once(routes!(get_tenant, update_tenant))
        .routes_once(routes!(break_glass))
        .routes_once(routes!(list_visits, add_visit))
        .routes_once(routes!(visits_due))
        .routes_once(routes!(export))
        .routes_once(routes!(import))
}

/// The roster: search by name (汉字), pinyin initials or unit number.
#[utoipa::path(get, path = "/tenants", tag = "tenants", params(TenantQuery), responses((status = 200, body = Page<TenantView>), (status = 403, body = ErrorBody)))]
async fn list_tenants(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<TenantQuery>,
) -> Result<Json<Page<TenantView>>, ApiError> {
    Ok(Json(tenants::list(&s.app, &a, &q).await?))
}

/// Add a tenant, moving them into `unit_ids`. Honours `Idempotency-Key`.
#[utoipa::path(post, path = "/tenants", tag = "tenants", request_body = TenantInputDto,
    params(("Idempotency-Key" = Option<String>, Header, description = "the same key from the same user returns the first result")),
    responses((status = 201, body = TenantView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_tenant(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    headers: HeaderMap,
    ApiJson(i): ApiJson<TenantInputDto>,
) -> Result<(StatusCode, Json<TenantView>), ApiError> {
    let key = super::idempotency_key(&headers)?;
    Ok((
        StatusCode::CREATED,
        Json(tenants::create(&s.app, &a, &i, key.as_deref()).await?),
    ))
}

/// One tenant. Reading it with the night contact is audited.
#[utoipa::path(get, path = "/tenants/{id}", tag = "tenants", params(("id" = i64, Path)), responses((status = 200, body = TenantView), (status = 404, body = ErrorBody)))]
async fn get_tenant(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<TenantView>, ApiError> {
    Ok(Json(tenants::get(&s.app, &a, id).await?))
}

/// Change a tenant; `unit_ids` is the full list of units they occupy now.
#[utoipa::path(put, path = "/tenants/{id}", tag = "tenants", params(("id" = i64, Path)), request_body = TenantInputDto, responses((status = 200, body = TenantView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_tenant(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<TenantInputDto>,
) -> Result<Json<TenantView>, ApiError> {
    Ok(Json(tenants::update(&s.app, &a, id, &i).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct BreakGlass {
    /// Why the contact is needed now (audited, sent to the supervisor).
    pub reason: String,
}

/// The desk on duty reveals one tenant's night emergency contact.
#[utoipa::path(post, path = "/tenants/{id}/break-glass", tag = "tenants", params(("id" = i64, Path)), request_body = BreakGlass, responses((status = 200, body = EmergencyContact), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn break_glass(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<BreakGlass>,
) -> Result<Json<EmergencyContact>, ApiError> {
    Ok(Json(tenants::break_glass(&s.app, &a, id, &b.reason).await?))
}

/// Visit records (定期拜访) of a tenant, newest first.
#[utoipa::path(get, path = "/tenants/{id}/visits", tag = "tenants", params(super::PageQ, ("id" = i64, Path)), responses((status = 200, body = Page<VisitView>)))]
async fn list_visits(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<VisitView>>, ApiError> {
    super::paged(tenants::visits(&s.app, &a, id).await?, &pq)
}

#[utoipa::path(post, path = "/tenants/{id}/visits", tag = "tenants", params(("id" = i64, Path)), request_body = VisitInput, responses((status = 201, body = Created), (status = 422, body = ErrorBody)))]
async fn add_visit(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<VisitInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(Created {
            id: tenants::add_visit(&s.app, &a, id, &v).await?,
        }),
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ExportQuery {
    pub site_id: i64,
    /// `xlsx` (default) or `csv`.
    pub format: Option<String>,
}

/// The roster as XLSX or CSV (UTF-8 with BOM).
#[utoipa::path(get, path = "/tenants/export", tag = "tenants", params(ExportQuery), responses((status = 200, description = "the file")))]
async fn export(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let format = match q.format.as_deref() {
        None | Some("xlsx") => ExportFormat::Xlsx,
        Some("csv") => ExportFormat::Csv,
        Some(_) => {
            return Err(ApiError(AppError::invalid(
                "format",
                "format must be xlsx or csv",
            )))
        }
    };
    let bytes = tenants::export(&s.app, &a, q.site_id, format).await?;
    Ok(match format {
        ExportFormat::Xlsx => xlsx_response(bytes, "tenants.xlsx"),
        ExportFormat::Csv => file_response(bytes, "text/csv; charset=utf-8", "tenants.csv"),
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ImportQuery {
    pub site_id: i64,
    /// true: only check the file and return the preview.
    pub dry_run: Option<bool>,
}

/// Import a roster file (the body: XLSX, or CSV in UTF-8/GBK; columns as the
/// export's). With `dry_run=true` returns the preview. Otherwise imports the
/// whole file in one transaction, or nothing: any bad row gives 422 with
/// every bad row in `error.rows`. A tenant whose name is on the roster is
/// updated.
#[utoipa::path(post, path = "/tenants/import", tag = "tenants", params(ImportQuery), request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, description = "dry run: the preview", body = ImportPreview), (status = 201, body = ImportResult), (status = 422, body = ErrorBody)))]
async fn import(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<ImportQuery>,
    crate::extract::ApiBytes(body): crate::extract::ApiBytes,
) -> Result<Response, ApiError> {
    if q.dry_run.unwrap_or(false) {
        return Ok(
            Json(tenants::import_preview(&s.app, &a, q.site_id, &body).await?).into_response(),
        );
    }
    let r = tenants::import_commit(&s.app, &a, q.site_id, &body).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

/// The tenants due a visit (定期拜访): those occupying a unit never visited,
/// then those whose last visit is the site's `visit_every_months` or more
/// ago, the longest overdue first.
#[utoipa::path(get, path = "/tenant-visits/due", tag = "tenants", params(super::PageQ, super::fees::SiteQuery),
    responses((status = 200, body = Page<lobby_app::tenants::VisitDue>), (status = 403, body = ErrorBody)))]
async fn visits_due(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<super::fees::SiteQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<lobby_app::tenants::VisitDue>>, ApiError> {
    super::paged(tenants::visits_due(&s.app, &a, q.site_id).await?, &pq)
}
