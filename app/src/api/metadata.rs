//! Finding a film on TMDb (or in the offline catalog) and importing it, for admins on the
//! new-movie page. Every function starts with `require_admin()?`.

use leptos::{prelude::*, server_fn::codec::GetUrl};
use serde::{Deserialize, Serialize};

use super::catalog::MovieForm;
use crate::error::AppError;

/// One film found, as the "Find on TMDb" list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataHitView {
    /// The provider's id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Original title, when it differs.
    pub original_title: Option<String>,
    /// Release year.
    pub year: Option<i32>,
    /// Directors (for the first few hits).
    pub directors: Vec<String>,
    /// Where the admin's browser gets a small poster (through this server), if there is one.
    pub poster_url: Option<String>,
}

/// What a search found, and who answered.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataSearchView {
    /// "TMDb" or "the offline catalog".
    pub provider: String,
    /// Whether TMDb answered (its attribution is then shown).
    pub from_tmdb: bool,
    /// Best match first.
    pub hits: Vec<MetadataHitView>,
}

/// A film picked from the list: the editor's fields, filled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataDraftView {
    /// The provider's id, to import with.
    pub id: i64,
    /// The facts, for the admin to review.
    pub form: MovieForm,
    /// Whether the import will bring a poster.
    pub has_poster: bool,
}

/// What an import made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedView {
    /// The new movie's id.
    pub id: i64,
    /// Set when the movie was saved without its poster, saying why.
    pub poster_problem: Option<String>,
}

/// One field TMDb would change on a movie.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChangeView {
    /// The field's name (`synopsis`, `cast`, …), as `apply_refresh` takes it.
    pub field: String,
    /// What the catalog has ("" for nothing).
    pub ours: String,
    /// What TMDb has ("" for nothing).
    pub theirs: String,
}

/// What a refresh from TMDb would change, against the movie's version.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshView {
    /// The version compared with; accepting names it.
    pub version: i64,
    /// The differing fields.
    pub changes: Vec<FieldChangeView>,
}

/// Splits a trailing release year (up to `max_year`) off a query: "glass harbour 1987" →
/// ("glass harbour", 1987). "Blade Runner 2049" keeps its number while 2049 is in the future.
pub fn split_year(query: &str, max_year: i32) -> (String, Option<i32>) {
    let query = query.trim();
    if let Some((rest, last)) = query.rsplit_once(' ')
        && last.len() == 4
        && let Ok(year) = last.parse::<i32>()
        && (cinecloud_vocab::limits::FIRST_YEAR..=max_year).contains(&year)
        && !rest.trim().is_empty()
    {
        return (rest.trim().to_owned(), Some(year));
    }
    (query.to_owned(), None)
}

/// The poster proxy's URL for a provider's poster reference.
pub fn poster_url(reference: &str) -> String {
    let mut url = "/media-metadata/poster?ref=".to_owned();
    for byte in reference.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => url.push(char::from(byte)),
            _ => url.push_str(&format!("%{byte:02X}")),
        }
    }
    url
}

/// Films matching `q` on the configured provider (admins only). A trailing year narrows it.
#[server(prefix = "/api", endpoint = "admin/find_metadata", input = GetUrl)]
pub async fn find_metadata(q: String) -> Result<MetadataSearchView, AppError> {
    use crate::ssr::*;
    respond(async {
        require_admin().await?;
        if q.chars().count() > 200 {
            return Err(AppError::invalid("q", "Search with at most 200 characters."));
        }
        let metadata = services()?.metadata;
        let (text, year) = split_year(&q, cinecloud_core::catalog::current_year() + 1);
        let found = metadata.search(&text, year).await.map_err(cinecloud_core::Error::from)?;
        Ok(MetadataSearchView {
            provider: found.provider.label().to_owned(),
            from_tmdb: found.provider == cinecloud_core::metadata::ProviderKind::Tmdb,
            hits: found
                .hits
                .into_iter()
                .map(|h| MetadataHitView {
                    id: h.id,
                    title: h.title,
                    original_title: h.original_title,
                    year: h.year,
                    directors: h.directors,
                    poster_url: h.poster.as_deref().map(poster_url),
                })
                .collect(),
        })
    })
    .await
}

/// A film's facts as the editor's fields (admins only), in the instance's region.
#[server(prefix = "/api", endpoint = "admin/metadata_draft", input = GetUrl)]
pub async fn metadata_draft(id: i64) -> Result<MetadataDraftView, AppError> {
    use crate::ssr::*;
    respond(async {
        require_admin().await?;
        let metadata = services()?.metadata;
        let details = metadata.details(id).await.map_err(cinecloud_core::Error::from)?;
        Ok(MetadataDraftView { id, has_poster: details.poster.is_some(), form: details.form(metadata.region()) })
    })
    .await
}

/// Creates a movie from the provider's film `id` with the reviewed `form` (admins only): its
/// ids, translations and poster come with it.
#[server(prefix = "/api", endpoint = "admin/import_movie", input = leptos::server_fn::codec::Json)]
pub async fn import_movie(id: i64, form: MovieForm) -> Result<ImportedView, AppError> {
    use crate::ssr::*;
    respond(async {
        let admin = require_admin().await?;
        let services = services()?;
        let imported =
            cinecloud_core::metadata::import_movie(&services, &services.metadata, id, &form, Some(admin.id)).await?;
        Ok(ImportedView { id: imported.movie.id, poster_problem: imported.poster_problem })
    })
    .await
}

/// What TMDb would change on movie `id`, field by field (admins only).
#[server(prefix = "/api", endpoint = "admin/refresh_preview", input = GetUrl)]
pub async fn refresh_preview(id: i64) -> Result<RefreshView, AppError> {
    use crate::ssr::*;
    respond(async {
        require_admin().await?;
        let services = services()?;
        let preview = cinecloud_core::metadata::refresh_preview(&services.db, &services.metadata, id).await?;
        Ok(RefreshView {
            version: preview.version,
            changes: preview
                .changes
                .into_iter()
                .map(|c| FieldChangeView {
                    field: c.field.to_owned(),
                    ours: c.old_value.unwrap_or_default(),
                    theirs: c.new_value.unwrap_or_default(),
                })
                .collect(),
        })
    })
    .await
}

/// Takes TMDb's value for each of `fields` on movie `id`, if it is still at `version` (admins
/// only); the audit log records each as an edit.
#[server(prefix = "/api", endpoint = "admin/apply_refresh", input = leptos::server_fn::codec::Json)]
pub async fn apply_refresh(id: i64, version: i64, fields: Vec<String>) -> Result<super::catalog::MovieView, AppError> {
    use crate::ssr::*;
    respond(async {
        let admin = require_admin().await?;
        if fields.len() > 20 {
            return Err(AppError::invalid("refresh", "Choose at most 20 fields."));
        }
        let services = services()?;
        let movie = cinecloud_core::metadata::apply_refresh(
            &services.db,
            &services.metadata,
            id,
            version,
            &fields,
            Some(admin.id),
        )
        .await?;
        Ok(movie.into())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trailing_year_narrows_the_search() {
        assert_eq!(split_year(" glass harbour 1987 ", 2027), ("glass harbour".to_owned(), Some(1987)));
        assert_eq!(split_year("2001", 2027), ("2001".to_owned(), None), "a title that is a year stays a title");
        assert_eq!(split_year("blade runner 2049", 2027), ("blade runner 2049".to_owned(), None));
        assert_eq!(split_year("trip", 2027), ("trip".to_owned(), None));
    }

    #[test]
    fn the_poster_reference_is_escaped_in_the_proxy_url() {
        assert_eq!(poster_url("/a b&c.jpg"), "/media-metadata/poster?ref=%2Fa%20b%26c.jpg");
    }
}
