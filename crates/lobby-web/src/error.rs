//! API errors in the contract's shape:
//! `{"error": {"code", "message", "field"?}}`. Internal errors are logged
//! with their cause and the request id; the client gets only the code.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lobby_app::AppError;
use serde::Serialize;

#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// unauthenticated, forbidden, not_found, invalid_input, invalid_transition,
    /// version_conflict, duplicate, payload_too_large, rate_limited, internal;
    /// a business rule's own: in_arrears, already_used, permit_held,
    /// permit_cancelled, wrong_time, forbidden_kind; idempotency_conflict (an
    /// Idempotency-Key used for another request)
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For a refused import: every bad row of the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<Vec<lobby_domain::tenants::ImportProblem>>,
    /// For a refusal that kept a record for a person to act on (a permit
    /// held for arrears): its id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// For a go-live upload refused at its confirmation: the preview of
    /// now, naming every bad row by sheet, row and column.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<lobby_app::golive::UploadPreview>)]
    pub preview: Option<serde_json::Value>,
}

pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Invalid { .. } | AppError::InvalidRows(_) | AppError::ImportRefused(_) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AppError::InvalidTransition(_)
        | AppError::VersionConflict
        | AppError::Duplicate { .. }
        | AppError::Refused { .. } => StatusCode::CONFLICT,
        AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        if let AppError::Internal(cause) = &e {
            tracing::error!(error = ?cause, "internal error");
        }
        let body = ErrorBody {
            error: ErrorDetail {
                code: e.code().to_string(),
                message: e.to_string(),
                field: e.field().map(str::to_string),
                rows: match &e {
                    AppError::InvalidRows(r) => Some(r.clone()),
                    _ => None,
                },
                id: match &e {
                    AppError::Refused { id, .. } => *id,
                    _ => None,
                },
                preview: match &e {
                    AppError::ImportRefused(p) => Some(p.as_ref().clone()),
                    _ => None,
                },
            },
        };
        (status_of(&e), axum::Json(body)).into_response()
    }
}
