//! "Refresh from TMDb" on a movie's page: what TMDb says now, field by field against what the
//! catalog has, and saving the fields the admin accepts under the usual version check.

use super::{Metadata, ProviderKind};
use crate::{
    FieldError, Result,
    catalog::{Change, Movie, MovieForm, MovieInput, changes, current_year, get_movie, update_movie},
    db::Db,
};

/// The fields TMDb would change, against the version they were compared with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefreshPreview {
    /// The movie's version the differences are against; accepting names it.
    pub version: i64,
    /// Each field that differs: ours (`old_value`) and theirs (`new_value`).
    pub changes: Vec<Change>,
}

/// The form that re-creates `input` exactly.
pub(super) fn form_of(input: &MovieInput) -> MovieForm {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let number = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
    MovieForm {
        title: input.title.clone(),
        original_title: text(&input.original_title),
        year: number(input.year),
        runtime_minutes: number(input.runtime_minutes),
        synopsis: input.synopsis.clone(),
        country: text(&input.country),
        original_language: text(&input.original_language),
        age_rating: text(&input.age_rating),
        trailer_url: text(&input.trailer_url),
        genres: input.genres.clone(),
        directors: input.directors.clone(),
        cast: input.cast.clone(),
    }
}

/// The movie and TMDb's facts for it, validated as an edit would be.
async fn theirs(db: &Db, metadata: &Metadata, movie_id: i64) -> Result<(Movie, MovieInput)> {
    let movie = get_movie(db, movie_id).await?;
    let refusal = |message: &str| FieldError::new("refresh", message);
    if metadata.provider() != ProviderKind::Tmdb {
        return Err(refusal("Refreshing needs TMDb: set CINECLOUD_TMDB_TOKEN.").into());
    }
    let Some(tmdb_id) = movie.tmdb_id else {
        return Err(refusal("This movie has no TMDb id: it was not imported from TMDb.").into());
    };
    let details = metadata.details(tmdb_id).await?;
    let input = MovieInput::from_form(&details.form(metadata.region()), current_year())?;
    Ok((movie, input))
}

/// What TMDb would change on movie `movie_id`, field by field (empty when nothing differs).
pub async fn refresh_preview(db: &Db, metadata: &Metadata, movie_id: i64) -> Result<RefreshPreview> {
    let (movie, theirs) = theirs(db, metadata, movie_id).await?;
    Ok(RefreshPreview { version: movie.version, changes: changes(&movie.input, &theirs) })
}

/// Takes TMDb's value for each of `fields` (names as [`RefreshPreview`] gives them) and saves, if
/// the movie is still at `version`; every other field stays as it is. The audit log records each
/// change as an edit by `actor`. An unknown field name is refused and nothing is saved.
pub async fn apply_refresh(
    db: &Db,
    metadata: &Metadata,
    movie_id: i64,
    version: i64,
    fields: &[String],
    actor: Option<i64>,
) -> Result<Movie> {
    let (movie, theirs) = theirs(db, metadata, movie_id).await?;
    let mut form = form_of(&movie.input);
    let from = form_of(&theirs);
    for field in fields {
        match field.as_str() {
            "title" => form.title.clone_from(&from.title),
            "original_title" => form.original_title.clone_from(&from.original_title),
            "year" => form.year.clone_from(&from.year),
            "runtime_minutes" => form.runtime_minutes.clone_from(&from.runtime_minutes),
            "synopsis" => form.synopsis.clone_from(&from.synopsis),
            "country" => form.country.clone_from(&from.country),
            "original_language" => form.original_language.clone_from(&from.original_language),
            "age_rating" => form.age_rating.clone_from(&from.age_rating),
            "trailer_url" => form.trailer_url.clone_from(&from.trailer_url),
            "genres" => form.genres.clone_from(&from.genres),
            "directors" => form.directors.clone_from(&from.directors),
            "cast" => form.cast.clone_from(&from.cast),
            other => return Err(FieldError::new("refresh", format!("There is no field {other:?} to refresh.")).into()),
        }
    }
    update_movie(db, movie_id, version, &form, actor).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CastMember;

    #[test]
    fn a_movies_form_validates_back_to_the_same_input() {
        let form = MovieForm {
            title: "Metropolis".into(),
            original_title: "Metropolis (1927 cut)".into(),
            year: "1927".into(),
            runtime_minutes: "153".into(),
            country: "DE".into(),
            original_language: "de".into(),
            trailer_url: "https://example.com/t".into(),
            genres: vec!["Drama".into()],
            directors: vec!["Fritz Lang".into()],
            cast: vec![CastMember { name: "Brigitte Helm".into(), character: Some("Maria".into()) }],
            ..MovieForm::default()
        };
        let input = MovieInput::from_form(&form, 2026).unwrap();
        assert_eq!(MovieInput::from_form(&form_of(&input), 2026).unwrap(), input);
    }
}
