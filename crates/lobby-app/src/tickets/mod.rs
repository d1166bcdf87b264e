//! Work orders (工单): from the tenant's call to the return visit. Creating
//! one numbers it per site and day and sets its service-level deadlines;
//! every action is checked against the state machine and the ticket's
//! version, recorded as an event, audited, and told to whoever must act.

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
use crate::{audit, notify, time, Actor, App, AppError, AppResult, Once, Work};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub id: i64,
    pub at: String,
    /// Who (display name); `actor_id` null: the system.
    pub actor: String,
    pub actor_id: Option<i64>,
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
    /// Who reported it (报告人) and their phone.
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
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
    /// What the caller may do to it now: the actions its state allows and
    /// the caller's permissions grant at its site (the pages offer exactly
    /// these).
    pub allowed: Vec<Action>,
    /// The history, oldest first (only on a single ticket).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<EventView>>,
    /// A complaint's record (投诉记录表), on a single ticket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complaint: Option<crate::tickets::complaints::ComplaintView>,
}

fn parse<T: std::str::FromStr<Err = lobby_domain::FieldError>>(s: &str) -> AppResult<T> {
    Ok(s.parse::<T>()?)
}

fn is_overdue(t: &TicketRow, state: State, now: i64) -> bool {
    lobby_domain::tickets::is_overdue(
        state,
        lobby_domain::tickets::Due {
            response: t.response_due_at,
            resolve: t.resolve_due_at,
            return_visit: t.return_visit_due_at,
        },
        now,
    )
}

/// The actions `actor` may take on a work order in `state` at `site_id`
/// (`escalated` once it has been escalated: it is not escalated twice).
pub fn allowed(actor: &Actor, site_id: i64, state: State, escalated: bool) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|a| next_state(state, *a, None).is_ok())
        .filter(|a| actor.can(act::permission_for(actor, site_id, *a), site_id))
        .filter(|a| !(*a == Action::Escalate && escalated))
        .collect()
}

fn view(
    actor: &Actor,
    t: TicketRow,
    now: i64,
    events: Option<Vec<EventRow>>,
) -> AppResult<TicketView> {
    let state = t.state;
    Ok(TicketView {
        allowed: allowed(actor, t.site_id, state, t.escalated != 0),
        overdue: is_overdue(&t, state, now),
        id: t.id,
        site_id: t.site_id,
        kind: t.kind,
        priority: t.priority,
        channel: t.channel,
        number: t.number,
        state,
        title: t.title,
        description: t.description,
        unit_id: t.unit_id,
        unit_number: t.unit_number,
        location: t.location,
        tenant_id: t.tenant_id,
        tenant_name: t.tenant_name,
        department: t.department,
        assignee_id: t.assignee_id,
        assignee_name: t.assignee_name,
        escalated: t.escalated != 0,
        satisfaction: t.satisfaction,
        version: t.version,
        patrol_round_id: t.patrol_round_id,
        reporter_name: t.reporter_name.clone(),
        reporter_phone: t.reporter_phone.clone(),
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
                    actor_id: e.actor_id,
                    action: e.action,
                    from_state: e.from_state,
                    to_state: e.to_state,
                    note: e.note,
                    detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
                })
                .collect()
        }),
        complaint: None,
    })
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewTicketInput {
    /// Needed when neither `unit_id` nor `tenant_id` says the site and you work at several.
    pub site_id: Option<i64>,
    pub kind: Kind,
    /// Required of staff; a tenant's account may send `""` or null (normal).
    #[serde(deserialize_with = "lobby_domain::error::blank_as_none")]
    pub priority: Option<Priority>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub unit_id: Option<i64>,
    /// A public area or any place: "3F 电梯厅".
    pub location: Option<String>,
    /// The tenant who reported it; defaults to the unit's occupant.
    pub tenant_id: Option<i64>,
    /// phone when absent or `""`.
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    pub channel: Option<Channel>,
    /// Where it will go (shown before dispatch); by kind when absent or `""`.
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    pub department: Option<Department>,
    /// For a complaint: its record (投诉记录表); who complained is taken
    /// from the tenant when absent.
    pub complaint: Option<crate::tickets::complaints::ComplaintInput>,
    /// Who reported it (报告人): the caller's name; by default the unit's
    /// tenant's contact person.
    #[serde(default)]
    pub reporter_name: Option<String>,
    /// The caller's phone; by default the tenant's day phone.
    #[serde(default)]
    pub reporter_phone: Option<String>,
}

impl NewTicketInput {
    /// A work order of `kind` and `priority` called `title`, nothing else
    /// said (site, unit, channel and department by default); add the rest
    /// with `..NewTicketInput::new(..)`.
    pub fn new(kind: Kind, priority: Priority, title: impl Into<String>) -> Self {
        NewTicketInput {
            site_id: None,
            kind,
            priority: Some(priority),
            title: title.into(),
            description: String::new(),
            unit_id: None,
            location: None,
            tenant_id: None,
            channel: None,
            department: None,
            complaint: None,
            reporter_name: None,
            reporter_phone: None,
        }
    }
}

/// The ticket `id` if the actor may read it (NotFound otherwise, so its
/// existence does not leak).
pub(crate) async fn load(c: &mut Conn, actor: &Actor, id: i64) -> AppResult<TicketRow> {
    let t = store::get(c, id)
        .await?
        .ok_or(AppError::NotFound("ticket"))?;
    if !(actor.can(Can::TicketsRead, t.site_id) || owns(actor, &t)) {
        return Err(AppError::NotFound("ticket"));
    }
    Ok(t)
}

/// A tenant's account and one of its own tenant's orders (the portal).
pub(crate) fn owns(actor: &Actor, t: &TicketRow) -> bool {
    actor.tenant_id.is_some()
        && actor.tenant_id == t.tenant_id
        && actor.can(Can::TicketsReport, t.site_id)
}

/// Is this the portal's reader: a tenant's account, not staff?
pub(crate) fn is_portal(actor: &Actor, site_id: i64) -> bool {
    actor.tenant_id.is_some() && !actor.can(Can::TicketsRead, site_id)
}

/// The milestones a tenant follows, in plain words on its pages.
const TENANT_EVENTS: [&str; 10] = [
    "create",
    "dispatch",
    "start",
    "hold",
    "resume",
    "resolve",
    "reopen",
    "rate",
    "return_visit",
    "cancel",
];

/// What a tenant's account sees of its own request: the milestones of its
/// history without staff notes or details, its own words and photos, and
/// nothing of the complaint record, escalation or internal deadlines.
fn for_tenant(v: TicketView, own_users: &[i64]) -> TicketView {
    let own = |e: &EventView| e.actor_id.is_some_and(|a| own_users.contains(&a));
    let events = v.events.map(|ev| {
        ev.into_iter()
            .filter(|e| TENANT_EVENTS.contains(&e.action.as_str()) || own(e))
            .map(|e| EventView {
                actor: if own(&e) {
                    e.actor.clone()
                } else {
                    String::new()
                },
                actor_id: e.actor_id.filter(|a| own_users.contains(a)),
                // Its own words, and the engineer's completion note (the
                // resolve step's box says the tenant reads it); never a
                // comment or another internal note.
                note: e
                    .note
                    .clone()
                    .filter(|_| own(&e) || e.action.as_str() == "resolve"),
                detail: match e.action.as_str() {
                    "dispatch" => serde_json::json!({"department": e.detail.get("department")}),
                    "rate" | "return_visit" => e.detail.clone(),
                    _ => serde_json::Value::Null,
                },
                ..e
            })
            .collect()
    });
    TicketView {
        escalated: false,
        overdue: false,
        patrol_round_id: None,
        assignee_id: None,
        complaint: None,
        events,
        ..v
    }
}

pub async fn get(app: &App, actor: &Actor, id: i64) -> AppResult<TicketView> {
    let mut c = app.db.read().await?;
    let t = load(&mut c, actor, id).await?;
    let events = store::events(&mut c, id).await?;
    let complaint = if t.kind == Kind::Complaint {
        store::complaint(&mut c, id)
            .await?
            .map(crate::tickets::complaints::view)
    } else {
        None
    };
    let portal = is_portal(actor, t.site_id);
    let own_users = match (portal, t.tenant_id) {
        (true, Some(tenant)) => lobby_store::users::of_tenant(&mut c, tenant).await?,
        _ => Vec::new(),
    };
    let v = TicketView {
        complaint,
        ..view(actor, t, app.now(), Some(events))?
    };
    Ok(if portal { for_tenant(v, &own_users) } else { v })
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

mod act;
mod caller;
pub mod complaints;
pub mod sla;

mod create;
mod export;
mod photos;
mod query;

pub use act::{act, ActionInput};
use act::{act_checked, permission_for};
pub(crate) use act::{act_in, act_on_behalf};
pub use caller::{caller_at_unit, Caller, UnitCaller};
pub(crate) use create::create_in;
pub use create::{create, create_and_dispatch, NewTicketFields};
pub use export::export_xlsx;
pub use photos::{
    act_with_photos, add_photo, create_with_photos, photo_bytes, photos, PhotoView,
    MAX_PHOTOS_AT_ONCE,
};
pub use query::{assignees, counts, list, queue_order, Assignee, TicketQuery};
