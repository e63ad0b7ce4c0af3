//! The catalog boundary's error.

use crate::accounts::FieldError;

/// Why a catalog operation failed.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// A submitted field is not acceptable; the message is meant for the user.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// No (visible) movie has this id.
    #[error("movie not found")]
    NotFound,
    /// Someone saved the movie since this edit began.
    #[error("this movie was changed by someone else since you opened it")]
    VersionConflict {
        /// The version now stored.
        current: i64,
    },
    /// The deletion can no longer be undone.
    #[error("the undo window for this deletion has passed")]
    UndoExpired,
    /// The uploaded cover is not an acceptable image; the message is meant for the user.
    #[error("{0}")]
    CoverRejected(String),
    /// The uploaded video is not an MP4 or WebM file; the message is meant for the user.
    #[error("{0}")]
    VideoRejected(String),
    /// The upload is larger than allowed; the message is meant for the user.
    #[error("{0}")]
    TooLarge(String),
    /// A failure the user did not cause; logged, never shown.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<crate::db::movies::UpdateError> for CatalogError {
    fn from(e: crate::db::movies::UpdateError) -> Self {
        use crate::db::movies::UpdateError;
        match e {
            UpdateError::NotFound => CatalogError::NotFound,
            UpdateError::Conflict(current) => CatalogError::VersionConflict { current },
            UpdateError::Database(e) => e.into(),
        }
    }
}

impl From<sqlx::Error> for CatalogError {
    fn from(e: sqlx::Error) -> Self {
        CatalogError::Unexpected(anyhow::Error::new(e).context("database"))
    }
}
