//! Supplies (办公用品申购): a department asks for items with quantities
//! and estimated prices (office supplies, or consumables for cleaning); the
//! project manager approves or rejects it; it is received at what it really
//! cost; the month's cost by department and category is what was received
//! in it.

use lobby_domain::error::{optional_text, required_text};
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_domain::supplies::{after, RequisitionState, SupplyCategory, MAX_LINES};
use lobby_domain::tickets::Department;
use lobby_store::supplies::{self as store, NewRequisition};
use serde::{Deserialize, Serialize};

use crate::{time, Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequisitionLineView {
    pub item: String,
    pub quantity: i64,
    pub unit: String,
    /// Estimated price of one, in 分.
    pub price_fen: i64,
    pub amount_fen: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequisitionView {
    pub id: i64,
    pub site_id: i64,
    pub department: Department,
    pub category: SupplyCategory,
    pub state: RequisitionState,
    pub note: Option<String>,
    pub requester: String,
    pub requested_at: String,
    pub decider: Option<String>,
    pub decided_at: Option<String>,
    pub decision_note: Option<String>,
    pub received_at: Option<String>,
    /// The sum of the lines, in 分.
    pub estimate_fen: i64,
    /// What it really cost, once received.
    pub actual_fen: Option<i64>,
    pub lines: Vec<RequisitionLineView>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct RequisitionLineInput {
    pub item: String,
    pub quantity: i64,
    /// 个, 盒, 包, 箱 …
    pub unit: String,
    /// Estimated price of one, in 分.
    pub price_fen: i64,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct RequisitionInput {
    pub site_id: i64,
    /// The department it is for; customer service when absent or `""`.
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    pub department: Option<Department>,
    /// `office` when absent or `""`; `cleaning` for cleaning consumables.
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    pub category: Option<SupplyCategory>,
    pub note: Option<String>,
    /// 1 to 50 lines.
    pub lines: Vec<RequisitionLineInput>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DecisionInput {
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReceiveInput {
    /// What it really cost, in 分; the estimate when absent.
    pub actual_fen: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
pub struct SuppliesQuery {
    pub site_id: i64,
    /// `2026-11`; this month (site time) when absent.
    pub month: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SupplyCost {
    pub department: Department,
    pub category: SupplyCategory,
    pub cost_fen: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SuppliesMonth {
    pub site_id: i64,
    pub month: String,
    /// Asked for or received in the month, and every one still open.
    pub items: Vec<RequisitionView>,
    /// Received in the month, by department and category.
    pub costs: Vec<SupplyCost>,
    pub total_fen: i64,
}

/// The most a line or a requisition may cost: 10,000,000 元.
const MAX_FEN: i64 = 1_000_000_000;

fn views(
    rows: Vec<store::RequisitionRow>,
    lines: &[store::LineRow],
) -> AppResult<Vec<RequisitionView>> {
    rows.into_iter()
        .map(|r| {
            Ok(RequisitionView {
                lines: lines
                    .iter()
                    .filter(|l| l.requisition_id == r.id)
                    .map(|l| RequisitionLineView {
                        item: l.item.clone(),
                        quantity: l.quantity,
                        unit: l.unit.clone(),
                        price_fen: l.price_fen,
                        amount_fen: l.price_fen * l.quantity,
                    })
                    .collect(),
                id: r.id,
                site_id: r.site_id,
                department: r.department,
                category: r.category,
                state: r.state,
                note: r.note,
                requester: r.requester,
                requested_at: time::rfc3339(r.requested_at),
                decider: r.decider,
                decided_at: time::rfc3339_opt(r.decided_at),
                decision_note: r.decision_note,
                received_at: time::rfc3339_opt(r.received_at),
                estimate_fen: r.estimate_fen,
                actual_fen: r.actual_fen,
            })
        })
        .collect()
}

async fn one(c: &mut lobby_store::Conn, id: i64) -> AppResult<RequisitionView> {
    let r = store::get(c, id)
        .await?
        .ok_or(AppError::NotFound("requisition"))?;
    let lines = store::lines(c, &[id]).await?;
    Ok(views(vec![r], &lines)?.remove(0))
}

/// Asks for supplies; the project manager is told.
pub async fn request(
    app: &App,
    actor: &Actor,
    input: &RequisitionInput,
) -> AppResult<RequisitionView> {
    actor.authorize(Can::SuppliesRequest, input.site_id)?;
    if input.lines.is_empty() || input.lines.len() > MAX_LINES {
        return Err(AppError::invalid(
            "lines",
            format!("a requisition has 1 to {MAX_LINES} lines"),
        ));
    }
    let department = input.department.unwrap_or(Department::CustomerService);
    let category = input.category.unwrap_or(SupplyCategory::Office);
    let note = optional_text("note", input.note.as_deref(), 500)?;
    let mut lines = Vec::new();
    let mut total = 0i64;
    for (i, l) in input.lines.iter().enumerate() {
        let item = required_text(&format!("lines[{i}].item"), &l.item, 100)?;
        let unit = required_text(&format!("lines[{i}].unit"), &l.unit, 10)?;
        if !(1..=100_000).contains(&l.quantity) {
            return Err(AppError::invalid(
                &format!("lines[{i}].quantity"),
                "a quantity is a whole number from 1 to 100,000",
            ));
        }
        if !(0..=MAX_FEN).contains(&l.price_fen) {
            return Err(AppError::invalid(
                &format!("lines[{i}].price_fen"),
                "a price is 0 or more 分, at most 10,000,000 元",
            ));
        }
        total += l.price_fen * l.quantity;
        lines.push((item, l.quantity, unit, l.price_fen));
    }
    if total > MAX_FEN {
        return Err(AppError::invalid(
            "lines",
            "a requisition costs at most 10,000,000 元",
        ));
    }
    let (lines, note) = (&lines, &note);
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let id = store::insert(
                w,
                &NewRequisition {
                    site_id: input.site_id,
                    department,
                    category,
                    note: note.as_deref(),
                    requested_by: actor.user_id,
                    estimate_fen: total,
                },
                now,
            )
            .await?;
            for (item, q, unit, price) in lines {
                store::insert_line(w, id, item, *q, unit, *price).await?;
            }
            w.audit(
                Some(input.site_id),
                "create",
                "requisition",
                Some(id),
                serde_json::json!({"department": department.as_str(), "category": category.as_str(), "estimate_fen": total}),
            )
            .await?;
            let title = format!("{} · {}", actor.display_name, lobby_domain::fees::yuan(total));
            w.notify(
                input.site_id,
                Role::ProjectManager,
                "requisition",
                &title,
                &lines.iter().map(|l| l.0.as_str()).collect::<Vec<_>>().join("、"),
                Some("/supplies"),
            )
            .await?;
            one(w, id).await
        })
    })
    .await
}

/// The project manager approves (`approve`) or rejects (`reject`) a
/// submitted requisition; the one who asked is told. Someone who has
/// received it marks it `receive`d at its real cost.
pub async fn decide(
    app: &App,
    actor: &Actor,
    id: i64,
    step: &str,
    note: Option<&str>,
    actual_fen: Option<i64>,
) -> AppResult<RequisitionView> {
    let r = {
        let mut c = app.db.read().await?;
        store::get(&mut c, id).await?
    }
    .filter(|r| {
        actor.can(Can::SuppliesRequest, r.site_id) || actor.can(Can::SuppliesApprove, r.site_id)
    })
    .ok_or(AppError::NotFound("requisition"))?;
    let need = if step == "receive" {
        Can::SuppliesRequest
    } else {
        Can::SuppliesApprove
    };
    actor.authorize(need, r.site_id)?;
    let note = optional_text("note", note, 500)?;
    if actual_fen.is_some_and(|f| !(0..=MAX_FEN).contains(&f)) {
        return Err(AppError::invalid(
            "actual_fen",
            "a cost is 0 or more 分, at most 10,000,000 元",
        ));
    }
    let (note, r) = (&note, &r);
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let state = r.state;
            let next = after(state, step).map_err(|m| AppError::InvalidTransition(m.into()))?;
            let done = match next {
                RequisitionState::Received => {
                    store::receive(w, id, actual_fen.unwrap_or(r.estimate_fen), now).await?
                }
                _ => {
                    store::decide(w, id, next.as_str(), actor.user_id, note.as_deref(), now).await?
                }
            };
            if !done {
                return Err(AppError::InvalidTransition(
                    "someone decided this requisition first".into(),
                ));
            }
            w.audit(
                Some(r.site_id),
                step,
                "requisition",
                Some(id),
                serde_json::json!({"note": note, "actual_fen": actual_fen}),
            )
            .await?;
            if next != RequisitionState::Received {
                lobby_store::notify::insert(
                    w,
                    &lobby_store::notify::NewNotification {
                        site_id: Some(r.site_id),
                        user_id: r.requested_by,
                        kind: if next == RequisitionState::Approved {
                            "requisition_approved"
                        } else {
                            "requisition_rejected"
                        },
                        title: &lobby_domain::fees::yuan(r.estimate_fen),
                        body: note.as_deref().unwrap_or(""),
                        link: Some("/supplies"),
                        now,
                    },
                )
                .await?;
            }
            one(w, id).await
        })
    })
    .await
}

/// A month's requisitions (and every one still open) with what was
/// received in it, by department and category.
pub async fn month(app: &App, actor: &Actor, q: &SuppliesQuery) -> AppResult<SuppliesMonth> {
    actor.authorize(Can::SuppliesRequest, q.site_id)?;
    month_of(app, q).await
}

/// The month's supplies, for a caller already let in (the department report).
pub(crate) async fn month_of(app: &App, q: &SuppliesQuery) -> AppResult<SuppliesMonth> {
    let mut c = app.db.read().await?;
    let site = crate::scope::site_row(&mut c, q.site_id).await?;
    let (first, from, to) =
        crate::scope::month_span(q.month.as_deref(), &site.timezone, app.now())?;
    let rows = store::list(&mut c, q.site_id, from, to).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let lines = store::lines(&mut c, &ids).await?;
    let costs: Vec<SupplyCost> = store::costs(&mut c, q.site_id, from, to)
        .await?
        .into_iter()
        .map(|r| SupplyCost {
            department: r.department,
            category: r.category,
            cost_fen: r.cost_fen,
        })
        .collect();
    Ok(SuppliesMonth {
        site_id: q.site_id,
        month: first.strftime("%Y-%m").to_string(),
        items: views(rows, &lines)?,
        total_fen: AppError::sum_fen("supplies cost", costs.iter().map(|c| c.cost_fen))?,
        costs,
    })
}
