//! The monthly department report on screen (`/department-reports`, 部门总结):
//! the months with each report's state; a month's figures with charts, the
//! supervisor's summary and plan, the project manager's sign-off; the A4
//! print with its cover; the workbook.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lobby_app::department_reports::{
    self as reports, DepartmentReport, ReportListItem, ReportTextInput, SignInput,
};
use lobby_domain::policy::Action as Can;
use serde::Deserialize;

use super::chart::{chart, Chart};
use super::{render, render_form, Chrome, FormError, PageError};
use crate::extract::WebForm;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/department-reports", get(list))
        .route("/department-reports/{month}", get(page).post(write))
        .route("/department-reports/{month}/sign", post(sign))
        .route("/department-reports/{month}/print", get(print))
        .route("/department-reports/{month}/xlsx", get(xlsx))
}

#[derive(Template)]
#[template(path = "department_reports/list.html")]
struct ListPage {
    c: Chrome,
    items: Vec<ReportListItem>,
}

async fn list(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    let c = c.at("department_reports", "nav.department_reports");
    let items = reports::reports(&s.app, &c.actor, c.site_id()).await?;
    Ok(render(&ListPage { c, items }))
}

/// One horizontal bar: its words, count and length in percent of the longest.
pub struct Share {
    pub label: String,
    pub n: i64,
    pub pct: i64,
}

/// What the screen and the print both draw from the figures.
pub struct Drawn {
    pub per_day: Chart,
    pub by_kind: Vec<Share>,
    pub by_department: Vec<Share>,
}

fn drawn(c: &Chrome, r: &DepartmentReport) -> Drawn {
    let t = &r.figures.tickets;
    let bars = |items: &[lobby_app::reports::Count], prefix: &str| {
        reports::shares(items)
            .into_iter()
            .map(|(key, n, pct)| Share {
                label: c.e(prefix, &key),
                n,
                pct,
            })
            .collect()
    };
    Drawn {
        per_day: chart(&t.per_day, 640),
        by_kind: bars(&t.by_kind, "ticket_kind"),
        by_department: bars(&t.by_department, "department"),
    }
}

#[derive(Template)]
#[template(path = "department_reports/show.html")]
struct ShowPage {
    c: Chrome,
    r: DepartmentReport,
    d: Drawn,
    can_write: bool,
    can_sign: bool,
    error: Option<FormError>,
}

async fn show(
    s: &AppState,
    c: Chrome,
    month: &str,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let mut c = c.at("department_reports", "nav.department_reports");
    let site = c.site_id();
    let r = reports::report(&s.app, &c.actor, site, month).await?;
    c.title = format!("{} {}", c.t("dept_report.title"), r.month);
    let signed = r.state == lobby_domain::department_reports::ReportState::Signed;
    let can_write = !signed && c.actor.can(Can::DepartmentReportWrite, site);
    let can_sign = !signed && r.ended && c.actor.can(Can::DepartmentReportSign, site);
    let d = drawn(&c, &r);
    let refused = error.is_some();
    Ok(render_form(
        &ShowPage {
            c,
            r,
            d,
            can_write,
            can_sign,
            error,
        },
        refused,
    ))
}

async fn page(
    State(s): State<AppState>,
    c: Chrome,
    Path(month): Path<String>,
) -> Result<Response, PageError> {
    show(&s, c, &month, None).await
}

#[derive(Deserialize)]
struct TextForm {
    #[serde(default)]
    summary: String,
    #[serde(default)]
    plan: String,
    expected_version: Option<i64>,
}

async fn write(
    State(s): State<AppState>,
    c: Chrome,
    Path(month): Path<String>,
    f: WebForm<TextForm>,
) -> Result<Response, PageError> {
    let input = ReportTextInput {
        summary: f.form.summary,
        plan: f.form.plan,
        expected_version: f.form.expected_version,
    };
    match reports::write(&s.app, &f.actor, c.site_id(), &month, &input)
        .await
        .on_form()?
    {
        Ok(r) => Ok(Redirect::to(&format!("/department-reports/{}", r.month)).into_response()),
        Err(fe) => show(&s, c, &month, Some(fe)).await,
    }
}

#[derive(Deserialize)]
struct SignForm {
    expected_version: Option<i64>,
    #[serde(default)]
    comment: Option<String>,
}

async fn sign(
    State(s): State<AppState>,
    c: Chrome,
    Path(month): Path<String>,
    f: WebForm<SignForm>,
) -> Result<Response, PageError> {
    let input = SignInput {
        expected_version: f.form.expected_version,
        comment: f.form.comment.clone().filter(|c| !c.trim().is_empty()),
    };
    match reports::sign(&s.app, &f.actor, c.site_id(), &month, &input)
        .await
        .on_form()?
    {
        Ok(r) => Ok(Redirect::to(&format!("/department-reports/{}", r.month)).into_response()),
        Err(fe) => show(&s, c, &month, Some(fe)).await,
    }
}

#[derive(Template)]
#[template(path = "department_reports/print.html")]
struct PrintPage {
    c: Chrome,
    r: DepartmentReport,
    d: Drawn,
}

/// The report on A4: a cover, then the sections, none cut across pages.
async fn print(
    State(s): State<AppState>,
    c: Chrome,
    Path(month): Path<String>,
) -> Result<Response, PageError> {
    let mut c = c.at("department_reports", "nav.department_reports");
    let r = reports::report(&s.app, &c.actor, c.site_id(), &month).await?;
    c.title = format!("{} {}", c.t("dept_report.title"), r.month);
    let d = drawn(&c, &r);
    Ok(render(&PrintPage { c, r, d }))
}

async fn xlsx(
    State(s): State<AppState>,
    c: Chrome,
    Path(month): Path<String>,
) -> Result<Response, PageError> {
    let r = reports::report(&s.app, &c.actor, c.site_id(), &month).await?;
    let bytes = reports::report_xlsx(&r)?;
    Ok(crate::files::xlsx_response(
        bytes,
        &format!("department-report-{}.xlsx", r.month),
    ))
}

/// A one-decimal figure, or a dash when there was nothing to measure.
pub fn num(v: &Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v:.1}"))
}

/// Per thousand as a percent with one decimal (`965` → `96.5`).
pub fn permille(v: &Option<i64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{}.{}", v / 10, v % 10))
}

/// Minutes as hours with up to two decimals (`90` → `1.5`).
pub fn hours(m: &i64) -> String {
    let s = format!("{:.2}", *m as f64 / 60.0);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
