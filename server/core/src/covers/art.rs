//! Covers drawn by the project for movies that have none of their own (the demo catalog): a
//! palette and a motif chosen by genre, varied by the title so no two look alike, with the title
//! set in DejaVu Sans Bold (Bitstream Vera licence, `assets/fonts/`). No copyrighted art involved.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use image::{DynamicImage, Rgb, RgbImage};
use sha2::{Digest, Sha256};

const WIDTH: u32 = 640;
const HEIGHT: u32 = 960;
pub(super) const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// A small deterministic generator seeded by the title, so a movie always gets the same cover.
struct Dice(u64);

impl Dice {
    fn new(seed: &[u8]) -> Self {
        let digest = Sha256::digest(seed);
        Dice(u64::from_le_bytes(digest[..8].try_into().expect("8 bytes")) | 1)
    }
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    fn range(&mut self, low: f32, high: f32) -> f32 {
        low + (high - low) * self.unit()
    }
}

#[derive(Clone, Copy)]
enum Motif {
    Planet,
    Moon,
    Sun,
    Bubbles,
    Bands,
    Grid,
}

/// Base hue (degrees) and motif for a genre.
fn style(genre: &str) -> (f32, Motif) {
    match genre {
        "Science Fiction" | "Fantasy" => (225.0, Motif::Planet),
        "Horror" | "Thriller" | "Mystery" | "Crime" | "Film Noir" => (350.0, Motif::Moon),
        "Western" | "Adventure" | "War" | "History" => (28.0, Motif::Sun),
        "Comedy" | "Animation" | "Family" | "Musical" | "Music" => (45.0, Motif::Bubbles),
        "Romance" | "Drama" => (320.0, Motif::Bubbles),
        "Documentary" => (160.0, Motif::Grid),
        _ => (265.0, Motif::Bands),
    }
}

pub(super) fn hsl(h: f32, s: f32, l: f32) -> [f32; 3] {
    let h = h.rem_euclid(360.0) / 60.0;
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    [r + m, g + m, b + m]
}

/// Pixels in linear 0–1 RGB, drawn on before they become an image.
pub(super) struct Canvas {
    pub(super) pixels: Vec<[f32; 3]>,
    pub(super) width: u32,
    pub(super) height: u32,
}

impl Canvas {
    /// A canvas whose rows go from `top` to `bottom` colour.
    pub(super) fn gradient(width: u32, height: u32, top: [f32; 3], bottom: [f32; 3]) -> Self {
        let mut pixels = Vec::with_capacity((width * height) as usize);
        for y in 0..height {
            let t = (y as f32 / height as f32).powf(0.8);
            let row: [f32; 3] = std::array::from_fn(|i| top[i] * (1.0 - t) + bottom[i] * t);
            pixels.extend(std::iter::repeat_n(row, width as usize));
        }
        Canvas { pixels, width, height }
    }

    pub(super) fn blend(&mut self, x: i64, y: i64, color: [f32; 3], alpha: f32) {
        if x < 0 || y < 0 || x >= i64::from(self.width) || y >= i64::from(self.height) || alpha <= 0.0 {
            return;
        }
        let p = &mut self.pixels[(y as usize) * self.width as usize + x as usize];
        let a = alpha.min(1.0);
        for i in 0..3 {
            p[i] = p[i] * (1.0 - a) + color[i] * a;
        }
    }

    /// A disc (or a ring when `thickness` is set), anti-aliased over one pixel.
    pub(super) fn circle(&mut self, cx: f32, cy: f32, r: f32, color: [f32; 3], alpha: f32, thickness: Option<f32>) {
        let (x0, x1) = ((cx - r - 2.0).floor() as i64, (cx + r + 2.0).ceil() as i64);
        let (y0, y1) = ((cy - r - 2.0).floor() as i64, (cy + r + 2.0).ceil() as i64);
        for y in y0..=y1 {
            for x in x0..=x1 {
                let d = ((x as f32 + 0.5 - cx).powi(2) + (y as f32 + 0.5 - cy).powi(2)).sqrt();
                let coverage = match thickness {
                    None => (r - d + 0.5).clamp(0.0, 1.0),
                    Some(t) => (t / 2.0 - (d - r).abs() + 0.5).clamp(0.0, 1.0),
                };
                self.blend(x, y, color, alpha * coverage);
            }
        }
    }

    pub(super) fn into_image(self) -> RgbImage {
        let mut image = RgbImage::new(self.width, self.height);
        for (pixel, value) in image.pixels_mut().zip(self.pixels) {
            *pixel = Rgb(value.map(|c| (c.clamp(0.0, 1.0) * 255.0).round() as u8));
        }
        image
    }
}

/// The colours of one cover.
#[derive(Clone, Copy)]
struct Palette {
    hue: f32,
    top: [f32; 3],
    bottom: [f32; 3],
    accent: [f32; 3],
    light: [f32; 3],
}

/// Paints the genre's motif over the background, drawing from `dice` in a fixed order (the same
/// title gives the same cover).
fn paint_motif(canvas: &mut Canvas, dice: &mut Dice, motif: Motif, palette: &Palette) {
    let Palette { hue, top, bottom, accent, light } = *palette;
    let (w, h) = (WIDTH as f32, HEIGHT as f32);
    match motif {
        Motif::Planet => {
            for _ in 0..140 {
                let (x, y) = (dice.range(0.0, w), dice.range(0.0, h * 0.7));
                canvas.circle(x, y, dice.range(0.6, 2.2), light, dice.range(0.3, 0.9), None);
            }
            let (cx, cy, r) = (dice.range(0.3, 0.7) * w, dice.range(0.25, 0.4) * h, dice.range(110.0, 170.0));
            canvas.circle(cx, cy, r, accent, 0.9, None);
            canvas.circle(cx - r * 0.25, cy - r * 0.25, r * 0.7, light, 0.12, None);
            canvas.circle(cx, cy, r * 1.45, light, 0.5, Some(6.0));
        }
        Motif::Moon => {
            let (cx, cy, r) = (dice.range(0.55, 0.8) * w, dice.range(0.15, 0.3) * h, dice.range(70.0, 110.0));
            canvas.circle(cx, cy, r * 1.6, accent, 0.12, None);
            canvas.circle(cx, cy, r, light, 0.95, None);
            canvas.circle(cx + r * 0.35, cy - r * 0.1, r * 0.9, top, 0.95, None);
            for i in 0..9 {
                let x = dice.range(0.0, w);
                let bar_w = dice.range(18.0, 60.0);
                let bar_h = dice.range(0.25, 0.5) * h;
                let shade = hsl(hue, 0.4, 0.04 + 0.01 * i as f32);
                for y in (h - bar_h) as i64..h as i64 {
                    for dx in 0..bar_w as i64 {
                        canvas.blend(x as i64 + dx, y, shade, 0.92);
                    }
                }
            }
        }
        Motif::Sun => {
            let (cx, horizon) = (dice.range(0.3, 0.7) * w, dice.range(0.45, 0.55) * h);
            let r = dice.range(120.0, 180.0);
            for i in 0..6 {
                canvas.circle(cx, horizon, r + i as f32 * 26.0, accent, 0.5 - i as f32 * 0.07, Some(5.0));
            }
            canvas.circle(cx, horizon, r, accent, 0.95, None);
            for y in horizon as i64..h as i64 {
                for x in 0..w as i64 {
                    canvas.blend(x, y, bottom, 0.85);
                }
            }
            for i in 0..7 {
                let y = horizon + 18.0 + (i * i) as f32 * 7.0;
                for x in 0..w as i64 {
                    canvas.blend(x, y as i64, accent, 0.35);
                }
            }
        }
        Motif::Bubbles => {
            for _ in 0..14 {
                let color = if dice.unit() < 0.5 { accent } else { light };
                let (x, y, r) = (dice.range(-0.1, 1.1) * w, dice.range(0.0, 0.75) * h, dice.range(30.0, 170.0));
                canvas.circle(x, y, r, color, dice.range(0.12, 0.4), None);
            }
        }
        Motif::Bands => {
            let slope = dice.range(-0.8, 0.8);
            for _ in 0..7 {
                let offset = dice.range(-0.2, 1.0) * h;
                let thickness = dice.range(12.0, 90.0);
                let color = if dice.unit() < 0.6 { accent } else { light };
                let alpha = dice.range(0.15, 0.5);
                for x in 0..w as i64 {
                    let center = offset + slope * x as f32;
                    for y in (center - thickness / 2.0) as i64..(center + thickness / 2.0) as i64 {
                        canvas.blend(x, y, color, alpha);
                    }
                }
            }
        }
        Motif::Grid => {
            let step = dice.range(36.0, 64.0);
            let mut y = step / 2.0;
            while y < h * 0.75 {
                let mut x = step / 2.0;
                while x < w {
                    canvas.circle(x, y, dice.range(2.0, step / 3.0), light, 0.35, None);
                    x += step;
                }
                y += step;
            }
        }
    }
}

/// Draws a 640 × 960 cover for a movie from its title, year and first genre.
pub fn generate(title: &str, year: Option<i32>, genres: &[String]) -> DynamicImage {
    let genre = genres.first().map(String::as_str).unwrap_or("");
    let mut dice = Dice::new(title.as_bytes());
    let (base_hue, motif) = style(genre);
    let hue = base_hue + dice.range(-25.0, 25.0);
    let top = hsl(hue, 0.55, dice.range(0.42, 0.55));
    let bottom = hsl(hue + dice.range(20.0, 60.0), 0.5, 0.08);
    let accent = hsl(hue + 180.0 + dice.range(-30.0, 30.0), 0.75, 0.62);
    let light = hsl(hue, 0.35, 0.9);

    let mut canvas = Canvas::gradient(WIDTH, HEIGHT, top, bottom);

    let (w, h) = (WIDTH as f32, HEIGHT as f32);
    paint_motif(&mut canvas, &mut dice, motif, &Palette { hue, top, bottom, accent, light });

    // Darken the lower part so the title always reads.
    for y in (h * 0.55) as i64..h as i64 {
        let t = (y as f32 - h * 0.55) / (h * 0.45);
        for x in 0..w as i64 {
            canvas.blend(x, y, [0.0; 3], 0.75 * t);
        }
    }

    // A little grain, as on film.
    for pixel in &mut canvas.pixels {
        let n = (dice.unit() - 0.5) * 0.035;
        pixel.iter_mut().for_each(|c| *c += n);
    }

    let font = FontRef::try_from_slice(FONT).expect("the bundled font is valid");
    let margin = 44.0;
    let lines = fit_title(&font, title, w - 2.0 * margin);
    let mut baseline = h - 120.0 - (lines.lines.len().saturating_sub(1)) as f32 * lines.size * 1.08;
    for line in &lines.lines {
        draw_text(&mut canvas, &font, line, margin, baseline, lines.size, [1.0; 3]);
        baseline += lines.size * 1.08;
    }
    let caption = match year {
        Some(year) if !genre.is_empty() => format!("{year}  ·  {}", genre.to_uppercase()),
        Some(year) => year.to_string(),
        None => genre.to_uppercase(),
    };
    draw_text(&mut canvas, &font, &caption, margin, h - 56.0, 26.0, accent);
    DynamicImage::ImageRgb8(canvas.into_image())
}

struct TitleLines {
    lines: Vec<String>,
    size: f32,
}

pub(super) fn text_width(font: &FontRef<'_>, text: &str, size: f32) -> f32 {
    let scaled = font.as_scaled(PxScale::from(size));
    let mut width = 0.0;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            width += scaled.kern(p, id);
        }
        width += scaled.h_advance(id);
        previous = Some(id);
    }
    width
}

/// Wraps the title at word boundaries, shrinking the type until it fits in four lines.
fn fit_title(font: &FontRef<'_>, title: &str, max_width: f32) -> TitleLines {
    let mut size = 96.0;
    loop {
        let mut lines: Vec<String> = Vec::new();
        for word in title.split_whitespace() {
            match lines.last_mut() {
                Some(line) if text_width(font, &format!("{line} {word}"), size) <= max_width => {
                    line.push(' ');
                    line.push_str(word);
                }
                _ => lines.push(word.to_owned()),
            }
        }
        let widest = lines.iter().map(|l| text_width(font, l, size)).fold(0.0, f32::max);
        if (lines.len() <= 4 && widest <= max_width) || size <= 28.0 {
            return TitleLines { lines, size };
        }
        size -= 6.0;
    }
}

pub(super) fn draw_text(
    canvas: &mut Canvas,
    font: &FontRef<'_>,
    text: &str,
    x: f32,
    baseline: f32,
    size: f32,
    color: [f32; 3],
) {
    let scaled = font.as_scaled(PxScale::from(size));
    let mut caret = x;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            caret += scaled.kern(p, id);
        }
        let glyph = id.with_scale_and_position(size, ab_glyph::point(caret, baseline));
        caret += scaled.h_advance(id);
        previous = Some(id);
        if let Some(outline) = font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let (px, py) = (bounds.min.x as i64 + i64::from(gx), bounds.min.y as i64 + i64::from(gy));
                canvas.blend(px + 2, py + 2, [0.0; 3], coverage * 0.45);
                canvas.blend(px, py, color, coverage);
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_are_deterministic_and_differ_by_title() {
        let genres = vec!["Drama".to_owned()];
        let a = generate("The General", Some(1926), &genres).to_rgb8();
        let again = generate("The General", Some(1926), &genres).to_rgb8();
        let b = generate("Nosferatu", Some(1922), &genres).to_rgb8();
        assert_eq!((a.width(), a.height()), (WIDTH, HEIGHT));
        assert!(a == again, "the same movie must always get the same cover");
        let differing = a.pixels().zip(b.pixels()).filter(|(p, q)| p != q).count();
        assert!(differing > (WIDTH * HEIGHT / 2) as usize, "only {differing} pixels differ");
    }

    #[test]
    fn long_titles_wrap_and_shrink_to_fit() {
        let font = FontRef::try_from_slice(FONT).unwrap();
        let lines = fit_title(&font, "The Cabinet of Dr. Caligari and Other Extraordinarily Long Stories", 552.0);
        assert!(lines.lines.len() <= 4 && lines.size < 96.0, "{} lines at {}", lines.lines.len(), lines.size);
        for line in &lines.lines {
            assert!(text_width(&font, line, lines.size) <= 552.0, "{line:?} overflows");
        }
    }
}
