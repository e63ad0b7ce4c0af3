//! A viewer's watchlist and playlists: create, rename, describe, delete; add and remove movies;
//! reorder them. A list is private unless its owner makes it public; anyone else asking for a
//! private list gets exactly what they would get for a missing one ([`Error::NotFound`]),
//! from every function here. Adding to the watchlist is a signal for the recommender.

use crate::{
    Error, FieldError, Result,
    catalog::MovieCard,
    clock::now_unix,
    db::{
        Db,
        lists::{self, Addition},
        ratings as signal_rows,
    },
    ratings::Signal,
};

crate::spelling::spelled_enum! {
    /// What a list is for.
    pub enum ListKind as "list kind" {
        /// The one list of movies the viewer means to watch, made on first use.
        Watchlist = "watchlist",
        /// A named list the viewer made.
        Playlist = "playlist",
    }
}

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
    pub list: List,
    /// Its visible movies, in the owner's order.
    pub movies: Vec<MovieCard>,
}

/// The viewer's watchlist (made on first use).
pub async fn watchlist(db: &Db, user_id: i64) -> Result<List> {
    Ok(lists::watchlist(db, user_id, WATCHLIST_NAME, now_unix()).await?)
}

/// The viewer's lists, the watchlist first.
pub async fn my_lists(db: &Db, user_id: i64) -> Result<Vec<List>> {
    watchlist(db, user_id).await?;
    Ok(lists::owned(db, user_id).await?)
}

/// Creates a playlist.
pub async fn create_playlist(db: &Db, user_id: i64, form: &ListForm) -> Result<List> {
    let form = form.validate()?;
    let id = lists::insert_playlist(db, user_id, &form.name, &form.description, form.is_public, now_unix()).await?;
    lists::find(db, id).await?.ok_or(Error::NotFound)
}

/// Renames, describes, or makes public or private one of the viewer's lists. The watchlist keeps
/// its name.
pub async fn update_list(db: &Db, user_id: i64, list_id: i64, form: &ListForm) -> Result<List> {
    let list = owned(db, user_id, list_id).await?;
    let form = form.validate()?;
    if list.kind == ListKind::Watchlist && form.name != WATCHLIST_NAME {
        return Err(FieldError::new("name", "The watchlist keeps its name.").into());
    }
    if !lists::update(db, user_id, list_id, &form.name, &form.description, form.is_public, now_unix()).await? {
        return Err(Error::NotFound);
    }
    owned(db, user_id, list_id).await
}

/// Deletes one of the viewer's playlists (the watchlist stays).
pub async fn delete_list(db: &Db, user_id: i64, list_id: i64) -> Result<()> {
    let list = owned(db, user_id, list_id).await?;
    if list.kind == ListKind::Watchlist {
        return Err(FieldError::new("list", "The watchlist cannot be deleted; remove its movies instead.").into());
    }
    if lists::delete_playlist(db, user_id, list_id).await? { Ok(()) } else { Err(Error::NotFound) }
}

/// A list for `viewer` (`None`: not signed in): the owner sees it always, anyone else only when
/// it is public.
pub async fn view_list(db: &Db, viewer: Option<i64>, list_id: i64) -> Result<ListWithMovies> {
    let list = lists::find(db, list_id).await?.ok_or(Error::NotFound)?;
    if !list.is_public && viewer != Some(list.user_id) {
        return Err(Error::NotFound);
    }
    let movies = lists::movies(db, list_id).await?;
    Ok(ListWithMovies { list, movies })
}

/// Adds a movie at the end of one of the viewer's lists (again: nothing changes).
pub async fn add_movie(db: &Db, user_id: i64, list_id: i64, movie_id: i64) -> Result<()> {
    let list = owned(db, user_id, list_id).await?;
    match lists::add(db, user_id, list_id, movie_id, now_unix()).await? {
        Addition::NotFound => Err(Error::NotFound),
        Addition::Added | Addition::AlreadyThere => {
            if list.kind == ListKind::Watchlist {
                signal_rows::add_signal(db, user_id, movie_id, Signal::Watchlisted, now_unix()).await?;
            }
            Ok(())
        }
    }
}

/// Takes a movie off one of the viewer's lists.
pub async fn remove_movie(db: &Db, user_id: i64, list_id: i64, movie_id: i64) -> Result<()> {
    let list = owned(db, user_id, list_id).await?;
    if !lists::remove(db, user_id, list_id, movie_id, now_unix()).await? {
        return Err(Error::NotFound);
    }
    if list.kind == ListKind::Watchlist {
        signal_rows::remove_signal(db, user_id, movie_id, Signal::Watchlisted).await?;
    }
    Ok(())
}

/// Puts one of the viewer's lists in `order`, which must name each of its movies once.
pub async fn reorder(db: &Db, user_id: i64, list_id: i64, order: &[i64]) -> Result<()> {
    owned(db, user_id, list_id).await?;
    if lists::reorder(db, user_id, list_id, order, now_unix()).await? {
        Ok(())
    } else {
        Err(FieldError::new("order", "The list changed meanwhile; reload it and try again.").into())
    }
}

/// Moves one movie of one of the viewer's lists to `index` (0 = first; past the end = last): what
/// the keyboard's "move up/down" and a drop do.
pub async fn move_movie(db: &Db, user_id: i64, list_id: i64, movie_id: i64, index: usize) -> Result<()> {
    owned(db, user_id, list_id).await?;
    let mut order = lists::item_ids(db, list_id).await?;
    let from = order.iter().position(|m| *m == movie_id).ok_or(Error::NotFound)?;
    let id = order.remove(from);
    order.insert(index.min(order.len()), id);
    reorder(db, user_id, list_id, &order).await
}

/// The list if the viewer owns it; otherwise the same "not found" a missing list gets.
/// Which of the viewer's own lists hold which of `movie_ids` (reads only: a viewer without a
/// watchlist yet simply has none).
pub async fn holding(db: &Db, user_id: i64, movie_ids: &[i64]) -> Result<Vec<ListHolding>> {
    Ok(lists::holding(db, user_id, movie_ids).await?)
}

/// The list named, or (none named) the viewer's watchlist (made on first use).
pub async fn list_or_watchlist(db: &Db, user_id: i64, list_id: Option<i64>) -> Result<i64> {
    match list_id {
        Some(id) => Ok(id),
        None => Ok(watchlist(db, user_id).await?.id),
    }
}

async fn owned(db: &Db, user_id: i64, list_id: i64) -> Result<List> {
    lists::find(db, list_id).await?.filter(|l| l.user_id == user_id).ok_or(Error::NotFound)
}
