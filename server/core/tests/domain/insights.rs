//! #20, the admin dashboard: every figure and series on a small data set whose answers are worked
//! out by hand, on SQLite and PostgreSQL, including the UTC day boundaries (a rating at 23:59:59
//! and one at 00:00:00 the next second fall on different days) and the period's edges.

use cinecloud_core::{
    Backend, Db,
    accounts::Role,
    catalog::{self, MovieForm},
    insights::{self, DayValue, GenreFigure, Period, TopMovie, day_of},
    playback::PlaybackEvent,
    test_both_backends,
    testing::{
        TestDb,
        stored::{self, PlaybackReport},
    },
};

/// 2026-12-06 12:00:00 UTC: "today" is day `D`.
const NOW: i64 = 20_793 * 86_400 + 43_200;
const D: i64 = 20_793;

/// Unix time `secs` seconds into day `day`.
fn at(day: i64, secs: i64) -> i64 {
    day * 86_400 + secs
}

struct Data {
    a: i64,
    b: i64,
    c: i64,
}

async fn movie(db: &Db, title: &str, genres: &[&str]) -> i64 {
    let form = MovieForm {
        title: title.into(),
        year: "1999".into(),
        genres: genres.iter().map(|g| g.to_string()).collect(),
        ..MovieForm::default()
    };
    catalog::create_movie(db, &form, None).await.unwrap().id
}

async fn rate(db: &Db, user: i64, movie: i64, half_stars: i64, when: i64) {
    stored::set_rating_at(db, user, movie, Some(half_stars), when).await.unwrap().unwrap();
}

async fn play(db: &Db, user: i64, movie: i64, event: PlaybackEvent, position_ms: i64, when: i64) {
    let report = PlaybackReport {
        user_id: user,
        movie_id: movie,
        event,
        position_ms,
        duration_ms: 7_200_000,
        reached: false,
        now: when,
    };
    stored::record_playback(db, &report).await.unwrap().unwrap();
}

/// Three viewers (signed up 3, 10 and 40 days ago) and an admin; movies A (Drama), B (Horror),
/// C (Drama and Horror) and Gone (Drama, taken down at the end); A has a cover.
async fn seed(db: &Db) -> Data {
    use PlaybackEvent::*;
    let ada = stored::account_created_at(db, "ada", Role::Viewer, at(D - 3, 100)).await;
    let bob = stored::account_created_at(db, "bob", Role::Viewer, at(D - 10, 100)).await;
    let cy = stored::account_created_at(db, "cy", Role::Viewer, at(D - 40, 100)).await;
    stored::account_created_at(db, "root", Role::Admin, at(D - 100, 0)).await;
    let a = movie(db, "A", &["Drama"]).await;
    let b = movie(db, "B", &["Horror"]).await;
    let c = movie(db, "C", &["Drama", "Horror"]).await;
    let gone = movie(db, "Gone", &["Drama"]).await;
    stored::set_cover_key(db, a, "covers/a").await;

    rate(db, ada, a, 10, at(D, 0)).await; // the first second of today
    rate(db, ada, b, 6, at(D - 1, 86_399)).await; // the last second of yesterday
    rate(db, ada, gone, 10, at(D - 2, 500)).await;
    rate(db, bob, a, 8, at(D - 6, 500)).await; // the first day of a 7-day period
    rate(db, bob, c, 4, at(D - 7, 43_200)).await; // the day before it
    rate(db, cy, a, 9, at(D - 29, 500)).await; // the first day of a 30-day period
    rate(db, cy, b, 2, at(D - 30, 500)).await; // the day before it

    // Ada watches A across midnight: 50 s yesterday, then 30 s today; a seek counts nothing, and
    // a report claiming 90 s after 10 s counts 10 s and the clock's slack.
    play(db, ada, a, Start, 0, at(D - 1, 86_340)).await;
    play(db, ada, a, Progress, 50_000, at(D - 1, 86_390)).await;
    play(db, ada, a, Progress, 80_000, at(D, 20)).await;
    play(db, ada, a, Seek, 600_000, at(D, 30)).await;
    play(db, ada, a, Progress, 610_000, at(D, 40)).await;
    play(db, ada, a, Progress, 700_000, at(D, 50)).await;
    play(db, bob, c, Start, 0, at(D - 8, 1_000)).await;
    play(db, bob, c, Pause, 60_000, at(D - 8, 1_060)).await;
    play(db, cy, gone, Start, 0, at(D - 12, 1_000)).await;
    play(db, cy, gone, Progress, 10_000, at(D - 12, 1_010)).await;

    catalog::delete_movie(db, gone, None).await.unwrap();
    Data { a, b, c }
}

/// Zero-filled daily values for the `n` days ending with `D`, from `(days back, value)`.
fn daily(n: i64, values: &[(i64, i64)]) -> Vec<DayValue> {
    (0..n)
        .rev()
        .map(|back| DayValue { day: D - back, value: values.iter().find(|(b, _)| *b == back).map_or(0, |(_, v)| *v) })
        .collect()
}

fn top(id: i64, title: &str, value: f64, count: i64) -> TopMovie {
    TopMovie { id, title: title.into(), value, count }
}

async fn every_figure_of_a_month_has_its_known_answer(backend: Backend) {
    let t = TestDb::new(backend).await;
    let Data { a, b, c } = seed(&t.db).await;
    let month = insights::dashboard(&t.db, Period::Month, NOW).await.unwrap();
    assert_eq!(month.today, D);
    let f = &month.figures;
    assert_eq!((f.viewers, f.active_7_days, f.active_30_days), (3, 2, 3), "{f:?}");
    assert_eq!((f.sign_ups, f.ratings, f.watched_ms), (2, 6, 172_000), "{f:?}");
    assert_eq!((f.movies, f.movies_with_cover, f.movies_with_video), (3, 1, 0), "{f:?}");

    assert_eq!(month.active_per_day, daily(30, &[(0, 1), (1, 1), (2, 1), (6, 1), (7, 1), (8, 1), (12, 1), (29, 1)]));
    assert_eq!(month.ratings_per_day, daily(30, &[(0, 1), (1, 1), (2, 1), (6, 1), (7, 1), (29, 1)]));
    assert_eq!(month.watched_per_day, daily(30, &[(0, 52_000), (1, 50_000), (8, 60_000), (12, 10_000)]));
    let week = |day, value| DayValue { day, value };
    assert_eq!(
        month.sign_ups_per_week,
        [week(D - 29, 0), week(D - 27, 0), week(D - 20, 0), week(D - 13, 1), week(D - 6, 1)],
        "weeks end today; the oldest holds the period's first two days"
    );
    assert_eq!(month.rating_distribution, [0, 0, 0, 1, 0, 1, 0, 1, 1, 2]);
    assert_eq!(
        month.genres,
        [
            GenreFigure { name: "Drama".into(), ratings: 5, watched_ms: 172_000 },
            GenreFigure { name: "Horror".into(), ratings: 2, watched_ms: 60_000 },
        ]
    );
    // Gone was taken down: it counts in the figures but is in no top list.
    assert_eq!(month.top.most_watched, [top(a, "A", 102_000.0, 1), top(c, "C", 60_000.0, 1)]);
    assert_eq!(month.top.most_rated, [top(a, "A", 3.0, 3), top(b, "B", 1.0, 1), top(c, "C", 1.0, 1)]);
    assert_eq!(month.top.highest_rated, [top(a, "A", 9.0, 3)], "only A has 3 ratings in the month");
}

async fn periods_start_at_midnight_utc_of_their_first_day(backend: Backend) {
    let t = TestDb::new(backend).await;
    let Data { a, .. } = seed(&t.db).await;
    let week = insights::dashboard(&t.db, Period::Week, NOW).await.unwrap();
    let f = &week.figures;
    assert_eq!((f.sign_ups, f.ratings, f.watched_ms), (1, 4, 102_000), "{f:?}");
    assert_eq!(week.ratings_per_day, daily(7, &[(0, 1), (1, 1), (2, 1), (6, 1)]));
    assert_eq!(week.sign_ups_per_week, [DayValue { day: D - 6, value: 1 }]);
    assert_eq!(week.top.highest_rated, [], "no movie has 3 ratings in the week");
    assert_eq!(week.top.most_watched, [top(a, "A", 102_000.0, 1)]);

    let quarter = insights::dashboard(&t.db, Period::Quarter, NOW).await.unwrap();
    assert_eq!((quarter.figures.sign_ups, quarter.figures.ratings), (3, 7));
    assert_eq!(quarter.active_per_day.len(), 90);
    assert_eq!(quarter.sign_ups_per_week.len(), 13);

    // The same data seen from a day later: today's first second is yesterday's now, and the
    // 30-day window has moved past cy's first rating.
    let later = insights::dashboard(&t.db, Period::Month, NOW + 86_400).await.unwrap();
    assert_eq!((later.today, later.figures.ratings, later.figures.active_30_days), (D + 1, 5, 3));
    assert_eq!(later.figures.active_7_days, 1, "bob's last day, D - 6, is now 7 days back");
    assert_eq!(day_of(at(D, 0)), D);
}

/// Signing in, a request after a while, playing and rating each mark the account active today
/// (once); the dashboard of an empty catalog has zeros, not errors.
async fn what_marks_an_account_active(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let empty = insights::dashboard(db, Period::Year, NOW).await.unwrap();
    assert_eq!(empty.figures, insights::Figures::default());
    assert_eq!(empty.active_per_day.len(), 365);
    assert!(empty.genres.is_empty() && empty.top.most_rated.is_empty() && empty.models.is_empty());

    let now = cinecloud_core::clock::now_unix();
    let ada = stored::account_created_at(db, "ada", Role::Viewer, now).await;
    let token = cinecloud_core::sign_ins::record(db, ada, 0, "curl/8", "192.0.2.1").await.unwrap();
    cinecloud_core::sign_ins::touch(db, &token).await.unwrap();
    let today = insights::dashboard(db, Period::Week, now).await.unwrap();
    assert_eq!((today.figures.active_7_days, today.active_per_day[6].value), (1, 1));
    assert_eq!(today.figures.sign_ups, 1);
}

/// Every model trained stays on the chart after its factors are pruned, oldest first, with its
/// held-out quality when it had some.
async fn the_recommenders_history_outlives_pruning(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let row = |trained_at: i64, metrics: &str| stored::ModelRow {
        version: 0,
        object_key: format!("models/{trained_at}"),
        trained_at,
        data_as_of: trained_at,
        fit_seconds: 1.5,
        viewers: 10,
        movies: 20,
        signals: 30,
        metrics: metrics.into(),
    };
    let measured = r#"{"p_at_10":0.25,"ndcg_at_10":0.3,"recall_at_20":0.4,"popularity_p_at_10":0.1,"viewers":12}"#;
    assert_eq!(stored::insert_model(db, &row(100, "null")).await.unwrap(), 1);
    assert_eq!(stored::insert_model(db, &row(200, measured)).await.unwrap(), 2);
    assert_eq!(stored::prune_models(db, 0).await.unwrap().len(), 2);
    assert_eq!(stored::insert_model(db, &row(300, measured)).await.unwrap(), 3, "versions are never reused");
    let models = insights::dashboard(db, Period::Month, NOW).await.unwrap().models;
    let seen: Vec<_> = models.iter().map(|m| (m.version, m.trained_at, m.quality)).collect();
    assert_eq!(seen, [(1, 100, None), (2, 200, Some((0.25, 0.3, 0.1))), (3, 300, Some((0.25, 0.3, 0.1)))]);
}

test_both_backends!(
    every_figure_of_a_month_has_its_known_answer,
    periods_start_at_midnight_utc_of_their_first_day,
    what_marks_an_account_active,
    the_recommenders_history_outlives_pruning,
);
