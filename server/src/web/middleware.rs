//! Cross-cutting request handling: cross-site write refusal, body limits, client address and
//! security headers.

use std::net::SocketAddr;

use app::{error::AppError, ssr::ClientAddr};
use axum::{
    body::Body,
    extract::{ConnectInfo, Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http_body_util::Limited;
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

use crate::{state::AppState, web::headers::has_session_cookie};

/// Refuses state-changing requests that a browser sent on behalf of another site.
///
/// Leptos server functions are plain POST endpoints with no CSRF token, so every non-safe
/// method must come from our own pages: `Sec-Fetch-Site` (sent by all current browsers) must be
/// `same-origin` (or `none`, typed by the user), else `Origin` must be the configured public
/// URL's — never whatever the request's own `Host` says, which an attacker's request sets.
/// Requests with neither header are not from a browser and carry no ambient credentials.
pub async fn refuse_cross_site_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let verdict = if let Some(site) = headers.get("sec-fetch-site") {
        matches!(site.to_str(), Ok("same-origin" | "none"))
    } else if let Some(origin) = headers.get(header::ORIGIN) {
        origin.to_str().is_ok_and(|origin| origin == &*state.public_origin)
    } else {
        true
    };
    if verdict {
        next.run(request).await
    } else {
        tracing::warn!(method = %request.method(), path = request.uri().path(), "refused a cross-site write");
        (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response()
    }
}

/// Keeps active signed-in sessions alive ([`app::ssr::session::slide`]), before the handler
/// runs so that the session layer saves the refreshed expiry with this very response. Only
/// pages and server functions count as activity: assets and media never load the session.
pub async fn slide_session(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let active = path.starts_with("/api/")
        || request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    let has_cookie = request.headers().contains_key(header::COOKIE);
    if active
        && has_cookie
        && let Some(session) = request.extensions().get::<tower_sessions::Session>()
        && let Err(e) = app::ssr::session::slide(session, &state.auth.sessions, &state.services.db).await
    {
        tracing::warn!(error = %e, "could not refresh the session's expiry");
    }
    next.run(request).await
}

/// Refuses `/api/*` requests (server functions and the JSON API) past the client's allowance,
/// with 429 and `Retry-After`. Runs after [`record_client_addr`], so behind a trusted proxy the
/// client is the address the load balancer saw.
pub async fn limit_api_requests(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let client = request.extensions().get::<ClientAddr>().map_or("unknown", |c| c.0.as_str());
    match state.api_allowance.take(client, std::time::Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            tracing::warn!(client, path = request.uri().path(), "API request allowance spent");
            let mut response = (StatusCode::TOO_MANY_REQUESTS, "Too many requests. Please slow down.").into_response();
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait));
            response
        }
    }
}

/// After an admin write (`POST /api/admin/…`) that succeeded, tells this server's catalog caches
/// that the catalog may have changed, so the admin sees their edit on the next list at once
/// (other servers see it within `CINECLOUD_CATALOG_RECHECK_MS`). Writes commit before their
/// answer is made, so the next version read sees them.
pub async fn catalog_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let admin_write = request.method() != Method::GET && request.uri().path().starts_with("/api/admin/");
    let response = next.run(request).await;
    if admin_write && response.status().is_success() {
        state.services.catalog.changed();
    }
    response
}

/// Answers a server function's arguments that do not decode (a word no kind has, a number that
/// is not one) with `400 Bad Request`. Leptos sends that failure as a 500 before the function
/// runs, so the status the app gives it ([`AppError::Transport`]) never applies on its own; a
/// client's mistake must not look like a server fault to the caller, the logs or the alarms.
pub async fn bad_arguments_are_bad_requests(request: Request, next: Next) -> Response {
    let server_fn = request.uri().path().starts_with("/api/") && !request.uri().path().starts_with("/api/v1/");
    let response = next.run(request).await;
    if !server_fn
        || response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // Server functions' error bodies are a few hundred bytes of JSON.
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong.").into_response();
    };
    if matches!(serde_json::from_slice(&bytes), Ok(AppError::Transport(_))) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Largest request body for ordinary requests (form posts to server functions).
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;
/// Largest request body for photo uploads (the photo limit plus multipart overhead).
pub const UPLOAD_BODY_LIMIT: usize = cinecloud_core::accounts::MAX_PHOTO_BYTES + 64 * 1024;

/// Largest request body for cover uploads (the cover limit plus multipart overhead).
pub const COVER_BODY_LIMIT: usize = cinecloud_core::covers::MAX_COVER_BYTES + 64 * 1024;

fn body_limit(state: &AppState, path: &str) -> u64 {
    match path {
        "/api/upload_photo" => UPLOAD_BODY_LIMIT as u64,
        "/api/admin/upload_cover" => COVER_BODY_LIMIT as u64,
        // The video itself is streamed to storage and cut off at its own limit.
        "/api/admin/upload_video" => state.services.videos.max_bytes + 64 * 1024,
        _ => DEFAULT_BODY_LIMIT as u64,
    }
}

/// How much of a refused body is read and thrown away, for at most [`DRAIN_FOR`]. A client still
/// sending it then reads the 413; a socket closed with unread data answers with a reset, which
/// can throw the 413 away before the client reads it (the cover, photo and video refusals
/// failed with "broken pipe" about one test run in two once the test servers ran on their own
/// threads). Larger bodies are not drained: their senders get the reset.
const DRAIN_REFUSED_UP_TO: u64 = 64 * 1024 * 1024;
/// The longest a refused body is drained.
const DRAIN_FOR: std::time::Duration = std::time::Duration::from_secs(10);

/// Reads `body` to its end (or for [`DRAIN_FOR`]) in the background, keeping nothing.
fn drain(mut body: Body) {
    use http_body_util::BodyExt;
    tokio::spawn(async move {
        let _ = tokio::time::timeout(DRAIN_FOR, async { while let Some(Ok(_)) = body.frame().await {} }).await;
    });
}

/// Answers 413 when the declared length exceeds the route's limit, and cuts off bodies that
/// grow past it while streaming (multipart handlers ignore axum's default limit).
pub async fn limit_request_body(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = body_limit(&state, request.uri().path());
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let upload = upload_kind(request.uri().path());
    if let Some(declared) = declared.filter(|len| *len > limit) {
        if declared <= DRAIN_REFUSED_UP_TO {
            drain(request.into_body());
        }
        if let Some(kind) = upload {
            crate::metrics::upload_refused(kind);
        }
        return (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.").into_response();
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let request = request.map(|body| Body::new(Limited::new(body, limit)));
    let response = next.run(request).await;
    if let Some(kind) = upload {
        if response.status().is_success() {
            crate::metrics::upload_stored(kind, declared.unwrap_or(0));
        } else {
            crate::metrics::upload_refused(kind);
        }
    }
    response
}

/// Which kind of upload a path receives, if it is an upload route.
fn upload_kind(path: &str) -> Option<&'static str> {
    match path {
        "/api/upload_photo" => Some("photo"),
        "/api/admin/upload_cover" => Some("cover"),
        "/api/admin/upload_video" => Some("video"),
        _ => None,
    }
}

/// Records the client address the server trusts, for sign-in throttling and logs.
pub async fn record_client_addr(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
    let forwarded = state
        .trust_proxy
        .then(|| request.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()))
        .flatten()
        // The load balancer appends the address it saw: the last hop is the one to trust.
        .and_then(|v| v.rsplit(',').next())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty());
    let addr = forwarded.or(peer).unwrap_or_else(|| "unknown".to_owned());
    request.extensions_mut().insert(ClientAddr(addr));
    next.run(request).await
}

/// Headers every response carries. Each request gets a fresh script nonce here; Leptos renders
/// it into the page's inline scripts (see `startup`), and an HTML response gets the page policy
/// with that nonce. Everything else gets a policy that allows nothing. Setting the header here,
/// not while rendering, means a page can never go out with the wrong policy.
pub async fn security_headers(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let nonce = leptos::nonce::Nonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let status = response.status();
    let headers = response.headers_mut();
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (header::HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (header::HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    let is_page =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    // A `304` updates the headers of the copy the browser keeps: a policy on it would replace
    // the one whose nonce that copy's scripts carry.
    if status != StatusCode::NOT_MODIFIED {
        let page_policy = is_page
            .then(|| {
                let policy = app::ssr::security::content_security_policy(&nonce, state.media_origin.as_deref());
                HeaderValue::from_str(&policy).ok()
            })
            .flatten();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            page_policy.unwrap_or(HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; sandbox")),
        );
    }
    if state.https {
        headers
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    response
}

/// Nothing is cached by shared caches unless its handler says so; what a signed-in browser is
/// sent (its pages, server-function answers) is not stored at all, not even in its own cache,
/// so that the next person at a shared computer cannot page back through it.
pub async fn private_by_default(request: Request, next: Next) -> Response {
    let signed_in = has_session_cookie(request.headers());
    let mut response = next.run(request).await;
    if !response.headers().contains_key(header::CACHE_CONTROL) {
        let policy = if signed_in { "no-store" } else { "private, no-cache" };
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}
