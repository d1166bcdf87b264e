//! The service-level page: every kind × priority with its deadlines (edited
//! by admin and the project manager) and the site's holidays.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::CookieJar;
use lobby_app::tickets::sla::{self, Holiday, LevelView};
use lobby_app::{Actor, AppError};
use serde::Deserialize;

use super::{chrome, render_form, Chrome, FormError};
use crate::extract::{WebActor, WebForm};
use crate::state::AppState;
use crate::ui::PageError;

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
    levels: Vec<SlaRow>,
    holidays: Vec<Holiday>,
    can_edit: bool,
    error: Option<FormError>,
}

/// A service level as a person edits it: each time as an amount and a
/// unit (minutes, hours, days; for the resolve time also working days).
struct SlaRow {
    l: LevelView,
    respond: (i64, &'static str),
    onsite: (i64, &'static str),
    resolve: (i64, &'static str),
}

/// Minutes in the largest unit that holds them whole: 1440 → (1, "d").
fn in_units(mins: i64) -> (i64, &'static str) {
    match mins {
        m if m > 0 && m % (24 * 60) == 0 => (m / (24 * 60), "d"),
        m if m > 0 && m % 60 == 0 => (m / 60, "h"),
        m => (m, "min"),
    }
}

/// An amount typed in `unit` as minutes; `field` names it when refused.
fn to_mins(field: &str, amount: &str, unit: &str) -> Result<i64, AppError> {
    let n: i64 = super::number(field, amount)?;
    let per = match unit {
        "min" => 1,
        "h" => 60,
        "d" => 24 * 60,
        _ => {
            return Err(AppError::invalid(
                field,
                format!("{field}: unknown unit {unit:?}"),
            ))
        }
    };
    n.checked_mul(per)
        .ok_or_else(|| AppError::invalid(field, format!("{field} is too large")))
}

fn row(l: LevelView) -> SlaRow {
    SlaRow {
        respond: in_units(l.respond_mins),
        onsite: in_units(l.onsite_mins),
        resolve: match l.resolve_working_days {
            Some(d) => (d, "wd"),
            None => in_units(l.resolve_mins),
        },
        l,
    }
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
            levels: levels.into_iter().map(row).collect(),
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
    match r.on_form() {
        Ok(Ok(())) => Redirect::to("/sla").into_response(),
        Ok(Err(fe)) => page_with(s, jar, a, Some(fe)).await.into_response(),
        Err(page) => page.into_response(),
    }
}

#[derive(Deserialize)]
struct LevelForm {
    kind: String,
    priority: String,
    respond: String,
    respond_unit: String,
    onsite: String,
    onsite_unit: String,
    resolve: String,
    /// min | h | d | wd (working days: weekends and holidays skipped).
    resolve_unit: String,
    return_visit_days: String,
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
            respond_mins: to_mins("respond_mins", &v.respond, &v.respond_unit)?,
            onsite_mins: to_mins("onsite_mins", &v.onsite, &v.onsite_unit)?,
            resolve_mins: match v.resolve_unit.as_str() {
                "wd" => 0,
                u => to_mins("resolve_mins", &v.resolve, u)?,
            },
            resolve_working_days: match v.resolve_unit.as_str() {
                "wd" => Some(super::number("resolve_working_days", &v.resolve)?),
                _ => None,
            },
            return_visit_days: super::number("return_visit_days", &v.return_visit_days)?,
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
    /// "on" when the day is a make-up working day (调休).
    #[serde(default)]
    working: Option<String>,
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
        working: f.form.working.is_some(),
    };
    let r = sla::add_holiday(&s.app, &f.actor, site, &h).await;
    Ok(after(&s, &jar, f.actor, r).await)
}

use crate::ui::Empty;

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

#[cfg(test)]
mod tests {
    use super::{in_units, to_mins};

    #[test]
    fn times_read_in_the_largest_whole_unit() {
        assert_eq!(in_units(30), (30, "min"));
        assert_eq!(in_units(240), (4, "h"));
        assert_eq!(in_units(7 * 24 * 60), (7, "d"));
        assert_eq!(in_units(0), (0, "min"));
        assert_eq!(to_mins("x", "2", "d").unwrap(), 2880);
        assert_eq!(to_mins("x", "3", "h").unwrap(), 180);
        assert!(to_mins("x", "soon", "h").is_err());
        assert!(to_mins("x", "1", "weeks").is_err());
    }
}
