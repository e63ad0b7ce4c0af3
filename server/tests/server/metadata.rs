//! "Find the film" over HTTP (#19): the server functions and the poster route against the
//! in-process TMDb-protocol server, as the new-movie page calls them; admins only.

use app::api::{
    catalog::MovieView,
    metadata::{ImportedView, MetadataDraftView, MetadataSearchView, RefreshView},
};
use app::error::AppError;
use cinecloud_core::{
    Backend,
    metadata::{CacheSettings, Metadata, MetadataCache, Provider, TmdbClient},
    test_both_backends,
    testing::tmdb::{Failure, TestTmdb},
};
use reqwest::StatusCode;
use serde_json::json;

use crate::support::TestApp;

async fn app_on_tmdb(backend: Backend, tmdb: &TestTmdb) -> TestApp {
    let provider = Provider::Tmdb(TmdbClient::new(tmdb.settings()).unwrap());
    let metadata = Metadata::new(provider, MetadataCache::memory(&CacheSettings::default())).with_region("BR");
    TestApp::spawn_with_metadata(backend, metadata).await
}

async fn an_admin_finds_a_film_sees_its_poster_and_imports_it_once(backend: Backend) {
    let tmdb = TestTmdb::start().await;
    let app = app_on_tmdb(backend, &tmdb).await;
    let admin = app.admin().await;

    let found: MetadataSearchView = app.get(&admin, "admin/find_metadata?q=trip%20moon%201902").await.unwrap();
    assert_eq!((found.provider.as_str(), found.from_tmdb), ("TMDb", true));
    let hit = &found.hits[0];
    assert_eq!((hit.id, hit.year, hit.directors.clone()), (775, Some(1902), vec!["Georges Méliès".to_owned()]));

    // The hit's poster, through this server, for the admin only.
    let poster_url = format!("{}{}", app.base, hit.poster_url.as_deref().expect("a poster"));
    let poster = admin.get(&poster_url).send().await.unwrap();
    assert_eq!(poster.status(), StatusCode::OK);
    assert_eq!(poster.headers()["content-type"], "image/png");
    assert!(poster.headers()["cache-control"].to_str().unwrap().starts_with("private"));
    let viewer = app.signed_up("vera@example.com").await;
    assert_eq!(viewer.get(&poster_url).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let outside = admin.get(format!("{}/media-metadata/poster?ref=%2F..%2F3%2Fmovie%2F775", app.base)).send().await;
    assert_eq!(outside.unwrap().status(), StatusCode::NOT_FOUND);

    let draft: MetadataDraftView = app.get(&admin, "admin/metadata_draft?id=775").await.unwrap();
    assert_eq!((draft.form.title.as_str(), draft.form.age_rating.as_str()), ("A Trip to the Moon", "L"));
    assert!(draft.has_poster);

    let imported: ImportedView =
        app.post_json(&admin, "admin/import_movie", &json!({ "id": 775, "form": draft.form })).await.unwrap();
    assert_eq!(imported.poster_problem, None);
    let movie: MovieView = app.movie(&admin, imported.id).await.unwrap();
    assert_eq!(movie.title, "A Trip to the Moon");
    assert!(movie.cover.is_some(), "the poster became its cover");

    let again =
        app.post_json::<ImportedView>(&admin, "admin/import_movie", &json!({ "id": 775, "form": draft.form })).await;
    let refused = again.unwrap_err();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = refused.error().and_then(|e| e.field_message("import")).expect("a message on the import");
    assert!(message.contains(&format!("/movies/{}", imported.id)), "{message}");
}

async fn only_admins_search_and_a_failing_provider_is_a_bad_gateway(backend: Backend) {
    let tmdb = TestTmdb::start().await;
    let app = app_on_tmdb(backend, &tmdb).await;
    let anonymous = app.get::<MetadataSearchView>(&app.client(), "admin/find_metadata?q=trip").await;
    assert_eq!(anonymous.unwrap_err().status, StatusCode::UNAUTHORIZED);
    let viewer = app.signed_up("vic@example.com").await;
    let by_viewer = app.get::<MetadataSearchView>(&viewer, "admin/find_metadata?q=trip").await;
    assert_eq!(by_viewer.unwrap_err().status, StatusCode::FORBIDDEN);
    assert_eq!(tmdb.requests(), 0, "nobody but an admin reaches TMDb");

    let admin = app.admin().await;
    tmdb.fail_next([Failure::Status(500), Failure::Status(500), Failure::Status(500)]);
    let failed = app.get::<MetadataSearchView>(&admin, "admin/find_metadata?q=trip").await.unwrap_err();
    assert_eq!(failed.status, StatusCode::BAD_GATEWAY);
    assert!(matches!(failed.error(), Some(AppError::Provider(m)) if m.contains("TMDb is not answering")), "{failed:?}");
    let unknown = app.get::<MetadataDraftView>(&admin, "admin/metadata_draft?id=4242").await.unwrap_err();
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

async fn an_admin_refreshes_one_field_from_tmdb(backend: Backend) {
    let tmdb = TestTmdb::start().await;
    let app = app_on_tmdb(backend, &tmdb).await;
    let admin = app.admin().await;
    let draft: MetadataDraftView = app.get(&admin, "admin/metadata_draft?id=9001").await.unwrap();
    let mut form = draft.form.clone();
    form.runtime_minutes = "90".into();
    let imported: ImportedView =
        app.post_json(&admin, "admin/import_movie", &json!({ "id": 9001, "form": form })).await.unwrap();
    let movie: MovieView = app.movie(&admin, imported.id).await.unwrap();
    assert_eq!((movie.tmdb_id, movie.runtime_minutes), (Some(9001), Some(90)));

    let path = format!("admin/refresh_preview?id={}", imported.id);
    let viewer = app.signed_up("rita@example.com").await;
    assert_eq!(app.get::<RefreshView>(&viewer, &path).await.unwrap_err().status, StatusCode::FORBIDDEN);
    let preview: RefreshView = app.get(&admin, &path).await.unwrap();
    let changes: Vec<(&str, &str, &str)> =
        preview.changes.iter().map(|c| (c.field.as_str(), c.ours.as_str(), c.theirs.as_str())).collect();
    assert_eq!(changes, vec![("runtime_minutes", "90", "88")]);

    let take = json!({ "id": imported.id, "version": preview.version, "fields": ["runtime_minutes"] });
    let by_viewer = app.post_json::<MovieView>(&viewer, "admin/apply_refresh", &take).await;
    assert_eq!(by_viewer.unwrap_err().status, StatusCode::FORBIDDEN);
    let refreshed: MovieView = app.post_json(&admin, "admin/apply_refresh", &take).await.unwrap();
    assert_eq!(refreshed.runtime_minutes, Some(88));
    let stale = app.post_json::<MovieView>(&admin, "admin/apply_refresh", &take).await.unwrap_err();
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY, "the version moved on");
}

test_both_backends!(
    an_admin_refreshes_one_field_from_tmdb,
    an_admin_finds_a_film_sees_its_poster_and_imports_it_once,
    only_admins_search_and_a_failing_provider_is_a_bad_gateway,
);
