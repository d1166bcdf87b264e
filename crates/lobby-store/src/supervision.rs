//! Whom a site supervises, their monthly evaluations, and proposals.

use sqlx::FromRow;

use lobby_domain::supervision::{ProposalState, Service};

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct SupervisedRow {
    pub id: i64,
    pub site_id: i64,
    pub service: Service,
    pub name: String,
    pub contact: Option<String>,
}

pub async fn insert_supervised(
    c: &mut Conn,
    site_id: i64,
    service: &str,
    name: &str,
    contact: Option<&str>,
    now: i64,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO supervised (site_id, service, name, contact, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (site_id, name) DO NOTHING RETURNING id",
    )
    .bind(site_id)
    .bind(service)
    .bind(name)
    .bind(contact)
    .bind(now)
    .fetch_optional(c)
    .await?)
}

pub async fn supervised(c: &mut Conn, site_id: i64) -> Result<Vec<SupervisedRow>> {
    Ok(sqlx::query_as(
        "SELECT id, site_id, service, name, contact FROM supervised WHERE site_id = $1 ORDER BY service, name",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

pub async fn one_supervised(c: &mut Conn, id: i64) -> Result<Option<SupervisedRow>> {
    Ok(
        sqlx::query_as("SELECT id, site_id, service, name, contact FROM supervised WHERE id = $1")
            .bind(id)
            .fetch_optional(c)
            .await?,
    )
}

#[derive(Debug, Clone, FromRow)]
pub struct EvaluationRow {
    pub id: i64,
    pub supervised_id: i64,
    pub month: String,
    pub total: i64,
    pub scores: String,
    pub note: Option<String>,
    pub by_name: String,
    pub at: i64,
}

/// A site's evaluations of a month.
pub async fn evaluations(c: &mut Conn, site_id: i64, month: &str) -> Result<Vec<EvaluationRow>> {
    Ok(sqlx::query_as(
        "SELECT e.id, e.supervised_id, e.month, e.total, e.scores, e.note, u.display_name AS by_name, e.at \
         FROM supervision_evaluations e JOIN supervised s ON s.id = e.supervised_id \
         JOIN users u ON u.id = e.by_id WHERE s.site_id = $1 AND e.month = $2",
    )
    .bind(site_id)
    .bind(month)
    .fetch_all(c)
    .await?)
}

/// Saves (or revises) one's evaluation of a month.
pub async fn save_evaluation(
    c: &mut Conn,
    supervised_id: i64,
    month: &str,
    total: i64,
    scores: &str,
    note: Option<&str>,
    by: i64,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO supervision_evaluations (supervised_id, month, total, scores, note, by_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (supervised_id, month) DO UPDATE SET total = excluded.total, scores = excluded.scores, \
         note = excluded.note, by_id = excluded.by_id, at = excluded.at RETURNING id",
    )
    .bind(supervised_id)
    .bind(month)
    .bind(total)
    .bind(scores)
    .bind(note)
    .bind(by)
    .bind(now)
    .fetch_one(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct ProposalRow {
    pub id: i64,
    pub site_id: i64,
    pub title: String,
    pub body: String,
    pub state: ProposalState,
    pub proposed_by: i64,
    pub proposer: String,
    pub proposed_at: i64,
    pub decision_note: Option<String>,
    pub decider: Option<String>,
    pub decided_at: Option<i64>,
    pub follow_up: Option<String>,
    pub done_at: Option<i64>,
}

const PROPOSAL: &str = "SELECT p.id, p.site_id, p.title, p.body, p.state, p.proposed_by, a.display_name AS proposer, p.proposed_at, \
     p.decision_note, d.display_name AS decider, p.decided_at, p.follow_up, p.done_at \
     FROM proposals p JOIN users a ON a.id = p.proposed_by LEFT JOIN users d ON d.id = p.decided_by";

pub async fn insert_proposal(
    c: &mut Conn,
    site_id: i64,
    title: &str,
    body: &str,
    by: i64,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO proposals (site_id, title, body, state, proposed_by, proposed_at) \
         VALUES ($1, $2, $3, 'open', $4, $5) RETURNING id",
    )
    .bind(site_id)
    .bind(title)
    .bind(body)
    .bind(by)
    .bind(now)
    .fetch_one(c)
    .await?)
}

pub async fn proposal(c: &mut Conn, id: i64) -> Result<Option<ProposalRow>> {
    Ok(sqlx::query_as(&format!("{PROPOSAL} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

/// The site's proposals: open and adopted first, newest first.
pub async fn proposals(c: &mut Conn, site_id: i64, limit: i64) -> Result<Vec<ProposalRow>> {
    Ok(sqlx::query_as(&format!(
        "{PROPOSAL} WHERE p.site_id = $1 \
         ORDER BY CASE p.state WHEN 'open' THEN 0 WHEN 'adopted' THEN 1 ELSE 2 END, p.id DESC LIMIT $2"
    ))
    .bind(site_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Moves a proposal from `from` to `to` with the step's note; false when
/// it is no longer in `from`.
pub async fn step_proposal(
    c: &mut Conn,
    id: i64,
    from: &str,
    to: &str,
    note: Option<&str>,
    by: i64,
    now: i64,
) -> Result<bool> {
    let sql = if to == "done" {
        "UPDATE proposals SET state = $1, follow_up = $2, done_by = $3, done_at = $4 WHERE id = $5 AND state = $6"
    } else {
        "UPDATE proposals SET state = $1, decision_note = $2, decided_by = $3, decided_at = $4 WHERE id = $5 AND state = $6"
    };
    Ok(sqlx::query(sql)
        .bind(to)
        .bind(note)
        .bind(by)
        .bind(now)
        .bind(id)
        .bind(from)
        .execute(c)
        .await?
        .rows_affected()
        == 1)
}

#[derive(Debug, Clone, FromRow)]
pub struct CriterionRow {
    pub service: Service,
    pub code: String,
    pub name: String,
    pub weight: i64,
}

/// A site's own criteria, every service.
pub async fn criteria(c: &mut Conn, site_id: i64) -> Result<Vec<CriterionRow>> {
    Ok(sqlx::query_as(
        "SELECT service, code, name, weight FROM supervision_criteria WHERE site_id = $1 ORDER BY service, id",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

/// Replaces a site's criteria for a service (none: back to the defaults).
pub async fn set_criteria(
    c: &mut Conn,
    site_id: i64,
    service: &str,
    list: &[(String, String, i64)],
) -> Result<()> {
    sqlx::query("DELETE FROM supervision_criteria WHERE site_id = $1 AND service = $2")
        .bind(site_id)
        .bind(service)
        .execute(&mut *c)
        .await?;
    for (code, name, weight) in list {
        sqlx::query(
            "INSERT INTO supervision_criteria (site_id, service, code, name, weight) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(site_id)
        .bind(service)
        .bind(code)
        .bind(name)
        .bind(weight)
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}
