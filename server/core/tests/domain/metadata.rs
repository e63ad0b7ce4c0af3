//! Metadata from TMDb (#19), against the in-process TMDb-protocol server and real Redis servers:
//! what a search and a movie's details come back as, each way the provider fails, and the
//! cache-aside cache in front of it.

use std::time::{Duration, Instant};

use cinecloud_core::{
    metadata::{
        CacheSettings, Metadata, MetadataCache, MetadataError, Provider, ProviderKind, TmdbClient, tmdb::TmdbCredential,
    },
    testing::{
        TestRedis,
        tmdb::{Failure, TOKEN, TestTmdb},
    },
};

fn tmdb(server: &TestTmdb) -> Metadata {
    tmdb_with_cache(server, MetadataCache::memory(&CacheSettings::default()))
}

fn tmdb_with_cache(server: &TestTmdb, cache: MetadataCache) -> Metadata {
    Metadata::new(Provider::Tmdb(TmdbClient::new(server.settings()).unwrap()), cache)
}

#[tokio::test]
async fn a_search_finds_movies_with_year_and_director_and_details_carry_every_part() {
    let server = TestTmdb::start().await;
    let metadata = tmdb(&server);
    let found = metadata.search("  glass   harbour ", None).await.unwrap();
    assert_eq!(found.provider, ProviderKind::Tmdb);
    let listed: Vec<(i64, Option<i32>, Vec<String>)> =
        found.hits.iter().map(|h| (h.id, h.year, h.directors.clone())).collect();
    assert_eq!(
        listed,
        vec![(9001, Some(1931), vec!["Cora Vance".to_owned()]), (9002, Some(1987), vec!["Dev Harlow".to_owned()])]
    );
    let narrowed = metadata.search("glass harbour", Some(1987)).await.unwrap();
    assert_eq!(narrowed.hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![9002]);

    let trip = metadata.details(775).await.unwrap();
    assert_eq!(trip.imdb_id.as_deref(), Some("tt0000417"));
    assert_eq!(trip.original_title.as_deref(), Some("Le Voyage dans la Lune"));
    assert_eq!(trip.trailer_url.as_deref(), Some("https://www.youtube.com/watch?v=fixtureTrip1"));
    assert_eq!(trip.cast[1].character.as_deref(), Some("Lady in the Moon"));
    let titles: Vec<(&str, &str)> = trip.translations.iter().map(|t| (t.language.as_str(), t.title.as_str())).collect();
    assert_eq!(titles, vec![("pt-BR", "Viagem à Lua"), ("es-ES", "Viaje a la Luna")]);
    let form = trip.form("BR");
    assert_eq!((form.age_rating.as_str(), form.country.as_str(), form.runtime_minutes.as_str()), ("L", "FR", "13"));
    assert_eq!(form.genres, vec!["Science Fiction", "Adventure"]);

    let poster = metadata.poster(trip.poster.as_deref().unwrap()).await.unwrap();
    assert!(image::load_from_memory(&poster).is_ok(), "the poster is an image");
}

#[tokio::test]
async fn the_v3_api_key_works_as_the_token_does() {
    let server = TestTmdb::start().await;
    let settings = server.settings_with(TmdbCredential::ApiKey(TOKEN.to_owned()));
    let metadata = Metadata::new(
        Provider::Tmdb(TmdbClient::new(settings).unwrap()),
        MetadataCache::memory(&CacheSettings::default()),
    );
    assert_eq!(metadata.details(9001).await.unwrap().title, "The Glass Harbour");
}

#[tokio::test]
async fn each_failure_is_a_clear_message_and_transient_ones_are_retried() {
    let server = TestTmdb::start().await;

    // A bad key: refused at once, naming the variables to check.
    let wrong = Metadata::new(
        Provider::Tmdb(TmdbClient::new(server.settings_with(TmdbCredential::Token("wrong".into()))).unwrap()),
        MetadataCache::memory(&CacheSettings::default()),
    );
    let refused = wrong.search("trip", None).await.unwrap_err();
    assert_eq!(refused, MetadataError::Unauthorized);
    assert!(refused.to_string().contains("CINECLOUD_TMDB_TOKEN"), "{refused}");

    let metadata = tmdb(&server);
    assert_eq!(metadata.details(123_456).await.unwrap_err(), MetadataError::NotFound("TMDb"));

    // 429 with Retry-After: waited out, then answered.
    server.fail_next([Failure::RateLimited { retry_after_secs: 1 }]);
    let before = (server.requests(), Instant::now());
    assert_eq!(metadata.details(9001).await.unwrap().id, 9001);
    assert_eq!(server.requests() - before.0, 2, "asked twice");
    assert!(before.1.elapsed() >= Duration::from_secs(1), "waited as Retry-After said");

    // A Retry-After longer than we wait is given up at once.
    server.fail_next([Failure::RateLimited { retry_after_secs: 120 }]);
    assert_eq!(metadata.details(9002).await.unwrap_err(), MetadataError::RateLimited);

    // 500s are retried with backoff; past the retries it is "not answering".
    server.fail_next([Failure::Status(500), Failure::Status(503)]);
    assert_eq!(metadata.details(9002).await.unwrap().id, 9002);
    server.fail_next([Failure::Status(500), Failure::Status(502), Failure::Status(500)]);
    let down = metadata.details(775).await.unwrap_err();
    assert_eq!(down, MetadataError::Unavailable("HTTP 500".into()));

    // Too slow: the admin is told, not left waiting.
    server.fail_next([Failure::Slow(Duration::from_secs(3))]);
    let started = Instant::now();
    assert_eq!(metadata.details(775).await.unwrap_err(), MetadataError::Timeout(1));
    assert!(started.elapsed() < Duration::from_secs(2));

    server.fail_next([Failure::Malformed]);
    assert_eq!(metadata.search("trip", None).await.unwrap_err(), MetadataError::Malformed);

    // Nothing failed was cached: each of these is asked again and answered.
    assert_eq!(metadata.details(775).await.unwrap().id, 775);
    assert!(!metadata.search("trip", None).await.unwrap().hits.is_empty());
    // 404, 429, 500, the timeout and the malformed answer.
    assert_eq!(metadata.stats().provider_errors, 5, "{:?}", metadata.stats());
}

/// A burst of the same searches as an admin types and retypes: the provider answers each
/// distinct request once.
async fn search_burst(metadata: &Metadata) {
    for _ in 0..5 {
        for query in ["glass", "glass harbour", "trip"] {
            metadata.search(query, None).await.unwrap();
        }
    }
}

#[tokio::test]
async fn the_memory_cache_answers_repeats_and_forgets_after_the_ttl() {
    let server = TestTmdb::start().await;
    let settings = CacheSettings { ttl: Duration::from_millis(600), ..CacheSettings::default() };
    let metadata = tmdb_with_cache(&server, MetadataCache::memory(&settings));
    search_burst(&metadata).await;
    // Three searches and three movies' details (9001, 9002, 775), each asked once.
    assert_eq!(server.requests(), 6);
    let stats = metadata.stats();
    assert_eq!((stats.provider_calls, stats.cache_misses), (6, 6));
    assert!(stats.cache_hits >= 24, "{stats:?}");

    tokio::time::sleep(Duration::from_millis(800)).await;
    metadata.search("trip", None).await.unwrap();
    assert_eq!(server.requests(), 8, "expired: the search and its details asked again");
}

#[tokio::test]
async fn redis_is_shared_between_servers_expires_and_its_outage_is_only_slower() {
    let server = TestTmdb::start().await;
    let mut redis = TestRedis::start().await;
    let settings = CacheSettings { ttl: Duration::from_secs(1), ..CacheSettings::default() };
    let first = tmdb_with_cache(&server, MetadataCache::redis(&redis.url, &settings).unwrap());
    let second = tmdb_with_cache(&server, MetadataCache::redis(&redis.url, &settings).unwrap());

    search_burst(&first).await;
    assert_eq!(server.requests(), 6);
    search_burst(&second).await;
    assert_eq!(server.requests(), 6, "the second server found every answer in Redis");
    assert_eq!(second.stats().provider_calls, 0);

    tokio::time::sleep(Duration::from_millis(2100)).await;
    second.details(9001).await.unwrap();
    assert_eq!(server.requests(), 7, "expired in Redis");

    redis.stop();
    let started = Instant::now();
    for _ in 0..3 {
        assert_eq!(second.details(775).await.unwrap().id, 775, "answered by TMDb with Redis down");
    }
    assert_eq!(server.requests(), 10);
    assert!(started.elapsed() < Duration::from_secs(2), "a dead Redis costs little: {:?}", started.elapsed());
}

#[tokio::test]
async fn redis_that_never_answered_is_no_error_either() {
    let server = TestTmdb::start().await;
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let cache = MetadataCache::redis(&format!("redis://127.0.0.1:{port}/"), &CacheSettings::default()).unwrap();
    let metadata = tmdb_with_cache(&server, cache);
    assert_eq!(metadata.search("trip", None).await.unwrap().hits[0].id, 775);
}

#[tokio::test]
async fn with_no_key_the_offline_catalog_answers_with_no_network() {
    let metadata = Metadata::default();
    assert_eq!(metadata.provider(), ProviderKind::Offline);
    let found = metadata.search("voyage lune", None).await.unwrap();
    assert_eq!(found.provider, ProviderKind::Offline);
    let hit = &found.hits[0];
    assert_eq!((hit.title.as_str(), hit.year), ("A Trip to the Moon", Some(1902)));
    let details = metadata.details(hit.id).await.unwrap();
    assert_eq!(details.directors[0].name, "Georges Méliès");
    assert_eq!(metadata.details(99_999).await.unwrap_err(), MetadataError::NotFound("the offline catalog"));
    assert!(metadata.search("   ", None).await.unwrap().hits.is_empty());
}
