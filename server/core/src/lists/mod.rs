//! A viewer's watchlist and playlists: create, rename, describe, delete; add and remove movies;
//! reorder them. A list is private unless its owner makes it public; anyone else asking for a
//! private list gets exactly what they would get for a missing one ([`Error::NotFound`]),
//! from every function here. Adding to the watchlist is a signal for the recommender.

use crate::{FieldError, Result, catalog::MovieCard};

pub use crate::db::lists::Moved;

mod service;

pub use cinecloud_vocab::ListKind;
pub use service::*;

/// A viewer's list, with how many visible movies it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List {
    /// Primary key.
    pub id: i64,
    /// The owner.
    pub user_id: i64,
    /// Watchlist or playlist.
    pub kind: ListKind,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Whether anyone with the link may see it.
    pub is_public: bool,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    /// Visible movies on it.
    pub movie_count: i64,
}

/// That one of a viewer's lists holds a movie.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ListHolding {
    /// The movie.
    pub movie_id: i64,
    /// The list holding it.
    pub list_id: i64,
    /// Whether that list is the watchlist.
    pub is_watchlist: bool,
}

/// The watchlist's name.
pub const WATCHLIST_NAME: &str = "Watchlist";
/// Longest list name, in characters.
pub const MAX_NAME: usize = cinecloud_vocab::limits::LIST_NAME_CHARS;
/// Longest description, in characters.
pub const MAX_DESCRIPTION: usize = cinecloud_vocab::limits::LIST_DESCRIPTION_CHARS;
/// Most movies one list holds.
pub const MAX_ITEMS: i64 = 1_000;
/// Most playlists one viewer keeps (besides the watchlist).
pub const MAX_PLAYLISTS: i64 = 100;
/// Movies on one page of a list.
pub const PAGE_SIZE: i64 = 60;

/// A list as its owner edits it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListForm {
    /// Name (required).
    pub name: String,
    /// Description (may be empty).
    pub description: String,
    /// Whether anyone with the link may see it.
    pub is_public: bool,
}

impl ListForm {
    /// The form with spaces tidied, or the field at fault.
    pub fn validate(&self) -> Result<ListForm, FieldError> {
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(FieldError::new("name", "Give the list a name."));
        }
        if name.chars().count() > MAX_NAME {
            return Err(FieldError::new("name", format!("Use at most {MAX_NAME} characters.")));
        }
        let description = self.description.trim().to_owned();
        if description.chars().count() > MAX_DESCRIPTION {
            return Err(FieldError::new("description", format!("Use at most {MAX_DESCRIPTION} characters.")));
        }
        Ok(ListForm { name, description, is_public: self.is_public })
    }
}

/// A list and one page of its movies in order.
#[derive(Clone, Debug, PartialEq)]
pub struct ListWithMovies {
    /// The list (its `movie_count` counts every page).
    pub list: List,
    /// This page of its visible movies, in the owner's order.
    pub movies: Vec<MovieCard>,
    /// Which page this is (from 1).
    pub page: u32,
    /// How many pages there are (at least 1).
    pub page_count: u32,
    /// How many of its movies (on every page) the viewer asking has watched.
    pub watched: i64,
}
