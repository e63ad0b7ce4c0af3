//! `GET /healthz` (the process is up) and `GET /readyz` (its database and media are reachable).

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde_json::json;

use crate::state::AppState;

/// Liveness: answers as long as the process serves requests.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: 200 when the database and media storage answer, 503 naming the one that does not.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let database = state.services.db.ping().await;
    let media = state.services.media.ping().await;
    if let Err(e) = &database {
        tracing::warn!(error = %format!("{e:#}"), "readiness: database unreachable");
    }
    if let Err(e) = &media {
        tracing::warn!(error = %format!("{e:#}"), "readiness: media storage unreachable");
    }
    let status = if database.is_ok() && media.is_ok() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let word = |ok: bool| if ok { "ok" } else { "unavailable" };
    (status, Json(json!({ "database": word(database.is_ok()), "media": word(media.is_ok()) })))
}
