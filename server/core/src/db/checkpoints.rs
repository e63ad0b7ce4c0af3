//! Where a long command-line job got to (`job_checkpoints`, migration 0018).

use crate::db::{Db, on_db};

/// The last item job `job` finished, if a run of it stopped before completing.
pub async fn get(db: &Db, job: &str) -> sqlx::Result<Option<i64>> {
    on_db!(db, |pool| sqlx::query_scalar("SELECT position FROM job_checkpoints WHERE job = $1")
        .bind(job)
        .fetch_optional(pool)
        .await)
}

/// Records that job `job` finished item `position` (and every item before it).
pub async fn set(db: &Db, job: &str, position: i64, now: i64) -> sqlx::Result<()> {
    on_db!(db, |pool| sqlx::query(
        "INSERT INTO job_checkpoints (job, position, started_at, updated_at) VALUES ($1, $2, $3, $3) \
         ON CONFLICT (job) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at"
    )
    .bind(job)
    .bind(position)
    .bind(now)
    .execute(pool)
    .await
    .map(drop))
}

/// Forgets job `job`'s place: its run completed, or the next one is to start over.
pub async fn clear(db: &Db, job: &str) -> sqlx::Result<()> {
    on_db!(db, |pool| sqlx::query("DELETE FROM job_checkpoints WHERE job = $1").bind(job).execute(pool).await.map(drop))
}
