//! The demo catalog's films, as the bundled JSON describes them (`server/core/data/README.md`).

use serde::Deserialize;

use super::{CastMember, MovieForm};

#[derive(Deserialize)]
struct DemoMovie {
    title: String,
    original_title: Option<String>,
    year: i32,
    runtime_minutes: i32,
    country: Option<String>,
    original_language: Option<String>,
    age_rating: Option<String>,
    genres: Vec<String>,
    directors: Vec<String>,
    cast: Vec<DemoCast>,
    synopsis: String,
}

#[derive(Deserialize)]
struct DemoCast {
    name: String,
    character: Option<String>,
}

/// The films of the demo catalog, as forms (see `server/core/data/README.md`).
pub fn demo_catalog() -> Vec<MovieForm> {
    let movies: Vec<DemoMovie> = serde_json::from_str(include_str!("../../data/demo_catalog.json"))
        .expect("the bundled demo catalog is valid JSON");
    movies
        .into_iter()
        .map(|m| MovieForm {
            title: m.title,
            original_title: m.original_title.unwrap_or_default(),
            year: m.year.to_string(),
            runtime_minutes: m.runtime_minutes.to_string(),
            synopsis: m.synopsis,
            country: m.country.unwrap_or_default(),
            original_language: m.original_language.unwrap_or_default(),
            age_rating: m.age_rating.unwrap_or_default(),
            trailer_url: String::new(),
            genres: m.genres,
            directors: m.directors,
            cast: m.cast.into_iter().map(|c| CastMember { name: c.name, character: c.character }).collect(),
        })
        .collect()
}
