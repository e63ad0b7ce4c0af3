//! The functions of [`crate::security_events`]: what the rest of Cinecloud calls, over `db`.

use crate::{Result, clock::now_unix, db::Db, db::security_events as rows};

use super::*;

/// Logs and stores `event`. A failure to store it is logged, not returned: the sign-in (or
/// whatever it records) has happened either way.
pub async fn record(db: &Db, event: Event<'_>) {
    event.log();
    if let Err(e) = rows::insert(db, &event, now_unix()).await {
        tracing::error!(target: "security", error = %e, kind = event.kind.as_str(), "could not store a security event");
    }
}

/// The [`PAGE`] newest events about account `user_id`: its sign-ins and every admin action on it.
pub async fn for_account(db: &Db, user_id: i64) -> Result<Vec<StoredEvent>> {
    Ok(rows::for_account(db, user_id, PAGE).await?)
}

/// The [`PAGE`] events before the one with id `before` (the newest, when `None`), newest first.
pub async fn recent(db: &Db, before: Option<i64>) -> Result<Vec<StoredEvent>> {
    Ok(rows::recent(db, before, PAGE).await?)
}
