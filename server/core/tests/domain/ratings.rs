//! Ratings and signals on SQLite and PostgreSQL: set, change, remove, averages, bad values,
//! missing movies, and many viewers rating one movie at once.

use std::collections::HashMap;

use cinecloud_core::{
    Backend, Db, Error,
    catalog::{self, MovieForm},
    ratings::{self, RatingSummary, Signal},
    test_both_backends,
    testing::{self, TestDb, stored},
    viewer::viewer_state,
};

async fn viewer(db: &Db, n: usize) -> i64 {
    testing::viewer(db, &format!("viewer{n}")).await
}

async fn movie(db: &Db, title: &str) -> i64 {
    let form =
        MovieForm { title: title.into(), year: "1927".into(), genres: vec!["Drama".into()], ..MovieForm::default() };
    catalog::create_movie(db, &form, None).await.unwrap().id
}

fn summary(count: i64, average: Option<f64>) -> RatingSummary {
    let got = RatingSummary::from_sum(count, (average.unwrap_or(0.0) * 2.0 * count as f64).round() as i64);
    assert_eq!(got.average(), average);
    got
}

async fn ratings_set_change_and_remove_with_averages(backend: Backend) {
    let t = TestDb::new(backend).await;
    let (ada, bob) = (viewer(&t.db, 1).await, viewer(&t.db, 2).await);
    let film = movie(&t.db, "Metropolis").await;
    assert_eq!(ratings::summary(&t.db, film).await.unwrap(), summary(0, None));

    assert_eq!(ratings::rate(&t.db, ada, film, 8).await.unwrap(), summary(1, Some(4.0)));
    assert_eq!(ratings::rate(&t.db, bob, film, 5).await.unwrap(), summary(2, Some(3.25)));
    // Changing a rating replaces it.
    assert_eq!(ratings::rate(&t.db, ada, film, 10).await.unwrap(), summary(2, Some(3.75)));
    assert_eq!(viewer_state(&t.db, ada, &[film]).await.unwrap().rating_of(film), Some(10));
    assert_eq!(viewer_state(&t.db, bob, &[film, 999]).await.unwrap().ratings, HashMap::from([(film, 5)]));
    // Removing it, twice, leaves the other.
    assert_eq!(ratings::unrate(&t.db, ada, film).await.unwrap(), summary(1, Some(2.5)));
    assert_eq!(ratings::unrate(&t.db, ada, film).await.unwrap(), summary(1, Some(2.5)));
    assert_eq!(viewer_state(&t.db, ada, &[film]).await.unwrap().rating_of(film), None);
    assert_eq!(stored::all_ratings(&t.db).await.unwrap(), vec![(bob, film, 5)]);
}

/// "Top rated" sorts by a damped mean: five imaginary 3★ ratings come with every movie's real
/// ones, so one 5★ scores (5·6 + 10) / (2·6) ≈ 3.33, below a movie that many rated 4½★.
async fn the_stored_sort_score_is_the_damped_mean(backend: Backend) {
    let t = TestDb::new(backend).await;
    let film = movie(&t.db, "Metropolis").await;
    assert_eq!(stored::rating_score(&t.db, film).await, None);
    let ada = viewer(&t.db, 1).await;
    let one_five_star = ratings::rate(&t.db, ada, film, 10).await.unwrap();
    let score = stored::rating_score(&t.db, film).await.unwrap();
    assert_eq!(Some(score), ratings::damped_score(one_five_star));
    assert!((score - 40.0 / 12.0).abs() < 1e-9, "{score}");
    let acclaimed = movie(&t.db, "Sunrise").await;
    for n in 0..20 {
        ratings::rate(&t.db, viewer(&t.db, 100 + n).await, acclaimed, 9).await.unwrap();
    }
    assert!(stored::rating_score(&t.db, acclaimed).await.unwrap() > score);
    ratings::unrate(&t.db, ada, film).await.unwrap();
    assert_eq!(stored::rating_score(&t.db, film).await, None);
}

async fn bad_ratings_and_missing_movies_change_nothing(backend: Backend) {
    let t = TestDb::new(backend).await;
    let ada = viewer(&t.db, 1).await;
    let film = movie(&t.db, "Nosferatu").await;
    ratings::rate(&t.db, ada, film, 6).await.unwrap();
    for bad in [0, 11, -2] {
        match ratings::rate(&t.db, ada, film, bad).await {
            Err(Error::Invalid(e)) => assert_eq!(e.field, "rating"),
            other => panic!("{bad} half stars: {other:?}"),
        }
    }
    assert!(matches!(ratings::rate(&t.db, ada, 999_999, 6).await, Err(Error::NotFound)));
    assert!(matches!(ratings::unrate(&t.db, ada, 999_999).await, Err(Error::NotFound)));
    // A deleted movie cannot be rated, and its ratings leave training data.
    let gone = movie(&t.db, "Gone").await;
    ratings::rate(&t.db, ada, gone, 2).await.unwrap();
    catalog::delete_movie(&t.db, gone, None).await.unwrap();
    assert!(matches!(ratings::rate(&t.db, ada, gone, 6).await, Err(Error::NotFound)));
    assert_eq!(viewer_state(&t.db, ada, &[film]).await.unwrap().rating_of(film), Some(6));
    assert_eq!(ratings::summary(&t.db, film).await.unwrap(), summary(1, Some(3.0)));
    assert_eq!(stored::all_ratings(&t.db).await.unwrap(), vec![(ada, film, 6)]);
}

async fn many_viewers_rating_one_movie_at_once_are_all_counted(backend: Backend) {
    let t = TestDb::new(backend).await;
    let film = movie(&t.db, "The General").await;
    let mut viewers = Vec::new();
    for n in 0..16 {
        viewers.push(viewer(&t.db, n).await);
    }
    let tasks: Vec<_> = viewers
        .iter()
        .enumerate()
        .map(|(n, &user)| {
            let db = t.db.clone();
            tokio::spawn(async move { ratings::rate(&db, user, film, 1 + (n as i64 % 10)).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let want_sum: i64 = (0..16).map(|n| 1 + n % 10).sum();
    let got = ratings::summary(&t.db, film).await.unwrap();
    assert_eq!(got, RatingSummary::from_sum(16, want_sum));
}

async fn signals_are_recorded_once_and_withdrawn(backend: Backend) {
    let t = TestDb::new(backend).await;
    let ada = viewer(&t.db, 1).await;
    let film = movie(&t.db, "Sherlock Jr.").await;
    ratings::add_signal(&t.db, ada, film, Signal::NotInterested).await.unwrap();
    ratings::add_signal(&t.db, ada, film, Signal::NotInterested).await.unwrap();
    ratings::add_signal(&t.db, ada, film, Signal::Liked).await.unwrap();
    let mut all = stored::all_signals(&t.db).await.unwrap();
    all.sort();
    assert_eq!(all, vec![(ada, film, "liked".to_owned()), (ada, film, "not_interested".to_owned())]);
    assert!(matches!(ratings::add_signal(&t.db, ada, 424_242, Signal::Liked).await, Err(Error::NotFound)));
    ratings::remove_signal(&t.db, ada, film, Signal::NotInterested).await.unwrap();
    assert_eq!(stored::all_signals(&t.db).await.unwrap(), vec![(ada, film, "liked".to_owned())]);
}

test_both_backends!(
    ratings_set_change_and_remove_with_averages,
    the_stored_sort_score_is_the_damped_mean,
    bad_ratings_and_missing_movies_change_nothing,
    many_viewers_rating_one_movie_at_once_are_all_counted,
    signals_are_recorded_once_and_withdrawn,
);
