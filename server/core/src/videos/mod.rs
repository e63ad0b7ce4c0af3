//! Movie videos: an admin attaches one MP4 or WebM file per movie; signed-in viewers play it.
//!
//! An upload is streamed into media storage under `videos/` (never public) without being held in
//! memory, checked by its first bytes, and cut off at the configured size. The object is written
//! first and the database then points at it; whatever fails on the way deletes the new object, and
//! the object a movie no longer names is deleted only after the commit that let go of it.

use std::time::Duration;

mod service;

pub use service::*;

/// Limits and lifetimes for videos.
#[derive(Clone, Debug)]
pub struct VideoSettings {
    /// Largest upload, in bytes (`CINECLOUD_MAX_VIDEO_BYTES`).
    pub max_bytes: u64,
    /// How long a presigned S3 URL stays valid (`CINECLOUD_VIDEO_URL_SECONDS`). The player asks for
    /// a fresh one when it expires mid-film.
    pub url_ttl: Duration,
}

impl Default for VideoSettings {
    fn default() -> Self {
        Self { max_bytes: 4 * 1024 * 1024 * 1024, url_ttl: Duration::from_secs(15 * 60) }
    }
}

/// The container formats browsers play.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VideoKind {
    /// ISO base media (`.mp4`).
    Mp4,
    /// WebM (Matroska with the `webm` doctype).
    WebM,
}

impl VideoKind {
    /// The MIME type stored and served.
    pub fn content_type(self) -> &'static str {
        match self {
            VideoKind::Mp4 => "video/mp4",
            VideoKind::WebM => "video/webm",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            VideoKind::Mp4 => "mp4",
            VideoKind::WebM => "webm",
        }
    }
}

/// How many leading bytes [`sniff`] looks at.
pub const SNIFF_BYTES: usize = 64;

/// The format of a file from its first bytes (its name and declared type are never trusted).
pub fn sniff(head: &[u8]) -> Option<VideoKind> {
    // ISO BMFF: a 4-byte box size, then `ftyp` and the major brand. Still-image and audio-only
    // brands share the container and are refused.
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        let brand = &head[8..12];
        let not_video: [&[u8; 4]; 10] =
            [b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis", b"M4A ", b"M4B ", b"M4P ", b"qt  "];
        return (!not_video.iter().any(|b| b.as_slice() == brand)).then_some(VideoKind::Mp4);
    }
    // EBML magic, then a DocType element (0x42 0x82) whose value is `webm`.
    if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        let window = &head[..head.len().min(SNIFF_BYTES)];
        let doctype = window.windows(2).position(|w| w == [0x42, 0x82])?;
        let value = window.get(doctype + 3..doctype + 7)?;
        return (value == b"webm").then_some(VideoKind::WebM);
    }
    None
}

/// A movie's attached video.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Video {
    /// The movie.
    pub movie_id: i64,
    /// Where the bytes are in media storage.
    pub object_key: String,
    /// `video/mp4` or `video/webm`.
    pub content_type: String,
    /// Length in bytes.
    pub byte_size: i64,
    /// Unix seconds.
    pub uploaded_at: i64,
}
