//! Movie facts from elsewhere (#19): TMDb's API when a key is configured, the bundled offline
//! catalog when not, every answer kept for a while in a cache-aside cache (in-process or Redis)
//! so a burst of searches as an admin types costs the provider one call per distinct request.
//!
//! What comes back is a [`MovieDetails`]; [`MovieDetails::form`] turns it into the editor's
//! [`MovieForm`], which the admin reviews before anything is saved.

mod bulk;
mod cache;
mod import;
mod offline;
mod refresh;
pub mod tmdb;

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use bytes::Bytes;
use futures::{StreamExt, stream};
use serde::{Deserialize, Serialize};

pub use bulk::{BulkOptions, BulkReport, MovieRef, enrich_catalog};
pub use cache::{CacheSettings, MetadataCache};
pub use import::{Imported, import_movie};
pub use offline::OfflineCatalog;
pub use refresh::{RefreshPreview, apply_refresh, refresh_preview};
pub use tmdb::{TmdbClient, TmdbSettings};

pub use crate::catalog::Translation;
use crate::catalog::{CastMember, MovieForm};

/// The languages the instance keeps titles and synopses in, as TMDb names them.
pub const LANGUAGES: &[&str] = &["en-US", "pt-BR", "es-ES"];

/// How many search hits get their director looked up (one details call each, cached).
const HITS_WITH_DIRECTORS: usize = 5;

/// Who answers metadata questions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProviderKind {
    /// The Movie Database's API v3.
    Tmdb,
    /// The bundled demo catalog and any JSON files in the configured folder; no network.
    Offline,
}

impl ProviderKind {
    /// The provider's name as shown to admins.
    pub fn label(self) -> &'static str {
        match self {
            ProviderKind::Tmdb => "TMDb",
            ProviderKind::Offline => "the offline catalog",
        }
    }
}

/// Why a provider could not answer. Every message is meant for the admin who asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    /// The API key or token was refused (HTTP 401).
    #[error("TMDb refused the API key: check CINECLOUD_TMDB_TOKEN or CINECLOUD_TMDB_API_KEY.")]
    Unauthorized,
    /// The provider has no such movie.
    #[error("{0} has no movie with that id.")]
    NotFound(&'static str),
    /// Still rate limited after waiting as long as the provider asked.
    #[error("TMDb is limiting requests; try again in a minute.")]
    RateLimited,
    /// The provider failed (5xx) or could not be reached, after retries.
    #[error("TMDb is not answering ({0}); try again later.")]
    Unavailable(String),
    /// No answer within the timeout.
    #[error("TMDb did not answer within {0} seconds; try again later.")]
    Timeout(u64),
    /// An answer that is not what the API documents.
    #[error("TMDb sent an answer Cinecloud cannot read.")]
    Malformed,
}

/// One search hit, as the "Find on TMDb" list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The provider's id for the movie.
    pub id: i64,
    /// Title in English.
    pub title: String,
    /// Original title, when it differs.
    pub original_title: Option<String>,
    /// Release year.
    pub year: Option<i32>,
    /// Directors (looked up for the first few hits only).
    pub directors: Vec<String>,
    /// The provider's poster reference ([`Metadata::poster`] fetches it), if it has one.
    pub poster: Option<String>,
}

/// What a search returned, and who answered it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    /// Who answered.
    pub provider: ProviderKind,
    /// Best match first.
    pub hits: Vec<SearchHit>,
}

/// A person credited on a movie, with the provider's id for them when it has one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditedPerson {
    /// The provider's person id.
    pub id: Option<i64>,
    /// Name as credited.
    pub name: String,
    /// The character played (cast only).
    #[serde(default)]
    pub character: Option<String>,
}

/// An age rating in one region.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeRating {
    /// ISO 3166-1 region code.
    pub region: String,
    /// The certification there (`PG-13`, `12`, …).
    pub rating: String,
}

/// Everything a provider knows about one movie, in Cinecloud's terms.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovieDetails {
    /// The provider's id (numbered by the offline catalog itself).
    #[serde(default)]
    pub id: i64,
    /// The IMDb id (`tt…`), when known.
    #[serde(default)]
    pub imdb_id: Option<String>,
    /// Title in English.
    pub title: String,
    /// Original title.
    #[serde(default)]
    pub original_title: Option<String>,
    /// Release year.
    #[serde(default)]
    pub year: Option<i32>,
    /// Runtime in minutes.
    #[serde(default)]
    pub runtime_minutes: Option<i32>,
    /// Synopsis in English.
    #[serde(default)]
    pub synopsis: String,
    /// Genre names, in English.
    #[serde(default)]
    pub genres: Vec<String>,
    /// Directors.
    #[serde(default)]
    pub directors: Vec<CreditedPerson>,
    /// Cast in billing order.
    #[serde(default)]
    pub cast: Vec<CreditedPerson>,
    /// ISO 3166-1 production country (the first one).
    #[serde(default)]
    pub country: Option<String>,
    /// ISO 639-1 original language.
    #[serde(default)]
    pub original_language: Option<String>,
    /// Age ratings by region.
    #[serde(default)]
    pub age_ratings: Vec<AgeRating>,
    /// An https link to the official trailer.
    #[serde(default)]
    pub trailer_url: Option<String>,
    /// The provider's poster reference.
    #[serde(default)]
    pub poster: Option<String>,
    /// Titles and synopses in the instance's other languages.
    #[serde(default)]
    pub translations: Vec<Translation>,
}

/// How many cast members an import keeps (the editor's own limit is 100; a TMDb cast list can
/// run to hundreds of uncredited extras).
pub const MAX_IMPORTED_CAST: usize = 30;

impl MovieDetails {
    /// The editor's form, filled with these facts; `region` picks the age rating.
    pub fn form(&self, region: &str) -> MovieForm {
        let age_rating = self.age_ratings.iter().find(|a| a.region.eq_ignore_ascii_case(region));
        MovieForm {
            title: self.title.clone(),
            original_title: self.original_title.clone().unwrap_or_default(),
            year: self.year.map(|y| y.to_string()).unwrap_or_default(),
            runtime_minutes: self.runtime_minutes.map(|r| r.to_string()).unwrap_or_default(),
            synopsis: self.synopsis.clone(),
            country: self.country.clone().unwrap_or_default(),
            original_language: self.original_language.clone().unwrap_or_default(),
            age_rating: age_rating.map(|a| a.rating.clone()).unwrap_or_default(),
            trailer_url: self.trailer_url.clone().unwrap_or_default(),
            genres: self.genres.clone(),
            directors: self.directors.iter().map(|d| d.name.clone()).collect(),
            cast: self
                .cast
                .iter()
                .take(MAX_IMPORTED_CAST)
                .map(|c| CastMember { name: c.name.clone(), character: c.character.clone() })
                .collect(),
        }
    }
}

/// Where answers come from.
#[derive(Clone, Debug)]
pub enum Provider {
    /// TMDb's API.
    Tmdb(TmdbClient),
    /// The offline catalog.
    Offline(Arc<OfflineCatalog>),
}

/// How often the cache answered, and how often the provider had to.
#[derive(Debug, Default)]
struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
    provider_calls: AtomicU64,
    provider_errors: AtomicU64,
}

/// A snapshot of [`Metadata`]'s counters (also exported as `cinecloud_metadata_*` metrics).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MetadataStats {
    /// Answers served from the cache.
    pub cache_hits: u64,
    /// Requests the cache did not have.
    pub cache_misses: u64,
    /// Requests sent to the provider.
    pub provider_calls: u64,
    /// Provider requests that failed.
    pub provider_errors: u64,
}

/// The metadata service: a provider behind a cache. Cheap to clone; clones share both.
#[derive(Clone, Debug)]
pub struct Metadata {
    provider: Provider,
    cache: MetadataCache,
    counters: Arc<Counters>,
    region: Arc<str>,
}

impl Default for Metadata {
    /// The offline catalog (demo films only) with an in-process cache.
    fn default() -> Self {
        Self::new(Provider::Offline(Arc::new(OfflineCatalog::demo())), MetadataCache::memory(&CacheSettings::default()))
    }
}

impl Metadata {
    /// A provider behind a cache.
    pub fn new(provider: Provider, cache: MetadataCache) -> Self {
        Self { provider, cache, counters: Arc::default(), region: "US".into() }
    }

    /// The same, taking age ratings from `region` (ISO 3166-1; `US` by default).
    pub fn with_region(self, region: &str) -> Self {
        Self { region: region.to_ascii_uppercase().into(), ..self }
    }

    /// The region whose age ratings imports take.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Who answers.
    pub fn provider(&self) -> ProviderKind {
        match self.provider {
            Provider::Tmdb(_) => ProviderKind::Tmdb,
            Provider::Offline(_) => ProviderKind::Offline,
        }
    }

    /// The cache's counters so far.
    pub fn stats(&self) -> MetadataStats {
        let c = &self.counters;
        MetadataStats {
            cache_hits: c.hits.load(Ordering::Relaxed),
            cache_misses: c.misses.load(Ordering::Relaxed),
            provider_calls: c.provider_calls.load(Ordering::Relaxed),
            provider_errors: c.provider_errors.load(Ordering::Relaxed),
        }
    }

    /// Movies matching `query` (and `year`, if given), best first, the first few with their
    /// directors. A blank query finds nothing without asking anyone.
    #[tracing::instrument(skip(self))]
    pub async fn search(&self, query: &str, year: Option<i32>) -> Result<SearchResults, MetadataError> {
        let mut hits = self.search_hits(query, year).await?;
        // Directors come with the details, which the admin's pick needs anyway (and are cached);
        // the offline catalog's hits have them already.
        let lookups: Vec<i64> =
            hits.iter().take(HITS_WITH_DIRECTORS).filter(|h| h.directors.is_empty()).map(|h| h.id).collect();
        let directors: Vec<Vec<String>> = stream::iter(lookups)
            .map(|id| async move {
                match self.details(id).await {
                    Ok(d) => d.directors.into_iter().map(|p| p.name).collect(),
                    Err(e) => {
                        tracing::debug!(id, error = %e, "no directors for a search hit");
                        Vec::new()
                    }
                }
            })
            .buffered(tmdb::MAX_IN_FLIGHT)
            .collect()
            .await;
        for (hit, names) in hits.iter_mut().filter(|h| h.directors.is_empty()).zip(directors) {
            hit.directors = names;
        }
        Ok(SearchResults { provider: self.provider(), hits })
    }

    /// The hits of a search, as the provider gives them (no directors looked up).
    async fn search_hits(&self, query: &str, year: Option<i32>) -> Result<Vec<SearchHit>, MetadataError> {
        let query = query.split_whitespace().collect::<Vec<_>>().join(" ");
        if query.is_empty() {
            return Ok(Vec::new());
        }
        match &self.provider {
            Provider::Offline(catalog) => Ok(catalog.search(&query, year)),
            Provider::Tmdb(client) => {
                let key = format!("tmdb:search:{}:{query}", year.map(|y| y.to_string()).unwrap_or_default());
                self.cached(&key, || client.search(&query, year), tmdb::parse_search).await
            }
        }
    }

    /// Everything the provider knows about movie `id`.
    #[tracing::instrument(skip(self))]
    pub async fn details(&self, id: i64) -> Result<MovieDetails, MetadataError> {
        match &self.provider {
            Provider::Offline(catalog) => {
                catalog.details(id).ok_or(MetadataError::NotFound(ProviderKind::Offline.label()))
            }
            Provider::Tmdb(client) => {
                self.cached(&format!("tmdb:movie:{id}"), || client.details(id), tmdb::parse_details).await
            }
        }
    }

    /// The poster image's bytes for a reference from [`SearchHit::poster`] or
    /// [`MovieDetails::poster`] (not cached: it goes through the cover pipeline once).
    pub async fn poster(&self, reference: &str) -> Result<Bytes, MetadataError> {
        self.image(reference, false).await
    }

    /// A small poster for a search hit (the offline catalog has one size only).
    pub async fn thumbnail(&self, reference: &str) -> Result<Bytes, MetadataError> {
        self.image(reference, true).await
    }

    async fn image(&self, reference: &str, thumbnail: bool) -> Result<Bytes, MetadataError> {
        let client = match &self.provider {
            Provider::Offline(catalog) => return catalog.poster(reference).await,
            Provider::Tmdb(client) => client,
        };
        self.count(&self.counters.provider_calls, "cinecloud_metadata_provider_calls_total");
        let fetched = if thumbnail { client.thumbnail(reference).await } else { client.poster(reference).await };
        fetched.inspect_err(|_| self.count(&self.counters.provider_errors, "cinecloud_metadata_provider_errors_total"))
    }

    fn count(&self, counter: &AtomicU64, metric: &'static str) {
        counter.fetch_add(1, Ordering::Relaxed);
        metrics::counter!(metric, "provider" => self.provider().label()).increment(1);
    }

    /// Cache-aside: `parse` of the cached body for `key`, or of `fetch`'s answer, which is
    /// stored for next time only if it parses. Errors are never cached.
    async fn cached<T, F, Fut>(
        &self,
        key: &str,
        fetch: F,
        parse: fn(&[u8]) -> Result<T, MetadataError>,
    ) -> Result<T, MetadataError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Bytes, MetadataError>>,
    {
        if let Some(body) = self.cache.get(key).await
            && let Ok(answer) = parse(&body)
        {
            self.count(&self.counters.hits, "cinecloud_metadata_cache_hits_total");
            return Ok(answer);
        }
        self.count(&self.counters.misses, "cinecloud_metadata_cache_misses_total");
        self.count(&self.counters.provider_calls, "cinecloud_metadata_provider_calls_total");
        let answer = fetch().await.and_then(|body| Ok((parse(&body)?, body)));
        match answer {
            Ok((answer, body)) => {
                self.cache.put(key, body).await;
                Ok(answer)
            }
            Err(e) => {
                self.count(&self.counters.provider_errors, "cinecloud_metadata_provider_errors_total");
                Err(e)
            }
        }
    }
}

/// How long to wait before retry `attempt` (1-based) of a failed provider call: 250 ms, 500 ms,
/// 1 s, ….
pub(crate) fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(250 << attempt.saturating_sub(1).min(4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_takes_the_regions_age_rating_and_caps_the_cast() {
        let details = MovieDetails {
            id: 7,
            title: "Night Train".into(),
            year: Some(1999),
            age_ratings: vec![
                AgeRating { region: "BR".into(), rating: "14".into() },
                AgeRating { region: "US".into(), rating: "PG-13".into() },
            ],
            cast: (0..40)
                .map(|i| CreditedPerson { id: Some(i), name: format!("Actor {i}"), character: None })
                .collect(),
            ..MovieDetails::default()
        };
        let form = details.form("us");
        assert_eq!(
            (form.title.as_str(), form.year.as_str(), form.age_rating.as_str()),
            ("Night Train", "1999", "PG-13")
        );
        assert_eq!(form.cast.len(), MAX_IMPORTED_CAST);
        assert_eq!(details.form("BR").age_rating, "14");
        assert_eq!(details.form("FR").age_rating, "");
    }

    #[test]
    fn backoff_doubles_and_stops_growing() {
        let waits: Vec<u64> = (1..=7).map(|a| backoff(a).as_millis() as u64).collect();
        assert_eq!(waits, vec![250, 500, 1000, 2000, 4000, 4000, 4000]);
    }
}
