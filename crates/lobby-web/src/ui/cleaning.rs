//! Cleaning pages (保洁/绿化/虫控): the day (tasks, headcount, notices), the
//! plans and their week calendar, inspections, rectification notices with
//! the printable form, evaluations with a trend, quality checks, vendors'
//! contracts and their calendar feed. A vendor's account sees its own part.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::CookieJar;
use jiff::civil::Date;
use lobby_app::cleaning::{self as cl, *};
use lobby_app::{Actor, AppError};
use lobby_domain::cleaning::VendorKind;
use lobby_domain::policy::Action as Can;
use serde::Deserialize;

use super::{chrome, error_page, render, render_form, Chrome, FormError};
use crate::extract::{WebActor, WebForm};
use crate::AppState;

pub fn router() -> Router<AppState> {
    let photos =
        axum::extract::DefaultBodyLimit::max(6 * lobby_app::tickets::MAX_PHOTO_BYTES + 64 * 1024);
    Router::new()
        .route("/cleaning", get(day_page))
        .route("/cleaning/tasks/{id}/done", post(task_done).layer(photos))
        .route("/cleaning/headcount", post(headcount))
        .route("/cleaning/plans", get(plans_page).post(plan_create))
        .route("/cleaning/plans/{id}", post(plan_change))
        .route("/cleaning/plans/{id}/end", post(plan_end))
        .route("/cleaning/calendar", get(calendar_page))
        .route(
            "/cleaning/inspections",
            get(inspections_page).post(inspect).layer(photos),
        )
        .route("/cleaning/notices", get(notices_page).post(notice_issue))
        .route("/cleaning/notices/{id}", get(notice_page).post(notice_act))
        .route("/cleaning/notices/{id}/print", get(notice_print))
        .route("/cleaning/evaluations", get(evaluations_page))
        .route("/cleaning/evaluations.xlsx", get(evaluations_xlsx))
        .route(
            "/cleaning/evaluations/{vendor}/{month}",
            get(evaluation_page).post(evaluation_save),
        )
        .route("/cleaning/checks", get(checks_page).post(check_create))
        .route("/cleaning/vendors", get(vendors_page).post(vendor_create))
        .route("/cleaning/vendors/{id}", post(vendor_update))
        .route("/cleaning/photos/{id}", get(photo))
        .route("/cleaning/feed/{file}", get(feed))
}

fn see(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn today(s: &AppState, c: &Chrome) -> Date {
    lobby_app::time::local_date(s.app.now(), c.tz())
}

fn kinds() -> Vec<&'static str> {
    VendorKind::ALL.iter().map(|k| k.as_str()).collect()
}

/// The page again with the form's error, or the error page.
async fn refused<F, Fut>(a: &Actor, e: AppError, again: F) -> Response
where
    F: FnOnce(FormError) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    match FormError::from_app(&e) {
        Some(fe) => again(fe).await,
        None => error_page(Some(a), e),
    }
}

// ---------------------------------------------------------------- the day

#[derive(Template)]
#[template(path = "cleaning/day.html")]
struct DayPage {
    c: Chrome,
    d: DayView,
    notices: Vec<NoticeView>,
    is_vendor: bool,
    can_inspect: bool,
    latest: Vec<EvaluationRowView>,
    error: Option<FormError>,
}

#[derive(Deserialize, Default)]
struct DayQ {
    date: Option<String>,
}

async fn day_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<DayQ>,
) -> Response {
    day_with(&s, &jar, a, q.date, None).await
}

async fn day_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    date: Option<String>,
    error: Option<FormError>,
) -> Response {
    let c = match chrome(s, a, jar, "cleaning", "nav.cleaning").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let site = c.site_id();
    let day = date.as_deref().and_then(|d| d.parse::<Date>().ok());
    let r = async {
        let d = cl::day_overview(&s.app, &c.actor, site, day).await?;
        let notices = cl::notices(&s.app, &c.actor, site, None, true, None, Some(50))
            .await?
            .items;
        let latest = cl::evaluations(&s.app, &c.actor, site, None).await?;
        Ok::<_, AppError>((d, notices, latest))
    }
    .await;
    let (d, notices, latest) = match r {
        Ok(v) => v,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let is_vendor = c.actor.can(Can::VendorWork, site);
    let can_inspect = c.actor.can(Can::CleaningInspect, site);
    let refused = error.is_some();
    render_form(
        &DayPage {
            c,
            d,
            notices,
            is_vendor,
            can_inspect,
            latest: latest.into_iter().take(4).collect(),
            error,
        },
        refused,
    )
}

async fn task_done(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
    mut mp: axum::extract::Multipart,
) -> Response {
    let (_, mut files) = match super::read_multipart(&a, &mut mp).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let photo = files.pop();
    match cl::mark_done(&s.app, &a, id, photo.as_deref()).await {
        Ok(t) => see(&format!("/cleaning?date={}#t{}", t.day, t.id)),
        Err(e) => refused(&a.clone(), e, |fe| day_with(&s, &jar, a, None, Some(fe))).await,
    }
}

#[derive(Deserialize)]
struct HeadcountForm {
    headcount: String,
}

async fn headcount(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<HeadcountForm>,
) -> Response {
    let site = match chrome(&s, f.actor.clone(), &jar, "cleaning", "nav.cleaning").await {
        Ok(c) => c.site_id(),
        Err(r) => return r,
    };
    let n = f.form.headcount.trim().parse::<i64>().unwrap_or(-1);
    match cl::report_headcount(
        &s.app,
        &f.actor,
        &HeadcountInput {
            site_id: Some(site),
            vendor_id: None,
            headcount: n,
        },
    )
    .await
    {
        Ok(_) => see("/cleaning"),
        Err(e) => {
            refused(&f.actor.clone(), e, |fe| {
                day_with(&s, &jar, f.actor, None, Some(fe))
            })
            .await
        }
    }
}

// ---------------------------------------------------------------- plans

#[derive(Template)]
#[template(path = "cleaning/plans.html")]
struct PlansPage {
    c: Chrome,
    plans: Vec<PlanView>,
    vendors: Vec<VendorView>,
    can_manage: bool,
    error: Option<FormError>,
}

async fn plans_page(State(s): State<AppState>, jar: CookieJar, WebActor(a): WebActor) -> Response {
    plans_with(&s, &jar, a, None).await
}

async fn plans_with(s: &AppState, jar: &CookieJar, a: Actor, error: Option<FormError>) -> Response {
    let c = match chrome(s, a, jar, "cleaning", "cleaning.plans").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let site = c.site_id();
    let r = async {
        Ok::<_, AppError>((
            cl::plans(&s.app, &c.actor, site, None).await?,
            cl::vendors(&s.app, &c.actor, site).await?,
        ))
    }
    .await;
    let (plans, vendors) = match r {
        Ok(v) => v,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let can_manage = c.actor.can(Can::CleaningManage, site);
    let refused = error.is_some();
    render_form(
        &PlansPage {
            c,
            plans,
            vendors: vendors.into_iter().filter(|v| !v.archived).collect(),
            can_manage,
            error,
        },
        refused,
    )
}

#[derive(Deserialize, Default)]
struct PlanForm {
    #[serde(default)]
    vendor_id: String,
    area: String,
    task: String,
    frequency: String,
    #[serde(default)]
    times_per_day: String,
    #[serde(default)]
    weekdays: Vec<String>,
    #[serde(default)]
    day_of_month: String,
    #[serde(default)]
    valid_from: String,
}

fn plan_input(site: i64, f: &[(String, String)]) -> PlanInput {
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let form = PlanForm {
        vendor_id: get("vendor_id"),
        area: get("area"),
        task: get("task"),
        frequency: get("frequency"),
        times_per_day: get("times_per_day"),
        weekdays: f
            .iter()
            .filter(|(n, _)| n == "weekdays")
            .map(|(_, v)| v.clone())
            .collect(),
        day_of_month: get("day_of_month"),
        valid_from: get("valid_from"),
    };
    PlanInput {
        site_id: Some(site),
        vendor_id: form.vendor_id.trim().parse().unwrap_or(0),
        area: form.area,
        task: form.task,
        frequency: form.frequency,
        times_per_day: form.times_per_day.trim().parse().ok(),
        weekdays: Some(form.weekdays.join(",")),
        day_of_month: form.day_of_month.trim().parse().ok(),
        valid_from: Some(form.valid_from),
    }
}

async fn plan_create(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<Vec<(String, String)>>,
) -> Response {
    let site = match chrome(&s, f.actor.clone(), &jar, "cleaning", "cleaning.plans").await {
        Ok(c) => c.site_id(),
        Err(r) => return r,
    };
    match cl::create_plan(&s.app, &f.actor, &plan_input(site, &f.form)).await {
        Ok(_) => see("/cleaning/plans"),
        Err(e) => {
            refused(&f.actor.clone(), e, |fe| {
                plans_with(&s, &jar, f.actor, Some(fe))
            })
            .await
        }
    }
}

async fn plan_change(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<Vec<(String, String)>>,
) -> Response {
    let site = match chrome(&s, f.actor.clone(), &jar, "cleaning", "cleaning.plans").await {
        Ok(c) => c.site_id(),
        Err(r) => return r,
    };
    match cl::change_plan(&s.app, &f.actor, id, &plan_input(site, &f.form)).await {
        Ok(_) => see("/cleaning/plans"),
        Err(e) => {
            refused(&f.actor.clone(), e, |fe| {
                plans_with(&s, &jar, f.actor, Some(fe))
            })
            .await
        }
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn plan_end(State(s): State<AppState>, Path(id): Path<i64>, f: WebForm<Empty>) -> Response {
    match cl::end_plan(&s.app, &f.actor, id).await {
        Ok(_) => see("/cleaning/plans"),
        Err(e) => error_page(Some(&f.actor), e),
    }
}

pub struct CalRow {
    pub vendor: String,
    pub area: String,
    pub task: String,
    /// Per day: (planned, done).
    pub cells: Vec<(i64, i64)>,
}

#[derive(Template)]
#[template(path = "cleaning/calendar.html")]
struct CalendarPage {
    c: Chrome,
    days: Vec<String>,
    /// Monday = 0 … Sunday = 6, per day.
    weekdays: Vec<String>,
    /// `2026-11` when showing a month.
    month: Option<String>,
    this_month: String,
    rows: Vec<CalRow>,
    prev: String,
    next: String,
}

#[derive(Deserialize, Default)]
struct WeekQ {
    week: Option<String>,
    /// `2026-11`: the whole month instead of a week.
    month: Option<String>,
}

async fn calendar_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<WeekQ>,
) -> Response {
    let c = match chrome(&s, a, &jar, "cleaning", "cleaning.calendar").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let any = q
        .week
        .as_deref()
        .and_then(|w| w.parse::<Date>().ok())
        .unwrap_or_else(|| today(&s, &c));
    let first_of = q
        .month
        .as_deref()
        .and_then(|m| format!("{}-01", m.trim()).parse::<Date>().ok());
    let (monday, n) = match first_of {
        Some(f) => (f, i64::from(f.days_in_month())),
        None => (lobby_app::shifts::monday_of(any), 7),
    };
    let days: Vec<Date> = (0..n)
        .filter_map(|i| monday.checked_add(jiff::Span::new().days(i)).ok())
        .collect();
    let last = days.last().copied().unwrap_or(monday);
    let tasks = match cl::tasks(&s.app, &c.actor, c.site_id(), None, monday, last).await {
        Ok(t) => t,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let mut rows: Vec<CalRow> = Vec::new();
    for t in &tasks {
        let i = days
            .iter()
            .position(|d| d.to_string() == t.day)
            .unwrap_or(0);
        let row = match rows
            .iter_mut()
            .find(|r| r.vendor == t.vendor_name && r.area == t.area && r.task == t.task)
        {
            Some(r) => r,
            None => {
                rows.push(CalRow {
                    vendor: t.vendor_name.clone(),
                    area: t.area.clone(),
                    task: t.task.clone(),
                    cells: vec![(0, 0); days.len()],
                });
                let last = rows.len() - 1;
                &mut rows[last]
            }
        };
        row.cells[i].0 += 1;
        row.cells[i].1 += i64::from(t.done_at.is_some());
    }
    let step = |n: i64| {
        monday
            .checked_add(jiff::Span::new().days(n))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let this_month = today(&s, &c).strftime("%Y-%m").to_string();
    render(&CalendarPage {
        c,
        weekdays: days
            .iter()
            .map(|d| (d.weekday().to_monday_zero_offset()).to_string())
            .collect(),
        days: days.iter().map(|d| d.to_string()).collect(),
        month: first_of.map(|f| f.strftime("%Y-%m").to_string()),
        this_month,
        rows,
        prev: step(-7),
        next: step(7),
    })
}

// ---------------------------------------------------------------- inspections

#[derive(Template)]
#[template(path = "cleaning/inspections.html")]
struct InspectionsPage {
    c: Chrome,
    vendors: Vec<VendorView>,
    tasks: Vec<TaskView>,
    list: Vec<InspectionView>,
    can_inspect: bool,
    error: Option<FormError>,
}

async fn inspections_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
) -> Response {
    inspections_with(&s, &jar, a, None).await
}

async fn inspections_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    error: Option<FormError>,
) -> Response {
    let c = match chrome(s, a, jar, "cleaning", "cleaning.inspections").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let site = c.site_id();
    let d = today(s, &c);
    let r = async {
        Ok::<_, AppError>((
            cl::vendors(&s.app, &c.actor, site).await?,
            cl::tasks(&s.app, &c.actor, site, None, d, d).await?,
            cl::inspections(&s.app, &c.actor, site, None, None, Some(50))
                .await?
                .items,
        ))
    }
    .await;
    let (vendors, tasks, list) = match r {
        Ok(v) => v,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let can_inspect = c.actor.can(Can::CleaningInspect, site);
    let refused = error.is_some();
    render_form(
        &InspectionsPage {
            c,
            vendors: vendors.into_iter().filter(|v| !v.archived).collect(),
            tasks,
            list,
            can_inspect,
            error,
        },
        refused,
    )
}

async fn inspect(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    mut mp: axum::extract::Multipart,
) -> Response {
    let (fields, files) = match super::read_multipart(&a, &mut mp).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let site = match chrome(&s, a.clone(), &jar, "cleaning", "cleaning.inspections").await {
        Ok(c) => c.site_id(),
        Err(r) => return r,
    };
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let input = InspectionInput {
        site_id: Some(site),
        vendor_id: get("vendor_id").parse().ok(),
        task_id: get("task_id").parse().ok(),
        area: Some(get("area")),
        passed: get("result") == "pass",
        score: get("score").parse().ok(),
        note: Some(get("note")),
        issue_notice: !get("issue_notice").is_empty(),
        deadline_hours: get("deadline_hours").parse().ok(),
    };
    match cl::inspect(&s.app, &a, &input, &files).await {
        Ok(i) => match i.notice_id {
            Some(n) => see(&format!("/cleaning/notices/{n}")),
            None => see("/cleaning/inspections"),
        },
        Err(e) => refused(&a.clone(), e, |fe| inspections_with(&s, &jar, a, Some(fe))).await,
    }
}

// ---------------------------------------------------------------- notices

#[derive(Template)]
#[template(path = "cleaning/notices.html")]
struct NoticesPage {
    c: Chrome,
    list: Vec<NoticeView>,
    vendors: Vec<VendorView>,
    can_inspect: bool,
    all: bool,
    error: Option<FormError>,
}

#[derive(Deserialize, Default)]
struct NoticesQ {
    all: Option<String>,
}

async fn notices_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<NoticesQ>,
) -> Response {
    notices_with(&s, &jar, a, q.all.is_some(), None).await
}

async fn notices_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    all: bool,
    error: Option<FormError>,
) -> Response {
    let c = match chrome(s, a, jar, "cleaning", "cleaning.notices").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let site = c.site_id();
    let r = async {
        Ok::<_, AppError>((
            cl::notices(&s.app, &c.actor, site, None, !all, None, Some(200))
                .await?
                .items,
            cl::vendors(&s.app, &c.actor, site).await?,
        ))
    }
    .await;
    let (list, vendors) = match r {
        Ok(v) => v,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let can_inspect = c.actor.can(Can::CleaningInspect, site);
    let refused = error.is_some();
    render_form(
        &NoticesPage {
            c,
            list,
            vendors: vendors.into_iter().filter(|v| !v.archived).collect(),
            can_inspect,
            all,
            error,
        },
        refused,
    )
}

#[derive(Deserialize)]
struct IssueForm {
    vendor_id: String,
    problem: String,
    location: String,
    #[serde(default)]
    deadline_hours: String,
    #[serde(default)]
    ticket: String,
}

async fn notice_issue(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<IssueForm>,
) -> Response {
    let site = match chrome(&s, f.actor.clone(), &jar, "cleaning", "cleaning.notices").await {
        Ok(c) => c.site_id(),
        Err(r) => return r,
    };
    let v = &f.form;
    let r = async {
        // A work order by its number (a tenant's cleaning complaint).
        let ticket_id = match v.ticket.trim() {
            "" => None,
            n => {
                let q = lobby_app::tickets::TicketQuery {
                    site_id: Some(site),
                    q: Some(n.to_string()),
                    limit: Some(1),
                    ..Default::default()
                };
                let p = lobby_app::tickets::list(&s.app, &f.actor, &q).await?;
                Some(
                    p.items
                        .first()
                        .filter(|t| t.number == n)
                        .map(|t| t.id)
                        .ok_or_else(|| {
                            AppError::invalid("ticket_id", format!("no work order {n}"))
                        })?,
                )
            }
        };
        cl::issue_notice(
            &s.app,
            &f.actor,
            &NoticeInput {
                site_id: Some(site),
                vendor_id: v.vendor_id.trim().parse().unwrap_or(0),
                inspection_id: None,
                ticket_id,
                problem: v.problem.clone(),
                location: v.location.clone(),
                deadline_at: None,
                deadline_hours: Some(v.deadline_hours.trim().parse().unwrap_or(24)),
            },
        )
        .await
    }
    .await;
    match r {
        Ok(n) => see(&format!("/cleaning/notices/{}", n.id)),
        Err(e) => {
            refused(&f.actor.clone(), e, |fe| {
                notices_with(&s, &jar, f.actor, false, Some(fe))
            })
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "cleaning/notice.html")]
struct NoticePage {
    c: Chrome,
    n: NoticeView,
    is_vendor: bool,
    can_inspect: bool,
    error: Option<FormError>,
}

async fn notice_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Response {
    notice_with(&s, &jar, a, id, None).await
}

async fn notice_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    id: i64,
    error: Option<FormError>,
) -> Response {
    let c = match chrome(s, a, jar, "cleaning", "cleaning.notice").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let n = match cl::notice(&s.app, &c.actor, id).await {
        Ok(n) => n,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let is_vendor = c.actor.can(Can::VendorWork, n.site_id);
    let can_inspect = c.actor.can(Can::CleaningInspect, n.site_id);
    let refused = error.is_some();
    render_form(
        &NoticePage {
            c,
            n,
            is_vendor,
            can_inspect,
            error,
        },
        refused,
    )
}

#[derive(Deserialize)]
struct ActForm {
    action: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    version: String,
}

async fn notice_act(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<ActForm>,
) -> Response {
    let v = &f.form;
    let input = NoticeActionInput {
        action: v.action.clone(),
        note: Some(v.note.clone()),
        expected_version: v.version.trim().parse().ok(),
    };
    match cl::act_notice(&s.app, &f.actor, id, &input).await {
        Ok(_) => see(&format!("/cleaning/notices/{id}")),
        Err(e) => {
            refused(&f.actor.clone(), e, |fe| {
                notice_with(&s, &jar, f.actor, id, Some(fe))
            })
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "cleaning/notice_print.html")]
struct NoticePrint {
    c: Chrome,
    n: NoticeView,
}

async fn notice_print(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Response {
    let c = match chrome(&s, a, &jar, "cleaning", "cleaning.notice_form").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match cl::notice(&s.app, &c.actor, id).await {
        Ok(n) => render(&NoticePrint { c, n }),
        Err(e) => error_page(Some(&c.actor), e),
    }
}

// ---------------------------------------------------------------- evaluations

pub struct Trend {
    pub vendor: String,
    pub vendor_id: i64,
    pub points: Vec<(String, f64)>,
    /// An SVG polyline's points, 0–100 mapped to the chart.
    pub line: String,
    /// The same points as (x, y) for markers.
    pub dots: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "cleaning/evaluations.html")]
struct EvaluationsPage {
    c: Chrome,
    month: String,
    trends: Vec<Trend>,
    can_evaluate: bool,
}

#[derive(Deserialize, Default)]
struct MonthQ {
    month: Option<String>,
}

async fn evaluations_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<MonthQ>,
) -> Response {
    let c = match chrome(&s, a, &jar, "cleaning", "cleaning.evaluations").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let site = c.site_id();
    let month = q
        .month
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| today(&s, &c).strftime("%Y-%m").to_string());
    let r = async {
        Ok::<_, AppError>((
            cl::vendors(&s.app, &c.actor, site).await?,
            cl::evaluations(&s.app, &c.actor, site, None).await?,
        ))
    }
    .await;
    let (vendors, rows) = match r {
        Ok(v) => v,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let trends = vendors
        .iter()
        .map(|v| {
            let mut points: Vec<(String, f64)> = rows
                .iter()
                .filter(|r| r.vendor_id == v.id)
                .map(|r| (r.month.clone(), r.total))
                .collect();
            points.sort_by(|a, b| a.0.cmp(&b.0));
            let n = points.len().max(2) as f64 - 1.0;
            let line = points
                .iter()
                .enumerate()
                .map(|(i, (_, t))| {
                    format!("{:.0},{:.0}", 10.0 + i as f64 * 220.0 / n, 70.0 - t * 0.6)
                })
                .collect::<Vec<_>>()
                .join(" ");
            let dots = line
                .split(' ')
                .filter_map(|p| p.split_once(','))
                .map(|(x, y)| (x.to_string(), y.to_string()))
                .collect();
            Trend {
                vendor: v.name.clone(),
                vendor_id: v.id,
                points,
                line,
                dots,
            }
        })
        .collect();
    let can_evaluate = c.actor.can(Can::CleaningEvaluate, site);
    render(&EvaluationsPage {
        c,
        month,
        trends,
        can_evaluate,
    })
}

async fn evaluations_xlsx(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
) -> Response {
    let c = match chrome(&s, a, &jar, "cleaning", "cleaning.evaluations").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match cl::evaluations(&s.app, &c.actor, c.site_id(), None)
        .await
        .and_then(|r| cl::evaluations_xlsx(&r))
    {
        Ok(bytes) => crate::api::xlsx_file(bytes, "evaluations.xlsx"),
        Err(e) => error_page(Some(&c.actor), e),
    }
}

#[derive(Template)]
#[template(path = "cleaning/evaluation.html")]
struct EvaluationPage {
    c: Chrome,
    e: EvaluationView,
    can_evaluate: bool,
    error: Option<FormError>,
}

async fn evaluation_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path((vendor, month)): Path<(i64, String)>,
) -> Response {
    evaluation_with(&s, &jar, a, vendor, month, None).await
}

async fn evaluation_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    vendor: i64,
    month: String,
    error: Option<FormError>,
) -> Response {
    let c = match chrome(s, a, jar, "cleaning", "cleaning.evaluation").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let e = match cl::evaluation(&s.app, &c.actor, vendor, &month).await {
        Ok(e) => e,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let can_evaluate = c.actor.can(Can::CleaningEvaluate, c.site_id());
    let refused = error.is_some();
    render_form(
        &EvaluationPage {
            c,
            e,
            can_evaluate,
            error,
        },
        refused,
    )
}

async fn evaluation_save(
    State(s): State<AppState>,
    jar: CookieJar,
    Path((vendor, month)): Path<(i64, String)>,
    f: WebForm<Vec<(String, String)>>,
) -> Response {
    let mut scores = std::collections::BTreeMap::new();
    let mut note = String::new();
    for (k, v) in &f.form {
        if let Some(code) = k.strip_prefix("score_") {
            scores.insert(code.to_string(), v.trim().parse().unwrap_or(-1));
        } else if k == "note" {
            note = v.clone();
        }
    }
    let input = EvaluationInput {
        month: month.clone(),
        scores,
        note: Some(note),
    };
    match cl::save_evaluation(&s.app, &f.actor, vendor, &input).await {
        Ok(_) => see(&format!("/cleaning/evaluations?month={month}")),
        Err(e) => {
            refused(&f.actor.clone(), e, |fe| {
                evaluation_with(&s, &jar, f.actor, vendor, month, Some(fe))
            })
            .await
        }
    }
}

// ---------------------------------------------------------------- checks and vendors

#[derive(Template)]
#[template(path = "cleaning/checks.html")]
struct ChecksPage {
    c: Chrome,
    list: Vec<QualityView>,
    vendors: Vec<VendorView>,
    can_inspect: bool,
    error: Option<FormError>,
}

async fn checks_page(State(s): State<AppState>, jar: CookieJar, WebActor(a): WebActor) -> Response {
    checks_with(&s, &jar, a, None).await
}

async fn checks_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    error: Option<FormError>,
) -> Response {
    let c = match chrome(s, a, jar, "cleaning", "cleaning.checks").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let site = c.site_id();
    let r = async {
        Ok::<_, AppError>((
            cl::quality_checks(&s.app, &c.actor, site, None).await?,
            cl::vendors(&s.app, &c.actor, site).await?,
        ))
    }
    .await;
    let (list, vendors) = match r {
        Ok(v) => v,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let can_inspect = c.actor.can(Can::CleaningInspect, site);
    let refused = error.is_some();
    render_form(
        &ChecksPage {
            c,
            list,
            vendors,
            can_inspect,
            error,
        },
        refused,
    )
}

#[derive(Deserialize)]
struct CheckForm {
    kind: String,
    #[serde(default)]
    vendor_id: String,
    subject: String,
    #[serde(default)]
    supplier: String,
    result: String,
    replaced: Option<String>,
    #[serde(default)]
    note: String,
}

async fn check_create(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<CheckForm>,
) -> Response {
    let site = match chrome(&s, f.actor.clone(), &jar, "cleaning", "cleaning.checks").await {
        Ok(c) => c.site_id(),
        Err(r) => return r,
    };
    let v = &f.form;
    let input = QualityInput {
        site_id: Some(site),
        kind: v.kind.clone(),
        vendor_id: v.vendor_id.trim().parse().ok(),
        subject: v.subject.clone(),
        supplier: Some(v.supplier.clone()),
        passed: v.result == "pass",
        replaced: v.replaced.is_some(),
        note: Some(v.note.clone()),
    };
    match cl::record_quality(&s.app, &f.actor, &input).await {
        Ok(_) => see("/cleaning/checks"),
        Err(e) => {
            refused(&f.actor.clone(), e, |fe| {
                checks_with(&s, &jar, f.actor, Some(fe))
            })
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "cleaning/vendors.html")]
struct VendorsPage {
    c: Chrome,
    vendors: Vec<VendorView>,
    kinds: Vec<&'static str>,
    can_manage: bool,
    error: Option<FormError>,
}

async fn vendors_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
) -> Response {
    vendors_with(&s, &jar, a, None).await
}

async fn vendors_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    error: Option<FormError>,
) -> Response {
    let c = match chrome(s, a, jar, "cleaning", "cleaning.vendors").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let vendors = match cl::vendors(&s.app, &c.actor, c.site_id()).await {
        Ok(v) => v,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let can_manage = c.actor.can(Can::CleaningManage, c.site_id());
    let refused = error.is_some();
    render_form(
        &VendorsPage {
            c,
            vendors,
            kinds: kinds(),
            can_manage,
            error,
        },
        refused,
    )
}

#[derive(Deserialize)]
struct VendorForm {
    name: String,
    kind: String,
    #[serde(default)]
    contact_person: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    contract_start: String,
    #[serde(default)]
    contract_end: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    headcount: String,
    archived: Option<String>,
}

fn vendor_input(site: i64, v: &VendorForm) -> VendorInput {
    VendorInput {
        site_id: Some(site),
        name: v.name.clone(),
        kind: v.kind.clone(),
        contact_person: Some(v.contact_person.clone()),
        phone: Some(v.phone.clone()),
        contract_start: Some(v.contract_start.clone()),
        contract_end: Some(v.contract_end.clone()),
        scope: Some(v.scope.clone()),
        headcount: v
            .headcount
            .trim()
            .parse()
            .unwrap_or(if v.headcount.trim().is_empty() { 0 } else { -1 }),
        archived: v.archived.is_some(),
    }
}

async fn vendor_create(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<VendorForm>,
) -> Response {
    let site = match chrome(&s, f.actor.clone(), &jar, "cleaning", "cleaning.vendors").await {
        Ok(c) => c.site_id(),
        Err(r) => return r,
    };
    match cl::create_vendor(&s.app, &f.actor, &vendor_input(site, &f.form)).await {
        Ok(_) => see("/cleaning/vendors"),
        Err(e) => {
            refused(&f.actor.clone(), e, |fe| {
                vendors_with(&s, &jar, f.actor, Some(fe))
            })
            .await
        }
    }
}

async fn vendor_update(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<VendorForm>,
) -> Response {
    match cl::update_vendor(&s.app, &f.actor, id, &vendor_input(0, &f.form)).await {
        Ok(_) => see("/cleaning/vendors"),
        Err(e) => {
            refused(&f.actor.clone(), e, |fe| {
                vendors_with(&s, &jar, f.actor, Some(fe))
            })
            .await
        }
    }
}

#[derive(Deserialize, Default)]
struct ThumbQ {
    thumb: Option<String>,
}

async fn photo(
    State(s): State<AppState>,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
    Query(q): Query<ThumbQ>,
) -> Response {
    match cl::photo_bytes(&s.app, &a, id, q.thumb.is_some()).await {
        Ok((ty, bytes)) => ([(axum::http::header::CONTENT_TYPE, ty)], bytes).into_response(),
        Err(e) => error_page(Some(&a), e),
    }
}

/// The vendor's task calendar as iCalendar (RFC 5545), by its secret.
async fn feed(State(s): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(token) = file.strip_suffix(".ics") else {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    };
    let (name, tasks) = match cl::feed(&s.app, token).await {
        Ok(v) => v,
        Err(_) => return axum::http::StatusCode::NOT_FOUND.into_response(),
    };
    let esc = |t: &str| {
        t.replace('\\', "\\\\")
            .replace(';', "\\;")
            .replace(',', "\\,")
            .replace('\n', "\\n")
    };
    let stamp = lobby_app::time::ts(s.app.now())
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let mut out = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//lobby//cleaning//ZH\r\nCALSCALE:GREGORIAN\r\n",
    );
    out.push_str(&format!("X-WR-CALNAME:{}\r\n", esc(&name)));
    for t in &tasks {
        let day = t.day.replace('-', "");
        out.push_str("BEGIN:VEVENT\r\n");
        out.push_str(&format!("UID:lobby-task-{}@lobby\r\n", t.id));
        out.push_str(&format!("DTSTAMP:{stamp}\r\n"));
        out.push_str(&format!("DTSTART;VALUE=DATE:{day}\r\n"));
        out.push_str(&format!(
            "SUMMARY:{}\r\n",
            esc(&format!(
                "{} {}{}",
                t.area,
                t.task,
                if t.seq > 1 {
                    format!(" #{}", t.seq)
                } else {
                    String::new()
                }
            ))
        ));
        if t.done_at.is_some() {
            out.push_str("STATUS:CONFIRMED\r\n");
        }
        out.push_str("END:VEVENT\r\n");
    }
    out.push_str("END:VCALENDAR\r\n");
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/calendar; charset=utf-8",
        )],
        out,
    )
        .into_response()
}
