//! Recommendations on SQLite and PostgreSQL with real media storage: tastes are learned, rated
//! and "not interested" movies stay out, every pick has a reason, a restart serves the stored
//! model, and two servers on one database train once.

use std::time::Duration;

use cinecloud_core::{
    Backend, Db, Services,
    catalog::{self, MovieForm},
    clock::now_unix,
    ratings::{self, Signal},
    recommend::{self, Reason, Recommender, RecommenderSettings},
    test_both_backends,
    testing::{MediaBackend, TestServices, stored, viewer},
};

async fn movie(db: &Db, title: &str, genre: &str, director: &str) -> i64 {
    let form = MovieForm {
        title: title.into(),
        year: "1930".into(),
        genres: vec![genre.into()],
        directors: vec![director.into()],
        ..MovieForm::default()
    };
    catalog::create_movie(db, &form, None).await.unwrap().id
}

/// Twelve horror and twelve comedy movies; sixteen viewers who love one genre (5★ on six of its
/// movies, chosen by a simple rotation) and rate one movie of the other 2★.
struct Catalog {
    horror: Vec<i64>,
    comedy: Vec<i64>,
}

async fn two_tastes(db: &Db) -> Catalog {
    let mut horror = Vec::new();
    let mut comedy = Vec::new();
    for i in 0..12 {
        horror.push(movie(db, &format!("Horror {i}"), "Horror", &format!("Dread {}", i % 4)).await);
        comedy.push(movie(db, &format!("Comedy {i}"), "Comedy", &format!("Laugh {}", i % 4)).await);
    }
    for v in 0..16usize {
        let id = viewer(db, &format!("fan{v}")).await;
        let (loved, other) = if v % 2 == 0 { (&horror, &comedy) } else { (&comedy, &horror) };
        for j in 0..6 {
            ratings::rate(db, id, loved[(v + j * 2) % 12], 10).await.unwrap();
        }
        ratings::rate(db, id, other[v % 12], 4).await.unwrap();
    }
    Catalog { horror, comedy }
}

fn with_recommender(services: &Services, settings: RecommenderSettings) -> Services {
    Services { recommender: Recommender::new(settings), ..services.clone() }
}

fn retrain_on_any_change() -> RecommenderSettings {
    RecommenderSettings { min_new_signals: 1, ..RecommenderSettings::default() }
}

async fn recommendations_follow_taste_and_leave_out_what_the_viewer_has_seen(backend: Backend) {
    let t = TestServices::new(backend).await;
    let db = &t.services.db;
    let catalog = two_tastes(db).await;
    let vic = viewer(db, "vic").await;

    // No model yet: the most-rated movies, with a reason.
    let cold = t.services.recommender.recommend_for(db, vic, 5).await.unwrap();
    assert_eq!(cold.len(), 5);
    assert!(
        cold.iter().all(|r| matches!(&r.reason, Reason::PopularIn { genre } if genre == "Horror" || genre == "Comedy"))
    );

    let recommender = &t.services.recommender;
    assert_eq!(recommender.train_if_due(&t.services).await.unwrap(), Some(1));
    assert_eq!(recommender.train_if_due(&t.services).await.unwrap(), None, "nothing new: no training");
    let info = recommender.info().unwrap();
    assert_eq!((info.version, info.viewers, info.signals), (1, 16, 96));
    let metrics = info.metrics.expect("enough viewers to hold some out");
    assert!(metrics.p_at_10 > 0.0 && metrics.viewers == 16, "{metrics:?}");

    // Vic loves two horror movies and is not interested in a third: horror, minus those three.
    let (loved, unwanted) = ([catalog.horror[0], catalog.horror[1]], catalog.horror[2]);
    ratings::rate(db, vic, loved[0], 10).await.unwrap();
    ratings::rate(db, vic, loved[1], 9).await.unwrap();
    ratings::add_signal(db, vic, unwanted, Signal::NotInterested).await.unwrap();
    let picks = recommender.recommend_for(db, vic, 6).await.unwrap();
    assert_eq!(picks.len(), 6);
    for pick in &picks {
        assert!(catalog.horror.contains(&pick.card.id), "{pick:?}");
        assert!(!loved.contains(&pick.card.id) && pick.card.id != unwanted, "{pick:?}");
        match &pick.reason {
            Reason::BecauseYouRated { movie_id, title, half_stars } => {
                assert!(loved.contains(movie_id));
                assert!(title.starts_with("Horror "));
                assert!(*half_stars >= 9);
            }
            other => panic!("{other:?}"),
        }
    }
    // "Not interested" in the top pick: gone at once, without retraining.
    let top = picks[0].card.id;
    ratings::add_signal(db, vic, top, Signal::NotInterested).await.unwrap();
    let again = recommender.recommend_for(db, vic, 6).await.unwrap();
    assert!(again.iter().all(|r| r.card.id != top && r.card.id != unwanted));
    assert_eq!(recommender.info().unwrap().version, 1);

    // A liked pick is a reason of its own.
    let wes = viewer(db, "wes").await;
    ratings::add_signal(db, wes, catalog.comedy[3], Signal::Liked).await.unwrap();
    let picks = recommender.recommend_for(db, wes, 4).await.unwrap();
    assert_eq!(picks.len(), 4);
    for pick in &picks {
        assert!(catalog.comedy.contains(&pick.card.id) && pick.card.id != catalog.comedy[3], "{pick:?}");
        assert_eq!(
            pick.reason,
            Reason::PopularWithViewersWhoLiked { movie_id: catalog.comedy[3], title: "Comedy 3".into() }
        );
    }

    // More like this: the same genre, explained by the movie being looked at.
    let similar = recommender.more_like(db, catalog.comedy[5], 5).await.unwrap();
    assert_eq!(similar.len(), 5);
    assert!(similar.iter().all(|r| catalog.comedy.contains(&r.card.id) && r.card.id != catalog.comedy[5]));
    assert!(matches!(&similar[0].reason, Reason::PopularWithViewersWhoLiked { title, .. } if title == "Comedy 5"));
}

async fn new_movies_are_placed_by_their_metadata_and_deleted_ones_disappear(backend: Backend) {
    let t = TestServices::new(backend).await;
    let services = with_recommender(&t.services, retrain_on_any_change());
    let db = &services.db;
    let catalog = two_tastes(db).await;
    services.recommender.train_if_due(&services).await.unwrap().unwrap();

    // Before a training knows it, a new movie is found by shared genres and people only.
    let fresh = movie(db, "Brand-new Fright", "Horror", "Dread 1").await;
    let related = services.recommender.more_like(db, fresh, 5).await.unwrap();
    assert!(!related.is_empty() && related.iter().all(|r| r.reason == Reason::SharesGenresOrPeople));
    // After one, it has factors from its neighbours and is recommended to horror fans.
    assert_eq!(services.recommender.train_if_due(&services).await.unwrap(), Some(2));
    let similar = services.recommender.more_like(db, fresh, 6).await.unwrap();
    assert!(similar.iter().all(|r| catalog.horror.contains(&r.card.id)), "{similar:?}");
    let fan = viewer(db, "fan").await;
    for &m in &catalog.horror[..4] {
        ratings::rate(db, fan, m, 10).await.unwrap();
    }
    let picks = services.recommender.recommend_for(db, fan, 8).await.unwrap();
    assert!(picks.iter().any(|r| r.card.id == fresh), "{picks:?}");

    // A movie deleted after training is never recommended.
    let deleted = picks[0].card.id;
    catalog::delete_movie(db, deleted, None).await.unwrap();
    let picks = services.recommender.recommend_for(db, fan, 8).await.unwrap();
    assert_eq!(picks.len(), 8);
    assert!(picks.iter().all(|r| r.card.id != deleted));
}

async fn a_restart_serves_the_stored_model(backend: Backend) {
    let t = TestServices::with_media(backend, MediaBackend::S3).await;
    let first = with_recommender(&t.services, retrain_on_any_change());
    let db = &first.db;
    let catalog = two_tastes(db).await;
    let vic = viewer(db, "vic").await;
    ratings::rate(db, vic, catalog.comedy[0], 10).await.unwrap();
    assert_eq!(first.recommender.train_if_due(&first).await.unwrap(), Some(1));
    let before = first.recommender.recommend_for(db, vic, 5).await.unwrap();

    // A new process: nothing loaded until it reads the stored version, then the same answers.
    let restarted = with_recommender(&t.services, retrain_on_any_change());
    assert_eq!(restarted.recommender.info(), None);
    assert_eq!(restarted.recommender.refresh(&restarted).await.unwrap(), Some(1));
    assert_eq!(restarted.recommender.info(), first.recommender.info());
    assert_eq!(restarted.recommender.recommend_for(db, vic, 5).await.unwrap(), before);
    assert!(before.iter().all(|r| matches!(r.reason, Reason::BecauseYouRated { .. })));

    // Each training stores a version; only the newest two objects and rows are kept. A rating given
    // right after a training (in the very second its data was read, were times not kept apart) is
    // new to it and makes the next one due.
    for (round, &m) in catalog.comedy[1..4].iter().enumerate() {
        ratings::rate(db, vic, m, 8).await.unwrap();
        assert_eq!(first.recommender.train_if_due(&first).await.unwrap(), Some(round as i64 + 2));
    }
    let objects = first.media.list("models/").await.unwrap();
    assert_eq!(objects.len(), 2, "{objects:?}");
    let latest = stored::latest_model(db).await.unwrap().unwrap();
    assert_eq!(latest.version, 4);
    assert!(objects.contains(&latest.object_key));
    assert_eq!(stored::prune_models(db, 2).await.unwrap(), Vec::<String>::new());
    // The restarted server picks up the newest version on its next refresh.
    assert_eq!(restarted.recommender.refresh(&restarted).await.unwrap(), Some(4));
}

async fn two_servers_on_one_database_train_once(backend: Backend) {
    let t = TestServices::new(backend).await;
    let (a, b) = (
        with_recommender(&t.services, retrain_on_any_change()),
        with_recommender(&t.services, retrain_on_any_change()),
    );
    two_tastes(&t.services.db).await;

    let (from_a, from_b) = tokio::join!(a.recommender.train_if_due(&a), b.recommender.train_if_due(&b));
    let mut versions = vec![from_a.unwrap(), from_b.unwrap()];
    versions.sort();
    assert_eq!(versions, vec![None, Some(1)], "exactly one server trained");
    // Whoever trained serves it; the other loads it.
    a.recommender.refresh(&a).await.unwrap();
    b.recommender.refresh(&b).await.unwrap();
    assert_eq!(a.recommender.info().map(|i| i.version), Some(1));
    assert_eq!(b.recommender.info(), a.recommender.info());
    assert_eq!(stored::latest_model(&t.services.db).await.unwrap().unwrap().version, 1);

    // While a third process holds the lease, nobody trains; once it expires, one does.
    let now = now_unix();
    assert!(stored::try_lease(&t.services.db, "elsewhere", now, now + 600).await.unwrap());
    assert!(!stored::try_lease(&t.services.db, "another", now, now + 600).await.unwrap());
    let fan = viewer(&t.services.db, "fan").await;
    ratings::add_signal(&t.services.db, fan, 1, Signal::Liked).await.unwrap();
    assert_eq!(a.recommender.train_if_due(&a).await.unwrap(), None);
    assert!(stored::try_lease(&t.services.db, "elsewhere", now, now).await.unwrap(), "the holder renews");
    assert_eq!(a.recommender.train_if_due(&a).await.unwrap(), Some(2));
    // The lease is given back after training.
    assert!(stored::try_lease(&t.services.db, "another", now_unix(), now_unix() + 1).await.unwrap());
}

async fn the_background_loop_trains_and_other_servers_pick_it_up(backend: Backend) {
    let t = TestServices::new(backend).await;
    let fast = || RecommenderSettings { poll_every: Duration::from_millis(100), ..retrain_on_any_change() };
    let (a, b) = (with_recommender(&t.services, fast()), with_recommender(&t.services, fast()));
    two_tastes(&t.services.db).await;
    let loops =
        [tokio::spawn(a.recommender.clone().run(a.clone())), tokio::spawn(b.recommender.clone().run(b.clone()))];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while a.recommender.info().is_none() || b.recommender.info().is_none() {
        assert!(tokio::time::Instant::now() < deadline, "no model within 30 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    for task in loops {
        task.abort();
    }
    assert_eq!(a.recommender.info().map(|i| i.version), Some(1), "nothing new, so no second training");
    assert_eq!(b.recommender.info(), a.recommender.info());
}

async fn new_viewers_are_asked_for_favourites_once(backend: Backend) {
    let t = TestServices::new(backend).await;
    let db = &t.services.db;
    let catalog = two_tastes(db).await;
    let (nia, sam) = (viewer(db, "nia").await, viewer(db, "sam").await);
    assert!(recommend::should_ask_for_favourites(db, nia).await.unwrap());

    // The choices take turns between genres.
    let choices = recommend::favourite_choices(db, nia, 6).await.unwrap();
    assert_eq!(choices.len(), 6);
    let horror = choices.iter().filter(|c| catalog.horror.contains(&c.id)).count();
    assert_eq!(horror, 3, "{choices:?}");

    let gone = catalog.comedy[11];
    catalog::delete_movie(db, gone, None).await.unwrap();
    let picks = [catalog.horror[0], catalog.comedy[0], gone, 999_999];
    recommend::save_favourites(db, nia, &picks).await.unwrap();
    recommend::save_favourites(db, nia, &picks).await.unwrap();
    let mut liked: Vec<(i64, i64, String)> =
        stored::all_signals(db).await.unwrap().into_iter().filter(|s| s.0 == nia).collect();
    liked.sort();
    assert_eq!(liked, vec![(nia, catalog.horror[0], "liked".into()), (nia, catalog.comedy[0], "liked".into())]);
    assert!(!recommend::should_ask_for_favourites(db, nia).await.unwrap());

    // Too many picks change nothing; skipping (no picks) stops the asking.
    let many: Vec<i64> = catalog.horror.iter().chain(&catalog.comedy).copied().collect();
    assert!(recommend::save_favourites(db, sam, &many).await.is_err());
    assert!(recommend::should_ask_for_favourites(db, sam).await.unwrap());
    recommend::save_favourites(db, sam, &[]).await.unwrap();
    assert!(!recommend::should_ask_for_favourites(db, sam).await.unwrap());
    // A viewer who already rated something is not asked either.
    let ray = viewer(db, "ray").await;
    ratings::rate(db, ray, catalog.horror[1], 6).await.unwrap();
    assert!(!recommend::should_ask_for_favourites(db, ray).await.unwrap());
}

test_both_backends!(
    new_viewers_are_asked_for_favourites_once,
    recommendations_follow_taste_and_leave_out_what_the_viewer_has_seen,
    new_movies_are_placed_by_their_metadata_and_deleted_ones_disappear,
    a_restart_serves_the_stored_model,
    two_servers_on_one_database_train_once,
    the_background_loop_trains_and_other_servers_pick_it_up,
);
