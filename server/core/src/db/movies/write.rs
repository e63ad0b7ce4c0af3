//! Changes to movies, each in one transaction with its audit entries: insert (one or many),
//! update under a version check, cover, delete, restore and purge.

use crate::{
    catalog::{Change, CreditRole, MovieInput, Translation, text},
    db::{BeginWrite as _, Db, on_db},
};

use super::{genre_slug, search_document};

/// Binds `$1`–`$11`: the movie columns both INSERT and UPDATE write, in one order (`$11` is
/// the search text, which also holds the titles of the movie's translations).
macro_rules! bind_movie_columns {
    ($query:expr, $input:expr, $search_text:expr) => {
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
            .bind($search_text)
    };
}

/// Writes a movie's genres and credits inside the open transaction `$tx`, replacing old ones.
macro_rules! write_links {
    ($tx:expr, $movie_id:expr, $input:expr, $now:expr) => {
        async {
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
                .bind(role)
                .bind(character)
                .bind(position as i64)
                .execute(&mut *$tx)
                .await?;
            }
            Ok::<_, sqlx::Error>(())
        }
        .await
    };
}

/// Appends audit rows inside the open transaction `$tx`.
macro_rules! write_audit {
    ($tx:expr, $movie_id:expr, $user_id:expr, $now:expr, $changes:expr) => {
        async {
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
            Ok::<_, sqlx::Error>(())
        }
        .await
    };
}

pub(crate) use write_audit;

const INSERT_MOVIE: &str = "INSERT INTO movies (title, original_title, year, runtime_minutes, synopsis, country, \
     original_language, age_rating, trailer_url, sort_title, search_text, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id";

/// Writes what a provider knew beside a movie's facts, inside the open transaction `$tx`: TMDb ids
/// on the people credited (a namesake who already has another keeps it) and the translations
/// (replacing those of the same language). The movie's own ids are the caller's.
macro_rules! write_provenance {
    ($tx:expr, $movie_id:expr, $from:expr) => {
        async {
            for (name, tmdb_id) in $from.people {
                sqlx::query(
                    "UPDATE people SET tmdb_id = $1 WHERE name = $2 AND tmdb_id IS NULL \
                     AND NOT EXISTS (SELECT 1 FROM people p WHERE p.tmdb_id = $1)",
                )
                .bind(tmdb_id)
                .bind(name)
                .execute(&mut *$tx)
                .await?;
            }
            for t in $from.translations {
                sqlx::query(
                    "INSERT INTO movie_translations (movie_id, language, title, synopsis) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (movie_id, language) DO UPDATE SET title = excluded.title, synopsis = excluded.synopsis",
                )
                .bind($movie_id)
                .bind(&t.language)
                .bind(&t.title)
                .bind(&t.synopsis)
                .execute(&mut *$tx)
                .await?;
            }
            Ok::<_, sqlx::Error>(())
        }
        .await
    };
}

/// Inserts a movie with its genres and credits and a `created` audit entry; returns its id.
pub async fn insert(db: &Db, input: &MovieInput, user_id: Option<i64>, now: i64) -> sqlx::Result<i64> {
    Ok(insert_many(db, std::slice::from_ref(input), user_id, now).await?[0])
}

/// Inserts movies in one transaction (all or none), as [`insert`] does each; returns their ids.
/// Bulk loads use it to avoid one commit per movie.
pub async fn insert_many(db: &Db, inputs: &[MovieInput], user_id: Option<i64>, now: i64) -> sqlx::Result<Vec<i64>> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let mut ids = Vec::with_capacity(inputs.len());
        for input in inputs {
            let id: i64 = bind_movie_columns!(sqlx::query_scalar(INSERT_MOVIE), input, search_document(input, &[]))
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            write_links!(tx, id, input, now)?;
            let created = [Change { field: "created", old_value: None, new_value: Some(input.title.clone()) }];
            write_audit!(tx, id, user_id, now, &created)?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    })
}

/// Where an imported movie came from, and what else its provider knew.
pub struct Provenance<'a> {
    /// TMDb's id for the movie.
    pub tmdb_id: Option<i64>,
    /// IMDb's id.
    pub imdb_id: Option<&'a str>,
    /// Titles and synopses in other languages.
    pub translations: &'a [Translation],
    /// TMDb's ids for the people credited, by the name the input credits them under.
    pub people: &'a [(String, i64)],
    /// What the audit log says of it ("imported from TMDb #775").
    pub note: String,
}

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ImportError {
    /// A movie with the same TMDb or IMDb id exists (deleted ones included): its id.
    #[error("already imported as movie {0}")]
    AlreadyImported(i64),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Inserts an imported movie as [`insert`] does, with its provider ids, its translations (whose
/// titles join its search text), TMDb ids on its people, and the import in the audit log, all
/// in one transaction. People are matched by TMDb id first (an existing person keeps the name
/// they have here), then by name. Returns the new id.
pub async fn insert_imported(
    db: &Db,
    input: &MovieInput,
    from: &Provenance<'_>,
    user_id: Option<i64>,
    now: i64,
) -> Result<i64, ImportError> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let existing: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM movies WHERE tmdb_id = $1 OR imdb_id = $2 ORDER BY deleted_at IS NOT NULL, id LIMIT 1",
        )
        .bind(from.tmdb_id)
        .bind(from.imdb_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = existing {
            return Err(ImportError::AlreadyImported(id));
        }
        // A person this catalog already has under TMDb's id keeps the name it has here.
        let mut input = input.clone();
        for (name, tmdb_id) in from.people {
            let known: Option<String> = sqlx::query_scalar("SELECT name FROM people WHERE tmdb_id = $1")
                .bind(tmdb_id)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(known) = known.filter(|k| k != name) {
                input.directors.iter_mut().filter(|d| *d == name).for_each(|d| d.clone_from(&known));
                input.cast.iter_mut().filter(|c| c.name == *name).for_each(|c| c.name.clone_from(&known));
            }
        }
        let titles: Vec<String> = from.translations.iter().map(|t| t.title.clone()).filter(|t| !t.is_empty()).collect();
        let id: i64 = bind_movie_columns!(sqlx::query_scalar(INSERT_MOVIE), &input, search_document(&input, &titles))
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("UPDATE movies SET tmdb_id = $1, imdb_id = $2 WHERE id = $3")
            .bind(from.tmdb_id)
            .bind(from.imdb_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        write_links!(tx, id, &input, now)?;
        write_provenance!(tx, id, from)?;
        let created = [
            Change { field: "created", old_value: None, new_value: Some(input.title.clone()) },
            Change { field: "source", old_value: None, new_value: Some(from.note.clone()) },
        ];
        write_audit!(tx, id, user_id, now, &created)?;
        tx.commit().await?;
        Ok(id)
    })
}

/// Why an update did not happen.
#[derive(Debug, thiserror::Error)]
pub(crate) enum UpdateError {
    /// No visible movie has this id.
    #[error("movie not found")]
    NotFound,
    /// The stored version is not the one the edit started from.
    #[error("version conflict: now at {0}")]
    Conflict(i64),
    /// Another movie (deleted ones included) already has the TMDb id the edit gives: its id.
    #[error("the TMDb id belongs to movie {0}")]
    IdTaken(i64),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// One edit of a movie's facts.
pub struct Edit<'a> {
    /// The facts as they become.
    pub input: &'a MovieInput,
    /// What changed, for the audit log.
    pub changes: &'a [Change],
    /// Where the new facts came from, when a provider gave them: its ids become the movie's (an
    /// IMDb id another movie holds excepted), its translations are stored, and its note is added
    /// to the audit log.
    pub from: Option<&'a Provenance<'a>>,
    /// Who edited (none for the system).
    pub user_id: Option<i64>,
    /// Unix seconds.
    pub now: i64,
}

/// Replaces a movie's facts if its version is still `expected_version`, recording the edit's
/// changes in the audit log, all in one transaction. Returns the new version.
pub async fn update(db: &Db, id: i64, expected_version: i64, edit: &Edit<'_>) -> Result<i64, UpdateError> {
    let Edit { input, changes, from, user_id, now } = *edit;
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        if let Some(from) = from {
            let taken: Option<i64> =
                sqlx::query_scalar("SELECT id FROM movies WHERE tmdb_id = $1 AND id <> $2 LIMIT 1")
                    .bind(from.tmdb_id)
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(other) = taken {
                return Err(UpdateError::IdTaken(other));
            }
            // The provider's ids are the movie's from now on; an IMDb id another movie holds (a
            // film listed twice) stays with that movie, and the TMDb id is stored all the same.
            sqlx::query("UPDATE movies SET tmdb_id = COALESCE($1, tmdb_id) WHERE id = $2")
                .bind(from.tmdb_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if let Some(imdb_id) = from.imdb_id {
                sqlx::query(
                    "UPDATE movies SET imdb_id = $1 WHERE id = $2 \
                     AND NOT EXISTS (SELECT 1 FROM movies m WHERE m.imdb_id = $1 AND m.id <> $2)",
                )
                .bind(imdb_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            write_provenance!(tx, id, from)?;
        }
        // The titles of its translations go into its search text.
        let translated: Vec<String> =
            sqlx::query_scalar("SELECT title FROM movie_translations WHERE movie_id = $1 ORDER BY language")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
        let updated: Option<i64> = bind_movie_columns!(
            sqlx::query_scalar(
                "UPDATE movies SET title = $1, original_title = $2, year = $3, runtime_minutes = $4, synopsis = $5, \
             country = $6, original_language = $7, age_rating = $8, trailer_url = $9, sort_title = $10, \
             search_text = $11, updated_at = $12, version = version + 1 \
             WHERE id = $13 AND version = $14 AND deleted_at IS NULL RETURNING version",
            ),
            input,
            search_document(input, &translated)
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
        write_links!(tx, id, input, now)?;
        write_audit!(tx, id, user_id, now, changes)?;
        if let Some(from) = from {
            let source = [Change { field: "source", old_value: None, new_value: Some(from.note.clone()) }];
            write_audit!(tx, id, user_id, now, &source)?;
        }
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
        let mut tx = pool.begin_write().await?;
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
        write_audit!(tx, id, user_id, now, &change)?;
        tx.commit().await?;
        Ok((old_key, version))
    })
}

/// Hides a movie (undoable until purged). False when no visible movie has this id.
pub async fn soft_delete(db: &Db, id: i64, user_id: Option<i64>, now: i64) -> sqlx::Result<bool> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let title: Option<String> = sqlx::query_scalar(
            "UPDATE movies SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL RETURNING title",
        )
        .bind(now)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(title) = title else { return Ok(false) };
        let change = [Change { field: "deleted", old_value: Some(title), new_value: None }];
        write_audit!(tx, id, user_id, now, &change)?;
        tx.commit().await?;
        Ok(true)
    })
}

/// Un-hides a movie deleted at or after `deleted_since`. False when there is none to restore.
pub async fn restore(db: &Db, id: i64, deleted_since: i64, user_id: Option<i64>, now: i64) -> sqlx::Result<bool> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
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
        write_audit!(tx, id, user_id, now, &change)?;
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
        let mut tx = pool.begin_write().await?;
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

impl From<UpdateError> for crate::Error {
    fn from(e: UpdateError) -> Self {
        match e {
            UpdateError::NotFound => crate::Error::NotFound,
            UpdateError::Conflict(current) => crate::Error::VersionConflict { current },
            UpdateError::IdTaken(other) => {
                crate::FieldError::new("tmdb_id", format!("Another movie has this TMDb id: /movies/{other}")).into()
            }
            UpdateError::Database(e) => e.into(),
        }
    }
}
