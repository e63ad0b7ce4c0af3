//! Viewers' ratings (½★ to 5★ in half stars) and their other signals: movies they said they like
//! when starting out, and movies they are not interested in. What the recommender learns from.

use crate::{
    accounts::FieldError,
    catalog::CatalogError,
    clock::now_unix,
    db::{
        Db,
        ratings::{self, RatingSummary},
    },
};

/// A signal other than a rating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// Picked as a favourite when starting out.
    Liked,
    /// Never recommend this movie to this viewer.
    NotInterested,
    /// On the viewer's watchlist.
    Watchlisted,
    /// Played to 90 % or more.
    Watched,
}

impl Signal {
    /// The stored `kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Liked => "liked",
            Signal::NotInterested => "not_interested",
            Signal::Watchlisted => "watchlist",
            Signal::Watched => "watched",
        }
    }
}

/// Checks a rating given in half stars (1 = ½★ … 10 = 5★).
pub fn validate_half_stars(half_stars: i64) -> Result<i64, FieldError> {
    if (1..=10).contains(&half_stars) {
        Ok(half_stars)
    } else {
        Err(FieldError::new("rating", "A rating is from half a star to five stars, in half stars."))
    }
}

/// Sets the viewer's rating of a movie and returns the movie's new summary.
pub async fn rate(db: &Db, user_id: i64, movie_id: i64, half_stars: i64) -> Result<RatingSummary, CatalogError> {
    let half_stars = validate_half_stars(half_stars)?;
    ratings::set(db, user_id, movie_id, half_stars, now_unix()).await?.ok_or(CatalogError::NotFound)
}

/// Removes the viewer's rating of a movie (nothing happens if there was none).
pub async fn unrate(db: &Db, user_id: i64, movie_id: i64) -> Result<RatingSummary, CatalogError> {
    ratings::remove(db, user_id, movie_id).await?.ok_or(CatalogError::NotFound)
}

/// Records a signal; repeating it changes nothing.
pub async fn add_signal(db: &Db, user_id: i64, movie_id: i64, signal: Signal) -> Result<(), CatalogError> {
    if ratings::add_signal(db, user_id, movie_id, signal.as_str(), now_unix()).await? {
        Ok(())
    } else {
        Err(CatalogError::NotFound)
    }
}

/// Withdraws a signal.
pub async fn remove_signal(db: &Db, user_id: i64, movie_id: i64, signal: Signal) -> Result<(), CatalogError> {
    Ok(ratings::remove_signal(db, user_id, movie_id, signal.as_str()).await?)
}
