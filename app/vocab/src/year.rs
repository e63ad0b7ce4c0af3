//! A viewer's own "year in film" (#20): what the server computes from their viewing and ratings
//! and `/me/stats` draws. Years, months and days are UTC; days are numbered from 1970-01-01
//! (unix seconds / 86,400).

use serde::{Deserialize, Serialize};

/// How many genres, directors and actors the year names.
pub const TOP_PEOPLE: usize = 5;

/// A movie and when, in a viewer's year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moment {
    /// The movie.
    pub movie_id: i64,
    /// Its title.
    pub title: String,
    /// The day (number).
    pub day: i64,
}

/// A genre or person and how much of the year went to them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Favourite {
    /// The person's id (for a link); 0 for a genre.
    pub id: i64,
    /// The name.
    pub name: String,
    /// Different movies of theirs watched in the year.
    pub movies: i64,
    /// Time spent on them, in milliseconds.
    pub watched_ms: i64,
}

/// The longest run of consecutive days with something watched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Streak {
    /// How many days in a row.
    pub days: i64,
    /// Its first day (number).
    pub first_day: i64,
}

/// The movie watched to its end most often in the year (at least twice).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rewatched {
    /// The movie.
    pub movie_id: i64,
    /// Its title.
    pub title: String,
    /// Times watched to the end in the year.
    pub times: i64,
}

/// One viewer's year.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearInFilm {
    /// The calendar year (UTC).
    pub year: i32,
    /// The years with anything to show, newest first (the selector's choices); always holds
    /// the current year.
    pub years: Vec<i32>,
    /// Time watched, in milliseconds.
    pub watched_ms: i64,
    /// Different movies watched (any time spent on them).
    pub movies_watched: i64,
    /// Movies watched to their end, rewatches included.
    pub finished: i64,
    /// Time watched per month, January first (12 values, milliseconds).
    pub watched_by_month: Vec<i64>,
    /// Movies watched to their end per month, January first (12 values).
    pub finished_by_month: Vec<i64>,
    /// The genres most watched: by different movies, then time.
    pub top_genres: Vec<Favourite>,
    /// The directors most watched, the same way.
    pub top_directors: Vec<Favourite>,
    /// The actors most watched, the same way.
    pub top_actors: Vec<Favourite>,
    /// Ratings given in the year.
    pub ratings_given: i64,
    /// The viewer's ratings of the year per half star (10 values, ½★ first).
    pub my_ratings: Vec<i64>,
    /// Everyone's ratings of the year per half star, the same way.
    pub all_ratings: Vec<i64>,
    /// The first movie watched in the year.
    pub first: Option<Moment>,
    /// The last movie watched in the year (so far).
    pub last: Option<Moment>,
    /// The longest streak of days with something watched.
    pub longest_streak: Option<Streak>,
    /// The movie watched to its end most often, when one was at least twice.
    pub most_rewatched: Option<Rewatched>,
}

/// What a share card shows: chosen when it is made and kept with it, so the card never shows
/// more than the viewer shared then.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardSummary {
    /// The viewer's display name.
    pub name: String,
    /// The year.
    pub year: i32,
    /// Time watched, in milliseconds.
    pub watched_ms: i64,
    /// Different movies watched.
    pub movies_watched: i64,
    /// The top genre, if any.
    pub top_genre: Option<String>,
    /// The longest streak, in days.
    pub longest_streak: i64,
    /// The most rewatched movie's title, if any.
    pub most_rewatched: Option<String>,
}

/// A share card as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareCard {
    /// The year it shows.
    pub year: i32,
    /// The card image's path, with its token (`/share/{token}.png`).
    pub path: String,
    /// Unix seconds.
    pub created_at: i64,
}

/// Day number `days` as a UTC calendar date `(year, month 1–12, day 1–31)` (proleptic
/// Gregorian; Howard Hinnant's `civil_from_days`).
pub fn civil_date(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// The day number of a UTC calendar date (the inverse of [`civil_date`]).
pub fn day_number(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The first and last day numbers of a UTC calendar year.
pub fn year_days(year: i32) -> (i64, i64) {
    let year = i64::from(year);
    (day_number(year, 1, 1), day_number(year + 1, 1, 1) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_and_dates_agree_across_leap_years_and_eras() {
        assert_eq!(day_number(1970, 1, 1), 0);
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(-1), (1969, 12, 31));
        assert_eq!(day_number(2000, 3, 1) - day_number(2000, 2, 28), 2, "2000 was a leap year");
        assert_eq!(day_number(2100, 3, 1) - day_number(2100, 2, 28), 1, "2100 will not be");
        assert_eq!(year_days(2024), (19_723, 20_088));
        for day in -800_000..800_000 {
            let (y, m, d) = civil_date(day);
            assert_eq!(day_number(y, m, d), day);
        }
    }
}
