//! The errors only signing in, the first-admin setup and password-reset links can have. Everything else an account
//! operation can fail with is the domain's [`Error`].

use crate::Error;

/// Why signing in or creating the first admin failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Unknown email or wrong password: deliberately one variant so they cannot be told apart.
    #[error("email or password is incorrect")]
    InvalidCredentials,
    /// Too many failed sign-ins for this account or from this address.
    #[error("too many sign-in attempts")]
    RateLimited,
    /// Browsers that never signed in to this account have used up its allowance for now; the
    /// owner can still sign in on a device they used before, or after `retry_after_secs`.
    #[error("too many sign-in attempts from new devices")]
    NewDevicesLimited {
        /// Seconds until new devices may try again.
        retry_after_secs: i64,
    },
    /// The password is right but an admin disabled the account.
    #[error("this account is disabled")]
    Disabled,
    /// The setup link is unknown, used, or an admin already exists.
    #[error("this setup link is invalid or has already been used")]
    SetupLinkSpent,
    /// The password-reset link is unknown, used, expired, or its account is disabled.
    #[error("this password-reset link is invalid, expired or has already been used")]
    ResetLinkSpent,
    /// Anything else (a field to correct, a failure of ours).
    #[error(transparent)]
    Domain(#[from] Error),
}

impl From<sqlx::Error> for AccountError {
    fn from(e: sqlx::Error) -> Self {
        AccountError::Domain(e.into())
    }
}

impl From<crate::FieldError> for AccountError {
    fn from(e: crate::FieldError) -> Self {
        AccountError::Domain(e.into())
    }
}

impl From<anyhow::Error> for AccountError {
    fn from(e: anyhow::Error) -> Self {
        AccountError::Domain(e.into())
    }
}
