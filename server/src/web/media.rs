//! Media over HTTP: `GET /media/{key}` serves public images to anyone; `GET /stream/{movie_id}`
//! serves a movie's video to signed-in viewers. Both honour single byte ranges (206 with
//! `Content-Range`, 416 with `bytes */N`), validators and caching headers.

use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use cinecloud_core::{
    storage::{ByteRange, StorageError},
    videos,
};
use tower_sessions::Session;

use crate::state::AppState;

/// How a browser may keep a streamed video: see [`stream_video`].
const STREAM_CACHE_CONTROL: &str = "private, no-cache";

/// Key prefixes anyone may read; everything else in storage is private.
const PUBLIC_PREFIXES: &[&str] = &["profiles/", "covers/"];

/// Streams a public object. Keys are content-addressed, so responses are cached for a year.
pub async fn serve_media(State(state): State<AppState>, Path(key): Path<String>, headers: HeaderMap) -> Response {
    if !PUBLIC_PREFIXES.iter().any(|p| key.starts_with(p)) {
        return StatusCode::NOT_FOUND.into_response();
    }
    serve_object(&state, &key, &headers, "public, max-age=31536000, immutable").await
}

/// Streams a movie's video to a signed-in viewer (401 otherwise, 404 without a video). On S3 the
/// viewer is sent to a short-lived presigned URL instead.
///
/// The answer may be kept only in the viewer's own browser and must be revalidated before each
/// use (`private, no-cache`): the right to watch is checked per request, and a cached copy that
/// outlived it would keep playing after sign-out, account deletion or a takedown. Revalidation
/// is cheap: the key is the entity tag, so an unchanged video answers 304 without a body.
pub async fn stream_video(
    State(state): State<AppState>,
    Path(movie_id): Path<i64>,
    session: Session,
    headers: HeaderMap,
) -> Response {
    match app::ssr::signed_in_user(&session, &state.services, &state.auth.sessions).await {
        Ok(Some(_)) => {}
        Ok(None) => return (StatusCode::UNAUTHORIZED, "Please sign in to watch.").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "checking the session for a video stream failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    match videos::source(&state.services, movie_id).await {
        Ok(videos::Source::Stream(video)) => {
            serve_object(&state, &video.object_key, &headers, STREAM_CACHE_CONTROL).await
        }
        Ok(videos::Source::Url { url, .. }) => Redirect::temporary(&url).into_response(),
        Err(cinecloud_core::Error::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(movie_id, error = %format!("{e:#}"), "finding a video failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Streams one object, or the byte range asked for, with `cache_control`. The key's last segment
/// is unique to its content, so it is the entity tag.
async fn serve_object(state: &AppState, key: &str, headers: &HeaderMap, cache_control: &'static str) -> Response {
    let etag = format!("\"{}\"", key.rsplit('/').next().unwrap_or_default());
    let header_text = |name| headers.get(name).and_then(|v: &header::HeaderValue| v.to_str().ok());
    if header_text(header::IF_NONE_MATCH) == Some(etag.as_str()) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    // A range is honoured unless `If-Range` names another version: then the whole object is sent.
    let range_applies = header_text(header::IF_RANGE).is_none_or(|v| v == etag);
    let range = header_text(header::RANGE).filter(|_| range_applies).and_then(ByteRange::parse_header);
    let object = match state.services.media.get(key, range).await {
        Ok(object) => object,
        Err(StorageError::NotFound(_) | StorageError::InvalidKey(_)) => return StatusCode::NOT_FOUND.into_response(),
        Err(StorageError::RangeNotSatisfiable { total }) => {
            return (
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(header::CONTENT_RANGE, format!("bytes */{total}")), (header::ACCEPT_RANGES, "bytes".to_owned())],
            )
                .into_response();
        }
        Err(e) => {
            tracing::error!(key, error = %format!("{e:#}"), "reading media failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let mut response = Response::builder()
        .header(header::CONTENT_TYPE, &object.content_type)
        .header(header::CONTENT_LENGTH, object.body_len())
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CACHE_CONTROL, cache_control)
        .header(header::ETAG, &etag);
    if let Some((first, last)) = object.range {
        response = response
            .status(StatusCode::PARTIAL_CONTENT)
            .header(header::CONTENT_RANGE, format!("bytes {first}-{last}/{}", object.total_len));
    }
    response.body(Body::from_stream(object.body)).unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// `?ref=` of [`metadata_poster`].
#[derive(serde::Deserialize)]
pub struct PosterRef {
    r#ref: String,
}

/// A metadata provider's small poster, for the "Find on TMDb" list on the new-movie page
/// (admins only). It goes through this server so that the admin's browser never talks to TMDb:
/// no third-party origin in the page's policy, and nobody's address handed to it.
pub async fn metadata_poster(
    State(state): State<AppState>,
    session: Session,
    axum::extract::Query(PosterRef { r#ref }): axum::extract::Query<PosterRef>,
) -> Response {
    match app::ssr::signed_in_user(&session, &state.services, &state.auth.sessions).await {
        Ok(Some(user)) if user.role == cinecloud_core::accounts::Role::Admin => {}
        Ok(_) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "checking the session for a metadata poster failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    match state.services.metadata.thumbnail(&r#ref).await {
        Ok(bytes) => match image_type(&bytes) {
            Some(content_type) => (
                [(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "private, max-age=3600")],
                Body::from(bytes),
            )
                .into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        },
        Err(
            cinecloud_core::metadata::MetadataError::NotFound(_) | cinecloud_core::metadata::MetadataError::Malformed,
        ) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}

/// The MIME type of a JPEG, PNG or WebP image by its first bytes; anything else is not served.
fn image_type(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}
