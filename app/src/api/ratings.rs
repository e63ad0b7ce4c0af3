//! A viewer's rating of a movie, and the ratings a movie shows.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Viewers' ratings of a movie.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingView {
    /// How many rated it.
    pub count: i64,
    /// Their ratings' sum in half stars.
    pub sum_half_stars: i64,
}

impl RatingView {
    /// The mean in stars, if anyone rated.
    pub fn average(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum_half_stars as f64 / (2.0 * self.count as f64))
    }

    /// "3.5" for the mean, one decimal; "–" when unrated.
    pub fn short(&self) -> String {
        self.average().map_or_else(|| "–".to_owned(), |a| format!("{a:.1}"))
    }

    /// "Rated 3.5 out of 5 by 12 viewers", or "No ratings yet".
    pub fn describe(&self) -> String {
        match (self.average(), self.count) {
            (None, _) => "No ratings yet".to_owned(),
            (Some(a), 1) => format!("Rated {a:.1} out of 5 by 1 viewer"),
            (Some(a), n) => format!("Rated {a:.1} out of 5 by {n} viewers"),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<cinecloud_core::ratings::RatingSummary> for RatingView {
    fn from(r: cinecloud_core::ratings::RatingSummary) -> Self {
        RatingView { count: r.count, sum_half_stars: r.sum_half_stars }
    }
}

/// Sets (1–10 half stars) or, with `None`, removes the signed-in viewer's rating of a movie;
/// returns the movie's new ratings.
#[server(prefix = "/api", endpoint = "rate_movie")]
pub async fn rate_movie(id: i64, half_stars: Option<i64>) -> Result<RatingView, AppError> {
    use crate::ssr::*;
    respond(async {
        let user = require_user().await?;
        let services = services()?;
        let summary = match half_stars {
            Some(h) => cinecloud_core::ratings::rate(&services.db, user.id, id, h).await?,
            None => cinecloud_core::ratings::unrate(&services.db, user.id, id).await?,
        };
        // The viewer who rated sees the new average on this server's lists at once.
        services.catalog.ratings_changed();
        Ok(summary.into())
    })
    .await
}
