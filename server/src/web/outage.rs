//! A database outage, answered at once: a probe notices within half a second that the database
//! stopped answering, and from then on every request that would need it gets 503 with a page a
//! person can read (or the API's error) without waiting on the pool, `/readyz` fails so the
//! balancer drains the instance, and requests waiting on the database when it went away are
//! answered the same way. When the database answers again, so does the instance: no restart.

use std::{sync::Arc, time::Duration};

use app::error::AppError;
use axum::{
    Json,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{Html, IntoResponse, Response},
};
use cinecloud_core::{Db, Probe};
use tokio::sync::watch;

use super::assets::SiteAssets;

/// What the outage middleware reads of the server's state (given to it in an `Arc`, so each
/// request clones one reference).
#[derive(Debug)]
pub struct OutageState {
    /// Whether the database answers.
    pub database: DatabaseWatch,
    /// The bundle, for the 503 page's stylesheet and to tell its requests apart.
    pub assets: Arc<SiteAssets>,
}

/// Whether the database answers, as the probe last found: shared by the middleware, `/readyz`
/// and the probe's task.
#[derive(Clone, Debug)]
pub struct DatabaseWatch(watch::Sender<bool>);

impl Default for DatabaseWatch {
    fn default() -> Self {
        // The server has just migrated the database when it starts serving.
        Self(watch::Sender::new(true))
    }
}

/// How often the probe asks while the database answers, and while it does not.
const EVERY: Duration = Duration::from_millis(500);
const EVERY_DURING_OUTAGE: Duration = Duration::from_millis(250);
/// The longest a probe's round trip (including connecting) may take before the database counts
/// as gone.
const PROBE_LIMIT: Duration = Duration::from_secs(1);

impl DatabaseWatch {
    /// The database answered the last probe.
    pub fn reachable(&self) -> bool {
        *self.0.borrow()
    }

    /// Completes once the database is found unreachable (at once if it is now).
    async fn lost(&self) {
        let mut receiver = self.0.subscribe();
        let noticed = receiver.wait_for(|reachable| !reachable).await.is_ok();
        if !noticed {
            // The sender lives as long as the server: it never goes away first.
            std::future::pending::<()>().await;
        }
    }

    /// Probes `db` for as long as it runs.
    pub async fn run(self, db: Db) -> anyhow::Result<()> {
        let mut probe = Probe::new(&db);
        loop {
            let result = probe.check(PROBE_LIMIT).await;
            self.record(&result);
            tokio::time::sleep(if result.is_ok() { EVERY } else { EVERY_DURING_OUTAGE }).await;
        }
    }

    /// Takes a probe's result as the verdict, logging each change (and counting it for metrics).
    fn record(&self, result: &anyhow::Result<()>) {
        let reachable = result.is_ok();
        metrics::gauge!("database_reachable").set(if reachable { 1.0 } else { 0.0 });
        if !self.0.send_if_modified(|was| std::mem::replace(was, reachable) != reachable) {
            return;
        }
        match result {
            Err(e) => tracing::error!(
                error = format!("{e:#}"),
                "the database stopped answering: requests get 503 and /readyz fails until it returns"
            ),
            Ok(()) => tracing::warn!("the database answers again: serving"),
        }
    }
}

/// What a request needs of the database, judged from its path: health checks, the browser
/// bundle and media files never touch it.
fn needs_database(state: &OutageState, path: &str) -> bool {
    !(matches!(path, "/healthz" | "/readyz" | "/favicon.svg")
        || path.starts_with("/media/")
        || path.starts_with(state.assets.prefix()))
}

/// Middleware (outside the session layer, which loads sessions from the database): while the
/// database is unreachable, answers 503 at once; a request that is waiting on it when it goes
/// away is answered 503 then, instead of after the pool's timeout.
pub async fn while_database_down(State(state): State<Arc<OutageState>>, request: Request, next: Next) -> Response {
    if !needs_database(&state, request.uri().path()) {
        return next.run(request).await;
    }
    let api = request.uri().path().starts_with("/api/");
    if !state.database.reachable() {
        return unavailable(&state, api);
    }
    let watch = state.database.clone();
    tokio::select! {
        response = next.run(request) => response,
        () = watch.lost() => unavailable(&state, api),
    }
}

/// The 503: the API's error for server functions and the JSON API, else a page.
fn unavailable(state: &OutageState, api: bool) -> Response {
    metrics::counter!("database_unavailable_responses_total").increment(1);
    let error = AppError::Unavailable(cinecloud_core::DATABASE.into());
    let mut response = if api {
        (StatusCode::SERVICE_UNAVAILABLE, Json(&error)).into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, Html(page(&state.assets.urls().css))).into_response()
    };
    if let Some(seconds) = error.retry_after() {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// The page a person sees: the site's own stylesheet, no script, a way to try again.
fn page(stylesheet: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="{stylesheet}"><title>Back in a moment · Cinecloud</title></head>
<body><main id="main" class="page"><section class="message-page" role="alert">
<h1>Back in a moment</h1>
<p>Cinecloud cannot reach its database right now. Nothing you saved is lost.</p>
<p>Please reload this page in a minute.</p>
<p><a href="/">Go to the home page</a></p>
</section></main></body></html>
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_no_internals_and_links_the_stylesheet() {
        let html = page("/pkg/cinecloud.0123abcd.css");
        assert!(html.contains(r#"href="/pkg/cinecloud.0123abcd.css""#));
        assert!(html.contains("cannot reach its database"));
        assert!(!html.contains("<script"), "no inline script: the page's CSP has no nonce for it");
    }
}
