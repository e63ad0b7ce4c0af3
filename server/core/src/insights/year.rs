//! A viewer's own "year in film" (#20), private to them: computed only for the account that
//! asks, over UTC calendar years. Share cards show a few of its figures, frozen when the viewer
//! makes one, behind a random link they can revoke.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cinecloud_vocab::year::{
    CardSummary, Favourite, Moment, Rewatched, ShareCard, Streak, TOP_PEOPLE, YearInFilm, civil_date, year_days,
};

use super::day_of;
use crate::{
    Error, FieldError, Result,
    db::{
        Db,
        year::{self as rows, Days, Ranked},
    },
};

/// The viewer's `year` (the current one when `None`), with today the UTC day of `now`. A year
/// before 1970 or after the current one is refused.
pub async fn year_in_film(db: &Db, user_id: i64, year: Option<i32>, now: i64) -> Result<YearInFilm> {
    let current = civil_date(day_of(now)).0 as i32;
    let year = year.unwrap_or(current);
    if !(1970..=current).contains(&year) {
        return Err(FieldError::new("year", format!("Choose a year from 1970 to {current}.")).into());
    }
    let (first, last) = year_days(year);
    let days = Days { first, last };
    let limit = TOP_PEOPLE as i64;
    let (viewing, finishes, genres, directors, actors, mine, all, since) = futures::try_join!(
        rows::viewing(db, user_id, days),
        rows::finishes(db, user_id, days),
        rows::top(db, user_id, days, Ranked::Genres, limit),
        rows::top(db, user_id, days, Ranked::Directors, limit),
        rows::top(db, user_id, days, Ranked::Actors, limit),
        rows::rating_counts(db, Some(user_id), days),
        rows::rating_counts(db, None, days),
        rows::first_day(db, user_id),
    )?;
    let first_year = since.map_or(current, |day| (civil_date(day).0 as i32).min(current));
    let mut out = YearInFilm {
        year,
        years: (first_year..=current).rev().collect(),
        watched_ms: viewing.iter().map(|v| v.2).sum(),
        movies_watched: viewing.iter().map(|v| v.0).collect::<BTreeSet<_>>().len() as i64,
        finished: finishes.len() as i64,
        watched_by_month: by_month(viewing.iter().map(|&(_, day, ms)| (day, ms))),
        finished_by_month: by_month(finishes.iter().map(|&(_, at)| (day_of(at), 1))),
        top_genres: favourites(genres),
        top_directors: favourites(directors),
        top_actors: favourites(actors),
        ratings_given: mine.iter().map(|r| r.1).sum(),
        my_ratings: half_stars(&mine),
        all_ratings: half_stars(&all),
        longest_streak: longest_streak(viewing.iter().map(|v| v.1)),
        ..YearInFilm::default()
    };
    let first = first_and_last(&viewing, true);
    let last = first_and_last(&viewing, false);
    let rewatched = most_rewatched(&finishes);
    let wanted: Vec<i64> =
        [first.map(|f| f.0), last.map(|l| l.0), rewatched.map(|r| r.0)].into_iter().flatten().collect();
    let titles: HashMap<i64, String> = rows::titles(db, &wanted).await?.into_iter().collect();
    let title = |id: i64| titles.get(&id).cloned().unwrap_or_default();
    out.first = first.map(|(movie_id, day)| Moment { movie_id, title: title(movie_id), day });
    out.last = last.map(|(movie_id, day)| Moment { movie_id, title: title(movie_id), day });
    out.most_rewatched = rewatched.map(|(movie_id, times)| Rewatched { movie_id, title: title(movie_id), times });
    Ok(out)
}

/// Sums per month of the year, January first, from `(day, value)` pairs.
fn by_month(values: impl Iterator<Item = (i64, i64)>) -> Vec<i64> {
    let mut months = vec![0; 12];
    for (day, value) in values {
        months[(civil_date(day).1 - 1) as usize] += value;
    }
    months
}

fn favourites(rows: Vec<(i64, String, i64, i64)>) -> Vec<Favourite> {
    rows.into_iter().map(|(id, name, movies, watched_ms)| Favourite { id, name, movies, watched_ms }).collect()
}

/// Ten counts, ½★ first.
fn half_stars(rows: &[(i64, i64)]) -> Vec<i64> {
    let mut out = vec![0; 10];
    for &(half, count) in rows {
        if (1..=10).contains(&half) {
            out[(half - 1) as usize] += count;
        }
    }
    out
}

/// The longest run of consecutive days among `days` (any order, repeats allowed); the earliest
/// of equally long runs.
fn longest_streak(days: impl Iterator<Item = i64>) -> Option<Streak> {
    let days: BTreeSet<i64> = days.collect();
    let mut best: Option<Streak> = None;
    let mut run: Option<Streak> = None;
    for day in days {
        run = match run {
            Some(r) if r.first_day + r.days == day => Some(Streak { days: r.days + 1, ..r }),
            _ => Some(Streak { days: 1, first_day: day }),
        };
        if best.is_none_or(|b| run.is_some_and(|r| r.days > b.days)) {
            best = run;
        }
    }
    best
}

/// The movie watched on the year's first (or last) day of watching, and that day: of several
/// that day, the one watched longest (then the lowest id).
fn first_and_last(viewing: &[(i64, i64, i64)], first: bool) -> Option<(i64, i64)> {
    let day = if first { viewing.iter().map(|v| v.1).min()? } else { viewing.iter().map(|v| v.1).max()? };
    let movie = viewing.iter().filter(|v| v.1 == day).max_by_key(|v| (v.2, std::cmp::Reverse(v.0)))?.0;
    Some((movie, day))
}

/// The movie watched to its end most often, with how often, when that is at least twice (of
/// equals, the lowest id).
fn most_rewatched(finishes: &[(i64, i64)]) -> Option<(i64, i64)> {
    let mut counts: BTreeMap<i64, i64> = BTreeMap::new();
    for &(movie, _) in finishes {
        *counts.entry(movie).or_default() += 1;
    }
    counts.into_iter().filter(|&(_, n)| n >= 2).max_by_key(|&(movie, n)| (n, std::cmp::Reverse(movie)))
}

/// Makes (or remakes) the viewer's share card of `year` from the year as it is now, under a new
/// random link: an earlier card of that year stops working.
pub async fn make_share_card(db: &Db, user_id: i64, name: &str, year: i32, now: i64) -> Result<ShareCard> {
    let y = year_in_film(db, user_id, Some(year), now).await?;
    let summary = CardSummary {
        name: name.to_owned(),
        year,
        watched_ms: y.watched_ms,
        movies_watched: y.movies_watched,
        top_genre: y.top_genres.first().map(|g| g.name.clone()),
        longest_streak: y.longest_streak.map_or(0, |s| s.days),
        most_rewatched: y.most_rewatched.map(|r| r.title),
    };
    let token = crate::accounts::new_token();
    let json = serde_json::to_string(&summary).map_err(|e| Error::Unexpected(e.into()))?;
    rows::put_card(db, user_id, year, &token, now, &json).await?;
    Ok(ShareCard { year, path: card_path(&token), created_at: now })
}

/// The viewer's share cards, newest year first.
pub async fn share_cards(db: &Db, user_id: i64) -> Result<Vec<ShareCard>> {
    let cards = rows::cards_of(db, user_id).await?;
    Ok(cards
        .into_iter()
        .map(|(token, year, created_at, _)| ShareCard { year, path: card_path(&token), created_at })
        .collect())
}

/// Revokes the viewer's card of `year`: its link answers 404 from now on. `NotFound` when there
/// is none.
pub async fn revoke_share_card(db: &Db, user_id: i64, year: i32) -> Result<()> {
    if rows::delete_card(db, user_id, year).await? { Ok(()) } else { Err(Error::NotFound) }
}

/// What the card behind this token shows, if the token is a live card's.
pub async fn card_summary(db: &Db, token: &str) -> Result<Option<CardSummary>> {
    if token.len() > 64 {
        return Ok(None);
    }
    let Some((_, _, _, json)) = rows::card(db, token).await? else { return Ok(None) };
    Ok(Some(serde_json::from_str(&json).map_err(|e| Error::Unexpected(e.into()))?))
}

/// The PNG of the card behind this token, if it is a live card's: drawn off the async runtime
/// with a turn of the image gate (a burst of requests waits or is refused with `Busy`).
pub async fn card_png(db: &Db, token: &str) -> Result<Option<Vec<u8>>> {
    let Some(summary) = card_summary(db, token).await? else { return Ok(None) };
    let turn = crate::limits::IMAGE_DECODING.enter().await?;
    let png = crate::blocking::spawn_blocking(move || {
        let _turn = turn;
        let mut out = std::io::Cursor::new(Vec::new());
        crate::covers::share_card(&summary).write_to(&mut out, image::ImageFormat::Png).map(|()| out.into_inner())
    })
    .await
    .map_err(|e| Error::Unexpected(e.into()))?
    .map_err(|e| Error::Unexpected(e.into()))?;
    Ok(Some(png))
}

fn card_path(token: &str) -> String {
    format!("/share/{token}.png")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_streak_is_the_earliest_longest_run_of_days() {
        assert_eq!(longest_streak([].into_iter()), None);
        let days = [10, 11, 11, 12, 20, 30, 31, 32, 5];
        assert_eq!(longest_streak(days.into_iter()), Some(Streak { days: 3, first_day: 10 }));
        assert_eq!(longest_streak([7].into_iter()), Some(Streak { days: 1, first_day: 7 }));
    }

    #[test]
    fn the_most_rewatched_needs_two_finishes() {
        assert_eq!(most_rewatched(&[(1, 0), (2, 0)]), None);
        assert_eq!(most_rewatched(&[(1, 0), (2, 0), (2, 5), (1, 9), (3, 1), (3, 2), (3, 3)]), Some((3, 3)));
        assert_eq!(most_rewatched(&[(4, 0), (4, 1), (2, 0), (2, 5)]), Some((2, 2)), "of equals, the lowest id");
    }
}
