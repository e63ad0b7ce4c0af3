//! What admins and viewers do with the catalog. Every function takes the handles it needs and
//! is what both the server functions and the tests call.

use super::{
    AuditEntry, Change, Filmography, Genre, Movie, MovieCard, MovieForm, MovieInput, MovieQuery, Page, Person,
};
use crate::{
    Error, FieldError, Result, Services,
    clock::now_unix,
    db::{Db, movies},
};

/// How long a deletion can be undone, in seconds; after that the movie is purged.
pub const UNDO_WINDOW_SECS: i64 = 10 * 60;

/// How far into a result list anyone can page: a deep offset makes the database walk and
/// discard every row before it, and nobody reads 10,000 movies page by page (#15).
pub const MAX_RESULT_OFFSET: u64 = 10_000;

/// What a caller is told past [`MAX_RESULT_OFFSET`].
pub const PAGING_LIMIT_MESSAGE: &str = "Only the first 10,000 results can be paged through: narrow the search instead.";

/// Whether `page` (1-based) of `per_page` starts within [`MAX_RESULT_OFFSET`].
pub fn within_paging_limit(page: u32, per_page: u32) -> bool {
    u64::from(page.max(1) - 1) * u64::from(per_page) < MAX_RESULT_OFFSET
}

/// The current calendar year (UTC), for validating release years.
pub fn current_year() -> i32 {
    // Average Gregorian year: exact enough for a bound that allows five years ahead.
    1970 + (now_unix() / 31_556_952) as i32
}

/// A visible movie, or `NotFound`.
pub async fn get_movie(db: &Db, id: i64) -> Result<Movie> {
    movies::find(db, id).await?.ok_or(Error::NotFound)
}

/// A field error for a page past [`MAX_RESULT_OFFSET`].
pub(crate) fn check_paging(query: &MovieQuery) -> Result<()> {
    if within_paging_limit(query.page, query.per_page) {
        Ok(())
    } else {
        Err(FieldError::new("page", PAGING_LIMIT_MESSAGE).into())
    }
}

/// One page of movies matching the query, read from the database (servers answer lists
/// through [`super::CatalogCache::browse`]).
pub async fn browse(db: &Db, query: &MovieQuery) -> Result<Page<MovieCard>> {
    check_paging(query)?;
    Ok(movies::search(db, query).await?)
}

/// Validates and creates a movie; returns it as stored.
#[tracing::instrument(skip(db, form))]
pub async fn create_movie(db: &Db, form: &MovieForm, actor: Option<i64>) -> Result<Movie> {
    let input = MovieInput::from_form(form, current_year())?;
    let id = movies::insert(db, &input, actor, now_unix()).await?;
    get_movie(db, id).await
}

fn text_change(field: &'static str, old: &Option<String>, new: &Option<String>) -> Option<Change> {
    (old != new).then(|| Change { field, old_value: old.clone(), new_value: new.clone() })
}

fn list(values: &[String]) -> Option<String> {
    (!values.is_empty()).then(|| values.join(", "))
}

/// The fields that differ between two versions of a movie, rendered for the audit log.
pub fn changes(old: &MovieInput, new: &MovieInput) -> Vec<Change> {
    let number = |n: Option<i32>| n.map(|n| n.to_string());
    let cast = |input: &MovieInput| {
        let names: Vec<String> = input
            .cast
            .iter()
            .map(|c| match &c.character {
                Some(character) => format!("{} ({character})", c.name),
                None => c.name.clone(),
            })
            .collect();
        list(&names)
    };
    let synopsis = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    // Genres have no order (a movie's come back sorted by name), so they are compared sorted.
    let genres = |input: &MovieInput| {
        let mut names = input.genres.clone();
        names.sort_unstable_by_key(|name| name.to_lowercase());
        list(&names)
    };
    [
        text_change("title", &Some(old.title.clone()), &Some(new.title.clone())),
        text_change("original_title", &old.original_title, &new.original_title),
        text_change("year", &number(old.year), &number(new.year)),
        text_change("runtime_minutes", &number(old.runtime_minutes), &number(new.runtime_minutes)),
        text_change("synopsis", &synopsis(&old.synopsis), &synopsis(&new.synopsis)),
        text_change("country", &old.country, &new.country),
        text_change("original_language", &old.original_language, &new.original_language),
        text_change("age_rating", &old.age_rating, &new.age_rating),
        text_change("trailer_url", &old.trailer_url, &new.trailer_url),
        text_change("genres", &genres(old), &genres(new)),
        text_change("directors", &list(&old.directors), &list(&new.directors)),
        text_change("cast", &cast(old), &cast(new)),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Saves an edit that started from `expected_version`. A movie saved by someone else since then
/// is not overwritten: the edit is refused with `VersionConflict`. Nothing is saved half-way.
#[tracing::instrument(skip(db, form))]
pub async fn update_movie(
    db: &Db,
    id: i64,
    expected_version: i64,
    form: &MovieForm,
    actor: Option<i64>,
) -> Result<Movie> {
    let input = MovieInput::from_form(form, current_year())?;
    let current = get_movie(db, id).await?;
    if current.version != expected_version {
        return Err(Error::VersionConflict { current: current.version });
    }
    let changes = changes(&current.input, &input);
    if changes.is_empty() {
        return Ok(current);
    }
    let edit = movies::Edit { input: &input, changes: &changes, from: None, user_id: actor, now: now_unix() };
    movies::update(db, id, expected_version, &edit).await?;
    get_movie(db, id).await
}

/// Hides a movie; it can be restored with [`undo_delete`] for [`UNDO_WINDOW_SECS`].
#[tracing::instrument(skip(db))]
pub async fn delete_movie(db: &Db, id: i64, actor: Option<i64>) -> Result<()> {
    if movies::soft_delete(db, id, actor, now_unix()).await? { Ok(()) } else { Err(Error::NotFound) }
}

/// Restores a movie deleted within the undo window.
#[tracing::instrument(skip(db))]
pub async fn undo_delete(db: &Db, id: i64, actor: Option<i64>) -> Result<Movie> {
    let now = now_unix();
    if movies::restore(db, id, now - UNDO_WINDOW_SECS, actor, now).await? {
        get_movie(db, id).await
    } else {
        Err(Error::UndoExpired)
    }
}

/// Removes movies whose undo window has passed, then their cover and video objects (after the
/// commit, so no stored movie ever points at a missing object). Returns how many were purged.
pub async fn purge_deleted(services: &Services, now: i64) -> Result<usize> {
    let purged = movies::purge_deleted(&services.db, now - UNDO_WINDOW_SECS).await?;
    for key in &purged.covers {
        crate::covers::delete_cover_objects(&services.media, key).await;
    }
    for key in &purged.videos {
        crate::videos::delete_object(&services.media, key).await;
    }
    Ok(purged.movies)
}

/// A movie's audit log, newest first.
pub async fn audit_log(db: &Db, id: i64) -> Result<Vec<AuditEntry>> {
    Ok(movies::audit_log(db, id).await?)
}

/// A person and their visible movies, newest first; `NotFound` for an unknown id.
pub async fn person(db: &Db, id: i64) -> Result<Filmography> {
    let person = movies::find_person(db, id).await?.ok_or(Error::NotFound)?;
    Ok(Filmography { person, entries: movies::filmography(db, id).await? })
}

/// Movies like this one (shared people and genres), until recommendations exist.
pub async fn related(db: &Db, id: i64, limit: i64) -> Result<Vec<MovieCard>> {
    Ok(movies::related(db, id, limit.clamp(1, 50)).await?)
}

/// Every genre that has at least one visible movie, by name (for the filter and the editor).
pub async fn genres(db: &Db) -> Result<Vec<Genre>> {
    Ok(movies::genres_in_use(db).await?)
}

/// Up to `limit` people whose name starts with `prefix`, accents and case aside (for
/// autocomplete when editing credits). An empty prefix suggests nobody.
pub async fn suggest_people(db: &Db, prefix: &str, limit: i64) -> Result<Vec<Person>> {
    let prefix = prefix.trim();
    if prefix.is_empty() {
        return Ok(Vec::new());
    }
    Ok(movies::people_starting_with(db, prefix, limit.clamp(1, 50)).await?)
}
