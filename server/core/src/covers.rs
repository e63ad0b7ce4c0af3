//! Movie covers in media storage. An upload is checked by content, decoded under limits,
//! cropped to the 2:3 poster shape and stored as three JPEG sizes under one content-addressed
//! prefix, `covers/{movie id}/{digest}`. The database points at the prefix; the objects are written
//! before the database and the old ones deleted after it commits, so a movie never points at a
//! missing cover and a failed upload leaves the old cover as it was.
//!
//! Demo movies get covers drawn here from their title, year and genre ([`generate`]).

mod art;

use anyhow::Context;
use image::{DynamicImage, imageops::FilterType};
use sha2::{Digest, Sha256};

pub use art::generate;

use crate::{
    Error, Result, Services,
    catalog::{Movie, get_movie},
    clock::now_unix,
    db::movies,
    images::{self, ImageRejected},
    storage::MediaStore,
};

/// The stored sizes of a cover: name and width in pixels (the height is 1.5 × the width).
pub const COVER_SIZES: &[(&str, u32)] = &[("card", 320), ("detail", 640), ("full", 1280)];

/// Largest cover upload accepted, in bytes.
pub const MAX_COVER_BYTES: usize = 10 * 1024 * 1024;

/// JPEG quality of stored covers.
const QUALITY: u8 = 82;

/// The key of one size of the cover stored under `prefix` (e.g. `covers/12/ab12…`).
pub fn cover_object_key(prefix: &str, size: &str) -> String {
    format!("{prefix}-{size}.jpg")
}

/// The public URL (under the server's `/media/` route) of one size of the cover at `prefix`.
pub fn cover_url(prefix: &str, size: &str) -> String {
    format!("/media/{}", cover_object_key(prefix, size))
}

/// A cover ready to store: the JPEG of each size and the prefix its content gives it.
#[derive(Debug)]
pub struct EncodedCover {
    /// `covers/{movie id}/{first 32 hex digits of the SHA-256 of the full size}`.
    pub prefix: String,
    /// `(size name, JPEG bytes)` in [`COVER_SIZES`] order.
    pub sizes: Vec<(&'static str, Vec<u8>)>,
}

/// Crops `image` to 2:3 around its centre and encodes every size. Never enlarges: a size wider
/// than the (cropped) source is stored at the source's size.
pub fn encode(movie_id: i64, image: &DynamicImage) -> Result<EncodedCover, ImageRejected> {
    let (width, height) = (image.width(), image.height());
    if width == 0 || height == 0 {
        return Err(ImageRejected::Corrupt);
    }
    // The largest 2:3 rectangle inside the image.
    let (crop_w, crop_h) = if u64::from(width) * 3 > u64::from(height) * 2 {
        ((height * 2 / 3).max(1), height)
    } else {
        (width, (width * 3 / 2).max(1).min(height))
    };
    let cropped = image.crop_imm((width - crop_w) / 2, (height - crop_h) / 2, crop_w, crop_h);
    let mut sizes = Vec::with_capacity(COVER_SIZES.len());
    for &(name, target) in COVER_SIZES {
        let w = target.min(crop_w);
        let h = (w * 3 / 2).max(1);
        let resized = if (w, h) == (crop_w, crop_h) {
            cropped.clone()
        } else {
            cropped.resize_exact(w, h, FilterType::CatmullRom)
        };
        sizes.push((name, images::encode_jpeg(&resized, QUALITY)?));
    }
    let digest = hex::encode(Sha256::digest(&sizes.last().expect("at least one size").1));
    Ok(EncodedCover { prefix: format!("covers/{movie_id}/{}", &digest[..32]), sizes })
}

/// Checks and encodes an uploaded cover (off the async runtime: decoding is CPU work, and at
/// most as many at once as [`crate::limits::IMAGE_DECODING`] lets through).
pub async fn encode_upload(movie_id: i64, upload: Vec<u8>) -> Result<EncodedCover> {
    encode_upload_through(&crate::limits::IMAGE_DECODING, movie_id, upload).await
}

/// [`encode_upload`] through `gate` (tests use their own).
async fn encode_upload_through(gate: &crate::limits::Gate, movie_id: i64, upload: Vec<u8>) -> Result<EncodedCover> {
    if upload.len() > MAX_COVER_BYTES {
        return Err(Error::upload_refused(
            "cover",
            format!("The image is larger than {} MB.", MAX_COVER_BYTES / 1024 / 1024),
        ));
    }
    let turn = gate.enter().await?;
    crate::blocking::spawn_blocking(move || {
        let _turn = turn;
        images::decode_upload(&upload, images::COVER_LIMITS).and_then(|image| encode(movie_id, &image))
    })
    .await
    .context("cover processing task")?
    .map_err(|e| Error::upload_refused("cover", e.to_string()))
}

/// Replaces a movie's cover with an uploaded image, if the movie is still at `expected_version`.
/// Bad images and version conflicts change nothing, in the database or in storage.
#[tracing::instrument(skip(services, upload), fields(bytes = upload.len()))]
pub async fn set_cover(
    services: &Services,
    movie_id: i64,
    expected_version: i64,
    upload: Vec<u8>,
    actor: Option<i64>,
) -> Result<Movie> {
    if let Some(actor) = actor {
        crate::limits::hit(&services.db, crate::limits::IMAGE_UPLOADS, &actor.to_string()).await?;
    }
    // Fail fast (before any CPU work or storage) on a missing movie or a stale edit.
    let current = get_movie(&services.db, movie_id).await?;
    if current.version != expected_version {
        return Err(Error::VersionConflict { current: current.version });
    }
    let cover = encode_upload(movie_id, upload).await?;
    store(services, movie_id, expected_version, cover, actor).await?;
    get_movie(&services.db, movie_id).await
}

/// Removes a movie's cover (the card falls back to its placeholder).
#[tracing::instrument(skip(services))]
pub async fn remove_cover(
    services: &Services,
    movie_id: i64,
    expected_version: i64,
    actor: Option<i64>,
) -> Result<Movie> {
    let (old, _) = movies::set_cover(&services.db, movie_id, expected_version, None, actor, now_unix()).await?;
    if let Some(old) = old {
        delete_cover_objects(&services.media, &old).await;
    }
    get_movie(&services.db, movie_id).await
}

/// Writes the objects, then points the movie at them; on any failure the new objects are removed
/// (unless they are, by content, the cover the movie already has). Returns the new version.
pub async fn store(
    services: &Services,
    movie_id: i64,
    expected_version: i64,
    cover: EncodedCover,
    actor: Option<i64>,
) -> Result<i64> {
    let prefix = cover.prefix.clone();
    if let Err(e) = put_objects(&services.media, cover).await {
        discard_unless_current(services, movie_id, &prefix).await;
        return Err(Error::media_unavailable("a cover", format!("{e:#}")));
    }
    match movies::set_cover(&services.db, movie_id, expected_version, Some(&prefix), actor, now_unix()).await {
        Ok((old, version)) => {
            if let Some(old) = old.filter(|old| *old != prefix) {
                delete_cover_objects(&services.media, &old).await;
            }
            Ok(version)
        }
        Err(e) => {
            discard_unless_current(services, movie_id, &prefix).await;
            Err(e.into())
        }
    }
}

async fn put_objects(media: &MediaStore, cover: EncodedCover) -> anyhow::Result<()> {
    for (size, jpeg) in cover.sizes {
        let key = cover_object_key(&cover.prefix, size);
        media.put(&key, jpeg.into(), "image/jpeg").await.with_context(|| format!("storing cover object {key}"))?;
    }
    Ok(())
}

async fn discard_unless_current(services: &Services, movie_id: i64, prefix: &str) {
    let current = movies::find(&services.db, movie_id).await.ok().flatten().and_then(|m| m.cover_key);
    if current.as_deref() != Some(prefix) {
        delete_cover_objects(&services.media, prefix).await;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(width, height, image::Rgb([90, 60, 30])));
        let mut bytes = std::io::Cursor::new(Vec::new());
        image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
        bytes.into_inner()
    }

    #[tokio::test]
    async fn covers_are_decoded_only_with_a_turn_of_the_decoding_gate() {
        let gate = crate::limits::Gate::new("test decoding", 1, std::time::Duration::from_millis(50));
        let held = gate.enter().await.unwrap();
        let busy = encode_upload_through(&gate, 7, png(300, 450)).await;
        assert!(matches!(busy, Err(Error::Busy)), "a saturated gate refuses: {:?}", busy.map(|c| c.prefix));
        drop(held);
        let cover = encode_upload_through(&gate, 7, png(300, 450)).await.expect("a free turn");
        assert!(cover.prefix.starts_with("covers/7/"));
        assert_eq!(gate.available(), 1, "the turn is given back once the cover is encoded");
    }

    #[test]
    fn a_landscape_image_is_cropped_to_a_poster_and_never_enlarged() {
        let image = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(900, 400, image::Rgb([10, 20, 30])));
        let cover = encode(7, &image).unwrap();
        assert!(cover.prefix.starts_with("covers/7/"));
        let dims: Vec<_> = cover
            .sizes
            .iter()
            .map(|(name, jpeg)| {
                let d = image::load_from_memory(jpeg).unwrap();
                (*name, d.width(), d.height())
            })
            .collect();
        // Cropped to 266 × 400 (2:3); card is 266 wide (not enlarged to 320), so are the others.
        assert_eq!(dims, vec![("card", 266, 399), ("detail", 266, 399), ("full", 266, 399)]);
    }

    #[test]
    fn the_prefix_is_the_content() {
        let a = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(400, 600, image::Rgb([200, 0, 0])));
        let b = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(400, 600, image::Rgb([0, 0, 200])));
        assert_eq!(encode(1, &a).unwrap().prefix, encode(1, &a).unwrap().prefix);
        assert_ne!(encode(1, &a).unwrap().prefix, encode(1, &b).unwrap().prefix);
    }
}
