//! Fixed-window counters, incremented and read in one statement.
//!
//! The upsert takes the row's lock on PostgreSQL and the database's write lock on SQLite, so of
//! any number of concurrent hits, on one server or many, each sees a different count.

use super::{Db, on_db};

/// Counts one hit on `key` and returns the hits in its current window, this one included. A
/// window older than `window_secs` is restarted at `now`.
pub async fn hit(db: &Db, key: &str, now: i64, window_secs: i64) -> sqlx::Result<i64> {
    Ok(hit_in_window(db, key, now, window_secs).await?.0)
}

/// As [`hit`], and also returns when the current window began.
pub async fn hit_in_window(db: &Db, key: &str, now: i64, window_secs: i64) -> sqlx::Result<(i64, i64)> {
    // In `SET`, column names mean the row as it was before this update, on both databases.
    const SQL: &str = "INSERT INTO rate_counters (key, window_start, hits) VALUES ($1, $2, 1) \
        ON CONFLICT (key) DO UPDATE SET \
          hits = CASE WHEN rate_counters.window_start <= $2 - $3 THEN 1 ELSE rate_counters.hits + 1 END, \
          window_start = CASE WHEN rate_counters.window_start <= $2 - $3 THEN $2 ELSE rate_counters.window_start END \
        RETURNING hits, window_start";
    on_db!(db, |pool| sqlx::query_as::<_, (i64, i64)>(SQL).bind(key).bind(now).bind(window_secs).fetch_one(pool).await)
}

/// Takes back one hit (an attempt that turned out to be legitimate).
pub async fn unhit(db: &Db, key: &str) -> sqlx::Result<()> {
    on_db!(db, |pool| sqlx::query("UPDATE rate_counters SET hits = hits - 1 WHERE key = $1 AND hits > 0")
        .bind(key)
        .execute(pool)
        .await
        .map(|_| ()))
}

/// Forgets `key`'s count.
pub async fn reset(db: &Db, key: &str) -> sqlx::Result<()> {
    on_db!(db, |pool| sqlx::query("DELETE FROM rate_counters WHERE key = $1").bind(key).execute(pool).await.map(|_| ()))
}

/// Deletes every counter whose window began before `before`; returns how many.
pub async fn prune(db: &Db, before: i64) -> sqlx::Result<u64> {
    on_db!(db, |pool| sqlx::query("DELETE FROM rate_counters WHERE window_start < $1")
        .bind(before)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
}
