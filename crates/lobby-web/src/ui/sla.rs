//! The service-level page: every kind × priority with its deadlines (edited
//! by admin and the project manager) and the site's holidays.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::CookieJar;
use lobby_app::tickets::sla::{self, Holiday, LevelView};
use lobby_app::{Actor, AppError};
use serde::Deserialize;

use super::{chrome, error_page, render_form, Chrome, FormError};
use crate::extract::{WebActor, WebForm};
use crate::ui::PageError;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sla", get(page).post(set))
        .route("/sla/holidays", post(add_holiday))
        .route("/sla/holidays/{day}/delete", post(remove_holiday))
}

#[derive(Template)]
#[template(path = "sla.html")]
struct SlaPage {
    c: Chrome,
    levels: Vec<LevelView>,
    holidays: Vec<Holiday>,
    can_edit: bool,
    error: Option<FormError>,
}

async fn page_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "sla", "nav.sla").await?;
    let site = c.site_id();
    let (levels, holidays) = match (
        sla::levels(&s.app, &c.actor, site).await,
        sla::holidays(&s.app, &c.actor, site).await,
    ) {
        (Ok(l), Ok(h)) => (l, h),
        (Err(e), _) | (_, Err(e)) => return Err(e.into()),
    };
    let can_edit = c.actor.can(lobby_domain::policy::Action::SlaManage, site);
    let refused = error.is_some();
    Ok(render_form(
        &SlaPage {
            c,
            levels,
            holidays,
            can_edit,
            error,
        },
        refused,
    ))
}

async fn page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
) -> Result<Response, PageError> {
    page_with(&s, &jar, a, None).await
}

async fn after(s: &AppState, jar: &CookieJar, a: Actor, r: Result<(), AppError>) -> Response {
    match r {
        Ok(()) => Redirect::to("/sla").into_response(),
        Err(e) => match FormError::from_app(&e) {
            Some(fe) => page_with(s, jar, a, Some(fe)).await.into_response(),
            None => error_page(Some(&a), e),
        },
    }
}

#[derive(Deserialize)]
struct LevelForm {
    kind: String,
    priority: String,
    respond_mins: String,
    onsite_mins: String,
    resolve_mins: String,
    resolve_working_days: String,
    return_visit_days: String,
}

fn num(field: &str, v: &str) -> Result<i64, AppError> {
    v.trim()
        .parse()
        .map_err(|_| AppError::invalid(field, format!("{field} must be a whole number")))
}

async fn set(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<LevelForm>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "sla", "nav.sla")
        .await?
        .site_id();
    let v = &f.form;
    let r = async {
        let level = LevelView {
            kind: v.kind.parse()?,
            priority: v.priority.parse()?,
            respond_mins: num("respond_mins", &v.respond_mins)?,
            onsite_mins: num("onsite_mins", &v.onsite_mins)?,
            resolve_mins: num("resolve_mins", &v.resolve_mins)?,
            resolve_working_days: match v.resolve_working_days.trim() {
                "" => None,
                d => Some(num("resolve_working_days", d)?),
            },
            return_visit_days: num("return_visit_days", &v.return_visit_days)?,
            is_default: false,
        };
        sla::set_level(&s.app, &f.actor, site, &level)
            .await
            .map(|_| ())
    }
    .await;
    Ok(after(&s, &jar, f.actor, r).await)
}

#[derive(Deserialize)]
struct HolidayForm {
    day: String,
    name: String,
}

async fn add_holiday(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<HolidayForm>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "sla", "nav.sla")
        .await?
        .site_id();
    let h = Holiday {
        day: f.form.day.clone(),
        name: Some(f.form.name.clone()),
    };
    let r = sla::add_holiday(&s.app, &f.actor, site, &h).await;
    Ok(after(&s, &jar, f.actor, r).await)
}

#[derive(Deserialize)]
struct Empty {}

async fn remove_holiday(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(day): Path<String>,
    f: WebForm<Empty>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "sla", "nav.sla")
        .await?
        .site_id();
    let r = sla::remove_holiday(&s.app, &f.actor, site, &day).await;
    Ok(after(&s, &jar, f.actor, r).await)
}
