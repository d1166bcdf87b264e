//! Tenant rule violations (违章处理), the way the department treats its
//! vendors' faults: a violation is recorded with the unit or place, the
//! tenant and photos ([`record`]); a notice (违章整改通知书) with a deadline
//! goes to the tenant's accounts, who may answer it; at the deadline the
//! checker re-checks it — fixed (closed), or a second notice, a fine
//! (finance confirms it as a one-off charge) or escalation to the project
//! manager ([`act`]). The site's kinds say the rule, the default deadline
//! and the fee item a fine is charged as ([`kinds`]).

mod act;
mod kinds;
mod record;
mod report;

pub use act::{act, may};
pub use kinds::{create_kind, kinds, update_kind, ViolationKindInput, ViolationKindView};
pub use record::{add_photo, record};
pub(crate) use record::{record_in, Seen};
pub(crate) use report::counts_in;
pub use report::{month_xlsx, MonthWords, ViolationCount};

use lobby_domain::photos::Owner;
use lobby_domain::policy::Action as Can;
use lobby_domain::violations::{
    awaits_recheck, Outcome, ViolationAction, ViolationState, REPEAT_COUNT, REPEAT_DAYS,
};
use lobby_store::violations::{self as store, Filter, ViolationRow};
use serde::{Deserialize, Serialize};

use crate::{time, Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ViolationView {
    pub id: i64,
    pub site_id: i64,
    pub kind_id: i64,
    pub kind_name: String,
    /// What the house rule says (from the kind).
    pub rule: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    pub location: Option<String>,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub description: String,
    pub state: ViolationState,
    /// How it ended, once closed.
    pub outcome: Option<Outcome>,
    /// The current notice's deadline (`2026-12-10`).
    pub deadline: Option<String>,
    /// Its deadline has come and it waits for the re-check.
    pub due: bool,
    /// How many notices were served.
    pub notices: i64,
    /// The fine proposed or charged, in 分.
    pub fine_fen: i64,
    /// The one-off charge a confirmed fine became.
    pub charge_id: Option<i64>,
    /// Whether a fine is possible for its kind.
    pub finable: bool,
    /// The tenant has `REPEAT_COUNT` or more violations in `REPEAT_DAYS` days.
    pub repeat_offender: bool,
    /// The unit's renovation under way, for a violation of the works.
    pub renovation_id: Option<i64>,
    pub recorded_by: String,
    pub created_at: String,
    pub closed_at: Option<String>,
    /// The photos as it was seen (`GET /violations/{id}/photos/{photo_id}`).
    pub photo_ids: Vec<i64>,
    /// What was done, oldest first (with the violation's page; empty in lists).
    pub steps: Vec<ViolationStepView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ViolationStepView {
    pub id: i64,
    pub action: ViolationAction,
    /// A re-check's result; a reply's claim (fixed, or an objection).
    pub fixed: Option<bool>,
    pub note: Option<String>,
    pub amount_fen: Option<i64>,
    /// A notice's deadline.
    pub deadline: Option<String>,
    pub by: String,
    pub at: String,
    /// A reply's photos.
    pub photo_ids: Vec<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct ViolationQuery {
    pub site_id: i64,
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    pub state: Option<ViolationState>,
    pub tenant_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// Recorded in this month (`2026-12`).
    pub month: Option<String>,
    /// Only those whose deadline has come and that wait for the re-check.
    #[serde(default)]
    pub due: bool,
    /// Only those of repeat offenders.
    #[serde(default)]
    pub repeat: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ViolationInput {
    pub site_id: i64,
    pub kind_id: i64,
    /// The unit, or `location` (a place: B1 消防通道).
    pub unit_id: Option<i64>,
    pub location: Option<String>,
    /// By default the unit's tenant now.
    pub tenant_id: Option<i64>,
    /// What was seen (up to 2000 characters).
    pub description: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ViolationActionInput {
    /// `notice` | `reply` | `recheck` | `fine` | `confirm_fine` | `escalate` | `close`.
    pub action: ViolationAction,
    /// reply: the tenant's words (required); recheck: what was found;
    /// escalate and close: why (required); notice, fine: optional.
    pub note: Option<String>,
    /// recheck: fixed or not (required); reply: `true` 已整改, `false` an objection.
    pub fixed: Option<bool>,
    /// fine: the amount, 分 (1 to 100000000).
    pub amount_fen: Option<i64>,
    /// notice: the deadline (`2026-12-10`); by default today plus the kind's days.
    pub deadline: Option<String>,
}

fn view(r: ViolationRow, today: &str, repeat: bool) -> ViolationView {
    ViolationView {
        id: r.id,
        site_id: r.site_id,
        kind_id: r.kind_id,
        kind_name: r.kind_name,
        rule: r.rule,
        unit_id: r.unit_id,
        unit_number: r.unit_number,
        location: r.location,
        tenant_id: r.tenant_id,
        tenant_name: r.tenant_name,
        description: r.description,
        due: awaits_recheck(r.state) && r.deadline.as_deref().is_some_and(|d| d <= today),
        state: r.state,
        outcome: r.outcome,
        deadline: r.deadline,
        notices: r.notices,
        fine_fen: r.fine_fen,
        charge_id: r.charge_id,
        finable: r.fine_fee_item_id.is_some(),
        repeat_offender: repeat,
        renovation_id: None,
        recorded_by: r.recorded_by_name,
        created_at: time::rfc3339(r.created_at),
        closed_at: time::rfc3339_opt(r.closed_at),
        photo_ids: Vec::new(),
        steps: Vec::new(),
    }
}

/// Whose violations `actor` may read at `site_id`: everyone's (`None`), or
/// only their own tenant's, once a notice was served (a tenant account).
pub(crate) fn read_scope(actor: &Actor, site_id: i64) -> AppResult<Option<i64>> {
    actor.tenant_scope(Can::ViolationsRead, site_id)
}

/// The start of the repeat window at `now`: the same time of day
/// `REPEAT_DAYS` calendar days before, at the site.
async fn repeat_since(c: &mut lobby_store::Conn, site_id: i64, now: i64) -> AppResult<i64> {
    let site = crate::scope::site_row(c, site_id).await?;
    let then = time::ts(now)
        .to_zoned(time::zone(&site.timezone)?)
        .checked_sub(jiff::Span::new().days(REPEAT_DAYS))
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(then.timestamp().as_microsecond())
}

/// The tenants of a site who are repeat offenders now.
async fn repeat_tenants(
    c: &mut lobby_store::Conn,
    site_id: i64,
    now: i64,
) -> AppResult<std::collections::HashSet<i64>> {
    let since = repeat_since(c, site_id, now).await?;
    Ok(store::repeat_offenders(c, site_id, since, REPEAT_COUNT)
        .await?
        .into_iter()
        .map(|(t, _)| t)
        .collect())
}

/// A site's violations, the newest first (a tenant: its own, noticed).
pub async fn violations(
    app: &App,
    actor: &Actor,
    q: &ViolationQuery,
) -> AppResult<Vec<ViolationView>> {
    let own = read_scope(actor, q.site_id)?;
    if own.is_some() && q.tenant_id.is_some_and(|t| Some(t) != own) {
        return Ok(Vec::new());
    }
    let (today, _) = crate::scope::site_today(app, q.site_id).await?;
    let today = today.to_string();
    let (from, to) = match q.month.as_deref().filter(|m| !m.trim().is_empty()) {
        Some(m) => {
            let site = {
                let mut c = app.db.read().await?;
                crate::scope::site_row(&mut c, q.site_id).await?
            };
            let (_, a, b) = crate::scope::month_span(Some(m), &site.timezone, app.now())?;
            (Some(a), Some(b))
        }
        None => (None, None),
    };
    let f = Filter {
        state: q.state,
        tenant_id: own.or(q.tenant_id),
        unit_id: q.unit_id,
        from,
        to,
        due_by: q.due.then(|| today.clone()),
    };
    let mut c = app.db.read().await?;
    let repeat = repeat_tenants(&mut c, q.site_id, app.now()).await?;
    Ok(store::list(&mut c, q.site_id, &f, 1000)
        .await?
        .into_iter()
        .filter(|r| own.is_none() || r.notices > 0)
        .filter(|r| !q.repeat || r.tenant_id.is_some_and(|t| repeat.contains(&t)))
        .map(|r| {
            let rep = r.tenant_id.is_some_and(|t| repeat.contains(&t));
            view(r, &today, rep)
        })
        .collect())
}

/// The violation `id` if `actor` may read it (a tenant: its own, once
/// noticed); 404 otherwise.
pub(crate) async fn row(app: &App, actor: &Actor, id: i64) -> AppResult<ViolationRow> {
    let mut c = app.db.read().await?;
    let r = store::get(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("violation"))?;
    match read_scope(actor, r.site_id) {
        Ok(None) => Ok(r),
        Ok(Some(t)) if r.tenant_id == Some(t) && r.notices > 0 => Ok(r),
        _ => Err(AppError::NotFound("violation")),
    }
}

/// A violation with its photos and steps.
pub async fn violation(app: &App, actor: &Actor, id: i64) -> AppResult<ViolationView> {
    let r = row(app, actor, id).await?;
    let (today, _) = crate::scope::site_today(app, r.site_id).await?;
    let mut c = app.db.read().await?;
    let repeat = match r.tenant_id {
        Some(t) => {
            let since = repeat_since(&mut c, r.site_id, app.now()).await?;
            store::count_of_tenant_since(&mut c, t, since).await? >= REPEAT_COUNT
        }
        None => false,
    };
    let photos = lobby_store::photos::of(&mut c, Owner::Violation, id).await?;
    let steps = store::steps(&mut c, id).await?;
    let renovation = match (r.unit_id, r.tenant_id) {
        (Some(u), Some(t)) => lobby_store::renovations::list(&mut c, r.site_id, None, Some(t), 50)
            .await?
            .into_iter()
            .find(|x| x.unit_id == u && lobby_domain::renovations::is_open(x.state))
            .map(|x| x.id),
        _ => None,
    };
    let mut step_views = Vec::new();
    for s in steps {
        let photo_ids = if s.action == ViolationAction::Reply {
            lobby_store::photos::of(&mut c, Owner::ViolationReply, s.id)
                .await?
                .into_iter()
                .map(|p| p.id)
                .collect()
        } else {
            Vec::new()
        };
        step_views.push(ViolationStepView {
            id: s.id,
            action: s.action,
            fixed: s.fixed.map(|f| f == 1),
            note: s.note,
            amount_fen: s.amount_fen,
            deadline: s.deadline,
            by: s.by_name,
            at: time::rfc3339(s.at),
            photo_ids,
        });
    }
    let mut v = view(r, &today.to_string(), repeat);
    v.photo_ids = photos.into_iter().map(|p| p.id).collect();
    v.steps = step_views;
    v.renovation_id = renovation;
    Ok(v)
}

/// A violation's photo (or a reply's), for whoever may read the violation.
pub async fn photo(
    app: &App,
    actor: &Actor,
    id: i64,
    photo_id: i64,
    thumb: bool,
) -> AppResult<(String, Vec<u8>)> {
    row(app, actor, id).await?;
    let p = {
        let mut c = app.db.read().await?;
        let p = lobby_store::photos::get(&mut c, photo_id)
            .await?
            .ok_or(AppError::NotFound("photo"))?;
        let mine = match p.owner {
            Owner::Violation => p.owner_id == id,
            Owner::ViolationReply => store::steps(&mut c, id)
                .await?
                .iter()
                .any(|s| s.id == p.owner_id),
            _ => false,
        };
        if !mine {
            return Err(AppError::NotFound("photo"));
        }
        p
    };
    crate::photos::bytes(app, p, thumb).await
}

/// How many violations wait for a re-check (deadline come), a fine's
/// confirmation, and the project manager at a site; and the repeat
/// offenders: the counts of 待我处理.
pub(crate) async fn waiting_counts(
    c: &mut lobby_store::Conn,
    site_id: i64,
    today: &str,
    now: i64,
) -> AppResult<(i64, i64, i64, i64)> {
    let in_state = |state| Filter {
        state: Some(state),
        ..Filter::default()
    };
    let due = Filter {
        due_by: Some(today.to_string()),
        ..Filter::default()
    };
    let due = store::count(c, site_id, &due).await?;
    let fines = store::count(c, site_id, &in_state(ViolationState::FineProposed)).await?;
    let escalated = store::count(c, site_id, &in_state(ViolationState::Escalated)).await?;
    let repeat = repeat_tenants(c, site_id, now).await?.len() as i64;
    Ok((due, fines, escalated, repeat))
}
