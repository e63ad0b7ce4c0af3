//! Prometheus metrics, served as text at `/metrics` on their own listener
//! (`CINECLOUD_METRICS_LISTEN`; off by default and never on the public port, so only what can
//! reach that address — the scraper — sees them).
//!
//! Requests are counted by route template (`/movies/{id}`, never the raw path: one series per
//! route, not per movie), method and status, and timed in a histogram. Gauges read at each
//! scrape: database connections in use and idle, the recommender's served model version, its
//! age and how long its fit took, and the process's resident memory. Counters kept where things
//! happen: uploads accepted (bytes) and refused, background tasks running.

use std::{net::SocketAddr, sync::OnceLock, time::Instant};

use axum::{
    Router,
    extract::{MatchedPath, Request, State},
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
};
use cinecloud_core::Services;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Latency buckets, in seconds: pages and API calls answer in milliseconds; uploads take longer.
const LATENCY_BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// The process's recorder, installed on first use. A process has one global recorder; the
/// tests run many servers in one process, and they share it.
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full("http_request_duration_seconds".into()), LATENCY_BUCKETS)
                .expect("latency buckets are not empty")
                .install_recorder()
                .expect("installing the metrics recorder")
        })
        .clone()
}

/// Middleware: counts each response by route template, method and status, and records how long
/// it took. Requests that matched no route are counted as `unmatched`.
pub async fn track_requests(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str).to_owned();
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!("http_request_duration_seconds", "route" => route.clone(), "method" => method.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("http_requests_total", "route" => route, "method" => method, "status" => status).increment(1);
    response
}

/// An upload of `kind` (`photo`, `cover`, `video`) was stored.
pub fn upload_stored(kind: &'static str, bytes: u64) {
    metrics::counter!("uploads_total", "kind" => kind).increment(1);
    metrics::counter!("upload_bytes_total", "kind" => kind).increment(bytes);
}

/// An upload of `kind` was refused (too large, not an image or video, over a limit).
pub fn upload_refused(kind: &'static str) {
    metrics::counter!("uploads_refused_total", "kind" => kind).increment(1);
}

/// A background task started (`true`) or stopped (`false`).
pub fn task_running(name: &'static str, running: bool) {
    metrics::gauge!("background_tasks_running", "task" => name).set(if running { 1.0 } else { 0.0 });
}

/// Sets the gauges that are read rather than counted.
fn read_gauges(services: &Services) {
    let (size, idle) = services.db.connections();
    metrics::gauge!("db_pool_connections", "state" => "in_use").set(f64::from(size.saturating_sub(idle)));
    metrics::gauge!("db_pool_connections", "state" => "idle").set(f64::from(idle));
    match services.recommender.info() {
        Some(model) => {
            let age = cinecloud_core::clock::now_unix().saturating_sub(model.trained_at);
            metrics::gauge!("recommender_model_version").set(model.version as f64);
            metrics::gauge!("recommender_model_age_seconds").set(age as f64);
            metrics::gauge!("recommender_training_seconds").set(model.fit_seconds);
        }
        None => metrics::gauge!("recommender_model_version").set(0.0),
    }
    if let Some(rss) = resident_bytes() {
        metrics::gauge!("process_resident_memory_bytes").set(rss);
    }
}

/// The process's resident set, from `/proc/self/statm` (Linux; `None` elsewhere).
fn resident_bytes() -> Option<f64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: f64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf only reads a configuration value.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    (page > 0).then_some(pages * page as f64)
}

async fn scrape(State(services): State<Services>) -> impl IntoResponse {
    read_gauges(&services);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle().render())
}

/// The metrics listener's router: `/metrics` and nothing else.
pub fn router(services: Services) -> Router {
    Router::new().route("/metrics", get(scrape)).with_state(services)
}

/// Serves `/metrics` on `listener` until the task is dropped.
pub async fn serve(listener: tokio::net::TcpListener, services: Services) -> std::io::Result<()> {
    let address: Option<SocketAddr> = listener.local_addr().ok();
    tracing::info!(address = ?address, "metrics are served at /metrics");
    axum::serve(listener, router(services)).await
}
