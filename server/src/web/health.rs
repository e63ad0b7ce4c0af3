//! `GET /healthz` (the process is up) and `GET /readyz` (its database and media are reachable, and
//! it is not shutting down).

use std::sync::atomic::{AtomicBool, Ordering};

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde_json::json;

use crate::state::AppState;

/// Liveness: answers as long as the process serves requests.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Set once the process is shutting down: `/readyz` fails from then on, so the load balancer
/// sends no new requests while in-flight ones finish. One per process, as `cinecloud serve`
/// serves one app.
static DRAINING: AtomicBool = AtomicBool::new(false);

/// Makes `/readyz` fail from now on (SIGTERM received).
pub fn start_draining() {
    DRAINING.store(true, Ordering::Relaxed);
}

/// The longest `/readyz` waits for a database connection: less than a balancer's check timeout.
const READY_LIMIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Readiness: 200 when the database answers, 503 when it does not or the process is shutting
/// down; the body says how the database and media storage are.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if DRAINING.load(Ordering::Relaxed) {
        return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "draining": true })));
    }
    // While the probe finds the database gone, say so at once (the pool would wait its timeout).
    let database = if state.database.reachable() {
        match tokio::time::timeout(READY_LIMIT, state.services.db.ping()).await {
            Ok(result) => result,
            Err(_) => Err(anyhow::anyhow!("no database connection within {READY_LIMIT:?}")),
        }
    } else {
        Err(anyhow::anyhow!("the database probe finds it unreachable"))
    };
    let media = state.services.media.ping().await;
    // The probe logs an outage once; a failed ping it has not noticed is worth a line.
    if let Err(e) = &database
        && state.database.reachable()
    {
        tracing::warn!(error = %format!("{e:#}"), "readiness: database unreachable");
    }
    if let Err(e) = &media {
        tracing::warn!(error = %format!("{e:#}"), "readiness: media storage unreachable");
    }
    // Only the database decides: every instance shares the one bucket, so an S3 outage would take
    // them all out of the balancer at once, while browsing, search, ratings and lists still work
    // without it. Media is reported, for monitoring, and uploads refuse with a clear message.
    let status = if database.is_ok() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let word = |ok: bool| if ok { "ok" } else { "unavailable" };
    (status, Json(json!({ "database": word(database.is_ok()), "media": word(media.is_ok()) })))
}

/// `cinecloud healthcheck`: asks the server listening at `listen` (an unspecified address such as
/// `0.0.0.0` means this host) for `/healthz` over plain HTTP/1.1, within three seconds.
pub fn check(listen: &str) -> Result<(), String> {
    use std::{
        io::{Read, Write},
        net::{SocketAddr, TcpStream},
        time::Duration,
    };
    let mut addr: SocketAddr = listen.parse().map_err(|e| format!("CINECLOUD_LISTEN={listen}: {e}"))?;
    if addr.ip().is_unspecified() {
        addr.set_ip(if addr.is_ipv4() { [127, 0, 0, 1].into() } else { std::net::Ipv6Addr::LOCALHOST.into() });
    }
    let limit = Duration::from_secs(3);
    let mut stream = TcpStream::connect_timeout(&addr, limit).map_err(|e| format!("{addr}: {e}"))?;
    stream
        .set_read_timeout(Some(limit))
        .and_then(|()| stream.set_write_timeout(Some(limit)))
        .map_err(|e| e.to_string())?;
    write!(stream, "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").map_err(|e| e.to_string())?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).map_err(|e| format!("{addr}: {e}"))?;
    if head.starts_with(b"HTTP/1.1 200") {
        Ok(())
    } else {
        Err(format!("{addr}/healthz answered {}", String::from_utf8_lossy(&head).trim()))
    }
}
