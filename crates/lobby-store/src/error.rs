//! Store errors: a unique-key violation is told apart (it becomes the API's
//! `duplicate`); everything else is an internal error for the caller to log.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("duplicate: {0}")]
    Duplicate(String),
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Sqlx(sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return StoreError::Duplicate(db.message().to_string());
            }
        }
        StoreError::Sqlx(e)
    }
}
