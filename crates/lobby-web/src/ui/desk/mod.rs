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

use super::{chrome, error_page, render, render_form, Chrome, FormError, OnForm};
use crate::extract::{WebActor, WebForm};
use crate::state::AppState;

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
        .route("/expected-visitors/{id}/arrive", post(expected_arrive))
        .route("/visitors/pass", post(pass_arrive))
        .route("/parcels", get(parcels_page).post(parcel_create))
        .route("/outgoing-mail", get(outgoing_page).post(outgoing_create))
        .route("/parcels/{id}/pickup", post(parcel_pickup))
        .route(
            "/parcels/{id}/photo",
            get(parcels::parcel_photo).post(parcel_upload).layer(
                axum::extract::DefaultBodyLimit::max(
                    lobby_app::photos::MAX_PHOTO_BYTES + 64 * 1024,
                ),
            ),
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

mod checks;
mod handover;
mod incidents;
mod inquiries;
mod log;
mod outgoing;
mod parcels;
mod visitors;

use checks::{check_create, checks_page};
use handover::{handover_confirm, handover_end, handover_page};
use incidents::{
    incident_close, incident_note, incident_open, incident_page, incident_print, incident_tick,
    incidents_page, type_save, types_page, Empty,
};
use inquiries::{inquiries_page, inquiry_create};
use log::{
    back_to, log_ack, log_ack_all, log_close, log_page, log_ticket, log_write, strs, BackForm,
};
use outgoing::{outgoing_create, outgoing_page};
use parcels::{parcel_create, parcel_pickup, parcel_upload, parcels_page};
use visitors::{expected_arrive, pass_arrive, visitor_create, visitor_sign_out, visitors_page};
