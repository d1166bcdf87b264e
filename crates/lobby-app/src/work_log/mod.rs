//! The work log (工作日志): the supervisor's and the project manager's own
//! entries for a day, read beside the generated management log; and, in
//! `liaison`, the government-liaison register (联络单).

use jiff::civil::Date;
use lobby_domain::error::{optional_text, required_text};
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_domain::work_log::{self as domain, LiaisonKind, WorkLogTopic, MAX_TEXT};
use lobby_store::work_log as store;
use serde::{Deserialize, Serialize};

use crate::{time, Actor, App, AppError, AppResult};

mod liaison;

pub use liaison::{
    add_liaison, liaison_sweep, register, respond, LiaisonInput, LiaisonView, ResponseInput,
};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EntryView {
    pub id: i64,
    pub site_id: i64,
    /// The day it is about (site time), `2026-11-30`.
    pub day: String,
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
        topic: r.topic,
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
    /// `note` when absent or `""`.
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    pub topic: Option<WorkLogTopic>,
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
    let topic = input.topic.unwrap_or(WorkLogTopic::Note);
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
                let id = store::insert_entry(w, site_id, day, topic, text, author, now).await?;
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
