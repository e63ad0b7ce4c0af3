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

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use anyhow::Context;
use bytes::Bytes;
use cinecloud_recommender::{
    FactorModel, IdMap, ImplicitConfig, Interactions, Serving, data::RatingRecord, eval, fit_implicit,
    split::split_per_user, with_metadata_neighbours,
};
use serde::{Deserialize, Serialize};

use crate::{
    Error, FieldError, Result, Services,
    catalog::MovieCard,
    clock::now_unix,
    db::{Db, movies, ratings as rating_db, recommender as db},
    ratings::{OwnRating, OwnSignal, Signal, ViewerSignals},
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

/// Why a movie is recommended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Reason {
    /// It is most like a movie the viewer rated highly.
    BecauseYouRated {
        /// That movie.
        movie_id: i64,
        /// Its title.
        title: String,
        /// The viewer's rating in half stars.
        half_stars: i64,
    },
    /// Viewers who liked this movie (which the viewer liked, or is looking at) liked it too.
    PopularWithViewersWhoLiked {
        /// That movie.
        movie_id: i64,
        /// Its title.
        title: String,
    },
    /// Among the most-rated movies in a genre (cold start).
    PopularIn {
        /// The genre's name.
        genre: String,
    },
    /// In a genre the viewer likes, though nobody has rated it yet (cold start).
    InGenre {
        /// The genre's name.
        genre: String,
    },
    /// It shares genres or people with the movie being looked at (no model knows it yet).
    SharesGenresOrPeople,
    /// Among the most-rated movies overall.
    Popular,
    /// Nobody has rated anything like it yet: one of the catalog's movies to start with.
    StartHere,
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

/// How many model versions stay stored (the newest, and one a slower server may still be loading).
const KEEP_VERSIONS: i64 = 2;

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

    /// Loads the newest stored model if it is newer than the one served. Returns the version now
    /// served.
    pub async fn refresh(&self, services: &Services) -> anyhow::Result<Option<i64>> {
        let served = self.current().map(|c| c.info.version);
        let Some(row) = db::latest_model(&services.db).await? else { return Ok(served) };
        if served.is_some_and(|v| v >= row.version) {
            return Ok(served);
        }
        let bytes = services
            .media
            .get(&row.object_key, None)
            .await
            .with_context(|| format!("reading model version {} ({})", row.version, row.object_key))?
            .into_bytes()
            .await?;
        let serving = crate::blocking::spawn_blocking(move || {
            FactorModel::from_bytes(&bytes).map(|model| Serving::new(model, &ImplicitConfig::default()))
        })
        .await??;
        self.install(Loaded { info: ModelInfo::from_row(&row), serving });
        tracing::info!(version = row.version, "recommender model loaded");
        Ok(Some(row.version))
    }

    async fn due(&self, database: &Db, now: i64) -> anyhow::Result<bool> {
        let latest = db::latest_model(database).await?;
        let since = latest.as_ref().map_or(0, |m| m.data_as_of);
        let (changes, any_positive) =
            db::changes_since(database, since, POSITIVE_HALF_STARS, Signal::NotInterested).await?;
        Ok(any_positive
            && match latest {
                None => true,
                Some(m) => {
                    changes >= self.inner.settings.min_new_signals
                        || (changes > 0 && now - m.trained_at >= self.inner.settings.retrain_every.as_secs() as i64)
                }
            })
    }

    /// Trains and stores a new version if one is due and no other server is training. Returns the
    /// new version, if this call made one.
    pub async fn train_if_due(&self, services: &Services) -> anyhow::Result<Option<i64>> {
        let database = &services.db;
        let now = now_unix();
        if !self.due(database, now).await? {
            return Ok(None);
        }
        let expires = now + self.inner.settings.lease.as_secs() as i64;
        if !db::try_lease(database, &self.inner.holder, now, expires).await? {
            return Ok(None);
        }
        // Another server may have finished a training between the first check and the lease.
        let result = match self.due(database, now_unix()).await {
            Ok(true) => self.train(services).await,
            Ok(false) => Ok(None),
            Err(e) => Err(e),
        };
        if let Err(e) = db::release_lease(database, &self.inner.holder).await {
            tracing::warn!(error = %e, "could not release the recommender lease; it expires on its own");
        }
        result
    }

    /// Trains on everything now, stores the model as the next version and serves it.
    async fn train(&self, services: &Services) -> anyhow::Result<Option<i64>> {
        let data_as_of = data_snapshot_second().await;
        let ratings = rating_db::all_ratings(&services.db).await?;
        let signals = rating_db::all_signals(&services.db).await?;
        let features = db::movie_features(&services.db).await?;
        let Some(trained) = crate::blocking::spawn_blocking(move || fit(&ratings, &signals, &features)).await? else {
            return Ok(None);
        };
        let key = format!("models/recommender-{data_as_of}-{}.ccrm", uuid::Uuid::new_v4().simple());
        let bytes = Bytes::from(trained.model.to_bytes());
        services.media.put(&key, bytes, "application/octet-stream").await.context("storing the model")?;
        let row = db::ModelRow {
            version: 0,
            object_key: key.clone(),
            trained_at: now_unix(),
            data_as_of,
            fit_seconds: trained.fit_seconds,
            viewers: trained.viewers as i64,
            movies: trained.model.items.len() as i64,
            signals: trained.signals as i64,
            metrics: serde_json::to_string(&trained.metrics)?,
        };
        let version = match db::insert_model(&services.db, &row).await {
            Ok(version) => version,
            Err(e) => {
                // Nothing references the object: remove it rather than leave it behind.
                if let Err(e) = services.media.delete(&key).await {
                    tracing::warn!(error = %e, key, "could not delete an unrecorded model object");
                }
                return Err(e.into());
            }
        };
        tracing::info!(
            version,
            fit_seconds = trained.fit_seconds,
            viewers = row.viewers,
            movies = row.movies,
            signals = row.signals,
            "recommender model trained"
        );
        let info = ModelInfo::from_row(&db::ModelRow { version, ..row });
        let serving =
            crate::blocking::spawn_blocking(move || Serving::new(trained.model, &ImplicitConfig::default())).await?;
        self.install(Loaded { info, serving });
        for old in db::prune_models(&services.db, KEEP_VERSIONS).await? {
            if let Err(e) = services.media.delete(&old).await {
                tracing::warn!(error = %e, key = old, "could not delete an old model object");
            }
        }
        Ok(Some(version))
    }

    /// Keeps this server's model current and trains when due, every
    /// [`RecommenderSettings::poll_every`], until the task is dropped. Failures are logged and
    /// retried on the next round.
    pub async fn run(self, services: Services) {
        let mut tick = tokio::time::interval(self.inner.settings.poll_every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = self.refresh(&services).await {
                tracing::warn!(error = format!("{e:#}"), "could not load the newest recommender model");
            }
            if let Err(e) = self.train_if_due(&services).await {
                tracing::warn!(error = format!("{e:#}"), "recommender training failed");
            }
        }
    }

    /// Up to `n` movies for the viewer, each with its reason: the model's picks first, then
    /// popular movies in the genres they like. Never a movie they rated or signalled.
    pub async fn recommend_for(&self, database: &Db, user_id: i64, n: usize) -> Result<Vec<Recommendation>> {
        let ViewerSignals { ratings, signals } = db::viewer_signals(database, user_id).await?;
        let seen: HashSet<i64> = ratings.iter().map(|r| r.movie_id).chain(signals.iter().map(|s| s.movie_id)).collect();
        let values = signal_values(&ratings, &signals);
        let mut out: Vec<Recommendation> = Vec::with_capacity(n);
        if let Some(current) = self.current() {
            let input: Vec<(u64, f32)> = values.iter().map(|(&m, &v)| (m as u64, v)).collect();
            // Ask for more than needed: the model may still hold movies deleted since training.
            let picks = current.serving.recommend(&input, n + n / 2 + 4, |item| seen.contains(&(item as i64)));
            // The picks and the movies that explain them, in one query.
            let ids: Vec<i64> = picks
                .iter()
                .map(|p| p.item as i64)
                .chain(picks.iter().filter_map(|p| p.because).map(|b| b as i64))
                .collect();
            let mut cards: HashMap<i64, MovieCard> =
                db::cards(database, &ids).await?.into_iter().map(|c| (c.id, c)).collect();
            let titles: HashMap<i64, String> = cards.iter().map(|(id, c)| (*id, c.title.clone())).collect();
            for pick in picks {
                let Some(card) = cards.remove(&(pick.item as i64)) else { continue };
                let reason = pick.because.map(|b| b as i64).and_then(|b| {
                    let title = titles.get(&b)?.clone();
                    Some(match ratings.iter().find(|r| r.movie_id == b) {
                        Some(&OwnRating { half_stars, .. }) if rating_value(half_stars).is_some() => {
                            Reason::BecauseYouRated { movie_id: b, title, half_stars }
                        }
                        _ => Reason::PopularWithViewersWhoLiked { movie_id: b, title },
                    })
                });
                // A pick the viewer's own movies do not explain is left to the genre fill below.
                if let Some(reason) = reason {
                    out.push(Recommendation { card, reason });
                }
                if out.len() == n {
                    return Ok(out);
                }
            }
        }
        let liked: Vec<i64> = values.iter().filter(|(_, v)| **v > 0.0).map(|(m, _)| *m).collect();
        let mut genre_counts: HashMap<i64, usize> = HashMap::new();
        for (_, genre, _) in db::genres_of(database, &liked).await? {
            *genre_counts.entry(genre).or_default() += 1;
        }
        let mut preferred: Vec<(i64, usize)> = genre_counts.into_iter().collect();
        preferred.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let preferred: Vec<i64> = preferred.into_iter().map(|g| g.0).collect();
        let chosen: HashSet<i64> = out.iter().map(|r| r.card.id).collect();
        for (card, genre) in db::popular(database, &preferred, user_id, (n * 2) as i64).await? {
            if out.len() == n {
                break;
            }
            if chosen.contains(&card.id) {
                continue;
            }
            let reason = match genre {
                Some(genre) if card.rating_count > 0 => Reason::PopularIn { genre },
                Some(genre) if !preferred.is_empty() => Reason::InGenre { genre },
                _ if card.rating_count > 0 => Reason::Popular,
                _ => Reason::StartHere,
            };
            out.push(Recommendation { card, reason });
        }
        Ok(out)
    }

    /// Up to `n` movies like `movie_id`: by the model's item factors when it knows the movie,
    /// else by shared genres and people.
    pub async fn more_like(&self, database: &Db, movie_id: i64, n: usize) -> Result<Vec<Recommendation>> {
        if let Some(current) = self.current()
            && current.serving.knows(movie_id as u64)
        {
            let ids: Vec<i64> = current
                .serving
                .similar(movie_id as u64, n + n / 2 + 4, |_| false)
                .into_iter()
                .map(|(i, _)| i as i64)
                .collect();
            // The similar movies and the one they are like, in one query (in this order).
            let mut cards = db::cards(database, &[&[movie_id][..], &ids].concat()).await?;
            if cards.first().is_none_or(|c| c.id != movie_id) {
                return Err(Error::NotFound);
            }
            let source = cards.remove(0);
            cards.truncate(n);
            if !cards.is_empty() {
                return Ok(cards
                    .into_iter()
                    .map(|card| Recommendation {
                        card,
                        reason: Reason::PopularWithViewersWhoLiked { movie_id, title: source.title.clone() },
                    })
                    .collect());
            }
        }
        Ok(movies::related(database, movie_id, n as i64)
            .await?
            .into_iter()
            .map(|card| Recommendation { card, reason: Reason::SharesGenresOrPeople })
            .collect())
    }
}

/// At most this many movies are taken from a first-visit pick.
pub const MAX_FAVOURITES: usize = 20;

/// Whether to ask the viewer for a few movies they like: they were never asked and have given no
/// signal yet.
pub async fn should_ask_for_favourites(database: &Db, user_id: i64) -> Result<bool> {
    if db::onboarded(database, user_id).await? {
        return Ok(false);
    }
    Ok(db::viewer_signals(database, user_id).await?.is_empty())
}

/// Movies to offer on a first visit: the most-rated ones, taking turns between genres so every
/// taste finds something.
pub async fn favourite_choices(database: &Db, user_id: i64, n: usize) -> Result<Vec<MovieCard>> {
    let popular = db::popular(database, &[], user_id, (n * 8) as i64).await?;
    let mut by_genre: Vec<(String, std::collections::VecDeque<MovieCard>)> = Vec::new();
    for (card, genre) in popular {
        let genre = genre.unwrap_or_default();
        match by_genre.iter_mut().find(|(g, _)| *g == genre) {
            Some((_, cards)) => cards.push_back(card),
            None => by_genre.push((genre, [card].into())),
        }
    }
    let mut out = Vec::with_capacity(n);
    while out.len() < n && by_genre.iter().any(|(_, cards)| !cards.is_empty()) {
        for (_, cards) in &mut by_genre {
            if out.len() < n
                && let Some(card) = cards.pop_front()
            {
                out.push(card);
            }
        }
    }
    Ok(out)
}

/// Saves a first-visit pick (an empty one means "skip") and never asks again. Unknown or
/// deleted movies are ignored.
pub async fn save_favourites(database: &Db, user_id: i64, movie_ids: &[i64]) -> Result<()> {
    if movie_ids.len() > MAX_FAVOURITES {
        return Err(FieldError::new("favourites", format!("Pick at most {MAX_FAVOURITES} movies.")).into());
    }
    Ok(db::save_onboarding(database, user_id, movie_ids, Signal::Liked, now_unix()).await?)
}

/// A fitted model and what it was fitted on.
struct Trained {
    model: FactorModel,
    fit_seconds: f64,
    viewers: usize,
    signals: usize,
    metrics: Option<Metrics>,
}

/// Viewers with a test item needed before held-out metrics mean anything.
const MIN_VIEWERS_FOR_METRICS: usize = 5;

/// Fits the implicit model on every viewer's signals and places unsignalled movies by metadata.
/// `None` when there is no positive signal.
fn fit(ratings: &[(i64, i64, i64)], signals: &[(i64, i64, String)], features: &[(i64, i64)]) -> Option<Trained> {
    let mut per_viewer: HashMap<i64, ViewerSignals> = HashMap::new();
    for &(user, movie_id, half_stars) in ratings {
        per_viewer.entry(user).or_default().ratings.push(OwnRating { movie_id, half_stars });
    }
    for (user, movie_id, kind) in signals {
        // Only the application writes signals, always of a known kind.
        if let Ok(signal) = kind.parse() {
            per_viewer.entry(*user).or_default().signals.push(OwnSignal { movie_id: *movie_id, signal });
        }
    }
    let mut observations: Vec<(u64, u64, f32)> = Vec::new();
    for (user, viewer) in &per_viewer {
        let values = signal_values(&viewer.ratings, &viewer.signals);
        observations.extend(values.into_iter().map(|(movie, v)| (*user as u64, movie as u64, v)));
    }
    observations.sort_by_key(|o| (o.0, o.1));
    if !observations.iter().any(|o| o.2 > 0.0) {
        return None;
    }
    let config = ImplicitConfig::default();
    let metrics = held_out_metrics(&observations, &config);
    let started = Instant::now();
    let data = Interactions::build(IdMap::default(), IdMap::default(), observations.iter().copied());
    let model = fit_implicit(&data, &config);
    let fit_seconds = started.elapsed().as_secs_f64();
    let mut by_movie: HashMap<u64, Vec<u64>> = HashMap::new();
    for &(movie, feature) in features {
        by_movie.entry(movie as u64).or_default().push(feature as u64);
    }
    let mut popularity: HashMap<u64, f32> = HashMap::new();
    for o in observations.iter().filter(|o| o.2 > 0.0) {
        *popularity.entry(o.1).or_default() += 1.0;
    }
    let model = with_metadata_neighbours(model, &by_movie, &popularity).items_only();
    Some(Trained { model, fit_seconds, viewers: data.users.len(), signals: observations.len(), metrics })
}

fn held_out_metrics(observations: &[(u64, u64, f32)], config: &ImplicitConfig) -> Option<Metrics> {
    let positives: Vec<RatingRecord> = observations
        .iter()
        .filter(|o| o.2 > 0.0)
        .map(|&(user, item, _)| RatingRecord { user, item, rating: 1.0, timestamp: None })
        .collect();
    let (train, test) = split_per_user(&positives, 0.2, 7);
    let viewers = test.iter().map(|r| r.user).collect::<HashSet<_>>().len();
    if viewers < MIN_VIEWERS_FOR_METRICS {
        return None;
    }
    let model = eval::evaluate_implicit(&train, &test, config);
    let popularity = eval::evaluate_popularity(&train, &test);
    Some(Metrics {
        p_at_10: model.p_at_10,
        ndcg_at_10: model.ndcg_at_10,
        recall_at_20: model.recall_at_20,
        popularity_p_at_10: popularity.p_at_10,
        viewers,
    })
}

/// The second a training's data is "as of": every signal stamped at or before it is in the data
/// read next, and [`Recommender::due`] counts those after it as new. Times are whole seconds, so
/// the reads start in a later second than the one returned: a rating given in the same second as
/// the snapshot but after the reads would otherwise be neither trained on nor ever counted as
/// new (the fleet test met it). The cost is under a second per training, in the background.
async fn data_snapshot_second() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let next_second = std::time::Duration::from_secs(now.as_secs() + 1);
    tokio::time::sleep(next_second.saturating_sub(now) + std::time::Duration::from_millis(1)).await;
    now.as_secs() as i64
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
