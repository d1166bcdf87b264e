//! Fees and arrears (费用/催缴): fee items and rates, charges, meters and
//! readings, monthly statements, payments and arrears. Money is integer 分
//! (`*_fen`); readings are decimal strings.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lobby_app::fees::{
    self, ArrearsView, ChargeInput, DunInput, DunningStepView, DunningView, FeeItemInput,
    FeeItemView, GenerateInput, MeterInput, MeterView, PaymentInput, PaymentView, RateInput,
    ReadingInput, ReadingView, ReversalInput, SightingInput, SightingView, StatementQuery,
    StatementView,
};
use lobby_app::page::Page;
use serde::{Deserialize, Serialize};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(list_fee_items, create_fee_item))
        .routes_once(routes!(set_rate))
        .routes_once(routes!(add_charge))
        .routes_once(routes!(list_meters, create_meter))
        .routes_once(routes!(list_readings))
        .routes_once(routes!(record_reading))
        .routes_once(routes!(confirm_reading))
        .routes_once(routes!(generate))
        .routes_once(routes!(list_statements))
        .routes_once(routes!(get_statement))
        .routes_once(routes!(issue))
        .routes_once(routes!(void))
        .routes_once(routes!(list_payments, record_payment))
        .routes_once(routes!(reverse_payment))
        .routes_once(routes!(arrears))
        .routes_once(routes!(list_dunning, dun))
        .routes_once(routes!(get_dunning))
        .routes_once(routes!(get_steps, set_steps))
        .routes_once(routes!(collection))
        .routes_once(routes!(list_sightings, record_sighting))
        .routes_once(routes!(list_deposits))
        .routes_once(routes!(import_bank))
        .routes_once(routes!(confirm_bank))
        .merge(
            OpenApiRouter::new()
                .routes_once(routes!(add_reading_photo))
                .layer(axum::extract::DefaultBodyLimit::max(
                    lobby_app::photos::MAX_PHOTO_BYTES + 64 * 1024,
                )),
        )
        .routes_once(routes!(reading_photo))
}

/// Adds the photo of the dial to a reading: the body is the image (JPEG,
/// PNG or WebP, ≤ 10 MiB).
#[utoipa::path(post, path = "/meter-readings/{id}/photos", tag = "fees", params(("id" = i64, Path)), request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = ReadingView), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_reading_photo(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    crate::extract::ApiBytes(body): crate::extract::ApiBytes,
) -> Result<(StatusCode, Json<ReadingView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(fees::add_reading_photo(&s.app, &a, id, &body).await?),
    ))
}

/// A reading's dial photo (`thumb=true`: the 320-pixel JPEG).
#[utoipa::path(get, path = "/meter-readings/{id}/photos/{photo_id}", tag = "fees", params(("id" = i64, Path), ("photo_id" = i64, Path), super::tickets::PhotoQuery), responses((status = 200, description = "the image"), (status = 404, body = ErrorBody)))]
async fn reading_photo(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, photo_id)): Path<(i64, i64)>,
    ApiQuery(q): ApiQuery<super::tickets::PhotoQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let (ty, bytes) =
        fees::reading_photo(&s.app, &a, id, photo_id, q.thumb.unwrap_or(false)).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, ty)], bytes).into_response())
}

/// Deposits held (押金) and settled: a renovation's, with finance's receipt
/// number, released and kept (a tenant account: its own).
#[utoipa::path(get, path = "/deposits", tag = "fees", params(super::PageQ, fees::DepositQuery), responses((status = 200, body = Page<fees::DepositView>), (status = 403, body = ErrorBody)))]
async fn list_deposits(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<fees::DepositQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<fees::DepositView>>, ApiError> {
    super::paged(fees::deposits(&s.app, &a, &q).await?, &pq)
}

fn page<T>(items: Vec<T>) -> Json<Page<T>> {
    Json(Page {
        items,
        next_cursor: None,
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct SiteQuery {
    pub site_id: i64,
}

/// The site's fee items with the rate in force and their dated rates.
#[utoipa::path(get, path = "/fee-items", tag = "fees", params(super::PageQ, SiteQuery), responses((status = 200, body = Page<FeeItemView>)))]
async fn list_fee_items(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SiteQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<FeeItemView>>, ApiError> {
    super::paged(fees::fee_items(&s.app, &a, q.site_id).await?, &pq)
}

/// A fee item (finance): `basis` area | meter | fixed | one_off, `rate_fen`
/// per m² per month, per meter unit, or flat; a meter item names its
/// `meter_kind` and may have a second tier (`tier_limit`, `above_fen`).
#[utoipa::path(post, path = "/fee-items", tag = "fees", request_body = FeeItemInput, responses((status = 201, body = FeeItemView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_fee_item(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(v): ApiJson<FeeItemInput>,
) -> Result<(StatusCode, Json<FeeItemView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(fees::create_fee_item(&s.app, &a, &v).await?),
    ))
}

/// A new rate from a day on; statements already made keep theirs.
#[utoipa::path(post, path = "/fee-items/{id}/rates", tag = "fees", params(("id" = i64, Path)), request_body = RateInput, responses((status = 201, body = FeeItemView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_rate(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<RateInput>,
) -> Result<(StatusCode, Json<FeeItemView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(fees::set_rate(&s.app, &a, id, &v).await?),
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Puts a fixed item (every month) or a one-off item (the next statement)
/// on a tenant's account.
#[utoipa::path(post, path = "/fee-charges", tag = "fees", request_body = ChargeInput, responses((status = 201, body = Created), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_charge(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(v): ApiJson<ChargeInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = fees::add_charge(&s.app, &a, &v).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct MeterQuery {
    pub site_id: i64,
    pub unit_id: Option<i64>,
}

/// The site's meters (one unit's) with their last reading.
#[utoipa::path(get, path = "/meters", tag = "fees", params(super::PageQ, MeterQuery), responses((status = 200, body = Page<MeterView>)))]
async fn list_meters(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<MeterQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<MeterView>>, ApiError> {
    super::paged(fees::meters(&s.app, &a, q.site_id, q.unit_id).await?, &pq)
}

#[utoipa::path(post, path = "/meters", tag = "fees", request_body = MeterInput, responses((status = 201, body = MeterView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_meter(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(v): ApiJson<MeterInput>,
) -> Result<(StatusCode, Json<MeterView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(fees::create_meter(&s.app, &a, &v).await?),
    ))
}

/// A meter's last 24 readings, newest first.
#[utoipa::path(get, path = "/meters/{id}/readings", tag = "fees", params(super::PageQ, ("id" = i64, Path)), responses((status = 200, body = Page<ReadingView>), (status = 404, body = ErrorBody)))]
async fn list_readings(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<ReadingView>>, ApiError> {
    super::paged(fees::readings(&s.app, &a, id).await?, &pq)
}

/// A reading: lower than the last is 422 `reading` (nothing stored) unless
/// `meter_replaced`; one whose use times the multiplier cannot be billed is
/// 422 `reading`; far above the meter's usual use (×3 its average) or its
/// kind's bound it is `flagged` and waits for a second person's confirm.
#[utoipa::path(post, path = "/meter-readings", tag = "fees", request_body = ReadingInput, responses((status = 201, body = ReadingView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_reading(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(v): ApiJson<ReadingInput>,
) -> Result<(StatusCode, Json<ReadingView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(fees::record_reading(&s.app, &a, &v).await?),
    ))
}

/// A second person confirms a `flagged` reading (far above the meter's
/// usual use or its kind's bound): until then it is not billed and the
/// month's generation names it. Not by the person who read it; a reading
/// not flagged or already confirmed is 409 `invalid_transition`.
#[utoipa::path(post, path = "/meter-readings/{id}/confirm", tag = "fees", params(("id" = i64, Path)), responses((status = 200, body = ReadingView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn confirm_reading(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<ReadingView>, ApiError> {
    Ok(Json(fees::confirm_reading(&s.app, &a, id).await?))
}

/// Generates the month's statements (one per tenant, drafts); again for the
/// same month it makes nothing new. Answers all of the month's statements.
#[utoipa::path(post, path = "/statements/generate", tag = "fees", request_body = GenerateInput, responses((status = 200, body = Page<StatementView>), (status = 422, body = ErrorBody)))]
async fn generate(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(v): ApiJson<GenerateInput>,
) -> Result<Json<Page<StatementView>>, ApiError> {
    Ok(page(fees::generate(&s.app, &a, &v).await?))
}

/// Statements with their lines, newest first (a tenant account: its own).
#[utoipa::path(get, path = "/statements", tag = "fees", params(StatementQuery), responses((status = 200, body = Page<StatementView>)))]
async fn list_statements(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<StatementQuery>,
) -> Result<Json<Page<StatementView>>, ApiError> {
    Ok(Json(fees::statements(&s.app, &a, &q).await?))
}

#[utoipa::path(get, path = "/statements/{id}", tag = "fees", params(("id" = i64, Path)), responses((status = 200, body = StatementView), (status = 404, body = ErrorBody)))]
async fn get_statement(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<StatementView>, ApiError> {
    Ok(Json(fees::statement(&s.app, &a, id).await?))
}

/// Issues a draft (finance); the tenant's credit pays what it can of it.
#[utoipa::path(post, path = "/statements/{id}/issue", tag = "fees", params(("id" = i64, Path)), responses((status = 200, body = StatementView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn issue(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<StatementView>, ApiError> {
    Ok(Json(fees::issue(&s.app, &a, id).await?))
}

/// Voids a statement nothing was paid of.
#[utoipa::path(post, path = "/statements/{id}/void", tag = "fees", params(("id" = i64, Path)), responses((status = 200, body = StatementView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn void(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<StatementView>, ApiError> {
    Ok(Json(fees::void(&s.app, &a, id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct PaymentQuery {
    pub site_id: i64,
    pub tenant_id: Option<i64>,
    pub statement_id: Option<i64>,
}

#[utoipa::path(get, path = "/payments", tag = "fees", params(super::PageQ, PaymentQuery), responses((status = 200, body = Page<PaymentView>)))]
async fn list_payments(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<PaymentQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<PaymentView>>, ApiError> {
    Ok(Json(
        fees::payments_page(
            &s.app,
            &a,
            q.site_id,
            q.tenant_id,
            q.statement_id,
            pq.limit,
            pq.cursor.as_deref(),
        )
        .await?,
    ))
}

/// A payment against an issued statement (beyond its balance: credit) or a
/// tenant's account (oldest statements first).
#[utoipa::path(post, path = "/payments", tag = "fees", request_body = PaymentInput, responses((status = 201, body = PaymentView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_payment(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(v): ApiJson<PaymentInput>,
) -> Result<(StatusCode, Json<PaymentView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(fees::record_payment(&s.app, &a, &v).await?),
    ))
}

/// Reverses a payment with the reason (audited); what it paid is open again.
#[utoipa::path(post, path = "/payments/{id}/reverse", tag = "fees", params(("id" = i64, Path)), request_body = ReversalInput, responses((status = 200, body = PaymentView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn reverse_payment(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<ReversalInput>,
) -> Result<Json<PaymentView>, ApiError> {
    Ok(Json(fees::reverse_payment(&s.app, &a, id, &v).await?))
}

/// Per tenant: what is past due, since when, in ageing buckets (0–30,
/// 31–60, 61–90, over 90 days); the largest debt first.
#[utoipa::path(get, path = "/arrears", tag = "fees", params(super::PageQ, SiteQuery), responses((status = 200, body = Page<ArrearsView>)))]
async fn arrears(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SiteQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<ArrearsView>>, ApiError> {
    super::paged(fees::arrears(&s.app, &a, q.site_id).await?, &pq)
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct DunningQuery {
    pub site_id: i64,
    pub tenant_id: Option<i64>,
}

/// Dunning notices sent (催缴通知书), newest first.
#[utoipa::path(get, path = "/dunning-notices", tag = "fees", params(super::PageQ, DunningQuery), responses((status = 200, body = Page<DunningView>)))]
async fn list_dunning(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<DunningQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<DunningView>>, ApiError> {
    super::paged(
        fees::dunning_notices(&s.app, &a, q.site_id, q.tenant_id).await?,
        &pq,
    )
}

/// Sends a tenant in arrears the step its debt has reached (finance); the
/// tenant's accounts are notified. The background sweep does this by itself
/// when a debt reaches a step.
#[utoipa::path(post, path = "/dunning-notices", tag = "fees", request_body = DunInput, responses((status = 201, body = DunningView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn dun(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(v): ApiJson<DunInput>,
) -> Result<(StatusCode, Json<DunningView>), ApiError> {
    Ok((StatusCode::CREATED, Json(fees::dun(&s.app, &a, &v).await?)))
}

#[utoipa::path(get, path = "/dunning-notices/{id}", tag = "fees", params(("id" = i64, Path)), responses((status = 200, body = DunningView), (status = 404, body = ErrorBody)))]
async fn get_dunning(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<DunningView>, ApiError> {
    Ok(Json(fees::dunning_notice(&s.app, &a, id).await?))
}

/// The site's dunning steps (7, 30 and 60 days past due until it sets its own).
#[utoipa::path(get, path = "/dunning-steps", tag = "fees", params(super::PageQ, SiteQuery), responses((status = 200, body = Page<DunningStepView>)))]
async fn get_steps(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SiteQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<DunningStepView>>, ApiError> {
    super::paged(fees::dunning_steps(&s.app, &a, q.site_id).await?, &pq)
}

/// Replaces the site's dunning steps (finance): 1 to 10, days rising.
#[utoipa::path(put, path = "/dunning-steps", tag = "fees", params(SiteQuery), request_body = Vec<DunningStepView>, responses((status = 200, body = Page<DunningStepView>), (status = 422, body = ErrorBody)))]
async fn set_steps(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SiteQuery>,
    ApiJson(v): ApiJson<Vec<DunningStepView>>,
) -> Result<Json<Page<DunningStepView>>, ApiError> {
    Ok(page(
        fees::set_dunning_steps(&s.app, &a, q.site_id, &v).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct CollectionQuery {
    pub site_id: i64,
    /// `2026-11`
    pub month: String,
    /// json (default) | xlsx (the month's workbook: statements, lines, 收缴率)
    pub format: Option<String>,
}

/// The month billed against collected per fee item (收缴率), as JSON or the
/// month's workbook for 综合部.
#[utoipa::path(get, path = "/reports/collection", tag = "fees", params(CollectionQuery), responses((status = 200, body = lobby_app::fees::CollectionReport), (status = 422, body = ErrorBody)))]
async fn collection(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<CollectionQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    match q.format.as_deref() {
        None | Some("json") => {
            Ok(Json(fees::collection(&s.app, &a, q.site_id, &q.month).await?).into_response())
        }
        Some("xlsx") => {
            let site = lobby_app::sites::site(&s.app, &a, q.site_id).await?;
            let bytes = fees::month_xlsx(&s.app, &a, q.site_id, &q.month, &site.name).await?;
            Ok(crate::files::xlsx_response(
                bytes,
                &format!("fees-{}.xlsx", q.month.trim()),
            ))
        }
        Some(_) => Err(ApiError(lobby_app::AppError::invalid(
            "format",
            "format must be json or xlsx",
        ))),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct SightingQuery {
    pub site_id: i64,
    pub tenant_id: Option<i64>,
    /// `2026-11-30`: that day's only (the management log).
    pub day: Option<String>,
}

/// Notes of what was seen of tenants in arrears (欠费租户动向), newest first.
#[utoipa::path(get, path = "/arrears-sightings", tag = "fees", params(super::PageQ, SightingQuery), responses((status = 200, body = Page<SightingView>)))]
async fn list_sightings(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SightingQuery>,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<SightingView>>, ApiError> {
    let day = match q.day.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => Some(lobby_app::time::parse_date("day", d)?),
        None => None,
    };
    super::paged(
        fees::sightings(&s.app, &a, q.site_id, q.tenant_id, day).await?,
        &pq,
    )
}

/// Notes a sighting of a tenant in arrears (the person on duty): written to
/// the desk log for the supervisor and listed in the management log.
#[utoipa::path(post, path = "/arrears-sightings", tag = "fees", request_body = SightingInput, responses((status = 201, body = SightingView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_sighting(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(v): ApiJson<SightingInput>,
) -> Result<(StatusCode, Json<SightingView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(fees::record_sighting(&s.app, &a, &v).await?),
    ))
}

/// Reads a bank statement (CSV or XLSX, at most 2 MiB: a header row with a
/// date and an amount column, payer and memo if there) and matches its
/// credit lines to statements — by the statement number in the memo, or the
/// tenant's name and an exact balance (else the tenant's account). Records
/// nothing.
#[utoipa::path(post, path = "/payments/import", tag = "fees", params(SiteQuery), request_body(content = Vec<u8>, content_type = "application/octet-stream"), responses((status = 200, body = lobby_app::fees::BankMatch), (status = 422, body = ErrorBody)))]
async fn import_bank(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SiteQuery>,
    crate::extract::ApiBytes(body): crate::extract::ApiBytes,
) -> Result<Json<lobby_app::fees::BankMatch>, ApiError> {
    Ok(Json(
        fees::match_bank_file(&s.app, &a, q.site_id, &body).await?,
    ))
}

/// Records the confirmed bank lines as transfers, in one transaction (one
/// refused line records none).
#[utoipa::path(post, path = "/payments/import/confirm", tag = "fees", params(SiteQuery), request_body = Vec<lobby_app::fees::BankPayment>, responses((status = 201, body = Page<PaymentView>), (status = 422, body = ErrorBody)))]
async fn confirm_bank(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<SiteQuery>,
    ApiJson(v): ApiJson<Vec<lobby_app::fees::BankPayment>>,
) -> Result<(StatusCode, Json<Page<PaymentView>>), ApiError> {
    Ok((
        StatusCode::CREATED,
        page(fees::record_bank_payments(&s.app, &a, q.site_id, &v).await?),
    ))
}
