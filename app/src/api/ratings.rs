//! A viewer's rating of a movie, and the ratings a movie shows.

use leptos::prelude::*;

use crate::error::AppError;

/// Viewers' ratings of a movie, as the pages show them (see [`crate::words`]).
pub use cinecloud_vocab::RatingSummary;

/// Sets (1–10 half stars) or, with `None`, removes the signed-in viewer's rating of a movie;
/// returns the movie's new ratings.
#[server(prefix = "/api", endpoint = "rate_movie")]
pub async fn rate_movie(id: i64, half_stars: Option<i64>) -> Result<RatingSummary, AppError> {
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
        Ok(summary)
    })
    .await
}
