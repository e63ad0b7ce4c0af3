//! What a request's headers say, read the same way by every layer that asks.

use axum::http::{HeaderMap, header};

/// Whether `If-None-Match` lists `tag` or `*`, comparing weakly (RFC 9110, 13.1.2).
pub fn if_none_match_names(request: &HeaderMap, tag: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let wanted = opaque(tag);
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || opaque(t) == wanted)
}

/// Whether the request carries a session cookie (over HTTP or HTTPS, valid or not).
pub fn has_session_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|cookies| cookies.contains("cinecloud_session="))
}
