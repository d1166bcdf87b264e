//! Part of `tickets`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ActionInput {
    /// dispatch | start | resolve | verify | return_visit | reopen | escalate | hold | resume | cancel | comment | rate
    /// (a tenant's account: `rate` once its order is resolved, or `reopen` with a note when it is not fixed)
    pub action: Action,
    /// For dispatch (the order's own department when absent or `""`).
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    pub department: Option<Department>,
    /// For dispatch: the user who will do it.
    pub assignee_id: Option<i64>,
    pub note: Option<String>,
    /// For return_visit and rate: 1–5.
    pub satisfaction: Option<i64>,
    /// The version you read; 409 `version_conflict` when it moved.
    pub expected_version: Option<i64>,
}

impl ActionInput {
    /// The action alone (no department, note, rating or version); add the
    /// rest with `..ActionInput::new(action)`.
    pub fn new(action: Action) -> Self {
        ActionInput {
            action,
            department: None,
            assignee_id: None,
            note: None,
            satisfaction: None,
            expected_version: None,
        }
    }
}

/// The permission an action needs of `actor` at `site_id`: a tenant's
/// account confirms and rates its own finished order or says it is not
/// fixed (reopen) under the portal's permission; staff under their own.
pub(super) fn permission_for(actor: &Actor, site_id: i64, a: Action) -> Can {
    match a {
        Action::Reopen if is_portal(actor, site_id) => Can::TicketsRate,
        _ => permission(a),
    }
}

pub(super) fn permission(a: Action) -> Can {
    match a {
        Action::Rate => Can::TicketsRate,
        Action::Dispatch => Can::TicketsDispatch,
        Action::Start | Action::Resolve | Action::Hold | Action::Resume => Can::TicketsWork,
        Action::Verify | Action::ReturnVisit | Action::Reopen => Can::TicketsVerify,
        Action::Escalate => Can::TicketsEscalate,
        Action::Cancel => Can::TicketsCancel,
        Action::Comment => Can::TicketsRead,
    }
}

/// The role that works a department's tickets (for notifications).
pub(super) fn role_of(d: Department) -> Option<Role> {
    match d {
        Department::Engineering => Some(Role::Engineering),
        Department::Security => Some(Role::Security),
        Department::CustomerService | Department::Cleaning | Department::Greening => {
            Some(Role::FieldAssistant)
        }
        Department::Leasing => Some(Role::Leasing),
        Department::Finance => Some(Role::Finance),
    }
}

pub async fn act(app: &App, actor: &Actor, id: i64, input: &ActionInput) -> AppResult<TicketView> {
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            act_in(w, now, actor, id, input).await?;
            Ok(())
        })
    })
    .await?;
    get(app, actor, id).await
}

/// Acts on a work order inside the caller's transaction (a patrol finding
/// that adds to an open ticket's history).
pub(crate) async fn act_in(
    tx: &mut Work<'_>,
    now: i64,
    actor: &Actor,
    id: i64,
    input: &ActionInput,
) -> AppResult<()> {
    act_checked(tx, now, actor, id, input, true).await?;
    Ok(())
}

/// An action a use case takes on its own authority (a patrol finding
/// dispatched to the department of its category by the person who found
/// it): the state machine and history apply, the role check does not.
pub(crate) async fn act_on_behalf(
    tx: &mut Work<'_>,
    now: i64,
    actor: &Actor,
    id: i64,
    input: &ActionInput,
) -> AppResult<()> {
    act_checked(tx, now, actor, id, input, false).await?;
    Ok(())
}

pub(super) async fn act_checked(
    tx: &mut Work<'_>,
    now: i64,
    actor: &Actor,
    id: i64,
    input: &ActionInput,
    check_role: bool,
) -> AppResult<i64> {
    let action = input.action;
    let note = optional_text("note", input.note.as_deref(), 2000)?;
    let t = load(tx, actor, id).await?;
    if check_role {
        actor.authorize(permission_for(actor, t.site_id, action), t.site_id)?;
    }
    if input.expected_version.is_some_and(|v| v != t.version) {
        return Err(AppError::VersionConflict);
    }
    let from = t.state;
    let held_from = t.held_from;
    let to = next_state(from, action, held_from)
        .map_err(|e| AppError::InvalidTransition(e.to_string()))?;
    let mut ch = Change {
        state: to,
        held_from: t.held_from,
        department: t.department,
        assignee_id: t.assignee_id,
        escalated: t.escalated != 0,
        satisfaction: t.satisfaction,
        dispatched_at: t.dispatched_at,
        started_at: t.started_at,
        resolved_at: t.resolved_at,
        verified_at: t.verified_at,
        closed_at: t.closed_at,
        return_visit_due_at: t.return_visit_due_at,
        now,
    };
    let mut detail = serde_json::json!({});
    match action {
        Action::Dispatch => {
            let dept: Department = match input.department {
                Some(d) => d,
                None => match t.department {
                    Some(d) => d,
                    None => return Err(AppError::invalid("department", "say which department")),
                },
            };
            if let Some(a) = input.assignee_id {
                // Only a person of this site who works for that department.
                let active = lobby_store::users::by_id(tx, a)
                    .await?
                    .is_some_and(|u| u.active != 0);
                let roles = lobby_store::users::roles(tx, a).await?;
                let works_there = roles.iter().any(|r| {
                    r.site_id == Some(t.site_id)
                        && dept.staff_roles().contains(&r.role)
                        && lobby_domain::policy::allows(r.role, Can::TicketsWork)
                });
                if !(active && works_there) {
                    return Err(AppError::invalid(
                        "assignee_id",
                        format!(
                            "user {a} is not an active member of {} at this site",
                            dept.as_str()
                        ),
                    ));
                }
            }
            ch.department = Some(dept);
            ch.assignee_id = input.assignee_id;
            ch.dispatched_at = Some(t.dispatched_at.unwrap_or(now));
            detail = serde_json::json!({"department": dept, "assignee_id": input.assignee_id});
        }
        Action::Start => ch.started_at = Some(now),
        Action::Resolve => {
            if note.is_none() {
                return Err(AppError::invalid("note", "say what was done"));
            }
            ch.resolved_at = Some(now);
        }
        Action::Verify => {
            ch.verified_at = Some(now);
            let rules = crate::tickets::sla::rules(tx, t.site_id).await?;
            let level = rules.level(t.kind, t.priority);
            // So many calendar days on in the site's zone (a day of 23 or
            // 25 hours where the zone has them).
            let due = time::ts(now)
                .to_zoned(time::zone(&rules.site.timezone)?)
                .checked_add(jiff::Span::new().days(level.return_visit_days))
                .map_err(|e| AppError::Internal(e.into()))?;
            ch.return_visit_due_at = Some(due.timestamp().as_microsecond());
        }
        Action::ReturnVisit | Action::Rate => {
            let s = input
                .satisfaction
                .ok_or_else(|| AppError::invalid("satisfaction", "satisfaction 1–5 is required"))?;
            if !(1..=5).contains(&s) {
                return Err(AppError::invalid("satisfaction", "satisfaction is 1 to 5"));
            }
            ch.satisfaction = Some(s);
            ch.closed_at = Some(now);
            detail = serde_json::json!({"satisfaction": s});
        }
        Action::Reopen | Action::Hold | Action::Cancel | Action::Escalate => {
            if note.is_none() {
                return Err(AppError::invalid("note", "give a reason"));
            }
            match action {
                Action::Reopen => {
                    ch.resolved_at = None;
                    ch.verified_at = None;
                    ch.return_visit_due_at = None;
                }
                Action::Hold => ch.held_from = Some(from),
                Action::Escalate => ch.escalated = true,
                _ => {}
            }
        }
        Action::Resume => ch.held_from = None,
        Action::Comment => {
            if note.is_none() {
                return Err(AppError::invalid("note", "a comment needs text"));
            }
        }
    }
    if !store::update(tx, id, t.version, &ch).await? {
        return Err(AppError::VersionConflict);
    }
    let event_id = record_event(
        tx,
        actor,
        now,
        id,
        action.as_str(),
        Some(from),
        to,
        note.as_deref(),
        &detail,
    )
    .await?;
    let link = format!("/tickets/{id}");
    match action {
        Action::Dispatch => {
            let department = ch.department;
            if let Some(role) = department.and_then(role_of) {
                let title = format!("{}: {}", t.number, t.title);
                let body = t
                    .unit_number
                    .clone()
                    .or(t.location.clone())
                    .unwrap_or_default();
                notify::to_role(
                    tx,
                    now,
                    t.site_id,
                    role,
                    "dispatch",
                    &title,
                    &body,
                    Some(&link),
                )
                .await?;
            }
        }
        Action::Resolve if t.tenant_id.is_some() => {
            // Done — waiting for the tenant's confirmation.
            let title = format!("{}: {}", t.number, t.title);
            notify::to_tenant(
                tx,
                now,
                t.site_id,
                t.tenant_id,
                "resolved",
                &title,
                "",
                &format!("/my/requests/{id}"),
            )
            .await?;
        }
        Action::Reopen | Action::Rate if is_portal(actor, t.site_id) => {
            // The tenant's word reaches the supervisor who answers for it.
            let title = format!("{}: {}", t.number, t.title);
            let kind = if action == Action::Rate {
                "rated"
            } else {
                "not_fixed"
            };
            let body = match (action, input.satisfaction) {
                (Action::Rate, Some(s)) => format!("{s}/5 {}", note.as_deref().unwrap_or("")),
                _ => note.clone().unwrap_or_default(),
            };
            notify::to_role(
                tx,
                now,
                t.site_id,
                Role::CsSupervisor,
                kind,
                &title,
                body.trim(),
                Some(&link),
            )
            .await?;
        }
        Action::Escalate => {
            let title = format!("{}: {}", t.number, t.title);
            notify::to_role(
                tx,
                now,
                t.site_id,
                Role::ProjectManager,
                "escalation",
                &title,
                note.as_deref().unwrap_or(""),
                Some(&link),
            )
            .await?;
        }
        _ => {}
    }
    let mut audit_detail = detail.clone();
    audit_detail["action"] = action.as_str().into();
    audit_detail["from"] = from.as_str().into();
    audit_detail["to"] = to.as_str().into();
    audit::record(
        tx,
        now,
        actor,
        Some(t.site_id),
        "update",
        "ticket",
        Some(id),
        audit_detail,
    )
    .await?;
    Ok(event_id)
}
