//! Staff accounts: the admin creates them, gives roles per site, resets
//! passwords and deactivates leavers; everyone picks their own language.

use lobby_domain::policy::Action;
use lobby_domain::roles::Role;
use lobby_store::users::{self as store, NewUser, RoleRow, UserRow};
use serde::{Deserialize, Serialize};

use crate::auth::{check_new_password, hash_off_runtime};
use crate::error::dup_as;
use crate::page::{self, Page};
use crate::{audit, time, Actor, App, AppError, AppResult};

pub const LOCALES: [&str; 2] = ["zh-CN", "en"];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct RoleGrant {
    /// The site the role holds at; absent for every site (admin only).
    pub site_id: Option<i64>,
    pub role: Role,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub locale: String,
    pub active: bool,
    pub roles: Vec<RoleGrant>,
    pub tenant_id: Option<i64>,
    /// A tenant's account that adds and removes its company's accounts.
    pub tenant_admin: bool,
    pub vendor_id: Option<i64>,
    pub created_at: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct UserInput {
    pub username: String,
    pub display_name: Option<String>,
    /// Only on create; at least 8 characters.
    pub password: Option<String>,
    pub roles: Vec<RoleGrant>,
    pub locale: Option<String>,
    pub tenant_id: Option<i64>,
    pub vendor_id: Option<i64>,
    pub active: Option<bool>,
    /// With `tenant_id`: this account adds and removes the company's
    /// accounts (`/portal/accounts`). Unchanged when absent on update.
    pub tenant_admin: Option<bool>,
}

pub fn parse_username(s: &str) -> AppResult<String> {
    let v = s.trim().to_lowercase();
    let ok = (3..=32).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'));
    if !ok {
        return Err(AppError::invalid(
            "username",
            "a username has 3–32 characters: a–z, 0–9, '_', '.', '-'",
        ));
    }
    Ok(v)
}

pub(crate) fn parse_locale(s: Option<&str>) -> AppResult<String> {
    let v = s.unwrap_or("zh-CN");
    if LOCALES.contains(&v) {
        Ok(v.to_string())
    } else {
        Err(AppError::invalid("locale", "locale must be zh-CN or en"))
    }
}

/// The actor may grant these roles: at each site they manage users, and
/// every-site roles only as an every-site admin.
fn check_grants(actor: &Actor, roles: &[RoleGrant]) -> AppResult<()> {
    if roles.is_empty() {
        return Err(AppError::invalid(
            "roles",
            "give the user at least one role",
        ));
    }
    for g in roles {
        match g.site_id {
            Some(site) => actor.authorize(Action::UsersManage, site)?,
            None if is_global_admin(actor) => {}
            None => return Err(AppError::Forbidden),
        }
        if g.site_id.is_none() && g.role != Role::Admin {
            return Err(AppError::invalid(
                "roles",
                "only admin may hold a role at every site",
            ));
        }
    }
    Ok(())
}

fn any_manage(actor: &Actor) -> AppResult<()> {
    if actor.can_anywhere(Action::UsersManage) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn is_global_admin(actor: &Actor) -> bool {
    actor
        .roles
        .iter()
        .any(|(s, r)| s.is_none() && *r == Role::Admin)
}

/// The sites whose users the actor manages; `None`: every site (a global
/// admin).
fn managed_sites(actor: &Actor) -> Option<Vec<i64>> {
    if is_global_admin(actor) {
        return None;
    }
    let mut v: Vec<i64> = actor
        .roles
        .iter()
        .filter_map(|(s, _)| *s)
        .filter(|s| actor.can(Action::UsersManage, *s))
        .collect();
    v.sort_unstable();
    v.dedup();
    Some(v)
}

/// May the actor see and change a user holding `roles` (the target's roles
/// as they stand)? Only when every one of them is at a site the actor
/// manages users at; a user with an every-site role, or with no role at
/// all, only a global admin.
fn manages(actor: &Actor, roles: &[RoleRow]) -> bool {
    match managed_sites(actor) {
        None => true,
        Some(sites) => {
            !roles.is_empty()
                && roles
                    .iter()
                    .all(|r| r.site_id.is_some_and(|s| sites.contains(&s)))
        }
    }
}

/// The target user and its roles, if the actor may manage them (or, with
/// `self_ok`, it is the actor); a user the actor may not manage is not
/// found (its existence is not told).
async fn managed_target(
    c: &mut lobby_store::Conn,
    actor: &Actor,
    id: i64,
    self_ok: bool,
) -> AppResult<(UserRow, Vec<RoleRow>)> {
    let u = store::by_id(c, id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let roles = store::roles(c, id).await?;
    let own = self_ok && id == actor.user_id;
    if !(own || manages(actor, &roles)) {
        return Err(AppError::NotFound("user"));
    }
    Ok((u, roles))
}

/// A tenant or vendor account is tied only to a tenant or vendor of a site
/// the actor manages users at; every role is at a site that exists.
async fn check_ties(c: &mut lobby_store::Conn, actor: &Actor, input: &UserInput) -> AppResult<()> {
    for site in input.roles.iter().filter_map(|g| g.site_id) {
        if lobby_store::sites::site(c, site).await?.is_none() {
            return Err(AppError::invalid(
                "site_id",
                format!("there is no site {site}; give an existing site's id (see /sites)"),
            ));
        }
    }
    if input.tenant_admin == Some(true) && input.tenant_id.is_none() {
        return Err(AppError::invalid(
            "tenant_admin",
            "only a tenant's account can be its company's admin",
        ));
    }
    if let Some(t) = input.tenant_id {
        let site = lobby_store::tenants::get(c, t).await?.map(|t| t.site_id);
        match site {
            Some(s) if actor.can(Action::UsersManage, s) => {}
            _ => {
                return Err(AppError::invalid(
                    "tenant_id",
                    "no such tenant at your sites",
                ))
            }
        }
    }
    if let Some(v) = input.vendor_id {
        let site = lobby_store::cleaning::vendor(c, v)
            .await?
            .map(|v| v.site_id);
        match site {
            Some(s) if actor.can(Action::UsersManage, s) => {}
            _ => {
                return Err(AppError::invalid(
                    "vendor_id",
                    "no such vendor at your sites",
                ))
            }
        }
    }
    Ok(())
}

/// The sites a change to a user touches (its roles before and after): the
/// change is audited at each, so it shows on that site's audit page; a
/// change that touches only every-site roles is audited without a site.
fn touched_sites(before: &[RoleRow], after: &[RoleGrant]) -> Vec<Option<i64>> {
    let mut v: Vec<i64> = before
        .iter()
        .filter_map(|r| r.site_id)
        .chain(after.iter().filter_map(|g| g.site_id))
        .collect();
    v.sort_unstable();
    v.dedup();
    if v.is_empty() {
        vec![None]
    } else {
        v.into_iter().map(Some).collect()
    }
}

async fn audit_user(
    tx: &mut crate::Work<'_>,
    now: i64,
    actor: &Actor,
    sites: &[Option<i64>],
    action: &str,
    id: i64,
    detail: &serde_json::Value,
) -> AppResult<()> {
    for site in sites {
        audit::record(
            tx,
            now,
            actor,
            *site,
            action,
            "user",
            Some(id),
            detail.clone(),
        )
        .await?;
    }
    Ok(())
}

fn rows(roles: &[RoleGrant]) -> Vec<RoleRow> {
    let mut out: Vec<RoleRow> = Vec::new();
    for g in roles {
        let r = RoleRow {
            site_id: g.site_id,
            role: g.role,
        };
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

fn view_with(u: UserRow, roles: Vec<RoleGrant>) -> UserView {
    UserView {
        id: u.id,
        username: u.username,
        display_name: u.display_name,
        locale: u.locale,
        active: u.active != 0,
        roles,
        tenant_id: u.tenant_id,
        tenant_admin: u.tenant_admin != 0,
        vendor_id: u.vendor_id,
        created_at: time::rfc3339(u.created_at),
    }
}

async fn view(c: &mut lobby_store::Conn, u: UserRow) -> AppResult<UserView> {
    let roles = store::roles(c, u.id)
        .await?
        .into_iter()
        .map(|r| RoleGrant {
            site_id: r.site_id,
            role: r.role,
        })
        .collect();
    Ok(view_with(u, roles))
}

pub async fn create(app: &App, actor: &Actor, input: &UserInput) -> AppResult<UserView> {
    check_grants(actor, &input.roles)?;
    let username = parse_username(&input.username)?;
    let password = input.password.as_deref().unwrap_or("");
    check_new_password("password", password)?;
    let display_name = input
        .display_name
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(&username)
        .to_string();
    let locale = parse_locale(input.locale.as_deref())?;
    {
        let mut c = app.db.read().await?;
        check_ties(&mut c, actor, input).await?;
    }
    let hash = hash_off_runtime(password).await?;
    let username = &username;
    let locale = &locale;
    let hash = &hash;
    let display_name = &display_name;
    let v = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let id = store::insert(
                    w,
                    &NewUser {
                        username,
                        display_name,
                        password_hash: hash,
                        locale,
                        tenant_id: input.tenant_id,
                        vendor_id: input.vendor_id,
                        now,
                    },
                )
                .await
                .map_err(dup_as("username", "this username is taken"))?;
                store::set_roles(w, id, &rows(&input.roles)).await?;
                if input.tenant_admin == Some(true) {
                    store::set_tenant_admin(w, id, true, now).await?;
                }
                audit_user(
                    w,
                    now,
                    actor,
                    &touched_sites(&[], &input.roles),
                    "create",
                    id,
                    &serde_json::json!({"username": username, "roles": input.roles}),
                )
                .await?;
                let u = store::by_id(w, id)
                    .await?
                    .ok_or(AppError::NotFound("user"))?;
                let v = view(w, u).await?;
                Ok(v)
            })
        })
        .await?;
    Ok(v)
}

pub async fn get(app: &App, actor: &Actor, id: i64) -> AppResult<UserView> {
    if id != actor.user_id {
        any_manage(actor)?;
    }
    let mut c = app.db.read().await?;
    let (u, _) = managed_target(&mut c, actor, id, true).await?;
    view(&mut c, u).await
}

pub async fn list(
    app: &App,
    actor: &Actor,
    site_id: Option<i64>,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> AppResult<Page<UserView>> {
    any_manage(actor)?;
    let limit = page::limit(limit)?;
    let after = page::decode(cursor)?.map(|(_, id)| id).unwrap_or(0);
    let mut c = app.db.read().await?;
    let scope = managed_sites(actor);
    let rows = store::list(
        &mut c,
        site_id,
        scope.as_deref(),
        q.filter(|q| !q.trim().is_empty()),
        after,
        limit + 1,
    )
    .await?;
    let more = rows.len() as i64 > limit;
    let rows: Vec<UserRow> = rows.into_iter().take(limit as usize).collect();
    let ids: Vec<i64> = rows.iter().map(|u| u.id).collect();
    let all_roles = store::roles_of(&mut c, &ids).await?;
    let items: Vec<UserView> = rows
        .into_iter()
        .map(|u| {
            let roles = all_roles
                .iter()
                .filter(|r| r.user_id == u.id)
                .map(|r| RoleGrant {
                    site_id: r.site_id,
                    role: r.role,
                })
                .collect();
            view_with(u, roles)
        })
        .collect();
    let next_cursor = if more {
        items.last().map(|u| page::encode("", u.id))
    } else {
        None
    };
    Ok(Page { items, next_cursor })
}

/// Changes name, language, active flag and roles; a new password when given.
pub async fn update(app: &App, actor: &Actor, id: i64, input: &UserInput) -> AppResult<UserView> {
    check_grants(actor, &input.roles)?;
    let locale = parse_locale(input.locale.as_deref())?;
    // Who the target is decides first; only then is a new password hashed
    // (argon2's work is not spent on a refused change), before the
    // transaction opens.
    {
        let mut c = app.db.read().await?;
        managed_target(&mut c, actor, id, false).await?;
        check_ties(&mut c, actor, input).await?;
    }
    let new_hash = match input.password.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => {
            check_new_password("password", p)?;
            Some(hash_off_runtime(p).await?)
        }
        None => None,
    };
    let new_hash = &new_hash;
    let locale = &locale;
    let v = app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            // Checked again inside the transaction: the target's roles as they
            // stand when the change is written.
            let (old, old_roles) = managed_target(w, actor, id, false).await?;
            let display_name = input
                .display_name
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .unwrap_or(&old.display_name)
                .to_string();
            let active = input.active.unwrap_or(old.active != 0);
            if id == actor.user_id && !active {
                return Err(AppError::invalid(
                    "active",
                    "you cannot deactivate yourself",
                ));
            }
            store::update_profile(
                w,
                id,
                &display_name,
                locale,
                active,
                input.tenant_id,
                input.vendor_id,
                now,
            )
            .await?;
            store::set_roles(w, id, &rows(&input.roles)).await?;
            let tenant_admin = input.tenant_id.is_some()
                && input.tenant_admin.unwrap_or(old.tenant_admin != 0);
            store::set_tenant_admin(w, id, tenant_admin, now).await?;
            let mut changed =
                serde_json::json!({"display_name": display_name, "active": active, "roles": input.roles, "tenant_admin": tenant_admin});
            if let Some(hash) = &new_hash {
                store::set_password(w, id, hash, now).await?;
                store::revoke_sessions_of(w, id, None, now).await?;
                changed["password_reset"] = true.into();
            }
            if !active {
                store::revoke_sessions_of(w, id, None, now).await?;
            }
            audit_user(
                w,
                now,
                actor,
                &touched_sites(&old_roles, &input.roles),
                "update",
                id,
                &changed,
            )
            .await?;
            let u = store::by_id(w, id)
                .await?
                .ok_or(AppError::NotFound("user"))?;
            let v = view(w, u).await?;
            Ok(v)
        })
    })
    .await?;
    Ok(v)
}

/// The language switch: a user's own choice, kept for their next visit.
pub async fn set_own_locale(app: &App, actor: &Actor, locale: &str) -> AppResult<()> {
    let locale = parse_locale(Some(locale))?;
    let locale = &locale;
    app.write(actor, |w| {
        Box::pin(async move {
            store::set_locale(w, actor.user_id, locale, app.now()).await?;
            Ok(())
        })
    })
    .await?;
    Ok(())
}
