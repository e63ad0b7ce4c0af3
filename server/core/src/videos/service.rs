//! The functions of [`crate::videos`]: what the rest of Cinecloud calls, over `db`.

use bytes::{Bytes, BytesMut};
use futures::{StreamExt, stream};

use crate::{
    Error, FieldError, Result, Services,
    clock::now_unix,
    db::{Db, movies, videos as rows},
    storage::{MediaStore, StorageError, UploadStream},
};

use super::*;

/// The video of a visible movie, if it has one.
pub async fn find(db: &Db, movie_id: i64) -> Result<Option<Video>> {
    Ok(rows::find(db, movie_id).await?)
}

/// Streams an upload into storage and makes it the movie's video (replacing any earlier one).
///
/// Wrong formats, uploads over the limit and uploads that break off return an error and leave
/// neither an object nor a reference behind; the movie keeps the video it had.
#[tracing::instrument(skip(services, body))]
pub async fn attach(services: &Services, movie_id: i64, mut body: UploadStream, actor: Option<i64>) -> Result<Video> {
    // Refuse before storing anything when there is no such movie.
    if movies::find(&services.db, movie_id).await?.is_none() {
        return Err(Error::NotFound);
    }
    let mut head = BytesMut::new();
    while head.len() < SNIFF_BYTES {
        match body.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            Some(Err(e)) => return Err(interrupted(e)),
            None => break,
        }
    }
    if head.is_empty() {
        return Err(FieldError::new("video", "Choose a video file to upload.").into());
    }
    let kind =
        sniff(&head).ok_or_else(|| Error::upload_refused("video", "Only MP4 and WebM videos can be uploaded."))?;
    let key = format!("videos/{movie_id}/{}.{}", uuid::Uuid::new_v4().simple(), kind.extension());
    let whole: UploadStream = Box::pin(stream::iter([Ok::<Bytes, String>(head.freeze())]).chain(body));
    let limit = services.videos.max_bytes;
    let byte_size = services.media.put_stream(&key, whole, kind.content_type(), limit).await.map_err(|e| match e {
        StorageError::TooLarge { limit } => Error::TooLarge(format!("The video is larger than {}.", size(limit))),
        StorageError::Interrupted(e) => interrupted(e),
        e => Error::media_unavailable("a video", format!("{:#}", anyhow::Error::new(e))),
    })?;
    let video = Video {
        movie_id,
        object_key: key.clone(),
        content_type: kind.content_type().to_owned(),
        byte_size: byte_size as i64,
        uploaded_at: now_unix(),
    };
    match rows::replace(&services.db, movie_id, Some(&video), actor, video.uploaded_at).await {
        Ok(old) => {
            if let Some(old) = old {
                delete_object(&services.media, &old).await;
            }
            Ok(video)
        }
        Err(e) => {
            delete_object(&services.media, &key).await;
            Err(e.into())
        }
    }
}

/// Detaches a movie's video and deletes its object (after the commit).
#[tracing::instrument(skip(services))]
pub async fn remove(services: &Services, movie_id: i64, actor: Option<i64>) -> Result<()> {
    if let Some(old) = rows::replace(&services.db, movie_id, None, actor, now_unix()).await? {
        delete_object(&services.media, &old).await;
    }
    Ok(())
}

/// Where a player reads a movie's video from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Cinecloud streams the object itself (local media folder), to signed-in viewers only.
    Stream(Video),
    /// A presigned URL valid for the configured lifetime (S3); the object itself stays private.
    Url {
        /// The video.
        video: Video,
        /// The signed URL.
        url: String,
    },
}

/// Where to play a visible movie's video from: `NotFound` when it has none.
pub async fn source(services: &Services, movie_id: i64) -> Result<Source> {
    let video = find(&services.db, movie_id).await?.ok_or(Error::NotFound)?;
    let signed = services
        .media
        .presigned_get(&video.object_key, services.videos.url_ttl)
        .await
        .map_err(|e| Error::Unexpected(anyhow::Error::new(e).context("presigning a video URL")))?;
    Ok(match signed {
        Some(url) => Source::Url { video, url },
        None => Source::Stream(video),
    })
}

/// Deletes a video object nothing points at any more; a failure is logged (an orphan costs
/// storage, not correctness).
pub async fn delete_object(media: &MediaStore, key: &str) {
    if let Err(e) = media.delete(key).await {
        tracing::warn!(key, error = %format!("{e:#}"), "could not delete an unreferenced video object");
    }
}

/// Makes a short WebM clip (VP8 and Opus) with ffmpeg: a moving test pattern turned by `hue`
/// degrees, with a steady tone of `tone_hz`, a key frame every second so that seeking is quick.
/// Written to a temporary file rather than a pipe, so that the file gets its seek index.
pub async fn generate_clip(hue: u32, tone_hz: u32, seconds: u32) -> anyhow::Result<Vec<u8>> {
    use anyhow::Context;
    let path = std::env::temp_dir().join(format!("cinecloud-clip-{}.webm", uuid::Uuid::new_v4().simple()));
    let output = tokio::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i"])
        .arg(format!("testsrc2=size=320x180:rate=15:duration={seconds},hue=h={hue}"))
        .args(["-f", "lavfi", "-i"])
        .arg(format!("sine=frequency={tone_hz}:sample_rate=48000:duration={seconds}"))
        .args(["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "16", "-b:v", "200k", "-g", "15"])
        .args(["-c:a", "libopus", "-b:a", "32k", "-shortest"])
        .arg(&path)
        .kill_on_drop(true)
        .output()
        .await
        .context("running ffmpeg (install it to get demo clips)")?;
    let bytes = if output.status.success() {
        tokio::fs::read(&path).await.context("reading the clip")
    } else {
        Err(anyhow::anyhow!("ffmpeg failed: {}", String::from_utf8_lossy(&output.stderr).trim()))
    };
    let _ = tokio::fs::remove_file(&path).await;
    bytes
}

fn interrupted(e: String) -> Error {
    tracing::info!(error = e, "a video upload broke off");
    FieldError::new("video", "The upload was interrupted. Please try again.").into()
}

/// `1.5 GB`, `200 MB`, `512 KB`.
fn size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)];
    for (unit, scale) in UNITS {
        if bytes >= scale {
            let value = bytes as f64 / scale as f64;
            return if value.fract() < 0.05 { format!("{value:.0} {unit}") } else { format!("{value:.1} {unit}") };
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_mp4_and_webm_by_content() {
        let mut mp4 = vec![0, 0, 0, 0x20];
        mp4.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2avc1mp41");
        assert_eq!(sniff(&mp4), Some(VideoKind::Mp4));
        let webm = [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, b'w', b'e', b'b', b'm'];
        assert_eq!(sniff(&webm), Some(VideoKind::WebM));
    }

    #[test]
    fn refuses_look_alikes() {
        let mut heic = vec![0, 0, 0, 0x18];
        heic.extend_from_slice(b"ftypheic\0\0\0\0");
        let mkv = [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x82, 0x88, b'm', b'a', b't', b'r', b'o', b's', b'k', b'a'];
        for bad in [&heic[..], &mkv[..], b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", b"<html>", b"", b"\0\0\0\x20ftyp"] {
            assert_eq!(sniff(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(size(4 << 30), "4 GB");
        assert_eq!(size(3 << 19), "1.5 MB");
        assert_eq!(size(100), "100 bytes");
    }
}
