//! Cleaning, greening and pest control (保洁/绿化/虫控): vendors and their
//! contracts, recurring task plans and the day's tasks, the vendor's
//! headcount, inspections, rectification notices (清洁整改通知书), monthly
//! evaluations, and quality checks of consumables and plant displays. A
//! vendor's account sees and does only its own vendor's part.

use jiff::civil::Date;
use lobby_domain::cleaning::{
    instances, notice_next, prefill, weighted_total, MonthFigures, NoticeAction, NoticeState,
    PlanVersion, Recurrence, VendorKind, DEFAULT_CRITERIA,
};
use lobby_domain::error::{optional_text, required_text};
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_store::cleaning::{self as store, NoticeRow, PlanRow, VendorRow};
use lobby_store::Conn;
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::page::{self, Page};
use crate::{audit, notify, time, Actor, App, AppError, AppResult};

/// May the actor see records of `vendor_id` at `site_id`? Staff who read
/// cleaning see every vendor; a vendor's account only its own.
fn sees(actor: &Actor, site_id: i64, vendor_id: i64) -> bool {
    if !actor.can(Can::CleaningRead, site_id) {
        return false;
    }
    match actor.vendor_id {
        Some(own) if actor.roles_at(site_id).all(|r| r == Role::Vendor) => own == vendor_id,
        _ => true,
    }
}

/// The vendor filter a list applies for this actor.
fn scope(actor: &Actor, site_id: i64, wanted: Option<i64>) -> AppResult<Option<i64>> {
    actor.authorize(Can::CleaningRead, site_id)?;
    match actor.vendor_id {
        Some(own) if actor.roles_at(site_id).all(|r| r == Role::Vendor) => {
            if wanted.is_some_and(|w| w != own) {
                return Err(AppError::Forbidden);
            }
            Ok(Some(own))
        }
        _ => Ok(wanted),
    }
}

fn today(app: &App, tz: &str) -> Date {
    time::local_date(app.now(), tz)
}

async fn site_tz(c: &mut Conn, site_id: i64) -> AppResult<String> {
    Ok(crate::sites::site_row(c, site_id).await?.timezone)
}

// ======================================================================
// Vendors
// ======================================================================

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VendorView {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    /// cleaning | greening | pest_control | plant_rental
    pub kind: VendorKind,
    pub contact_person: Option<String>,
    pub phone: Option<String>,
    pub contract_start: Option<String>,
    pub contract_end: Option<String>,
    /// The areas the contract covers.
    pub scope: Option<String>,
    /// Agreed staff per shift.
    pub headcount: i64,
    pub archived: bool,
    /// The vendor's task calendar (iCalendar) for a calendar app.
    pub feed_path: Option<String>,
}

fn vendor_view(v: VendorRow) -> VendorView {
    VendorView {
        id: v.id,
        site_id: v.site_id,
        kind: v.kind.parse().unwrap_or(VendorKind::Cleaning),
        name: v.name,
        contact_person: v.contact_person,
        phone: v.phone,
        contract_start: v.contract_start,
        contract_end: v.contract_end,
        scope: v.scope,
        headcount: v.headcount,
        archived: v.archived != 0,
        feed_path: v.feed_token.map(|t| format!("/cleaning/feed/{t}.ics")),
    }
}

pub async fn vendors(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<VendorView>> {
    let only = scope(actor, site_id, None)?;
    let mut c = app.db.read().await?;
    Ok(store::vendors(&mut c, site_id)
        .await?
        .into_iter()
        .filter(|v| only.is_none_or(|o| o == v.id))
        .map(vendor_view)
        .collect())
}

pub async fn vendor(app: &App, actor: &Actor, id: i64) -> AppResult<VendorView> {
    let mut c = app.db.read().await?;
    let v = store::vendor(&mut c, id)
        .await?
        .filter(|v| sees(actor, v.site_id, v.id))
        .ok_or(AppError::NotFound("vendor"))?;
    Ok(vendor_view(v))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct VendorInput {
    pub site_id: Option<i64>,
    pub name: String,
    /// cleaning | greening | pest_control | plant_rental
    pub kind: String,
    pub contact_person: Option<String>,
    pub phone: Option<String>,
    /// `2026-01-01`
    pub contract_start: Option<String>,
    pub contract_end: Option<String>,
    pub scope: Option<String>,
    #[serde(default)]
    pub headcount: i64,
    #[serde(default)]
    pub archived: bool,
}

struct VendorFields {
    name: String,
    kind: VendorKind,
    contact: Option<String>,
    phone: Option<String>,
    start: Option<String>,
    end: Option<String>,
    scope: Option<String>,
}

fn vendor_fields(i: &VendorInput) -> AppResult<VendorFields> {
    let date = |field: &str, v: Option<&str>| -> AppResult<Option<String>> {
        match v.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(d) => crate::time::parse_date(field, d).map(|d| Some(d.to_string())),
        }
    };
    let start = date("contract_start", i.contract_start.as_deref())?;
    let end = date("contract_end", i.contract_end.as_deref())?;
    if let (Some(a), Some(b)) = (&start, &end) {
        if b < a {
            return Err(AppError::invalid(
                "contract_end",
                "the contract ends before it starts",
            ));
        }
    }
    if !(0..=500).contains(&i.headcount) {
        return Err(AppError::invalid("headcount", "headcount must be 0–500"));
    }
    Ok(VendorFields {
        name: required_text("name", &i.name, 80)?,
        kind: i.kind.parse()?,
        contact: optional_text("contact_person", i.contact_person.as_deref(), 40)?,
        phone: optional_text("phone", i.phone.as_deref(), 40)?,
        start,
        end,
        scope: optional_text("scope", i.scope.as_deref(), 500)?,
    })
}

pub async fn create_vendor(app: &App, actor: &Actor, input: &VendorInput) -> AppResult<VendorView> {
    let site_id = crate::desk::site_of(actor, input.site_id)?;
    actor.authorize(Can::CleaningManage, site_id)?;
    let f = vendor_fields(input)?;
    let f = &f;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                crate::sites::site_row(w, site_id).await?;
                let token = hex::encode(rand::thread_rng().gen::<[u8; 16]>());
                let id = store::insert_vendor(
                    w,
                    site_id,
                    &store::VendorValues {
                        name: &f.name,
                        kind: f.kind.as_str(),
                        contact_person: f.contact.as_deref(),
                        phone: f.phone.as_deref(),
                        contract_start: f.start.as_deref(),
                        contract_end: f.end.as_deref(),
                        scope: f.scope.as_deref(),
                        headcount: input.headcount,
                        archived: input.archived,
                    },
                    &token,
                    now,
                )
                .await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "vendor",
                    Some(id),
                    serde_json::json!({"name": f.name, "kind": f.kind}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    vendor(app, actor, id).await
}

pub async fn update_vendor(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &VendorInput,
) -> AppResult<VendorView> {
    let f = vendor_fields(input)?;
    let fresh_token = hex::encode(rand::thread_rng().gen::<[u8; 16]>());
    let fresh_token = &fresh_token;
    let f = &f;
    app.write(actor, |w| {
        Box::pin(async move {
            let v = store::vendor(w, id)
                .await?
                .ok_or(AppError::NotFound("vendor"))?;
            actor.authorize(Can::CleaningManage, v.site_id)?;
            store::update_vendor(
                w,
                id,
                &store::VendorValues {
                    name: &f.name,
                    kind: f.kind.as_str(),
                    contact_person: f.contact.as_deref(),
                    phone: f.phone.as_deref(),
                    contract_start: f.start.as_deref(),
                    contract_end: f.end.as_deref(),
                    scope: f.scope.as_deref(),
                    headcount: input.headcount,
                    archived: input.archived,
                },
            )
            .await?;
            if v.feed_token.is_none() {
                store::set_feed_token(w, id, fresh_token).await?;
            }
            w.audit(
                Some(v.site_id),
                "update",
                "vendor",
                Some(id),
                serde_json::json!({"headcount": input.headcount, "archived": input.archived}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    vendor(app, actor, id).await
}

// ======================================================================
// Plans and tasks
// ======================================================================

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanView {
    pub id: i64,
    pub vendor_id: i64,
    pub vendor_name: String,
    pub area: String,
    pub task: String,
    /// daily | weekly | monthly
    pub frequency: String,
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

fn plan_view(p: PlanRow) -> PlanView {
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

fn version_of(p: &PlanRow) -> Option<PlanVersion> {
    Some(PlanVersion {
        plan_id: p.id,
        valid_from: p.valid_from.parse().ok()?,
        valid_until: p.valid_until.as_deref().and_then(|d| d.parse().ok()),
        rule: Recurrence::parse(
            &p.frequency,
            Some(p.times_per_day),
            Some(&p.weekdays),
            Some(p.day_of_month),
        )
        .ok()?,
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

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PlanInput {
    pub site_id: Option<i64>,
    pub vendor_id: i64,
    /// Where: "1F 大堂".
    pub area: String,
    /// What: "地面清洁".
    pub task: String,
    /// daily | weekly | monthly
    pub frequency: String,
    pub times_per_day: Option<i64>,
    /// Weekly: `1,3,5` (Monday = 1 … Sunday = 7).
    pub weekdays: Option<String>,
    /// Monthly: 1–31 (a short month uses its last day).
    pub day_of_month: Option<i64>,
    /// The first day; today when absent (never in the past).
    pub valid_from: Option<String>,
}

async fn plan_values(
    c: &mut Conn,
    app: &App,
    site_id: i64,
    i: &PlanInput,
) -> AppResult<(String, String, Recurrence, Date)> {
    let area = required_text("area", &i.area, 60)?;
    let task = required_text("task", &i.task, 120)?;
    let rule = Recurrence::parse(
        &i.frequency,
        i.times_per_day,
        i.weekdays.as_deref(),
        i.day_of_month,
    )?;
    let tz = site_tz(c, site_id).await?;
    let today = today(app, &tz);
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
    let site_id = crate::desk::site_of(actor, input.site_id)?;
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
                        frequency: rule.frequency.as_str(),
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
                        frequency: rule.frequency.as_str(),
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
            let today = today(app, &tz);
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

fn task_view(t: store::TaskRow) -> TaskView {
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
async fn ensure_tasks(c: &mut Conn, site_id: i64, from: Date, to: Date) -> AppResult<()> {
    let plans = store::plans(c, site_id, None).await?;
    let versions: Vec<PlanVersion> = plans.iter().filter_map(version_of).collect();
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
        Some(p) => Some(crate::tickets::store_photo(app, p).await?.blob),
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
    let site_id = crate::desk::site_of(actor, input.site_id)?;
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
            let day = today(app, &tz).to_string();
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
    let day = day.unwrap_or_else(|| today(app, &tz));
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
                kind: v.kind.parse().unwrap_or(VendorKind::Cleaning),
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
    let from = today(app, &tz);
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

// ======================================================================
// Inspections and rectification notices
// ======================================================================

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InspectionView {
    pub id: i64,
    pub vendor_id: i64,
    pub vendor_name: String,
    pub task_id: Option<i64>,
    pub area: String,
    pub passed: bool,
    /// 0–100
    pub score: i64,
    pub note: Option<String>,
    pub at: String,
    pub by: String,
    pub photos: Vec<i64>,
    /// The notice a failure led to.
    pub notice_id: Option<i64>,
}

fn inspection_view(i: store::InspectionRow, photos: Vec<i64>) -> InspectionView {
    InspectionView {
        id: i.id,
        vendor_id: i.vendor_id,
        vendor_name: i.vendor_name,
        task_id: i.task_id,
        area: i.area,
        passed: i.passed != 0,
        score: i.score,
        note: i.note,
        at: time::rfc3339(i.at),
        by: i.by_name,
        photos,
        notice_id: i.notice_id,
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct InspectionInput {
    pub site_id: Option<i64>,
    /// The vendor (the task's when `task_id` is given).
    pub vendor_id: Option<i64>,
    /// A task of the plan inspected, or give `area`.
    pub task_id: Option<i64>,
    pub area: Option<String>,
    pub passed: bool,
    /// 0–100; 100 for a pass and 50 for a fail when absent.
    pub score: Option<i64>,
    /// Required for a fail: what is wrong.
    pub note: Option<String>,
    /// A failure issues a rectification notice with this deadline (hours; 24 when absent).
    #[serde(default)]
    pub issue_notice: bool,
    pub deadline_hours: Option<i64>,
}

async fn load_inspection(c: &mut Conn, actor: &Actor, id: i64) -> AppResult<InspectionView> {
    let i = store::inspection(c, id)
        .await?
        .filter(|i| sees(actor, i.site_id, i.vendor_id))
        .ok_or(AppError::NotFound("inspection"))?;
    let photos = store::photos(c, "inspection", id)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    Ok(inspection_view(i, photos))
}

pub async fn inspection(app: &App, actor: &Actor, id: i64) -> AppResult<InspectionView> {
    let mut c = app.db.read().await?;
    load_inspection(&mut c, actor, id).await
}

/// Records an inspection (with photos); a failure with `issue_notice`
/// serves a rectification notice in the same transaction.
pub async fn inspect(
    app: &App,
    actor: &Actor,
    input: &InspectionInput,
    photos: &[Vec<u8>],
) -> AppResult<InspectionView> {
    let site_id = crate::desk::site_of(actor, input.site_id)?;
    actor.authorize(Can::CleaningInspect, site_id)?;
    let note = optional_text("note", input.note.as_deref(), 1000)?;
    if !input.passed && note.is_none() {
        return Err(AppError::invalid("note", "say what is wrong"));
    }
    let score = input.score.unwrap_or(if input.passed { 100 } else { 50 });
    if !(0..=100).contains(&score) {
        return Err(AppError::invalid("score", "score must be 0–100"));
    }
    let mut stored = Vec::new();
    for p in photos {
        stored.push(crate::tickets::store_photo(app, p).await?);
    }
    let stored = &stored;
    let note = &note;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let (vendor_id, area, task_id) = match input.task_id {
                    Some(t) => {
                        let t = store::task(w, t)
                            .await?
                            .filter(|t| t.site_id == site_id)
                            .ok_or_else(|| {
                                AppError::invalid("task_id", "no such task at this site")
                            })?;
                        (t.vendor_id, t.area, Some(t.id))
                    }
                    None => {
                        let v = input
                            .vendor_id
                            .ok_or_else(|| AppError::invalid("vendor_id", "say which vendor"))?;
                        let area = required_text("area", input.area.as_deref().unwrap_or(""), 60)?;
                        (v, area, None)
                    }
                };
                match store::vendor(w, vendor_id).await? {
                    Some(v) if v.site_id == site_id => {}
                    _ => {
                        return Err(AppError::invalid(
                            "vendor_id",
                            format!("no vendor {vendor_id} at this site"),
                        ))
                    }
                }
                let id = store::insert_inspection(
                    w,
                    &store::NewInspection {
                        site_id,
                        vendor_id,
                        task_id,
                        area: &area,
                        passed: input.passed,
                        score,
                        note: note.as_deref(),
                        at: now,
                        by_name: &actor.display_name,
                    },
                )
                .await?;
                for p in stored.iter() {
                    store::insert_photo(
                        w,
                        "inspection",
                        id,
                        &p.blob,
                        &p.thumb_blob,
                        p.content_type,
                    )
                    .await?;
                }
                w.audit(
                    Some(site_id),
                    "create",
                    "inspection",
                    Some(id),
                    serde_json::json!({"passed": input.passed, "score": score}),
                )
                .await?;
                if !input.passed && input.issue_notice {
                    let hours = input.deadline_hours.unwrap_or(24);
                    if !(1..=24 * 30).contains(&hours) {
                        return Err(AppError::invalid(
                            "deadline_hours",
                            "deadline_hours must be 1–720",
                        ));
                    }
                    let notice = issue_in(
                        w,
                        now,
                        actor,
                        site_id,
                        vendor_id,
                        Some(id),
                        None,
                        note.as_deref().unwrap_or(""),
                        &area,
                        now + hours * 3_600_000_000,
                    )
                    .await?;
                    for p in stored.iter() {
                        store::insert_photo(
                            w,
                            "notice",
                            notice,
                            &p.blob,
                            &p.thumb_blob,
                            p.content_type,
                        )
                        .await?;
                    }
                }
                Ok(id)
            })
        })
        .await?;
    inspection(app, actor, id).await
}

pub async fn inspections(
    app: &App,
    actor: &Actor,
    site_id: i64,
    vendor_id: Option<i64>,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> AppResult<Page<InspectionView>> {
    let only = scope(actor, site_id, vendor_id)?;
    let limit = page::limit(limit)?;
    let before = page::decode(cursor)?.map(|(_, id)| id).unwrap_or(i64::MAX);
    let mut c = app.db.read().await?;
    let rows = store::inspections(&mut c, site_id, only, 0, i64::MAX, before, limit + 1).await?;
    Ok(page::finish(
        rows,
        limit,
        |r| (String::new(), r.id),
        |r| inspection_view(r, Vec::new()),
    ))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoticeEventView {
    pub at: String,
    pub by: String,
    pub action: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoticeView {
    pub id: i64,
    pub site_id: i64,
    pub vendor_id: i64,
    pub vendor_name: String,
    /// ZG-0007
    pub number: String,
    pub inspection_id: Option<i64>,
    pub ticket_id: Option<i64>,
    pub problem: String,
    pub location: String,
    pub deadline_at: String,
    /// issued | acknowledged | fixed | closed
    pub state: NoticeState,
    pub overdue: bool,
    pub issued_at: String,
    pub issued_by: String,
    pub acknowledged_at: Option<String>,
    pub fixed_at: Option<String>,
    pub closed_at: Option<String>,
    pub version: i64,
    pub events: Vec<NoticeEventView>,
    pub photos: Vec<i64>,
}

fn notice_view(
    n: NoticeRow,
    now: i64,
    events: Vec<store::NoticeEventRow>,
    photos: Vec<i64>,
) -> NoticeView {
    let state: NoticeState = n.state.parse().unwrap_or(NoticeState::Issued);
    NoticeView {
        id: n.id,
        site_id: n.site_id,
        vendor_id: n.vendor_id,
        vendor_name: n.vendor_name,
        number: n.number,
        inspection_id: n.inspection_id,
        ticket_id: n.ticket_id,
        problem: n.problem,
        location: n.location,
        deadline_at: time::rfc3339(n.deadline_at),
        overdue: state != NoticeState::Closed && state != NoticeState::Fixed && n.deadline_at < now,
        state,
        issued_at: time::rfc3339(n.issued_at),
        issued_by: n.issued_by,
        acknowledged_at: time::rfc3339_opt(n.acknowledged_at),
        fixed_at: time::rfc3339_opt(n.fixed_at),
        closed_at: time::rfc3339_opt(n.closed_at),
        version: n.version,
        events: events
            .into_iter()
            .map(|e| NoticeEventView {
                at: time::rfc3339(e.at),
                by: e.actor_name,
                action: e.action,
                note: e.note,
            })
            .collect(),
        photos,
    }
}

#[allow(clippy::too_many_arguments)]
async fn issue_in(
    tx: &mut lobby_store::Tx,
    now: i64,
    actor: &Actor,
    site_id: i64,
    vendor_id: i64,
    inspection_id: Option<i64>,
    ticket_id: Option<i64>,
    problem: &str,
    location: &str,
    deadline_at: i64,
) -> AppResult<i64> {
    let problem = required_text("problem", problem, 1000)?;
    let location = required_text("location", location, 120)?;
    if deadline_at <= now {
        return Err(AppError::invalid(
            "deadline_at",
            "the deadline must be in the future",
        ));
    }
    let n = store::count_notices(tx, site_id).await? + 1;
    let number = format!("ZG-{n:04}");
    let id = store::insert_notice(
        tx,
        &store::NewNotice {
            site_id,
            vendor_id,
            number: &number,
            inspection_id,
            ticket_id,
            problem: &problem,
            location: &location,
            deadline_at,
            issued_at: now,
            issued_by: &actor.display_name,
        },
    )
    .await?;
    store::insert_notice_event(tx, id, now, &actor.display_name, "issue", Some(&problem)).await?;
    let title = format!("清洁整改通知书 Rectification notice {number}");
    for user_id in lobby_store::users::of_vendor(tx, vendor_id).await? {
        lobby_store::notify::insert(
            tx,
            &lobby_store::notify::NewNotification {
                site_id: Some(site_id),
                user_id,
                kind: "notice",
                title: &title,
                body: &format!("{location}: {problem}"),
                link: Some(&format!("/cleaning/notices/{id}")),
                now,
            },
        )
        .await?;
    }
    audit::record(tx, now, actor, Some(site_id), "create", "rectification_notice", Some(id), serde_json::json!({"number": number, "vendor_id": vendor_id, "inspection_id": inspection_id, "ticket_id": ticket_id})).await?;
    Ok(id)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NoticeInput {
    pub site_id: Option<i64>,
    pub vendor_id: i64,
    /// The failed inspection it follows, if any.
    pub inspection_id: Option<i64>,
    /// A tenant's cleaning complaint (a work order of department cleaning), if any.
    pub ticket_id: Option<i64>,
    pub problem: String,
    pub location: String,
    /// RFC 3339; or give `deadline_hours`.
    pub deadline_at: Option<String>,
    pub deadline_hours: Option<i64>,
}

/// Serves a rectification notice on a vendor (after a failed inspection or
/// a tenant's cleaning complaint).
pub async fn issue_notice(app: &App, actor: &Actor, input: &NoticeInput) -> AppResult<NoticeView> {
    let site_id = crate::desk::site_of(actor, input.site_id)?;
    actor.authorize(Can::CleaningInspect, site_id)?;
    let now = app.now();
    let deadline = match (
        input.deadline_at.as_deref().filter(|d| !d.is_empty()),
        input.deadline_hours,
    ) {
        (Some(d), _) => crate::time::parse_instant("deadline_at", d)?.as_microsecond(),
        (None, Some(h)) if (1..=720).contains(&h) => now + h * 3_600_000_000,
        (None, Some(_)) => {
            return Err(AppError::invalid(
                "deadline_hours",
                "deadline_hours must be 1–720",
            ))
        }
        (None, None) => now + 24 * 3_600_000_000,
    };
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                match store::vendor(w, input.vendor_id).await? {
                    Some(v) if v.site_id == site_id => {}
                    _ => {
                        return Err(AppError::invalid(
                            "vendor_id",
                            format!("no vendor {} at this site", input.vendor_id),
                        ))
                    }
                }
                if let Some(t) = input.ticket_id {
                    match lobby_store::tickets::get(w, t).await? {
                        Some(k) if k.site_id == site_id => {}
                        _ => {
                            return Err(AppError::invalid(
                                "ticket_id",
                                format!("no work order {t} at this site"),
                            ))
                        }
                    }
                }
                if let Some(i) = input.inspection_id {
                    match store::inspection(w, i).await? {
                        Some(x) if x.site_id == site_id && x.vendor_id == input.vendor_id => {}
                        _ => {
                            return Err(AppError::invalid(
                                "inspection_id",
                                format!("no inspection {i} of this vendor"),
                            ))
                        }
                    }
                }
                let id = issue_in(
                    w,
                    now,
                    actor,
                    site_id,
                    input.vendor_id,
                    input.inspection_id,
                    input.ticket_id,
                    &input.problem,
                    &input.location,
                    deadline,
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    notice(app, actor, id).await
}

async fn load_notice(c: &mut Conn, actor: &Actor, id: i64, now: i64) -> AppResult<NoticeView> {
    let n = store::notice(c, id)
        .await?
        .filter(|n| sees(actor, n.site_id, n.vendor_id))
        .ok_or(AppError::NotFound("notice"))?;
    let events = store::notice_events(c, id).await?;
    let photos = store::photos(c, "notice", id)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    Ok(notice_view(n, now, events, photos))
}

pub async fn notice(app: &App, actor: &Actor, id: i64) -> AppResult<NoticeView> {
    let mut c = app.db.read().await?;
    load_notice(&mut c, actor, id, app.now()).await
}

pub async fn notices(
    app: &App,
    actor: &Actor,
    site_id: i64,
    vendor_id: Option<i64>,
    open_only: bool,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> AppResult<Page<NoticeView>> {
    let only = scope(actor, site_id, vendor_id)?;
    let limit = page::limit(limit)?;
    let before = page::decode(cursor)?.map(|(_, id)| id).unwrap_or(i64::MAX);
    let now = app.now();
    let mut c = app.db.read().await?;
    let rows = store::notices(&mut c, site_id, only, open_only, before, limit + 1).await?;
    Ok(page::finish(
        rows,
        limit,
        |r| (String::new(), r.id),
        |r| notice_view(r, now, Vec::new(), Vec::new()),
    ))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NoticeActionInput {
    /// acknowledge | report_fix (the vendor); close | send_back (the inspector)
    pub action: String,
    /// What was done / why it is sent back (required for report_fix and send_back).
    pub note: Option<String>,
    /// 409 `version_conflict` when the notice changed meanwhile.
    pub expected_version: Option<i64>,
}

/// The notice's round: the vendor acknowledges and reports the fix; the
/// inspector re-inspects and closes it or sends it back.
pub async fn act_notice(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &NoticeActionInput,
) -> AppResult<NoticeView> {
    let action: NoticeAction = input.action.parse()?;
    let note = optional_text("note", input.note.as_deref(), 1000)?;
    if matches!(action, NoticeAction::ReportFix | NoticeAction::SendBack) && note.is_none() {
        return Err(AppError::invalid(
            "note",
            "say what was done, or why it is not accepted",
        ));
    }
    let note = &note;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let n = store::notice(w, id)
                .await?
                .filter(|n| sees(actor, n.site_id, n.vendor_id))
                .ok_or(AppError::NotFound("notice"))?;
            let need = match action {
                NoticeAction::Acknowledge | NoticeAction::ReportFix => Can::VendorWork,
                NoticeAction::Close | NoticeAction::SendBack => Can::CleaningInspect,
            };
            actor.authorize(need, n.site_id)?;
            if input.expected_version.is_some_and(|v| v != n.version) {
                return Err(AppError::VersionConflict);
            }
            let from: NoticeState = n.state.parse()?;
            let to = notice_next(from, action).map_err(AppError::InvalidTransition)?;
            let stamp = match action {
                NoticeAction::Acknowledge => Some("acknowledged_at"),
                NoticeAction::ReportFix => Some("fixed_at"),
                NoticeAction::Close => Some("closed_at"),
                NoticeAction::SendBack => None,
            };
            if !store::move_notice(w, id, n.version, to.as_str(), stamp, now).await? {
                return Err(AppError::VersionConflict);
            }
            store::insert_notice_event(
                w,
                id,
                now,
                &actor.display_name,
                action.as_str(),
                note.as_deref(),
            )
            .await?;
            let link = format!("/cleaning/notices/{id}");
            let title = format!("{} {}: {}", n.number, action.as_str(), n.location);
            match action {
                NoticeAction::ReportFix => {
                    notify::to_role(
                        w,
                        now,
                        n.site_id,
                        Role::FieldAssistant,
                        "notice",
                        &title,
                        note.as_deref().unwrap_or(""),
                        Some(&link),
                    )
                    .await?;
                }
                NoticeAction::SendBack | NoticeAction::Close => {
                    for user_id in lobby_store::users::of_vendor(w, n.vendor_id).await? {
                        lobby_store::notify::insert(
                            w,
                            &lobby_store::notify::NewNotification {
                                site_id: Some(n.site_id),
                                user_id,
                                kind: "notice",
                                title: &title,
                                body: note.as_deref().unwrap_or(""),
                                link: Some(&link),
                                now,
                            },
                        )
                        .await?;
                    }
                }
                NoticeAction::Acknowledge => {}
            }
            w.audit(
                Some(n.site_id),
                "update",
                "rectification_notice",
                Some(id),
                serde_json::json!({"action": action, "from": from, "to": to}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    notice(app, actor, id).await
}

/// The overdue-notice job: each open notice past its deadline is flagged
/// once and the supervisor and the vendor are told.
pub async fn overdue_sweep(app: &App) -> AppResult<usize> {
    let now = app.now();
    let rows = {
        let mut c = app.db.read().await?;
        store::overdue_unflagged(&mut c, now).await?
    };
    let mut n = 0;
    for r in rows {
        if r.state == "fixed" {
            continue;
        }
        let r = &r;
        let done = app
            .write_as_system(|w| {
                Box::pin(async move {
                    let now = w.now();
                    if !store::flag_overdue(w, r.id, now).await? {
                        return Ok(false);
                    }
                    let title = format!("整改逾期 Notice overdue {}: {}", r.number, r.vendor_name);
                    let link = format!("/cleaning/notices/{}", r.id);
                    notify::to_role(
                        w,
                        now,
                        r.site_id,
                        Role::CsSupervisor,
                        "notice_overdue",
                        &title,
                        &r.problem,
                        Some(&link),
                    )
                    .await?;
                    for user_id in lobby_store::users::of_vendor(w, r.vendor_id).await? {
                        lobby_store::notify::insert(
                            w,
                            &lobby_store::notify::NewNotification {
                                site_id: Some(r.site_id),
                                user_id,
                                kind: "notice_overdue",
                                title: &title,
                                body: &r.problem,
                                link: Some(&link),
                                now,
                            },
                        )
                        .await?;
                    }
                    w.audit(
                        Some(r.site_id),
                        "overdue",
                        "rectification_notice",
                        Some(r.id),
                        serde_json::json!({}),
                    )
                    .await?;
                    Ok(true)
                })
            })
            .await?;
        n += usize::from(done);
    }
    Ok(n)
}

/// A photo of an inspection or a notice the actor may see.
pub async fn photo_bytes(
    app: &App,
    actor: &Actor,
    id: i64,
    thumb: bool,
) -> AppResult<(String, Vec<u8>)> {
    let mut c = app.db.read().await?;
    let p = store::photo(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("photo"))?;
    match p.owner.as_str() {
        "inspection" => {
            load_inspection(&mut c, actor, p.owner_id).await?;
        }
        _ => {
            load_notice(&mut c, actor, p.owner_id, 0).await?;
        }
    }
    drop(c);
    if thumb {
        Ok(("image/jpeg".into(), app.blobs.get(&p.thumb_blob).await?))
    } else {
        Ok((p.content_type, app.blobs.get(&p.blob).await?))
    }
}

// ======================================================================
// Evaluations
// ======================================================================

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CriterionView {
    pub code: String,
    pub name: String,
    /// Percent; the weights of a site add up to 100.
    pub weight: i64,
}

/// A site's criteria: its own, else the defaults.
pub async fn criteria(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<CriterionView>> {
    actor.authorize(Can::CleaningRead, site_id)?;
    let mut c = app.db.read().await?;
    criteria_in(&mut c, site_id).await
}

async fn criteria_in(c: &mut Conn, site_id: i64) -> AppResult<Vec<CriterionView>> {
    let rows = store::criteria(c, site_id).await?;
    if rows.is_empty() {
        return Ok(DEFAULT_CRITERIA
            .iter()
            .map(|(code, name, w)| CriterionView {
                code: (*code).into(),
                name: (*name).into(),
                weight: *w,
            })
            .collect());
    }
    Ok(rows
        .into_iter()
        .filter(|r| r.archived == 0)
        .map(|r| CriterionView {
            code: r.code,
            name: r.name,
            weight: r.weight,
        })
        .collect())
}

/// Replaces a site's criteria (weights must add up to 100).
pub async fn set_criteria(
    app: &App,
    actor: &Actor,
    site_id: i64,
    list: &[CriterionView],
) -> AppResult<Vec<CriterionView>> {
    actor.authorize(Can::CleaningEvaluate, site_id)?;
    if list.is_empty()
        || list.iter().map(|c| c.weight).sum::<i64>() != 100
        || list.iter().any(|c| c.weight <= 0)
    {
        return Err(AppError::invalid(
            "weight",
            "weights are positive and add up to 100",
        ));
    }
    app.write(actor, |w| {
        Box::pin(async move {
            let old = store::criteria(w, site_id).await?;
            for o in &old {
                if !list.iter().any(|c| c.code == o.code) {
                    store::upsert_criterion(w, site_id, &o.code, &o.name, o.weight, true).await?;
                }
            }
            for (i, c) in list.iter().enumerate() {
                let code =
                    lobby_domain::error::code_text(&format!("criteria[{i}].code"), &c.code, 30)?;
                let name = required_text(&format!("criteria[{i}].name"), &c.name, 30)?;
                store::upsert_criterion(w, site_id, &code, &name, c.weight, false).await?;
            }
            w.audit(
                Some(site_id),
                "update",
                "eval_criteria",
                None,
                serde_json::to_value(list).unwrap_or_default(),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    criteria(app, actor, site_id).await
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Figures {
    pub inspections: i64,
    pub inspections_passed: i64,
    pub tasks_planned: i64,
    pub tasks_done: i64,
    pub heads_contracted: i64,
    pub heads_reported: i64,
    pub notices: i64,
    pub notices_closed_in_time: i64,
    pub complaints: i64,
    pub quality_checks_failed: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScoreView {
    pub code: String,
    pub name: String,
    pub weight: i64,
    /// From the month's figures.
    pub prefilled: i64,
    /// As the supervisor set it.
    pub score: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvaluationView {
    /// null for a draft not saved yet.
    pub id: Option<i64>,
    pub vendor_id: i64,
    pub vendor_name: String,
    /// `2026-11`
    pub month: String,
    /// Weighted total, 0–100 with one decimal.
    pub total: f64,
    pub figures: Figures,
    pub scores: Vec<ScoreView>,
    pub note: Option<String>,
    pub by: Option<String>,
    pub at: Option<String>,
}

fn month_span(month: &str) -> AppResult<(Date, Date)> {
    crate::time::parse_month("month", month)
}

async fn figures(
    c: &mut Conn,
    site_id: i64,
    vendor_id: i64,
    month: &str,
    now: i64,
) -> AppResult<Figures> {
    let (first, last) = month_span(month)?;
    let tz = site_tz(c, site_id).await?;
    let start = crate::desk::day_span(first, &tz).0;
    let end = crate::desk::day_span(last, &tz).1;
    ensure_tasks(c, site_id, first, last.min(time::local_date(now, &tz))).await?;
    let tasks = store::tasks(
        c,
        site_id,
        Some(vendor_id),
        &first.to_string(),
        &last.to_string(),
    )
    .await?;
    let today = time::local_date(now, &tz).to_string();
    let planned: Vec<&store::TaskRow> = tasks.iter().filter(|t| t.day <= today).collect();
    let ins = store::inspections(c, site_id, Some(vendor_id), start, end, i64::MAX, 10_000).await?;
    let v = store::vendor(c, vendor_id)
        .await?
        .ok_or(AppError::NotFound("vendor"))?;
    let heads = store::headcounts(c, site_id, &first.to_string(), &last.to_string()).await?;
    let mine: Vec<&store::HeadcountRow> =
        heads.iter().filter(|h| h.vendor_id == vendor_id).collect();
    let notices: Vec<NoticeRow> =
        store::notices(c, site_id, Some(vendor_id), false, i64::MAX, 10_000)
            .await?
            .into_iter()
            .filter(|n| n.issued_at >= start && n.issued_at < end)
            .collect();
    let quality = store::quality_checks(c, site_id, Some(vendor_id), start, end).await?;
    Ok(Figures {
        inspections: ins.len() as i64,
        inspections_passed: ins.iter().filter(|i| i.passed != 0).count() as i64,
        tasks_planned: planned.len() as i64,
        tasks_done: planned.iter().filter(|t| t.done_at.is_some()).count() as i64,
        heads_contracted: v.headcount * mine.len() as i64,
        heads_reported: mine.iter().map(|h| h.headcount.min(v.headcount)).sum(),
        notices: notices.len() as i64,
        notices_closed_in_time: notices
            .iter()
            .filter(|n| {
                n.closed_at.is_some_and(|c| c <= n.deadline_at)
                    || n.fixed_at.is_some_and(|f| f <= n.deadline_at)
            })
            .count() as i64,
        complaints: if v.kind == "cleaning" {
            store::cleaning_complaints(c, site_id, start, end).await?
        } else {
            0
        },
        quality_checks_failed: quality.iter().filter(|q| q.passed == 0).count() as i64,
    })
}

fn month_figures(f: &Figures) -> MonthFigures {
    MonthFigures {
        // A failed consumable or plant check counts as a failed inspection.
        inspections: f.inspections + f.quality_checks_failed,
        inspections_passed: f.inspections_passed,
        tasks_planned: f.tasks_planned,
        tasks_done: f.tasks_done,
        heads_contracted: f.heads_contracted,
        heads_reported: f.heads_reported,
        notices: f.notices,
        notices_closed_in_time: f.notices_closed_in_time,
        complaints: f.complaints,
    }
}

/// The month's evaluation of a vendor: the saved one, else a draft
/// pre-filled from the month's figures.
pub async fn evaluation(
    app: &App,
    actor: &Actor,
    vendor_id: i64,
    month: &str,
) -> AppResult<EvaluationView> {
    let (v, figs, crit, saved) = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let v = store::vendor(w, vendor_id)
                    .await?
                    .filter(|v| sees(actor, v.site_id, v.id))
                    .ok_or(AppError::NotFound("vendor"))?;
                let figs = figures(w, v.site_id, vendor_id, month, now).await?;
                let crit = criteria_in(w, v.site_id).await?;
                let saved = store::evaluations(w, v.site_id, Some(vendor_id))
                    .await?
                    .into_iter()
                    .find(|e| e.month == month.trim());
                Ok((v, figs, crit, saved))
            })
        })
        .await?;
    let mf = month_figures(&figs);
    match saved {
        Some(e) => {
            let mut c = app.db.read().await?;
            let scores = store::scores(&mut c, e.id).await?;
            Ok(EvaluationView {
                id: Some(e.id),
                vendor_id,
                vendor_name: v.name,
                month: e.month,
                total: e.total as f64 / 10.0,
                figures: figs,
                scores: scores
                    .into_iter()
                    .map(|s| ScoreView {
                        code: s.code,
                        name: s.name,
                        weight: s.weight,
                        prefilled: s.prefilled,
                        score: s.score,
                    })
                    .collect(),
                note: e.note,
                by: Some(e.by_name),
                at: Some(time::rfc3339(e.at)),
            })
        }
        None => {
            let scores: Vec<ScoreView> = crit
                .into_iter()
                .map(|c| {
                    let p = prefill(&c.code, &mf);
                    ScoreView {
                        code: c.code,
                        name: c.name,
                        weight: c.weight,
                        prefilled: p,
                        score: p,
                    }
                })
                .collect();
            let total = weighted_total(
                &scores
                    .iter()
                    .map(|s| (s.score, s.weight))
                    .collect::<Vec<_>>(),
            );
            Ok(EvaluationView {
                id: None,
                vendor_id,
                vendor_name: v.name,
                month: month.trim().into(),
                total: total as f64 / 10.0,
                figures: figs,
                scores,
                note: None,
                by: None,
                at: None,
            })
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EvaluationInput {
    /// `2026-11` (the path's month over the API).
    #[serde(default)]
    pub month: String,
    /// code → score (0–100); a criterion left out keeps its pre-filled score.
    #[serde(default)]
    pub scores: std::collections::BTreeMap<String, i64>,
    pub note: Option<String>,
}

/// Saves (or revises) the month's evaluation with the supervisor's scores.
pub async fn save_evaluation(
    app: &App,
    actor: &Actor,
    vendor_id: i64,
    input: &EvaluationInput,
) -> AppResult<EvaluationView> {
    let draft = evaluation(app, actor, vendor_id, &input.month).await?;
    let site_id = {
        let mut c = app.db.read().await?;
        store::vendor(&mut c, vendor_id)
            .await?
            .ok_or(AppError::NotFound("vendor"))?
            .site_id
    };
    actor.authorize(Can::CleaningEvaluate, site_id)?;
    let note = optional_text("note", input.note.as_deref(), 2000)?;
    for (code, s) in &input.scores {
        if !draft.scores.iter().any(|x| &x.code == code) {
            return Err(AppError::invalid(
                &format!("scores.{code}"),
                "no such criterion",
            ));
        }
        if !(0..=100).contains(s) {
            return Err(AppError::invalid(
                &format!("scores.{code}"),
                "a score is 0–100",
            ));
        }
    }
    let scores: Vec<ScoreView> = draft
        .scores
        .iter()
        .cloned()
        .map(|s| ScoreView {
            score: input.scores.get(&s.code).copied().unwrap_or(s.score),
            ..s
        })
        .collect();
    let total = weighted_total(
        &scores
            .iter()
            .map(|s| (s.score, s.weight))
            .collect::<Vec<_>>(),
    );
    let scores = &scores;
    let note = &note;
    let draft = &draft;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let id = store::upsert_evaluation(
                w,
                site_id,
                vendor_id,
                &draft.month,
                total,
                &serde_json::to_string(&draft.figures).unwrap_or_default(),
                note.as_deref(),
                &actor.display_name,
                now,
            )
            .await?;
            store::delete_evaluation_scores(w, id).await?;
            for s in scores.iter() {
                store::insert_score(w, id, &s.code, &s.name, s.weight, s.prefilled, s.score)
                    .await?;
            }
            w.audit(
                Some(site_id),
                "evaluate",
                "vendor",
                Some(vendor_id),
                serde_json::json!({"month": draft.month, "total": total}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    evaluation(app, actor, vendor_id, &draft.month).await
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvaluationRowView {
    pub id: i64,
    pub vendor_id: i64,
    pub vendor_name: String,
    pub month: String,
    pub total: f64,
    pub by: String,
}

/// Saved evaluations, newest month first (a vendor: its own).
pub async fn evaluations(
    app: &App,
    actor: &Actor,
    site_id: i64,
    vendor_id: Option<i64>,
) -> AppResult<Vec<EvaluationRowView>> {
    let only = scope(actor, site_id, vendor_id)?;
    let mut c = app.db.read().await?;
    Ok(store::evaluations(&mut c, site_id, only)
        .await?
        .into_iter()
        .map(|e| EvaluationRowView {
            id: e.id,
            vendor_id: e.vendor_id,
            vendor_name: e.vendor_name,
            month: e.month,
            total: e.total as f64 / 10.0,
            by: e.by_name,
        })
        .collect())
}

/// The evaluations as an XLSX workbook (one row per vendor and month).
pub fn evaluations_xlsx(rows: &[EvaluationRowView]) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("考评").map_err(err)?;
    let bold = Format::new().set_bold();
    for (i, h) in ["月份 Month", "单位 Vendor", "得分 Score", "考评人 By"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, i as u16, *h, &bold)
            .map_err(err)?;
    }
    for (r, e) in rows.iter().enumerate() {
        let y = 1 + r as u32;
        ws.write_string(y, 0, &e.month).map_err(err)?;
        ws.write_string(y, 1, &e.vendor_name).map_err(err)?;
        ws.write_number(y, 2, e.total).map_err(err)?;
        ws.write_string(y, 3, &e.by).map_err(err)?;
    }
    wb.save_to_buffer().map_err(err)
}

// ======================================================================
// Consumables and plants
// ======================================================================

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QualityView {
    pub id: i64,
    pub vendor_id: Option<i64>,
    pub vendor_name: Option<String>,
    /// consumable | plant
    pub kind: String,
    /// The item (消耗品) or the area of the plant display.
    pub subject: String,
    pub supplier: Option<String>,
    pub passed: bool,
    /// A plant replaced on the spot.
    pub replaced: bool,
    pub note: Option<String>,
    pub at: String,
    pub by: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct QualityInput {
    pub site_id: Option<i64>,
    /// consumable | plant
    pub kind: String,
    pub vendor_id: Option<i64>,
    pub subject: String,
    pub supplier: Option<String>,
    pub passed: bool,
    #[serde(default)]
    pub replaced: bool,
    pub note: Option<String>,
}

pub async fn record_quality(
    app: &App,
    actor: &Actor,
    input: &QualityInput,
) -> AppResult<QualityView> {
    let site_id = crate::desk::site_of(actor, input.site_id)?;
    actor.authorize(Can::CleaningInspect, site_id)?;
    if !matches!(input.kind.as_str(), "consumable" | "plant") {
        return Err(AppError::invalid(
            "kind",
            "kind must be consumable or plant",
        ));
    }
    let subject = required_text("subject", &input.subject, 80)?;
    let supplier = optional_text("supplier", input.supplier.as_deref(), 80)?;
    let note = optional_text("note", input.note.as_deref(), 500)?;
    if !input.passed && note.is_none() {
        return Err(AppError::invalid("note", "say what is wrong"));
    }
    let supplier = &supplier;
    let subject = &subject;
    let note = &note;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                if let Some(v) = input.vendor_id {
                    match store::vendor(w, v).await? {
                        Some(x) if x.site_id == site_id => {}
                        _ => {
                            return Err(AppError::invalid(
                                "vendor_id",
                                format!("no vendor {v} at this site"),
                            ))
                        }
                    }
                }
                let id = store::insert_quality(
                    w,
                    &store::NewQuality {
                        site_id,
                        vendor_id: input.vendor_id,
                        kind: &input.kind,
                        subject,
                        supplier: supplier.as_deref(),
                        passed: input.passed,
                        replaced: input.replaced,
                        note: note.as_deref(),
                        at: now,
                        by_name: &actor.display_name,
                    },
                )
                .await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "quality_check",
                    Some(id),
                    serde_json::json!({"kind": input.kind, "passed": input.passed}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    quality_checks(app, actor, site_id, None)
        .await?
        .into_iter()
        .find(|q| q.id == id)
        .ok_or(AppError::NotFound("check"))
}

pub async fn quality_checks(
    app: &App,
    actor: &Actor,
    site_id: i64,
    vendor_id: Option<i64>,
) -> AppResult<Vec<QualityView>> {
    let only = scope(actor, site_id, vendor_id)?;
    let mut c = app.db.read().await?;
    Ok(store::quality_checks(&mut c, site_id, only, 0, i64::MAX)
        .await?
        .into_iter()
        .map(|q| QualityView {
            id: q.id,
            vendor_id: q.vendor_id,
            vendor_name: q.vendor_name,
            kind: q.kind,
            subject: q.subject,
            supplier: q.supplier,
            passed: q.passed != 0,
            replaced: q.replaced != 0,
            note: q.note,
            at: time::rfc3339(q.at),
            by: q.by_name,
        })
        .collect())
}
