//! Training (培训): the supervisor records a session (topic, trainer, day,
//! hours) with each person's result (pass, fail, absent; a score); a
//! vendor's own session is checked the same way with its headcount (the
//! cleaning assistant's duty). Each person's record lists what they
//! attended and their hours.

use lobby_domain::error::{optional_text, required_text};
use lobby_domain::policy::Action as Can;
use lobby_domain::training::{parse_hours, TrainingResult, MAX_ATTENDEES};
use lobby_store::training::{self as store, NewTraining};
use serde::{Deserialize, Serialize};

use crate::{time, Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttendeeView {
    pub user_id: i64,
    pub name: String,
    pub result: TrainingResult,
    pub score: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrainingView {
    pub id: i64,
    pub site_id: i64,
    pub topic: String,
    pub trainer: String,
    /// `2026-11-20`
    pub held_on: String,
    pub minutes: i64,
    /// A vendor's own session, checked.
    pub vendor_id: Option<i64>,
    pub vendor_name: Option<String>,
    pub vendor_headcount: Option<i64>,
    pub note: Option<String>,
    pub recorded_by: String,
    pub attendees: Vec<AttendeeView>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct AttendeeInput {
    pub user_id: i64,
    pub result: TrainingResult,
    /// 0–100.
    pub score: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct TrainingInput {
    pub site_id: i64,
    pub topic: String,
    pub trainer: String,
    /// `YYYY-MM-DD`, not after today.
    pub held_on: String,
    /// `1.5`: quarter hours, at most 40.
    pub hours: String,
    /// A vendor's session, checked: the vendor and how many of its people.
    pub vendor_id: Option<i64>,
    pub vendor_headcount: Option<i64>,
    pub note: Option<String>,
    /// The department's people who were to attend (none for a vendor's).
    #[serde(default)]
    pub attendees: Vec<AttendeeInput>,
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
pub struct TrainingQuery {
    pub site_id: i64,
    /// `2026-11`; this month when absent.
    pub month: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonHours {
    pub user_id: i64,
    pub name: String,
    /// Minutes at sessions attended (not absent) in the span.
    pub minutes: i64,
    pub sessions: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrainingMonth {
    pub site_id: i64,
    pub month: String,
    pub items: Vec<TrainingView>,
    /// The department's hours per person (vendors' sessions left out).
    pub hours: Vec<PersonHours>,
    pub total_minutes: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrainingRecord {
    pub user_id: i64,
    pub name: String,
    pub items: Vec<TrainingView>,
    /// Minutes at sessions attended, all time.
    pub minutes: i64,
}

fn views(
    rows: Vec<store::TrainingRow>,
    att: &[store::AttendeeRow],
) -> AppResult<Vec<TrainingView>> {
    rows.into_iter()
        .map(|t| {
            Ok(TrainingView {
                attendees: att
                    .iter()
                    .filter(|a| a.training_id == t.id)
                    .map(|a| {
                        Ok(AttendeeView {
                            user_id: a.user_id,
                            name: a.name.clone(),
                            result: a.result,
                            score: a.score,
                        })
                    })
                    .collect::<AppResult<_>>()?,
                id: t.id,
                site_id: t.site_id,
                topic: t.topic,
                trainer: t.trainer,
                held_on: t.held_on,
                minutes: t.minutes,
                vendor_id: t.vendor_id,
                vendor_name: t.vendor_name,
                vendor_headcount: t.vendor_headcount,
                note: t.note,
                recorded_by: t.recorded_by,
            })
        })
        .collect()
}

/// Records a session with its results.
pub async fn record(app: &App, actor: &Actor, input: &TrainingInput) -> AppResult<TrainingView> {
    actor.authorize(Can::TrainingManage, input.site_id)?;
    if input.attendees.len() > MAX_ATTENDEES {
        return Err(AppError::invalid(
            "attendees",
            format!("a session lists at most {MAX_ATTENDEES} people"),
        ));
    }
    let topic = required_text("topic", &input.topic, 100)?;
    let trainer = required_text("trainer", &input.trainer, 60)?;
    let note = optional_text("note", input.note.as_deref(), 500)?;
    let minutes = parse_hours("hours", &input.hours)?;
    let held_on = time::parse_date("held_on", &input.held_on)?;
    if input.vendor_id.is_none() && input.attendees.is_empty() {
        return Err(AppError::invalid(
            "attendees",
            "list who was to attend (or name the vendor whose session it was)",
        ));
    }
    if input
        .vendor_headcount
        .is_some_and(|n| !(1..=1000).contains(&n))
    {
        return Err(AppError::invalid(
            "vendor_headcount",
            "from 1 to 1,000 people",
        ));
    }
    let mut att = Vec::new();
    for (i, a) in input.attendees.iter().enumerate() {
        let result = a.result;
        if a.score.is_some_and(|s| !(0..=100).contains(&s)) {
            return Err(AppError::invalid(
                &format!("attendees[{i}].score"),
                "a score from 0 to 100",
            ));
        }
        if att.iter().any(|(u, _, _)| *u == a.user_id) {
            return Err(AppError::invalid(
                &format!("attendees[{i}].user_id"),
                "listed twice",
            ));
        }
        att.push((a.user_id, result, a.score));
    }
    let (topic, trainer, note, att) = (&topic, &trainer, &note, &att);
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let site = crate::scope::site_row(w, input.site_id).await?;
            if held_on > time::local_date(now, &site.timezone)? {
                return Err(AppError::invalid("held_on", "a session is recorded once held"));
            }
            if let Some(v) = input.vendor_id {
                match lobby_store::cleaning::vendor(w, v).await? {
                    Some(row) if row.site_id == input.site_id => {}
                    _ => return Err(AppError::invalid("vendor_id", "no such vendor at this site")),
                }
            }
            let staff = crate::shifts::people(w, input.site_id).await?;
            for (i, (u, _, _)) in att.iter().enumerate() {
                if !staff.iter().any(|p| p.id == *u) {
                    return Err(AppError::invalid(
                        &format!("attendees[{i}].user_id"),
                        "not one of this site's staff",
                    ));
                }
            }
            let id = store::insert(
                w,
                &NewTraining {
                    site_id: input.site_id,
                    topic,
                    trainer,
                    held_on: &held_on.to_string(),
                    minutes,
                    vendor_id: input.vendor_id,
                    vendor_headcount: input.vendor_headcount,
                    note: note.as_deref(),
                    recorded_by: actor.user_id,
                },
                now,
            )
            .await?;
            for (u, r, s) in att {
                store::insert_attendee(w, id, *u, r.as_str(), *s).await?;
            }
            w.audit(
                Some(input.site_id),
                "create",
                "training",
                Some(id),
                serde_json::json!({"topic": topic, "held_on": held_on.to_string(), "minutes": minutes, "attendees": att.len()}),
            )
            .await?;
            let row = store::get(w, id).await?.ok_or(AppError::NotFound("training"))?;
            let a = store::attendees(w, &[id]).await?;
            Ok(views(vec![row], &a)?.remove(0))
        })
    })
    .await
}

fn hours_of(items: &[TrainingView]) -> Vec<PersonHours> {
    let mut out: Vec<PersonHours> = Vec::new();
    for t in items.iter().filter(|t| t.vendor_id.is_none()) {
        for a in t
            .attendees
            .iter()
            .filter(|a| a.result != TrainingResult::Absent)
        {
            match out.iter_mut().find(|p| p.user_id == a.user_id) {
                Some(p) => {
                    p.minutes += t.minutes;
                    p.sessions += 1;
                }
                None => out.push(PersonHours {
                    user_id: a.user_id,
                    name: a.name.clone(),
                    minutes: t.minutes,
                    sessions: 1,
                }),
            }
        }
    }
    out.sort_by(|a, b| b.minutes.cmp(&a.minutes).then(a.name.cmp(&b.name)));
    out
}

/// A month's sessions and the department's hours per person.
pub async fn month(app: &App, actor: &Actor, q: &TrainingQuery) -> AppResult<TrainingMonth> {
    actor.authorize(Can::TrainingRead, q.site_id)?;
    month_of(app, q).await
}

/// The month's training, for a caller already let in (the department report).
pub(crate) async fn month_of(app: &App, q: &TrainingQuery) -> AppResult<TrainingMonth> {
    let mut c = app.db.read().await?;
    let site = crate::scope::site_row(&mut c, q.site_id).await?;
    let (first, last) = match q.month.as_deref().filter(|m| !m.trim().is_empty()) {
        Some(m) => time::parse_month("month", m)?,
        None => {
            let f = time::local_date(app.now(), &site.timezone)?.first_of_month();
            (f, f.last_of_month())
        }
    };
    let rows = store::list(&mut c, q.site_id, &first.to_string(), &last.to_string()).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let att = store::attendees(&mut c, &ids).await?;
    let items = views(rows, &att)?;
    let hours = hours_of(&items);
    Ok(TrainingMonth {
        site_id: q.site_id,
        month: first.strftime("%Y-%m").to_string(),
        total_minutes: hours.iter().map(|h| h.minutes).sum(),
        hours,
        items,
    })
}

/// A person's training record at a site: their own, or anyone's for who
/// keeps the site's training (the supervisor; not a colleague at the desk).
pub async fn record_of(
    app: &App,
    actor: &Actor,
    site_id: i64,
    user_id: i64,
) -> AppResult<TrainingRecord> {
    if user_id != actor.user_id {
        actor.authorize(Can::TrainingManage, site_id)?;
    } else if actor.roles_at(site_id).next().is_none() {
        return Err(AppError::Forbidden);
    }
    let mut c = app.db.read().await?;
    // Someone of this site's staff; anyone else is not found here.
    let name = crate::shifts::people(&mut c, site_id)
        .await?
        .into_iter()
        .find(|p| p.id == user_id)
        .ok_or(AppError::NotFound("user"))?
        .name;
    let rows = store::of_person(&mut c, site_id, user_id).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let att = store::attendees(&mut c, &ids).await?;
    let items = views(rows, &att)?;
    let minutes = items
        .iter()
        .filter(|t| {
            t.attendees
                .iter()
                .any(|a| a.user_id == user_id && a.result != TrainingResult::Absent)
        })
        .map(|t| t.minutes)
        .sum();
    Ok(TrainingRecord {
        user_id,
        name,
        items,
        minutes,
    })
}

/// One of the site's staff, to list on the session form.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StaffChoice {
    pub user_id: i64,
    pub name: String,
    pub department: lobby_domain::tickets::Department,
}

/// The site's staff who may be listed at a session (who records one).
pub async fn staff(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<StaffChoice>> {
    actor.authorize(Can::TrainingManage, site_id)?;
    let mut c = app.db.read().await?;
    Ok(crate::shifts::people(&mut c, site_id)
        .await?
        .into_iter()
        .map(|p| StaffChoice {
            user_id: p.id,
            name: p.name,
            department: p.department,
        })
        .collect())
}
