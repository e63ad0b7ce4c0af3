//! The demo catalog (loaded into an empty database) and synthetic catalogs for scale tests.

use anyhow::Context;
use rand::{Rng, SeedableRng, rngs::StdRng, seq::SliceRandom};

pub use super::demo::demo_catalog;
use super::{CastMember, MovieForm, MovieInput};
use crate::{
    Error, Services, covers,
    db::{Db, movies},
};

/// How many movies exist, hidden ones included.
pub async fn movie_count(db: &Db) -> anyhow::Result<i64> {
    movies::count_all(db).await.context("counting movies")
}

/// Loads the demo catalog when the database has no movies at all; returns the new movies' ids.
/// Covers are drawn separately ([`draw_covers`]), so tests that only need data stay fast.
pub async fn seed_demo_if_empty(db: &Db) -> anyhow::Result<Vec<i64>> {
    if movie_count(db).await? > 0 {
        return Ok(Vec::new());
    }
    let year = super::current_year();
    let mut ids = Vec::new();
    for form in demo_catalog() {
        let input =
            MovieInput::from_form(&form, year).with_context(|| format!("demo movie {:?} is invalid", form.title))?;
        ids.push(movies::insert(db, &input, None, crate::clock::now_unix()).await.context("inserting a demo movie")?);
    }
    Ok(ids)
}

/// Loads the demo catalog into an empty database and draws its covers; returns how many movies
/// were added (0 when the catalog already had movies, or another server of the fleet is loading
/// it: servers that start side by side on one empty database load it once, under a lease).
pub async fn load_demo(services: &Services) -> anyhow::Result<usize> {
    let holder = uuid::Uuid::new_v4().simple().to_string();
    let now = crate::clock::now_unix();
    let leased = crate::db::recommender::try_named_lease(&services.db, "demo-catalog", &holder, now, now + 600);
    if !leased.await.context("taking the demo catalog's lease")? {
        tracing::info!("another server is loading the demo catalog");
        return Ok(0);
    }
    let loaded = async {
        let ids = seed_demo_if_empty(&services.db).await?;
        draw_covers(services, &ids).await?;
        Ok(ids.len())
    }
    .await;
    if let Err(e) = crate::db::recommender::release_named_lease(&services.db, "demo-catalog", &holder).await {
        tracing::warn!(error = %e, "could not release the demo catalog's lease; it expires on its own");
    }
    loaded
}

/// Demo movies that get a generated clip: (title, the pattern's hue, the tone in Hz). The Blender
/// Foundation's open films, standing in for the real thing, which is not downloaded.
pub const DEMO_CLIPS: &[(&str, u32, u32)] =
    &[("Big Buck Bunny", 0, 440), ("Sintel", 120, 554), ("Tears of Steel", 240, 659)];

/// How long each demo clip runs, in seconds.
pub const DEMO_CLIP_SECONDS: u32 = 30;

/// Gives the demo movies in [`DEMO_CLIPS`] that have no video a generated clip; returns how many
/// got one. Without ffmpeg on the machine it says so and does nothing: the app works without.
pub async fn attach_demo_clips(services: &Services) -> anyhow::Result<usize> {
    let mut attached = 0;
    for &(title, hue, tone) in DEMO_CLIPS {
        let Some(id) = movies::visible_id_by_title(&services.db, title).await? else { continue };
        if crate::videos::find(&services.db, id).await?.is_some() {
            continue;
        }
        let clip = match crate::videos::generate_clip(hue, tone, DEMO_CLIP_SECONDS).await {
            Ok(clip) => clip,
            Err(e) => {
                tracing::warn!(error = format!("{e:#}"), "no demo clips: they need ffmpeg");
                return Ok(attached);
            }
        };
        let body = Box::pin(futures::stream::iter([Ok::<_, String>(bytes::Bytes::from(clip))]));
        crate::videos::attach(services, id, body, None)
            .await
            .with_context(|| format!("attaching a clip to {title}"))?;
        attached += 1;
    }
    Ok(attached)
}

/// Gives each of these movies that has no cover one drawn from its title, year and genre
/// (see [`crate::covers::generate`]). Movies edited meanwhile are left alone. Draws as many at
/// once as there are cores: encoding a cover's five WebP widths takes ~0.1 s of CPU.
pub async fn draw_covers(services: &Services, ids: &[i64]) -> anyhow::Result<()> {
    use futures::{StreamExt, TryStreamExt};
    let at_once = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    futures::stream::iter(ids.iter().map(|&id| draw_cover(services, id)))
        .buffer_unordered(at_once)
        .try_collect::<Vec<()>>()
        .await?;
    Ok(())
}

async fn draw_cover(services: &Services, id: i64) -> anyhow::Result<()> {
    let Some(movie) = movies::find(&services.db, id).await? else { return Ok(()) };
    if movie.cover_key.is_some() {
        return Ok(());
    }
    let input = movie.input.clone();
    let cover = crate::blocking::spawn_blocking(move || {
        let art = covers::generate(&input.title, input.year, &input.genres);
        covers::encode(id, &art)
    })
    .await
    .context("cover drawing task")?
    .context("encoding a drawn cover")?;
    match covers::store(services, id, movie.version, cover, None).await {
        Ok(_) | Err(Error::VersionConflict { .. } | Error::NotFound) => Ok(()),
        Err(e) => Err(anyhow::Error::new(e).context(format!("storing the cover of movie {id}"))),
    }
}

const WORDS: &[&str] = &[
    "Silent", "Midnight", "River", "Empire", "Shadow", "Glass", "Harbor", "Winter", "Crimson", "Echo", "Garden",
    "Iron", "Velvet", "Storm", "Lantern", "Paper", "Orbit", "Desert", "Hollow", "Signal", "Amber", "Northern",
    "Secret", "Wild", "Electric", "Last", "Lost", "Golden", "Broken", "Quiet", "Distant", "Burning", "Frozen", "Café",
    "Château", "Señor", "Mädchen", "Noël", "Fiancée", "Ölmez",
];
const NOUNS: &[&str] = &[
    "Road",
    "City",
    "Heart",
    "Station",
    "Sea",
    "Machine",
    "Dream",
    "Letter",
    "Mountain",
    "Island",
    "Night",
    "Summer",
    "Kingdom",
    "Voyage",
    "Stranger",
    "Mirror",
    "Circus",
    "Window",
    "Bridge",
    "Forest",
    "Detective",
];
const FIRST: &[&str] = &[
    "Ada", "Bruno", "Chloé", "Dmitri", "Elena", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kemal", "Lucía", "Marta",
    "Nils", "Olga", "Pablo", "Quentin", "Rosa", "Sven", "Tomás", "Ulla", "Vera", "Wen", "Yusuf", "Zoë",
];
const LAST: &[&str] = &[
    "Almeida",
    "Berg",
    "Castillo",
    "Dubois",
    "Eriksson",
    "Fischer",
    "García",
    "Haas",
    "Ivanova",
    "Jansen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
];
const GENRES: &[&str] = &[
    "Drama",
    "Comedy",
    "Horror",
    "Science Fiction",
    "Romance",
    "Thriller",
    "Documentary",
    "Animation",
    "Adventure",
    "Western",
    "Crime",
    "Fantasy",
    "Film Noir",
    "History",
    "Mystery",
    "Action",
];
const LANGUAGES: &[&str] = &["en", "fr", "de", "es", "it", "ja", "sv", "ru", "pt", "nl"];

/// `n` plausible, reproducible (for a given `seed`) synthetic movies.
pub fn synthetic_movies(n: usize, seed: u64) -> impl Iterator<Item = MovieForm> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n).map(move |i| {
        let person = |rng: &mut StdRng| {
            format!("{} {}", FIRST.choose(rng).expect("non-empty"), LAST.choose(rng).expect("non-empty"))
        };
        let title = format!(
            "{} {} {}",
            WORDS.choose(&mut rng).expect("non-empty"),
            NOUNS.choose(&mut rng).expect("non-empty"),
            i + 1
        );
        let genre_count = rng.gen_range(1..=3);
        let genres = GENRES.choose_multiple(&mut rng, genre_count).map(|g| g.to_string()).collect();
        let cast_count = rng.gen_range(1..=4);
        MovieForm {
            synopsis: format!(
                "A {} story about a {} and a {} in a {} {}.",
                WORDS.choose(&mut rng).expect("non-empty").to_lowercase(),
                NOUNS.choose(&mut rng).expect("non-empty").to_lowercase(),
                NOUNS.choose(&mut rng).expect("non-empty").to_lowercase(),
                WORDS.choose(&mut rng).expect("non-empty").to_lowercase(),
                NOUNS.choose(&mut rng).expect("non-empty").to_lowercase(),
            ),
            year: rng.gen_range(1920..=2025).to_string(),
            runtime_minutes: rng.gen_range(60..=180).to_string(),
            original_language: LANGUAGES.choose(&mut rng).expect("non-empty").to_string(),
            genres,
            directors: vec![person(&mut rng)],
            cast: (0..cast_count).map(|_| CastMember { name: person(&mut rng), character: None }).collect(),
            title,
            ..MovieForm::default()
        }
    })
}

/// Adds `n` synthetic movies; returns how many were added.
pub async fn seed_synthetic(db: &Db, n: usize, seed: u64) -> anyhow::Result<usize> {
    const BATCH: usize = 500;
    let year = super::current_year();
    let mut added = 0;
    let mut batch = Vec::with_capacity(BATCH);
    let mut forms = synthetic_movies(n, seed).peekable();
    while let Some(form) = forms.next() {
        batch.push(MovieInput::from_form(&form, year).context("a synthetic movie is invalid")?);
        if batch.len() == BATCH || forms.peek().is_none() {
            movies::insert_many(db, &batch, None, crate::clock::now_unix())
                .await
                .context("inserting synthetic movies")?;
            db.analyze_as_it_grows(added, added + batch.len()).await.context("updating planner statistics")?;
            added += batch.len();
            batch.clear();
            tracing::info!(added, of = n, "seeding synthetic movies");
        }
    }
    // A bulk load changes the tables' shape; fresh statistics keep the query plans good.
    db.analyze().await.context("updating planner statistics")?;
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_catalog_has_fifty_valid_distinct_movies_with_synopses() {
        let movies = demo_catalog();
        assert!(movies.len() >= 50, "{}", movies.len());
        let mut titles = std::collections::HashSet::new();
        for m in &movies {
            let input = MovieInput::from_form(m, 2026).unwrap_or_else(|e| panic!("{}: {e}", m.title));
            assert!(titles.insert(input.title.clone()), "duplicate {}", input.title);
            assert!(input.synopsis.len() > 40, "{} needs a synopsis", input.title);
            assert!(!input.genres.is_empty() && !input.directors.is_empty(), "{}", input.title);
            assert!(input.year.is_some() && input.runtime_minutes.is_some());
        }
    }

    #[test]
    fn synthetic_movies_are_valid_and_reproducible() {
        let a: Vec<_> = synthetic_movies(50, 7).map(|m| m.title).collect();
        let b: Vec<_> = synthetic_movies(50, 7).map(|m| m.title).collect();
        assert_eq!(a, b);
        for m in synthetic_movies(200, 1) {
            MovieInput::from_form(&m, 2026).unwrap();
        }
    }
}
