//! Importing a MovieLens download: its movies (title, year, genres) into the catalog, its users
//! as imported viewers who cannot sign in, and their ratings. Running it again changes nothing:
//! each MovieLens movie and user is linked to what it became, and a rating is only written
//! when it differs. Movies already in the catalog with the same title and year are linked, not
//! duplicated.
//!
//! Layouts: `movies.csv` + `ratings.csv` (ml-latest-small, ml-25m), `movies.dat` +
//! `ratings.dat` (ml-1m, ml-10m), `u.item` + `u.data` (ml-100k). Older files are Latin-1; they
//! are read as UTF-8 where valid and as Latin-1 otherwise.
//!
//! MovieLens data may not be redistributed: it is never part of this repository, and the tests
//! import files they write themselves.

use std::{
    collections::HashMap,
    io::BufRead,
    path::{Path, PathBuf},
};

use cinecloud_recommender::data::{RatingReader, RatingRecord};

use crate::{
    accounts::{self, PasswordHash},
    catalog::{MovieForm, MovieInput},
    clock::now_unix,
    db::{Db, movielens as db},
};

/// One MovieLens movie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MovieLensMovie {
    /// Its MovieLens id.
    pub id: i64,
    /// The title, with a trailing article moved to the front ("Matrix, The" → "The Matrix").
    pub title: String,
    /// The year from the title's "(1999)".
    pub year: Option<i32>,
    /// Genres, named as the catalog names them ("Sci-Fi" → "Science Fiction").
    pub genres: Vec<String>,
}

/// Which files a download has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `movies.csv` + `ratings.csv`.
    Csv,
    /// `movies.dat` + `ratings.dat`.
    Dat,
    /// `u.item` + `u.data`.
    Item,
}

impl Layout {
    fn files(self) -> (&'static str, &'static str) {
        match self {
            Layout::Csv => ("movies.csv", "ratings.csv"),
            Layout::Dat => ("movies.dat", "ratings.dat"),
            Layout::Item => ("u.item", "u.data"),
        }
    }
}

/// Finds the movie and rating files in `dir`.
pub fn find_layout(dir: &Path) -> Result<(Layout, PathBuf, PathBuf), String> {
    for layout in [Layout::Csv, Layout::Dat, Layout::Item] {
        let (movies, ratings) = layout.files();
        let (movies, ratings) = (dir.join(movies), dir.join(ratings));
        if movies.is_file() && ratings.is_file() {
            return Ok((layout, movies, ratings));
        }
    }
    Err(format!(
        "{}: no MovieLens files found; expected movies.csv + ratings.csv, movies.dat + ratings.dat, or u.item + u.data",
        dir.display()
    ))
}

/// The ml-100k genre flags of `u.item`, in order.
pub const ITEM_GENRES: [&str; 19] = [
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
];

/// A MovieLens genre as the catalog names it; `None` for "no genre".
fn genre_name(name: &str) -> Option<String> {
    let name = name.trim();
    Some(
        match name {
            "" | "unknown" | "(no genres listed)" => return None,
            "Sci-Fi" => "Science Fiction",
            "Film-Noir" => "Film Noir",
            "Children's" | "Children" => "Family",
            other => other,
        }
        .to_owned(),
    )
}

/// Articles MovieLens moves to the end of a title.
const ARTICLES: [&str; 12] = ["The", "A", "An", "Les", "La", "Le", "L'", "Il", "Das", "Der", "Die", "El"];

/// Splits "Matrix, The (1999)" into ("The Matrix", Some(1999)).
pub fn title_and_year(raw: &str) -> (String, Option<i32>) {
    let raw = raw.trim();
    let (mut title, year) = match raw.strip_suffix(')').and_then(|r| r.rsplit_once('(')) {
        Some((before, year)) if year.len() == 4 && year.chars().all(|c| c.is_ascii_digit()) => {
            (before.trim().to_owned(), year.parse().ok())
        }
        _ => (raw.to_owned(), None),
    };
    // "City of Lost Children, The (Cité des enfants perdus, La)": the article ends the main title.
    let (main, rest) = match title.find(" (") {
        Some(at) => (title[..at].to_owned(), title[at..].to_owned()),
        None => (title.clone(), String::new()),
    };
    if let Some((name, article)) = main.rsplit_once(", ")
        && ARTICLES.contains(&article)
    {
        let space = if article.ends_with('\'') { "" } else { " " };
        title = format!("{article}{space}{name}{rest}");
    }
    (title, year)
}

/// Decodes a line of a file that may be Latin-1.
fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Splits a CSV line, honouring double quotes (`"Shawshank Redemption, The (1994)"`).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().expect("one field").push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().expect("one field").push(c),
        }
    }
    fields
}

/// Reads the movies file of `layout`; errors name the file and line.
pub fn read_movies(layout: Layout, path: &Path) -> Result<Vec<MovieLensMovie>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut reader = std::io::BufReader::new(file);
    let mut movies = Vec::new();
    let mut buffer = Vec::new();
    let mut number = 0;
    loop {
        buffer.clear();
        let read = reader.read_until(b'\n', &mut buffer).map_err(|e| format!("{}: {e}", path.display()))?;
        if read == 0 {
            break;
        }
        number += 1;
        let line = decode(&buffer);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.trim().is_empty() {
            continue;
        }
        let error = |message: String| format!("{}: line {number}: {message}", path.display());
        let fields: Vec<String> = match layout {
            Layout::Csv => csv_fields(line),
            Layout::Dat => line.split("::").map(str::to_owned).collect(),
            Layout::Item => line.split('|').map(str::to_owned).collect(),
        };
        if layout == Layout::Csv && number == 1 && fields.first().is_some_and(|f| f.parse::<i64>().is_err()) {
            continue;
        }
        let id: i64 = fields.first().and_then(|f| f.trim().parse().ok()).ok_or_else(|| {
            error(format!("the movie id {:?} is not a whole number", fields.first().map_or("", |f| f.as_str())))
        })?;
        let (raw_title, genres) = match layout {
            Layout::Csv | Layout::Dat if fields.len() == 3 => {
                (fields[1].clone(), fields[2].split('|').filter_map(genre_name).collect())
            }
            Layout::Csv | Layout::Dat => {
                return Err(error(format!("expected 3 fields (id, title, genres), found {}", fields.len())));
            }
            Layout::Item if fields.len() == 5 + ITEM_GENRES.len() => {
                let flags = &fields[5..];
                let genres = ITEM_GENRES
                    .iter()
                    .zip(flags)
                    .filter(|(_, flag)| flag.trim() == "1")
                    .filter_map(|(name, _)| genre_name(name))
                    .collect();
                (fields[1].clone(), genres)
            }
            Layout::Item => {
                return Err(error(format!(
                    "expected {} '|'-separated fields (id, title, dates, URL, 19 genre flags), found {}",
                    5 + ITEM_GENRES.len(),
                    fields.len()
                )));
            }
        };
        let (title, year) = title_and_year(&raw_title);
        if title.is_empty() {
            return Err(error("the title is empty".into()));
        }
        movies.push(MovieLensMovie { id, title, year, genres });
    }
    Ok(movies)
}

/// The catalog's validated form of a MovieLens movie. A year the catalog does not accept (before
/// 1888) is left out rather than failing the import.
fn catalog_input(movie: &MovieLensMovie, this_year: i32) -> anyhow::Result<MovieInput> {
    let form = |year: Option<i32>| MovieForm {
        title: movie.title.clone(),
        year: year.map(|y| y.to_string()).unwrap_or_default(),
        genres: movie.genres.clone(),
        ..MovieForm::default()
    };
    MovieInput::from_form(&form(movie.year), this_year)
        .or_else(|e| if e.field == "year" { MovieInput::from_form(&form(None), this_year) } else { Err(e) })
        .map_err(|e| anyhow::anyhow!("MovieLens movie {} ({}): {}", movie.id, movie.title, e.message))
}

/// How far an import has come, for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Rating lines read so far.
    pub ratings_read: u64,
    /// Bytes of the rating file read so far.
    pub bytes_read: u64,
    /// The rating file's size.
    pub bytes_total: u64,
}

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Movies in the file.
    pub movies: u64,
    /// Movies created in the catalog.
    pub movies_created: u64,
    /// Movies linked to a catalog movie of the same title and year.
    pub movies_matched: u64,
    /// Imported viewers created.
    pub viewers_created: u64,
    /// Rating lines read.
    pub ratings: u64,
    /// Ratings written (new or changed).
    pub ratings_written: u64,
    /// Movies given a TMDb or IMDb id from `links.csv` (when the download has one).
    pub ids_stored: u64,
}

/// Ratings written per transaction.
const BATCH: usize = 5_000;

/// Gives the catalog's movies the TMDb and IMDb ids the download lists (ml-latest, ml-25m:
/// `links.csv`), through `movie_ids` (MovieLens id → ours). Returns how many got one.
async fn store_links(database: &Db, dir: &Path, movie_ids: &HashMap<i64, i64>) -> anyhow::Result<u64> {
    let links_path = dir.join("links.csv");
    if !links_path.exists() {
        return Ok(0);
    }
    let ids: Vec<ExternalIds> = read_links(&links_path)
        .map_err(anyhow::Error::msg)?
        .into_iter()
        .filter_map(|(movielens_id, imdb, tmdb)| Some((*movie_ids.get(&movielens_id)?, imdb, tmdb)))
        .collect();
    let mut stored = 0;
    for chunk in ids.chunks(1_000) {
        stored += db::store_external_ids(database, chunk).await?;
    }
    Ok(stored)
}

/// Imports the download in `dir` into `database`, calling `progress` every batch.
pub async fn import(
    database: &Db,
    dir: &Path,
    mut progress: impl FnMut(Progress),
) -> Result<ImportReport, anyhow::Error> {
    let (layout, movies_path, ratings_path) = find_layout(dir).map_err(anyhow::Error::msg)?;
    let movies = read_movies(layout, &movies_path).map_err(anyhow::Error::msg)?;
    let mut report = ImportReport { movies: movies.len() as u64, ..ImportReport::default() };

    // Movies: linked ones stay; others match the catalog by title and year, or are created.
    let mut movie_ids: HashMap<i64, i64> = db::links(database, db::LinkKind::Movie).await?.into_iter().collect();
    let catalog = db::titles_and_years(database).await?;
    let mut by_title: HashMap<(String, Option<i32>), i64> = HashMap::new();
    for (id, title, year) in catalog {
        by_title.entry((crate::catalog::text::fold(&title), year)).or_insert(id);
    }
    let now = now_unix();
    let mut to_create: Vec<&MovieLensMovie> = Vec::new();
    let mut matched: Vec<(i64, i64)> = Vec::new();
    for movie in &movies {
        if movie_ids.contains_key(&movie.id) {
            continue;
        }
        match by_title.get(&(crate::catalog::text::fold(&movie.title), movie.year)) {
            Some(&local) => matched.push((movie.id, local)),
            None => to_create.push(movie),
        }
    }
    db::add_links(database, db::LinkKind::Movie, &matched).await?;
    report.movies_matched = matched.len() as u64;
    movie_ids.extend(matched);
    let this_year = crate::catalog::current_year();
    for chunk in to_create.chunks(500) {
        let inputs: Vec<MovieInput> = chunk.iter().map(|m| catalog_input(m, this_year)).collect::<Result<_, _>>()?;
        // The movies and their links in one transaction: a crash leaves no unlinked copy.
        let created =
            db::insert_linked_movies(database, &inputs, &chunk.iter().map(|m| m.id).collect::<Vec<_>>(), now).await?;
        let before = report.movies_created as usize;
        report.movies_created += created.len() as u64;
        database.analyze_as_it_grows(before, report.movies_created as usize).await?;
        movie_ids.extend(created);
    }

    report.ids_stored = store_links(database, dir, &movie_ids).await?;

    // Viewers and ratings, a batch at a time.
    let mut viewer_ids: HashMap<i64, i64> = db::links(database, db::LinkKind::Viewer).await?.into_iter().collect();
    let locked =
        PasswordHash::from_stored(accounts::hash_password(uuid::Uuid::new_v4().to_string()).await?.as_str().to_owned());
    let bytes_total = std::fs::metadata(&ratings_path).map(|m| m.len()).unwrap_or(0);
    let file = std::fs::File::open(&ratings_path).map_err(|e| anyhow::anyhow!("{}: {e}", ratings_path.display()))?;
    let counter = CountingReader { inner: file, read: std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0)) };
    let read = counter.read.clone();
    let mut lines = RatingReader::new(std::io::BufReader::with_capacity(1 << 20, counter));
    let mut batch: Vec<RatingRecord> = Vec::with_capacity(BATCH);
    loop {
        batch.clear();
        for record in lines.by_ref().take(BATCH) {
            batch.push(record.map_err(|e| anyhow::anyhow!("{}: {e}", ratings_path.display()))?);
        }
        if batch.is_empty() {
            break;
        }
        report.ratings += batch.len() as u64;
        // Every movie must be known before anything of the batch is written.
        if let Some(r) = batch.iter().find(|r| !movie_ids.contains_key(&(r.item as i64))) {
            anyhow::bail!(
                "{}: the movie {} of user {} is not in the movies file",
                ratings_path.display(),
                r.item,
                r.user
            );
        }
        let mut new_viewers: Vec<i64> =
            batch.iter().map(|r| r.user as i64).filter(|u| !viewer_ids.contains_key(u)).collect();
        new_viewers.sort_unstable();
        new_viewers.dedup();
        if !new_viewers.is_empty() {
            let created = db::insert_linked_viewers(database, &new_viewers, &locked, now).await?;
            report.viewers_created += created.len() as u64;
            viewer_ids.extend(created);
        }
        let rows: Vec<(i64, i64, i64, i64)> = batch
            .iter()
            .map(|r| {
                let half_stars = (f64::from(r.rating) * 2.0).round().clamp(1.0, 10.0) as i64;
                (viewer_ids[&(r.user as i64)], movie_ids[&(r.item as i64)], half_stars, r.timestamp.unwrap_or(now))
            })
            .collect();
        let before = report.ratings_written as usize;
        report.ratings_written += db::upsert_ratings(database, &rows).await?;
        database.analyze_as_it_grows(before, report.ratings_written as usize).await?;
        progress(Progress {
            ratings_read: report.ratings,
            bytes_read: read.load(std::sync::atomic::Ordering::Relaxed),
            bytes_total,
        });
    }
    if report.ratings_written > 0 {
        db::refresh_rating_summaries(database).await?;
    }
    database.analyze().await?;
    Ok(report)
}

pub use crate::db::movielens::ExternalIds;

/// `links.csv`: `movieId,imdbId,tmdbId`, the IMDb id as digits only ("0114709" → "tt0114709"),
/// either id possibly empty. A line that is not that is named with its number.
pub fn read_links(path: &Path) -> Result<Vec<ExternalIds>, String> {
    let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut links = Vec::new();
    for (number, line) in decode(&text).lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let bad = || format!("{}: line {}: expected movieId,imdbId,tmdbId, found {line:?}", path.display(), number + 1);
        let fields = csv_fields(line);
        let [movie, imdb, tmdb] = fields.as_slice() else { return Err(bad()) };
        let movie: i64 = movie.trim().parse().map_err(|_| bad())?;
        let imdb = match imdb.trim() {
            "" => None,
            digits if digits.len() <= 10 && digits.bytes().all(|b| b.is_ascii_digit()) => Some(format!("tt{digits}")),
            _ => return Err(bad()),
        };
        let tmdb = match tmdb.trim() {
            "" => None,
            id => Some(id.parse::<i64>().map_err(|_| bad())?).filter(|id| *id > 0),
        };
        links.push((movie, imdb, tmdb));
    }
    Ok(links)
}

/// Counts the bytes read through it, for progress.
struct CountingReader<R> {
    inner: R,
    read: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: std::io::Read> std::io::Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_lose_their_year_and_get_their_article_back() {
        assert_eq!(title_and_year("Toy Story (1995)"), ("Toy Story".into(), Some(1995)));
        assert_eq!(title_and_year("Matrix, The (1999) "), ("The Matrix".into(), Some(1999)));
        assert_eq!(
            title_and_year("City of Lost Children, The (Cité des enfants perdus, La) (1995)"),
            ("The City of Lost Children (Cité des enfants perdus, La)".into(), Some(1995))
        );
        assert_eq!(title_and_year("Homme et une femme, Un"), ("Homme et une femme, Un".into(), None));
        assert_eq!(title_and_year("Avventura, L' (1960)"), ("L'Avventura".into(), Some(1960)));
        assert_eq!(title_and_year("1984 (1984)"), ("1984".into(), Some(1984)));
    }

    #[test]
    fn csv_fields_keep_quoted_commas() {
        assert_eq!(
            csv_fields(r#"1,"Shawshank Redemption, The (1994)",Crime|Drama"#),
            vec!["1", "Shawshank Redemption, The (1994)", "Crime|Drama"]
        );
        assert_eq!(csv_fields(r#"2,"Say ""Hi"" (2000)",Comedy"#)[1], r#"Say "Hi" (2000)"#);
    }

    #[test]
    fn latin1_lines_are_decoded() {
        assert_eq!(decode(b"Caf\xe9 (1990)"), "Café (1990)");
        assert_eq!(decode("Café".as_bytes()), "Café");
    }
}
