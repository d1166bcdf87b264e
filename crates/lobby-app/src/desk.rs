//! The front desk (前台): the daily log book with acknowledgement and
//! follow-up, the shift handover, visitors, mail and parcels, emergency
//! incidents, lift and lobby checks, and the inquiry log.

use lobby_domain::desk::{pickup_code, CheckKind, FollowUp, LogCategory, DEFAULT_INCIDENT_TYPES};
use lobby_domain::error::{optional_text, required_text};
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_domain::tickets::Department;
use lobby_store::desk::{self as store, LogFilter, LogRow};
use lobby_store::{Conn, Tx};
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::page::{self, Page};
use crate::tickets::{NewTicketInput, TicketView};
use crate::{notify, time, Actor, App, AppError, AppResult};

/// The site a request is about: the one given, else the actor's only one.
pub fn site_of(actor: &Actor, site_id: Option<i64>) -> AppResult<i64> {
    match site_id {
        Some(s) => Ok(s),
        None => match actor.site_ids() {
            Some(v) if v.len() == 1 => Ok(v[0]),
            _ => Err(AppError::invalid("site_id", "say which site")),
        },
    }
}

async fn unit_at(
    c: &mut Conn,
    site_id: i64,
    unit_id: Option<i64>,
) -> AppResult<Option<lobby_store::sites::UnitRow>> {
    let Some(u) = unit_id else { return Ok(None) };
    match lobby_store::sites::unit(c, u).await? {
        Some(row) if row.site_id == site_id => Ok(Some(row)),
        _ => Err(AppError::invalid(
            "unit_id",
            format!("no unit {u} at this site"),
        )),
    }
}

async fn tenant_at(
    c: &mut Conn,
    site_id: i64,
    tenant_id: Option<i64>,
) -> AppResult<Option<lobby_store::tenants::TenantRow>> {
    let Some(t) = tenant_id else { return Ok(None) };
    match lobby_store::tenants::get(c, t).await? {
        Some(row) if row.site_id == site_id => Ok(Some(row)),
        _ => Err(AppError::invalid(
            "tenant_id",
            format!("no tenant {t} at this site"),
        )),
    }
}

fn cursor_before(cursor: Option<&str>) -> AppResult<i64> {
    Ok(page::decode(cursor)?.map(|(_, id)| id).unwrap_or(i64::MAX))
}

// ======================================================================
// The log book (前台日常事项记录本)
// ======================================================================

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AckView {
    pub by: String,
    pub at: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LogEntryView {
    pub id: i64,
    pub site_id: i64,
    pub at: String,
    pub author: String,
    pub category: LogCategory,
    pub text: String,
    pub needs_follow_up: bool,
    /// none | open | ticketed | closed
    pub follow_up: FollowUp,
    pub ticket_id: Option<i64>,
    pub ticket_number: Option<String>,
    /// The entry this one corrects.
    pub corrects_id: Option<i64>,
    /// The entry that corrects this one.
    pub corrected_by: Option<i64>,
    pub closed_note: Option<String>,
    pub closed_by: Option<String>,
    pub closed_at: Option<String>,
    /// Has the reader acknowledged it?
    pub acknowledged: bool,
    pub acks: Vec<AckView>,
}

fn log_view(r: LogRow, acks: &[lobby_store::desk::AckRow]) -> LogEntryView {
    LogEntryView {
        id: r.id,
        site_id: r.site_id,
        at: time::rfc3339(r.at),
        author: r.author_name,
        category: r.category.parse().unwrap_or(LogCategory::Other),
        text: r.text,
        needs_follow_up: r.needs_follow_up != 0,
        follow_up: r.follow_up.parse().unwrap_or(FollowUp::None),
        ticket_id: r.ticket_id,
        ticket_number: r.ticket_number,
        corrects_id: r.corrects_id,
        corrected_by: r.corrected_by,
        closed_note: r.closed_note,
        closed_by: r.closed_by_name,
        closed_at: time::rfc3339_opt(r.closed_at),
        acknowledged: r.acked_by_me > 0,
        acks: acks
            .iter()
            .filter(|a| a.entry_id == r.id)
            .map(|a| AckView {
                by: a.user_name.clone(),
                at: time::rfc3339(a.at),
            })
            .collect(),
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewLogInput {
    /// Needed when you work at several sites.
    pub site_id: Option<i64>,
    pub text: String,
    /// tenant | facility | security | lift | lobby | other (other when absent)
    pub category: Option<String>,
    #[serde(default)]
    pub needs_follow_up: bool,
    /// A correction: the id of the entry it corrects (entries are never edited).
    pub corrects_id: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct LogQuery {
    pub site_id: Option<i64>,
    /// Only entries you have not acknowledged (and did not write).
    pub unacknowledged: Option<bool>,
    /// `open`: only entries whose follow-up is still open.
    pub follow_up: Option<String>,
    pub category: Option<String>,
    /// A day in the site's zone, `2026-11-26`.
    pub date: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

async fn load_log(c: &mut Conn, actor: &Actor, id: i64) -> AppResult<LogEntryView> {
    let r = store::log_entry(c, id, actor.user_id)
        .await?
        .ok_or(AppError::NotFound("log entry"))?;
    if !actor.can(Can::DeskRead, r.site_id) {
        return Err(AppError::NotFound("log entry"));
    }
    let acks = store::acks(c, &[id]).await?;
    Ok(log_view(r, &acks))
}

pub async fn log_entry(app: &App, actor: &Actor, id: i64) -> AppResult<LogEntryView> {
    let mut c = app.db.read().await?;
    load_log(&mut c, actor, id).await
}

pub async fn write_log(
    app: &App,
    actor: &Actor,
    input: &NewLogInput,
    idempotency_key: Option<&str>,
) -> AppResult<LogEntryView> {
    let site_id = site_of(actor, input.site_id)?;
    actor.authorize(Can::DeskWrite, site_id)?;
    let text = required_text("text", &input.text, 2000)?;
    let category: LogCategory = match input.category.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(c) => c.parse()?,
        None => LogCategory::Other,
    };
    let once = crate::Once::new(idempotency_key, "desk_log", input);
    let text = &text;
    let id = app.create(actor, &once, |w| {
        Box::pin(async move {
            let now = w.now();
            if let Some(old) = input.corrects_id {
                match store::log_entry(w, old, actor.user_id).await? {
                    Some(r) if r.site_id == site_id => {}
                    _ => {
                        return Err(AppError::invalid(
                            "corrects_id",
                            format!("no log entry {old} at this site"),
                        ))
                    }
                }
            }
            let id = store::insert_log(
                w,
                &store::NewLog {
                    site_id,
                    at: now,
                    author_id: actor.audit_id(),
                    author_name: &actor.display_name,
                    category: category.as_str(),
                    text,
                    needs_follow_up: input.needs_follow_up,
                    corrects_id: input.corrects_id,
                },
            )
            .await?;
            w.audit(Some(site_id),
                "create",
                "desk_log",
                Some(id),
                serde_json::json!({"category": category, "needs_follow_up": input.needs_follow_up, "corrects_id": input.corrects_id}),
            )
            .await?;
            Ok(id)
        })
    })
    .await?;
    log_entry(app, actor, id).await
}

pub async fn log(app: &App, actor: &Actor, q: &LogQuery) -> AppResult<Page<LogEntryView>> {
    let site_id = site_of(actor, q.site_id)?;
    actor.authorize(Can::DeskRead, site_id)?;
    let limit = page::limit(q.limit)?;
    let before = cursor_before(q.cursor.as_deref())?;
    let category = match q.category.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(c.parse::<LogCategory>()?),
        None => None,
    };
    let open_follow_up = match q.follow_up.as_deref().filter(|c| !c.is_empty()) {
        None => false,
        Some("open") => true,
        Some(_) => {
            return Err(AppError::invalid(
                "follow_up",
                "follow_up can only be 'open'",
            ))
        }
    };
    let mut c = app.db.read().await?;
    let (since, until) = match q.date.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => {
            let day = crate::time::parse_date("date", d)?;
            let site = crate::sites::site_row(&mut c, site_id).await?;
            let (a, b) = day_span(day, &site.timezone);
            (Some(a), Some(b))
        }
        None => (None, None),
    };
    let rows = store::log(
        &mut c,
        &LogFilter {
            site_id,
            viewer: actor.user_id,
            unacknowledged: q.unacknowledged.unwrap_or(false),
            open_follow_up,
            category: category.map(|c| c.as_str()),
            since,
            until,
        },
        before,
        limit + 1,
    )
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let acks = store::acks(&mut c, &ids).await?;
    Ok(page::finish(
        rows,
        limit,
        |r| (String::new(), r.id),
        |r| log_view(r, &acks),
    ))
}

/// The start and end (exclusive) of a local day, in microseconds.
pub(crate) fn day_span(day: jiff::civil::Date, tz: &str) -> (i64, i64) {
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    let at = |d: jiff::civil::Date| {
        d.to_zoned(zone.clone())
            .map(|z| z.timestamp().as_microsecond())
            .unwrap_or(0)
    };
    (at(day), at(day.tomorrow().unwrap_or(day)))
}

/// The supervisor's acknowledgement; acknowledging twice is harmless.
pub async fn ack(app: &App, actor: &Actor, id: i64) -> AppResult<LogEntryView> {
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let e = load_log(w, actor, id).await?;
            actor.authorize(Can::DeskAck, e.site_id)?;
            if store::ack(w, id, actor.user_id, &actor.display_name, now).await? {
                w.audit(
                    Some(e.site_id),
                    "ack",
                    "desk_log",
                    Some(id),
                    serde_json::json!({}),
                )
                .await?;
            }
            Ok(())
        })
    })
    .await?;
    log_entry(app, actor, id).await
}

/// Acknowledges every entry the actor has not yet: "read them all".
pub async fn ack_all(app: &App, actor: &Actor, site_id: i64) -> AppResult<usize> {
    actor.authorize(Can::DeskAck, site_id)?;
    let rows = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let rows = store::log(
                    w,
                    &LogFilter {
                        site_id,
                        viewer: actor.user_id,
                        unacknowledged: true,
                        open_follow_up: false,
                        category: None,
                        since: None,
                        until: None,
                    },
                    i64::MAX,
                    1000,
                )
                .await?;
                for r in &rows {
                    store::ack(w, r.id, actor.user_id, &actor.display_name, now).await?;
                }
                if !rows.is_empty() {
                    w.audit(Some(site_id),
                    "ack_all",
                    "desk_log",
                    None,
                    serde_json::json!({"entries": rows.iter().map(|r| r.id).collect::<Vec<_>>()}),
                )
                .await?;
                }
                Ok(rows)
            })
        })
        .await?;
    Ok(rows.len())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FollowUpTicketInput {
    /// repair | complaint | request | inquiry (by the entry's category when absent)
    pub kind: Option<String>,
    /// normal when absent (high for a lift)
    pub priority: Option<String>,
    /// The entry's first line when absent.
    pub title: Option<String>,
    pub unit_id: Option<i64>,
    /// Where; the entry's category when absent and no unit is given.
    pub location: Option<String>,
    pub department: Option<String>,
}

fn ticket_defaults(cat: LogCategory) -> (&'static str, &'static str, Department) {
    match cat {
        LogCategory::Lift => ("repair", "high", Department::Engineering),
        LogCategory::Facility => ("repair", "normal", Department::Engineering),
        LogCategory::Security => ("request", "normal", Department::Security),
        LogCategory::Lobby => ("request", "normal", Department::Cleaning),
        LogCategory::Tenant | LogCategory::Other => {
            ("request", "normal", Department::CustomerService)
        }
    }
}

/// Turns an entry that needs follow-up into a work order, in one step (and
/// acknowledges it: whoever did this has read it).
pub async fn to_ticket(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &FollowUpTicketInput,
) -> AppResult<TicketView> {
    let ticket_id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let e = load_log(w, actor, id).await?;
                actor.authorize(Can::DeskWrite, e.site_id)?;
                if e.follow_up != FollowUp::Open {
                    return Err(AppError::InvalidTransition(format!(
                        "log entry {id} has no open follow-up (it is {})",
                        e.follow_up
                    )));
                }
                let (kind, priority, dept) = ticket_defaults(e.category);
                let first_line: String = e
                    .text
                    .lines()
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(60)
                    .collect();
                let nonempty = |s: &Option<String>| {
                    s.as_deref()
                        .filter(|v| !v.trim().is_empty())
                        .map(str::to_string)
                };
                let t = NewTicketInput {
                    site_id: Some(e.site_id),
                    kind: nonempty(&input.kind).unwrap_or_else(|| kind.into()),
                    priority: nonempty(&input.priority).unwrap_or_else(|| priority.into()),
                    title: nonempty(&input.title).unwrap_or(first_line),
                    description: format!("{}\n\n— 前台日志 #{id}, {}", e.text, e.author),
                    unit_id: input.unit_id,
                    location: nonempty(&input.location)
                        .or_else(|| input.unit_id.is_none().then(|| format!("前台日志 #{id}"))),
                    tenant_id: None,
                    channel: Some("walk_in".into()),
                    department: nonempty(&input.department).or_else(|| Some(dept.as_str().into())),
                    complaint: None,
                };
                let ticket_id = crate::tickets::create_in(w, now, actor, &t).await?;
                if !store::settle_follow_up(
                    w,
                    id,
                    "ticketed",
                    Some(ticket_id),
                    None,
                    &actor.display_name,
                    now,
                )
                .await?
                {
                    return Err(AppError::VersionConflict);
                }
                store::ack(w, id, actor.user_id, &actor.display_name, now).await?;
                w.audit(
                    Some(e.site_id),
                    "to_ticket",
                    "desk_log",
                    Some(id),
                    serde_json::json!({"ticket_id": ticket_id}),
                )
                .await?;
                Ok(ticket_id)
            })
        })
        .await?;
    crate::tickets::get(app, actor, ticket_id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CloseInput {
    pub note: String,
}

/// Closes an open follow-up with a note of what was done.
pub async fn close_follow_up(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &CloseInput,
) -> AppResult<LogEntryView> {
    let note = required_text("note", &input.note, 1000)?;
    let note = &note;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let e = load_log(w, actor, id).await?;
            actor.authorize(Can::DeskWrite, e.site_id)?;
            if e.follow_up != FollowUp::Open {
                return Err(AppError::InvalidTransition(format!(
                    "log entry {id} has no open follow-up (it is {})",
                    e.follow_up
                )));
            }
            store::settle_follow_up(w, id, "closed", None, Some(note), &actor.display_name, now)
                .await?;
            if actor.can(Can::DeskAck, e.site_id) {
                store::ack(w, id, actor.user_id, &actor.display_name, now).await?;
            }
            w.audit(
                Some(e.site_id),
                "close_follow_up",
                "desk_log",
                Some(id),
                serde_json::json!({"note": note}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    log_entry(app, actor, id).await
}

// ======================================================================
// Shift handover (交接班)
// ======================================================================

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HandoverItem {
    pub id: i64,
    pub label: String,
    pub detail: String,
}

/// What the next person on duty takes over, as it stood at the handover.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HandoverSummary {
    pub open_follow_ups: Vec<HandoverItem>,
    /// Work orders still open that the person handing over created.
    pub open_tickets: Vec<HandoverItem>,
    pub parcels_waiting: Vec<HandoverItem>,
    pub visitors_inside: Vec<HandoverItem>,
    pub open_incidents: Vec<HandoverItem>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HandoverView {
    pub id: i64,
    pub site_id: i64,
    pub from: String,
    pub at: String,
    pub summary: HandoverSummary,
    pub note: Option<String>,
    pub to: Option<String>,
    pub confirmed_at: Option<String>,
}

fn handover_view(h: store::HandoverRow) -> HandoverView {
    HandoverView {
        id: h.id,
        site_id: h.site_id,
        from: h.from_name,
        at: time::rfc3339(h.at),
        summary: serde_json::from_str(&h.summary).unwrap_or_default(),
        note: h.note,
        to: h.to_name,
        confirmed_at: time::rfc3339_opt(h.confirmed_at),
    }
}

/// The handover as it would be now (shown before ending the shift).
pub async fn handover_preview(
    app: &App,
    actor: &Actor,
    site_id: i64,
) -> AppResult<HandoverSummary> {
    actor.authorize(Can::DeskRead, site_id)?;
    let mut c = app.db.read().await?;
    summarise(&mut c, site_id, actor.user_id).await
}

async fn summarise(c: &mut Conn, site_id: i64, user_id: i64) -> AppResult<HandoverSummary> {
    let follow = store::log(
        c,
        &LogFilter {
            site_id,
            viewer: user_id,
            unacknowledged: false,
            open_follow_up: true,
            category: None,
            since: None,
            until: None,
        },
        i64::MAX,
        200,
    )
    .await?;
    let tickets = store::open_tickets_by(c, site_id, user_id).await?;
    let parcels = store::parcels(
        c,
        &store::ParcelFilter {
            site_id,
            tenant_id: None,
            waiting: Some(true),
            received_before: None,
        },
        i64::MAX,
        200,
    )
    .await?;
    let visitors = store::visitors(
        c,
        &store::VisitorFilter {
            site_id,
            inside: Some(true),
            unit_id: None,
            tenant_id: None,
        },
        i64::MAX,
        200,
    )
    .await?;
    let incidents = store::incidents(c, site_id, true, i64::MAX, 50).await?;
    Ok(HandoverSummary {
        open_follow_ups: follow
            .into_iter()
            .map(|r| HandoverItem {
                id: r.id,
                label: format!("#{}", r.id),
                detail: r.text,
            })
            .collect(),
        open_tickets: tickets
            .into_iter()
            .map(|(id, number, title, state)| HandoverItem {
                id,
                label: number,
                detail: format!("{title} ({state})"),
            })
            .collect(),
        parcels_waiting: parcels
            .into_iter()
            .map(|p| HandoverItem {
                id: p.id,
                label: p
                    .unit_number
                    .or(p.tenant_name)
                    .or(p.addressee)
                    .unwrap_or_default(),
                detail: format!("{} {}", p.carrier, p.tracking_no.unwrap_or_default())
                    .trim()
                    .to_string(),
            })
            .collect(),
        visitors_inside: visitors
            .into_iter()
            .map(|v| HandoverItem {
                id: v.id,
                label: v.name,
                detail: v.unit_number.or(v.host).unwrap_or(v.purpose),
            })
            .collect(),
        open_incidents: incidents
            .into_iter()
            .map(|i| HandoverItem {
                id: i.id,
                label: i.type_name,
                detail: i.location,
            })
            .collect(),
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EndShiftInput {
    pub site_id: Option<i64>,
    /// Anything the next person should know that is not in the lists.
    pub note: Option<String>,
}

/// Ends the actor's shift: a handover for the next person on duty.
pub async fn end_shift(app: &App, actor: &Actor, input: &EndShiftInput) -> AppResult<HandoverView> {
    let site_id = site_of(actor, input.site_id)?;
    actor.authorize(Can::DeskWrite, site_id)?;
    let note = optional_text("note", input.note.as_deref(), 2000)?;
    let note = &note;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let summary = summarise(w, site_id, actor.user_id).await?;
                let json =
                    serde_json::to_string(&summary).map_err(|e| AppError::Internal(e.into()))?;
                let id = store::insert_handover(
                    w,
                    site_id,
                    (actor.user_id, &actor.display_name),
                    now,
                    &json,
                    note.as_deref(),
                )
                .await?;
                lobby_store::users::set_last_shift(w, actor.user_id, now).await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "handover",
                    Some(id),
                    serde_json::json!({}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    let mut c = app.db.read().await?;
    Ok(handover_view(
        store::handover(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("handover"))?,
    ))
}

pub async fn handovers(
    app: &App,
    actor: &Actor,
    site_id: i64,
    pending_only: bool,
) -> AppResult<Vec<HandoverView>> {
    actor.authorize(Can::DeskRead, site_id)?;
    let mut c = app.db.read().await?;
    Ok(store::handovers(&mut c, site_id, pending_only, 50)
        .await?
        .into_iter()
        .map(handover_view)
        .collect())
}

/// The next person on duty confirms they took the handover over.
pub async fn confirm_handover(app: &App, actor: &Actor, id: i64) -> AppResult<HandoverView> {
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let h = store::handover(w, id)
                .await?
                .ok_or(AppError::NotFound("handover"))?;
            if !actor.can(Can::DeskRead, h.site_id) {
                return Err(AppError::NotFound("handover"));
            }
            actor.authorize(Can::DeskWrite, h.site_id)?;
            if h.from_user_id == actor.user_id {
                return Err(AppError::InvalidTransition(
                    "the next person on duty confirms a handover, not the one who wrote it".into(),
                ));
            }
            if !store::confirm_handover(w, id, (actor.user_id, &actor.display_name), now).await? {
                return Err(AppError::InvalidTransition(format!(
                    "handover {id} was already confirmed"
                )));
            }
            w.audit(
                Some(h.site_id),
                "confirm",
                "handover",
                Some(id),
                serde_json::json!({}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    let mut c = app.db.read().await?;
    Ok(handover_view(
        store::handover(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("handover"))?,
    ))
}

// ======================================================================
// Visitors (来访)
// ======================================================================

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VisitorView {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub id_or_phone: String,
    /// Whom they visit.
    pub host: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub purpose: String,
    pub expected_mins: Option<i64>,
    pub in_at: String,
    pub out_at: Option<String>,
    /// Still in the building past the expected duration.
    pub overstaying: bool,
    pub registered_by: String,
    pub signed_out_by: Option<String>,
}

fn visitor_view(v: store::VisitorRow, now: i64) -> VisitorView {
    let overstaying = v.out_at.is_none()
        && v.expected_mins
            .is_some_and(|m| v.in_at + m * 60_000_000 < now);
    VisitorView {
        id: v.id,
        site_id: v.site_id,
        name: v.name,
        id_or_phone: v.id_or_phone,
        host: v.host,
        unit_id: v.unit_id,
        unit_number: v.unit_number,
        tenant_id: v.tenant_id,
        tenant_name: v.tenant_name,
        purpose: v.purpose,
        expected_mins: v.expected_mins,
        in_at: time::rfc3339(v.in_at),
        out_at: time::rfc3339_opt(v.out_at),
        overstaying,
        registered_by: v.registered_by,
        signed_out_by: v.signed_out_by,
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewVisitorInput {
    pub site_id: Option<i64>,
    pub name: String,
    /// An ID number or a phone number.
    pub id_or_phone: String,
    /// Whom they visit (a person).
    pub host: Option<String>,
    pub unit_id: Option<i64>,
    /// The unit's occupant when absent.
    pub tenant_id: Option<i64>,
    pub purpose: String,
    /// Expected duration in minutes.
    pub expected_mins: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct VisitorQuery {
    pub site_id: Option<i64>,
    /// true: still in the building; false: signed out.
    pub inside: Option<bool>,
    pub unit_id: Option<i64>,
    pub tenant_id: Option<i64>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

async fn load_visitor(c: &mut Conn, actor: &Actor, id: i64, now: i64) -> AppResult<VisitorView> {
    let v = store::visitor(c, id)
        .await?
        .ok_or(AppError::NotFound("visitor"))?;
    if !actor.can(Can::DeskRead, v.site_id) {
        return Err(AppError::NotFound("visitor"));
    }
    Ok(visitor_view(v, now))
}

pub async fn visitor(app: &App, actor: &Actor, id: i64) -> AppResult<VisitorView> {
    let mut c = app.db.read().await?;
    load_visitor(&mut c, actor, id, app.now()).await
}

pub async fn register_visitor(
    app: &App,
    actor: &Actor,
    input: &NewVisitorInput,
    idempotency_key: Option<&str>,
) -> AppResult<VisitorView> {
    let site_id = site_of(actor, input.site_id)?;
    actor.authorize(Can::DeskWrite, site_id)?;
    let name = required_text("name", &input.name, 60)?;
    let id_or_phone = required_text("id_or_phone", &input.id_or_phone, 40)?;
    let host = optional_text("host", input.host.as_deref(), 60)?;
    let purpose = required_text("purpose", &input.purpose, 200)?;
    if input
        .expected_mins
        .is_some_and(|m| !(1..=24 * 60).contains(&m))
    {
        return Err(AppError::invalid(
            "expected_mins",
            "expected_mins must be between 1 and 1440",
        ));
    }
    let once = crate::Once::new(idempotency_key, "visitor", input);
    let purpose = &purpose;
    let name = &name;
    let id_or_phone = &id_or_phone;
    let host = &host;
    let id = app
        .create(actor, &once, |w| {
            Box::pin(async move {
                let now = w.now();
                let unit = unit_at(w, site_id, input.unit_id).await?;
                let tenant = tenant_at(
                    w,
                    site_id,
                    input.tenant_id.or(unit.as_ref().and_then(|u| u.tenant_id)),
                )
                .await?;
                if unit.is_none() && tenant.is_none() && host.is_none() {
                    return Err(AppError::invalid(
                        "host",
                        "say whom they visit: a unit, a tenant or a person",
                    ));
                }
                let id = store::insert_visitor(
                    w,
                    &store::NewVisitor {
                        site_id,
                        name,
                        id_or_phone,
                        host: host.as_deref(),
                        unit_id: unit.as_ref().map(|u| u.id),
                        tenant_id: tenant.as_ref().map(|t| t.id),
                        purpose,
                        expected_mins: input.expected_mins,
                        in_at: now,
                        registered_by: &actor.display_name,
                    },
                )
                .await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "visitor",
                    Some(id),
                    serde_json::json!({"unit_id": input.unit_id}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    visitor(app, actor, id).await
}

pub async fn sign_out_visitor(app: &App, actor: &Actor, id: i64) -> AppResult<VisitorView> {
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let v = load_visitor(w, actor, id, now).await?;
            actor.authorize(Can::DeskWrite, v.site_id)?;
            if !store::sign_out_visitor(w, id, now, &actor.display_name).await? {
                return Err(AppError::InvalidTransition(format!(
                    "visitor {id} has already signed out"
                )));
            }
            w.audit(
                Some(v.site_id),
                "sign_out",
                "visitor",
                Some(id),
                serde_json::json!({}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    visitor(app, actor, id).await
}

pub async fn visitors(app: &App, actor: &Actor, q: &VisitorQuery) -> AppResult<Page<VisitorView>> {
    let site_id = site_of(actor, q.site_id)?;
    actor.authorize(Can::DeskRead, site_id)?;
    let limit = page::limit(q.limit)?;
    let before = cursor_before(q.cursor.as_deref())?;
    let now = app.now();
    let mut c = app.db.read().await?;
    let rows = store::visitors(
        &mut c,
        &store::VisitorFilter {
            site_id,
            inside: q.inside,
            unit_id: q.unit_id,
            tenant_id: q.tenant_id,
        },
        before,
        limit + 1,
    )
    .await?;
    Ok(page::finish(
        rows,
        limit,
        |r| (String::new(), r.id),
        |r| visitor_view(r, now),
    ))
}

// ======================================================================
// Mail and parcels (邮件)
// ======================================================================

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ParcelView {
    pub id: i64,
    pub site_id: i64,
    pub carrier: String,
    pub tracking_no: Option<String>,
    pub addressee: Option<String>,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    /// 挂号信: signed for at pickup.
    pub registered_mail: bool,
    pub has_photo: bool,
    /// The pickup code: in the answer to the desk that received it and to
    /// the addressee tenant; absent for everyone else.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pickup_code: Option<String>,
    pub received_at: String,
    pub received_by: String,
    /// Whole days since it arrived.
    pub waiting_days: i64,
    pub picked_up_at: Option<String>,
    pub collected_by: Option<String>,
    pub handed_by: Option<String>,
}

fn parcel_view(p: store::ParcelRow, now: i64, show_code: bool) -> ParcelView {
    let end = p.picked_up_at.unwrap_or(now);
    ParcelView {
        id: p.id,
        site_id: p.site_id,
        carrier: p.carrier,
        tracking_no: p.tracking_no,
        addressee: p.addressee,
        tenant_id: p.tenant_id,
        tenant_name: p.tenant_name,
        unit_id: p.unit_id,
        unit_number: p.unit_number,
        registered_mail: p.registered_mail != 0,
        has_photo: p.photo.is_some(),
        pickup_code: show_code.then_some(p.code),
        received_at: time::rfc3339(p.received_at),
        received_by: p.received_by,
        waiting_days: (end - p.received_at).max(0) / 86_400_000_000,
        picked_up_at: time::rfc3339_opt(p.picked_up_at),
        collected_by: p.collected_by,
        handed_by: p.handed_by,
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewParcelInput {
    pub site_id: Option<i64>,
    /// 顺丰, EMS, 京东 …
    pub carrier: String,
    pub tracking_no: Option<String>,
    /// The name on the label.
    pub addressee: Option<String>,
    pub unit_id: Option<i64>,
    /// The unit's occupant when absent.
    pub tenant_id: Option<i64>,
    #[serde(default)]
    pub registered_mail: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct ParcelQuery {
    pub site_id: Option<i64>,
    /// true: not yet collected; false: collected.
    pub waiting: Option<bool>,
    /// Not collected for at least this many days.
    pub uncollected_days: Option<i64>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PickupInput {
    /// The six-digit pickup code the tenant was given.
    pub code: String,
    /// Who collected it (name; for registered mail, as signed).
    pub collected_by: String,
}

/// May the actor see this parcel, and its code?
fn parcel_access(actor: &Actor, p: &store::ParcelRow) -> Option<bool> {
    if actor.can(Can::DeskRead, p.site_id) {
        Some(false)
    } else if actor.can(Can::OwnParcelsRead, p.site_id)
        && actor.tenant_id.is_some()
        && actor.tenant_id == p.tenant_id
    {
        Some(true)
    } else {
        None
    }
}

pub async fn parcel(app: &App, actor: &Actor, id: i64) -> AppResult<ParcelView> {
    let mut c = app.db.read().await?;
    let p = store::parcel(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("parcel"))?;
    let show = parcel_access(actor, &p).ok_or(AppError::NotFound("parcel"))?;
    Ok(parcel_view(p, app.now(), show))
}

pub async fn receive_parcel(
    app: &App,
    actor: &Actor,
    input: &NewParcelInput,
    idempotency_key: Option<&str>,
) -> AppResult<ParcelView> {
    let site_id = site_of(actor, input.site_id)?;
    actor.authorize(Can::DeskWrite, site_id)?;
    let carrier = required_text("carrier", &input.carrier, 40)?;
    let tracking = optional_text("tracking_no", input.tracking_no.as_deref(), 60)?;
    let addressee = optional_text("addressee", input.addressee.as_deref(), 60)?;
    let now = app.now();
    let once = crate::Once::new(idempotency_key, "parcel", input);
    let tracking = &tracking;
    let carrier = &carrier;
    let addressee = &addressee;
    let id = app
        .create(actor, &once, |w| {
            Box::pin(async move {
                let now = w.now();
                let unit = unit_at(w, site_id, input.unit_id).await?;
                let tenant = tenant_at(
                    w,
                    site_id,
                    input.tenant_id.or(unit.as_ref().and_then(|u| u.tenant_id)),
                )
                .await?;
                if unit.is_none() && tenant.is_none() && addressee.is_none() {
                    return Err(AppError::invalid(
                        "addressee",
                        "say whom it is for: a unit, a tenant or a name",
                    ));
                }
                let code = pickup_code(rand::thread_rng().gen());
                let id = store::insert_parcel(
                    w,
                    &store::NewParcel {
                        site_id,
                        carrier,
                        tracking_no: tracking.as_deref(),
                        addressee: addressee.as_deref(),
                        tenant_id: tenant.as_ref().map(|t| t.id),
                        unit_id: unit.as_ref().map(|u| u.id),
                        registered_mail: input.registered_mail,
                        code: &code,
                        received_at: now,
                        received_by: &actor.display_name,
                    },
                )
                .await?;
                // The addressee's portal accounts hear of it with the code.
                if let Some(t) = &tenant {
                    let title = if input.registered_mail {
                        "挂号信待领取 Registered mail to collect"
                    } else {
                        "快递待领取 Parcel to collect"
                    };
                    let body = format!(
                        "{carrier} {} · 取件码 pickup code {code}",
                        tracking.as_deref().unwrap_or("")
                    );
                    for user_id in lobby_store::users::of_tenant(w, t.id).await? {
                        lobby_store::notify::insert(
                            w,
                            &lobby_store::notify::NewNotification {
                                site_id: Some(site_id),
                                user_id,
                                kind: "parcel",
                                title,
                                body: &body,
                                link: Some("/parcels"),
                                now,
                            },
                        )
                        .await?;
                    }
                }
                w.audit(Some(site_id),
                "create",
                "parcel",
                Some(id),
                serde_json::json!({"carrier": carrier, "tenant_id": tenant.as_ref().map(|t| t.id)}),
            )
            .await?;
                Ok(id)
            })
        })
        .await?;
    let mut c = app.db.read().await?;
    let p = store::parcel(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("parcel"))?;
    Ok(parcel_view(p, now, true))
}

/// Wrong pickup codes allowed per parcel in `PICKUP_WINDOW_MICROS`.
pub const MAX_WRONG_CODES_PER_PARCEL: i64 = 5;
/// … per desk user, over all parcels.
pub const MAX_WRONG_CODES_PER_USER: i64 = 20;
pub const PICKUP_WINDOW_MICROS: i64 = 60 * 60 * 1_000_000;

/// Hands a parcel over against its code: a wrong code is refused and
/// changes nothing but the count of wrong codes; a code works once.
///
/// A six-digit code can be guessed, so every try is counted first (per
/// parcel and per desk user, in the statement that checks the limit), a
/// wrong code is audited, the supervisor is told when either limit is
/// reached, and beyond it every try is refused with 429 for the hour.
pub async fn pick_up(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &PickupInput,
) -> AppResult<ParcelView> {
    let collected_by = required_text("collected_by", &input.collected_by, 60)?;
    let code = input.code.trim();
    if code.is_empty() {
        return Err(AppError::invalid("code", "the pickup code is required"));
    }
    let collected_by = &collected_by;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let p = store::parcel(w, id)
                .await?
                .ok_or(AppError::NotFound("parcel"))?;
            if !actor.can(Can::DeskRead, p.site_id) {
                return Err(AppError::NotFound("parcel"));
            }
            actor.authorize(Can::DeskWrite, p.site_id)?;
            if p.picked_up_at.is_some() {
                return Err(AppError::InvalidTransition(format!(
                    "parcel {id} was already collected"
                )));
            }
            let keys = [
                (format!("pickup:parcel:{id}"), MAX_WRONG_CODES_PER_PARCEL),
                (
                    format!("pickup:user:{}", actor.user_id),
                    MAX_WRONG_CODES_PER_USER,
                ),
            ];
            let mut counts = [0i64; 2];
            for (n, (key, _)) in counts.iter_mut().zip(&keys) {
                *n = lobby_store::users::throttle_hit(w, key, now, PICKUP_WINDOW_MICROS).await?;
            }
            // Refused tries are kept: the transaction commits and the
            // refusal is returned after it.
            if counts.iter().zip(&keys).any(|(n, (_, max))| n > max) {
                return Ok(Err(AppError::RateLimited));
            }
            // Compare without early exit, so timing does not tell how much matched.
            let matches = code.len() == p.code.len()
                && code
                    .bytes()
                    .zip(p.code.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0;
            if !matches {
                w.audit(Some(p.site_id),
                    "pickup_code_wrong",
                    "parcel",
                    Some(id),
                    serde_json::json!({"wrong_for_parcel": counts[0], "wrong_by_user": counts[1]}),
                )
                .await?;
                if counts.iter().zip(&keys).any(|(n, (_, max))| n == max) {
                    crate::notify::to_role(
                        w,
                        now,
                        p.site_id,
                        lobby_domain::roles::Role::CsSupervisor,
                        "pickup_code_guessing",
                        &format!("取件码多次输错 · parcel {id}: wrong pickup codes"),
                        &format!(
                            "{} 对包裹 {id} 输错取件码 {} 次（本小时共 {} 次），已暂停取件验证一小时。",
                            actor.display_name, counts[0], counts[1]
                        ),
                        Some("/parcels"),
                    )
                    .await?;
                }
                return Ok(Err(AppError::invalid(
                    "code",
                    "the pickup code does not match",
                )));
            }
            // The right code: this try was not a wrong one.
            for (key, _) in &keys {
                lobby_store::users::throttle_refund(w, key).await?;
            }
            if !store::pick_up(w, id, now, collected_by, &actor.display_name).await? {
                return Err(AppError::InvalidTransition(format!(
                    "parcel {id} was already collected"
                )));
            }
            w.audit(Some(p.site_id),
                "pick_up",
                "parcel",
                Some(id),
                serde_json::json!({"collected_by": collected_by}),
            )
            .await?;
            Ok(Ok(()))
        })
    })
    .await??;
    parcel(app, actor, id).await
}

pub async fn parcels(app: &App, actor: &Actor, q: &ParcelQuery) -> AppResult<Page<ParcelView>> {
    let limit = page::limit(q.limit)?;
    let before = cursor_before(q.cursor.as_deref())?;
    let now = app.now();
    // The desk sees the site's; a tenant their own, with codes.
    let (site_id, tenant_only) = match q
        .site_id
        .or(actor.site_ids().and_then(|v| (v.len() == 1).then(|| v[0])))
    {
        Some(s) if actor.can(Can::DeskRead, s) => (s, None),
        Some(s) if actor.can(Can::OwnParcelsRead, s) && actor.tenant_id.is_some() => {
            (s, actor.tenant_id)
        }
        Some(_) => return Err(AppError::Forbidden),
        None => return Err(AppError::invalid("site_id", "say which site")),
    };
    if q.uncollected_days.is_some_and(|d| !(0..=365).contains(&d)) {
        return Err(AppError::invalid(
            "uncollected_days",
            "uncollected_days must be between 0 and 365",
        ));
    }
    let received_before = q.uncollected_days.map(|d| now - d * 86_400_000_000);
    let waiting = if q.uncollected_days.is_some() {
        Some(true)
    } else {
        q.waiting
    };
    let mut c = app.db.read().await?;
    let rows = store::parcels(
        &mut c,
        &store::ParcelFilter {
            site_id,
            tenant_id: tenant_only,
            waiting,
            received_before,
        },
        before,
        limit + 1,
    )
    .await?;
    let show = tenant_only.is_some();
    Ok(page::finish(
        rows,
        limit,
        |r| (String::new(), r.id),
        |r| parcel_view(r, now, show),
    ))
}

/// A photo of the parcel or its label (optional).
pub async fn add_parcel_photo(
    app: &App,
    actor: &Actor,
    id: i64,
    bytes: &[u8],
) -> AppResult<ParcelView> {
    // Permission first: nothing of a refused upload is decoded or stored.
    let may_photo =
        |p: Option<lobby_store::desk::ParcelRow>| -> AppResult<lobby_store::desk::ParcelRow> {
            let p = p
                .filter(|p| actor.can(Can::DeskRead, p.site_id))
                .ok_or(AppError::NotFound("parcel"))?;
            actor.authorize(Can::DeskWrite, p.site_id)?;
            Ok(p)
        };
    {
        let mut c = app.db.read().await?;
        may_photo(store::parcel(&mut c, id).await?)?;
    }
    let blob = crate::tickets::store_photo(app, bytes).await?.blob;
    let blob = &blob;
    app.write(actor, |w| {
        Box::pin(async move {
            let p = may_photo(store::parcel(w, id).await?)?;
            store::set_parcel_photo(w, id, blob).await?;
            w.audit(
                Some(p.site_id),
                "photo",
                "parcel",
                Some(id),
                serde_json::json!({"blob": blob}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    parcel(app, actor, id).await
}

/// The photo's bytes and content type.
pub async fn parcel_photo(app: &App, actor: &Actor, id: i64) -> AppResult<(Vec<u8>, &'static str)> {
    let mut c = app.db.read().await?;
    let p = store::parcel(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("parcel"))?;
    parcel_access(actor, &p).ok_or(AppError::NotFound("parcel"))?;
    let blob = p.photo.ok_or(AppError::NotFound("photo"))?;
    let bytes = app.blobs.get(&blob).await?;
    let ty = crate::tickets::sniff_type(&bytes);
    Ok((bytes, ty))
}

// ======================================================================
// Emergency incidents (紧急事件)
// ======================================================================

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncidentTypeView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub departments: Vec<Department>,
    pub checklist: Vec<String>,
    pub archived: bool,
}

impl IncidentTypeView {
    /// Does this type notify department `d`?
    pub fn notifies(&self, d: &str) -> bool {
        self.departments.iter().any(|x| x.as_str() == d)
    }
}

fn type_view(t: store::IncidentTypeRow) -> IncidentTypeView {
    IncidentTypeView {
        id: t.id,
        code: t.code,
        name: t.name,
        departments: t
            .departments
            .split(',')
            .filter_map(|d| d.parse().ok())
            .collect(),
        checklist: t
            .checklist
            .lines()
            .map(str::to_string)
            .filter(|l| !l.trim().is_empty())
            .collect(),
        archived: t.archived != 0,
    }
}

/// Puts the manual's emergency types and shifts at a new site.
pub(crate) async fn seed_site(tx: &mut Tx, site_id: i64) -> AppResult<()> {
    for t in DEFAULT_INCIDENT_TYPES {
        let depts: Vec<&str> = t.departments.iter().map(|d| d.as_str()).collect();
        store::insert_incident_type(
            tx,
            site_id,
            t.code,
            t.name,
            &depts.join(","),
            &t.checklist.join("\n"),
        )
        .await?;
    }
    for s in lobby_domain::desk::DEFAULT_SHIFTS {
        lobby_store::shifts::insert_shift(tx, site_id, s.code, s.name, s.starts, s.ends).await?;
    }
    Ok(())
}

pub async fn incident_types(
    app: &App,
    actor: &Actor,
    site_id: i64,
) -> AppResult<Vec<IncidentTypeView>> {
    actor.authorize(Can::IncidentsRespond, site_id)?;
    let mut c = app.db.read().await?;
    Ok(store::incident_types(&mut c, site_id)
        .await?
        .into_iter()
        .map(type_view)
        .collect())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct IncidentTypeInput {
    pub site_id: Option<i64>,
    /// A stable code (lowercase letters, digits, _); set once.
    pub code: Option<String>,
    pub name: String,
    /// The departments it notifies.
    pub departments: Vec<String>,
    /// The response checklist, one step per item.
    pub checklist: Vec<String>,
    #[serde(default)]
    pub archived: bool,
}

fn type_values(input: &IncidentTypeInput) -> AppResult<(String, String, String)> {
    let name = required_text("name", &input.name, 40)?;
    let mut depts = Vec::new();
    for d in &input.departments {
        let d: Department = d.parse()?;
        if !depts.contains(&d.as_str()) {
            depts.push(d.as_str());
        }
    }
    if depts.is_empty() {
        return Err(AppError::invalid(
            "departments",
            "name at least one department to notify",
        ));
    }
    let steps: Vec<String> = input
        .checklist
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if steps.is_empty() {
        return Err(AppError::invalid("checklist", "give at least one step"));
    }
    if steps.len() > 30 || steps.iter().any(|s| s.chars().count() > 200) {
        return Err(AppError::invalid(
            "checklist",
            "at most 30 steps of 200 characters",
        ));
    }
    Ok((name, depts.join(","), steps.join("\n")))
}

pub async fn create_incident_type(
    app: &App,
    actor: &Actor,
    input: &IncidentTypeInput,
) -> AppResult<IncidentTypeView> {
    let site_id = site_of(actor, input.site_id)?;
    actor.authorize(Can::IncidentTypesManage, site_id)?;
    let code = lobby_domain::error::code_text("code", input.code.as_deref().unwrap_or(""), 40)?;
    let (name, depts, steps) = type_values(input)?;
    let steps = &steps;
    let name = &name;
    let depts = &depts;
    let code = &code;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                crate::sites::site_row(w, site_id).await?;
                let id = store::insert_incident_type(w, site_id, code, name, depts, steps)
                    .await
                    .map_err(crate::error::dup_as(
                        "code",
                        "this site already has a type with this code",
                    ))?;
                w.audit(
                    Some(site_id),
                    "create",
                    "incident_type",
                    Some(id),
                    serde_json::json!({"code": code}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    let mut c = app.db.read().await?;
    Ok(type_view(
        store::incident_type(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("incident type"))?,
    ))
}

pub async fn update_incident_type(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &IncidentTypeInput,
) -> AppResult<IncidentTypeView> {
    let (name, depts, steps) = type_values(input)?;
    let steps = &steps;
    let name = &name;
    let depts = &depts;
    app.write(actor, |w| {
        Box::pin(async move {
            let t = store::incident_type(w, id)
                .await?
                .ok_or(AppError::NotFound("incident type"))?;
            actor.authorize(Can::IncidentTypesManage, t.site_id)?;
            store::update_incident_type(w, id, name, depts, steps, input.archived).await?;
            w.audit(
                Some(t.site_id),
                "update",
                "incident_type",
                Some(id),
                serde_json::json!({"archived": input.archived}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    let mut c = app.db.read().await?;
    Ok(type_view(
        store::incident_type(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("incident type"))?,
    ))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StepView {
    pub position: i64,
    pub text: String,
    pub done_at: Option<String>,
    pub done_by: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoteView {
    pub at: String,
    pub by: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncidentView {
    pub id: i64,
    pub site_id: i64,
    pub type_id: i64,
    pub type_code: String,
    pub type_name: String,
    pub departments: Vec<Department>,
    pub location: String,
    pub description: String,
    pub opened_at: String,
    pub opened_by: String,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    pub summary: Option<String>,
    /// The response checklist, ticked with time and person.
    pub steps: Vec<StepView>,
    /// The timeline's free notes.
    pub notes: Vec<NoteView>,
}

async fn load_incident(c: &mut Conn, actor: &Actor, id: i64) -> AppResult<IncidentView> {
    let i = store::incident(c, id)
        .await?
        .ok_or(AppError::NotFound("incident"))?;
    if !actor.can(Can::IncidentsRespond, i.site_id) {
        return Err(AppError::NotFound("incident"));
    }
    let steps = store::steps(c, id).await?;
    let notes = store::notes(c, id).await?;
    Ok(incident_view(i, steps, notes))
}

fn incident_view(
    i: store::IncidentRow,
    steps: Vec<store::StepRow>,
    notes: Vec<store::NoteRow>,
) -> IncidentView {
    IncidentView {
        id: i.id,
        site_id: i.site_id,
        type_id: i.type_id,
        type_code: i.type_code,
        type_name: i.type_name,
        departments: i
            .departments
            .split(',')
            .filter_map(|d| d.parse().ok())
            .collect(),
        location: i.location,
        description: i.description,
        opened_at: time::rfc3339(i.opened_at),
        opened_by: i.opened_by,
        closed_at: time::rfc3339_opt(i.closed_at),
        closed_by: i.closed_by,
        summary: i.summary,
        steps: steps
            .into_iter()
            .map(|s| StepView {
                position: s.position,
                text: s.text,
                done_at: time::rfc3339_opt(s.done_at),
                done_by: s.done_by,
            })
            .collect(),
        notes: notes
            .into_iter()
            .map(|n| NoteView {
                at: time::rfc3339(n.at),
                by: n.actor_name,
                text: n.text,
            })
            .collect(),
    }
}

pub async fn incident(app: &App, actor: &Actor, id: i64) -> AppResult<IncidentView> {
    let mut c = app.db.read().await?;
    load_incident(&mut c, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewIncidentInput {
    pub site_id: Option<i64>,
    /// The type's id, or give `type_code`.
    pub type_id: Option<i64>,
    /// fire_alarm | water_leak | lift_entrapment | power_cut | injury | security_incident | a site's own
    pub type_code: Option<String>,
    pub location: String,
    #[serde(default)]
    pub description: String,
}

/// The roles that hear of an emergency for a department.
fn roles_for(d: Department) -> &'static [Role] {
    match d {
        Department::Engineering => &[Role::Engineering],
        Department::Security => &[Role::Security],
        Department::CustomerService => &[Role::FrontDesk],
        Department::Cleaning | Department::Greening => &[Role::FieldAssistant],
        Department::Leasing => &[Role::Leasing],
        Department::Finance => &[Role::Finance],
    }
}

/// Opens an emergency: the checklist is copied from its type, the
/// departments it names (and the supervisor and project manager) are
/// notified, the timeline starts.
pub async fn open_incident(
    app: &App,
    actor: &Actor,
    input: &NewIncidentInput,
    idempotency_key: Option<&str>,
) -> AppResult<IncidentView> {
    let site_id = site_of(actor, input.site_id)?;
    actor.authorize(Can::IncidentsRespond, site_id)?;
    let location = required_text("location", &input.location, 120)?;
    let description =
        optional_text("description", Some(&input.description), 2000)?.unwrap_or_default();
    let once = crate::Once::new(idempotency_key, "incident", input);
    let location = &location;
    let description = &description;
    let id = app
        .create(actor, &once, |w| {
            Box::pin(async move {
                let now = w.now();
                let types = store::incident_types(w, site_id).await?;
                let t = match (
                    input.type_id,
                    input.type_code.as_deref().filter(|c| !c.is_empty()),
                ) {
                    (Some(id), _) => types.into_iter().find(|t| t.id == id),
                    (None, Some(code)) => types.into_iter().find(|t| t.code == code.trim()),
                    (None, None) => {
                        return Err(AppError::invalid("type_id", "say which kind of emergency"))
                    }
                }
                .filter(|t| t.archived == 0)
                .ok_or_else(|| {
                    AppError::invalid("type_id", "no such emergency type at this site")
                })?;
                let view = type_view(t.clone());
                let id = store::insert_incident(
                    w,
                    site_id,
                    t.id,
                    location,
                    description,
                    now,
                    &actor.display_name,
                )
                .await?;
                for (i, step) in view.checklist.iter().enumerate() {
                    store::insert_step(w, id, i as i64 + 1, step).await?;
                }
                let link = format!("/incidents/{id}");
                let title = format!("紧急事件 Emergency: {}", view.name);
                let body = format!("{location} · {description}");
                let mut roles: Vec<Role> = vec![Role::CsSupervisor, Role::ProjectManager];
                for d in &view.departments {
                    for r in roles_for(*d) {
                        if !roles.contains(r) {
                            roles.push(*r);
                        }
                    }
                }
                for r in roles {
                    notify::to_role(w, now, site_id, r, "incident", &title, &body, Some(&link))
                        .await?;
                }
                w.audit(
                    Some(site_id),
                    "create",
                    "incident",
                    Some(id),
                    serde_json::json!({"type": view.code, "location": location}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    incident(app, actor, id).await
}

/// Ticks a checklist step with the time and the person; ticking a ticked
/// step is harmless.
pub async fn tick_step(
    app: &App,
    actor: &Actor,
    id: i64,
    position: i64,
) -> AppResult<IncidentView> {
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let i = load_incident(w, actor, id).await?;
            if i.closed_at.is_some() {
                return Err(AppError::InvalidTransition(format!(
                    "incident {id} is closed"
                )));
            }
            if !i.steps.iter().any(|s| s.position == position) {
                return Err(AppError::invalid(
                    "position",
                    format!("incident {id} has no step {position}"),
                ));
            }
            if store::tick_step(w, id, position, now, &actor.display_name).await? {
                w.audit(
                    Some(i.site_id),
                    "tick",
                    "incident",
                    Some(id),
                    serde_json::json!({"step": position}),
                )
                .await?;
            }
            Ok(())
        })
    })
    .await?;
    incident(app, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TextInput {
    pub text: String,
}

pub async fn add_incident_note(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &TextInput,
) -> AppResult<IncidentView> {
    let text = required_text("text", &input.text, 2000)?;
    let text = &text;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let i = load_incident(w, actor, id).await?;
            if i.closed_at.is_some() {
                return Err(AppError::InvalidTransition(format!(
                    "incident {id} is closed"
                )));
            }
            store::insert_note(w, id, now, &actor.display_name, text).await?;
            w.audit(
                Some(i.site_id),
                "note",
                "incident",
                Some(id),
                serde_json::json!({}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    incident(app, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CloseIncidentInput {
    /// What happened and how it ended (required).
    pub summary: String,
}

pub async fn close_incident(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &CloseIncidentInput,
) -> AppResult<IncidentView> {
    let summary = required_text("summary", &input.summary, 4000)?;
    let summary = &summary;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let i = load_incident(w, actor, id).await?;
            if !actor.can(Can::DeskWrite, i.site_id) {
                return Err(AppError::Forbidden);
            }
            if !store::close_incident(w, id, now, &actor.display_name, summary).await? {
                return Err(AppError::InvalidTransition(format!(
                    "incident {id} is already closed"
                )));
            }
            w.audit(
                Some(i.site_id),
                "close",
                "incident",
                Some(id),
                serde_json::json!({}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    incident(app, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct IncidentQuery {
    pub site_id: Option<i64>,
    /// true: only those still in progress.
    pub open: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub async fn incidents(
    app: &App,
    actor: &Actor,
    q: &IncidentQuery,
) -> AppResult<Page<IncidentView>> {
    let site_id = site_of(actor, q.site_id)?;
    actor.authorize(Can::IncidentsRespond, site_id)?;
    let limit = page::limit(q.limit)?;
    let before = cursor_before(q.cursor.as_deref())?;
    let mut c = app.db.read().await?;
    let rows =
        store::incidents(&mut c, site_id, q.open.unwrap_or(false), before, limit + 1).await?;
    Ok(page::finish(
        rows,
        limit,
        |r| (String::new(), r.id),
        |r| incident_view(r, Vec::new(), Vec::new()),
    ))
}

// ======================================================================
// Lift and lobby (电梯/大堂)
// ======================================================================

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckView {
    pub id: i64,
    pub site_id: i64,
    /// lift | lobby | public_area
    pub kind: CheckKind,
    /// Which lift or area: "2号梯", "一层大堂".
    pub subject: String,
    pub ok: bool,
    pub note: Option<String>,
    /// The work order a fault opened.
    pub ticket_id: Option<i64>,
    pub ticket_number: Option<String>,
    pub at: String,
    pub by: String,
}

fn check_view(r: store::CheckRow) -> CheckView {
    CheckView {
        id: r.id,
        site_id: r.site_id,
        kind: r.kind.parse().unwrap_or(CheckKind::Lobby),
        subject: r.subject,
        ok: r.ok != 0,
        note: r.note,
        ticket_id: r.ticket_id,
        ticket_number: r.ticket_number,
        at: time::rfc3339(r.at),
        by: r.by_name,
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewCheckInput {
    pub site_id: Option<i64>,
    /// lift | lobby | public_area
    pub kind: String,
    pub subject: String,
    pub ok: bool,
    /// Required when not ok: what is wrong.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct CheckQuery {
    pub site_id: Option<i64>,
    pub kind: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Records a check. A lift fault opens an urgent engineering work order;
/// a failed lobby or public-area hygiene check a cleaning one.
pub async fn record_check(app: &App, actor: &Actor, input: &NewCheckInput) -> AppResult<CheckView> {
    let site_id = site_of(actor, input.site_id)?;
    actor.authorize(Can::DeskWrite, site_id)?;
    let kind: CheckKind = input.kind.parse()?;
    let subject = required_text("subject", &input.subject, 60)?;
    let note = optional_text("note", input.note.as_deref(), 1000)?;
    if !input.ok && note.is_none() {
        return Err(AppError::invalid("note", "say what is wrong"));
    }
    let subject = &subject;
    let note = &note;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let ticket_id = if input.ok {
                    None
                } else {
                    let what = note.clone().unwrap_or_default();
                    let t = match kind {
                        CheckKind::Lift => NewTicketInput {
                            site_id: Some(site_id),
                            kind: "repair".into(),
                            priority: "urgent".into(),
                            title: format!("电梯故障 {subject}").chars().take(120).collect(),
                            description: what,
                            location: Some(subject.clone()),
                            channel: Some("walk_in".into()),
                            department: Some("engineering".into()),
                            ..Default::default()
                        },
                        CheckKind::Lobby | CheckKind::PublicArea => NewTicketInput {
                            site_id: Some(site_id),
                            kind: "request".into(),
                            priority: "normal".into(),
                            title: format!("卫生 {subject}").chars().take(120).collect(),
                            description: what,
                            location: Some(subject.clone()),
                            channel: Some("walk_in".into()),
                            department: Some("cleaning".into()),
                            ..Default::default()
                        },
                    };
                    Some(crate::tickets::create_in(w, now, actor, &t).await?)
                };
                let id = store::insert_check(
                    w,
                    &store::NewCheck {
                        site_id,
                        kind: kind.as_str(),
                        subject,
                        ok: input.ok,
                        note: note.as_deref(),
                        ticket_id,
                        at: now,
                        by_name: &actor.display_name,
                    },
                )
                .await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "facility_check",
                    Some(id),
                    serde_json::json!({"kind": kind, "ok": input.ok, "ticket_id": ticket_id}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    let mut c = app.db.read().await?;
    Ok(check_view(
        store::check(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("check"))?,
    ))
}

pub async fn checks(app: &App, actor: &Actor, q: &CheckQuery) -> AppResult<Page<CheckView>> {
    let site_id = site_of(actor, q.site_id)?;
    actor.authorize(Can::DeskRead, site_id)?;
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(k.parse::<CheckKind>()?),
        None => None,
    };
    let limit = page::limit(q.limit)?;
    let before = cursor_before(q.cursor.as_deref())?;
    let mut c = app.db.read().await?;
    let rows = store::checks(&mut c, site_id, kind.map(|k| k.as_str()), before, limit + 1).await?;
    Ok(page::finish(
        rows,
        limit,
        |r| (String::new(), r.id),
        check_view,
    ))
}

// ======================================================================
// Inquiries (咨询)
// ======================================================================

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InquiryView {
    pub id: i64,
    pub site_id: i64,
    pub at: String,
    pub by: String,
    pub asker: String,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    pub question: String,
    pub answer: String,
}

fn inquiry_view(r: store::InquiryRow) -> InquiryView {
    InquiryView {
        id: r.id,
        site_id: r.site_id,
        at: time::rfc3339(r.at),
        by: r.by_name,
        asker: r.asker,
        tenant_id: r.tenant_id,
        tenant_name: r.tenant_name,
        unit_id: r.unit_id,
        unit_number: r.unit_number,
        question: r.question,
        answer: r.answer,
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewInquiryInput {
    pub site_id: Option<i64>,
    /// Who asked (a name, or "1203 王先生").
    pub asker: String,
    pub unit_id: Option<i64>,
    pub tenant_id: Option<i64>,
    pub question: String,
    pub answer: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct InquiryQuery {
    pub site_id: Option<i64>,
    /// Only from this day on (site zone), `2026-11-01`.
    pub since: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub async fn log_inquiry(
    app: &App,
    actor: &Actor,
    input: &NewInquiryInput,
) -> AppResult<InquiryView> {
    let site_id = site_of(actor, input.site_id)?;
    actor.authorize(Can::DeskWrite, site_id)?;
    let asker = required_text("asker", &input.asker, 60)?;
    let question = required_text("question", &input.question, 500)?;
    let answer = required_text("answer", &input.answer, 1000)?;
    let question = &question;
    let asker = &asker;
    let answer = &answer;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let unit = unit_at(w, site_id, input.unit_id).await?;
                let tenant = tenant_at(
                    w,
                    site_id,
                    input.tenant_id.or(unit.as_ref().and_then(|u| u.tenant_id)),
                )
                .await?;
                let id = store::insert_inquiry(
                    w,
                    &store::NewInquiry {
                        site_id,
                        at: now,
                        by_name: &actor.display_name,
                        asker,
                        tenant_id: tenant.as_ref().map(|t| t.id),
                        unit_id: unit.as_ref().map(|u| u.id),
                        question,
                        answer,
                    },
                )
                .await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "inquiry",
                    Some(id),
                    serde_json::json!({}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    let mut c = app.db.read().await?;
    Ok(inquiry_view(
        store::inquiry(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("inquiry"))?,
    ))
}

pub async fn inquiries(app: &App, actor: &Actor, q: &InquiryQuery) -> AppResult<Page<InquiryView>> {
    let site_id = site_of(actor, q.site_id)?;
    actor.authorize(Can::DeskRead, site_id)?;
    let limit = page::limit(q.limit)?;
    let before = cursor_before(q.cursor.as_deref())?;
    let mut c = app.db.read().await?;
    let since = match q.since.as_deref().filter(|s| !s.is_empty()) {
        Some(d) => {
            let day = crate::time::parse_date("since", d)?;
            let site = crate::sites::site_row(&mut c, site_id).await?;
            day_span(day, &site.timezone).0
        }
        None => 0,
    };
    let rows = store::inquiries(&mut c, site_id, since, before, limit + 1).await?;
    Ok(page::finish(
        rows,
        limit,
        |r| (String::new(), r.id),
        inquiry_view,
    ))
}
