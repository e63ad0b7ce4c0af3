//! The editable facts of a movie, validated once at the edge.

use crate::FieldError;

/// One cast credit as submitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CastMember {
    /// The actor's name.
    pub name: String,
    /// The character played, if given.
    pub character: Option<String>,
}

/// A movie's facts as a form submits them (strings as typed).
#[derive(Clone, Debug, Default)]
pub struct MovieForm {
    /// Title (required).
    pub title: String,
    /// Original title, if different.
    pub original_title: String,
    /// Release year, as typed.
    pub year: String,
    /// Runtime in minutes, as typed.
    pub runtime_minutes: String,
    /// Synopsis.
    pub synopsis: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// ISO 639-1 language code.
    pub original_language: String,
    /// Age rating, e.g. "PG-13".
    pub age_rating: String,
    /// https:// link to a trailer.
    pub trailer_url: String,
    /// Genre names.
    pub genres: Vec<String>,
    /// Director names.
    pub directors: Vec<String>,
    /// Cast, in billing order.
    pub cast: Vec<CastMember>,
}

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

/// Earliest year a movie can have (Roundhay Garden Scene, 1888).
pub const FIRST_YEAR: i32 = 1888;

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
        limit(field, &name, 120)?;
        if !out.iter().any(|o| o.to_lowercase() == name.to_lowercase()) {
            out.push(name);
        }
    }
    if out.len() > max_items {
        return Err(FieldError::new(field, format!("List at most {max_items}.")));
    }
    Ok(out)
}

impl MovieForm {
    /// Validates every field; the first problem found is returned, naming its field.
    pub fn validate(&self, this_year: i32) -> Result<MovieInput, FieldError> {
        let title = clean(&self.title);
        if title.is_empty() {
            return Err(FieldError::new("title", "Enter a title."));
        }
        limit("title", &title, 200)?;
        let original_title = optional(&self.original_title).filter(|o| *o != title);
        if let Some(o) = &original_title {
            limit("original_title", o, 200)?;
        }
        let year = match self.year.trim() {
            "" => None,
            y => match y.parse::<i32>() {
                Ok(y) if (FIRST_YEAR..=this_year + 5).contains(&y) => Some(y),
                _ => {
                    return Err(FieldError::new(
                        "year",
                        format!("Enter a year from {FIRST_YEAR} to {}.", this_year + 5),
                    ));
                }
            },
        };
        let runtime_minutes = match self.runtime_minutes.trim() {
            "" => None,
            r => match r.parse::<i32>() {
                Ok(r) if (1..=1000).contains(&r) => Some(r),
                _ => return Err(FieldError::new("runtime_minutes", "Enter the runtime in minutes, from 1 to 1000.")),
            },
        };
        let synopsis = self.synopsis.trim().to_owned();
        limit("synopsis", &synopsis, 5000)?;
        let country = match optional(&self.country) {
            None => None,
            Some(c) if c.len() == 2 && c.chars().all(|c| c.is_ascii_alphabetic()) => Some(c.to_ascii_uppercase()),
            Some(_) => return Err(FieldError::new("country", "Use a two-letter country code, like FR.")),
        };
        let original_language = match optional(&self.original_language) {
            None => None,
            Some(l) if (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic()) => {
                Some(l.to_ascii_lowercase())
            }
            Some(_) => return Err(FieldError::new("original_language", "Use a language code, like fr.")),
        };
        let age_rating = optional(&self.age_rating);
        if let Some(a) = &age_rating {
            limit("age_rating", a, 16)?;
        }
        let trailer_url = match optional(&self.trailer_url) {
            None => None,
            Some(u) => match url::Url::parse(&u) {
                Ok(parsed) if parsed.scheme() == "https" && parsed.host().is_some() && u.len() <= 500 => Some(u),
                _ => return Err(FieldError::new("trailer_url", "Enter a full https:// link.")),
            },
        };
        let genres = names("genres", &self.genres, 12)?;
        for genre in &genres {
            limit("genres", genre, 40)?;
        }
        let directors = names("directors", &self.directors, 20)?;
        let mut cast: Vec<CastMember> = Vec::new();
        for member in &self.cast {
            let name = clean(&member.name);
            if name.is_empty() {
                continue;
            }
            limit("cast", &name, 120)?;
            let character = member.character.as_deref().and_then(optional);
            if let Some(c) = &character {
                limit("cast", c, 120)?;
            }
            if !cast.iter().any(|c| c.name.to_lowercase() == name.to_lowercase()) {
                cast.push(CastMember { name, character });
            }
        }
        if cast.len() > 100 {
            return Err(FieldError::new("cast", "List at most 100."));
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
        let m = form().validate(2026).unwrap();
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
            assert_eq!(f.validate(2026).unwrap_err().field, field);
        }
    }
}
