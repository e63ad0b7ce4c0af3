//! Metrics (#17 item 1): what a scrape of `/metrics` says about the server it belongs to. The
//! listener itself, and that the public port has no `/metrics`, are tested on the real binary
//! (`binary::metrics_answer_on_their_own_listener_only`).

use cinecloud_core::{
    Backend, accounts,
    catalog::{self, MovieForm},
    ratings,
    testing::MediaBackend,
};

use crate::support::TestApp;

/// Scrapes `services`' metrics on a listener of their own.
async fn scrape(services: cinecloud_core::Services) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(server::metrics::serve(listener, services));
    let text = reqwest::get(format!("http://{address}/metrics")).await.unwrap().text().await.unwrap();
    server.abort();
    text
}

fn gauge(text: &str, name: &str) -> Option<f64> {
    text.lines().find(|l| l.split(' ').next() == Some(name)).and_then(|l| l.rsplit(' ').next()?.parse().ok())
}

#[tokio::test]
async fn a_scrape_shows_the_served_model_version_and_its_age() {
    let app = TestApp::spawn_configured(Backend::Sqlite, MediaBackend::Local, |s| {
        s.metrics_listen = Some("127.0.0.1:0".parse().unwrap());
    })
    .await;
    let services = app.backends.services.clone();
    assert_eq!(gauge(&scrape(services.clone()).await, "recommender_model_version"), Some(0.0), "none served yet");

    let db = &services.db;
    let movie =
        catalog::create_movie(db, &MovieForm { title: "Vampyr".into(), ..Default::default() }, None).await.unwrap();
    app.signed_up("ada@example.com").await;
    let ada = accounts::find_by_email(db, "ada@example.com").await.unwrap().unwrap();
    ratings::rate(db, ada.id, movie.id, 10).await.unwrap();
    assert_eq!(services.recommender.train_if_due(&services).await.unwrap(), Some(1));

    let text = scrape(services.clone()).await;
    assert_eq!(gauge(&text, "recommender_model_version"), Some(1.0), "{text}");
    assert!(gauge(&text, "recommender_model_age_seconds").is_some_and(|age| (0.0..60.0).contains(&age)), "{text}");
    assert!(gauge(&text, "recommender_training_seconds").is_some_and(|s| s >= 0.0), "{text}");
    // The sign-up went through the router: counted under its route.
    assert!(
        text.lines().any(|l| l.starts_with("http_requests_total{") && l.contains("route=\"/api/sign_up\"")),
        "{text}"
    );
}
