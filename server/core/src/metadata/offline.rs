//! The provider used when no TMDb key is set: the bundled demo catalog's facts, plus any JSON
//! files in a folder (`CINECLOUD_METADATA_DIR`), so the import UI works on a laptop with no
//! network. A file holds one [`MovieDetails`] or an array of them; a poster is named by a file
//! beside it.

use std::path::{Path, PathBuf};

use anyhow::Context;
use bytes::Bytes;

use super::{CreditedPerson, MetadataError, MovieDetails, ProviderKind, SearchHit};
use crate::catalog::{demo::demo_catalog, text};

/// How many hits a search returns at most.
const MAX_HITS: usize = 20;

/// Movies known without a network, with ids given in order (the demo films first).
#[derive(Debug, Default)]
pub struct OfflineCatalog {
    movies: Vec<MovieDetails>,
    folder: Option<PathBuf>,
}

impl OfflineCatalog {
    /// The demo catalog's films only.
    pub fn demo() -> Self {
        let movies = demo_catalog()
            .into_iter()
            .map(|form| MovieDetails {
                id: 0,
                imdb_id: None,
                original_title: (!form.original_title.is_empty()).then_some(form.original_title),
                title: form.title,
                year: form.year.parse().ok(),
                runtime_minutes: form.runtime_minutes.parse().ok(),
                synopsis: form.synopsis,
                genres: form.genres,
                directors: form
                    .directors
                    .into_iter()
                    .map(|name| CreditedPerson { id: None, name, character: None })
                    .collect(),
                cast: form
                    .cast
                    .into_iter()
                    .map(|c| CreditedPerson { id: None, name: c.name, character: c.character })
                    .collect(),
                country: (!form.country.is_empty()).then_some(form.country),
                original_language: (!form.original_language.is_empty()).then_some(form.original_language),
                age_ratings: Vec::new(),
                trailer_url: None,
                poster: None,
                translations: Vec::new(),
            })
            .collect();
        Self::numbered(movies, None)
    }

    /// The demo films and every `*.json` file in `folder` (by file name), read once now; a file
    /// that is not valid is a start-up error naming it.
    pub fn with_folder(folder: &Path) -> anyhow::Result<Self> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
            .with_context(|| format!("reading the metadata folder {}", folder.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        let mut movies = Self::demo().movies;
        for file in files {
            let text = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let value: serde_json::Value =
                serde_json::from_slice(&text).with_context(|| format!("{} is not JSON", file.display()))?;
            let list = if value.is_array() { value } else { serde_json::Value::Array(vec![value]) };
            let found: Vec<MovieDetails> = serde_json::from_value(list)
                .with_context(|| format!("{} does not hold movies as docs/operations.md describes", file.display()))?;
            movies.extend(found);
        }
        Ok(Self::numbered(movies, Some(folder.to_owned())))
    }

    fn numbered(mut movies: Vec<MovieDetails>, folder: Option<PathBuf>) -> Self {
        for (i, movie) in movies.iter_mut().enumerate() {
            movie.id = i as i64 + 1;
        }
        Self { movies, folder }
    }

    /// Movies whose title (in any language) has every word of `query` as a word prefix, exact
    /// titles first, then oldest first.
    pub fn search(&self, query: &str, year: Option<i32>) -> Vec<SearchHit> {
        let terms = text::query_terms(query, 8);
        let folded_query = text::fold(query);
        let mut found: Vec<(bool, &MovieDetails)> = self
            .movies
            .iter()
            .filter(|m| year.is_none() || m.year == year)
            .filter_map(|m| {
                let titles: Vec<String> = std::iter::once(m.title.as_str())
                    .chain(m.original_title.as_deref())
                    .chain(m.translations.iter().map(|t| t.title.as_str()))
                    .map(text::fold)
                    .collect();
                let matches = |title: &String| {
                    let words: Vec<&str> = title.split(' ').collect();
                    terms.iter().all(|t| words.iter().any(|w| w.starts_with(t.as_str())))
                };
                titles.iter().any(matches).then(|| (titles.contains(&folded_query), m))
            })
            .collect();
        found.sort_by_key(|(exact, m)| (!exact, m.year, m.id));
        found
            .into_iter()
            .take(MAX_HITS)
            .map(|(_, m)| SearchHit {
                id: m.id,
                title: m.title.clone(),
                original_title: m.original_title.clone(),
                year: m.year,
                directors: m.directors.iter().map(|d| d.name.clone()).collect(),
                poster: m.poster.clone(),
            })
            .collect()
    }

    /// Movie `id`'s facts.
    pub fn details(&self, id: i64) -> Option<MovieDetails> {
        self.movies.iter().find(|m| m.id == id).cloned()
    }

    /// A poster file from the folder, by the name a movie's `poster` gives.
    pub async fn poster(&self, name: &str) -> Result<Bytes, MetadataError> {
        let not_found = MetadataError::NotFound(ProviderKind::Offline.label());
        let folder = self.folder.as_ref().ok_or(not_found.clone())?;
        let plain = !name.is_empty()
            && !name.starts_with('.')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !plain || !self.movies.iter().any(|m| m.poster.as_deref() == Some(name)) {
            return Err(not_found);
        }
        match tokio::fs::read(folder.join(name)).await {
            Ok(bytes) => Ok(bytes.into()),
            Err(e) => {
                tracing::warn!(name, error = %e, "an offline poster named by a metadata file cannot be read");
                Err(not_found)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_films_are_found_by_any_word_prefix_and_year() {
        let catalog = OfflineCatalog::demo();
        let hits = catalog.search("trip moo", None);
        assert_eq!(hits.first().map(|h| h.title.as_str()), Some("A Trip to the Moon"));
        assert_eq!(hits[0].directors, vec!["Georges Méliès".to_owned()]);
        // By the original title, accents and case aside.
        assert_eq!(catalog.search("VOYAGE dans", None)[0].id, hits[0].id);
        assert!(catalog.search("trip moon", Some(1903)).is_empty());
        let details = catalog.details(hits[0].id).unwrap();
        assert_eq!((details.year, details.country.as_deref()), (Some(1902), Some("FR")));
        assert!(catalog.details(10_000).is_none());
    }

    #[tokio::test]
    async fn a_folders_files_add_movies_and_posters_and_nothing_outside_it_is_read() {
        let dir = tempfile_dir();
        let movie = serde_json::json!({
            "title": "The Lantern Keepers", "year": 2031, "poster": "lantern.png",
            "translations": [{"language": "es-ES", "title": "Los Guardianes del Farol", "synopsis": ""}]
        });
        std::fs::write(dir.join("lantern.json"), movie.to_string()).unwrap();
        std::fs::write(dir.join("lantern.png"), b"not really a png").unwrap();
        std::fs::write(dir.join("notes.txt"), b"ignored").unwrap();
        let catalog = OfflineCatalog::with_folder(&dir).unwrap();
        let hit = catalog.search("guardianes", None).pop().expect("found by its Spanish title");
        assert_eq!(hit.title, "The Lantern Keepers");
        assert_eq!(&catalog.poster("lantern.png").await.unwrap()[..], b"not really a png");
        for name in ["../lantern.png", "notes.txt", "/etc/passwd", ""] {
            assert!(catalog.poster(name).await.is_err(), "{name}");
        }
        std::fs::write(dir.join("broken.json"), b"{").unwrap();
        let error = OfflineCatalog::with_folder(&dir).unwrap_err();
        assert!(format!("{error:#}").contains("broken.json"), "{error:#}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cinecloud-metadata-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
