//! A TMDb-protocol server in-process for tests: movie search, details with every appended part,
//! and poster images, over fixture movies the project wrote itself (`tmdb/movies.json`: one
//! public-domain film described in our own words, two invented ones, and [`REELS`]). It checks the
//! credential as TMDb does, counts the requests it answers, and can be told to fail the next
//! requests in each of the ways the real one does.

use std::{
    collections::VecDeque,
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde_json::{Value, json};

use crate::metadata::tmdb::{TmdbCredential, TmdbSettings};

/// The token the fixture server accepts.
pub const TOKEN: &str = "fixture-read-access-token";

/// How the fixture server answers one request instead of the right answer.
#[derive(Clone, Debug)]
pub enum Failure {
    /// This status with TMDb's error body.
    Status(u16),
    /// 429 with `Retry-After: secs`.
    RateLimited {
        /// The `Retry-After` value.
        retry_after_secs: u64,
    },
    /// The right answer, after this long.
    Slow(Duration),
    /// 200 with a body that is not JSON.
    Malformed,
}

#[derive(Default)]
struct Fixture {
    failures: Mutex<VecDeque<Failure>>,
    answered: AtomicUsize,
}

/// The running server.
pub struct TestTmdb {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    fixture: Arc<Fixture>,
    server: tokio::task::JoinHandle<()>,
}

/// The ids of the generated fixture films, "Reel 20001" (1950) and on, for bulk runs: one
/// director each, no poster, no translations.
pub const REELS: std::ops::RangeInclusive<i64> = 20_001..=20_100;

/// The fixture movies, as TMDb's details answers.
fn movies() -> Vec<Value> {
    let mut movies: Vec<Value> =
        serde_json::from_str(include_str!("tmdb/movies.json")).expect("the fixture movies are JSON");
    movies.extend(REELS.map(|id| {
        json!({
            "id": id, "title": format!("Reel {id}"), "release_date": format!("{}-01-01", 1950 + id % 50),
            "runtime": 80 + id % 40, "overview": format!("Generated film {id} of the TMDb fixture."),
            "genres": [{ "id": 18, "name": "Drama" }], "original_language": "en", "poster_path": null,
            "credits": { "cast": [], "crew": [{ "id": id, "name": format!("Director {id}"), "job": "Director" }] },
            "videos": { "results": [] }, "release_dates": { "results": [] }, "translations": { "translations": [] },
        })
    }));
    movies
}

impl TestTmdb {
    /// Starts the server on a free port.
    pub async fn start() -> Self {
        Self::start_on("127.0.0.1:0").await
    }

    /// The same on `address` (`host:port`): a fixed one for servers started by another process
    /// (Playwright's stories, through `examples/tmdb_fixture.rs`).
    pub async fn start_on(address: &str) -> Self {
        let fixture = Arc::new(Fixture::default());
        let app = Router::new()
            .route("/3/search/movie", get(search))
            .route("/3/movie/{id}", get(details))
            .route("/t/p/w780/{file}", get(poster))
            .route("/t/p/w185/{file}", get(poster))
            .with_state(fixture.clone());
        let listener = tokio::net::TcpListener::bind(address).await.expect("binding the TMDb fixture's port");
        let addr: SocketAddr = listener.local_addr().expect("the fixture's address");
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { base: format!("http://{addr}"), fixture, server }
    }

    /// Settings for a client of this server with the right token, a 1-second timeout, two
    /// retries, and `Retry-After` waited out up to 2 seconds.
    pub fn settings(&self) -> TmdbSettings {
        self.settings_with(TmdbCredential::Token(TOKEN.to_owned()))
    }

    /// Settings as [`Self::settings`], with another credential.
    pub fn settings_with(&self, credential: TmdbCredential) -> TmdbSettings {
        TmdbSettings {
            api_url: url::Url::parse(&format!("{}/3/", self.base)).expect("a valid URL"),
            image_url: url::Url::parse(&format!("{}/t/p/w780", self.base)).expect("a valid URL"),
            credential,
            timeout: Duration::from_secs(1),
            retries: 2,
            max_retry_after: Duration::from_secs(2),
        }
    }

    /// The next requests fail as listed, in order; later ones are answered right.
    pub fn fail_next(&self, failures: impl IntoIterator<Item = Failure>) {
        self.fixture.failures.lock().expect("the fixture's lock").extend(failures);
    }

    /// How many requests the server has received (failed ones included).
    pub fn requests(&self) -> usize {
        self.fixture.answered.load(Ordering::SeqCst)
    }
}

impl Drop for TestTmdb {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn error(status: StatusCode, code: u32, message: &str) -> Response {
    (status, Json(json!({ "success": false, "status_code": code, "status_message": message }))).into_response()
}

/// Counts the request, checks the credential, and applies the next planned failure; `Some` is
/// the answer to send instead of the right one.
async fn gate(fixture: &Fixture, headers: &HeaderMap, api_key: Option<&str>) -> Option<Response> {
    fixture.answered.fetch_add(1, Ordering::SeqCst);
    let bearer = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {TOKEN}"));
    if !bearer && api_key != Some(TOKEN) {
        return Some(error(StatusCode::UNAUTHORIZED, 7, "Invalid API key: You must be granted a valid key."));
    }
    let next = fixture.failures.lock().expect("the fixture's lock").pop_front();
    match next? {
        Failure::Status(status) => {
            let status = StatusCode::from_u16(status).expect("a valid status");
            Some(error(status, 11, "Internal error: Something went wrong, contact TMDb."))
        }
        Failure::RateLimited { retry_after_secs } => Some(
            (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, retry_after_secs.to_string())],
                Json(json!({ "status_code": 25, "status_message": "Your request count is over the allowed limit." })),
            )
                .into_response(),
        ),
        Failure::Slow(delay) => {
            tokio::time::sleep(delay).await;
            None
        }
        Failure::Malformed => {
            Some((StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], "{\"results\": [").into_response())
        }
    }
}

async fn search(
    State(fixture): State<Arc<Fixture>>,
    headers: HeaderMap,
    Query(params): Query<std::collections::HashMap<String, String>>,
) -> Response {
    if let Some(answer) = gate(&fixture, &headers, params.get("api_key").map(String::as_str)).await {
        return answer;
    }
    let query = params.get("query").map(|q| q.to_lowercase()).unwrap_or_default();
    let year = params.get("year").cloned();
    let results: Vec<Value> = movies()
        .into_iter()
        .filter(|m| {
            let title = m["title"].as_str().unwrap_or_default().to_lowercase();
            let original = m["original_title"].as_str().unwrap_or_default().to_lowercase();
            query.split_whitespace().all(|w| title.contains(w) || original.contains(w))
        })
        .filter(|m| year.as_deref().is_none_or(|y| m["release_date"].as_str().unwrap_or_default().starts_with(y)))
        .map(|m| {
            json!({
                "adult": false, "id": m["id"], "title": m["title"],
                "original_title": m.get("original_title").cloned().unwrap_or_else(|| m["title"].clone()),
                "release_date": m["release_date"], "poster_path": m["poster_path"], "overview": m["overview"],
                "genre_ids": m["genres"].as_array().map(|g| g.iter().map(|g| g["id"].clone()).collect::<Vec<_>>()),
            })
        })
        .collect();
    let total = results.len();
    Json(json!({ "page": 1, "results": results, "total_pages": 1, "total_results": total })).into_response()
}

async fn details(
    State(fixture): State<Arc<Fixture>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(params): Query<std::collections::HashMap<String, String>>,
) -> Response {
    if let Some(answer) = gate(&fixture, &headers, params.get("api_key").map(String::as_str)).await {
        return answer;
    }
    match movies().into_iter().find(|m| m["id"].as_i64() == Some(id)) {
        Some(movie) => Json(movie).into_response(),
        None => error(StatusCode::NOT_FOUND, 34, "The resource you requested could not be found."),
    }
}

/// Images need no credential, as on TMDb's image servers.
async fn poster(State(fixture): State<Arc<Fixture>>, Path(file): Path<String>) -> Response {
    fixture.answered.fetch_add(1, Ordering::SeqCst);
    let known = movies().iter().any(|m| m["poster_path"].as_str() == Some(&format!("/{file}")));
    if !known {
        return StatusCode::NOT_FOUND.into_response();
    }
    ([(header::CONTENT_TYPE, "image/png")], poster_png(&file)).into_response()
}

/// A 400×600 poster in a colour of its own (so two posters differ).
pub fn poster_png(name: &str) -> Vec<u8> {
    let shade = name.bytes().fold(0u8, |a, b| a.wrapping_mul(31).wrapping_add(b));
    let image = image::RgbImage::from_fn(400, 600, |x, y| image::Rgb([shade, (x / 2) as u8, (y / 3) as u8]));
    let mut png = std::io::Cursor::new(Vec::new());
    image.write_to(&mut png, image::ImageFormat::Png).expect("encoding the fixture poster");
    png.into_inner()
}
