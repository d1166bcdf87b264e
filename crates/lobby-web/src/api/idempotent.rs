//! `Idempotency-Key` for every `POST` of the API, as a layer around all of
//! its routes, so no route can forget it (CONTRACT.md, "Round 3 surface").
//!
//! A `POST` that carries the header, from a signed-in caller: the request's
//! fingerprint (method, path, body as parsed: `idempotency::request_fingerprint`)
//! is reserved under the key before the handler runs; the handler runs to
//! its end even if the client goes away (in its own task); its answer —
//! any status but a server error, 401 or 429 — is kept. The same key and
//! request again gets that answer (`Idempotent-Replayed: true`), even while
//! the first still runs (it waits for it); the same key with another
//! request is 409 `idempotency_conflict` and nothing runs.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lobby_app::idempotency::{self, Claim, Kept};
use lobby_app::{auth, AppError};

use crate::error::ApiError;
use crate::state::AppState;

/// The largest body read to fingerprint it, by its type: at least every
/// route's own limit for that type (six photos of a work order; a tenant
/// or bank file), which still applies after.
fn max_body(content_type: Option<&str>) -> usize {
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    if ct.starts_with("application/json") {
        4 * 1024 * 1024
    } else if ct.starts_with("multipart/") || ct.starts_with("image/") {
        6 * lobby_app::photos::MAX_PHOTO_BYTES + 256 * 1024
    } else {
        12 * 1024 * 1024 + 64 * 1024
    }
}

/// The largest answer kept; a larger one is not replayed (the key is freed).
const MAX_KEPT: usize = 2 * 1024 * 1024;

/// How long a twin waits for the first request's answer.
const WAIT: std::time::Duration = std::time::Duration::from_secs(15);

pub async fn layer(State(s): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST || !req.headers().contains_key("idempotency-key") {
        return next.run(req).await;
    }
    let key = match super::idempotency_key(req.headers()) {
        Ok(Some(k)) => k,
        Ok(None) => return next.run(req).await,
        Err(e) => return e.into_response(),
    };
    // Who asks: a key is the caller's own. Without a valid token the route
    // answers 401 itself.
    let token = crate::extract::bearer(req.headers()).map(str::to_string);
    let actor = match token {
        Some(t) => auth::resolve(&s.app, &t, auth::SessionKind::Api).await.ok(),
        None => None,
    };
    let Some(actor) = actor else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let cap = max_body(
        parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
    );
    let bytes = match axum::body::to_bytes(body, cap).await {
        Ok(b) => b,
        Err(_) => return ApiError(AppError::PayloadTooLarge).into_response(),
    };
    let fingerprint = idempotency::request_fingerprint(
        parts.method.as_str(),
        parts.uri.path_and_query().map_or("", |p| p.as_str()),
        parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        &bytes,
    );
    let started = tokio::time::Instant::now();
    loop {
        match idempotency::claim(&s.app, &actor, &key, &fingerprint).await {
            Err(e) => return ApiError(e).into_response(),
            Ok(Claim::Fresh) => break,
            Ok(Claim::Replay(kept)) => return replay(kept),
            Ok(Claim::Conflict) => {
                return ApiError(idempotency::conflict(
                    "this Idempotency-Key was used for a different request; use a new key for a new request",
                ))
                .into_response()
            }
            Ok(Claim::Running { .. }) if started.elapsed() < WAIT => {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            Ok(Claim::Running { .. }) => {
                return ApiError(idempotency::conflict(
                    "a request with this Idempotency-Key has not finished (or its server stopped while it ran); look whether it took effect before sending it again with a new key",
                ))
                .into_response()
            }
        }
    }
    // The handler runs to its end in its own task: a client that hangs up
    // after sending does not leave the key reserved with no answer.
    let req = Request::from_parts(parts, Body::from(bytes));
    let app = s.app.clone();
    let run = tokio::spawn(async move {
        let resp = next.run(req).await;
        let (parts, body) = resp.into_parts();
        let status = parts.status;
        let keepable = !(status.is_server_error()
            || status == StatusCode::UNAUTHORIZED
            || status == StatusCode::TOO_MANY_REQUESTS);
        let bytes = match axum::body::to_bytes(body, MAX_KEPT).await {
            Ok(b) => b,
            Err(_) => {
                let _ = idempotency::release(&app, &actor, &key).await;
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        let text = std::str::from_utf8(&bytes).ok();
        let kept = match text {
            Some(t) if keepable => {
                let kept = Kept {
                    status: status.as_u16(),
                    content_type: parts
                        .headers
                        .get(header::CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string),
                    body: t.to_string(),
                };
                idempotency::keep(&app, &actor, &key, &kept).await
            }
            _ => idempotency::release(&app, &actor, &key).await,
        };
        if let Err(e) = kept {
            tracing::error!(error = %e, "could not keep an idempotent answer");
        }
        Response::from_parts(parts, Body::from(bytes))
    });
    match run.await {
        Ok(resp) => resp,
        Err(e) => {
            tracing::error!(error = %e, "an idempotent request's task failed");
            ApiError(AppError::Internal(anyhow::anyhow!("the request failed"))).into_response()
        }
    }
}

fn replay(kept: Kept) -> Response {
    let status = StatusCode::from_u16(kept.status).unwrap_or(StatusCode::OK);
    let mut resp = (status, kept.body).into_response();
    if let Some(ct) = kept
        .content_type
        .and_then(|c| HeaderValue::from_str(&c).ok())
    {
        resp.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    resp.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    resp
}
