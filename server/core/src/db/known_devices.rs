//! Browsers that have signed in to an account, by the SHA-256 of their device token (migration
//! 0016).

use super::{BeginWrite as _, Db, on_db};

/// Most devices remembered per account; the least recently used are forgotten first.
pub const PER_ACCOUNT: i64 = 20;

/// The account the device token with this hash belongs to, if any.
pub async fn owner(db: &Db, token_hash: &str) -> sqlx::Result<Option<i64>> {
    on_db!(db, |pool| sqlx::query_scalar::<_, i64>("SELECT user_id FROM known_devices WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(pool)
        .await)
}

/// Remembers a device for the account, then forgets all but its [`PER_ACCOUNT`] most recently
/// used devices, in one transaction.
pub async fn remember(db: &Db, user_id: i64, token_hash: &str, now: i64) -> sqlx::Result<()> {
    const INSERT: &str =
        "INSERT INTO known_devices (token_hash, user_id, created_at, last_used_at) VALUES ($1, $2, $3, $3)";
    const TRIM: &str = "DELETE FROM known_devices WHERE user_id = $1 AND token_hash NOT IN \
        (SELECT token_hash FROM known_devices WHERE user_id = $1 ORDER BY last_used_at DESC, created_at DESC LIMIT $2)";
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        sqlx::query(INSERT).bind(token_hash).bind(user_id).bind(now).execute(&mut *tx).await?;
        sqlx::query(TRIM).bind(user_id).bind(PER_ACCOUNT).execute(&mut *tx).await?;
        tx.commit().await
    })
}

/// Marks the device as used at `now`.
pub async fn touch(db: &Db, token_hash: &str, now: i64) -> sqlx::Result<()> {
    on_db!(db, |pool| sqlx::query("UPDATE known_devices SET last_used_at = $2 WHERE token_hash = $1")
        .bind(token_hash)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ()))
}

/// Forgets devices unused since `before`; returns how many.
pub async fn prune(db: &Db, before: i64) -> sqlx::Result<u64> {
    on_db!(db, |pool| sqlx::query("DELETE FROM known_devices WHERE last_used_at < $1")
        .bind(before)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
}
