//! Changes to movies, each in one transaction with its audit entries: insert (one or many),
//! update under a version check, cover, delete, restore and purge.

use crate::{
    catalog::{Change, CreditRole, MovieInput, text},
    db::{BeginWrite as _, Db, on_db},
};

use super::{genre_slug, search_document};

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
pub(crate) enum UpdateError {
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
        let mut tx = pool.begin_write().await?;
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
        write_audit!(tx, id, user_id, now, &change);
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
        write_audit!(tx, id, user_id, now, &change);
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
            UpdateError::Database(e) => e.into(),
        }
    }
}
