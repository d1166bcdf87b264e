//! The one error type of the use cases. Each variant has a stable
//! snake_case code (CONTRACT.md) that the API returns and the UI translates.
//! `Internal` carries the cause for the log; users only see that it failed.

use lobby_domain::FieldError;
use lobby_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("sign in first")]
    Unauthenticated,
    #[error("you may not do this")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    InvalidTransition(String),
    #[error("someone else changed this record first; reload it and try again")]
    VersionConflict,
    #[error("{message}")]
    Duplicate { field: String, message: String },
    /// A rule of the business said no (409 with its own code:
    /// `in_arrears`, `already_used` …). `id` names a record kept for a
    /// person to act on (a permit held for the project manager).
    #[error("{message}")]
    Refused {
        code: &'static str,
        message: String,
        id: Option<i64>,
    },
    #[error("the upload is too large")]
    PayloadTooLarge,
    #[error("too many failed attempts; wait a few minutes")]
    RateLimited,
    /// A file whose rows are not all good: nothing was imported.
    #[error("{} rows of the file have problems; nothing was imported", .0.len())]
    InvalidRows(Vec<lobby_domain::tenants::ImportProblem>),
    /// A go-live upload with bad rows, at its confirmation: nothing was
    /// imported; the preview of now (a `golive::UploadPreview`) names them.
    #[error("rows of the upload have problems now; nothing was imported")]
    ImportRefused(Box<serde_json::Value>),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Invalid { .. } | AppError::InvalidRows(_) | AppError::ImportRefused(_) => {
                "invalid_input"
            }
            AppError::InvalidTransition(_) => "invalid_transition",
            AppError::VersionConflict => "version_conflict",
            AppError::Duplicate { .. } => "duplicate",
            AppError::Refused { code, .. } => code,
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::RateLimited => "rate_limited",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } | AppError::Duplicate { field, .. } => Some(field),
            AppError::InvalidRows(_) | AppError::ImportRefused(_) => Some("file"),
            _ => None,
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// A sum of stored money that cannot be represented: stored amounts are
    /// bounded, so this is a broken row, an internal error naming `what`.
    pub fn overflow(what: &str) -> Self {
        AppError::Internal(anyhow::anyhow!("the sum of {what} overflows"))
    }

    /// The exact sum of amounts in 分 (see [`AppError::overflow`]).
    pub fn sum_fen(what: &str, items: impl IntoIterator<Item = i64>) -> AppResult<i64> {
        lobby_domain::money::sum_fen(items).ok_or_else(|| AppError::overflow(what))
    }

    pub fn duplicate(field: &str, message: impl Into<String>) -> Self {
        AppError::Duplicate {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid {
            field: e.field,
            message: e.message,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate(m) => AppError::Duplicate {
                field: "id".into(),
                message: m,
            },
            other => AppError::Internal(other.into()),
        }
    }
}

/// A value read back from the database, decoded into its domain type. One
/// that does not decode is not replaced by a default: it is an internal
/// error naming the column and the value.
pub fn stored<T: std::str::FromStr>(column: &str, value: &str) -> AppResult<T> {
    value.parse().map_err(|_| {
        AppError::Internal(anyhow::anyhow!(
            "the database holds {value:?} in {column}, which is not a known value"
        ))
    })
}

/// A JSON document read back from the database (a digest's figures); one
/// that does not decode is an internal error naming the column.
pub fn stored_json<T: serde::de::DeserializeOwned>(column: &str, value: &str) -> AppResult<T> {
    serde_json::from_str(value).map_err(|e| {
        AppError::Internal(anyhow::anyhow!(
            "the database holds JSON in {column} that does not decode: {e}"
        ))
    })
}

/// Maps a store duplicate to a duplicate on a named field with a message a
/// person understands.
pub fn dup_as(field: &'static str, message: &'static str) -> impl Fn(StoreError) -> AppError {
    move |e| match e {
        StoreError::Duplicate(_) => AppError::duplicate(field, message),
        other => other.into(),
    }
}
