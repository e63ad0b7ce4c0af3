//! Background tasks (the recommender's loop, session expiry) that must never be silently gone:
//! each runs under a supervisor that logs why it stopped and starts it again.

use std::{future::Future, time::Duration};

use tokio::task::{AbortHandle, JoinHandle};

/// How long a supervisor waits before restarting a task that stopped.
#[derive(Clone, Copy, Debug)]
pub struct Restart {
    /// The first pause.
    pub first: Duration,
    /// Pauses double up to this.
    pub longest: Duration,
}

impl Default for Restart {
    fn default() -> Self {
        Restart { first: Duration::from_secs(1), longest: Duration::from_secs(60) }
    }
}

/// Runs the task `start` makes for as long as the returned handle lives: whenever it returns,
/// fails or panics, that is logged as an error and a new one is started after a pause. Aborting
/// the handle stops the task too.
pub fn supervise<F, Fut>(name: &'static str, start: F) -> JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    supervise_with(name, Restart::default(), start)
}

/// [`supervise`] with its own pauses.
pub fn supervise_with<F, Fut>(name: &'static str, restart: Restart, start: F) -> JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    tokio::spawn(async move {
        let mut pause = restart.first;
        loop {
            let started = tokio::time::Instant::now();
            let run = tokio::spawn(start());
            // Aborting the supervisor drops this future here: the guard aborts the task with it.
            let _guard = AbortOnDrop(run.abort_handle());
            crate::metrics::task_running(name, true);
            let ended = run.await;
            crate::metrics::task_running(name, false);
            match ended {
                Ok(Ok(())) => tracing::error!(task = name, "background task ended; restarting it"),
                Ok(Err(e)) => {
                    tracing::error!(task = name, error = format!("{e:#}"), "background task failed; restarting it")
                }
                Err(e) if e.is_panic() => tracing::error!(task = name, "background task panicked; restarting it"),
                Err(_) => return,
            }
            // A task that ran a good while before it stopped is restarted soon again.
            if started.elapsed() > restart.longest {
                pause = restart.first;
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(restart.longest);
        }
    })
}

struct AbortOnDrop(AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    };

    use super::*;

    const QUICK: Restart = Restart { first: Duration::from_millis(5), longest: Duration::from_millis(20) };

    /// Waits (up to 5 s) until `count` reaches `n`.
    async fn reaches(count: &AtomicUsize, n: usize) -> bool {
        for _ in 0..500 {
            if count.load(Ordering::SeqCst) >= n {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        false
    }

    #[tokio::test]
    async fn a_task_that_panics_fails_or_returns_is_started_again() {
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = runs.clone();
        let supervisor = supervise_with("test", QUICK, move || {
            let run = counted.fetch_add(1, Ordering::SeqCst);
            async move {
                match run {
                    0 => panic!("the first run dies"),
                    1 => anyhow::bail!("the second run fails"),
                    2 => Ok(()),
                    _ => std::future::pending().await,
                }
            }
        });
        assert!(reaches(&runs, 4).await, "restarted after a panic, an error and a return: {runs:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 4, "a task that keeps running is left alone");
        supervisor.abort();
    }

    #[tokio::test]
    async fn aborting_the_supervisor_stops_its_task() {
        let ticks = Arc::new(AtomicUsize::new(0));
        let counted = ticks.clone();
        let supervisor = supervise_with("test", QUICK, move || {
            let ticks = counted.clone();
            async move {
                loop {
                    ticks.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
        });
        assert!(reaches(&ticks, 3).await);
        supervisor.abort();
        let _ = supervisor.await;
        let stopped_at = ticks.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(ticks.load(Ordering::SeqCst), stopped_at, "the task stopped with its supervisor");
    }
}
