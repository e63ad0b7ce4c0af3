//! The `users` table: accounts, roles, profile photos and the session epoch.

use sqlx::FromRow;

use crate::{
    accounts::{ListedUser, PasswordHash, Role, User, UserQuery, UserSort},
    db::{BeginWrite as _, Db, is_unique_violation, on_db},
};

const USER_COLUMNS: &str = "id, email, display_name, password_hash, role, photo_key, \
                            session_epoch, disabled_at, created_at, updated_at";

#[derive(FromRow)]
struct UserRow {
    id: i64,
    email: String,
    display_name: String,
    password_hash: String,
    role: Role,
    photo_key: Option<String>,
    session_epoch: i64,
    disabled_at: Option<i64>,
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
            role: row.role,
            photo_key: row.photo_key,
            session_epoch: row.session_epoch,
            disabled_at: row.disabled_at,
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
        .bind(new.role)
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

/// One page of accounts whose email or display name contains `query.text` (ASCII letters in
/// any case), in `query.sort` order, with the day each was last active; and how many match.
pub async fn find(db: &Db, query: &UserQuery, per_page: i64) -> sqlx::Result<(Vec<ListedUser>, i64)> {
    #[derive(FromRow)]
    struct Listed {
        #[sqlx(flatten)]
        user: UserRow,
        last_active: Option<i64>,
    }
    let pattern = query.text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(|t| {
        let escaped = t.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        format!("%{escaped}%")
    });
    let filter = if pattern.is_some() {
        "WHERE LOWER(email) LIKE $1 ESCAPE '\\' OR LOWER(display_name) LIKE $1 ESCAPE '\\'"
    } else {
        "WHERE $1 = ''"
    };
    let order = match query.sort {
        UserSort::Newest => "created_at DESC, id DESC",
        UserSort::Oldest => "created_at, id",
        UserSort::Name => "LOWER(display_name), id",
        UserSort::Email => "LOWER(email), id",
        UserSort::LastActive => "COALESCE(last_active, -1) DESC, id DESC",
    };
    let sql = format!(
        "SELECT * FROM (SELECT {USER_COLUMNS}, \
         (SELECT MAX(day) FROM active_days a WHERE a.user_id = users.id) AS last_active FROM users {filter}) AS u \
         ORDER BY {order} LIMIT $2 OFFSET $3"
    );
    let count = format!("SELECT COUNT(*) FROM users {filter}");
    let pattern = pattern.unwrap_or_default();
    let offset = (i64::from(query.page.max(1)) - 1) * per_page;
    on_db!(db, |pool| {
        let rows: Vec<Listed> = sqlx::query_as(&sql).bind(&pattern).bind(per_page).bind(offset).fetch_all(pool).await?;
        let total: i64 = sqlx::query_scalar(&count).bind(&pattern).fetch_one(pool).await?;
        let users =
            rows.into_iter().map(|r| ListedUser { user: User::from(r.user), last_active_day: r.last_active }).collect();
        Ok((users, total))
    })
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

/// What a change guarded by "Cinecloud keeps at least one admin" did.
#[derive(Debug)]
pub enum Guarded<T> {
    /// Done; the account as it was before.
    Done(T),
    /// No such account.
    NotFound,
    /// Refused: it would leave no admin.
    LastAdmin,
}

/// Locks every admin row, as the transaction's first statement: on SQLite any write takes the
/// database's one write lock; on PostgreSQL the update locks the rows, so two transactions
/// that each remove an admin run one after the other, and the second counts what the first left.
const LOCK_ADMINS: &str = "UPDATE users SET role = role WHERE role = 'admin'";

/// Reads the account inside the transaction `$tx` and tells whether the change may go ahead: a
/// `sqlx::Result<Guarded<User>>` that is `LastAdmin` when the account is the last admin who can
/// sign in (not disabled) and `$removes_admin` says the change removes it. The caller decides
/// what to do with a refusal.
macro_rules! guard_last_admin {
    ($tx:expr, $id:expr, $removes_admin:expr) => {
        async {
            let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
            let Some(user) = sqlx::query_as::<_, UserRow>(&sql).bind($id).fetch_optional(&mut *$tx).await? else {
                return Ok(Guarded::NotFound);
            };
            let user = User::from(user);
            // Only an admin who can sign in counts: removing a disabled one leaves as many as before.
            if user.role == Role::Admin && user.disabled_at.is_none() && $removes_admin {
                let admins: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL")
                        .fetch_one(&mut *$tx)
                        .await?;
                if admins <= 1 {
                    return Ok(Guarded::LastAdmin);
                }
            }
            Ok::<_, sqlx::Error>(Guarded::Done(user))
        }
        .await
    };
}

/// Changes the role, unless that would leave no admin, and records `audit`; checked and done in
/// one transaction.
pub async fn set_role(
    db: &Db,
    id: i64,
    role: Role,
    audit: &crate::security_events::Event<'_>,
    now: i64,
) -> sqlx::Result<Guarded<User>> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        sqlx::query(LOCK_ADMINS).execute(&mut *tx).await?;
        let user = match guard_last_admin!(tx, id, role != Role::Admin)? {
            Guarded::Done(user) => user,
            refused => return Ok(refused),
        };
        sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
            .bind(role)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        // The audit record commits with the change, or neither does.
        crate::db::security_events::insert_event!(&mut *tx, audit, now)?;
        tx.commit().await?;
        Ok(Guarded::Done(user))
    })
}

/// Disables the account (ending its sessions: the epoch moves on) or enables it again, unless
/// disabling would leave no admin who can sign in, and records `audit`; in one transaction.
pub async fn set_disabled(
    db: &Db,
    id: i64,
    disabled: bool,
    audit: &crate::security_events::Event<'_>,
    now: i64,
) -> sqlx::Result<Guarded<User>> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        sqlx::query(LOCK_ADMINS).execute(&mut *tx).await?;
        let user = match guard_last_admin!(tx, id, disabled)? {
            Guarded::Done(user) => user,
            refused => return Ok(refused),
        };
        sqlx::query(
            "UPDATE users SET disabled_at = $1, updated_at = $2, session_epoch = session_epoch + $3 WHERE id = $4",
        )
        .bind(disabled.then_some(now))
        .bind(now)
        .bind(i64::from(disabled))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        crate::db::security_events::insert_event!(&mut *tx, audit, now)?;
        tx.commit().await?;
        Ok(Guarded::Done(user))
    })
}

/// Points the account at a new profile photo and returns the key it pointed at before, in one
/// transaction. `Err(RowNotFound)` when no such account exists.
pub async fn swap_photo_key(db: &Db, id: i64, key: Option<&str>, now: i64) -> sqlx::Result<Option<String>> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
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

/// Deletes the account, unless it is the last admin, and returns what it was, so its media can
/// be removed afterwards. In the same transaction, the movies it rated get their rating count,
/// sum and score recomputed without its ratings (which the foreign keys delete), and `audit` is
/// recorded when given.
pub async fn delete(
    db: &Db,
    id: i64,
    audit: Option<&crate::security_events::Event<'_>>,
    now: i64,
) -> sqlx::Result<Guarded<User>> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        sqlx::query(LOCK_ADMINS).execute(&mut *tx).await?;
        let user = match guard_last_admin!(tx, id, true)? {
            Guarded::Done(user) => user,
            refused => return Ok(refused),
        };
        let rated: Vec<i64> = sqlx::query_scalar("SELECT movie_id FROM ratings WHERE user_id = $1 ORDER BY movie_id")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM users WHERE id = $1").bind(id).execute(&mut *tx).await?;
        if !rated.is_empty() {
            sqlx::query(&super::ratings::refresh_summaries_sql(&rated)).execute(&mut *tx).await?;
        }
        if let Some(audit) = audit {
            crate::db::security_events::insert_event!(&mut *tx, audit, now)?;
        }
        tx.commit().await?;
        Ok(Guarded::Done(user))
    })
}
