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

use super::{chrome, error_page, render, render_form, Chrome, FormError, OnForm};
use crate::extract::{WebActor, WebForm};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    let photos =
        axum::extract::DefaultBodyLimit::max(6 * lobby_app::photos::MAX_PHOTO_BYTES + 64 * 1024);
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
            get(inspections_page)
                .post(inspections::inspect)
                .layer(photos),
        )
        .route("/cleaning/notices", get(notices_page).post(notice_issue))
        .route("/cleaning/notices/{id}", get(notice_page).post(notice_act))
        .route("/cleaning/notices/{id}/print", get(notice_print))
        .route("/cleaning/evaluations", get(evaluations_page))
        .route(
            "/cleaning/evaluations.xlsx",
            get(evaluations::evaluations_xlsx),
        )
        .route(
            "/cleaning/evaluations/{vendor}/{month}",
            get(evaluation_page).post(evaluation_save),
        )
        .route("/cleaning/checks", get(checks_page).post(check_create))
        .route("/cleaning/vendors", get(vendors_page).post(vendor_create))
        .route("/cleaning/vendors/{id}", post(vendor_update))
        .route("/cleaning/photos/{id}", get(photo))
        .route("/cleaning/feed/{file}", get(vendors::feed))
}

fn see(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn today(s: &AppState, c: &Chrome) -> Date {
    c.today(&s.app)
}

fn kinds() -> Vec<&'static str> {
    VendorKind::ALL.iter().map(|k| k.as_str()).collect()
}

mod day;
mod evaluations;
mod inspections;
mod notices;
mod plans;
mod vendors;

use day::{day_page, headcount, task_done};
use evaluations::{evaluation_page, evaluation_save, evaluations_page};
use inspections::inspections_page;
use notices::{notice_act, notice_issue, notice_page, notice_print, notices_page};
use plans::{calendar_page, plan_change, plan_create, plan_end, plans_page};
use vendors::{check_create, checks_page, photo, vendor_create, vendor_update, vendors_page};
