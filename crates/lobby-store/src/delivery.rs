//! The delivery outbox: e-mails, group robots and webhooks owed by the
//! notifications written in a use case's transaction, taken later by a
//! sender with a conditional update (one server per row at a time).

use sqlx::FromRow;

use lobby_domain::delivery::{DeliveryChannel, DeliveryState, RobotKind};

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct DeliveryRow {
    pub id: i64,
    pub site_id: Option<i64>,
    pub notification_id: Option<i64>,
    pub channel: DeliveryChannel,
    pub user_id: Option<i64>,
    pub robot_id: Option<i64>,
    pub target: String,
    pub locale: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub state: DeliveryState,
    pub attempts: i64,
    pub next_at: i64,
    pub lease_until: Option<i64>,
    pub last_error: Option<String>,
    pub sent_at: Option<i64>,
    pub created_at: i64,
}

const COLS: &str = "id, site_id, notification_id, channel, user_id, robot_id, target, locale, kind, title, body, link, \
     state, attempts, next_at, lease_until, last_error, sent_at, created_at";

/// The e-mail a notification owes its reader, when the reader gave an
/// address and has not turned e-mail off (one statement, in the
/// notification's transaction).
pub async fn enqueue_email(
    c: &mut Conn,
    notification_id: i64,
    user_id: i64,
    now: i64,
) -> Result<u64> {
    Ok(sqlx::query(
        "INSERT INTO deliveries (site_id, notification_id, channel, user_id, target, locale, kind, title, body, link, next_at, created_at) \
         SELECT n.site_id, n.id, 'email', u.id, u.email, u.locale, n.kind, n.title, n.body, n.link, $3, $3 \
         FROM notifications n JOIN users u ON u.id = n.user_id LEFT JOIN notify_prefs p ON p.user_id = u.id \
         WHERE n.id = $1 AND u.id = $2 AND u.active = 1 AND u.email IS NOT NULL AND u.email <> '' \
         AND COALESCE(p.email_on, 1) = 1",
    )
    .bind(notification_id)
    .bind(user_id)
    .bind(now)
    .execute(c)
    .await?
    .rows_affected())
}

pub struct NewRobotDelivery<'a> {
    pub site_id: i64,
    pub notification_id: Option<i64>,
    pub robot: &'a RobotRow,
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub link: Option<&'a str>,
    pub now: i64,
}

pub async fn enqueue_robot(c: &mut Conn, d: &NewRobotDelivery<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO deliveries (site_id, notification_id, channel, robot_id, target, locale, kind, title, body, link, next_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(d.site_id)
    .bind(d.notification_id)
    .bind(d.robot.kind)
    .bind(d.robot.id)
    .bind(&d.robot.name)
    .bind(&d.robot.locale)
    .bind(d.kind)
    .bind(d.title)
    .bind(d.body)
    .bind(d.link)
    .bind(d.now)
    .fetch_one(c)
    .await?)
}

/// Ids of deliveries due now and not held by a live sender, oldest first.
pub async fn due(c: &mut Conn, now: i64, limit: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM deliveries WHERE state IN ('pending', 'failed') AND next_at <= $1 \
         AND (lease_until IS NULL OR lease_until < $1) ORDER BY next_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Takes delivery `id` until `lease_until`, counting the attempt; `None`
/// when another sender has it or it is no longer due.
pub async fn claim(
    c: &mut Conn,
    id: i64,
    now: i64,
    lease_until: i64,
) -> Result<Option<DeliveryRow>> {
    Ok(sqlx::query_as(&format!(
        "UPDATE deliveries SET lease_until = $3, attempts = attempts + 1 \
         WHERE id = $1 AND state IN ('pending', 'failed') AND next_at <= $2 \
         AND (lease_until IS NULL OR lease_until < $2) RETURNING {COLS}"
    ))
    .bind(id)
    .bind(now)
    .bind(lease_until)
    .fetch_optional(c)
    .await?)
}

/// Moves a due delivery to `until` without an attempt (quiet hours).
pub async fn postpone(c: &mut Conn, id: i64, until: i64) -> Result<()> {
    sqlx::query(
        "UPDATE deliveries SET next_at = $2 WHERE id = $1 AND state IN ('pending', 'failed')",
    )
    .bind(id)
    .bind(until)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn mark_sent(c: &mut Conn, id: i64, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE deliveries SET state = 'sent', sent_at = $2, lease_until = NULL, last_error = NULL WHERE id = $1",
    )
    .bind(id)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// A failed attempt: tried again at `next_at`, or dead.
pub async fn mark_failed(
    c: &mut Conn,
    id: i64,
    next_at: i64,
    dead: bool,
    error: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE deliveries SET state = $2, next_at = $3, lease_until = NULL, last_error = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(if dead {
        DeliveryState::Dead
    } else {
        DeliveryState::Failed
    })
    .bind(next_at)
    .bind(error)
    .execute(c)
    .await?;
    Ok(())
}

/// A dead or failed delivery tried again now, its attempts from zero.
pub async fn resend(c: &mut Conn, id: i64, now: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE deliveries SET state = 'pending', attempts = 0, next_at = $2, lease_until = NULL \
         WHERE id = $1 AND state IN ('dead', 'failed')",
    )
    .bind(id)
    .bind(now)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

pub async fn get(c: &mut Conn, id: i64) -> Result<Option<DeliveryRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLS} FROM deliveries WHERE id = $1"))
            .bind(id)
            .fetch_optional(c)
            .await?,
    )
}

/// A site's deliveries (or every site's), newest first, keyset-paged.
pub async fn list(
    c: &mut Conn,
    site_id: Option<i64>,
    state: Option<DeliveryState>,
    before: i64,
    limit: i64,
) -> Result<Vec<DeliveryRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM deliveries WHERE id < $1 AND ($2 IS NULL OR site_id = $2) \
         AND ($3 IS NULL OR state = $3) ORDER BY id DESC LIMIT $4"
    ))
    .bind(before)
    .bind(site_id)
    .bind(state)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// How many deliveries are in each state (the metrics and the page's tabs).
pub async fn counts(c: &mut Conn) -> Result<Vec<(DeliveryState, i64)>> {
    Ok(
        sqlx::query_as("SELECT state, COUNT(*) FROM deliveries GROUP BY state ORDER BY state")
            .fetch_all(c)
            .await?,
    )
}

// ---- robots ----

#[derive(Debug, Clone, FromRow)]
pub struct RobotRow {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub kind: RobotKind,
    pub url: String,
    pub secret: Option<String>,
    pub roles: String,
    pub kinds: String,
    pub locale: String,
    pub active: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const ROBOT_COLS: &str =
    "id, site_id, name, kind, url, secret, roles, kinds, locale, active, created_at, updated_at";

pub struct RobotFields<'a> {
    pub name: &'a str,
    pub kind: RobotKind,
    pub url: &'a str,
    pub secret: Option<&'a str>,
    pub roles: &'a str,
    pub kinds: &'a str,
    pub locale: &'a str,
    pub active: bool,
}

pub async fn insert_robot(
    c: &mut Conn,
    site_id: i64,
    f: &RobotFields<'_>,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO robots (site_id, name, kind, url, secret, roles, kinds, locale, active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(site_id)
    .bind(f.name)
    .bind(f.kind)
    .bind(f.url)
    .bind(f.secret)
    .bind(f.roles)
    .bind(f.kinds)
    .bind(f.locale)
    .bind(i64::from(f.active))
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// Replaces a robot's settings; a `None` secret keeps the one it has.
pub async fn update_robot(c: &mut Conn, id: i64, f: &RobotFields<'_>, now: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE robots SET name = $2, kind = $3, url = $4, secret = COALESCE($5, secret), roles = $6, kinds = $7, \
         locale = $8, active = $9, updated_at = $10 WHERE id = $1",
    )
    .bind(id)
    .bind(f.name)
    .bind(f.kind)
    .bind(f.url)
    .bind(f.secret)
    .bind(f.roles)
    .bind(f.kinds)
    .bind(f.locale)
    .bind(i64::from(f.active))
    .bind(now)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

pub async fn robot(c: &mut Conn, id: i64) -> Result<Option<RobotRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {ROBOT_COLS} FROM robots WHERE id = $1"))
            .bind(id)
            .fetch_optional(c)
            .await?,
    )
}

pub async fn robots(c: &mut Conn, site_id: i64, active_only: bool) -> Result<Vec<RobotRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ROBOT_COLS} FROM robots WHERE site_id = $1 AND ($2 = 0 OR active = 1) ORDER BY id"
    ))
    .bind(site_id)
    .bind(i64::from(active_only))
    .fetch_all(c)
    .await?)
}

// ---- a person's choices ----

#[derive(Debug, Clone, FromRow)]
pub struct PrefsRow {
    pub email: Option<String>,
    pub email_on: i64,
    pub quiet_from: Option<String>,
    pub quiet_to: Option<String>,
}

pub async fn prefs(c: &mut Conn, user_id: i64) -> Result<Option<PrefsRow>> {
    Ok(sqlx::query_as(
        "SELECT u.email, COALESCE(p.email_on, 1) AS email_on, p.quiet_from, p.quiet_to \
         FROM users u LEFT JOIN notify_prefs p ON p.user_id = u.id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(c)
    .await?)
}

pub async fn put_prefs(c: &mut Conn, user_id: i64, p: &PrefsRow, now: i64) -> Result<()> {
    sqlx::query("UPDATE users SET email = $2, updated_at = $3 WHERE id = $1")
        .bind(user_id)
        .bind(&p.email)
        .bind(now)
        .execute(&mut *c)
        .await?;
    sqlx::query(
        "INSERT INTO notify_prefs (user_id, email_on, quiet_from, quiet_to, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (user_id) DO UPDATE SET email_on = $2, quiet_from = $3, quiet_to = $4, updated_at = $5",
    )
    .bind(user_id)
    .bind(p.email_on)
    .bind(&p.quiet_from)
    .bind(&p.quiet_to)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}
