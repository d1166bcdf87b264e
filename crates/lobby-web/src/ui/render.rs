//! Drawing a page: a template to HTML, a refused form as 422, an error as
//! its own page in the reader's language.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use lobby_app::AppError;

use crate::error_page::error_page;

pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be drawn",
            )
                .into_response()
        }
    }
}

/// Renders a page that shows a refused form: 422 when `refused`, else 200.
pub fn render_form<T: Template>(t: &T, refused: bool) -> Response {
    let mut r = render(t);
    if refused {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// An address lobby does not have: its own 404 page, in the reader's
/// language when they are signed in, with the way home.
pub async fn not_found(actor: Result<crate::extract::WebActor, Response>) -> Response {
    let actor = actor.ok().map(|a| a.0);
    error_page(actor.as_ref(), AppError::NotFound("page"))
}
