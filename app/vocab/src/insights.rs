//! The admin dashboard's data (#20): what the server computes and the page draws. Days are UTC
//! calendar days numbered from 1970-01-01 (unix seconds / 86,400).

use serde::{Deserialize, Serialize};

crate::spelled_enum! {
    /// How far back the dashboard looks: the days that end with today, today included. Spelled
    /// as its number of days (`?days=30`).
    #[derive(Default)]
    pub enum Period as "period" {
        /// The last 7 days.
        Week = "7",
        /// The last 30 days.
        #[default]
        Month = "30",
        /// The last 90 days.
        Quarter = "90",
        /// The last 365 days.
        Year = "365",
    }
}

impl Period {
    /// Its length in days.
    pub fn days(self) -> i64 {
        match self {
            Period::Week => 7,
            Period::Month => 30,
            Period::Quarter => 90,
            Period::Year => 365,
        }
    }
}

/// The figures at the top of the dashboard.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Accounts with the viewer role.
    pub viewers: i64,
    /// Accounts active on any of the last 7 days.
    pub active_7_days: i64,
    /// Accounts active on any of the last 30 days.
    pub active_30_days: i64,
    /// Accounts created in the period.
    pub sign_ups: i64,
    /// Ratings first given in the period (and still standing).
    pub ratings: i64,
    /// Time watched in the period, in milliseconds.
    pub watched_ms: i64,
    /// Movies in the catalog (not taken down).
    pub movies: i64,
    /// Of those, with a cover.
    pub movies_with_cover: i64,
    /// Of those, with a video.
    pub movies_with_video: i64,
}

/// One day's (or one week's, from that day) value of a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayValue {
    /// The day (or the first day of the week), as a day number.
    pub day: i64,
    /// The value: a count, or milliseconds for time watched.
    pub value: i64,
}

/// Ratings and time watched for one genre in the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GenreFigure {
    /// The genre's name.
    pub name: String,
    /// Ratings of its movies first given in the period.
    pub ratings: i64,
    /// Time its movies were watched in the period, in milliseconds.
    pub watched_ms: i64,
}

/// One movie of a period's top list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopMovie {
    /// The movie's id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// What it is ranked by: milliseconds watched, ratings given, or the mean in half stars.
    pub value: f64,
    /// How many ratings (or viewers) that rests on.
    pub count: i64,
}

/// The period's top movies three ways.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TopMovies {
    /// By time watched.
    pub most_watched: Vec<TopMovie>,
    /// By ratings given.
    pub most_rated: Vec<TopMovie>,
    /// By mean rating in the period, among those with at least [`TOP_RATED_MIN_RATINGS`].
    pub highest_rated: Vec<TopMovie>,
}

/// Ratings a movie needs in the period to be among its highest rated.
pub const TOP_RATED_MIN_RATINGS: i64 = 3;
/// Movies in each top list.
pub const TOP_MOVIES: i64 = 10;

/// One trained version of the recommender and how well it ranked held-out likes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelVersion {
    /// Its version.
    pub version: i64,
    /// When it was trained (unix seconds).
    pub trained_at: i64,
    /// Seconds the fit took.
    pub fit_seconds: f64,
    /// Held-out precision at 10, nDCG at 10 and popularity's precision at 10; `None` when too
    /// few viewers could be measured.
    pub quality: Option<(f64, f64, f64)>,
}

/// Everything the dashboard shows for one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// The period.
    pub period: Period,
    /// Its last day (today, UTC).
    pub today: i64,
    /// The figures.
    pub figures: Figures,
    /// Sign-ups per week, weeks ending with today, oldest first.
    pub sign_ups_per_week: Vec<DayValue>,
    /// Accounts active on each day of the period, oldest first.
    pub active_per_day: Vec<DayValue>,
    /// Ratings first given on each day.
    pub ratings_per_day: Vec<DayValue>,
    /// Milliseconds watched on each day.
    pub watched_per_day: Vec<DayValue>,
    /// Ratings given in the period at each of 1 to 10 half stars.
    pub rating_distribution: Vec<i64>,
    /// Genres with ratings or time watched in the period, most watched first.
    pub genres: Vec<GenreFigure>,
    /// The period's top movies.
    pub top: TopMovies,
    /// The recommender's versions, oldest first (the newest few dozen).
    pub models: Vec<ModelVersion>,
}

/// Media storage used by one kind of object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageFigure {
    /// `covers`, `photos`, `videos`, `models` or `other`.
    pub kind: String,
    /// How many objects.
    pub objects: i64,
    /// Their total size in bytes.
    pub bytes: i64,
}

/// Media storage by kind, as measured at `measured_at` (the listing is kept a few minutes: a
/// bucket of many objects takes a while to list).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageUsage {
    /// One row per kind, in a fixed order (covers, photos, videos, models, other).
    pub kinds: Vec<StorageFigure>,
    /// Unix seconds.
    pub measured_at: i64,
}
