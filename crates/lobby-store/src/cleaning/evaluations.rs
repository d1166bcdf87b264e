//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, FromRow)]
pub struct CriterionRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub weight: i64,
    pub archived: i64,
}

pub async fn criteria(c: &mut Conn, site_id: i64) -> Result<Vec<CriterionRow>> {
    Ok(sqlx::query_as(
        "SELECT id, code, name, weight, archived FROM eval_criteria WHERE site_id = $1 ORDER BY id",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

pub async fn upsert_criterion(
    c: &mut Conn,
    site_id: i64,
    code: &str,
    name: &str,
    weight: i64,
    archived: bool,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO eval_criteria (site_id, code, name, weight, archived) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (site_id, code) DO UPDATE SET name = $3, weight = $4, archived = $5",
    )
    .bind(site_id)
    .bind(code)
    .bind(name)
    .bind(weight)
    .bind(i64::from(archived))
    .execute(c)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct EvaluationRow {
    pub id: i64,
    pub site_id: i64,
    pub vendor_id: i64,
    pub vendor_name: String,
    pub month: String,
    pub total: i64,
    pub figures: String,
    pub note: Option<String>,
    pub by_name: String,
    pub at: i64,
}

pub(super) const EVALUATION: &str = "SELECT e.id, e.site_id, e.vendor_id, v.name AS vendor_name, e.month, e.total, e.figures, e.note, \
     e.by_name, e.at FROM evaluations e JOIN vendors v ON v.id = e.vendor_id";

pub async fn evaluations(
    c: &mut Conn,
    site_id: i64,
    vendor_id: Option<i64>,
) -> Result<Vec<EvaluationRow>> {
    Ok(sqlx::query_as(&format!(
        "{EVALUATION} WHERE e.site_id = $1 AND ($2 = 0 OR e.vendor_id = $2) ORDER BY e.month DESC, e.vendor_id"
    ))
    .bind(site_id)
    .bind(vendor_id.unwrap_or(0))
    .fetch_all(c)
    .await?)
}

pub async fn evaluation(c: &mut Conn, id: i64) -> Result<Option<EvaluationRow>> {
    Ok(sqlx::query_as(&format!("{EVALUATION} WHERE e.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

pub async fn delete_evaluation_scores(c: &mut Conn, evaluation_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM evaluation_scores WHERE evaluation_id = $1")
        .bind(evaluation_id)
        .execute(c)
        .await?;
    Ok(())
}

/// Creates or replaces the month's evaluation of a vendor; returns its id.
pub async fn upsert_evaluation(
    c: &mut Conn,
    site_id: i64,
    vendor_id: i64,
    month: &str,
    total: i64,
    figures: &str,
    note: Option<&str>,
    by: &str,
    at: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO evaluations (site_id, vendor_id, month, total, figures, note, by_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (vendor_id, month) DO UPDATE SET total = $4, figures = $5, note = $6, by_name = $7, at = $8 RETURNING id",
    )
    .bind(site_id)
    .bind(vendor_id)
    .bind(month)
    .bind(total)
    .bind(figures)
    .bind(note)
    .bind(by)
    .bind(at)
    .fetch_one(c)
    .await?)
}

pub async fn insert_score(
    c: &mut Conn,
    evaluation_id: i64,
    code: &str,
    name: &str,
    weight: i64,
    prefilled: i64,
    score: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO evaluation_scores (evaluation_id, code, name, weight, prefilled, score) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(evaluation_id)
    .bind(code)
    .bind(name)
    .bind(weight)
    .bind(prefilled)
    .bind(score)
    .execute(c)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct ScoreRow {
    pub evaluation_id: i64,
    pub code: String,
    pub name: String,
    pub weight: i64,
    pub prefilled: i64,
    pub score: i64,
}

pub async fn scores(c: &mut Conn, evaluation_id: i64) -> Result<Vec<ScoreRow>> {
    Ok(sqlx::query_as(
        "SELECT evaluation_id, code, name, weight, prefilled, score FROM evaluation_scores WHERE evaluation_id = $1 ORDER BY code",
    )
    .bind(evaluation_id)
    .fetch_all(c)
    .await?)
}

/// Work orders of department cleaning about the site between two instants
/// (tenants' cleaning complaints count in the evaluation).
pub async fn cleaning_complaints(c: &mut Conn, site_id: i64, from: i64, to: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM tickets WHERE site_id = $1 AND department = 'cleaning' AND kind = 'complaint' \
         AND created_at >= $2 AND created_at < $3",
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_one(c)
    .await?)
}
