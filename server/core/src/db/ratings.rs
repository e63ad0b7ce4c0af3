//! Ratings and other viewer signals. Every rating change updates its movie's count, sum and
//! sort score in the same transaction, with the movie row locked first so concurrent raters of
//! one movie cannot lose each other's updates.

use crate::{
    db::{BeginWrite as _, Db, insights::MARK_ACTIVE, movie_visible, on_db},
    insights::day_of,
    ratings::{OwnRating, PRIOR_HALF_STARS, PRIOR_RATINGS, RatingSummary, Signal},
};

/// Locks the movie's row (the first write of the transaction, on both backends); it changes one
/// row exactly when a visible movie with that id exists.
const LOCK_MOVIE: &str = "UPDATE movies SET rating_count = rating_count WHERE id = $1 AND deleted_at IS NULL";

/// SQL for the score "Top rated" sorts by, of `count` ratings summing to `sum` half stars: the
/// mean in stars after [`PRIOR_RATINGS`] imaginary ratings of [`PRIOR_HALF_STARS`] each, so a
/// single 5★ does not top the list; NULL for an unrated movie (which sorts last).
pub(crate) fn rating_score(count: &str, sum: &str) -> String {
    let prior_sum = PRIOR_RATINGS * PRIOR_HALF_STARS;
    format!(
        "CASE WHEN {count} = 0 THEN NULL \
         ELSE CAST({sum} + {prior_sum} AS DOUBLE PRECISION) / (2 * ({count} + {PRIOR_RATINGS})) END"
    )
}

/// One statement that recomputes the count, sum and score of each of `movie_ids` from the
/// ratings left (a deleted account's are gone); the update locks those movie rows.
pub(crate) fn refresh_summaries_sql(movie_ids: &[i64]) -> String {
    let count = "(SELECT COUNT(*) FROM ratings r WHERE r.movie_id = movies.id)";
    let sum = "(SELECT COALESCE(SUM(half_stars), 0) FROM ratings r WHERE r.movie_id = movies.id)";
    format!(
        "UPDATE movies SET rating_count = {count}, rating_sum = {sum}, rating_score = {} WHERE id IN ({})",
        rating_score(count, sum),
        super::id_list(movie_ids)
    )
}

/// Sets a viewer's rating of a movie (1–10 half stars, checked by the caller) or, with `None`,
/// removes it, and recomputes the movie's count, sum and score in the same transaction. `None`
/// when the movie does not exist or is deleted.
pub async fn set(
    db: &Db,
    user_id: i64,
    movie_id: i64,
    half_stars: Option<i64>,
    now: i64,
) -> sqlx::Result<Option<RatingSummary>> {
    let refresh = format!(
        "UPDATE movies SET rating_count = s.c, rating_sum = s.total, rating_score = {} \
         FROM (SELECT COUNT(*) AS c, COALESCE(SUM(half_stars), 0) AS total FROM ratings WHERE movie_id = $1) AS s \
         WHERE movies.id = $1 RETURNING rating_count, rating_sum",
        rating_score("s.c", "s.total")
    );
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        if sqlx::query(LOCK_MOVIE).bind(movie_id).execute(&mut *tx).await?.rows_affected() == 0 {
            return Ok(None);
        }
        let change = match half_stars {
            Some(half_stars) => sqlx::query(
                "INSERT INTO ratings (user_id, movie_id, half_stars, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) \
                 ON CONFLICT (user_id, movie_id) DO UPDATE SET half_stars = excluded.half_stars, updated_at = excluded.updated_at",
            )
            .bind(user_id)
            .bind(movie_id)
            .bind(half_stars)
            .bind(now),
            None => sqlx::query("DELETE FROM ratings WHERE user_id = $1 AND movie_id = $2").bind(user_id).bind(movie_id),
        };
        change.execute(&mut *tx).await?;
        sqlx::query(MARK_ACTIVE).bind(day_of(now)).bind(user_id).execute(&mut *tx).await?;
        let (count, sum): (i64, i64) = sqlx::query_as(&refresh).bind(movie_id).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(RatingSummary::from_sum(count, sum)))
    })
}

/// A viewer's ratings of the given movies.
pub async fn own_for(db: &Db, user_id: i64, movie_ids: &[i64]) -> sqlx::Result<Vec<OwnRating>> {
    if movie_ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = crate::db::id_list(movie_ids);
    let sql = format!(
        "SELECT movie_id, CAST(half_stars AS BIGINT) AS half_stars FROM ratings \
         WHERE user_id = $1 AND movie_id IN ({list})"
    );
    on_db!(db, |pool| sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await)
}

/// The stored summary of a movie.
pub async fn summary(db: &Db, movie_id: i64) -> sqlx::Result<Option<RatingSummary>> {
    on_db!(db, |pool| {
        let row: Option<(i64, i64)> = sqlx::query_as("SELECT rating_count, rating_sum FROM movies WHERE id = $1")
            .bind(movie_id)
            .fetch_optional(pool)
            .await?;
        Ok(row.map(|(c, s)| RatingSummary::from_sum(c, s)))
    })
}

/// Records a signal; repeating it changes nothing. `false` when the movie does not exist or is
/// deleted.
pub async fn add_signal(db: &Db, user_id: i64, movie_id: i64, signal: Signal, now: i64) -> sqlx::Result<bool> {
    on_db!(db, |pool| {
        let done = sqlx::query(
            "INSERT INTO signals (user_id, movie_id, kind, created_at) \
             SELECT $1, id, $3, $4 FROM movies WHERE id = $2 AND deleted_at IS NULL \
             ON CONFLICT (user_id, movie_id, kind) DO NOTHING",
        )
        .bind(user_id)
        .bind(movie_id)
        .bind(signal)
        .bind(now)
        .execute(pool)
        .await?;
        if done.rows_affected() == 1 {
            return Ok(true);
        }
        movie_visible!(pool, movie_id)
    })
}

/// Removes a signal.
pub async fn remove_signal(db: &Db, user_id: i64, movie_id: i64, signal: Signal) -> sqlx::Result<()> {
    on_db!(db, |pool| {
        sqlx::query("DELETE FROM signals WHERE user_id = $1 AND movie_id = $2 AND kind = $3")
            .bind(user_id)
            .bind(movie_id)
            .bind(signal)
            .execute(pool)
            .await?;
        Ok(())
    })
}

/// Every rating, as `(user_id, movie_id, half_stars)`, for training.
pub async fn all_ratings(db: &Db) -> sqlx::Result<Vec<(i64, i64, i64)>> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT r.user_id, r.movie_id, CAST(r.half_stars AS BIGINT) FROM ratings r \
             JOIN movies m ON m.id = r.movie_id WHERE m.deleted_at IS NULL",
        )
        .fetch_all(pool)
        .await
    })
}

/// Every signal, as `(user_id, movie_id, kind)`, for training.
pub async fn all_signals(db: &Db) -> sqlx::Result<Vec<(i64, i64, String)>> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT s.user_id, s.movie_id, s.kind FROM signals s \
             JOIN movies m ON m.id = s.movie_id WHERE m.deleted_at IS NULL",
        )
        .fetch_all(pool)
        .await
    })
}
