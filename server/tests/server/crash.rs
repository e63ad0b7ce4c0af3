//! #17 item 3: an instance killed (SIGKILL) in the middle of cover uploads, a video upload and
//! rating writes. Afterwards no row names a missing object; `cinecloud check` finds what the
//! crash left behind (orphan objects, the video's unfinished temporary file) and `--fix` removes
//! it; a new instance serves on. The check itself is shown to find a dangling reference and an
//! orphan it did not make.

use std::{path::Path, process::Output, time::Duration};

use app::api::catalog::MovieView;
use bytes::Bytes;
use cinecloud_core::{
    accounts::{self, SignUp},
    catalog::{self, MovieForm},
    covers,
    testing::{TestDb, viewer},
    videos,
};
use reqwest::{Client, StatusCode};

use crate::{
    support::{Instance, PASSWORD, browser_client, png},
    videos::webm,
};

/// `cinecloud check ARGS` on the database at `url` and the media folder `media`.
async fn check(url: &str, media: &Path, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_cinecloud"))
        .arg("check")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", url)
        .env("CINECLOUD_MEDIA_DIR", media)
        .env("CINECLOUD_LOG_FORMAT", "json")
        .output()
        .await
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn signed_in(base: &str, email: &str) -> Client {
    let client = browser_client();
    let answer = client.post(format!("{base}/api/log_in")).form(&[("email", email), ("password", PASSWORD)]).send();
    let answer = answer.await.unwrap();
    assert!(answer.status().is_success() || answer.status().is_redirection(), "{}", answer.status());
    client
}

/// Uploads covers to `movie` one after another until the server dies.
async fn keep_uploading_covers(client: Client, base: String, movie: i64, mut version: i64) -> usize {
    let mut stored = 0;
    for n in 0u32.. {
        let form = reqwest::multipart::Form::new()
            .text("id", movie.to_string())
            .text("version", version.to_string())
            .part("cover", reqwest::multipart::Part::bytes(png(600 + n % 7, 900)).file_name("poster.png"));
        let Ok(answer) = client.post(format!("{base}/api/admin/upload_cover")).multipart(form).send().await else {
            return stored;
        };
        if answer.status() == StatusCode::OK
            && let Ok(saved) = answer.json::<MovieView>().await
        {
            version = saved.version;
            stored += 1;
        }
    }
    stored
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_killed_mid_upload_leaves_no_dangling_reference_and_check_cleans_up() {
    let db = TestDb::postgres().await;
    let media = tempfile::tempdir().unwrap();
    let media_dir = media.path().to_str().unwrap().to_owned();
    let mut movies = Vec::new();
    for title in ["Nosferatu", "Metropolis", "Sunrise", "Vampyr"] {
        let form = MovieForm { title: title.into(), year: "1927".into(), ..Default::default() };
        movies.push(catalog::create_movie(&db.db, &form, None).await.unwrap());
    }
    for n in 0..3 {
        let email = format!("root{n}@example.com");
        accounts::create_admin(&db.db, SignUp { email: &email, display_name: "Root", password: PASSWORD })
            .await
            .unwrap();
    }
    let env = [("DATABASE_URL", db.url.as_str()), ("CINECLOUD_MEDIA_DIR", media_dir.as_str())];
    let mut server = Instance::serve("a", &env).await;
    server.ready().await;
    let base = server.base();

    // Three admins keep replacing covers; one streams a video that never ends; viewers rate.
    let mut uploads = Vec::new();
    for (n, movie) in movies.iter().take(3).enumerate() {
        let admin = signed_in(&base, &format!("root{n}@example.com")).await;
        uploads.push(tokio::spawn(keep_uploading_covers(admin, base.clone(), movie.id, movie.version)));
    }
    let (sender, chunks) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let head = format!(
        "--XYZ\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n{}\r\n--XYZ\r\n\
         Content-Disposition: form-data; name=\"video\"; filename=\"a.webm\"\r\nContent-Type: video/webm\r\n\r\n",
        movies[3].id
    );
    sender.send(Ok(Bytes::from(head))).await.unwrap();
    let admin = signed_in(&base, "root0@example.com").await;
    let video = tokio::spawn(
        admin
            .post(format!("{base}/api/admin/upload_video"))
            .header("content-type", "multipart/form-data; boundary=XYZ")
            .body(reqwest::Body::wrap_stream(futures::stream::unfold(chunks, |mut chunks| async move {
                chunks.recv().await.map(|chunk| (chunk, chunks))
            })))
            .send(),
    );
    let feeder = tokio::spawn(async move {
        let mut chunk = Bytes::from(webm(256 * 1024));
        while sender.send(Ok(chunk)).await.is_ok() {
            chunk = Bytes::from(vec![7u8; 256 * 1024]);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let fans: Vec<i64> = [viewer(&db.db, "fan0").await, viewer(&db.db, "fan1").await].into();
    let rater = {
        let db = db.db.clone();
        let ids: Vec<i64> = movies.iter().map(|m| m.id).collect();
        tokio::spawn(async move {
            for n in 0i64.. {
                let _ =
                    cinecloud_core::ratings::rate(&db, fans[(n % 2) as usize], ids[(n % 4) as usize], 1 + n % 10).await;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };

    // Once covers have been replaced a few times and the video is being written: SIGKILL.
    let unfinished_video = || {
        std::fs::read_dir(media.path().join(format!("videos/{}", movies[3].id)))
            .map(|d| d.filter_map(Result::ok).any(|e| e.file_name().to_string_lossy().starts_with(".tmp-")))
            .unwrap_or(false)
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !(unfinished_video()
        && catalog::get_movie(&db.db, movies[0].id).await.unwrap().version >= movies[0].version + 3)
    {
        assert!(std::time::Instant::now() < deadline, "uploads did not get going: {:?}", server.logged("error"));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.child.start_kill().unwrap();
    server.child.wait().await.unwrap();
    rater.abort();
    feeder.abort();
    let stored: usize = futures::future::join_all(uploads).await.into_iter().map(Result::unwrap).sum();
    assert!(stored >= 3, "covers replaced before the crash: {stored}");
    let _ = video.await;

    // No row names a missing object: every size of every cover is there.
    for movie in &movies[..3] {
        let prefix = catalog::get_movie(&db.db, movie.id).await.unwrap().cover_key.expect("a cover was stored");
        for covers::CoverImage { key, .. } in covers::cover_images(&prefix) {
            assert!(media.path().join(&key).is_file(), "{key} is missing");
        }
    }
    assert!(videos::find(&db.db, movies[3].id).await.unwrap().is_none(), "the video never finished");

    check_finds_and_fixes_the_leftovers(&db.url, media.path(), movies[3].id).await;

    // A new instance on the same database and folder serves every cover.
    let again = Instance::serve("b", &env).await;
    again.ready().await;
    for movie in &movies[..3] {
        let prefix = catalog::get_movie(&db.db, movie.id).await.unwrap().cover_key.unwrap();
        let card = reqwest::get(format!("{}{}", again.base(), covers::cover_url(&prefix, 320))).await.unwrap();
        assert_eq!(card.status(), StatusCode::OK);
    }

    check_fails_on_what_it_did_not_make(&db, media.path(), movies[0].id).await;
}

/// After the crash, `cinecloud check` on the database at `url` and the folder `media` lists no
/// dangling reference; the leftovers (the video of movie `video_movie` never finished) only once
/// they are old enough to judge, and `--fix` clears them.
async fn check_finds_and_fixes_the_leftovers(url: &str, media: &Path, video_movie: i64) {
    let fresh = check(url, media, &[]).await;
    let report = stdout(&fresh);
    assert!(report.contains("Dangling references (a row names a missing object): none"), "{report}");
    assert!(report.contains("Left alone, too recent to judge"), "{report}");
    let now = check(url, media, &["--older-than", "0"]).await;
    let report = stdout(&now);
    eprintln!("cinecloud check --older-than 0 after the crash:\n{report}");
    assert_eq!(now.status.code(), Some(1), "{report}");
    // The video's temporary file at least; a cover being written at the kill leaves its own (and
    // the sizes already stored become orphans).
    assert!(!report.contains("Unfinished uploads (temporary files of a stopped server): none"), "{report}");
    assert!(report.contains(&format!("videos/{video_movie}/.tmp-")), "{report}");
    let fixed = check(url, media, &["--older-than", "0", "--fix"]).await;
    assert_eq!(fixed.status.code(), Some(0), "{}", stdout(&fixed));
    let clean = check(url, media, &["--older-than", "0"]).await;
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert!(stdout(&clean).contains("Orphan objects (nothing refers to them): none"), "{}", stdout(&clean));
}

/// The check fails on what it did not make: a cover of movie `movie` deleted under its row, and
/// a stray object; `--fix` removes the stray and leaves the row to a person.
async fn check_fails_on_what_it_did_not_make(db: &TestDb, media: &Path, movie: i64) {
    let prefix = catalog::get_movie(&db.db, movie).await.unwrap().cover_key.unwrap();
    let card_key = covers::cover_images(&prefix).remove(0).key;
    let card = media.join(&card_key);
    let card_bytes = std::fs::read(&card).unwrap();
    std::fs::remove_file(&card).unwrap();
    let stray = media.join("covers/999999/0123456789abcdef-card.jpg");
    std::fs::create_dir_all(stray.parent().unwrap()).unwrap();
    std::fs::write(&stray, b"not referenced").unwrap();
    let broken = check(&db.url, media, &["--older-than", "0", "--fix"]).await;
    let report = stdout(&broken);
    assert_eq!(broken.status.code(), Some(1), "{report}");
    assert!(report.contains(&format!("movie {movie}'s cover (240 px): {card_key}")), "{report}");
    assert!(report.contains("covers/999999/0123456789abcdef-card.jpg"), "{report}");
    assert!(!stray.exists(), "--fix deleted the orphan");
    std::fs::write(&card, card_bytes).unwrap();
    assert_eq!(check(&db.url, media, &["--older-than", "0"]).await.status.code(), Some(0));
}
