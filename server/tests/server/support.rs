//! Starts the real router on a free port over a fresh database, with a cookie-keeping client, and
//! calls server functions with the app's own wire types.

use app::{
    api::{
        auth::Viewer,
        catalog::{MovieView, RatingSummary},
        lists::{ListChoice, ListSummaryView, ListView},
        recommend::ForYouView,
    },
    error::AppError,
};
use cinecloud_core::{
    Backend,
    accounts::{self, SignUp},
    testing::{MediaBackend, TestServices},
};
use clap::Parser;
use reqwest::{Client, StatusCode, redirect::Policy};
use serde::de::DeserializeOwned;
use server::{cli::Cli, config::Settings, startup, web::page_cache::PageCache};

/// A running server and what it runs on.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Database and media, for checking what changed.
    pub backends: TestServices,
    /// The visitors' page cache, for checking what it answered.
    pub pages: PageCache,
    server: tokio::task::JoinHandle<()>,
}

/// A second server started by [`TestApp::another_server`].
pub struct OtherServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Its own pool and caches.
    pub services: cinecloud_core::Services,
    /// Its visitors' page cache.
    pub pages: PageCache,
    server: tokio::task::JoinHandle<()>,
    _media: tempfile::TempDir,
}

impl Drop for OtherServer {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A test server's settings over the database at `url` (plus `args`), with an empty site folder
/// unless `configure` names another, and a listener on a free port whose address is its public
/// URL (the cross-site check's origin).
async fn settings_for(
    url: &str,
    args: &[&str],
    configure: impl FnOnce(&mut Settings),
) -> (Settings, tokio::net::TcpListener, tempfile::TempDir) {
    let site = tempfile::tempdir().unwrap();
    let site_root = site.path().to_str().unwrap().to_owned();
    let mut argv = vec!["cinecloud", "--database-url", url, "--listen", "127.0.0.1:0", "--site-root", &site_root];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut settings = Settings::from_options(&cli.options).unwrap();
    settings.public_url = format!("http://{addr}").parse().unwrap();
    // Stories sign up many viewers from 127.0.0.1; the limit's own test lowers it again.
    settings.sign_ups_per_hour = 10_000;
    configure(&mut settings);
    (settings, listener, site)
}

/// The one runtime every test server in this process runs on, as `cinecloud serve` runs on one
/// multi-threaded runtime: pages render across threads as in production, while each test's
/// client stays on its own single-threaded `#[tokio::test]` runtime.
static SERVERS: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("test-servers")
        .enable_all()
        .build()
        .expect("the test servers' runtime")
});

/// Serves the real router over `services` on `listener`, on [`SERVERS`]; `site` lives as long
/// as the server.
async fn serve(
    settings: Settings,
    listener: tokio::net::TcpListener,
    site: tempfile::TempDir,
    services: cinecloud_core::Services,
) -> (String, PageCache, tokio::task::JoinHandle<()>) {
    let base = format!("http://{}", listener.local_addr().unwrap());
    // Handed over as a std listener: a tokio one stays tied to the runtime that made it.
    let listener = listener.into_std().unwrap();
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let pages = PageCache::default();
    let served = pages.clone();
    let server = SERVERS.spawn(async move {
        let _site = site;
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        let (router, _records) = startup::build_router(&settings, services, Default::default(), served).await.unwrap();
        let header_timeout = settings.read_timeouts.header;
        let _ = ready_tx.send(());
        server::listener::serve(listener, router, header_timeout, std::future::pending()).await.unwrap();
    });
    ready_rx.await.expect("the test server started");
    (base, pages, server)
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A signed-up password good enough for every rule.
pub const PASSWORD: &str = "a long enough passphrase";

/// A server function's refusal as a client sees it: the status and the body (an [`AppError`] as
/// JSON, or the middleware's text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body as sent.
    pub body: String,
}

impl Refused {
    /// The error the server function returned, when the body is one.
    pub fn error(&self) -> Option<AppError> {
        serde_json::from_str(&self.body).ok()
    }
}

/// What a server function answered: its value, or how it refused.
pub type Answer<T> = Result<T, Refused>;

async fn answer<T: DeserializeOwned>(response: reqwest::Response) -> Answer<T> {
    let status = response.status();
    let body = response.text().await.unwrap();
    if status.is_success() {
        Ok(serde_json::from_str(&body).unwrap_or_else(|e| panic!("{status} answer {body:?} does not decode: {e}")))
    } else {
        Err(Refused { status, body })
    }
}

impl TestApp {
    /// Starts the app on `backend` with local media.
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, MediaBackend::Local).await
    }

    /// Starts the app on `backend` with media on `media`.
    pub async fn spawn_with(backend: Backend, media: MediaBackend) -> Self {
        Self::spawn_configured(backend, media, |_| {}).await
    }

    /// Starts the app after `configure` adjusted its settings (short session lifetimes…).
    pub async fn spawn_configured(
        backend: Backend,
        media: MediaBackend,
        configure: impl FnOnce(&mut Settings),
    ) -> Self {
        let mut backends = TestServices::with_media(backend, media).await;
        let (settings, listener, site) = settings_for(&backends.db.url, &[], configure).await;
        backends.services.videos = settings.videos.clone();
        backends.services.catalog = cinecloud_core::catalog::CatalogCache::new(settings.catalog);
        let (base, pages, server) = serve(settings, listener, site, backends.services.clone()).await;
        Self { base, backends, pages, server }
    }

    /// Starts the app on `backend` (local media) answering metadata questions with `metadata`.
    pub async fn spawn_with_metadata(backend: Backend, metadata: cinecloud_core::metadata::Metadata) -> Self {
        let mut backends = TestServices::new(backend).await;
        let (settings, listener, site) = settings_for(&backends.db.url, &[], |_| {}).await;
        backends.services.metadata = metadata;
        let (base, pages, server) = serve(settings, listener, site, backends.services.clone()).await;
        Self { base, backends, pages, server }
    }

    /// Another server of the same fleet: it opens the same database the way `cinecloud serve`
    /// does (its own pool, caches and media folder) and serves on its own port.
    pub async fn another_server(&self, configure: impl FnOnce(&mut Settings)) -> OtherServer {
        let media = tempfile::tempdir().unwrap();
        let media_dir = media.path().to_str().unwrap().to_owned();
        let (settings, listener, site) =
            settings_for(&self.backends.db.url, &["--media-dir", &media_dir], configure).await;
        let services = startup::connect_services(&settings).await.unwrap();
        let (base, pages, server) = serve(settings, listener, site, services.clone()).await;
        OtherServer { base, services, pages, server, _media: media }
    }

    /// A browser-like client: keeps cookies, does not follow redirects, sends same-origin
    /// fetch metadata like our own pages do.
    pub fn client(&self) -> Client {
        browser_client()
    }

    /// POSTs form fields to a server function; returns status and body as sent.
    pub async fn call(&self, client: &Client, endpoint: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let response = client.post(format!("{}/api/{endpoint}", self.base)).form(form).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// POSTs form fields to a server function and decodes its answer.
    pub async fn post<T: DeserializeOwned>(&self, client: &Client, endpoint: &str, form: &[(&str, &str)]) -> Answer<T> {
        answer(client.post(format!("{}/api/{endpoint}", self.base)).form(form).send().await.unwrap()).await
    }

    /// POSTs a JSON body to a server function that takes JSON (the movie editor's) and decodes
    /// its answer.
    pub async fn post_json<T: DeserializeOwned>(
        &self,
        client: &Client,
        endpoint: &str,
        body: &serde_json::Value,
    ) -> Answer<T> {
        answer(client.post(format!("{}/api/{endpoint}", self.base)).json(body).send().await.unwrap()).await
    }

    /// GETs a server function (`endpoint?query`) and decodes its answer.
    pub async fn get<T: DeserializeOwned>(&self, client: &Client, path: &str) -> Answer<T> {
        answer(client.get(format!("{}/api/{path}", self.base)).send().await.unwrap()).await
    }

    /// The signed-in viewer as the server sees this client (`None` when anonymous).
    pub async fn viewer(&self, client: &Client) -> Option<Viewer> {
        self.post(client, "current_viewer", &[]).await.unwrap()
    }

    /// Uploads `bytes` as the profile photo, as the profile page's form does.
    pub async fn upload_photo(&self, client: &Client, bytes: Vec<u8>) -> reqwest::Response {
        let part = reqwest::multipart::Part::bytes(bytes).file_name("photo.png");
        client
            .post(format!("{}/api/upload_photo", self.base))
            .multipart(reqwest::multipart::Form::new().part("photo", part))
            .send()
            .await
            .unwrap()
    }

    /// Signs up a viewer on a new client and returns the client.
    pub async fn signed_up(&self, email: &str) -> Client {
        let client = self.client();
        let (status, body) =
            self.call(&client, "sign_up", &[("email", email), ("display_name", "Ada"), ("password", PASSWORD)]).await;
        assert!(status.is_success() || status.is_redirection(), "{status} {body}");
        client
    }

    /// Signs in on a new client.
    pub async fn logged_in(&self, email: &str, password: &str) -> Client {
        let client = self.client();
        let (status, body) = self.call(&client, "log_in", &[("email", email), ("password", password)]).await;
        assert!(status.is_success() || status.is_redirection(), "{status} {body}");
        client
    }

    /// Creates the admin `root@example.com` and signs in as them on a new client.
    pub async fn admin(&self) -> Client {
        let signup = SignUp { email: "root@example.com", display_name: "Root", password: PASSWORD };
        accounts::create_admin(&self.backends.services.db, signup).await.unwrap();
        self.logged_in("root@example.com", PASSWORD).await
    }

    /// One movie as its page loads it, with the caller's own rating and watchlist.
    pub async fn movie(&self, client: &Client, id: i64) -> Answer<MovieView> {
        self.get(client, &format!("movie?id={id}")).await
    }

    /// Rates a movie in half stars, or with `None` removes the rating.
    pub async fn rate(&self, client: &Client, id: i64, half_stars: Option<i64>) -> Answer<RatingSummary> {
        let (id, half_stars) = (id.to_string(), half_stars.map(|h| h.to_string()));
        let mut form = vec![("id", id.as_str())];
        form.extend(half_stars.as_deref().map(|h| ("half_stars", h)));
        self.post(client, "rate_movie", &form).await
    }

    /// The home page's recommendations (`None` for a visitor).
    pub async fn recommendations(&self, client: &Client) -> Answer<Option<ForYouView>> {
        self.get(client, "recommendations").await
    }

    /// Says "not interested" in a movie, or with `undo` takes it back.
    pub async fn not_interested(&self, client: &Client, id: i64, undo: bool) -> Answer<()> {
        self.post(client, "not_interested", &[("id", &id.to_string()), ("undo", &undo.to_string())]).await
    }

    /// Creates a playlist.
    pub async fn create_list(&self, client: &Client, name: &str) -> Answer<ListSummaryView> {
        self.post(client, "lists/create", &[("name", name)]).await
    }

    /// The caller's lists, the watchlist first.
    pub async fn my_lists(&self, client: &Client) -> Answer<Vec<ListSummaryView>> {
        self.get(client, "lists/mine").await
    }

    /// A list as its page loads it.
    pub async fn list(&self, client: &Client, id: i64) -> Answer<ListView> {
        self.get(client, &format!("lists/get?id={id}")).await
    }

    /// Adds a movie to one of the caller's lists (`None`: the watchlist).
    pub async fn add_to_list(&self, client: &Client, list: Option<i64>, movie: i64) -> Answer<()> {
        self.list_change(client, "lists/add", list, movie).await
    }

    /// Takes a movie off one of the caller's lists (`None`: the watchlist).
    pub async fn remove_from_list(&self, client: &Client, list: Option<i64>, movie: i64) -> Answer<()> {
        self.list_change(client, "lists/remove", list, movie).await
    }

    async fn list_change(&self, client: &Client, endpoint: &str, list: Option<i64>, movie: i64) -> Answer<()> {
        let (list, movie) = (list.map(|l| l.to_string()), movie.to_string());
        let mut form = vec![("movie_id", movie.as_str())];
        form.extend(list.as_deref().map(|l| ("list_id", l)));
        self.post(client, endpoint, &form).await
    }

    /// The caller's lists, each with whether it holds `movie`: the "Save to…" menu.
    pub async fn lists_for_movie(&self, client: &Client, movie: i64) -> Answer<Vec<ListChoice>> {
        self.get(client, &format!("lists/for_movie?movie_id={movie}")).await
    }
}

/// A client that keeps no cookies and follows no redirects, for reading `Set-Cookie` itself.
/// A browser-like client: keeps cookies, does not follow redirects, sends same-origin fetch
/// metadata like our own pages do.
pub fn browser_client() -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("sec-fetch-site", "same-origin".parse().unwrap());
    // A page that never comes fails its test within a minute instead of holding the whole run
    // until CI's limit.
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .default_headers(headers)
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap()
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn raw_client() -> Client {
    Client::builder().redirect(Policy::none()).build().unwrap()
}

/// Signs up through `raw` (same-origin, as our pages do) and returns the response.
pub async fn raw_sign_up(raw: &Client, base: &str, email: &str) -> reqwest::Response {
    raw.post(format!("{base}/api/sign_up"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("email", email), ("display_name", "Ada"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap()
}

/// The session cookie in these response headers, if any.
pub fn session_cookie(response_headers: &reqwest::header::HeaderMap) -> Option<String> {
    response_headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("cinecloud_session=") || v.starts_with("__Host-cinecloud_session="))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

/// A PNG of `width` × `height` with a gradient, built in memory.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 99]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

/// A `cinecloud serve` process of its own (the built binary), with what it has logged so far.
pub struct Instance {
    /// Its name in assertions (and the fleet's balancer).
    pub name: &'static str,
    /// The port it listens on, on 127.0.0.1.
    pub port: u16,
    /// The process.
    pub child: tokio::process::Child,
    logs: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    _site: tempfile::TempDir,
}

impl Instance {
    /// Starts `cinecloud serve` on a free port with JSON logs, no demo catalog, an empty site
    /// folder, and `env` (which must name `DATABASE_URL` and the media storage); returns at once.
    pub async fn serve(name: &'static str, env: &[(&str, &str)]) -> Self {
        use tokio::io::{AsyncBufReadExt, BufReader};
        let port = free_port();
        let site = tempfile::tempdir().unwrap();
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_cinecloud"))
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("CINECLOUD_LISTEN", format!("127.0.0.1:{port}"))
            .env("CINECLOUD_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
            .env("CINECLOUD_DEMO_CATALOG", "false")
            .env("CINECLOUD_LOG_FORMAT", "json")
            .env("CINECLOUD_DRAIN_SECONDS", "0")
            .env("LEPTOS_SITE_ROOT", site.path())
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("starting cinecloud serve");
        let logs = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        // Read both streams as they come: a server blocked on a full pipe answers nobody.
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn tokio::io::AsyncRead + Unpin + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let logs = logs.clone();
            tokio::spawn(async move {
                let mut lines = BufReader::new(stream).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    logs.lock().unwrap().push(line);
                }
            });
        }
        Instance { name, port, child, logs, _site: site }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The lines logged so far that contain `needle`.
    pub fn logged(&self, needle: &str) -> Vec<String> {
        self.logs.lock().unwrap().iter().filter(|l| l.contains(needle)).cloned().collect()
    }

    /// Waits (up to a minute) until `/readyz` answers 200.
    pub async fn ready(&self) {
        wait_until(std::time::Duration::from_secs(60), || async {
            reqwest::get(format!("{}/readyz", self.base())).await.is_ok_and(|r| r.status() == StatusCode::OK)
        })
        .await
        .unwrap_or_else(|| panic!("server {} never became ready: {:?}", self.name, self.logs.lock()));
    }
}

/// Polls `check` every 200 ms until it holds; `None` if it never did within `limit`.
pub async fn wait_until<F, Fut>(limit: std::time::Duration, mut check: F) -> Option<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = std::time::Instant::now();
    while started.elapsed() < limit {
        if check().await {
            return Some(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    None
}
