//! Work orders (工单): from the tenant's call to the return visit. Creating
//! one numbers it per site and day and sets its service-level deadlines;
//! every action is checked against the state machine and the ticket's
//! version, recorded as an event, audited, and told to whoever must act.

use jiff::tz::TimeZone;
use lobby_domain::error::{optional_text, required_text};
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_domain::tickets::{
    deadlines, default_department, next_state, Action, Channel, Department, Kind, PhotoStage,
    Priority, State,
};
use lobby_store::tickets::{
    self as store, Change, EventRow, Filter, NewEvent, NewTicket, TicketRow,
};
use lobby_store::{Conn, Tx};
use serde::{Deserialize, Serialize};

use crate::page::{self, Page};
use crate::{audit, notify, time, Actor, App, AppError, AppResult, Once};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub note: Option<String>,
    pub detail: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TicketView {
    pub id: i64,
    pub site_id: i64,
    /// Human number, unique per site: WO-20261126-0007.
    pub number: String,
    pub kind: Kind,
    pub priority: Priority,
    pub channel: Channel,
    pub state: State,
    pub title: String,
    pub description: String,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    pub location: Option<String>,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub department: Option<Department>,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    /// Escalated to the project manager (a flag, not a state).
    pub escalated: bool,
    /// 1–5, from the return visit.
    pub satisfaction: Option<i64>,
    pub version: i64,
    /// The patrol round whose finding this is (channel `patrol`).
    pub patrol_round_id: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    /// Dispatch (acknowledge) by then.
    pub response_due_at: String,
    /// Someone on site (started) by then.
    pub onsite_due_at: String,
    pub resolve_due_at: String,
    /// Past a deadline that still applies.
    pub overdue: bool,
    pub dispatched_at: Option<String>,
    pub started_at: Option<String>,
    pub resolved_at: Option<String>,
    pub verified_at: Option<String>,
    pub closed_at: Option<String>,
    /// Once verified: the return visit (回访) is due by then.
    pub return_visit_due_at: Option<String>,
    /// The history, oldest first (only on a single ticket).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<EventView>>,
    /// A complaint's record (投诉记录表), on a single ticket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complaint: Option<crate::complaints::ComplaintView>,
}

fn parse<T: std::str::FromStr<Err = lobby_domain::FieldError>>(s: &str) -> AppResult<T> {
    Ok(s.parse::<T>()?)
}

fn is_overdue(t: &TicketRow, now: i64) -> bool {
    (t.state == "open" && t.response_due_at < now)
        || (matches!(
            t.state.as_str(),
            "open" | "dispatched" | "in_progress" | "on_hold"
        ) && t.resolve_due_at < now)
}

fn view(t: TicketRow, now: i64, events: Option<Vec<EventRow>>) -> TicketView {
    TicketView {
        overdue: is_overdue(&t, now),
        id: t.id,
        site_id: t.site_id,
        number: t.number,
        kind: t.kind.parse().unwrap_or(Kind::Request),
        priority: t.priority.parse().unwrap_or(Priority::Normal),
        channel: t.channel.parse().unwrap_or(Channel::Phone),
        state: t.state.parse().unwrap_or(State::Open),
        title: t.title,
        description: t.description,
        unit_id: t.unit_id,
        unit_number: t.unit_number,
        location: t.location,
        tenant_id: t.tenant_id,
        tenant_name: t.tenant_name,
        department: t.department.and_then(|d| d.parse().ok()),
        assignee_id: t.assignee_id,
        assignee_name: t.assignee_name,
        escalated: t.escalated != 0,
        satisfaction: t.satisfaction,
        version: t.version,
        patrol_round_id: t.patrol_round_id,
        created_at: time::rfc3339(t.created_at),
        updated_at: time::rfc3339(t.updated_at),
        response_due_at: time::rfc3339(t.response_due_at),
        onsite_due_at: time::rfc3339(t.onsite_due_at),
        resolve_due_at: time::rfc3339(t.resolve_due_at),
        dispatched_at: time::rfc3339_opt(t.dispatched_at),
        started_at: time::rfc3339_opt(t.started_at),
        resolved_at: time::rfc3339_opt(t.resolved_at),
        verified_at: time::rfc3339_opt(t.verified_at),
        closed_at: time::rfc3339_opt(t.closed_at),
        return_visit_due_at: time::rfc3339_opt(t.return_visit_due_at),
        events: events.map(|ev| {
            ev.into_iter()
                .map(|e| EventView {
                    id: e.id,
                    at: time::rfc3339(e.at),
                    actor: e.actor_name,
                    action: e.action,
                    from_state: e.from_state,
                    to_state: e.to_state,
                    note: e.note,
                    detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
                })
                .collect()
        }),
        complaint: None,
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewTicketInput {
    /// Needed when neither `unit_id` nor `tenant_id` says the site and you work at several.
    pub site_id: Option<i64>,
    /// repair | complaint | request | inquiry
    pub kind: String,
    /// urgent | high | normal | low
    pub priority: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub unit_id: Option<i64>,
    /// A public area or any place: "3F 电梯厅".
    pub location: Option<String>,
    /// The tenant who reported it; defaults to the unit's occupant.
    pub tenant_id: Option<i64>,
    /// phone | walk_in | portal | patrol | email (phone when absent)
    pub channel: Option<String>,
    /// Where it will go (shown before dispatch); by kind when absent.
    pub department: Option<String>,
    /// For a complaint: its record (投诉记录表); who complained is taken
    /// from the tenant when absent.
    pub complaint: Option<crate::complaints::ComplaintInput>,
}

/// The ticket `id` if the actor may read it (NotFound otherwise, so its
/// existence does not leak).
pub(crate) async fn load(c: &mut Conn, actor: &Actor, id: i64) -> AppResult<TicketRow> {
    let t = store::get(c, id)
        .await?
        .ok_or(AppError::NotFound("ticket"))?;
    if !actor.can(Can::TicketsRead, t.site_id) {
        return Err(AppError::NotFound("ticket"));
    }
    Ok(t)
}

pub async fn get(app: &App, actor: &Actor, id: i64) -> AppResult<TicketView> {
    let mut c = app.db.read().await?;
    let t = load(&mut c, actor, id).await?;
    let events = store::events(&mut c, id).await?;
    let complaint = if t.kind == Kind::Complaint.as_str() {
        store::complaint(&mut c, id)
            .await?
            .map(crate::complaints::view)
    } else {
        None
    };
    Ok(TicketView {
        complaint,
        ..view(t, app.now(), Some(events))
    })
}

pub(crate) async fn record_event(
    tx: &mut Tx,
    actor: &Actor,
    now: i64,
    ticket_id: i64,
    action: &str,
    from: Option<State>,
    to: State,
    note: Option<&str>,
    detail: &serde_json::Value,
) -> AppResult<i64> {
    Ok(store::insert_event(
        tx,
        &NewEvent {
            ticket_id,
            at: now,
            actor_id: actor.audit_id(),
            actor_name: &actor.username,
            action,
            from_state: from.map(State::as_str),
            to_state: to.as_str(),
            note,
            detail: &detail.to_string(),
        },
    )
    .await?)
}

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
/// dispatches it to its department in the same transaction.
pub async fn create_and_dispatch(
    app: &App,
    actor: &Actor,
    input: &NewTicketInput,
    dispatch: bool,
) -> AppResult<TicketView> {
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let id = create_in(w, now, actor, input).await?;
                if dispatch {
                    let d = ActionInput {
                        action: Action::Dispatch.as_str().into(),
                        ..Default::default()
                    };
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
}

impl NewTicketFields {
    pub fn parse(input: &NewTicketInput) -> AppResult<Self> {
        let kind: Kind = parse(&input.kind)?;
        Ok(NewTicketFields {
            kind,
            priority: parse(&input.priority)?,
            channel: parse(
                input
                    .channel
                    .as_deref()
                    .filter(|c| !c.is_empty())
                    .unwrap_or("phone"),
            )?,
            department: match input.department.as_deref().filter(|d| !d.is_empty()) {
                Some(d) => parse(d)?,
                None => default_department(kind),
            },
            title: required_text("title", &input.title, 120)?,
            description: optional_text("description", Some(&input.description), 4000)?
                .unwrap_or_default(),
            location: optional_text("location", input.location.as_deref(), 120)?,
        })
    }
}

/// Opens a work order inside the caller's transaction (a log entry, a lift
/// fault or a patrol finding that becomes one): checks, numbers, deadlines,
/// the first event and the audit entry. Returns its id.
pub(crate) async fn create_in(
    tx: &mut Tx,
    now: i64,
    actor: &Actor,
    input: &NewTicketInput,
) -> AppResult<i64> {
    let NewTicketFields {
        kind,
        priority,
        channel,
        department,
        title,
        description,
        location,
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
    actor.authorize(Can::TicketsCreate, site_id)?;
    if unit.is_none() && location.is_none() {
        return Err(AppError::invalid(
            "location",
            "say where: a unit or a location",
        ));
    }
    let site = crate::sites::site_row(tx, site_id).await?;
    let tz = TimeZone::get(&site.timezone).unwrap_or(TimeZone::UTC);
    let level = crate::sla::effective(tx, site_id, kind, priority).await?;
    let holidays = crate::sla::holiday_dates(tx, site_id).await?;
    let d = deadlines(&level, time::ts(now), &tz, &holidays);
    let day = time::local_date(now, &site.timezone);
    let n = store::next_number(tx, site_id, &day.to_string()).await?;
    let number = format!("WO-{}-{n:04}", day.strftime("%Y%m%d"));
    let id = store::insert(
        tx,
        &NewTicket {
            site_id,
            number: &number,
            kind: kind.as_str(),
            priority: priority.as_str(),
            channel: channel.as_str(),
            title: &title,
            description: &description,
            unit_id: unit.as_ref().map(|u| u.id),
            location: location.as_deref(),
            tenant_id: tenant.as_ref().map(|t| t.id),
            department: Some(department.as_str()),
            created_by: actor.audit_id(),
            now,
            response_due_at: d.respond_by.as_microsecond(),
            onsite_due_at: d.onsite_by.as_microsecond(),
            resolve_due_at: d.resolve_by.as_microsecond(),
        },
    )
    .await?;
    crate::complaints::create_in(
        tx,
        now,
        id,
        kind,
        input.complaint.as_ref(),
        tenant.as_ref(),
        &site.timezone,
    )
    .await?;
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

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ActionInput {
    /// dispatch | start | resolve | verify | return_visit | reopen | escalate | hold | resume | cancel | comment
    pub action: String,
    /// For dispatch: engineering | cleaning | security | customer_service | greening | leasing | finance
    pub department: Option<String>,
    /// For dispatch: the user who will do it.
    pub assignee_id: Option<i64>,
    pub note: Option<String>,
    /// For return_visit: 1–5.
    pub satisfaction: Option<i64>,
    /// The version you read; 409 `version_conflict` when it moved.
    pub expected_version: Option<i64>,
}

fn permission(a: Action) -> Can {
    match a {
        Action::Dispatch => Can::TicketsDispatch,
        Action::Start | Action::Resolve | Action::Hold | Action::Resume => Can::TicketsWork,
        Action::Verify | Action::ReturnVisit | Action::Reopen => Can::TicketsVerify,
        Action::Escalate => Can::TicketsEscalate,
        Action::Cancel => Can::TicketsCancel,
        Action::Comment => Can::TicketsRead,
    }
}

/// The role that works a department's tickets (for notifications).
fn role_of(d: Department) -> Option<Role> {
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
    tx: &mut Tx,
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
    tx: &mut Tx,
    now: i64,
    actor: &Actor,
    id: i64,
    input: &ActionInput,
) -> AppResult<()> {
    act_checked(tx, now, actor, id, input, false).await?;
    Ok(())
}

async fn act_checked(
    tx: &mut Tx,
    now: i64,
    actor: &Actor,
    id: i64,
    input: &ActionInput,
    check_role: bool,
) -> AppResult<i64> {
    let action: Action = parse(&input.action)?;
    let note = optional_text("note", input.note.as_deref(), 2000)?;
    let t = load(tx, actor, id).await?;
    if check_role {
        actor.authorize(permission(action), t.site_id)?;
    }
    if input.expected_version.is_some_and(|v| v != t.version) {
        return Err(AppError::VersionConflict);
    }
    let from: State = parse(&t.state)?;
    let held_from = t.held_from.as_deref().and_then(|s| s.parse().ok());
    let to = next_state(from, action, held_from)
        .map_err(|e| AppError::InvalidTransition(e.to_string()))?;
    let mut ch = Change {
        state: to.as_str(),
        held_from: t.held_from.as_deref(),
        department: t.department.as_deref(),
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
    let dept_text;
    match action {
        Action::Dispatch => {
            let dept: Department = match input.department.as_deref().filter(|d| !d.is_empty()) {
                Some(d) => parse(d)?,
                None => t
                    .department
                    .as_deref()
                    .and_then(|d| d.parse().ok())
                    .ok_or_else(|| AppError::invalid("department", "say which department"))?,
            };
            if let Some(a) = input.assignee_id {
                // Only a person of this site who works for that department.
                let active = lobby_store::users::by_id(tx, a)
                    .await?
                    .is_some_and(|u| u.active != 0);
                let roles = lobby_store::users::roles(tx, a).await?;
                let works_there = roles.iter().any(|r| {
                    r.site_id == Some(t.site_id)
                        && r.role.parse::<Role>().is_ok_and(|role| {
                            dept.staff_roles().contains(&role)
                                && lobby_domain::policy::allows(role, Can::TicketsWork)
                        })
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
            dept_text = dept.as_str().to_string();
            ch.department = Some(&dept_text);
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
            let kind: Kind = parse(&t.kind)?;
            let priority: Priority = parse(&t.priority)?;
            let level = crate::sla::effective(tx, t.site_id, kind, priority).await?;
            ch.return_visit_due_at = Some(now + level.return_visit_days * 86_400_000_000);
        }
        Action::ReturnVisit => {
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
                Action::Hold => ch.held_from = Some(from.as_str()),
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
            if let Some(role) = ch.department.and_then(|d| d.parse().ok()).and_then(role_of) {
                let title = format!("新工单 / New work order {}: {}", t.number, t.title);
                let body = format!(
                    "{} · {}",
                    t.priority,
                    t.unit_number
                        .clone()
                        .or(t.location.clone())
                        .unwrap_or_default()
                );
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
        Action::Escalate => {
            let title = format!("工单升级 / Escalated {}: {}", t.number, t.title);
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

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct TicketQuery {
    pub site_id: Option<i64>,
    /// One state, or several separated by commas.
    pub state: Option<String>,
    pub kind: Option<String>,
    pub priority: Option<String>,
    pub channel: Option<String>,
    pub department: Option<String>,
    pub unit_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub escalated: Option<bool>,
    pub overdue: Option<bool>,
    /// Text in the number, title or description.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub async fn list(app: &App, actor: &Actor, q: &TicketQuery) -> AppResult<Page<TicketView>> {
    let site_id = match q.site_id {
        Some(s) => s,
        None => match actor.site_ids() {
            Some(v) if v.len() == 1 => v[0],
            _ => return Err(AppError::invalid("site_id", "say which site")),
        },
    };
    actor.authorize(Can::TicketsRead, site_id)?;
    let limit = page::limit(q.limit)?;
    let before = page::decode(q.cursor.as_deref())?
        .map(|(_, id)| id)
        .unwrap_or(i64::MAX);
    let nonempty = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let mut states = Vec::new();
    if let Some(s) = nonempty(&q.state) {
        for part in s.split(',') {
            states.push(parse::<State>(part)?);
        }
    }
    let kind = nonempty(&q.kind).map(|k| parse::<Kind>(&k)).transpose()?;
    let priority = nonempty(&q.priority)
        .map(|k| parse::<Priority>(&k))
        .transpose()?;
    let channel = nonempty(&q.channel)
        .map(|k| parse::<Channel>(&k))
        .transpose()?;
    let department = nonempty(&q.department)
        .map(|k| parse::<Department>(&k))
        .transpose()?;
    let now = app.now();
    let text = nonempty(&q.q);
    let filter = Filter {
        site_id,
        states: states.iter().map(|s| s.as_str()).collect(),
        kind: kind.map(Kind::as_str),
        priority: priority.map(Priority::as_str),
        channel: channel.map(Channel::as_str),
        department: department.map(Department::as_str),
        unit_id: q.unit_id,
        assignee_id: q.assignee_id,
        escalated: q.escalated,
        overdue_at: q.overdue.filter(|o| *o).map(|_| now),
        q: text.as_deref(),
    };
    let mut c = app.db.read().await?;
    let rows = store::list(&mut c, &filter, before, limit + 1).await?;
    Ok(page::finish(
        rows,
        limit,
        |t| (String::new(), t.id),
        |t| view(t, now, None),
    ))
}

/// Tickets by state at a site, in the order of the state machine, and how
/// many are overdue (home pages).
pub async fn counts(app: &App, actor: &Actor, site_id: i64) -> AppResult<(Vec<(State, i64)>, i64)> {
    actor.authorize(Can::TicketsRead, site_id)?;
    let mut c = app.db.read().await?;
    let rows = store::counts_by_state(&mut c, site_id).await?;
    let by_state = State::ALL
        .iter()
        .filter_map(|s| {
            rows.iter()
                .find(|r| r.state == s.as_str())
                .map(|r| (*s, r.n))
        })
        .collect();
    let overdue = store::count_overdue(&mut c, site_id, app.now()).await?;
    Ok((by_state, overdue))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Assignee {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// Who a ticket can be given to at a site: the people of the working roles.
pub async fn assignees(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<Assignee>> {
    actor.authorize(Can::TicketsDispatch, site_id)?;
    let mut c = app.db.read().await?;
    Ok(lobby_store::users::staff_at(&mut c, site_id)
        .await?
        .into_iter()
        .filter_map(|r| r.role.parse::<Role>().ok().map(|role| (r, role)))
        .filter(|(_, role)| lobby_domain::policy::allows(*role, Can::TicketsWork))
        .map(|(r, role)| Assignee {
            id: r.id,
            name: r.display_name,
            role,
        })
        .collect())
}

/// Largest photo accepted, in bytes.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PhotoView {
    pub id: i64,
    pub ticket_id: i64,
    pub content_type: String,
    pub size_bytes: i64,
    pub width: i64,
    pub height: i64,
    pub uploaded_at: String,
    /// before (as found) | during | after (the finished work)
    pub stage: PhotoStage,
    /// The history entry it was recorded with: its own photo entry, or the
    /// start / resolve it was sent with.
    pub event_id: Option<i64>,
}

fn photo_view(p: &lobby_store::tickets::PhotoRow) -> PhotoView {
    PhotoView {
        id: p.id,
        ticket_id: p.ticket_id,
        content_type: p.content_type.clone(),
        size_bytes: p.size_bytes,
        width: p.width,
        height: p.height,
        uploaded_at: time::rfc3339(p.uploaded_at),
        stage: p.stage.parse().unwrap_or(PhotoStage::During),
        event_id: p.event_id,
    }
}

/// The most pixels a photo may have (a 40-megapixel phone camera's).
pub const MAX_PHOTO_PIXELS: u64 = 40_000_000;

/// Photos decoded at once, server-wide: each may take up to ~160 MB.
static DECODING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// A checked photo in the blob store, with its thumbnail.
pub(crate) struct StoredPhoto {
    pub size_bytes: i64,
    pub blob: String,
    pub thumb_blob: String,
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

/// What a photo's first bytes say, before anything is decoded: its format
/// (JPEG, PNG or WebP), content type and size in pixels. Refuses an empty
/// or too large file, another format, and a header claiming more than
/// `MAX_PHOTO_PIXELS` (a few hundred bytes of PNG may claim 400 MB).
pub fn check_photo(bytes: &[u8]) -> AppResult<(image::ImageFormat, &'static str, u32, u32)> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    if bytes.is_empty() {
        return Err(AppError::invalid("file", "the photo is empty"));
    }
    let format = image::guess_format(bytes)
        .map_err(|_| AppError::invalid("file", "a photo must be JPEG, PNG or WebP"))?;
    let content_type = match format {
        image::ImageFormat::Jpeg => "image/jpeg",
        image::ImageFormat::Png => "image/png",
        image::ImageFormat::WebP => "image/webp",
        _ => {
            return Err(AppError::invalid(
                "file",
                "a photo must be JPEG, PNG or WebP",
            ))
        }
    };
    let (w, h) = image::ImageReader::with_format(std::io::Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|e| AppError::invalid("file", format!("the photo cannot be read: {e}")))?;
    if u64::from(w) * u64::from(h) > MAX_PHOTO_PIXELS {
        return Err(AppError::invalid(
            "file",
            format!(
                "the photo has {w}×{h} pixels; at most {} megapixels",
                MAX_PHOTO_PIXELS / 1_000_000
            ),
        ));
    }
    Ok((format, content_type, w, h))
}

/// Checks a photo (`check_photo`, then decodable), makes a 320-pixel
/// thumbnail and puts both in the blob store.
pub(crate) async fn store_photo(app: &App, bytes: &[u8]) -> AppResult<StoredPhoto> {
    let (format, content_type, w, h) = check_photo(bytes)?;
    // Decoding proves it is a picture; it runs off the async threads, a
    // few at a time, and the decoder may allocate no more than a picture of
    // the allowed size needs.
    let _permit = DECODING
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let owned = bytes.to_vec();
    let thumb = tokio::task::spawn_blocking(move || -> AppResult<Vec<u8>> {
        let mut reader = image::ImageReader::with_format(std::io::Cursor::new(&owned), format);
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(w);
        limits.max_image_height = Some(h);
        limits.max_alloc = Some(MAX_PHOTO_PIXELS * 4 + 64 * 1024 * 1024);
        reader.limits(limits);
        let img = reader
            .decode()
            .map_err(|e| AppError::invalid("file", format!("the photo cannot be read: {e}")))?;
        let small = img.thumbnail(320, 320).to_rgb8();
        let mut out = std::io::Cursor::new(Vec::new());
        small
            .write_to(&mut out, image::ImageFormat::Jpeg)
            .map_err(|e| AppError::Internal(e.into()))?;
        Ok(out.into_inner())
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))??;
    drop(_permit);
    let blob = app.blobs.put(bytes).await?;
    let thumb_blob = app.blobs.put(&thumb).await?;
    Ok(StoredPhoto {
        size_bytes: bytes.len() as i64,
        blob,
        thumb_blob,
        content_type,
        width: w,
        height: h,
    })
}

/// The content type of stored photo bytes.
pub(crate) fn sniff_type(bytes: &[u8]) -> &'static str {
    match image::guess_format(bytes) {
        Ok(image::ImageFormat::Png) => "image/png",
        Ok(image::ImageFormat::WebP) => "image/webp",
        _ => "image/jpeg",
    }
}

/// Adds a photo (JPEG, PNG or WebP, at most 10 MiB) to a ticket that is still
/// being worked on; a 320-pixel thumbnail is made with it. `stage` says what
/// it shows (by the ticket's state when absent). Recorded as an event of the
/// ticket, which the photo belongs to.
pub async fn add_photo(
    app: &App,
    actor: &Actor,
    id: i64,
    bytes: &[u8],
    stage: Option<&str>,
) -> AppResult<PhotoView> {
    let stage: Option<PhotoStage> = match stage.filter(|s| !s.is_empty()) {
        Some(s) => Some(parse(s)?),
        None => None,
    };
    {
        let mut c = app.db.read().await?;
        let t = load(&mut c, actor, id).await?;
        // Adding to the record is work on it: read-only roles may not.
        actor.authorize(Can::TicketsWork, t.site_id)?;
        if t.state.parse::<State>().is_ok_and(State::is_terminal) {
            return Err(AppError::InvalidTransition(format!(
                "a ticket that is {} takes no more photos",
                t.state
            )));
        }
    }
    let p = store_photo(app, bytes).await?;
    let p = &p;
    let photo_id = app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let t = load(w, actor, id).await?;
            let state: State = parse(&t.state)?;
            let stage = stage.unwrap_or(PhotoStage::of_state(state));
            let detail = serde_json::json!({"stage": stage, "bytes": bytes.len(), "width": p.width, "height": p.height});
            let event_id = record_event(
                w,
                actor,
                now,
                id,
                "photo",
                Some(state),
                state,
                None,
                &detail,
            )
            .await?;
            let photo_id = insert_photo_in(w, actor, now, &t, p, stage, event_id).await?;
            Ok(photo_id)
        })
    })
    .await?;
    let mut c = app.db.read().await?;
    let p = store::photo(&mut c, photo_id)
        .await?
        .ok_or(AppError::NotFound("photo"))?;
    Ok(photo_view(&p))
}

async fn insert_photo_in(
    tx: &mut Tx,
    actor: &Actor,
    now: i64,
    t: &TicketRow,
    p: &StoredPhoto,
    stage: PhotoStage,
    event_id: i64,
) -> AppResult<i64> {
    let photo_id = store::insert_photo(
        tx,
        &store::NewPhoto {
            ticket_id: t.id,
            blob: &p.blob,
            thumb_blob: &p.thumb_blob,
            content_type: p.content_type,
            size_bytes: p.size_bytes,
            width: i64::from(p.width),
            height: i64::from(p.height),
            uploaded_by: actor.audit_id(),
            now,
            stage: stage.as_str(),
            event_id: Some(event_id),
        },
    )
    .await?;
    audit::record(
        tx,
        now,
        actor,
        Some(t.site_id),
        "create",
        "ticket_photo",
        Some(photo_id),
        serde_json::json!({"ticket_id": t.id, "stage": stage, "event_id": event_id, "bytes": p.size_bytes}),
    )
    .await?;
    Ok(photo_id)
}

/// An action with the photos taken for it, in one transaction: the site as
/// found with `start`, the finished work with `resolve` (the technician's
/// phone). The photos belong to the action's event.
pub async fn act_with_photos(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &ActionInput,
    photos: &[Vec<u8>],
) -> AppResult<TicketView> {
    let action: Action = parse(&input.action)?;
    // The checks and the blob writes come first: a file in the blob store
    // that no row names is harmless, a row without its file is not. Who may
    // take the action is checked before any photo is looked at.
    {
        let mut c = app.db.read().await?;
        let t = load(&mut c, actor, id).await?;
        actor.authorize(permission(action), t.site_id)?;
    }
    let mut stored = Vec::with_capacity(photos.len());
    for bytes in photos {
        stored.push(store_photo(app, bytes).await?);
    }
    let stored = &stored;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let event_id = act_checked(w, now, actor, id, input, true).await?;
            let t = load(w, actor, id).await?;
            for p in stored.iter() {
                insert_photo_in(
                    w,
                    actor,
                    now,
                    &t,
                    p,
                    PhotoStage::of_action(action),
                    event_id,
                )
                .await?;
            }
            Ok(())
        })
    })
    .await?;
    get(app, actor, id).await
}

pub async fn photos(app: &App, actor: &Actor, id: i64) -> AppResult<Vec<PhotoView>> {
    let mut c = app.db.read().await?;
    load(&mut c, actor, id).await?;
    Ok(store::photos(&mut c, id)
        .await?
        .iter()
        .map(photo_view)
        .collect())
}

/// A photo's bytes (or its thumbnail's) with the content type.
pub async fn photo_bytes(
    app: &App,
    actor: &Actor,
    ticket_id: i64,
    photo_id: i64,
    thumb: bool,
) -> AppResult<(String, Vec<u8>)> {
    let mut c = app.db.read().await?;
    load(&mut c, actor, ticket_id).await?;
    let p = store::photo(&mut c, photo_id)
        .await?
        .filter(|p| p.ticket_id == ticket_id)
        .ok_or(AppError::NotFound("photo"))?;
    drop(c);
    if thumb {
        Ok(("image/jpeg".into(), app.blobs.get(&p.thumb_blob).await?))
    } else {
        Ok((p.content_type, app.blobs.get(&p.blob).await?))
    }
}

/// The list with `q`'s filters as an XLSX workbook (at most 10,000 rows,
/// newest first), the columns a manager files.
pub async fn export_xlsx(app: &App, actor: &Actor, q: &TicketQuery) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut rows = Vec::new();
    let mut q = TicketQuery {
        limit: Some(page::MAX_LIMIT),
        cursor: None,
        ..q.clone()
    };
    loop {
        let p = list(app, actor, &q).await?;
        rows.extend(p.items);
        match p.next_cursor {
            Some(c) if rows.len() < 10_000 => q.cursor = Some(c),
            _ => break,
        }
    }
    let tz = match q.site_id {
        Some(s) => crate::sites::site(app, actor, s).await?.timezone,
        None => "Asia/Shanghai".into(),
    };
    let local = |v: &str| {
        v.parse::<jiff::Timestamp>()
            .map(|t| time::local(t.as_microsecond(), &tz))
            .unwrap_or_default()
    };
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("工单").map_err(xl)?;
    let bold = Format::new().set_bold();
    let header = [
        "工单号",
        "事项",
        "类别",
        "紧急程度",
        "单元/位置",
        "租户",
        "部门",
        "状态",
        "报告时间",
        "派工时限",
        "完成时限",
        "完成时间",
        "满意度",
        "超时",
        "升级",
    ];
    for (i, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold)
            .map_err(xl)?;
    }
    for (r, t) in rows.iter().enumerate() {
        let n = r as u32 + 1;
        let cells = [
            t.number.clone(),
            t.title.clone(),
            t.kind.as_str().into(),
            t.priority.as_str().into(),
            t.unit_number
                .clone()
                .or(t.location.clone())
                .unwrap_or_default(),
            t.tenant_name.clone().unwrap_or_default(),
            t.department
                .map(|d| d.as_str().to_string())
                .unwrap_or_default(),
            t.state.as_str().into(),
            local(&t.created_at),
            local(&t.response_due_at),
            local(&t.resolve_due_at),
            t.resolved_at.as_deref().map(local).unwrap_or_default(),
            t.satisfaction.map(|s| s.to_string()).unwrap_or_default(),
            if t.overdue {
                "是".into()
            } else {
                String::new()
            },
            if t.escalated {
                "是".into()
            } else {
                String::new()
            },
        ];
        for (i, v) in cells.iter().enumerate() {
            ws.write_string(n, i as u16, v).map_err(xl)?;
        }
    }
    ws.set_column_width(0, 18).map_err(xl)?;
    ws.set_column_width(1, 28).map_err(xl)?;
    wb.save_to_buffer().map_err(xl)
}
