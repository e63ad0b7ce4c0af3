//! Rate-limit counters on SQLite and PostgreSQL: concurrent hits each see their own count, and a
//! window restarts once it has passed.

use cinecloud_core::{
    Backend, Error,
    limits::{self, Limit},
    test_both_backends,
    testing::TestDb,
};

async fn concurrent_hits_each_see_a_different_count(backend: Backend) {
    let t = TestDb::new(backend).await;
    let limit = Limit { name: "test", max: 10, window_secs: 600 };
    let hits = (0..30).map(|_| {
        let db = t.db.clone();
        tokio::spawn(async move { limits::hit(&db, limit, "192.0.2.1").await })
    });
    let results: Vec<_> = futures::future::join_all(hits).await.into_iter().map(Result::unwrap).collect();
    let allowed = results.iter().filter(|r| r.is_ok()).count();
    let refused = results.iter().filter(|r| matches!(r, Err(Error::RateLimited))).count();
    assert_eq!((allowed, refused), (10, 20), "exactly the allowance passes: {results:?}");
    // Another key has its own count.
    limits::hit(&t.db, limit, "192.0.2.2").await.unwrap();
}

async fn a_window_restarts_once_it_has_passed(backend: Backend) {
    let t = TestDb::new(backend).await;
    // Windows are counted in whole seconds: start just after a second ticks over, so the two
    // hits below land in one window however slow the database is (up to the window's length)
    // and not either side of a boundary.
    let limit = Limit { name: "short", max: 1, window_secs: 4 };
    let since_tick = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_millis();
    tokio::time::sleep(std::time::Duration::from_millis(u64::from(1010 - since_tick))).await;
    let started = std::time::Instant::now();
    limits::hit(&t.db, limit, "a").await.unwrap();
    let second = limits::hit(&t.db, limit, "a").await;
    // Four-second windows: room for a busy machine between the two hits.
    assert!(started.elapsed().as_millis() < 3900, "the two hits took {:?}", started.elapsed());
    assert!(matches!(second, Err(Error::RateLimited)), "the second hit in a window is refused: {second:?}");
    tokio::time::sleep(std::time::Duration::from_millis(4000) - started.elapsed()).await;
    limits::hit(&t.db, limit, "a").await.expect("a new window");
}

test_both_backends!(concurrent_hits_each_see_a_different_count, a_window_restarts_once_it_has_passed);
