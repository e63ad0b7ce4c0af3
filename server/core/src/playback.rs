//! What viewers watch: the player reports start, progress (every few seconds), pause, seek and
//! finish; each report moves the viewer's resume point in one transaction with its event. At 90 %
//! a movie counts as watched. The resume point, "Continue watching" and the history come from
//! here, and so does the recommender's `watched` signal.

use sqlx::FromRow;

use crate::{
    Error, FieldError, Result,
    catalog::MovieCard,
    clock::now_unix,
    db::{Db, playback as rows, ratings as signal_rows},
    ratings::Signal,
};

crate::spelling::spelled_enum! {
    /// What the player reports; the words are the stored kind.
    pub enum PlaybackEvent as "playback event" {
        /// Playing began.
        Start = "start",
        /// Still playing (every few seconds).
        Progress = "progress",
        /// Paused.
        Pause = "pause",
        /// Jumped elsewhere.
        Seek = "seek",
        /// Reached the end.
        Finish = "finish",
    }
}

impl PlaybackEvent {
    /// The event named `kind`, or the field error for it.
    pub fn parse(kind: &str) -> Result<Self, FieldError> {
        kind.parse().map_err(|_| FieldError::new("event", "Unknown playback event."))
    }
}

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

/// Records one report of the player and returns the viewer's place in the movie.
pub async fn report(
    db: &Db,
    user_id: i64,
    movie_id: i64,
    event: PlaybackEvent,
    position_ms: i64,
    duration_ms: i64,
) -> Result<Progress> {
    if duration_ms <= 0 || duration_ms > 24 * 3_600_000 {
        return Err(FieldError::new("duration", "The running time is not plausible.").into());
    }
    if !(0..=duration_ms).contains(&position_ms) {
        return Err(FieldError::new("position", "The position is outside the movie.").into());
    }
    let now = now_unix();
    let reached = event == PlaybackEvent::Finish || position_ms as f64 >= duration_ms as f64 * WATCHED_FRACTION;
    let report = rows::Report { user_id, movie_id, event, position_ms, duration_ms, reached, now };
    let progress = rows::record(db, &report).await?.ok_or(Error::NotFound)?;
    if progress.watched {
        signal_rows::add_signal(db, user_id, movie_id, Signal::Watched, now).await?;
    }
    Ok(progress)
}

/// The viewer's place in a movie, if they played it.
pub async fn progress(db: &Db, user_id: i64, movie_id: i64) -> Result<Option<Progress>> {
    Ok(rows::progress(db, user_id, movie_id).await?)
}

/// Which of `movie_ids` the viewer has watched (reached 90 % of).
pub async fn watched_among(db: &Db, user_id: i64, movie_ids: &[i64]) -> Result<Vec<i64>> {
    if movie_ids.is_empty() {
        return Ok(Vec::new());
    }
    let watched = rows::watched_among(db, user_id, movie_ids).await?;
    Ok(movie_ids.iter().copied().filter(|id| watched.contains(id)).collect())
}

/// One history entry: the movie and the viewer's place in it.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEntry {
    /// The movie.
    pub card: MovieCard,
    /// Where they are.
    pub progress: Progress,
}

/// What the viewer played, most recent first.
pub async fn history(db: &Db, user_id: i64, limit: i64) -> Result<Vec<HistoryEntry>> {
    Ok(rows::entries(db, user_id, false, limit).await?)
}

/// Movies the viewer started and did not finish, most recent first ("Continue watching").
pub async fn continue_watching(db: &Db, user_id: i64, limit: i64) -> Result<Vec<HistoryEntry>> {
    Ok(rows::entries(db, user_id, true, limit).await?)
}

/// Removes one movie from the viewer's history (its resume point, events and `watched` signal go
/// with it).
pub async fn forget(db: &Db, user_id: i64, movie_id: i64) -> Result<()> {
    Ok(rows::clear(db, user_id, Some(movie_id)).await?)
}

/// Clears the viewer's whole history.
pub async fn clear_history(db: &Db, user_id: i64) -> Result<()> {
    Ok(rows::clear(db, user_id, None).await?)
}
