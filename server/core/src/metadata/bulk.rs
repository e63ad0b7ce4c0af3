//! `cinecloud import tmdb`: enriching the catalog from TMDb in bulk — the movies that have a
//! TMDb id (MovieLens's `links.csv` gives them), and those that match one film unambiguously by
//! title and year. Ambiguous matches are listed for an admin to pick, never guessed.
//!
//! Each movie is one transaction (its facts, ids, translations and audit entries), then its
//! poster if it has no cover. A checkpoint row records the last movie done, so a run that is
//! stopped or killed carries on from there; a run that completes removes it. Running it again
//! changes nothing: a movie whose facts already agree with TMDb's is not written.

use std::fmt;

use futures::{StreamExt, stream};
use sha2::{Digest, Sha256};

use super::{
    Metadata, MetadataError, MovieDetails, ProviderKind, SearchHit,
    import::{fetch_poster, store_poster},
    refresh::form_of,
    tmdb::MAX_IN_FLIGHT,
};
use crate::{
    Error, FieldError, Result, Services,
    catalog::{Movie, MovieForm, MovieInput, changes, current_year, text},
    clock::now_unix,
    db::{
        checkpoints,
        movies::{self, Edit, Provenance, UpdateError},
    },
};

/// Which movies a bulk enrichment takes, and which of their fields.
#[derive(Clone, Debug, Default)]
pub struct BulkOptions {
    /// Fill only what the catalog has empty (fields, translations, the cover); keep every value
    /// it has. Without it, TMDb's value replaces ours wherever TMDb has one.
    pub missing_only: bool,
    /// Only these movies, each as the TMDb film given: `(movie_id, tmdb_id)`. This is how an
    /// admin settles the ambiguous matches an earlier run listed.
    pub ids: Option<Vec<(i64, i64)>>,
    /// Start from the first movie even if an earlier run with the same options stopped midway.
    pub restart: bool,
}

impl BulkOptions {
    /// The checkpoint's key: the job and the options that decide which movies it takes.
    fn job(&self) -> String {
        let mut job = "import tmdb".to_owned();
        if self.missing_only {
            job.push_str(" --missing-only");
        }
        if let Some(ids) = &self.ids {
            let mut hash = Sha256::new();
            for (movie, tmdb) in ids {
                hash.update(format!("{movie},{tmdb}\n"));
            }
            job.push_str(&format!(" --ids {:x}", hash.finalize()));
        }
        job
    }
}

/// A catalog movie, as a report names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MovieRef {
    /// Its id here.
    pub id: i64,
    /// Its title here.
    pub title: String,
    /// Its year here.
    pub year: Option<i32>,
}

impl fmt::Display for MovieRef {
    /// `movie 14 "The Glass Harbour" (1987)`; `movie 14` alone when there is no such movie.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.title.is_empty() {
            return write!(f, "movie {}", self.id);
        }
        match self.year {
            Some(year) => write!(f, "movie {} {:?} ({year})", self.id, self.title),
            None => write!(f, "movie {} {:?} (no year)", self.id, self.title),
        }
    }
}

impl From<&Movie> for MovieRef {
    fn from(movie: &Movie) -> Self {
        MovieRef { id: movie.id, title: movie.input.title.clone(), year: movie.input.year }
    }
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BulkReport {
    /// Set when this run carried on after an earlier one that stopped: the last movie it did.
    pub resumed_after: Option<i64>,
    /// How many movies this run took.
    pub total: usize,
    /// Movies that changed (facts, ids, translations or cover).
    pub enriched: usize,
    /// Of those, how many were found by title and year (and now have a TMDb id).
    pub matched: usize,
    /// Of those, how many got TMDb's poster as their cover.
    pub posters: usize,
    /// Movies that already agreed with TMDb.
    pub unchanged: usize,
    /// Movies with more than one candidate (or with no year to tell them apart), and the
    /// candidates.
    pub ambiguous: Vec<(MovieRef, Vec<SearchHit>)>,
    /// Movies TMDb does not have, and why not.
    pub not_found: Vec<(MovieRef, String)>,
    /// Movies left as they were because something failed, and what; a later run retries them.
    pub failed: Vec<(MovieRef, String)>,
}

/// What TMDb had for one movie.
enum Lookup {
    /// Its film (`matched` when found by title and year rather than by id).
    Film { details: Box<MovieDetails>, matched: bool },
    /// More than one candidate, or a title-only match.
    Ambiguous(Vec<SearchHit>),
    /// Nothing, for this reason.
    NotFound(String),
    /// The provider failed.
    Failed(String),
}

/// Enriches the catalog's movies from TMDb as `options` say, in id order, calling `progress`
/// with the report so far and how many movies are done after each one. A provider that refuses
/// the key, or a database error, ends the run with that error; the next run carries on from the
/// last movie done. Refused unless the provider is TMDb.
pub async fn enrich_catalog(
    services: &Services,
    metadata: &Metadata,
    options: &BulkOptions,
    mut progress: impl FnMut(&BulkReport, usize),
) -> Result<BulkReport> {
    if metadata.provider() != ProviderKind::Tmdb {
        let message = "Bulk import needs TMDb: set CINECLOUD_TMDB_TOKEN or CINECLOUD_TMDB_API_KEY.";
        return Err(FieldError::new("provider", message).into());
    }
    let db = &services.db;
    let job = options.job();
    if options.restart {
        checkpoints::clear(db, &job).await?;
    }
    let resumed_after = checkpoints::get(db, &job).await?;
    let after = resumed_after.unwrap_or(0);
    let work: Vec<(i64, Option<i64>)> = match &options.ids {
        Some(ids) => {
            let mut work: Vec<(i64, Option<i64>)> =
                ids.iter().filter(|(movie, _)| *movie > after).map(|&(movie, tmdb)| (movie, Some(tmdb))).collect();
            work.sort_unstable();
            work.dedup_by_key(|(movie, _)| *movie);
            work
        }
        None => movies::visible_ids_after(db, after).await?.into_iter().map(|id| (id, None)).collect(),
    };
    let mut report = BulkReport { resumed_after, total: work.len(), ..BulkReport::default() };
    // TMDb is asked about the next few movies while one is written; writes go in id order, so
    // the checkpoint never passes a movie that is not done.
    let mut lookups = stream::iter(work)
        .map(|(movie_id, given)| async move {
            let Some(movie) = movies::find(db, movie_id).await? else { return Ok((movie_id, None)) };
            let found = find(metadata, &movie, given).await?;
            Ok::<_, Error>((movie_id, Some((movie, found))))
        })
        .buffered(MAX_IN_FLIGHT);
    let mut done = 0;
    while let Some(next) = lookups.next().await {
        let (movie_id, found) = next?;
        match found {
            None => report.failed.push((
                MovieRef { id: movie_id, title: String::new(), year: None },
                "There is no such movie (or it was deleted).".to_owned(),
            )),
            Some((movie, found)) => record(services, metadata, options, movie, found, &mut report).await?,
        }
        checkpoints::set(db, &job, movie_id, now_unix()).await?;
        done += 1;
        progress(&report, done);
    }
    checkpoints::clear(db, &job).await?;
    Ok(report)
}

/// Applies what was found for `movie` and adds the outcome to `report`.
async fn record(
    services: &Services,
    metadata: &Metadata,
    options: &BulkOptions,
    movie: Movie,
    found: Lookup,
    report: &mut BulkReport,
) -> Result<()> {
    let name = MovieRef::from(&movie);
    match found {
        Lookup::Ambiguous(hits) => report.ambiguous.push((name, hits)),
        Lookup::NotFound(why) => report.not_found.push((name, why)),
        Lookup::Failed(why) => report.failed.push((name, why)),
        Lookup::Film { details, matched } => {
            let applied = apply(services, metadata, &movie, &details, options.missing_only).await?;
            if applied.changed || applied.poster {
                report.enriched += 1;
                report.matched += usize::from(matched && applied.changed);
                report.posters += usize::from(applied.poster);
            }
            match applied.failed {
                Some(why) => report.failed.push((name, why)),
                None if !(applied.changed || applied.poster) => report.unchanged += 1,
                None => {}
            }
        }
    }
    Ok(())
}

/// Looks `movie` up on TMDb: by the id `given` for it, else by its own TMDb id, else by title
/// and year. Only a refused key is an error (every movie would fail the same way).
async fn find(metadata: &Metadata, movie: &Movie, given: Option<i64>) -> Result<Lookup> {
    let (id, matched) = match given.or(movie.tmdb_id) {
        Some(id) => (id, false),
        None => match match_by_title(metadata, movie).await? {
            Ok(id) => (id, true),
            Err(found) => return Ok(found),
        },
    };
    Ok(match metadata.details(id).await {
        Ok(details) => Lookup::Film { details: Box::new(details), matched },
        Err(MetadataError::NotFound(_)) => Lookup::NotFound(format!("TMDb has no movie #{id}.")),
        Err(MetadataError::Unauthorized) => return Err(MetadataError::Unauthorized.into()),
        Err(e) => Lookup::Failed(e.to_string()),
    })
}

/// The one TMDb film with `movie`'s title (or original title) and year, or why there is none.
async fn match_by_title(metadata: &Metadata, movie: &Movie) -> Result<Result<i64, Lookup>> {
    let hits = match metadata.search_hits(&movie.input.title, movie.input.year).await {
        Ok(hits) => hits,
        Err(MetadataError::Unauthorized) => return Err(MetadataError::Unauthorized.into()),
        Err(e) => return Ok(Err(Lookup::Failed(e.to_string()))),
    };
    let candidates = candidates(&movie.input.title, movie.input.year, hits);
    Ok(match (movie.input.year, candidates.len()) {
        (_, 0) => Err(Lookup::NotFound("TMDb has no film with this title and year.".to_owned())),
        (Some(_), 1) => Ok(candidates[0].id),
        _ => Err(Lookup::Ambiguous(candidates)),
    })
}

/// The hits whose title or original title is `title` (ignoring case, accents and spacing) and,
/// when `year` is known, whose year is `year`.
fn candidates(title: &str, year: Option<i32>, hits: Vec<SearchHit>) -> Vec<SearchHit> {
    let title = text::fold(title);
    let same = |t: &str| text::fold(t) == title;
    hits.into_iter()
        .filter(|h| same(&h.title) || h.original_title.as_deref().is_some_and(same))
        .filter(|h| year.is_none() || h.year == year)
        .collect()
}

/// What [`apply`] did to one movie.
struct Applied {
    changed: bool,
    poster: bool,
    failed: Option<String>,
}

/// Takes TMDb's facts for `movie` (all it has, or with `missing_only` those the movie lacks),
/// its ids and translations, in one transaction under the movie's version; then its poster if
/// the movie has no cover. Only a database error is an error.
async fn apply(
    services: &Services,
    metadata: &Metadata,
    movie: &Movie,
    details: &MovieDetails,
    missing_only: bool,
) -> Result<Applied> {
    let db = &services.db;
    let mut applied = Applied { changed: false, poster: false, failed: None };
    let form = merged(form_of(&movie.input), details.form(metadata.region()), missing_only);
    let input = match MovieInput::from_form(&form, current_year()) {
        Ok(input) => input,
        Err(e) => {
            applied.failed = Some(format!("TMDb's facts cannot be saved: {e}"));
            return Ok(applied);
        }
    };
    let field_changes = changes(&movie.input, &input);
    let stored = movies::translations(db, movie.id).await?;
    let translations: Vec<_> = details
        .translations
        .iter()
        .filter(|t| !(t.title.is_empty() && t.synopsis.is_empty()))
        .filter(|t| match stored.iter().find(|s| s.language == t.language) {
            Some(_) if missing_only => false,
            Some(ours) => ours != *t,
            None => true,
        })
        .cloned()
        .collect();
    if !field_changes.is_empty() || !translations.is_empty() || movie.tmdb_id != Some(details.id) {
        let people: Vec<(String, i64)> =
            details.directors.iter().chain(&details.cast).filter_map(|p| Some((p.name.clone(), p.id?))).collect();
        let from = Provenance {
            tmdb_id: Some(details.id),
            imdb_id: details.imdb_id.as_deref(),
            translations: &translations,
            people: &people,
            note: format!("enriched from TMDb #{}", details.id),
        };
        let edit = Edit { input: &input, changes: &field_changes, from: Some(&from), user_id: None, now: now_unix() };
        match movies::update(db, movie.id, movie.version, &edit).await {
            Ok(_) => applied.changed = true,
            Err(UpdateError::Database(e)) => return Err(e.into()),
            Err(UpdateError::IdTaken(other)) => {
                applied.failed =
                    Some(format!("TMDb #{} is already movie {other} here (the same film twice?).", details.id));
                return Ok(applied);
            }
            Err(UpdateError::Conflict(_) | UpdateError::NotFound) => {
                applied.failed = Some("It was edited or deleted while this ran; run again.".to_owned());
                return Ok(applied);
            }
        }
    }
    if movie.cover_key.is_none()
        && let Some(reference) = &details.poster
    {
        let problem = match fetch_poster(metadata, reference).await {
            Ok(poster) => store_poster(services, movie.id, poster, None).await?,
            Err(e) => Some(format!("The poster could not be fetched: {e}")),
        };
        match problem {
            None => applied.poster = true,
            Some(problem) => applied.failed = Some(problem),
        }
    }
    Ok(applied)
}

/// `ours` with `theirs`' values: every one TMDb has, or with `missing_only` only where ours is
/// empty. An empty value of theirs never blanks one of ours.
fn merged(mut ours: MovieForm, theirs: MovieForm, missing_only: bool) -> MovieForm {
    fn take<T: Default + PartialEq>(ours: &mut T, theirs: T, missing_only: bool) {
        if theirs != T::default() && !(missing_only && *ours != T::default()) {
            *ours = theirs;
        }
    }
    let MovieForm {
        title,
        original_title,
        year,
        runtime_minutes,
        synopsis,
        country,
        original_language,
        age_rating,
        trailer_url,
        genres,
        directors,
        cast,
    } = theirs;
    take(&mut ours.title, title, missing_only);
    take(&mut ours.original_title, original_title, missing_only);
    take(&mut ours.year, year, missing_only);
    take(&mut ours.runtime_minutes, runtime_minutes, missing_only);
    take(&mut ours.synopsis, synopsis, missing_only);
    take(&mut ours.country, country, missing_only);
    take(&mut ours.original_language, original_language, missing_only);
    take(&mut ours.age_rating, age_rating, missing_only);
    take(&mut ours.trailer_url, trailer_url, missing_only);
    take(&mut ours.genres, genres, missing_only);
    take(&mut ours.directors, directors, missing_only);
    take(&mut ours.cast, cast, missing_only);
    ours
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(id: i64, title: &str, original: Option<&str>, year: Option<i32>) -> SearchHit {
        SearchHit {
            id,
            title: title.into(),
            original_title: original.map(Into::into),
            year,
            directors: Vec::new(),
            poster: None,
        }
    }

    #[test]
    fn candidates_share_the_title_or_original_title_and_the_year() {
        let hits = vec![
            hit(1, "The Glass Harbour", None, Some(1931)),
            hit(2, "The Glass Harbour", None, Some(1987)),
            hit(3, "The Glass Harbour Returns", None, Some(1987)),
            hit(4, "Harbour", Some("the  GLASS harbour"), Some(1987)),
        ];
        let ids = |year| candidates("The Glass Harbour", year, hits.clone()).iter().map(|h| h.id).collect::<Vec<_>>();
        assert_eq!(ids(Some(1987)), vec![2, 4]);
        assert_eq!(ids(Some(1931)), vec![1]);
        assert_eq!(ids(None), vec![1, 2, 4]);
        assert!(candidates("Voyage dans la lune", Some(1902), hits.clone()).is_empty());
        assert_eq!(
            candidates(
                "Le Voyage dans la Lune",
                Some(1902),
                vec![hit(7, "A Trip", Some("Le Voyage dans la Lune"), Some(1902))]
            )
            .len(),
            1
        );
    }

    #[test]
    fn merging_takes_theirs_where_they_have_one_and_with_missing_only_where_ours_is_empty() {
        let ours = MovieForm {
            title: "Ours".into(),
            synopsis: "Our words.".into(),
            genres: vec!["Drama".into()],
            ..MovieForm::default()
        };
        let theirs = MovieForm {
            title: "Theirs".into(),
            year: "1999".into(),
            genres: vec!["Comedy".into()],
            ..MovieForm::default()
        };
        let all = merged(ours.clone(), theirs.clone(), false);
        assert_eq!((all.title.as_str(), all.year.as_str(), all.synopsis.as_str()), ("Theirs", "1999", "Our words."));
        assert_eq!(all.genres, vec!["Comedy"]);
        let missing = merged(ours, theirs, true);
        assert_eq!((missing.title.as_str(), missing.year.as_str()), ("Ours", "1999"));
        assert_eq!(missing.genres, vec!["Drama"]);
    }

    #[test]
    fn each_set_of_options_has_its_own_checkpoint() {
        let plain = BulkOptions::default().job();
        let missing = BulkOptions { missing_only: true, ..BulkOptions::default() }.job();
        let ids = |pairs: Vec<(i64, i64)>| BulkOptions { ids: Some(pairs), ..BulkOptions::default() }.job();
        assert_eq!(plain, "import tmdb");
        assert_eq!(missing, "import tmdb --missing-only");
        assert_ne!(ids(vec![(1, 2)]), ids(vec![(1, 3)]));
        assert_eq!(ids(vec![(1, 2)]), ids(vec![(1, 2)]));
        assert_eq!(BulkOptions { restart: true, ..BulkOptions::default() }.job(), plain, "restarting is the same job");
    }
}
