//! A viewer's watchlist and playlists: create, rename, describe, delete; add and remove movies;
//! reorder them. A list is private unless its owner makes it public; anyone else asking for a
//! private list gets exactly what they would get for a missing one ([`CatalogError::NotFound`]),
//! from every function here. Adding to the watchlist is a signal for the recommender.

use crate::{
    accounts::FieldError,
    catalog::{CatalogError, MovieCard},
    clock::now_unix,
    db::{
        Db,
        lists::{self, Added, ListRow},
        ratings as signal_rows,
    },
    ratings::Signal,
};

/// The watchlist's name.
pub const WATCHLIST_NAME: &str = "Watchlist";
/// Longest list name, in characters.
pub const MAX_NAME: usize = 80;
/// Longest description, in characters.
pub const MAX_DESCRIPTION: usize = 500;

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

/// A list and its movies in order.
#[derive(Clone, Debug, PartialEq)]
pub struct ListWithMovies {
    /// The list.
    pub list: ListRow,
    /// Its visible movies, in the owner's order.
    pub movies: Vec<MovieCard>,
}

/// The viewer's watchlist (made on first use).
pub async fn watchlist(db: &Db, user_id: i64) -> Result<ListRow, CatalogError> {
    Ok(lists::watchlist(db, user_id, WATCHLIST_NAME, now_unix()).await?)
}

/// The viewer's lists, the watchlist first.
pub async fn my_lists(db: &Db, user_id: i64) -> Result<Vec<ListRow>, CatalogError> {
    watchlist(db, user_id).await?;
    Ok(lists::owned(db, user_id).await?)
}

/// Creates a playlist.
pub async fn create_playlist(db: &Db, user_id: i64, form: &ListForm) -> Result<ListRow, CatalogError> {
    let form = form.validate()?;
    let id = lists::insert_playlist(db, user_id, &form.name, &form.description, form.is_public, now_unix()).await?;
    lists::find(db, id).await?.ok_or(CatalogError::NotFound)
}

/// Renames, describes, or makes public or private one of the viewer's lists. The watchlist keeps
/// its name.
pub async fn update_list(db: &Db, user_id: i64, list_id: i64, form: &ListForm) -> Result<ListRow, CatalogError> {
    let list = owned(db, user_id, list_id).await?;
    let form = form.validate()?;
    if list.kind == "watchlist" && form.name != WATCHLIST_NAME {
        return Err(FieldError::new("name", "The watchlist keeps its name.").into());
    }
    if !lists::update(db, user_id, list_id, &form.name, &form.description, form.is_public, now_unix()).await? {
        return Err(CatalogError::NotFound);
    }
    owned(db, user_id, list_id).await
}

/// Deletes one of the viewer's playlists (the watchlist stays).
pub async fn delete_list(db: &Db, user_id: i64, list_id: i64) -> Result<(), CatalogError> {
    let list = owned(db, user_id, list_id).await?;
    if list.kind == "watchlist" {
        return Err(FieldError::new("list", "The watchlist cannot be deleted; remove its movies instead.").into());
    }
    if lists::delete_playlist(db, user_id, list_id).await? { Ok(()) } else { Err(CatalogError::NotFound) }
}

/// A list for `viewer` (`None`: not signed in): the owner sees it always, anyone else only when
/// it is public.
pub async fn view_list(db: &Db, viewer: Option<i64>, list_id: i64) -> Result<ListWithMovies, CatalogError> {
    let list = lists::find(db, list_id).await?.ok_or(CatalogError::NotFound)?;
    if !list.is_public && viewer != Some(list.user_id) {
        return Err(CatalogError::NotFound);
    }
    let movies = lists::movies(db, list_id).await?;
    Ok(ListWithMovies { list, movies })
}

/// Adds a movie at the end of one of the viewer's lists (again: nothing changes).
pub async fn add_movie(db: &Db, user_id: i64, list_id: i64, movie_id: i64) -> Result<(), CatalogError> {
    let list = owned(db, user_id, list_id).await?;
    match lists::add(db, user_id, list_id, movie_id, now_unix()).await? {
        Added::NotFound => Err(CatalogError::NotFound),
        Added::Added | Added::AlreadyThere => {
            if list.kind == "watchlist" {
                signal_rows::add_signal(db, user_id, movie_id, Signal::Watchlisted.as_str(), now_unix()).await?;
            }
            Ok(())
        }
    }
}

/// Takes a movie off one of the viewer's lists.
pub async fn remove_movie(db: &Db, user_id: i64, list_id: i64, movie_id: i64) -> Result<(), CatalogError> {
    let list = owned(db, user_id, list_id).await?;
    if !lists::remove(db, user_id, list_id, movie_id, now_unix()).await? {
        return Err(CatalogError::NotFound);
    }
    if list.kind == "watchlist" {
        signal_rows::remove_signal(db, user_id, movie_id, Signal::Watchlisted.as_str()).await?;
    }
    Ok(())
}

/// Puts one of the viewer's lists in `order`, which must name each of its movies once.
pub async fn reorder(db: &Db, user_id: i64, list_id: i64, order: &[i64]) -> Result<(), CatalogError> {
    owned(db, user_id, list_id).await?;
    if lists::reorder(db, user_id, list_id, order, now_unix()).await? {
        Ok(())
    } else {
        Err(FieldError::new("order", "The list changed meanwhile; reload it and try again.").into())
    }
}

/// Moves one movie of one of the viewer's lists to `index` (0 = first; past the end = last): what
/// the keyboard's "move up/down" and a drop do.
pub async fn move_movie(db: &Db, user_id: i64, list_id: i64, movie_id: i64, index: usize) -> Result<(), CatalogError> {
    owned(db, user_id, list_id).await?;
    let mut order = lists::item_ids(db, list_id).await?;
    let from = order.iter().position(|m| *m == movie_id).ok_or(CatalogError::NotFound)?;
    let id = order.remove(from);
    order.insert(index.min(order.len()), id);
    reorder(db, user_id, list_id, &order).await
}

/// The list if the viewer owns it; otherwise the same "not found" a missing list gets.
async fn owned(db: &Db, user_id: i64, list_id: i64) -> Result<ListRow, CatalogError> {
    lists::find(db, list_id).await?.filter(|l| l.user_id == user_id).ok_or(CatalogError::NotFound)
}
