//! Starts the real router on a free port over a fresh database, with a cookie-keeping client.

// Shared by several test binaries, each of which uses only part of it.
#![allow(dead_code)]

use std::net::SocketAddr;

use cinecloud_core::{
    db::Backend,
    testing::{MediaBackend, TestServices},
};
use clap::Parser;
use reqwest::{Client, StatusCode, redirect::Policy};
use serde_json::Value;
use server::{cli::Cli, config::Settings, startup};

/// A running server and what it runs on.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Database and media, for checking what changed.
    pub backends: TestServices,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A signed-up password good enough for every rule.
pub const PASSWORD: &str = "a long enough passphrase";

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
        let site = tempfile::tempdir().unwrap();
        let cli = Cli::try_parse_from([
            "cinecloud",
            "--database-url",
            &backends.db.url,
            "--site-root",
            site.path().to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ])
        .unwrap();
        let mut settings = Settings::from_options(&cli.options).unwrap();
        configure(&mut settings);
        backends.services.videos = settings.videos.clone();
        let (router, _records) = startup::build_router(&settings, backends.services.clone()).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let _site = site;
            axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
        });
        Self { base: format!("http://{addr}"), backends, server }
    }

    /// A browser-like client: keeps cookies, does not follow redirects, sends same-origin
    /// fetch metadata like our own pages do.
    pub fn client(&self) -> Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("sec-fetch-site", "same-origin".parse().unwrap());
        Client::builder().cookie_store(true).redirect(Policy::none()).default_headers(headers).build().unwrap()
    }

    /// POSTs form fields to a server function; returns status and body.
    pub async fn call(&self, client: &Client, endpoint: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let response = client.post(format!("{}/api/{endpoint}", self.base)).form(form).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// GETs a server function (`endpoint?query`); returns status and body.
    pub async fn fetch(&self, client: &Client, path: &str) -> (StatusCode, String) {
        let response = client.get(format!("{}/api/{path}", self.base)).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// The signed-in viewer as the server sees this client (`Value::Null` when anonymous).
    pub async fn viewer(&self, client: &Client) -> Value {
        let (status, body) = self.call(client, "current_viewer", &[]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_str(&body).unwrap()
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
}

/// A client that keeps no cookies and follows no redirects, for reading `Set-Cookie` itself.
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

/// The session cookie this client holds for `base`, if any.
pub fn session_cookie(response_headers: &reqwest::header::HeaderMap) -> Option<String> {
    response_headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("cinecloud_session="))
        .map(|v| v.split(';').next().unwrap().to_owned())
}
