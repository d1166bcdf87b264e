//! `/auth`: sign in for a bearer token, sign out, who am I, my password.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use lobby_app::auth::{self, SessionKind};
use lobby_app::users::RoleGrant;
use serde::{Deserialize, Serialize};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiJson, ClientAddr};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(login))
        .routes_once(routes!(logout))
        .routes_once(routes!(me))
        .routes_once(routes!(change_password))
        .routes_once(routes!(set_password_by_link))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// The role names the user holds (at any site).
    pub roles: Vec<String>,
    /// The same roles with their sites.
    pub grants: Vec<RoleGrant>,
    pub locale: String,
    /// For a tenant's portal account: the tenant it speaks for.
    pub tenant_id: Option<i64>,
    /// For a vendor's account: the vendor.
    pub vendor_id: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    pub token: String,
    pub user: LoginUser,
}

fn user_of(a: &lobby_app::Actor) -> LoginUser {
    let mut roles: Vec<String> = a
        .roles
        .iter()
        .map(|(_, r)| r.as_str().to_string())
        .collect();
    roles.dedup();
    LoginUser {
        id: a.user_id,
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        tenant_id: a.tenant_id,
        vendor_id: a.vendor_id,
        roles,
        grants: a
            .roles
            .iter()
            .map(|(s, r)| RoleGrant {
                site_id: *s,
                role: *r,
            })
            .collect(),
        locale: a.locale.clone(),
    }
}

/// Sign in; the token is valid for 30 days or until signed out.
#[utoipa::path(post, path = "/auth/login", tag = "auth", security(()), request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody), (status = 429, description = "too many failed sign-ins for this username", body = ErrorBody)))]
async fn login(
    State(s): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let signed = auth::login(
        &s.app,
        &req.username,
        &req.password,
        SessionKind::Api,
        &addr,
    )
    .await?;
    Ok(Json(LoginResponse {
        token: signed.token,
        user: user_of(&signed.actor),
    }))
}

/// Revoke the token this request carries.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", responses((status = 204), (status = 401, body = ErrorBody)))]
async fn logout(State(s): State<AppState>, ApiActor(a): ApiActor) -> Result<StatusCode, ApiError> {
    auth::logout(&s.app, &a).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/auth/me", tag = "auth", responses((status = 200, body = LoginUser), (status = 401, body = ErrorBody)))]
async fn me(ApiActor(a): ApiActor) -> Json<LoginUser> {
    Json(user_of(&a))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    /// 8–128 characters.
    pub new_password: String,
}

/// Change your own password; your other sessions and tokens end.
#[utoipa::path(post, path = "/auth/password", tag = "auth", request_body = PasswordChange, responses((status = 204), (status = 422, body = ErrorBody)))]
async fn change_password(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(p): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    auth::change_password(&s.app, &a, &p.current_password, &p.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PasswordByLink {
    /// The token of the one-time link (`/set-password/{token}`).
    pub token: String,
    /// 8–128 characters.
    pub new_password: String,
}

/// Sets a password through a one-time link, without signing in: once,
/// within 72 hours; every session of the account ends. A link unknown,
/// used or expired is 422 naming `token`.
#[utoipa::path(post, path = "/auth/password-link", tag = "auth", security(()), request_body = PasswordByLink,
    responses((status = 204), (status = 422, body = ErrorBody)))]
async fn set_password_by_link(
    State(s): State<AppState>,
    ApiJson(v): ApiJson<PasswordByLink>,
) -> Result<StatusCode, ApiError> {
    auth::set_password_by_link(&s.app, &v.token, &v.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}
