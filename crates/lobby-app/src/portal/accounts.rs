//! A tenant's own accounts (租户子账号): several people of one company each
//! sign in with their own account under the tenant. Every account of the
//! company sees who has one; the company's admin (an account lobby's admin
//! marked `tenant_admin`) adds one — a portal account at the tenant's site
//! and nothing more — removes one (its sessions end at once; its name stays
//! on what it did) or brings it back, and makes another account an admin.

use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_store::users::{self as store, NewUser, RoleRow, UserRow};
use serde::{Deserialize, Serialize};

use crate::auth::{check_new_password, hash_off_runtime};
use crate::error::dup_as;
use crate::{time, Actor, App, AppError, AppResult};

/// The most accounts one tenant may have, active or not.
pub const MAX_ACCOUNTS: usize = 50;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TenantAccountView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub active: bool,
    pub tenant_admin: bool,
    /// The account asking.
    pub you: bool,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TenantAccounts {
    pub tenant_id: i64,
    /// May the account asking add and remove accounts?
    pub can_manage: bool,
    pub items: Vec<TenantAccountView>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewTenantAccount {
    pub username: String,
    pub display_name: String,
    /// At least 8 characters; the person changes it after signing in.
    /// Left out (or `""`), nobody knows one: send the colleague a one-time
    /// link (`POST /tenant-accounts/{id}/password-link`) to set their own.
    #[serde(default)]
    pub password: Option<String>,
    /// `zh-CN` (default) or `en`.
    pub locale: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct TenantAccountChange {
    /// false removes the account (it can no longer sign in), true brings it back.
    pub active: Option<bool>,
    pub tenant_admin: Option<bool>,
}

/// The tenant and its site the actor's account belongs to, after the
/// permission check; `manage`: the actor must be the company's admin.
async fn own(c: &mut lobby_store::Conn, actor: &Actor, manage: bool) -> AppResult<(i64, i64)> {
    let tenant_id = actor.tenant_id.ok_or(AppError::Forbidden)?;
    if !actor.can_anywhere(Can::TenantAccounts) {
        return Err(AppError::Forbidden);
    }
    let site = lobby_store::tenants::get(c, tenant_id)
        .await?
        .ok_or(AppError::Forbidden)?
        .site_id;
    actor.authorize(Can::TenantAccounts, site)?;
    if manage && !is_admin(c, actor).await? {
        return Err(AppError::Forbidden);
    }
    Ok((tenant_id, site))
}

async fn is_admin(c: &mut lobby_store::Conn, actor: &Actor) -> AppResult<bool> {
    Ok(store::by_id(c, actor.user_id)
        .await?
        .is_some_and(|u| u.tenant_admin != 0 && u.active != 0))
}

fn view(actor: &Actor, u: UserRow) -> TenantAccountView {
    TenantAccountView {
        you: u.id == actor.user_id,
        id: u.id,
        username: u.username,
        display_name: u.display_name,
        active: u.active != 0,
        tenant_admin: u.tenant_admin != 0,
        created_at: time::rfc3339(u.created_at),
    }
}

pub async fn list(app: &App, actor: &Actor) -> AppResult<TenantAccounts> {
    let mut c = app.db.read().await?;
    let (tenant_id, _) = own(&mut c, actor, false).await?;
    let can_manage = is_admin(&mut c, actor).await?;
    let items = store::accounts_of_tenant(&mut c, tenant_id)
        .await?
        .into_iter()
        .map(|u| view(actor, u))
        .collect();
    Ok(TenantAccounts {
        tenant_id,
        can_manage,
        items,
    })
}

pub async fn add(
    app: &App,
    actor: &Actor,
    input: &NewTenantAccount,
) -> AppResult<TenantAccountView> {
    let (tenant_id, site) = {
        let mut c = app.db.read().await?;
        own(&mut c, actor, true).await?
    };
    let username = crate::users::parse_username(&input.username)?;
    let display_name = lobby_domain::error::required_text("display_name", &input.display_name, 60)?;
    let locale = crate::users::parse_locale(input.locale.as_deref())?;
    let password = match input.password.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => {
            check_new_password("password", p)?;
            p.to_string()
        }
        // Nobody's: the colleague sets their own through a link.
        None => crate::auth::random_token(),
    };
    let hash = hash_off_runtime(&password).await?;
    let (username, display_name, locale, hash) = (&username, &display_name, &locale, &hash);
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            // Checked again in the transaction: still the company's admin,
            // and room for one more.
            if !is_admin(w, actor).await? {
                return Err(AppError::Forbidden);
            }
            if store::accounts_of_tenant(w, tenant_id).await?.len() >= MAX_ACCOUNTS {
                return Err(AppError::invalid(
                    "username",
                    format!("a company has at most {MAX_ACCOUNTS} accounts; remove one it no longer needs first"),
                ));
            }
            let id = store::insert(
                w,
                &NewUser {
                    username,
                    display_name,
                    password_hash: hash,
                    locale,
                    tenant_id: Some(tenant_id),
                    vendor_id: None,
                    now,
                },
            )
            .await
            .map_err(dup_as("username", "this username is taken"))?;
            store::set_roles(
                w,
                id,
                &[RoleRow {
                    site_id: Some(site),
                    role: Role::Tenant,
                }],
            )
            .await?;
            w.audit(
                Some(site),
                "create",
                "user",
                Some(id),
                serde_json::json!({"username": username, "tenant_id": tenant_id, "by": "tenant_admin"}),
            )
            .await?;
            let u = store::by_id(w, id).await?.ok_or(AppError::NotFound("user"))?;
            Ok(view(actor, u))
        })
    })
    .await
}

/// Removes or brings back an account of the company, or makes it an admin
/// or not; never the asking account itself (so a company keeps its admin).
pub async fn change(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &TenantAccountChange,
) -> AppResult<TenantAccountView> {
    let (tenant_id, site) = {
        let mut c = app.db.read().await?;
        own(&mut c, actor, true).await?
    };
    if id == actor.user_id {
        return Err(AppError::invalid(
            if input.active.is_some() {
                "active"
            } else {
                "tenant_admin"
            },
            "you cannot remove yourself or your own admin right; another admin of your company can",
        ));
    }
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            if !is_admin(w, actor).await? {
                return Err(AppError::Forbidden);
            }
            // Another company's account (or a staff one) is not found.
            let u = store::by_id(w, id)
                .await?
                .filter(|u| u.tenant_id == Some(tenant_id))
                .ok_or(AppError::NotFound("user"))?;
            if let Some(active) = input.active {
                store::set_active(w, id, active, now).await?;
                if !active {
                    store::revoke_sessions_of(w, id, None, now).await?;
                }
            }
            if let Some(admin) = input.tenant_admin {
                store::set_tenant_admin(w, id, admin, now).await?;
            }
            w.audit(
                Some(site),
                "update",
                "user",
                Some(id),
                serde_json::json!({"username": u.username, "active": input.active, "tenant_admin": input.tenant_admin, "by": "tenant_admin"}),
            )
            .await?;
            let u = store::by_id(w, id).await?.ok_or(AppError::NotFound("user"))?;
            Ok(view(actor, u))
        })
    })
    .await
}

/// How long a password link works.
pub const LINK_HOURS: i64 = 72;

/// A one-time link to set a password, shown once to the admin who made it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PasswordLinkView {
    pub user_id: i64,
    /// The page the colleague opens (`/set-password/{token}`): the token
    /// is in no other answer and only its hash is kept.
    pub path: String,
    pub expires_at: String,
}

/// The company's admin makes a one-time link for a colleague to set a new
/// password (a new account, or a forgotten password); the admin never sees
/// a password. An earlier unused link stops working. Not for the admin's
/// own account (its password changes on `/account/password`).
pub async fn password_link(app: &App, actor: &Actor, id: i64) -> AppResult<PasswordLinkView> {
    let (tenant_id, site) = {
        let mut c = app.db.read().await?;
        own(&mut c, actor, true).await?
    };
    if id == actor.user_id {
        return Err(AppError::invalid(
            "id",
            "change your own password on the password page",
        ));
    }
    let token = crate::auth::random_token();
    let hash = crate::auth::token_hash(&token);
    let expires_at = jiff::Timestamp::from_microsecond(app.now())
        .and_then(|t| t.checked_add(jiff::SignedDuration::from_hours(LINK_HOURS)))
        .map_err(|e| AppError::Internal(e.into()))?
        .as_microsecond();
    let hash = &hash;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            if !is_admin(w, actor).await? {
                return Err(AppError::Forbidden);
            }
            let u = store::by_id(w, id)
                .await?
                .filter(|u| u.tenant_id == Some(tenant_id))
                .ok_or(AppError::NotFound("user"))?;
            if u.active == 0 {
                return Err(AppError::InvalidTransition(
                    "the account is removed: bring it back first".into(),
                ));
            }
            let by = actor.display_name.clone();
            store::insert_password_link(w, id, hash, &by, now, expires_at).await?;
            w.audit(
                Some(site),
                "password_link",
                "user",
                Some(id),
                serde_json::json!({"username": u.username, "expires_at": time::rfc3339(expires_at)}),
            )
            .await
        })
    })
    .await?;
    Ok(PasswordLinkView {
        user_id: id,
        path: format!("/set-password/{token}"),
        expires_at: time::rfc3339(expires_at),
    })
}
