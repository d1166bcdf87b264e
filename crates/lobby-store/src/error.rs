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

impl StoreError {
    /// Did the database abort the transaction for a conflict with another
    /// one, so that running it again from the start may succeed?
    /// PostgreSQL: serialization_failure, deadlock_detected; SQLite: BUSY,
    /// BUSY_SNAPSHOT, LOCKED.
    pub fn is_write_conflict(&self) -> bool {
        let StoreError::Sqlx(sqlx::Error::Database(d)) = self else {
            return false;
        };
        matches!(
            d.code().as_deref(),
            Some("40001" | "40P01" | "5" | "517" | "6")
        )
    }
}
