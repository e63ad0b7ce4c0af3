//! #19: `cinecloud import tmdb`, the real binary against the in-process TMDb fixture. Killed
//! (SIGKILL) midway, it carries on after the last movie it finished and asks TMDb only about the
//! rest; every movie is enriched once; a run after a complete one changes nothing.

use std::{process::Output, time::Duration};

use cinecloud_core::{
    catalog,
    testing::{
        TestDb, bare_movies, stored,
        tmdb::{Failure, REELS, TOKEN, TestTmdb},
    },
};

const JOB: &str = "import tmdb";

/// `cinecloud import tmdb` on the database at `url`, with TMDb at `tmdb`.
fn command(url: &str, media: &std::path::Path, tmdb: &TestTmdb) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_cinecloud"));
    command
        .args(["import", "tmdb"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", url)
        .env("CINECLOUD_MEDIA_DIR", media)
        .env("CINECLOUD_LOG_FORMAT", "json")
        .env("CINECLOUD_TMDB_TOKEN", TOKEN)
        .env("CINECLOUD_TMDB_API_URL", format!("{}/3/", tmdb.base))
        .env("CINECLOUD_TMDB_IMAGE_URL", format!("{}/t/p/w780", tmdb.base))
        .kill_on_drop(true);
    command
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// How many "enriched from TMDb" entries each movie's audit log has.
async fn enrichments(db: &TestDb, movies: &[i64]) -> Vec<usize> {
    let mut counts = Vec::new();
    for &id in movies {
        let audit = catalog::audit_log(&db.db, id).await.unwrap();
        counts.push(audit.iter().filter(|e| e.field == "source").count());
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_import_killed_midway_carries_on_and_a_run_after_it_changes_nothing() {
    let tmdb = TestTmdb::start().await;
    let db = TestDb::sqlite().await;
    let media = tempfile::tempdir().unwrap();
    let movies = bare_movies(&db.db, 40).await;
    for (&movie, tmdb_id) in movies.iter().zip(REELS) {
        stored::set_movie_tmdb_id(&db.db, movie, tmdb_id).await;
    }
    // Every answer takes 100 ms, so the run lasts long enough to be killed in the middle.
    tmdb.fail_next(std::iter::repeat_n(Failure::Slow(Duration::from_millis(100)), 10_000));

    let mut first = command(&db.url, media.path(), &tmdb).spawn().unwrap();
    let stopped_after = loop {
        if let Some(position) = stored::checkpoint(&db.db, JOB).await
            && position >= movies[5]
        {
            break position;
        }
        assert!(first.try_wait().unwrap().is_none(), "the run ended before it could be killed");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    first.kill().await.unwrap();
    // A request the run sent just before it died may still reach the fixture: let it be counted
    // before the next run's requests are.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let done = enrichments(&db, &movies).await;
    let finished = done.iter().filter(|&&n| n == 1).count();
    assert!(finished > 5 && finished < movies.len(), "killed midway: {done:?}");
    assert_eq!(stored::checkpoint(&db.db, JOB).await, Some(stopped_after), "the checkpoint survives the kill");
    let before_carrying_on = tmdb.requests();

    let second = command(&db.url, media.path(), &tmdb).output().await.unwrap();
    let printed = stdout(&second);
    assert!(second.status.success(), "{printed}{}", String::from_utf8_lossy(&second.stderr));
    assert!(printed.contains(&format!("Carried on after movie {stopped_after}")), "{printed}");
    let rest = movies.iter().filter(|&&id| id > stopped_after).count();
    assert!(printed.contains(&format!("of {rest} movies from TMDb")), "{printed}");
    assert_eq!(tmdb.requests() - before_carrying_on, rest, "TMDb is asked only about the movies not done");
    assert_eq!(enrichments(&db, &movies).await, vec![1; movies.len()], "every movie enriched, none twice");
    assert_eq!(stored::checkpoint(&db.db, JOB).await, None, "a completed run leaves no checkpoint");
    let reel = catalog::get_movie(&db.db, movies[39]).await.unwrap();
    assert_eq!(
        (reel.input.title.as_str(), reel.input.directors.as_slice()),
        ("Reel 20040", &["Director 20040".to_owned()][..])
    );

    let versions: Vec<i64> = {
        let mut v = Vec::new();
        for &id in &movies {
            v.push(catalog::get_movie(&db.db, id).await.unwrap().version);
        }
        v
    };
    let third = command(&db.url, media.path(), &tmdb).output().await.unwrap();
    assert!(third.status.success());
    assert!(stdout(&third).starts_with("Enriched 0 of 40 movies from TMDb"), "{}", stdout(&third));
    assert!(stdout(&third).contains("40 already agreed"), "{}", stdout(&third));
    for (&id, version) in movies.iter().zip(versions) {
        assert_eq!(catalog::get_movie(&db.db, id).await.unwrap().version, version, "movie {id} was not written");
    }
}
