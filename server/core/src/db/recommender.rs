//! What the recommender keeps in the database: trained model versions (the factors themselves
//! live in media storage), the training lease, and the reads that feed training and serving.

use sqlx::FromRow;

use super::movies::{CARD_COLUMNS, CardRow};
use crate::{
    catalog::MovieCard,
    db::{BeginWrite as _, Db, on_db},
    ratings::{OwnRating, OwnSignal, Signal, ViewerSignals},
};

/// One trained model's row.
#[derive(Clone, Debug, FromRow, PartialEq)]
pub struct ModelRow {
    /// Increases by one per training.
    pub version: i64,
    /// Where its factors are in media storage.
    pub object_key: String,
    /// When training finished (Unix seconds).
    pub trained_at: i64,
    /// The second its data was read: signals stamped after it are new to it. (One written later
    /// in that same second is only counted with the next change; serving folds every viewer's
    /// current signals in anyway.)
    pub data_as_of: i64,
    /// Seconds the final fit took.
    pub fit_seconds: f64,
    /// Viewers with at least one signal.
    pub viewers: i64,
    /// Movies with factors (signalled ones and those placed by metadata).
    pub movies: i64,
    /// Signals it learned from.
    pub signals: i64,
    /// Held-out metrics, as JSON.
    pub metrics: String,
}

const MODEL_COLUMNS: &str =
    "version, object_key, trained_at, data_as_of, fit_seconds, viewers, movies, signals, metrics";

/// The newest model, if any was trained.
pub async fn latest_model(db: &Db) -> sqlx::Result<Option<ModelRow>> {
    let sql = format!("SELECT {MODEL_COLUMNS} FROM recommender_models ORDER BY version DESC LIMIT 1");
    on_db!(db, |pool| sqlx::query_as(&sql).fetch_optional(pool).await)
}

/// Records a trained model as the next version (after every version ever trained, pruned or not) in
/// the served models and in their history, and returns that version. `row.version` is ignored.
pub async fn insert_model(db: &Db, row: &ModelRow) -> sqlx::Result<i64> {
    let sql = format!(
        "INSERT INTO recommender_models ({MODEL_COLUMNS}) \
         SELECT COALESCE(MAX(version), 0) + 1, $1, $2, $3, $4, $5, $6, $7, $8 FROM recommender_history \
         RETURNING version"
    );
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let version: i64 = sqlx::query_scalar(&sql)
            .bind(&row.object_key)
            .bind(row.trained_at)
            .bind(row.data_as_of)
            .bind(row.fit_seconds)
            .bind(row.viewers)
            .bind(row.movies)
            .bind(row.signals)
            .bind(&row.metrics)
            .fetch_one(&mut *tx)
            .await?;
        // The history outlives the row (pruned with its factors): the dashboard charts it.
        sqlx::query(
            "INSERT INTO recommender_history (version, trained_at, fit_seconds, viewers, movies, signals, metrics) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(version)
        .bind(row.trained_at)
        .bind(row.fit_seconds)
        .bind(row.viewers)
        .bind(row.movies)
        .bind(row.signals)
        .bind(&row.metrics)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(version)
    })
}

/// Deletes every model row but the newest `keep` and returns the object keys they referenced, for
/// deleting from storage after this commits.
pub async fn prune_models(db: &Db, keep: i64) -> sqlx::Result<Vec<String>> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let keys: Vec<String> = sqlx::query_scalar(
            "DELETE FROM recommender_models WHERE version <= \
             (SELECT COALESCE(MAX(version), 0) FROM recommender_models) - $1 RETURNING object_key",
        )
        .bind(keep)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(keys)
    })
}

/// Takes (or renews) the training lease for `holder` until `expires_at`, if nobody else holds an
/// unexpired one. One conditional UPDATE, so two servers can never both succeed.
pub async fn try_lease(db: &Db, holder: &str, now: i64, expires_at: i64) -> sqlx::Result<bool> {
    try_named_lease(db, "trainer", holder, now, expires_at).await
}

/// Gives the training lease back, if `holder` still has it.
pub async fn release_lease(db: &Db, holder: &str) -> sqlx::Result<()> {
    release_named_lease(db, "trainer", holder).await
}

/// Takes (or renews) the lease `name` (the table holds one row per name; a new name gets its row
/// here) for `holder` until `expires_at`, if nobody else holds an unexpired one: of several
/// servers, one does the job.
pub async fn try_named_lease(db: &Db, name: &str, holder: &str, now: i64, expires_at: i64) -> sqlx::Result<bool> {
    on_db!(db, |pool| {
        sqlx::query(
            "INSERT INTO recommender_lease (name, holder, expires_at) VALUES ($1, NULL, 0) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .execute(pool)
        .await?;
        let done = sqlx::query(
            "UPDATE recommender_lease SET holder = $2, expires_at = $3 \
             WHERE name = $1 AND (holder IS NULL OR holder = $2 OR expires_at <= $4)",
        )
        .bind(name)
        .bind(holder)
        .bind(expires_at)
        .bind(now)
        .execute(pool)
        .await?;
        Ok(done.rows_affected() == 1)
    })
}

/// Gives the lease `name` back, if `holder` still has it.
pub async fn release_named_lease(db: &Db, name: &str, holder: &str) -> sqlx::Result<()> {
    on_db!(db, |pool| {
        sqlx::query("UPDATE recommender_lease SET holder = NULL, expires_at = 0 WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(pool)
            .await
            .map(drop)
    })
}

/// What changed after the second `since` (ratings, signals and new movies), and whether any positive
/// signal exists at all: a rating of at least `positive_half_stars`, or a signal other than
/// `negative`. Without a positive there is nothing to learn.
pub async fn changes_since(
    db: &Db,
    since: i64,
    positive_half_stars: i64,
    negative: Signal,
) -> sqlx::Result<(i64, bool)> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM ratings WHERE updated_at > $1) \
                  + (SELECT COUNT(*) FROM signals WHERE created_at > $1) \
                  + (SELECT COUNT(*) FROM movies WHERE created_at > $1), \
                    EXISTS (SELECT 1 FROM ratings WHERE half_stars >= $2) \
                    OR EXISTS (SELECT 1 FROM signals WHERE kind <> $3)",
        )
        .bind(since)
        .bind(positive_half_stars)
        .bind(negative)
        .fetch_one(pool)
        .await
    })
}

/// Every visible movie's metadata features as `(movie_id, feature)`: genres as `genre_id`, people
/// as `-person_id`, so the two never collide.
pub async fn movie_features(db: &Db) -> sqlx::Result<Vec<(i64, i64)>> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT mg.movie_id, mg.genre_id FROM movie_genres mg JOIN movies m ON m.id = mg.movie_id \
             WHERE m.deleted_at IS NULL \
             UNION ALL \
             SELECT c.movie_id, -c.person_id FROM credits c JOIN movies m ON m.id = c.movie_id \
             WHERE m.deleted_at IS NULL",
        )
        .fetch_all(pool)
        .await
    })
}

/// One viewer's ratings and signals, visible movies only.
pub async fn viewer_signals(db: &Db, user_id: i64) -> sqlx::Result<ViewerSignals> {
    let (ratings, signals): (Vec<OwnRating>, Vec<OwnSignal>) = on_db!(db, |pool| {
        let ratings = sqlx::query_as(
            "SELECT r.movie_id, CAST(r.half_stars AS BIGINT) AS half_stars FROM ratings r \
             JOIN movies m ON m.id = r.movie_id WHERE r.user_id = $1 AND m.deleted_at IS NULL",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await?;
        let signals = sqlx::query_as(
            "SELECT s.movie_id, s.kind FROM signals s JOIN movies m ON m.id = s.movie_id \
             WHERE s.user_id = $1 AND m.deleted_at IS NULL",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await?;
        (ratings, signals)
    });
    Ok(ViewerSignals { ratings, signals })
}

/// Visible movies by id, in the order given (missing and deleted ones left out).
pub async fn cards(db: &Db, ids: &[i64]) -> sqlx::Result<Vec<MovieCard>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = crate::db::id_list(ids);
    let sql = format!("SELECT {CARD_COLUMNS} FROM movies m WHERE m.deleted_at IS NULL AND m.id IN ({list})");
    let rows: Vec<CardRow> = on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
    let mut cards: Vec<MovieCard> = rows.into_iter().map(MovieCard::from).collect();
    cards.sort_by_key(|c| ids.iter().position(|id| *id == c.id));
    Ok(cards)
}

/// The most-rated visible movies (then the best damped average), optionally only those in one of
/// `genre_ids`, each with the name of its genre that comes first in `genre_ids` (else its first
/// genre by name). Skips the movies `user_id` rated or signalled.
pub async fn popular(
    db: &Db,
    genre_ids: &[i64],
    user_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<(MovieCard, Option<String>)>> {
    let in_genres = if genre_ids.is_empty() {
        String::new()
    } else {
        let list = crate::db::id_list(genre_ids);
        format!("AND m.id IN (SELECT movie_id FROM movie_genres WHERE genre_id IN ({list}))")
    };
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM movies m WHERE m.deleted_at IS NULL {in_genres} \
         AND m.id NOT IN (SELECT movie_id FROM ratings WHERE user_id = $1) \
         AND m.id NOT IN (SELECT movie_id FROM signals WHERE user_id = $1) \
         ORDER BY m.rating_count DESC, COALESCE(m.rating_score, 0) DESC, m.id LIMIT $2"
    );
    let rows: Vec<CardRow> = on_db!(db, |pool| sqlx::query_as(&sql).bind(user_id).bind(limit).fetch_all(pool).await)?;
    let cards: Vec<MovieCard> = rows.into_iter().map(MovieCard::from).collect();
    let genres = genres_of(db, &cards.iter().map(|c| c.id).collect::<Vec<_>>()).await?;
    Ok(cards
        .into_iter()
        .map(|card| {
            let mine: Vec<&(i64, i64, String)> = genres.iter().filter(|g| g.0 == card.id).collect();
            let name = genre_ids
                .iter()
                .find_map(|wanted| mine.iter().find(|g| g.1 == *wanted))
                .or(mine.first())
                .map(|g| g.2.clone());
            (card, name)
        })
        .collect())
}

/// `(movie_id, genre_id, genre name)` for the given movies, by name.
pub async fn genres_of(db: &Db, movie_ids: &[i64]) -> sqlx::Result<Vec<(i64, i64, String)>> {
    if movie_ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = crate::db::id_list(movie_ids);
    let sql = format!(
        "SELECT mg.movie_id, g.id, g.name FROM movie_genres mg JOIN genres g ON g.id = mg.genre_id \
         WHERE mg.movie_id IN ({list}) ORDER BY g.name"
    );
    on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
}

/// Whether the viewer was asked for movies they like (and answered or skipped).
pub async fn onboarded(db: &Db, user_id: i64) -> sqlx::Result<bool> {
    on_db!(db, |pool| {
        sqlx::query_scalar::<_, Option<i64>>("SELECT onboarded_at FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await
            .map(|at| matches!(at, Some(Some(_))))
    })
}

/// Records the viewer's picks as `liked` signals (visible movies only; repeats change nothing)
/// and marks them as asked, in one transaction.
pub async fn save_onboarding(db: &Db, user_id: i64, movie_ids: &[i64], liked: Signal, now: i64) -> sqlx::Result<()> {
    let list = crate::db::id_list(movie_ids);
    let insert = format!(
        "INSERT INTO signals (user_id, movie_id, kind, created_at) \
         SELECT $1, id, $2, $3 FROM movies WHERE deleted_at IS NULL AND id IN ({list}) \
         ON CONFLICT (user_id, movie_id, kind) DO NOTHING"
    );
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        if !movie_ids.is_empty() {
            sqlx::query(&insert).bind(user_id).bind(liked).bind(now).execute(&mut *tx).await?;
        }
        sqlx::query("UPDATE users SET onboarded_at = $2 WHERE id = $1 AND onboarded_at IS NULL")
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })
}
