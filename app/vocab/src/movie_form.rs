//! A movie's editable facts as the editor sends them: strings as typed, checked on the server.

use serde::{Deserialize, Serialize};

/// One cast credit as submitted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CastMember {
    /// The actor's name.
    pub name: String,
    /// The character played, if given.
    #[serde(default)]
    pub character: Option<String>,
}

/// A movie's facts as a form submits them (strings as typed; see [`crate::limits`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovieForm {
    /// Title (required).
    pub title: String,
    /// Original title, if different.
    #[serde(default)]
    pub original_title: String,
    /// Release year, as typed.
    #[serde(default)]
    pub year: String,
    /// Runtime in minutes, as typed.
    #[serde(default)]
    pub runtime_minutes: String,
    /// Synopsis.
    #[serde(default)]
    pub synopsis: String,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(default)]
    pub country: String,
    /// ISO 639-1 language code.
    #[serde(default)]
    pub original_language: String,
    /// Age rating, e.g. "PG-13".
    #[serde(default)]
    pub age_rating: String,
    /// https:// link to a trailer.
    #[serde(default)]
    pub trailer_url: String,
    /// Genre names.
    #[serde(default)]
    pub genres: Vec<String>,
    /// Director names.
    #[serde(default)]
    pub directors: Vec<String>,
    /// Cast, in billing order.
    #[serde(default)]
    pub cast: Vec<CastMember>,
}
