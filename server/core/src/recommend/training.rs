//! Training in the background: loading the newest model, deciding when one is due, fitting it
//! on a blocking thread and storing it for every server.

use std::{
    collections::{HashMap, HashSet},
    time::Instant,
};

use anyhow::Context;
use bytes::Bytes;
use cinecloud_recommender::{
    FactorModel, IdMap, ImplicitConfig, Interactions, Serving, data::RatingRecord, eval, fit_implicit,
    split::split_per_user, with_metadata_neighbours,
};

use crate::{
    Services,
    clock::now_unix,
    db::{Db, ratings as rating_db, recommender as db},
    ratings::{OwnRating, OwnSignal, Signal, ViewerSignals},
};

use super::*;

/// How many model versions stay stored (the newest, and one a slower server may still be loading).
const KEEP_VERSIONS: i64 = 2;

impl Recommender {
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
