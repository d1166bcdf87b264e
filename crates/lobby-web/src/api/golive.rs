//! `/templates/{kind}.xlsx`: going live — the template of each kind of
//! record a department brings in from its spreadsheets (CONTRACT.md,
//! "Going live").

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use lobby_app::golive::{SiteExport, UploadPreview};
use lobby_domain::golive::RecordKind;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiActor, ApiQuery};
use crate::i18n::Tr;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(template))
        .routes_once(routes!(status))
        .routes_once(routes!(upload))
        .routes_once(routes!(get_import))
        .routes_once(routes!(confirm))
        .routes_once(routes!(export_xlsx))
        .routes_once(routes!(export_json))
        .routes_once(routes!(first_month))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct MonthQuery {
    /// `2026-12`; this month at the site when absent.
    pub month: Option<String>,
}

/// A dry run of the site's first month: the statements the fee module
/// would make from what was brought in (units, leases, rates, readings),
/// stored nowhere — before anything is issued. For who brings records in,
/// and finance.
#[utoipa::path(get, path = "/sites/{id}/go-live/first-month", tag = "sites", params(("id" = i64, Path), MonthQuery), responses((status = 200, body = lobby_app::golive::FirstMonth), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn first_month(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> Result<Json<lobby_app::golive::FirstMonth>, ApiError> {
    Ok(Json(
        lobby_app::golive::first_month(&s.app, &a, id, q.month.as_deref()).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct UploadQuery {
    pub site_id: i64,
    /// true (the default): preview the workbook and keep it for
    /// `POST /imports/{id}/confirm`; false: preview and import at once,
    /// all or nothing.
    pub dry_run: Option<bool>,
    /// The file's name, for the record.
    pub file_name: Option<String>,
}

/// Upload a workbook (the body: XLSX, sheets named as the templates',
/// columns as theirs). The answer is the preview per kind: `new`,
/// `changed` (old → new per cell), `unchanged`, and every bad row in
/// `errors` (sheet, row, column, reason in your language), references
/// across the sheets of the upload included. Each sheet needs its kind's
/// permission at the site (409 `forbidden_kind` names the one you may
/// not bring in); permission is checked before the body is read. At most
/// 24 MiB, 60,000 rows a sheet, 2,000,000 cells; formulas are never run.
#[utoipa::path(post, path = "/imports", tag = "sites", params(UploadQuery), request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, description = "the preview, kept (dry run) or imported", body = UploadPreview), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn upload(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<UploadQuery>,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    use lobby_domain::golive::RecordKind;
    if !RecordKind::ALL
        .iter()
        .any(|k| lobby_app::golive::may_import(&a, *k, q.site_id))
    {
        return Err(lobby_app::AppError::Forbidden.into());
    }
    let bytes = axum::body::to_bytes(body, lobby_app::golive::read::MAX_BYTES)
        .await
        .map_err(|_| lobby_app::AppError::PayloadTooLarge)?;
    let name = q
        .file_name
        .as_deref()
        .map(|n| n.chars().take(120).collect::<String>());
    let preview = lobby_app::golive::upload(
        &s.app,
        &a,
        q.site_id,
        &[(name, bytes.to_vec())],
        &crate::i18n::Labels,
        true,
    )
    .await?;
    if q.dry_run.unwrap_or(true) {
        return Ok((StatusCode::CREATED, Json(preview)).into_response());
    }
    let id = preview.id.ok_or(lobby_app::AppError::NotFound("import"))?;
    if !preview.ok {
        let v =
            serde_json::to_value(&preview).map_err(|e| lobby_app::AppError::Internal(e.into()))?;
        return Err(lobby_app::AppError::ImportRefused(Box::new(v)).into());
    }
    let done = lobby_app::golive::confirm(&s.app, &a, id, &crate::i18n::Labels).await?;
    Ok((StatusCode::CREATED, Json(done)).into_response())
}

/// An upload's preview (or, once confirmed, what it imported).
#[utoipa::path(get, path = "/imports/{id}", tag = "sites", params(("id" = i64, Path)), responses((status = 200, body = UploadPreview), (status = 404, body = ErrorBody)))]
async fn get_import(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<UploadPreview>, ApiError> {
    Ok(Json(lobby_app::golive::get(&s.app, &a, id).await?))
}

/// Import a previewed upload, all or nothing: it is checked again against
/// the records as they are now (422 with `error.preview` naming every bad
/// row; nothing imported). New colleagues get one-time links to set a
/// password (`staff_links`, in this answer only). Once: a second
/// confirmation is 409.
#[utoipa::path(post, path = "/imports/{id}/confirm", tag = "sites", params(("id" = i64, Path)), responses((status = 200, body = UploadPreview), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn confirm(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<UploadPreview>, ApiError> {
    Ok(Json(
        lobby_app::golive::confirm(&s.app, &a, id, &crate::i18n::Labels).await?,
    ))
}

/// Everything out: one workbook with a sheet per kind in the templates'
/// format (it imports into another lobby as it is), in your language. For
/// who may bring every kind in at the site (the admin).
#[utoipa::path(get, path = "/sites/{id}/export.xlsx", tag = "sites", params(("id" = i64, Path)), responses((status = 200, description = "the workbook"), (status = 403, body = ErrorBody)))]
async fn export_xlsx(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let en = Tr::new(&a.locale).is_en();
    let bytes =
        lobby_app::golive::export::export_xlsx(&s.app, &a, id, en, &crate::i18n::Labels).await?;
    Ok(crate::files::xlsx_response(
        bytes,
        &lobby_app::golive::export::file_name(id, "xlsx"),
    ))
}

/// The same records for programs: each kind's records as objects of its
/// columns (codes for fixed values, yuan with two decimals, days).
#[utoipa::path(get, path = "/sites/{id}/export.json", tag = "sites", params(("id" = i64, Path)), responses((status = 200, body = SiteExport), (status = 403, body = ErrorBody)))]
async fn export_json(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<SiteExport>, ApiError> {
    Ok(Json(
        lobby_app::golive::export::export_json(&s.app, &a, id, &crate::i18n::Labels).await?,
    ))
}

/// The XLSX template of a kind (`units`, `public-areas`, `tenants`,
/// `leases`, `meters`, `fee-items`, `opening-balances`, `deposits`, `keys`,
/// `staff`, `vendors`, `patrol-routes`): headers in the reader's language
/// (`*` marks a required column), a notes row, drop-downs where the values
/// are fixed, an example row. For who may import (admin, project manager,
/// supervisor).
/// The address is `/templates/units.xlsx` (CONTRACT's `{kind}.xlsx`: the
/// router takes one parameter a segment, so the file name is read whole).
#[utoipa::path(get, path = "/templates/{file}", tag = "sites", params(("file" = String, Path, description = "the kind and `.xlsx`: `units.xlsx`")), responses((status = 200, description = "the XLSX template"), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn template(
    State(_s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    // Permission before anything is read of the request.
    if !a.can_anywhere(lobby_domain::policy::Action::TenantsImport) {
        return Err(lobby_app::AppError::Forbidden.into());
    }
    let kind: RecordKind = file
        .strip_suffix(".xlsx")
        .unwrap_or("")
        .parse()
        .map_err(lobby_app::AppError::from)?;
    let tr = Tr::new(&a.locale);
    let bytes = lobby_app::golive::template_xlsx(&a, kind, tr.is_en(), &crate::i18n::Labels)?;
    Ok(crate::files::xlsx_response(
        bytes,
        &format!("lobby-{}.xlsx", kind.as_str()),
    ))
}

/// Where a site stands on its way live: each kind's count in the order
/// they depend on each other, and what the first month still lacks (units
/// without a meter, let units without a tenant, tenants without a day
/// contact, meters without an opening reading, fee items without a rate).
#[utoipa::path(get, path = "/sites/{id}/go-live", tag = "sites", params(("id" = i64, Path)), responses((status = 200, body = lobby_app::golive::GoLiveStatus), (status = 403, body = ErrorBody)))]
async fn status(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<axum::Json<lobby_app::golive::GoLiveStatus>, ApiError> {
    Ok(axum::Json(lobby_app::golive::status(&s.app, &a, id).await?))
}
