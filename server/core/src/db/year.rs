//! The reads behind a viewer's "year in film" and the share cards they make of it (#20). Every
//! query names the viewer: nothing here reads another viewer's rows, except the rating
//! distribution of everyone, which is a count per half star. Movies taken down are left out.

use crate::{
    db::{BeginWrite as _, Db, on_db},
    insights::DAY_SECS,
};

/// A year as the queries bind it: its first and last day numbers.
#[derive(Clone, Copy, Debug)]
pub struct Days {
    /// January 1st.
    pub first: i64,
    /// December 31st.
    pub last: i64,
}

const VISIBLE: &str = "movie_id NOT IN (SELECT id FROM movies WHERE deleted_at IS NOT NULL)";

/// `(movie, day, milliseconds)`: what the viewer watched on each day of the year.
pub async fn viewing(db: &Db, user_id: i64, days: Days) -> sqlx::Result<Vec<(i64, i64, i64)>> {
    let sql = format!(
        "SELECT movie_id, day, watched_ms FROM viewing_days WHERE user_id = $1 AND day >= $2 AND day <= $3 \
         AND {VISIBLE} ORDER BY day, movie_id"
    );
    on_db!(db, |pool| sqlx::query_as(&sql).bind(user_id).bind(days.first).bind(days.last).fetch_all(pool).await)
}

/// `(movie, unix seconds)`: each time the viewer watched a movie to its end in the year.
pub async fn finishes(db: &Db, user_id: i64, days: Days) -> sqlx::Result<Vec<(i64, i64)>> {
    let sql = format!("SELECT movie_id, at FROM finishes WHERE user_id = $1 AND at >= $2 AND at < $3 AND {VISIBLE}");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(user_id)
        .bind(days.first * DAY_SECS)
        .bind((days.last + 1) * DAY_SECS)
        .fetch_all(pool)
        .await)
}

/// What a year's favourites rank.
#[derive(Clone, Copy, Debug)]
pub enum Ranked {
    /// Genres (their id is reported as 0).
    Genres,
    /// People credited as director.
    Directors,
    /// People credited in the cast.
    Actors,
}

/// `(id, name, different movies, milliseconds)`: the `limit` genres or people the viewer
/// watched most in the year, by different movies, then time, then name.
pub async fn top(
    db: &Db,
    user_id: i64,
    days: Days,
    ranked: Ranked,
    limit: i64,
) -> sqlx::Result<Vec<(i64, String, i64, i64)>> {
    let people = |role| {
        format!("JOIN credits c ON c.movie_id = v.movie_id AND c.role = '{role}' JOIN people p ON p.id = c.person_id")
    };
    let (key, joins) = match ranked {
        Ranked::Genres => (
            "CAST(0 AS BIGINT), g.name",
            "JOIN movie_genres mg ON mg.movie_id = v.movie_id JOIN genres g ON g.id = mg.genre_id".to_owned(),
        ),
        Ranked::Directors => ("p.id, p.name", people("director")),
        Ranked::Actors => ("p.id, p.name", people("cast")),
    };
    let group = if matches!(ranked, Ranked::Genres) { "g.id, g.name" } else { "p.id, p.name" };
    let sql = format!(
        "SELECT {key}, COUNT(DISTINCT v.movie_id), CAST(SUM(v.watched_ms) AS BIGINT) FROM viewing_days v {joins} \
         WHERE v.user_id = $1 AND v.day >= $2 AND v.day <= $3 AND v.{VISIBLE} \
         GROUP BY {group} ORDER BY 3 DESC, 4 DESC, 2 LIMIT $4"
    );
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(user_id)
        .bind(days.first)
        .bind(days.last)
        .bind(limit)
        .fetch_all(pool)
        .await)
}

/// `(half stars, ratings)` given in the year: the viewer's when `user_id` is given, else
/// everyone's.
pub async fn rating_counts(db: &Db, user_id: Option<i64>, days: Days) -> sqlx::Result<Vec<(i64, i64)>> {
    let sql = "SELECT CAST(half_stars AS BIGINT), COUNT(*) FROM ratings \
               WHERE created_at >= $1 AND created_at < $2 AND ($3 IS NULL OR user_id = $3) GROUP BY half_stars";
    on_db!(db, |pool| sqlx::query_as(sql)
        .bind(days.first * DAY_SECS)
        .bind((days.last + 1) * DAY_SECS)
        .bind(user_id)
        .fetch_all(pool)
        .await)
}

/// The day the viewer first watched or rated anything, if ever.
pub async fn first_day(db: &Db, user_id: i64) -> sqlx::Result<Option<i64>> {
    let sql = "SELECT MIN(d) FROM (SELECT MIN(day) AS d FROM viewing_days WHERE user_id = $1 \
               UNION ALL SELECT MIN(created_at) / 86400 FROM ratings WHERE user_id = $1) firsts";
    on_db!(db, |pool| sqlx::query_scalar::<_, Option<i64>>(sql).bind(user_id).fetch_one(pool).await)
}

/// `(id, title)` of these movies.
pub async fn titles(db: &Db, movie_ids: &[i64]) -> sqlx::Result<Vec<(i64, String)>> {
    if movie_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT id, title FROM movies WHERE id IN ({})", crate::db::id_list(movie_ids));
    on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
}

/// A stored share card: `(token, year, created_at, summary JSON)`.
pub type CardRow = (String, i32, i64, String);

/// Stores the viewer's card of `year`, replacing the one they had (whose link thereby stops
/// working).
pub async fn put_card(db: &Db, user_id: i64, year: i32, token: &str, now: i64, summary: &str) -> sqlx::Result<()> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        sqlx::query("DELETE FROM share_cards WHERE user_id = $1 AND year = $2")
            .bind(user_id)
            .bind(year)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO share_cards (token, user_id, year, created_at, summary) VALUES ($1, $2, $3, $4, $5)")
            .bind(token)
            .bind(user_id)
            .bind(year)
            .bind(now)
            .bind(summary)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })
}

/// The viewer's cards, newest year first.
pub async fn cards_of(db: &Db, user_id: i64) -> sqlx::Result<Vec<CardRow>> {
    on_db!(db, |pool| sqlx::query_as(
        "SELECT token, year, created_at, summary FROM share_cards WHERE user_id = $1 ORDER BY year DESC"
    )
    .bind(user_id)
    .fetch_all(pool)
    .await)
}

/// The card with this token, if it exists.
pub async fn card(db: &Db, token: &str) -> sqlx::Result<Option<CardRow>> {
    on_db!(db, |pool| sqlx::query_as("SELECT token, year, created_at, summary FROM share_cards WHERE token = $1")
        .bind(token)
        .fetch_optional(pool)
        .await)
}

/// Deletes the viewer's card of `year`; whether there was one.
pub async fn delete_card(db: &Db, user_id: i64, year: i32) -> sqlx::Result<bool> {
    on_db!(db, |pool| sqlx::query("DELETE FROM share_cards WHERE user_id = $1 AND year = $2")
        .bind(user_id)
        .bind(year)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() > 0))
}
