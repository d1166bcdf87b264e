//! The government-liaison register (联络单), part of the work log: each
//! contact with an authority, its answer, and its deadline reminded to the
//! supervisor and the project manager before it passes and once after.

#[allow(unused_imports)]
use super::*;

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
        kind: r.kind,
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

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct LiaisonInput {
    pub site_id: i64,
    pub authority: String,
    pub contact: Option<String>,
    pub kind: LiaisonKind,
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
    let kind = input.kind;
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
        kind,
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
                store::insert_entry(w, site_id, new.happened_on, WorkLogTopic::Government, &line, by, now)
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
