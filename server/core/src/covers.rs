//! Movie covers in media storage. An upload is checked by content, decoded under limits,
//! cropped to the 2:3 poster shape and stored as lossy WebP at each of [`COVER_WIDTHS`] under one
//! content-addressed prefix, `covers/{movie id}/webp-{digest}`, so a phone at any pixel density
//! finds a size close to what it shows (see `docs/architecture.md`, "Covers"). Covers stored
//! before WebP (prefix `covers/{movie id}/{digest}`: three JPEGs, 320, 640 and 1280 px) are still
//! served as they are: the prefix says which layout a cover has ([`cover_images`]). The database
//! points at the prefix; the objects are written before the database and the old ones deleted
//! after it commits, so a movie never points at a missing cover and a failed upload leaves the
//! old cover as it was.
//!
//! Demo movies get covers drawn here from their title, year and genre ([`generate`]).

mod art;
mod card;

use anyhow::Context;
use image::{DynamicImage, imageops::FilterType};
use sha2::{Digest, Sha256};

pub use art::generate;
pub use card::share_card;

use crate::{
    Error, Result, Services,
    catalog::{Movie, get_movie},
    clock::now_unix,
    db::movies,
    images::{self, ImageRejected},
    storage::MediaStore,
};

/// The widths (in pixels; the height is 1.5 × the width) a cover is stored at: a card is shown
/// 120–185 CSS px wide and the movie page's cover 192–288, at 1 to 3 device pixels per CSS pixel.
pub const COVER_WIDTHS: &[u32] = &[240, 360, 480, 720, 1280];

/// The sizes of a cover stored before WebP: name and width.
const JPEG_SIZES: &[(&str, u32)] = &[("card", 320), ("detail", 640), ("full", 1280)];

/// What starts the last segment of a WebP cover's prefix.
const WEBP_MARK: &str = "webp-";

pub use crate::images::MAX_COVER_BYTES;

/// WebP quality of stored covers (libwebp's 0–100 scale). Measured on the demo art and two
/// photos: 2.3–4× fewer bytes than the JPEG at quality 82 that covers were before, at a width.
const QUALITY: f32 = 75.0;

/// One stored image of a cover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoverImage {
    /// Its key in media storage.
    pub key: String,
    /// The width it was made for (smaller when the upload was narrower: covers are never enlarged).
    pub width: u32,
}

/// Every stored image of the cover at `prefix`, narrowest first. The prefix tells the layout:
/// `covers/12/webp-ab12…` (WebP at [`COVER_WIDTHS`]) or `covers/12/ab12…` (JPEG, before WebP).
pub fn cover_images(prefix: &str) -> Vec<CoverImage> {
    if is_webp(prefix) {
        COVER_WIDTHS.iter().map(|&width| CoverImage { key: format!("{prefix}-{width}.webp"), width }).collect()
    } else {
        JPEG_SIZES.iter().map(|&(size, width)| CoverImage { key: format!("{prefix}-{size}.jpg"), width }).collect()
    }
}

/// Whether the cover at `prefix` is stored as WebP (else as the JPEGs of before).
fn is_webp(prefix: &str) -> bool {
    prefix.rsplit('/').next().is_some_and(|name| name.starts_with(WEBP_MARK))
}

/// The public URL (under the server's `/media/` route) of a stored object.
pub fn media_url(key: &str) -> String {
    format!("/media/{key}")
}

/// The URL of the cover's narrowest image at least `width` wide (the widest if none is).
pub fn cover_url(prefix: &str, width: u32) -> String {
    let images = cover_images(prefix);
    let image = images.iter().find(|i| i.width >= width).or(images.last()).expect("every layout has images");
    media_url(&image.key)
}

/// A `srcset` offering every stored image of the cover, so the browser picks the smallest that
/// is sharp at its pixel density.
pub fn cover_srcset(prefix: &str) -> String {
    let images = cover_images(prefix);
    images.iter().map(|i| format!("{} {}w", media_url(&i.key), i.width)).collect::<Vec<_>>().join(", ")
}

/// A cover ready to store: its images and the prefix their content gives them.
#[derive(Debug)]
pub struct EncodedCover {
    /// `covers/{movie id}/webp-{first 32 hex digits of the SHA-256 of the widest image}`.
    pub prefix: String,
    /// `(key, WebP bytes)`, in [`cover_images`] order.
    pub images: Vec<(String, Vec<u8>)>,
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
    let mut encoded: Vec<(u32, Vec<u8>)> = Vec::with_capacity(COVER_WIDTHS.len());
    for &target in COVER_WIDTHS {
        let w = target.min(crop_w);
        // A narrow upload gives several widths the same image: encode it once.
        if let Some(same) = encoded.last().filter(|(last_w, _)| *last_w == w).cloned() {
            encoded.push(same);
            continue;
        }
        let h = (w * 3 / 2).max(1);
        let resized = if (w, h) == (crop_w, crop_h) {
            cropped.clone()
        } else {
            cropped.resize_exact(w, h, FilterType::CatmullRom)
        };
        encoded.push((w, images::encode_webp(&resized, QUALITY)?));
    }
    let digest = hex::encode(Sha256::digest(&encoded.last().expect("at least one width").1));
    let prefix = format!("covers/{movie_id}/{WEBP_MARK}{}", &digest[..32]);
    let images = cover_images(&prefix).into_iter().zip(encoded).map(|(image, (_, bytes))| (image.key, bytes)).collect();
    Ok(EncodedCover { prefix, images })
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
    for (key, bytes) in cover.images {
        let content_type = crate::storage::content_type_for(&key);
        media.put(&key, bytes.into(), &content_type).await.with_context(|| format!("storing cover object {key}"))?;
    }
    Ok(())
}

async fn discard_unless_current(services: &Services, movie_id: i64, prefix: &str) {
    let current = movies::find(&services.db, movie_id).await.ok().flatten().and_then(|m| m.cover_key);
    if current.as_deref() != Some(prefix) {
        delete_cover_objects(&services.media, prefix).await;
    }
}

/// What [`convert_jpeg_covers`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Conversion {
    /// Covers now stored as WebP.
    pub converted: usize,
    /// Covers left as they were: edited meanwhile (converted next time), or their JPEG is
    /// missing or unreadable (`cinecloud check` lists those).
    pub skipped: usize,
}

/// Re-encodes every cover stored before WebP (three JPEGs) as WebP at every width, from its
/// widest JPEG, one movie at a time and through the same path as an upload: new objects, then
/// the row (at the version read, so a concurrent edit wins), then the old objects deleted. Safe
/// while servers run; running it again converts only what is left.
pub async fn convert_jpeg_covers(services: &Services) -> anyhow::Result<Conversion> {
    let mut done = Conversion::default();
    for (kind, movie_id, prefix) in crate::db::media_refs::all(&services.db).await? {
        if kind != "cover" || is_webp(&prefix) {
            continue;
        }
        let legacy = cover_images(&prefix);
        let Some(movie) = movies::find(&services.db, movie_id).await? else { continue };
        if movie.cover_key.as_deref() != Some(prefix.as_str()) {
            done.skipped += 1;
            continue;
        }
        let widest = &legacy.last().expect("every layout has images").key;
        let jpeg = match services.media.get(widest, None).await {
            Ok(object) => object.into_bytes().await.context("reading a cover")?,
            Err(e) => {
                tracing::warn!(movie_id, key = widest, error = %e, "cannot convert a cover whose JPEG cannot be read");
                done.skipped += 1;
                continue;
            }
        };
        let cover = match encode_upload(movie_id, jpeg).await {
            Ok(cover) => cover,
            Err(e) => {
                tracing::warn!(movie_id, key = widest, error = %e, "cannot convert a cover whose JPEG does not decode");
                done.skipped += 1;
                continue;
            }
        };
        match store(services, movie_id, movie.version, cover, None).await {
            Ok(_) => done.converted += 1,
            Err(Error::VersionConflict { .. } | Error::NotFound) => done.skipped += 1,
            Err(e) => return Err(anyhow::Error::new(e).context(format!("storing movie {movie_id}'s converted cover"))),
        }
    }
    Ok(done)
}

/// Deletes every image of a cover; failures are logged (an orphan costs storage, not correctness).
pub async fn delete_cover_objects(media: &MediaStore, prefix: &str) {
    for CoverImage { key, .. } in cover_images(prefix) {
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
        assert!(cover.prefix.starts_with("covers/7/webp-"), "{}", cover.prefix);
        let dims: Vec<_> = cover
            .images
            .iter()
            .map(|(key, webp)| {
                assert_eq!(image::guess_format(webp).unwrap(), image::ImageFormat::WebP, "{key}");
                let d = image::load_from_memory(webp).unwrap();
                (key.rsplit('-').next().unwrap().to_owned(), d.width(), d.height())
            })
            .collect();
        // Cropped to 266 × 400 (2:3); 240 is made, the wider ones stay 266 wide (not enlarged).
        let expected = [("240", 240, 360), ("360", 266, 399), ("480", 266, 399), ("720", 266, 399), ("1280", 266, 399)];
        let expected: Vec<_> = expected.iter().map(|&(k, w, h)| (format!("{k}.webp"), w, h)).collect();
        assert_eq!(dims, expected);
    }

    #[test]
    fn each_width_is_stored_at_its_size() {
        let image = DynamicImage::ImageRgb8(image::RgbImage::from_fn(1600, 2400, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        }));
        let cover = encode(3, &image).unwrap();
        let widths: Vec<u32> = cover.images.iter().map(|(_, b)| image::load_from_memory(b).unwrap().width()).collect();
        assert_eq!(widths, COVER_WIDTHS);
        let keys: Vec<String> = cover.images.iter().map(|(k, _)| k.clone()).collect();
        let listed: Vec<String> = cover_images(&cover.prefix).into_iter().map(|i| i.key).collect();
        assert_eq!(keys, listed, "stored under the keys the prefix lists");
    }

    #[test]
    fn the_prefix_tells_the_layout_and_the_urls_follow_it() {
        let webp = "covers/4/webp-00112233445566778899aabbccddeeff";
        assert_eq!(cover_url(webp, 320), format!("/media/{webp}-360.webp"));
        assert_eq!(cover_url(webp, 5000), format!("/media/{webp}-1280.webp"), "the widest when none is wide enough");
        assert_eq!(
            cover_srcset(webp),
            format!(
                "/media/{webp}-240.webp 240w, /media/{webp}-360.webp 360w, /media/{webp}-480.webp 480w, \
                 /media/{webp}-720.webp 720w, /media/{webp}-1280.webp 1280w"
            )
        );
        // A cover stored before WebP keeps its three JPEGs.
        let jpeg = "covers/4/00112233445566778899aabbccddeeff";
        assert_eq!(cover_url(jpeg, 320), format!("/media/{jpeg}-card.jpg"));
        assert_eq!(cover_url(jpeg, 321), format!("/media/{jpeg}-detail.jpg"));
        assert_eq!(
            cover_srcset(jpeg),
            format!("/media/{jpeg}-card.jpg 320w, /media/{jpeg}-detail.jpg 640w, /media/{jpeg}-full.jpg 1280w")
        );
    }

    #[test]
    fn the_prefix_is_the_content() {
        let a = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(400, 600, image::Rgb([200, 0, 0])));
        let b = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(400, 600, image::Rgb([0, 0, 200])));
        assert_eq!(encode(1, &a).unwrap().prefix, encode(1, &a).unwrap().prefix);
        assert_ne!(encode(1, &a).unwrap().prefix, encode(1, &b).unwrap().prefix);
    }
}
