//! Supervising the other departments and the outsourced services: whom a
//! site supervises (security, engineering, the lift, fire-system, pest and
//! landscaping contractors…), each one's monthly evaluation against its
//! service's criteria, and proposals (合理化建议) — made by any of the
//! staff, adopted or declined by the project manager, followed up to done.

use std::collections::BTreeMap;

use lobby_domain::cleaning::weighted_total;
use lobby_domain::error::{optional_text, required_text};
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_domain::supervision::{self as domain, ProposalState, Service};
use lobby_store::supervision as store;
use serde::{Deserialize, Serialize};

use crate::{time, Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SupervisionScoreView {
    pub code: String,
    /// The site's own word for it; none: the catalogue's (`sv_criterion.<code>`).
    #[serde(default)]
    pub name: Option<String>,
    /// Percent of the total.
    pub weight: i64,
    /// 0–100.
    pub score: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SupervisionEvaluationView {
    pub id: i64,
    pub month: String,
    /// Weighted total, 0–100 with one decimal.
    pub total: f64,
    pub scores: Vec<SupervisionScoreView>,
    pub note: Option<String>,
    pub by: String,
    pub at: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SupervisedView {
    pub id: i64,
    pub site_id: i64,
    pub service: Service,
    pub name: String,
    pub contact: Option<String>,
    /// The service's criteria: (code, weight).
    pub criteria: Vec<SupervisionScoreView>,
    /// The month's evaluation, when made.
    pub evaluation: Option<SupervisionEvaluationView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SupervisionMonth {
    pub site_id: i64,
    pub month: String,
    pub items: Vec<SupervisedView>,
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
pub struct SupervisionQuery {
    pub site_id: i64,
    /// `2026-11`; this month (site time) when absent.
    pub month: Option<String>,
}

/// A service's criteria at a site: its own when it set them, else the
/// service's defaults.
fn criteria_of(own: &[store::CriterionRow], service: Service) -> Vec<SupervisionScoreView> {
    let mine: Vec<SupervisionScoreView> = own
        .iter()
        .filter(|c| c.service == service)
        .map(|c| SupervisionScoreView {
            code: c.code.clone(),
            name: Some(c.name.clone()),
            weight: c.weight,
            score: 0,
        })
        .collect();
    if !mine.is_empty() {
        return mine;
    }
    domain::criteria(service)
        .iter()
        .map(|(code, weight)| SupervisionScoreView {
            code: (*code).into(),
            name: None,
            weight: *weight,
            score: 0,
        })
        .collect()
}

fn supervised_view(
    r: store::SupervisedRow,
    e: Option<store::EvaluationRow>,
    own: &[store::CriterionRow],
) -> AppResult<SupervisedView> {
    let service = r.service;
    Ok(SupervisedView {
        id: r.id,
        site_id: r.site_id,
        service,
        name: r.name,
        contact: r.contact,
        criteria: criteria_of(own, service),
        evaluation: match e {
            None => None,
            Some(e) => Some(SupervisionEvaluationView {
                id: e.id,
                scores: crate::error::stored_json("supervision_evaluations.scores", &e.scores)?,
                month: e.month,
                total: e.total as f64 / 10.0,
                note: e.note,
                by: e.by_name,
                at: time::rfc3339(e.at),
            }),
        },
    })
}

/// Everyone the site supervises, with the month's evaluation of each.
/// The month a supervisor evaluates when none is named: the one just ended,
/// at the site's time (`2026-11` in December).
pub async fn month_to_evaluate(app: &App, actor: &Actor, site_id: i64) -> AppResult<String> {
    actor.authorize(Can::SupervisionRead, site_id)?;
    let (today, _) = crate::scope::site_today(app, site_id).await?;
    let last = today
        .first_of_month()
        .checked_sub(jiff::Span::new().months(1))
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(last.strftime("%Y-%m").to_string())
}

pub async fn month(app: &App, actor: &Actor, q: &SupervisionQuery) -> AppResult<SupervisionMonth> {
    actor.authorize(Can::SupervisionRead, q.site_id)?;
    let mut c = app.db.read().await?;
    let site = crate::scope::site_row(&mut c, q.site_id).await?;
    let (first, _, _) = crate::scope::month_span(q.month.as_deref(), &site.timezone, app.now())?;
    let month = first.strftime("%Y-%m").to_string();
    let mut evals = store::evaluations(&mut c, q.site_id, &month).await?;
    let own = store::criteria(&mut c, q.site_id).await?;
    let items = store::supervised(&mut c, q.site_id)
        .await?
        .into_iter()
        .map(|r| {
            let e = evals
                .iter()
                .position(|e| e.supervised_id == r.id)
                .map(|i| evals.swap_remove(i));
            supervised_view(r, e, &own)
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(SupervisionMonth {
        site_id: q.site_id,
        month,
        items,
    })
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SupervisedInput {
    pub site_id: i64,
    pub service: Service,
    /// The department or the contractor (unique at the site).
    pub name: String,
    pub contact: Option<String>,
}

/// Adds a department or contractor the site supervises.
pub async fn add_supervised(
    app: &App,
    actor: &Actor,
    input: &SupervisedInput,
) -> AppResult<SupervisedView> {
    actor.authorize(Can::SupervisionEvaluate, input.site_id)?;
    let service = input.service;
    let name = required_text("name", &input.name, 100)?;
    let contact = optional_text("contact", input.contact.as_deref(), 100)?;
    let (name, contact, site_id) = (&name, &contact, input.site_id);
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let Some(id) = store::insert_supervised(
                    w,
                    site_id,
                    service.as_str(),
                    name,
                    contact.as_deref(),
                    now,
                )
                .await?
                else {
                    return Err(AppError::Duplicate {
                        field: "name".into(),
                        message: "this site supervises one of that name already".into(),
                    });
                };
                w.audit(
                    Some(site_id),
                    "create",
                    "supervised",
                    Some(id),
                    serde_json::json!({"service": service.as_str(), "name": name}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    let mut c = app.db.read().await?;
    let r = store::one_supervised(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("supervised"))?;
    let own = store::criteria(&mut c, r.site_id).await?;
    supervised_view(r, None, &own)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SupervisionEvaluationInput {
    /// criterion code → score 0–100; every criterion of the service.
    #[serde(default)]
    pub scores: BTreeMap<String, i64>,
    pub note: Option<String>,
}

/// The scores given against `crit`, each 0–100 and every criterion scored,
/// and their weighted total.
fn scored(
    crit: Vec<SupervisionScoreView>,
    given: &std::collections::BTreeMap<String, i64>,
) -> AppResult<(Vec<SupervisionScoreView>, i64)> {
    if let Some(code) = given.keys().find(|k| !crit.iter().any(|c| &c.code == *k)) {
        return Err(AppError::invalid(
            &format!("scores.{code}"),
            format!("{code} is not a criterion of this service"),
        ));
    }
    let mut scores = Vec::new();
    for k in crit {
        let field = format!("scores.{}", k.code);
        let score = *given
            .get(&k.code)
            .ok_or_else(|| AppError::invalid(&field, "give every criterion a score"))?;
        if !(0..=100).contains(&score) {
            return Err(AppError::invalid(&field, "a score is 0–100"));
        }
        scores.push(SupervisionScoreView { score, ..k });
    }
    let total = weighted_total(
        &scores
            .iter()
            .map(|s| (s.score, s.weight))
            .collect::<Vec<_>>(),
    );
    Ok((scores, total))
}

/// Saves (or revises) the month's evaluation of one supervised.
pub async fn evaluate(
    app: &App,
    actor: &Actor,
    supervised_id: i64,
    month: &str,
    input: &SupervisionEvaluationInput,
) -> AppResult<SupervisedView> {
    let r = {
        let mut c = app.db.read().await?;
        store::one_supervised(&mut c, supervised_id)
            .await?
            .filter(|r| actor.can(Can::SupervisionRead, r.site_id))
            .ok_or(AppError::NotFound("supervised"))?
    };
    actor.authorize(Can::SupervisionEvaluate, r.site_id)?;
    let service = r.service;
    let first = time::parse_month("month", month)?.0;
    let today = crate::scope::site_today(app, r.site_id).await?.0;
    if first > today {
        return Err(AppError::invalid("month", "that month has not begun"));
    }
    let note = optional_text("note", input.note.as_deref(), 2000)?;
    let m = first.strftime("%Y-%m").to_string();
    let (note, m_ref, site_id) = (&note, &m, r.site_id);
    app.write(actor, |w| {
        Box::pin(async move {
            // Scored against the criteria as they stand in this
            // transaction (a change to them meanwhile is not mixed in).
            let crit = criteria_of(&store::criteria(w, site_id).await?, service);
            let (scores, total) = scored(crit, &input.scores)?;
            let json = &serde_json::to_string(&scores).map_err(|e| AppError::Internal(e.into()))?;
            let now = w.now();
            let by = actor.audit_id().ok_or(AppError::Forbidden)?;
            let id = store::save_evaluation(w, supervised_id, m_ref, total, json, note.as_deref(), by, now)
                .await?;
            w.audit(
                Some(site_id),
                "evaluate",
                "supervised",
                Some(supervised_id),
                serde_json::json!({"month": m_ref, "total": total as f64 / 10.0, "evaluation_id": id}),
            )
            .await
        })
    })
    .await?;
    let mut c = app.db.read().await?;
    let e = store::evaluations(&mut c, site_id, &m)
        .await?
        .into_iter()
        .find(|e| e.supervised_id == supervised_id);
    let own = store::criteria(&mut c, site_id).await?;
    supervised_view(r, e, &own)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ServiceCriteria {
    pub service: Service,
    /// The site set its own; false: the service's defaults.
    pub own: bool,
    pub criteria: Vec<SupervisionScoreView>,
}

/// Every service's criteria at a site.
pub async fn criteria(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<ServiceCriteria>> {
    actor.authorize(Can::SupervisionRead, site_id)?;
    let mut c = app.db.read().await?;
    let own = store::criteria(&mut c, site_id).await?;
    Ok(Service::ALL
        .iter()
        .map(|s| ServiceCriteria {
            service: *s,
            own: own.iter().any(|c| c.service == *s),
            criteria: criteria_of(&own, *s),
        })
        .collect())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CriterionInput {
    /// a–z, 0–9 and _.
    pub code: String,
    pub name: String,
    /// Percent; a service's weights add up to 100.
    pub weight: i64,
}

/// The most criteria a service has.
pub const MAX_CRITERIA: usize = 12;

/// Sets a site's own criteria for a service (an empty list: back to the
/// service's defaults). Evaluations saved already keep the criteria they
/// were made with.
pub async fn set_criteria(
    app: &App,
    actor: &Actor,
    site_id: i64,
    service: &str,
    list: &[CriterionInput],
) -> AppResult<Vec<ServiceCriteria>> {
    actor.authorize(Can::SupervisionEvaluate, site_id)?;
    let service: Service = service.parse()?;
    if list.len() > MAX_CRITERIA {
        return Err(AppError::invalid(
            "criteria",
            format!("at most {MAX_CRITERIA} criteria"),
        ));
    }
    let mut rows: Vec<(String, String, i64)> = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let code = lobby_domain::error::code_text(&format!("criteria[{i}].code"), &c.code, 30)?;
        let name = required_text(&format!("criteria[{i}].name"), &c.name, 30)?;
        if !(1..=100).contains(&c.weight) {
            return Err(AppError::invalid(
                &format!("criteria[{i}].weight"),
                "a weight is 1–100",
            ));
        }
        if rows.iter().any(|r| r.0 == code) {
            return Err(AppError::invalid(
                &format!("criteria[{i}].code"),
                "each criterion has its own code",
            ));
        }
        rows.push((code, name, c.weight));
    }
    if !rows.is_empty() && rows.iter().map(|r| r.2).sum::<i64>() != 100 {
        return Err(AppError::invalid("weight", "the weights add up to 100"));
    }
    let rows = &rows;
    app.write(actor, |w| {
        Box::pin(async move {
            store::set_criteria(w, site_id, service.as_str(), rows).await?;
            w.audit(
                Some(site_id),
                "update",
                "supervision_criteria",
                None,
                serde_json::json!({"service": service.as_str(), "criteria": rows}),
            )
            .await
        })
    })
    .await?;
    criteria(app, actor, site_id).await
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProposalView {
    pub id: i64,
    pub site_id: i64,
    pub title: String,
    pub body: String,
    pub state: ProposalState,
    pub proposer: String,
    pub proposed_at: String,
    pub decision_note: Option<String>,
    pub decider: Option<String>,
    pub decided_at: Option<String>,
    /// What was done, when it is done.
    pub follow_up: Option<String>,
    pub done_at: Option<String>,
}

fn proposal_view(r: store::ProposalRow) -> AppResult<ProposalView> {
    Ok(ProposalView {
        id: r.id,
        site_id: r.site_id,
        title: r.title,
        body: r.body,
        state: r.state,
        proposer: r.proposer,
        proposed_at: time::rfc3339(r.proposed_at),
        decision_note: r.decision_note,
        decider: r.decider,
        decided_at: r.decided_at.map(time::rfc3339),
        follow_up: r.follow_up,
        done_at: r.done_at.map(time::rfc3339),
    })
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
pub struct SiteQuery {
    pub site_id: i64,
}

/// The site's proposals, open and adopted first.
pub async fn proposals(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<ProposalView>> {
    actor.authorize(Can::ProposalsWrite, site_id)?;
    let mut c = app.db.read().await?;
    store::proposals(&mut c, site_id, 500)
        .await?
        .into_iter()
        .map(proposal_view)
        .collect()
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ProposalInput {
    pub site_id: i64,
    pub title: String,
    pub body: String,
}

async fn proposal_one(app: &App, id: i64) -> AppResult<ProposalView> {
    let mut c = app.db.read().await?;
    proposal_view(
        store::proposal(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("proposal"))?,
    )
}

/// Makes a proposal; the project manager is told.
pub async fn propose(app: &App, actor: &Actor, input: &ProposalInput) -> AppResult<ProposalView> {
    actor.authorize(Can::ProposalsWrite, input.site_id)?;
    let title = required_text("title", &input.title, 100)?;
    let body = required_text("body", &input.body, 2000)?;
    let (title, body, site_id) = (&title, &body, input.site_id);
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let by = actor.audit_id().ok_or(AppError::Forbidden)?;
                let id = store::insert_proposal(w, site_id, title, body, by, now).await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "proposal",
                    Some(id),
                    serde_json::json!({"title": title}),
                )
                .await?;
                crate::notify::to_role(
                    w,
                    now,
                    site_id,
                    Role::ProjectManager,
                    "proposal_new",
                    title,
                    &actor.display_name,
                    Some("/proposals"),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    proposal_one(app, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ProposalStepInput {
    /// Why (for `decline`), what was done (for `done`); a note for `adopt`.
    pub note: Option<String>,
}

/// The project manager adopts or declines a proposal, or records it done
/// with what was done; the one who proposed it is told.
pub async fn step(
    app: &App,
    actor: &Actor,
    id: i64,
    step: &str,
    input: &ProposalStepInput,
) -> AppResult<ProposalView> {
    let r = {
        let mut c = app.db.read().await?;
        store::proposal(&mut c, id)
            .await?
            .filter(|r| actor.can(Can::ProposalsWrite, r.site_id))
            .ok_or(AppError::NotFound("proposal"))?
    };
    actor.authorize(Can::ProposalsDecide, r.site_id)?;
    let state = r.state;
    let next = domain::after(state, step).map_err(|m| AppError::InvalidTransition(m.into()))?;
    let note = optional_text("note", input.note.as_deref(), 2000)?;
    if note.is_none() && matches!(next, ProposalState::Declined | ProposalState::Done) {
        return Err(AppError::invalid(
            "note",
            if next == ProposalState::Done {
                "say what was done"
            } else {
                "say why it is declined"
            },
        ));
    }
    let (note, site_id, title, proposer_id) = (&note, r.site_id, &r.title, r.proposed_by);
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let by = actor.audit_id().ok_or(AppError::Forbidden)?;
            if !store::step_proposal(
                w,
                id,
                state.as_str(),
                next.as_str(),
                note.as_deref(),
                by,
                now,
            )
            .await?
            {
                return Err(AppError::VersionConflict);
            }
            w.audit(
                Some(site_id),
                step,
                "proposal",
                Some(id),
                serde_json::json!({"note": note}),
            )
            .await?;
            lobby_store::notify::insert(
                w,
                &lobby_store::notify::NewNotification {
                    site_id: Some(site_id),
                    user_id: proposer_id,
                    kind: match next {
                        ProposalState::Adopted => "proposal_adopted",
                        ProposalState::Declined => "proposal_declined",
                        _ => "proposal_done",
                    },
                    title,
                    body: note.as_deref().unwrap_or(""),
                    link: Some("/proposals"),
                    now,
                },
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    proposal_one(app, id).await
}
