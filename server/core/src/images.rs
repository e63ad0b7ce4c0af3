//! Checking and re-encoding uploaded images. Uploads are identified by their bytes, never their
//! name, decoded under pixel and memory limits (no decompression bombs), and re-encoded so that
//! nothing the uploader wrote (metadata, trailing data) is served back.

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits, imageops::FilterType};

/// Why an upload is not an acceptable image; the message is meant for the user.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImageRejected {
    /// Not JPEG, PNG or WebP by content.
    #[error("Upload a JPEG, PNG or WebP image.")]
    UnsupportedType,
    /// Wider or taller than allowed.
    #[error("The image is too large: at most {max} × {max} pixels.")]
    TooManyPixels {
        /// The limit on each side.
        max: u32,
    },
    /// Truncated or corrupt data.
    #[error("The image could not be read; the file may be damaged.")]
    Corrupt,
}

/// How large a decoded upload may be, sized to what it is for: a small file can claim a huge
/// canvas (a 250 KB one-colour PNG of 8000 × 8000 decodes to 256 MB), so the limit is on pixels
/// and on the decoder's memory, checked from the header before decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Largest width or height.
    pub max_side: u32,
    /// Most memory the decoder may allocate, in bytes.
    pub max_alloc: u64,
}

/// Profile photos end as 256 px squares; a phone camera's 4032 × 3024 still fits.
pub const PHOTO_LIMITS: DecodeLimits = DecodeLimits { max_side: 4096, max_alloc: 80 * 1024 * 1024 };
/// Covers are kept up to 1000 px wide; a print-size poster scan still fits.
pub const COVER_LIMITS: DecodeLimits = DecodeLimits { max_side: 6000, max_alloc: 160 * 1024 * 1024 };
/// Largest cover upload accepted, in bytes (a provider's poster too).
pub const MAX_COVER_BYTES: usize = cinecloud_vocab::limits::COVER_BYTES;
/// Side of the square profile photo that is stored.
pub const PROFILE_PHOTO_SIDE: u32 = 256;

/// Decodes an upload that is JPEG, PNG or WebP by content, within `within`.
pub fn decode_upload(bytes: &[u8], within: DecodeLimits) -> Result<image::DynamicImage, ImageRejected> {
    let mut reader =
        ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| ImageRejected::UnsupportedType)?;
    match reader.format() {
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) => {}
        _ => return Err(ImageRejected::UnsupportedType),
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(within.max_side);
    limits.max_image_height = Some(within.max_side);
    limits.max_alloc = Some(within.max_alloc);
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => ImageRejected::TooManyPixels { max: within.max_side },
        _ => ImageRejected::Corrupt,
    })
}

/// Turns an upload into a square 256 px JPEG profile photo.
pub fn profile_photo(bytes: &[u8]) -> Result<Vec<u8>, ImageRejected> {
    let image = decode_upload(bytes, PHOTO_LIMITS)?;
    let square = image.resize_to_fill(PROFILE_PHOTO_SIDE, PROFILE_PHOTO_SIDE, FilterType::Triangle);
    encode_jpeg(&square, 85)
}

/// Encodes as baseline JPEG at `quality` (1–100), dropping any alpha channel.
pub fn encode_jpeg(image: &image::DynamicImage, quality: u8) -> Result<Vec<u8>, ImageRejected> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&image.to_rgb8())
        .map_err(|_| ImageRejected::Corrupt)?;
    Ok(out)
}

/// Encodes `image` as lossy WebP (libwebp) at `quality` (0–100).
pub fn encode_webp(image: &image::DynamicImage, quality: f32) -> Result<Vec<u8>, ImageRejected> {
    let rgb = image.to_rgb8();
    let encoder = webp::Encoder::from_rgb(rgb.as_raw(), rgb.width(), rgb.height());
    let encoded = encoder.encode_simple(false, quality).map_err(|_| ImageRejected::Corrupt)?;
    Ok(encoded.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 128]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
        out
    }

    #[test]
    fn a_png_becomes_a_square_jpeg() {
        let jpeg = profile_photo(&png(640, 480)).unwrap();
        assert_eq!(image::guess_format(&jpeg).unwrap(), ImageFormat::Jpeg);
        let decoded = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (256, 256));
    }

    #[test]
    fn text_named_like_an_image_is_refused() {
        assert_eq!(profile_photo(b"GIF89a not really").unwrap_err(), ImageRejected::UnsupportedType);
        assert_eq!(profile_photo(b"hello, I am a .jpg").unwrap_err(), ImageRejected::UnsupportedType);
    }

    #[test]
    fn a_truncated_image_is_refused() {
        let data = png(200, 200);
        assert_eq!(profile_photo(&data[..data.len() / 2]).unwrap_err(), ImageRejected::Corrupt);
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_decoding() {
        // A valid PNG header claiming 20000 × 20000 pixels: the limit trips on the header.
        let bomb = png(20_000, 1);
        assert_eq!(profile_photo(&bomb).unwrap_err(), ImageRejected::TooManyPixels { max: 4096 });
    }

    fn one_colour_png(side: u32) -> Vec<u8> {
        let img = image::GrayImage::from_pixel(side, side, image::Luma([7]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
        out
    }

    #[test]
    fn a_small_file_claiming_a_huge_canvas_is_refused_for_a_photo_but_fits_a_cover() {
        // 8000 × 8000 of one colour compresses to a few hundred KB and decodes to 256 MB as RGBA.
        let amplifier = one_colour_png(5000);
        assert!(amplifier.len() < 200 * 1024, "{} bytes", amplifier.len());
        assert_eq!(profile_photo(&amplifier).unwrap_err(), ImageRejected::TooManyPixels { max: 4096 });
        assert!(decode_upload(&amplifier, COVER_LIMITS).is_ok());
        let bigger = one_colour_png(6500);
        assert_eq!(decode_upload(&bigger, COVER_LIMITS).unwrap_err(), ImageRejected::TooManyPixels { max: 6000 });
    }
}
