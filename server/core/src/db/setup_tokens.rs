//! One-time tokens that let whoever holds the setup link create the first admin.

use crate::db::{BeginWrite as _, Db, on_db};

/// Adds a token, and forgets unused ones issued at or before `expired_before` (they no longer
/// work). Earlier unused tokens stay valid: every server of a fleet logs its own link at start,
/// and any of them may be the one the operator copies; the first admin ends them all.
pub async fn add(db: &Db, token_hash: &str, now: i64, expired_before: i64) -> sqlx::Result<()> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        sqlx::query("DELETE FROM setup_tokens WHERE used_at IS NULL AND created_at <= $1")
            .bind(expired_before)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)")
            .bind(token_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })
}

/// Whether an unused token with this hash, issued after `issued_after`, exists (without
/// spending it).
pub async fn is_unused(db: &Db, token_hash: &str, issued_after: i64) -> sqlx::Result<bool> {
    on_db!(db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM setup_tokens WHERE token_hash = $1 AND used_at IS NULL AND created_at > $2"
    )
    .bind(token_hash)
    .bind(issued_after)
    .fetch_one(pool)
    .await)
    .map(|n| n > 0)
}

/// Why the first admin could not be created.
#[derive(Debug, thiserror::Error)]
pub enum FirstAdminError {
    /// The token is unknown, already used, or an admin already exists.
    #[error("this setup link is invalid or has already been used")]
    LinkSpent,
    /// Another account already has this email.
    #[error("an account with this email already exists")]
    EmailTaken,
    /// Anything else the database said.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Spends the token (if issued after `issued_after`) and creates the admin in one transaction:
/// both happen, or neither does.
pub async fn create_first_admin(
    db: &Db,
    token_hash: &str,
    issued_after: i64,
    new: &crate::db::users::NewUser<'_>,
    now: i64,
) -> Result<i64, FirstAdminError> {
    let result: Result<i64, FirstAdminError> = on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let spent = sqlx::query(
            "UPDATE setup_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND created_at > $3",
        )
        .bind(now)
        .bind(token_hash)
        .bind(issued_after)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let admins: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'").fetch_one(&mut *tx).await?;
        if spent != 1 || admins > 0 {
            return Err(FirstAdminError::LinkSpent);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, display_name, password_hash, role, created_at, updated_at) \
             VALUES ($1, $2, $3, 'admin', $4, $4) RETURNING id",
        )
        .bind(new.email)
        .bind(new.display_name)
        .bind(new.password_hash.as_str())
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            if crate::db::is_unique_violation(&e) { FirstAdminError::EmailTaken } else { FirstAdminError::Database(e) }
        })?;
        tx.commit().await?;
        Ok(id)
    });
    result
}

/// Moves every token's issue time `secs` into the past (tests of the link's lifetime).
#[cfg(feature = "test-support")]
pub async fn backdate(db: &Db, secs: i64) -> sqlx::Result<()> {
    on_db!(db, |pool| sqlx::query("UPDATE setup_tokens SET created_at = created_at - $1")
        .bind(secs)
        .execute(pool)
        .await
        .map(drop))
}
