//! Training (培训): sessions and each person's result.

use sqlx::FromRow;

use lobby_domain::training::TrainingResult;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct TrainingRow {
    pub id: i64,
    pub site_id: i64,
    pub topic: String,
    pub trainer: String,
    pub held_on: String,
    pub minutes: i64,
    pub vendor_id: Option<i64>,
    pub vendor_name: Option<String>,
    pub vendor_headcount: Option<i64>,
    pub note: Option<String>,
    pub recorded_by: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct AttendeeRow {
    pub training_id: i64,
    pub user_id: i64,
    pub name: String,
    pub result: TrainingResult,
    pub score: Option<i64>,
}

pub struct NewTraining<'a> {
    pub site_id: i64,
    pub topic: &'a str,
    pub trainer: &'a str,
    pub held_on: &'a str,
    pub minutes: i64,
    pub vendor_id: Option<i64>,
    pub vendor_headcount: Option<i64>,
    pub note: Option<&'a str>,
    pub recorded_by: i64,
}

pub async fn insert(c: &mut Conn, t: &NewTraining<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO trainings (site_id, topic, trainer, held_on, minutes, vendor_id, vendor_headcount, note, \
         recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(t.site_id)
    .bind(t.topic)
    .bind(t.trainer)
    .bind(t.held_on)
    .bind(t.minutes)
    .bind(t.vendor_id)
    .bind(t.vendor_headcount)
    .bind(t.note)
    .bind(t.recorded_by)
    .bind(now)
    .fetch_one(c)
    .await?)
}

pub async fn insert_attendee(
    c: &mut Conn,
    training_id: i64,
    user_id: i64,
    result: &str,
    score: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO training_attendees (training_id, user_id, result, score) VALUES ($1, $2, $3, $4)",
    )
    .bind(training_id)
    .bind(user_id)
    .bind(result)
    .bind(score)
    .execute(c)
    .await?;
    Ok(())
}

const COLS: &str = "t.id, t.site_id, t.topic, t.trainer, t.held_on, t.minutes, t.vendor_id, v.name AS vendor_name, \
     t.vendor_headcount, t.note, u.display_name AS recorded_by";

pub async fn get(c: &mut Conn, id: i64) -> Result<Option<TrainingRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM trainings t JOIN users u ON u.id = t.recorded_by \
         LEFT JOIN vendors v ON v.id = t.vendor_id WHERE t.id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await?)
}

/// A site's sessions held from `from` to `to` (days, inclusive), newest first.
pub async fn list(c: &mut Conn, site_id: i64, from: &str, to: &str) -> Result<Vec<TrainingRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM trainings t JOIN users u ON u.id = t.recorded_by \
         LEFT JOIN vendors v ON v.id = t.vendor_id WHERE t.site_id = $1 AND t.held_on >= $2 AND t.held_on <= $3 \
         ORDER BY t.held_on DESC, t.id DESC LIMIT 500"
    ))
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}

pub async fn attendees(c: &mut Conn, ids: &[i64]) -> Result<Vec<AttendeeRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    Ok(sqlx::query_as(&format!(
        "SELECT a.training_id, a.user_id, u.display_name AS name, a.result, a.score FROM training_attendees a \
         JOIN users u ON u.id = a.user_id WHERE a.training_id IN ({list}) ORDER BY u.display_name, a.user_id"
    ))
    .fetch_all(c)
    .await?)
}

/// A person's sessions at a site, newest first.
pub async fn of_person(c: &mut Conn, site_id: i64, user_id: i64) -> Result<Vec<TrainingRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM trainings t JOIN users u ON u.id = t.recorded_by \
         LEFT JOIN vendors v ON v.id = t.vendor_id JOIN training_attendees a ON a.training_id = t.id \
         WHERE t.site_id = $1 AND a.user_id = $2 ORDER BY t.held_on DESC, t.id DESC LIMIT 500"
    ))
    .bind(site_id)
    .bind(user_id)
    .fetch_all(c)
    .await?)
}
