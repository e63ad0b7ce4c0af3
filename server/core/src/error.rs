//! The domain's one error: what the user caused (a field to correct, an upload refused, a thing
//! not found, a stale edit), and everything else, with its cause chain, for the log.

/// A field the user must correct, with a message meant for them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The form field's name (`email`, `display_name`, `title`, …).
    pub field: &'static str,
    /// What is wrong, in plain words.
    pub message: String,
}

impl FieldError {
    /// A user-facing error for one field.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }
}

/// Why a domain operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A submitted field is not acceptable; the message is meant for the user.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// An uploaded file (cover, photo, video) was refused for what it is; the message is meant
    /// for the user and `field` names the form field it came in.
    #[error("{field}: {message}")]
    UploadRefused {
        /// `cover`, `photo` or `video`.
        field: &'static str,
        /// Why, in plain words.
        message: String,
    },
    /// The upload is larger than allowed; the message is meant for the user.
    #[error("{0}")]
    TooLarge(String),
    /// No such thing, or not one this caller may see: the two are deliberately the same answer.
    #[error("not found")]
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
    /// Too many attempts from this client or on this account in a short time.
    #[error("too many attempts; try again later")]
    RateLimited,
    /// The server is saturated with costly work (password hashing, image decoding); retry soon.
    #[error("the server is busy; try again in a moment")]
    Busy,
    /// A service the app depends on (the database, media storage) cannot be reached; nothing was
    /// changed, and trying again later will work. The string names it for the user.
    #[error("{0} cannot be reached")]
    Unavailable(&'static str),
    /// A metadata provider (TMDb) could not answer; the message is meant for the admin.
    #[error(transparent)]
    Provider(crate::metadata::MetadataError),
    /// A failure the user did not cause; logged with its whole chain, never shown.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl Error {
    /// An upload refused for what it is.
    pub fn upload_refused(field: &'static str, message: impl Into<String>) -> Self {
        Error::UploadRefused { field, message: message.into() }
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        match e {
            // No connection to be had (the server is down, restarting or unreachable): the user
            // is told to try again, not that something broke.
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
                tracing::warn!(error = %e, "the database cannot be reached");
                Error::Unavailable(DATABASE)
            }
            // PostgreSQL shutting down or restarting ends its sessions with SQLSTATE class 57P
            // (admin or crash shutdown, cannot connect now); class 08 is a lost connection.
            sqlx::Error::Database(ref db)
                if db.code().is_some_and(|code| code.starts_with("57P") || code.starts_with("08")) =>
            {
                tracing::warn!(error = %e, "the database went away");
                Error::Unavailable(DATABASE)
            }
            // The password was refused: after a rotation, until the new one is read (which this
            // asks for at once). The request can be tried again in a moment.
            ref e if crate::db::note_refused_password(e) => {
                tracing::warn!(error = %e, "the database refused the password; reading the credentials again");
                Error::Unavailable(DATABASE)
            }
            e => Error::Unexpected(anyhow::Error::new(e).context("database")),
        }
    }
}

/// [`Error::Unavailable`]'s name for the database.
pub const DATABASE: &str = "The database";
/// [`Error::Unavailable`]'s name for media storage (S3 or the media folder).
pub const MEDIA_STORAGE: &str = "Media storage";

impl Error {
    /// Media storage failed while storing an upload: logged with its cause, told as unavailable.
    pub fn media_unavailable(what: &str, e: impl std::fmt::Display) -> Self {
        tracing::warn!(error = %e, what, "media storage refused a write");
        Error::Unavailable(MEDIA_STORAGE)
    }
}

/// The domain's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
