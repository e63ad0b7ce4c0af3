//! One-time password-reset links (stored as their token's SHA-256), issued by an admin.

use crate::{
    accounts::PasswordHash,
    db::{BeginWrite as _, Db, on_db, security_events::insert_event},
    security_events::Event,
};

/// Stores a new link for `user_id` and records `audit`, in one transaction. The account's
/// unused links go (the newest link is the one that works), and so does every unused link
/// issued at or before `expired_before`. `Ok(false)` when no such account exists.
pub async fn issue(
    db: &Db,
    user_id: i64,
    token_hash: &str,
    now: i64,
    expired_before: i64,
    audit: &Event<'_>,
) -> sqlx::Result<bool> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM users WHERE id = $1").bind(user_id).fetch_optional(&mut *tx).await?;
        if exists.is_none() {
            return Ok(false);
        }
        sqlx::query("DELETE FROM password_resets WHERE used_at IS NULL AND (user_id = $1 OR created_at <= $2)")
            .bind(user_id)
            .bind(expired_before)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO password_resets (token_hash, user_id, created_at) VALUES ($1, $2, $3)")
            .bind(token_hash)
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        insert_event!(&mut *tx, audit, now)?;
        tx.commit().await?;
        Ok(true)
    })
}

/// The account an unused link issued after `issued_after` resets, without spending it. A link
/// of a disabled account does not work.
pub async fn account_of(db: &Db, token_hash: &str, issued_after: i64) -> sqlx::Result<Option<i64>> {
    on_db!(db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND created_at > $2 \
         AND user_id IN (SELECT id FROM users WHERE disabled_at IS NULL)"
    )
    .bind(token_hash)
    .bind(issued_after)
    .fetch_optional(pool)
    .await)
}

/// Spends the link and sets the account's password, moving its session epoch on (which ends
/// every session it has), and records `audit` for the account: all or nothing. Returns the
/// account, or `None` when the link is unknown, spent or expired, or its account is disabled.
pub async fn spend<'a>(
    db: &Db,
    token_hash: &str,
    issued_after: i64,
    hash: &PasswordHash,
    now: i64,
    audit: impl Fn(i64) -> Event<'a>,
) -> sqlx::Result<Option<i64>> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let user_id: Option<i64> = sqlx::query_scalar(
            "UPDATE password_resets SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND created_at > $3 \
             AND user_id IN (SELECT id FROM users WHERE disabled_at IS NULL) RETURNING user_id",
        )
        .bind(now)
        .bind(token_hash)
        .bind(issued_after)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(user_id) = user_id else {
            return Ok(None);
        };
        sqlx::query(
            "UPDATE users SET password_hash = $1, session_epoch = session_epoch + 1, updated_at = $2 WHERE id = $3",
        )
        .bind(hash.as_str())
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        insert_event!(&mut *tx, &audit(user_id), now)?;
        tx.commit().await?;
        Ok(Some(user_id))
    })
}

/// Moves every link's issue time `secs` into the past (tests of the link's lifetime).
#[cfg(feature = "test-support")]
pub async fn backdate(db: &Db, secs: i64) -> sqlx::Result<()> {
    on_db!(db, |pool| sqlx::query("UPDATE password_resets SET created_at = created_at - $1")
        .bind(secs)
        .execute(pool)
        .await
        .map(drop))
}
