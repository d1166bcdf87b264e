//! Work-order pages: the queue with its filters, the intake form (a phone
//! call becomes a dispatched work order in one form), and the ticket page
//! with its timeline and the actions its state allows.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::CookieJar;
use lobby_app::complaints::{self, ComplaintInput};
use lobby_app::page::Page;
use lobby_app::tickets::{self, ActionInput, NewTicketInput, TicketQuery, TicketView};
use lobby_app::AppError;
use lobby_domain::policy::Action as Can;
use lobby_domain::tickets::{
    next_state, Action, Channel, Department, Kind, PhotoStage, Priority, State as TState,
};
use serde::Deserialize;

use super::{chrome, error_page, render, render_form, Chrome, FormError};
use crate::extract::{WebActor, WebForm};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets", get(list).post(create))
        .route("/tickets.xlsx", get(export))
        .route("/tickets/new", get(new_form))
        .route("/tickets/{id}", get(show))
        .route("/tickets/{id}/actions", post(act))
        .route(
            "/tickets/{id}/work",
            post(act_with_photos).layer(axum::extract::DefaultBodyLimit::max(
                4 * tickets::MAX_PHOTO_BYTES + 64 * 1024,
            )),
        )
        .route("/tickets/{id}/complaint", post(complaint_record))
        .route("/tickets/{id}/complaint/report", post(complaint_report))
        .route("/tickets/{id}/print", get(print))
        .route(
            "/tickets/{id}/photos",
            post(upload_photo).layer(axum::extract::DefaultBodyLimit::max(
                tickets::MAX_PHOTO_BYTES + 64 * 1024,
            )),
        )
        .route("/tickets/{id}/photos/{photo}", get(photo_file))
        .route("/reports/tickets", get(summary))
        .route("/reports/management-log", get(management_log))
        .route("/reports/tickets.xlsx", get(summary_xlsx))
}

fn strs<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|x| f(*x)).collect()
}

#[derive(Deserialize, Default)]
struct ListQ {
    state: Option<String>,
    mine: Option<String>,
    kind: Option<String>,
    department: Option<String>,
    overdue: Option<String>,
    escalated: Option<String>,
    q: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "tickets/list.html")]
struct ListPage {
    c: Chrome,
    page: Page<TicketView>,
    state: String,
    kind: String,
    department: String,
    overdue: bool,
    escalated: bool,
    q: String,
    states: Vec<&'static str>,
    kinds: Vec<&'static str>,
    departments: Vec<&'static str>,
    /// This page's filters, for the "next page" link.
    query: String,
}

fn on(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|x| x == "true" || x == "on")
}

/// The list's filters as the use case takes them.
fn query_of(c: &Chrome, q: &ListQ) -> TicketQuery {
    TicketQuery {
        site_id: Some(c.site_id()),
        state: q.state.clone(),
        kind: q.kind.clone(),
        department: q.department.clone(),
        overdue: Some(on(&q.overdue)),
        escalated: on(&q.escalated).then_some(true),
        assignee_id: on(&q.mine).then_some(c.actor.user_id),
        q: q.q.clone(),
        cursor: q.cursor.clone(),
        limit: Some(100),
        ..Default::default()
    }
}

/// The list as XLSX, with the same filters.
async fn export(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<ListQ>,
) -> Response {
    let c = match chrome(&s, a, &jar, "tickets", "nav.tickets").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match tickets::export_xlsx(&s.app, &c.actor, &query_of(&c, &q)).await {
        Ok(bytes) => crate::api::xlsx_file(bytes, "work-orders.xlsx"),
        Err(e) => error_page(Some(&c.actor), e),
    }
}

async fn list(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<ListQ>,
) -> Response {
    let c = match chrome(&s, a, &jar, "tickets", "nav.tickets").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let tq = query_of(&c, &q);
    let query = serde_urlencoded::to_string([
        ("state", q.state.clone().unwrap_or_default()),
        ("kind", q.kind.clone().unwrap_or_default()),
        ("department", q.department.clone().unwrap_or_default()),
        ("overdue", q.overdue.clone().unwrap_or_default()),
        ("escalated", q.escalated.clone().unwrap_or_default()),
        ("mine", q.mine.clone().unwrap_or_default()),
        ("q", q.q.clone().unwrap_or_default()),
    ])
    .unwrap_or_default();
    match tickets::list(&s.app, &c.actor, &tq).await {
        Ok(page) => render(&ListPage {
            c,
            page,
            state: q.state.unwrap_or_default(),
            kind: q.kind.unwrap_or_default(),
            department: q.department.unwrap_or_default(),
            overdue: on(&q.overdue),
            escalated: on(&q.escalated),
            q: q.q.unwrap_or_default(),
            states: strs(TState::ALL, TState::as_str),
            kinds: strs(Kind::ALL, Kind::as_str),
            departments: strs(Department::ALL, Department::as_str),
            query,
        }),
        Err(e) => error_page(Some(&c.actor), e),
    }
}

/// The intake form's fields (also posted by the desk's home page).
#[derive(Deserialize, Default, Clone)]
pub struct IntakeFields {
    pub unit: String,
    pub location: String,
    pub kind: String,
    pub priority: String,
    pub title: String,
    pub description: String,
    pub department: String,
    pub channel: String,
    pub dispatch: Option<String>,
    /// The complaint record's first fields (kind complaint).
    #[serde(default)]
    pub complainant: String,
    #[serde(default)]
    pub complainant_phone: String,
    #[serde(default)]
    pub received_at: String,
}

#[derive(Template)]
#[template(path = "tickets/new.html")]
struct NewPage {
    c: Chrome,
    f: IntakeFields,
    kinds: Vec<&'static str>,
    priorities: Vec<&'static str>,
    departments: Vec<&'static str>,
    channels: Vec<&'static str>,
    error: Option<FormError>,
}

fn new_page(c: Chrome, f: IntakeFields, error: Option<FormError>) -> Response {
    let refused = error.is_some();
    render_form(
        &NewPage {
            c,
            f,
            kinds: strs(Kind::ALL, Kind::as_str),
            priorities: strs(Priority::ALL, Priority::as_str),
            departments: strs(Department::ALL, Department::as_str),
            channels: strs(Channel::ALL, Channel::as_str),
            error,
        },
        refused,
    )
}

#[derive(Deserialize, Default)]
struct NewQ {
    unit: Option<String>,
    kind: Option<String>,
}

async fn new_form(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<NewQ>,
) -> Response {
    match chrome(&s, a, &jar, "tickets", "ticket.new").await {
        Ok(c) => new_page(
            c,
            IntakeFields {
                unit: q.unit.unwrap_or_default(),
                kind: q.kind.unwrap_or_else(|| "repair".into()),
                priority: "normal".into(),
                channel: "phone".into(),
                dispatch: Some("on".into()),
                ..Default::default()
            },
            None,
        ),
        Err(r) => r,
    }
}

/// Creates the ticket and, when asked, dispatches it in the same transaction.
async fn create(State(s): State<AppState>, jar: CookieJar, f: WebForm<IntakeFields>) -> Response {
    let c = match chrome(&s, f.actor.clone(), &jar, "tickets", "ticket.new").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let v = &f.form;
    let result = async {
        let unit_id = match v.unit.trim() {
            "" => None,
            n => Some(
                lobby_app::sites::unit_by_number(&s.app, &f.actor, c.site_id(), n)
                    .await?
                    .ok_or_else(|| AppError::invalid("unit", format!("there is no unit {n}")))?
                    .id,
            ),
        };
        let dispatch = v.dispatch.is_some() && f.actor.can(Can::TicketsDispatch, c.site_id());
        let t = tickets::create_and_dispatch(
            &s.app,
            &f.actor,
            &NewTicketInput {
                site_id: Some(c.site_id()),
                kind: v.kind.clone(),
                priority: v.priority.clone(),
                title: v.title.clone(),
                description: v.description.clone(),
                unit_id,
                location: Some(v.location.clone()),
                tenant_id: None,
                channel: Some(v.channel.clone()),
                department: Some(v.department.clone()),
                complaint: (v.kind == "complaint").then(|| ComplaintInput {
                    complainant: Some(v.complainant.clone()).filter(|c| !c.trim().is_empty()),
                    complainant_phone: Some(v.complainant_phone.clone())
                        .filter(|c| !c.trim().is_empty()),
                    received_at: Some(v.received_at.clone()),
                    ..Default::default()
                }),
            },
            dispatch,
        )
        .await?;
        Ok::<_, AppError>(t.id)
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("/tickets/{id}")).into_response(),
        Err(e) => match FormError::from_app(&e) {
            Some(fe) => new_page(c, f.form, Some(fe)),
            None => error_page(Some(&c.actor), e),
        },
    }
}

/// An action the page offers: its name and which extra fields it needs.
pub struct Offer {
    pub action: &'static str,
    pub needs_note: bool,
    /// Sent with the photos taken for it (start: as found; resolve: done).
    pub with_photos: bool,
}

#[derive(Template)]
#[template(path = "tickets/show.html")]
struct ShowPage {
    c: Chrome,
    t: TicketView,
    photos: Vec<tickets::PhotoView>,
    /// The photos by stage (before, during, after), the empty ones left out.
    galleries: Vec<(&'static str, Vec<tickets::PhotoView>)>,
    stages: Vec<&'static str>,
    default_stage: &'static str,
    /// May fill in the complaint record and report it.
    can_record: bool,
    assignees: Vec<tickets::Assignee>,
    offers: Vec<Offer>,
    departments: Vec<&'static str>,
    error: Option<FormError>,
}

fn offers(c: &Chrome, t: &TicketView) -> Vec<Offer> {
    let held = None;
    Action::ALL
        .iter()
        .filter(|a| next_state(t.state, **a, held).is_ok())
        .filter(|a| {
            let can = match a {
                Action::Dispatch => Can::TicketsDispatch,
                Action::Start | Action::Resolve | Action::Hold | Action::Resume => Can::TicketsWork,
                Action::Verify | Action::ReturnVisit | Action::Reopen => Can::TicketsVerify,
                Action::Escalate => Can::TicketsEscalate,
                Action::Cancel => Can::TicketsCancel,
                Action::Comment => Can::TicketsRead,
            };
            c.actor.can(can, t.site_id)
        })
        .filter(|a| !(matches!(a, Action::Escalate) && t.escalated))
        .map(|a| Offer {
            action: a.as_str(),
            needs_note: matches!(
                a,
                Action::Resolve
                    | Action::Reopen
                    | Action::Escalate
                    | Action::Hold
                    | Action::Cancel
                    | Action::Comment
            ),
            with_photos: matches!(a, Action::Start | Action::Resolve),
        })
        .collect()
}

async fn show_with(
    s: &AppState,
    jar: &CookieJar,
    a: lobby_app::Actor,
    id: i64,
    error: Option<FormError>,
) -> Response {
    let t = match tickets::get(&s.app, &a, id).await {
        Ok(t) => t,
        Err(e) => return error_page(Some(&a), e),
    };
    match chrome(s, a, jar, "tickets", "nav.tickets").await {
        Ok(mut c) => {
            c.title = format!("{} {}", t.number, t.title);
            let offers = offers(&c, &t);
            let assignees = if offers.iter().any(|o| o.action == "dispatch") {
                tickets::assignees(&s.app, &c.actor, t.site_id)
                    .await
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            let photos = tickets::photos(&s.app, &c.actor, t.id)
                .await
                .unwrap_or_default();
            let refused = error.is_some();
            let galleries = PhotoStage::ALL
                .iter()
                .map(|st| {
                    let group: Vec<_> = photos.iter().filter(|p| p.stage == *st).cloned().collect();
                    (st.as_str(), group)
                })
                .filter(|(_, g)| !g.is_empty())
                .collect();
            let can_record = c.actor.can(Can::TicketsVerify, t.site_id);
            render_form(
                &ShowPage {
                    default_stage: PhotoStage::of_state(t.state).as_str(),
                    stages: strs(PhotoStage::ALL, PhotoStage::as_str),
                    galleries,
                    can_record,
                    c,
                    t,
                    photos,
                    assignees,
                    offers,
                    departments: strs(Department::ALL, Department::as_str),
                    error,
                },
                refused,
            )
        }
        Err(r) => r,
    }
}

async fn show(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Response {
    show_with(&s, &jar, a, id, None).await
}

#[derive(Deserialize)]
struct ActForm {
    action: String,
    note: Option<String>,
    department: Option<String>,
    assignee_id: Option<String>,
    satisfaction: Option<String>,
    version: i64,
}

fn act_input(v: &ActForm) -> Result<ActionInput, FormError> {
    let satisfaction = match v.satisfaction.as_deref().filter(|x| !x.is_empty()) {
        Some(x) => Some(x.parse::<i64>().map_err(|_| FormError {
            field: "satisfaction".into(),
            message: "1–5".into(),
        })?),
        None => None,
    };
    Ok(ActionInput {
        action: v.action.clone(),
        department: v.department.clone(),
        assignee_id: v.assignee_id.as_deref().and_then(|a| a.parse().ok()),
        note: v.note.clone(),
        satisfaction,
        expected_version: Some(v.version),
    })
}

/// Back to the ticket, or its page again with what was refused.
async fn after_change<T>(
    s: &AppState,
    jar: &CookieJar,
    a: lobby_app::Actor,
    id: i64,
    anchor: &str,
    r: Result<T, AppError>,
) -> Response {
    match r {
        Ok(_) => Redirect::to(&format!("/tickets/{id}{anchor}")).into_response(),
        Err(e) => {
            let fe = match &e {
                AppError::InvalidTransition(m) => Some(FormError {
                    field: "action".into(),
                    message: m.clone(),
                }),
                other => FormError::from_app(other),
            };
            match fe {
                Some(fe) => show_with(s, jar, a, id, Some(fe)).await,
                None => error_page(Some(&a), e),
            }
        }
    }
}

async fn act(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<ActForm>,
) -> Response {
    let input = match act_input(&f.form) {
        Ok(i) => i,
        Err(fe) => return show_with(&s, &jar, f.actor, id, Some(fe)).await,
    };
    let r = tickets::act(&s.app, &f.actor, id, &input).await;
    after_change(&s, &jar, f.actor, id, "", r).await
}

/// Start or resolve with the photos taken for it (multipart: the action
/// form's fields and any number of `file`s).
async fn act_with_photos(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
    mut mp: axum::extract::Multipart,
) -> Response {
    let (fields, files) = match super::read_multipart(&a, &mut mp).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let field = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let form = ActForm {
        action: field("action").unwrap_or_default(),
        note: field("note"),
        department: None,
        assignee_id: None,
        satisfaction: None,
        version: field("version").and_then(|v| v.parse().ok()).unwrap_or(-1),
    };
    let input = match act_input(&form) {
        Ok(i) => i,
        Err(fe) => return show_with(&s, &jar, a, id, Some(fe)).await,
    };
    let r = tickets::act_with_photos(&s.app, &a, id, &input, &files).await;
    after_change(&s, &jar, a, id, "", r).await
}

#[derive(Deserialize)]
struct ComplaintForm {
    complainant: String,
    complainant_phone: String,
    received_at: String,
    handling: String,
    result: String,
    version: i64,
}

/// Saves the complaint record (投诉记录表) from the ticket page.
async fn complaint_record(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<ComplaintForm>,
) -> Response {
    let v = &f.form;
    let input = ComplaintInput {
        complainant: Some(v.complainant.clone()),
        complainant_phone: Some(v.complainant_phone.clone()),
        received_at: Some(v.received_at.clone()),
        handling: Some(v.handling.clone()),
        result: Some(v.result.clone()),
        expected_version: Some(v.version),
    };
    let r = complaints::update(&s.app, &f.actor, id, &input).await;
    after_change(&s, &jar, f.actor, id, "#complaint", r).await
}

#[derive(Deserialize)]
struct VersionForm {
    version: i64,
}

/// Reports the complaint's result to the project manager.
async fn complaint_report(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<VersionForm>,
) -> Response {
    let r = complaints::report(&s.app, &f.actor, id, Some(f.form.version)).await;
    after_change(&s, &jar, f.actor, id, "#complaint", r).await
}

#[derive(Template)]
#[template(path = "tickets/print.html")]
struct PrintPage {
    c: Chrome,
    t: TicketView,
}

/// The paper form: the complaint record (投诉记录表) for a complaint, the
/// work-order slip (工单) otherwise; A4, black on white, signature lines.
async fn print(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Response {
    let t = match tickets::get(&s.app, &a, id).await {
        Ok(t) => t,
        Err(e) => return error_page(Some(&a), e),
    };
    match chrome(&s, a, &jar, "tickets", "nav.tickets").await {
        Ok(mut c) => {
            c.title = if t.kind == Kind::Complaint {
                c.t("print.complaint_record")
            } else {
                c.t("print.work_order")
            }
            .to_string();
            render(&PrintPage { c, t })
        }
        Err(r) => r,
    }
}

#[derive(Deserialize, Default)]
struct SpanQ {
    from: Option<String>,
    to: Option<String>,
}

/// One bar of a server-drawn SVG chart.
pub struct Bar {
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
    pub label: String,
    pub n: i64,
}

const CHART_H: i64 = 120;

fn bars(items: &[lobby_app::reports::Count], width: i64) -> Vec<Bar> {
    let max = items.iter().map(|c| c.n).max().unwrap_or(0).max(1);
    let w = (width / items.len().max(1) as i64).max(2);
    items
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let h = c.n * CHART_H / max;
            Bar {
                x: i as i64 * w,
                y: CHART_H - h,
                w: (w - 2).max(1),
                h,
                label: c.key.clone(),
                n: c.n,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "tickets/summary.html")]
struct SummaryPage {
    c: Chrome,
    r: lobby_app::reports::TicketSummary,
    days: Vec<Bar>,
    chart_h: i64,
}

async fn load_summary(
    s: &AppState,
    c: &Chrome,
    q: &SpanQ,
) -> Result<lobby_app::reports::TicketSummary, Response> {
    let (from, to) = crate::api::summary_span(&s.app, c.tz(), q.from.as_deref(), q.to.as_deref())
        .map_err(|e| error_page(Some(&c.actor), e.0))?;
    lobby_app::reports::ticket_summary(&s.app, &c.actor, c.site_id(), from, to)
        .await
        .map_err(|e| error_page(Some(&c.actor), e))
}

async fn summary(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<SpanQ>,
) -> Response {
    let c = match chrome(&s, a, &jar, "summary", "nav.summary").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match load_summary(&s, &c, &q).await {
        Ok(r) => {
            let days = bars(&r.per_day, 720);
            render(&SummaryPage {
                c,
                r,
                days,
                chart_h: CHART_H,
            })
        }
        Err(resp) => resp,
    }
}

async fn summary_xlsx(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<SpanQ>,
) -> Response {
    let c = match chrome(&s, a, &jar, "summary", "nav.summary").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let r = match load_summary(&s, &c, &q).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let name = c.site.as_ref().map(|s| s.name.clone()).unwrap_or_default();
    match lobby_app::reports::ticket_summary_xlsx(&r, &name) {
        Ok(bytes) => crate::api::xlsx_file(bytes, &format!("tickets-{}-{}.xlsx", r.from, r.to)),
        Err(e) => error_page(Some(&c.actor), e),
    }
}

#[derive(Deserialize, Default)]
struct DayQ {
    day: Option<String>,
}

#[derive(Template)]
#[template(path = "tickets/log.html")]
struct LogPage {
    c: Chrome,
    day: String,
    prev: String,
    next: String,
    entries: Vec<lobby_app::reports::LogEntry>,
}

/// The management log (管理日志簿) of a day.
async fn management_log(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<DayQ>,
) -> Response {
    let c = match chrome(&s, a, &jar, "log", "nav.log").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let today = lobby_app::time::local_date(s.app.now(), c.tz());
    let day = match q.day.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => today,
        Some(d) => match d.parse::<jiff::civil::Date>() {
            Ok(d) => d,
            Err(_) => {
                return error_page(
                    Some(&c.actor),
                    AppError::invalid("day", "day must be a date like 2026-11-26"),
                )
            }
        },
    };
    match lobby_app::reports::management_log(&s.app, &c.actor, c.site_id(), day).await {
        Ok(entries) => render(&LogPage {
            day: day.to_string(),
            prev: day.yesterday().map(|d| d.to_string()).unwrap_or_default(),
            next: day.tomorrow().map(|d| d.to_string()).unwrap_or_default(),
            c,
            entries,
        }),
        Err(e) => error_page(Some(&c.actor), e),
    }
}

/// The photo upload of the ticket page (multipart: `_csrf`, `stage`, `file`).
async fn upload_photo(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
    mut mp: axum::extract::Multipart,
) -> Response {
    let (fields, mut files) = match super::read_multipart(&a, &mut mp).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let file = files.pop().unwrap_or_default();
    let stage = fields
        .iter()
        .find(|(k, _)| k == "stage")
        .map(|(_, v)| v.as_str());
    match tickets::add_photo(&s.app, &a, id, &file, stage).await {
        Ok(_) => Redirect::to(&format!("/tickets/{id}#photos")).into_response(),
        Err(e) => match FormError::from_app(&e) {
            Some(fe) => show_with(&s, &jar, a, id, Some(fe)).await,
            None => error_page(Some(&a), e),
        },
    }
}

#[derive(Deserialize, Default)]
struct PhotoQ {
    thumb: Option<String>,
}

async fn photo_file(
    State(s): State<AppState>,
    WebActor(a): WebActor,
    Path((id, photo)): Path<(i64, i64)>,
    Query(q): Query<PhotoQ>,
) -> Response {
    match tickets::photo_bytes(&s.app, &a, id, photo, q.thumb.is_some()).await {
        Ok((ty, bytes)) => (
            [
                (axum::http::header::CONTENT_TYPE, ty),
                (
                    axum::http::header::CACHE_CONTROL,
                    "private, max-age=86400".to_string(),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => error_page(Some(&a), e),
    }
}
