//! A movie's cover: uploaded with progress, or removed (admins only).

use leptos::prelude::*;

use super::catalog::MovieView;
use crate::error::AppError;

/// The URL the browser posts cover uploads to (multipart fields `id`, `version`, `cover`). The
/// page sends it with `XMLHttpRequest` rather than this function's generated client, to show
/// upload progress.
pub const UPLOAD_COVER_URL: &str = "/api/admin/upload_cover";

/// Replaces a movie's cover (admins only). The body is counted as it streams: more than the
/// limit is refused with 413 without reading the rest.
#[server(prefix = "/api", endpoint = "admin/upload_cover", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn upload_cover(data: leptos::server_fn::codec::MultipartData) -> Result<MovieView, AppError> {
    use crate::ssr::*;
    use cinecloud_core::covers::{self, MAX_COVER_BYTES};
    respond(async {
        let admin = require_admin().await?;
        let mut multipart = data.into_inner().ok_or(AppError::Internal)?;
        let (mut id, mut version, mut cover) = (None, None, None);
        while let Some(mut field) = multipart.next_field().await.map_err(unreadable_upload)? {
            match field.name() {
                Some("id") => id = field.text().await.map_err(unreadable_upload)?.trim().parse::<i64>().ok(),
                Some("version") => version = field.text().await.map_err(unreadable_upload)?.trim().parse::<i64>().ok(),
                Some("cover") => cover = Some(read_field_limited(&mut field, MAX_COVER_BYTES, "The image").await?),
                _ => {}
            }
        }
        let (Some(id), Some(version)) = (id, version) else {
            return Err(AppError::Transport("the upload must name the movie and its version".into()));
        };
        let cover =
            cover.filter(|c| !c.is_empty()).ok_or_else(|| AppError::invalid("cover", "Choose an image to upload."))?;
        Ok(covers::set_cover(&services()?, id, version, cover, Some(admin.id)).await?.into())
    })
    .await
}

/// Removes a movie's cover (admins only).
#[server(prefix = "/api", endpoint = "admin/remove_cover")]
pub async fn remove_cover(id: i64, version: i64) -> Result<MovieView, AppError> {
    use crate::ssr::*;
    respond(async {
        let admin = require_admin().await?;
        Ok(cinecloud_core::covers::remove_cover(&services()?, id, version, Some(admin.id)).await?.into())
    })
    .await
}
