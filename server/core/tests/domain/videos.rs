//! Video uploads against real storage: every test runs on SQLite and PostgreSQL, and within each
//! on a local media folder and on the in-process S3 server (where large uploads go in parts).

use bytes::Bytes;
use cinecloud_core::{
    Backend, Error, Services,
    catalog::{self, MovieForm},
    storage::UploadStream,
    test_both_backends,
    testing::{MediaBackend, TestServices},
    videos::{self, Source},
};
use futures::stream;

const MEDIA: [MediaBackend; 2] = [MediaBackend::Local, MediaBackend::S3];
const MIB: usize = 1024 * 1024;

/// `len` bytes that start like an MP4 (or a WebM) file and then vary, so a mix-up shows.
fn video_bytes(webm: bool, len: usize, seed: u8) -> Vec<u8> {
    let head: &[u8] = if webm {
        &[0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, b'w', b'e', b'b', b'm']
    } else {
        b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41"
    };
    let mut bytes = head.to_vec();
    bytes.extend((bytes.len()..len).map(|i| (i as u8).wrapping_mul(31) ^ seed));
    bytes
}

/// The bytes as an upload arriving in 64 KiB pieces.
fn upload(bytes: &[u8]) -> UploadStream {
    let chunks: Vec<Result<Bytes, String>> = bytes.chunks(64 * 1024).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
    Box::pin(stream::iter(chunks))
}

/// The first `good` bytes arrive, then the connection drops.
fn broken_upload(bytes: &[u8], good: usize) -> UploadStream {
    let mut chunks: Vec<Result<Bytes, String>> =
        bytes[..good].chunks(64 * 1024).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
    chunks.push(Err("connection reset".to_owned()));
    Box::pin(stream::iter(chunks))
}

async fn new_movie(services: &Services) -> i64 {
    let form = MovieForm { title: "Sunrise".into(), genres: vec!["Drama".into()], ..MovieForm::default() };
    catalog::create_movie(&services.db, &form, None).await.unwrap().id
}

async fn stored(services: &Services) -> Vec<String> {
    services.media.list("videos/").await.unwrap()
}

async fn read(services: &Services, key: &str) -> Vec<u8> {
    services.media.get(key, None).await.unwrap().into_bytes().await.unwrap()
}

async fn a_streamed_upload_is_stored_whole_and_a_replacement_deletes_the_old_object(backend: Backend) {
    for media in MEDIA {
        let t = TestServices::with_media(backend, media).await;
        let s = &t.services;
        let id = new_movie(s).await;
        // 17 MiB: on S3 that is two full parts and a short last one.
        let mp4 = video_bytes(false, 17 * MIB + 5, 1);
        let video = videos::attach(s, id, upload(&mp4), None).await.unwrap();
        assert!(video.object_key.starts_with(&format!("videos/{id}/")) && video.object_key.ends_with(".mp4"));
        assert_eq!((video.content_type.as_str(), video.byte_size), ("video/mp4", mp4.len() as i64));
        assert_eq!(stored(s).await, vec![video.object_key.clone()], "{media:?}");
        assert!(read(s, &video.object_key).await == mp4, "{media:?}: the stored bytes differ");
        let movie = catalog::get_movie(&s.db, id).await.unwrap();
        assert_eq!(movie.video_type.as_deref(), Some("video/mp4"));

        let webm = video_bytes(true, 300_000, 2);
        let replaced = videos::attach(s, id, upload(&webm), None).await.unwrap();
        assert_eq!(replaced.content_type, "video/webm");
        assert_eq!(stored(s).await, vec![replaced.object_key.clone()], "{media:?}: the old object remains");
        assert_eq!(videos::find(&s.db, id).await.unwrap(), Some(replaced.clone()));

        let log = catalog::audit_log(&s.db, id).await.unwrap();
        let changes: Vec<_> = log.iter().filter(|e| e.field == "video").map(|e| e.new_value.clone()).collect();
        assert_eq!(changes, vec![Some(replaced.object_key.clone()), Some(video.object_key.clone())]);

        videos::remove(s, id, None).await.unwrap();
        assert!(stored(s).await.is_empty(), "{media:?}");
        assert_eq!(videos::find(&s.db, id).await.unwrap(), None);
        assert_eq!(catalog::get_movie(&s.db, id).await.unwrap().video_type, None);
    }
}

/// Attaches a first video, runs `attempt`, and checks that it failed with `expected` and that the
/// movie still has its first video and storage holds nothing else.
async fn refused_upload_changes_nothing(
    backend: Backend,
    media: MediaBackend,
    max_bytes: u64,
    attempt: UploadStream,
    expected: impl Fn(&Error) -> bool,
) {
    let mut t = TestServices::with_media(backend, media).await;
    t.services.videos.max_bytes = max_bytes;
    let s = &t.services;
    let id = new_movie(s).await;
    let first = videos::attach(s, id, upload(&video_bytes(true, 1000, 9)), None).await.unwrap();
    let error = videos::attach(s, id, attempt, None).await.unwrap_err();
    assert!(expected(&error), "{media:?}: unexpected error {error:?}");
    assert_eq!(stored(s).await, vec![first.object_key.clone()], "{media:?}");
    assert_eq!(videos::find(&s.db, id).await.unwrap(), Some(first));
}

async fn a_file_that_is_not_a_video_is_refused_by_its_content(backend: Backend) {
    for media in MEDIA {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.resize(200_000, 7);
        let refused = |e: &Error| matches!(e, Error::UploadRefused { field: "video", message } if message.contains("MP4 and WebM"));
        refused_upload_changes_nothing(backend, media, 10 * MIB as u64, upload(&png), refused).await;
        let empty = |e: &Error| matches!(e, Error::Invalid(f) if f.field == "video");
        refused_upload_changes_nothing(backend, media, 10 * MIB as u64, upload(&[]), empty).await;
    }
}

async fn an_upload_over_the_limit_is_cut_off_and_leaves_nothing(backend: Backend) {
    for media in MEDIA {
        let too_large = |e: &Error| matches!(e, Error::TooLarge(m) if m == "The video is larger than 1 MB.");
        refused_upload_changes_nothing(backend, media, MIB as u64, upload(&video_bytes(false, 2 * MIB, 3)), too_large)
            .await;
        // Past the first 8 MiB part: on S3 the multipart upload is aborted.
        let too_large = |e: &Error| matches!(e, Error::TooLarge(m) if m == "The video is larger than 10 MB.");
        let big = video_bytes(false, 12 * MIB, 4);
        refused_upload_changes_nothing(backend, media, 10 * MIB as u64, upload(&big), too_large).await;
    }
}

async fn an_interrupted_upload_leaves_no_partial_object(backend: Backend) {
    for media in MEDIA {
        let interrupted =
            |e: &Error| matches!(e, Error::Invalid(f) if f.field == "video" && f.message.contains("interrupted"));
        let bytes = video_bytes(false, 12 * MIB, 5);
        // Early (a temporary file, or one S3 request never sent) and late (S3 parts already sent).
        for good in [300_000, 10 * MIB] {
            refused_upload_changes_nothing(backend, media, 100 * MIB as u64, broken_upload(&bytes, good), interrupted)
                .await;
        }
    }
}

async fn a_missing_or_deleted_movie_gets_no_video_and_a_purge_deletes_it(backend: Backend) {
    for media in MEDIA {
        let t = TestServices::with_media(backend, media).await;
        let s = &t.services;
        let missing = videos::attach(s, 999_999, upload(&video_bytes(false, 1000, 1)), None).await;
        assert!(matches!(missing, Err(Error::NotFound)));
        let id = new_movie(s).await;
        videos::attach(s, id, upload(&video_bytes(false, 1000, 1)), None).await.unwrap();
        catalog::delete_movie(&s.db, id, None).await.unwrap();
        assert!(matches!(videos::source(s, id).await, Err(Error::NotFound)), "a hidden movie does not play");
        assert_eq!(stored(s).await.len(), 1, "undo must still find the video");
        let later = cinecloud_core::clock::now_unix() + catalog::UNDO_WINDOW_SECS + 1;
        assert_eq!(catalog::purge_deleted(s, later).await.unwrap(), 1);
        assert!(stored(s).await.is_empty(), "{media:?}: the purged movie's video remains");
    }
}

async fn local_videos_are_streamed_by_the_server_and_s3_videos_get_a_presigned_url(backend: Backend) {
    for media in MEDIA {
        let t = TestServices::with_media(backend, media).await;
        let s = &t.services;
        let id = new_movie(s).await;
        assert!(matches!(videos::source(s, id).await, Err(Error::NotFound)), "no video yet");
        let video = videos::attach(s, id, upload(&video_bytes(true, 1000, 1)), None).await.unwrap();
        match (media, videos::source(s, id).await.unwrap()) {
            (MediaBackend::Local, Source::Stream(v)) => assert_eq!(v, video),
            (MediaBackend::S3, Source::Url { video: v, url }) => {
                assert_eq!(v, video);
                assert!(url.contains(&video.object_key) && url.contains("X-Amz-Signature="), "{url}");
                assert!(url.contains("X-Amz-Expires=900"), "the default lifetime is 15 minutes: {url}");
            }
            (media, source) => panic!("{media:?} gave {source:?}"),
        }
    }
}

test_both_backends!(
    a_streamed_upload_is_stored_whole_and_a_replacement_deletes_the_old_object,
    a_file_that_is_not_a_video_is_refused_by_its_content,
    an_upload_over_the_limit_is_cut_off_and_leaves_nothing,
    an_interrupted_upload_leaves_no_partial_object,
    a_missing_or_deleted_movie_gets_no_video_and_a_purge_deletes_it,
    local_videos_are_streamed_by_the_server_and_s3_videos_get_a_presigned_url,
);

/// The demo catalog's clips are made here with ffmpeg (which `scripts/setup.sh` installs): real
/// WebM files that the upload path accepts, given once to the three demo films.
#[tokio::test]
async fn demo_clips_are_generated_once_for_the_demo_films() {
    use cinecloud_core::catalog::seed;
    let t = TestServices::new(Backend::Sqlite).await;
    let s = &t.services;
    seed::seed_demo_if_empty(&s.db).await.unwrap();
    assert_eq!(seed::attach_demo_clips(s).await.unwrap(), seed::DEMO_CLIPS.len());
    assert_eq!(seed::attach_demo_clips(s).await.unwrap(), 0, "a second run adds nothing");
    let keys = stored(s).await;
    assert_eq!(keys.len(), seed::DEMO_CLIPS.len());
    for key in keys {
        let clip = read(s, &key).await;
        assert_eq!(videos::sniff(&clip), Some(videos::VideoKind::WebM), "{key}");
        // 30 s of 320×180 VP8 and Opus: far more than a header, far less than a real film.
        assert!((100_000..3_000_000).contains(&clip.len()), "{key}: {} bytes", clip.len());
    }
}
