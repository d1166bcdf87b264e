//! The daily tasks the plans make, marked done and counted.
//!
//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskView {
    pub id: i64,
    pub vendor_id: i64,
    pub vendor_name: String,
    pub plan_id: i64,
    pub day: String,
    /// The n-th time that day (lobby floor twice daily: 1, 2).
    pub seq: i64,
    pub area: String,
    pub task: String,
    pub done_at: Option<String>,
    pub done_by: Option<String>,
    pub has_photo: bool,
}

pub(super) fn task_view(t: store::TaskRow) -> TaskView {
    TaskView {
        id: t.id,
        vendor_id: t.vendor_id,
        vendor_name: t.vendor_name,
        plan_id: t.plan_id,
        day: t.day,
        seq: t.seq,
        area: t.area,
        task: t.task,
        done_at: time::rfc3339_opt(t.done_at),
        done_by: t.done_by,
        has_photo: t.photo.is_some(),
    }
}

/// Makes the task instances of the plans for the days `from..=to`.
pub(super) async fn ensure_tasks(
    c: &mut Conn,
    site_id: i64,
    from: Date,
    to: Date,
) -> AppResult<()> {
    let plans = store::plans(c, site_id, None).await?;
    let versions: Vec<PlanVersion> = plans.iter().map(version_of).collect::<AppResult<_>>()?;
    for due in instances(&versions, from, to) {
        if let Some(p) = plans.iter().find(|p| p.id == due.plan_id) {
            store::ensure_task(c, p, &due.day.to_string(), due.seq).await?;
        }
    }
    Ok(())
}

/// The tasks of the days `from..=to` (at most 62 days), made from the
/// plans when first asked for.
pub async fn tasks(
    app: &App,
    actor: &Actor,
    site_id: i64,
    vendor_id: Option<i64>,
    from: Date,
    to: Date,
) -> AppResult<Vec<TaskView>> {
    let only = scope(actor, site_id, vendor_id)?;
    if to < from || (to - from).get_days() > 62 {
        return Err(AppError::invalid(
            "to",
            "give at most 62 days, ending after they start",
        ));
    }
    app.write(actor, |w| {
        Box::pin(async move {
            ensure_tasks(w, site_id, from, to).await?;
            Ok(())
        })
    })
    .await?;
    let mut c = app.db.read().await?;
    Ok(
        store::tasks(&mut c, site_id, only, &from.to_string(), &to.to_string())
            .await?
            .into_iter()
            .map(task_view)
            .collect(),
    )
}

/// The vendor marks a task done (with a photo, optionally).
pub async fn mark_done(
    app: &App,
    actor: &Actor,
    id: i64,
    photo: Option<&[u8]>,
) -> AppResult<TaskView> {
    // Who may mark it is checked before the photo is looked at or stored.
    let may_mark =
        |t: Option<lobby_store::cleaning::TaskRow>| -> AppResult<lobby_store::cleaning::TaskRow> {
            let t = t
                .filter(|t| sees(actor, t.site_id, t.vendor_id))
                .ok_or(AppError::NotFound("task"))?;
            if !(actor.can(Can::VendorWork, t.site_id)
                || actor.can(Can::CleaningInspect, t.site_id))
            {
                return Err(AppError::Forbidden);
            }
            Ok(t)
        };
    {
        let mut c = app.db.read().await?;
        may_mark(store::task(&mut c, id).await?)?;
    }
    let blob = match photo.filter(|p| !p.is_empty()) {
        Some(p) => Some(crate::photos::store_photo(app, p).await?.blob),
        None => None,
    };
    let blob = &blob;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let t = may_mark(store::task(w, id).await?)?;
            if !store::mark_done(w, id, now, &actor.display_name, blob.as_deref()).await? {
                return Err(AppError::InvalidTransition(format!(
                    "task {id} is already done"
                )));
            }
            w.audit(
                Some(t.site_id),
                "done",
                "cleaning_task",
                Some(id),
                serde_json::json!({"photo": blob.is_some()}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    let mut c = app.db.read().await?;
    Ok(task_view(
        store::task(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("task"))?,
    ))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct HeadcountInput {
    pub site_id: Option<i64>,
    /// The vendor (a vendor's account: its own when absent).
    pub vendor_id: Option<i64>,
    /// Staff on site at shift start.
    pub headcount: i64,
}

/// The vendor reports today's staff headcount (reporting again corrects it).
pub async fn report_headcount(
    app: &App,
    actor: &Actor,
    input: &HeadcountInput,
) -> AppResult<DayView> {
    let site_id = crate::scope::site_of(actor, input.site_id)?;
    actor.authorize(Can::VendorWork, site_id)?;
    let vendor_id = input
        .vendor_id
        .or(actor.vendor_id)
        .ok_or_else(|| AppError::invalid("vendor_id", "say which vendor"))?;
    if actor.vendor_id != Some(vendor_id) {
        return Err(AppError::Forbidden);
    }
    if !(0..=500).contains(&input.headcount) {
        return Err(AppError::invalid("headcount", "headcount must be 0–500"));
    }
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let tz = site_tz(w, site_id).await?;
            let day = today(app, &tz)?.to_string();
            store::set_headcount(
                w,
                site_id,
                vendor_id,
                &day,
                input.headcount,
                now,
                &actor.display_name,
            )
            .await?;
            w.audit(
                Some(site_id),
                "headcount",
                "vendor",
                Some(vendor_id),
                serde_json::json!({"day": day, "headcount": input.headcount}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    day_overview(app, actor, site_id, None).await
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VendorDay {
    pub vendor_id: i64,
    pub vendor_name: String,
    pub kind: VendorKind,
    pub planned: i64,
    pub done: i64,
    /// Reported at shift start; null when not reported yet.
    pub headcount: Option<i64>,
    /// The contract's.
    pub headcount_agreed: i64,
    pub open_notices: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DayView {
    pub day: String,
    pub vendors: Vec<VendorDay>,
    pub tasks: Vec<TaskView>,
}

/// A day at a glance: tasks done against planned and headcount against
/// the contract, per vendor.
pub async fn day_overview(
    app: &App,
    actor: &Actor,
    site_id: i64,
    day: Option<Date>,
) -> AppResult<DayView> {
    let only = scope(actor, site_id, None)?;
    let tz = {
        let mut c = app.db.read().await?;
        site_tz(&mut c, site_id).await?
    };
    let day = match day {
        Some(d) => d,
        None => today(app, &tz)?,
    };
    let tasks = tasks(app, actor, site_id, only, day, day).await?;
    let mut c = app.db.read().await?;
    let vendors = store::vendors(&mut c, site_id).await?;
    let heads = store::headcounts(&mut c, site_id, &day.to_string(), &day.to_string()).await?;
    let notices = store::notices(&mut c, site_id, only, true, i64::MAX, 500).await?;
    Ok(DayView {
        day: day.to_string(),
        vendors: vendors
            .into_iter()
            .filter(|v| v.archived == 0 && only.is_none_or(|o| o == v.id))
            .map(|v| VendorDay {
                planned: tasks.iter().filter(|t| t.vendor_id == v.id).count() as i64,
                done: tasks
                    .iter()
                    .filter(|t| t.vendor_id == v.id && t.done_at.is_some())
                    .count() as i64,
                headcount: heads
                    .iter()
                    .find(|h| h.vendor_id == v.id)
                    .map(|h| h.headcount),
                headcount_agreed: v.headcount,
                open_notices: notices.iter().filter(|n| n.vendor_id == v.id).count() as i64,
                kind: v.kind,
                vendor_id: v.id,
                vendor_name: v.name,
            })
            .collect(),
        tasks,
    })
}

/// The vendor's tasks for the next 60 days as iCalendar, by the feed's
/// secret (a calendar app cannot sign in).
pub async fn feed(app: &App, token: &str) -> AppResult<(String, Vec<TaskView>)> {
    let (v, tz) = {
        let mut c = app.db.read().await?;
        let v = store::vendor_by_feed(&mut c, token.trim())
            .await?
            .ok_or(AppError::NotFound("calendar"))?;
        let tz = site_tz(&mut c, v.site_id).await?;
        (v, tz)
    };
    let from = today(app, &tz)?;
    let to = from
        .checked_add(jiff::Span::new().days(60))
        .map_err(|e| AppError::Internal(e.into()))?;
    app.write_as_system(|w| {
        Box::pin(async move {
            ensure_tasks(w, v.site_id, from, to).await?;
            Ok(())
        })
    })
    .await?;
    let mut c = app.db.read().await?;
    let tasks = store::tasks(
        &mut c,
        v.site_id,
        Some(v.id),
        &from.to_string(),
        &to.to_string(),
    )
    .await?
    .into_iter()
    .map(task_view)
    .collect();
    Ok((v.name, tasks))
}
