//! CPU work (hashing, image decoding, model fitting) off the async runtime.

/// Runs `work` on tokio's blocking pool inside the caller's tracing span (and under the caller's
/// subscriber), so that what it logs is attributed to the request or task that asked for it.
pub async fn spawn_blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    let span = tracing::Span::current();
    let dispatch = tracing::dispatcher::get_default(Clone::clone);
    tokio::task::spawn_blocking(move || tracing::dispatcher::with_default(&dispatch, || span.in_scope(work))).await
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn the_work_runs_inside_the_callers_span() {
        let subscriber = tracing_subscriber_for_test();
        let _guard = tracing::subscriber::set_default(subscriber);
        let span = tracing::info_span!("request", id = 7);
        let seen = {
            let _entered = span.enter();
            super::spawn_blocking(|| tracing::Span::current().metadata().map(|m| m.name())).await.unwrap()
        };
        assert_eq!(seen, Some("request"));
    }

    /// A subscriber that keeps spans alive (the default no-op one reports every span as disabled).
    fn tracing_subscriber_for_test() -> impl tracing::Subscriber + Send + Sync {
        tracing_subscriber::registry()
    }
}
