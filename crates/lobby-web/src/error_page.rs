//! The error page: what a person sees when a page cannot be shown — in
//! their language, sign-in when they are signed out. Beside the extractors
//! (which answer with it before any page runs) and the pages' middleware.

use askama::Template;
use axum::response::{IntoResponse, Response};
use lobby_app::{Actor, AppError};

use crate::i18n::Tr;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    tr: Tr,
    status: u16,
    code: String,
    message: String,
}

/// A page for an error: sign-in for `unauthenticated`, otherwise the
/// message in the person's language. Internal errors are logged (with the
/// request id of the span) and shown without their cause.
pub fn error_page(actor: Option<&Actor>, e: AppError) -> Response {
    error_page_in(actor.map(|a| a.locale.as_str()), e)
}

/// [`error_page`] in the language `locale` (Chinese when nobody is known).
pub fn error_page_in(locale: Option<&str>, e: AppError) -> Response {
    if matches!(e, AppError::Unauthenticated) {
        return axum::response::Redirect::to("/login").into_response();
    }
    if let AppError::Internal(cause) = &e {
        tracing::error!(error = ?cause, "internal error");
    }
    let tr = Tr::new(locale.unwrap_or("zh-CN"));
    let status = crate::error::status_of(&e);
    let page = ErrorPage {
        tr,
        status: status.as_u16(),
        code: e.code().to_string(),
        message: e.to_string(),
    };
    let mut r = match page.render() {
        Ok(html) => axum::response::Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "the error page failed");
            "the page could not be drawn".into_response()
        }
    };
    *r.status_mut() = status;
    r
}
