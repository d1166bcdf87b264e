//! Arrears on screen (`/arrears`, 欠费): who owes what past due and for how
//! long, with the tenant's units and a search; finance sends the dunning
//! step a debt reached (asked once); the desk notes what it saw of a tenant
//! in arrears; the list as a workbook.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lobby_app::fees::{self, ArrearsView};
use lobby_app::AppError;
use lobby_domain::policy::Action as Can;
use serde::Deserialize;

use super::{render_form, Chrome, FormError, PageError};
use crate::extract::WebForm;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/arrears.xlsx", get(arrears_xlsx))
        .route("/arrears", get(arrears_page))
        .route("/arrears/dun", post(dun))
        .route("/arrears/sightings", post(sighting))
}

fn see(to: &str) -> Response {
    Redirect::to(to).into_response()
}

#[derive(Template)]
#[template(path = "fees/arrears.html")]
struct ArrearsPage {
    c: Chrome,
    items: Vec<ArrearsView>,
    /// The search: tenant or unit.
    q: String,
    total_fen: i64,
    can_manage: bool,
    error: Option<FormError>,
}

async fn arrears_with(
    s: &AppState,
    c: Chrome,
    q: String,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("arrears", "nav.arrears");
    let needle = q.trim().to_string();
    let items: Vec<ArrearsView> = fees::arrears(&s.app, &c.actor, c.site_id())
        .await?
        .into_iter()
        .filter(|a| {
            needle.is_empty()
                || a.tenant_name.contains(&needle)
                || a.units.iter().any(|u| u.contains(&needle))
        })
        .collect();
    let can_manage = c.actor.can(Can::FeesManage, c.site_id());
    let refused = error.is_some();
    Ok(render_form(
        &ArrearsPage {
            total_fen: AppError::sum_fen("arrears", items.iter().map(|a| a.balance_fen))?,
            c,
            items,
            q,
            can_manage,
            error,
        },
        refused,
    ))
}

#[derive(Deserialize, Default)]
struct SearchQ {
    q: Option<String>,
}

async fn arrears_page(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<SearchQ>,
) -> Result<Response, PageError> {
    arrears_with(&s, c, q.q.unwrap_or_default(), None).await
}

#[derive(Deserialize)]
struct DunForm {
    tenant_id: String,
}

/// Sends a tenant the dunning step its debt reached; opens the notice to print.
async fn dun(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<DunForm>,
) -> Result<Response, PageError> {
    let tenant_id: i64 = super::number("tenant_id", &f.form.tenant_id)?;
    match fees::dun(&s.app, &f.actor, &lobby_app::fees::DunInput { tenant_id }).await {
        // Today's notice of this step was sent already: show it to print.
        Err(AppError::Refused {
            code: "invalid_transition",
            id: Some(id),
            ..
        }) => Ok(see(&format!("/fees/dunning/{id}/print"))),
        r => match r.on_form()? {
            Ok(d) => Ok(see(&format!("/fees/dunning/{}/print", d.id))),
            Err(fe) => arrears_with(&s, c, String::new(), Some(fe)).await,
        },
    }
}

async fn arrears_xlsx(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    let name = c.site.as_ref().map(|x| x.name.clone()).unwrap_or_default();
    let bytes = fees::arrears_xlsx(&s.app, &c.actor, c.site_id(), &name).await?;
    Ok(crate::files::xlsx_response(bytes, "arrears.xlsx"))
}

#[derive(Deserialize)]
struct SightingForm {
    tenant_id: String,
    note: String,
}

/// Notes what was seen of a tenant in arrears (the desk, a field assistant).
async fn sighting(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<SightingForm>,
) -> Result<Response, PageError> {
    let tenant_id: i64 = super::number("tenant_id", &f.form.tenant_id)?;
    let input = lobby_app::fees::SightingInput {
        tenant_id,
        note: f.form.note.clone(),
    };
    match fees::record_sighting(&s.app, &f.actor, &input)
        .await
        .on_form()?
    {
        Ok(_) => Ok(see("/arrears")),
        Err(fe) => arrears_with(&s, c, String::new(), Some(fe)).await,
    }
}
