//! Viewers' ratings (½★ to 5★ in half stars) and their other signals: movies they said they like
//! when starting out, and movies they are not interested in. What the recommender learns from.

use crate::{FieldError, Result};

mod service;

pub use cinecloud_vocab::{RatingSummary, Signal};
pub use service::*;

/// Imaginary ratings every movie's "Top rated" score starts with (a damped mean), so that one
/// viewer's 5★ does not put a movie above one that hundreds rated 4½★.
pub const PRIOR_RATINGS: i64 = 5;
/// What each imaginary rating is, in half stars: 3★, the middle of the scale.
pub const PRIOR_HALF_STARS: i64 = 6;

/// The score "Top rated" sorts by (what the database stores as `rating_score`): the mean in
/// stars after [`PRIOR_RATINGS`] ratings of [`PRIOR_HALF_STARS`]; `None` when nobody rated.
pub fn damped_score(rating: RatingSummary) -> Option<f64> {
    (rating.count > 0).then(|| {
        (rating.sum_half_stars + PRIOR_RATINGS * PRIOR_HALF_STARS) as f64 / (2 * (rating.count + PRIOR_RATINGS)) as f64
    })
}

/// A viewer's own rating of one movie.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct OwnRating {
    /// The movie.
    pub movie_id: i64,
    /// The rating in half stars (1–10).
    pub half_stars: i64,
}

/// A viewer's own signal about one movie.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct OwnSignal {
    /// The movie.
    pub movie_id: i64,
    /// What they said or did.
    #[sqlx(rename = "kind")]
    pub signal: Signal,
}

/// Everything one viewer has told the recommender: ratings and other signals, of visible movies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ViewerSignals {
    /// Their ratings.
    pub ratings: Vec<OwnRating>,
    /// Their other signals.
    pub signals: Vec<OwnSignal>,
}

impl ViewerSignals {
    /// Whether they have said nothing at all yet.
    pub fn is_empty(&self) -> bool {
        self.ratings.is_empty() && self.signals.is_empty()
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
