//! The monthly department report (部门总结): the supervisor's text, the
//! project manager's sign-off with the figures frozen at it, and the few
//! month counts no other module keeps.

use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct ReportRow {
    pub id: i64,
    pub site_id: i64,
    pub month: String,
    pub summary: String,
    pub plan: String,
    pub written_by: Option<String>,
    pub written_at: Option<i64>,
    pub figures: Option<String>,
    pub signed_by: Option<String>,
    pub signed_at: Option<i64>,
    pub version: i64,
    /// The project manager's comment at the sign-off (项目经理意见).
    pub sign_comment: Option<String>,
}

const REPORT: &str =
    "SELECT r.id, r.site_id, r.month, r.summary, r.plan, w.display_name AS written_by, \
     r.written_at, r.figures, s.display_name AS signed_by, r.signed_at, r.version, r.sign_comment \
     FROM department_reports r LEFT JOIN users w ON w.id = r.written_by \
     LEFT JOIN users s ON s.id = r.signed_by";

pub async fn get(c: &mut Conn, site_id: i64, month: &str) -> Result<Option<ReportRow>> {
    Ok(
        sqlx::query_as(&format!("{REPORT} WHERE r.site_id = $1 AND r.month = $2"))
            .bind(site_id)
            .bind(month)
            .fetch_optional(c)
            .await?,
    )
}

/// The site's reports, newest month first (at most `limit`).
pub async fn list(c: &mut Conn, site_id: i64, limit: i64) -> Result<Vec<ReportRow>> {
    Ok(sqlx::query_as(&format!(
        "{REPORT} WHERE r.site_id = $1 ORDER BY r.month DESC LIMIT $2"
    ))
    .bind(site_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Writes the text of an unsigned report, making the row when it is the
/// month's first; false when `expected_version` (or the signature) stops it.
pub async fn write_text(
    c: &mut Conn,
    site_id: i64,
    month: &str,
    summary: &str,
    plan: &str,
    by: Option<i64>,
    now: i64,
    expected_version: Option<i64>,
) -> Result<bool> {
    // A signed report is frozen (a trigger refuses even the attempt to
    // insert over it), so look first: signed is a refusal, not an error.
    let signed: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM department_reports WHERE site_id = $1 AND month = $2 AND signed_at IS NOT NULL",
    )
    .bind(site_id)
    .bind(month)
    .fetch_optional(&mut *c)
    .await?;
    if signed.is_some() {
        return Ok(false);
    }
    let n = sqlx::query(
        "INSERT INTO department_reports (site_id, month, summary, plan, written_by, written_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (site_id, month) DO UPDATE SET summary = excluded.summary, plan = excluded.plan, \
         written_by = excluded.written_by, written_at = excluded.written_at, \
         version = department_reports.version + 1 \
         WHERE department_reports.signed_at IS NULL \
         AND ($7 = 0 OR department_reports.version = $7)",
    )
    .bind(site_id)
    .bind(month)
    .bind(summary)
    .bind(plan)
    .bind(by)
    .bind(now)
    .bind(expected_version.unwrap_or(0))
    .execute(c)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Signs report `id` at `version` with its figures; false when it changed
/// or was signed meanwhile.
pub async fn sign(
    c: &mut Conn,
    id: i64,
    version: i64,
    figures: &str,
    by: Option<i64>,
    comment: Option<&str>,
    now: i64,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE department_reports SET figures = $1, signed_by = $2, signed_at = $3, version = version + 1, \
         sign_comment = $6 WHERE id = $4 AND version = $5 AND signed_at IS NULL",
    )
    .bind(figures)
    .bind(by)
    .bind(now)
    .bind(id)
    .bind(version)
    .bind(comment)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n == 1)
}

#[derive(Debug, Clone, Default, FromRow)]
pub struct CleaningCounts {
    pub inspections: i64,
    pub passed: i64,
    /// Sum of the inspections' scores (for the mean).
    pub score_sum: i64,
    pub notices_issued: i64,
    /// Issued in the month and closed by its end.
    pub notices_closed: i64,
    /// Open at the month's end past their deadline.
    pub notices_overdue: i64,
}

/// The month's cleaning inspections and rectification notices
/// (`from`..`to`, microseconds).
pub async fn cleaning_counts(
    c: &mut Conn,
    site_id: i64,
    from: i64,
    to: i64,
) -> Result<CleaningCounts> {
    Ok(sqlx::query_as(
        "SELECT \
         (SELECT COUNT(*) FROM inspections WHERE site_id = $1 AND at >= $2 AND at < $3) AS inspections, \
         (SELECT COUNT(*) FROM inspections WHERE site_id = $1 AND at >= $2 AND at < $3 AND passed = 1) AS passed, \
         (SELECT CAST(COALESCE(SUM(score), 0) AS BIGINT) FROM inspections WHERE site_id = $1 AND at >= $2 AND at < $3) AS score_sum, \
         (SELECT COUNT(*) FROM rectification_notices WHERE site_id = $1 AND issued_at >= $2 AND issued_at < $3) AS notices_issued, \
         (SELECT COUNT(*) FROM rectification_notices WHERE site_id = $1 AND issued_at >= $2 AND issued_at < $3 \
            AND closed_at IS NOT NULL AND closed_at < $3) AS notices_closed, \
         (SELECT COUNT(*) FROM rectification_notices WHERE site_id = $1 AND issued_at < $3 AND deadline_at < $3 \
            AND (closed_at IS NULL OR closed_at >= $3)) AS notices_overdue",
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_one(c)
    .await?)
}

/// Tenant visits (定期拜访) made between two days (inclusive, `YYYY-MM-DD`).
pub async fn visits_between(c: &mut Conn, site_id: i64, first: &str, last: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM tenant_visits WHERE site_id = $1 AND visited_on >= $2 AND visited_on <= $3",
    )
    .bind(site_id)
    .bind(first)
    .bind(last)
    .fetch_one(c)
    .await?)
}

/// Supplies requisitions made between two instants.
pub async fn requisitions_between(c: &mut Conn, site_id: i64, from: i64, to: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM requisitions WHERE site_id = $1 AND requested_at >= $2 AND requested_at < $3",
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_one(c)
    .await?)
}
