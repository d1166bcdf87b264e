//! Staff and outside accounts, their roles per site, sessions (browser
//! cookies and API tokens, both stored as hashes) and failed sign-ins.

use sqlx::FromRow;

use crate::{Conn, Result, Topic, Tx};

#[derive(Debug, Clone, FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub locale: String,
    pub tenant_id: Option<i64>,
    pub vendor_id: Option<i64>,
    pub active: i64,
    pub last_shift_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// A tenant's account that adds and removes its company's accounts.
    pub tenant_admin: i64,
}

const USER_COLS: &str = "id, username, display_name, password_hash, locale, tenant_id, vendor_id, \
     active, last_shift_at, created_at, updated_at, tenant_admin";

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub locale: &'a str,
    pub tenant_id: Option<i64>,
    pub vendor_id: Option<i64>,
    pub now: i64,
}

pub async fn insert(c: &mut Conn, u: &NewUser<'_>) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, display_name, password_hash, locale, tenant_id, vendor_id, \
         active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id",
    )
    .bind(u.username)
    .bind(u.display_name)
    .bind(u.password_hash)
    .bind(u.locale)
    .bind(u.tenant_id)
    .bind(u.vendor_id)
    .bind(u.now)
    .fetch_one(c)
    .await?;
    Ok(id)
}

pub async fn by_username(c: &mut Conn, username: &str) -> Result<Option<UserRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {USER_COLS} FROM users WHERE username = $1"
    ))
    .bind(username)
    .fetch_optional(c)
    .await?)
}

pub async fn by_id(c: &mut Conn, id: i64) -> Result<Option<UserRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {USER_COLS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(c)
            .await?,
    )
}

pub async fn count(c: &mut Conn) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(c)
        .await?)
}

/// Users in id order after `after`, optionally only those holding a role at
/// `site_id`, optionally matching `q` in username or display name.
/// Users by id. `scope`: only users who hold at least one role and every
/// role at one of these sites (a site admin's view); `None`: everyone.
pub async fn list(
    c: &mut Conn,
    site_id: Option<i64>,
    scope: Option<&[i64]>,
    q: Option<&str>,
    after: i64,
    limit: i64,
) -> Result<Vec<UserRow>> {
    let like = q.map(|q| crate::contains_pattern(&q.to_lowercase()));
    // The scope's ids are integers from the actor's roles, written into
    // the statement (a list of binds would differ per engine).
    let scoped = match scope {
        None => String::new(),
        Some(sites) => {
            let list = if sites.is_empty() {
                "NULL".to_string()
            } else {
                sites
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                "AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id) \
                 AND NOT EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id \
                     AND (r.site_id IS NULL OR r.site_id NOT IN ({list}))) "
            )
        }
    };
    Ok(sqlx::query_as(&format!(
        "SELECT {USER_COLS} FROM users u WHERE id > $1 \
         AND ($2 IS NULL OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id \
              AND (r.site_id = $2 OR r.site_id IS NULL))) \
         AND ($3 IS NULL OR LOWER(username) LIKE $3 ESCAPE '\\' OR LOWER(display_name) LIKE $3 ESCAPE '\\') \
         {scoped}ORDER BY id LIMIT $4"
    ))
    .bind(after)
    .bind(site_id)
    .bind(like)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

pub async fn update_profile(
    tx: &mut Tx,
    id: i64,
    display_name: &str,
    locale: &str,
    active: bool,
    tenant_id: Option<i64>,
    vendor_id: Option<i64>,
    now: i64,
) -> Result<()> {
    tx.changed(Topic::Auth).await?;
    let c: &mut Conn = tx;
    sqlx::query(
        "UPDATE users SET display_name = $2, locale = $3, active = $4, tenant_id = $5, \
         vendor_id = $6, updated_at = $7 WHERE id = $1",
    )
    .bind(id)
    .bind(display_name)
    .bind(locale)
    .bind(i64::from(active))
    .bind(tenant_id)
    .bind(vendor_id)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn set_locale(tx: &mut Tx, id: i64, locale: &str, now: i64) -> Result<()> {
    tx.changed(Topic::Auth).await?;
    let c: &mut Conn = tx;
    sqlx::query("UPDATE users SET locale = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(locale)
        .bind(now)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn set_password(tx: &mut Tx, id: i64, hash: &str, now: i64) -> Result<()> {
    tx.changed(Topic::Auth).await?;
    let c: &mut Conn = tx;
    sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(hash)
        .bind(now)
        .execute(c)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct RoleRow {
    pub site_id: Option<i64>,
    pub role: lobby_domain::roles::Role,
}

pub async fn roles(c: &mut Conn, user_id: i64) -> Result<Vec<RoleRow>> {
    Ok(
        sqlx::query_as("SELECT site_id, role FROM user_roles WHERE user_id = $1 ORDER BY id")
            .bind(user_id)
            .fetch_all(c)
            .await?,
    )
}

/// Replaces a user's role assignments (the change itself is audited by the
/// use case).
pub async fn set_roles(tx: &mut Tx, user_id: i64, roles: &[RoleRow]) -> Result<()> {
    tx.changed(Topic::Auth).await?;
    let c: &mut Conn = tx;
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *c)
        .await?;
    for r in roles {
        sqlx::query("INSERT INTO user_roles (user_id, site_id, role) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(r.site_id)
            .bind(r.role)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// Active users holding `role` at `site_id` (or everywhere).
pub async fn with_role_at(c: &mut Conn, site_id: i64, role: &str) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id \
         WHERE u.active = 1 AND r.role = $2 AND (r.site_id = $1 OR r.site_id IS NULL) ORDER BY u.id",
    )
    .bind(site_id)
    .bind(role)
    .fetch_all(c)
    .await?)
}

// ---- sessions ----

#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub csrf_token: String,
    pub expires_at: i64,
}

pub async fn insert_session(
    c: &mut Conn,
    token_hash: &str,
    user_id: i64,
    kind: &str,
    csrf_token: &str,
    now: i64,
    expires_at: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(kind)
    .bind(csrf_token)
    .bind(now)
    .bind(expires_at)
    .fetch_one(c)
    .await?)
}

/// The live session with this token hash: not revoked, not expired, its user
/// active.
pub async fn live_session(c: &mut Conn, token_hash: &str, now: i64) -> Result<Option<SessionRow>> {
    Ok(sqlx::query_as(
        "SELECT s.id, s.user_id, s.kind, s.csrf_token, s.expires_at FROM sessions s \
         JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.active = 1",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(c)
    .await?)
}

pub async fn revoke_session(tx: &mut Tx, id: i64, now: i64) -> Result<()> {
    tx.changed(Topic::Auth).await?;
    let c: &mut Conn = tx;
    sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .bind(id)
        .bind(now)
        .execute(c)
        .await?;
    Ok(())
}

/// Revokes every session of a user but `keep` (after a password change).
pub async fn revoke_sessions_of(
    tx: &mut Tx,
    user_id: i64,
    keep: Option<i64>,
    now: i64,
) -> Result<()> {
    tx.changed(Topic::Auth).await?;
    let c: &mut Conn = tx;
    sqlx::query(
        "UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND revoked_at IS NULL \
         AND ($2 IS NULL OR id <> $2)",
    )
    .bind(user_id)
    .bind(keep)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

// ---- throttles (sign-in, pickup codes) ----

/// Counts one attempt under `key` and returns the count in the current
/// window (a window older than `window` starts again at 1). One statement,
/// so parallel attempts each see their own count.
pub async fn throttle_hit(c: &mut Conn, key: &str, now: i64, window: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO throttle (key, window_start, n) VALUES ($1, $2, 1) \
         ON CONFLICT (key) DO UPDATE SET \
           n = CASE WHEN throttle.window_start <= $2 - $3 THEN 1 ELSE throttle.n + 1 END, \
           window_start = CASE WHEN throttle.window_start <= $2 - $3 THEN $2 ELSE throttle.window_start END \
         RETURNING n",
    )
    .bind(key)
    .bind(now)
    .bind(window)
    .fetch_one(c)
    .await?)
}

/// Takes one attempt back (a sign-in that succeeded is not a failure).
pub async fn throttle_refund(c: &mut Conn, key: &str) -> Result<()> {
    sqlx::query("UPDATE throttle SET n = n - 1 WHERE key = $1 AND n > 0")
        .bind(key)
        .execute(c)
        .await?;
    Ok(())
}

/// Forgets a key (a correct password clears its username × address).
pub async fn throttle_clear(c: &mut Conn, key: &str) -> Result<()> {
    sqlx::query("DELETE FROM throttle WHERE key = $1")
        .bind(key)
        .execute(c)
        .await?;
    Ok(())
}

/// The count under `key` in its current window, without counting.
pub async fn throttle_count(c: &mut Conn, key: &str, now: i64, window: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE(MAX(n), 0) FROM throttle WHERE key = $1 AND window_start > $2 - $3",
    )
    .bind(key)
    .bind(now)
    .bind(window)
    .fetch_one(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct StaffRow {
    pub id: i64,
    pub display_name: String,
    pub role: lobby_domain::roles::Role,
}

/// Active people holding a role at a site (one row per role held).
pub async fn staff_at(c: &mut Conn, site_id: i64) -> Result<Vec<StaffRow>> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.display_name, r.role FROM users u JOIN user_roles r ON r.user_id = u.id \
         WHERE u.active = 1 AND r.site_id = $1 ORDER BY r.role, u.display_name, u.id",
    )
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct UserRoleRow {
    pub user_id: i64,
    pub site_id: Option<i64>,
    pub role: lobby_domain::roles::Role,
}

/// The roles of several users in one query (lists).
pub async fn roles_of(c: &mut Conn, user_ids: &[i64]) -> Result<Vec<UserRoleRow>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=user_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT user_id, site_id, role FROM user_roles WHERE user_id IN ({}) ORDER BY id",
        marks.join(", ")
    );
    let mut q = sqlx::query_as(&sql);
    for id in user_ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(c).await?)
}

/// The display names of several users (a history shows people, not logins).
pub async fn display_names(c: &mut Conn, user_ids: &[i64]) -> Result<Vec<(i64, String)>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=user_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT id, display_name FROM users WHERE id IN ({})",
        marks.join(", ")
    );
    let mut q = sqlx::query_as(&sql);
    for id in user_ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(c).await?)
}

/// The active portal accounts of a tenant (parcel notices).
pub async fn of_tenant(c: &mut Conn, tenant_id: i64) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM users WHERE tenant_id = $1 AND active = 1 ORDER BY id")
            .bind(tenant_id)
            .fetch_all(c)
            .await?,
    )
}

/// Every account of a tenant, active or not, the oldest first (the
/// tenant's own admin page).
pub async fn accounts_of_tenant(c: &mut Conn, tenant_id: i64) -> Result<Vec<UserRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {USER_COLS} FROM users WHERE tenant_id = $1 ORDER BY id"
    ))
    .bind(tenant_id)
    .fetch_all(c)
    .await?)
}

pub async fn set_tenant_admin(tx: &mut Tx, id: i64, on: bool, now: i64) -> Result<()> {
    tx.changed(Topic::Auth).await?;
    let c: &mut Conn = tx;
    sqlx::query("UPDATE users SET tenant_admin = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(i64::from(on))
        .bind(now)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn set_active(tx: &mut Tx, id: i64, active: bool, now: i64) -> Result<()> {
    tx.changed(Topic::Auth).await?;
    let c: &mut Conn = tx;
    sqlx::query("UPDATE users SET active = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(i64::from(active))
        .bind(now)
        .execute(c)
        .await?;
    Ok(())
}

/// When the user last ended a shift (the supervisor's "since last shift").
pub async fn set_last_shift(c: &mut Conn, id: i64, at: i64) -> Result<()> {
    sqlx::query("UPDATE users SET last_shift_at = $2 WHERE id = $1")
        .bind(id)
        .bind(at)
        .execute(c)
        .await?;
    Ok(())
}

/// The active accounts of a vendor (notices reach them).
pub async fn of_vendor(c: &mut Conn, vendor_id: i64) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM users WHERE vendor_id = $1 AND active = 1 ORDER BY id")
            .bind(vendor_id)
            .fetch_all(c)
            .await?,
    )
}

/// A one-time password link, by its token's hash.
#[derive(Debug, Clone, FromRow)]
pub struct PasswordLinkRow {
    pub id: i64,
    pub user_id: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

/// Makes a link for `user_id`, voiding the unused ones before it.
pub async fn insert_password_link(
    c: &mut Conn,
    user_id: i64,
    token_hash: &str,
    by: &str,
    now: i64,
    expires_at: i64,
) -> Result<i64> {
    sqlx::query("UPDATE password_links SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .bind(now)
        .execute(&mut *c)
        .await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO password_links (user_id, token_hash, created_by_name, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(token_hash)
    .bind(by)
    .bind(now)
    .bind(expires_at)
    .fetch_one(c)
    .await?)
}

pub async fn password_link(c: &mut Conn, token_hash: &str) -> Result<Option<PasswordLinkRow>> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, expires_at, used_at FROM password_links WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(c)
    .await?)
}

/// Uses a link once: false when it was used (or voided) already.
pub async fn use_password_link(c: &mut Conn, id: i64, now: i64) -> Result<bool> {
    Ok(
        sqlx::query("UPDATE password_links SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
            .bind(id)
            .bind(now)
            .execute(c)
            .await?
            .rows_affected()
            == 1,
    )
}
