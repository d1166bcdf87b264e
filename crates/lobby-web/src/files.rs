//! Answers that carry a file (an export, a stored attachment), for the API
//! and the pages alike.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A spreadsheet export named `filename`.
pub(crate) fn xlsx_response(bytes: Vec<u8>, filename: &str) -> Response {
    file_response(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename,
    )
}

/// Bytes of `content_type` as an attachment named `filename` (a name the
/// server chose: ASCII, no quotes).
pub(crate) fn file_response(
    bytes: Vec<u8>,
    content_type: &'static str,
    filename: &str,
) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// A stored file as an attachment: its name percent-encoded (RFC 6266), so
/// no name can break the header.
pub(crate) fn download(name: &str, content_type: &str, id: i64, bytes: Vec<u8>) -> Response {
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"file-{id}\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}
