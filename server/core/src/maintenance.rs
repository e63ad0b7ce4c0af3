//! Periodic clean-up, done by one server per round however many run: taken-down movies whose
//! undo window has passed are purged with their covers and videos; old rate-limit counters,
//! security events past their keeping time, long-unseen sign-in rows and devices unused for a year
//! are pruned.

use std::time::Duration;

use crate::{
    Result, Services, catalog,
    db::{known_devices, rate_counters, security_events},
    limits,
};

/// What one round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Movies purged (their media objects too).
    pub purged_movies: usize,
    /// Rate-limit counters deleted.
    pub pruned_counters: u64,
    /// Security events past their keeping time, long-unseen sign-in rows and devices unused
    /// for a year, deleted.
    pub pruned_events: u64,
}

/// How long a device that signed in is remembered without being used again (its own sign-in
/// allowance, [`crate::accounts::LoginThrottle`]).
pub const KEEP_DEVICES_SECS: i64 = 365 * 24 * 60 * 60;

/// How often the server runs a round.
pub const EVERY: Duration = Duration::from_secs(10 * 60);

/// Runs a round at `now` (unix seconds) unless another server already ran one in this `every`
/// window: the first to count a hit on the shared counter runs it, atomically, so two servers
/// never purge at once. `None` when this server's turn was not due.
pub async fn run_round(services: &Services, now: i64, every: Duration) -> Result<Option<Report>> {
    let window = i64::try_from(every.as_secs()).unwrap_or(i64::MAX).max(1);
    let turn = rate_counters::hit(&services.db, &limits::key("maintenance", "round"), now, window).await?;
    if turn > 1 {
        return Ok(None);
    }
    let purged_movies = catalog::purge_deleted(services, now).await?;
    // The longest limit window is an hour; a day's margin keeps every live count.
    let pruned_counters = rate_counters::prune(&services.db, now - 24 * 60 * 60).await?;
    let pruned_events = security_events::prune(&services.db, now - crate::security_events::KEEP_SECS).await?
        + crate::sign_ins::prune(&services.db, now).await?
        + known_devices::prune(&services.db, now - KEEP_DEVICES_SECS).await?;
    if purged_movies > 0 || pruned_counters > 0 || pruned_events > 0 {
        tracing::info!(purged_movies, pruned_counters, pruned_events, "maintenance round");
    }
    Ok(Some(Report { purged_movies, pruned_counters, pruned_events }))
}
