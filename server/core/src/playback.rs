//! What viewers watch: the player reports start, progress (every few seconds), pause, seek and
//! finish; each report moves the viewer's resume point in one transaction with its event. At 90 %
//! a movie counts as watched. The resume point, "Continue watching" and the history come from
//! here, and so does the recommender's `watched` signal.

use sqlx::FromRow;

use crate::{
    accounts::FieldError,
    catalog::{CatalogError, MovieCard},
    clock::now_unix,
    db::{
        Db,
        movies::{CARD_COLUMNS, CardRow},
        ratings as signal_rows,
    },
    on_db,
    ratings::Signal,
};

/// What the player reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaybackEvent {
    /// Playing began.
    Start,
    /// Still playing (every few seconds).
    Progress,
    /// Paused.
    Pause,
    /// Jumped elsewhere.
    Seek,
    /// Reached the end.
    Finish,
}

impl PlaybackEvent {
    /// The stored kind.
    pub fn as_str(self) -> &'static str {
        match self {
            PlaybackEvent::Start => "start",
            PlaybackEvent::Progress => "progress",
            PlaybackEvent::Pause => "pause",
            PlaybackEvent::Seek => "seek",
            PlaybackEvent::Finish => "finish",
        }
    }

    /// The event named `kind`, or the field error for it.
    pub fn parse(kind: &str) -> Result<Self, FieldError> {
        Ok(match kind {
            "start" => PlaybackEvent::Start,
            "progress" => PlaybackEvent::Progress,
            "pause" => PlaybackEvent::Pause,
            "seek" => PlaybackEvent::Seek,
            "finish" => PlaybackEvent::Finish,
            _ => return Err(FieldError::new("event", "Unknown playback event.")),
        })
    }
}

/// From this share of the running time on, a movie counts as watched.
pub const WATCHED_FRACTION: f64 = 0.9;
/// Resume points closer to the start than this are not offered.
pub const MIN_RESUME_MS: i64 = 5_000;

/// A viewer's place in one movie.
#[derive(Clone, Debug, FromRow, PartialEq, Eq)]
pub struct Progress {
    /// The movie.
    pub movie_id: i64,
    /// Where they are, in milliseconds.
    pub position_ms: i64,
    /// The running time the player reported.
    pub duration_ms: i64,
    /// Whether they reached 90 %.
    pub watched: bool,
    /// When they first played it (Unix seconds).
    pub started_at: i64,
    /// When they last played it.
    pub updated_at: i64,
}

impl Progress {
    /// Where to offer to resume: `None` near the start or once watched.
    pub fn resume_at(&self) -> Option<i64> {
        (!self.watched && self.position_ms >= MIN_RESUME_MS).then_some(self.position_ms)
    }
}

/// Records one report of the player and returns the viewer's place in the movie.
pub async fn report(
    db: &Db,
    user_id: i64,
    movie_id: i64,
    event: PlaybackEvent,
    position_ms: i64,
    duration_ms: i64,
) -> Result<Progress, CatalogError> {
    if duration_ms <= 0 || duration_ms > 24 * 3_600_000 {
        return Err(FieldError::new("duration", "The running time is not plausible.").into());
    }
    if !(0..=duration_ms).contains(&position_ms) {
        return Err(FieldError::new("position", "The position is outside the movie.").into());
    }
    let now = now_unix();
    let reached = event == PlaybackEvent::Finish || position_ms as f64 >= duration_ms as f64 * WATCHED_FRACTION;
    let progress: Option<Progress> = on_db!(db, |pool| {
        async {
            let mut tx = pool.begin().await?;
            if !crate::db::movie_visible!(&mut *tx, movie_id) {
                return Ok::<_, sqlx::Error>(None);
            }
            let progress: Progress = sqlx::query_as(
                "INSERT INTO watch_progress (user_id, movie_id, position_ms, duration_ms, watched, started_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6) \
                 ON CONFLICT (user_id, movie_id) DO UPDATE SET position_ms = excluded.position_ms, \
                 duration_ms = excluded.duration_ms, watched = watch_progress.watched OR excluded.watched, \
                 updated_at = excluded.updated_at \
                 RETURNING movie_id, position_ms, duration_ms, watched, started_at, updated_at",
            )
            .bind(user_id)
            .bind(movie_id)
            .bind(position_ms)
            .bind(duration_ms)
            .bind(reached)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO playback_events (user_id, movie_id, kind, position_ms, at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(user_id)
            .bind(movie_id)
            .bind(event.as_str())
            .bind(position_ms)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Some(progress))
    }
        .await
    })?;
    let progress = progress.ok_or(CatalogError::NotFound)?;
    if progress.watched {
        signal_rows::add_signal(db, user_id, movie_id, Signal::Watched.as_str(), now).await?;
    }
    Ok(progress)
}

/// The viewer's place in a movie, if they played it.
pub async fn progress(db: &Db, user_id: i64, movie_id: i64) -> Result<Option<Progress>, CatalogError> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT movie_id, position_ms, duration_ms, watched, started_at, updated_at FROM watch_progress \
             WHERE user_id = $1 AND movie_id = $2",
        )
        .bind(user_id)
        .bind(movie_id)
        .fetch_optional(pool)
        .await
    })?)
}

/// Which of `movie_ids` the viewer has watched (reached 90 % of).
pub async fn watched_among(db: &Db, user_id: i64, movie_ids: &[i64]) -> Result<Vec<i64>, CatalogError> {
    if movie_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = crate::db::id_list(movie_ids);
    let sql = format!("SELECT movie_id FROM watch_progress WHERE user_id = $1 AND watched AND movie_id IN ({ids})");
    let watched: Vec<i64> = on_db!(db, |pool| sqlx::query_scalar(&sql).bind(user_id).fetch_all(pool).await)?;
    Ok(movie_ids.iter().copied().filter(|id| watched.contains(id)).collect())
}

/// One history entry: the movie and the viewer's place in it.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEntry {
    /// The movie.
    pub card: MovieCard,
    /// Where they are.
    pub progress: Progress,
}

#[derive(FromRow)]
struct HistoryRow {
    #[sqlx(flatten)]
    card: CardRow,
    #[sqlx(flatten)]
    progress: Progress,
}

async fn entries(db: &Db, user_id: i64, unfinished_only: bool, limit: i64) -> Result<Vec<HistoryEntry>, CatalogError> {
    let unfinished = if unfinished_only { "AND NOT p.watched AND p.position_ms >= $3" } else { "AND $3 >= 0" };
    let sql = format!(
        "SELECT {CARD_COLUMNS}, p.movie_id, p.position_ms, p.duration_ms, p.watched, p.started_at, p.updated_at \
         FROM watch_progress p JOIN movies m ON m.id = p.movie_id \
         WHERE p.user_id = $1 AND m.deleted_at IS NULL {unfinished} \
         ORDER BY p.updated_at DESC, m.id LIMIT $2"
    );
    let rows: Vec<HistoryRow> = on_db!(db, |pool| {
        sqlx::query_as(&sql).bind(user_id).bind(limit).bind(MIN_RESUME_MS).fetch_all(pool).await
    })?;
    Ok(rows.into_iter().map(|r| HistoryEntry { card: r.card.into(), progress: r.progress }).collect())
}

/// What the viewer played, most recent first.
pub async fn history(db: &Db, user_id: i64, limit: i64) -> Result<Vec<HistoryEntry>, CatalogError> {
    entries(db, user_id, false, limit).await
}

/// Movies the viewer started and did not finish, most recent first ("Continue watching").
pub async fn continue_watching(db: &Db, user_id: i64, limit: i64) -> Result<Vec<HistoryEntry>, CatalogError> {
    entries(db, user_id, true, limit).await
}

/// Removes one movie from the viewer's history (its resume point, events and `watched` signal go
/// with it).
pub async fn forget(db: &Db, user_id: i64, movie_id: i64) -> Result<(), CatalogError> {
    clear_where(db, user_id, Some(movie_id)).await
}

/// Clears the viewer's whole history.
pub async fn clear_history(db: &Db, user_id: i64) -> Result<(), CatalogError> {
    clear_where(db, user_id, None).await
}

async fn clear_where(db: &Db, user_id: i64, movie_id: Option<i64>) -> Result<(), CatalogError> {
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        for table in ["watch_progress", "playback_events"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1 AND ($2 IS NULL OR movie_id = $2)"))
                .bind(user_id)
                .bind(movie_id)
                .execute(&mut *tx)
                .await?;
        }
        // What was forgotten stops steering recommendations too.
        sqlx::query("DELETE FROM signals WHERE user_id = $1 AND kind = $3 AND ($2 IS NULL OR movie_id = $2)")
            .bind(user_id)
            .bind(movie_id)
            .bind(Signal::Watched.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })?;
    Ok(())
}
