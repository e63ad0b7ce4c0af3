//! What viewers watch: the player reports start, progress (every few seconds), pause, seek and
//! finish; each report moves the viewer's resume point in one transaction with its event. At 90 %
//! a movie counts as watched. The resume point, "Continue watching" and the history come from
//! here, and so does the recommender's `watched` signal.

use sqlx::FromRow;

use crate::catalog::MovieCard;

mod service;

pub use cinecloud_vocab::PlaybackEvent;
pub use service::*;

/// From this share of the running time on, a movie counts as watched.
pub const WATCHED_FRACTION: f64 = 0.9;
/// Resume points closer to the start than this are not offered.
pub const MIN_RESUME_MS: i64 = 5_000;

/// A viewer's place in one movie.
#[derive(Clone, Debug, FromRow, PartialEq, Eq)]
pub struct Progress {
    /// The movie.
    pub movie_id: i64,
    /// Where they are, in milliseconds.
    pub position_ms: i64,
    /// The running time the player reported.
    pub duration_ms: i64,
    /// Whether they reached 90 %.
    pub watched: bool,
    /// When they first played it (Unix seconds).
    pub started_at: i64,
    /// When they last played it.
    pub updated_at: i64,
}

impl Progress {
    /// Where to offer to resume: `None` near the start or once watched.
    pub fn resume_at(&self) -> Option<i64> {
        (!self.watched && self.position_ms >= MIN_RESUME_MS).then_some(self.position_ms)
    }
}

/// Playback events kept per viewer and movie (the newest); older ones are dropped as new ones
/// arrive. A player reports every 15 s or so, so this is hours of viewing.
pub const MAX_EVENTS_PER_MOVIE: i64 = 500;

/// One history entry: the movie and the viewer's place in it.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEntry {
    /// The movie.
    pub card: MovieCard,
    /// Where they are.
    pub progress: Progress,
}
