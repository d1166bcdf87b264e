//! Supplies on screen (`/supplies`, 办公用品申购): the requisition form
//! (items, quantities, units, estimated prices in 元), the month's
//! requisitions with the project manager's approve/reject and "received",
//! and the month's cost by department.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lobby_app::supplies::{
    self, RequisitionInput, RequisitionLineInput, SuppliesMonth, SuppliesQuery,
};
use lobby_app::AppError;
use lobby_domain::policy::Action as Can;
use serde::Deserialize;

use super::{render_form, Chrome, FormError, PageError};
use crate::extract::WebForm;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/supplies", get(page).post(request))
        .route("/supplies/{id}/{step}", post(decide))
}

/// Blank rows on the form.
const ROWS: usize = 6;

#[derive(Template)]
#[template(path = "supplies/month.html")]
struct SuppliesPage {
    c: Chrome,
    m: SuppliesMonth,
    can_request: bool,
    can_approve: bool,
    rows: Vec<usize>,
    departments: Vec<&'static str>,
    error: Option<FormError>,
}

#[derive(Deserialize, Default)]
struct MonthQ {
    month: Option<String>,
}

async fn page_with(
    s: &AppState,
    c: Chrome,
    month: Option<String>,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("supplies", "nav.supplies");
    let site = c.site_id();
    let m = supplies::month(
        &s.app,
        &c.actor,
        &SuppliesQuery {
            site_id: site,
            month,
        },
    )
    .await?;
    let can_request = c.actor.can(Can::SuppliesRequest, site);
    let can_approve = c.actor.can(Can::SuppliesApprove, site);
    let refused = error.is_some();
    Ok(render_form(
        &SuppliesPage {
            c,
            m,
            can_request,
            can_approve,
            rows: (0..ROWS).collect(),
            departments: lobby_domain::tickets::Department::ALL
                .iter()
                .map(|d| d.as_str())
                .collect(),
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

/// The form's repeated `item`, `quantity`, `unit`, `price` (元) fields, a
/// row each; rows left blank are skipped.
fn lines(pairs: &[(String, String)]) -> Result<Vec<RequisitionLineInput>, AppError> {
    let all = |k: &str| -> Vec<&str> {
        pairs
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .take(lobby_domain::supplies::MAX_LINES + 1)
            .collect()
    };
    let (items, qty, units, prices) = (all("item"), all("quantity"), all("unit"), all("price"));
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if item.trim().is_empty() {
            continue;
        }
        let n = out.len();
        let quantity = qty.get(i).map(|q| q.trim()).unwrap_or("");
        let price = prices.get(i).map(|p| p.trim()).unwrap_or("");
        out.push(RequisitionLineInput {
            item: item.to_string(),
            quantity: quantity.parse().map_err(|_| {
                AppError::invalid(&format!("lines[{n}].quantity"), "a whole number")
            })?,
            unit: units.get(i).copied().unwrap_or("").to_string(),
            price_fen: if price.is_empty() {
                0
            } else {
                lobby_domain::fees::parse_yuan(&format!("lines[{n}].price_fen"), price)?
            },
        });
    }
    Ok(out)
}

async fn request(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let site = c.site_id();
    let get = |k: &str| {
        f.form
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.trim().is_empty())
    };
    let r = async {
        let input = RequisitionInput {
            site_id: site,
            department: lobby_domain::error::optional_choice(get("department").as_deref())?,
            category: lobby_domain::error::optional_choice(get("category").as_deref())?,
            note: get("note"),
            lines: lines(&f.form)?,
        };
        supplies::request(&s.app, &f.actor, &input).await
    }
    .await;
    match r.on_form()? {
        Ok(_) => Ok(Redirect::to("/supplies").into_response()),
        Err(fe) => page_with(&s, c, None, Some(fe)).await,
    }
}

#[derive(Deserialize)]
struct DecideForm {
    #[serde(default)]
    note: String,
    /// 元, for `receive`.
    #[serde(default)]
    actual: String,
}

async fn decide(
    State(s): State<AppState>,
    c: Chrome,
    Path((id, step)): Path<(i64, String)>,
    f: WebForm<DecideForm>,
) -> Result<Response, PageError> {
    if !["approve", "reject", "receive"].contains(&step.as_str()) {
        return Err(AppError::NotFound("page").into());
    }
    let r = async {
        let actual = match f.form.actual.trim() {
            "" => None,
            a => Some(lobby_domain::fees::parse_yuan("actual_fen", a)?),
        };
        let note = Some(f.form.note.as_str()).filter(|n| !n.trim().is_empty());
        supplies::decide(&s.app, &f.actor, id, &step, note, actual).await
    }
    .await;
    match r.on_form()? {
        Ok(_) => Ok(Redirect::to("/supplies").into_response()),
        Err(fe) => page_with(&s, c, None, Some(fe)).await,
    }
}
