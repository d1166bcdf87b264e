//! `/portal`: what a tenant's own account needs to report a problem (its
//! company, its units now, the site's public places). Its requests are
//! `/tickets` (CONTRACT.md "Tenant portal and delivery").

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lobby_app::portal::accounts::{
    self, NewTenantAccount, PasswordLinkView, TenantAccountChange, TenantAccountView,
    TenantAccounts,
};
use lobby_app::portal::{self, PortalContext};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiJson};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(context))
        .routes_once(routes!(list_accounts, add_account))
        .routes_once(routes!(change_account))
        .routes_once(routes!(password_link))
}

/// The tenant account's own company, the units it occupies and the site's
/// public places: the choices of "where" when it reports a problem. 403 for
/// a staff account.
#[utoipa::path(get, path = "/portal", tag = "portal", responses((status = 200, body = PortalContext), (status = 403, body = ErrorBody)))]
async fn context(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
) -> Result<Json<PortalContext>, ApiError> {
    Ok(Json(portal::context(&s.app, &a).await?))
}

/// The accounts of the tenant's company (each person its own), and whether
/// the asking account may add and remove them (the company's admin).
#[utoipa::path(get, path = "/portal/accounts", tag = "portal",
    responses((status = 200, body = TenantAccounts), (status = 403, body = ErrorBody)))]
async fn list_accounts(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
) -> Result<Json<TenantAccounts>, ApiError> {
    Ok(Json(accounts::list(&s.app, &a).await?))
}

/// The company's admin adds an account for one of its people: a portal
/// account of the same tenant and site, nothing more. At most 50 per company.
#[utoipa::path(post, path = "/portal/accounts", tag = "portal", request_body = NewTenantAccount,
    responses((status = 201, body = TenantAccountView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_account(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<NewTenantAccount>,
) -> Result<(StatusCode, Json<TenantAccountView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(accounts::add(&s.app, &a, &i).await?),
    ))
}

/// The company's admin removes an account (`active: false`: it can no
/// longer sign in, its sessions end), brings one back, or makes it an admin;
/// never its own. Another company's account is 404.
#[utoipa::path(put, path = "/portal/accounts/{id}", tag = "portal", params(("id" = i64, Path)), request_body = TenantAccountChange,
    responses((status = 200, body = TenantAccountView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn change_account(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<TenantAccountChange>,
) -> Result<Json<TenantAccountView>, ApiError> {
    Ok(Json(accounts::change(&s.app, &a, id, &i).await?))
}

/// The company's admin makes a one-time link (72 hours) for a colleague to
/// set a new password; an earlier unused one stops working. The answer's
/// `path` holds the token, shown this once.
#[utoipa::path(post, path = "/portal/accounts/{id}/password-link", tag = "portal", params(("id" = i64, Path)),
    responses((status = 201, body = PasswordLinkView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn password_link(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<PasswordLinkView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(accounts::password_link(&s.app, &a, id).await?),
    ))
}
