//! The editable facts of a movie, validated once at the edge.

use cinecloud_vocab::limits::{
    AGE_RATING_CHARS, GENRE_NAME_CHARS, LANGUAGE_CODE_CHARS, MAX_CAST, MAX_DIRECTORS, MAX_GENRES, MAX_RUNTIME_MINUTES,
    PERSON_NAME_CHARS, SYNOPSIS_CHARS, TITLE_CHARS, TRAILER_URL_BYTES, YEARS_AHEAD,
};

use crate::FieldError;

pub use cinecloud_vocab::{CastMember, MovieForm};

/// A movie's facts, validated and normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MovieInput {
    /// Title.
    pub title: String,
    /// Original title, when it differs.
    pub original_title: Option<String>,
    /// Release year.
    pub year: Option<i32>,
    /// Runtime in minutes.
    pub runtime_minutes: Option<i32>,
    /// Synopsis (may be empty).
    pub synopsis: String,
    /// Upper-case ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    /// Lower-case ISO 639-1 code.
    pub original_language: Option<String>,
    /// Age rating.
    pub age_rating: Option<String>,
    /// https:// trailer link.
    pub trailer_url: Option<String>,
    /// Genre names, de-duplicated, in the order given.
    pub genres: Vec<String>,
    /// Director names, de-duplicated.
    pub directors: Vec<String>,
    /// Cast, de-duplicated by name.
    pub cast: Vec<CastMember>,
}

pub use cinecloud_vocab::limits::FIRST_YEAR;

fn clean(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn optional(text: &str) -> Option<String> {
    let text = clean(text);
    (!text.is_empty()).then_some(text)
}

fn limit(field: &'static str, text: &str, max: usize) -> Result<(), FieldError> {
    if text.chars().count() > max {
        Err(FieldError::new(field, format!("Use at most {max} characters.")))
    } else {
        Ok(())
    }
}

fn names(field: &'static str, list: &[String], max_items: usize) -> Result<Vec<String>, FieldError> {
    let mut out: Vec<String> = Vec::new();
    for name in list.iter().map(|n| clean(n)).filter(|n| !n.is_empty()) {
        limit(field, &name, PERSON_NAME_CHARS)?;
        if !out.iter().any(|o| o.to_lowercase() == name.to_lowercase()) {
            out.push(name);
        }
    }
    if out.len() > max_items {
        return Err(FieldError::new(field, format!("List at most {max_items}.")));
    }
    Ok(out)
}

impl MovieInput {
    /// Validates every field of a form; the first problem found is returned, naming its field.
    pub fn from_form(form: &MovieForm, this_year: i32) -> Result<MovieInput, FieldError> {
        let title = clean(&form.title);
        if title.is_empty() {
            return Err(FieldError::new("title", "Enter a title."));
        }
        limit("title", &title, TITLE_CHARS)?;
        let original_title = optional(&form.original_title).filter(|o| *o != title);
        if let Some(o) = &original_title {
            limit("original_title", o, TITLE_CHARS)?;
        }
        let year = match form.year.trim() {
            "" => None,
            y => match y.parse::<i32>() {
                Ok(y) if (FIRST_YEAR..=this_year + YEARS_AHEAD).contains(&y) => Some(y),
                _ => {
                    return Err(FieldError::new(
                        "year",
                        format!("Enter a year from {FIRST_YEAR} to {}.", this_year + YEARS_AHEAD),
                    ));
                }
            },
        };
        let runtime_minutes = match form.runtime_minutes.trim() {
            "" => None,
            r => match r.parse::<i32>() {
                Ok(r) if (1..=MAX_RUNTIME_MINUTES).contains(&r) => Some(r),
                _ => {
                    return Err(FieldError::new(
                        "runtime_minutes",
                        format!("Enter the runtime in minutes, from 1 to {MAX_RUNTIME_MINUTES}."),
                    ));
                }
            },
        };
        let synopsis = form.synopsis.trim().to_owned();
        limit("synopsis", &synopsis, SYNOPSIS_CHARS)?;
        let country = match optional(&form.country) {
            None => None,
            Some(c) if c.len() == 2 && c.chars().all(|c| c.is_ascii_alphabetic()) => Some(c.to_ascii_uppercase()),
            Some(_) => return Err(FieldError::new("country", "Use a two-letter country code, like FR.")),
        };
        let original_language = match optional(&form.original_language) {
            None => None,
            Some(l) if (2..=LANGUAGE_CODE_CHARS).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic()) => {
                Some(l.to_ascii_lowercase())
            }
            Some(_) => return Err(FieldError::new("original_language", "Use a language code, like fr.")),
        };
        let age_rating = optional(&form.age_rating);
        if let Some(a) = &age_rating {
            limit("age_rating", a, AGE_RATING_CHARS)?;
        }
        let trailer_url = match optional(&form.trailer_url) {
            None => None,
            Some(u) => match url::Url::parse(&u) {
                Ok(parsed) if parsed.scheme() == "https" && parsed.host().is_some() && u.len() <= TRAILER_URL_BYTES => {
                    Some(u)
                }
                _ => return Err(FieldError::new("trailer_url", "Enter a full https:// link.")),
            },
        };
        let genres = names("genres", &form.genres, MAX_GENRES)?;
        for genre in &genres {
            limit("genres", genre, GENRE_NAME_CHARS)?;
        }
        let directors = names("directors", &form.directors, MAX_DIRECTORS)?;
        let mut cast: Vec<CastMember> = Vec::new();
        for member in &form.cast {
            let name = clean(&member.name);
            if name.is_empty() {
                continue;
            }
            limit("cast", &name, PERSON_NAME_CHARS)?;
            let character = member.character.as_deref().and_then(optional);
            if let Some(c) = &character {
                limit("cast", c, PERSON_NAME_CHARS)?;
            }
            if !cast.iter().any(|c| c.name.to_lowercase() == name.to_lowercase()) {
                cast.push(CastMember { name, character });
            }
        }
        if cast.len() > MAX_CAST {
            return Err(FieldError::new("cast", format!("List at most {MAX_CAST}.")));
        }
        Ok(MovieInput {
            title,
            original_title,
            year,
            runtime_minutes,
            synopsis,
            country,
            original_language,
            age_rating,
            trailer_url,
            genres,
            directors,
            cast,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> MovieForm {
        MovieForm {
            title: "  Metropolis ".into(),
            year: "1927".into(),
            runtime_minutes: "153".into(),
            country: "de".into(),
            original_language: "DE".into(),
            genres: vec!["Science Fiction".into(), "science  fiction".into(), "Drama".into()],
            directors: vec!["Fritz Lang".into()],
            cast: vec![CastMember { name: "Brigitte Helm".into(), character: Some("Maria".into()) }],
            ..MovieForm::default()
        }
    }

    #[test]
    fn a_good_form_is_normalised() {
        let m = MovieInput::from_form(&form(), 2026).unwrap();
        assert_eq!(m.title, "Metropolis");
        assert_eq!((m.year, m.runtime_minutes), (Some(1927), Some(153)));
        assert_eq!((m.country.as_deref(), m.original_language.as_deref()), (Some("DE"), Some("de")));
        assert_eq!(m.genres, vec!["Science Fiction", "Drama"]);
        assert_eq!(m.original_title, None);
    }

    type Edit = fn(&mut MovieForm);

    #[test]
    fn each_bad_field_is_named() {
        let cases: Vec<(Edit, &str)> = vec![
            (|f| f.title = " ".into(), "title"),
            (|f| f.year = "1700".into(), "year"),
            (|f| f.year = "soon".into(), "year"),
            (|f| f.runtime_minutes = "0".into(), "runtime_minutes"),
            (|f| f.country = "Germany".into(), "country"),
            (|f| f.original_language = "d3".into(), "original_language"),
            (|f| f.trailer_url = "http://example.com/t".into(), "trailer_url"),
            (|f| f.trailer_url = "javascript:alert(1)".into(), "trailer_url"),
            (|f| f.synopsis = "x".repeat(5001), "synopsis"),
            (|f| f.genres = (0..13).map(|i| format!("g{i}")).collect(), "genres"),
        ];
        for (change, field) in cases {
            let mut f = form();
            change(&mut f);
            assert_eq!(MovieInput::from_form(&f, 2026).unwrap_err().field, field);
        }
    }
}
