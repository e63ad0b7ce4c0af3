//! The shapes the public JSON API (`/api/v1/…`, described by `/api/v1/openapi.json`) answers
//! with: one struct per object, so the server cannot send a field the description lacks and a
//! client in Rust can decode them as they are.

use serde::{Deserialize, Serialize};

/// A movie's ratings: the mean in stars (absent when unrated) and how many rated it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rating {
    /// Mean in stars (0.5–5), `null` when nobody rated.
    pub average: Option<f64>,
    /// How many viewers rated.
    pub count: i64,
}

impl From<crate::RatingSummary> for Rating {
    fn from(r: crate::RatingSummary) -> Self {
        Rating { average: r.average(), count: r.count }
    }
}

/// The URLs of a cover's images: three named sizes and a `srcset` of them all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cover {
    /// At least 320 px wide.
    pub card: String,
    /// At least 640 px wide.
    pub detail: String,
    /// At least 1280 px wide.
    pub full: String,
    /// Every stored width, for `<img srcset>`.
    pub srcset: String,
}

/// A movie in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MovieSummary {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Release year.
    pub year: Option<i32>,
    /// Cover images, if it has a cover.
    pub cover: Option<Cover>,
    /// Its ratings.
    pub rating: Rating,
    /// Its page on this site.
    pub url: String,
}

/// One page of movies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MoviePage {
    /// Pages there are (at least 1).
    pub page_count: u32,
    /// Matching movies: exact, or a lower bound when `total_exact` is false.
    pub total: i64,
    /// Whether `total` is exact.
    pub total_exact: bool,
    /// This page's number, from 1.
    pub page: u32,
    /// Movies per page.
    pub per_page: u32,
    /// This page's movies.
    pub items: Vec<MovieSummary>,
}

/// A genre.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Genre {
    /// The word its filter uses.
    pub slug: String,
    /// Its name.
    pub name: String,
}

/// Someone credited on a movie.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    /// The person's id.
    pub person_id: i64,
    /// Their name.
    pub name: String,
    /// The character played (cast only).
    pub character: Option<String>,
}

/// One movie with everything its page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Movie {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Original title, when it differs.
    pub original_title: Option<String>,
    /// Release year.
    pub year: Option<i32>,
    /// Runtime in minutes.
    pub runtime_minutes: Option<i32>,
    /// Synopsis (may be empty).
    pub synopsis: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// ISO 639-1 language code.
    pub original_language: Option<String>,
    /// Age rating.
    pub age_rating: Option<String>,
    /// https:// trailer link.
    pub trailer_url: Option<String>,
    /// Its genres.
    pub genres: Vec<Genre>,
    /// Who directed it.
    pub directors: Vec<Credit>,
    /// Who acted in it, in billing order.
    pub cast: Vec<Credit>,
    /// Cover images, if it has a cover.
    pub cover: Option<Cover>,
    /// Its ratings.
    pub rating: Rating,
    /// Last change (Unix seconds).
    pub updated_at: i64,
    /// Its page on this site.
    pub url: String,
}

/// What a refused request answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// Why, in words.
    pub error: String,
}
