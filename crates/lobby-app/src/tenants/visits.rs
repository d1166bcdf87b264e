//! Part of `tenants`; shares its imports.

#[allow(unused_imports)]
use super::*;

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
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct VisitInput {
    /// `YYYY-MM-DD`; today (site time) when absent.
    pub visited_on: Option<String>,
    pub met_with: Option<String>,
    /// What the tenant said.
    pub feedback: String,
    pub follow_up: Option<String>,
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
        })
        .collect())
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
                let site = crate::sites::site_row(w, t.site_id).await?;
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
                w.audit(
                    Some(t.site_id),
                    "create",
                    "tenant_visit",
                    Some(id),
                    serde_json::json!({"tenant_id": tenant_id, "visited_on": day.to_string()}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    Ok(id)
}

// ---- export and import ----
