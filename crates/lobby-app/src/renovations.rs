//! Renovation (装修申请). The desk applies on the tenant's behalf (the
//! contractor and its workers, the period, the scope) and adds the
//! drawings; engineering reviews with conditions; the project manager
//! approves with the deposit taken (into the fee module's deposits held;
//! the unit is renovating from then) or
//! turns it down; inspections during the works record violations, each
//! told to the tenant's accounts; the acceptance inspection ends the works
//! (the unit is occupied again); the deposit is then released, or kept in
//! part with a reason.

use lobby_domain::error::{optional_text, required_text};
use lobby_domain::fees::{parse_yuan, yuan, DepositKind};
use lobby_domain::policy::Action as Can;
use lobby_domain::renovations::{
    drawing_type, next, InspectionKind, RenovationAction, RenovationState, MAX_DRAWINGS,
    MAX_DRAWING_BYTES,
};
use lobby_domain::roles::Role;
use lobby_domain::sites::UnitStatus;
use lobby_store::renovations::{self as store, NewFile, NewRenovation, RenovationRow};
use lobby_store::StoreError;
use serde::{Deserialize, Serialize};

use crate::{time, Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RenovationView {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub unit_id: i64,
    pub unit_number: String,
    pub state: RenovationState,
    pub contractor: String,
    pub contractor_phone: Option<String>,
    pub workers: i64,
    pub start_date: String,
    pub end_date: String,
    pub scope: String,
    /// Engineering's conditions.
    pub conditions: Option<String>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<String>,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    /// The deposit taken at approval, in 分.
    pub deposit_fen: i64,
    pub deposit_receipt: Option<String>,
    pub rejected_reason: Option<String>,
    pub accepted_note: Option<String>,
    pub accepted_by: Option<String>,
    pub accepted_at: Option<String>,
    /// What was kept of the deposit at closing, in 分 (the rest released).
    pub kept_fen: i64,
    pub kept_reason: Option<String>,
    pub closed_by: Option<String>,
    pub closed_at: Option<String>,
    pub applied_by: String,
    pub created_at: String,
    /// What the tenant owed past due when it applied, in 分 (more than 0:
    /// held until the project manager overrides).
    pub arrears_fen: i64,
    pub override_reason: Option<String>,
    pub overridden_by: Option<String>,
    pub overridden_at: Option<String>,
    /// With the renovation's page; empty in lists.
    pub inspections: Vec<RenovationInspectionView>,
    pub files: Vec<FileView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RenovationInspectionView {
    pub id: i64,
    pub kind: InspectionKind,
    pub note: String,
    pub violation: bool,
    pub inspected_by: String,
    pub inspected_at: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FileView {
    pub id: i64,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct RenovationInput {
    pub tenant_id: i64,
    /// One of the tenant's units now.
    pub unit_id: i64,
    pub contractor: String,
    pub contractor_phone: Option<String>,
    /// How many workers (1–500).
    pub workers: i64,
    /// The period (`2026-12-05` to `2027-01-20`), at most a year.
    pub start_date: String,
    pub end_date: String,
    /// What is to be done (up to 2000 characters).
    pub scope: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct RenovationActionInput {
    /// `review` | `approve` | `reject` | `inspect` | `accept` | `close`.
    pub action: RenovationAction,
    /// review: the conditions (required); reject: the reason (required);
    /// inspect and accept: what was found (required); close: why part of
    /// the deposit is kept.
    pub note: Option<String>,
    /// approve: the deposit taken, yuan (`"5000.00"`); its receipt is
    /// numbered in the fee module's series (`deposit_receipt`).
    pub deposit: Option<String>,
    /// inspect: a violation was found (the tenant is told).
    #[serde(default)]
    pub violation: bool,
    /// close: what is kept of the deposit, yuan (default nothing).
    pub kept: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct RenovationQuery {
    pub site_id: i64,
    pub state: Option<RenovationState>,
}

fn view(r: RenovationRow) -> RenovationView {
    RenovationView {
        id: r.id,
        site_id: r.site_id,
        tenant_id: r.tenant_id,
        tenant_name: r.tenant_name,
        unit_id: r.unit_id,
        unit_number: r.unit_number,
        state: r.state,
        contractor: r.contractor,
        contractor_phone: r.contractor_phone,
        workers: r.workers,
        start_date: r.start_date,
        end_date: r.end_date,
        scope: r.scope,
        conditions: r.conditions,
        reviewed_by: r.reviewed_by_name,
        reviewed_at: time::rfc3339_opt(r.reviewed_at),
        approved_by: r.approved_by_name,
        approved_at: time::rfc3339_opt(r.approved_at),
        deposit_fen: r.deposit_fen,
        deposit_receipt: r.deposit_receipt,
        rejected_reason: r.rejected_reason,
        accepted_note: r.accepted_note,
        accepted_by: r.accepted_by_name,
        accepted_at: time::rfc3339_opt(r.accepted_at),
        kept_fen: r.kept_fen,
        kept_reason: r.kept_reason,
        closed_by: r.closed_by_name,
        closed_at: time::rfc3339_opt(r.closed_at),
        applied_by: r.applied_by_name,
        created_at: time::rfc3339(r.created_at),
        arrears_fen: r.arrears_fen,
        override_reason: r.override_reason,
        overridden_by: r.overridden_by_name,
        overridden_at: time::rfc3339_opt(r.overridden_at),
        inspections: Vec::new(),
        files: Vec::new(),
    }
}

pub async fn renovations(
    app: &App,
    actor: &Actor,
    q: &RenovationQuery,
) -> AppResult<Vec<RenovationView>> {
    actor.authorize(Can::RenovationsRead, q.site_id)?;
    let mut c = app.db.read().await?;
    Ok(store::list(&mut c, q.site_id, q.state, None, 500)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

async fn row(app: &App, actor: &Actor, id: i64) -> AppResult<RenovationRow> {
    let mut c = app.db.read().await?;
    store::get(&mut c, id)
        .await?
        .filter(|r| actor.can(Can::RenovationsRead, r.site_id))
        .ok_or(AppError::NotFound("renovation"))
}

/// A renovation with its inspections and drawings.
pub async fn renovation(app: &App, actor: &Actor, id: i64) -> AppResult<RenovationView> {
    let r = row(app, actor, id).await?;
    let mut c = app.db.read().await?;
    let inspections = store::inspections(&mut c, id).await?;
    let files = store::files(&mut c, id).await?;
    let mut v = view(r);
    v.inspections = inspections
        .into_iter()
        .map(|i| RenovationInspectionView {
            id: i.id,
            kind: i.kind,
            note: i.note,
            violation: i.violation == 1,
            inspected_by: i.inspected_by_name,
            inspected_at: time::rfc3339(i.inspected_at),
        })
        .collect();
    v.files = files
        .into_iter()
        .map(|f| FileView {
            id: f.id,
            name: f.name,
            content_type: f.content_type,
            size_bytes: f.size_bytes,
            uploaded_by: f.uploaded_by_name,
            uploaded_at: time::rfc3339(f.uploaded_at),
        })
        .collect();
    Ok(v)
}

/// Applies for a renovation of a unit the tenant occupies; one at a time
/// per unit (409 otherwise). A tenant owing money past due gets `409
/// in_arrears` naming the balance, as a release permit does: the
/// application is kept, held, for the project manager (its id is in the
/// error), who is told.
pub async fn apply(app: &App, actor: &Actor, input: &RenovationInput) -> AppResult<RenovationView> {
    let (unit, tenant) = crate::tenants::unit_and_tenant(
        app,
        actor,
        Can::RenovationsRead,
        Can::RenovationsApply,
        input.unit_id,
        input.tenant_id,
    )
    .await?;
    let contractor = required_text("contractor", &input.contractor, 100)?;
    let phone = optional_text("contractor_phone", input.contractor_phone.as_deref(), 40)?;
    if !(1..=500).contains(&input.workers) {
        return Err(AppError::invalid("workers", "workers must be 1 to 500"));
    }
    let start = time::parse_date("start_date", &input.start_date)?;
    let end = time::parse_date("end_date", &input.end_date)?;
    if end < start {
        return Err(AppError::invalid(
            "end_date",
            "end_date must not be before start_date",
        ));
    }
    if end > start.saturating_add(jiff::Span::new().days(366)) {
        return Err(AppError::invalid(
            "end_date",
            "a renovation runs at most a year",
        ));
    }
    let scope = required_text("scope", &input.scope, 2000)?;
    let (start, end) = (start.to_string(), end.to_string());
    let (contractor, phone, scope, start, end, unit, tenant) =
        (&contractor, &phone, &scope, &start, &end, &unit, &tenant);
    let today = crate::fees::site_today(app, unit.site_id).await?.0;
    let (id, arrears) = app
        .write(actor, |w| {
            Box::pin(async move {
                // Where the tenant is, read where the application is written.
                if !lobby_store::tenants::occupies(w, tenant.id, unit.id).await? {
                    return Err(AppError::invalid(
                        "unit_id",
                        "the tenant does not occupy this unit",
                    ));
                }
                // What it owes, read where the application is written (a
                // payment committed meanwhile is seen).
                let arrears = crate::fees::owed_in(w, unit.site_id, tenant.id, today).await?;
                let by = w.actor().display_name.clone();
                let now = w.now();
                let id = store::insert(
                    w,
                    &NewRenovation {
                        site_id: unit.site_id,
                        tenant_id: tenant.id,
                        unit_id: unit.id,
                        contractor,
                        contractor_phone: phone.as_deref(),
                        workers: input.workers,
                        start_date: start,
                        end_date: end,
                        scope,
                        applied_by_name: &by,
                        arrears_fen: arrears,
                    },
                    now,
                )
                .await
                .map_err(|e| match e {
                    StoreError::Duplicate(_) => AppError::InvalidTransition(format!(
                        "unit {} has a renovation under way",
                        unit.number
                    )),
                    other => other.into(),
                })?;
                w.audit(
                    Some(unit.site_id),
                    "create",
                    "renovation",
                    Some(id),
                    serde_json::json!({"tenant": tenant.name, "unit": unit.number, "contractor": contractor, "from": start, "to": end, "arrears_fen": arrears}),
                )
                .await?;
                if arrears > 0 {
                    w.notify(
                        unit.site_id,
                        Role::ProjectManager,
                        "renovation_held",
                        &format!("{} · {} · ¥{}", unit.number, tenant.name, yuan(arrears)),
                        scope,
                        Some(&format!("/renovations/{id}")),
                    )
                    .await?;
                } else {
                    w.notify(
                        unit.site_id,
                        Role::Engineering,
                        "renovation_applied",
                        &format!("{} · {}", unit.number, tenant.name),
                        scope,
                        Some(&format!("/renovations/{id}")),
                    )
                    .await?;
                }
                Ok((id, arrears))
            })
        })
        .await?;
    if arrears > 0 {
        return Err(AppError::Refused {
            code: "in_arrears",
            message: format!(
                "{} owes ¥{} past due; the renovation is held until the project manager overrides it",
                tenant.name,
                yuan(arrears)
            ),
            id: Some(id),
        });
    }
    renovation(app, actor, id).await
}

/// The project manager lets an application held for arrears go on to
/// engineering's review, with a reason (audited); engineering and the
/// supervisor are told.
pub async fn override_hold(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &crate::permits::OverrideInput,
) -> AppResult<RenovationView> {
    let r = row(app, actor, id).await?;
    actor.authorize(Can::RenovationsApprove, r.site_id)?;
    let reason = required_text("reason", &input.reason, 500)?;
    let (r, reason) = (&r, &reason);
    app.write(actor, |w| {
        Box::pin(async move {
            let by = w.actor().display_name.clone();
            let now = w.now();
            if !store::override_hold(w, id, reason, &by, now).await? {
                return Err(AppError::InvalidTransition(
                    "only a renovation held for arrears can be overridden".into(),
                ));
            }
            w.audit(
                Some(r.site_id),
                "override",
                "renovation",
                Some(id),
                serde_json::json!({"tenant": r.tenant_name, "arrears_fen": r.arrears_fen, "reason": reason}),
            )
            .await?;
            let subject = format!("{} · {}", r.unit_number, r.tenant_name);
            w.notify(
                r.site_id,
                Role::Engineering,
                "renovation_applied",
                &subject,
                &r.scope,
                Some(&format!("/renovations/{id}")),
            )
            .await?;
            w.notify(
                r.site_id,
                Role::CsSupervisor,
                "renovation_override",
                &format!("{subject} · ¥{}", yuan(r.arrears_fen)),
                reason,
                Some(&format!("/renovations/{id}")),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    renovation(app, actor, id).await
}

/// Who may do `action`.
fn permission(action: RenovationAction) -> Can {
    match action {
        RenovationAction::Review => Can::RenovationsReview,
        RenovationAction::Approve => Can::RenovationsApprove,
        // Engineering turns an application down at review, the project
        // manager at approval.
        RenovationAction::Reject => Can::RenovationsApprove,
        RenovationAction::Inspect | RenovationAction::Accept => Can::RenovationsInspect,
        RenovationAction::Close => Can::RenovationsClose,
    }
}

fn note(input: &RenovationActionInput, field: &str) -> AppResult<String> {
    Ok(required_text(
        field,
        input.note.as_deref().unwrap_or(""),
        1000,
    )?)
}

/// Moves a renovation on by `action` (see [`RenovationActionInput`]).
pub async fn act(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &RenovationActionInput,
) -> AppResult<RenovationView> {
    let r = row(app, actor, id).await?;
    let a = input.action;
    let allowed = actor.can(permission(a), r.site_id)
        || (a == RenovationAction::Reject && actor.can(Can::RenovationsReview, r.site_id));
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let to = next(r.state, a).map_err(|why| AppError::InvalidTransition(why.into()))?;
    // What the action carries, checked before anything is written.
    let mut n = r.clone();
    n.state = to;
    let mut inspection: Option<(InspectionKind, String, bool)> = None;
    let by = actor.display_name.clone();
    let now = app.now();
    match a {
        RenovationAction::Review => {
            n.conditions = Some(note(input, "note")?);
            n.reviewed_by_name = Some(by.clone());
            n.reviewed_at = Some(now);
        }
        RenovationAction::Approve => {
            n.deposit_fen = match input.deposit.as_deref().filter(|d| !d.trim().is_empty()) {
                Some(d) => parse_yuan("deposit", d)?,
                None => return Err(AppError::invalid("deposit", "give the deposit taken")),
            };
            if n.deposit_fen < 0 {
                return Err(AppError::invalid("deposit", "deposit cannot be negative"));
            }
            n.approved_by_name = Some(by.clone());
            n.approved_at = Some(now);
        }
        RenovationAction::Reject => n.rejected_reason = Some(note(input, "note")?),
        RenovationAction::Inspect => {
            inspection = Some((
                InspectionKind::Routine,
                note(input, "note")?,
                input.violation,
            ));
        }
        RenovationAction::Accept => {
            let found = note(input, "note")?;
            n.accepted_note = Some(found.clone());
            n.accepted_by_name = Some(by.clone());
            n.accepted_at = Some(now);
            inspection = Some((InspectionKind::Acceptance, found, false));
        }
        RenovationAction::Close => {
            n.kept_fen = match input.kept.as_deref().filter(|k| !k.trim().is_empty()) {
                Some(k) => parse_yuan("kept", k)?,
                None => 0,
            };
            if !(0..=r.deposit_fen).contains(&n.kept_fen) {
                return Err(AppError::invalid(
                    "kept",
                    format!("kept must be 0 to the deposit, ¥{}", yuan(r.deposit_fen)),
                ));
            }
            n.kept_reason = optional_text("note", input.note.as_deref(), 1000)?;
            if n.kept_fen > 0 && n.kept_reason.is_none() {
                return Err(AppError::invalid(
                    "note",
                    "say why part of the deposit is kept",
                ));
            }
            n.closed_by_name = Some(by.clone());
            n.closed_at = Some(now);
        }
    }
    let year = crate::fees::site_today(app, n.site_id).await?.0.year();
    let (n, inspection) = (&n, &inspection);
    app.write(actor, |w| {
        Box::pin(async move {
            let mut n = n.clone();
            if a == RenovationAction::Approve {
                // The deposit is money received: a receipt of the fee
                // module's series, not a number typed in.
                let (_, receipt) = crate::fees::take_deposit_in(
                    w,
                    n.site_id,
                    n.tenant_id,
                    (DepositKind::Renovation, n.id),
                    n.deposit_fen,
                    year,
                )
                .await?;
                n.deposit_receipt = Some(receipt);
            }
            if !store::update(w, &n).await? {
                return Err(AppError::VersionConflict);
            }
            let now = w.now();
            let by = w.actor().display_name.clone();
            if let Some((kind, found, violation)) = inspection {
                store::insert_inspection(w, n.id, *kind, found, *violation, &by, now).await?;
                if *violation {
                    // The tenant's people are told of the violation (整改).
                    for user in lobby_store::users::of_tenant(w, n.tenant_id).await? {
                        lobby_store::notify::insert(
                            w,
                            &lobby_store::notify::NewNotification {
                                site_id: Some(n.site_id),
                                user_id: user,
                                kind: "renovation_violation",
                                title: &n.unit_number,
                                body: found,
                                link: None,
                                now,
                            },
                        )
                        .await?;
                    }
                    w.notify(
                        n.site_id,
                        Role::CsSupervisor,
                        "renovation_violation",
                        &format!("{} · {}", n.unit_number, n.tenant_name),
                        found,
                        Some(&format!("/renovations/{}", n.id)),
                    )
                    .await?;
                }
            }
            // The unit is renovating while the works run.
            let unit = lobby_store::sites::unit(w, n.unit_id)
                .await?
                .ok_or(AppError::NotFound("unit"))?;
            match a {
                RenovationAction::Approve => {
                    crate::sites::set_unit_status(w, &unit, UnitStatus::Renovating, now).await?;
                    w.notify(
                        n.site_id,
                        Role::Finance,
                        "renovation_deposit",
                        &format!("{} · {}", n.unit_number, n.tenant_name),
                        &format!("¥{}", yuan(n.deposit_fen)),
                        Some(&format!("/renovations/{}", n.id)),
                    )
                    .await?;
                }
                RenovationAction::Accept => {
                    let occupied = lobby_store::tenants::occupant_of(w, n.unit_id).await?.is_some();
                    let status = if occupied {
                        UnitStatus::Occupied
                    } else {
                        UnitStatus::Vacant
                    };
                    crate::sites::set_unit_status(w, &unit, status, now).await?;
                }
                RenovationAction::Close => {
                    crate::fees::settle_deposit_in(
                        w,
                        n.site_id,
                        (DepositKind::Renovation, n.id),
                        n.kept_fen,
                        n.kept_reason.as_deref(),
                    )
                    .await?;
                    w.notify(
                        n.site_id,
                        Role::Finance,
                        "renovation_deposit_settled",
                        &format!("{} · {}", n.unit_number, n.tenant_name),
                        &format!(
                            "¥{} / ¥{}",
                            yuan(n.deposit_fen - n.kept_fen),
                            yuan(n.kept_fen)
                        ),
                        Some(&format!("/renovations/{}", n.id)),
                    )
                    .await?;
                }
                _ => {}
            }
            w.audit(
                Some(n.site_id),
                a.as_str(),
                "renovation",
                Some(n.id),
                serde_json::json!({"state": n.state, "deposit_fen": n.deposit_fen, "kept_fen": n.kept_fen, "inspection": inspection.as_ref().map(|i| &i.1)}),
            )
            .await
        })
    })
    .await?;
    renovation(app, actor, id).await
}

/// Adds a drawing (PDF, JPEG or PNG, ≤ 20 MiB; at most 20) to a renovation
/// under way.
pub async fn add_file(
    app: &App,
    actor: &Actor,
    id: i64,
    name: &str,
    bytes: &[u8],
) -> AppResult<RenovationView> {
    let r = row(app, actor, id).await?;
    actor.authorize(Can::RenovationsApply, r.site_id)?;
    if !lobby_domain::renovations::is_open(r.state) {
        return Err(AppError::InvalidTransition("the renovation is over".into()));
    }
    let name = required_text("name", name, 120)?;
    if bytes.len() > MAX_DRAWING_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    let content_type = drawing_type(bytes)
        .ok_or_else(|| AppError::invalid("file", "a drawing must be a PDF, JPEG or PNG file"))?;
    {
        let mut c = app.db.read().await?;
        if store::files(&mut c, id).await?.len() >= MAX_DRAWINGS {
            return Err(AppError::invalid(
                "file",
                "a renovation holds at most 20 drawings",
            ));
        }
    }
    let blob = app.blobs.put(bytes).await?;
    let (name, blob, r) = (&name, &blob, &r);
    app.write(actor, |w| {
        Box::pin(async move {
            let by = w.actor().display_name.clone();
            let now = w.now();
            let f = store::insert_file(
                w,
                &NewFile {
                    renovation_id: r.id,
                    name,
                    content_type,
                    size_bytes: bytes.len() as i64,
                    blob,
                    uploaded_by_name: &by,
                },
                now,
            )
            .await?;
            w.audit(
                Some(r.site_id),
                "create",
                "renovation_file",
                Some(f),
                serde_json::json!({"renovation_id": r.id, "name": name}),
            )
            .await
        })
    })
    .await?;
    renovation(app, actor, id).await
}

/// A drawing's name, type and bytes.
pub async fn file(
    app: &App,
    actor: &Actor,
    id: i64,
    file_id: i64,
) -> AppResult<(String, String, Vec<u8>)> {
    row(app, actor, id).await?;
    let f = {
        let mut c = app.db.read().await?;
        store::files(&mut c, id)
            .await?
            .into_iter()
            .find(|f| f.id == file_id)
            .ok_or(AppError::NotFound("file"))?
    };
    let bytes = app.blobs.get(&f.blob).await?;
    Ok((f.name, f.content_type, bytes))
}
