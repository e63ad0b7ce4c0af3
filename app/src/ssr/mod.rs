//! Server-only helpers for server functions: who is calling, what they may do, and how errors
//! become statuses. Compiled only with the `ssr` feature.

pub mod security;
pub mod session;

use cinecloud_core::{
    Services,
    accounts::LoginThrottle,
    limits::Limit,
    security_events::{self, Event, EventKind, Outcome},
};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use crate::error::AppError;

pub use crate::theme::visitor_variant;
pub use session::{SessionPolicy, current_user, require_admin, require_user, signed_in_user};

/// The client's address as the server decided to trust it: the peer address, or behind a
/// configured proxy the last `X-Forwarded-For` hop (the one the load balancer added). Put into
/// request extensions by the server's middleware.
#[derive(Clone, Debug)]
pub struct ClientAddr(pub String);

/// Settings server functions need besides the databases.
#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// Session lifetimes.
    pub sessions: SessionPolicy,
    /// Sign-in throttling.
    pub throttle: LoginThrottle,
    /// Sign-ups per client address.
    pub sign_ups: Limit,
    /// Whether the public URL is HTTPS (cookie names and the `Secure` flag).
    pub https: bool,
}

/// The shared handles, provided as context by the server.
pub fn services() -> Result<Services, AppError> {
    use_context::<Services>().ok_or_else(|| missing_context("Services"))
}

/// Authentication settings, provided as context by the server.
pub fn auth_settings() -> Result<AuthSettings, AppError> {
    use_context::<AuthSettings>().ok_or_else(|| missing_context("AuthSettings"))
}

/// Whether the request this code runs for is gone. leptos_axum provides the request's parts to
/// every render and server function; they are missing only once the client went away mid-page
/// and the page's reactive owner was dropped under a resource that was still loading.
pub fn request_gone() -> bool {
    use_context::<http::request::Parts>().is_none()
}

/// The error for a missing context value: after the client went away that is expected (a debug
/// line; the access log already shows the abandoned request); otherwise the server is
/// misconfigured, which is an error.
pub fn missing_context(what: &str) -> AppError {
    if request_gone() {
        tracing::debug!(what, "the client went away before this part of the page was rendered");
    } else {
        tracing::error!(what, "missing from the Leptos context");
    }
    AppError::Internal
}

/// The calling client's address, for throttling.
pub fn client_addr() -> String {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ClientAddr>().map(|a| a.0.clone()))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Logs and stores a security event about the calling client (see
/// [`cinecloud_core::security_events`]).
pub async fn security_event(kind: EventKind, outcome: Outcome, user_id: Option<i64>, detail: &str) {
    match services() {
        Ok(services) => {
            let client = client_addr();
            security_events::record(&services.db, Event::new(kind, outcome, user_id, &client).detail(detail)).await;
        }
        Err(_) => tracing::error!(kind = kind.as_str(), "a security event could not be recorded"),
    }
}

/// The outcome a server function's result stands for in a security event.
pub fn outcome_of<T>(result: &Result<T, AppError>) -> Outcome {
    match result {
        Ok(_) => Outcome::Success,
        Err(AppError::RateLimited | AppError::NewDevicesLimited { .. }) => Outcome::Throttled,
        Err(AppError::Unauthorized | AppError::Forbidden) => Outcome::Refused,
        Err(_) => Outcome::Failure,
    }
}

/// The path the caller asked for (no query string: it can carry one-time tokens).
pub fn request_path() -> String {
    use_context::<http::request::Parts>().map(|p| p.uri.path().to_owned()).unwrap_or_default()
}

/// Runs a server function's body and sets the response status from its error, so HTTP clients
/// see 401/403/422… and not 500: `respond(async { … }).await`.
pub async fn respond<T>(body: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let result = body.await;
    if let Err(error) = &result
        && let Some(options) = use_context::<ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(error.status())
    {
        options.set_status(status);
        if let Some(seconds) = error.retry_after() {
            options.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
        }
    }
    result
}

/// Tells the browser to drop what it cached and stored for this site (sign-out, account
/// deletion). Cookies are left alone: the session cookie is already gone, the theme is not
/// personal data.
pub fn clear_site_data() {
    if let Some(options) = use_context::<ResponseOptions>() {
        options.insert_header(
            http::header::HeaderName::from_static("clear-site-data"),
            http::HeaderValue::from_static("\"cache\", \"storage\""),
        );
    }
}

/// Logs a failure of the session layer (which is not the domain's) and returns the generic error.
pub fn internal(error: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %error, "unexpected failure");
    AppError::Internal
}

/// Reads one multipart field whole, refusing with 413 as soon as it grows past `max` bytes (the
/// rest of the body is never read). `what` names it in the message ("The photo", "The image").
pub async fn read_field_limited(
    field: &mut multer::Field<'static>,
    max: usize,
    what: &str,
) -> Result<Vec<u8>, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(unreadable_upload)? {
        if bytes.len() + chunk.len() > max {
            return Err(AppError::TooLarge(format!("{what} is larger than {} MB.", max / 1024 / 1024)));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// The error for a multipart body that cannot be parsed or was cut off.
pub fn unreadable_upload(e: multer::Error) -> AppError {
    AppError::Transport(format!("unreadable upload: {e}"))
}
