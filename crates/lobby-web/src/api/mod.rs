//! The JSON API under `/api/v1` (CONTRACT.md). Each module has its routes;
//! the OpenAPI document is generated from the handlers' annotations.

mod announcements;
mod auth;
mod cleaning;
mod delivery;
mod department_reports;
mod desk;
mod digest;
mod fees;
mod golive;
pub(crate) mod idempotent;
mod inbox;
mod keys;
mod moves;
mod patrols;
mod payment_notices;
mod permits;
mod portal;
mod renovations;
mod sites;
mod sla;
mod supervision;
mod supplies;
mod tenants;
mod tickets;
mod training;
mod trends;
mod users;
mod violations;
mod work_log;

mod schemas;
use schemas::Once;

use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use lobby_app::AppError;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "lobby", description = "The customer-service department's API (客户服务部). Sign in with POST /auth/login, then send `Authorization: Bearer TOKEN`. Errors are `{\"error\": {\"code\", \"message\", \"field\"?}}`; lists are `{\"items\", \"next_cursor\"}` with `?limit=` (≤ 200) and `?cursor=`."),
    servers((url = "/api/v1")),
    modifiers(&Bearer),
    security(("bearer" = [])),
    components(schemas(crate::error::ErrorBody)),
    tags(
        (name = "auth", description = "Sign in and out"),
        (name = "sites", description = "Sites, buildings, floors, units, public areas (项目/楼宇)"),
        (name = "tenants", description = "The tenant roster (租户)"),
        (name = "tickets", description = "Work orders and complaints (工单/投诉)"),
        (name = "desk", description = "The front desk (前台): log book, handovers, visitors, parcels, emergencies, lift and lobby checks, inquiries"),
        (name = "patrols", description = "Patrols (巡视): routes, checkpoints with QR codes, rounds, findings, coverage"),
        (name = "cleaning", description = "Cleaning, greening and pest control (保洁/绿化/虫控): vendors, plans, tasks, inspections, rectification notices, evaluations"),
        (name = "fees", description = "Fees and arrears (费用/催缴): fee items and rates, charges, meters and readings (抄表), monthly statements (账单), payments (收款), arrears (欠费). Money is integer 分 (`*_fen`), readings decimal strings"),
        (name = "keys", description = "The key register (钥匙管理): keys and their copies, issue and return, overdue copies"),
        (name = "moves", description = "Move-in and move-out (入驻/退租): base and final readings, the handover checklist (a defect becomes a work order, a damage a one-off charge), keys handed over and back, the unit occupied or vacant on completion"),
        (name = "renovations", description = "Renovation (装修申请): drawings, engineering's review with conditions, the project manager's approval with the deposit, inspections and violations, acceptance, the deposit released or kept in part"),
        (name = "violations", description = "Tenant rule violations (违章处理): the site's kinds (rule, deadline, fine item), a violation recorded with photos, the notice (违章整改通知书) to the tenant's accounts, the tenant's answer, the re-check at the deadline, a second notice, a fine finance confirms as a one-off charge, escalation to the project manager"),
        (name = "permits", description = "Moving and goods-release permits (搬家/放行条): held for arrears until the project manager overrides, checked once at the gate"),
        (name = "portal", description = "The tenant's own account (租户服务): report a problem for one of its units or a public place (`POST /tickets`, channel `portal`), follow its own requests without staff notes, confirm and rate a finished one (`rate`) or say it is not fixed (`reopen`)"),
        (name = "announcements", description = "Announcements and outages (通知/停水停电): notices to a site, building or floor; a planned outage with its period and what the desk tells callers; the tenants reached are notified"),
        (name = "delivery", description = "Delivery beyond the bell (发送): each notification's e-mail (SMTP), WeCom and DingTalk group-robot messages and signed webhooks (`X-Lobby-Signature: sha256=HMAC(secret, timestamp + \".\" + body)`), sent from an outbox with retries and back-off, dead after the last attempt; robots per site and role; each person's e-mail and quiet hours"),
        (name = "digests", description = "The daily digest (每日简报): at each site's digest hour (`digest_hour` on the site, its zone) the supervisor and the project manager are sent yesterday's figures — work orders by channel and kind, complaints, deadlines breached, patrols missed, emergencies, money received, arrears — once per site and day; a notification of kind `digest` carries the figures as JSON in its `body`"),
        (name = "supplies", description = "Supplies (办公用品申购): a department's requisition of items with quantities and estimated prices (office supplies or cleaning consumables), the project manager's approval or rejection, goods received at their real cost, and the month's cost by department and category. Money is integer 分"),
        (name = "training", description = "Training (培训): sessions (topic, trainer, day, hours in quarter hours) with each person's result (pass, fail, absent) and score; vendors' own sessions checked with their headcount; the month's hours per person; each person's record"),
        (name = "department", description = "Running the department (部门管理): the monthly department report (部门总结) — the month's work orders and service levels, complaints and return visits, patrol coverage, cleaning inspections, rectification notices and vendor scores, the desk's visitors, parcels, inquiries and outgoing mail, money billed and collected and the arrears, units, attendance, training hours, supplies cost and tenant visits — with the supervisor's summary and next month's plan; the project manager signs it off after the month's end, which freezes it (归档). The work log (工作日志): the supervisor's and the project manager's own entries of a day beside the generated management log. The government-liaison register: contacts with the authorities (inspections, notices, meetings, filings), their answers, and deadlines reminded to both three days before and once when passed. Supervising the other departments and contractors (监督评审): security, engineering and every outsourced service (lifts, fire systems, pest control, landscaping) evaluated monthly against their service's criteria; proposals (合理化建议) adopted or declined by the project manager and followed up to done. Money is integer 分"),
        (name = "users", description = "Staff accounts, shifts, roster and attendance (人员/班次/出勤)"),
        (name = "audit", description = "The audit log and notifications"),
    )
)]
struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge_once(auth::router())
        .merge_once(announcements::router())
        .merge_once(sites::router())
        .merge_once(tenants::router())
        .merge_once(tickets::router())
        .merge_once(inbox::router())
        .merge_once(sla::router())
        .merge_once(users::router())
        .merge_once(desk::router())
        .merge_once(delivery::router())
        .merge_once(digest::router())
        .merge_once(supplies::router())
        .merge_once(training::router())
        .merge_once(trends::router())
        .merge_once(department_reports::router())
        .merge_once(work_log::router())
        .merge_once(supervision::router())
        .merge_once(patrols::router())
        .merge_once(cleaning::router())
        .merge_once(fees::router())
        .merge_once(golive::router())
        .merge_once(payment_notices::router())
        .merge_once(keys::router())
        .merge_once(permits::router())
        .merge_once(portal::router())
        .merge_once(moves::router())
        .merge_once(renovations::router())
        .merge_once(violations::router())
}

/// The generated document, served at `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = router().split_for_parts().1;
    document_errors(&mut doc);
    doc
}

/// The error answers every operation may give, in the contract's shape:
/// whoever calls may be signed out (401), not allowed (403), name a record
/// that is not there or not theirs (404), race another writer (409), send
/// a bad field (422) or be throttled (429); a body may be too large (413).
/// Added to each operation that does not describe them itself, so the
/// document lists every status the server answers (schemathesis checks it).
pub fn document_errors(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let error = |what: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(what)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build(),
        )
    };
    let common = [
        ("401", "unauthenticated: no valid token"),
        ("403", "forbidden: the role may not do this at this site"),
        (
            "404",
            "not_found: no such record, or not one the caller may see",
        ),
        (
            "409",
            "invalid_transition, version_conflict, duplicate, or idempotency_conflict (the Idempotency-Key was used for another request)",
        ),
        ("422", "invalid_input: the field named is wrong"),
        ("429", "rate_limited: too many failed attempts"),
    ];
    for item in doc.paths.paths.values_mut() {
        let ops = [
            (&mut item.get, false, false),
            (&mut item.put, true, false),
            (&mut item.post, true, true),
            (&mut item.delete, false, false),
        ];
        for (op, has_body, is_post) in ops {
            let Some(op) = op.as_mut() else { continue };
            let r = &mut op.responses.responses;
            for (code, what) in common {
                r.entry(code.to_string()).or_insert_with(|| error(what));
            }
            if has_body {
                r.entry("413".to_string())
                    .or_insert_with(|| error("payload_too_large: the body is too large"));
            }
            if is_post {
                idempotency_param(op);
            }
        }
    }
}

/// Every `POST` takes `Idempotency-Key` (the API's idempotency layer):
/// documented on each that does not say so itself.
fn idempotency_param(op: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    let params = op.parameters.get_or_insert_with(Vec::new);
    if params
        .iter()
        .any(|p| p.name.eq_ignore_ascii_case("idempotency-key"))
    {
        return;
    }
    params.push(
        ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(utoipa::openapi::Required::False)
            .description(Some(
                "1–200 characters: the same key and request from the same user answers the first answer again and changes nothing; the same key with another request is 409 idempotency_conflict",
            ))
            .schema(Some(
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .min_length(Some(1))
                    .max_length(Some(200)),
            ))
            .build(),
    );
}

/// The generated document as the bytes of its JSON, made once.
#[derive(Clone)]
pub struct OpenApiJson(axum::body::Bytes);

impl OpenApiJson {
    pub fn of(doc: &utoipa::openapi::OpenApi) -> Self {
        let json = serde_json::to_vec(doc).unwrap_or_else(|e| {
            tracing::error!(error = %e, "cannot write the OpenAPI document");
            b"{}".to_vec()
        });
        Self(json.into())
    }
}

pub fn openapi_route(doc: OpenApiJson) -> Router<AppState> {
    Router::new().route(
        "/openapi.json",
        get(move || async move {
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                doc.0.clone(),
            )
        }),
    )
}

pub async fn not_found() -> impl IntoResponse {
    ApiError(AppError::NotFound("route"))
}

/// Every API answer is JSON. axum's own rejections — a path id that is not
/// a number, a method the route does not have, a body of the wrong type —
/// come as plain text; here they are rewritten into the contract's error
/// shape: a path segment that cannot be an id is `404 not_found` (there is
/// no such record), other malformed requests `422 invalid_input`.
pub async fn json_errors(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{header, StatusCode};
    let resp = next.run(req).await;
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 16 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let (status, code, field) = match status {
        StatusCode::BAD_REQUEST if text.starts_with("Invalid URL") => {
            (StatusCode::NOT_FOUND, "not_found", Some("path"))
        }
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            Some("body"),
        ),
        StatusCode::METHOD_NOT_ALLOWED => (status, "method_not_allowed", None),
        StatusCode::PAYLOAD_TOO_LARGE => (status, "payload_too_large", None),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (status, "unsupported_media_type", Some("body")),
        s if s.is_server_error() => (s, "internal", None),
        s => (s, "invalid_input", None),
    };
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        text
    };
    let mut error = serde_json::json!({"code": code, "message": message});
    if let Some(f) = field {
        error["field"] = f.into();
    }
    parts.status = status;
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    axum::response::Response::from_parts(
        parts,
        axum::body::Body::from(serde_json::json!({"error": error}).to_string()),
    )
}

/// `Idempotency-Key` of a create, if sent (at most 200 characters).
pub(crate) fn idempotency_key(headers: &axum::http::HeaderMap) -> Result<Option<String>, ApiError> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => {
            let s = v
                .to_str()
                .map_err(|_| ApiError(AppError::invalid("Idempotency-Key", "must be ASCII")))?
                .trim();
            if s.is_empty() || s.len() > 200 {
                return Err(ApiError(AppError::invalid(
                    "Idempotency-Key",
                    "must be 1–200 characters",
                )));
            }
            Ok(Some(s.to_string()))
        }
    }
}

/// `limit` and `cursor` of a list whose use case answers it whole (a site's
/// keys, its meters): [`paged`] pages it here, in the list's own order.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQ {
    /// At most 200; default 50.
    pub limit: Option<i64>,
    /// The `next_cursor` of the page before.
    pub cursor: Option<String>,
}

/// A whole list as one page of `{items, next_cursor}`: `limit` items after
/// the one the cursor names (found by its `id`, so a row added or removed
/// before it does not shift the page; by position for items without one).
pub(crate) fn paged<T: serde::Serialize>(
    items: Vec<T>,
    q: &PageQ,
) -> Result<Json<lobby_app::page::Page<T>>, ApiError> {
    use lobby_app::page;
    let limit = usize::try_from(page::limit(q.limit)?).unwrap_or(1);
    let id_of = |t: &T| {
        serde_json::to_value(t)
            .ok()
            .and_then(|v| v.get("id").and_then(|i| i.as_i64()))
    };
    let start = match page::decode(q.cursor.as_deref())? {
        None => 0,
        Some((position, id)) => {
            let position: usize = position.parse().map_err(|_| {
                AppError::invalid("cursor", "the cursor is not one this server gave out")
            })?;
            items
                .iter()
                .position(|t| id >= 0 && id_of(t) == Some(id))
                .unwrap_or(position)
                + 1
        }
    };
    let total = items.len();
    let end = start.saturating_add(limit).min(total);
    let next_cursor = (end < total && end > 0).then(|| {
        let last = &items[end - 1];
        page::encode(&(end - 1).to_string(), id_of(last).unwrap_or(-1))
    });
    let items = items
        .into_iter()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect();
    Ok(Json(page::Page { items, next_cursor }))
}
