//! `PageError`: what a page handler returns when it cannot draw its page.
//! Handlers return `Result<Response, PageError>` and use `?` on the app's
//! results; the error page is drawn once, by the `pages` middleware, in the
//! language of whoever is signed in (the extractors note it as they resolve
//! the session), or the browser goes to the sign-in page.

use std::sync::Arc;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lobby_app::AppError;

use crate::extract::Viewer;

/// A page that could not be drawn.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

/// A choice in the address that is not one (`?state=nonsense`): refused by
/// name, like any bad input.
impl From<lobby_domain::FieldError> for PageError {
    fn from(e: lobby_domain::FieldError) -> Self {
        PageError(e.into())
    }
}

/// The failure, carried from the handler to the `pages` middleware.
#[derive(Clone)]
struct Failed(Arc<AppError>);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut r = crate::error::status_of(&self.0).into_response();
        r.extensions_mut().insert(Failed(Arc::new(self.0)));
        r
    }
}

/// Draws the error page of a handler that returned a `PageError`.
pub async fn pages(mut req: Request, next: Next) -> Response {
    let viewer = Viewer::default();
    req.extensions_mut().insert(viewer.clone());
    let mut r = next.run(req).await;
    match r.extensions_mut().remove::<Failed>() {
        Some(Failed(e)) => {
            let e =
                Arc::try_unwrap(e).unwrap_or_else(|e| AppError::Internal(anyhow::anyhow!("{e}")));
            crate::error_page::error_page_in(viewer.locale(), e)
        }
        None => r,
    }
}
