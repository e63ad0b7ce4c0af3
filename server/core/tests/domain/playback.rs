//! Playback reports on SQLite and PostgreSQL: resume points, the 90 % rule, "Continue watching",
//! history with removal and clearing, bad reports, and the recommender's `watched` signal.

use cinecloud_core::{
    Backend, Db, Error,
    catalog::{self, MovieForm},
    playback::{self, PlaybackEvent::*},
    test_both_backends,
    testing::{TestDb, stored::all_signals, viewer},
};

async fn movie(db: &Db, title: &str) -> i64 {
    let form = MovieForm { title: title.into(), year: "1925".into(), ..MovieForm::default() };
    catalog::create_movie(db, &form, None).await.unwrap().id
}

const HOUR: i64 = 3_600_000;

async fn positions_resume_and_the_90_percent_rule(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let (ada, bob) = (viewer(db, "ada").await, viewer(db, "bob").await);
    let (gold_rush, general) = (movie(db, "The Gold Rush").await, movie(db, "The General").await);

    assert_eq!(playback::progress(db, ada, gold_rush).await.unwrap(), None);
    playback::report(db, ada, gold_rush, Start, 0, HOUR).await.unwrap();
    let at = playback::report(db, ada, gold_rush, Progress, 754_000, HOUR).await.unwrap();
    assert_eq!(at.resume_at(), Some(754_000), "resume at 12:34");
    playback::report(db, ada, gold_rush, Seek, 1_800_000, HOUR).await.unwrap();
    let paused = playback::report(db, ada, gold_rush, Pause, 1_801_000, HOUR).await.unwrap();
    assert_eq!((paused.resume_at(), paused.watched), (Some(1_801_000), false));
    // Another viewer's place is their own.
    assert_eq!(playback::progress(db, bob, gold_rush).await.unwrap(), None);

    // Seconds from the start: nothing to resume.
    let barely = playback::report(db, ada, general, Progress, 3_000, HOUR).await.unwrap();
    assert_eq!(barely.resume_at(), None);
    // At 90 % it counts as watched, and stays watched after a seek back.
    let done = playback::report(db, ada, general, Progress, HOUR * 9 / 10, HOUR).await.unwrap();
    assert!(done.watched && done.resume_at().is_none());
    let back = playback::report(db, ada, general, Seek, 60_000, HOUR).await.unwrap();
    assert!(back.watched);
    assert_eq!(all_signals(db).await.unwrap(), vec![(ada, general, "watched".to_owned())]);

    // Continue watching holds the unfinished one; history holds both, newest first.
    let unfinished: Vec<i64> =
        playback::continue_watching(db, ada, 10).await.unwrap().iter().map(|e| e.card.id).collect();
    assert_eq!(unfinished, vec![gold_rush]);
    let history = playback::history(db, ada, 10).await.unwrap();
    assert_eq!(history.len(), 2);
    assert!(history.iter().any(|e| e.card.id == general && e.progress.watched));
    assert!(playback::history(db, bob, 10).await.unwrap().is_empty());
}

async fn bad_reports_change_nothing(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let ada = viewer(db, "ada").await;
    let film = movie(db, "Sherlock Jr.").await;
    for (position, duration, field) in [(-1, HOUR, "position"), (HOUR + 1, HOUR, "position"), (0, 0, "duration")] {
        match playback::report(db, ada, film, Progress, position, duration).await {
            Err(Error::Invalid(e)) => assert_eq!(e.field, field),
            other => panic!("{other:?}"),
        }
    }
    assert!(matches!(playback::report(db, ada, 999_999, Start, 0, HOUR).await, Err(Error::NotFound)));
    catalog::delete_movie(db, film, None).await.unwrap();
    assert!(matches!(playback::report(db, ada, film, Start, 0, HOUR).await, Err(Error::NotFound)));
    assert!(playback::history(db, ada, 10).await.unwrap().is_empty());
    assert!("rewind".parse::<playback::PlaybackEvent>().is_err());
}

async fn history_entries_can_be_removed_or_cleared(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let (ada, bob) = (viewer(db, "ada").await, viewer(db, "bob").await);
    let films = [movie(db, "Nanook of the North").await, movie(db, "Metropolis").await, movie(db, "Sunrise").await];
    for &film in &films {
        playback::report(db, ada, film, Finish, HOUR, HOUR).await.unwrap();
    }
    playback::report(db, bob, films[0], Finish, HOUR, HOUR).await.unwrap();

    playback::forget(db, ada, films[0]).await.unwrap();
    let left: Vec<i64> = playback::history(db, ada, 10).await.unwrap().iter().map(|e| e.card.id).collect();
    assert_eq!(left.len(), 2);
    assert!(!left.contains(&films[0]));
    assert_eq!(playback::progress(db, ada, films[0]).await.unwrap(), None);
    // The forgotten movie no longer steers recommendations; Bob's history is untouched.
    let signals = all_signals(db).await.unwrap();
    assert!(!signals.contains(&(ada, films[0], "watched".to_owned())));
    assert!(signals.contains(&(bob, films[0], "watched".to_owned())));

    playback::clear_history(db, ada).await.unwrap();
    assert!(playback::history(db, ada, 10).await.unwrap().is_empty());
    assert_eq!(all_signals(db).await.unwrap(), vec![(bob, films[0], "watched".to_owned())]);
    assert_eq!(playback::history(db, bob, 10).await.unwrap().len(), 1);
}

/// Item 12 of #15: a player (or a script) reporting in a loop keeps a bounded number of events.
async fn stored_events_per_movie_are_capped(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let ada = viewer(db, "ada").await;
    let film = movie(db, "Greed").await;
    let extra = 7;
    for i in 0..playback::MAX_EVENTS_PER_MOVIE + extra {
        playback::report(db, ada, film, Progress, i * 1000, HOUR).await.unwrap();
    }
    let stored = cinecloud_core::testing::stored::count_playback_events(db, ada, film).await.unwrap();
    assert_eq!(stored, playback::MAX_EVENTS_PER_MOVIE);
    let at = playback::progress(db, ada, film).await.unwrap().unwrap();
    assert_eq!(at.position_ms, (playback::MAX_EVENTS_PER_MOVIE + extra - 1) * 1000, "the newest is kept");
}

test_both_backends!(
    stored_events_per_movie_are_capped,
    positions_resume_and_the_90_percent_rule,
    bad_reports_change_nothing,
    history_entries_can_be_removed_or_cleared,
);
