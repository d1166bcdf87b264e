//! Shift pages: the weekly roster grid with the shift definitions (the
//! supervisor), clock-in/out (everyone on staff) and the monthly attendance
//! sheet with its XLSX.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::CookieJar;
use jiff::civil::Date;
use jiff::ToSpan;
use lobby_app::shifts::{self, *};
use lobby_app::Actor;
use lobby_domain::policy::Action as Can;
use lobby_domain::tickets::Department;
use serde::Deserialize;

use super::{chrome, error_page, render_form, Chrome, FormError};
use crate::extract::{WebActor, WebForm};
use crate::state::AppState;
use crate::ui::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/roster", get(roster_page).post(roster_save))
        .route("/roster/shifts", post(shift_save))
        .route("/attendance", get(attendance_page))
        .route("/attendance.xlsx", get(attendance_xlsx))
        .route("/attendance/clock-in", post(clock_in))
        .route("/attendance/clock-out", post(clock_out))
}

#[derive(Deserialize, Default)]
struct WeekQ {
    week: Option<String>,
}

#[derive(Template)]
#[template(path = "shifts/roster.html")]
struct RosterPage {
    c: Chrome,
    w: RosterWeek,
    prev: String,
    next: String,
    error: Option<FormError>,
}

async fn roster_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<WeekQ>,
) -> Result<Response, PageError> {
    roster_with(&s, &jar, a, q.week, None).await
}

fn today(s: &AppState, c: &Chrome) -> Date {
    c.today(&s.app)
}

async fn roster_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    week: Option<String>,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "roster", "nav.roster").await?;
    let day = match week.as_deref().filter(|w| !w.is_empty()) {
        Some(w) => lobby_app::time::parse_date("week", w)?,
        None => today(s, &c),
    };
    let w = shifts::roster_week(&s.app, &c.actor, c.site_id(), day).await?;
    let monday = monday_of(day);
    let step = |n: i64| {
        monday
            .checked_add(n.days())
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let refused = error.is_some();
    Ok(render_form(
        &RosterPage {
            c,
            w,
            prev: step(-7),
            next: step(7),
            error,
        },
        refused,
    ))
}

/// The grid posts `cell` = `user_id:day:shift_id` (shift empty for a day off).
async fn roster_save(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "roster", "nav.roster")
        .await?
        .site_id();
    let mut entries = Vec::new();
    let mut week = None;
    for (k, v) in &f.form {
        match k.as_str() {
            "week" => week = Some(v.clone()),
            "cell" => {
                let mut parts = v.splitn(3, ':');
                let (Some(u), Some(d), Some(sh)) = (parts.next(), parts.next(), parts.next())
                else {
                    continue;
                };
                let (user_id, shift_id) =
                    match (super::number("cell", u), super::number_opt("cell", sh)) {
                        (Ok(u), Ok(sh)) => (u, sh),
                        (Err(e), _) | (_, Err(e)) => return Err(e.into()),
                    };
                entries.push(RosterEntry {
                    user_id,
                    day: d.to_string(),
                    shift_id,
                });
            }
            _ => {}
        }
    }
    let r = shifts::set_roster(
        &s.app,
        &f.actor,
        &RosterInput {
            site_id: Some(site),
            entries,
        },
    )
    .await;
    Ok(match r.on_form() {
        Ok(Ok(_)) => {
            Redirect::to(&format!("/roster?week={}", week.unwrap_or_default())).into_response()
        }
        Ok(Err(fe)) => roster_with(&s, &jar, f.actor, week, Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    })
}

#[derive(Deserialize)]
struct ShiftForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    code: String,
    name: String,
    starts: String,
    ends: String,
    archived: Option<String>,
}

async fn shift_save(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<ShiftForm>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "roster", "nav.roster")
        .await?
        .site_id();
    let v = &f.form;
    let input = ShiftInput {
        site_id: Some(site),
        code: Some(v.code.clone()),
        name: v.name.clone(),
        starts: v.starts.clone(),
        ends: v.ends.clone(),
        archived: v.archived.is_some(),
    };
    let r = match v.id.trim().parse::<i64>() {
        Ok(id) => shifts::update_shift(&s.app, &f.actor, id, &input).await,
        Err(_) => shifts::create_shift(&s.app, &f.actor, &input).await,
    };
    Ok(match r.on_form() {
        Ok(Ok(_)) => Redirect::to("/roster#shifts").into_response(),
        Ok(Err(fe)) => roster_with(&s, &jar, f.actor, None, Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    })
}

#[derive(Deserialize, Default)]
struct MonthQ {
    month: Option<String>,
    department: Option<String>,
}

#[derive(Template)]
#[template(path = "shifts/attendance.html")]
struct AttendancePage {
    c: Chrome,
    me: Option<ClockView>,
    today: Vec<ClockView>,
    sheet: Option<AttendanceSheet>,
    month: String,
    department: String,
    departments: Vec<&'static str>,
}

async fn attendance_page(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<MonthQ>,
) -> Result<Response, PageError> {
    let c = c.at("attendance", "nav.attendance");
    let site = c.site_id();
    let month = q
        .month
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| today(&s, &c).strftime("%Y-%m").to_string());
    let department = q.department.unwrap_or_default();
    let me = if c.actor.can(Can::ClockInOut, site) {
        match shifts::my_day(&s.app, &c.actor, site).await {
            Ok(v) => Some(v),
            Err(e) => return Err(e.into()),
        }
    } else {
        None
    };
    let (today, sheet) = if c.actor.can(Can::AttendanceRead, site) {
        let t = shifts::today(&s.app, &c.actor, site).await;
        let sh = shifts::sheet(&s.app, &c.actor, site, &month, Some(&department)).await;
        match (t, sh) {
            (Ok(t), Ok(sh)) => (t, Some(sh)),
            (Err(e), _) | (_, Err(e)) => return Err(e.into()),
        }
    } else {
        (Vec::new(), None)
    };
    Ok(super::render(&AttendancePage {
        c,
        me,
        today,
        sheet,
        month,
        department,
        departments: Department::ALL.iter().map(|d| d.as_str()).collect(),
    }))
}

async fn attendance_xlsx(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<MonthQ>,
) -> Result<Response, PageError> {
    let c = c.at("attendance", "nav.attendance");
    let month = q
        .month
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| today(&s, &c).strftime("%Y-%m").to_string());
    Ok(
        match shifts::sheet(
            &s.app,
            &c.actor,
            c.site_id(),
            &month,
            q.department.as_deref(),
        )
        .await
        .and_then(|sh| shifts::sheet_xlsx(&sh))
        {
            Ok(bytes) => crate::files::xlsx_response(bytes, &format!("attendance-{month}.xlsx")),
            Err(e) => error_page(Some(&c.actor), e),
        },
    )
}

#[derive(Deserialize, Default)]
struct BackForm {
    #[serde(default)]
    back: String,
}

async fn clock(
    s: AppState,
    jar: CookieJar,
    f: WebForm<BackForm>,
    out: bool,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "attendance", "nav.attendance")
        .await?
        .site_id();
    let r = if out {
        shifts::clock_out(&s.app, &f.actor, site).await
    } else {
        shifts::clock_in(&s.app, &f.actor, site).await
    };
    let back = if super::safe_next(Some(&f.form.back)) == f.form.back {
        f.form.back.clone()
    } else {
        "/attendance".into()
    };
    Ok(match r {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(e) => error_page(Some(&f.actor), e),
    })
}

async fn clock_in(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<BackForm>,
) -> Result<Response, PageError> {
    clock(s, jar, f, false).await
}

async fn clock_out(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<BackForm>,
) -> Result<Response, PageError> {
    clock(s, jar, f, true).await
}
