//! `GET /media/{key}`: public images from media storage, with Range and caching support.

use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use cinecloud_core::storage::{ByteRange, StorageError};

use crate::startup::AppState;

/// Key prefixes anyone may read; everything else in storage is private.
const PUBLIC_PREFIXES: &[&str] = &["profiles/", "covers/"];

/// Streams a public object. Keys are content-addressed, so responses are cached for a year.
pub async fn serve_media(State(state): State<AppState>, Path(key): Path<String>, headers: HeaderMap) -> Response {
    if !PUBLIC_PREFIXES.iter().any(|p| key.starts_with(p)) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let etag = format!("\"{}\"", key.rsplit('/').next().unwrap_or_default());
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok()).and_then(ByteRange::parse_header);
    let object = match state.services.media.get(&key, range).await {
        Ok(object) => object,
        Err(StorageError::NotFound(_) | StorageError::InvalidKey(_)) => return StatusCode::NOT_FOUND.into_response(),
        Err(StorageError::RangeNotSatisfiable { total }) => {
            return (
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(header::CONTENT_RANGE, format!("bytes */{total}")), (header::ACCEPT_RANGES, "bytes".to_owned())],
            )
                .into_response();
        }
        Err(StorageError::Backend(e)) => {
            tracing::error!(key, error = %format!("{e:#}"), "reading media failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let mut response = Response::builder()
        .header(header::CONTENT_TYPE, &object.content_type)
        .header(header::CONTENT_LENGTH, object.body_len())
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
        .header(header::ETAG, &etag);
    if let Some((first, last)) = object.range {
        response = response
            .status(StatusCode::PARTIAL_CONTENT)
            .header(header::CONTENT_RANGE, format!("bytes {first}-{last}/{}", object.total_len));
    }
    response.body(Body::from_stream(object.body)).unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}
