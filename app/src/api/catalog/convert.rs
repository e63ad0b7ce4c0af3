//! Core's catalog values as the views the pages get.

use cinecloud_core::{
    catalog::{AuditEntry, CreditRole, Movie, MovieCard, Page},
    covers::{cover_srcset, cover_url as url},
};

use super::*;

pub(super) fn cover(key: Option<String>) -> Option<CoverView> {
    key.map(|k| CoverView { card: url(&k, 320), srcset: cover_srcset(&k), preview: url(&k, 640) })
}

impl From<MovieCard> for MovieCardView {
    fn from(m: MovieCard) -> Self {
        let rating = m.rating();
        MovieCardView {
            id: m.id,
            title: m.title,
            year: m.year,
            cover: cover(m.cover_key),
            rating,
            mine: None,
            can_rate: false,
            on_watchlist: false,
        }
    }
}

impl From<AuditEntry> for AuditEntryView {
    fn from(e: AuditEntry) -> Self {
        AuditEntryView { who: e.user_name, at: e.at, field: e.field, old_value: e.old_value, new_value: e.new_value }
    }
}

impl From<Page<MovieCard>> for MoviePageView {
    fn from(p: Page<MovieCard>) -> Self {
        MoviePageView {
            page_count: p.page_count(),
            total: p.total,
            total_exact: p.total_exact,
            page: p.page,
            items: p.items.into_iter().map(MovieCardView::from).collect(),
        }
    }
}

impl From<Movie> for MovieView {
    fn from(m: Movie) -> Self {
        let credits = |role: CreditRole| {
            m.credits
                .iter()
                .filter(|c| c.role == role)
                .map(|c| CreditView {
                    person_id: c.person.id,
                    name: c.person.name.clone(),
                    character: c.character.clone(),
                })
                .collect()
        };
        MovieView {
            id: m.id,
            directors: credits(CreditRole::Director),
            cast: credits(CreditRole::Cast),
            genres: m.genres.iter().map(|g| GenreView { slug: g.slug.clone(), name: g.name.clone() }).collect(),
            cover: cover(m.cover_key.clone()),
            version: m.version,
            rating: m.rating,
            my_rating: None,
            video: m.video_type.clone(),
            on_watchlist: false,
            tmdb_id: m.tmdb_id,
            title: m.input.title,
            original_title: m.input.original_title,
            year: m.input.year,
            runtime_minutes: m.input.runtime_minutes,
            synopsis: m.input.synopsis,
            country: m.input.country,
            original_language: m.input.original_language,
            age_rating: m.input.age_rating,
            trailer_url: m.input.trailer_url,
        }
    }
}
