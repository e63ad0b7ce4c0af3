//! The HTTP listener: hyper's connection loop with read deadlines, where `axum::serve` has none.
//!
//! `axum::serve` gives hyper no timer, so hyper's header-read timeout is inert and a client that
//! sends half a request head (or nothing) holds its connection for ever: a few thousand such
//! clients (slowloris) exhaust a server's sockets. Here each connection gets a timer and a
//! deadline for its request head; request bodies get an idle deadline between chunks (see
//! [`crate::startup::build_router`]), so a slow but steady upload still works.
//!
//! hyper's own head timer starts only once the protocol is known, and the auto builder learns
//! it by reading the first bytes: a socket that sends nothing, or half of the HTTP/2 preface,
//! never reaches that timer. So each connection must also have delivered its first request
//! within the same deadline, counted from the moment it was accepted, or it is closed.

use std::{
    future::Future,
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use axum::{Router, extract::ConnectInfo, http::Request};
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto::Builder, graceful::GracefulShutdown},
    service::TowerToHyperService,
};
use tokio::net::TcpListener;
use tower::ServiceExt;

/// How long in-flight requests get to finish after the shutdown signal.
const DRAIN: Duration = Duration::from_secs(30);

/// Serves `router` on `listener` until `shutdown` completes, then lets open connections finish
/// (for at most 30 s). A new connection's first request, and each later request head, must
/// arrive within `header_timeout`; handlers see the client's address as
/// `ConnectInfo<SocketAddr>`, as with `axum::serve`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(header_timeout);
    builder.http2().timer(TokioTimer::new()).keep_alive_interval(Some(header_timeout));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, client) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(e) => {
                    // Out of file descriptors and the like: pause rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = router.clone();
        let requested = Arc::new(AtomicBool::new(false));
        let service = TowerToHyperService::new(tower::service_fn({
            let requested = Arc::clone(&requested);
            move |mut request: Request<_>| {
                requested.store(true, Ordering::Relaxed);
                request.extensions_mut().insert(ConnectInfo::<SocketAddr>(client));
                router.clone().oneshot(request)
            }
        }));
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            tokio::pin!(connection);
            let ended = tokio::select! {
                ended = &mut connection => ended,
                () = tokio::time::sleep(header_timeout) => {
                    if !requested.load(Ordering::Relaxed) {
                        // Dropping the connection closes the socket.
                        tracing::debug!(%client, "connection closed: no request within the header deadline");
                        return;
                    }
                    connection.await
                }
            };
            // A client that hangs up or misses a deadline ends its connection; that is routine.
            if let Err(e) = ended {
                tracing::debug!(%client, error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        tracing::warn!("some connections were still open {DRAIN:?} after the shutdown signal");
    }
    Ok(())
}
