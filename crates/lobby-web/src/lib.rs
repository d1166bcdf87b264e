//! The web layer: axum routes for the HTML UI (`ui::*`) and the JSON API
//! (`api::*`), both calling the same `lobby_app` use cases. Handlers parse
//! input, call one use case and render; they never decide a business rule
//! or a permission.

pub mod api;
mod error;
mod error_page;
mod extract;
mod files;
pub mod i18n;
pub mod ops;
mod state;
mod ui;

use std::future::Future;

use axum::Router;
use tokio::net::TcpListener;

pub use error::ApiError;

pub use state::AppState;

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    let (api, mut openapi) = api::router().split_for_parts();
    api::document_errors(&mut openapi);
    // Kept as the JSON it is served as: the document's own structure (a
    // tree of maps per operation) held ~15 MiB for the life of the server.
    let openapi = api::OpenApiJson::of(&openapi);
    Router::new()
        .merge(ui::router())
        .nest(
            "/api/v1",
            api.merge(api::openapi_route(openapi))
                .fallback(api::not_found)
                .layer(axum::middleware::from_fn(api::json_errors))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    api::idempotent::layer,
                )),
        )
        .merge(ops::router())
        .fallback(ui::not_found)
        .layer(axum::middleware::from_fn(ops::security_headers))
        .layer(axum::middleware::from_fn(ops::track))
        .layer(ops::request_id_layers())
        .with_state(state)
}

/// How long a client may take to send a request's head (its line and
/// headers). A connection that sends nothing, or sends half a head and
/// stalls, is closed after this, so idle sockets cannot pile up.
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Serves until `shutdown` resolves, then lets requests in flight finish.
///
/// Each connection is served by hyper with a header-read timeout, and each
/// request carries the peer's address (`ConnectInfo`), which the sign-in
/// throttle counts by.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use tower::ServiceExt;

    let app = router(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait, go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let svc =
            app.clone()
                .map_request(move |mut req: axum::http::Request<hyper::body::Incoming>| {
                    req.extensions_mut()
                        .insert(axum::extract::ConnectInfo(peer));
                    req
                });
        let svc = hyper_util::service::TowerToHyperService::new(svc);
        let mut builder = Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_READ_TIMEOUT);
        let conn = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), svc)
            .into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    // Requests in flight finish; idle keep-alive connections close now.
    graceful.shutdown().await;
    Ok(())
}
