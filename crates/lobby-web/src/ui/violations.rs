//! Violations on screen (违章处理): the site's list with the recording form
//! (a phone's: kind, unit or place, what was seen, photos), a violation's
//! page with the step each role takes next, the notice printed on one A4
//! page (违章整改通知书), the kinds, the month's workbook; and the tenant's
//! side (`/my/violations`): its notices, answered with a note and photos.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lobby_app::photos::MAX_PHOTO_BYTES;
use lobby_app::violations::{
    self, ViolationActionInput, ViolationInput, ViolationKindInput, ViolationKindView,
    ViolationQuery, ViolationView,
};
use lobby_app::AppError;
use lobby_domain::fees::parse_yuan;
use lobby_domain::policy::Action as Can;
use lobby_domain::violations::{next, ViolationAction, ViolationState, MAX_PHOTOS};
use serde::Deserialize;

use super::{field, render_form, Chrome, FormError, OnForm, PageError, PhotoQ};
use crate::extract::WebForm;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    let photos = axum::extract::DefaultBodyLimit::max(MAX_PHOTO_BYTES * MAX_PHOTOS + 64 * 1024);
    Router::new()
        .route("/violations", get(list_page).post(record).layer(photos))
        .route("/violations/kinds", get(kinds_page).post(create_kind))
        .route("/violations/kinds/{id}", post(update_kind))
        .route("/violations/export.xlsx", get(export))
        .route("/violations/{id}", get(show_page))
        .route("/violations/{id}/actions", post(act))
        .route("/violations/{id}/notice", get(notice_page))
        .route("/violations/{id}/photos/{photo}", get(photo))
        .route("/my/violations", get(my_list))
        .route("/my/violations/{id}", get(my_show))
        .route("/my/violations/{id}/reply", post(reply).layer(photos))
}

fn see(to: &str) -> Response {
    Redirect::to(to).into_response()
}

#[derive(Template)]
#[template(path = "violations/list.html")]
struct ListPage {
    c: Chrome,
    items: Vec<ViolationView>,
    kinds: Vec<ViolationKindView>,
    units: Vec<super::UnitChoice>,
    can_record: bool,
    can_manage: bool,
    q: ListQ,
    month: String,
    error: Option<FormError>,
}

#[derive(Deserialize, Default, Clone)]
struct ListQ {
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    state: Option<ViolationState>,
    #[serde(default)]
    tenant_id: Option<String>,
    #[serde(default)]
    due: Option<String>,
    #[serde(default)]
    repeat: Option<String>,
}

fn yes(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|x| !x.is_empty() && x != "false")
}

async fn list_with(
    s: &AppState,
    c: Chrome,
    q: ListQ,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    if c.actor.tenant_id.is_some() && !c.actor.can_anywhere(Can::ViolationsRecord) {
        return Ok(see("/my/violations"));
    }
    let c = c.at("violations", "nav.violations");
    let site = c.site_id();
    let items = violations::violations(
        &s.app,
        &c.actor,
        &ViolationQuery {
            site_id: site,
            state: q.state,
            tenant_id: q
                .tenant_id
                .as_deref()
                .filter(|t| !t.is_empty())
                .map(|t| super::number("tenant_id", t))
                .transpose()?,
            due: yes(&q.due),
            repeat: yes(&q.repeat),
            ..ViolationQuery::default()
        },
    )
    .await?;
    let can_record = c.actor.can(Can::ViolationsRecord, site);
    let can_manage = c.actor.can(Can::ViolationsManage, site);
    let kinds = violations::kinds(&s.app, &c.actor, site)
        .await?
        .into_iter()
        .filter(|k| k.active)
        .collect();
    let units = if can_record && c.actor.can(Can::UnitsRead, site) {
        let mut u = super::unit_choices(s, &c, "occupied").await?;
        u.extend(super::unit_choices(s, &c, "renovating").await?);
        u
    } else {
        Vec::new()
    };
    let month = c.today(&s.app).strftime("%Y-%m").to_string();
    let refused = error.is_some();
    Ok(render_form(
        &ListPage {
            c,
            items,
            kinds,
            units,
            can_record,
            can_manage,
            q,
            month,
            error,
        },
        refused,
    ))
}

async fn list_page(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<ListQ>,
) -> Result<Response, PageError> {
    list_with(&s, c, q, None).await
}

/// Records a violation from the phone form, with its photos (`file`).
async fn record(
    State(s): State<AppState>,
    c: Chrome,
    mut mp: Multipart,
) -> Result<Response, PageError> {
    if !c.actor.can_anywhere(Can::ViolationsRecord) {
        return Err(AppError::Forbidden.into());
    }
    let (fields, files) = match super::read_multipart(&c.actor, &mut mp).await {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let r = async {
        let input = ViolationInput {
            site_id: c.site_id(),
            kind_id: super::number("kind_id", &field(&fields, "kind_id"))?,
            unit_id: super::number_opt("unit_id", &field(&fields, "unit_id"))?,
            location: Some(field(&fields, "location")),
            tenant_id: None,
            description: field(&fields, "description"),
        };
        violations::record(&s.app, &c.actor, &input, &files).await
    }
    .await;
    match r.on_form()? {
        Ok(v) => Ok(see(&format!("/violations/{}", v.id))),
        Err(fe) => list_with(&s, c, ListQ::default(), Some(fe)).await,
    }
}

/// An action's form on the page.
struct Act {
    name: &'static str,
}

#[derive(Template)]
#[template(path = "violations/show.html")]
struct ShowPage {
    c: Chrome,
    v: ViolationView,
    actions: Vec<Act>,
    /// The default deadline of a notice served today.
    default_deadline: String,
    today: String,
    error: Option<FormError>,
}

async fn show_with(
    s: &AppState,
    c: Chrome,
    id: i64,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let mut c = c.at("violations", "nav.violations");
    let v = violations::violation(&s.app, &c.actor, id).await?;
    c.title = format!("{} · {}", c.t("violations.title"), v.kind_name);
    let mut actions = Vec::new();
    for a in ViolationAction::ALL {
        let fixed = *a == ViolationAction::Recheck;
        if *a == ViolationAction::Reply
            || next(v.state, *a, fixed).is_err()
            || !violations::may(&c.actor, *a, v.site_id)
            || (*a == ViolationAction::Fine && !v.finable)
        {
            continue;
        }
        actions.push(Act { name: a.as_str() });
    }
    let today = c.today(&s.app);
    let days = violations::kinds(&s.app, &c.actor, v.site_id)
        .await?
        .into_iter()
        .find(|k| k.id == v.kind_id)
        .map_or(7, |k| k.deadline_days);
    let default_deadline = today
        .checked_add(jiff::Span::new().days(days))
        .unwrap_or(today)
        .to_string();
    let refused = error.is_some();
    Ok(render_form(
        &ShowPage {
            c,
            v,
            actions,
            default_deadline,
            today: today.to_string(),
            error,
        },
        refused,
    ))
}

async fn show_page(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    if c.actor.tenant_id.is_some() && !c.actor.can_anywhere(Can::ViolationsRecord) {
        return Ok(see(&format!("/my/violations/{id}")));
    }
    show_with(&s, c, id, None).await
}

#[derive(Deserialize)]
struct ActForm {
    action: String,
    note: Option<String>,
    fixed: Option<String>,
    amount: Option<String>,
    deadline: Option<String>,
}

async fn act(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<ActForm>,
) -> Result<Response, PageError> {
    let v = &f.form;
    let r = async {
        let action: ViolationAction = v.action.parse()?;
        let amount_fen = match v.amount.as_deref().filter(|a| !a.trim().is_empty()) {
            Some(a) => Some(parse_yuan("amount_fen", a)?),
            None => None,
        };
        violations::act(
            &s.app,
            &f.actor,
            id,
            &ViolationActionInput {
                action,
                note: v.note.clone(),
                fixed: v.fixed.as_deref().map(|x| x == "1" || x == "true"),
                amount_fen,
                deadline: v.deadline.clone(),
            },
            &[],
        )
        .await
    }
    .await;
    match r {
        Ok(_) => Ok(see(&format!("/violations/{id}"))),
        Err(AppError::NotFound(w)) => Err(AppError::NotFound(w).into()),
        Err(e) => show_with(&s, c, id, Some(FormError::refusal(&e))).await,
    }
}

#[derive(Template)]
#[template(path = "violations/notice.html")]
struct NoticePage {
    c: Chrome,
    v: ViolationView,
    /// The notice's number: 违章-<id>-<notice>.
    number: String,
    back: String,
}

/// The notice as printed (违章整改通知书): the site's letterhead, the rule,
/// the facts and photos, the deadline and what happens next.
async fn notice_page(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let mut c = c.at("violations", "violations.notice_title");
    let v = violations::violation(&s.app, &c.actor, id).await?;
    c.title = c.t("violations.notice_title").to_string();
    let back = if c.actor.can(Can::ViolationsRecord, v.site_id)
        || c.actor.can(Can::ViolationsManage, v.site_id)
    {
        format!("/violations/{id}")
    } else {
        format!("/my/violations/{id}")
    };
    let number = format!("WZ-{:05}-{}", v.id, v.notices.max(1));
    Ok(render_form(&NoticePage { c, v, number, back }, false))
}

async fn photo(
    State(s): State<AppState>,
    c: Chrome,
    Path((id, photo)): Path<(i64, i64)>,
    Query(q): Query<PhotoQ>,
) -> Result<Response, PageError> {
    Ok(super::image(
        violations::photo(&s.app, &c.actor, id, photo, q.thumb()).await?,
    ))
}

#[derive(Deserialize)]
struct MonthQ {
    month: Option<String>,
}

async fn export(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<MonthQ>,
) -> Result<Response, PageError> {
    let month = q
        .month
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| c.today(&s.app).strftime("%Y-%m").to_string());
    let words = crate::i18n::violation_words(&c.tr);
    let bytes = violations::month_xlsx(&s.app, &c.actor, c.site_id(), &month, &words).await?;
    Ok(crate::files::xlsx_response(
        bytes,
        &format!("violations-{month}.xlsx"),
    ))
}

#[derive(Template)]
#[template(path = "violations/kinds.html")]
struct KindsPage {
    c: Chrome,
    kinds: Vec<ViolationKindView>,
    /// The site's one-off fee items (a fine is charged as one).
    items: Vec<(i64, String)>,
    error: Option<FormError>,
}

async fn kinds_with(
    s: &AppState,
    c: Chrome,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("violations", "violations.kinds");
    let site = c.site_id();
    c.actor.authorize(Can::ViolationsManage, site)?;
    let kinds = violations::kinds(&s.app, &c.actor, site).await?;
    let items = if c.actor.can(Can::FeesRead, site) {
        lobby_app::fees::fee_items(&s.app, &c.actor, site)
            .await?
            .into_iter()
            .filter(|i| i.basis == lobby_domain::fees::FeeBasis::OneOff)
            .map(|i| (i.id, i.name))
            .collect()
    } else {
        Vec::new()
    };
    let refused = error.is_some();
    Ok(render_form(
        &KindsPage {
            c,
            kinds,
            items,
            error,
        },
        refused,
    ))
}

async fn kinds_page(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    kinds_with(&s, c, None).await
}

#[derive(Deserialize)]
struct KindForm {
    name: String,
    rule: Option<String>,
    deadline_days: String,
    fine_fee_item_id: Option<String>,
    active: Option<String>,
}

fn kind_input(site_id: i64, f: &KindForm) -> Result<ViolationKindInput, AppError> {
    Ok(ViolationKindInput {
        site_id,
        name: f.name.clone(),
        rule: f.rule.clone(),
        deadline_days: super::number("deadline_days", &f.deadline_days)?,
        fine_fee_item_id: super::number_opt(
            "fine_fee_item_id",
            f.fine_fee_item_id.as_deref().unwrap_or(""),
        )?,
        active: Some(f.active.as_deref().is_some_and(|a| !a.is_empty())),
    })
}

async fn create_kind(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<KindForm>,
) -> Result<Response, PageError> {
    let r = async {
        let mut input = kind_input(c.site_id(), &f.form)?;
        input.active = Some(true);
        violations::create_kind(&s.app, &f.actor, &input).await
    }
    .await;
    match r.on_form()? {
        Ok(_) => Ok(see("/violations/kinds")),
        Err(fe) => kinds_with(&s, c, Some(fe)).await,
    }
}

async fn update_kind(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<KindForm>,
) -> Result<Response, PageError> {
    let r = async {
        let input = kind_input(c.site_id(), &f.form)?;
        violations::update_kind(&s.app, &f.actor, id, &input).await
    }
    .await;
    match r.on_form()? {
        Ok(_) => Ok(see("/violations/kinds")),
        Err(fe) => kinds_with(&s, c, Some(fe)).await,
    }
}

#[derive(Template)]
#[template(path = "portal/violations.html")]
struct MyListPage {
    c: Chrome,
    items: Vec<ViolationView>,
}

async fn my_list(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    let c = c.at("my_violations", "nav.my_violations");
    let ctx = lobby_app::portal::context(&s.app, &c.actor).await?;
    let items = violations::violations(
        &s.app,
        &c.actor,
        &ViolationQuery {
            site_id: ctx.site_id,
            ..ViolationQuery::default()
        },
    )
    .await?;
    Ok(render_form(&MyListPage { c, items }, false))
}

#[derive(Template)]
#[template(path = "portal/violation.html")]
struct MyShowPage {
    c: Chrome,
    v: ViolationView,
    can_reply: bool,
    error: Option<FormError>,
}

async fn my_show_with(
    s: &AppState,
    c: Chrome,
    id: i64,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let mut c = c.at("my_violations", "nav.my_violations");
    let v = violations::violation(&s.app, &c.actor, id).await?;
    c.title = format!("{} · {}", c.t("violations.notice_title"), v.kind_name);
    let can_reply = v.state == ViolationState::Noticed
        && violations::may(&c.actor, ViolationAction::Reply, v.site_id);
    let refused = error.is_some();
    Ok(render_form(
        &MyShowPage {
            c,
            v,
            can_reply,
            error,
        },
        refused,
    ))
}

async fn my_show(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    my_show_with(&s, c, id, None).await
}

/// The tenant's answer: 已整改 or an objection, a note, photos (`file`).
async fn reply(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    mut mp: Multipart,
) -> Result<Response, PageError> {
    if !c.actor.can_anywhere(Can::ViolationsReply) {
        return Err(AppError::Forbidden.into());
    }
    let (fields, files) = match super::read_multipart(&c.actor, &mut mp).await {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let input = ViolationActionInput {
        action: ViolationAction::Reply,
        note: Some(field(&fields, "note")),
        fixed: Some(field(&fields, "fixed") != "0"),
        amount_fen: None,
        deadline: None,
    };
    match violations::act(&s.app, &c.actor, id, &input, &files).await {
        Ok(_) => Ok(see(&format!("/my/violations/{id}"))),
        Err(AppError::NotFound(w)) => Err(AppError::NotFound(w).into()),
        Err(e) => my_show_with(&s, c, id, Some(FormError::refusal(&e))).await,
    }
}
