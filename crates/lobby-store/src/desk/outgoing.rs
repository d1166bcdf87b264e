//! Outgoing mail (邮件发出): what the desk sent, for whom, by which
//! carrier, at what cost.

use super::*;

#[derive(Debug, Clone, FromRow)]
pub struct OutgoingRow {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub recipient: String,
    pub address: Option<String>,
    pub carrier: String,
    pub tracking_no: Option<String>,
    pub registered: i64,
    pub cost_fen: i64,
    pub sent_at: i64,
    pub note: Option<String>,
    pub recorded_by: String,
}

pub struct NewOutgoing<'a> {
    pub site_id: i64,
    pub tenant_id: Option<i64>,
    pub recipient: &'a str,
    pub address: Option<&'a str>,
    pub carrier: &'a str,
    pub tracking_no: Option<&'a str>,
    pub registered: bool,
    pub cost_fen: i64,
    pub sent_at: i64,
    pub note: Option<&'a str>,
    pub recorded_by: &'a str,
}

pub async fn insert_outgoing(c: &mut Conn, m: &NewOutgoing<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO outgoing_mail (site_id, tenant_id, recipient, address, carrier, tracking_no, registered, \
         cost_fen, sent_at, note, recorded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(m.site_id)
    .bind(m.tenant_id)
    .bind(m.recipient)
    .bind(m.address)
    .bind(m.carrier)
    .bind(m.tracking_no)
    .bind(i64::from(m.registered))
    .bind(m.cost_fen)
    .bind(m.sent_at)
    .bind(m.note)
    .bind(m.recorded_by)
    .bind(now)
    .fetch_one(c)
    .await?)
}

const OUT_COLS: &str =
    "m.id, m.site_id, m.tenant_id, t.name AS tenant_name, m.recipient, m.address, m.carrier, \
     m.tracking_no, m.registered, m.cost_fen, m.sent_at, m.note, m.recorded_by";

pub async fn outgoing(c: &mut Conn, id: i64) -> Result<Option<OutgoingRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {OUT_COLS} FROM outgoing_mail m LEFT JOIN tenants t ON t.id = m.tenant_id WHERE m.id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await?)
}

/// What the site sent in `[from, to)`, the newest first.
pub async fn outgoing_between(
    c: &mut Conn,
    site_id: i64,
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<OutgoingRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {OUT_COLS} FROM outgoing_mail m LEFT JOIN tenants t ON t.id = m.tenant_id \
         WHERE m.site_id = $1 AND m.sent_at >= $2 AND m.sent_at < $3 ORDER BY m.sent_at DESC, m.id DESC LIMIT $4"
    ))
    .bind(site_id)
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// How many items and what they cost in `[from, to)`.
pub async fn outgoing_cost(c: &mut Conn, site_id: i64, from: i64, to: i64) -> Result<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(cost_fen), 0) AS BIGINT) FROM outgoing_mail \
         WHERE site_id = $1 AND sent_at >= $2 AND sent_at < $3",
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_one(c)
    .await?)
}
