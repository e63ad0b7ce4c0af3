//! Catalog repository and service tests, run once on SQLite and once on PostgreSQL; the search's
//! in [`search`].

mod search;

use cinecloud_core::{
    Backend, Db, Error,
    catalog::{self, CastMember, MovieForm, MovieQuery, Sort, UNDO_WINDOW_SECS},
    clock::now_unix,
    test_both_backends,
    testing::{TestDb, TestServices},
};

fn form(title: &str, year: i32, genres: &[&str], directors: &[&str]) -> MovieForm {
    MovieForm {
        title: title.into(),
        year: year.to_string(),
        runtime_minutes: "90".into(),
        synopsis: format!("A film called {title}."),
        original_language: "en".into(),
        genres: genres.iter().map(|g| g.to_string()).collect(),
        directors: directors.iter().map(|d| d.to_string()).collect(),
        ..MovieForm::default()
    }
}

async fn seed(db: &Db) -> Vec<i64> {
    let mut amelie = form("Le Fabuleux Destin d'Amélie Poulain", 2001, &["Comedy", "Romance"], &["Jean-Pierre Jeunet"]);
    amelie.original_language = "fr".into();
    amelie.runtime_minutes = "122".into();
    amelie.cast = vec![CastMember { name: "Audrey Tautou".into(), character: Some("Amélie".into()) }];
    let mut metropolis = form("Metropolis", 1927, &["Science Fiction", "Drama"], &["Fritz Lang"]);
    metropolis.original_language = "de".into();
    metropolis.runtime_minutes = "153".into();
    metropolis.synopsis = "In a futuristic city, a worker's son falls for a prophet.".into();
    let forms = [
        amelie,
        metropolis,
        form("The Kid", 1921, &["Comedy", "Drama"], &["Charlie Chaplin"]),
        form("Nosferatu", 1922, &["Horror"], &["F. W. Murnau"]),
        form("A Trip to the Moon", 1902, &["Science Fiction"], &["Georges Méliès"]),
    ];
    let mut ids = Vec::new();
    for f in &forms {
        ids.push(catalog::create_movie(db, f, None).await.unwrap().id);
    }
    ids
}

fn titles(page: &catalog::Page<catalog::MovieCard>) -> Vec<&str> {
    page.items.iter().map(|m| m.title.as_str()).collect()
}

async fn search(db: &Db, text: &str) -> Vec<String> {
    let q = MovieQuery { text: Some(text.into()), ..MovieQuery::default() };
    titles(&catalog::browse(db, &q).await.unwrap()).into_iter().map(str::to_owned).collect()
}

async fn create_stores_facts_links_and_an_audit_entry(backend: Backend) {
    let t = TestDb::new(backend).await;
    let ids = seed(&t.db).await;
    let movie = catalog::get_movie(&t.db, ids[0]).await.unwrap();
    assert_eq!(movie.input.title, "Le Fabuleux Destin d'Amélie Poulain");
    assert_eq!(movie.input.genres, vec!["Comedy", "Romance"]);
    assert_eq!(movie.input.directors, vec!["Jean-Pierre Jeunet"]);
    assert_eq!(movie.input.cast[0].character.as_deref(), Some("Amélie"));
    assert_eq!(movie.version, 1);
    let audit = catalog::audit_log(&t.db, movie.id).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].field, "created");
    // Genres are shared, not duplicated.
    let genres = catalog::genres(&t.db).await.unwrap();
    let names: Vec<_> = genres.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, vec!["Comedy", "Drama", "Horror", "Romance", "Science Fiction"]);
    assert_eq!(genres.iter().find(|g| g.name == "Science Fiction").unwrap().slug, "science-fiction");
}

async fn invalid_forms_write_nothing(backend: Backend) {
    let t = TestDb::new(backend).await;
    let mut bad = form("Fine", 1999, &["Drama"], &[]);
    bad.year = "1066".into();
    match catalog::create_movie(&t.db, &bad, None).await {
        Err(Error::Invalid(e)) => assert_eq!(e.field, "year"),
        other => panic!("{other:?}"),
    }
    let all = catalog::browse(&t.db, &MovieQuery::default()).await.unwrap();
    assert_eq!(all.total, 0);
    assert!(catalog::genres(&t.db).await.unwrap().is_empty());
}

async fn filters_sorts_and_pages(backend: Backend) {
    let t = TestDb::new(backend).await;
    seed(&t.db).await;
    let run = |q: MovieQuery| {
        let db = t.db.clone();
        async move { catalog::browse(&db, &q).await.unwrap() }
    };
    let comedy = run(MovieQuery { genre: Some("comedy".into()), sort: Sort::Title, ..MovieQuery::default() }).await;
    assert_eq!(titles(&comedy), vec!["Le Fabuleux Destin d'Amélie Poulain", "The Kid"]);
    let twenties =
        run(MovieQuery { year_from: Some(1920), year_to: Some(1929), sort: Sort::YearOldest, ..Default::default() })
            .await;
    assert_eq!(titles(&twenties), vec!["The Kid", "Nosferatu", "Metropolis"]);
    let long = run(MovieQuery { runtime_min: Some(120), sort: Sort::YearNewest, ..Default::default() }).await;
    assert_eq!(titles(&long), vec!["Le Fabuleux Destin d'Amélie Poulain", "Metropolis"]);
    let short = run(MovieQuery { runtime_max: Some(100), ..Default::default() }).await;
    assert_eq!(short.total, 3);
    let german = run(MovieQuery { language: Some("DE".into()), ..Default::default() }).await;
    assert_eq!(titles(&german), vec!["Metropolis"]);
    let combined = run(MovieQuery {
        text: Some("kid".into()),
        genre: Some("drama".into()),
        year_to: Some(1925),
        ..Default::default()
    })
    .await;
    assert_eq!(titles(&combined), vec!["The Kid"]);

    // Title order ignores leading articles and accents: Fabuleux, Kid, Metropolis, Nosferatu, Trip.
    let by_title = run(MovieQuery { sort: Sort::Title, ..Default::default() }).await;
    assert_eq!(
        titles(&by_title),
        vec!["Le Fabuleux Destin d'Amélie Poulain", "The Kid", "Metropolis", "Nosferatu", "A Trip to the Moon"]
    );
    let newest_added = run(MovieQuery { sort: Sort::RecentlyAdded, ..Default::default() }).await;
    assert_eq!(newest_added.items[0].title, "A Trip to the Moon");

    let page2 = run(MovieQuery { sort: Sort::Title, per_page: 2, page: 2, ..Default::default() }).await;
    assert_eq!((page2.total, page2.page_count()), (5, 3));
    assert_eq!(titles(&page2), vec!["Metropolis", "Nosferatu"]);
    let beyond = run(MovieQuery { per_page: 2, page: 9, ..Default::default() }).await;
    assert!(beyond.items.is_empty());
}

async fn edits_are_audited_and_conflicting_saves_refused(backend: Backend) {
    let t = TestDb::new(backend).await;
    let ids = seed(&t.db).await;
    let id = ids[1];
    let opened = catalog::get_movie(&t.db, id).await.unwrap();

    let mut first = form("Metropolis (Restored)", 1927, &["Science Fiction"], &["Fritz Lang"]);
    first.original_language = "de".into();
    first.runtime_minutes = "153".into();
    first.synopsis = opened.input.synopsis.clone();
    let saved = catalog::update_movie(&t.db, id, opened.version, &first, None).await.unwrap();
    assert_eq!(saved.version, opened.version + 1);
    assert_eq!(saved.input.genres, vec!["Science Fiction"]);

    let audit = catalog::audit_log(&t.db, id).await.unwrap();
    let fields: Vec<_> = audit.iter().map(|a| a.field.as_str()).collect();
    // Newest row first; one save writes its fields in form order.
    assert_eq!(fields, vec!["genres", "title", "created"]);
    assert_eq!(audit[1].old_value.as_deref(), Some("Metropolis"));
    assert_eq!(audit[1].new_value.as_deref(), Some("Metropolis (Restored)"));
    assert_eq!(audit[0].old_value.as_deref(), Some("Drama, Science Fiction"));
    assert_eq!(audit[0].new_value.as_deref(), Some("Science Fiction"));

    // A second admin who opened the same version cannot overwrite the first one's save.
    let second = form("Metropolis 2", 1927, &["Drama"], &[]);
    match catalog::update_movie(&t.db, id, opened.version, &second, None).await {
        Err(Error::VersionConflict { current }) => assert_eq!(current, saved.version),
        other => panic!("{other:?}"),
    }
    assert_eq!(catalog::get_movie(&t.db, id).await.unwrap().input.title, "Metropolis (Restored)");
    // The search index follows the edit.
    assert_eq!(search(&t.db, "restored").await, vec!["Metropolis (Restored)"]);
    assert!(matches!(catalog::update_movie(&t.db, 9999, 1, &second, None).await, Err(Error::NotFound)));
}

async fn deletion_can_be_undone_until_purged(backend: Backend) {
    let t = TestServices::new(backend).await;
    let db = &t.services.db;
    let ids = seed(db).await;
    let id = ids[3];
    catalog::delete_movie(db, id, None).await.unwrap();
    assert!(matches!(catalog::get_movie(db, id).await, Err(Error::NotFound)));
    assert!(search(db, "nosferatu").await.is_empty());
    assert!(matches!(catalog::delete_movie(db, id, None).await, Err(Error::NotFound)));

    let restored = catalog::undo_delete(db, id, None).await.unwrap();
    assert_eq!(restored.input.title, "Nosferatu");
    assert_eq!(search(db, "nosferatu").await, vec!["Nosferatu"]);

    catalog::delete_movie(db, id, None).await.unwrap();
    // Nothing is purged inside the window …
    assert_eq!(catalog::purge_deleted(&t.services, now_unix()).await.unwrap(), 0);
    // … and everything after it.
    let later = now_unix() + catalog::UNDO_WINDOW_SECS + 1;
    assert_eq!(catalog::purge_deleted(&t.services, later).await.unwrap(), 1);
    assert!(matches!(catalog::undo_delete(db, id, None).await, Err(Error::UndoExpired)));
    let audit = catalog::audit_log(db, id).await.unwrap();
    assert_eq!(audit[0].field, "deleted", "the audit log outlives the movie");
}

async fn people_autocomplete_by_folded_prefix(backend: Backend) {
    let t = TestDb::new(backend).await;
    seed(&t.db).await;
    let found = catalog::suggest_people(&t.db, "geo", 10).await.unwrap();
    assert_eq!(found.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), vec!["Georges Méliès"]);
    let found = catalog::suggest_people(&t.db, "JEAN-p", 10).await.unwrap();
    assert_eq!(found.len(), 1);
    assert!(catalog::suggest_people(&t.db, "%", 10).await.unwrap().len() <= 10);
}

/// #17: the servers of a fleet start side by side on one empty database; the demo catalog is
/// loaded once, not once per server.
async fn servers_starting_together_load_the_demo_catalog_once(backend: Backend) {
    let t = cinecloud_core::testing::TestServices::new(backend).await;
    let other = t.services.clone();
    let (a, b) = tokio::join!(catalog::seed::load_demo(&t.services), catalog::seed::load_demo(&other));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a.min(b) == 0 && a.max(b) >= 50, "{a} and {b} movies added");
    assert_eq!(catalog::seed::movie_count(&t.services.db).await.unwrap(), a.max(b) as i64);
    assert_eq!(catalog::seed::load_demo(&t.services).await.unwrap(), 0, "and never again");
}

async fn the_demo_catalog_loads_once_into_an_empty_database(backend: Backend) {
    let t = TestDb::new(backend).await;
    let added = catalog::seed::seed_demo_if_empty(&t.db).await.unwrap().len();
    assert!(added >= 50, "{added}");
    assert!(catalog::seed::seed_demo_if_empty(&t.db).await.unwrap().is_empty(), "never twice");
    assert_eq!(search(&t.db, "nosferatu").await, vec!["Nosferatu"]);
    assert_eq!(search(&t.db, "melies").await, vec!["A Trip to the Moon"]);
    let horror =
        catalog::browse(&t.db, &MovieQuery { genre: Some("horror".into()), ..Default::default() }).await.unwrap();
    assert!(horror.total >= 10, "{}", horror.total);
    assert_eq!(catalog::seed::seed_synthetic(&t.db, 30, 3).await.unwrap(), 30);
    assert_eq!(catalog::seed::movie_count(&t.db).await.unwrap(), added as i64 + 30);
}

async fn people_pages_and_related_movies(backend: Backend) {
    let t = TestDb::new(backend).await;
    let ids = seed(&t.db).await;
    let kid = catalog::get_movie(&t.db, ids[2]).await.unwrap();
    let chaplin = kid.credits[0].person.clone();
    let filmography = catalog::person(&t.db, chaplin.id).await.unwrap();
    assert_eq!(filmography.person.name, "Charlie Chaplin");
    let films: Vec<_> = filmography.entries.iter().map(|e| (e.card.title.as_str(), e.role)).collect();
    assert_eq!(films, vec![("The Kid", catalog::CreditRole::Director)]);
    let amelie = catalog::get_movie(&t.db, ids[0]).await.unwrap();
    let tautou = amelie.credits.iter().find(|c| c.person.name == "Audrey Tautou").unwrap();
    let films = catalog::person(&t.db, tautou.person.id).await.unwrap().entries;
    assert_eq!(films[0].character.as_deref(), Some("Amélie"));
    assert!(matches!(catalog::person(&t.db, 999_999).await, Err(Error::NotFound)));

    let related = |id| {
        let db = t.db.clone();
        async move {
            let mut titles: Vec<String> =
                catalog::related(&db, id, 10).await.unwrap().into_iter().map(|m| m.title).collect();
            titles.sort();
            titles
        }
    };
    // The Kid shares Comedy with Amélie and Drama with Metropolis; nothing with the others.
    assert_eq!(related(ids[2]).await, vec!["Le Fabuleux Destin d'Amélie Poulain", "Metropolis"]);
    assert_eq!(related(ids[4]).await, vec!["Metropolis"]);
    // A shared person weighs more than a shared genre.
    let mut sequel = form("The Kid Returns", 1925, &["Western"], &["Charlie Chaplin"]);
    sequel.synopsis.clear();
    let sequel = catalog::create_movie(&t.db, &sequel, None).await.unwrap();
    assert_eq!(catalog::related(&t.db, ids[2], 10).await.unwrap()[0].id, sequel.id);
    // Deleted movies are neither related nor in filmographies.
    catalog::delete_movie(&t.db, ids[1], None).await.unwrap();
    assert!(related(ids[4]).await.is_empty());
}

/// Genre lists read the copies of year, sort title and visibility that `movie_genres` keeps
/// (migration 0010): every edit, delete, restore and genre change must reach them.
async fn genre_lists_follow_edits_deletes_and_restores(backend: Backend) {
    let t = TestServices::new(backend).await;
    let db = &t.services.db;
    let mut ids = Vec::new();
    for (title, year) in [("Cold Harbor", 1955), ("The Bridge", 1962), ("Amber Road", 1948), ("Dusk", 1971)] {
        ids.push(
            catalog::create_movie(db, &form(title, year, &["Drama", "War"], &["Ann Lee"]), None).await.unwrap().id,
        );
    }
    let list = |sort: Sort, text: Option<&str>| {
        let q = MovieQuery {
            text: text.map(str::to_owned),
            genre: Some("drama".into()),
            year_from: Some(1950),
            year_to: Some(1970),
            sort,
            ..MovieQuery::default()
        };
        async move {
            let page = catalog::browse(db, &q).await.unwrap();
            (page.total, titles(&page).into_iter().map(str::to_owned).collect::<Vec<_>>())
        }
    };
    assert_eq!(list(Sort::Title, None).await, (2, vec!["The Bridge".to_owned(), "Cold Harbor".to_owned()]));
    assert_eq!(list(Sort::YearNewest, None).await.1, ["The Bridge", "Cold Harbor"]);
    // A filter only `movies` answers joins it, for the count too (every runtime here is 90).
    for (runtime_max, total) in [(80, 0), (100, 3)] {
        let q = MovieQuery {
            runtime_max: Some(runtime_max),
            genre: Some("drama".into()),
            year_from: Some(1950),
            ..Default::default()
        };
        assert_eq!(catalog::browse(db, &q).await.unwrap().total, total, "runtime ≤ {runtime_max}");
    }

    // An edit moves a movie into the year range and renames it: the list re-sorts and recounts.
    let version = catalog::get_movie(db, ids[2]).await.unwrap().version;
    catalog::update_movie(db, ids[2], version, &form("Zenith Road", 1960, &["Drama"], &["Ann Lee"]), None)
        .await
        .unwrap();
    assert_eq!(
        list(Sort::Title, None).await,
        (3, vec!["The Bridge".into(), "Cold Harbor".into(), "Zenith Road".into()])
    );
    assert_eq!(list(Sort::YearOldest, None).await.1, ["Cold Harbor", "Zenith Road", "The Bridge"]);
    // Losing the genre takes it off the genre's list.
    let version = catalog::get_movie(db, ids[0]).await.unwrap().version;
    catalog::update_movie(db, ids[0], version, &form("Cold Harbor", 1955, &["War"], &["Ann Lee"]), None).await.unwrap();
    assert_eq!(list(Sort::Title, None).await.1, ["The Bridge", "Zenith Road"]);

    // Deleted: neither counted nor listed, with or without words to search; restored: back.
    catalog::delete_movie(db, ids[1], None).await.unwrap();
    assert_eq!(list(Sort::Title, None).await, (1, vec!["Zenith Road".to_owned()]));
    assert_eq!(list(Sort::Relevance, Some("bridge")).await.0, 0);
    catalog::undo_delete(db, ids[1], None).await.unwrap();
    assert_eq!(list(Sort::Relevance, Some("bridge")).await, (1, vec!["The Bridge".to_owned()]));
    assert_eq!(list(Sort::Title, None).await.0, 2);

    // Purged: the links go with the movie. (Zenith Road left War when it was edited.)
    let war = MovieQuery { genre: Some("war".into()), ..MovieQuery::default() };
    assert_eq!(catalog::browse(db, &war).await.unwrap().total, 3);
    catalog::delete_movie(db, ids[3], None).await.unwrap();
    assert_eq!(catalog::purge_deleted(&t.services, now_unix() + UNDO_WINDOW_SECS + 1).await.unwrap(), 1);
    assert_eq!(catalog::browse(db, &war).await.unwrap().total, 2);
}

/// Item 9 of #15: purging used to have no caller outside tests. A maintenance round purges what
/// is past its undo window, media included, and only one server runs each round.
async fn maintenance_rounds_purge_taken_down_movies_once_per_window(backend: Backend) {
    use cinecloud_core::maintenance::{Report, run_round};
    let t = TestServices::new(backend).await;
    let db = &t.services.db;
    let id = catalog::create_movie(
        db,
        &MovieForm { title: "Nosferatu".into(), year: "1922".into(), ..MovieForm::default() },
        None,
    )
    .await
    .unwrap()
    .id;
    let movie = catalog::get_movie(db, id).await.unwrap();
    let mut png = Vec::new();
    image::RgbImage::from_pixel(200, 300, image::Rgb([90, 20, 20]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    cinecloud_core::covers::set_cover(&t.services, id, movie.version, png, None).await.unwrap();
    assert!(!t.services.media.list("covers/").await.unwrap().is_empty());
    catalog::delete_movie(db, id, None).await.unwrap();

    let every = std::time::Duration::from_secs(600);
    let now = now_unix();
    assert_eq!(run_round(&t.services, now, every).await.unwrap(), Some(Report::default()), "inside the undo window");
    let later = now + UNDO_WINDOW_SECS + 1;
    // Another server's round at the same moment: this window's round was already taken.
    assert_eq!(run_round(&t.services, now + 1, every).await.unwrap(), None);
    let round = run_round(&t.services, later, every).await.unwrap().expect("a new window, a new round");
    assert_eq!(round.purged_movies, 1);
    assert!(matches!(catalog::get_movie(db, id).await, Err(Error::NotFound)));
    assert_eq!(t.services.media.list("covers/").await.unwrap(), Vec::<String>::new(), "the cover went with it");
}

/// Part 2 of #16: a server's catalog cache answers repeated lists without the database, sees
/// another server's edit once it reads the version again (the triggers of migration 0015 move
/// it in the writing transaction), sees its own edit at once, and ages pages out so rating
/// totals, which do not move the version, are at most `page_max_age` old.
async fn catalog_caches_follow_the_version_and_age_out(backend: Backend) {
    use std::time::Duration;

    use cinecloud_core::{
        catalog::{CacheStats, CatalogCache, CatalogCacheSettings},
        ratings, testing,
    };
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let ids = seed(db).await;
    let settings = |recheck: u64, page: u64| CatalogCacheSettings {
        recheck: Duration::from_millis(recheck),
        page_max_age: Duration::from_millis(page),
    };
    let two = |page| MovieQuery { sort: Sort::Title, per_page: 2, page, ..MovieQuery::default() };
    let shown =
        |page: &catalog::Page<catalog::MovieCard>| titles(page).into_iter().map(str::to_owned).collect::<Vec<_>>();

    // One server that reads the version once an hour: after the first read, no database at all.
    let hourly = CatalogCache::new(settings(3_600_000, 3_600_000));
    let first = hourly.browse(db, &two(1)).await.unwrap();
    assert_eq!(shown(&first), ["Le Fabuleux Destin d'Amélie Poulain", "The Kid"]);
    assert_eq!(first, catalog::browse(db, &two(1)).await.unwrap(), "the same page as the database gives");
    assert_eq!(hourly.browse(db, &two(1)).await.unwrap(), first);
    // The next page of the same list is read, but its count is not.
    assert_eq!(hourly.browse(db, &two(2)).await.unwrap().total, 5);
    assert_eq!(hourly.stats(), CacheStats { page_hits: 1, page_misses: 2, count_hits: 1, version_reads: 1 });
    let genres = hourly.genres(db).await.unwrap();
    assert_eq!(hourly.genres(db).await.unwrap(), genres);
    assert_eq!(hourly.stats().version_reads, 1);

    // Another server renames a movie and adds a genre: unseen here until this server reads the
    // version again, which `changed` (this server's own edits) makes it do at once.
    let always = CatalogCache::new(settings(0, 3_600_000));
    always.browse(db, &two(1)).await.unwrap();
    let kid = catalog::get_movie(db, ids[2]).await.unwrap();
    let renamed = form("Kid Auto Races", 1914, &["Comedy", "Western"], &["Charlie Chaplin"]);
    catalog::update_movie(db, ids[2], kid.version, &renamed, None).await.unwrap();
    assert_eq!(shown(&hourly.browse(db, &two(1)).await.unwrap()), shown(&first), "not read again yet");
    assert!(!hourly.genres(db).await.unwrap().iter().any(|g| g.slug == "western"));
    hourly.changed();
    let after = ["Le Fabuleux Destin d'Amélie Poulain", "Kid Auto Races"];
    assert_eq!(shown(&hourly.browse(db, &two(1)).await.unwrap()), after);
    assert!(hourly.genres(db).await.unwrap().iter().any(|g| g.slug == "western"));
    // A server that reads the version on every request sees it with no help.
    assert_eq!(shown(&always.browse(db, &two(1)).await.unwrap()), after);
    assert_eq!(always.stats().page_misses, 2);

    // A rating does not move the version: the cached page keeps its old totals...
    let ada = testing::viewer(db, "ada").await;
    let rated_before = |page: &catalog::Page<catalog::MovieCard>| page.items[0].rating_count;
    assert_eq!(rated_before(&always.browse(db, &two(1)).await.unwrap()), 0);
    ratings::rate(db, ada, ids[0], 8).await.unwrap();
    assert_eq!(rated_before(&always.browse(db, &two(1)).await.unwrap()), 0, "the version stayed");
    // ...unless the rating was given on this server: then its pages are read again.
    always.ratings_changed();
    assert_eq!(rated_before(&always.browse(db, &two(1)).await.unwrap()), 1, "the rater sees it at once");
    // ...until the page is older than page_max_age.
    let young = CatalogCache::new(settings(0, 300));
    young.browse(db, &two(1)).await.unwrap();
    ratings::rate(db, ada, ids[0], 6).await.unwrap();
    assert_eq!(young.stats().page_misses, 1);
    tokio::time::sleep(Duration::from_millis(350)).await;
    let aged = young.browse(db, &two(1)).await.unwrap();
    assert_eq!((aged.items[0].rating_count, aged.items[0].rating_sum), (1, 6));
    assert_eq!(young.stats().page_misses, 2);

    // Deleting and restoring move the version too.
    catalog::delete_movie(db, ids[0], None).await.unwrap();
    assert_eq!(always.browse(db, &two(1)).await.unwrap().total, 4);
    catalog::undo_delete(db, ids[0], None).await.unwrap();
    assert_eq!(always.browse(db, &two(1)).await.unwrap().total, 5);
    // Paging limits hold in front of the cache as well.
    let deep = MovieQuery { page: 10_000, ..MovieQuery::default() };
    assert!(matches!(always.browse(db, &deep).await, Err(Error::Invalid(_))));
}

test_both_backends!(
    servers_starting_together_load_the_demo_catalog_once,
    catalog_caches_follow_the_version_and_age_out,
    maintenance_rounds_purge_taken_down_movies_once_per_window,
    genre_lists_follow_edits_deletes_and_restores,
    people_pages_and_related_movies,
    the_demo_catalog_loads_once_into_an_empty_database,
    create_stores_facts_links_and_an_audit_entry,
    invalid_forms_write_nothing,
    filters_sorts_and_pages,
    edits_are_audited_and_conflicting_saves_refused,
    deletion_can_be_undone_until_purged,
    people_autocomplete_by_folded_prefix,
);
