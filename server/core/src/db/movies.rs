//! The movie tables: movies, genres, people, credits and the audit log.

use sqlx::FromRow;

use crate::{
    catalog::{
        AuditEntry, CastMember, Credit, CreditRole, Genre, Movie, MovieCard, MovieInput, MovieQuery, Page, Person,
        SEARCH_COUNT_CAP, Sort, text,
    },
    db::{Backend, Db, ratings::RatingSummary},
    on_db,
};

#[derive(FromRow)]
struct MovieRow {
    id: i64,
    title: String,
    original_title: Option<String>,
    year: Option<i32>,
    runtime_minutes: Option<i32>,
    synopsis: String,
    country: Option<String>,
    original_language: Option<String>,
    age_rating: Option<String>,
    cover_key: Option<String>,
    trailer_url: Option<String>,
    created_at: i64,
    updated_at: i64,
    version: i64,
    rating_count: i64,
    rating_sum: i64,
    video_type: Option<String>,
}

const MOVIE_COLUMNS: &str = "id, title, original_title, year, runtime_minutes, synopsis, country, \
     original_language, age_rating, cover_key, trailer_url, created_at, updated_at, version, rating_count, rating_sum, \
     (SELECT v.content_type FROM movie_videos v WHERE v.movie_id = movies.id) AS video_type";

#[derive(FromRow)]
pub(crate) struct CardRow {
    id: i64,
    title: String,
    year: Option<i32>,
    cover_key: Option<String>,
    rating_count: i64,
    rating_sum: i64,
}

/// The columns a [`CardRow`] reads, from the movies table aliased `m`.
pub(crate) const CARD_COLUMNS: &str = "m.id, m.title, m.year, m.cover_key, m.rating_count, m.rating_sum";

impl From<CardRow> for MovieCard {
    fn from(r: CardRow) -> Self {
        MovieCard {
            id: r.id,
            title: r.title,
            year: r.year,
            cover_key: r.cover_key,
            rating_count: r.rating_count,
            rating_sum: r.rating_sum,
        }
    }
}

#[derive(FromRow)]
struct CreditRow {
    person_id: i64,
    name: String,
    role: String,
    character: Option<String>,
}

#[derive(FromRow)]
struct AuditRow {
    user_id: Option<i64>,
    user_name: Option<String>,
    at: i64,
    field: String,
    old_value: Option<String>,
    new_value: Option<String>,
}

/// The text the search index holds for a movie: titles, people, genres and synopsis, folded.
pub fn search_document(input: &MovieInput) -> String {
    let mut parts = vec![input.title.as_str()];
    parts.extend(input.original_title.as_deref());
    parts.extend(input.directors.iter().map(String::as_str));
    parts.extend(input.cast.iter().map(|c| c.name.as_str()));
    parts.push(input.synopsis.as_str());
    text::fold(&parts.join(" "))
}

/// The URL-safe slug of a genre name.
pub fn genre_slug(name: &str) -> String {
    text::fold(name).replace(' ', "-")
}

/// Binds `$1`–`$11`: the movie columns both INSERT and UPDATE write, in one order.
macro_rules! bind_movie_columns {
    ($query:expr, $input:expr) => {
        $query
            .bind(&$input.title)
            .bind(&$input.original_title)
            .bind($input.year)
            .bind($input.runtime_minutes)
            .bind(&$input.synopsis)
            .bind(&$input.country)
            .bind(&$input.original_language)
            .bind(&$input.age_rating)
            .bind(&$input.trailer_url)
            .bind(text::sort_key(&$input.title))
            .bind(search_document($input))
    };
}

/// Writes a movie's genres and credits inside the open transaction `$tx`, replacing old ones.
macro_rules! write_links {
    ($tx:expr, $movie_id:expr, $input:expr, $now:expr) => {{
        sqlx::query("DELETE FROM movie_genres WHERE movie_id = $1").bind($movie_id).execute(&mut *$tx).await?;
        for name in &$input.genres {
            let genre_id: i64 = sqlx::query_scalar(
                "INSERT INTO genres (slug, name) VALUES ($1, $2) \
                 ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug RETURNING id",
            )
            .bind(genre_slug(name))
            .bind(name)
            .fetch_one(&mut *$tx)
            .await?;
            // With copies of what genre lists filter and sort by (migration 0010). Links are
            // written for visible movies only; a later edit or delete updates them by trigger.
            sqlx::query(
                "INSERT INTO movie_genres (movie_id, genre_id, year, sort_title) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT DO NOTHING",
            )
            .bind($movie_id)
            .bind(genre_id)
            .bind($input.year)
            .bind(text::sort_key(&$input.title))
            .execute(&mut *$tx)
            .await?;
        }
        sqlx::query("DELETE FROM credits WHERE movie_id = $1").bind($movie_id).execute(&mut *$tx).await?;
        let directors = $input.directors.iter().map(|name| (name, CreditRole::Director, None::<&String>));
        let cast = $input.cast.iter().map(|c| (&c.name, CreditRole::Cast, c.character.as_ref()));
        for (position, (name, role, character)) in directors.chain(cast).enumerate() {
            let person_id: i64 = sqlx::query_scalar(
                "INSERT INTO people (name, search_name, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id",
            )
            .bind(name)
            .bind(text::fold(name))
            .bind($now)
            .fetch_one(&mut *$tx)
            .await?;
            sqlx::query(
                "INSERT INTO credits (movie_id, person_id, role, character, position) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT DO NOTHING",
            )
            .bind($movie_id)
            .bind(person_id)
            .bind(role.as_str())
            .bind(character)
            .bind(position as i64)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

/// Appends audit rows inside the open transaction `$tx`.
macro_rules! write_audit {
    ($tx:expr, $movie_id:expr, $user_id:expr, $now:expr, $changes:expr) => {{
        for change in $changes {
            sqlx::query(
                "INSERT INTO movie_audit (movie_id, user_id, at, field, old_value, new_value) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind($movie_id)
            .bind($user_id)
            .bind($now)
            .bind(change.field)
            .bind(change.old_value.as_deref())
            .bind(change.new_value.as_deref())
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

pub(crate) use write_audit;

/// One field's change, for the audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Field name.
    pub field: &'static str,
    /// Value before (rendered as text).
    pub old_value: Option<String>,
    /// Value after (rendered as text).
    pub new_value: Option<String>,
}

/// Inserts a movie with its genres and credits and a `created` audit entry; returns its id.
pub async fn insert(db: &Db, input: &MovieInput, user_id: Option<i64>, now: i64) -> sqlx::Result<i64> {
    Ok(insert_many(db, std::slice::from_ref(input), user_id, now).await?[0])
}

/// Inserts movies in one transaction (all or none), as [`insert`] does each; returns their ids.
/// Bulk loads use it to avoid one commit per movie.
pub async fn insert_many(db: &Db, inputs: &[MovieInput], user_id: Option<i64>, now: i64) -> sqlx::Result<Vec<i64>> {
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let mut ids = Vec::with_capacity(inputs.len());
        for input in inputs {
            let id: i64 = bind_movie_columns!(
                sqlx::query_scalar(
                    "INSERT INTO movies (title, original_title, year, runtime_minutes, synopsis, country, \
                 original_language, age_rating, trailer_url, sort_title, search_text, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
                ),
                input
            )
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            write_links!(tx, id, input, now);
            let created = [Change { field: "created", old_value: None, new_value: Some(input.title.clone()) }];
            write_audit!(tx, id, user_id, now, &created);
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    })
}

/// Why an update did not happen.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    /// No visible movie has this id.
    #[error("movie not found")]
    NotFound,
    /// The stored version is not the one the edit started from.
    #[error("version conflict: now at {0}")]
    Conflict(i64),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Replaces a movie's facts if its version is still `expected_version`, recording `changes` in
/// the audit log, all in one transaction. Returns the new version.
pub async fn update(
    db: &Db,
    id: i64,
    expected_version: i64,
    input: &MovieInput,
    changes: &[Change],
    user_id: Option<i64>,
    now: i64,
) -> Result<i64, UpdateError> {
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let updated: Option<i64> = bind_movie_columns!(
            sqlx::query_scalar(
                "UPDATE movies SET title = $1, original_title = $2, year = $3, runtime_minutes = $4, synopsis = $5, \
             country = $6, original_language = $7, age_rating = $8, trailer_url = $9, sort_title = $10, \
             search_text = $11, updated_at = $12, version = version + 1 \
             WHERE id = $13 AND version = $14 AND deleted_at IS NULL RETURNING version",
            ),
            input
        )
        .bind(now)
        .bind(id)
        .bind(expected_version)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(version) = updated else {
            let current: Option<i64> =
                sqlx::query_scalar("SELECT version FROM movies WHERE id = $1 AND deleted_at IS NULL")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            return Err(current.map_or(UpdateError::NotFound, UpdateError::Conflict));
        };
        write_links!(tx, id, input, now);
        write_audit!(tx, id, user_id, now, changes);
        tx.commit().await?;
        Ok(version)
    })
}

/// Points a movie at a new cover (if its version is still `expected_version`) and returns the
/// old cover key and the new version.
pub async fn set_cover(
    db: &Db,
    id: i64,
    expected_version: i64,
    cover_key: Option<&str>,
    user_id: Option<i64>,
    now: i64,
) -> Result<(Option<String>, i64), UpdateError> {
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let old: Option<(Option<String>, i64)> =
            sqlx::query_as("SELECT cover_key, version FROM movies WHERE id = $1 AND deleted_at IS NULL")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((old_key, version)) = old else { return Err(UpdateError::NotFound) };
        if version != expected_version {
            return Err(UpdateError::Conflict(version));
        }
        let version: i64 = sqlx::query_scalar(
            "UPDATE movies SET cover_key = $1, updated_at = $2, version = version + 1 WHERE id = $3 RETURNING version",
        )
        .bind(cover_key)
        .bind(now)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let change = [Change { field: "cover", old_value: old_key.clone(), new_value: cover_key.map(str::to_owned) }];
        write_audit!(tx, id, user_id, now, &change);
        tx.commit().await?;
        Ok((old_key, version))
    })
}

/// Hides a movie (undoable until purged). False when no visible movie has this id.
pub async fn soft_delete(db: &Db, id: i64, user_id: Option<i64>, now: i64) -> sqlx::Result<bool> {
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let title: Option<String> = sqlx::query_scalar(
            "UPDATE movies SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL RETURNING title",
        )
        .bind(now)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(title) = title else { return Ok(false) };
        let change = [Change { field: "deleted", old_value: Some(title), new_value: None }];
        write_audit!(tx, id, user_id, now, &change);
        tx.commit().await?;
        Ok(true)
    })
}

/// Un-hides a movie deleted at or after `deleted_since`. False when there is none to restore.
pub async fn restore(db: &Db, id: i64, deleted_since: i64, user_id: Option<i64>, now: i64) -> sqlx::Result<bool> {
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let title: Option<String> = sqlx::query_scalar(
            "UPDATE movies SET deleted_at = NULL WHERE id = $1 AND deleted_at IS NOT NULL AND deleted_at >= $2 \
             RETURNING title",
        )
        .bind(id)
        .bind(deleted_since)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(title) = title else { return Ok(false) };
        let change = [Change { field: "restored", old_value: None, new_value: Some(title) }];
        write_audit!(tx, id, user_id, now, &change);
        tx.commit().await?;
        Ok(true)
    })
}

/// What a purge let go of, to delete from media storage after its commit.
#[derive(Debug, Default)]
pub struct Purged {
    /// How many movies were removed.
    pub movies: usize,
    /// Their cover key prefixes.
    pub covers: Vec<String>,
    /// Their video object keys.
    pub videos: Vec<String>,
}

/// Removes movies hidden before `deleted_before` for good, with everything that hangs off them.
pub async fn purge_deleted(db: &Db, deleted_before: i64) -> sqlx::Result<Purged> {
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        // Read before the delete (the rows cascade away), keep only those of movies really removed:
        // one restored in between keeps its video.
        let videos: Vec<(i64, String)> = sqlx::query_as(
            "SELECT v.movie_id, v.object_key FROM movie_videos v JOIN movies m ON m.id = v.movie_id \
             WHERE m.deleted_at IS NOT NULL AND m.deleted_at < $1",
        )
        .bind(deleted_before)
        .fetch_all(&mut *tx)
        .await?;
        let removed: Vec<(i64, Option<String>)> = sqlx::query_as(
            "DELETE FROM movies WHERE deleted_at IS NOT NULL AND deleted_at < $1 RETURNING id, cover_key",
        )
        .bind(deleted_before)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let ids: std::collections::HashSet<i64> = removed.iter().map(|(id, _)| *id).collect();
        Ok(Purged {
            movies: removed.len(),
            covers: removed.into_iter().filter_map(|(_, cover)| cover).collect(),
            videos: videos.into_iter().filter(|(id, _)| ids.contains(id)).map(|(_, key)| key).collect(),
        })
    })
}

/// A visible movie with its genres and credits.
pub async fn find(db: &Db, id: i64) -> sqlx::Result<Option<Movie>> {
    let sql = format!("SELECT {MOVIE_COLUMNS} FROM movies WHERE id = $1 AND deleted_at IS NULL");
    let (row, genres, credits) = on_db!(db, |pool| {
        let Some(row) = sqlx::query_as::<_, MovieRow>(&sql).bind(id).fetch_optional(pool).await? else {
            return Ok(None);
        };
        let genres = sqlx::query_as::<_, (i64, String, String)>(
            "SELECT g.id, g.slug, g.name FROM genres g JOIN movie_genres mg ON mg.genre_id = g.id \
             WHERE mg.movie_id = $1 ORDER BY g.name",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        let credits = sqlx::query_as::<_, CreditRow>(
            "SELECT p.id AS person_id, p.name, c.role, c.character FROM credits c JOIN people p ON p.id = c.person_id \
             WHERE c.movie_id = $1 ORDER BY c.position",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        (row, genres, credits)
    });
    let credits: Vec<Credit> = credits
        .into_iter()
        .map(|c| Credit {
            person: Person { id: c.person_id, name: c.name },
            role: if c.role == "director" { CreditRole::Director } else { CreditRole::Cast },
            character: c.character,
        })
        .collect();
    let input = MovieInput {
        title: row.title,
        original_title: row.original_title,
        year: row.year,
        runtime_minutes: row.runtime_minutes,
        synopsis: row.synopsis,
        country: row.country,
        original_language: row.original_language,
        age_rating: row.age_rating,
        trailer_url: row.trailer_url,
        genres: genres.iter().map(|(_, _, name)| name.clone()).collect(),
        directors: credits.iter().filter(|c| c.role == CreditRole::Director).map(|c| c.person.name.clone()).collect(),
        cast: credits
            .iter()
            .filter(|c| c.role == CreditRole::Cast)
            .map(|c| CastMember { name: c.person.name.clone(), character: c.character.clone() })
            .collect(),
    };
    Ok(Some(Movie {
        id: row.id,
        input,
        genres: genres.into_iter().map(|(id, slug, name)| Genre { id, slug, name }).collect(),
        credits,
        cover_key: row.cover_key,
        created_at: row.created_at,
        updated_at: row.updated_at,
        version: row.version,
        rating: RatingSummary::from_sum(row.rating_count, row.rating_sum),
        video_type: row.video_type,
    }))
}

enum Param {
    Int(i64),
    Text(String),
}

/// `$query` with each of `$params` bound in order.
macro_rules! bind_params {
    ($query:expr, $params:expr) => {{
        let mut query = $query;
        for param in $params {
            query = match param {
                Param::Int(v) => query.bind(*v),
                Param::Text(t) => query.bind(t.clone()),
            };
        }
        query
    }};
}

/// Words of a search, at most this many.
const MAX_TERMS: usize = 8;

/// One page of visible movies matching `query`.
///
/// With a genre, the list is read from `movie_genres` (aliased `g`), which carries copies of each
/// movie's visibility, year and sort title (migration 0010): a genre list's count, and its page by
/// title or year, come from one index range, and `movies` is joined for the page's cards and for
/// filters only it can answer.
pub async fn search(db: &Db, query: &MovieQuery) -> sqlx::Result<Page<MovieCard>> {
    let backend = db.backend();
    let mut params: Vec<Param> = Vec::new();
    let mut push = |p: Param| {
        params.push(p);
        format!("${}", params.len())
    };
    // `k` holds the visibility, year and sort title that filters and orders read; `id` the movie id.
    let by_genre = query.genre.is_some();
    let (k, id) = if by_genre { ("g", "g.movie_id") } else { ("m", "m.id") };
    let mut conditions = vec![format!("{k}.deleted_at IS NULL")];
    if let Some(genre) = &query.genre {
        let p = push(Param::Text(genre.clone()));
        conditions.push(format!("g.genre_id = (SELECT id FROM genres WHERE slug = {p})"));
    }
    // SQLite: the full-text matches, joined with their rank for the page. The count needs the
    // matches, not their rank: it skips bm25(), which costs more than the matching itself
    // (13,000 matches: 13 ms instead of 47).
    let mut fts_join = None;
    let mut count_conditions: Vec<String> = Vec::new();
    let mut rank = None;
    // SQLite: the MATCH parameter, for a search with nothing else to filter by.
    let mut fts_match = None;
    // PostgreSQL: the full-text condition, and the condition of relevance's first tier (the
    // title holds every word).
    let mut title_tier: Option<(String, String, String)> = None;
    let terms = query.text.as_deref().map(|t| text::query_terms(t, MAX_TERMS)).unwrap_or_default();
    if !terms.is_empty() {
        match backend {
            Backend::Sqlite => {
                let expr = terms.iter().map(|t| format!("\"{t}\"*")).collect::<Vec<_>>().join(" ");
                let p = push(Param::Text(expr));
                // One pass over the full-text index, joined: ranking by a correlated bm25()
                // subquery re-ran the MATCH for every row (quadratic in the matches).
                fts_join = Some(format!(
                    "JOIN (SELECT rowid AS fts_id, bm25(movies_fts) AS fts_rank FROM movies_fts \
                     WHERE movies_fts MATCH {p}) f ON f.fts_id = {id}"
                ));
                count_conditions.push(format!("{id} IN (SELECT rowid FROM movies_fts WHERE movies_fts MATCH {p})"));
                rank = Some("f.fts_rank".to_owned());
                fts_match = Some(p);
            }
            Backend::Postgres => {
                let expr = terms.iter().map(|t| format!("{t}:*")).collect::<Vec<_>>().join(" & ");
                let p = push(Param::Text(expr));
                let matched = format!("m.search_vector @@ to_tsquery('simple', {p})");
                // Relevance is two tiers, each by title: movies whose title holds every word,
                // then the rest (people, synopsis). Ranking with ts_rank visited every match's
                // row (13,000 for a first name). The first tier is found by the title's own
                // index (migration 0011; on `movie_genres` in a genre), and a title match is a
                // match, so it is not tested again; the second tier walks the title order.
                let in_title = |t: &str| format!("to_tsvector('simple', {t}.sort_title) @@ to_tsquery('simple', {p})");
                // The rest tests the title of each full-text match, not of each movie in a genre.
                title_tier = Some((matched.clone(), in_title(k), in_title("m")));
                conditions.push(matched);
            }
        }
    }
    for (value, column, op) in [
        (query.year_from, format!("{k}.year"), ">="),
        (query.year_to, format!("{k}.year"), "<="),
        (query.runtime_min, "m.runtime_minutes".to_owned(), ">="),
        (query.runtime_max, "m.runtime_minutes".to_owned(), "<="),
    ] {
        if let Some(value) = value {
            let p = push(Param::Int(i64::from(value)));
            conditions.push(format!("{column} {op} {p}"));
        }
    }
    if let Some(language) = &query.language {
        let p = push(Param::Text(language.to_ascii_lowercase()));
        conditions.push(format!("m.original_language = {p}"));
    }
    // Orders the indexes of migrations 0008 and 0010 serve. On PostgreSQL titles compare
    // byte-wise, as those indexes do (`sort_title` is folded ASCII), whatever the database's
    // collation.
    let title = match backend {
        Backend::Sqlite => format!("{k}.sort_title"),
        Backend::Postgres => format!("{k}.sort_title COLLATE \"C\""),
    };
    let order = match (query.sort, &rank) {
        (Sort::Relevance, Some(rank)) => format!("{rank}, {title}, {id}"),
        (Sort::Relevance | Sort::Title, _) => format!("{title}, {id}"),
        (Sort::YearNewest, _) => format!("{k}.year DESC NULLS LAST, {title}, {id}"),
        (Sort::YearOldest, _) => format!("{k}.year NULLS LAST, {title}, {id}"),
        (Sort::RecentlyAdded, _) => "m.created_at DESC, m.id DESC".to_owned(),
        (Sort::Rating, _) => format!("m.rating_score DESC NULLS LAST, {title}, {id}"),
    };
    let base = if by_genre { "movie_genres g JOIN movies m ON m.id = g.movie_id" } else { "movies m" };
    let from = match &fts_join {
        Some(join) => format!("{base} {join}"),
        None => base.to_owned(),
    };
    // A genre count reads `movie_genres` alone unless a condition reads `movies` (alias `m`).
    let needs_movies = conditions.iter().any(|c| c.starts_with("m."));
    let count_from = if by_genre && !needs_movies { "movie_genres g" } else { base };
    let per_page = query.per_page.clamp(1, 100);
    let page = query.page.max(1);
    let offset = i64::from(page - 1) * i64::from(per_page);
    let filter = conditions.join(" AND ");
    // PostgreSQL relevance: the filters of the first tier and of the rest.
    let tiers = title_tier.filter(|_| query.sort == Sort::Relevance).map(|(matched, in_title, in_movie_title)| {
        let others = conditions.iter().filter(|c| **c != matched);
        let first = others.cloned().chain([in_title]).collect::<Vec<_>>().join(" AND ");
        (first, format!("{filter} AND NOT ({in_movie_title})"))
    });
    // A plain search on SQLite stays inside FTS5, which holds visible movies only (migration
    // 0009): it counts there, and ranks there keeping the best page (ties by id, so pages never
    // overlap) before joining just that page to `movies`. Joining every match first cost 14 ms
    // of a 13,000-match search's 29.
    let plain_search = fts_match.filter(|_| conditions.len() == 1);
    // One row past the page tells whether another page follows.
    let fetch = i64::from(per_page) + 1;
    let counted = match &plain_search {
        Some(p) => format!("FROM movies_fts WHERE movies_fts MATCH {p}"),
        None => {
            let count_filter = count_conditions.into_iter().chain(conditions).collect::<Vec<_>>().join(" AND ");
            format!("FROM {count_from} WHERE {count_filter}")
        }
    };
    // A search counts up to the cap (a broad one stops early); a list counts all, from an index.
    let searching = !terms.is_empty();
    let count_sql = if searching {
        format!("SELECT COUNT(*) FROM (SELECT 1 {counted} LIMIT {}) c", SEARCH_COUNT_CAP + 1)
    } else {
        format!("SELECT COUNT(*) {counted}")
    };
    let list_sql = match (&plain_search, &tiers) {
        (Some(p), _) if query.sort == Sort::Relevance => format!(
            "SELECT {CARD_COLUMNS} FROM (SELECT rowid AS fts_id, rank AS fts_rank FROM movies_fts \
             WHERE movies_fts MATCH {p} ORDER BY rank, rowid LIMIT {fetch} OFFSET {offset}) f \
             JOIN movies m ON m.id = f.fts_id WHERE {filter} ORDER BY f.fts_rank, f.fts_id"
        ),
        // The first tier up to the end of this page; the second tier is read only if the first
        // runs out before that. `OFFSET 0` keeps the planner from walking the title order in
        // search of the first tier, whose size it cannot estimate (a name found in no title
        // walked all 100,000): the title's word index finds the tier, which is then sorted.
        (_, Some((first, _))) => format!(
            "SELECT * FROM (SELECT {CARD_COLUMNS}, {k}.sort_title AS tier_title FROM {from} WHERE {first} \
             OFFSET 0) m ORDER BY m.tier_title COLLATE \"C\", m.id LIMIT {}",
            offset + fetch
        ),
        _ => format!(
            "SELECT {CARD_COLUMNS} FROM {from} WHERE {filter} ORDER BY {order} \
             LIMIT {fetch} OFFSET {offset}"
        ),
    };
    // The second tier, from `skip` on: its LIMIT and OFFSET are bound last.
    let rest_sql = tiers.map(|(_, rest)| {
        let (limit, skip) = (params.len() + 1, params.len() + 2);
        format!("SELECT {CARD_COLUMNS} FROM {from} WHERE {rest} ORDER BY {title}, {id} LIMIT ${limit} OFFSET ${skip}")
    });
    let (count, rows) = on_db!(db, |pool| {
        // Planned for each call's own words and filters, never as a cached generic plan: one
        // plan cannot serve both "lucia" (13,000 matches) and a rare word, and PostgreSQL's
        // generic plan for a search in a genre walked every movie of the genre (35 ms, not 5).
        let count = bind_params!(sqlx::query_scalar::<_, i64>(&count_sql).persistent(false), &params);
        let list = bind_params!(sqlx::query_as::<_, CardRow>(&list_sql).persistent(false), &params);
        let page = async {
            let mut rows = list.fetch_all(pool).await?;
            let Some(rest_sql) = &rest_sql else { return Ok(rows) };
            // Tiered: `rows` is the first tier up to the end of this page, all of it if shorter.
            let first = i64::try_from(rows.len()).unwrap_or(i64::MAX);
            let end = offset + fetch;
            rows.drain(..rows.len().min(usize::try_from(offset).unwrap_or(usize::MAX)));
            if first < end {
                let rest = bind_params!(sqlx::query_as::<_, CardRow>(rest_sql).persistent(false), &params);
                let wanted = end - first.max(offset);
                rows.extend(rest.bind(wanted).bind((offset - first).max(0)).fetch_all(pool).await?);
            }
            Ok::<_, sqlx::Error>(rows)
        };
        // Two connections at once: the page costs the slower of the two, not their sum.
        tokio::try_join!(count.fetch_one(pool), page)?
    });
    let mut items: Vec<MovieCard> = rows.into_iter().map(MovieCard::from).collect();
    let has_next = items.len() > per_page as usize;
    items.truncate(per_page as usize);
    let total_exact = !searching || count <= SEARCH_COUNT_CAP;
    Ok(Page { items, total: if total_exact { count } else { SEARCH_COUNT_CAP }, total_exact, has_next, page, per_page })
}

/// Every genre that has at least one visible movie, by name.
pub async fn genres_in_use(db: &Db) -> sqlx::Result<Vec<Genre>> {
    on_db!(db, |pool| sqlx::query_as::<_, (i64, String, String)>(
        "SELECT g.id, g.slug, g.name FROM genres g WHERE EXISTS (SELECT 1 FROM movie_genres mg \
         JOIN movies m ON m.id = mg.movie_id WHERE mg.genre_id = g.id AND m.deleted_at IS NULL) ORDER BY g.name"
    )
    .fetch_all(pool)
    .await)
    .map(|rows| rows.into_iter().map(|(id, slug, name)| Genre { id, slug, name }).collect())
}

/// People whose folded name starts with `prefix` (for autocomplete).
pub async fn people_starting_with(db: &Db, prefix: &str, limit: i64) -> sqlx::Result<Vec<Person>> {
    let pattern = format!("{}%", text::fold(prefix).replace(['%', '_'], ""));
    on_db!(db, |pool| sqlx::query_as::<_, (i64, String)>(
        "SELECT id, name FROM people WHERE search_name LIKE $1 ORDER BY search_name LIMIT $2"
    )
    .bind(&pattern)
    .bind(limit)
    .fetch_all(pool)
    .await)
    .map(|rows| rows.into_iter().map(|(id, name)| Person { id, name }).collect())
}

/// The audit log of a movie, newest first.
pub async fn audit_log(db: &Db, movie_id: i64) -> sqlx::Result<Vec<AuditEntry>> {
    on_db!(db, |pool| sqlx::query_as::<_, AuditRow>(
        "SELECT a.user_id, u.display_name AS user_name, a.at, a.field, a.old_value, a.new_value \
         FROM movie_audit a LEFT JOIN users u ON u.id = a.user_id WHERE a.movie_id = $1 ORDER BY a.id DESC"
    )
    .bind(movie_id)
    .fetch_all(pool)
    .await)
    .map(|rows| {
        rows.into_iter()
            .map(|r| AuditEntry {
                user_id: r.user_id,
                user_name: r.user_name,
                at: r.at,
                field: r.field,
                old_value: r.old_value,
                new_value: r.new_value,
            })
            .collect()
    })
}

/// A person, if they exist.
pub async fn find_person(db: &Db, id: i64) -> sqlx::Result<Option<Person>> {
    on_db!(db, |pool| sqlx::query_as::<_, (i64, String)>("SELECT id, name FROM people WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await)
    .map(|row| row.map(|(id, name)| Person { id, name }))
}

/// A person's visible movies, newest first, with their role and character in each.
pub async fn filmography(db: &Db, person_id: i64) -> sqlx::Result<Vec<(MovieCard, CreditRole, Option<String>)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        card: CardRow,
        role: String,
        character: Option<String>,
    }
    let sql = format!(
        "SELECT {CARD_COLUMNS}, c.role, c.character FROM credits c \
         JOIN movies m ON m.id = c.movie_id WHERE c.person_id = $1 AND m.deleted_at IS NULL \
         ORDER BY m.year IS NULL, m.year DESC, m.sort_title, m.id, c.role DESC"
    );
    let rows = on_db!(db, |pool| sqlx::query_as::<_, Row>(&sql).bind(person_id).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let role = if r.role == "director" { CreditRole::Director } else { CreditRole::Cast };
            (MovieCard::from(r.card), role, r.character)
        })
        .collect())
}

/// Visible movies sharing people or genres with `movie_id`, most in common first (a shared
/// person counts as much as two shared genres).
pub async fn related(db: &Db, movie_id: i64, limit: i64) -> sqlx::Result<Vec<MovieCard>> {
    let sql = format!(
        "WITH links AS ( \
             SELECT mg.movie_id AS id, 1 AS weight FROM movie_genres mg \
             WHERE mg.genre_id IN (SELECT genre_id FROM movie_genres WHERE movie_id = $1) \
             UNION ALL \
             SELECT c.movie_id AS id, 2 AS weight FROM credits c \
             WHERE c.person_id IN (SELECT person_id FROM credits WHERE movie_id = $1) \
         ), scores AS (SELECT id, SUM(weight) AS score FROM links WHERE id <> $1 GROUP BY id) \
         SELECT {CARD_COLUMNS} FROM scores s JOIN movies m ON m.id = s.id \
         WHERE m.deleted_at IS NULL ORDER BY s.score DESC, m.sort_title, m.id LIMIT $2"
    );
    on_db!(db, |pool| sqlx::query_as::<_, CardRow>(&sql).bind(movie_id).bind(limit).fetch_all(pool).await)
        .map(|rows| rows.into_iter().map(MovieCard::from).collect())
}
