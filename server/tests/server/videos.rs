//! Videos over HTTP through the real router: uploads (type, limit, interruption), the local
//! stream's byte ranges and validators, sign-in checks, and S3's presigned URLs. Every test runs
//! on SQLite and on PostgreSQL.

use std::time::Duration;

use app::api::playback::{PlaybackView, ProgressView, VideoView, WatchedView};
use bytes::Bytes;
use cinecloud_core::{
    Backend, Services,
    catalog::{self, MovieForm},
    test_both_backends,
    testing::MediaBackend,
    videos,
};
use reqwest::{Client, StatusCode, header};

use crate::support::{Answer, TestApp};

const MIB: usize = 1024 * 1024;

/// `len` bytes that start like a WebM file; byte `i` after the header is `i % 251`.
pub(crate) fn webm(len: usize) -> Vec<u8> {
    let mut bytes =
        vec![0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, b'w', b'e', b'b', b'm'];
    bytes.extend((bytes.len()..len).map(|i| (i % 251) as u8));
    bytes
}

async fn new_movie(services: &Services, title: &str) -> i64 {
    catalog::create_movie(&services.db, &MovieForm { title: title.into(), ..Default::default() }, None)
        .await
        .unwrap()
        .id
}

async fn attach(services: &Services, id: i64, bytes: &[u8]) -> videos::Video {
    let body = Box::pin(futures::stream::iter([Ok::<_, String>(Bytes::copy_from_slice(bytes))]));
    videos::attach(services, id, body, None).await.unwrap()
}

/// Where the player is told to read a movie's video from.
async fn source(app: &TestApp, client: &Client, id: i64) -> Answer<PlaybackView> {
    app.get(client, &format!("playback/source?movie_id={id}")).await
}

/// Posts a file as the movie page does (multipart `id`, then `video`).
async fn upload(app: &TestApp, client: &Client, id: i64, bytes: Vec<u8>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("id", id.to_string())
        .part("video", reqwest::multipart::Part::bytes(bytes).file_name("film.webm"));
    client.post(format!("{}/api/admin/upload_video", app.base)).multipart(form).send().await.unwrap()
}

async fn get(client: &Client, url: &str, range: Option<&str>) -> reqwest::Response {
    let mut request = client.get(url);
    if let Some(range) = range {
        request = request.header(header::RANGE, range);
    }
    request.send().await.unwrap()
}

async fn the_local_stream_serves_ranges_to_signed_in_viewers_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let services = &app.backends.services;
    let id = new_movie(services, "Sunrise").await;
    let clip = webm(1000);
    attach(services, id, &clip).await;
    let url = format!("{}/stream/{id}", app.base);

    let anonymous = get(&app.client(), &url, None).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let anonymous = get(&app.client(), &url, Some("bytes=0-99")).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "a range does not get around the check");
    assert_eq!(source(&app, &app.client(), id).await.unwrap_err().status, StatusCode::UNAUTHORIZED);

    let viewer = app.signed_up("ada@example.com").await;
    let full = get(&viewer, &url, None).await;
    assert_eq!(full.status(), StatusCode::OK);
    let headers = full.headers().clone();
    assert_eq!(headers[header::CONTENT_TYPE], "video/webm");
    assert_eq!(headers[header::CONTENT_LENGTH], "1000");
    assert_eq!(headers[header::ACCEPT_RANGES], "bytes");
    // Item 5 of #33: never kept past the viewer's right to watch; revalidated on each use.
    assert_eq!(headers[header::CACHE_CONTROL], "private, no-cache");
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    assert!(full.bytes().await.unwrap() == clip);

    for (range, first, last) in
        [("bytes=0-99", 0, 99), ("bytes=900-", 900, 999), ("bytes=-100", 900, 999), ("bytes=990-5000", 990, 999)]
    {
        let part = get(&viewer, &url, Some(range)).await;
        assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(part.headers()[header::CONTENT_RANGE], format!("bytes {first}-{last}/1000").as_str(), "{range}");
        assert_eq!(part.headers()[header::CONTENT_LENGTH], (last - first + 1).to_string().as_str(), "{range}");
        assert!(part.bytes().await.unwrap() == clip[first..=last], "{range}: wrong bytes");
    }
    let unsatisfiable = get(&viewer, &url, Some("bytes=1000-")).await;
    assert_eq!(unsatisfiable.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(unsatisfiable.headers()[header::CONTENT_RANGE], "bytes */1000");

    // Validators: an unchanged video is not sent again; a range of another version is not mixed in.
    let cached = viewer.get(&url).header(header::IF_NONE_MATCH, &etag).send().await.unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    // Revalidation still checks who asks: a copy kept by a browser gets no 304 for a visitor.
    let revalidated = app.client().get(&url).header(header::IF_NONE_MATCH, &etag).send().await.unwrap();
    assert_eq!(revalidated.status(), StatusCode::UNAUTHORIZED);
    let other =
        viewer.get(&url).header(header::RANGE, "bytes=0-9").header(header::IF_RANGE, "\"old\"").send().await.unwrap();
    assert_eq!(other.status(), StatusCode::OK);
    assert_eq!(other.bytes().await.unwrap().len(), 1000);
    let head = viewer.head(&url).send().await.unwrap();
    assert_eq!((head.status(), head.headers()[header::CONTENT_LENGTH].to_str().unwrap()), (StatusCode::OK, "1000"));

    let silent = new_movie(services, "No video").await;
    assert_eq!(get(&viewer, &format!("{}/stream/{silent}", app.base), None).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(source(&app, &viewer, silent).await.unwrap_err().status, StatusCode::NOT_FOUND);

    // The player is sent to this stream and offered its place once it has one.
    let playing = source(&app, &viewer, id).await.unwrap();
    assert_eq!(playing.url, format!("/stream/{id}"));
    assert_eq!(playing.content_type, "video/webm");
    assert_eq!(playing.resume_at_ms, None);
    let form = [
        ("movie_id", id.to_string()),
        ("event", "pause".into()),
        ("position_ms", "754000".into()),
        ("duration_ms", "5400000".into()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post::<ProgressView>(&viewer, "playback/report", &form).await.unwrap();
    assert_eq!(source(&app, &viewer, id).await.unwrap().resume_at_ms, Some(754000));
    // An event no player sends is refused before it reaches the database.
    let rewind: Vec<(&str, &str)> = form
        .iter()
        .map(|&(k, v)| {
            if k == "event" {
                (k, "rewind")
            } else if k == "position_ms" {
                (k, "1000")
            } else {
                (k, v)
            }
        })
        .collect();
    let refused = app.post::<ProgressView>(&viewer, "playback/report", &rewind).await.unwrap_err();
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert_eq!(source(&app, &viewer, id).await.unwrap().resume_at_ms, Some(754000));
    let resumable = app.get::<Vec<WatchedView>>(&viewer, "playback/continue").await.unwrap();
    assert!(resumable.iter().any(|w| w.movie.title == "Sunrise"), "{resumable:?}");
}

async fn s3_videos_play_through_presigned_urls_that_cannot_be_altered(backend: Backend) {
    let app = TestApp::spawn_with(backend, MediaBackend::S3).await;
    let services = &app.backends.services;
    let id = new_movie(services, "Sunrise").await;
    let clip = webm(1000);
    let video = attach(services, id, &clip).await;
    let viewer = app.signed_up("ada@example.com").await;

    let url = source(&app, &viewer, id).await.unwrap().url;
    let endpoint = services.media.browser_origin().unwrap();
    assert!(url.starts_with(&endpoint) && url.contains(&video.object_key), "{url}");

    // The signed URL plays a range without any cookie or credential.
    let plain = Client::new();
    let part = get(&plain, &url, Some("bytes=100-199")).await;
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert!(part.bytes().await.unwrap() == clip[100..200]);

    // Pointing it at another object, or changing its lifetime, breaks the signature.
    let other = attach(services, new_movie(services, "Other").await, &webm(500)).await;
    for tampered in
        [url.replace(&video.object_key, &other.object_key), url.replace("X-Amz-Expires=900", "X-Amz-Expires=90000")]
    {
        assert_ne!(tampered, url);
        let refused = get(&plain, &tampered, None).await;
        assert!(refused.status().is_client_error(), "{tampered}: {}", refused.status());
    }
    // The object itself is not public.
    let bare = url.split('?').next().unwrap();
    assert!(get(&plain, bare, None).await.status().is_client_error());
    // An expired URL is refused. Signing time is rounded down to the second, so a 3 s URL is
    // good for at least 2 s (room for a busy machine) and surely expired 3.1 s after signing.
    let short = services.media.presigned_get(&video.object_key, Duration::from_secs(3)).await.unwrap().unwrap();
    assert_eq!(get(&plain, &short, Some("bytes=0-9")).await.status(), StatusCode::PARTIAL_CONTENT);
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let expired = get(&plain, &short, Some("bytes=0-9")).await;
    assert!(expired.status().is_client_error(), "expired URL answered {}", expired.status());

    // The server's own stream sends signed-in viewers to a fresh URL, and nobody else anywhere.
    let redirect = get(&viewer, &format!("{}/stream/{id}", app.base), None).await;
    assert_eq!(redirect.status(), StatusCode::TEMPORARY_REDIRECT);
    assert!(redirect.headers()[header::LOCATION].to_str().unwrap().starts_with(&endpoint));
    assert_eq!(get(&app.client(), &format!("{}/stream/{id}", app.base), None).await.status(), StatusCode::UNAUTHORIZED);
    // Pages let the browser load media from the bucket, and only from there besides ourselves.
    let page = get(&viewer, &format!("{}/watch/{id}", app.base), None).await;
    let policy = page.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
    assert!(policy.contains(&format!("media-src 'self' blob: {endpoint};")), "{policy}");
}

async fn uploads_are_checked_limited_and_never_half_kept(backend: Backend) {
    let app = TestApp::spawn_configured(backend, MediaBackend::Local, |s| s.videos.max_bytes = MIB as u64).await;
    let services = &app.backends.services;
    let id = new_movie(services, "Sunrise").await;
    let stored = || services.media.list("videos/");

    assert_eq!(upload(&app, &app.client(), id, webm(1000)).await.status(), StatusCode::UNAUTHORIZED);
    let viewer = app.signed_up("ada@example.com").await;
    assert_eq!(upload(&app, &viewer, id, webm(1000)).await.status(), StatusCode::FORBIDDEN);
    assert!(stored().await.unwrap().is_empty());

    let admin = app.admin().await;
    let uploaded = upload(&app, &admin, id, webm(300_000)).await;
    assert_eq!(uploaded.status(), StatusCode::OK);
    let view: VideoView = uploaded.json().await.unwrap();
    assert_eq!((view.content_type.as_str(), view.byte_size), ("video/webm", 300_000));
    let kept = stored().await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(app.movie(&viewer, id).await.unwrap().video.as_deref(), Some("video/webm"));

    // Not a video: 422 naming the formats.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.resize(5000, 0);
    let refused = upload(&app, &admin, id, png).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("Only MP4 and WebM videos"));
    // Over the limit: refused by its declared length, or cut off while streaming.
    assert_eq!(upload(&app, &admin, id, webm(2 * MIB)).await.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let just_over = upload(&app, &admin, id, webm(MIB + 1000)).await;
    assert_eq!(just_over.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(just_over.text().await.unwrap().contains("The video is larger than 1 MB."));
    assert_eq!(stored().await.unwrap(), kept, "the first video stays, nothing else is kept");

    // A body that breaks off mid-file: nothing is kept, not even a temporary file.
    let head = format!(
        "--XYZ\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n{id}\r\n--XYZ\r\n\
         Content-Disposition: form-data; name=\"video\"; filename=\"a.webm\"\r\nContent-Type: video/webm\r\n\r\n"
    );
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from(head)),
        Ok(Bytes::from(webm(200_000))),
        Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "gone")),
    ];
    let broken = admin
        .post(format!("{}/api/admin/upload_video", app.base))
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XYZ")
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await;
    assert!(broken.is_err() || !broken.unwrap().status().is_success());
    // The server notices the broken body on its own schedule.
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if leftovers(services).is_empty() {
            break;
        }
    }
    assert_eq!(stored().await.unwrap(), kept);
    assert!(leftovers(services).is_empty(), "temporary files remain: {:?}", leftovers(services));
    assert!(videos::find(&services.db, id).await.unwrap().is_some_and(|v| v.object_key == kept[0]));
}

/// Files in the media folder's `videos/` tree that are not objects (unfinished writes).
fn leftovers(services: &Services) -> Vec<std::path::PathBuf> {
    let cinecloud_core::storage::MediaStore::Local(store) = &services.media else { return Vec::new() };
    let mut found = Vec::new();
    let mut folders = vec![store.root().join("videos")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if entry.file_name().to_string_lossy().starts_with(".tmp-") {
                found.push(path);
            }
        }
    }
    found
}

test_both_backends!(
    the_local_stream_serves_ranges_to_signed_in_viewers_only,
    s3_videos_play_through_presigned_urls_that_cannot_be_altered,
    uploads_are_checked_limited_and_never_half_kept,
);
