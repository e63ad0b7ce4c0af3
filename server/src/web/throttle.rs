//! A per-client request allowance for `/api/*`, kept in this process's memory: counting every
//! API call in the database would cost a write per request, and an allowance per server (the
//! load balancer spreads a client over them) is what bounds each server's work.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// Fixed-window request counts per client address.
#[derive(Clone, Debug)]
pub struct RequestAllowance {
    per_window: u32,
    window: Duration,
    counts: Arc<Mutex<HashMap<String, (Instant, u32)>>>,
}

/// Clients remembered before expired windows are swept out.
const SWEEP_AT: usize = 10_000;

impl RequestAllowance {
    /// `per_window` requests per client per `window`.
    pub fn new(per_window: u32, window: Duration) -> Self {
        Self { per_window, window, counts: Arc::default() }
    }

    /// Counts a request from `client`; `Err(seconds to wait)` once its allowance is spent.
    pub fn take(&self, client: &str, now: Instant) -> Result<(), u64> {
        let mut counts = self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if counts.len() >= SWEEP_AT {
            counts.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = counts.entry(client.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.per_window {
            let wait = self.window.saturating_sub(now.duration_since(entry.0));
            return Err(wait.as_secs().max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_client_gets_its_allowance_per_window() {
        let allowance = RequestAllowance::new(3, Duration::from_secs(60));
        let start = Instant::now();
        for _ in 0..3 {
            allowance.take("192.0.2.1", start).unwrap();
        }
        let wait = allowance.take("192.0.2.1", start + Duration::from_secs(15)).unwrap_err();
        assert_eq!(wait, 45, "told when the window ends");
        allowance.take("192.0.2.2", start).expect("another client has its own");
        allowance.take("192.0.2.1", start + Duration::from_secs(60)).expect("a new window");
    }

    #[test]
    fn expired_windows_are_swept_when_many_clients_were_seen() {
        let allowance = RequestAllowance::new(1, Duration::from_secs(1));
        let start = Instant::now();
        for i in 0..SWEEP_AT {
            allowance.take(&i.to_string(), start).unwrap();
        }
        allowance.take("late", start + Duration::from_secs(2)).unwrap();
        assert_eq!(allowance.counts.lock().unwrap().len(), 1, "only the live window is kept");
    }
}
