//! The catalog as viewers see it: browse, search, filter, and one movie's page.

pub use cinecloud_vocab::Sort;
use leptos::{prelude::*, server_fn::codec::GetUrl};
use serde::{Deserialize, Serialize};

pub use super::ratings::RatingSummary;
use crate::error::AppError;

/// A browse or search request as it appears in the URL (`/movies?q=…&genre=…&page=2`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogQuery {
    /// Search words.
    pub q: Option<String>,
    /// Genre slug.
    pub genre: Option<String>,
    /// Earliest year.
    pub year_from: Option<i32>,
    /// Latest year.
    pub year_to: Option<i32>,
    /// Shortest runtime, minutes.
    pub runtime_min: Option<i32>,
    /// Longest runtime, minutes.
    pub runtime_max: Option<i32>,
    /// Original language code.
    pub lang: Option<String>,
    /// The order (an unknown word in the URL is left out, which is relevance).
    pub sort: Option<Sort>,
    /// 1-based page.
    pub page: Option<u32>,
}

impl CatalogQuery {
    /// Whether anything but the search words, the sort and the page narrows the list (the
    /// filters a phone folds away are then shown open).
    pub fn filtered(&self) -> bool {
        self.genre.is_some()
            || self.year_from.is_some()
            || self.year_to.is_some()
            || self.runtime_min.is_some()
            || self.runtime_max.is_some()
            || self.lang.is_some()
    }

    /// Reads the query from URL parameters; unparsable numbers are ignored.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |k: &str| get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let number = |k: &str| text(k).and_then(|v| v.parse().ok());
        CatalogQuery {
            q: text("q"),
            genre: text("genre"),
            year_from: number("year_from"),
            year_to: number("year_to"),
            runtime_min: number("runtime_min"),
            runtime_max: number("runtime_max"),
            lang: text("lang"),
            sort: text("sort").and_then(|v| v.parse().ok()),
            page: text("page").and_then(|v| v.parse().ok()).filter(|p| *p >= 1),
        }
    }

    /// The URL of this query on the browse page, optionally at another page.
    pub fn url(&self, page: Option<u32>) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        let mut add = |k: &'static str, v: Option<String>| {
            if let Some(v) = v {
                pairs.push((k, v));
            }
        };
        add("q", self.q.clone());
        add("genre", self.genre.clone());
        add("year_from", self.year_from.map(|v| v.to_string()));
        add("year_to", self.year_to.map(|v| v.to_string()));
        add("runtime_min", self.runtime_min.map(|v| v.to_string()));
        add("runtime_max", self.runtime_max.map(|v| v.to_string()));
        add("lang", self.lang.clone());
        add("sort", self.sort.map(|s| s.as_str().to_owned()));
        add("page", page.or(self.page).filter(|p| *p > 1).map(|p| p.to_string()));
        if pairs.is_empty() {
            return "/movies".to_owned();
        }
        let query: Vec<String> =
            pairs.into_iter().map(|(k, v)| format!("{k}={}", crate::format::query_value(&v))).collect();
        format!("/movies?{}", query.join("&"))
    }
}

/// The URLs of a cover's stored images.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverView {
    /// At least 320 px wide: the `src` for a browser that ignores `srcset`.
    pub card: String,
    /// Every stored image with its width, so the browser picks the smallest that is sharp.
    pub srcset: String,
    /// At least 640 px wide: the picture a link preview shows.
    pub preview: String,
}

/// A movie on a card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovieCardView {
    /// Id, for the link.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Release year.
    pub year: Option<i32>,
    /// Cover art, if any.
    pub cover: Option<CoverView>,
    /// Viewers' ratings.
    #[serde(default)]
    pub rating: RatingSummary,
    /// The signed-in viewer's own rating in half stars.
    #[serde(default)]
    pub mine: Option<i64>,
    /// Whether a viewer is signed in (the card offers its star control and list buttons).
    #[serde(default)]
    pub can_rate: bool,
    /// Whether it is on the signed-in viewer's watchlist.
    #[serde(default)]
    pub on_watchlist: bool,
}

/// One page of cards.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoviePageView {
    /// The cards.
    pub items: Vec<MovieCardView>,
    /// Matches over all pages: a lower bound when `total_exact` is false (a broad search).
    pub total: i64,
    /// Whether `total` is exact.
    pub total_exact: bool,
    /// This page.
    pub page: u32,
    /// Number of pages.
    pub page_count: u32,
}

/// A genre in the filter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenreView {
    /// URL value.
    pub slug: String,
    /// Display name.
    pub name: String,
}

/// A credited person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditView {
    /// Person id.
    pub person_id: i64,
    /// Name.
    pub name: String,
    /// Character played (cast only).
    pub character: Option<String>,
}

/// Everything a movie's page shows (the default is the blank movie of the "new movie" page).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovieView {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Original title, when different.
    pub original_title: Option<String>,
    /// Release year.
    pub year: Option<i32>,
    /// Minutes.
    pub runtime_minutes: Option<i32>,
    /// Synopsis.
    pub synopsis: String,
    /// Country code.
    pub country: Option<String>,
    /// Language code.
    pub original_language: Option<String>,
    /// Age rating.
    pub age_rating: Option<String>,
    /// https:// trailer link.
    pub trailer_url: Option<String>,
    /// Genres.
    pub genres: Vec<GenreView>,
    /// Directors.
    pub directors: Vec<CreditView>,
    /// Cast.
    pub cast: Vec<CreditView>,
    /// Cover art, if any.
    pub cover: Option<CoverView>,
    /// Edit version (for admins' edits).
    pub version: i64,
    /// Viewers' ratings.
    #[serde(default)]
    pub rating: RatingSummary,
    /// The signed-in viewer's own rating in half stars.
    #[serde(default)]
    pub my_rating: Option<i64>,
    /// The attached video's MIME type, when it has one (it can be played).
    #[serde(default)]
    pub video: Option<String>,
    /// Whether it is on the signed-in viewer's watchlist.
    #[serde(default)]
    pub on_watchlist: bool,
    /// TMDb's id, when it came from there (admins can refresh it).
    #[serde(default)]
    pub tmdb_id: Option<i64>,
}

/// A person's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Movies they directed, newest first.
    pub directed: Vec<MovieCardView>,
    /// Movies they acted in, newest first, with the character played.
    pub acted: Vec<(MovieCardView, Option<String>)>,
}

/// One change in a movie's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntryView {
    /// Who (absent for the demo catalog or a deleted account).
    pub who: Option<String>,
    /// Unix seconds.
    pub at: i64,
    /// The field's name.
    pub field: String,
    /// Before.
    pub old_value: Option<String>,
    /// After.
    pub new_value: Option<String>,
}

#[cfg(feature = "ssr")]
mod convert;

/// One page of movies for a browse or search URL.
#[server(prefix = "/api", endpoint = "movies", input = GetUrl)]
pub async fn browse_movies(
    // An unfiltered query has no fields at all in the URL.
    #[server(default)] query: CatalogQuery,
) -> Result<MoviePageView, AppError> {
    use cinecloud_core::catalog::MovieQuery;
    crate::ssr::respond(async {
        let q = MovieQuery {
            text: query.q,
            genre: query.genre,
            year_from: query.year_from,
            year_to: query.year_to,
            runtime_min: query.runtime_min,
            runtime_max: query.runtime_max,
            language: query.lang,
            sort: query.sort.unwrap_or_default(),
            page: query.page.unwrap_or(1),
            per_page: 24,
        };
        let services = crate::ssr::services()?;
        let mut page: MoviePageView = services.catalog.browse(&services.db, &q).await?.into();
        add_viewer_state(page.items.iter_mut()).await?;
        Ok(page)
    })
    .await
}

/// The genres that have movies, for the filter.
#[server(prefix = "/api", endpoint = "genres", input = GetUrl)]
pub async fn list_genres() -> Result<Vec<GenreView>, AppError> {
    crate::ssr::respond(async {
        let services = crate::ssr::services()?;
        let genres = services.catalog.genres(&services.db).await?;
        Ok(genres.into_iter().map(|g| GenreView { slug: g.slug, name: g.name }).collect())
    })
    .await
}

/// One movie.
#[server(prefix = "/api", endpoint = "movie", input = GetUrl)]
pub async fn get_movie(id: i64) -> Result<MovieView, AppError> {
    use crate::ssr::*;
    respond(async {
        let db = services()?.db;
        let mut movie: MovieView = cinecloud_core::catalog::get_movie(&db, id).await?.into();
        if let Some(user) = current_user().await? {
            let state = cinecloud_core::viewer::viewer_state(&db, user.id, &[id]).await?;
            movie.my_rating = state.rating_of(id);
            movie.on_watchlist = state.on_watchlist(id);
        }
        Ok(movie)
    })
    .await
}

/// A movie's editable facts as the edit form sends them.
pub use cinecloud_vocab::{CastMember, MovieForm};

/// Creates a movie (admins only); returns its id.
#[server(prefix = "/api", endpoint = "admin/create_movie", input = leptos::server_fn::codec::Json)]
pub async fn create_movie(form: MovieForm) -> Result<i64, AppError> {
    use crate::ssr::*;
    respond(async {
        let admin = require_admin().await?;
        let movie = cinecloud_core::catalog::create_movie(&services()?.db, &form, Some(admin.id)).await?;
        Ok(movie.id)
    })
    .await
}

/// Saves an edit that started from `version` (admins only); a stale version is refused.
#[server(prefix = "/api", endpoint = "admin/update_movie", input = leptos::server_fn::codec::Json)]
pub async fn update_movie(id: i64, version: i64, form: MovieForm) -> Result<MovieView, AppError> {
    use crate::ssr::*;
    respond(async {
        let admin = require_admin().await?;
        let db = services()?.db;
        let movie = cinecloud_core::catalog::update_movie(&db, id, version, &form, Some(admin.id)).await?;
        Ok(movie.into())
    })
    .await
}

/// Deletes a movie (admins only); it can be restored for a few minutes.
#[server(prefix = "/api", endpoint = "admin/delete_movie")]
pub async fn delete_movie(id: i64) -> Result<(), AppError> {
    use crate::ssr::*;
    respond(async {
        let admin = require_admin().await?;
        Ok(cinecloud_core::catalog::delete_movie(&services()?.db, id, Some(admin.id)).await?)
    })
    .await
}

/// Restores a movie deleted within the undo window (admins only).
#[server(prefix = "/api", endpoint = "admin/undo_delete_movie")]
pub async fn undo_delete_movie(id: i64) -> Result<MovieView, AppError> {
    use crate::ssr::*;
    respond(async {
        let admin = require_admin().await?;
        Ok(cinecloud_core::catalog::undo_delete(&services()?.db, id, Some(admin.id)).await?.into())
    })
    .await
}

/// Fills in what the signed-in viewer has to do with these cards: their own ratings (and that they
/// may rate) and whether each is on their watchlist; nothing for visitors.
#[cfg(feature = "ssr")]
pub(crate) async fn add_viewer_state<'a>(
    cards: impl IntoIterator<Item = &'a mut MovieCardView>,
) -> Result<(), AppError> {
    use crate::ssr::*;
    let Some(user) = current_user().await? else { return Ok(()) };
    let db = services()?.db;
    let mut cards: Vec<&mut MovieCardView> = cards.into_iter().collect();
    let ids: Vec<i64> = cards.iter().map(|c| c.id).collect();
    let state = cinecloud_core::viewer::viewer_state(&db, user.id, &ids).await?;
    for card in &mut cards {
        card.can_rate = true;
        card.mine = state.rating_of(card.id);
        card.on_watchlist = state.on_watchlist(card.id);
    }
    Ok(())
}

/// Up to six movies matching what is typed in the header search, best first.
#[server(prefix = "/api", endpoint = "suggest_movies", input = GetUrl)]
pub async fn suggest_movies(q: String) -> Result<Vec<MovieCardView>, AppError> {
    use cinecloud_core::catalog::MovieQuery;
    crate::ssr::respond(async {
        if q.trim().is_empty() {
            return Ok(Vec::new());
        }
        let query = MovieQuery { text: Some(q), per_page: 6, ..MovieQuery::default() };
        let services = crate::ssr::services()?;
        let page = services.catalog.browse(&services.db, &query).await?;
        Ok(page.items.into_iter().map(MovieCardView::from).collect())
    })
    .await
}

/// Names of people starting with `prefix`, for autocomplete when editing credits.
#[server(prefix = "/api", endpoint = "suggest_people", input = GetUrl)]
pub async fn suggest_people(prefix: String) -> Result<Vec<String>, AppError> {
    crate::ssr::respond(async {
        let people = cinecloud_core::catalog::suggest_people(&crate::ssr::services()?.db, &prefix, 8).await?;
        Ok(people.into_iter().map(|p| p.name).collect())
    })
    .await
}

/// A person and their movies.
#[server(prefix = "/api", endpoint = "person", input = GetUrl)]
pub async fn get_person(id: i64) -> Result<PersonView, AppError> {
    use cinecloud_core::catalog::{self, CreditRole};
    crate::ssr::respond(async {
        let catalog::Filmography { person, entries } = catalog::person(&crate::ssr::services()?.db, id).await?;
        let mut view = PersonView { id: person.id, name: person.name, directed: Vec::new(), acted: Vec::new() };
        for entry in entries {
            match entry.role {
                CreditRole::Director => view.directed.push(entry.card.into()),
                CreditRole::Cast => view.acted.push((entry.card.into(), entry.character)),
            }
        }
        Ok(view)
    })
    .await
}

/// Who changed what on a movie, newest first (admins only).
#[server(prefix = "/api", endpoint = "admin/movie_history", input = GetUrl)]
pub async fn movie_history(id: i64) -> Result<Vec<AuditEntryView>, AppError> {
    use crate::ssr::*;
    respond(async {
        require_admin().await?;
        let log = cinecloud_core::catalog::audit_log(&services()?.db, id).await?;
        Ok(log.into_iter().map(AuditEntryView::from).collect())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::CatalogQuery;

    fn query(pairs: &[(&str, &str)]) -> CatalogQuery {
        CatalogQuery::from_params(|k| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| (*v).to_owned()))
    }

    #[test]
    fn only_narrowing_filters_count_as_filtered() {
        // Words, sort and page leave a phone's filters folded …
        assert!(!query(&[("q", "nosferatu"), ("sort", "title"), ("page", "2")]).filtered());
        // … blank or unparsable values too …
        assert!(!query(&[("genre", " "), ("year_from", "soon")]).filtered());
        // … and each narrowing filter opens them.
        for (key, value) in [
            ("genre", "horror"),
            ("year_from", "1920"),
            ("year_to", "1929"),
            ("runtime_min", "60"),
            ("runtime_max", "90"),
            ("lang", "de"),
        ] {
            assert!(query(&[(key, value)]).filtered(), "{key}");
        }
    }
}
