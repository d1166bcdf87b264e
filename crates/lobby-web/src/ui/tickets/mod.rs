//! Work-order pages: the queue with its filters, the intake form (a phone
//! call becomes a dispatched work order in one form), and the ticket page
//! with its timeline and the actions its state allows.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::CookieJar;
use lobby_app::page::Page;
use lobby_app::tickets::complaints::{self, ComplaintInput};
use lobby_app::tickets::{self, ActionInput, NewTicketInput, TicketQuery, TicketView};
use lobby_app::AppError;
use lobby_domain::policy::Action as Can;
use lobby_domain::tickets::{
    Action, Channel, Department, Kind, PhotoStage, Priority, State as TState,
};
use serde::Deserialize;

use super::{chrome, error_page, render, render_form, Chrome, FormError};
use crate::extract::{WebActor, WebForm};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets", get(list).post(create))
        .route("/tickets.xlsx", get(export))
        .route("/tickets/new", get(new_form))
        .route("/tickets/caller", get(caller))
        .route("/tickets/{id}", get(show))
        .route("/tickets/{id}/actions", post(act))
        .route(
            "/tickets/{id}/work",
            post(act_with_photos).layer(axum::extract::DefaultBodyLimit::max(
                4 * lobby_app::photos::MAX_PHOTO_BYTES + 64 * 1024,
            )),
        )
        .route("/tickets/{id}/complaint", post(complaint_record))
        .route("/tickets/{id}/complaint/report", post(complaint_report))
        .route("/tickets/{id}/print", get(print))
        .route(
            "/tickets/{id}/photos",
            post(upload_photo).layer(axum::extract::DefaultBodyLimit::max(
                lobby_app::photos::MAX_PHOTO_BYTES + 64 * 1024,
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

mod complaint_pages;
mod intake;
mod list;
mod photos;
mod reports;
mod show;

use complaint_pages::{complaint_record, complaint_report};
use intake::{caller, create, new_form};
use list::{export, list};
use photos::{photo_file, upload_photo};
use reports::{management_log, print, summary, summary_xlsx};
use show::{act, act_with_photos, after_change, show, show_with};
