//! Renovation on screen (装修申请): the site's renovations with the desk's
//! application form, and a renovation's page — its drawings, the step each
//! role takes next (review, approve or turn down, inspect, accept, settle
//! the deposit), the inspections, and the permit to print for the door.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lobby_app::renovations::{
    self, RenovationActionInput, RenovationInput, RenovationQuery, RenovationView,
};
use lobby_app::AppError;
use lobby_domain::policy::Action as Can;
use lobby_domain::renovations::{RenovationAction, RenovationState, MAX_DRAWING_BYTES};
use serde::Deserialize;

use super::{render_form, Chrome, FormError, PageError};
use crate::extract::WebForm;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/renovations", get(list_page).post(apply))
        .route("/renovations/{id}", get(show_page))
        .route("/renovations/{id}/actions", post(act))
        .route("/renovations/{id}/override", post(override_hold))
        .route(
            "/renovations/{id}/files",
            post(add_file).layer(axum::extract::DefaultBodyLimit::max(
                MAX_DRAWING_BYTES + 64 * 1024,
            )),
        )
        .route("/renovations/{id}/files/{file}", get(file))
}

fn see(to: &str) -> Response {
    Redirect::to(to).into_response()
}

#[derive(Template)]
#[template(path = "renovations/list.html")]
struct ListPage {
    c: Chrome,
    renovations: Vec<RenovationView>,
    units: Vec<super::UnitChoice>,
    can_apply: bool,
    today: String,
    error: Option<FormError>,
}

async fn list_with(
    s: &AppState,
    c: Chrome,
    state: Option<RenovationState>,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("renovations", "nav.renovations");
    let site = c.site_id();
    let list = renovations::renovations(
        &s.app,
        &c.actor,
        &RenovationQuery {
            site_id: site,
            state,
        },
    )
    .await?;
    let can_apply = c.actor.can(Can::RenovationsApply, site) && c.actor.can(Can::UnitsRead, site);
    let units = if can_apply {
        super::unit_choices(s, &c, "occupied").await?
    } else {
        Vec::new()
    };
    let today = c.today(&s.app).to_string();
    let refused = error.is_some();
    Ok(render_form(
        &ListPage {
            c,
            renovations: list,
            units,
            can_apply,
            today,
            error,
        },
        refused,
    ))
}

#[derive(Deserialize, Default)]
struct ListQ {
    /// One state only (`held`, `reviewed`: what waits for the project manager).
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    state: Option<RenovationState>,
}

async fn list_page(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<ListQ>,
) -> Result<Response, PageError> {
    list_with(&s, c, q.state, None).await
}

#[derive(Deserialize)]
struct ApplyForm {
    unit_id: String,
    contractor: String,
    contractor_phone: Option<String>,
    workers: String,
    start_date: String,
    end_date: String,
    scope: String,
}

async fn apply(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<ApplyForm>,
) -> Result<Response, PageError> {
    let v = &f.form;
    let r = async {
        let unit_id: i64 = super::number("unit_id", &v.unit_id)?;
        let unit = lobby_app::sites::unit(&s.app, &f.actor, unit_id).await?;
        let tenant_id = unit
            .tenant_id
            .ok_or_else(|| AppError::invalid("unit_id", "the unit has no tenant"))?;
        renovations::apply(
            &s.app,
            &f.actor,
            &RenovationInput {
                tenant_id,
                unit_id,
                contractor: v.contractor.clone(),
                contractor_phone: v.contractor_phone.clone(),
                workers: super::number("workers", &v.workers)?,
                start_date: v.start_date.clone(),
                end_date: v.end_date.clone(),
                scope: v.scope.clone(),
            },
        )
        .await
    }
    .await;
    match r {
        // Held for arrears: its page says so and who lets it go on.
        Err(AppError::Refused { id: Some(id), .. }) => Ok(see(&format!("/renovations/{id}"))),
        r => match r.on_form()? {
            Ok(x) => Ok(see(&format!("/renovations/{}", x.id))),
            Err(fe) => list_with(&s, c, None, Some(fe)).await,
        },
    }
}

#[derive(Deserialize)]
struct OverrideForm {
    #[serde(default)]
    reason: String,
}

async fn override_hold(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<OverrideForm>,
) -> Result<Response, PageError> {
    let input = lobby_app::permits::OverrideInput {
        reason: f.form.reason.clone(),
    };
    match renovations::override_hold(&s.app, &f.actor, id, &input)
        .await
        .on_form()?
    {
        Ok(_) => Ok(see(&format!("/renovations/{id}"))),
        Err(fe) => show_with(&s, c, id, Some(fe)).await,
    }
}

/// An action's form: its name and the hint of its note.
struct Act {
    name: &'static str,
    hint: &'static str,
}

#[derive(Template)]
#[template(path = "renovations/show.html")]
struct ShowPage {
    c: Chrome,
    r: RenovationView,
    /// The actions this person may take now.
    actions: Vec<Act>,
    /// Held for arrears, and this person may let it go on.
    can_override: bool,
    /// Waiting for engineering's review, and this person approves after it.
    waits_for_review: bool,
    can_files: bool,
    site_name: String,
    error: Option<FormError>,
}

async fn show_with(
    s: &AppState,
    c: Chrome,
    id: i64,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let mut c = c.at("renovations", "nav.renovations");
    let r = renovations::renovation(&s.app, &c.actor, id).await?;
    c.title = format!("{} · {}", c.t("renovations.title"), r.unit_number);
    let site = r.site_id;
    let can = |a: Can| c.actor.can(a, site);
    let mut actions = Vec::new();
    for a in RenovationAction::ALL {
        if lobby_domain::renovations::next(r.state, *a).is_err() {
            continue;
        }
        let allowed = match a {
            RenovationAction::Review => can(Can::RenovationsReview),
            RenovationAction::Approve => can(Can::RenovationsApprove),
            RenovationAction::Reject => can(Can::RenovationsApprove) || can(Can::RenovationsReview),
            RenovationAction::Inspect | RenovationAction::Accept => can(Can::RenovationsInspect),
            RenovationAction::Close => can(Can::RenovationsClose),
        };
        if allowed {
            actions.push(Act {
                name: a.as_str(),
                hint: match a {
                    RenovationAction::Review => "renovations.note_review",
                    RenovationAction::Reject => "renovations.note_reject",
                    RenovationAction::Accept => "renovations.note_accept",
                    _ => "renovations.note_inspect",
                },
            });
        }
    }
    let can_files = lobby_domain::renovations::is_open(r.state) && can(Can::RenovationsApply);
    let can_override = r.state == RenovationState::Held && can(Can::RenovationsApprove);
    let waits_for_review = r.state == RenovationState::Applied
        && can(Can::RenovationsApprove)
        && !can(Can::RenovationsReview);
    let site_name = c.site.as_ref().map(|x| x.name.clone()).unwrap_or_default();
    let refused = error.is_some();
    Ok(render_form(
        &ShowPage {
            c,
            r,
            actions,
            can_override,
            waits_for_review,
            can_files,
            site_name,
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
    show_with(&s, c, id, None).await
}

#[derive(Deserialize)]
struct ActForm {
    action: String,
    note: Option<String>,
    deposit: Option<String>,
    violation: Option<String>,
    kept: Option<String>,
}

async fn act(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<ActForm>,
) -> Result<Response, PageError> {
    let v = &f.form;
    let r = async {
        renovations::act(
            &s.app,
            &f.actor,
            id,
            &RenovationActionInput {
                action: v.action.parse()?,
                note: v.note.clone(),
                deposit: v.deposit.clone(),
                violation: v.violation.as_deref().is_some_and(|x| !x.is_empty()),
                kept: v.kept.clone(),
            },
        )
        .await
    }
    .await;
    match r {
        Ok(_) => Ok(see(&format!("/renovations/{id}"))),
        Err(AppError::NotFound(w)) => Err(AppError::NotFound(w).into()),
        Err(e) => show_with(&s, c, id, Some(FormError::refusal(&e))).await,
    }
}

/// A drawing from the form (`file`), named by its file name.
async fn add_file(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    mut mp: Multipart,
) -> Result<Response, PageError> {
    if !c.actor.can_anywhere(Can::RenovationsApply) {
        return Err(AppError::Forbidden.into());
    }
    let (fields, mut files) = match super::read_multipart(&c.actor, &mut mp).await {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let name = fields
        .iter()
        .find(|(n, _)| n == "name")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let r = match files.pop() {
        Some(bytes) => renovations::add_file(&s.app, &c.actor, id, &name, &bytes).await,
        None => Err(AppError::invalid("file", "choose a file")),
    };
    match r {
        Ok(_) => Ok(see(&format!("/renovations/{id}#files"))),
        Err(AppError::NotFound(w)) => Err(AppError::NotFound(w).into()),
        Err(e) => show_with(&s, c, id, Some(FormError::refusal(&e))).await,
    }
}

async fn file(
    State(s): State<AppState>,
    c: Chrome,
    Path((id, file)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let (name, ty, bytes) = renovations::file(&s.app, &c.actor, id, file).await?;
    Ok(crate::files::download(&name, &ty, file, bytes))
}
