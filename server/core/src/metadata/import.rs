//! Creating a movie from a provider's facts, as an admin reviewed them in the editor.

use anyhow::Context;

use super::{Metadata, MetadataError, ProviderKind};
use crate::{
    Error, FieldError, Result, Services,
    catalog::{Movie, MovieForm, MovieInput, current_year, get_movie},
    clock::now_unix,
    covers,
    db::movies::{self, ImportError, Provenance},
    images,
};

/// What an import made.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The new movie, as stored.
    pub movie: Movie,
    /// Set when the movie was saved but its poster was not, saying why (for the admin).
    pub poster_problem: Option<String>,
}

impl From<MetadataError> for Error {
    fn from(e: MetadataError) -> Self {
        Error::Provider(e)
    }
}

/// Creates a movie from the provider's movie `id`, with the facts of `form` (the editor, filled
/// from [`super::MovieDetails::form`] and reviewed by the admin), the provider's ids, the
/// translations and the people's ids, and the poster through the cover pipeline (sniffed,
/// re-encoded, three sizes). A provider error, an invalid form or a film already in the catalog
/// saves nothing; the poster is fetched and decoded before anything is saved.
#[tracing::instrument(skip(services, metadata, form))]
pub async fn import_movie(
    services: &Services,
    metadata: &Metadata,
    id: i64,
    form: &MovieForm,
    actor: Option<i64>,
) -> Result<Imported> {
    let input = MovieInput::from_form(form, current_year())?;
    if let Some(actor) = actor {
        crate::limits::hit(&services.db, crate::limits::IMAGE_UPLOADS, &actor.to_string()).await?;
    }
    let details = metadata.details(id).await?;
    let poster = match &details.poster {
        Some(reference) => Some(fetch_poster(metadata, reference).await?),
        None => None,
    };
    let from_tmdb = metadata.provider() == ProviderKind::Tmdb;
    let people: Vec<(String, i64)> = if from_tmdb {
        details.directors.iter().chain(&details.cast).filter_map(|p| Some((p.name.clone(), p.id?))).collect()
    } else {
        Vec::new()
    };
    let provenance = Provenance {
        tmdb_id: from_tmdb.then_some(details.id),
        imdb_id: details.imdb_id.as_deref(),
        translations: &details.translations,
        people: &people,
        note: match metadata.provider() {
            ProviderKind::Tmdb => format!("imported from TMDb #{}", details.id),
            ProviderKind::Offline => format!("imported from the offline catalog ({})", details.title),
        },
    };
    let movie_id = match movies::insert_imported(&services.db, &input, &provenance, actor, now_unix()).await {
        Ok(movie_id) => movie_id,
        Err(ImportError::AlreadyImported(existing)) => {
            return Err(
                FieldError::new("import", format!("This film is already in the catalog: /movies/{existing}")).into()
            );
        }
        Err(ImportError::Database(e)) => return Err(e.into()),
    };
    let poster_problem = match poster {
        Some(poster) => store_poster(services, movie_id, poster, actor).await?,
        None => None,
    };
    Ok(Imported { movie: get_movie(&services.db, movie_id).await?, poster_problem })
}

/// The provider's poster `reference`, fetched and known to decode as a cover can (checked off the
/// async runtime).
pub(super) async fn fetch_poster(metadata: &Metadata, reference: &str) -> Result<Vec<u8>> {
    let bytes = metadata.poster(reference).await?.to_vec();
    crate::blocking::spawn_blocking(move || images::decode_upload(&bytes, images::COVER_LIMITS).map(|_| bytes))
        .await
        .context("checking a poster")?
        .map_err(|e| Error::upload_refused("poster", format!("The provider's poster cannot be used: {e}")))
}

/// Makes `poster` (from [`fetch_poster`]) the cover of movie `movie_id` through the cover pipeline.
/// The movie stays as it is if that fails: the answer is then why, for the admin.
pub(super) async fn store_poster(
    services: &Services,
    movie_id: i64,
    poster: Vec<u8>,
    actor: Option<i64>,
) -> Result<Option<String>> {
    let movie = get_movie(&services.db, movie_id).await?;
    let stored = match covers::encode_upload(movie_id, poster).await {
        Ok(cover) => covers::store(services, movie_id, movie.version, cover, actor).await.map(drop),
        Err(e) => Err(e),
    };
    Ok(stored.err().map(|e| {
        tracing::warn!(movie_id, error = %e, "a movie was saved without the provider's poster");
        match e {
            Error::Unavailable(what) => {
                format!("The movie was saved without its poster: {what} cannot be reached. Upload a cover on its page.")
            }
            _ => "The movie was saved without its poster. Upload a cover on its page.".to_owned(),
        }
    }))
}
