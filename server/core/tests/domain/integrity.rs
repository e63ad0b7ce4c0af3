//! `cinecloud check` at its core: on SQLite and PostgreSQL, each with a media folder and with S3,
//! agreement is clean, and a missing object, a stray object and an old unfinished upload are each
//! found; `fix` deletes the strays and nothing a row names.

use bytes::Bytes;
use cinecloud_core::{
    Backend,
    catalog::{self, MovieForm},
    clock::now_unix,
    covers, integrity, test_both_backends,
    testing::{MediaBackend, TestServices},
};

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(300, 450, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

async fn the_check_finds_dangling_references_and_orphans_and_fixes_only_orphans(backend: Backend) {
    for media in [MediaBackend::Local, MediaBackend::S3] {
        let t = TestServices::with_media(backend, media).await;
        let s = &t.services;
        let form = MovieForm { title: "Sunrise".into(), ..MovieForm::default() };
        let movie = catalog::create_movie(&s.db, &form, None).await.unwrap();
        let movie = covers::set_cover(s, movie.id, movie.version, png(), None).await.unwrap();
        let prefix = movie.cover_key.clone().unwrap();
        let now = now_unix();

        let clean = integrity::check(s, now, 0, false).await.unwrap();
        assert!(clean.is_clean(), "{clean}");
        let widths = covers::COVER_WIDTHS.len();
        assert_eq!((clean.objects, clean.references), (widths, widths), "{clean}");

        // A stray object: too recent to judge by default, an orphan once old enough.
        s.media.put("covers/999/stray-card.jpg", Bytes::from_static(b"jpeg"), "image/jpeg").await.unwrap();
        // Something outside Cinecloud's folders is never touched.
        s.media.put("elsewhere/keep.txt", Bytes::from_static(b"not ours"), "text/plain").await.unwrap();
        let recent = integrity::check(s, now, 3600, false).await.unwrap();
        assert!(recent.orphans.is_empty() && recent.too_recent == 1, "{recent}");
        let found = integrity::check(s, now + 7200, 3600, false).await.unwrap();
        assert_eq!(found.orphans, vec!["covers/999/stray-card.jpg".to_owned()], "{found}");
        assert!(!found.is_clean());

        // A row naming a missing object.
        let card = covers::cover_images(&prefix).remove(0).key;
        s.media.delete(&card).await.unwrap();
        let fixed = integrity::check(s, now + 7200, 3600, true).await.unwrap();
        assert_eq!(fixed.dangling.len(), 1, "{fixed}");
        assert_eq!(fixed.dangling[0].key, card);
        assert_eq!(fixed.dangling[0].owner, format!("movie {}'s cover (240 px)", movie.id));
        assert_eq!(fixed.deleted, 1);
        assert!(!fixed.is_clean(), "a dangling reference stays for a person to decide");
        assert!(s.media.list("covers/999/").await.unwrap().is_empty());
        assert_eq!(s.media.list("elsewhere/").await.unwrap(), vec!["elsewhere/keep.txt".to_owned()]);
        assert_eq!(
            s.media.list(&prefix).await.unwrap().len(),
            covers::COVER_WIDTHS.len() - 1,
            "fix deletes nothing a row names"
        );

        if let cinecloud_core::storage::MediaStore::Local(store) = &s.media {
            // The temporary file of an upload a killed server never finished.
            let folder = store.root().join(format!("videos/{}", movie.id));
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join(".tmp-0123"), b"half a video").unwrap();
            let unfinished = integrity::check(s, now + 7200, 3600, true).await.unwrap();
            assert_eq!(unfinished.unfinished, vec![format!("videos/{}/.tmp-0123", movie.id)], "{unfinished}");
            assert!(!folder.join(".tmp-0123").exists());
        }
    }
}

test_both_backends!(the_check_finds_dangling_references_and_orphans_and_fixes_only_orphans);
