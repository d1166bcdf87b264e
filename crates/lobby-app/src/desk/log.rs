//! The log book (前台日常事项记录本)
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;

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

pub(super) fn log_view(r: LogRow, acks: &[lobby_store::desk::AckRow]) -> LogEntryView {
    LogEntryView {
        id: r.id,
        site_id: r.site_id,
        at: time::rfc3339(r.at),
        author: r.author_name,
        category: r.category,
        text: r.text,
        needs_follow_up: r.needs_follow_up != 0,
        follow_up: r.follow_up,
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
    /// other when absent or `""`.
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    pub category: Option<LogCategory>,
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

pub(super) async fn load_log(c: &mut Conn, actor: &Actor, id: i64) -> AppResult<LogEntryView> {
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
    let category = input.category.unwrap_or(LogCategory::Other);
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
            let site = crate::scope::site_row(&mut c, site_id).await?;
            let (a, b) = day_span(day, &site.timezone)?;
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
    /// By the entry's category when absent or `""`.
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    pub kind: Option<TicketKind>,
    /// normal when absent or `""` (high for a lift)
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    pub priority: Option<Priority>,
    /// The entry's first line when absent.
    pub title: Option<String>,
    pub unit_id: Option<i64>,
    /// Where; the entry's category when absent and no unit is given.
    pub location: Option<String>,
    /// By the entry's category when absent or `""`.
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    pub department: Option<Department>,
}

pub(super) fn ticket_defaults(cat: LogCategory) -> (TicketKind, Priority, Department) {
    use {Priority::*, TicketKind::*};
    match cat {
        LogCategory::Lift => (Repair, High, Department::Engineering),
        LogCategory::Facility => (Repair, Normal, Department::Engineering),
        LogCategory::Security => (Request, Normal, Department::Security),
        LogCategory::Lobby => (Request, Normal, Department::Cleaning),
        LogCategory::Tenant | LogCategory::Other => (Request, Normal, Department::CustomerService),
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
                // Where: the public area the entry names (a lift by its
                // number), else the log entry it came from.
                let areas: Vec<(String, lobby_domain::sites::AreaKind)> =
                    lobby_store::sites::public_areas(w, e.site_id)
                        .await?
                        .into_iter()
                        .filter(|a| a.archived == 0)
                        .map(|a| (a.name, a.kind))
                        .collect();
                let named = lobby_domain::desk::place_in(&e.text, &areas).map(str::to_string);
                let t = NewTicketInput {
                    site_id: Some(e.site_id),
                    kind: input.kind.unwrap_or(kind),
                    priority: Some(input.priority.unwrap_or(priority)),
                    title: nonempty(&input.title).unwrap_or(first_line),
                    description: format!("{}\n\n— 前台日志 #{id}, {}", e.text, e.author),
                    unit_id: input.unit_id,
                    location: nonempty(&input.location).or_else(|| {
                        input
                            .unit_id
                            .is_none()
                            .then(|| named.clone().unwrap_or_else(|| format!("前台日志 #{id}")))
                    }),
                    tenant_id: None,
                    channel: Some(Channel::WalkIn),
                    department: Some(input.department.unwrap_or(dept)),
                    complaint: None,
                    reporter_name: None,
                    reporter_phone: None,
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
