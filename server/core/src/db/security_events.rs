//! The security-event record: appended to, read newest first, pruned by age.

use crate::{
    db::{Db, on_db},
    security_events::{Event, StoredEvent},
};

/// The insert, shared with transactions that record an event with the change it describes.
pub(crate) const INSERT: &str = "INSERT INTO security_events (at, kind, outcome, user_id, actor_id, client, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// Inside an open transaction (or on a pool) `$exec`: records `$event` at `$now`, as a
/// `sqlx::Result<()>`.
macro_rules! insert_event {
    ($exec:expr, $event:expr, $now:expr) => {{
        let event: &$crate::security_events::Event<'_> = $event;
        sqlx::query($crate::db::security_events::INSERT)
            .bind($now)
            .bind(event.kind.as_str())
            .bind(event.outcome.as_str())
            .bind(event.user_id)
            .bind(event.actor_id)
            .bind(event.client)
            .bind(event.detail)
            .execute($exec)
            .await
            .map(drop)
    }};
}
pub(crate) use insert_event;

/// Records one event.
pub async fn insert(db: &Db, event: &Event<'_>, now: i64) -> sqlx::Result<()> {
    on_db!(db, |pool| insert_event!(pool, event, now))
}

/// Up to `limit` events older than the one with id `before` (all, when `None`), newest first,
/// with the emails of the accounts they name while those accounts exist.
pub async fn recent(db: &Db, before: Option<i64>, limit: i64) -> sqlx::Result<Vec<StoredEvent>> {
    let sql = "SELECT e.id, e.at, e.kind, e.outcome, e.user_id, e.actor_id, e.client, e.detail, \
               u.email AS email, a.email AS actor_email FROM security_events e \
               LEFT JOIN users u ON u.id = e.user_id LEFT JOIN users a ON a.id = e.actor_id \
               WHERE e.id < $1 ORDER BY e.id DESC LIMIT $2";
    on_db!(db, |pool| sqlx::query_as::<_, StoredEvent>(sql)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(pool)
        .await)
}

/// The newest `limit` events about account `user_id` (its own sign-ins and what admins did to
/// it), newest first.
pub async fn for_account(db: &Db, user_id: i64, limit: i64) -> sqlx::Result<Vec<StoredEvent>> {
    let sql = "SELECT e.id, e.at, e.kind, e.outcome, e.user_id, e.actor_id, e.client, e.detail, \
               u.email AS email, a.email AS actor_email FROM security_events e \
               LEFT JOIN users u ON u.id = e.user_id LEFT JOIN users a ON a.id = e.actor_id \
               WHERE e.user_id = $1 ORDER BY e.id DESC LIMIT $2";
    on_db!(db, |pool| sqlx::query_as::<_, StoredEvent>(sql).bind(user_id).bind(limit).fetch_all(pool).await)
}

/// Deletes events from before `cutoff` (unix seconds); returns how many.
pub async fn prune(db: &Db, cutoff: i64) -> sqlx::Result<u64> {
    on_db!(db, |pool| {
        let done = sqlx::query("DELETE FROM security_events WHERE at < $1").bind(cutoff).execute(pool).await?;
        Ok(done.rows_affected())
    })
}
