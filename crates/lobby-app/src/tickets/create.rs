//! Part of `tickets`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::tickets::Caller;

pub async fn create(
    app: &App,
    actor: &Actor,
    input: &NewTicketInput,
    idempotency_key: Option<&str>,
) -> AppResult<TicketView> {
    let once = Once::new(idempotency_key, "ticket", input);
    let id = app
        .create(actor, &once, |w| {
            Box::pin(async move {
                let (now, actor) = (w.now(), w.actor());
                create_in(w, now, actor, input).await
            })
        })
        .await?;
    get(app, actor, id).await
}

/// The desk's one-form intake: opens a work order and, with `dispatch`,
/// dispatches it to its department in the same transaction (when the actor
/// may dispatch; otherwise the order waits for a dispatcher). The form's
/// key makes a double click or a resent form one work order.
pub async fn create_and_dispatch(
    app: &App,
    actor: &Actor,
    input: &NewTicketInput,
    dispatch: bool,
    idempotency_key: Option<&str>,
) -> AppResult<TicketView> {
    let once = Once::new(idempotency_key, "ticket_intake", &(input, dispatch));
    let id = app
        .create(actor, &once, |w| {
            Box::pin(async move {
                let now = w.now();
                let id = create_in(w, now, actor, input).await?;
                // Whoever may only take the call leaves the order for a
                // dispatcher: the request to dispatch is dropped, not refused.
                let may_dispatch = match dispatch {
                    false => false,
                    true => store::get(w, id)
                        .await?
                        .is_some_and(|t| actor.can(Can::TicketsDispatch, t.site_id)),
                };
                if may_dispatch {
                    let d = ActionInput::new(Action::Dispatch);
                    act_in(w, now, actor, id, &d).await?;
                }
                Ok(id)
            })
        })
        .await?;
    get(app, actor, id).await
}

/// The fields of a new work order that need no database: its kind,
/// priority, channel, department and texts, each parsed once and checked
/// (a bad one is refused by name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicketFields {
    pub kind: Kind,
    pub priority: Priority,
    pub channel: Channel,
    pub department: Department,
    pub title: String,
    pub description: String,
    pub location: Option<String>,
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
}

impl NewTicketFields {
    pub fn parse(input: &NewTicketInput) -> AppResult<Self> {
        let kind = input.kind;
        Ok(NewTicketFields {
            kind,
            priority: input.priority.ok_or_else(|| {
                AppError::invalid(
                    "priority",
                    "priority must be one of urgent, high, normal, low",
                )
            })?,
            channel: input.channel.unwrap_or(Channel::Phone),
            department: input.department.unwrap_or_else(|| default_department(kind)),
            title: required_text("title", &input.title, 120)?,
            description: optional_text("description", Some(&input.description), 4000)?
                .unwrap_or_default(),
            location: optional_text("location", input.location.as_deref(), 120)?,
            reporter_name: optional_text("reporter_name", input.reporter_name.as_deref(), 60)?,
            reporter_phone: optional_text("reporter_phone", input.reporter_phone.as_deref(), 40)?,
        })
    }
}

/// Opens a work order inside the caller's transaction (a log entry, a lift
/// fault or a patrol finding that becomes one): checks, numbers, deadlines,
/// the first event and the audit entry. Returns its id.
pub(crate) async fn create_in(
    tx: &mut Work<'_>,
    now: i64,
    actor: &Actor,
    input: &NewTicketInput,
) -> AppResult<i64> {
    let portal_input;
    let input = match actor.tenant_id {
        Some(own) if !actor.can_anywhere(Can::TicketsCreate) => {
            portal_input = portal(tx, actor, own, input).await?;
            &portal_input
        }
        _ => input,
    };
    let portal = input.channel == Some(Channel::Portal);
    let NewTicketFields {
        kind,
        priority,
        channel,
        department,
        title,
        description,
        location,
        reporter_name,
        reporter_phone,
    } = NewTicketFields::parse(input)?;
    // Where: the unit, else the tenant, else the site given or the actor's only one.
    let unit = match input.unit_id {
        Some(u) => Some(
            lobby_store::sites::unit(tx, u)
                .await?
                .ok_or_else(|| AppError::invalid("unit_id", format!("no unit {u}")))?,
        ),
        None => None,
    };
    let tenant = match input.tenant_id.or(unit.as_ref().and_then(|u| u.tenant_id)) {
        Some(t) => Some(
            lobby_store::tenants::get(tx, t)
                .await?
                .ok_or_else(|| AppError::invalid("tenant_id", format!("no tenant {t}")))?,
        ),
        None => None,
    };
    let site_id = match (
        unit.as_ref().map(|u| u.site_id),
        tenant.as_ref().map(|t| t.site_id),
        input.site_id,
    ) {
        (Some(a), Some(b), _) if a != b => {
            return Err(AppError::invalid(
                "tenant_id",
                "the tenant is at another site than the unit",
            ))
        }
        (Some(s), _, _) | (None, Some(s), _) | (None, None, Some(s)) => s,
        (None, None, None) => match actor.site_ids() {
            Some(v) if v.len() == 1 => v[0],
            _ => {
                return Err(AppError::invalid(
                    "site_id",
                    "say which site (or give unit_id)",
                ))
            }
        },
    };
    if input.site_id.is_some_and(|s| s != site_id) {
        return Err(AppError::invalid(
            "site_id",
            "the unit or tenant is at another site",
        ));
    }
    match actor.tenant_id {
        // Checked by `portal` before anything was read.
        Some(own) if input.tenant_id == Some(own) && !actor.can_anywhere(Can::TicketsCreate) => {
            actor.authorize(Can::TicketsReport, site_id)?
        }
        _ => actor.authorize(Can::TicketsCreate, site_id)?,
    }
    if unit.is_none() && location.is_none() {
        return Err(AppError::invalid(
            "location",
            "say where: a unit or a location",
        ));
    }
    // The caller, by default the tenant's day contact (the desk may change it).
    let default = tenant.as_ref().map(Caller::of_tenant).unwrap_or_default();
    let caller = Caller {
        name: reporter_name.or(default.name),
        phone: reporter_phone.or(default.phone),
        tenant_name: default.tenant_name,
    };
    let rules = crate::tickets::sla::rules(tx, site_id).await?;
    let site = &rules.site;
    let tz = crate::time::zone(&site.timezone)?;
    let level = rules.level(kind, priority);
    let d = deadlines(&level, time::ts(now), &tz, &rules.off);
    let day = time::local_date(now, &site.timezone)?;
    let series = format!("WO-{}", day.strftime("%Y%m%d"));
    let n = lobby_store::numbers::take(tx, site_id, &series, 0, 1).await?;
    let number = format!("{series}-{n:04}");
    let id = store::insert(
        tx,
        &NewTicket {
            site_id,
            number: &number,
            kind,
            priority,
            channel,
            title: &title,
            description: &description,
            unit_id: unit.as_ref().map(|u| u.id),
            location: location.as_deref(),
            tenant_id: tenant.as_ref().map(|t| t.id),
            department: Some(department),
            created_by: actor.audit_id(),
            now,
            response_due_at: d.respond_by.as_microsecond(),
            onsite_due_at: d.onsite_by.as_microsecond(),
            resolve_due_at: d.resolve_by.as_microsecond(),
            reporter_name: caller.name.as_deref(),
            reporter_phone: caller.phone.as_deref(),
        },
    )
    .await?;
    crate::tickets::complaints::create_in(
        tx,
        now,
        id,
        kind,
        input.complaint.as_ref(),
        &caller,
        &site.timezone,
    )
    .await?;
    if portal && actor.tenant_id.is_some() {
        // A request from the portal waits for the desk to pick it up.
        let title = format!("{number}: {title}");
        let body = unit
            .as_ref()
            .map(|u| u.number.clone())
            .or(location.clone())
            .unwrap_or_default();
        let link = format!("/tickets/{id}");
        for role in [Role::FrontDesk, Role::CsSupervisor] {
            notify::to_role(tx, now, site_id, role, "portal", &title, &body, Some(&link)).await?;
        }
    }
    let detail = serde_json::json!({"number": number, "kind": kind, "priority": priority, "channel": channel, "department": department});
    record_event(
        tx,
        actor,
        now,
        id,
        "create",
        None,
        State::Open,
        None,
        &detail,
    )
    .await?;
    audit::record(
        tx,
        now,
        actor,
        Some(site_id),
        "create",
        "ticket",
        Some(id),
        detail,
    )
    .await?;
    Ok(id)
}

/// A tenant's own request (the portal): permission first, then its own
/// tenant and unit; the channel is the portal, the department follows the
/// kind, the reporter is the account's holder. Returns the input the
/// common path then opens.
async fn portal(
    tx: &mut Work<'_>,
    actor: &Actor,
    own: i64,
    input: &NewTicketInput,
) -> AppResult<NewTicketInput> {
    let tenant = lobby_store::tenants::get(tx, own)
        .await?
        .ok_or(AppError::Forbidden)?;
    actor.authorize(Can::TicketsReport, tenant.site_id)?;
    if input.site_id.is_some_and(|s| s != tenant.site_id) {
        return Err(AppError::invalid("site_id", "not your site"));
    }
    if input.tenant_id.is_some_and(|t| t != own) {
        return Err(AppError::invalid(
            "tenant_id",
            "you report for your own company only",
        ));
    }
    if let Some(u) = input.unit_id {
        // One answer for another's unit and none at all: nothing leaks.
        let mine = lobby_store::sites::unit(tx, u)
            .await?
            .is_some_and(|unit| unit.tenant_id == Some(own) && unit.site_id == tenant.site_id);
        if !mine {
            return Err(AppError::invalid(
                "unit_id",
                "must be one of your own units",
            ));
        }
    }
    Ok(NewTicketInput {
        site_id: Some(tenant.site_id),
        tenant_id: Some(own),
        channel: Some(Channel::Portal),
        department: Some(default_department(input.kind)),
        complaint: None,
        priority: Some(input.priority.unwrap_or(Priority::Normal)),
        reporter_name: input
            .reporter_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .or(Some(actor.display_name.clone())),
        ..input.clone()
    })
}
