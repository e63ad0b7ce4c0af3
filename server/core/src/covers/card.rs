//! The share card of a viewer's year in film (#20): a 1200 × 630 image (the size link previews
//! use) drawn with the cover art's palette, type and motifs, from the figures the viewer chose
//! to share when they made it.

use ab_glyph::FontRef;
use cinecloud_vocab::year::CardSummary;
use image::DynamicImage;

use super::art::{Canvas, FONT, draw_text, hsl, text_width};

const WIDTH: u32 = 1200;
const HEIGHT: u32 = 630;

/// `text` cut to fit `max_width` at `size`, with an ellipsis when cut.
fn fitted(font: &FontRef<'_>, text: &str, size: f32, max_width: f32) -> String {
    if text_width(font, text, size) <= max_width {
        return text.to_owned();
    }
    let mut out: String = text.to_owned();
    while !out.is_empty() && text_width(font, &format!("{out}…"), size) > max_width {
        out.pop();
    }
    format!("{}…", out.trim_end())
}

/// Draws the card.
pub fn share_card(card: &CardSummary) -> DynamicImage {
    let hue = 265.0 + (card.year % 12) as f32 * 30.0;
    let mut canvas = Canvas::gradient(WIDTH, HEIGHT, hsl(hue, 0.55, 0.4), hsl(hue + 40.0, 0.5, 0.07));
    let accent = hsl(hue + 180.0, 0.75, 0.65);
    let (w, h) = (WIDTH as f32, HEIGHT as f32);
    canvas.circle(w - 170.0, 170.0, 120.0, accent, 0.25, None);
    canvas.circle(w - 170.0, 170.0, 150.0, accent, 0.5, Some(3.0));
    canvas.circle(w - 90.0, h - 80.0, 40.0, hsl(hue, 0.35, 0.9), 0.15, None);

    let font = FontRef::try_from_slice(FONT).expect("the bundled font is valid");
    let margin = 64.0;
    let width = w - 2.0 * margin - 200.0;
    let title = fitted(&font, &format!("{}'s {} in film", card.name, card.year), 56.0, width);
    draw_text(&mut canvas, &font, &title, margin, 130.0, 56.0, [1.0; 3]);

    let hours = card.watched_ms as f64 / 3_600_000.0;
    let hours = if hours >= 10.0 { format!("{hours:.0}") } else { format!("{hours:.1}") };
    let figures = [
        (hours, "hours watched"),
        (card.movies_watched.to_string(), if card.movies_watched == 1 { "movie" } else { "movies" }),
        (card.longest_streak.to_string(), "days in a row, at best"),
    ];
    let mut x = margin;
    for (value, label) in figures {
        draw_text(&mut canvas, &font, &value, x, 300.0, 96.0, accent);
        draw_text(&mut canvas, &font, label, x, 345.0, 26.0, [0.92; 3]);
        x += (w - 2.0 * margin) / 3.0;
    }
    let mut baseline = 450.0;
    for line in [
        card.top_genre.as_ref().map(|g| format!("Most watched genre: {g}")),
        card.most_rewatched.as_ref().map(|t| format!("Watched again and again: {t}")),
    ]
    .into_iter()
    .flatten()
    {
        draw_text(&mut canvas, &font, &fitted(&font, &line, 34.0, w - 2.0 * margin), margin, baseline, 34.0, [1.0; 3]);
        baseline += 56.0;
    }
    draw_text(&mut canvas, &font, "CINECLOUD", margin, h - 40.0, 24.0, accent);
    DynamicImage::ImageRgb8(canvas.into_image())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(name: &str) -> CardSummary {
        CardSummary {
            name: name.to_owned(),
            year: 2026,
            watched_ms: 41 * 3_600_000,
            movies_watched: 23,
            top_genre: Some("Drama".to_owned()),
            longest_streak: 6,
            most_rewatched: Some("Sunrise: A Song of Two Humans".to_owned()),
        }
    }

    #[test]
    fn a_card_is_link_preview_sized_and_shows_its_figures() {
        let a = share_card(&card("Ada")).to_rgb8();
        assert_eq!((a.width(), a.height()), (WIDTH, HEIGHT));
        let b = share_card(&CardSummary { movies_watched: 99, ..card("Ada") }).to_rgb8();
        let differing = a.pixels().zip(b.pixels()).filter(|(p, q)| p != q).count();
        assert!(differing > 200, "the figure is drawn: {differing} pixels differ");
        assert!(a == share_card(&card("Ada")).to_rgb8(), "the same figures draw the same card");
    }

    #[test]
    fn long_names_are_cut_to_fit() {
        let font = FontRef::try_from_slice(FONT).unwrap();
        let long = "Wolfeschlegelsteinhausenbergerdorff ".repeat(4);
        let fit = fitted(&font, &long, 56.0, 872.0);
        assert!(fit.ends_with('…') && text_width(&font, &fit, 56.0) <= 872.0, "{fit}");
        assert_eq!(fitted(&font, "Ada", 56.0, 872.0), "Ada");
    }
}
