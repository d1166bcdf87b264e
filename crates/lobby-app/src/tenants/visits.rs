//! Part of `tenants`; shares its imports.

#[allow(unused_imports)]
use super::*;
use lobby_domain::tickets::{Channel, Kind as TicketKind, Priority};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VisitView {
    pub id: i64,
    pub tenant_id: i64,
    /// The day of the visit, `2026-11-26`.
    pub visited_on: String,
    pub visitor: String,
    pub met_with: Option<String>,
    pub feedback: String,
    pub follow_up: Option<String>,
    pub created_at: String,
    /// The work order the feedback became, with its number.
    pub ticket_id: Option<i64>,
    pub ticket_number: Option<String>,
}

/// Turn the visit's feedback into a work order in the same step.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct VisitTicketInput {
    /// repair | complaint | request (not inquiry)
    pub kind: TicketKind,
    /// The work order's title; the feedback's first words when absent.
    pub title: Option<String>,
    /// normal when absent or `""`.
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    pub priority: Option<Priority>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct VisitInput {
    /// `YYYY-MM-DD`; today (site time) when absent.
    pub visited_on: Option<String>,
    pub met_with: Option<String>,
    /// What the tenant said.
    pub feedback: String,
    pub follow_up: Option<String>,
    /// Makes the feedback a work order (channel `visit`, the tenant's unit).
    pub ticket: Option<VisitTicketInput>,
}

pub async fn visits(app: &App, actor: &Actor, tenant_id: i64) -> AppResult<Vec<VisitView>> {
    let mut c = app.db.read().await?;
    let t = store::get(&mut c, tenant_id)
        .await?
        .ok_or(AppError::NotFound("tenant"))?;
    actor.authorize(Action::TenantVisitsRead, t.site_id)?;
    Ok(store::visits(&mut c, tenant_id)
        .await?
        .into_iter()
        .map(|v| VisitView {
            id: v.id,
            tenant_id: v.tenant_id,
            visited_on: v.visited_on,
            visitor: v.visitor_name,
            met_with: v.met_with,
            feedback: v.feedback,
            follow_up: v.follow_up,
            created_at: time::rfc3339(v.created_at),
            ticket_id: v.ticket_id,
            ticket_number: v.ticket_number,
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VisitDue {
    pub tenant_id: i64,
    pub tenant_name: String,
    /// Its last visit; null: never visited.
    pub last_visited_on: Option<String>,
    /// The day the next visit fell due (null: never visited).
    pub due_on: Option<String>,
    /// Days past due (0 for a tenant never visited).
    pub days_overdue: i64,
}

/// The tenants of a site due a visit: every tenant occupying a unit whose
/// last visit is `visit_every_months` (the site's) or more ago, or who was
/// never visited — those first, then the longest overdue.
pub async fn visits_due(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<VisitDue>> {
    actor.authorize(Action::TenantVisitsRead, site_id)?;
    visits_due_of(app, site_id).await
}

/// Who is due, for a caller already let in (the department report).
pub(crate) async fn visits_due_of(app: &App, site_id: i64) -> AppResult<Vec<VisitDue>> {
    let mut c = app.db.read().await?;
    let site = crate::scope::site_row(&mut c, site_id).await?;
    let today = time::local_date(app.now(), &site.timezone)?;
    let every = jiff::Span::new().months(site.visit_every_months);
    let mut out = Vec::new();
    for r in store::last_visits(&mut c, site_id).await? {
        let (due_on, days) = match &r.last_visit {
            None => (None, 0),
            Some(last) => {
                let last: jiff::civil::Date =
                    crate::error::stored("tenant_visits.visited_on", last)?;
                let due = last
                    .checked_add(every)
                    .map_err(|e| AppError::Internal(e.into()))?;
                if due > today {
                    continue;
                }
                (Some(due.to_string()), i64::from((today - due).get_days()))
            }
        };
        out.push(VisitDue {
            tenant_id: r.tenant_id,
            tenant_name: r.tenant_name,
            last_visited_on: r.last_visit,
            due_on,
            days_overdue: days,
        });
    }
    out.sort_by(|a, b| {
        a.last_visited_on
            .is_some()
            .cmp(&b.last_visited_on.is_some())
            .then(b.days_overdue.cmp(&a.days_overdue))
            .then(a.tenant_name.cmp(&b.tenant_name))
    });
    Ok(out)
}

/// The work order a visit's feedback becomes.
fn visit_ticket(
    t: &VisitTicketInput,
    site_id: i64,
    tenant_id: i64,
    unit_id: Option<i64>,
    tenant_name: &str,
    feedback: &str,
) -> AppResult<crate::tickets::NewTicketInput> {
    if t.kind == TicketKind::Inquiry {
        return Err(AppError::invalid(
            "ticket.kind",
            "a visit's feedback becomes a repair, a complaint or a request",
        ));
    }
    let title = match t.title.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s.to_string(),
        None => feedback.chars().take(40).collect(),
    };
    Ok(crate::tickets::NewTicketInput {
        site_id: Some(site_id),
        kind: t.kind,
        priority: Some(t.priority.unwrap_or(Priority::Normal)),
        title,
        description: feedback.to_string(),
        // Where: the tenant's unit (its first, when it holds several), else
        // the tenant itself.
        location: unit_id.is_none().then(|| tenant_name.to_string()),
        unit_id,
        tenant_id: Some(tenant_id),
        channel: Some(Channel::Visit),
        department: None,
        complaint: None,
        reporter_name: None,
        reporter_phone: None,
    })
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FollowUp {
    pub visit_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub visited_on: String,
    pub follow_up: String,
}

/// What recent visits left to follow up, newest first (the supervisor's home).
pub async fn recent_follow_ups(
    app: &App,
    actor: &Actor,
    site_id: i64,
    limit: i64,
) -> AppResult<Vec<FollowUp>> {
    actor.authorize(Action::TenantVisitsRead, site_id)?;
    let mut c = app.db.read().await?;
    Ok(store::recent_follow_ups(&mut c, site_id, limit)
        .await?
        .into_iter()
        .map(|f| FollowUp {
            visit_id: f.id,
            tenant_id: f.tenant_id,
            tenant_name: f.tenant_name,
            visited_on: f.visited_on,
            follow_up: f.follow_up,
        })
        .collect())
}

pub async fn add_visit(
    app: &App,
    actor: &Actor,
    tenant_id: i64,
    input: &VisitInput,
) -> AppResult<i64> {
    use lobby_domain::error::{optional_text, required_text};
    let feedback = required_text("feedback", &input.feedback, 2000)?;
    let met_with = optional_text("met_with", input.met_with.as_deref(), 50)?;
    let follow_up = optional_text("follow_up", input.follow_up.as_deref(), 1000)?;
    let met_with = &met_with;
    let follow_up = &follow_up;
    let feedback = &feedback;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let t = store::get(w, tenant_id)
                    .await?
                    .ok_or(AppError::NotFound("tenant"))?;
                actor.authorize(Action::TenantVisitsWrite, t.site_id)?;
                let site = crate::scope::site_row(w, t.site_id).await?;
                let today = time::local_date(now, &site.timezone)?;
                let day = match input
                    .visited_on
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    Some(s) => crate::time::parse_date("visited_on", s)?,
                    None => today,
                };
                if day > today {
                    return Err(AppError::invalid(
                        "visited_on",
                        "a visit cannot be in the future",
                    ));
                }
                let id = store::insert_visit(
                    w,
                    &NewVisit {
                        site_id: t.site_id,
                        tenant_id,
                        visited_on: &day.to_string(),
                        visitor_id: actor.user_id,
                        met_with: met_with.as_deref(),
                        feedback,
                        follow_up: follow_up.as_deref(),
                        now,
                    },
                )
                .await?;
                let mut ticket_id = None;
                if let Some(k) = &input.ticket {
                    actor.authorize(Action::TicketsCreate, t.site_id)?;
                    let unit = store::units_of(w, &[tenant_id])
                        .await?
                        .first()
                        .map(|u| u.unit_id);
                    let ni = visit_ticket(k, t.site_id, tenant_id, unit, &t.name, feedback)?;
                    let tid = crate::tickets::create_in(w, now, actor, &ni).await?;
                    store::set_visit_ticket(w, id, tid).await?;
                    ticket_id = Some(tid);
                }
                w.audit(
                    Some(t.site_id),
                    "create",
                    "tenant_visit",
                    Some(id),
                    serde_json::json!({"tenant_id": tenant_id, "visited_on": day.to_string(), "ticket_id": ticket_id}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    Ok(id)
}

// ---- export and import ----
