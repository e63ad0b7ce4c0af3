//! Movie cover images in media storage: several sizes under one content-addressed prefix.

use crate::storage::MediaStore;

/// The stored sizes of a cover: name and width in pixels.
pub const COVER_SIZES: &[(&str, u32)] = &[("card", 320), ("detail", 640), ("full", 1280)];

/// The key of one size of the cover stored under `prefix` (e.g. `covers/ab12…`).
pub fn cover_object_key(prefix: &str, size: &str) -> String {
    format!("{prefix}-{size}.jpg")
}

/// Deletes every size of a cover; failures are logged (an orphan costs storage, not correctness).
pub async fn delete_cover_objects(media: &MediaStore, prefix: &str) {
    for (size, _) in COVER_SIZES {
        let key = cover_object_key(prefix, size);
        if let Err(e) = media.delete(&key).await {
            tracing::warn!(key, error = %format!("{e:#}"), "could not delete an unreferenced cover object");
        }
    }
}
