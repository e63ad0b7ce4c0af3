//! The dashboard's reads (#20). Every query takes its period as day numbers (`first`, `last`,
//! UTC) or the unix seconds they start and end at (`from`, `until`, exclusive), so the same SQL
//! text serves both backends and answers for any "today". Sums are cast to `BIGINT`: PostgreSQL's
//! `SUM` of a `BIGINT` is a `NUMERIC`.

use crate::{
    db::{Db, on_db},
    insights::{DAY_SECS, Figures, TOP_MOVIES, TOP_RATED_MIN_RATINGS},
};

/// A period as the queries bind it.
#[derive(Clone, Copy, Debug)]
pub struct Span {
    /// Its first day.
    pub first: i64,
    /// Its last day (today).
    pub last: i64,
}

impl Span {
    fn from(self) -> i64 {
        self.first * DAY_SECS
    }
    fn until(self) -> i64 {
        (self.last + 1) * DAY_SECS
    }
}

/// `(key, value)` rows: a day or a bucket, and its count or sum.
pub type Rows = Vec<(i64, i64)>;

/// The figures at the top: accounts, activity, the period's sign-ups, ratings and time watched,
/// and the catalog's size.
pub async fn figures(db: &Db, span: Span) -> sqlx::Result<Figures> {
    let sql = "SELECT \
        (SELECT COUNT(*) FROM users WHERE role = 'viewer'), \
        (SELECT COUNT(DISTINCT user_id) FROM active_days WHERE day > $1 - 7 AND day <= $1), \
        (SELECT COUNT(DISTINCT user_id) FROM active_days WHERE day > $1 - 30 AND day <= $1), \
        (SELECT COUNT(*) FROM users WHERE created_at >= $2 AND created_at < $3), \
        (SELECT COUNT(*) FROM ratings WHERE created_at >= $2 AND created_at < $3), \
        (SELECT CAST(COALESCE(SUM(watched_ms), 0) AS BIGINT) FROM viewing_days WHERE day >= $4 AND day <= $1), \
        (SELECT COUNT(*) FROM movies WHERE deleted_at IS NULL), \
        (SELECT COUNT(*) FROM movies WHERE deleted_at IS NULL AND cover_key IS NOT NULL), \
        (SELECT COUNT(*) FROM movie_videos v JOIN movies m ON m.id = v.movie_id WHERE m.deleted_at IS NULL)";
    type Row = (i64, i64, i64, i64, i64, i64, i64, i64, i64);
    let row: Row = on_db!(db, |pool| sqlx::query_as(sql)
        .bind(span.last)
        .bind(span.from())
        .bind(span.until())
        .bind(span.first)
        .fetch_one(pool)
        .await)?;
    Ok(Figures {
        viewers: row.0,
        active_7_days: row.1,
        active_30_days: row.2,
        sign_ups: row.3,
        ratings: row.4,
        watched_ms: row.5,
        movies: row.6,
        movies_with_cover: row.7,
        movies_with_video: row.8,
    })
}

/// Runs `sql` with `binds` as `$1`, `$2`, … and collects its rows.
async fn rows<T>(db: &Db, sql: &str, binds: &[i64]) -> sqlx::Result<Vec<T>>
where
    T: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    on_db!(db, |pool| {
        let mut query = sqlx::query_as(sql);
        for value in binds {
            query = query.bind(*value);
        }
        query.fetch_all(pool).await
    })
}

/// Sign-ups per week counted back from the last day: `(0, n)` is the week that ends on it.
pub async fn sign_ups_by_week(db: &Db, span: Span) -> sqlx::Result<Rows> {
    let sql = "SELECT ($3 - created_at / 86400) / 7 AS week, COUNT(*) FROM users \
               WHERE created_at >= $1 AND created_at < $2 GROUP BY week";
    rows(db, sql, &[span.from(), span.until(), span.last]).await
}

/// Accounts active each day.
pub async fn active_by_day(db: &Db, span: Span) -> sqlx::Result<Rows> {
    let sql = "SELECT day, COUNT(*) FROM active_days WHERE day >= $1 AND day <= $2 GROUP BY day";
    rows(db, sql, &[span.first, span.last]).await
}

/// Ratings first given each day.
pub async fn ratings_by_day(db: &Db, span: Span) -> sqlx::Result<Rows> {
    let sql = "SELECT created_at / 86400 AS day, COUNT(*) FROM ratings \
               WHERE created_at >= $1 AND created_at < $2 GROUP BY day";
    rows(db, sql, &[span.from(), span.until()]).await
}

/// Milliseconds watched each day.
pub async fn watched_by_day(db: &Db, span: Span) -> sqlx::Result<Rows> {
    let sql = "SELECT day, CAST(SUM(watched_ms) AS BIGINT) FROM viewing_days \
               WHERE day >= $1 AND day <= $2 GROUP BY day";
    rows(db, sql, &[span.first, span.last]).await
}

/// Ratings given in the period at each number of half stars.
pub async fn rating_distribution(db: &Db, span: Span) -> sqlx::Result<Rows> {
    let sql = "SELECT CAST(half_stars AS BIGINT), COUNT(*) FROM ratings \
               WHERE created_at >= $1 AND created_at < $2 GROUP BY half_stars";
    rows(db, sql, &[span.from(), span.until()]).await
}

/// `(genre id, ratings given)` for each genre whose movies were rated in the period.
///
/// `CROSS JOIN` keeps SQLite's join order (ratings of the period first, then their genres):
/// left to choose, the bundled SQLite started from the genres and read every rating of every
/// movie, 2.2 s instead of 0.1 s at 1,000,000 ratings (`scripts/bench-dashboard`). PostgreSQL
/// plans it as an inner join either way.
pub async fn ratings_by_genre(db: &Db, span: Span) -> sqlx::Result<Rows> {
    let sql = "SELECT mg.genre_id, COUNT(*) FROM ratings x CROSS JOIN movie_genres mg \
               WHERE mg.movie_id = x.movie_id AND x.created_at >= $1 AND x.created_at < $2 GROUP BY mg.genre_id";
    rows(db, sql, &[span.from(), span.until()]).await
}

/// `(genre id, milliseconds watched)` for each genre whose movies were watched in the period.
pub async fn watched_by_genre(db: &Db, span: Span) -> sqlx::Result<Rows> {
    let sql = "SELECT mg.genre_id, CAST(SUM(v.watched_ms) AS BIGINT) FROM viewing_days v CROSS JOIN movie_genres mg \
               WHERE mg.movie_id = v.movie_id AND v.day >= $1 AND v.day <= $2 GROUP BY mg.genre_id";
    rows(db, sql, &[span.first, span.last]).await
}

/// Every genre's `(id, name)`.
pub async fn genre_names(db: &Db) -> sqlx::Result<Vec<(i64, String)>> {
    rows(db, "SELECT id, name FROM genres", &[]).await
}

/// A top list's rows: `(movie id, title, value, count)`.
pub type TopRows = Vec<(i64, String, f64, i64)>;

/// Movies taken down are left out of top lists (their pages are gone).
const VISIBLE: &str = "movie_id NOT IN (SELECT id FROM movies WHERE deleted_at IS NOT NULL)";

/// Runs a top list: `ranked` selects `(movie_id, value, n)` in order from the rows of the period
/// `$1`–`$2`, at most `$3`; the titles are joined to those few.
async fn top(db: &Db, ranked: &str, from: i64, until: i64, extra: Option<i64>) -> sqlx::Result<TopRows> {
    let sql = format!(
        "SELECT t.movie_id, m.title, t.value, t.n FROM ({ranked}) t JOIN movies m ON m.id = t.movie_id \
         ORDER BY t.value DESC, t.n DESC, t.movie_id"
    );
    let mut binds = vec![from, until, TOP_MOVIES];
    binds.extend(extra);
    rows(db, &sql, &binds).await
}

/// By time watched in the period (`value` in milliseconds; `count`: viewers).
pub async fn most_watched(db: &Db, span: Span) -> sqlx::Result<TopRows> {
    let ranked = format!(
        "SELECT movie_id, CAST(SUM(watched_ms) AS DOUBLE PRECISION) AS value, COUNT(DISTINCT user_id) AS n \
         FROM viewing_days WHERE day >= $1 AND day <= $2 AND {VISIBLE} \
         GROUP BY movie_id ORDER BY value DESC, n DESC, movie_id LIMIT $3"
    );
    top(db, &ranked, span.first, span.last, None).await
}

/// By ratings given in the period (`value` and `count`: that number).
///
/// `+movie_id` (the same number) keeps SQLite from reading the ratings in movie order through
/// `ratings_by_movie` to save a sort: that reads every rating ever given, 1.5 s instead of 0.2 s
/// for a year of 1,000,000 (`scripts/bench-dashboard`); the period's own index is the way in.
pub async fn most_rated(db: &Db, span: Span) -> sqlx::Result<TopRows> {
    let ranked = format!(
        "SELECT +movie_id AS movie_id, CAST(COUNT(*) AS DOUBLE PRECISION) AS value, COUNT(*) AS n \
         FROM ratings WHERE created_at >= $1 AND created_at < $2 AND {VISIBLE} \
         GROUP BY +movie_id ORDER BY value DESC, movie_id LIMIT $3"
    );
    top(db, &ranked, span.from(), span.until(), None).await
}

/// By the mean of the period's ratings in half stars, among movies with at least
/// [`TOP_RATED_MIN_RATINGS`] of them (`count`: how many).
pub async fn highest_rated(db: &Db, span: Span) -> sqlx::Result<TopRows> {
    let ranked = format!(
        "SELECT +movie_id AS movie_id, CAST(SUM(half_stars) AS DOUBLE PRECISION) / COUNT(*) AS value, COUNT(*) AS n \
         FROM ratings WHERE created_at >= $1 AND created_at < $2 AND {VISIBLE} \
         GROUP BY +movie_id HAVING COUNT(*) >= $4 ORDER BY value DESC, n DESC, movie_id LIMIT $3"
    );
    top(db, &ranked, span.from(), span.until(), Some(TOP_RATED_MIN_RATINGS)).await
}

/// `(version, trained_at, fit_seconds, metrics JSON)` of the newest `limit` models trained.
pub async fn model_history(db: &Db, limit: i64) -> sqlx::Result<Vec<(i64, i64, f64, String)>> {
    on_db!(db, |pool| sqlx::query_as(
        "SELECT version, trained_at, fit_seconds, metrics FROM recommender_history ORDER BY version DESC LIMIT $1"
    )
    .bind(limit)
    .fetch_all(pool)
    .await)
}

/// Notes that account `$2` was active on day `$1` (once per day).
pub(crate) const MARK_ACTIVE: &str =
    "INSERT INTO active_days (day, user_id) VALUES ($1, $2) ON CONFLICT (day, user_id) DO NOTHING";

/// `(ratings, milliseconds watched, lists, last successful sign-in, last active day)` of one
/// account, over all time; `None` when there is no such account.
pub async fn account_activity(
    db: &Db,
    user_id: i64,
) -> sqlx::Result<Option<(i64, i64, i64, Option<i64>, Option<i64>)>> {
    let sql = "SELECT (SELECT COUNT(*) FROM ratings WHERE user_id = $1), \
        (SELECT CAST(COALESCE(SUM(watched_ms), 0) AS BIGINT) FROM viewing_days WHERE user_id = $1), \
        (SELECT COUNT(*) FROM lists WHERE user_id = $1), \
        (SELECT MAX(at) FROM security_events WHERE user_id = $1 AND kind = 'sign_in' AND outcome = 'success'), \
        (SELECT MAX(day) FROM active_days WHERE user_id = $1) FROM users WHERE id = $1";
    on_db!(db, |pool| sqlx::query_as(sql).bind(user_id).fetch_optional(pool).await)
}
