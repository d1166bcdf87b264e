//! Supervising the other departments on screen (`/supervision`): whom the
//! site supervises, the month's evaluation of each against its service's
//! criteria; and the proposals (`/proposals`, 合理化建议).

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lobby_app::supervision::{
    self, CriterionInput, ProposalInput, ProposalStepInput, ProposalView, ServiceCriteria,
    SupervisedInput, SupervisionEvaluationInput, SupervisionMonth, SupervisionQuery,
};
use lobby_app::AppError;
use lobby_domain::policy::Action as Can;
use serde::Deserialize;

use super::{render_form, Chrome, FormError, PageError};
use crate::extract::WebForm;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/supervision", get(page).post(add))
        .route("/supervision/{id}/{month}", post(evaluate))
        .route("/supervision-criteria/{service}", post(set_criteria))
        .route("/proposals", get(proposals_page).post(propose))
        .route("/proposals/{id}/{step}", post(step))
}

#[derive(Template)]
#[template(path = "supervision/month.html")]
struct SupervisionPage {
    c: Chrome,
    m: SupervisionMonth,
    criteria: Vec<ServiceCriteria>,
    /// Blank rows for a service's criteria form.
    rows: Vec<usize>,
    can_evaluate: bool,
    services: Vec<&'static str>,
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
    let c = c.at("supervision", "nav.supervision");
    let site = c.site_id();
    // Opens on the month to evaluate: the one just ended.
    let month = match month.filter(|m| !m.trim().is_empty()) {
        Some(m) => Some(m),
        None => Some(supervision::month_to_evaluate(&s.app, &c.actor, site).await?),
    };
    let m = supervision::month(
        &s.app,
        &c.actor,
        &SupervisionQuery {
            site_id: site,
            month,
        },
    )
    .await?;
    let can_evaluate = c.actor.can(Can::SupervisionEvaluate, site);
    let criteria = supervision::criteria(&s.app, &c.actor, site).await?;
    let refused = error.is_some();
    Ok(render_form(
        &SupervisionPage {
            c,
            m,
            criteria,
            rows: (0..4).collect(),
            can_evaluate,
            services: lobby_domain::supervision::Service::ALL
                .iter()
                .map(|s| s.as_str())
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

#[derive(Deserialize)]
struct SupervisedForm {
    service: lobby_domain::supervision::Service,
    #[serde(default)]
    name: String,
    #[serde(default)]
    contact: String,
}

async fn add(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<SupervisedForm>,
) -> Result<Response, PageError> {
    let input = SupervisedInput {
        site_id: c.site_id(),
        service: f.form.service,
        name: f.form.name,
        contact: Some(f.form.contact),
    };
    match supervision::add_supervised(&s.app, &f.actor, &input)
        .await
        .on_form()?
    {
        Ok(_) => Ok(Redirect::to("/supervision").into_response()),
        Err(fe) => page_with(&s, c, None, Some(fe)).await,
    }
}

/// The form's `s_<code>` scores and its note.
async fn evaluate(
    State(s): State<AppState>,
    c: Chrome,
    Path((id, month)): Path<(i64, String)>,
    f: WebForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let r = async {
        let mut input = SupervisionEvaluationInput::default();
        for (k, v) in f.form.iter().take(50) {
            if let Some(code) = k.strip_prefix("s_") {
                let v = v.trim();
                if v.is_empty() {
                    continue;
                }
                let n = v.parse().map_err(|_| {
                    AppError::invalid(&format!("scores.{code}"), "a score is a number 0–100")
                })?;
                input.scores.insert(code.to_string(), n);
            } else if k == "note" {
                input.note = Some(v.clone());
            }
        }
        supervision::evaluate(&s.app, &f.actor, id, &month, &input).await
    }
    .await;
    match r.on_form()? {
        Ok(v) => Ok(Redirect::to(&format!(
            "/supervision?month={}#sup-{}",
            v.evaluation.map(|e| e.month).unwrap_or_default(),
            v.id
        ))
        .into_response()),
        Err(fe) => page_with(&s, c, Some(month), Some(fe)).await,
    }
}

#[derive(Template)]
#[template(path = "supervision/proposals.html")]
struct ProposalsPage {
    c: Chrome,
    items: Vec<ProposalView>,
    can_decide: bool,
    error: Option<FormError>,
}

async fn proposals_with(
    s: &AppState,
    c: Chrome,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("proposals", "nav.proposals");
    let site = c.site_id();
    let items = supervision::proposals(&s.app, &c.actor, site).await?;
    let can_decide = c.actor.can(Can::ProposalsDecide, site);
    let refused = error.is_some();
    Ok(render_form(
        &ProposalsPage {
            c,
            items,
            can_decide,
            error,
        },
        refused,
    ))
}

async fn proposals_page(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    proposals_with(&s, c, None).await
}

#[derive(Deserialize)]
struct ProposalForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

async fn propose(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<ProposalForm>,
) -> Result<Response, PageError> {
    let input = ProposalInput {
        site_id: c.site_id(),
        title: f.form.title,
        body: f.form.body,
    };
    match supervision::propose(&s.app, &f.actor, &input)
        .await
        .on_form()?
    {
        Ok(_) => Ok(Redirect::to("/proposals").into_response()),
        Err(fe) => proposals_with(&s, c, Some(fe)).await,
    }
}

#[derive(Deserialize)]
struct StepForm {
    #[serde(default)]
    note: String,
}

async fn step(
    State(s): State<AppState>,
    c: Chrome,
    Path((id, step)): Path<(i64, String)>,
    f: WebForm<StepForm>,
) -> Result<Response, PageError> {
    if !["adopt", "decline", "done"].contains(&step.as_str()) {
        return Err(AppError::NotFound("page").into());
    }
    let input = ProposalStepInput {
        note: Some(f.form.note),
    };
    match supervision::step(&s.app, &f.actor, id, &step, &input)
        .await
        .on_form()?
    {
        Ok(_) => Ok(Redirect::to("/proposals").into_response()),
        Err(fe) => proposals_with(&s, c, Some(fe)).await,
    }
}

/// The form's repeated `code`, `name`, `weight` rows; blank rows skipped.
async fn set_criteria(
    State(s): State<AppState>,
    c: Chrome,
    Path(service): Path<String>,
    f: WebForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let r = async {
        let all = |k: &str| -> Vec<&str> {
            f.form
                .iter()
                .filter(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
                .take(supervision::MAX_CRITERIA + 8)
                .collect()
        };
        let (codes, names, weights) = (all("code"), all("name"), all("weight"));
        let mut list = Vec::new();
        for (i, code) in codes.iter().enumerate() {
            let name = names.get(i).copied().unwrap_or("");
            if code.trim().is_empty() && name.trim().is_empty() {
                continue;
            }
            let n = list.len();
            let weight = weights.get(i).map(|w| w.trim()).unwrap_or("");
            list.push(CriterionInput {
                code: code.to_string(),
                name: name.to_string(),
                weight: weight.parse().map_err(|_| {
                    AppError::invalid(&format!("criteria[{n}].weight"), "a whole number 1–100")
                })?,
            });
        }
        supervision::set_criteria(&s.app, &f.actor, c.site_id(), &service, &list).await
    }
    .await;
    match r.on_form()? {
        Ok(_) => Ok(Redirect::to("/supervision#criteria").into_response()),
        Err(fe) => page_with(&s, c, None, Some(fe)).await,
    }
}
