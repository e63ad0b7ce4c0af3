//! The movie catalog: movies with their genres and credits, search and filters, edits with a
//! version check and an audit trail, deletion with a short undo window.

mod cache;
pub mod demo;
mod fields;
mod query;
pub mod seed;
mod service;
pub mod text;

pub use cache::{CacheStats, CatalogCache, CatalogCacheSettings, Freshness};
pub use cinecloud_vocab::CreditRole;
pub use fields::{CastMember, MovieForm, MovieInput};
pub use query::{MovieQuery, Page, SEARCH_COUNT_CAP, Sort};
pub use service::*;

use crate::ratings::RatingSummary;

/// A genre, e.g. "Science Fiction" (`science-fiction`).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Genre {
    /// Primary key.
    pub id: i64,
    /// URL-safe name used in filters.
    pub slug: String,
    /// Display name.
    pub name: String,
}

/// A person credited on movies.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Person {
    /// Primary key.
    pub id: i64,
    /// Display name.
    pub name: String,
}

/// One credit on a movie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credit {
    /// Who.
    pub person: Person,
    /// As what.
    pub role: CreditRole,
    /// The character played (cast only).
    pub character: Option<String>,
}

/// A movie with everything its page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Movie {
    /// Primary key.
    pub id: i64,
    /// The editable facts.
    pub input: MovieInput,
    /// Genres, by name.
    pub genres: Vec<Genre>,
    /// Directors, then cast, in credit order.
    pub credits: Vec<Credit>,
    /// Media key prefix of the cover, if any.
    pub cover_key: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    /// Bumped by every edit; an edit must name the version it started from.
    pub version: i64,
    /// Its viewers' ratings.
    pub rating: RatingSummary,
    /// The MIME type of its video, when one is attached.
    pub video_type: Option<String>,
    /// TMDb's id, when it was imported from there (or given one since).
    pub tmdb_id: Option<i64>,
    /// IMDb's id, when known.
    pub imdb_id: Option<String>,
}

/// What a card in a grid shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MovieCard {
    /// Primary key.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Release year.
    pub year: Option<i32>,
    /// Media key prefix of the cover, if any.
    pub cover_key: Option<String>,
    /// How many viewers rated it.
    pub rating_count: i64,
    /// The sum of their ratings in half stars.
    pub rating_sum: i64,
}

impl MovieCard {
    /// The card's rating summary.
    pub fn rating(&self) -> RatingSummary {
        RatingSummary::from_sum(self.rating_count, self.rating_sum)
    }
}

/// One change recorded in a movie's audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// Who changed it (absent if that account was deleted or for seeding).
    pub user_id: Option<i64>,
    /// Display name of that account, if it still exists.
    pub user_name: Option<String>,
    /// Unix seconds.
    pub at: i64,
    /// Which field (`title`, `genres`, `cover`, `created`, `deleted`, …).
    pub field: String,
    /// Value before.
    pub old_value: Option<String>,
    /// Value after.
    pub new_value: Option<String>,
}

/// One field's change, for the audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Field name.
    pub field: &'static str,
    /// Value before (rendered as text).
    pub old_value: Option<String>,
    /// Value after (rendered as text).
    pub new_value: Option<String>,
}

/// One credit of a person's filmography.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilmographyEntry {
    /// The movie.
    pub card: MovieCard,
    /// Their part in it.
    pub role: CreditRole,
    /// The character played (cast only).
    pub character: Option<String>,
}

/// A person and their visible movies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filmography {
    /// Who.
    pub person: Person,
    /// Their movies, newest first.
    pub entries: Vec<FilmographyEntry>,
}

/// A title and synopsis in one language.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct Translation {
    /// BCP 47 tag as TMDb writes it: `pt-BR`, `es-ES`.
    pub language: String,
    /// The title in that language (empty when the provider has none).
    pub title: String,
    /// The synopsis in that language (empty when none).
    pub synopsis: String,
}
