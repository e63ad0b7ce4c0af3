//! The functions of [`crate::playback`]: what the rest of Cinecloud calls, over `db`.

use crate::{
    Error, FieldError, Result,
    clock::now_unix,
    db::{Db, playback as rows, ratings as signal_rows},
    ratings::Signal,
};

use super::*;

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
