//! Personal recommendations and "More like this", from the implicit model of
//! [`cinecloud_recommender`], trained in the background and shared by every server.
//!
//! - **Signals**: a rating of 4★ or more is a positive (stronger for 4½★ and 5★), a movie picked
//!   as liked is a positive, a watched or watchlisted one a weaker positive (unless rated below
//!   4★), "not interested" is a negative ([`signal_values`]).
//! - **Training** ([`Recommender::train_if_due`]): when there is no model yet, after
//!   [`RecommenderSettings::min_new_signals`] new ratings, signals or movies, or when
//!   [`RecommenderSettings::retrain_every`] has passed with anything new. Only the holder of the
//!   database lease trains, so several servers on one database train once; the fit runs on a
//!   blocking thread, never on a request. Movies nobody has signalled yet get factors from the
//!   movies whose genres and people they share.
//! - **Persistence**: the factors are written to media storage (`models/`, private) and then a
//!   row with the next version is committed; servers load the highest version at start-up and
//!   whenever [`Recommender::refresh`] sees a newer one.
//! - **Serving** ([`Recommender::recommend_for`]): the viewer's *current* signals are folded into
//!   the model per request, so a rating counts at once; rated, liked and "not interested" movies
//!   are left out; each pick carries its [`Reason`]. With nothing to go on, popularity within the
//!   genres the viewer likes fills the row.

mod favourites;
mod serving;
mod training;

pub use cinecloud_vocab::Reason;
pub use favourites::*;

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, RwLock},
    time::Duration,
};

use cinecloud_recommender::Serving;
use serde::{Deserialize, Serialize};

use crate::{
    catalog::MovieCard,
    db::recommender as db,
    ratings::{OwnRating, OwnSignal, Signal},
};

/// When to train and how often to look for a new version.
#[derive(Clone, Debug)]
pub struct RecommenderSettings {
    /// Retrain once this many ratings, signals or movies are new since the last training.
    pub min_new_signals: i64,
    /// Retrain at least this often while anything is new.
    pub retrain_every: Duration,
    /// How often each server checks for a newer model and whether training is due.
    pub poll_every: Duration,
    /// How long a trainer may hold the lease before another server may take over.
    pub lease: Duration,
}

impl Default for RecommenderSettings {
    fn default() -> Self {
        RecommenderSettings {
            min_new_signals: 50,
            retrain_every: Duration::from_secs(6 * 60 * 60),
            poll_every: Duration::from_secs(30),
            lease: Duration::from_secs(15 * 60),
        }
    }
}

/// A rating of at least this many half stars (4★) is a positive signal.
pub const POSITIVE_HALF_STARS: i64 = 8;

/// The value of a rating as a training signal: 4★ → 1, 4½★ → 1.5, 5★ → 2; lower ratings are no
/// signal (the viewer watched it, so it is still left out of their recommendations).
pub fn rating_value(half_stars: i64) -> Option<f32> {
    (half_stars >= POSITIVE_HALF_STARS).then(|| 1.0 + (half_stars - POSITIVE_HALF_STARS) as f32 * 0.5)
}

/// Strength of a "liked" pick and of a "not interested" (as a negative).
const LIKED_VALUE: f32 = 1.0;
const NOT_INTERESTED_VALUE: f32 = -2.0;
/// Strength of a movie put on the watchlist: wanted, not yet seen.
const WATCHLISTED_VALUE: f32 = 0.5;
/// Strength of a movie played to the end, when not rated low.
const WATCHED_VALUE: f32 = 0.75;

/// One viewer's signal per movie from their ratings and other signals: the strongest positive,
/// unless they said "not interested", which wins.
pub fn signal_values(ratings: &[OwnRating], signals: &[OwnSignal]) -> HashMap<i64, f32> {
    let mut values: HashMap<i64, f32> = HashMap::new();
    for r in ratings {
        if let Some(v) = rating_value(r.half_stars) {
            values.insert(r.movie_id, v);
        }
    }
    // A low rating outweighs having watched or watchlisted the movie.
    let rated_low: HashSet<i64> =
        ratings.iter().filter(|r| rating_value(r.half_stars).is_none()).map(|r| r.movie_id).collect();
    for s in signals {
        let movie = s.movie_id;
        let strength = match s.signal {
            Signal::Liked => LIKED_VALUE,
            Signal::Watchlisted if !rated_low.contains(&movie) => WATCHLISTED_VALUE,
            Signal::Watched if !rated_low.contains(&movie) => WATCHED_VALUE,
            _ => continue,
        };
        let v = values.entry(movie).or_insert(strength);
        *v = v.max(strength);
    }
    for s in signals {
        if s.signal == Signal::NotInterested {
            values.insert(s.movie_id, NOT_INTERESTED_VALUE);
        }
    }
    values
}

/// Held-out ranking quality of the production configuration on the data a model was trained on:
/// 20 % of each viewer's positives hidden, the rest fitted, the hidden ones looked for in the top
/// 10/20 — and the same for plain popularity, the bar to clear.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Metrics {
    /// Precision at 10.
    pub p_at_10: f64,
    /// nDCG at 10.
    pub ndcg_at_10: f64,
    /// Recall at 20.
    pub recall_at_20: f64,
    /// Precision at 10 of ranking by popularity.
    pub popularity_p_at_10: f64,
    /// Viewers measured.
    pub viewers: usize,
}

/// What is known about the model being served.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelInfo {
    /// Its version.
    pub version: i64,
    /// When training finished (Unix seconds).
    pub trained_at: i64,
    /// Seconds the final fit took.
    pub fit_seconds: f64,
    /// Viewers with at least one signal.
    pub viewers: i64,
    /// Movies with factors.
    pub movies: i64,
    /// Signals learned from.
    pub signals: i64,
    /// Held-out metrics, when there was enough data to hold some out.
    pub metrics: Option<Metrics>,
}

impl ModelInfo {
    fn from_row(row: &db::ModelRow) -> Self {
        ModelInfo {
            version: row.version,
            trained_at: row.trained_at,
            fit_seconds: row.fit_seconds,
            viewers: row.viewers,
            movies: row.movies,
            signals: row.signals,
            metrics: serde_json::from_str(&row.metrics).ok(),
        }
    }
}

/// A recommended movie and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Recommendation {
    /// The movie.
    pub card: MovieCard,
    /// Why it is here.
    pub reason: Reason,
}

struct Loaded {
    info: ModelInfo,
    serving: Serving,
}

/// The model every request is served from, and the means to train and reload it. Cheap to clone;
/// all clones share one model.
#[derive(Clone)]
pub struct Recommender {
    inner: Arc<Inner>,
}

struct Inner {
    settings: RecommenderSettings,
    holder: String,
    current: RwLock<Option<Arc<Loaded>>>,
}

impl std::fmt::Debug for Recommender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recommender").field("holder", &self.inner.holder).field("model", &self.info()).finish()
    }
}

impl Default for Recommender {
    fn default() -> Self {
        Recommender::new(RecommenderSettings::default())
    }
}

impl Recommender {
    /// A recommender with no model loaded yet; this process's lease holder id is random.
    pub fn new(settings: RecommenderSettings) -> Self {
        let holder = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
        Recommender { inner: Arc::new(Inner { settings, holder, current: RwLock::new(None) }) }
    }

    /// Its settings.
    pub fn settings(&self) -> &RecommenderSettings {
        &self.inner.settings
    }

    fn current(&self) -> Option<Arc<Loaded>> {
        self.inner.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn install(&self, loaded: Loaded) {
        let mut current = self.inner.current.write().unwrap_or_else(|e| e.into_inner());
        if current.as_ref().is_none_or(|c| c.info.version < loaded.info.version) {
            *current = Some(Arc::new(loaded));
        }
    }

    /// The model being served, if one is loaded.
    pub fn info(&self) -> Option<ModelInfo> {
        self.current().map(|c| c.info.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_of_four_stars_and_up_are_positives_and_not_interested_wins() {
        assert_eq!(rating_value(7), None);
        assert_eq!(rating_value(8), Some(1.0));
        assert_eq!(rating_value(10), Some(2.0));
        let rated = |movie_id, half_stars| OwnRating { movie_id, half_stars };
        let said = |movie_id, signal| OwnSignal { movie_id, signal };
        let values = signal_values(
            &[rated(1, 10), rated(2, 6), rated(3, 9), rated(4, 10), rated(8, 3)],
            &[
                said(2, Signal::Liked),
                said(3, Signal::Liked),
                said(4, Signal::NotInterested),
                said(5, Signal::NotInterested),
                said(6, Signal::Watchlisted),
                said(3, Signal::Watchlisted),
                said(7, Signal::Watched),
                said(2, Signal::Watched),
                said(8, Signal::Watched),
            ],
        );
        assert_eq!(values.get(&1), Some(&2.0));
        assert_eq!(values.get(&2), Some(&1.0), "a liked pick rated low still counts as liked");
        assert_eq!(values.get(&3), Some(&1.5), "the stronger of rating and pick");
        assert_eq!(values.get(&4), Some(&-2.0));
        assert_eq!(values.get(&5), Some(&-2.0));
        assert_eq!(values.get(&6), Some(&0.5), "watchlisted: a weaker positive");
        assert_eq!(values.get(&7), Some(&0.75), "watched to the end");
        assert_eq!(values.get(&8), None, "watched but rated 1½★: no positive");
        assert_eq!(values.len(), 7);
    }
}
