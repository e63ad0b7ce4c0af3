//! The links `cinecloud import movielens` keeps, and its bulk writes.

use crate::{
    accounts::PasswordHash,
    catalog::MovieInput,
    db::{BeginWrite as _, Db, on_db},
};

/// Which kind of MovieLens id a link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// `movielens_movies`: MovieLens movie → catalog movie.
    Movie,
    /// `movielens_viewers`: MovieLens user → imported viewer.
    Viewer,
}

impl LinkKind {
    fn table_and_column(self) -> (&'static str, &'static str) {
        match self {
            LinkKind::Movie => ("movielens_movies", "movie_id"),
            LinkKind::Viewer => ("movielens_viewers", "user_id"),
        }
    }
}

/// Every `(movielens_id, local_id)` link of one kind.
pub async fn links(db: &Db, kind: LinkKind) -> sqlx::Result<Vec<(i64, i64)>> {
    let (table, column) = kind.table_and_column();
    let sql = format!("SELECT movielens_id, {column} FROM {table}");
    on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
}

/// Records links (existing ones are kept).
pub async fn add_links(db: &Db, kind: LinkKind, links: &[(i64, i64)]) -> sqlx::Result<()> {
    let (table, column) = kind.table_and_column();
    let sql = format!("INSERT INTO {table} (movielens_id, {column}) VALUES ($1, $2) ON CONFLICT DO NOTHING");
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        for &(source, local) in links {
            sqlx::query(&sql).bind(source).bind(local).execute(&mut *tx).await?;
        }
        tx.commit().await
    })
}

/// A movie's id with its IMDb id (`tt…`) and TMDb id, when known.
pub type ExternalIds = (i64, Option<String>, Option<i64>);

/// Gives movies the TMDb and IMDb ids of MovieLens's `links.csv`: `(movie_id, imdb_id, tmdb_id)`.
/// An id a movie already has, or that another movie holds, is left alone (MovieLens lists a few
/// films twice). Returns how many movies got an id. One transaction.
pub async fn store_external_ids(db: &Db, ids: &[ExternalIds]) -> sqlx::Result<u64> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let mut changed = 0;
        for (movie_id, imdb_id, tmdb_id) in ids {
            let mut any = false;
            if let Some(tmdb_id) = tmdb_id {
                let done = sqlx::query(
                    "UPDATE movies SET tmdb_id = $1 WHERE id = $2 AND tmdb_id IS NULL \
                     AND NOT EXISTS (SELECT 1 FROM movies m WHERE m.tmdb_id = $1)",
                )
                .bind(tmdb_id)
                .bind(movie_id)
                .execute(&mut *tx)
                .await?;
                any |= done.rows_affected() > 0;
            }
            if let Some(imdb_id) = imdb_id {
                let done = sqlx::query(
                    "UPDATE movies SET imdb_id = $1 WHERE id = $2 AND imdb_id IS NULL \
                     AND NOT EXISTS (SELECT 1 FROM movies m WHERE m.imdb_id = $1)",
                )
                .bind(imdb_id)
                .bind(movie_id)
                .execute(&mut *tx)
                .await?;
                any |= done.rows_affected() > 0;
            }
            changed += u64::from(any);
        }
        tx.commit().await?;
        Ok(changed)
    })
}

/// Every catalog movie's `(id, title, year)`, deleted ones included (an import must not recreate
/// what an admin deleted).
pub async fn titles_and_years(db: &Db) -> sqlx::Result<Vec<(i64, String, Option<i32>)>> {
    on_db!(db, |pool| sqlx::query_as("SELECT id, title, year FROM movies").fetch_all(pool).await)
}

/// Creates movies and links them to their MovieLens ids; returns the links. Movies and links are
/// two transactions: should the second not happen, the next import finds the movies by title and
/// year and links them then.
pub async fn insert_linked_movies(
    db: &Db,
    inputs: &[MovieInput],
    movielens_ids: &[i64],
    now: i64,
) -> sqlx::Result<Vec<(i64, i64)>> {
    let ids = super::movies::insert_many(db, inputs, None, now).await?;
    let links: Vec<(i64, i64)> = movielens_ids.iter().copied().zip(ids).collect();
    add_links(db, LinkKind::Movie, &links).await?;
    Ok(links)
}

/// Creates one viewer per MovieLens user, with `locked` as password hash (a hash of a secret
/// nobody knows), and links them, in one transaction; returns the links.
pub async fn insert_linked_viewers(
    db: &Db,
    movielens_ids: &[i64],
    locked: &PasswordHash,
    now: i64,
) -> sqlx::Result<Vec<(i64, i64)>> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let mut links = Vec::with_capacity(movielens_ids.len());
        for &source in movielens_ids {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (email, display_name, password_hash, role, created_at, updated_at, onboarded_at) \
                 VALUES ($1, $2, $3, 'viewer', $4, $4, $4) \
                 ON CONFLICT (email) DO UPDATE SET email = excluded.email RETURNING id",
            )
            .bind(format!("movielens-{source}@import.invalid"))
            .bind(format!("MovieLens viewer {source}"))
            .bind(locked.as_str())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO movielens_viewers (movielens_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(source)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            links.push((source, id));
        }
        tx.commit().await?;
        Ok(links)
    })
}

/// Writes `(user_id, movie_id, half_stars, rated_at)` ratings in one transaction, leaving equal
/// ones alone; returns how many were new or changed. Movie summaries are not updated here (see
/// [`refresh_rating_summaries`]); a later pair for the same user and movie wins.
pub async fn upsert_ratings(db: &Db, rows: &[(i64, i64, i64, i64)]) -> sqlx::Result<u64> {
    let mut latest: std::collections::HashMap<(i64, i64), (i64, i64)> = std::collections::HashMap::new();
    for &(user, movie, half_stars, at) in rows {
        latest.insert((user, movie), (half_stars, at));
    }
    let mut rows: Vec<(i64, i64, i64, i64)> = latest.into_iter().map(|((u, m), (h, t))| (u, m, h, t)).collect();
    rows.sort_unstable();
    let now = crate::clock::now_unix();
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let mut written = 0;
        // 5 parameters a row; both databases take 500 rows comfortably.
        for chunk in rows.chunks(500) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| format!("(${}, ${}, ${}, ${}, ${})", i * 5 + 1, i * 5 + 2, i * 5 + 3, i * 5 + 4, i * 5 + 5))
                .collect();
            let sql = format!(
                "INSERT INTO ratings (user_id, movie_id, half_stars, created_at, updated_at) VALUES {} \
                 ON CONFLICT (user_id, movie_id) DO UPDATE SET half_stars = excluded.half_stars, \
                 updated_at = excluded.updated_at WHERE ratings.half_stars <> excluded.half_stars",
                values.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for &(user, movie, half_stars, at) in chunk {
                query = query.bind(user).bind(movie).bind(half_stars).bind(at).bind(now);
            }
            written += query.execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(written)
    })
}

/// Recomputes every movie's rating count, sum and damped score from its ratings (after a bulk
/// import), with the same formula as a single rating change.
pub async fn refresh_rating_summaries(db: &Db) -> sqlx::Result<()> {
    on_db!(db, |pool| {
        sqlx::query(&format!(
            "UPDATE movies SET rating_count = s.c, rating_sum = s.total, rating_score = {} \
             FROM (SELECT movie_id, COUNT(*) AS c, SUM(half_stars) AS total FROM ratings GROUP BY movie_id) AS s \
             WHERE movies.id = s.movie_id AND (movies.rating_count <> s.c OR movies.rating_sum <> s.total)",
            super::ratings::rating_score("s.c", "s.total")
        ))
        .execute(pool)
        .await
        .map(drop)
    })
}
