//! Liveness and readiness, as a load balancer asks for them.

use app::error::AppError;
use cinecloud_core::{
    Backend,
    catalog::{self, MovieForm},
    test_both_backends,
    testing::MediaBackend,
};
use reqwest::StatusCode;

use crate::support::{TestApp, png};

async fn health_and_readiness_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = app.client();
    let health = c.get(format!("{}/healthz", app.base)).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let ready = c.get(format!("{}/readyz", app.base)).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.text().await.unwrap(), r#"{"database":"ok","media":"ok"}"#);
}

/// #17 item 3: with S3 unreachable an instance stays in the balancer (only the database decides
/// readiness: every instance shares the bucket, so failing readiness would take the whole fleet
/// out), browsing, search, ratings and lists keep working, and uploads are refused with a clear
/// 503 that changed nothing.
async fn a_media_outage_keeps_browsing_and_refuses_uploads_cleanly(backend: Backend) {
    let mut app = TestApp::spawn_with(backend, MediaBackend::S3).await;
    let db = app.backends.services.db.clone();
    let form = MovieForm { title: "Sunrise".into(), year: "1927".into(), ..Default::default() };
    let movie = catalog::create_movie(&db, &form, None).await.unwrap();
    let admin = app.admin().await;
    let ada = app.signed_up("ada@example.com").await;
    app.backends.stop_s3();

    let ready = app.client().get(format!("{}/readyz", app.base)).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.text().await.unwrap(), r#"{"database":"ok","media":"unavailable"}"#);
    for path in ["/movies", "/movies?q=sunrise", &format!("/movies/{}", movie.id)] {
        let page = ada.get(format!("{}{path}", app.base)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        assert!(page.text().await.unwrap().contains("Sunrise"), "{path}");
    }
    app.rate(&ada, movie.id, Some(9)).await.unwrap();
    app.add_to_list(&ada, None, movie.id).await.unwrap();

    let cover = reqwest::multipart::Form::new()
        .text("id", movie.id.to_string())
        .text("version", movie.version.to_string())
        .part("cover", reqwest::multipart::Part::bytes(png(400, 600)).file_name("poster.png"));
    let refused = admin.post(format!("{}/api/admin/upload_cover", app.base)).multipart(cover).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(refused.headers().contains_key("retry-after"));
    let error: AppError = refused.json().await.unwrap();
    assert_eq!(error, AppError::Unavailable("Media storage".into()));
    assert!(error.to_string().contains("nothing was changed"), "{error}");
    let unchanged = catalog::get_movie(&db, movie.id).await.unwrap();
    assert_eq!((unchanged.version, unchanged.cover_key), (movie.version, None), "no row points at a missing object");

    let photo = app.upload_photo(&ada, png(200, 200)).await;
    assert_eq!(photo.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(app.viewer(&ada).await.unwrap().photo_url, None);
}

test_both_backends!(health_and_readiness_answer, a_media_outage_keeps_browsing_and_refuses_uploads_cleanly);
