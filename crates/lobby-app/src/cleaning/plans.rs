//! Cleaning plans: which vendor cleans what, when, in which version.
//!
//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanView {
    pub id: i64,
    pub vendor_id: i64,
    pub vendor_name: String,
    pub area: String,
    pub task: String,
    pub frequency: Frequency,
    pub times_per_day: i64,
    /// Weekly: `1,3,5` (Monday = 1).
    pub weekdays: String,
    pub day_of_month: i64,
    pub valid_from: String,
    /// The last day this version governs (set when it was changed or ended).
    pub valid_until: Option<String>,
    /// The version this one replaced.
    pub replaces_id: Option<i64>,
}

pub(super) fn plan_view(p: PlanRow) -> PlanView {
    PlanView {
        id: p.id,
        vendor_id: p.vendor_id,
        vendor_name: p.vendor_name,
        area: p.area,
        task: p.task,
        frequency: p.frequency,
        times_per_day: p.times_per_day,
        weekdays: p.weekdays,
        day_of_month: p.day_of_month,
        valid_from: p.valid_from,
        valid_until: p.valid_until,
        replaces_id: p.replaces_id,
    }
}

/// A stored plan as the rule that lays out its tasks; one that no longer
/// parses is an internal error naming it, never a plan without tasks.
pub(super) fn version_of(p: &PlanRow) -> AppResult<PlanVersion> {
    let bad = |what: &str, e: String| {
        AppError::Internal(anyhow::anyhow!(
            "cleaning plan {} holds a bad {what}: {e}",
            p.id
        ))
    };
    Ok(PlanVersion {
        plan_id: p.id,
        valid_from: p
            .valid_from
            .parse()
            .map_err(|e: jiff::Error| bad("valid_from", e.to_string()))?,
        valid_until: p
            .valid_until
            .as_deref()
            .map(|d| d.parse::<Date>())
            .transpose()
            .map_err(|e| bad("valid_until", e.to_string()))?,
        rule: Recurrence::parse(
            p.frequency,
            Some(p.times_per_day),
            Some(&p.weekdays),
            Some(p.day_of_month),
        )
        .map_err(|e| bad("rule", e.to_string()))?,
    })
}

pub async fn plans(
    app: &App,
    actor: &Actor,
    site_id: i64,
    vendor_id: Option<i64>,
) -> AppResult<Vec<PlanView>> {
    let only = scope(actor, site_id, vendor_id)?;
    let mut c = app.db.read().await?;
    Ok(store::plans(&mut c, site_id, only)
        .await?
        .into_iter()
        .map(plan_view)
        .collect())
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PlanInput {
    pub site_id: Option<i64>,
    pub vendor_id: i64,
    /// Where: "1F 大堂".
    pub area: String,
    /// What: "地面清洁".
    pub task: String,
    pub frequency: Frequency,
    pub times_per_day: Option<i64>,
    /// Weekly: `1,3,5` (Monday = 1 … Sunday = 7).
    pub weekdays: Option<String>,
    /// Monthly: 1–31 (a short month uses its last day).
    pub day_of_month: Option<i64>,
    /// The first day; today when absent (never in the past).
    pub valid_from: Option<String>,
}

pub(super) async fn plan_values(
    c: &mut Conn,
    app: &App,
    site_id: i64,
    i: &PlanInput,
) -> AppResult<(String, String, Recurrence, Date)> {
    let area = required_text("area", &i.area, 60)?;
    let task = required_text("task", &i.task, 120)?;
    let rule = Recurrence::parse(
        i.frequency,
        i.times_per_day,
        i.weekdays.as_deref(),
        i.day_of_month,
    )?;
    let tz = site_tz(c, site_id).await?;
    let today = today(app, &tz)?;
    let from = match i
        .valid_from
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(d) => crate::time::parse_date("valid_from", d)?,
        None => today,
    };
    if from < today {
        return Err(AppError::invalid(
            "valid_from",
            "a plan starts today or later: the past is not re-planned",
        ));
    }
    match store::vendor(c, i.vendor_id).await? {
        Some(v) if v.site_id == site_id && v.archived == 0 => {}
        _ => {
            return Err(AppError::invalid(
                "vendor_id",
                format!("no vendor {} at this site", i.vendor_id),
            ))
        }
    }
    Ok((area, task, rule, from))
}

pub async fn create_plan(app: &App, actor: &Actor, input: &PlanInput) -> AppResult<PlanView> {
    let site_id = crate::scope::site_of(actor, input.site_id)?;
    actor.authorize(Can::CleaningManage, site_id)?;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let (area, task, rule, from) = plan_values(w, app, site_id, input).await?;
                let id = store::insert_plan(
                    w,
                    &store::PlanValues {
                        site_id,
                        vendor_id: input.vendor_id,
                        area: &area,
                        task: &task,
                        frequency: rule.frequency,
                        times_per_day: rule.times_per_day,
                        weekdays: &rule.weekdays_text(),
                        day_of_month: i64::from(rule.day_of_month),
                        valid_from: &from.to_string(),
                        replaces_id: None,
                    },
                    now,
                )
                .await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "cleaning_plan",
                    Some(id),
                    serde_json::json!({"area": area, "task": task, "frequency": rule.frequency}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    let mut c = app.db.read().await?;
    Ok(plan_view(
        store::plan(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("plan"))?,
    ))
}

/// Changes a plan from `valid_from` (today when absent) on: the version in
/// force ends the day before, its tasks from then on that are not done are
/// replaced; days already past keep what they had. Returns the new version.
pub async fn change_plan(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &PlanInput,
) -> AppResult<PlanView> {
    let new_id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let old = store::plan(w, id)
                    .await?
                    .ok_or(AppError::NotFound("plan"))?;
                actor.authorize(Can::CleaningManage, old.site_id)?;
                if old.valid_until.is_some() {
                    return Err(AppError::InvalidTransition(
                        "this plan version has ended; change the current one".into(),
                    ));
                }
                let input = PlanInput {
                    vendor_id: old.vendor_id,
                    ..input.clone()
                };
                let (area, task, rule, from) = plan_values(w, app, old.site_id, &input).await?;
                let last = from.yesterday().map_err(|e| AppError::Internal(e.into()))?;
                store::end_plan(w, id, &last.to_string()).await?;
                store::drop_future_tasks(w, id, &from.to_string()).await?;
                let new_id = store::insert_plan(
                    w,
                    &store::PlanValues {
                        site_id: old.site_id,
                        vendor_id: old.vendor_id,
                        area: &area,
                        task: &task,
                        frequency: rule.frequency,
                        times_per_day: rule.times_per_day,
                        weekdays: &rule.weekdays_text(),
                        day_of_month: i64::from(rule.day_of_month),
                        valid_from: &from.to_string(),
                        replaces_id: Some(id),
                    },
                    now,
                )
                .await?;
                w.audit(
                    Some(old.site_id),
                    "update",
                    "cleaning_plan",
                    Some(new_id),
                    serde_json::json!({"replaces": id, "from": from.to_string()}),
                )
                .await?;
                Ok(new_id)
            })
        })
        .await?;
    let mut c = app.db.read().await?;
    Ok(plan_view(
        store::plan(&mut c, new_id)
            .await?
            .ok_or(AppError::NotFound("plan"))?,
    ))
}

/// Ends a plan after today: no more tasks from tomorrow.
pub async fn end_plan(app: &App, actor: &Actor, id: i64) -> AppResult<PlanView> {
    app.write(actor, |w| {
        Box::pin(async move {
            let old = store::plan(w, id)
                .await?
                .ok_or(AppError::NotFound("plan"))?;
            actor.authorize(Can::CleaningManage, old.site_id)?;
            if old.valid_until.is_some() {
                return Err(AppError::InvalidTransition(
                    "this plan has already ended".into(),
                ));
            }
            let tz = site_tz(w, old.site_id).await?;
            let today = today(app, &tz)?;
            let last = if old.valid_from.parse::<Date>().is_ok_and(|f| f > today) {
                old.valid_from
                    .parse::<Date>()
                    .ok()
                    .and_then(|f| f.yesterday().ok())
                    .unwrap_or(today)
            } else {
                today
            };
            store::end_plan(w, id, &last.to_string()).await?;
            let tomorrow = last.tomorrow().map_err(|e| AppError::Internal(e.into()))?;
            store::drop_future_tasks(w, id, &tomorrow.to_string()).await?;
            w.audit(
                Some(old.site_id),
                "end",
                "cleaning_plan",
                Some(id),
                serde_json::json!({"last_day": last.to_string()}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    let mut c = app.db.read().await?;
    Ok(plan_view(
        store::plan(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("plan"))?,
    ))
}
