//! `GET /share/{token}.png`: a viewer's share card of their year in film (#20), to anyone who has
//! its link and to no one else. The token is the only key (256 random bits); a revoked or
//! unknown one is a plain 404, the same either way. The image is drawn from the figures frozen
//! when the card was made, so the entity tag is the token; every use revalidates (`no-cache`),
//! so a revoked card stops at once even in caches. Not for search engines.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::state::AppState;

/// Serves the card, or 404.
pub async fn share_card(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let Some(token) = file.strip_suffix(".png") else { return StatusCode::NOT_FOUND.into_response() };
    let etag = format!("\"{token}\"");
    let cached = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str());
    let answer = if cached {
        // Still live? Only a live card may answer 304.
        cinecloud_core::insights::card_summary(&state.services.db, token).await.map(|s| s.map(|_| None))
    } else {
        cinecloud_core::insights::card_png(&state.services.db, token).await.map(|png| png.map(Some))
    };
    let common = [(header::CACHE_CONTROL, "no-cache"), (header::HeaderName::from_static("x-robots-tag"), "noindex")];
    match answer {
        Ok(Some(Some(png))) => {
            (common, [(header::CONTENT_TYPE, "image/png".to_owned()), (header::ETAG, etag)], png).into_response()
        }
        Ok(Some(None)) => (StatusCode::NOT_MODIFIED, common, [(header::ETAG, etag)]).into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(cinecloud_core::Error::Busy) => {
            (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, "2")], "Busy, try again in a moment.")
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "drawing a share card failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
