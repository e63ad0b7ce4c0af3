//! The functions of [`crate::lists`]: what the rest of Cinecloud calls, over `db`.

use crate::{
    Error, FieldError, Result,
    clock::now_unix,
    db::{
        Db,
        lists::{self, Addition, NewPlaylist},
        ratings as signal_rows,
    },
    ratings::Signal,
};

pub use crate::db::lists::Moved;

use super::*;

/// The viewer's watchlist, made on first use: for writes (adding to it); reads use [`my_lists`].
pub async fn watchlist(db: &Db, user_id: i64) -> Result<List> {
    Ok(lists::watchlist(db, user_id, WATCHLIST_NAME, now_unix()).await?)
}

/// The viewer's lists, the watchlist first. Reads only: a viewer who has never added to the
/// watchlist has none yet.
pub async fn my_lists(db: &Db, user_id: i64) -> Result<Vec<List>> {
    Ok(lists::owned(db, user_id).await?)
}

/// Creates a playlist, unless the viewer already keeps [`MAX_PLAYLISTS`].
pub async fn create_playlist(db: &Db, user_id: i64, form: &ListForm) -> Result<List> {
    let form = form.validate()?;
    let new = NewPlaylist { name: &form.name, description: &form.description, is_public: form.is_public };
    let Some(id) = lists::insert_playlist(db, user_id, &new, MAX_PLAYLISTS, now_unix()).await? else {
        return Err(FieldError::new(
            "name",
            format!("You have {MAX_PLAYLISTS} playlists, as many as one viewer may keep. Delete one to make room."),
        )
        .into());
    };
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

/// Page `page` (from 1; [`PAGE_SIZE`] movies each) of a list for `viewer` (`None`: not signed
/// in): the owner sees it always, anyone else only when it is public. A page past the last is
/// empty.
pub async fn view_list(db: &Db, viewer: Option<i64>, list_id: i64, page: u32) -> Result<ListWithMovies> {
    let list = lists::find(db, list_id).await?.ok_or(Error::NotFound)?;
    if !list.is_public && viewer != Some(list.user_id) {
        return Err(Error::NotFound);
    }
    let page = page.max(1);
    // Lists hold at most MAX_ITEMS, so the count and the offset stay small.
    let page_count = (list.movie_count.max(1) as u64).div_ceil(PAGE_SIZE as u64) as u32;
    let offset = i64::from(page - 1).saturating_mul(PAGE_SIZE);
    let movies =
        if offset < list.movie_count { lists::movies(db, list_id, PAGE_SIZE, offset).await? } else { Vec::new() };
    let watched = match viewer {
        Some(viewer) => lists::watched_count(db, list_id, viewer).await?,
        None => 0,
    };
    Ok(ListWithMovies { list, movies, page, page_count, watched })
}

/// Adds a movie at the end of one of the viewer's lists (again: nothing changes), unless it
/// holds [`MAX_ITEMS`] already.
pub async fn add_movie(db: &Db, user_id: i64, list_id: i64, movie_id: i64) -> Result<()> {
    let list = owned(db, user_id, list_id).await?;
    match lists::add(db, user_id, list_id, movie_id, MAX_ITEMS, now_unix()).await? {
        Addition::NotFound => Err(Error::NotFound),
        Addition::Full => Err(FieldError::new(
            "list",
            format!("{} holds {MAX_ITEMS} movies, as many as a list may. Remove one to make room.", list.name),
        )
        .into()),
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
/// the keyboard's "move up/down" and a drop do. Writes the one row (see [`lists::move_to`]).
pub async fn move_movie(db: &Db, user_id: i64, list_id: i64, movie_id: i64, index: usize) -> Result<Moved> {
    owned(db, user_id, list_id).await?;
    match lists::move_to(db, user_id, list_id, movie_id, index, now_unix()).await? {
        Moved::NotFound => Err(Error::NotFound),
        done => Ok(done),
    }
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
