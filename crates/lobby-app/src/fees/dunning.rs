//! Dunning (催缴): a site's steps (reminder at 7 days past due, notice at 30,
//! final notice at 60 unless the site set its own), and the notices — each
//! a printable 催缴通知书 and a notification to the tenant's accounts. A
//! background sweep sends the step a debt has reached, once per step and
//! debt; finance may send one by hand.

use lobby_domain::error::required_text;
use lobby_domain::policy::Action as Can;
use lobby_store::fees::{self as store, NewDunning, StepRow};
use serde::{Deserialize, Serialize};

use crate::{time, Actor, App, AppError, AppResult};

/// The steps a site has until it sets its own.
pub const DEFAULT_STEPS: [(i64, &str); 3] =
    [(7, "缴费提醒"), (30, "催缴通知"), (60, "最后催缴通知")];

/// Days a notice gives to pay.
pub const PAY_WITHIN_DAYS: i64 = 7;

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DunningStepView {
    /// Days past due when this step is sent.
    pub days_overdue: i64,
    /// What the notice is called (printed as its title).
    pub name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DunningView {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    /// `CJ-2026-00007`
    pub number: String,
    pub step_days: i64,
    pub step_name: String,
    pub balance_fen: i64,
    pub oldest_due_date: String,
    /// The date the notice asks payment by.
    pub pay_by: String,
    /// Who sent it; empty when the sweep did.
    pub sent_by: String,
    pub sent_by_system: bool,
    pub created_at: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DunInput {
    pub tenant_id: i64,
}

fn view(d: store::DunningRow) -> DunningView {
    DunningView {
        id: d.id,
        site_id: d.site_id,
        tenant_id: d.tenant_id,
        tenant_name: d.tenant_name,
        number: d.number,
        step_days: d.step_days,
        step_name: d.step_name,
        balance_fen: d.balance_fen,
        oldest_due_date: d.oldest_due_date,
        pay_by: d.pay_by,
        sent_by_system: d.sent_by.is_none(),
        sent_by: d.sent_by_name,
        created_at: time::rfc3339(d.created_at),
    }
}

fn with_defaults(rows: Vec<StepRow>) -> Vec<DunningStepView> {
    if rows.is_empty() {
        DEFAULT_STEPS
            .iter()
            .map(|(d, n)| DunningStepView {
                days_overdue: *d,
                name: (*n).to_string(),
            })
            .collect()
    } else {
        rows.into_iter()
            .map(|r| DunningStepView {
                days_overdue: r.days_overdue,
                name: r.name,
            })
            .collect()
    }
}

pub async fn dunning_steps(
    app: &App,
    actor: &Actor,
    site_id: i64,
) -> AppResult<Vec<DunningStepView>> {
    super::read_scope(actor, site_id)?;
    let mut c = app.db.read().await?;
    Ok(with_defaults(store::dunning_steps(&mut c, site_id).await?))
}

/// Replaces the site's steps (finance): 1 to 10, each 1 to 365 days past
/// due, days rising.
pub async fn set_dunning_steps(
    app: &App,
    actor: &Actor,
    site_id: i64,
    steps: &[DunningStepView],
) -> AppResult<Vec<DunningStepView>> {
    actor.authorize(Can::FeesManage, site_id)?;
    if steps.is_empty() || steps.len() > 10 {
        return Err(AppError::invalid("steps", "give 1 to 10 steps"));
    }
    let mut rows = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        if !(1..=365).contains(&s.days_overdue) {
            return Err(AppError::invalid(
                "days_overdue",
                "days_overdue must be 1 to 365",
            ));
        }
        if i > 0 && s.days_overdue <= steps[i - 1].days_overdue {
            return Err(AppError::invalid(
                "days_overdue",
                "each step comes later than the one before",
            ));
        }
        rows.push(StepRow {
            days_overdue: s.days_overdue,
            name: required_text("name", &s.name, 20)?,
        });
    }
    let rows = &rows;
    app.write(actor, |w| {
        Box::pin(async move {
            crate::scope::site_row(w, site_id).await?;
            store::set_dunning_steps(w, site_id, rows).await?;
            w.audit(
                Some(site_id),
                "update",
                "dunning_steps",
                None,
                serde_json::json!({"steps": rows.iter().map(|r| (r.days_overdue, r.name.clone())).collect::<Vec<_>>()}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    dunning_steps(app, actor, site_id).await
}

pub async fn dunning_notices(
    app: &App,
    actor: &Actor,
    site_id: i64,
    tenant_id: Option<i64>,
) -> AppResult<Vec<DunningView>> {
    let only = super::read_scope(actor, site_id)?;
    if only.is_some() && tenant_id.is_some() && tenant_id != only {
        return Err(AppError::Forbidden);
    }
    let mut c = app.db.read().await?;
    Ok(
        store::dunning_notices(&mut c, site_id, only.or(tenant_id), 200)
            .await?
            .into_iter()
            .map(view)
            .collect(),
    )
}

pub async fn dunning_notice(app: &App, actor: &Actor, id: i64) -> AppResult<DunningView> {
    let mut c = app.db.read().await?;
    let d = store::dunning_notice(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("dunning notice"))?;
    match super::read_scope(actor, d.site_id) {
        Ok(None) => Ok(view(d)),
        Ok(Some(t)) if t == d.tenant_id => Ok(view(d)),
        _ => Err(AppError::NotFound("dunning notice")),
    }
}

/// Writes a notice for `line` at `step` and tells the tenant's accounts.
async fn send_notice(
    app: &App,
    actor: &Actor,
    site_id: i64,
    line: &super::ArrearsView,
    step: &DunningStepView,
) -> AppResult<i64> {
    let (today, tz) = super::site_today(app, site_id).await?;
    let day_start = crate::scope::day_start(today, &tz)?;
    let pay_by = today
        .checked_add(jiff::Span::new().days(PAY_WITHIN_DAYS))
        .map_err(|e| AppError::Internal(e.into()))?
        .to_string();
    let year = today.year();
    let pay_by = &pay_by;
    app.write(actor, |w| {
        Box::pin(async move {
            // Once per step, debt and day: the tenant's row is held while
            // deciding, so notices sent at once make one.
            w.hold(lobby_store::Held::Tenants, line.tenant_id).await?;
            if let Some((sent, number)) = store::dunning_sent_since(
                w,
                line.tenant_id,
                &line.oldest_due_date,
                step.days_overdue,
                day_start,
            )
            .await?
            {
                return Err(AppError::Refused {
                    code: "invalid_transition",
                    message: format!("notice {number} of this step was sent to the tenant today"),
                    id: Some(sent),
                });
            }
            let prefix = format!("CJ-{year}-");
            let before = store::count_dunning(w, site_id, &prefix).await?;
            let n = lobby_store::numbers::take(w, site_id, &prefix, before, 1).await?;
            let number = format!("{prefix}{n:05}");
            let actor = w.actor();
            let now = w.now();
            let id = store::insert_dunning(
                w,
                &NewDunning {
                    site_id,
                    tenant_id: line.tenant_id,
                    number: &number,
                    step_days: step.days_overdue,
                    step_name: &step.name,
                    balance_fen: line.balance_fen,
                    oldest_due_date: &line.oldest_due_date,
                    pay_by,
                    sent_by: actor.audit_id(),
                    sent_by_name: &actor.display_name,
                },
                now,
            )
            .await?;
            let link = format!("/fees/dunning/{id}/print");
            let body = format!("¥{} · {}", lobby_domain::fees::yuan(line.balance_fen), pay_by);
            for user_id in lobby_store::users::of_tenant(w, line.tenant_id).await? {
                lobby_store::notify::insert(
                    w,
                    &lobby_store::notify::NewNotification {
                        site_id: Some(site_id),
                        user_id,
                        kind: "dunning",
                        title: &format!("{number} {}", step.name),
                        body: &body,
                        link: Some(&link),
                        now,
                    },
                )
                .await?;
            }
            w.audit(
                Some(site_id),
                "create",
                "dunning_notice",
                Some(id),
                serde_json::json!({"number": number, "tenant_id": line.tenant_id, "step_days": step.days_overdue, "balance_fen": line.balance_fen}),
            )
            .await?;
            Ok(id)
        })
    })
    .await
}

/// Sends a tenant the step its debt has reached (the first step when it has
/// reached none yet): finance, by hand.
pub async fn dun(app: &App, actor: &Actor, input: &DunInput) -> AppResult<DunningView> {
    let site_id = {
        let mut c = app.db.read().await?;
        lobby_store::tenants::get(&mut c, input.tenant_id)
            .await?
            .ok_or(AppError::NotFound("tenant"))?
            .site_id
    };
    if !actor.can(Can::FeesRead, site_id) {
        return Err(AppError::NotFound("tenant"));
    }
    actor.authorize(Can::FeesManage, site_id)?;
    let line = super::arrears(app, actor, site_id)
        .await?
        .into_iter()
        .find(|l| l.tenant_id == input.tenant_id)
        .ok_or_else(|| AppError::invalid("tenant_id", "the tenant owes nothing past due"))?;
    let steps = dunning_steps(app, actor, site_id).await?;
    let step = steps
        .iter()
        .rfind(|s| s.days_overdue <= line.days_overdue)
        .or(steps.first())
        .ok_or(AppError::NotFound("dunning step"))?;
    let id = send_notice(app, actor, site_id, &line, step).await?;
    dunning_notice(app, actor, id).await
}

/// The background round: every debt that reached a step it has not been
/// sent gets that step's notice. Returns how many were sent.
pub async fn dunning_sweep(app: &App) -> AppResult<usize> {
    let system = Actor::system();
    let sites = {
        let mut c = app.db.read().await?;
        store::billing_sites(&mut c).await?
    };
    let mut sent = 0;
    for site_id in sites {
        let (lines, steps, past) = {
            let lines = super::arrears_of(app, site_id, None).await?;
            let mut c = app.db.read().await?;
            let steps = with_defaults(store::dunning_steps(&mut c, site_id).await?);
            let past = store::dunning_notices(&mut c, site_id, None, 10_000).await?;
            (lines, steps, past)
        };
        for line in lines {
            let Some(step) = steps.iter().rfind(|s| s.days_overdue <= line.days_overdue) else {
                continue;
            };
            let done = past.iter().any(|d| {
                d.tenant_id == line.tenant_id
                    && d.oldest_due_date == line.oldest_due_date
                    && d.step_days >= step.days_overdue
            });
            if !done {
                match send_notice(app, &system, site_id, &line, step).await {
                    Ok(_) => sent += 1,
                    // Sent by someone else meanwhile.
                    Err(AppError::Refused {
                        code: "invalid_transition",
                        ..
                    }) => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    Ok(sent)
}
