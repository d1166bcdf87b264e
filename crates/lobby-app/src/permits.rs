//! Moving and goods-release permits (搬家/放行条). The desk or the tenant
//! applies for a day and a window; a tenant with money past due is held —
//! `409 in_arrears`, the balance in the message, the application kept for
//! the project manager — until the project manager overrides with a reason
//! (audited, the supervisor told). Security checks the code at the gate: a
//! valid permit passes once on its day; a second scan is `already_used`.

use lobby_domain::error::{optional_text, required_text};
use lobby_domain::fees::yuan;
use lobby_domain::permits::{
    code_from, gate_verdict, normalize_code, GateVerdict, PermitKind, PermitState, CODE_LEN,
};
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_store::permits::{self as store, NewPermit, PermitFilter, PermitRow};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::{time, Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PermitView {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub unit_id: i64,
    pub unit_number: String,
    pub kind: PermitKind,
    /// The day it is good for (`2026-12-03`).
    pub date: String,
    /// The window that day, site time (`09:00`–`12:00`).
    pub window_from: String,
    pub window_to: String,
    pub items: String,
    pub vehicle: Option<String>,
    /// The lift booked for a move.
    pub lift: Option<String>,
    /// What security checks at the gate (also in the printed QR code).
    pub code: String,
    pub state: PermitState,
    /// What the tenant owed past due when it was applied for, in 分.
    pub arrears_fen: i64,
    pub override_reason: Option<String>,
    pub overridden_by: Option<String>,
    pub overridden_at: Option<String>,
    pub used_at: Option<String>,
    pub used_by: Option<String>,
    pub applied_by: String,
    pub created_at: String,
}

fn view(p: PermitRow) -> PermitView {
    PermitView {
        id: p.id,
        site_id: p.site_id,
        tenant_id: p.tenant_id,
        tenant_name: p.tenant_name,
        unit_id: p.unit_id,
        unit_number: p.unit_number,
        kind: p.kind,
        date: p.permit_date,
        window_from: p.window_from,
        window_to: p.window_to,
        items: p.items,
        vehicle: p.vehicle,
        lift: p.lift,
        code: p.code,
        state: p.state,
        arrears_fen: p.arrears_fen,
        override_reason: p.override_reason,
        overridden_by: p.overridden_by_name,
        overridden_at: time::rfc3339_opt(p.overridden_at),
        used_at: time::rfc3339_opt(p.used_at),
        used_by: p.used_by_name,
        applied_by: p.applied_by_name,
        created_at: time::rfc3339(p.created_at),
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PermitInput {
    pub tenant_id: i64,
    /// One of the tenant's units now.
    pub unit_id: i64,
    /// The day (`2026-12-03`), today or later.
    pub date: String,
    /// `move` (搬家, lift booked) or `goods` (放行条); default `goods`.
    pub kind: Option<PermitKind>,
    /// Site time, `09:00`; default 08:00–18:00.
    pub window_from: Option<String>,
    pub window_to: Option<String>,
    /// What goes out (up to 500 characters).
    pub items: String,
    /// The vehicle's plate or description.
    pub vehicle: Option<String>,
    /// The lift booked (a move).
    pub lift: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct PermitQuery {
    pub site_id: i64,
    /// From this day on (default: today at the site).
    pub from: Option<String>,
    /// Up to this day.
    pub to: Option<String>,
    pub tenant_id: Option<i64>,
    pub state: Option<PermitState>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct OverrideInput {
    /// Why the tenant may move goods despite the arrears (audited).
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct VerifyInput {
    /// The permit's code as read from the QR or typed (spaces and dashes
    /// are ignored).
    pub code: String,
}

/// The tenant an actor is limited to at a site (see `Actor::tenant_scope`).
fn own_scope(actor: &Actor, action: Can, site_id: i64) -> AppResult<Option<i64>> {
    actor.tenant_scope(action, site_id)
}

fn hhmm(field: &str, s: Option<&str>, default: &str) -> AppResult<String> {
    let s = s
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(default);
    let t: jiff::civil::Time = s
        .parse()
        .map_err(|_| AppError::invalid(field, format!("{field} must be a time like 09:00")))?;
    Ok(t.strftime("%H:%M").to_string())
}

pub async fn permits(app: &App, actor: &Actor, q: &PermitQuery) -> AppResult<Vec<PermitView>> {
    let only = own_scope(actor, Can::PermitsRead, q.site_id)?;
    let from = match q.from.as_deref() {
        Some(d) => time::parse_date("from", d)?,
        None => crate::fees::site_today(app, q.site_id).await?.0,
    }
    .to_string();
    let to =
        q.to.as_deref()
            .map(|d| time::parse_date("to", d))
            .transpose()?
            .map(|d| d.to_string());
    if only.is_some() && q.tenant_id.is_some_and(|t| Some(t) != only) {
        return Ok(Vec::new());
    }
    let mut c = app.db.read().await?;
    Ok(store::permits(
        &mut c,
        &PermitFilter {
            site_id: q.site_id,
            from: Some(&from),
            to: to.as_deref(),
            tenant_id: only.or(q.tenant_id),
            state: q.state,
            limit: 1000,
        },
    )
    .await?
    .into_iter()
    .map(view)
    .collect())
}

/// A permit the actor may see (404 otherwise).
pub async fn permit(app: &App, actor: &Actor, id: i64) -> AppResult<PermitView> {
    let p = {
        let mut c = app.db.read().await?;
        store::permit(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("permit"))?
    };
    match own_scope(actor, Can::PermitsRead, p.site_id) {
        Ok(None) => Ok(view(p)),
        Ok(Some(t)) if t == p.tenant_id => Ok(view(p)),
        _ => Err(AppError::NotFound("permit")),
    }
}

/// Applies for a permit. A tenant owing money past due gets `409
/// in_arrears` naming the balance; the application is kept, held, for the
/// project manager (its id is in the error) and the project manager is told.
pub async fn apply(app: &App, actor: &Actor, input: &PermitInput) -> AppResult<PermitView> {
    let (unit, tenant) = crate::tenants::unit_and_tenant(
        app,
        actor,
        Can::PermitsApply,
        Can::PermitsApply,
        input.unit_id,
        input.tenant_id,
    )
    .await?;
    let site_id = unit.site_id;
    let only = own_scope(actor, Can::PermitsApply, site_id)?;
    if only.is_some_and(|t| t != tenant.id) {
        return Err(AppError::invalid(
            "tenant_id",
            "a tenant applies for its own permits only",
        ));
    }
    let today = crate::fees::site_today(app, site_id).await?.0;
    let date = time::parse_date("date", &input.date)?;
    if date < today {
        return Err(AppError::invalid("date", "date is in the past"));
    }
    if date > today.saturating_add(jiff::Span::new().days(90)) {
        return Err(AppError::invalid(
            "date",
            "date must be within 90 days from today",
        ));
    }
    let from = hhmm("window_from", input.window_from.as_deref(), "08:00")?;
    let to = hhmm("window_to", input.window_to.as_deref(), "18:00")?;
    if to <= from {
        return Err(AppError::invalid(
            "window_to",
            "window_to must be after window_from",
        ));
    }
    let items = required_text("items", &input.items, 500)?;
    let vehicle = optional_text("vehicle", input.vehicle.as_deref(), 60)?;
    let lift = optional_text("lift", input.lift.as_deref(), 60)?;
    let kind = input.kind.unwrap_or(PermitKind::Goods);
    let date_s = date.to_string();
    let (items, vehicle, lift, from, to, date_s, tenant) =
        (&items, &vehicle, &lift, &from, &to, &date_s, &tenant);
    // Whether the tenant may carry goods out rests on what it owes and
    // where it is, so both are read in the transaction that writes the
    // permit (a payment or statement committed meanwhile is seen).
    let (id, state, arrears) = app
        .write(actor, |w| {
            Box::pin(async move {
                if !lobby_store::tenants::occupies(w, tenant.id, unit.id).await? {
                    return Err(AppError::invalid(
                        "unit_id",
                        "the tenant does not occupy this unit",
                    ));
                }
                let arrears = crate::fees::owed_in(w, site_id, tenant.id, today).await?;
                let state = if arrears > 0 {
                    PermitState::Held
                } else {
                    PermitState::Valid
                };
                let code = loop {
                    let mut bytes = [0u8; CODE_LEN];
                    rand::thread_rng().fill_bytes(&mut bytes);
                    let code = code_from(&bytes);
                    if store::permit_by_code(w, &code).await?.is_none() {
                        break code;
                    }
                };
                let by = w.actor().display_name.clone();
                let now = w.now();
                let id = store::insert_permit(
                    w,
                    &NewPermit {
                        site_id,
                        tenant_id: tenant.id,
                        unit_id: unit.id,
                        kind,
                        permit_date: date_s,
                        window_from: from,
                        window_to: to,
                        items,
                        vehicle: vehicle.as_deref(),
                        lift: lift.as_deref(),
                        code: &code,
                        state,
                        arrears_fen: arrears,
                        applied_by_name: &by,
                    },
                    now,
                )
                .await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "release_permit",
                    Some(id),
                    serde_json::json!({"tenant": tenant.name, "date": date_s, "state": state, "arrears_fen": arrears}),
                )
                .await?;
                if state == PermitState::Held {
                    w.notify(
                        site_id,
                        Role::ProjectManager,
                        "permit_held",
                        &format!("{} · {} · ¥{}", tenant.name, date_s, yuan(arrears)),
                        items,
                        Some(&format!("/permits/{id}")),
                    )
                    .await?;
                }
                Ok((id, state, arrears))
            })
        })
        .await?;
    if state == PermitState::Held {
        return Err(AppError::Refused {
            code: "in_arrears",
            message: format!(
                "{} owes ¥{} past due; the permit is held until the project manager overrides it",
                tenant.name,
                yuan(arrears)
            ),
            id: Some(id),
        });
    }
    permit(app, actor, id).await
}

/// The permit `id` for a change by `actor` with `action`: 404 when they
/// may not see it, 403 when they may not do this to it.
async fn permit_to_change(app: &App, actor: &Actor, id: i64, action: Can) -> AppResult<PermitRow> {
    let p = {
        let mut c = app.db.read().await?;
        store::permit(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("permit"))?
    };
    match own_scope(actor, Can::PermitsRead, p.site_id) {
        Ok(None) => {}
        Ok(Some(t)) if t == p.tenant_id => {}
        _ => return Err(AppError::NotFound("permit")),
    }
    match own_scope(actor, action, p.site_id)? {
        Some(t) if t != p.tenant_id => Err(AppError::Forbidden),
        _ => Ok(p),
    }
}

/// The project manager lets a held permit through, with a reason; the
/// supervisor is told.
pub async fn override_hold(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &OverrideInput,
) -> AppResult<PermitView> {
    let p = permit_to_change(app, actor, id, Can::PermitsOverride).await?;
    let reason = required_text("reason", &input.reason, 500)?;
    let (p, reason) = (&p, &reason);
    app.write(actor, |w| {
        Box::pin(async move {
            let by = w.actor().display_name.clone();
            let now = w.now();
            if !store::override_permit(w, id, reason, &by, now).await? {
                return Err(AppError::InvalidTransition(
                    "only a permit held for arrears can be overridden".into(),
                ));
            }
            w.audit(
                Some(p.site_id),
                "override",
                "release_permit",
                Some(id),
                serde_json::json!({"tenant": p.tenant_name, "arrears_fen": p.arrears_fen, "reason": reason}),
            )
            .await?;
            w.notify(
                p.site_id,
                Role::CsSupervisor,
                "permit_override",
                &format!("{} · {} · ¥{}", p.tenant_name, p.permit_date, yuan(p.arrears_fen)),
                reason,
                Some(&format!("/permits/{id}")),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    permit(app, actor, id).await
}

/// Withdraws a permit not yet used (the desk, or the tenant its own).
pub async fn cancel(app: &App, actor: &Actor, id: i64) -> AppResult<PermitView> {
    let p = permit_to_change(app, actor, id, Can::PermitsApply).await?;
    let p = &p;
    app.write(actor, |w| {
        Box::pin(async move {
            if !store::cancel_permit(w, id).await? {
                return Err(AppError::InvalidTransition(
                    "the permit was used or withdrawn already".into(),
                ));
            }
            w.audit(
                Some(p.site_id),
                "cancel",
                "release_permit",
                Some(id),
                serde_json::json!({"tenant": p.tenant_name, "date": p.permit_date}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    permit(app, actor, id).await
}

/// Wrong codes a person may try at the gate in 15 minutes.
const GATE_MISSES: i64 = 20;
const GATE_WINDOW_MICROS: i64 = 15 * 60 * 1_000_000;

/// What the gate's look-up answers: the permit (the goods listed, the
/// window) and its verdict now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GateView {
    #[serde(flatten)]
    pub permit: PermitView,
    pub verdict: GateVerdict,
    /// May this person release it now (a valid permit; an early or late one
    /// only for the supervisor)?
    pub may_release: bool,
}

/// The permit for a code the guard typed or scanned, at a site the guard
/// checks permits at. A code that is unknown (or of another site) is 404
/// and counts towards the guard's throttle; a found one is taken back.
async fn permit_at_gate(app: &App, actor: &Actor, typed: &str) -> AppResult<PermitRow> {
    if !actor.can_anywhere(Can::PermitsVerify) {
        return Err(AppError::Forbidden);
    }
    let code = normalize_code(typed);
    if code.is_empty() {
        return Err(AppError::invalid("code", "code is required"));
    }
    // Count the try first, in one statement, and look only within the
    // limit: tries sent at once each get their own count, so no more than
    // the limit are ever looked up. A code that is found is not a miss and
    // is taken back.
    let throttle = format!("gate:{}", actor.user_id);
    let tries = {
        let throttle = &throttle;
        app.write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                Ok(lobby_store::users::throttle_hit(w, throttle, now, GATE_WINDOW_MICROS).await?)
            })
        })
        .await?
    };
    if tries > GATE_MISSES {
        return Err(AppError::RateLimited);
    }
    let found = {
        let mut c = app.db.read().await?;
        store::permit_by_code(&mut c, &code)
            .await?
            .filter(|p| actor.can(Can::PermitsVerify, p.site_id))
    };
    let Some(p) = found else {
        return Err(AppError::NotFound("permit"));
    };
    let throttle = &throttle;
    app.write(actor, |w| {
        Box::pin(async move {
            lobby_store::users::throttle_refund(w, throttle).await?;
            Ok(())
        })
    })
    .await?;
    Ok(p)
}

/// The verdict on `p` at `now` (microseconds), in its site's time.
fn verdict_of(p: &PermitRow, timezone: &str, now: i64) -> AppResult<GateVerdict> {
    let date: jiff::civil::Date =
        crate::error::stored("release_permits.permit_date", &p.permit_date)?;
    let from: jiff::civil::Time =
        crate::error::stored("release_permits.window_from", &p.window_from)?;
    let to: jiff::civil::Time = crate::error::stored("release_permits.window_to", &p.window_to)?;
    let local = time::ts(now).to_zoned(time::zone(timezone)?).datetime();
    Ok(gate_verdict(p.state, date, from, to, local))
}

/// The gate's look-up: the permit for `code` and its verdict now. Changes
/// nothing: releasing is [`release`], after the goods are checked.
pub async fn verify(app: &App, actor: &Actor, input: &VerifyInput) -> AppResult<GateView> {
    let p = permit_at_gate(app, actor, &input.code).await?;
    let timezone = {
        let mut c = app.db.read().await?;
        crate::scope::site_row(&mut c, p.site_id).await?.timezone
    };
    let verdict = verdict_of(&p, &timezone, app.now())?;
    let may_release = verdict == GateVerdict::Valid
        || (verdict.out_of_window() && actor.can(Can::PermitsReleaseAnyTime, p.site_id));
    Ok(GateView {
        permit: view(p),
        verdict,
        may_release,
    })
}

/// Releases the permit for `code` once: a valid one by anyone at the gate,
/// an early or late one by the supervisor only (409 `wrong_time` for the
/// others). The verdict is taken again inside the write, so of tries sent
/// at once one releases and the rest are `already_used`.
pub async fn release(app: &App, actor: &Actor, input: &VerifyInput) -> AppResult<PermitView> {
    let found = permit_at_gate(app, actor, &input.code).await?;
    let id = found.id;
    app.write(actor, |w| {
        Box::pin(async move {
            let p = store::permit(w, id)
                .await?
                .ok_or(AppError::NotFound("permit"))?;
            let site = crate::scope::site_row(w, p.site_id).await?;
            let now = w.now();
            let verdict = verdict_of(&p, &site.timezone, now)?;
            let allowed = verdict == GateVerdict::Valid
                || (verdict.out_of_window()
                    && w.actor().can(Can::PermitsReleaseAnyTime, p.site_id));
            if !allowed {
                return Err(refusal(verdict, &p));
            }
            let by = w.actor().display_name.clone();
            if !store::use_permit(w, p.id, &by, now).await? {
                // Released by another guard between the read and the write.
                return Err(refusal(GateVerdict::AlreadyUsed, &p));
            }
            w.audit(
                Some(p.site_id),
                "use",
                "release_permit",
                Some(p.id),
                serde_json::json!({"tenant": p.tenant_name, "unit": p.unit_number, "verdict": verdict}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    permit(app, actor, id).await
}

fn refusal(why: GateVerdict, p: &PermitRow) -> AppError {
    let message = match why {
        GateVerdict::AlreadyUsed => format!(
            "permit {} was released already{}",
            p.code,
            p.used_at
                .map(|t| format!(" at {}", time::rfc3339(t)))
                .unwrap_or_default()
        ),
        GateVerdict::Held => format!(
            "permit {} is held: {} owes money past due",
            p.code, p.tenant_name
        ),
        GateVerdict::Withdrawn => format!("permit {} was withdrawn", p.code),
        GateVerdict::Early => format!(
            "permit {} is for {} {}–{}: too early; the supervisor may release it",
            p.code, p.permit_date, p.window_from, p.window_to
        ),
        GateVerdict::Late => format!(
            "permit {} was for {} {}–{}: too late; the supervisor may release it",
            p.code, p.permit_date, p.window_from, p.window_to
        ),
        GateVerdict::Valid => format!("permit {} is valid", p.code),
    };
    AppError::Refused {
        code: why.refusal_code(),
        message,
        id: Some(p.id),
    }
}

/// A coming permit of a tenant who owes money past due.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ComingMove {
    pub permit: PermitView,
    /// What the tenant owes past due now, in 分.
    pub owed_fen: i64,
}

/// The coming moves and goods releases of tenants who owe money past due
/// now, or were held for it (the supervisor's home), with what each owes.
pub async fn coming_in_arrears(
    app: &App,
    actor: &Actor,
    site_id: i64,
) -> AppResult<Vec<ComingMove>> {
    if own_scope(actor, Can::PermitsRead, site_id)?.is_some() {
        return Err(AppError::Forbidden);
    }
    let owing = crate::fees::arrears_of(app, site_id, None).await?;
    let coming = permits(
        app,
        actor,
        &PermitQuery {
            site_id,
            ..Default::default()
        },
    )
    .await?;
    Ok(coming
        .into_iter()
        .filter(|p| matches!(p.state, PermitState::Held | PermitState::Valid))
        .filter_map(|p| {
            let now = owing
                .iter()
                .find(|a| a.tenant_id == p.tenant_id)
                .map_or(0, |a| a.balance_fen);
            (now > 0 || p.state == PermitState::Held).then_some(ComingMove {
                permit: p,
                owed_fen: now,
            })
        })
        .collect())
}
