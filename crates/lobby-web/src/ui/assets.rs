//! The stylesheet and script, built into the binary.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

static CSS: &str = include_str!("../../static/app.css");
static JS: &str = include_str!("../../static/app.js");

pub(super) async fn static_file(
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Response {
    let (body, ty) = match file.as_str() {
        "app.css" => (CSS, "text/css; charset=utf-8"),
        "app.js" => (JS, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, ty),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
