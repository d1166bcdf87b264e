//! `/tickets`: work orders (工单) — create, list with filters, one with its
//! history, and actions (CONTRACT.md "Tickets").

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use lobby_app::page::Page;
use lobby_app::tickets::complaints::{self, ComplaintInput, ComplaintView};
use lobby_app::tickets::{self, ActionInput, NewTicketInput, TicketQuery, TicketView};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(list, create))
        .routes_once(routes!(get_one))
        .routes_once(routes!(act))
        .routes_once(routes!(summary))
        .routes_once(routes!(caller))
        .routes_once(routes!(get_complaint, put_complaint))
        .routes_once(routes!(report_complaint))
        .merge(
            OpenApiRouter::new()
                .routes_once(routes!(list_photos, add_photo))
                .layer(axum::extract::DefaultBodyLimit::max(
                    lobby_app::photos::MAX_PHOTO_BYTES + 64 * 1024,
                )),
        )
        .routes_once(routes!(photo_file))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct CallerQuery {
    site_id: i64,
    /// A unit's number as typed at the desk (`1203`).
    number: String,
}

/// The unit typed for a call, its tenant and its default caller (the
/// tenant's contact person and day phone), to fill the intake form; 404 when
/// no unit at the site has that number.
#[utoipa::path(get, path = "/tickets/caller", tag = "tickets", params(CallerQuery), responses((status = 200, body = tickets::UnitCaller), (status = 404, body = ErrorBody)))]
async fn caller(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<CallerQuery>,
) -> Result<Json<tickets::UnitCaller>, ApiError> {
    Ok(Json(
        tickets::caller_at_unit(&s.app, &a, q.site_id, &q.number)
            .await?
            .ok_or(lobby_app::AppError::NotFound("unit"))?,
    ))
}

/// Work orders, newest first; filters combine. A tenant's account lists its
/// own tenant's orders only, without staff-only fields.
#[utoipa::path(get, path = "/tickets", tag = "tickets", params(TicketQuery), responses((status = 200, body = Page<TicketView>), (status = 422, body = ErrorBody)))]
async fn list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<TicketQuery>,
) -> Result<Json<Page<TicketView>>, ApiError> {
    Ok(Json(tickets::list(&s.app, &a, &q).await?))
}

/// Open a work order; it gets its number and service-level deadlines. Honours `Idempotency-Key`.
/// A tenant's account reports for its own units (`unit_id`) or a public place
/// (`location`): the channel is `portal`, the department follows the kind,
/// `priority` may be left empty (normal).
#[utoipa::path(post, path = "/tickets", tag = "tickets", request_body = NewTicketInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "the same key from the same user returns the first result")),
    responses((status = 201, body = TicketView), (status = 422, body = ErrorBody)))]
async fn create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    headers: HeaderMap,
    ApiJson(i): ApiJson<NewTicketInput>,
) -> Result<(StatusCode, Json<TicketView>), ApiError> {
    let key = super::idempotency_key(&headers)?;
    Ok((
        StatusCode::CREATED,
        Json(tickets::create(&s.app, &a, &i, key.as_deref()).await?),
    ))
}

/// One work order with its `events`. A tenant's account sees its own
/// orders' milestones only: no staff notes, no complaint record.
#[utoipa::path(get, path = "/tickets/{id}", tag = "tickets", params(("id" = i64, Path)), responses((status = 200, body = TicketView), (status = 404, body = ErrorBody)))]
async fn get_one(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<TicketView>, ApiError> {
    Ok(Json(tickets::get(&s.app, &a, id).await?))
}

/// Act on a work order. A wrong state answers 409 `invalid_transition`, a
/// stale `expected_version` 409 `version_conflict`; neither changes anything.
#[utoipa::path(post, path = "/tickets/{id}/actions", tag = "tickets", params(("id" = i64, Path)), request_body = ActionInput,
    responses((status = 200, body = TicketView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn act(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<ActionInput>,
) -> Result<Json<TicketView>, ApiError> {
    Ok(Json(tickets::act(&s.app, &a, id, &i).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct SummaryQuery {
    pub site_id: i64,
    /// First day, `2026-11-01` (site time); the first of this month when absent.
    pub from: Option<String>,
    /// Last day, inclusive; today when absent.
    pub to: Option<String>,
    /// `json` (default) or `xlsx`.
    pub format: Option<String>,
}

/// The work-order summary (工单汇总) of a span of days.
#[utoipa::path(get, path = "/reports/tickets", tag = "tickets", params(SummaryQuery), responses((status = 200, body = lobby_app::reports::TicketSummary), (status = 422, body = ErrorBody)))]
async fn summary(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let site = lobby_app::sites::site(&s.app, &a, q.site_id).await?;
    let (from, to) = lobby_app::reports::summary_span(
        s.app.now(),
        &site.timezone,
        q.from.as_deref(),
        q.to.as_deref(),
    )?;
    let r = lobby_app::reports::ticket_summary(&s.app, &a, q.site_id, from, to).await?;
    match q.format.as_deref() {
        None | Some("json") => Ok(Json(r).into_response()),
        Some("xlsx") => Ok(crate::files::xlsx_response(
            lobby_app::reports::ticket_summary_xlsx(&r, &site.name)?,
            &format!("tickets-{}-{}.xlsx", r.from, r.to),
        )),
        Some(_) => Err(ApiError(lobby_app::AppError::invalid(
            "format",
            "format must be json or xlsx",
        ))),
    }
}

/// The photos of a work order.
#[utoipa::path(get, path = "/tickets/{id}/photos", tag = "tickets", params(super::PageQ, ("id" = i64, Path)), responses((status = 200, body = Page<tickets::PhotoView>)))]
async fn list_photos(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<tickets::PhotoView>>, ApiError> {
    super::paged(tickets::photos(&s.app, &a, id).await?, &pq)
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct AddPhotoQuery {
    /// before (the problem as found) | during | after (the finished work);
    /// by the ticket's state when absent: before until started, after once resolved.
    pub stage: Option<String>,
}

/// Add a photo: the body is the image (JPEG, PNG or WebP, ≤ 10 MiB).
#[utoipa::path(post, path = "/tickets/{id}/photos", tag = "tickets", params(("id" = i64, Path), AddPhotoQuery), request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = tickets::PhotoView), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_photo(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<AddPhotoQuery>,
    crate::extract::ApiBytes(body): crate::extract::ApiBytes,
) -> Result<(StatusCode, Json<tickets::PhotoView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(tickets::add_photo(&s.app, &a, id, &body, q.stage.as_deref()).await?),
    ))
}

/// A complaint's record (投诉记录表).
#[utoipa::path(get, path = "/tickets/{id}/complaint", tag = "tickets", params(("id" = i64, Path)),
    responses((status = 200, body = ComplaintView), (status = 404, body = ErrorBody)))]
async fn get_complaint(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<ComplaintView>, ApiError> {
    Ok(Json(complaints::get(&s.app, &a, id).await?))
}

/// Fill in or correct a complaint's record: complainant, when it came in,
/// handling (处理经过), result (处理结果). Absent fields keep their value;
/// the change is an event of the ticket and moves its version.
#[utoipa::path(put, path = "/tickets/{id}/complaint", tag = "tickets", params(("id" = i64, Path)), request_body = ComplaintInput,
    responses((status = 200, body = ComplaintView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_complaint(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<ComplaintInput>,
) -> Result<Json<ComplaintView>, ApiError> {
    Ok(Json(complaints::update(&s.app, &a, id, &i).await?))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ReportInput {
    /// The ticket version you read.
    pub expected_version: Option<i64>,
}

/// Report the complaint's result to the project manager (处理完毕后向项目经理报告),
/// once; the result must be written. The manager is notified.
#[utoipa::path(post, path = "/tickets/{id}/complaint/report", tag = "tickets", params(("id" = i64, Path)), request_body = ReportInput,
    responses((status = 200, body = ComplaintView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn report_complaint(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<ReportInput>,
) -> Result<Json<ComplaintView>, ApiError> {
    Ok(Json(
        complaints::report(&s.app, &a, id, i.expected_version).await?,
    ))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct PhotoQuery {
    /// true: the 320-pixel JPEG thumbnail.
    pub thumb: Option<bool>,
}

/// A photo's bytes.
#[utoipa::path(get, path = "/tickets/{id}/photos/{photo_id}", tag = "tickets", params(("id" = i64, Path), ("photo_id" = i64, Path), PhotoQuery), responses((status = 200, description = "the image"), (status = 404, body = ErrorBody)))]
async fn photo_file(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, photo_id)): Path<(i64, i64)>,
    ApiQuery(q): ApiQuery<PhotoQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let (ty, bytes) =
        tickets::photo_bytes(&s.app, &a, id, photo_id, q.thumb.unwrap_or(false)).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, ty)], bytes).into_response())
}
