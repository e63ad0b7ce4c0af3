//! #20, "your year in film": every figure of a viewer's year on a small data set whose answers
//! are worked out by hand, on SQLite and PostgreSQL — UTC year boundaries (23:59 on December 31st
//! counts, a second past midnight does not), rewatches, ties, movies taken down — and the share
//! cards: made on request, replaced, revoked, and only ever the owner's.

use cinecloud_core::{
    Backend, Db, Error,
    accounts::Role,
    catalog::{self, CastMember, MovieForm},
    insights::{self, Favourite, Moment, Rewatched, Streak},
    playback::PlaybackEvent::{self, *},
    test_both_backends,
    testing::{
        TestDb,
        stored::{self, PlaybackReport},
    },
};
use cinecloud_vocab::year::day_number;

/// 2026-12-06 12:00 UTC.
const NOW: i64 = 20_793 * 86_400 + 43_200;
const LENGTH: i64 = 7_200_000;

/// Unix time of a UTC date and time.
fn at(y: i64, m: i64, d: i64, hh: i64, mm: i64, ss: i64) -> i64 {
    day_number(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss
}

async fn movie(db: &Db, title: &str, genres: &[&str], director: &str, cast: &[&str]) -> i64 {
    let form = MovieForm {
        title: title.into(),
        year: "1925".into(),
        genres: genres.iter().map(|g| g.to_string()).collect(),
        directors: vec![director.to_owned()],
        cast: cast.iter().map(|c| CastMember { name: c.to_string(), character: None }).collect(),
        ..MovieForm::default()
    };
    catalog::create_movie(db, &form, None).await.unwrap().id
}

async fn play(db: &Db, user_id: i64, movie_id: i64, event: PlaybackEvent, position_ms: i64, now: i64) {
    let reached = event == Finish || position_ms * 10 >= LENGTH * 9;
    let report = PlaybackReport { user_id, movie_id, event, position_ms, duration_ms: LENGTH, reached, now };
    stored::record_playback(db, &report).await.unwrap().unwrap();
}

struct Seeded {
    ada: i64,
    bob: i64,
    a: i64,
    b: i64,
    c: i64,
}

/// Ada watches A on January 1st–3rd 2025 (a minute a day), C to the end on March 10th and again
/// on June 5th, and B at 23:59 on New Year's Eve both sides of 2025. Bob only rates.
async fn seed(db: &Db) -> Seeded {
    let ada = stored::account_created_at(db, "ada", Role::Viewer, at(2024, 6, 1, 0, 0, 0)).await;
    let bob = stored::account_created_at(db, "bob", Role::Viewer, at(2024, 6, 1, 0, 0, 0)).await;
    let a = movie(db, "A", &["Drama"], "Fritz Lang", &["Brigitte Helm"]).await;
    let b = movie(db, "B", &["Horror"], "F. W. Murnau", &["Max Schreck"]).await;
    let c = movie(db, "C", &["Drama", "Horror"], "Fritz Lang", &["Brigitte Helm", "Max Schreck"]).await;

    play(db, ada, b, Start, 0, at(2024, 12, 31, 23, 59, 0)).await;
    play(db, ada, b, Progress, 50_000, at(2024, 12, 31, 23, 59, 50)).await; // 2024: not counted
    play(db, ada, a, Start, 0, at(2025, 1, 1, 0, 0, 0)).await;
    play(db, ada, a, Progress, 60_000, at(2025, 1, 1, 0, 1, 0)).await; // 60 s on Jan 1
    play(db, ada, a, Progress, 120_000, at(2025, 1, 2, 10, 0, 0)).await; // 60 s on Jan 2
    play(db, ada, a, Progress, 180_000, at(2025, 1, 3, 10, 0, 0)).await; // 60 s on Jan 3
    play(db, ada, c, Start, 0, at(2025, 3, 10, 20, 0, 0)).await;
    play(db, ada, c, Progress, 100_000, at(2025, 3, 10, 20, 2, 0)).await; // 100 s
    play(db, ada, c, Finish, LENGTH, at(2025, 3, 10, 20, 3, 0)).await; // 62 s (the clock) and a finish
    play(db, ada, c, Seek, 0, at(2025, 6, 5, 12, 0, 0)).await;
    play(db, ada, c, Finish, LENGTH, at(2025, 6, 5, 12, 1, 0)).await; // 62 s and a second finish
    play(db, ada, c, Finish, LENGTH, at(2025, 6, 5, 12, 1, 30)).await; // already at the end: no third
    play(db, ada, b, Progress, 110_000, at(2025, 12, 31, 23, 59, 0)).await; // 60 s on Dec 31
    play(db, ada, b, Progress, 140_000, at(2026, 1, 1, 0, 0, 30)).await; // 2026: not counted

    let rate = |user, movie, half, when| async move {
        stored::set_rating_at(db, user, movie, Some(half), when).await.unwrap().unwrap();
    };
    rate(ada, a, 8, at(2025, 2, 1, 12, 0, 0)).await;
    rate(ada, b, 3, at(2024, 12, 30, 12, 0, 0)).await; // 2024
    rate(bob, a, 10, at(2025, 4, 1, 12, 0, 0)).await;
    rate(bob, c, 8, at(2025, 5, 1, 12, 0, 0)).await;
    Seeded { ada, bob, a, b, c }
}

fn fav(id: i64, name: &str, movies: i64, watched_ms: i64) -> Favourite {
    Favourite { id, name: name.to_owned(), movies, watched_ms }
}

async fn a_viewers_year_adds_up_by_hand(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let Seeded { ada, bob, a, b, c } = seed(db).await;
    let y = insights::year_in_film(db, ada, Some(2025), NOW).await.unwrap();
    assert_eq!(y.year, 2025);
    assert_eq!(y.years, [2026, 2025, 2024], "from the first thing done to this year");
    assert_eq!((y.watched_ms, y.movies_watched, y.finished), (464_000, 3, 2));
    let mut watched = vec![0; 12];
    (watched[0], watched[2], watched[5], watched[11]) = (180_000, 162_000, 62_000, 60_000);
    assert_eq!(y.watched_by_month, watched);
    assert_eq!(y.finished_by_month, [0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    assert_eq!(y.top_genres, [fav(0, "Drama", 2, 404_000), fav(0, "Horror", 2, 284_000)]);
    let person = |name| async move { stored::person_id(db, name).await };
    let (lang, murnau) = (person("Fritz Lang").await, person("F. W. Murnau").await);
    let (helm, schreck) = (person("Brigitte Helm").await, person("Max Schreck").await);
    assert_eq!(y.top_directors, [fav(lang, "Fritz Lang", 2, 404_000), fav(murnau, "F. W. Murnau", 1, 60_000)]);
    assert_eq!(y.top_actors, [fav(helm, "Brigitte Helm", 2, 404_000), fav(schreck, "Max Schreck", 2, 284_000)]);
    assert_eq!(y.ratings_given, 1);
    assert_eq!(y.my_ratings, [0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    assert_eq!(y.all_ratings, [0, 0, 0, 0, 0, 0, 0, 2, 0, 1], "everyone's 2025, not 2024's");
    let day = |m, d| day_number(2025, m, d);
    assert_eq!(y.first, Some(Moment { movie_id: a, title: "A".into(), day: day(1, 1) }));
    assert_eq!(y.last, Some(Moment { movie_id: b, title: "B".into(), day: day(12, 31) }));
    assert_eq!(y.longest_streak, Some(Streak { days: 3, first_day: day(1, 1) }));
    assert_eq!(y.most_rewatched, Some(Rewatched { movie_id: c, title: "C".into(), times: 2 }));

    // Another viewer's year holds only their own doing.
    let theirs = insights::year_in_film(db, bob, Some(2025), NOW).await.unwrap();
    assert_eq!((theirs.watched_ms, theirs.finished, theirs.ratings_given), (0, 0, 2));
    assert_eq!(theirs.years, [2026, 2025]);
    assert_eq!(theirs.my_ratings, [0, 0, 0, 0, 0, 0, 0, 1, 0, 1]);
    assert_eq!(insights::year_in_film(db, ada, None, NOW).await.unwrap().watched_ms, 30_000, "2026 so far");

    // A movie taken down leaves the year.
    catalog::delete_movie(db, b, None).await.unwrap();
    let y = insights::year_in_film(db, ada, Some(2025), NOW).await.unwrap();
    assert_eq!((y.watched_ms, y.movies_watched), (404_000, 2));
    assert_eq!(y.last.map(|m| m.movie_id), Some(c));

    for wrong in [2027, 1969] {
        let err = insights::year_in_film(db, ada, Some(wrong), NOW).await.unwrap_err();
        assert!(matches!(err, Error::Invalid(ref e) if e.field == "year"), "{wrong}: {err:?}");
    }
}

async fn share_cards_are_made_on_request_replaced_and_revoked(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let Seeded { ada, bob, .. } = seed(db).await;
    assert!(insights::share_cards(db, ada).await.unwrap().is_empty(), "none until asked for");

    let card = insights::make_share_card(db, ada, "Ada", 2025, NOW).await.unwrap();
    let token = card.path.strip_prefix("/share/").and_then(|p| p.strip_suffix(".png")).unwrap().to_owned();
    assert!(token.len() >= 43, "256 random bits: {token}");
    let summary = insights::card_summary(db, &token).await.unwrap().expect("a live card");
    assert_eq!(
        (summary.name.as_str(), summary.year, summary.watched_ms, summary.movies_watched),
        ("Ada", 2025, 464_000, 3)
    );
    assert_eq!((summary.top_genre.as_deref(), summary.longest_streak), (Some("Drama"), 3));
    assert_eq!(summary.most_rewatched.as_deref(), Some("C"));
    let png = insights::card_png(db, &token).await.unwrap().expect("an image");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");

    let again = insights::make_share_card(db, ada, "Ada", 2025, NOW).await.unwrap();
    assert_ne!(again.path, card.path);
    assert!(insights::card_summary(db, &token).await.unwrap().is_none(), "the earlier link stops working");
    assert_eq!(insights::share_cards(db, ada).await.unwrap(), std::slice::from_ref(&again));

    assert!(matches!(insights::revoke_share_card(db, bob, 2025).await, Err(Error::NotFound)), "only the owner's");
    assert!(insights::share_cards(db, bob).await.unwrap().is_empty());
    insights::revoke_share_card(db, ada, 2025).await.unwrap();
    let token = again.path.trim_start_matches("/share/").trim_end_matches(".png");
    assert!(insights::card_summary(db, token).await.unwrap().is_none(), "revoked");
    assert!(insights::card_png(db, token).await.unwrap().is_none());
    assert!(matches!(insights::revoke_share_card(db, ada, 2025).await, Err(Error::NotFound)));
    assert!(insights::card_summary(db, &"x".repeat(500)).await.unwrap().is_none());
}

test_both_backends!(a_viewers_year_adds_up_by_hand, share_cards_are_made_on_request_replaced_and_revoked);
