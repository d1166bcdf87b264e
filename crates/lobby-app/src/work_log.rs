//! The work log (工作日志): the supervisor's and the project manager's own
//! entries for a day, read beside the generated management log; and the
//! government-liaison register — each contact with an authority, its
//! answer, and its deadline reminded to both before it passes and once
//! after.

use jiff::civil::Date;
use lobby_domain::error::{optional_text, required_text};
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_domain::worklog::{self as domain, LiaisonKind, WorkLogTopic, MAX_TEXT};
use lobby_store::work_log as store;
use serde::{Deserialize, Serialize};

use crate::{time, Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EntryView {
    pub id: i64,
    pub site_id: i64,
    /// The day it is about (site time), `2026-11-30`.
    pub day: String,
    /// `note` | `arrears` | `government` | `decision`
    pub topic: WorkLogTopic,
    pub text: String,
    pub author_id: i64,
    pub author: String,
    pub created_at: String,
}

fn entry_view(r: store::EntryRow) -> AppResult<EntryView> {
    Ok(EntryView {
        id: r.id,
        site_id: r.site_id,
        day: r.day,
        topic: crate::error::stored("work_log.topic", &r.topic)?,
        text: r.text,
        author_id: r.author_id,
        author: r.author,
        created_at: time::rfc3339(r.created_at),
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EntryInput {
    pub site_id: i64,
    /// The day it is about; today (site time) when absent. Never ahead.
    pub day: Option<String>,
    /// `note` (default) | `arrears` | `government` | `decision`
    pub topic: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
pub struct DayQuery {
    pub site_id: i64,
    /// `2026-11-30`; today (site time) when absent.
    pub day: Option<String>,
}

async fn today_at(app: &App, site_id: i64) -> AppResult<Date> {
    Ok(crate::scope::site_today(app, site_id).await?.0)
}

/// A day given by a person: a date, not after `today`.
fn past_day(field: &str, v: Option<&str>, today: Date) -> AppResult<Date> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(today);
    };
    let d = crate::time::parse_date(field, v)?;
    if d > today {
        return Err(AppError::invalid(
            field,
            format!("{field} cannot be ahead of today"),
        ));
    }
    Ok(d)
}

/// Writes an entry in the day's work log.
pub async fn add_entry(app: &App, actor: &Actor, input: &EntryInput) -> AppResult<EntryView> {
    actor.authorize(Can::WorkLogWrite, input.site_id)?;
    let text = required_text("text", &input.text, MAX_TEXT)?;
    let topic: WorkLogTopic = match input.topic.as_deref().filter(|t| !t.is_empty()) {
        Some(t) => t.parse()?,
        None => WorkLogTopic::Note,
    };
    let day = past_day(
        "day",
        input.day.as_deref(),
        today_at(app, input.site_id).await?,
    )?
    .to_string();
    let (text, day, site_id) = (&text, &day, input.site_id);
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let author = actor.audit_id().ok_or(AppError::Forbidden)?;
                let id =
                    store::insert_entry(w, site_id, day, topic.as_str(), text, author, now).await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "work_log",
                    Some(id),
                    serde_json::json!({"day": day, "topic": topic.as_str()}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    let mut c = app.db.read().await?;
    entry_view(
        store::entry(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("work log entry"))?,
    )
}

/// A day's work log.
pub async fn entries(app: &App, actor: &Actor, q: &DayQuery) -> AppResult<Vec<EntryView>> {
    actor.authorize(Can::WorkLogRead, q.site_id)?;
    let day = past_day("day", q.day.as_deref(), today_at(app, q.site_id).await?)?;
    let mut c = app.db.read().await?;
    store::entries(&mut c, q.site_id, &day.to_string())
        .await?
        .into_iter()
        .map(entry_view)
        .collect()
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LiaisonView {
    pub id: i64,
    pub site_id: i64,
    /// The authority (e.g. 消防支队, 街道办, 市场监管所).
    pub authority: String,
    /// Who there: name and phone.
    pub contact: Option<String>,
    /// `inspection` | `notice` | `meeting` | `filing`
    pub kind: LiaisonKind,
    pub subject: String,
    pub detail: Option<String>,
    pub happened_on: String,
    /// What must be done or answered by (site day).
    pub deadline_on: Option<String>,
    pub response: Option<String>,
    pub responder: Option<String>,
    pub responded_at: Option<String>,
    /// Open and past its deadline today.
    pub overdue: bool,
    /// Days to the deadline while open (negative once past).
    pub days_left: Option<i64>,
    pub created_by: String,
    pub created_at: String,
}

fn liaison_view(r: store::LiaisonRow, today: Date) -> AppResult<LiaisonView> {
    let deadline: Option<Date> = match &r.deadline_on {
        Some(d) => Some(crate::error::stored("liaison_items.deadline_on", d)?),
        None => None,
    };
    let open = r.responded_at.is_none();
    let days_left = deadline
        .filter(|_| open)
        .map(|d| i64::from((d - today).get_days()));
    Ok(LiaisonView {
        id: r.id,
        site_id: r.site_id,
        authority: r.authority,
        contact: r.contact,
        kind: crate::error::stored("liaison_items.kind", &r.kind)?,
        subject: r.subject,
        detail: r.detail,
        happened_on: r.happened_on,
        deadline_on: r.deadline_on,
        response: r.response,
        responder: r.responder,
        responded_at: r.responded_at.map(time::rfc3339),
        overdue: days_left.is_some_and(|d| d < 0),
        days_left,
        created_by: r.created_by,
        created_at: time::rfc3339(r.created_at),
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct LiaisonInput {
    pub site_id: i64,
    pub authority: String,
    pub contact: Option<String>,
    /// `inspection` | `notice` | `meeting` | `filing`
    pub kind: String,
    pub subject: String,
    pub detail: Option<String>,
    /// The day it happened; today when absent. Never ahead.
    pub happened_on: Option<String>,
    /// What must be done or answered by; not before it happened.
    pub deadline_on: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ResponseInput {
    /// What was done or answered.
    pub response: String,
}

/// The site's register: open items first, nearest deadline first.
pub async fn register(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<LiaisonView>> {
    actor.authorize(Can::WorkLogRead, site_id)?;
    let today = today_at(app, site_id).await?;
    let mut c = app.db.read().await?;
    store::register(&mut c, site_id, 500)
        .await?
        .into_iter()
        .map(|r| liaison_view(r, today))
        .collect()
}

async fn one(app: &App, id: i64, today: Date) -> AppResult<LiaisonView> {
    let mut c = app.db.read().await?;
    liaison_view(
        store::liaison(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("liaison item"))?,
        today,
    )
}

/// Registers a contact with an authority; it is written in the day's work
/// log too (topic `government`), so the log book shows it.
pub async fn add_liaison(app: &App, actor: &Actor, input: &LiaisonInput) -> AppResult<LiaisonView> {
    actor.authorize(Can::WorkLogWrite, input.site_id)?;
    let authority = required_text("authority", &input.authority, 100)?;
    let contact = optional_text("contact", input.contact.as_deref(), 100)?;
    let kind: LiaisonKind = input.kind.parse()?;
    let subject = required_text("subject", &input.subject, 200)?;
    let detail = optional_text("detail", input.detail.as_deref(), MAX_TEXT)?;
    let today = today_at(app, input.site_id).await?;
    let happened = past_day("happened_on", input.happened_on.as_deref(), today)?;
    let deadline = match input
        .deadline_on
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(d) => {
            let d = crate::time::parse_date("deadline_on", d)?;
            if d < happened {
                return Err(AppError::invalid(
                    "deadline_on",
                    "the deadline comes before the day it happened",
                ));
            }
            Some(d.to_string())
        }
    };
    let (happened_s, site_id) = (happened.to_string(), input.site_id);
    let new = store::NewLiaison {
        site_id,
        authority: &authority,
        contact: contact.as_deref(),
        kind: kind.as_str(),
        subject: &subject,
        detail: detail.as_deref(),
        happened_on: &happened_s,
        deadline_on: deadline.as_deref(),
        created_by: 0,
    };
    let new = &new;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let by = actor.audit_id().ok_or(AppError::Forbidden)?;
                let id = store::insert_liaison(
                    w,
                    &store::NewLiaison {
                        created_by: by,
                        ..*new
                    },
                    now,
                )
                .await?;
                let line = format!("{}：{}", new.authority, new.subject);
                store::insert_entry(w, site_id, new.happened_on, "government", &line, by, now)
                    .await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "liaison_item",
                    Some(id),
                    serde_json::json!({"authority": new.authority, "kind": new.kind, "deadline_on": new.deadline_on}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    one(app, id, today).await
}

/// Records what was answered or done; the item is closed.
pub async fn respond(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &ResponseInput,
) -> AppResult<LiaisonView> {
    let site_id = {
        let mut c = app.db.read().await?;
        let r = store::liaison(&mut c, id).await?;
        match r {
            Some(r) if actor.can(Can::WorkLogRead, r.site_id) => r.site_id,
            _ => return Err(AppError::NotFound("liaison item")),
        }
    };
    actor.authorize(Can::WorkLogWrite, site_id)?;
    let response = required_text("response", &input.response, MAX_TEXT)?;
    let response = &response;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let by = actor.audit_id().ok_or(AppError::Forbidden)?;
            if !store::respond(w, id, response, by, now).await? {
                return Err(AppError::InvalidTransition(
                    "this item has been answered already".into(),
                ));
            }
            w.audit(
                Some(site_id),
                "respond",
                "liaison_item",
                Some(id),
                serde_json::json!({}),
            )
            .await
        })
    })
    .await?;
    one(app, id, today_at(app, site_id).await?).await
}

/// Reminds the supervisor and the project manager of open items whose
/// deadline comes within three days, and once more when it has passed; the
/// reminder is taken by a conditional update, so two servers send it once.
pub async fn liaison_sweep(app: &App) -> AppResult<usize> {
    let sites = {
        let mut c = app.db.read().await?;
        lobby_store::sites::sites(&mut c).await?
    };
    let mut sent = 0;
    for s in sites.into_iter().filter(|s| s.archived == 0) {
        let today = time::local_date(app.now(), &s.timezone)?;
        let until = today
            .checked_add(jiff::Span::new().days(domain::REMIND_DAYS))
            .map_err(|e| AppError::Internal(e.into()))?;
        let items = {
            let mut c = app.db.read().await?;
            store::open_deadlines(&mut c, s.id, &until.to_string()).await?
        };
        for r in items {
            let deadline: Date = crate::error::stored(
                "liaison_items.deadline_on",
                r.deadline_on.as_deref().unwrap_or(""),
            )?;
            let last: Option<Date> = match &r.reminded_on {
                Some(d) => Some(crate::error::stored("liaison_items.reminded_on", d)?),
                None => None,
            };
            if !domain::remind_due(deadline, today, last) {
                continue;
            }
            let (r, today_s) = (&r, today.to_string());
            let today_s = &today_s;
            let took = app
                .write_as_system(|w| {
                    Box::pin(async move {
                        let now = w.now();
                        if !store::take_reminder(w, r.id, r.reminded_on.as_deref(), today_s).await?
                        {
                            return Ok(false);
                        }
                        let title = format!("{}：{}", r.authority, r.subject);
                        let body = r.deadline_on.clone().unwrap_or_default();
                        for role in [Role::CsSupervisor, Role::ProjectManager] {
                            crate::notify::to_role(
                                w,
                                now,
                                r.site_id,
                                role,
                                "liaison_deadline",
                                &title,
                                &body,
                                Some("/liaison"),
                            )
                            .await?;
                        }
                        Ok(true)
                    })
                })
                .await?;
            sent += usize::from(took);
        }
    }
    Ok(sent)
}
