//! What the numbers say (#20): the admin dashboard's figures and series, read from the tables
//! the rest of Cinecloud writes plus two it keeps for this (`viewing_days`, `active_days`,
//! migration 0020), and each viewer's own year in film ([`year_in_film`]).
//!
//! **A day is a UTC calendar day**, numbered as unix seconds / 86,400 ([`day_of`]): 23:59:59 UTC
//! and 00:00:00 UTC the next second fall on different days whatever the viewer's own zone. A
//! period of `n` days is the `n` days that end with today (today included).

mod service;
mod storage;
mod year;

pub use cinecloud_vocab::{
    insights::*,
    year::{CardSummary, Favourite, Moment, Rewatched, ShareCard, Streak, TOP_PEOPLE, YearInFilm},
};
pub use service::*;
pub use storage::*;
pub use year::*;

use crate::playback::PlaybackEvent;

/// What one account has done, over all time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountActivity {
    /// Ratings it has given (and not removed).
    pub ratings: i64,
    /// Time it has watched, in milliseconds.
    pub watched_ms: i64,
    /// Its lists, the watchlist included.
    pub lists: i64,
    /// Its last successful sign-in (unix seconds), within the security log's 90 days.
    pub last_sign_in: Option<i64>,
    /// The last UTC day it was active.
    pub last_active_day: Option<i64>,
}

/// Seconds in a day.
pub const DAY_SECS: i64 = 86_400;

/// How much more than the wall clock one report may count, in milliseconds: times are whole
/// seconds, so two reports 10 s apart may be 9 or 11 s apart on the clock.
pub const CLOCK_SLACK_MS: i64 = 2_000;

/// The day number of unix time `unix` (UTC).
pub fn day_of(unix: i64) -> i64 {
    unix.div_euclid(DAY_SECS)
}

/// How much of one playback report counts as time watched: how far it moved the position since
/// the viewer's previous report on this movie (`previous`: its position and time), never more
/// than the wall clock moved plus [`CLOCK_SLACK_MS`]. Starts and seeks count nothing (a seek jumps),
/// nor does going backwards; the first report of a movie has nothing to measure from.
pub fn watched_credit(previous: Option<(i64, i64)>, event: PlaybackEvent, position_ms: i64, now: i64) -> i64 {
    let Some((previous_ms, previous_at)) = previous else { return 0 };
    match event {
        PlaybackEvent::Progress | PlaybackEvent::Pause | PlaybackEvent::Finish => {
            let clock_ms = (now - previous_at).max(0) * 1000 + CLOCK_SLACK_MS;
            (position_ms - previous_ms).clamp(0, clock_ms)
        }
        PlaybackEvent::Start | PlaybackEvent::Seek => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_turn_at_midnight_utc() {
        // 2026-12-06 23:59:59 UTC and the next second.
        assert_eq!(day_of(1_796_601_599), 20_793);
        assert_eq!(day_of(1_796_601_600), 20_794);
        assert_eq!(day_of(0), 0);
        assert_eq!(day_of(-1), -1, "before 1970 is the day before, not day 0");
    }

    #[test]
    fn watching_counts_what_the_position_moved_within_the_clock() {
        use PlaybackEvent::*;
        let before = Some((60_000, 1_000));
        assert_eq!(watched_credit(before, Progress, 70_000, 1_010), 10_000);
        assert_eq!(watched_credit(before, Pause, 64_000, 1_004), 4_000);
        assert_eq!(watched_credit(before, Finish, 61_000, 1_001), 1_000);
        // A report that claims more than the clock allows counts what the clock allows.
        assert_eq!(watched_credit(before, Progress, 600_000, 1_010), 12_000);
        // Jumps, restarts, rewinds and first reports count nothing.
        assert_eq!(watched_credit(before, Seek, 90_000, 1_010), 0);
        assert_eq!(watched_credit(before, Start, 70_000, 1_010), 0);
        assert_eq!(watched_credit(before, Progress, 10_000, 1_010), 0);
        assert_eq!(watched_credit(None, Progress, 70_000, 1_010), 0);
        // A clock that went backwards allows only the slack.
        assert_eq!(watched_credit(before, Progress, 70_000, 990), CLOCK_SLACK_MS);
    }
}
