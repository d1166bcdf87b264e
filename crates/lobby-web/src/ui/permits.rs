//! Moving and goods-release permits on screen (搬家/放行条): the coming
//! permits with the desk's application form, a permit's page that prints
//! with its code and QR (and the project manager's override), and the
//! gate's phone page where security checks a code.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lobby_app::permits::{self, OverrideInput, PermitInput, PermitQuery, PermitView, VerifyInput};
use lobby_app::AppError;
use lobby_domain::permits::{PermitKind, PermitState};
use lobby_domain::policy::Action as Can;
use serde::Deserialize;

use super::{render_form, Chrome, FormError, PageError};
use crate::extract::WebForm;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/permits", get(list_page).post(apply))
        .route("/permits/{id}", get(show_page))
        .route("/permits/{id}/override", post(override_hold))
        .route("/permits/{id}/cancel", post(cancel))
        .route("/gate", get(gate_page).post(gate_check))
        .route("/gate/release", post(gate_release))
}

fn see(to: &str) -> Response {
    Redirect::to(to).into_response()
}

#[derive(Template)]
#[template(path = "permits/list.html")]
struct ListPage {
    c: Chrome,
    permits: Vec<PermitView>,
    units: Vec<super::UnitChoice>,
    can_apply: bool,
    today: String,
    from: String,
    error: Option<FormError>,
}

#[derive(Deserialize, Default)]
struct ListQ {
    from: Option<String>,
    /// One state only (`held`: what waits for the project manager).
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    state: Option<PermitState>,
}

async fn list_with(
    s: &AppState,
    c: Chrome,
    from: Option<String>,
    state: Option<PermitState>,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("permits", "nav.permits");
    let site = c.site_id();
    let today = c.today(&s.app).to_string();
    let from = from.filter(|f| !f.trim().is_empty());
    let permits = permits::permits(
        &s.app,
        &c.actor,
        &PermitQuery {
            site_id: site,
            from: from.clone(),
            state,
            ..Default::default()
        },
    )
    .await?;
    // The desk chooses among the occupied units; a tenant's account among
    // its own (the portal).
    let units = if !c.actor.can(Can::PermitsApply, site) {
        Vec::new()
    } else if c.actor.can(Can::UnitsRead, site) {
        super::unit_choices(s, &c, "occupied").await?
    } else if c.actor.tenant_id.is_some() {
        let ctx = lobby_app::portal::context(&s.app, &c.actor).await?;
        ctx.units
            .into_iter()
            .map(|u| super::UnitChoice {
                unit_id: u.unit_id,
                label: format!("{} · {}", u.number, ctx.tenant_name),
            })
            .collect()
    } else {
        Vec::new()
    };
    let can_apply = !units.is_empty();
    let refused = error.is_some();
    Ok(render_form(
        &ListPage {
            c,
            permits,
            units,
            can_apply,
            from: from.unwrap_or_else(|| today.clone()),
            today,
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
    list_with(&s, c, q.from, q.state, None).await
}

#[derive(Deserialize)]
struct ApplyForm {
    unit_id: String,
    date: String,
    kind: String,
    window_from: String,
    window_to: String,
    items: String,
    vehicle: Option<String>,
    lift: Option<String>,
}

async fn apply(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<ApplyForm>,
) -> Result<Response, PageError> {
    let v = &f.form;
    let r = async {
        let unit_id: i64 = super::number("unit_id", &v.unit_id)?;
        // The unit's tenant now (a tenant's account: itself).
        let tenant_id = match f.actor.tenant_id {
            Some(own) => own,
            None => lobby_app::sites::unit(&s.app, &f.actor, unit_id)
                .await?
                .tenant_id
                .ok_or_else(|| AppError::invalid("unit_id", "the unit has no tenant"))?,
        };
        permits::apply(
            &s.app,
            &f.actor,
            &PermitInput {
                tenant_id,
                unit_id,
                date: v.date.clone(),
                kind: Some(v.kind.parse::<PermitKind>()?),
                window_from: Some(v.window_from.clone()),
                window_to: Some(v.window_to.clone()),
                items: v.items.clone(),
                vehicle: v.vehicle.clone(),
                lift: v.lift.clone(),
            },
        )
        .await
    }
    .await;
    match r {
        // Held for arrears: its page says so and offers the override.
        Err(AppError::Refused { id: Some(id), .. }) => Ok(see(&format!("/permits/{id}"))),
        r => match r.on_form()? {
            Ok(p) => Ok(see(&format!("/permits/{}", p.id))),
            Err(fe) => list_with(&s, c, None, None, Some(fe)).await,
        },
    }
}

#[derive(Template)]
#[template(path = "permits/show.html")]
struct ShowPage {
    c: Chrome,
    p: PermitView,
    qr: String,
    gate_url: String,
    can_override: bool,
    can_cancel: bool,
    error: Option<FormError>,
}

async fn show_with(
    s: &AppState,
    headers: &HeaderMap,
    c: Chrome,
    id: i64,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let mut c = c.at("permits", "nav.permits");
    let p = permits::permit(&s.app, &c.actor, id).await?;
    c.title = format!(
        "{} · {}",
        c.e("permit_kind", p.kind.as_str()),
        p.unit_number
    );
    let gate_url = format!(
        "{}/gate?code={}",
        super::base_url(headers, s.secure_cookies),
        p.code
    );
    let open = matches!(p.state, PermitState::Held | PermitState::Valid);
    let can_override = p.state == PermitState::Held && c.actor.can(Can::PermitsOverride, p.site_id);
    let can_cancel = open && c.actor.can(Can::PermitsApply, p.site_id);
    let refused = error.is_some();
    Ok(render_form(
        &ShowPage {
            qr: super::qr_svg(&gate_url),
            gate_url,
            c,
            p,
            can_override,
            can_cancel,
            error,
        },
        refused,
    ))
}

async fn show_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    show_with(&s, &headers, c, id, None).await
}

#[derive(Deserialize)]
struct OverrideForm {
    reason: String,
}

async fn override_hold(
    State(s): State<AppState>,
    headers: HeaderMap,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<OverrideForm>,
) -> Result<Response, PageError> {
    let r = permits::override_hold(
        &s.app,
        &f.actor,
        id,
        &OverrideInput {
            reason: f.form.reason.clone(),
        },
    )
    .await;
    match r {
        Ok(_) => Ok(see(&format!("/permits/{id}"))),
        Err(AppError::NotFound(w)) => Err(AppError::NotFound(w).into()),
        Err(e) => show_with(&s, &headers, c, id, Some(FormError::refusal(&e))).await,
    }
}

#[derive(Deserialize)]
struct NoFields {}

async fn cancel(
    State(s): State<AppState>,
    headers: HeaderMap,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<NoFields>,
) -> Result<Response, PageError> {
    match permits::cancel(&s.app, &f.actor, id).await {
        Ok(_) => Ok(see(&format!("/permits/{id}"))),
        Err(AppError::NotFound(w)) => Err(AppError::NotFound(w).into()),
        Err(e) => show_with(&s, &headers, c, id, Some(FormError::refusal(&e))).await,
    }
}

/// What the gate was told about a code.
struct GateResult {
    /// The look-up's verdict (`valid`, `early` …), `released`, a release's
    /// refusal (`already_used`, `wrong_time` …) or `unknown`.
    outcome: String,
    permit: Option<PermitView>,
    /// The look-up found a permit this person may release now.
    may_release: bool,
}

impl GateResult {
    fn ok(&self) -> bool {
        matches!(self.outcome.as_str(), "valid" | "released")
    }
}

#[derive(Template)]
#[template(path = "permits/gate.html")]
struct GatePage {
    c: Chrome,
    code: String,
    result: Option<GateResult>,
}

#[derive(Deserialize, Default)]
struct GateQ {
    code: Option<String>,
}

async fn gate_page(c: Chrome, Query(q): Query<GateQ>) -> Result<Response, PageError> {
    let c = c.at("gate", "nav.gate");
    if !c.actor.can_anywhere(Can::PermitsVerify) {
        return Err(AppError::Forbidden.into());
    }
    Ok(super::render(&GatePage {
        c,
        code: q.code.unwrap_or_default(),
        result: None,
    }))
}

#[derive(Deserialize)]
struct GateForm {
    code: String,
}

/// What the gate shows for a refusal: its code and the permit it names.
async fn refused_at_gate(
    s: &AppState,
    a: &lobby_app::Actor,
    e: AppError,
) -> Result<GateResult, PageError> {
    Ok(match e {
        AppError::Refused { code, id, .. } => GateResult {
            outcome: code.into(),
            permit: match id {
                Some(id) => permits::permit(&s.app, a, id).await.ok(),
                None => None,
            },
            may_release: false,
        },
        AppError::NotFound(_) | AppError::Invalid { .. } => GateResult {
            outcome: "unknown".into(),
            permit: None,
            may_release: false,
        },
        e => return Err(e.into()),
    })
}

fn gate_answer(c: Chrome, code: String, result: GateResult) -> Response {
    let refused = !result.ok();
    render_form(
        &GatePage {
            c,
            code,
            result: Some(result),
        },
        refused,
    )
}

/// The look-up: the verdict and the goods listed; nothing changes.
async fn gate_check(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<GateForm>,
) -> Result<Response, PageError> {
    let c = c.at("gate", "nav.gate");
    let input = VerifyInput {
        code: f.form.code.clone(),
    };
    let result = match permits::verify(&s.app, &f.actor, &input).await {
        Ok(g) => GateResult {
            outcome: g.verdict.as_str().into(),
            permit: Some(g.permit),
            may_release: g.may_release,
        },
        Err(e) => refused_at_gate(&s, &f.actor, e).await?,
    };
    let code = if result.may_release {
        f.form.code.clone()
    } else {
        String::new()
    };
    Ok(gate_answer(c, code, result))
}

/// 确认放行: releases once, after the goods were checked.
async fn gate_release(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<GateForm>,
) -> Result<Response, PageError> {
    let c = c.at("gate", "nav.gate");
    let input = VerifyInput {
        code: f.form.code.clone(),
    };
    let result = match permits::release(&s.app, &f.actor, &input).await {
        Ok(p) => GateResult {
            outcome: "released".into(),
            permit: Some(p),
            may_release: false,
        },
        Err(e) => refused_at_gate(&s, &f.actor, e).await?,
    };
    Ok(gate_answer(c, String::new(), result))
}
