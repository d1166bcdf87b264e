//! `/users`: staff accounts (admin), and `/notifications` and `/audit`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lobby_app::audit::AuditView;
use lobby_app::notify::NotificationView;
use lobby_app::page::Page;
use lobby_app::users::{self, UserInput, UserView};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::schemas::Once;

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::{ApiActor, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes_once(routes!(list_users, create_user))
        .routes_once(routes!(get_user, update_user))
        .routes_once(routes!(notifications))
        .routes_once(routes!(notifications_read))
        .routes_once(routes!(audit_log))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct UserQuery {
    pub site_id: Option<i64>,
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/users", tag = "users", params(UserQuery), responses((status = 200, body = Page<UserView>), (status = 403, body = ErrorBody)))]
async fn list_users(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<UserQuery>,
) -> Result<Json<Page<UserView>>, ApiError> {
    Ok(Json(
        users::list(
            &s.app,
            &a,
            q.site_id,
            q.q.as_deref(),
            q.cursor.as_deref(),
            q.limit,
        )
        .await?,
    ))
}

/// Create a staff account with roles per site (admin).
#[utoipa::path(post, path = "/users", tag = "users", request_body = UserInput, responses((status = 201, body = UserView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_user(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(i): ApiJson<UserInput>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(users::create(&s.app, &a, &i).await?),
    ))
}

#[utoipa::path(get, path = "/users/{id}", tag = "users", params(("id" = i64, Path)), responses((status = 200, body = UserView), (status = 404, body = ErrorBody)))]
async fn get_user(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<UserView>, ApiError> {
    Ok(Json(users::get(&s.app, &a, id).await?))
}

/// Change name, language, active flag, roles; `password` resets it.
#[utoipa::path(put, path = "/users/{id}", tag = "users", params(("id" = i64, Path)), request_body = UserInput, responses((status = 200, body = UserView), (status = 422, body = ErrorBody)))]
async fn update_user(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<UserInput>,
) -> Result<Json<UserView>, ApiError> {
    Ok(Json(users::update(&s.app, &a, id, &i).await?))
}

/// Your newest notifications (the bell).
#[utoipa::path(get, path = "/notifications", params(super::PageQ), tag = "audit", responses((status = 200, body = Page<NotificationView>)))]
async fn notifications(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    crate::extract::ApiQuery(pq): crate::extract::ApiQuery<super::PageQ>,
) -> Result<Json<Page<NotificationView>>, ApiError> {
    super::paged(lobby_app::notify::list(&s.app, &a, 100).await?, &pq)
}

/// Mark all your notifications read.
#[utoipa::path(post, path = "/notifications/read", tag = "audit", responses((status = 204)))]
async fn notifications_read(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
) -> Result<StatusCode, ApiError> {
    lobby_app::notify::mark_all_read(&s.app, &a).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    pub site_id: i64,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub action: Option<String>,
    pub limit: Option<i64>,
    /// An entry id: entries older than it.
    pub cursor: Option<String>,
}

/// The audit log, newest first (project manager, admin).
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery), responses((status = 200, body = Page<AuditView>), (status = 403, body = ErrorBody)))]
async fn audit_log(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Page<AuditView>>, ApiError> {
    let limit = lobby_app::page::limit(q.limit)?;
    let before = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(
            c.parse::<i64>()
                .map_err(|_| ApiError(lobby_app::AppError::invalid("cursor", "not a cursor")))?,
        ),
        None => None,
    };
    let items = lobby_app::audit::list(
        &s.app,
        &a,
        q.site_id,
        q.entity.as_deref(),
        q.entity_id,
        q.action.as_deref(),
        before,
        limit,
    )
    .await?;
    let next_cursor = (items.len() as i64 == limit)
        .then(|| items.last().map(|e| e.id.to_string()))
        .flatten();
    Ok(Json(Page { items, next_cursor }))
}
