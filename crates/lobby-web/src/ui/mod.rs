//! The HTML UI: server-rendered pages that work as plain forms (POST,
//! redirect, GET), with the page frame (`Chrome`) every page shares: the
//! site switcher, search, the bell, the language switch and the menu of the
//! modules the role may use.

// The features' pages.
mod account;
mod announcements;
mod arrears;
mod cleaning;
mod delivery;
mod department_reports;
mod desk;
mod digest;
mod failure;
mod fees;
mod home;
mod keys;
mod meters;
mod moves;
mod nav;
mod patrols;
mod paying;
mod payment_notices;
mod permits;
pub mod portal;
mod renovations;
mod shifts;
mod sites;
mod sla;
mod supervision;
mod supplies;
mod tenants;
mod tickets;
pub(crate) mod training;
mod users;
mod violations;
mod work_log;

// The frame and what every page shares, one job a file.
mod assets;
mod chart;
mod choices;
mod chrome;
mod form;
mod golive;
mod qr;
mod render;

use axum::routing::get;
use axum::Router;

pub use crate::error_page::error_page;
use crate::state::AppState;
use assets::static_file;
pub use choices::{place_choices, tenant_choices, unit_choices, TenantChoice, UnitChoice};
pub use chrome::{chrome, is_tenant, Chrome};
pub use failure::PageError;
pub use form::{
    field, form_key, image, number, number_opt, or_empty, read_multipart, read_upload, safe_next,
    tel, Empty, FormError, OnForm, PhotoQ,
};
pub(crate) use qr::{base_url, qr_svg};
pub use render::{not_found, render, render_form};

/// The cookie that keeps the site a person chose.
pub const SITE_COOKIE: &str = "lobby_site";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/{file}", get(static_file))
        .merge(account::router())
        .merge(announcements::router())
        .merge(digest::router())
        .merge(supplies::router())
        .merge(training::router())
        .merge(department_reports::router())
        .merge(work_log::router())
        .merge(supervision::router())
        .merge(home::router())
        .merge(sites::router())
        .merge(tenants::router())
        .merge(tickets::router())
        .merge(users::router())
        .merge(sla::router())
        .merge(desk::router())
        .merge(delivery::router())
        .merge(patrols::router())
        .merge(cleaning::router())
        .merge(shifts::router())
        .merge(fees::router())
        .merge(arrears::router())
        .merge(golive::router())
        .merge(paying::router())
        .merge(payment_notices::router())
        .merge(keys::router())
        .merge(meters::router())
        .merge(permits::router())
        .merge(portal::router())
        .merge(moves::router())
        .merge(renovations::router())
        .merge(violations::router())
        .layer(axum::middleware::from_fn(failure::pages))
}
