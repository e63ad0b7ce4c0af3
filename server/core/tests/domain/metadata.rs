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
    let thumbnail = metadata.thumbnail(trip.poster.as_deref().unwrap()).await.unwrap();
    assert!(image::load_from_memory(&thumbnail).is_ok(), "so is its thumbnail");
    for bad in ["../../3/movie/775", "no-slash.png", "/a/b.png", "/"] {
        assert_eq!(metadata.poster(bad).await.unwrap_err(), MetadataError::Malformed, "{bad}");
    }
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

mod import {
    use cinecloud_core::{
        Backend, Error, FieldError, Services,
        catalog::{self, CastMember, MovieForm, MovieQuery},
        metadata::{self, Metadata, MetadataError},
        test_both_backends,
        testing::{
            TestServices, stored,
            tmdb::{Failure, TestTmdb},
        },
    };

    async fn found(services: &Services, text: &str) -> Vec<String> {
        let query = MovieQuery { text: Some(text.into()), ..MovieQuery::default() };
        catalog::browse(&services.db, &query).await.unwrap().items.into_iter().map(|c| c.title).collect()
    }

    async fn movie_count(services: &Services) -> i64 {
        catalog::seed::movie_count(&services.db).await.unwrap()
    }

    async fn an_import_saves_the_facts_people_translations_poster_and_provenance(backend: Backend) {
        let server = TestTmdb::start().await;
        let metadata = super::tmdb(&server);
        let t = TestServices::new(backend).await;
        let s = &t.services;
        // Méliès is already here by name; the actress is here under TMDb's id with another name.
        let earlier = MovieForm {
            title: "The Impossible Voyage".into(),
            directors: vec!["Georges Méliès".into()],
            cast: vec![CastMember { name: "B. Bernon".into(), character: None }],
            ..MovieForm::default()
        };
        catalog::create_movie(&s.db, &earlier, None).await.unwrap();
        stored::set_person_tmdb_id(&s.db, "B. Bernon", 12).await;

        let details = metadata.details(775).await.unwrap();
        let imported = metadata::import_movie(s, &metadata, 775, &details.form("US"), None).await.unwrap();
        assert_eq!(imported.poster_problem, None);
        let movie = imported.movie;
        assert_eq!((movie.tmdb_id, movie.imdb_id.as_deref()), (Some(775), Some("tt0000417")));
        assert_eq!(movie.input.title, "A Trip to the Moon");
        assert_eq!(movie.input.age_rating.as_deref(), Some("G"));
        assert_eq!(movie.input.trailer_url.as_deref(), Some("https://www.youtube.com/watch?v=fixtureTrip1"));
        let cast: Vec<(&str, Option<&str>)> =
            movie.input.cast.iter().map(|c| (c.name.as_str(), c.character.as_deref())).collect();
        assert_eq!(
            cast,
            vec![("Georges Méliès", Some("Professor Barbenfouillis")), ("B. Bernon", Some("Lady in the Moon"))],
            "matched by TMDb id, the actress keeps the name she has here"
        );
        assert_eq!(stored::person_tmdb_id(&s.db, "Georges Méliès").await, Some(11), "matched by name, now with its id");
        assert_eq!(stored::person_tmdb_id(&s.db, "Bleuette Bernon").await, None, "nobody new was made for her");

        let prefix = movie.cover_key.clone().expect("the poster became the cover");
        for image in cinecloud_core::covers::cover_images(&prefix) {
            assert!(s.media.get(&image.key, None).await.is_ok(), "{} is stored", image.key);
        }
        let audit = catalog::audit_log(&s.db, movie.id).await.unwrap();
        assert!(
            audit.iter().any(|e| e.field == "source" && e.new_value.as_deref() == Some("imported from TMDb #775")),
            "{audit:?}"
        );
        let translations = stored::translations(&s.db, movie.id).await;
        assert_eq!(translations.iter().map(|t| t.1.as_str()).collect::<Vec<_>>(), ["Viaje a la Luna", "Viagem à Lua"]);

        // Found by its Portuguese and Spanish titles, and still after an edit.
        assert_eq!(found(s, "viagem lua").await, vec!["A Trip to the Moon"]);
        let mut form = details.form("US");
        form.synopsis = "Edited here.".into();
        catalog::update_movie(&s.db, movie.id, movie.version, &form, None).await.unwrap();
        assert_eq!(found(s, "viaje a la luna").await, vec!["A Trip to the Moon"]);
    }

    async fn a_film_already_here_or_a_provider_failure_saves_nothing(backend: Backend) {
        let server = TestTmdb::start().await;
        let metadata = super::tmdb(&server);
        let t = TestServices::new(backend).await;
        let s = &t.services;
        let form = metadata.details(9002).await.unwrap().form("US");
        metadata::import_movie(s, &metadata, 9002, &form, None).await.unwrap();
        let before = movie_count(s).await;

        let again = metadata::import_movie(s, &metadata, 9002, &form, None).await.unwrap_err();
        assert!(
            matches!(&again, Error::Invalid(FieldError { field: "import", message }) if message.contains("/movies/")),
            "{again:?}"
        );

        // Not cached yet, so TMDb is asked, and fails past its retries.
        server.fail_next([Failure::Status(500), Failure::Status(500), Failure::Status(500)]);
        let form = MovieForm { title: "The Glass Harbour".into(), ..MovieForm::default() };
        let failed = metadata::import_movie(s, &metadata, 9001, &form, None).await.unwrap_err();
        assert!(matches!(failed, Error::Provider(MetadataError::Unavailable(_))), "{failed:?}");

        let invalid = MovieForm { title: " ".into(), ..MovieForm::default() };
        assert!(matches!(metadata::import_movie(s, &metadata, 9001, &invalid, None).await, Err(Error::Invalid(_))));
        assert_eq!(movie_count(s).await, before, "nothing was saved");
        assert!(s.media.list("covers/").await.unwrap().is_empty());
    }

    async fn the_offline_catalog_imports_without_provider_ids(backend: Backend) {
        let metadata = Metadata::default();
        let t = TestServices::new(backend).await;
        let hit = metadata.search("sintel", None).await.unwrap().hits.remove(0);
        let form = metadata.details(hit.id).await.unwrap().form("US");
        let imported = metadata::import_movie(&t.services, &metadata, hit.id, &form, None).await.unwrap();
        assert_eq!((imported.movie.input.title.as_str(), imported.movie.tmdb_id), ("Sintel", None));
        assert_eq!(imported.movie.cover_key, None, "the demo films have no poster files");
    }

    async fn a_refresh_shows_what_tmdb_changes_and_saves_the_accepted_fields_only(backend: Backend) {
        let server = TestTmdb::start().await;
        let metadata = super::tmdb(&server);
        let t = TestServices::new(backend).await;
        let s = &t.services;
        let details = metadata.details(9001).await.unwrap();
        let movie = metadata::import_movie(s, &metadata, 9001, &details.form("US"), None).await.unwrap().movie;
        assert!(metadata::refresh_preview(&s.db, &metadata, movie.id).await.unwrap().changes.is_empty());

        // An admin edited two fields here since.
        let mut edited = details.form("US");
        edited.year = "1932".into();
        edited.synopsis = "Our own words.".into();
        let movie = catalog::update_movie(&s.db, movie.id, movie.version, &edited, None).await.unwrap();
        let preview = metadata::refresh_preview(&s.db, &metadata, movie.id).await.unwrap();
        let fields: Vec<(&str, Option<&str>, Option<&str>)> =
            preview.changes.iter().map(|c| (c.field, c.old_value.as_deref(), c.new_value.as_deref())).collect();
        assert_eq!(fields[0], ("year", Some("1932"), Some("1931")));
        assert_eq!(fields[1].0, "synopsis");
        assert_eq!((preview.version, fields.len()), (movie.version, 2));

        // Only the synopsis is accepted: the year stays ours.
        let refreshed =
            metadata::apply_refresh(&s.db, &metadata, movie.id, preview.version, &["synopsis".into()], None)
                .await
                .unwrap();
        assert_eq!(refreshed.input.synopsis, details.synopsis);
        assert_eq!(refreshed.input.year, Some(1932));
        let audit = catalog::audit_log(&s.db, movie.id).await.unwrap();
        assert_eq!(audit[0].field, "synopsis", "the newest entry is the refresh");
        assert_eq!(audit[0].old_value.as_deref(), Some("Our own words."));

        // A stale refresh, or a field that does not exist, saves nothing.
        let stale = metadata::apply_refresh(&s.db, &metadata, movie.id, preview.version, &["year".into()], None).await;
        assert!(matches!(stale, Err(Error::VersionConflict { .. })), "{stale:?}");
        let unknown =
            metadata::apply_refresh(&s.db, &metadata, movie.id, refreshed.version, &["colour".into()], None).await;
        assert!(matches!(unknown, Err(Error::Invalid(FieldError { field: "refresh", .. }))), "{unknown:?}");
        assert_eq!(catalog::get_movie(&s.db, movie.id).await.unwrap().version, refreshed.version);

        // A movie typed in by hand has nothing to refresh from.
        let by_hand = MovieForm { title: "Typed".into(), ..MovieForm::default() };
        let typed = catalog::create_movie(&s.db, &by_hand, None).await.unwrap();
        let none = metadata::refresh_preview(&s.db, &metadata, typed.id).await.unwrap_err();
        assert!(matches!(none, Error::Invalid(FieldError { field: "refresh", .. })), "{none:?}");
    }

    fn bulk(missing_only: bool) -> metadata::BulkOptions {
        metadata::BulkOptions { missing_only, ..metadata::BulkOptions::default() }
    }

    async fn typed(s: &Services, title: &str, year: &str, synopsis: &str) -> catalog::Movie {
        let form =
            MovieForm { title: title.into(), year: year.into(), synopsis: synopsis.into(), ..MovieForm::default() };
        catalog::create_movie(&s.db, &form, None).await.unwrap()
    }

    async fn a_bulk_run_enriches_by_id_and_by_title_lists_what_it_cannot_tell_and_changes_nothing_twice(
        backend: Backend,
    ) {
        let server = TestTmdb::start().await;
        let metadata = super::tmdb(&server);
        let t = TestServices::new(backend).await;
        let s = &t.services;
        // By id (as links.csv gives it), with our own title and synopsis.
        let moon = typed(s, "Le Voyage", "1902", "Our words.").await;
        stored::set_movie_tmdb_id(&s.db, moon.id, 775).await;
        let remake = typed(s, "the glass  harbour", "1987", "").await; // by title and year
        let unsure = typed(s, "The Glass Harbour", "", "").await; // no year: two candidates
        let unknown = typed(s, "Nothing Like It", "2001", "").await;
        let twin = typed(s, "A Trip to the Moon", "1902", "").await; // TMDb #775 is the first one's

        let mut seen = Vec::new();
        let report =
            metadata::enrich_catalog(s, &metadata, &bulk(false), |r, done| seen.push((done, r.total))).await.unwrap();
        assert_eq!(seen.last(), Some(&(5, 5)), "progress after each movie");
        assert_eq!((report.total, report.enriched, report.matched, report.posters), (5, 2, 1, 1), "{report:#?}");
        assert_eq!(report.resumed_after, None);
        let ambiguous: Vec<(i64, Vec<i64>)> =
            report.ambiguous.iter().map(|(m, hits)| (m.id, hits.iter().map(|h| h.id).collect())).collect();
        assert_eq!(ambiguous, vec![(unsure.id, vec![9001, 9002])], "listed, not guessed");
        assert_eq!(report.not_found.iter().map(|(m, _)| m.id).collect::<Vec<_>>(), vec![unknown.id]);
        assert_eq!(report.failed.len(), 1, "{:?}", report.failed);
        assert_eq!(report.failed[0].0.id, twin.id);
        assert!(report.failed[0].1.contains(&format!("already movie {}", moon.id)), "{:?}", report.failed);

        let moon = catalog::get_movie(&s.db, moon.id).await.unwrap();
        assert_eq!(moon.input.title, "A Trip to the Moon", "TMDb's value replaces ours");
        assert_eq!(moon.input.runtime_minutes, Some(13));
        assert_eq!(moon.imdb_id.as_deref(), Some("tt0000417"));
        assert!(moon.cover_key.is_some(), "the poster became its cover");
        assert_eq!(stored::translations(&s.db, moon.id).await.len(), 2);
        assert_eq!(found(s, "viagem lua").await, vec!["A Trip to the Moon"]);
        let audit = catalog::audit_log(&s.db, moon.id).await.unwrap();
        assert!(audit.iter().any(|e| e.field == "source" && e.new_value.as_deref() == Some("enriched from TMDb #775")));
        assert!(audit.iter().any(|e| e.field == "synopsis" && e.old_value.as_deref() == Some("Our words.")));
        let remake = catalog::get_movie(&s.db, remake.id).await.unwrap();
        assert_eq!((remake.tmdb_id, remake.input.title.as_str()), (Some(9002), "The Glass Harbour"));
        assert_eq!(remake.input.directors, vec!["Dev Harlow"]);
        for left in [&unsure, &unknown, &twin] {
            let now = catalog::get_movie(&s.db, left.id).await.unwrap();
            assert_eq!((now.version, now.tmdb_id), (left.version, None), "{} is as it was", left.input.title);
        }

        // Again: nothing changes, and no checkpoint is left behind.
        let audit_rows = catalog::audit_log(&s.db, moon.id).await.unwrap().len();
        let again = metadata::enrich_catalog(s, &metadata, &bulk(false), |_, _| ()).await.unwrap();
        assert_eq!((again.enriched, again.unchanged, again.posters), (0, 2, 0), "{again:#?}");
        assert_eq!(catalog::get_movie(&s.db, moon.id).await.unwrap().version, moon.version);
        assert_eq!(catalog::audit_log(&s.db, moon.id).await.unwrap().len(), audit_rows);
        assert_eq!(stored::checkpoint(&s.db, "import tmdb").await, None);

        // The admin settles the ambiguous one with --ids.
        let ids = metadata::BulkOptions { ids: Some(vec![(unsure.id, 9001)]), ..metadata::BulkOptions::default() };
        let settled = metadata::enrich_catalog(s, &metadata, &ids, |_, _| ()).await.unwrap();
        assert_eq!((settled.total, settled.enriched, settled.posters), (1, 1, 1));
        let unsure = catalog::get_movie(&s.db, unsure.id).await.unwrap();
        assert_eq!((unsure.tmdb_id, unsure.input.year), (Some(9001), Some(1931)));
        let again = metadata::enrich_catalog(s, &metadata, &ids, |_, _| ()).await.unwrap();
        assert_eq!((again.enriched, again.unchanged), (0, 1), "{again:#?}");
    }

    async fn missing_only_fills_gaps_and_a_stopped_run_carries_on(backend: Backend) {
        let server = TestTmdb::start().await;
        let metadata = super::tmdb(&server);
        let t = TestServices::new(backend).await;
        let s = &t.services;
        let ours = typed(s, "Our Trip", "", "Our words.").await;
        stored::set_movie_tmdb_id(&s.db, ours.id, 775).await;
        let report = metadata::enrich_catalog(s, &metadata, &bulk(true), |_, _| ()).await.unwrap();
        assert_eq!((report.enriched, report.posters), (1, 1));
        let movie = catalog::get_movie(&s.db, ours.id).await.unwrap();
        assert_eq!((movie.input.title.as_str(), movie.input.synopsis.as_str()), ("Our Trip", "Our words."));
        assert_eq!((movie.input.year, movie.input.runtime_minutes), (Some(1902), Some(13)), "the gaps are filled");
        assert_eq!(movie.input.genres, vec!["Adventure", "Science Fiction"]);

        // Three films by id; an earlier run stopped after the first. This one takes the rest.
        let mut reels = Vec::new();
        for (n, id) in (20_001..=20_003).enumerate() {
            let movie = typed(s, &format!("Reel {n}"), "", "").await;
            stored::set_movie_tmdb_id(&s.db, movie.id, id).await;
            reels.push(movie.id);
        }
        stored::set_checkpoint(&s.db, "import tmdb", reels[0]).await;
        let carried = metadata::enrich_catalog(s, &metadata, &bulk(false), |_, _| ()).await.unwrap();
        assert_eq!((carried.resumed_after, carried.total, carried.enriched), (Some(reels[0]), 2, 2), "{carried:#?}");
        let first = catalog::get_movie(&s.db, reels[0]).await.unwrap();
        assert_eq!(first.input.title, "Reel 0", "the movie before the checkpoint was not looked at again");
        assert_eq!(catalog::get_movie(&s.db, reels[2]).await.unwrap().input.title, "Reel 20003");
        assert_eq!(stored::checkpoint(&s.db, "import tmdb").await, None, "a completed run leaves none");

        // --restart ignores a checkpoint; the offline catalog cannot run a bulk import.
        stored::set_checkpoint(&s.db, "import tmdb", reels[2]).await;
        let restart = metadata::BulkOptions { restart: true, ..metadata::BulkOptions::default() };
        let all = metadata::enrich_catalog(s, &metadata, &restart, |_, _| ()).await.unwrap();
        assert_eq!((all.resumed_after, all.total, all.enriched), (None, 4, 2), "{all:#?}");
        // --ids points a movie at another TMDb film: the id follows, and once is enough.
        let repoint = metadata::BulkOptions { ids: Some(vec![(reels[0], 20_004)]), ..metadata::BulkOptions::default() };
        let moved = metadata::enrich_catalog(s, &metadata, &repoint, |_, _| ()).await.unwrap();
        assert_eq!(moved.enriched, 1, "{moved:#?}");
        let first = catalog::get_movie(&s.db, reels[0]).await.unwrap();
        assert_eq!((first.tmdb_id, first.input.title.as_str()), (Some(20_004), "Reel 20004"));
        let again = metadata::enrich_catalog(s, &metadata, &repoint, |_, _| ()).await.unwrap();
        assert_eq!((again.enriched, again.unchanged), (0, 1), "{again:#?}");
        assert_eq!(catalog::get_movie(&s.db, reels[0]).await.unwrap().version, first.version);

        let offline = metadata::enrich_catalog(s, &Metadata::default(), &bulk(false), |_, _| ()).await;
        assert!(matches!(offline, Err(Error::Invalid(FieldError { field: "provider", .. }))), "{offline:?}");

        // A refused key ends the run at once, with the error.
        let wrong = Metadata::new(
            metadata::Provider::Tmdb(
                metadata::TmdbClient::new(server.settings_with(metadata::tmdb::TmdbCredential::Token("wrong".into())))
                    .unwrap(),
            ),
            metadata::MetadataCache::memory(&metadata::CacheSettings::default()),
        );
        let refused = metadata::enrich_catalog(s, &wrong, &bulk(false), |_, _| ()).await.unwrap_err();
        assert!(matches!(refused, Error::Provider(MetadataError::Unauthorized)), "{refused:?}");
    }

    test_both_backends!(
        a_bulk_run_enriches_by_id_and_by_title_lists_what_it_cannot_tell_and_changes_nothing_twice,
        missing_only_fills_gaps_and_a_stopped_run_carries_on,
        a_refresh_shows_what_tmdb_changes_and_saves_the_accepted_fields_only,
        an_import_saves_the_facts_people_translations_poster_and_provenance,
        a_film_already_here_or_a_provider_failure_saves_nothing,
        the_offline_catalog_imports_without_provider_ids,
    );
}
