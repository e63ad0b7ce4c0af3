//! The viewing tables: `watch_progress` (a viewer's place in each movie) and `playback_events`
//! (what the player reported).

use sqlx::FromRow;

use super::movies::{CARD_COLUMNS, CardRow};
use crate::{
    db::{BeginWrite as _, Db, insights::MARK_ACTIVE, movie_visible, on_db},
    insights,
    playback::{HistoryEntry, MIN_RESUME_MS, PlaybackEvent, Progress},
    ratings::Signal,
};

/// One report of the player, as it is recorded.
pub struct Report {
    /// The viewer.
    pub user_id: i64,
    /// The movie.
    pub movie_id: i64,
    /// What happened.
    pub event: PlaybackEvent,
    /// Where, in milliseconds.
    pub position_ms: i64,
    /// The running time the player reported.
    pub duration_ms: i64,
    /// Whether this report counts the movie as watched.
    pub reached: bool,
    /// Unix seconds.
    pub now: i64,
}

/// Moves the viewer's place in one transaction with the event; `None` when the movie does not
/// exist or is deleted. Once watched, a movie stays watched.
pub async fn record(db: &Db, r: &Report) -> sqlx::Result<Option<Progress>> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        if !movie_visible!(&mut *tx, r.movie_id)? {
            return Ok(None);
        }
        let previous: Option<(i64, i64)> =
            sqlx::query_as("SELECT position_ms, updated_at FROM watch_progress WHERE user_id = $1 AND movie_id = $2")
                .bind(r.user_id)
                .bind(r.movie_id)
                .fetch_optional(&mut *tx)
                .await?;
        let progress: Progress = sqlx::query_as(
            "INSERT INTO watch_progress (user_id, movie_id, position_ms, duration_ms, watched, started_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) \
             ON CONFLICT (user_id, movie_id) DO UPDATE SET position_ms = excluded.position_ms, \
             duration_ms = excluded.duration_ms, watched = watch_progress.watched OR excluded.watched, \
             updated_at = excluded.updated_at \
             RETURNING movie_id, position_ms, duration_ms, watched, started_at, updated_at",
        )
        .bind(r.user_id)
        .bind(r.movie_id)
        .bind(r.position_ms)
        .bind(r.duration_ms)
        .bind(r.reached)
        .bind(r.now)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO playback_events (user_id, movie_id, kind, position_ms, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(r.user_id)
        .bind(r.movie_id)
        .bind(r.event)
        .bind(r.position_ms)
        .bind(r.now)
        .execute(&mut *tx)
        .await?;
        let watched_ms = insights::watched_credit(previous, r.event, r.position_ms, r.now);
        let day = insights::day_of(r.now);
        if watched_ms > 0 {
            sqlx::query(
                "INSERT INTO viewing_days (user_id, movie_id, day, watched_ms) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (user_id, movie_id, day) DO UPDATE SET watched_ms = viewing_days.watched_ms + excluded.watched_ms",
            )
            .bind(r.user_id)
            .bind(r.movie_id)
            .bind(day)
            .bind(watched_ms)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(MARK_ACTIVE).bind(day).bind(r.user_id).execute(&mut *tx).await?;
        // A viewing reached its end: this report did and the one before had not (a rewatch
        // counts again; more reports past the end do not).
        let end = r.duration_ms as f64 * crate::playback::WATCHED_FRACTION;
        if r.reached && previous.is_none_or(|(previous_ms, _)| (previous_ms as f64) < end) {
            sqlx::query("INSERT INTO finishes (user_id, movie_id, at) VALUES ($1, $2, $3)")
                .bind(r.user_id)
                .bind(r.movie_id)
                .bind(r.now)
                .execute(&mut *tx)
                .await?;
        }
        // A viewer's events for one movie are kept to the newest few hundred: a script reporting
        // in a loop must not grow the table without bound (#15).
        sqlx::query(
            "DELETE FROM playback_events WHERE user_id = $1 AND movie_id = $2 AND id NOT IN \
             (SELECT id FROM playback_events WHERE user_id = $1 AND movie_id = $2 ORDER BY id DESC LIMIT $3)",
        )
        .bind(r.user_id)
        .bind(r.movie_id)
        .bind(crate::playback::MAX_EVENTS_PER_MOVIE)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(progress))
    })
}

/// The viewer's place in a movie, if they played it.
pub async fn progress(db: &Db, user_id: i64, movie_id: i64) -> sqlx::Result<Option<Progress>> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT movie_id, position_ms, duration_ms, watched, started_at, updated_at FROM watch_progress \
             WHERE user_id = $1 AND movie_id = $2",
        )
        .bind(user_id)
        .bind(movie_id)
        .fetch_optional(pool)
        .await
    })
}

/// Which of `movie_ids` (not empty) the viewer has watched, in no particular order.
pub async fn watched_among(db: &Db, user_id: i64, movie_ids: &[i64]) -> sqlx::Result<Vec<i64>> {
    let ids = crate::db::id_list(movie_ids);
    let sql = format!("SELECT movie_id FROM watch_progress WHERE user_id = $1 AND watched AND movie_id IN ({ids})");
    on_db!(db, |pool| sqlx::query_scalar(&sql).bind(user_id).fetch_all(pool).await)
}

#[derive(FromRow)]
struct HistoryRow {
    #[sqlx(flatten)]
    card: CardRow,
    #[sqlx(flatten)]
    progress: Progress,
}

/// The viewer's history (or only what they can resume), most recent first.
pub async fn entries(db: &Db, user_id: i64, unfinished_only: bool, limit: i64) -> sqlx::Result<Vec<HistoryEntry>> {
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

/// Forgets one movie of the viewer's history (or, with `None`, all of it): resume points, events
/// and the `watched` signals, in one transaction.
pub async fn clear(db: &Db, user_id: i64, movie_id: Option<i64>) -> sqlx::Result<()> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
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
            .bind(Signal::Watched)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })
}

/// How many playback events are stored for this viewer and movie (tests of the cap).
#[cfg(feature = "test-support")]
pub async fn count_events(db: &Db, user_id: i64, movie_id: i64) -> sqlx::Result<i64> {
    on_db!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM playback_events WHERE user_id = $1 AND movie_id = $2")
        .bind(user_id)
        .bind(movie_id)
        .fetch_one(pool)
        .await)
}
