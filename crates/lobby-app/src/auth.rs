//! Signing in and out. Passwords are argon2id hashes; browser sessions and
//! API tokens are random 256-bit tokens of which only the sha256 is stored,
//! so a copy of the database does not let anyone in.
//!
//! Failed sign-ins are throttled in 15-minute windows: 5 for one username
//! from one client address, 20 from one address across usernames, and a
//! ceiling of 100 for one username from everywhere. A stranger at one
//! address can thus lock `admin` out only for themselves.
//!
//! For one username × address, each attempt is counted before its password
//! is checked, in one statement (so 200 parallel guesses get 5 checks, not
//! 124), and in this process such attempts take turns — a person whose
//! script signs in eight times at once waits a moment instead of being
//! refused. The wider counters count checked failures.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use lobby_domain::roles::Role;
use lobby_store::users::{self, NewUser, RoleRow};
use lobby_store::Conn;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{audit, Actor, App, AppError, AppResult};

/// Failed sign-ins allowed per window for one username from one address.
pub const MAX_FAILURES: i64 = 5;
/// … from one address, whatever the usernames.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
/// … for one username, from all addresses together.
pub const MAX_FAILURES_PER_USERNAME: i64 = 100;
pub const FAILURE_WINDOW_MICROS: i64 = 15 * 60 * 1_000_000;
const WEB_SESSION_MICROS: i64 = 12 * 3600 * 1_000_000;
const API_TOKEN_MICROS: i64 = 30 * 24 * 3600 * 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Web,
    Api,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing a password: {e}")))
}

/// Hashes on the blocking pool, one per core at a time (argon2 takes tens
/// of milliseconds and 19 MiB): never on a runtime thread, never inside a
/// write transaction.
pub async fn hash_off_runtime(password: &str) -> AppResult<String> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let p = password.to_string();
    tokio::task::spawn_blocking(move || hash_password(&p))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Password checks running at once: each takes argon2's 19 MiB and a core
/// for tens of milliseconds, so more than the cores at once only queue in
/// memory. Bounded, a burst of sign-ins costs time, not RAM.
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2),
    )
});

/// `verify_password` on the blocking pool, at most one per core at a time.
async fn check_password(password: &str, hash: &str) -> bool {
    let Ok(_permit) = HASHING.acquire().await else {
        return false;
    };
    let (password, hash) = (password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// A new password must be 8–128 characters.
pub fn check_new_password(field: &str, password: &str) -> AppResult<()> {
    let n = password.chars().count();
    if !(8..=128).contains(&n) {
        return Err(AppError::invalid(
            field,
            "a password has 8 to 128 characters",
        ));
    }
    Ok(())
}

pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A signed-in session: the secret token (shown once) and who it is.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub actor: Actor,
}

/// Signs in `username` from the client at `address` (the peer's IP).
pub async fn login(
    app: &App,
    username: &str,
    password: &str,
    kind: SessionKind,
    address: &str,
) -> AppResult<SignedIn> {
    let username = username.trim();
    if username.is_empty() {
        return Err(AppError::invalid("username", "username is required"));
    }
    if username.len() > 64 || password.len() > 1024 {
        return Err(AppError::Unauthenticated);
    }
    let name = username.to_lowercase();
    let keys = [
        (format!("login:user:{name}|addr:{address}"), MAX_FAILURES),
        (format!("login:addr:{address}"), MAX_FAILURES_PER_ADDRESS),
        (format!("login:user:{name}"), MAX_FAILURES_PER_USERNAME),
    ];
    let _turn = one_at_a_time(&keys[0].0).await;
    // Count the attempt for this username × address first, in one
    // statement; only an attempt within every limit has its password
    // checked. An attempt refused here is not a failure of the wider ones.
    {
        let keys = &keys;
        let over = app
            .write_as_system(|w| {
                Box::pin(async move {
                    let now = w.now();
                    let mut over = users::throttle_hit(w, &keys[0].0, now, FAILURE_WINDOW_MICROS)
                        .await?
                        > keys[0].1;
                    for (key, max) in &keys[1..] {
                        over |= users::throttle_count(w, key, now, FAILURE_WINDOW_MICROS).await?
                            >= *max;
                    }
                    Ok(over)
                })
            })
            .await?;
        if over {
            return Err(AppError::RateLimited);
        }
    }
    // Check the password outside any transaction: argon2 takes tens of
    // milliseconds and must not hold the write lock (SQLite) or a runtime
    // thread meanwhile.
    let user = {
        let mut c = app.db.read().await?;
        users::by_username(&mut c, username).await?
    };
    let ok = match &user {
        Some(u) => u.active != 0 && check_password(password, &u.password_hash).await,
        None => {
            // Spend the same time as a real check, so response times do not
            // tell which usernames exist.
            check_password(password, dummy_hash()).await;
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        let keys = &keys;
        app.write_as_system(|w| {
            Box::pin(async move {
                let now = w.now();
                for (key, _) in &keys[1..] {
                    users::throttle_hit(w, key, now, FAILURE_WINDOW_MICROS).await?;
                }
                Ok(())
            })
        })
        .await?;
        return Err(AppError::Unauthenticated);
    };
    let keys = &keys;
    let (token, actor) = app
        .write_as_system(|w| {
            Box::pin(async move {
                let now = w.now();
                // A success is not a failure: this username × address starts afresh.
                users::throttle_clear(w, &keys[0].0).await?;
                let token = random_token();
                let csrf = random_token();
                let expires = now
                    + match kind {
                        SessionKind::Web => WEB_SESSION_MICROS,
                        SessionKind::Api => API_TOKEN_MICROS,
                    };
                let session_id = users::insert_session(
                    w,
                    &token_hash(&token),
                    user.id,
                    kind.as_str(),
                    &csrf,
                    now,
                    expires,
                )
                .await?;
                let mut actor = load_actor(w, user.id)
                    .await?
                    .ok_or(AppError::Unauthenticated)?;
                actor.session_id = Some(session_id);
                actor.csrf_token = csrf;
                audit::record(
                    w,
                    now,
                    &actor,
                    None,
                    "sign_in",
                    "session",
                    Some(session_id),
                    serde_json::json!({"kind": kind.as_str()}),
                )
                .await?;
                Ok((token, actor))
            })
        })
        .await?;
    Ok(SignedIn { token, actor })
}

/// Waits for this process's other sign-ins under `key` (one username × one
/// address) to finish; they go one at a time while the guard lives.
async fn one_at_a_time(key: &str) -> tokio::sync::OwnedMutexGuard<()> {
    type Turns = std::collections::HashMap<String, std::sync::Arc<tokio::sync::Mutex<()>>>;
    static TURNS: std::sync::OnceLock<std::sync::Mutex<Turns>> = std::sync::OnceLock::new();
    let turn = {
        let mut map = TURNS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        // Forget keys nobody holds or waits for.
        map.retain(|_, m| std::sync::Arc::strong_count(m) > 1);
        map.entry(key.to_string()).or_default().clone()
    };
    turn.lock_owned().await
}

/// An argon2id hash of a random password, made once, checked against when
/// the username is unknown.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}

/// The actor behind a token (cookie or bearer), if it is live.
/// A token is good only where it was given: a browser session's cookie is
/// not an API token, nor an API token a session cookie (a leaked token of
/// one kind does not open the other door, whose CSRF and expiry differ).
pub async fn resolve(app: &App, token: &str, kind: SessionKind) -> AppResult<Actor> {
    let hash = token_hash(token);
    let now = app.now();
    let epoch = app.db.epoch(lobby_store::Topic::Auth);
    if let Some(epoch) = epoch {
        match app.sessions.get(&hash, kind.as_str(), epoch, now) {
            Some(Ok(actor)) => return Ok(actor),
            Some(Err(())) => return Err(AppError::Unauthenticated),
            None => {}
        }
    }
    let mut c = app.db.read().await?;
    let s = users::live_session(&mut c, &hash, now)
        .await?
        .filter(|s| s.kind == kind.as_str())
        .ok_or(AppError::Unauthenticated)?;
    let mut actor = load_actor(&mut c, s.user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    actor.session_id = Some(s.id);
    actor.csrf_token = s.csrf_token;
    if let Some(epoch) = epoch {
        app.sessions
            .put(hash, &actor, kind.as_str(), s.expires_at, epoch, now);
    }
    Ok(actor)
}

pub async fn load_actor(c: &mut Conn, user_id: i64) -> AppResult<Option<Actor>> {
    let Some(u) = users::by_id(c, user_id).await? else {
        return Ok(None);
    };
    let roles = users::roles(c, user_id)
        .await?
        .into_iter()
        .map(|r| (r.site_id, r.role))
        .collect();
    Ok(Some(Actor {
        user_id: u.id,
        username: u.username,
        display_name: u.display_name,
        locale: u.locale,
        roles,
        tenant_id: u.tenant_id,
        vendor_id: u.vendor_id,
        session_id: None,
        csrf_token: String::new(),
    }))
}

pub async fn logout(app: &App, actor: &Actor) -> AppResult<()> {
    let Some(sid) = actor.session_id else {
        return Ok(());
    };
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            users::revoke_session(w, sid, now).await?;
            w.audit(
                None,
                "sign_out",
                "session",
                Some(sid),
                serde_json::json!({}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    Ok(())
}

/// Changes the actor's own password; every other session of theirs ends.
pub async fn change_password(app: &App, actor: &Actor, current: &str, new: &str) -> AppResult<()> {
    check_new_password("new_password", new)?;
    // The argon2 work happens before the write transaction (see `login`).
    let user = users::by_id(&mut *app.db.read().await?, actor.user_id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    if !check_password(current, &user.password_hash).await {
        return Err(AppError::invalid(
            "current_password",
            "the current password is wrong",
        ));
    }
    let hash = hash_off_runtime(new).await?;
    let hash = &hash;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            users::set_password(w, actor.user_id, hash, now).await?;
            users::revoke_sessions_of(w, actor.user_id, actor.session_id, now).await?;
            w.audit(
                None,
                "change_password",
                "user",
                Some(actor.user_id),
                serde_json::json!({}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    Ok(())
}

/// Sets a password through a one-time link (`token` from
/// `/set-password/{token}`): once, before it expires; every session of
/// the account ends. A link unknown, used or expired is refused naming
/// `token`, the same for each, so it tells a guesser nothing.
pub async fn set_password_by_link(app: &App, token: &str, new: &str) -> AppResult<()> {
    check_new_password("new_password", new)?;
    let hash = token_hash(token.trim());
    let gone = || {
        AppError::invalid(
            "token",
            "this link is used or expired: ask your company's admin for a new one",
        )
    };
    let link = users::password_link(&mut *app.db.read().await?, &hash)
        .await?
        .filter(|l| l.used_at.is_none() && l.expires_at > app.now())
        .ok_or_else(gone)?;
    let password = hash_off_runtime(new).await?;
    let (link, password) = (&link, &password);
    app.write_as_system(|w| {
        Box::pin(async move {
            let now = w.now();
            if link.expires_at <= now || !users::use_password_link(w, link.id, now).await? {
                return Err(gone());
            }
            users::set_password(w, link.user_id, password, now).await?;
            users::revoke_sessions_of(w, link.user_id, None, now).await?;
            w.audit(
                None,
                "set_password_by_link",
                "user",
                Some(link.user_id),
                serde_json::json!({}),
            )
            .await?;
            Ok(())
        })
    })
    .await
}

/// On an empty database, creates `admin` with `password` (or a random one,
/// returned so the caller can print it once).
pub async fn ensure_admin(app: &App, password: Option<&str>) -> AppResult<Option<String>> {
    let made = app
        .write_as_system(|w| {
            Box::pin(async move {
                let now = w.now();
                if users::count(w).await? > 0 {
                    return Ok(None);
                }
                let (password, generated) = match password.filter(|p| !p.is_empty()) {
                    Some(p) => {
                        check_new_password("LOBBY_ADMIN_PASSWORD", p)?;
                        (p.to_string(), false)
                    }
                    None => (random_token()[..20].to_string(), true),
                };
                let id = users::insert(
                    w,
                    &NewUser {
                        username: "admin",
                        display_name: "系统管理员",
                        password_hash: &hash_password(&password)?,
                        locale: "zh-CN",
                        tenant_id: None,
                        vendor_id: None,
                        now,
                    },
                )
                .await?;
                users::set_roles(
                    w,
                    id,
                    &[RoleRow {
                        site_id: None,
                        role: Role::Admin,
                    }],
                )
                .await?;
                w.audit(
                    None,
                    "create",
                    "user",
                    Some(id),
                    serde_json::json!({"username": "admin"}),
                )
                .await?;
                Ok(Some((password, generated)))
            })
        })
        .await?;
    Ok(made.and_then(|(password, generated)| generated.then_some(password)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash_password("correct horse").unwrap();
        let b = hash_password("correct horse").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &a));
        assert!(!verify_password("wrong", &a));
        assert!(!verify_password("x", dummy_hash()));
        assert!(dummy_hash().starts_with("$argon2id$"));
    }

    #[test]
    fn tokens_are_hashed() {
        let t = random_token();
        assert_eq!(t.len(), 64);
        assert_ne!(token_hash(&t), t);
        assert!(check_new_password("p", "short").is_err());
    }
}
