//! Watchlist and playlists as the pages use them. Every write needs a signed-in viewer and only
//! ever touches that viewer's own lists; another viewer's private list answers 404, exactly as a
//! missing one does.

pub use cinecloud_vocab::ListKind;
use leptos::{prelude::*, server_fn::codec::GetUrl};
use serde::{Deserialize, Serialize};

use crate::{api::catalog::MovieCardView, error::AppError};

/// One list without its movies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListSummaryView {
    /// Id, for links.
    pub id: i64,
    /// Watchlist or playlist.
    pub kind: ListKind,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Visible to anyone with the link.
    pub is_public: bool,
    /// How many movies it holds.
    pub movie_count: i64,
}

/// One list with one page of its movies in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListView {
    /// The list (its `movie_count` counts every page).
    pub list: ListSummaryView,
    /// Whether the caller owns it (and may change it).
    pub mine: bool,
    /// This page of its movies, in order.
    pub movies: Vec<MovieCardView>,
    /// Which page this is (from 1).
    pub page: u32,
    /// How many pages there are (at least 1).
    pub page_count: u32,
    /// Where this page starts in the whole list (0 on the first).
    pub offset: usize,
    /// Which movies on this page the caller has watched.
    #[serde(default)]
    pub watched: Vec<i64>,
    /// How many of the list's movies (on every page) the caller has watched.
    #[serde(default)]
    pub watched_count: i64,
}

#[cfg(feature = "ssr")]
impl From<cinecloud_core::lists::List> for ListSummaryView {
    fn from(l: cinecloud_core::lists::List) -> Self {
        ListSummaryView {
            id: l.id,
            kind: l.kind,
            name: l.name,
            description: l.description,
            is_public: l.is_public,
            movie_count: l.movie_count,
        }
    }
}

#[cfg(feature = "ssr")]
fn form(name: String, description: String, is_public: bool) -> cinecloud_core::lists::ListForm {
    cinecloud_core::lists::ListForm { name, description, is_public }
}

/// The signed-in viewer's lists, the watchlist first (once it exists: reads only).
#[server(prefix = "/api", endpoint = "lists/mine", input = GetUrl)]
pub async fn my_lists() -> Result<Vec<ListSummaryView>, AppError> {
    use crate::ssr::*;
    respond(async {
        let user = require_user().await?;
        let lists = cinecloud_core::lists::my_lists(&services()?.db, user.id).await?;
        Ok(lists.into_iter().map(ListSummaryView::from).collect())
    })
    .await
}

/// One page of a list (`page` from 1, 60 movies each): its owner's always, anyone's when public
/// (404 otherwise, as for a missing one).
#[server(prefix = "/api", endpoint = "lists/get", input = GetUrl)]
pub async fn get_list(id: i64, #[server(default)] page: Option<u32>) -> Result<ListView, AppError> {
    use crate::ssr::*;
    respond(async {
        let viewer = current_user().await?.map(|u| u.id);
        let db = services()?.db;
        let view = cinecloud_core::lists::view_list(&db, viewer, id, page.unwrap_or(1)).await?;
        let mine = viewer == Some(view.list.user_id);
        let mut movies: Vec<MovieCardView> = view.movies.into_iter().map(MovieCardView::from).collect();
        crate::api::catalog::add_viewer_state(movies.iter_mut()).await?;
        let watched = match viewer {
            Some(viewer) => {
                let ids: Vec<i64> = movies.iter().map(|m| m.id).collect();
                cinecloud_core::playback::watched_among(&db, viewer, &ids).await?
            }
            None => Vec::new(),
        };
        let offset = (view.page as usize - 1) * cinecloud_core::lists::PAGE_SIZE as usize;
        Ok(ListView {
            list: view.list.into(),
            mine,
            movies,
            page: view.page,
            page_count: view.page_count,
            offset,
            watched,
            watched_count: view.watched,
        })
    })
    .await
}

/// Creates a playlist.
#[server(prefix = "/api", endpoint = "lists/create")]
pub async fn create_list(
    name: String,
    #[server(default)] description: String,
    #[server(default)] is_public: bool,
) -> Result<ListSummaryView, AppError> {
    use crate::ssr::*;
    respond(async {
        let user = require_user().await?;
        let list =
            cinecloud_core::lists::create_playlist(&services()?.db, user.id, &form(name, description, is_public))
                .await?;
        Ok(list.into())
    })
    .await
}

/// Renames, describes, or makes public or private one of the viewer's lists.
#[server(prefix = "/api", endpoint = "lists/update")]
pub async fn update_list(
    id: i64,
    name: String,
    #[server(default)] description: String,
    #[server(default)] is_public: bool,
) -> Result<ListSummaryView, AppError> {
    use crate::ssr::*;
    respond(async {
        let user = require_user().await?;
        let list =
            cinecloud_core::lists::update_list(&services()?.db, user.id, id, &form(name, description, is_public))
                .await?;
        Ok(list.into())
    })
    .await
}

/// Deletes one of the viewer's playlists.
#[server(prefix = "/api", endpoint = "lists/delete")]
pub async fn delete_list(id: i64) -> Result<(), AppError> {
    use crate::ssr::*;
    respond(async {
        let user = require_user().await?;
        Ok(cinecloud_core::lists::delete_list(&services()?.db, user.id, id).await?)
    })
    .await
}

/// Adds a movie to one of the viewer's lists; `list_id` absent means the watchlist.
#[server(prefix = "/api", endpoint = "lists/add")]
pub async fn add_to_list(#[server(default)] list_id: Option<i64>, movie_id: i64) -> Result<(), AppError> {
    use crate::ssr::*;
    respond(async {
        let user = require_user().await?;
        let db = services()?.db;
        let list_id = cinecloud_core::lists::list_or_watchlist(&db, user.id, list_id).await?;
        Ok(cinecloud_core::lists::add_movie(&db, user.id, list_id, movie_id).await?)
    })
    .await
}

/// Takes a movie off one of the viewer's lists; `list_id` absent means the watchlist.
#[server(prefix = "/api", endpoint = "lists/remove")]
pub async fn remove_from_list(#[server(default)] list_id: Option<i64>, movie_id: i64) -> Result<(), AppError> {
    use crate::ssr::*;
    respond(async {
        let user = require_user().await?;
        let db = services()?.db;
        let list_id = cinecloud_core::lists::list_or_watchlist(&db, user.id, list_id).await?;
        Ok(cinecloud_core::lists::remove_movie(&db, user.id, list_id, movie_id).await?)
    })
    .await
}

/// One of the viewer's lists, and whether it holds the movie asked about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListChoice {
    /// The list.
    pub list: ListSummaryView,
    /// Whether the movie is on it.
    pub holds: bool,
}

/// The signed-in viewer's lists (the watchlist first, once it exists), each with whether it holds
/// `movie_id`: what a card's or a movie page's "Save to…" menu shows. Reads only.
#[server(prefix = "/api", endpoint = "lists/for_movie", input = GetUrl)]
pub async fn lists_for_movie(movie_id: i64) -> Result<Vec<ListChoice>, AppError> {
    use crate::ssr::*;
    respond(async {
        let user = require_user().await?;
        let db = services()?.db;
        let lists = cinecloud_core::lists::my_lists(&db, user.id).await?;
        let holding = cinecloud_core::lists::holding(&db, user.id, &[movie_id]).await?;
        Ok(lists
            .into_iter()
            .map(|l| ListChoice { holds: holding.iter().any(|h| h.list_id == l.id), list: l.into() })
            .collect())
    })
    .await
}

/// Moves a movie of one of the viewer's lists to `index` (0 = first).
#[server(prefix = "/api", endpoint = "lists/move")]
pub async fn move_in_list(list_id: i64, movie_id: i64, index: usize) -> Result<(), AppError> {
    use crate::ssr::*;
    respond(async {
        let user = require_user().await?;
        cinecloud_core::lists::move_movie(&services()?.db, user.id, list_id, movie_id, index).await?;
        Ok(())
    })
    .await
}
