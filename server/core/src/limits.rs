//! Abuse limits: how often one client or one account may do a costly or sensitive thing, and
//! how many costly things (password hashing, image decoding) run at once.
//!
//! Counters live in the database ([`hit`]), so every server behind the load balancer shares
//! them; the concurrency caps are per process, sized to its cores.

use std::{
    sync::{Arc, LazyLock},
    time::Duration,
};

use sha2::{Digest, Sha256};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::{Error, Result, clock::now_unix, db::Db, db::rate_counters};

/// How many times something may happen per window, for one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Names the counter (`sign-up`, `upload`, …); part of its key.
    pub name: &'static str,
    /// Hits allowed within one window.
    pub max: i64,
    /// Window length in seconds.
    pub window_secs: i64,
}

/// Sign-ups per client address: a household or an office signs up a few people, not dozens.
pub const SIGN_UPS: Limit = Limit { name: "sign-up", max: 10, window_secs: 60 * 60 };

/// Image uploads (profile photos, covers) per account.
pub const IMAGE_UPLOADS: Limit = Limit { name: "image-upload", max: 30, window_secs: 10 * 60 };

/// JSON API requests per client address.
pub const API_REQUESTS: Limit = Limit { name: "api", max: 600, window_secs: 60 };

/// The stored key for `who` under `name`: hashed, so no email or address is kept in clear.
pub(crate) fn key(name: &str, who: &str) -> String {
    format!("{name}:{}", hex::encode(&Sha256::digest(who.as_bytes())[..16]))
}

/// Counts one hit of `limit` for `who` and returns how many there have been in this window.
pub(crate) async fn count(db: &Db, name: &str, who: &str, window_secs: i64) -> Result<i64> {
    Ok(rate_counters::hit(db, &key(name, who), now_unix(), window_secs).await?)
}

/// As [`count`], and also returns the seconds left in the window (how long a refusal lasts).
pub(crate) async fn count_in_window(db: &Db, name: &str, who: &str, window_secs: i64) -> Result<(i64, i64)> {
    let now = now_unix();
    let (hits, started) = rate_counters::hit_in_window(db, &key(name, who), now, window_secs).await?;
    Ok((hits, (started + window_secs - now).max(1)))
}

/// Counts one hit for `who`; [`Error::RateLimited`] once the window's allowance is used up.
pub async fn hit(db: &Db, limit: Limit, who: &str) -> Result<()> {
    let hits = count(db, limit.name, who, limit.window_secs).await?;
    if hits > limit.max {
        tracing::warn!(limit = limit.name, hits, "rate limit reached");
        return Err(Error::RateLimited);
    }
    Ok(())
}

/// A cap on how many of one costly kind of work run at once in this process. A caller waits
/// its turn for at most `patience`; past that the server is saturated and says so
/// ([`Error::Busy`], 503 with `Retry-After`) instead of queueing without bound.
pub struct Gate {
    name: &'static str,
    permits: Arc<Semaphore>,
    patience: Duration,
}

impl Gate {
    /// A gate that lets `permits` through at once.
    pub fn new(name: &'static str, permits: usize, patience: Duration) -> Self {
        Self { name, permits: Arc::new(Semaphore::new(permits)), patience }
    }

    /// Waits for a turn, or gives up with [`Error::Busy`]. The turn is owned: move it into the
    /// blocking task doing the work, so that work still counts if the caller goes away.
    pub async fn enter(&self) -> Result<OwnedSemaphorePermit> {
        match tokio::time::timeout(self.patience, self.permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_closed)) => Err(anyhow::anyhow!("the {} gate is closed", self.name).into()),
            Err(_elapsed) => {
                tracing::warn!(gate = self.name, "saturated: refusing work");
                Err(Error::Busy)
            }
        }
    }

    /// Turns free right now (for tests and metrics).
    pub fn available(&self) -> usize {
        self.permits.available_permits()
    }
}

/// The machine's cores, the natural size of a CPU-bound gate.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

/// Password hashing and verification: argon2id takes 19 MiB and ~20 ms of one core each, so
/// more at once than there are cores only costs memory.
pub static PASSWORD_HASHING: LazyLock<Gate> =
    LazyLock::new(|| Gate::new("password hashing", cores(), Duration::from_secs(3)));

/// Decoding and re-encoding uploaded images (photos and covers).
pub static IMAGE_DECODING: LazyLock<Gate> =
    LazyLock::new(|| Gate::new("image decoding", cores(), Duration::from_secs(10)));

/// Forgets `who`'s count under `name` (after a success that should not count against them).
pub(crate) async fn forget(db: &Db, name: &str, who: &str) -> Result<()> {
    Ok(rate_counters::reset(db, &key(name, who)).await?)
}

/// Takes back one hit from `who`'s count under `name`.
pub(crate) async fn take_back(db: &Db, name: &str, who: &str) -> Result<()> {
    Ok(rate_counters::unhit(db, &key(name, who)).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_saturated_gate_answers_busy_instead_of_queueing_forever() {
        let gate = Gate::new("test", 1, Duration::from_millis(50));
        let held = gate.enter().await.unwrap();
        assert_eq!(gate.available(), 0);
        assert!(matches!(gate.enter().await, Err(Error::Busy)));
        drop(held);
        let again = gate.enter().await.expect("free again");
        drop(again);
        assert_eq!(gate.available(), 1);
    }

    #[test]
    fn keys_never_hold_the_email_or_address_in_clear() {
        let k = key("login:account", "ada@example.com");
        assert!(k.starts_with("login:account:") && !k.contains("ada"), "{k}");
        assert_eq!(k, key("login:account", "ada@example.com"));
    }
}
