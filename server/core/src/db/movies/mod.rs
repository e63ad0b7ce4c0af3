//! The movie tables: movies, genres, people, credits and the audit log. This file holds the rows
//! and the reads; [`write`] the changes (each in one transaction, with its audit entries) and
//! [`search`] the catalog's search and filtered lists.

mod search;
mod write;

use sqlx::FromRow;

pub(crate) use search::{CountKey, search, search_counted};
pub(crate) use write::{
    Edit, ImportError, Provenance, UpdateError, insert, insert_imported, insert_many, purge_deleted, restore,
    set_cover, soft_delete, update, write_audit,
};

use crate::{
    catalog::{
        AuditEntry, CastMember, Credit, CreditRole, FilmographyEntry, Genre, Movie, MovieCard, MovieInput, Person,
        Translation, text,
    },
    db::{Db, on_db},
    ratings::RatingSummary,
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
    tmdb_id: Option<i64>,
    imdb_id: Option<String>,
}

const MOVIE_COLUMNS: &str = "id, title, original_title, year, runtime_minutes, synopsis, country, \
     original_language, age_rating, cover_key, trailer_url, created_at, updated_at, version, rating_count, rating_sum, \
     (SELECT v.content_type FROM movie_videos v WHERE v.movie_id = movies.id) AS video_type, tmdb_id, imdb_id";

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
    role: CreditRole,
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

/// The text the search index holds for a movie: titles (its translations' too), people and
/// synopsis, folded.
pub fn search_document(input: &MovieInput, translated_titles: &[String]) -> String {
    let mut parts = vec![input.title.as_str()];
    parts.extend(input.original_title.as_deref());
    parts.extend(translated_titles.iter().map(String::as_str));
    parts.extend(input.directors.iter().map(String::as_str));
    parts.extend(input.cast.iter().map(|c| c.name.as_str()));
    parts.push(input.synopsis.as_str());
    text::fold(&parts.join(" "))
}

/// The URL-safe slug of a genre name.
pub fn genre_slug(name: &str) -> String {
    text::fold(name).replace(' ', "-")
}

/// A visible movie with its genres and credits.
pub async fn find(db: &Db, id: i64) -> sqlx::Result<Option<Movie>> {
    let sql = format!("SELECT {MOVIE_COLUMNS} FROM movies WHERE id = $1 AND deleted_at IS NULL");
    let (row, genres, credits) = on_db!(db, |pool| {
        let Some(row) = sqlx::query_as::<_, MovieRow>(&sql).bind(id).fetch_optional(pool).await? else {
            return Ok(None);
        };
        let genres = sqlx::query_as::<_, Genre>(
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
        .map(|c| Credit { person: Person { id: c.person_id, name: c.name }, role: c.role, character: c.character })
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
        genres: genres.iter().map(|g| g.name.clone()).collect(),
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
        genres,
        credits,
        cover_key: row.cover_key,
        created_at: row.created_at,
        updated_at: row.updated_at,
        version: row.version,
        rating: RatingSummary::from_sum(row.rating_count, row.rating_sum),
        video_type: row.video_type,
        tmdb_id: row.tmdb_id,
        imdb_id: row.imdb_id,
    }))
}

/// The catalog's version: moved on by triggers, in the writing transaction, whenever what a list
/// shows or counts can change (migration 0015).
pub async fn catalog_version(db: &Db) -> sqlx::Result<i64> {
    on_db!(db, |pool| sqlx::query_scalar::<_, i64>("SELECT version FROM catalog_state WHERE id = 1")
        .fetch_one(pool)
        .await)
}

/// Every genre that has at least one visible movie, by name.
pub async fn genres_in_use(db: &Db) -> sqlx::Result<Vec<Genre>> {
    on_db!(db, |pool| sqlx::query_as::<_, Genre>(
        "SELECT g.id, g.slug, g.name FROM genres g WHERE EXISTS (SELECT 1 FROM movie_genres mg \
         JOIN movies m ON m.id = mg.movie_id WHERE mg.genre_id = g.id AND m.deleted_at IS NULL) ORDER BY g.name"
    )
    .fetch_all(pool)
    .await)
}

/// People whose folded name starts with `prefix` (for autocomplete).
pub async fn people_starting_with(db: &Db, prefix: &str, limit: i64) -> sqlx::Result<Vec<Person>> {
    let pattern = format!("{}%", text::fold(prefix).replace(['%', '_'], ""));
    on_db!(db, |pool| sqlx::query_as::<_, Person>(
        "SELECT id, name FROM people WHERE search_name LIKE $1 ORDER BY search_name LIMIT $2"
    )
    .bind(&pattern)
    .bind(limit)
    .fetch_all(pool)
    .await)
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
pub async fn filmography(db: &Db, person_id: i64) -> sqlx::Result<Vec<FilmographyEntry>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        card: CardRow,
        role: CreditRole,
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
        .map(|r| FilmographyEntry { card: MovieCard::from(r.card), role: r.role, character: r.character })
        .collect())
}

/// How many movies of each of a movie's genres [`related`] weighs: the newest this many. Weighing
/// every movie of a genre cost ~50 ms of PostgreSQL per movie page at 100,000 movies (a genre
/// holds thousands); bounded, ~1.5 ms. Exact while none of the movie's genres has more.
const RELATED_PER_GENRE: i64 = 500;

/// Visible movies sharing people or genres with `movie_id`, most in common first (a shared
/// person counts as much as two shared genres), then newest first. Of each genre only the newest
/// [`RELATED_PER_GENRE`] movies are weighed. Only the best `4 × limit` are looked up, so a list
/// is short only if more of those than that are deleted (waiting out their undo window).
pub async fn related(db: &Db, movie_id: i64, limit: i64) -> sqlx::Result<Vec<MovieCard>> {
    let genres: Vec<i64> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT genre_id FROM movie_genres WHERE movie_id = $1").bind(movie_id).fetch_all(pool).await
    })?;
    // One bounded range of the (genre, movie) index per genre; $4… are the genres.
    let mut links: Vec<String> = (0..genres.len())
        .map(|i| {
            format!(
                "SELECT movie_id AS id, 1 AS weight FROM (SELECT movie_id FROM movie_genres \
                 WHERE genre_id = ${} AND deleted_at IS NULL ORDER BY movie_id DESC LIMIT $3) g{i}",
                i + 4
            )
        })
        .collect();
    links.push(
        "SELECT c.movie_id AS id, 2 AS weight FROM credits c \
         WHERE c.person_id IN (SELECT person_id FROM credits WHERE movie_id = $1)"
            .to_owned(),
    );
    let sql = format!(
        "WITH links AS ({}), \
         best AS (SELECT id, SUM(weight) AS score FROM links WHERE id <> $1 GROUP BY id \
                  ORDER BY score DESC, id DESC LIMIT 4 * $2) \
         SELECT {CARD_COLUMNS} FROM best s JOIN movies m ON m.id = s.id \
         WHERE m.deleted_at IS NULL ORDER BY s.score DESC, s.id DESC LIMIT $2",
        links.join(" UNION ALL ")
    );
    on_db!(db, |pool| {
        let mut query = sqlx::query_as::<_, CardRow>(&sql).bind(movie_id).bind(limit).bind(RELATED_PER_GENRE);
        for genre in &genres {
            query = query.bind(genre);
        }
        query.fetch_all(pool).await
    })
    .map(|rows| rows.into_iter().map(MovieCard::from).collect())
}

/// How many movies exist, hidden ones included.
pub async fn count_all(db: &Db) -> sqlx::Result<i64> {
    on_db!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM movies").fetch_one(pool).await)
}

/// The first visible movie with exactly this title, if any.
pub async fn visible_id_by_title(db: &Db, title: &str) -> sqlx::Result<Option<i64>> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM movies WHERE title = $1 AND deleted_at IS NULL ORDER BY id LIMIT 1")
            .bind(title)
            .fetch_optional(pool)
            .await
    })
}

/// The ids of visible movies after `after`, in order.
pub async fn visible_ids_after(db: &Db, after: i64) -> sqlx::Result<Vec<i64>> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM movies WHERE id > $1 AND deleted_at IS NULL ORDER BY id")
            .bind(after)
            .fetch_all(pool)
            .await
    })
}

/// A movie's titles and synopses in other languages, by language.
pub async fn translations(db: &Db, movie_id: i64) -> sqlx::Result<Vec<Translation>> {
    on_db!(db, |pool| sqlx::query_as::<_, Translation>(
        "SELECT language, title, synopsis FROM movie_translations WHERE movie_id = $1 ORDER BY language"
    )
    .bind(movie_id)
    .fetch_all(pool)
    .await)
}
