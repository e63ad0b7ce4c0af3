//! The `users` table: accounts, roles, profile photos and the session epoch.

use sqlx::FromRow;

use crate::{
    accounts::{PasswordHash, Role, User},
    db::{Db, is_unique_violation, on_db},
};

const USER_COLUMNS: &str = "id, email, display_name, password_hash, role, photo_key, \
                            session_epoch, created_at, updated_at";

#[derive(FromRow)]
struct UserRow {
    id: i64,
    email: String,
    display_name: String,
    password_hash: String,
    role: String,
    photo_key: Option<String>,
    session_epoch: i64,
    created_at: i64,
    updated_at: i64,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        User {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            password_hash: PasswordHash::from_stored(row.password_hash),
            // The CHECK constraint allows only the two roles.
            role: row.role.parse().unwrap_or(Role::Viewer),
            photo_key: row.photo_key,
            session_epoch: row.session_epoch,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// What is needed to create an account; every field already validated.
pub struct NewUser<'a> {
    /// Normalised (trimmed, lower-case) email.
    pub email: &'a str,
    /// Validated display name.
    pub display_name: &'a str,
    /// argon2id PHC string.
    pub password_hash: &'a PasswordHash,
    /// Viewer or admin.
    pub role: Role,
}

/// Why an account could not be inserted.
#[derive(Debug, thiserror::Error)]
pub enum InsertUserError {
    /// Another account already has this email.
    #[error("an account with this email already exists")]
    EmailTaken,
    /// Anything else the database said.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Inserts a new account and returns it.
pub async fn insert(db: &Db, new: &NewUser<'_>, now: i64) -> Result<User, InsertUserError> {
    let sql = format!(
        "INSERT INTO users (email, display_name, password_hash, role, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING {USER_COLUMNS}"
    );
    on_db!(db, |pool| sqlx::query_as::<_, UserRow>(&sql)
        .bind(new.email)
        .bind(new.display_name)
        .bind(new.password_hash.as_str())
        .bind(new.role.as_str())
        .bind(now)
        .fetch_one(pool)
        .await)
    .map(User::from)
    .map_err(|e| if is_unique_violation(&e) { InsertUserError::EmailTaken } else { InsertUserError::Database(e) })
}

/// The account with this (normalised) email, if any.
pub async fn find_by_email(db: &Db, email: &str) -> sqlx::Result<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
    on_db!(db, |pool| sqlx::query_as::<_, UserRow>(&sql).bind(email).fetch_optional(pool).await)
        .map(|row| row.map(User::from))
}

/// The account with this id, if any.
pub async fn find_by_id(db: &Db, id: i64) -> sqlx::Result<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    on_db!(db, |pool| sqlx::query_as::<_, UserRow>(&sql).bind(id).fetch_optional(pool).await)
        .map(|row| row.map(User::from))
}

/// Every account, oldest first, a page at a time.
pub async fn list(db: &Db, limit: i64, offset: i64) -> sqlx::Result<Vec<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY id LIMIT $1 OFFSET $2");
    on_db!(db, |pool| sqlx::query_as::<_, UserRow>(&sql).bind(limit).bind(offset).fetch_all(pool).await)
        .map(|rows| rows.into_iter().map(User::from).collect())
}

/// How many accounts have the admin role.
pub async fn count_admins(db: &Db) -> sqlx::Result<i64> {
    on_db!(db, |pool| sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users WHERE role = 'admin'")
        .fetch_one(pool)
        .await)
}

/// Changes the display name; false when no such account exists.
pub async fn set_display_name(db: &Db, id: i64, name: &str, now: i64) -> sqlx::Result<bool> {
    on_db!(db, |pool| sqlx::query("UPDATE users SET display_name = $1, updated_at = $2 WHERE id = $3")
        .bind(name)
        .bind(now)
        .bind(id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() == 1))
}

/// Replaces the password hash and bumps the session epoch, which ends every session that was
/// signed in under the old epoch. Returns the new epoch, or `None` when no such account exists.
pub async fn set_password(db: &Db, id: i64, hash: &PasswordHash, now: i64) -> sqlx::Result<Option<i64>> {
    on_db!(db, |pool| sqlx::query_scalar::<_, i64>(
        "UPDATE users SET password_hash = $1, session_epoch = session_epoch + 1, updated_at = $2 \
         WHERE id = $3 RETURNING session_epoch"
    )
    .bind(hash.as_str())
    .bind(now)
    .bind(id)
    .fetch_optional(pool)
    .await)
}

/// Changes the role; false when no such account exists.
pub async fn set_role(db: &Db, id: i64, role: Role, now: i64) -> sqlx::Result<bool> {
    on_db!(db, |pool| sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
        .bind(role.as_str())
        .bind(now)
        .bind(id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() == 1))
}

/// Points the account at a new profile photo and returns the key it pointed at before, in one
/// transaction. `Err(RowNotFound)` when no such account exists.
pub async fn swap_photo_key(db: &Db, id: i64, key: Option<&str>, now: i64) -> sqlx::Result<Option<String>> {
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let old: Option<Option<String>> =
            sqlx::query_scalar("SELECT photo_key FROM users WHERE id = $1").bind(id).fetch_optional(&mut *tx).await?;
        let Some(old) = old else {
            return Err(sqlx::Error::RowNotFound);
        };
        sqlx::query("UPDATE users SET photo_key = $1, updated_at = $2 WHERE id = $3")
            .bind(key)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(old)
    })
}

/// Deletes the account and returns what it was, so its media can be removed afterwards.
pub async fn delete(db: &Db, id: i64) -> sqlx::Result<Option<User>> {
    let sql = format!("DELETE FROM users WHERE id = $1 RETURNING {USER_COLUMNS}");
    on_db!(db, |pool| sqlx::query_as::<_, UserRow>(&sql).bind(id).fetch_optional(pool).await)
        .map(|row| row.map(User::from))
}

/// Records a failed sign-in, for throttling.
pub async fn record_login_failure(db: &Db, email: &str, client_addr: &str, now: i64) -> sqlx::Result<()> {
    on_db!(db, |pool| sqlx::query("INSERT INTO login_failures (email, client_addr, failed_at) VALUES ($1, $2, $3)")
        .bind(email)
        .bind(client_addr)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ()))
}

/// Failed sign-ins since `since`, for this email and for this client address.
pub async fn count_login_failures(db: &Db, email: &str, client_addr: &str, since: i64) -> sqlx::Result<(i64, i64)> {
    on_db!(db, |pool| sqlx::query_as::<_, (i64, i64)>(
        "SELECT \
           (SELECT COUNT(*) FROM login_failures WHERE email = $1 AND failed_at >= $3), \
           (SELECT COUNT(*) FROM login_failures WHERE client_addr = $2 AND failed_at >= $3)"
    )
    .bind(email)
    .bind(client_addr)
    .bind(since)
    .fetch_one(pool)
    .await)
}

/// Forgets the failures of this email (after a successful sign-in) and every failure older than
/// `before`, so the table stays small.
pub async fn clear_login_failures(db: &Db, email: &str, before: i64) -> sqlx::Result<()> {
    on_db!(db, |pool| sqlx::query("DELETE FROM login_failures WHERE email = $1 OR failed_at < $2")
        .bind(email)
        .bind(before)
        .execute(pool)
        .await
        .map(|_| ()))
}
