//! TMDb's API v3: search, details with credits, videos, release dates and translations
//! appended, and poster images. At most [`MAX_IN_FLIGHT`] requests at once per process; a 429 is
//! waited out as its `Retry-After` asks (within a bound), a 5xx or a dropped connection retried
//! with backoff, and a request that outlives the timeout is given up.
//!
//! The credential never reaches a log: it is redacted from `Debug`, and only paths are logged.

use std::{fmt, sync::Arc, time::Duration};

use bytes::Bytes;
use serde::Deserialize;
use tokio::sync::Semaphore;
use url::Url;

use super::{AgeRating, CreditedPerson, LANGUAGES, MetadataError, MovieDetails, SearchHit, Translation, backoff};

/// Requests to TMDb in flight at once, per process (TMDb allows about 40 a second; an admin's
/// search needs one, plus one per director looked up).
pub const MAX_IN_FLIGHT: usize = 4;

/// The largest poster accepted, in bytes (the cover pipeline's own limit).
const MAX_POSTER_BYTES: usize = crate::images::MAX_COVER_BYTES;

/// How Cinecloud proves itself to TMDb.
#[derive(Clone)]
pub enum TmdbCredential {
    /// The v4 read access token, sent as a bearer token (`CINECLOUD_TMDB_TOKEN`).
    Token(String),
    /// The v3 API key, sent as the `api_key` parameter (`CINECLOUD_TMDB_API_KEY`).
    ApiKey(String),
}

impl fmt::Debug for TmdbCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TmdbCredential::Token(_) => "Token(<redacted>)",
            TmdbCredential::ApiKey(_) => "ApiKey(<redacted>)",
        })
    }
}

/// Where TMDb is and how patiently to talk to it.
#[derive(Clone, Debug)]
pub struct TmdbSettings {
    /// The API's base URL, ending in `/` (`https://api.themoviedb.org/3/`; tests point it at
    /// their own server).
    pub api_url: Url,
    /// Where poster paths are fetched from, ending in a size (`https://image.tmdb.org/t/p/w780`).
    pub image_url: Url,
    /// The key or token.
    pub credential: TmdbCredential,
    /// The longest one request may take, retries not included.
    pub timeout: Duration,
    /// Retries after a 429, a 5xx or a dropped connection.
    pub retries: u32,
    /// The longest `Retry-After` that is waited out; a longer one fails at once.
    pub max_retry_after: Duration,
}

impl TmdbSettings {
    /// TMDb itself, with `credential`.
    pub fn new(credential: TmdbCredential) -> Self {
        Self {
            api_url: Url::parse("https://api.themoviedb.org/3/").expect("a valid URL"),
            image_url: Url::parse("https://image.tmdb.org/t/p/w780").expect("a valid URL"),
            credential,
            timeout: Duration::from_secs(10),
            retries: 3,
            max_retry_after: Duration::from_secs(10),
        }
    }
}

/// A TMDb API client. Cheap to clone; clones share the connection pool and the in-flight limit.
#[derive(Clone)]
pub struct TmdbClient {
    http: reqwest::Client,
    settings: Arc<TmdbSettings>,
    in_flight: Arc<Semaphore>,
}

impl fmt::Debug for TmdbClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TmdbClient").field("api_url", &self.settings.api_url.as_str()).finish_non_exhaustive()
    }
}

impl TmdbClient {
    /// A client for `settings`.
    pub fn new(settings: TmdbSettings) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(settings.timeout)
            .user_agent(concat!("Cinecloud/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { http, settings: Arc::new(settings), in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT)) })
    }

    /// The raw answer to a movie search (English titles; `year` narrows it).
    pub async fn search(&self, query: &str, year: Option<i32>) -> Result<Bytes, MetadataError> {
        let mut params =
            vec![("query", query.to_owned()), ("include_adult", "false".into()), ("language", "en-US".into())];
        if let Some(year) = year {
            params.push(("year", year.to_string()));
        }
        self.get("search/movie", &params, usize::MAX).await
    }

    /// The raw details of movie `id`, with its credits, videos, release dates and translations.
    pub async fn details(&self, id: i64) -> Result<Bytes, MetadataError> {
        let params = [
            ("append_to_response", "credits,videos,release_dates,translations".to_owned()),
            ("language", "en-US".to_owned()),
        ];
        self.get(&format!("movie/{id}"), &params, usize::MAX).await
    }

    /// A poster image, by the path TMDb gave (`/abc123.jpg`), at the configured size.
    pub async fn poster(&self, path: &str) -> Result<Bytes, MetadataError> {
        self.poster_at(path, None).await
    }

    /// A poster 185 pixels wide, for a list of search hits.
    pub async fn thumbnail(&self, path: &str) -> Result<Bytes, MetadataError> {
        self.poster_at(path, Some("w185")).await
    }

    /// The poster at `size` (TMDb's size segment, replacing the configured one) or at the
    /// configured size.
    async fn poster_at(&self, path: &str, size: Option<&str>) -> Result<Bytes, MetadataError> {
        let safe = path.strip_prefix('/').is_some_and(|name| {
            !name.is_empty()
                && !name.contains("..")
                && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        });
        if !safe {
            return Err(MetadataError::Malformed);
        }
        let base = self.settings.image_url.as_str().trim_end_matches('/');
        let base = match (size, base.rsplit_once('/')) {
            (Some(size), Some((parent, _configured))) => format!("{parent}/{size}"),
            _ => base.to_owned(),
        };
        let url = Url::parse(&format!("{base}{path}")).map_err(|_| MetadataError::Malformed)?;
        self.fetch(url, path, MAX_POSTER_BYTES).await
    }

    async fn get(&self, path: &str, params: &[(&str, String)], max_bytes: usize) -> Result<Bytes, MetadataError> {
        let mut url = self.settings.api_url.join(path).map_err(|_| MetadataError::Malformed)?;
        {
            let mut query = url.query_pairs_mut();
            for (name, value) in params {
                query.append_pair(name, value);
            }
            if let TmdbCredential::ApiKey(key) = &self.settings.credential {
                query.append_pair("api_key", key);
            }
        }
        self.fetch(url, path, max_bytes).await
    }

    /// One GET with the in-flight limit, the timeout and the retries; `what` is what the log
    /// names (never the URL, which may carry the key).
    async fn fetch(&self, url: Url, what: &str, max_bytes: usize) -> Result<Bytes, MetadataError> {
        let _turn = self.in_flight.acquire().await.map_err(|_| MetadataError::Unavailable("shutting down".into()))?;
        let timeout = self.settings.timeout;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request = self.http.get(url.clone()).header("accept", "application/json, image/*");
            if let TmdbCredential::Token(token) = &self.settings.credential {
                request = request.bearer_auth(token);
            }
            let answer = tokio::time::timeout(timeout, async {
                let response = request.send().await?;
                let status = response.status().as_u16();
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                let body = read_capped(response, max_bytes).await?;
                Ok::<_, reqwest::Error>((status, retry_after, body))
            })
            .await;
            let retry_in = match answer {
                Err(_) => {
                    tracing::warn!(what, seconds = timeout.as_secs(), "TMDb did not answer in time");
                    return Err(MetadataError::Timeout(timeout.as_secs().max(1)));
                }
                Ok(Err(e)) => {
                    tracing::warn!(what, attempt, error = %without_url(&e), "TMDb could not be reached");
                    if attempt > self.settings.retries {
                        return Err(MetadataError::Unavailable("no connection".into()));
                    }
                    backoff(attempt)
                }
                Ok(Ok((_, _, None))) => return Err(MetadataError::Malformed),
                Ok(Ok((status, retry_after, Some(body)))) => match status {
                    200..=299 => return Ok(body),
                    401 => return Err(MetadataError::Unauthorized),
                    404 => return Err(MetadataError::NotFound(super::ProviderKind::Tmdb.label())),
                    429 => {
                        let wait = retry_after.unwrap_or_else(|| backoff(attempt));
                        tracing::info!(what, attempt, wait_ms = wait.as_millis() as u64, "TMDb asked us to slow down");
                        if attempt > self.settings.retries || wait > self.settings.max_retry_after {
                            return Err(MetadataError::RateLimited);
                        }
                        wait
                    }
                    500..=599 => {
                        tracing::warn!(what, attempt, status, "TMDb failed");
                        if attempt > self.settings.retries {
                            return Err(MetadataError::Unavailable(format!("HTTP {status}")));
                        }
                        backoff(attempt)
                    }
                    _ => {
                        tracing::warn!(what, status, "TMDb refused the request");
                        return Err(MetadataError::Unavailable(format!("HTTP {status}")));
                    }
                },
            };
            tokio::time::sleep(retry_in).await;
        }
    }
}

/// The body, or `None` when it is longer than `max_bytes` (counted as it arrives).
async fn read_capped(mut response: reqwest::Response, max_bytes: usize) -> Result<Option<Bytes>, reqwest::Error> {
    if response.content_length().is_some_and(|n| n > max_bytes as u64) {
        return Ok(None);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > max_bytes {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body.into()))
}

/// A reqwest error's text without the URL (which may carry the API key).
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_connect() {
        "connect"
    } else if e.is_timeout() {
        "timeout"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else {
        "request"
    };
    format!("{kind}: {}", std::error::Error::source(e).map(|s| s.to_string()).unwrap_or_default())
}

#[derive(Deserialize)]
struct SearchPage {
    results: Vec<SearchResult>,
}

#[derive(Deserialize)]
struct SearchResult {
    id: i64,
    title: String,
    #[serde(default)]
    original_title: Option<String>,
    #[serde(default)]
    release_date: Option<String>,
    #[serde(default)]
    poster_path: Option<String>,
}

/// The hits of a search answer, best first.
pub fn parse_search(body: &[u8]) -> Result<Vec<SearchHit>, MetadataError> {
    let page: SearchPage = serde_json::from_slice(body).map_err(|_| MetadataError::Malformed)?;
    Ok(page
        .results
        .into_iter()
        .map(|r| SearchHit {
            id: r.id,
            original_title: r.original_title.filter(|o| !o.is_empty() && *o != r.title),
            title: r.title,
            year: year_of(r.release_date.as_deref()),
            directors: Vec::new(),
            poster: r.poster_path.filter(|p| !p.is_empty()),
        })
        .collect())
}

#[derive(Deserialize)]
struct Details {
    id: i64,
    title: String,
    #[serde(default)]
    imdb_id: Option<String>,
    #[serde(default)]
    original_title: Option<String>,
    #[serde(default)]
    release_date: Option<String>,
    #[serde(default)]
    runtime: Option<i32>,
    #[serde(default)]
    overview: Option<String>,
    #[serde(default)]
    genres: Vec<Named>,
    #[serde(default)]
    production_countries: Vec<Country>,
    #[serde(default)]
    origin_country: Vec<String>,
    #[serde(default)]
    original_language: Option<String>,
    #[serde(default)]
    poster_path: Option<String>,
    #[serde(default)]
    credits: Credits,
    #[serde(default)]
    videos: Listed<Video>,
    #[serde(default)]
    release_dates: Listed<RegionReleases>,
    #[serde(default)]
    translations: Translations,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
struct Country {
    iso_3166_1: String,
}

#[derive(Default, Deserialize)]
struct Credits {
    #[serde(default)]
    cast: Vec<CastCredit>,
    #[serde(default)]
    crew: Vec<CrewCredit>,
}

#[derive(Deserialize)]
struct CastCredit {
    id: i64,
    name: String,
    #[serde(default)]
    character: Option<String>,
    #[serde(default)]
    order: i64,
}

#[derive(Deserialize)]
struct CrewCredit {
    id: i64,
    name: String,
    #[serde(default)]
    job: String,
}

#[derive(Deserialize)]
struct Listed<T> {
    #[serde(default = "Vec::new")]
    results: Vec<T>,
}

impl<T> Default for Listed<T> {
    fn default() -> Self {
        Self { results: Vec::new() }
    }
}

#[derive(Deserialize)]
struct Video {
    site: String,
    key: String,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    official: bool,
}

#[derive(Deserialize)]
struct RegionReleases {
    iso_3166_1: String,
    #[serde(default)]
    release_dates: Vec<Release>,
}

#[derive(Deserialize)]
struct Release {
    #[serde(default)]
    certification: String,
    #[serde(rename = "type", default)]
    kind: i64,
}

#[derive(Default, Deserialize)]
struct Translations {
    #[serde(default)]
    translations: Vec<TranslationEntry>,
}

#[derive(Deserialize)]
struct TranslationEntry {
    iso_639_1: String,
    iso_3166_1: String,
    #[serde(default)]
    data: TranslationData,
}

#[derive(Default, Deserialize)]
struct TranslationData {
    #[serde(default)]
    title: String,
    #[serde(default)]
    overview: String,
}

/// A details answer in Cinecloud's terms.
pub fn parse_details(body: &[u8]) -> Result<MovieDetails, MetadataError> {
    let d: Details = serde_json::from_slice(body).map_err(|_| MetadataError::Malformed)?;
    let mut cast = d.credits.cast;
    cast.sort_by_key(|c| c.order);
    let directors = d
        .credits
        .crew
        .into_iter()
        .filter(|c| c.job == "Director")
        .map(|c| CreditedPerson { id: Some(c.id), name: c.name, character: None })
        .collect();
    let country = d.production_countries.into_iter().map(|c| c.iso_3166_1).chain(d.origin_country).next();
    Ok(MovieDetails {
        id: d.id,
        imdb_id: d.imdb_id.filter(|i| is_imdb_id(i)),
        original_title: d.original_title.filter(|o| !o.is_empty() && *o != d.title),
        title: d.title,
        year: year_of(d.release_date.as_deref()),
        runtime_minutes: d.runtime.filter(|r| *r > 0),
        synopsis: d.overview.unwrap_or_default(),
        genres: d.genres.into_iter().map(|g| g.name).collect(),
        directors,
        cast: cast
            .into_iter()
            .map(|c| CreditedPerson { id: Some(c.id), name: c.name, character: c.character.filter(|c| !c.is_empty()) })
            .collect(),
        country,
        original_language: d.original_language.filter(|l| !l.is_empty()),
        age_ratings: age_ratings(d.release_dates.results),
        trailer_url: trailer(&d.videos.results),
        poster: d.poster_path.filter(|p| !p.is_empty()),
        translations: translations(d.translations.translations),
    })
}

/// `tt` and digits.
fn is_imdb_id(id: &str) -> bool {
    id.strip_prefix("tt")
        .is_some_and(|digits| (1..=12).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
}

fn year_of(date: Option<&str>) -> Option<i32> {
    date.and_then(|d| d.get(..4)).and_then(|y| y.parse().ok())
}

/// Per region, the theatrical release's certification (type 3), else the first one given.
fn age_ratings(regions: Vec<RegionReleases>) -> Vec<AgeRating> {
    regions
        .into_iter()
        .filter_map(|r| {
            let given = || r.release_dates.iter().filter(|d| !d.certification.trim().is_empty());
            let pick = given().find(|d| d.kind == 3).or_else(|| given().next())?;
            Some(AgeRating { region: r.iso_3166_1.clone(), rating: pick.certification.trim().to_owned() })
        })
        .collect()
}

/// The official trailer on YouTube or Vimeo (any trailer when none is marked official).
fn trailer(videos: &[Video]) -> Option<String> {
    let usable = |v: &&Video| {
        v.kind == "Trailer"
            && !v.key.is_empty()
            && v.key.len() <= 64
            && v.key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
            && matches!(v.site.as_str(), "YouTube" | "Vimeo")
    };
    let video = videos.iter().filter(usable).find(|v| v.official).or_else(|| videos.iter().find(usable))?;
    Some(match video.site.as_str() {
        "YouTube" => format!("https://www.youtube.com/watch?v={}", video.key),
        _ => format!("https://vimeo.com/{}", video.key),
    })
}

/// The translations into the instance's languages other than English; Spanish from Spain, else
/// from Mexico.
fn translations(entries: Vec<TranslationEntry>) -> Vec<Translation> {
    let find = |language: &str, region: &str| {
        entries
            .iter()
            .find(|e| e.iso_639_1 == language && e.iso_3166_1 == region)
            .map(|e| (e.data.title.trim(), e.data.overview.trim()))
    };
    LANGUAGES
        .iter()
        .filter(|tag| **tag != "en-US")
        .filter_map(|tag| {
            let (language, region) = tag.split_once('-')?;
            let (title, synopsis) =
                find(language, region).or_else(|| (language == "es").then(|| find("es", "MX")).flatten())?;
            (!title.is_empty() || !synopsis.is_empty()).then(|| Translation {
                language: (*tag).to_owned(),
                title: title.to_owned(),
                synopsis: synopsis.to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_map_onto_cinecloud_terms() {
        let body = serde_json::json!({
            "id": 42, "imdb_id": "tt0000042", "title": "The Glass Harbour", "original_title": "Le Port de verre",
            "release_date": "1931-05-02", "runtime": 88, "overview": "A lighthouse keeper…",
            "genres": [{"id": 18, "name": "Drama"}], "production_countries": [{"iso_3166_1": "FR", "name": "France"}],
            "original_language": "fr", "poster_path": "/harbour.jpg",
            "credits": {
                "cast": [
                    {"id": 2, "name": "Second Billed", "character": "Mate", "order": 1},
                    {"id": 1, "name": "First Billed", "character": "Keeper", "order": 0}
                ],
                "crew": [{"id": 9, "name": "A. Director", "job": "Director"}, {"id": 10, "name": "An Editor", "job": "Editor"}]
            },
            "videos": {"results": [
                {"site": "YouTube", "key": "teaser1", "type": "Teaser", "official": true},
                {"site": "YouTube", "key": "unofficial", "type": "Trailer", "official": false},
                {"site": "Vimeo", "key": "12345", "type": "Trailer", "official": true}
            ]},
            "release_dates": {"results": [
                {"iso_3166_1": "US", "release_dates": [{"certification": "", "type": 1}, {"certification": "PG", "type": 3}]},
                {"iso_3166_1": "BR", "release_dates": [{"certification": "L", "type": 4}]}
            ]},
            "translations": {"translations": [
                {"iso_639_1": "pt", "iso_3166_1": "BR", "data": {"title": "O Porto de Vidro", "overview": "Um faroleiro…"}},
                {"iso_639_1": "es", "iso_3166_1": "MX", "data": {"title": "El Puerto de Cristal", "overview": ""}},
                {"iso_639_1": "de", "iso_3166_1": "DE", "data": {"title": "Der Glashafen", "overview": ""}}
            ]}
        });
        let d = parse_details(body.to_string().as_bytes()).unwrap();
        assert_eq!(
            (d.id, d.imdb_id.as_deref(), d.year, d.runtime_minutes),
            (42, Some("tt0000042"), Some(1931), Some(88))
        );
        assert_eq!(d.cast.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["First Billed", "Second Billed"]);
        assert_eq!(d.directors, vec![CreditedPerson { id: Some(9), name: "A. Director".into(), character: None }]);
        assert_eq!(d.trailer_url.as_deref(), Some("https://vimeo.com/12345"));
        assert_eq!(d.age_ratings.len(), 2);
        assert_eq!(d.form("US").age_rating, "PG");
        assert_eq!(d.form("BR").age_rating, "L");
        let languages: Vec<&str> = d.translations.iter().map(|t| t.language.as_str()).collect();
        assert_eq!(languages, ["pt-BR", "es-ES"]);
        assert_eq!(d.translations[1].title, "El Puerto de Cristal");
        assert_eq!((d.country.as_deref(), d.poster.as_deref()), (Some("FR"), Some("/harbour.jpg")));
    }

    #[test]
    fn a_body_that_is_not_the_documented_shape_is_malformed() {
        for body in ["", "{", "[]", r#"{"id": "x", "title": 3}"#, r#"{"results": 7}"#] {
            assert_eq!(parse_details(body.as_bytes()).unwrap_err(), MetadataError::Malformed, "{body}");
            assert_eq!(parse_search(body.as_bytes()).unwrap_err(), MetadataError::Malformed, "{body}");
        }
    }

    #[test]
    fn the_credential_is_never_printed() {
        let settings = TmdbSettings::new(TmdbCredential::Token("secret-token-value".into()));
        let client = TmdbClient::new(settings.clone()).unwrap();
        for text in [format!("{settings:?}"), format!("{client:?}")] {
            assert!(!text.contains("secret-token-value"), "{text}");
        }
    }
}
