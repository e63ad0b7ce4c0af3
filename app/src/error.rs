//! The one error type of the server-function boundary, shared by server and browser.
//!
//! What the user caused reaches them as a clear message and the right status; everything else
//! is logged on the server and reaches them only as [`AppError::Internal`].

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// Why a server function failed, as the browser sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// A form field must be corrected.
    #[error("{message}")]
    Invalid {
        /// The form field's name.
        field: String,
        /// What is wrong, in plain words.
        message: String,
    },
    /// Unknown email or wrong password (one message for both, on purpose).
    #[error("Email or password is incorrect.")]
    InvalidCredentials,
    /// Signing in is needed.
    #[error("Please sign in first.")]
    Unauthorized,
    /// Signed in, but not allowed.
    #[error("You are not allowed to do that.")]
    Forbidden,
    /// The thing asked for does not exist (or is not visible to this viewer).
    #[error("That was not found.")]
    NotFound,
    /// Too many attempts in a short time.
    #[error("Too many attempts. Please wait a few minutes and try again.")]
    RateLimited,
    /// The account's allowance for sign-ins from new devices is used up (someone may be guessing
    /// its password); devices that signed in to it before still can.
    #[error(
        "Too many sign-in attempts on this account from devices it was never used on. Sign in on a device you used before, or try again in {} minutes.",
        retry_after_secs.div_ceil(60)
    )]
    NewDevicesLimited {
        /// Seconds until new devices may try again.
        retry_after_secs: u32,
    },
    /// The upload is larger than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// The server is saturated with costly work; trying again shortly will work.
    #[error("The server is busy right now. Please try again in a moment.")]
    Busy,
    /// The database or media storage cannot be reached; nothing was changed.
    #[error("{0} cannot be reached right now, so nothing was changed. Please try again in a minute.")]
    Unavailable(String),
    /// The metadata provider (TMDb) could not answer; the message says why and what to do.
    #[error("{0}")]
    Provider(String),
    /// The setup link was used already or is not valid.
    #[error("This setup link is invalid or has already been used.")]
    SetupLinkSpent,
    /// The password-reset link was used already, expired, or is not valid.
    #[error("This password-reset link is invalid, has expired or has already been used. Ask an admin for a new one.")]
    ResetLinkSpent,
    /// The password was right, but an admin disabled the account.
    #[error("This account is disabled. Ask an admin to enable it again.")]
    AccountDisabled,
    /// A failure on our side; details are in the server log, never here.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The request did not reach the server function, or its answer could not be read.
    #[error("The request failed: {0}")]
    Transport(String),
}

impl AppError {
    /// A user-facing error for one form field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid { field: field.into(), message: message.into() }
    }

    /// The message for `field`, when this error is about that field.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid { field: f, message } if f == field => Some(message.clone()),
            _ => None,
        }
    }

    /// The HTTP status this error is sent with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid { .. } => 422,
            AppError::InvalidCredentials | AppError::Unauthorized => 401,
            AppError::Forbidden | AppError::AccountDisabled => 403,
            AppError::NotFound => 404,
            AppError::SetupLinkSpent | AppError::ResetLinkSpent => 410,
            AppError::TooLarge(_) => 413,
            AppError::RateLimited | AppError::NewDevicesLimited { .. } => 429,
            AppError::Transport(_) => 400,
            AppError::Internal => 500,
            AppError::Busy | AppError::Unavailable(_) => 503,
            // Another server failed us: a bad gateway, whatever its own status was.
            AppError::Provider(_) => 502,
        }
    }

    /// Seconds a client should wait before trying again (`Retry-After`), for the statuses that
    /// mean "not now" rather than "no".
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            AppError::RateLimited => Some(60),
            AppError::NewDevicesLimited { retry_after_secs } => Some(*retry_after_secs),
            AppError::Busy => Some(2),
            AppError::Unavailable(_) => Some(30),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

/// Where the domain's errors become what the browser sees: the only mapping, used by server
/// functions and the JSON API alike.
#[cfg(feature = "ssr")]
mod from_domain {
    use cinecloud_core::{Error, accounts::AccountError};

    use super::AppError;

    impl From<Error> for AppError {
        fn from(error: Error) -> Self {
            match error {
                Error::Invalid(e) => AppError::invalid(e.field, e.message),
                Error::UploadRefused { field, message } => AppError::invalid(field, message),
                Error::TooLarge(message) => AppError::TooLarge(message),
                Error::NotFound => AppError::NotFound,
                Error::VersionConflict { .. } => AppError::invalid(
                    "version",
                    "Someone else saved this movie since you opened it. Reload to see their changes.",
                ),
                Error::UndoExpired => AppError::invalid("undo", "It is too late to undo this deletion."),
                Error::RateLimited => AppError::RateLimited,
                Error::Busy => AppError::Busy,
                Error::Unavailable(what) => AppError::Unavailable(what.to_owned()),
                Error::Provider(cinecloud_core::metadata::MetadataError::NotFound(_)) => AppError::NotFound,
                Error::Provider(e) => AppError::Provider(e.to_string()),
                Error::Unexpected(e) => {
                    // `{:#}`: the whole chain of causes, for whoever reads the log.
                    tracing::error!(error = format!("{e:#}"), "unexpected failure");
                    AppError::Internal
                }
            }
        }
    }

    impl From<AccountError> for AppError {
        fn from(error: AccountError) -> Self {
            match error {
                AccountError::InvalidCredentials => AppError::InvalidCredentials,
                AccountError::RateLimited => AppError::RateLimited,
                AccountError::NewDevicesLimited { retry_after_secs } => AppError::NewDevicesLimited {
                    retry_after_secs: u32::try_from(retry_after_secs).unwrap_or(u32::MAX),
                },
                AccountError::SetupLinkSpent => AppError::SetupLinkSpent,
                AccountError::ResetLinkSpent => AppError::ResetLinkSpent,
                AccountError::Disabled => AppError::AccountDisabled,
                AccountError::Domain(e) => e.into(),
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// Item 6 of #33: "not now" refusals reach the client as 503 or 429 with `Retry-After`.
        #[test]
        fn refusals_for_now_say_when_to_retry() {
            let busy = AppError::from(Error::Busy);
            assert_eq!((busy.status(), busy.retry_after()), (503, Some(2)));
            let limited = AppError::from(AccountError::NewDevicesLimited { retry_after_secs: 125 });
            assert_eq!((limited.status(), limited.retry_after()), (429, Some(125)));
            assert!(limited.to_string().contains("try again in 3 minutes"), "{limited}");
        }
    }
}
