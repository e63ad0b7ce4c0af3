//! The functions of [`crate::ratings`]: what the rest of Cinecloud calls, over `db`.

use crate::{
    Error, Result,
    clock::now_unix,
    db::{Db, ratings},
};

use super::*;

/// Sets the viewer's rating of a movie and returns the movie's new summary.
pub async fn rate(db: &Db, user_id: i64, movie_id: i64, half_stars: i64) -> Result<RatingSummary> {
    let half_stars = validate_half_stars(half_stars)?;
    ratings::set(db, user_id, movie_id, Some(half_stars), now_unix()).await?.ok_or(Error::NotFound)
}

/// Removes the viewer's rating of a movie (nothing happens if there was none).
pub async fn unrate(db: &Db, user_id: i64, movie_id: i64) -> Result<RatingSummary> {
    ratings::set(db, user_id, movie_id, None, now_unix()).await?.ok_or(Error::NotFound)
}

/// Records a signal; repeating it changes nothing.
pub async fn add_signal(db: &Db, user_id: i64, movie_id: i64, signal: Signal) -> Result<()> {
    if ratings::add_signal(db, user_id, movie_id, signal, now_unix()).await? { Ok(()) } else { Err(Error::NotFound) }
}

/// Withdraws a signal.
pub async fn remove_signal(db: &Db, user_id: i64, movie_id: i64, signal: Signal) -> Result<()> {
    Ok(ratings::remove_signal(db, user_id, movie_id, signal).await?)
}

/// A movie's ratings as stored, deleted movies included; `NotFound` for an unknown id.
pub async fn summary(db: &Db, movie_id: i64) -> Result<RatingSummary> {
    ratings::summary(db, movie_id).await?.ok_or(Error::NotFound)
}
