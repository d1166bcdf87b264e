//! Front-desk pages (前台): the log book, the handover, visitors, parcels,
//! emergencies with their checklists and printable report, lift and lobby
//! checks, and the inquiry log. Every page is a plain form; creates carry a
//! hidden idempotency key so a double click or a refresh records once.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::CookieJar;
use lobby_app::desk::{self, *};
use lobby_app::page::Page;
use lobby_app::{Actor, AppError, AppResult};
use lobby_domain::desk::{CheckKind, LogCategory};
use lobby_domain::policy::Action as Can;
use lobby_domain::tickets::{Department, Kind, Priority};
use serde::Deserialize;

use super::{chrome, error_page, render, render_form, Chrome, FormError};
use crate::extract::{WebActor, WebForm};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/desk", get(log_page).post(log_write))
        .route("/desk/{id}/ack", post(log_ack))
        .route("/desk/ack-all", post(log_ack_all))
        .route("/desk/{id}/ticket", post(log_ticket))
        .route("/desk/{id}/close", post(log_close))
        .route("/desk/handover", get(handover_page).post(handover_end))
        .route("/desk/handover/{id}/confirm", post(handover_confirm))
        .route("/visitors", get(visitors_page).post(visitor_create))
        .route("/visitors/{id}/sign-out", post(visitor_sign_out))
        .route("/parcels", get(parcels_page).post(parcel_create))
        .route("/parcels/{id}/pickup", post(parcel_pickup))
        .route(
            "/parcels/{id}/photo",
            get(parcel_photo)
                .post(parcel_upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    lobby_app::tickets::MAX_PHOTO_BYTES + 64 * 1024,
                )),
        )
        .route("/incidents", get(incidents_page).post(incident_open))
        .route("/incidents/types", get(types_page).post(type_save))
        .route("/incidents/{id}", get(incident_page))
        .route("/incidents/{id}/print", get(incident_print))
        .route("/incidents/{id}/steps/{pos}", post(incident_tick))
        .route("/incidents/{id}/notes", post(incident_note))
        .route("/incidents/{id}/close", post(incident_close))
        .route("/facility-checks", get(checks_page).post(check_create))
        .route("/inquiries", get(inquiries_page).post(inquiry_create))
}

/// A fresh key for a create form (sent back as `_key`).
pub fn form_key() -> String {
    use rand::Rng;
    format!("form-{:032x}", rand::thread_rng().gen::<u128>())
}

fn key_of(k: &str) -> Option<&str> {
    Some(k.trim()).filter(|k| !k.is_empty())
}

/// A unit typed by its number at the current site.
async fn unit_id_of(s: &AppState, a: &Actor, site: i64, number: &str) -> AppResult<Option<i64>> {
    match number.trim() {
        "" => Ok(None),
        n => Ok(Some(
            lobby_app::sites::unit_by_number(&s.app, a, site, n)
                .await?
                .ok_or_else(|| AppError::invalid("unit", format!("there is no unit {n}")))?
                .id,
        )),
    }
}

fn see(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn on(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|v| !v.is_empty() && v != "false")
}

/// Shows a refused form on its page again, or the error page.
macro_rules! or_refused {
    ($r:expr, $a:expr, |$fe:ident| $again:expr) => {
        match $r {
            Ok(v) => Ok(v),
            Err(e) => match FormError::from_app(&e) {
                Some($fe) => Err($again.await),
                None => Err(error_page(Some(&$a), e)),
            },
        }
    };
}

// ======================================================================
// The log book
// ======================================================================

#[derive(Deserialize, Default, Clone)]
struct LogQ {
    date: Option<String>,
    category: Option<String>,
    unack: Option<String>,
    open: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/log.html")]
struct LogPage {
    c: Chrome,
    page: Page<LogEntryView>,
    q: LogQ,
    categories: Vec<&'static str>,
    kinds: Vec<&'static str>,
    priorities: Vec<&'static str>,
    departments: Vec<&'static str>,
    can_write: bool,
    can_ack: bool,
    error: Option<FormError>,
    key: String,
    /// An entry being corrected (from `?correct=`).
    correcting: Option<i64>,
    back: &'static str,
}

fn strs<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|x| f(*x)).collect()
}

#[derive(Deserialize, Default)]
struct LogPageQ {
    #[serde(flatten)]
    q: LogQ,
    correct: Option<i64>,
}

async fn log_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<LogPageQ>,
) -> Response {
    log_with(&s, &jar, a, q.q, q.correct, None).await
}

async fn log_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    q: LogQ,
    correcting: Option<i64>,
    error: Option<FormError>,
) -> Response {
    let c = match chrome(s, a, jar, "desk", "nav.desk").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let site = c.site_id();
    let query = LogQuery {
        site_id: Some(site),
        unacknowledged: Some(on(&q.unack)),
        follow_up: on(&q.open).then(|| "open".into()),
        category: q.category.clone(),
        date: q.date.clone(),
        limit: Some(50),
        cursor: q.cursor.clone(),
    };
    let page = match desk::log(&s.app, &c.actor, &query).await {
        Ok(p) => p,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let can_write = c.actor.can(Can::DeskWrite, site);
    let can_ack = c.actor.can(Can::DeskAck, site);
    let refused = error.is_some();
    render_form(
        &LogPage {
            c,
            page,
            q,
            categories: strs(LogCategory::ALL, LogCategory::as_str),
            kinds: strs(Kind::ALL, Kind::as_str),
            priorities: strs(Priority::ALL, Priority::as_str),
            departments: strs(Department::ALL, Department::as_str),
            can_write,
            can_ack,
            error,
            key: form_key(),
            correcting,
            back: "/desk",
        },
        refused,
    )
}

#[derive(Deserialize)]
struct LogForm {
    text: String,
    #[serde(default)]
    category: String,
    needs_follow_up: Option<String>,
    #[serde(default)]
    corrects_id: String,
    #[serde(default)]
    _key: String,
    /// Where to go back to (the home page writes here too).
    #[serde(default)]
    back: String,
}

fn back_to(b: &str, default: &str) -> String {
    // Only our own pages, by the sign-in form's rule.
    if super::account::safe_next(Some(b)) == b {
        b.to_string()
    } else {
        default.to_string()
    }
}

async fn log_write(State(s): State<AppState>, jar: CookieJar, f: WebForm<LogForm>) -> Response {
    let site = match chrome(&s, f.actor.clone(), &jar, "desk", "nav.desk").await {
        Ok(c) => c.site_id(),
        Err(r) => return r,
    };
    let v = &f.form;
    let input = NewLogInput {
        site_id: Some(site),
        text: v.text.clone(),
        category: Some(v.category.clone()),
        needs_follow_up: on(&v.needs_follow_up),
        corrects_id: v.corrects_id.trim().parse().ok(),
    };
    let r = desk::write_log(&s.app, &f.actor, &input, key_of(&v._key)).await;
    match or_refused!(r, f.actor, |fe| log_with(
        &s,
        &jar,
        f.actor.clone(),
        LogQ::default(),
        input.corrects_id,
        Some(fe)
    )) {
        Ok(e) => see(&format!("{}#e{}", back_to(&v.back, "/desk"), e.id)),
        Err(r) => r,
    }
}

#[derive(Deserialize, Default)]
struct BackForm {
    #[serde(default)]
    back: String,
}

async fn log_ack(State(s): State<AppState>, Path(id): Path<i64>, f: WebForm<BackForm>) -> Response {
    match desk::ack(&s.app, &f.actor, id).await {
        Ok(_) => see(&back_to(&f.form.back, "/desk")),
        Err(e) => error_page(Some(&f.actor), e),
    }
}

async fn log_ack_all(State(s): State<AppState>, jar: CookieJar, f: WebForm<BackForm>) -> Response {
    let site = match chrome(&s, f.actor.clone(), &jar, "desk", "nav.desk").await {
        Ok(c) => c.site_id(),
        Err(r) => return r,
    };
    match desk::ack_all(&s.app, &f.actor, site).await {
        Ok(_) => see(&back_to(&f.form.back, "/desk")),
        Err(e) => error_page(Some(&f.actor), e),
    }
}

#[derive(Deserialize, Default)]
struct ToTicketForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    title: String,
}

async fn log_ticket(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<ToTicketForm>,
) -> Response {
    let site = match chrome(&s, f.actor.clone(), &jar, "desk", "nav.desk").await {
        Ok(c) => c.site_id(),
        Err(r) => return r,
    };
    let v = &f.form;
    let r = async {
        let unit_id = unit_id_of(&s, &f.actor, site, &v.unit).await?;
        let ne = |x: &str| Some(x.trim().to_string()).filter(|x| !x.is_empty());
        desk::to_ticket(
            &s.app,
            &f.actor,
            id,
            &FollowUpTicketInput {
                kind: ne(&v.kind),
                priority: ne(&v.priority),
                title: ne(&v.title),
                unit_id,
                location: None,
                department: ne(&v.department),
            },
        )
        .await
    }
    .await;
    match or_refused!(r, f.actor, |fe| log_with(
        &s,
        &jar,
        f.actor.clone(),
        LogQ::default(),
        None,
        Some(fe)
    )) {
        Ok(t) => see(&format!("/tickets/{}", t.id)),
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct NoteForm {
    note: String,
}

async fn log_close(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<NoteForm>,
) -> Response {
    let r = desk::close_follow_up(
        &s.app,
        &f.actor,
        id,
        &CloseInput {
            note: f.form.note.clone(),
        },
    )
    .await;
    match or_refused!(r, f.actor, |fe| log_with(
        &s,
        &jar,
        f.actor.clone(),
        LogQ::default(),
        None,
        Some(fe)
    )) {
        Ok(_) => see(&format!("/desk#e{id}")),
        Err(r) => r,
    }
}

// ======================================================================
// Handover
// ======================================================================

#[derive(Template)]
#[template(path = "desk/handover.html")]
struct HandoverPage {
    c: Chrome,
    now: HandoverSummary,
    handovers: Vec<HandoverView>,
    can_write: bool,
    error: Option<FormError>,
}

async fn handover_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
) -> Response {
    handover_with(&s, &jar, a, None).await
}

async fn handover_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    error: Option<FormError>,
) -> Response {
    let c = match chrome(s, a, jar, "handover", "nav.handover").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let site = c.site_id();
    let (now, handovers) = match (
        desk::handover_preview(&s.app, &c.actor, site).await,
        desk::handovers(&s.app, &c.actor, site, false).await,
    ) {
        (Ok(n), Ok(h)) => (n, h),
        (Err(e), _) | (_, Err(e)) => return error_page(Some(&c.actor), e),
    };
    let can_write = c.actor.can(Can::DeskWrite, site);
    let refused = error.is_some();
    render_form(
        &HandoverPage {
            c,
            now,
            handovers,
            can_write,
            error,
        },
        refused,
    )
}

#[derive(Deserialize)]
struct EndForm {
    #[serde(default)]
    note: String,
}

async fn handover_end(State(s): State<AppState>, jar: CookieJar, f: WebForm<EndForm>) -> Response {
    let site = match chrome(&s, f.actor.clone(), &jar, "handover", "nav.handover").await {
        Ok(c) => c.site_id(),
        Err(r) => return r,
    };
    let r = desk::end_shift(
        &s.app,
        &f.actor,
        &EndShiftInput {
            site_id: Some(site),
            note: Some(f.form.note.clone()),
        },
    )
    .await;
    match or_refused!(r, f.actor, |fe| handover_with(
        &s,
        &jar,
        f.actor.clone(),
        Some(fe)
    )) {
        Ok(h) => see(&format!("/desk/handover#h{}", h.id)),
        Err(r) => r,
    }
}

async fn handover_confirm(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    f: WebForm<BackForm>,
) -> Response {
    match desk::confirm_handover(&s.app, &f.actor, id).await {
        Ok(_) => see(&back_to(&f.form.back, "/desk/handover")),
        Err(e) => error_page(Some(&f.actor), e),
    }
}

// ======================================================================
// Visitors
// ======================================================================

#[derive(Deserialize, Default, Clone)]
struct VisitorsQ {
    unit: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/visitors.html")]
struct VisitorsPage {
    c: Chrome,
    inside: Vec<VisitorView>,
    history: Page<VisitorView>,
    q: VisitorsQ,
    can_write: bool,
    error: Option<FormError>,
    key: String,
}

async fn visitors_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<VisitorsQ>,
) -> Response {
    visitors_with(&s, &jar, a, q, None).await
}

async fn visitors_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    q: VisitorsQ,
    error: Option<FormError>,
) -> Response {
    let c = match chrome(s, a, jar, "visitors", "nav.visitors").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let site = c.site_id();
    let r = async {
        let unit_id = unit_id_of(s, &c.actor, site, q.unit.as_deref().unwrap_or("")).await?;
        let inside = desk::visitors(
            &s.app,
            &c.actor,
            &VisitorQuery {
                site_id: Some(site),
                inside: Some(true),
                limit: Some(200),
                ..Default::default()
            },
        )
        .await?;
        let history = desk::visitors(
            &s.app,
            &c.actor,
            &VisitorQuery {
                site_id: Some(site),
                inside: Some(false),
                unit_id,
                limit: Some(50),
                cursor: q.cursor.clone(),
                ..Default::default()
            },
        )
        .await?;
        Ok::<_, AppError>((inside.items, history))
    }
    .await;
    let (inside, history) = match r {
        Ok(v) => v,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let can_write = c.actor.can(Can::DeskWrite, site);
    let refused = error.is_some();
    render_form(
        &VisitorsPage {
            c,
            inside,
            history,
            q,
            can_write,
            error,
            key: form_key(),
        },
        refused,
    )
}

#[derive(Deserialize)]
struct VisitorForm {
    name: String,
    id_or_phone: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    host: String,
    purpose: String,
    #[serde(default)]
    expected_mins: String,
    #[serde(default)]
    _key: String,
}

async fn visitor_create(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<VisitorForm>,
) -> Response {
    let site = match chrome(&s, f.actor.clone(), &jar, "visitors", "nav.visitors").await {
        Ok(c) => c.site_id(),
        Err(r) => return r,
    };
    let v = &f.form;
    let r = async {
        let unit_id = unit_id_of(&s, &f.actor, site, &v.unit).await?;
        let expected_mins = match v.expected_mins.trim() {
            "" => None,
            m => Some(
                m.parse()
                    .map_err(|_| AppError::invalid("expected_mins", "minutes as a whole number"))?,
            ),
        };
        desk::register_visitor(
            &s.app,
            &f.actor,
            &NewVisitorInput {
                site_id: Some(site),
                name: v.name.clone(),
                id_or_phone: v.id_or_phone.clone(),
                host: Some(v.host.clone()),
                unit_id,
                tenant_id: None,
                purpose: v.purpose.clone(),
                expected_mins,
            },
            key_of(&v._key),
        )
        .await
    }
    .await;
    match or_refused!(r, f.actor, |fe| visitors_with(
        &s,
        &jar,
        f.actor.clone(),
        VisitorsQ::default(),
        Some(fe)
    )) {
        Ok(_) => see("/visitors"),
        Err(r) => r,
    }
}

async fn visitor_sign_out(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    f: WebForm<BackForm>,
) -> Response {
    match desk::sign_out_visitor(&s.app, &f.actor, id).await {
        Ok(_) => see(&back_to(&f.form.back, "/visitors")),
        Err(e) => error_page(Some(&f.actor), e),
    }
}

// ======================================================================
// Parcels
// ======================================================================

#[derive(Deserialize, Default, Clone)]
struct ParcelsQ {
    days: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/parcels.html")]
struct ParcelsPage {
    c: Chrome,
    waiting: Page<ParcelView>,
    collected: Vec<ParcelView>,
    q: ParcelsQ,
    can_write: bool,
    error: Option<FormError>,
    /// The parcel just received, with its code, for the slip.
    received: Option<ParcelView>,
    key: String,
}

async fn parcels_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<ParcelsQ>,
) -> Response {
    parcels_with(&s, &jar, a, q, None, None).await
}

async fn parcels_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    q: ParcelsQ,
    error: Option<FormError>,
    received: Option<ParcelView>,
) -> Response {
    let c = match chrome(s, a, jar, "parcels", "nav.parcels").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let site = c.site_id();
    let days = q
        .days
        .as_deref()
        .filter(|d| !d.is_empty())
        .map(|d| d.parse::<i64>().unwrap_or(-1));
    let r = async {
        let waiting = desk::parcels(
            &s.app,
            &c.actor,
            &ParcelQuery {
                site_id: Some(site),
                waiting: Some(true),
                uncollected_days: days,
                limit: Some(100),
                cursor: q.cursor.clone(),
            },
        )
        .await?;
        let collected = desk::parcels(
            &s.app,
            &c.actor,
            &ParcelQuery {
                site_id: Some(site),
                waiting: Some(false),
                limit: Some(20),
                ..Default::default()
            },
        )
        .await?;
        Ok::<_, AppError>((waiting, collected.items))
    }
    .await;
    let (waiting, collected) = match r {
        Ok(v) => v,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let can_write = c.actor.can(Can::DeskWrite, site);
    let refused = error.is_some();
    render_form(
        &ParcelsPage {
            c,
            waiting,
            collected,
            q,
            can_write,
            error,
            received,
            key: form_key(),
        },
        refused,
    )
}

#[derive(Deserialize)]
struct ParcelForm {
    carrier: String,
    #[serde(default)]
    tracking_no: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    addressee: String,
    registered_mail: Option<String>,
    #[serde(default)]
    _key: String,
}

/// Receives a parcel and shows the page with its pickup code (no
/// redirect: the code is for the desk's slip, not for the URL). The form's
/// key makes a refresh harmless.
async fn parcel_create(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<ParcelForm>,
) -> Response {
    let site = match chrome(&s, f.actor.clone(), &jar, "parcels", "nav.parcels").await {
        Ok(c) => c.site_id(),
        Err(r) => return r,
    };
    let v = &f.form;
    let r = async {
        let unit_id = unit_id_of(&s, &f.actor, site, &v.unit).await?;
        desk::receive_parcel(
            &s.app,
            &f.actor,
            &NewParcelInput {
                site_id: Some(site),
                carrier: v.carrier.clone(),
                tracking_no: Some(v.tracking_no.clone()),
                addressee: Some(v.addressee.clone()),
                unit_id,
                tenant_id: None,
                registered_mail: on(&v.registered_mail),
            },
            key_of(&v._key),
        )
        .await
    }
    .await;
    match or_refused!(r, f.actor, |fe| parcels_with(
        &s,
        &jar,
        f.actor.clone(),
        ParcelsQ::default(),
        Some(fe),
        None
    )) {
        Ok(p) => {
            parcels_with(
                &s,
                &jar,
                f.actor.clone(),
                ParcelsQ::default(),
                None,
                Some(p),
            )
            .await
        }
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct PickupForm {
    code: String,
    collected_by: String,
}

async fn parcel_pickup(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<PickupForm>,
) -> Response {
    let r = desk::pick_up(
        &s.app,
        &f.actor,
        id,
        &PickupInput {
            code: f.form.code.clone(),
            collected_by: f.form.collected_by.clone(),
        },
    )
    .await;
    match or_refused!(r, f.actor, |fe| parcels_with(
        &s,
        &jar,
        f.actor.clone(),
        ParcelsQ::default(),
        Some(FormError {
            field: format!("p{id}.{}", fe.field),
            message: fe.message
        }),
        None
    )) {
        Ok(_) => see("/parcels"),
        Err(r) => r,
    }
}

async fn parcel_upload(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
    mut mp: axum::extract::Multipart,
) -> Response {
    let file = match super::read_upload(&a, &mut mp).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    match desk::add_parcel_photo(&s.app, &a, id, &file).await {
        Ok(_) => see(&format!("/parcels#p{id}")),
        Err(e) => match FormError::from_app(&e) {
            Some(fe) => parcels_with(&s, &jar, a, ParcelsQ::default(), Some(fe), None).await,
            None => error_page(Some(&a), e),
        },
    }
}

async fn parcel_photo(
    State(s): State<AppState>,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Response {
    match desk::parcel_photo(&s.app, &a, id).await {
        Ok((bytes, ty)) => ([(axum::http::header::CONTENT_TYPE, ty)], bytes).into_response(),
        Err(e) => error_page(Some(&a), e),
    }
}

// ======================================================================
// Incidents
// ======================================================================

#[derive(Deserialize, Default, Clone)]
struct IncidentsQ {
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/incidents.html")]
struct IncidentsPage {
    c: Chrome,
    types: Vec<IncidentTypeView>,
    open: Vec<IncidentView>,
    past: Page<IncidentView>,
    error: Option<FormError>,
    key: String,
    can_manage: bool,
}

async fn incidents_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<IncidentsQ>,
) -> Response {
    incidents_with(&s, &jar, a, q, None).await
}

async fn incidents_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    q: IncidentsQ,
    error: Option<FormError>,
) -> Response {
    let c = match chrome(s, a, jar, "incidents", "nav.incidents").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let site = c.site_id();
    let r = async {
        let types = desk::incident_types(&s.app, &c.actor, site).await?;
        let open = desk::incidents(
            &s.app,
            &c.actor,
            &IncidentQuery {
                site_id: Some(site),
                open: Some(true),
                limit: Some(50),
                cursor: None,
            },
        )
        .await?;
        let past = desk::incidents(
            &s.app,
            &c.actor,
            &IncidentQuery {
                site_id: Some(site),
                open: None,
                limit: Some(30),
                cursor: q.cursor.clone(),
            },
        )
        .await?;
        Ok::<_, AppError>((types, open.items, past))
    }
    .await;
    let (types, open, past) = match r {
        Ok(v) => v,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let can_manage = c.actor.can(Can::IncidentTypesManage, site);
    let refused = error.is_some();
    render_form(
        &IncidentsPage {
            c,
            types: types.into_iter().filter(|t| !t.archived).collect(),
            open,
            past,
            error,
            key: form_key(),
            can_manage,
        },
        refused,
    )
}

#[derive(Deserialize)]
struct OpenForm {
    type_id: String,
    location: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    _key: String,
}

async fn incident_open(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<OpenForm>,
) -> Response {
    let site = match chrome(&s, f.actor.clone(), &jar, "incidents", "nav.incidents").await {
        Ok(c) => c.site_id(),
        Err(r) => return r,
    };
    let v = &f.form;
    let r = desk::open_incident(
        &s.app,
        &f.actor,
        &NewIncidentInput {
            site_id: Some(site),
            type_id: v.type_id.trim().parse().ok(),
            type_code: None,
            location: v.location.clone(),
            description: v.description.clone(),
        },
        key_of(&v._key),
    )
    .await;
    match or_refused!(r, f.actor, |fe| incidents_with(
        &s,
        &jar,
        f.actor.clone(),
        IncidentsQ::default(),
        Some(fe)
    )) {
        Ok(i) => see(&format!("/incidents/{}", i.id)),
        Err(r) => r,
    }
}

#[derive(Template)]
#[template(path = "desk/incident.html")]
struct IncidentPage {
    c: Chrome,
    i: IncidentView,
    can_close: bool,
    error: Option<FormError>,
}

async fn incident_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Response {
    incident_with(&s, &jar, a, id, None).await
}

async fn incident_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    id: i64,
    error: Option<FormError>,
) -> Response {
    let c = match chrome(s, a, jar, "incidents", "nav.incidents").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let i = match desk::incident(&s.app, &c.actor, id).await {
        Ok(i) => i,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let can_close = c.actor.can(Can::DeskWrite, i.site_id);
    let refused = error.is_some();
    render_form(
        &IncidentPage {
            c,
            i,
            can_close,
            error,
        },
        refused,
    )
}

#[derive(Template)]
#[template(path = "desk/incident_print.html")]
struct IncidentPrint {
    c: Chrome,
    i: IncidentView,
}

async fn incident_print(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Response {
    let c = match chrome(&s, a, &jar, "incidents", "incident.report").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match desk::incident(&s.app, &c.actor, id).await {
        Ok(i) => render(&IncidentPrint { c, i }),
        Err(e) => error_page(Some(&c.actor), e),
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn incident_tick(
    State(s): State<AppState>,
    Path((id, pos)): Path<(i64, i64)>,
    f: WebForm<Empty>,
) -> Response {
    match desk::tick_step(&s.app, &f.actor, id, pos).await {
        Ok(_) => see(&format!("/incidents/{id}")),
        Err(e) => error_page(Some(&f.actor), e),
    }
}

#[derive(Deserialize)]
struct TextForm {
    text: String,
}

async fn incident_note(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<TextForm>,
) -> Response {
    let r = desk::add_incident_note(
        &s.app,
        &f.actor,
        id,
        &TextInput {
            text: f.form.text.clone(),
        },
    )
    .await;
    match or_refused!(r, f.actor, |fe| incident_with(
        &s,
        &jar,
        f.actor.clone(),
        id,
        Some(fe)
    )) {
        Ok(_) => see(&format!("/incidents/{id}")),
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct SummaryForm {
    summary: String,
}

async fn incident_close(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<SummaryForm>,
) -> Response {
    let r = desk::close_incident(
        &s.app,
        &f.actor,
        id,
        &CloseIncidentInput {
            summary: f.form.summary.clone(),
        },
    )
    .await;
    match or_refused!(r, f.actor, |fe| incident_with(
        &s,
        &jar,
        f.actor.clone(),
        id,
        Some(fe)
    )) {
        Ok(_) => see(&format!("/incidents/{id}")),
        Err(r) => r,
    }
}

#[derive(Template)]
#[template(path = "desk/incident_types.html")]
struct TypesPage {
    c: Chrome,
    types: Vec<IncidentTypeView>,
    departments: Vec<&'static str>,
    error: Option<FormError>,
}

async fn types_page(State(s): State<AppState>, jar: CookieJar, WebActor(a): WebActor) -> Response {
    types_with(&s, &jar, a, None).await
}

async fn types_with(s: &AppState, jar: &CookieJar, a: Actor, error: Option<FormError>) -> Response {
    let c = match chrome(s, a, jar, "incidents", "incident.types").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if !c.actor.can(Can::IncidentTypesManage, c.site_id()) {
        return error_page(Some(&c.actor), AppError::Forbidden);
    }
    let types = match desk::incident_types(&s.app, &c.actor, c.site_id()).await {
        Ok(t) => t,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let refused = error.is_some();
    render_form(
        &TypesPage {
            c,
            types,
            departments: strs(Department::ALL, Department::as_str),
            error,
        },
        refused,
    )
}

/// The form posts `department` once per ticked box.
async fn type_save(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<Vec<(String, String)>>,
) -> Response {
    let site = match chrome(&s, f.actor.clone(), &jar, "incidents", "incident.types").await {
        Ok(c) => c.site_id(),
        Err(r) => return r,
    };
    let get = |k: &str| {
        f.form
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let input = IncidentTypeInput {
        site_id: Some(site),
        code: Some(get("code")),
        name: get("name"),
        departments: f
            .form
            .iter()
            .filter(|(n, _)| n == "department")
            .map(|(_, v)| v.clone())
            .collect(),
        checklist: get("checklist").lines().map(str::to_string).collect(),
        archived: !get("archived").is_empty(),
    };
    let r = match get("id").trim().parse::<i64>() {
        Ok(id) => desk::update_incident_type(&s.app, &f.actor, id, &input).await,
        Err(_) => desk::create_incident_type(&s.app, &f.actor, &input).await,
    };
    match or_refused!(r, f.actor, |fe| types_with(
        &s,
        &jar,
        f.actor.clone(),
        Some(fe)
    )) {
        Ok(t) => see(&format!("/incidents/types#t{}", t.id)),
        Err(r) => r,
    }
}

// ======================================================================
// Lift and lobby checks
// ======================================================================

#[derive(Deserialize, Default, Clone)]
struct ChecksQ {
    kind: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/checks.html")]
struct ChecksPage {
    c: Chrome,
    page: Page<CheckView>,
    q: ChecksQ,
    kinds: Vec<&'static str>,
    can_write: bool,
    error: Option<FormError>,
}

async fn checks_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<ChecksQ>,
) -> Response {
    checks_with(&s, &jar, a, q, None).await
}

async fn checks_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    q: ChecksQ,
    error: Option<FormError>,
) -> Response {
    let c = match chrome(s, a, jar, "checks", "nav.checks").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let site = c.site_id();
    let page = match desk::checks(
        &s.app,
        &c.actor,
        &CheckQuery {
            site_id: Some(site),
            kind: q.kind.clone(),
            limit: Some(50),
            cursor: q.cursor.clone(),
        },
    )
    .await
    {
        Ok(p) => p,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let can_write = c.actor.can(Can::DeskWrite, site);
    let refused = error.is_some();
    render_form(
        &ChecksPage {
            c,
            page,
            q,
            kinds: strs(CheckKind::ALL, CheckKind::as_str),
            can_write,
            error,
        },
        refused,
    )
}

#[derive(Deserialize)]
struct CheckForm {
    kind: String,
    subject: String,
    result: String,
    #[serde(default)]
    note: String,
}

async fn check_create(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<CheckForm>,
) -> Response {
    let site = match chrome(&s, f.actor.clone(), &jar, "checks", "nav.checks").await {
        Ok(c) => c.site_id(),
        Err(r) => return r,
    };
    let v = &f.form;
    let r = desk::record_check(
        &s.app,
        &f.actor,
        &NewCheckInput {
            site_id: Some(site),
            kind: v.kind.clone(),
            subject: v.subject.clone(),
            ok: v.result == "ok",
            note: Some(v.note.clone()),
        },
    )
    .await;
    match or_refused!(r, f.actor, |fe| checks_with(
        &s,
        &jar,
        f.actor.clone(),
        ChecksQ::default(),
        Some(fe)
    )) {
        Ok(_) => see("/facility-checks"),
        Err(r) => r,
    }
}

// ======================================================================
// Inquiries
// ======================================================================

#[derive(Deserialize, Default, Clone)]
struct InquiriesQ {
    since: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/inquiries.html")]
struct InquiriesPage {
    c: Chrome,
    page: Page<InquiryView>,
    q: InquiriesQ,
    can_write: bool,
    error: Option<FormError>,
}

async fn inquiries_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<InquiriesQ>,
) -> Response {
    inquiries_with(&s, &jar, a, q, None).await
}

async fn inquiries_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    q: InquiriesQ,
    error: Option<FormError>,
) -> Response {
    let c = match chrome(s, a, jar, "inquiries", "nav.inquiries").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let site = c.site_id();
    let page = match desk::inquiries(
        &s.app,
        &c.actor,
        &InquiryQuery {
            site_id: Some(site),
            since: q.since.clone(),
            limit: Some(50),
            cursor: q.cursor.clone(),
        },
    )
    .await
    {
        Ok(p) => p,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let can_write = c.actor.can(Can::DeskWrite, site);
    let refused = error.is_some();
    render_form(
        &InquiriesPage {
            c,
            page,
            q,
            can_write,
            error,
        },
        refused,
    )
}

#[derive(Deserialize)]
struct InquiryForm {
    asker: String,
    #[serde(default)]
    unit: String,
    question: String,
    answer: String,
}

async fn inquiry_create(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<InquiryForm>,
) -> Response {
    let site = match chrome(&s, f.actor.clone(), &jar, "inquiries", "nav.inquiries").await {
        Ok(c) => c.site_id(),
        Err(r) => return r,
    };
    let v = &f.form;
    let r = async {
        let unit_id = unit_id_of(&s, &f.actor, site, &v.unit).await?;
        desk::log_inquiry(
            &s.app,
            &f.actor,
            &NewInquiryInput {
                site_id: Some(site),
                asker: v.asker.clone(),
                unit_id,
                tenant_id: None,
                question: v.question.clone(),
                answer: v.answer.clone(),
            },
        )
        .await
    }
    .await;
    match or_refused!(r, f.actor, |fe| inquiries_with(
        &s,
        &jar,
        f.actor.clone(),
        InquiriesQ::default(),
        Some(fe)
    )) {
        Ok(_) => see("/inquiries#new"),
        Err(r) => r,
    }
}
