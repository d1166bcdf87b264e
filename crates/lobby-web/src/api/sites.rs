//! `/sites`, `/buildings`, `/floors`, `/units`, `/public-areas` and the
//! vacant-unit report: the property directory.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use lobby_app::page::Page;
use lobby_app::sites::{
    self, BuildingInput, BuildingView, FloorInput, PublicAreaInput, PublicAreaView, SiteInputDto,
    SiteView, UnitInput, UnitQuery, UnitView, VacantReport,
};
use serde::{Deserialize, Serialize};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(list_sites, create_site))
        .routes_once(routes!(get_site, update_site))
        .routes_once(routes!(list_buildings))
        .routes_once(routes!(create_building))
        .routes_once(routes!(update_building))
        .routes_once(routes!(create_floor))
        .routes_once(routes!(list_units, create_unit))
        .routes_once(routes!(get_unit, update_unit))
        .routes_once(routes!(list_public_areas))
        .routes_once(routes!(create_public_area))
        .routes_once(routes!(update_public_area))
        .routes_once(routes!(vacant_report))
        .routes_once(routes!(get_payee, put_payee))
        .merge(
            OpenApiRouter::new()
                .routes_once(routes!(get_payee_qr, put_payee_qr))
                .layer(axum::extract::DefaultBodyLimit::max(
                    lobby_app::photos::MAX_PHOTO_BYTES + 64 * 1024,
                )),
        )
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// The sites you work at.
#[utoipa::path(get, path = "/sites", params(super::PageQ), tag = "sites", responses((status = 200, body = Page<SiteView>)))]
async fn list_sites(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<SiteView>>, ApiError> {
    super::paged(sites::sites(&s.app, &a).await?, &pq)
}

/// Create a site (admin at every site).
#[utoipa::path(post, path = "/sites", tag = "sites", request_body = SiteInputDto, responses((status = 201, body = SiteView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_site(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<SiteInputDto>,
) -> Result<(StatusCode, Json<SiteView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(sites::create_site(&s.app, &a, &i).await?),
    ))
}

#[utoipa::path(get, path = "/sites/{id}", tag = "sites", params(("id" = i64, Path)), responses((status = 200, body = SiteView), (status = 404, body = ErrorBody)))]
async fn get_site(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<SiteView>, ApiError> {
    Ok(Json(sites::site(&s.app, &a, id).await?))
}

#[utoipa::path(put, path = "/sites/{id}", tag = "sites", params(("id" = i64, Path)), request_body = SiteInputDto, responses((status = 200, body = SiteView), (status = 422, body = ErrorBody)))]
async fn update_site(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<SiteInputDto>,
) -> Result<Json<SiteView>, ApiError> {
    Ok(Json(sites::update_site(&s.app, &a, id, &i).await?))
}

/// Buildings of a site, each with its floors.
#[utoipa::path(get, path = "/sites/{id}/buildings", tag = "sites", params(super::PageQ, ("id" = i64, Path)), responses((status = 200, body = Page<BuildingView>)))]
async fn list_buildings(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<BuildingView>>, ApiError> {
    super::paged(sites::buildings(&s.app, &a, id).await?, &pq)
}

#[utoipa::path(post, path = "/buildings", tag = "sites", request_body = BuildingInput, responses((status = 201, body = Created), (status = 409, body = ErrorBody)))]
async fn create_building(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<BuildingInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(Created {
            id: sites::create_building(&s.app, &a, &i).await?,
        }),
    ))
}

#[utoipa::path(put, path = "/buildings/{id}", tag = "sites", params(("id" = i64, Path)), request_body = BuildingInput, responses((status = 204)))]
async fn update_building(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<BuildingInput>,
) -> Result<StatusCode, ApiError> {
    sites::update_building(&s.app, &a, id, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/floors", tag = "sites", request_body = FloorInput, responses((status = 201, body = Created), (status = 409, body = ErrorBody)))]
async fn create_floor(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<FloorInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(Created {
            id: sites::create_floor(&s.app, &a, &i).await?,
        }),
    ))
}

/// Units of a site in number order; `status=vacant|occupied|renovating`.
#[utoipa::path(get, path = "/units", tag = "sites", params(UnitQuery), responses((status = 200, body = Page<UnitView>), (status = 422, body = ErrorBody)))]
async fn list_units(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<UnitQuery>,
) -> Result<Json<Page<UnitView>>, ApiError> {
    Ok(Json(sites::units(&s.app, &a, &q).await?))
}

#[utoipa::path(post, path = "/units", tag = "sites", request_body = UnitInput, responses((status = 201, body = UnitView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_unit(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<UnitInput>,
) -> Result<(StatusCode, Json<UnitView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(sites::create_unit(&s.app, &a, &i).await?),
    ))
}

#[utoipa::path(get, path = "/units/{id}", tag = "sites", params(("id" = i64, Path)), responses((status = 200, body = UnitView), (status = 404, body = ErrorBody)))]
async fn get_unit(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<UnitView>, ApiError> {
    Ok(Json(sites::unit(&s.app, &a, id).await?))
}

/// Change a unit; send `expected_version` to be told (409) if it changed meanwhile.
#[utoipa::path(put, path = "/units/{id}", tag = "sites", params(("id" = i64, Path)), request_body = UnitInput, responses((status = 200, body = UnitView), (status = 409, body = ErrorBody)))]
async fn update_unit(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<UnitInput>,
) -> Result<Json<UnitView>, ApiError> {
    Ok(Json(sites::update_unit(&s.app, &a, id, &i).await?))
}

#[utoipa::path(get, path = "/sites/{id}/public-areas", tag = "sites", params(super::PageQ, ("id" = i64, Path)), responses((status = 200, body = Page<PublicAreaView>)))]
async fn list_public_areas(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<PublicAreaView>>, ApiError> {
    super::paged(sites::public_areas(&s.app, &a, id).await?, &pq)
}

#[utoipa::path(post, path = "/public-areas", tag = "sites", request_body = PublicAreaInput, responses((status = 201, body = PublicAreaView), (status = 409, body = ErrorBody)))]
async fn create_public_area(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<PublicAreaInput>,
) -> Result<(StatusCode, Json<PublicAreaView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(sites::create_public_area(&s.app, &a, &i).await?),
    ))
}

#[utoipa::path(put, path = "/public-areas/{id}", tag = "sites", params(("id" = i64, Path)), request_body = PublicAreaInput, responses((status = 200, body = PublicAreaView)))]
async fn update_public_area(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<PublicAreaInput>,
) -> Result<Json<PublicAreaView>, ApiError> {
    Ok(Json(sites::update_public_area(&s.app, &a, id, &i).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ReportQuery {
    pub site_id: i64,
    /// `json` (default) or `xlsx`.
    pub format: Option<String>,
}

/// The vacant-unit report (空置单元资料), as JSON or an XLSX file.
#[utoipa::path(get, path = "/reports/vacant-units", tag = "sites", params(ReportQuery), responses((status = 200, body = VacantReport, content_type = "application/json"), (status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
async fn vacant_report(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    let r = sites::vacant_report(&s.app, &a, q.site_id).await?;
    match q.format.as_deref() {
        None | Some("json") => Ok(Json(r).into_response()),
        Some("xlsx") => Ok(crate::files::xlsx_response(
            sites::vacant_report_xlsx(&r)?,
            &format!("vacant-units-{}.xlsx", r.as_of),
        )),
        Some(_) => Err(ApiError(lobby_app::AppError::invalid(
            "format",
            "format must be json or xlsx",
        ))),
    }
}

/// The site's payee account (户名, 开户行, 账号) where its tenants pay; 404
/// while finance has not set one. A tenant's account reads its own site's.
#[utoipa::path(get, path = "/sites/{id}/payee", tag = "sites", params(("id" = i64, Path)), responses((status = 200, body = lobby_app::sites::PayeeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_payee(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<lobby_app::sites::PayeeView>, ApiError> {
    Ok(Json(
        lobby_app::sites::payee(&s.app, &a, id)
            .await?
            .ok_or(lobby_app::AppError::NotFound("payee"))?,
    ))
}

/// Finance sets the site's payee account (audited).
#[utoipa::path(put, path = "/sites/{id}/payee", tag = "sites", params(("id" = i64, Path)), request_body = lobby_app::sites::PayeeInput, responses((status = 200, body = lobby_app::sites::PayeeView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_payee(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<lobby_app::sites::PayeeInput>,
) -> Result<Json<lobby_app::sites::PayeeView>, ApiError> {
    Ok(Json(lobby_app::sites::set_payee(&s.app, &a, id, &v).await?))
}

/// The site's collection QR code (收款码) image, for whoever reads its fees
/// (`thumb=true`: the 320-pixel JPEG); 404 while none is uploaded.
#[utoipa::path(get, path = "/sites/{id}/payee/qr", tag = "sites", params(("id" = i64, Path), super::tickets::PhotoQuery), responses((status = 200, description = "the image"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_payee_qr(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<super::tickets::PhotoQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let (ty, bytes) = lobby_app::sites::payee_qr(&s.app, &a, id, q.thumb.unwrap_or(false)).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, ty)], bytes).into_response())
}

/// Finance uploads the site's collection QR code: the body is the image
/// (JPEG, PNG or WebP, ≤ 10 MiB); it replaces the one before. 409 while
/// the payee account is not set.
#[utoipa::path(put, path = "/sites/{id}/payee/qr", tag = "sites", params(("id" = i64, Path)), request_body(content = Vec<u8>, content_type = "image/png"), responses((status = 200, body = lobby_app::sites::PayeeView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_payee_qr(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    crate::extract::ApiBytes(body): crate::extract::ApiBytes,
) -> Result<Json<lobby_app::sites::PayeeView>, ApiError> {
    Ok(Json(
        lobby_app::sites::set_payee_qr(&s.app, &a, id, &body).await?,
    ))
}
