//! Training on screen (`/training`, 培训): the month's sessions with each
//! person's result, the department's hours per person, the form a session
//! is recorded with, and each person's record.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use lobby_app::training::{
    self, AttendeeInput, StaffChoice, TrainingInput, TrainingMonth, TrainingQuery, TrainingRecord,
};
use lobby_app::AppError;
use lobby_domain::policy::Action as Can;
use serde::Deserialize;

use super::{render, render_form, Chrome, FormError, PageError};
use crate::extract::WebForm;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/training", get(page).post(create))
        .route("/training/people/{id}", get(person))
}

#[derive(Template)]
#[template(path = "training/month.html")]
struct MonthPage {
    c: Chrome,
    m: TrainingMonth,
    staff: Vec<StaffChoice>,
    vendors: Vec<lobby_app::cleaning::VendorView>,
    today: String,
    error: Option<FormError>,
}

#[derive(Deserialize, Default)]
struct MonthQ {
    month: Option<String>,
}

/// Minutes as hours: `90` → `1.5`.
pub fn hours(minutes: &i64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match m {
        0 => h.to_string(),
        15 => format!("{h}.25"),
        30 => format!("{h}.5"),
        45 => format!("{h}.75"),
        _ => format!("{h}:{m:02}"),
    }
}

async fn page_with(
    s: &AppState,
    c: Chrome,
    month: Option<String>,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("training", "nav.training");
    let site = c.site_id();
    let m = training::month(
        &s.app,
        &c.actor,
        &TrainingQuery {
            site_id: site,
            month,
        },
    )
    .await?;
    let (staff, vendors) = if c.actor.can(Can::TrainingManage, site) {
        (
            training::staff(&s.app, &c.actor, site).await?,
            lobby_app::cleaning::vendors(&s.app, &c.actor, site)
                .await
                .unwrap_or_default(),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let today = lobby_app::time::ts(s.app.now())
        .to_zoned(c.zone.clone())
        .date()
        .to_string();
    let refused = error.is_some();
    Ok(render_form(
        &MonthPage {
            c,
            m,
            staff,
            vendors,
            today,
            error,
        },
        refused,
    ))
}

async fn page(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<MonthQ>,
) -> Result<Response, PageError> {
    page_with(&s, c, q.month, None).await
}

/// The form: `topic`, `trainer`, `held_on`, `hours`, `vendor_id`,
/// `vendor_headcount`, `note`, and per person `r{user_id}` (result, blank:
/// not listed) and `s{user_id}` (score).
async fn create(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let site = c.site_id();
    let get = |k: &str| {
        f.form
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let r = async {
        let mut attendees = Vec::new();
        for (k, v) in f
            .form
            .iter()
            .take(2 * lobby_domain::training::MAX_ATTENDEES + 20)
        {
            let Some(id) = k.strip_prefix('r').and_then(|x| x.parse::<i64>().ok()) else {
                continue;
            };
            if v.is_empty() {
                continue;
            }
            let score = get(&format!("s{id}"));
            attendees.push(AttendeeInput {
                user_id: id,
                result: v.parse().map_err(|e: lobby_domain::FieldError| {
                    AppError::invalid(&format!("attendees[{}].result", attendees.len()), e.message)
                })?,
                score: if score.is_empty() {
                    None
                } else {
                    Some(score.parse().map_err(|_| {
                        AppError::invalid(
                            &format!("attendees[{}].score", attendees.len()),
                            "a score from 0 to 100",
                        )
                    })?)
                },
            });
        }
        let input = TrainingInput {
            site_id: site,
            topic: get("topic"),
            trainer: get("trainer"),
            held_on: get("held_on"),
            hours: get("hours"),
            vendor_id: crate::ui::number_opt("vendor_id", &get("vendor_id"))?,
            vendor_headcount: crate::ui::number_opt("vendor_headcount", &get("vendor_headcount"))?,
            note: Some(get("note")),
            attendees,
        };
        training::record(&s.app, &f.actor, &input).await
    }
    .await;
    match r.on_form()? {
        Ok(_) => Ok(Redirect::to("/training").into_response()),
        Err(fe) => page_with(&s, c, None, Some(fe)).await,
    }
}

#[derive(Template)]
#[template(path = "training/person.html")]
struct PersonPage {
    c: Chrome,
    r: TrainingRecord,
}

async fn person(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let mut c = c.at("training", "nav.training");
    let r = training::record_of(&s.app, &c.actor, c.site_id(), id).await?;
    c.title = r.name.clone();
    Ok(render(&PersonPage { c, r }))
}
