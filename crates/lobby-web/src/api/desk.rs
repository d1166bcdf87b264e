//! The front desk (前台): `/desk-log`, `/handovers`, `/visitors`,
//! `/parcels`, `/incidents`, `/incident-types`, `/facility-checks`,
//! `/inquiries`; and the shift: `/shifts`, `/roster`, `/attendance`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use lobby_app::desk::{self, *};
use lobby_app::page::Page;
use lobby_app::shifts::{self, *};
use lobby_app::tickets::TicketView;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiBytes, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(log_list, log_write))
        .routes_once(routes!(log_get))
        .routes_once(routes!(log_ack))
        .routes_once(routes!(log_ack_all))
        .routes_once(routes!(log_ticket))
        .routes_once(routes!(log_close))
        .routes_once(routes!(handover_list, handover_create))
        .routes_once(routes!(handover_preview))
        .routes_once(routes!(handover_confirm))
        .routes_once(routes!(visitor_list, visitor_create))
        .routes_once(routes!(visitor_get))
        .routes_once(routes!(visitor_sign_out))
        .routes_once(routes!(expected_list, expected_create))
        .routes_once(routes!(expected_arrive))
        .routes_once(routes!(pass_arrive))
        .routes_once(routes!(expected_cancel))
        .routes_once(routes!(outgoing_list, outgoing_create))
        .routes_once(routes!(parcel_list, parcel_create))
        .routes_once(routes!(parcel_get))
        .routes_once(routes!(parcel_pickup))
        .merge(
            OpenApiRouter::new()
                .routes_once(routes!(parcel_photo, parcel_add_photo))
                .layer(axum::extract::DefaultBodyLimit::max(
                    lobby_app::photos::MAX_PHOTO_BYTES + 64 * 1024,
                )),
        )
        .routes_once(routes!(type_list, type_create))
        .routes_once(routes!(type_update))
        .routes_once(routes!(incident_list, incident_open))
        .routes_once(routes!(incident_get))
        .routes_once(routes!(incident_tick))
        .routes_once(routes!(incident_note))
        .routes_once(routes!(incident_close))
        .routes_once(routes!(check_list, check_create))
        .routes_once(routes!(inquiry_list, inquiry_create))
        .routes_once(routes!(shift_list, shift_create))
        .routes_once(routes!(shift_update))
        .routes_once(routes!(roster_get, roster_put))
        .routes_once(routes!(clock_in_route))
        .routes_once(routes!(clock_out_route))
        .routes_once(routes!(me))
        .routes_once(routes!(on_shift_today))
        .routes_once(routes!(attendance_sheet))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct SiteParam {
    /// Needed when you work at several sites.
    pub site_id: Option<i64>,
}

fn site(a: &lobby_app::Actor, p: &SiteParam) -> Result<i64, ApiError> {
    Ok(lobby_app::scope::site_of(a, p.site_id)?)
}

fn created<T: serde::Serialize>(v: T) -> (StatusCode, Json<T>) {
    (StatusCode::CREATED, Json(v))
}

// ---------------------------------------------------------------- log book

/// The log book (前台日常事项记录本), newest first. `unacknowledged=true`:
/// what you have not acknowledged (and did not write).
#[utoipa::path(get, path = "/desk-log", tag = "desk", params(LogQuery), responses((status = 200, body = Page<LogEntryView>), (status = 422, body = ErrorBody)))]
async fn log_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<LogQuery>,
) -> Result<Json<Page<LogEntryView>>, ApiError> {
    Ok(Json(desk::log(&s.app, &a, &q).await?))
}

/// Write an entry. Entries are never edited: a correction is a new entry
/// with `corrects_id`. Honours `Idempotency-Key`.
#[utoipa::path(post, path = "/desk-log", tag = "desk", request_body = NewLogInput,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = LogEntryView), (status = 422, body = ErrorBody)))]
async fn log_write(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    headers: HeaderMap,
    ApiJson(i): ApiJson<NewLogInput>,
) -> Result<(StatusCode, Json<LogEntryView>), ApiError> {
    let key = super::idempotency_key(&headers)?;
    Ok(created(
        desk::write_log(&s.app, &a, &i, key.as_deref()).await?,
    ))
}

#[utoipa::path(get, path = "/desk-log/{id}", tag = "desk", params(("id" = i64, Path)), responses((status = 200, body = LogEntryView), (status = 404, body = ErrorBody)))]
async fn log_get(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<LogEntryView>, ApiError> {
    Ok(Json(desk::log_entry(&s.app, &a, id).await?))
}

/// The supervisor's acknowledgement at shift start, recorded with who and
/// when. Acknowledging twice is harmless.
#[utoipa::path(post, path = "/desk-log/{id}/ack", tag = "desk", params(("id" = i64, Path)), responses((status = 200, body = LogEntryView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn log_ack(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<LogEntryView>, ApiError> {
    Ok(Json(desk::ack(&s.app, &a, id).await?))
}

/// How many records an action touched.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct Affected {
    count: usize,
}

/// Acknowledge everything you have not yet.
#[utoipa::path(post, path = "/desk-log/ack-all", tag = "desk", params(SiteParam), responses((status = 200, body = Affected)))]
async fn log_ack_all(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(p): ApiQuery<SiteParam>,
) -> Result<Json<Affected>, ApiError> {
    let site = site(&a, &p)?;
    Ok(Json(Affected {
        count: desk::ack_all(&s.app, &a, site).await?,
    }))
}

/// Turn an entry that needs follow-up into a work order (one step; the
/// fields default from the entry).
#[utoipa::path(post, path = "/desk-log/{id}/ticket", tag = "desk", params(("id" = i64, Path)), request_body = FollowUpTicketInput,
    responses((status = 201, body = TicketView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn log_ticket(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<FollowUpTicketInput>,
) -> Result<(StatusCode, Json<TicketView>), ApiError> {
    Ok(created(desk::to_ticket(&s.app, &a, id, &i).await?))
}

/// Close an entry's follow-up with a note of what was done.
#[utoipa::path(post, path = "/desk-log/{id}/close", tag = "desk", params(("id" = i64, Path)), request_body = CloseInput,
    responses((status = 200, body = LogEntryView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn log_close(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<CloseInput>,
) -> Result<Json<LogEntryView>, ApiError> {
    Ok(Json(desk::close_follow_up(&s.app, &a, id, &i).await?))
}

// ---------------------------------------------------------------- handovers

#[derive(Deserialize, utoipa::IntoParams)]
pub struct HandoverQuery {
    pub site_id: Option<i64>,
    /// true: only handovers nobody has confirmed yet.
    pub pending: Option<bool>,
}

/// Shift handovers (交接班), newest first.
#[utoipa::path(get, path = "/handovers", tag = "desk", params(super::PageQ, HandoverQuery), responses((status = 200, body = Page<HandoverView>)))]
async fn handover_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<HandoverQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<HandoverView>>, ApiError> {
    let site = lobby_app::scope::site_of(&a, q.site_id)?;
    super::paged(
        desk::handovers(&s.app, &a, site, q.pending.unwrap_or(false)).await?,
        &pq,
    )
}

/// What a handover made now would hold.
#[utoipa::path(get, path = "/handovers/preview", tag = "desk", params(SiteParam), responses((status = 200, body = HandoverSummary)))]
async fn handover_preview(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(p): ApiQuery<SiteParam>,
) -> Result<Json<HandoverSummary>, ApiError> {
    let site = site(&a, &p)?;
    Ok(Json(desk::handover_preview(&s.app, &a, site).await?))
}

/// End your shift: the handover (open follow-ups, your open work orders,
/// parcels waiting, visitors inside, incidents in progress).
#[utoipa::path(post, path = "/handovers", tag = "desk", request_body = EndShiftInput, responses((status = 201, body = HandoverView), (status = 422, body = ErrorBody)))]
async fn handover_create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<EndShiftInput>,
) -> Result<(StatusCode, Json<HandoverView>), ApiError> {
    Ok(created(desk::end_shift(&s.app, &a, &i).await?))
}

/// The next person on duty confirms the handover.
#[utoipa::path(post, path = "/handovers/{id}/confirm", tag = "desk", params(("id" = i64, Path)), responses((status = 200, body = HandoverView), (status = 409, body = ErrorBody)))]
async fn handover_confirm(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<HandoverView>, ApiError> {
    Ok(Json(desk::confirm_handover(&s.app, &a, id).await?))
}

// ------------------------------------------------------- expected visitors

/// The day's visitors registered ahead (the desk; `date`, today by
/// default), or a tenant's own from today on.
#[utoipa::path(get, path = "/expected-visitors", tag = "desk", params(super::PageQ, ExpectedQuery), responses((status = 200, body = lobby_app::page::Page<ExpectedVisitorView>), (status = 403, body = ErrorBody)))]
async fn expected_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<ExpectedQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<lobby_app::page::Page<ExpectedVisitorView>>, ApiError> {
    super::paged(desk::expected_visitors(&s.app, &a, &q).await?, &pq)
}

/// A tenant's account registers a visitor ahead (name, phone, expected time).
#[utoipa::path(post, path = "/expected-visitors", tag = "desk", request_body = ExpectedVisitorInput,
    responses((status = 201, body = ExpectedVisitorView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn expected_create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<ExpectedVisitorInput>,
) -> Result<(StatusCode, Json<ExpectedVisitorView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(desk::expect_visitor(&s.app, &a, &i).await?),
    ))
}

/// The desk signs the expected visitor in: the visitor record; 409 once
/// arrived or cancelled.
#[utoipa::path(post, path = "/expected-visitors/{id}/arrive", tag = "desk", params(("id" = i64, Path)),
    responses((status = 200, body = VisitorView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn expected_arrive(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<VisitorView>, ApiError> {
    Ok(Json(desk::arrive_expected(&s.app, &a, id).await?))
}

/// The desk scans or types a visitor's pass (`site_id`, `code`): the
/// expected visitor is signed in, on the visit's day only (409 on another
/// day, or once arrived or cancelled; 422 naming `code` when unknown).
#[utoipa::path(post, path = "/visitor-passes", tag = "desk", request_body = desk::PassInput,
    responses((status = 201, body = VisitorView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn pass_arrive(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<desk::PassInput>,
) -> Result<(StatusCode, Json<VisitorView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(desk::arrive_by_pass(&s.app, &a, &i).await?),
    ))
}

/// The tenant (or the desk) cancels an expected visit; 409 once arrived.
#[utoipa::path(post, path = "/expected-visitors/{id}/cancel", tag = "desk", params(("id" = i64, Path)),
    responses((status = 200, body = ExpectedVisitorView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn expected_cancel(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<ExpectedVisitorView>, ApiError> {
    Ok(Json(desk::cancel_expected(&s.app, &a, id).await?))
}

// ---------------------------------------------------------------- visitors

/// Visitors (来访), newest first; `inside=true`: still in the building.
#[utoipa::path(get, path = "/visitors", tag = "desk", params(VisitorQuery), responses((status = 200, body = Page<VisitorView>)))]
async fn visitor_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<VisitorQuery>,
) -> Result<Json<Page<VisitorView>>, ApiError> {
    Ok(Json(desk::visitors(&s.app, &a, &q).await?))
}

/// Register a visitor (signed in now). Honours `Idempotency-Key`.
#[utoipa::path(post, path = "/visitors", tag = "desk", request_body = NewVisitorInput,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = VisitorView), (status = 422, body = ErrorBody)))]
async fn visitor_create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    headers: HeaderMap,
    ApiJson(i): ApiJson<NewVisitorInput>,
) -> Result<(StatusCode, Json<VisitorView>), ApiError> {
    let key = super::idempotency_key(&headers)?;
    Ok(created(
        desk::register_visitor(&s.app, &a, &i, key.as_deref()).await?,
    ))
}

#[utoipa::path(get, path = "/visitors/{id}", tag = "desk", params(("id" = i64, Path)), responses((status = 200, body = VisitorView), (status = 404, body = ErrorBody)))]
async fn visitor_get(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<VisitorView>, ApiError> {
    Ok(Json(desk::visitor(&s.app, &a, id).await?))
}

#[utoipa::path(post, path = "/visitors/{id}/sign-out", tag = "desk", params(("id" = i64, Path)), responses((status = 200, body = VisitorView), (status = 409, body = ErrorBody)))]
async fn visitor_sign_out(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<VisitorView>, ApiError> {
    Ok(Json(desk::sign_out_visitor(&s.app, &a, id).await?))
}

// ---------------------------------------------------------------- parcels

/// Mail and parcels (邮件). The desk sees the site's (without codes); a
/// tenant sees their own with pickup codes. `uncollected_days=N`: waiting
/// at least N days.
#[utoipa::path(get, path = "/parcels", tag = "desk", params(ParcelQuery), responses((status = 200, body = Page<ParcelView>), (status = 422, body = ErrorBody)))]
async fn parcel_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<ParcelQuery>,
) -> Result<Json<Page<ParcelView>>, ApiError> {
    Ok(Json(desk::parcels(&s.app, &a, &q).await?))
}

/// Receive a parcel: the answer carries its six-digit `pickup_code`, which
/// also goes to the addressee tenant's notifications. Honours `Idempotency-Key`.
#[utoipa::path(post, path = "/parcels", tag = "desk", request_body = NewParcelInput,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = ParcelView), (status = 422, body = ErrorBody)))]
async fn parcel_create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    headers: HeaderMap,
    ApiJson(i): ApiJson<NewParcelInput>,
) -> Result<(StatusCode, Json<ParcelView>), ApiError> {
    let key = super::idempotency_key(&headers)?;
    Ok(created(
        desk::receive_parcel(&s.app, &a, &i, key.as_deref()).await?,
    ))
}

#[utoipa::path(get, path = "/parcels/{id}", tag = "desk", params(("id" = i64, Path)), responses((status = 200, body = ParcelView), (status = 404, body = ErrorBody)))]
async fn parcel_get(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<ParcelView>, ApiError> {
    Ok(Json(desk::parcel(&s.app, &a, id).await?))
}

/// Hand a parcel over. The code is required and single-use: a wrong code
/// is 422 (`field` = `code`), a collected parcel 409; neither changes anything.
#[utoipa::path(post, path = "/parcels/{id}/pickup", tag = "desk", params(("id" = i64, Path)), request_body = PickupInput,
    responses((status = 200, body = ParcelView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn parcel_pickup(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<PickupInput>,
) -> Result<Json<ParcelView>, ApiError> {
    Ok(Json(desk::pick_up(&s.app, &a, id, &i).await?))
}

/// The parcel's photo.
#[utoipa::path(get, path = "/parcels/{id}/photo", tag = "desk", params(("id" = i64, Path)), responses((status = 200, description = "the image"), (status = 404, body = ErrorBody)))]
async fn parcel_photo(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (bytes, ty) = desk::parcel_photo(&s.app, &a, id).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, ty)], bytes).into_response())
}

/// Set the parcel's photo: the body is the image (JPEG, PNG or WebP, ≤ 10 MiB).
#[utoipa::path(post, path = "/parcels/{id}/photo", tag = "desk", params(("id" = i64, Path)), request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 200, body = ParcelView), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn parcel_add_photo(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiBytes(body): ApiBytes,
) -> Result<Json<ParcelView>, ApiError> {
    Ok(Json(desk::add_parcel_photo(&s.app, &a, id, &body).await?))
}

// ---------------------------------------------------------------- incidents

/// Emergency types with their departments and checklists.
#[utoipa::path(get, path = "/incident-types", tag = "desk", params(super::PageQ, SiteParam), responses((status = 200, body = Page<IncidentTypeView>)))]
async fn type_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(p): ApiQuery<SiteParam>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<IncidentTypeView>>, ApiError> {
    let site = site(&a, &p)?;
    super::paged(desk::incident_types(&s.app, &a, site).await?, &pq)
}

#[utoipa::path(post, path = "/incident-types", tag = "desk", request_body = IncidentTypeInput, responses((status = 201, body = IncidentTypeView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn type_create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<IncidentTypeInput>,
) -> Result<(StatusCode, Json<IncidentTypeView>), ApiError> {
    Ok(created(desk::create_incident_type(&s.app, &a, &i).await?))
}

/// Edit a type (its code stays); `archived` retires it.
#[utoipa::path(put, path = "/incident-types/{id}", tag = "desk", params(("id" = i64, Path)), request_body = IncidentTypeInput, responses((status = 200, body = IncidentTypeView), (status = 422, body = ErrorBody)))]
async fn type_update(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<IncidentTypeInput>,
) -> Result<Json<IncidentTypeView>, ApiError> {
    Ok(Json(desk::update_incident_type(&s.app, &a, id, &i).await?))
}

/// Emergency incidents (紧急事件), newest first; `open=true`: in progress.
#[utoipa::path(get, path = "/incidents", tag = "desk", params(IncidentQuery), responses((status = 200, body = Page<IncidentView>)))]
async fn incident_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<IncidentQuery>,
) -> Result<Json<Page<IncidentView>>, ApiError> {
    Ok(Json(desk::incidents(&s.app, &a, &q).await?))
}

/// Open an emergency: notifies the departments its type names (and the
/// supervisor and project manager) and starts its checklist. Honours
/// `Idempotency-Key`.
#[utoipa::path(post, path = "/incidents", tag = "desk", request_body = NewIncidentInput,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = IncidentView), (status = 422, body = ErrorBody)))]
async fn incident_open(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    headers: HeaderMap,
    ApiJson(i): ApiJson<NewIncidentInput>,
) -> Result<(StatusCode, Json<IncidentView>), ApiError> {
    let key = super::idempotency_key(&headers)?;
    Ok(created(
        desk::open_incident(&s.app, &a, &i, key.as_deref()).await?,
    ))
}

#[utoipa::path(get, path = "/incidents/{id}", tag = "desk", params(("id" = i64, Path)), responses((status = 200, body = IncidentView), (status = 404, body = ErrorBody)))]
async fn incident_get(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<IncidentView>, ApiError> {
    Ok(Json(desk::incident(&s.app, &a, id).await?))
}

/// Tick a checklist step (with the time and your name).
#[utoipa::path(post, path = "/incidents/{id}/steps/{position}", tag = "desk", params(("id" = i64, Path), ("position" = i64, Path)),
    responses((status = 200, body = IncidentView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn incident_tick(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, position)): Path<(i64, i64)>,
) -> Result<Json<IncidentView>, ApiError> {
    Ok(Json(desk::tick_step(&s.app, &a, id, position).await?))
}

/// Add to the incident's timeline.
#[utoipa::path(post, path = "/incidents/{id}/notes", tag = "desk", params(("id" = i64, Path)), request_body = TextInput,
    responses((status = 200, body = IncidentView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn incident_note(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<TextInput>,
) -> Result<Json<IncidentView>, ApiError> {
    Ok(Json(desk::add_incident_note(&s.app, &a, id, &i).await?))
}

/// Close an incident; the summary is required.
#[utoipa::path(post, path = "/incidents/{id}/close", tag = "desk", params(("id" = i64, Path)), request_body = CloseIncidentInput,
    responses((status = 200, body = IncidentView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn incident_close(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<CloseIncidentInput>,
) -> Result<Json<IncidentView>, ApiError> {
    Ok(Json(desk::close_incident(&s.app, &a, id, &i).await?))
}

// ---------------------------------------------------------------- lift and lobby, inquiries

/// Lift and lobby / public-area checks, newest first.
#[utoipa::path(get, path = "/facility-checks", tag = "desk", params(CheckQuery), responses((status = 200, body = Page<CheckView>), (status = 422, body = ErrorBody)))]
async fn check_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<CheckQuery>,
) -> Result<Json<Page<CheckView>>, ApiError> {
    Ok(Json(desk::checks(&s.app, &a, &q).await?))
}

/// Record a check. A lift fault (`ok: false`) opens an urgent engineering
/// work order; a failed lobby or public-area check a cleaning one.
#[utoipa::path(post, path = "/facility-checks", tag = "desk", request_body = NewCheckInput, responses((status = 201, body = CheckView), (status = 422, body = ErrorBody)))]
async fn check_create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<NewCheckInput>,
) -> Result<(StatusCode, Json<CheckView>), ApiError> {
    Ok(created(desk::record_check(&s.app, &a, &i).await?))
}

/// Inquiries answered at the desk (咨询), newest first.
#[utoipa::path(get, path = "/inquiries", tag = "desk", params(InquiryQuery), responses((status = 200, body = Page<InquiryView>), (status = 422, body = ErrorBody)))]
async fn inquiry_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<InquiryQuery>,
) -> Result<Json<Page<InquiryView>>, ApiError> {
    Ok(Json(desk::inquiries(&s.app, &a, &q).await?))
}

#[utoipa::path(post, path = "/inquiries", tag = "desk", request_body = NewInquiryInput, responses((status = 201, body = InquiryView), (status = 422, body = ErrorBody)))]
async fn inquiry_create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<NewInquiryInput>,
) -> Result<(StatusCode, Json<InquiryView>), ApiError> {
    Ok(created(desk::log_inquiry(&s.app, &a, &i).await?))
}

// ---------------------------------------------------------------- shifts and attendance

/// Shift definitions (班次) of a site.
#[utoipa::path(get, path = "/shifts", tag = "users", params(super::PageQ, SiteParam), responses((status = 200, body = Page<ShiftView>)))]
async fn shift_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(p): ApiQuery<SiteParam>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<ShiftView>>, ApiError> {
    let site = site(&a, &p)?;
    super::paged(shifts::shifts(&s.app, &a, site).await?, &pq)
}

#[utoipa::path(post, path = "/shifts", tag = "users", request_body = ShiftInput, responses((status = 201, body = ShiftView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn shift_create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<ShiftInput>,
) -> Result<(StatusCode, Json<ShiftView>), ApiError> {
    Ok(created(shifts::create_shift(&s.app, &a, &i).await?))
}

#[utoipa::path(put, path = "/shifts/{id}", tag = "users", params(("id" = i64, Path)), request_body = ShiftInput, responses((status = 200, body = ShiftView), (status = 422, body = ErrorBody)))]
async fn shift_update(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<ShiftInput>,
) -> Result<Json<ShiftView>, ApiError> {
    Ok(Json(shifts::update_shift(&s.app, &a, id, &i).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct WeekQuery {
    pub site_id: Option<i64>,
    /// Any day of the week wanted, `2026-11-26`; this week when absent.
    pub week: Option<String>,
}

/// The weekly roster: who works which shift, Monday to Sunday.
#[utoipa::path(get, path = "/roster", tag = "users", params(WeekQuery), responses((status = 200, body = RosterWeek), (status = 422, body = ErrorBody)))]
async fn roster_get(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<WeekQuery>,
) -> Result<Json<RosterWeek>, ApiError> {
    let site_id = lobby_app::scope::site_of(&a, q.site_id)?;
    let site = lobby_app::sites::site(&s.app, &a, site_id).await?;
    let day = match q.week.as_deref().filter(|w| !w.is_empty()) {
        Some(w) => w.parse().map_err(|_| {
            ApiError(lobby_app::AppError::invalid(
                "week",
                "week must be a day like 2026-11-26",
            ))
        })?,
        None => lobby_app::time::local_date(s.app.now(), &site.timezone)?,
    };
    Ok(Json(shifts::roster_week(&s.app, &a, site_id, day).await?))
}

/// Set roster cells (all or nothing); `shift_id: null` is a day off.
#[utoipa::path(put, path = "/roster", tag = "users", request_body = RosterInput, responses((status = 200, body = Affected), (status = 422, body = ErrorBody)))]
async fn roster_put(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<RosterInput>,
) -> Result<Json<Affected>, ApiError> {
    Ok(Json(Affected {
        count: shifts::set_roster(&s.app, &a, &i).await?,
    }))
}

/// Clock in, now (the first clock-in of the day counts).
#[utoipa::path(post, path = "/attendance/clock-in", tag = "users", params(SiteParam), responses((status = 200, body = ClockView), (status = 409, body = ErrorBody)))]
async fn clock_in_route(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(p): ApiQuery<SiteParam>,
) -> Result<Json<ClockView>, ApiError> {
    let site = site(&a, &p)?;
    Ok(Json(shifts::clock_in(&s.app, &a, site).await?))
}

/// Clock out, now (the last clock-out of the day counts).
#[utoipa::path(post, path = "/attendance/clock-out", tag = "users", params(SiteParam), responses((status = 200, body = ClockView), (status = 409, body = ErrorBody)))]
async fn clock_out_route(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(p): ApiQuery<SiteParam>,
) -> Result<Json<ClockView>, ApiError> {
    let site = site(&a, &p)?;
    Ok(Json(shifts::clock_out(&s.app, &a, site).await?))
}

/// Your day: shift, clock-in and -out, mark.
#[utoipa::path(get, path = "/attendance/me", tag = "users", params(SiteParam), responses((status = 200, body = ClockView)))]
async fn me(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(p): ApiQuery<SiteParam>,
) -> Result<Json<ClockView>, ApiError> {
    let site = site(&a, &p)?;
    Ok(Json(shifts::my_day(&s.app, &a, site).await?))
}

/// Who is on shift today and who has clocked in.
#[utoipa::path(get, path = "/attendance/today", tag = "users", params(super::PageQ, SiteParam), responses((status = 200, body = Page<ClockView>)))]
async fn on_shift_today(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(p): ApiQuery<SiteParam>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<ClockView>>, ApiError> {
    let site = site(&a, &p)?;
    super::paged(shifts::today(&s.app, &a, site).await?, &pq)
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct SheetQuery {
    pub site_id: Option<i64>,
    /// `2026-11`; this month when absent.
    pub month: Option<String>,
    /// customer_service | engineering | security | finance | leasing
    pub department: Option<String>,
    /// `json` (default) or `xlsx`.
    pub format: Option<String>,
}

/// The monthly attendance sheet (出勤表) per person against the roster.
#[utoipa::path(get, path = "/attendance", tag = "users", params(SheetQuery), responses((status = 200, body = AttendanceSheet), (status = 422, body = ErrorBody)))]
async fn attendance_sheet(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SheetQuery>,
) -> Result<Response, ApiError> {
    let site_id = lobby_app::scope::site_of(&a, q.site_id)?;
    let site = lobby_app::sites::site(&s.app, &a, site_id).await?;
    let month = match q.month.as_deref().filter(|m| !m.is_empty()) {
        Some(m) => m.to_string(),
        None => lobby_app::time::local_date(s.app.now(), &site.timezone)?
            .strftime("%Y-%m")
            .to_string(),
    };
    let sheet = shifts::sheet(&s.app, &a, site_id, &month, q.department.as_deref()).await?;
    match q.format.as_deref() {
        None | Some("json") => Ok(Json(sheet).into_response()),
        Some("xlsx") => Ok(crate::files::xlsx_response(
            shifts::sheet_xlsx(&sheet)?,
            &format!("attendance-{month}.xlsx"),
        )),
        Some(_) => Err(ApiError(lobby_app::AppError::invalid(
            "format",
            "format must be json or xlsx",
        ))),
    }
}

/// A month of outgoing mail (邮件发出) with its count and cost.
#[utoipa::path(get, path = "/outgoing-mail", tag = "desk", params(OutgoingQuery),
    responses((status = 200, body = OutgoingMonth), (status = 403, body = ErrorBody)))]
async fn outgoing_list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<OutgoingQuery>,
) -> Result<Json<OutgoingMonth>, ApiError> {
    Ok(Json(desk::outgoing_mail(&s.app, &a, &q).await?))
}

/// Record a letter or parcel the desk sent for a tenant or the office:
/// recipient, carrier, tracking number, registered, postage in 分.
#[utoipa::path(post, path = "/outgoing-mail", tag = "desk", request_body = OutgoingMailInput,
    responses((status = 201, body = OutgoingMailView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn outgoing_create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<OutgoingMailInput>,
) -> Result<(StatusCode, Json<OutgoingMailView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(desk::send_mail(&s.app, &a, &i).await?),
    ))
}
