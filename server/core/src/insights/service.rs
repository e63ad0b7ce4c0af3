//! The functions of [`crate::insights`]: what the rest of Cinecloud calls, over `db`.

use std::collections::HashMap;

use super::*;
use crate::{
    Result,
    db::{Db, insights as rows},
};

/// Model versions the dashboard charts, the newest.
pub const MODEL_VERSIONS_SHOWN: i64 = 30;

/// Everything the dashboard shows for `period`, with today the UTC day of unix time `now`.
pub async fn dashboard(db: &Db, period: Period, now: i64) -> Result<Dashboard> {
    let today = day_of(now);
    let span = rows::Span { first: today - period.days() + 1, last: today };
    let (figures, sign_ups, active, ratings, watched, distribution) = futures::try_join!(
        rows::figures(db, span),
        rows::sign_ups_by_week(db, span),
        rows::active_by_day(db, span),
        rows::ratings_by_day(db, span),
        rows::watched_by_day(db, span),
        rows::rating_distribution(db, span),
    )?;
    let (genre_ratings, genre_watched, genre_names) =
        futures::try_join!(rows::ratings_by_genre(db, span), rows::watched_by_genre(db, span), rows::genre_names(db),)?;
    let (most_watched, most_rated, highest_rated, models) = futures::try_join!(
        rows::most_watched(db, span),
        rows::most_rated(db, span),
        rows::highest_rated(db, span),
        rows::model_history(db, MODEL_VERSIONS_SHOWN),
    )?;
    let top_list = |list: rows::TopRows| {
        list.into_iter().map(|(id, title, value, count)| TopMovie { id, title, value, count }).collect()
    };
    Ok(Dashboard {
        period,
        today,
        figures,
        sign_ups_per_week: weeks(span, &sign_ups),
        active_per_day: days(span, &active),
        ratings_per_day: days(span, &ratings),
        watched_per_day: days(span, &watched),
        rating_distribution: (1..=10)
            .map(|h| distribution.iter().find(|(k, _)| *k == h).map_or(0, |(_, n)| *n))
            .collect(),
        genres: genres(genre_names, &genre_ratings, &genre_watched),
        top: TopMovies {
            most_watched: top_list(most_watched),
            most_rated: top_list(most_rated),
            highest_rated: top_list(highest_rated),
        },
        models: models.into_iter().rev().map(model_version).collect(),
    })
}

/// What one account has done, for its page in the admins' user management; `NotFound` when
/// there is no such account.
pub async fn account_activity(db: &Db, user_id: i64) -> Result<AccountActivity> {
    let (ratings, watched_ms, lists, last_sign_in, last_active_day) =
        rows::account_activity(db, user_id).await?.ok_or(crate::Error::NotFound)?;
    Ok(AccountActivity { ratings, watched_ms, lists, last_sign_in, last_active_day })
}

/// Every day of the span, oldest first, with its value from `values` or 0.
fn days(span: rows::Span, values: &rows::Rows) -> Vec<DayValue> {
    let by_day: HashMap<i64, i64> = values.iter().copied().collect();
    (span.first..=span.last).map(|day| DayValue { day, value: by_day.get(&day).copied().unwrap_or(0) }).collect()
}

/// The span's weeks counted back from its last day (the oldest may be shorter), oldest first,
/// each labelled with its first day; `values` are keyed by weeks back (0: the one ending today).
fn weeks(span: rows::Span, values: &rows::Rows) -> Vec<DayValue> {
    let by_week: HashMap<i64, i64> = values.iter().copied().collect();
    let count = (span.last - span.first + 1 + 6) / 7;
    (0..count)
        .rev()
        .map(|w| DayValue {
            day: (span.last - 7 * w - 6).max(span.first),
            value: by_week.get(&w).copied().unwrap_or(0),
        })
        .collect()
}

/// The genres with ratings or time watched, most watched first, then most rated, then by name.
fn genres(names: Vec<(i64, String)>, ratings: &rows::Rows, watched: &rows::Rows) -> Vec<GenreFigure> {
    let (ratings, watched): (HashMap<i64, i64>, HashMap<i64, i64>) =
        (ratings.iter().copied().collect(), watched.iter().copied().collect());
    let mut genres: Vec<GenreFigure> = names
        .into_iter()
        .filter_map(|(id, name)| {
            let (r, w) = (ratings.get(&id).copied(), watched.get(&id).copied());
            (r.is_some() || w.is_some()).then(|| GenreFigure {
                name,
                ratings: r.unwrap_or(0),
                watched_ms: w.unwrap_or(0),
            })
        })
        .collect();
    genres.sort_by(|a, b| b.watched_ms.cmp(&a.watched_ms).then(b.ratings.cmp(&a.ratings)).then(a.name.cmp(&b.name)));
    genres
}

/// A history row as the dashboard charts it; metrics that do not parse count as not measured.
fn model_version((version, trained_at, fit_seconds, metrics): (i64, i64, f64, String)) -> ModelVersion {
    let quality = serde_json::from_str::<crate::recommend::Metrics>(&metrics)
        .ok()
        .map(|m| (m.p_at_10, m.ndcg_at_10, m.popularity_p_at_10));
    ModelVersion { version, trained_at, fit_seconds, quality }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_have_every_day_and_weeks_end_today() {
        let span = rows::Span { first: 100, last: 109 };
        let d = days(span, &vec![(101, 4), (109, 2)]);
        assert_eq!(d.len(), 10);
        assert_eq!(
            (d[0], d[1], d[9]),
            (DayValue { day: 100, value: 0 }, DayValue { day: 101, value: 4 }, DayValue { day: 109, value: 2 })
        );
        // Ten days: a full week 103–109 and the three days before it.
        let w = weeks(span, &vec![(0, 5), (1, 1)]);
        assert_eq!(w, [DayValue { day: 100, value: 1 }, DayValue { day: 103, value: 5 }]);
    }
}
