//! Cover uploads against real storage: every test runs on SQLite and PostgreSQL, and within each
//! on a local media folder and on the in-process S3 server.

use std::io::Cursor;

use cinecloud_core::{
    Backend, Error, Services,
    catalog::{self, MovieForm},
    clock::now_unix,
    covers::{self, COVER_WIDTHS, MAX_COVER_BYTES},
    test_both_backends,
    testing::{MediaBackend, TestServices},
};

const MEDIA: [MediaBackend; 2] = [MediaBackend::Local, MediaBackend::S3];

fn png(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8 ^ seed, y as u8, seed]));
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

async fn new_movie(services: &Services) -> catalog::Movie {
    let form = MovieForm { title: "Sunrise".into(), genres: vec!["Drama".into()], ..MovieForm::default() };
    catalog::create_movie(&services.db, &form, None).await.unwrap()
}

async fn stored(services: &Services) -> Vec<String> {
    services.media.list("covers/").await.unwrap()
}

async fn an_upload_is_stored_at_every_width_and_a_replacement_deletes_the_old_ones(backend: Backend) {
    for media in MEDIA {
        let t = TestServices::with_media(backend, media).await;
        let s = &t.services;
        let movie = new_movie(s).await;
        let with_cover = covers::set_cover(s, movie.id, movie.version, png(1000, 1500, 1), None).await.unwrap();
        let prefix = with_cover.cover_key.clone().expect("the movie points at its cover");
        assert!(prefix.starts_with(&format!("covers/{}/", movie.id)), "{prefix}");
        assert_eq!(with_cover.version, movie.version + 1);
        let images = covers::cover_images(&prefix);
        let mut expected: Vec<String> = images.iter().map(|i| i.key.clone()).collect();
        expected.sort();
        assert_eq!(stored(s).await, expected, "{media:?}");
        for covers::CoverImage { key, width } in images {
            let bytes = s.media.get(&key, None).await.unwrap().into_bytes().await.unwrap();
            assert_eq!(image::guess_format(&bytes).unwrap(), image::ImageFormat::WebP, "{key}");
            let image = image::load_from_memory(&bytes).unwrap();
            assert_eq!((image.width(), image.height()), (width.min(1000), width.min(1000) * 3 / 2), "{key}");
        }

        let replaced = covers::set_cover(s, movie.id, with_cover.version, png(800, 1200, 2), None).await.unwrap();
        let new_prefix = replaced.cover_key.clone().unwrap();
        assert_ne!(new_prefix, prefix);
        let keys = stored(s).await;
        assert_eq!(keys.len(), COVER_WIDTHS.len(), "{media:?}: {keys:?}");
        assert!(keys.iter().all(|k| k.starts_with(&new_prefix)), "old objects remain: {keys:?}");

        let log = catalog::audit_log(&s.db, movie.id).await.unwrap();
        let cover_entries: Vec<_> = log.iter().filter(|e| e.field == "cover").collect();
        assert_eq!(cover_entries.len(), 2);
        assert_eq!(cover_entries[0].old_value.as_deref(), Some(prefix.as_str()));
        assert_eq!(cover_entries[0].new_value.as_deref(), Some(new_prefix.as_str()));
    }
}

async fn bad_uploads_get_a_clear_error_and_change_nothing(backend: Backend) {
    for media in MEDIA {
        let t = TestServices::with_media(backend, media).await;
        let s = &t.services;
        let movie = new_movie(s).await;
        let movie = covers::set_cover(s, movie.id, movie.version, png(400, 600, 3), None).await.unwrap();
        let before = stored(s).await;

        let good = png(300, 450, 4);
        let mut too_big = good.clone();
        too_big.resize(MAX_COVER_BYTES + 1, 0);
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("text named like an image", b"this is not a .png at all".to_vec(), "JPEG, PNG or WebP"),
            ("a GIF", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(), "JPEG, PNG or WebP"),
            ("too many bytes", too_big, "larger than 10 MB"),
            // A real PNG header claiming 20000 × 1 pixels: refused before decoding.
            ("too many pixels", png(20_000, 1, 5), "too large"),
            ("a truncated file", good[..good.len() / 2].to_vec(), "could not be read"),
        ];
        for (case, bytes, message) in cases {
            match covers::set_cover(s, movie.id, movie.version, bytes, None).await {
                Err(Error::UploadRefused { field: "cover", message: m }) => assert!(m.contains(message), "{case}: {m}"),
                other => panic!("{case}: expected a rejection, got {other:?}"),
            }
            let after = catalog::get_movie(&s.db, movie.id).await.unwrap();
            assert_eq!((after.version, &after.cover_key), (movie.version, &movie.cover_key), "{case}");
            assert_eq!(stored(s).await, before, "{case} ({media:?}) left objects behind");
        }
    }
}

async fn a_stale_upload_is_refused_and_leaves_no_objects(backend: Backend) {
    for media in MEDIA {
        let t = TestServices::with_media(backend, media).await;
        let s = &t.services;
        let movie = new_movie(s).await;
        let edited = catalog::update_movie(
            &s.db,
            movie.id,
            movie.version,
            &MovieForm { title: "Sunrise!".into(), ..Default::default() },
            None,
        )
        .await
        .unwrap();
        let err = covers::set_cover(s, movie.id, movie.version, png(400, 600, 6), None).await.unwrap_err();
        assert!(matches!(err, Error::VersionConflict { current } if current == edited.version), "{err:?}");
        assert!(stored(s).await.is_empty(), "{media:?}");
        assert!(matches!(covers::set_cover(s, 999_999, 1, png(400, 600, 6), None).await, Err(Error::NotFound)));
    }
}

async fn removing_or_purging_deletes_the_objects(backend: Backend) {
    for media in MEDIA {
        let t = TestServices::with_media(backend, media).await;
        let s = &t.services;
        let a = new_movie(s).await;
        let a = covers::set_cover(s, a.id, a.version, png(400, 600, 7), None).await.unwrap();
        let a = covers::remove_cover(s, a.id, a.version, None).await.unwrap();
        assert_eq!(a.cover_key, None);
        assert!(stored(s).await.is_empty(), "{media:?}");

        let b = new_movie(s).await;
        covers::set_cover(s, b.id, b.version, png(400, 600, 8), None).await.unwrap();
        catalog::delete_movie(&s.db, b.id, None).await.unwrap();
        assert_eq!(stored(s).await.len(), COVER_WIDTHS.len(), "kept while the deletion can be undone");
        assert_eq!(catalog::purge_deleted(s, now_unix() + catalog::UNDO_WINDOW_SECS + 1).await.unwrap(), 1);
        assert!(stored(s).await.is_empty(), "{media:?}");
    }
}

async fn demo_movies_get_drawn_covers(backend: Backend) {
    let t = TestServices::new(backend).await;
    let s = &t.services;
    let a = new_movie(s).await;
    let b = catalog::create_movie(
        &s.db,
        &MovieForm {
            title: "Nosferatu".into(),
            year: "1922".into(),
            genres: vec!["Horror".into()],
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();
    catalog::seed::draw_covers(s, &[a.id, b.id]).await.unwrap();
    let (a, b) = (catalog::get_movie(&s.db, a.id).await.unwrap(), catalog::get_movie(&s.db, b.id).await.unwrap());
    let (ka, kb) = (a.cover_key.unwrap(), b.cover_key.unwrap());
    assert_ne!(ka, kb);
    assert_eq!(stored(s).await.len(), 2 * COVER_WIDTHS.len());
    let card = s.media.get(&covers::cover_images(&kb)[1].key, None).await.unwrap();
    let card = image::load_from_memory(&card.into_bytes().await.unwrap()).unwrap();
    assert_eq!((card.width(), card.height()), (360, 540));
    // Drawing again leaves movies that have a cover alone.
    catalog::seed::draw_covers(s, &[a.id, b.id]).await.unwrap();
    assert_eq!(catalog::get_movie(&s.db, b.id).await.unwrap().cover_key.as_deref(), Some(kb.as_str()));
}

test_both_backends!(
    an_upload_is_stored_at_every_width_and_a_replacement_deletes_the_old_ones,
    bad_uploads_get_a_clear_error_and_change_nothing,
    a_stale_upload_is_refused_and_leaves_no_objects,
    removing_or_purging_deletes_the_objects,
    demo_movies_get_drawn_covers,
    covers_stored_before_webp_are_served_and_converted,
);

/// SQLite allows one writer at a time. A cover saved while another connection holds the write
/// lock waits for it (up to the busy timeout) instead of failing: saving a cover reads the
/// movie's version and then writes, and a transaction that starts by reading cannot wait for the
/// lock when it comes to write (SQLite answers "database is locked" at once), so writes begin
/// with the lock taken.
#[tokio::test]
async fn sqlite_a_cover_saved_while_another_connection_writes_waits_for_it() {
    use sqlx::{Connection, SqliteConnection};
    let t = TestServices::new(Backend::Sqlite).await;
    let s = &t.services;
    let movie = new_movie(s).await;
    let mut other = SqliteConnection::connect(&t.db.url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut other).await.unwrap();
    sqlx::query("UPDATE movies SET updated_at = updated_at + 1 WHERE id = $1")
        .bind(movie.id)
        .execute(&mut other)
        .await
        .unwrap();
    let (committed_tx, committed) = tokio::sync::oneshot::channel();
    let writer = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        sqlx::query("COMMIT").execute(&mut other).await.unwrap();
        committed_tx.send(std::time::Instant::now()).unwrap();
    });
    let saved = covers::set_cover(s, movie.id, movie.version, png(200, 300, 7), None).await;
    let returned = std::time::Instant::now();
    writer.await.unwrap();
    let saved = saved.expect("the cover waits for the other writer, then is saved");
    assert!(committed.await.unwrap() <= returned, "it returned only after the other writer committed");
    assert_eq!(catalog::get_movie(&s.db, movie.id).await.unwrap().cover_key, saved.cover_key);
}

/// Points a movie at a cover prefix by hand, as a release before WebP left it.
async fn point_at(t: &TestServices, backend: Backend, movie_id: i64, prefix: &str) {
    use sqlx::Connection;
    let sql = "UPDATE movies SET cover_key = $1, version = version + 1 WHERE id = $2";
    match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&t.db.url).await.unwrap();
            sqlx::query(sql).bind(prefix).bind(movie_id).execute(&mut c).await.unwrap();
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&t.db.url).await.unwrap();
            sqlx::query(sql).bind(prefix).bind(movie_id).execute(&mut c).await.unwrap();
        }
    }
}

async fn covers_stored_before_webp_are_served_and_converted(backend: Backend) {
    let t = TestServices::new(backend).await;
    let s = &t.services;
    let movie = new_movie(s).await;
    // A cover as it was stored before WebP: three JPEGs under a prefix without the mark.
    let prefix = format!("covers/{}/00112233445566778899aabbccddeeff", movie.id);
    let photo = image::RgbImage::from_fn(640, 960, |x, y| image::Rgb([(x / 3) as u8, (y / 4) as u8, 120]));
    for (size, width) in [("card", 320), ("detail", 640), ("full", 640)] {
        let resized = image::imageops::resize(&photo, width, width * 3 / 2, image::imageops::FilterType::Triangle);
        let mut jpeg = Vec::new();
        resized.write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg).unwrap();
        s.media.put(&format!("{prefix}-{size}.jpg"), jpeg.into(), "image/jpeg").await.unwrap();
    }
    point_at(&t, backend, movie.id, &prefix).await;
    let version = catalog::get_movie(&s.db, movie.id).await.unwrap().version;
    assert!(covers::cover_srcset(&prefix).contains(&format!("{prefix}-detail.jpg 640w")));
    assert!(cinecloud_core::integrity::check(s, now_unix() + 7200, 3600, false).await.unwrap().is_clean());

    let done = covers::convert_jpeg_covers(s).await.unwrap();
    assert_eq!(done, covers::Conversion { converted: 1, skipped: 0 });
    let converted = catalog::get_movie(&s.db, movie.id).await.unwrap();
    assert_eq!(converted.version, version + 1, "an edit like any other");
    let new_prefix = converted.cover_key.unwrap();
    assert!(new_prefix.starts_with(&format!("covers/{}/webp-", movie.id)), "{new_prefix}");
    let mut expected: Vec<String> = covers::cover_images(&new_prefix).into_iter().map(|i| i.key).collect();
    expected.sort();
    assert_eq!(stored(s).await, expected, "the JPEGs are gone, every WebP width is there");
    let widest = s.media.get(&covers::cover_images(&new_prefix)[4].key, None).await.unwrap();
    let widest = image::load_from_memory(&widest.into_bytes().await.unwrap()).unwrap();
    assert_eq!((widest.width(), widest.height()), (640, 960), "made from the widest JPEG, not enlarged");
    assert!(cinecloud_core::integrity::check(s, now_unix() + 7200, 3600, false).await.unwrap().is_clean());

    assert_eq!(covers::convert_jpeg_covers(s).await.unwrap(), covers::Conversion::default(), "nothing left");
}
