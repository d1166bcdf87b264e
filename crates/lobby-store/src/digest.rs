//! The daily digest (每日简报): one row per site and day, written with the
//! notifications that announce it; the figures it is made of.

use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct DigestRow {
    pub id: i64,
    pub site_id: i64,
    pub day: String,
    /// The figures as JSON.
    pub figures: String,
    pub created_at: i64,
}

/// Takes the day for the site; `None` when it was already taken (by this
/// job earlier or by another server).
pub async fn insert(
    c: &mut Conn,
    site_id: i64,
    day: &str,
    figures: &str,
    now: i64,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO digests (site_id, day, figures, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (site_id, day) DO NOTHING RETURNING id",
    )
    .bind(site_id)
    .bind(day)
    .bind(figures)
    .bind(now)
    .fetch_optional(c)
    .await?)
}

pub async fn exists(c: &mut Conn, site_id: i64, day: &str) -> Result<bool> {
    Ok(
        sqlx::query_scalar::<_, i64>("SELECT id FROM digests WHERE site_id = $1 AND day = $2")
            .bind(site_id)
            .bind(day)
            .fetch_optional(c)
            .await?
            .is_some(),
    )
}

pub async fn get(c: &mut Conn, id: i64) -> Result<Option<DigestRow>> {
    Ok(
        sqlx::query_as("SELECT id, site_id, day, figures, created_at FROM digests WHERE id = $1")
            .bind(id)
            .fetch_optional(c)
            .await?,
    )
}

/// A site's digests, the newest day first.
pub async fn list(c: &mut Conn, site_id: i64, limit: i64) -> Result<Vec<DigestRow>> {
    Ok(sqlx::query_as(
        "SELECT id, site_id, day, figures, created_at FROM digests WHERE site_id = $1 \
         ORDER BY day DESC LIMIT $2",
    )
    .bind(site_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Work orders opened in `[from, to)` by channel and kind.
#[derive(Debug, Clone, FromRow)]
pub struct OpenedRow {
    pub channel: lobby_domain::tickets::Channel,
    pub kind: lobby_domain::tickets::Kind,
    pub n: i64,
}

pub async fn opened(c: &mut Conn, site_id: i64, from: i64, to: i64) -> Result<Vec<OpenedRow>> {
    Ok(sqlx::query_as(
        "SELECT channel, kind, COUNT(*) AS n FROM tickets \
         WHERE site_id = $1 AND created_at >= $2 AND created_at < $3 GROUP BY channel, kind",
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}

#[derive(Debug, Clone, Default, FromRow)]
pub struct DayCounts {
    /// Work orders closed in the span.
    pub closed: i64,
    /// Deadlines breached in the span (the SLA job's escalations).
    pub breaches: i64,
    /// Work orders not closed or cancelled at `to`.
    pub open_at_end: i64,
    /// Payments received in the span (not reversed) and their sum in 分.
    pub payments: i64,
    pub payments_fen: i64,
}

pub async fn day_counts(c: &mut Conn, site_id: i64, from: i64, to: i64) -> Result<DayCounts> {
    Ok(sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM tickets WHERE site_id = $1 AND closed_at >= $2 AND closed_at < $3) AS closed, \
         (SELECT COUNT(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id \
            WHERE t.site_id = $1 AND e.action = 'sla_breach' AND e.at >= $2 AND e.at < $3) AS breaches, \
         (SELECT COUNT(*) FROM tickets WHERE site_id = $1 AND created_at < $3 \
            AND (closed_at IS NULL OR closed_at >= $3) AND state <> 'cancelled') AS open_at_end, \
         (SELECT COUNT(*) FROM payments WHERE site_id = $1 AND paid_at >= $2 AND paid_at < $3 AND reversed_at IS NULL) AS payments, \
         CAST(COALESCE((SELECT SUM(amount_fen) FROM payments WHERE site_id = $1 AND paid_at >= $2 AND paid_at < $3 \
            AND reversed_at IS NULL), 0) AS BIGINT) AS payments_fen",
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_one(c)
    .await?)
}

/// Patrol windows recorded missed on `day` at the site.
pub async fn patrols_missed(c: &mut Conn, site_id: i64, day: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM patrol_missed m JOIN patrol_routes r ON r.id = m.route_id \
         WHERE r.site_id = $1 AND m.day = $2",
    )
    .bind(site_id)
    .bind(day)
    .fetch_one(c)
    .await?)
}
