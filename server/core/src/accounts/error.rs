//! The account boundary's error: what the user caused, and everything else.

use super::FieldError;

/// Why an account operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// A submitted field is not acceptable; the message is meant for the user.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// Unknown email or wrong password: deliberately one variant so they cannot be told apart.
    #[error("email or password is incorrect")]
    InvalidCredentials,
    /// Too many failed sign-ins for this account or from this address.
    #[error("too many sign-in attempts")]
    RateLimited,
    /// The account no longer exists.
    #[error("account not found")]
    NotFound,
    /// The setup link is unknown, used, or an admin already exists.
    #[error("this setup link is invalid or has already been used")]
    SetupLinkSpent,
    /// The uploaded photo was refused; the message is meant for the user.
    #[error("{0}")]
    PhotoRejected(String),
    /// A failure the user did not cause; logged, never shown.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AccountError {
    fn from(e: sqlx::Error) -> Self {
        AccountError::Unexpected(anyhow::Error::new(e).context("database"))
    }
}
