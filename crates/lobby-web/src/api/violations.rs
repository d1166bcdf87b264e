//! `/violations` and `/violation-kinds`: tenant rule violations (违章) —
//! recorded with photos, noticed, answered by the tenant, re-checked,
//! fined, escalated, closed — and the site's kinds.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use lobby_app::page::Page;
use lobby_app::violations::{
    self, ViolationActionInput, ViolationInput, ViolationKindInput, ViolationKindView,
    ViolationQuery, ViolationView,
};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiActor, ApiBytes, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(list_kinds, create_kind))
        .routes_once(routes!(update_kind))
        .routes_once(routes!(list, record))
        .routes_once(routes!(export_xlsx))
        .routes_once(routes!(get_violation))
        .routes_once(routes!(act))
        .merge(OpenApiRouter::new().routes_once(routes!(add_photo)).layer(
            axum::extract::DefaultBodyLimit::max(lobby_app::photos::MAX_PHOTO_BYTES + 64 * 1024),
        ))
        .routes_once(routes!(photo))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct SiteQ {
    site_id: i64,
}

/// A site's kinds of violation, those in use first.
#[utoipa::path(get, path = "/violation-kinds", tag = "violations", params(super::PageQ, SiteQ), responses((status = 200, body = Page<ViolationKindView>), (status = 403, body = ErrorBody)))]
async fn list_kinds(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SiteQ>,
    ApiQuery(pq): ApiQuery<super::PageQ>,
) -> Result<Json<Page<ViolationKindView>>, ApiError> {
    super::paged(violations::kinds(&s.app, &a, q.site_id).await?, &pq)
}

/// A new kind (the supervisor): `name`, `rule`, `deadline_days` (1–90),
/// `fine_fee_item_id` (a one-off fee item; none: no fine for this kind).
#[utoipa::path(post, path = "/violation-kinds", tag = "violations", request_body = ViolationKindInput, responses((status = 201, body = ViolationKindView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_kind(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(v): ApiJson<ViolationKindInput>,
) -> Result<(StatusCode, Json<ViolationKindView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(violations::create_kind(&s.app, &a, &v).await?),
    ))
}

/// Changes a kind (`active: false` takes it out of use).
#[utoipa::path(put, path = "/violation-kinds/{id}", tag = "violations", params(("id" = i64, Path)), request_body = ViolationKindInput, responses((status = 200, body = ViolationKindView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_kind(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<ViolationKindInput>,
) -> Result<Json<ViolationKindView>, ApiError> {
    Ok(Json(violations::update_kind(&s.app, &a, id, &v).await?))
}

/// A site's violations, the newest first; a tenant account: its own, once
/// a notice was served. `due=true`: those whose deadline has come;
/// `repeat=true`: those of repeat offenders.
#[utoipa::path(get, path = "/violations", tag = "violations", params(super::PageQ, ViolationQuery), responses((status = 200, body = Page<ViolationView>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<ViolationQuery>,
    ApiQuery(pq): ApiQuery<super::PageQ>,
) -> Result<Json<Page<ViolationView>>, ApiError> {
    super::paged(violations::violations(&s.app, &a, &q).await?, &pq)
}

/// Records a violation (the desk, field assistants, security): `kind_id`,
/// `unit_id` or `location`, `tenant_id` (by default the unit's),
/// `description`; add photos with `POST /violations/{id}/photos`. The
/// supervisor is told (and of a repeat offender).
#[utoipa::path(post, path = "/violations", tag = "violations", request_body = ViolationInput, responses((status = 201, body = ViolationView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(v): ApiJson<ViolationInput>,
) -> Result<(StatusCode, Json<ViolationView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(violations::record(&s.app, &a, &v, &[]).await?),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct MonthQ {
    site_id: i64,
    /// `2026-12`.
    month: String,
}

/// The month's violations as a workbook, in your language.
#[utoipa::path(get, path = "/violations/export.xlsx", tag = "violations", params(MonthQ), responses((status = 200, description = "the workbook"), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn export_xlsx(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<MonthQ>,
) -> Result<Response, ApiError> {
    let words = crate::i18n::violation_words(&crate::i18n::Tr::new(&a.locale));
    let bytes = violations::month_xlsx(&s.app, &a, q.site_id, &q.month, &words).await?;
    Ok(crate::files::xlsx_response(
        bytes,
        &format!("violations-{}.xlsx", q.month.trim()),
    ))
}

/// A violation with its photos and steps (a tenant: its own; another's is 404).
#[utoipa::path(get, path = "/violations/{id}", tag = "violations", params(("id" = i64, Path)), responses((status = 200, body = ViolationView), (status = 404, body = ErrorBody)))]
async fn get_violation(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<ViolationView>, ApiError> {
    Ok(Json(violations::violation(&s.app, &a, id).await?))
}

/// `notice` (the supervisor; `deadline`, by default today plus the kind's
/// days; the tenant's accounts are told) → `reply` (the tenant: `note`,
/// `fixed` true 已整改 or false an objection; photos after) → `recheck`
/// (`fixed`, `note`: fixed closes it) → when not fixed, `notice` again,
/// `fine` (`amount_fen`; finance is told) → `confirm_fine` (finance: a
/// one-off charge on the next statement), or `escalate` (`note`; the
/// project manager). `close` (`note`) withdraws it. 409
/// `invalid_transition` out of order or to a second try of a step.
#[utoipa::path(post, path = "/violations/{id}/actions", tag = "violations", params(("id" = i64, Path)), request_body = ViolationActionInput, responses((status = 200, body = ViolationView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn act(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<ViolationActionInput>,
) -> Result<Json<ViolationView>, ApiError> {
    Ok(Json(violations::act(&s.app, &a, id, &v, &[]).await?))
}

/// Adds a photo (the body is the image: JPEG, PNG or WebP, ≤ 10 MiB; at
/// most six): staff to the violation as it was seen, the tenant to its
/// answer.
#[utoipa::path(post, path = "/violations/{id}/photos", tag = "violations", params(("id" = i64, Path)), request_body(content = Vec<u8>, content_type = "image/jpeg"), responses((status = 201, body = ViolationView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_photo(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiBytes(body): ApiBytes,
) -> Result<(StatusCode, Json<ViolationView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(violations::add_photo(&s.app, &a, id, &body).await?),
    ))
}

/// A violation's photo or its answer's (`thumb=true`: the 320-pixel JPEG).
#[utoipa::path(get, path = "/violations/{id}/photos/{photo_id}", tag = "violations", params(("id" = i64, Path), ("photo_id" = i64, Path), super::tickets::PhotoQuery), responses((status = 200, description = "the image"), (status = 404, body = ErrorBody)))]
async fn photo(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, photo_id)): Path<(i64, i64)>,
    ApiQuery(q): ApiQuery<super::tickets::PhotoQuery>,
) -> Result<Response, ApiError> {
    use axum::response::IntoResponse;
    let (ty, bytes) = violations::photo(&s.app, &a, id, photo_id, q.thumb.unwrap_or(false)).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, ty)], bytes).into_response())
}
