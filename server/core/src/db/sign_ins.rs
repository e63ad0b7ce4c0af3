//! Where accounts are signed in: a row per signed-in session (see migration 0014).

use crate::{
    db::{BeginWrite as _, Db, insights::MARK_ACTIVE, on_db},
    insights::day_of,
    sign_ins::SignIn,
};

/// Records a new signed-in session.
pub async fn insert(db: &Db, row: &SignIn) -> sqlx::Result<()> {
    on_db!(db, |pool| {
        sqlx::query(
            "INSERT INTO sign_ins (token, user_id, epoch, device, client, signed_in_at, seen_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&row.token)
        .bind(row.user_id)
        .bind(row.epoch)
        .bind(&row.device)
        .bind(&row.client)
        .bind(row.signed_in_at)
        .bind(row.seen_at)
        .execute(pool)
        .await?;
        sqlx::query(MARK_ACTIVE).bind(day_of(row.signed_in_at)).bind(row.user_id).execute(pool).await.map(|_| ())
    })
}

/// Marks the session, and its account for the day, as active at `now`.
pub async fn touch(db: &Db, token: &str, now: i64) -> sqlx::Result<()> {
    on_db!(db, |pool| {
        let user: Option<i64> =
            sqlx::query_scalar("UPDATE sign_ins SET seen_at = $2 WHERE token = $1 RETURNING user_id")
                .bind(token)
                .bind(now)
                .fetch_optional(pool)
                .await?;
        match user {
            Some(user_id) => sqlx::query(MARK_ACTIVE).bind(day_of(now)).bind(user_id).execute(pool).await.map(|_| ()),
            None => Ok(()),
        }
    })
}

/// Forgets one session's row (at sign-out).
pub async fn delete(db: &Db, token: &str) -> sqlx::Result<()> {
    on_db!(db, |pool| sqlx::query("DELETE FROM sign_ins WHERE token = $1").bind(token).execute(pool).await.map(|_| ()))
}

/// The account's sessions that are still live: signed in under its current epoch, seen since
/// `seen_after` and signed in since `signed_in_after`; the most recently active first.
pub async fn live(db: &Db, user_id: i64, seen_after: i64, signed_in_after: i64) -> sqlx::Result<Vec<SignIn>> {
    let sql = "SELECT s.token, s.user_id, s.epoch, s.device, s.client, s.signed_in_at, s.seen_at \
               FROM sign_ins s JOIN users u ON u.id = s.user_id AND u.session_epoch = s.epoch \
               WHERE s.user_id = $1 AND s.seen_at > $2 AND s.signed_in_at > $3 ORDER BY s.seen_at DESC, s.token";
    on_db!(db, |pool| sqlx::query_as::<_, SignIn>(sql)
        .bind(user_id)
        .bind(seen_after)
        .bind(signed_in_after)
        .fetch_all(pool)
        .await)
}

/// Ends every session of the account except the one holding `keep` (all, when `None`), in one
/// transaction: the account's session epoch moves on, which every session checks on each
/// request, and the kept session's row moves with it. Returns the new epoch, or `None` when
/// there is no such account.
pub async fn end_sessions(db: &Db, user_id: i64, keep: Option<&str>, now: i64) -> sqlx::Result<Option<i64>> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let epoch: Option<i64> = sqlx::query_scalar(
            "UPDATE users SET session_epoch = session_epoch + 1, updated_at = $2 WHERE id = $1 RETURNING session_epoch",
        )
        .bind(user_id)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(epoch) = epoch else {
            return Ok(None);
        };
        sqlx::query("DELETE FROM sign_ins WHERE user_id = $1 AND token <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or(""))
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE sign_ins SET epoch = $2 WHERE token = $1")
            .bind(keep.unwrap_or(""))
            .bind(epoch)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(epoch))
    })
}

/// Moves one session's row to a new epoch (after its own password change).
pub async fn set_epoch(db: &Db, token: &str, epoch: i64) -> sqlx::Result<()> {
    on_db!(db, |pool| sqlx::query("UPDATE sign_ins SET epoch = $2 WHERE token = $1")
        .bind(token)
        .bind(epoch)
        .execute(pool)
        .await
        .map(|_| ()))
}

/// Deletes rows not seen since `cutoff`; returns how many.
pub async fn prune(db: &Db, cutoff: i64) -> sqlx::Result<u64> {
    on_db!(db, |pool| sqlx::query("DELETE FROM sign_ins WHERE seen_at < $1")
        .bind(cutoff)
        .execute(pool)
        .await
        .map(|d| d.rows_affected()))
}
