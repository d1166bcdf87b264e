//! Patrol pages (巡视): the day's plan, routes with checkpoints and printable
//! QR labels, a round on a phone one checkpoint per screen, the QR landing,
//! coverage and the printable patrol record.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::CookieJar;
use jiff::civil::Date;
use lobby_app::patrols::{self, *};
use lobby_app::{Actor, AppError};
use lobby_domain::patrols::Category;
use lobby_domain::policy::Action as Can;
use lobby_domain::tickets::Department;
use serde::Deserialize;

use super::{chrome, error_page, render, render_form, Chrome, FormError};
use crate::extract::{WebActor, WebForm};
use crate::state::AppState;
use crate::ui::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/patrols", get(plan_page))
        .route("/patrols/routes", post(route_create))
        .route("/patrols/departments", post(departments_save))
        .route("/patrols/routes/{id}", get(route_page).post(route_update))
        .route("/patrols/routes/{id}/checkpoints", post(checkpoint_add))
        .route("/patrols/routes/{id}/labels", get(routes::labels))
        .route("/patrols/checkpoints/{id}", post(checkpoint_update))
        .route("/patrols/checkpoints/{id}/items", post(item_add))
        .route("/patrols/items/{id}", post(item_update))
        .route("/patrols/rounds", post(round_start))
        .route("/patrols/rounds/{id}", get(round_page))
        .route(
            "/patrols/rounds/{id}/checkpoints/{cp}",
            get(checkpoint_page).post(checkpoint_record).layer(
                axum::extract::DefaultBodyLimit::max(
                    6 * lobby_app::photos::MAX_PHOTO_BYTES + 64 * 1024,
                ),
            ),
        )
        .route("/patrols/rounds/{id}/finish", post(round_finish))
        .route("/patrol/c/{token}", get(qr_landing))
        .route("/patrols/report", get(report_page))
        .route("/patrols/record", get(record_page))
}

mod routes;
use routes::*;

fn see(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn strs<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|x| f(*x)).collect()
}

// ---------------------------------------------------------------- the plan

#[derive(Deserialize, Default)]
struct DayQ {
    date: Option<String>,
}

#[derive(Template)]
#[template(path = "patrols/plan.html")]
struct PlanPage {
    c: Chrome,
    plan: DayPlan,
    mine: Vec<RoundView>,
    routes: Vec<RouteView>,
    can_walk: bool,
    can_manage: bool,
    departments: Vec<&'static str>,
    /// Where findings go, by category.
    sent_to: Vec<patrols::CategoryDepartment>,
    error: Option<FormError>,
}

async fn plan_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<DayQ>,
) -> Result<Response, PageError> {
    plan_with(&s, &jar, a, q.date, None).await
}

async fn plan_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    date: Option<String>,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "patrols", "nav.patrols").await?;
    let site = c.site_id();
    let day = match date.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => Some(lobby_app::time::parse_date("date", d)?),
        None => None,
    };
    let r = async {
        let plan = patrols::plan(&s.app, &c.actor, site, day).await?;
        let mine = patrols::rounds(
            &s.app,
            &c.actor,
            &RoundQuery {
                site_id: Some(site),
                open: Some(true),
                mine: Some(true),
                limit: Some(10),
                ..Default::default()
            },
        )
        .await?
        .items;
        let routes = patrols::routes(&s.app, &c.actor, site).await?;
        let sent_to = patrols::category_departments(&s.app, &c.actor, site).await?;
        Ok::<_, AppError>((plan, mine, routes, sent_to))
    }
    .await;
    let (plan, mine, routes, sent_to) = r?;
    let can_walk = c.actor.can(Can::PatrolsWalk, site);
    let can_manage = c.actor.can(Can::PatrolsManage, site);
    let refused = error.is_some();
    Ok(render_form(
        &PlanPage {
            c,
            plan,
            mine,
            routes,
            can_walk,
            can_manage,
            departments: strs(Department::ALL, Department::as_str),
            sent_to,
            error,
        },
        refused,
    ))
}

/// The supervisor's map of findings to departments: `dept_<category>`.
async fn departments_save(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "patrols", "nav.patrols")
        .await?
        .site_id();
    let r = async {
        let mut items = Vec::new();
        for category in lobby_domain::patrols::Category::ALL {
            let Some(v) = f.form.get(&format!("dept_{category}")) else {
                continue;
            };
            items.push(patrols::CategoryDepartmentInput {
                category: *category,
                department: v.parse().map_err(AppError::from)?,
            });
        }
        patrols::set_category_departments(
            &s.app,
            &f.actor,
            site,
            &patrols::CategoryDepartmentsInput { items },
        )
        .await
    }
    .await;
    Ok(match r.on_form() {
        Ok(Ok(_)) => see("/patrols#sent-to"),
        Ok(Err(fe)) => plan_with(&s, &jar, f.actor, None, Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    })
}

#[derive(Deserialize)]
struct StartForm {
    route_id: i64,
    #[serde(default)]
    checkpoint: String,
    #[serde(default)]
    scan: String,
    #[serde(default)]
    at: String,
}

async fn round_start(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<StartForm>,
) -> Result<Response, PageError> {
    let v = &f.form;
    Ok(
        match patrols::start_round(
            &s.app,
            &f.actor,
            &StartInput {
                route_id: v.route_id,
            },
            None,
        )
        .await
        .on_form()
        {
            Ok(Ok(r)) => {
                // From a QR scan: straight to that checkpoint, the scan kept.
                match v.checkpoint.trim().parse::<i64>() {
                    Ok(cp) => see(&format!(
                        "/patrols/rounds/{}/checkpoints/{cp}?scan={}&at={}",
                        r.id, v.scan, v.at
                    )),
                    Err(_) => match next_checkpoint(&r, None) {
                        Some(cp) => see(&format!("/patrols/rounds/{}/checkpoints/{cp}", r.id)),
                        None => see(&format!("/patrols/rounds/{}", r.id)),
                    },
                }
            }
            Ok(Err(fe)) => plan_with(&s, &jar, f.actor, None, Some(fe))
                .await
                .into_response(),
            Err(page) => page.into_response(),
        },
    )
}

#[derive(Template)]
#[template(path = "patrols/round.html")]
struct RoundPage {
    c: Chrome,
    r: RoundView,
    next: Option<i64>,
    can_walk: bool,
}

async fn round_page(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let c = c.at("patrols", "patrol.round");
    Ok(match patrols::round(&s.app, &c.actor, id).await {
        Ok(r) => {
            let next = next_checkpoint(&r, None);
            let can_walk = c.actor.can(Can::PatrolsWalk, r.site_id) && r.finished_at.is_none();
            render(&RoundPage {
                c,
                r,
                next,
                can_walk,
            })
        }
        Err(e) => error_page(Some(&c.actor), e),
    })
}

#[derive(Deserialize, Default)]
struct ScanQ {
    scan: Option<String>,
    at: Option<String>,
}

#[derive(Template)]
#[template(path = "patrols/checkpoint.html")]
struct CheckpointPage {
    c: Chrome,
    r: RoundView,
    cp: RoundCheckpointView,
    scan: String,
    at: String,
    key: String,
    error: Option<FormError>,
    departments: Vec<&'static str>,
    /// The site's kinds of tenant violation: a finding may be one.
    violation_kinds: Vec<(i64, String)>,
}

async fn checkpoint_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path((id, cp)): Path<(i64, i64)>,
    Query(q): Query<ScanQ>,
) -> Result<Response, PageError> {
    checkpoint_with(
        &s,
        &jar,
        a,
        id,
        cp,
        q.scan.unwrap_or_default(),
        q.at.unwrap_or_default(),
        None,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn checkpoint_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    id: i64,
    cp: i64,
    scan: String,
    at: String,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "patrols", "patrol.checkpoint").await?;
    let r = patrols::round(&s.app, &c.actor, id).await?;
    let Some(point) = r
        .checkpoints
        .iter()
        .find(|x| x.checkpoint_id == cp)
        .cloned()
    else {
        return Ok(error_page(Some(&c.actor), AppError::NotFound("checkpoint")));
    };
    if point.recorded_at.is_some() || r.finished_at.is_some() {
        return Ok(see(&format!("/patrols/rounds/{id}")));
    }
    let violation_kinds = if c.actor.can(Can::ViolationsRecord, r.site_id) {
        lobby_app::violations::kinds(&s.app, &c.actor, r.site_id)
            .await?
            .into_iter()
            .filter(|k| k.active)
            .map(|k| (k.id, k.name))
            .collect()
    } else {
        Vec::new()
    };
    let refused = error.is_some();
    Ok(render_form(
        &CheckpointPage {
            c,
            r,
            violation_kinds,
            cp: point,
            scan,
            at,
            key: super::form_key(),
            error,
            departments: lobby_domain::tickets::Department::ALL
                .iter()
                .map(|d| d.as_str())
                .collect(),
        },
        refused,
    ))
}

/// One checkpoint's results (items as `ok_{id}` = 1 / 0 with `note_{id}`),
/// its note and photos, sent on their own; then the next checkpoint.
async fn checkpoint_record(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path((id, cp)): Path<(i64, i64)>,
    mut mp: axum::extract::Multipart,
) -> Response {
    let (fields, files) = match super::read_multipart(&a, &mut mp).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut results = Vec::new();
    for (k, v) in &fields {
        if let Some(item) = k.strip_prefix("ok_") {
            let item: i64 = match super::number(k, item) {
                Ok(i) => i,
                Err(e) => return error_page(Some(&a), e),
            };
            let note = get(&format!("note_{item}"));
            let department =
                match lobby_domain::error::optional_choice(Some(&get(&format!("dept_{item}")))) {
                    Ok(d) => d,
                    Err(e) => return error_page(Some(&a), e.into()),
                };
            results.push(ItemResultInput {
                item_id: item,
                ok: v == "1",
                note: Some(note).filter(|n| !n.trim().is_empty()),
                department,
                same_problem: get(&format!("same_{item}")) == "1",
                violation_kind_id: match super::number_opt(
                    "violation_kind_id",
                    &get(&format!("viol_{item}")),
                ) {
                    Ok(v) => v,
                    Err(e) => return error_page(Some(&a), e),
                },
            });
        }
    }
    let input = CheckpointResultInput {
        results,
        note: Some(get("note")),
        scan_token: Some(get("scan")),
        scanned_at: Some(get("at")),
    };
    let key = get("_key");
    let r = patrols::record_checkpoint(
        &s.app,
        &a,
        id,
        cp,
        &input,
        &files,
        Some(key.as_str()).filter(|k| !k.is_empty()),
    )
    .await;
    match r.on_form() {
        Ok(Ok(round)) => match next_checkpoint(&round, Some(cp)) {
            Some(next) => see(&format!("/patrols/rounds/{id}/checkpoints/{next}")),
            None => see(&format!("/patrols/rounds/{id}#finish")),
        },
        Ok(Err(fe)) => checkpoint_with(&s, &jar, a, id, cp, get("scan"), get("at"), Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    }
}

use crate::ui::Empty;

async fn round_finish(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    f: WebForm<Empty>,
) -> Response {
    match patrols::finish_round(&s.app, &f.actor, id).await {
        Ok(_) => see(&format!("/patrols/rounds/{id}")),
        Err(e) => error_page(Some(&f.actor), e),
    }
}

#[derive(Template)]
#[template(path = "patrols/scan.html")]
struct ScanPage {
    c: Chrome,
    r: RouteView,
    cp: i64,
    cp_name: String,
    token: String,
    at: String,
    can_walk: bool,
}

/// A scanned QR code: the walker's open round of the route at that
/// checkpoint (the scan time kept), or a button to start one.
async fn qr_landing(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let at = lobby_app::time::rfc3339(s.app.now());
    let (route, cp) = patrols::checkpoint_by_token(&s.app, &a, &token).await?;
    let open = patrols::rounds(
        &s.app,
        &a,
        &RoundQuery {
            site_id: Some(route.site_id),
            route_id: Some(route.id),
            open: Some(true),
            mine: Some(true),
            limit: Some(1),
            ..Default::default()
        },
    )
    .await;
    if let Ok(Some(r)) = open.map(|p| p.items.into_iter().next()) {
        return Ok(see(&format!(
            "/patrols/rounds/{}/checkpoints/{cp}?scan={token}&at={at}",
            r.id
        )));
    }
    let c = chrome(&s, a, &jar, "patrols", "patrol.scan").await?;
    let can_walk = c.actor.can(Can::PatrolsWalk, route.site_id);
    let cp_name = route
        .checkpoints
        .iter()
        .find(|x| x.id == cp)
        .map(|x| x.name.clone())
        .unwrap_or_default();
    Ok(render(&ScanPage {
        c,
        r: route,
        cp,
        cp_name,
        token,
        at,
        can_walk,
    }))
}

// ---------------------------------------------------------------- reports

#[derive(Deserialize, Default)]
struct SpanQ {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Template)]
#[template(path = "patrols/report.html")]
struct ReportPage {
    c: Chrome,
    cov: Coverage,
}

async fn report_page(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<SpanQ>,
) -> Result<Response, PageError> {
    let c = c.at("patrols", "patrol.report");
    let today = c.today(&s.app);
    let parse = |field: &str, v: Option<&str>, d: Date| match v.filter(|x| !x.is_empty()) {
        Some(x) => lobby_app::time::parse_date(field, x),
        None => Ok(d),
    };
    let from = parse("from", q.from.as_deref(), today.first_of_month())?;
    let to = parse("to", q.to.as_deref(), today)?;
    Ok(
        match patrols::coverage(&s.app, &c.actor, c.site_id(), from, to).await {
            Ok(cov) => render(&ReportPage { c, cov }),
            Err(e) => error_page(Some(&c.actor), e),
        },
    )
}

#[derive(Template)]
#[template(path = "patrols/record.html")]
struct RecordPage {
    c: Chrome,
    day: String,
    rounds: Vec<RoundView>,
}

async fn record_page(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<DayQ>,
) -> Result<Response, PageError> {
    let c = c.at("patrols", "patrol.record");
    let day = match q.date.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => lobby_app::time::parse_date("date", d)?,
        None => c.today(&s.app),
    };
    Ok(
        match patrols::day_record(&s.app, &c.actor, c.site_id(), day).await {
            Ok(rounds) => render(&RecordPage {
                c,
                day: day.to_string(),
                rounds,
            }),
            Err(e) => error_page(Some(&c.actor), e),
        },
    )
}
