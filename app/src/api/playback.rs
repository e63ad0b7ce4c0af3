//! Videos and what viewers watch: admins attach a movie's video; signed-in viewers get where to
//! play it from, report where they are, and see "Continue watching" and their history.

pub use cinecloud_vocab::PlaybackEvent;
use leptos::{prelude::*, server_fn::codec::GetUrl};
use serde::{Deserialize, Serialize};

use crate::{api::catalog::MovieCardView, error::AppError};

/// Where the video upload is posted (the page sends it with `XMLHttpRequest` for its progress).
pub const UPLOAD_VIDEO_URL: &str = "/api/admin/upload_video";

/// A movie's attached video, for the admin's edit panel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoView {
    /// `video/mp4` or `video/webm`.
    pub content_type: String,
    /// Length in bytes.
    pub byte_size: i64,
}

/// What the player needs to start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaybackView {
    /// The movie.
    pub movie_id: i64,
    /// Its title.
    pub title: String,
    /// Where the video is read from: Cinecloud's own stream, or a short-lived presigned URL.
    pub url: String,
    /// Its MIME type.
    pub content_type: String,
    /// Where to offer to resume, in milliseconds (`None`: start at the beginning).
    pub resume_at_ms: Option<i64>,
}

/// A viewer's place in one movie.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressView {
    /// Where they are, in milliseconds.
    pub position_ms: i64,
    /// The running time.
    pub duration_ms: i64,
    /// Whether they got through 90 % of it.
    pub watched: bool,
    /// When they last played it (Unix seconds).
    pub updated_at: i64,
}

/// One entry of "Continue watching" or the history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchedView {
    /// The movie.
    pub movie: MovieCardView,
    /// Where the viewer is in it.
    pub progress: ProgressView,
}

#[cfg(feature = "ssr")]
impl From<cinecloud_core::playback::Progress> for ProgressView {
    fn from(p: cinecloud_core::playback::Progress) -> Self {
        ProgressView {
            position_ms: p.position_ms,
            duration_ms: p.duration_ms,
            watched: p.watched,
            updated_at: p.updated_at,
        }
    }
}

#[cfg(feature = "ssr")]
async fn watched_views(entries: Vec<cinecloud_core::playback::HistoryEntry>) -> Result<Vec<WatchedView>, AppError> {
    let (mut cards, progress): (Vec<MovieCardView>, Vec<ProgressView>) =
        entries.into_iter().map(|e| (MovieCardView::from(e.card), ProgressView::from(e.progress))).unzip();
    crate::api::catalog::add_viewer_state(cards.iter_mut()).await?;
    Ok(cards.into_iter().zip(progress).map(|(movie, progress)| WatchedView { movie, progress }).collect())
}

/// Streams an MP4 or WebM file into media storage and attaches it to a movie (admins only).
/// The multipart form must send the `id` field before the `video` file.
#[server(prefix = "/api", endpoint = "admin/upload_video", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn upload_video(data: leptos::server_fn::codec::MultipartData) -> Result<VideoView, AppError> {
    use crate::ssr::*;
    use futures::StreamExt;
    respond(async {
        let admin = require_admin().await?;
        let mut multipart = data.into_inner().ok_or(AppError::Internal)?;
        let mut id = None;
        while let Some(field) = multipart.next_field().await.map_err(unreadable_upload)? {
            match field.name() {
                Some("id") => id = field.text().await.map_err(unreadable_upload)?.trim().parse::<i64>().ok(),
                Some("video") => {
                    let id = id.ok_or_else(|| AppError::Transport("the movie must be named before the file".into()))?;
                    let body: cinecloud_core::storage::UploadStream =
                        Box::pin(field.map(|chunk| chunk.map_err(|e| e.to_string())));
                    let video = cinecloud_core::videos::attach(&services()?, id, body, Some(admin.id)).await?;
                    return Ok(VideoView { content_type: video.content_type, byte_size: video.byte_size });
                }
                _ => {}
            }
        }
        Err(AppError::invalid("video", "Choose a video file to upload."))
    })
    .await
}

/// Detaches a movie's video and deletes it (admins only).
#[server(prefix = "/api", endpoint = "admin/remove_video")]
pub async fn remove_video(id: i64) -> Result<(), AppError> {
    use crate::ssr::*;
    respond(async {
        let admin = require_admin().await?;
        Ok(cinecloud_core::videos::remove(&services()?, id, Some(admin.id)).await?)
    })
    .await
}

/// Where a signed-in viewer plays a movie from, and where they left off (404 without a video).
#[server(prefix = "/api", endpoint = "playback/source", input = GetUrl)]
pub async fn playback_source(movie_id: i64) -> Result<PlaybackView, AppError> {
    use crate::ssr::*;
    use cinecloud_core::{playback, videos};
    respond(async {
        let user = require_user().await?;
        let services = services()?;
        let movie = cinecloud_core::catalog::get_movie(&services.db, movie_id).await?;
        let (video, url) = match videos::source(&services, movie_id).await? {
            videos::Source::Stream(video) => (video, stream_url(movie_id)),
            videos::Source::Url { video, url } => (video, url),
        };
        let progress = playback::progress(&services.db, user.id, movie_id).await?;
        Ok(PlaybackView {
            movie_id,
            title: movie.input.title,
            url,
            content_type: video.content_type,
            resume_at_ms: progress.and_then(|p| p.resume_at()),
        })
    })
    .await
}

/// The path of the server's own video stream for a movie (local media).
pub fn stream_url(movie_id: i64) -> String {
    format!("/stream/{movie_id}")
}

/// What the player reports: `start`, `progress`, `pause`, `seek` or `finish`, at `position_ms` of
/// `duration_ms`.
#[server(prefix = "/api", endpoint = "playback/report")]
pub async fn report_playback(
    movie_id: i64,
    event: PlaybackEvent,
    position_ms: i64,
    duration_ms: i64,
) -> Result<ProgressView, AppError> {
    use crate::ssr::*;
    use cinecloud_core::playback;
    respond(async {
        let user = require_user().await?;
        let progress = playback::report(&services()?.db, user.id, movie_id, event, position_ms, duration_ms).await?;
        Ok(progress.into())
    })
    .await
}

/// Movies the viewer started and did not finish, most recent first (empty for visitors).
#[server(prefix = "/api", endpoint = "playback/continue", input = GetUrl)]
pub async fn continue_watching() -> Result<Vec<WatchedView>, AppError> {
    use crate::ssr::*;
    respond(async {
        let Some(user) = current_user().await? else { return Ok(Vec::new()) };
        watched_views(cinecloud_core::playback::continue_watching(&services()?.db, user.id, 12).await?).await
    })
    .await
}

/// Everything the viewer played, most recent first.
#[server(prefix = "/api", endpoint = "playback/history", input = GetUrl)]
pub async fn watch_history() -> Result<Vec<WatchedView>, AppError> {
    use crate::ssr::*;
    respond(async {
        let user = require_user().await?;
        watched_views(cinecloud_core::playback::history(&services()?.db, user.id, 200).await?).await
    })
    .await
}

/// Removes one movie from the viewer's history.
#[server(prefix = "/api", endpoint = "playback/forget")]
pub async fn forget_watched(movie_id: i64) -> Result<(), AppError> {
    use crate::ssr::*;
    respond(async {
        let user = require_user().await?;
        Ok(cinecloud_core::playback::forget(&services()?.db, user.id, movie_id).await?)
    })
    .await
}

/// Clears the viewer's whole history.
#[server(prefix = "/api", endpoint = "playback/clear")]
pub async fn clear_history() -> Result<(), AppError> {
    use crate::ssr::*;
    respond(async {
        let user = require_user().await?;
        Ok(cinecloud_core::playback::clear_history(&services()?.db, user.id).await?)
    })
    .await
}
