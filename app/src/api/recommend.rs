//! Recommendations as the pages use them: the home page's "Recommended for you" row with a
//! reason per movie, "More like this", "Not interested", the first-visit pick of favourites,
//! and the admin's view of the model being served.

pub use cinecloud_vocab::Reason;
use leptos::{prelude::*, server_fn::codec::GetUrl};
use serde::{Deserialize, Serialize};

use crate::{api::catalog::MovieCardView, error::AppError};

/// A recommended movie and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecommendedView {
    /// The movie.
    pub movie: MovieCardView,
    /// Why (the page says it with [`crate::words::Describe`]).
    pub reason: Reason,
}

/// What the home page shows a signed-in viewer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForYouView {
    /// Movies to pick a few favourites from, for a viewer not asked yet (else empty).
    pub favourite_choices: Vec<MovieCardView>,
    /// Their recommendations.
    pub items: Vec<RecommendedView>,
}

/// The model being served, for admins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelStatusView {
    /// Version number.
    pub version: i64,
    /// When training finished (Unix seconds).
    pub trained_at: i64,
    /// Seconds the fit took.
    pub fit_seconds: f64,
    /// Viewers learned from.
    pub viewers: i64,
    /// Movies with factors.
    pub movies: i64,
    /// Signals learned from.
    pub signals: i64,
    /// Held-out precision at 10, nDCG at 10, recall at 20, popularity's precision at 10 and the
    /// number of viewers measured, when there was enough data.
    pub metrics: Option<(f64, f64, f64, f64, usize)>,
}

/// How many movies the home row shows.
pub const FOR_YOU_COUNT: usize = 12;
/// How many movies a new viewer picks favourites from.
pub const FAVOURITE_CHOICES: usize = 18;

#[cfg(feature = "ssr")]
mod convert {
    use cinecloud_core::recommend::{ModelInfo, Recommendation};

    use super::*;

    impl From<Recommendation> for RecommendedView {
        fn from(r: Recommendation) -> Self {
            RecommendedView { movie: r.card.into(), reason: r.reason }
        }
    }

    impl From<ModelInfo> for ModelStatusView {
        fn from(i: ModelInfo) -> Self {
            ModelStatusView {
                version: i.version,
                trained_at: i.trained_at,
                fit_seconds: i.fit_seconds,
                viewers: i.viewers,
                movies: i.movies,
                signals: i.signals,
                metrics: i.metrics.map(|m| (m.p_at_10, m.ndcg_at_10, m.recall_at_20, m.popularity_p_at_10, m.viewers)),
            }
        }
    }
}

/// The signed-in viewer's recommendations (`None` for visitors).
#[server(prefix = "/api", endpoint = "recommendations", input = GetUrl)]
pub async fn recommendations() -> Result<Option<ForYouView>, AppError> {
    use crate::ssr::*;
    respond(async {
        let Some(user) = current_user().await? else { return Ok(None) };
        let services = services()?;
        let db = &services.db;
        let favourite_choices = if cinecloud_core::recommend::should_ask_for_favourites(db, user.id).await? {
            let choices = cinecloud_core::recommend::favourite_choices(db, user.id, FAVOURITE_CHOICES).await?;
            choices.into_iter().map(MovieCardView::from).collect()
        } else {
            Vec::new()
        };
        let items = services.recommender.recommend_for(db, user.id, FOR_YOU_COUNT).await?;
        let mut items: Vec<RecommendedView> = items.into_iter().map(RecommendedView::from).collect();
        crate::api::catalog::add_viewer_state(items.iter_mut().map(|i| &mut i.movie)).await?;
        Ok(Some(ForYouView { favourite_choices, items }))
    })
    .await
}

/// Movies like this one, each with its reason.
#[server(prefix = "/api", endpoint = "more_like_this", input = GetUrl)]
pub async fn more_like_this(id: i64) -> Result<Vec<RecommendedView>, AppError> {
    use crate::ssr::*;
    respond(async {
        let services = services()?;
        let similar = services.recommender.more_like(&services.db, id, 6).await?;
        let mut similar: Vec<RecommendedView> = similar.into_iter().map(RecommendedView::from).collect();
        crate::api::catalog::add_viewer_state(similar.iter_mut().map(|i| &mut i.movie)).await?;
        Ok(similar)
    })
    .await
}

/// Marks a movie "not interested" for the signed-in viewer, or with `undo` withdraws that.
#[server(prefix = "/api", endpoint = "not_interested")]
pub async fn not_interested(id: i64, undo: bool) -> Result<(), AppError> {
    use cinecloud_core::ratings::{Signal, add_signal, remove_signal};

    use crate::ssr::*;
    respond(async {
        let user = require_user().await?;
        let db = services()?.db;
        if undo {
            remove_signal(&db, user.id, id, Signal::NotInterested).await?;
        } else {
            add_signal(&db, user.id, id, Signal::NotInterested).await?;
        }
        Ok(())
    })
    .await
}

/// Saves the movies a new viewer picked as favourites; none means "skip".
#[server(prefix = "/api", endpoint = "save_favourites")]
pub async fn save_favourites(
    // An empty list is not sent at all in a URL-encoded form.
    #[server(default)] ids: Vec<i64>,
) -> Result<(), AppError> {
    use crate::ssr::*;
    respond(async {
        let user = require_user().await?;
        Ok(cinecloud_core::recommend::save_favourites(&services()?.db, user.id, &ids).await?)
    })
    .await
}

/// The model being served (admins only); `None` before the first training.
#[server(prefix = "/api", endpoint = "admin/recommender", input = GetUrl)]
pub async fn recommender_status() -> Result<Option<ModelStatusView>, AppError> {
    use crate::ssr::*;
    respond(async {
        require_admin().await?;
        Ok(services()?.recommender.info().map(ModelStatusView::from))
    })
    .await
}
