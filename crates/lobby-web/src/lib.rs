//! The web layer: axum routes for the HTML UI (`ui::*`) and the JSON API
//! (`api::*`), both calling the same `lobby_app` use cases. Handlers parse
//! input, call one use case and render; they never decide a business rule
//! or a permission.

pub mod api;
mod error;
mod extract;
pub mod i18n;
mod ops;
mod ui;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use lobby_app::App;
use tokio::net::TcpListener;

pub use error::ApiError;

#[derive(Clone)]
pub struct AppState {
    pub app: Arc<App>,
    /// Set the `Secure` attribute on cookies (behind HTTPS).
    pub secure_cookies: bool,
}

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = api::router().split_for_parts();
    let openapi = Arc::new(openapi);
    Router::new()
        .merge(ui::router())
        .nest(
            "/api/v1",
            api.merge(api::openapi_route(openapi))
                .fallback(api::not_found),
        )
        .merge(ops::router())
        .layer(axum::middleware::from_fn(ops::track))
        .layer(ops::request_id_layers())
        .with_state(state)
}

/// Serves until `shutdown` resolves, then lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
