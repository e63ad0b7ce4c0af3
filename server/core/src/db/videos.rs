//! The `movie_videos` rows: which object holds each movie's video.

use super::{
    Db,
    movies::{UpdateError, write_audit},
};
use crate::{
    catalog::Change,
    db::{BeginWrite as _, movie_visible, on_db},
    videos::Video,
};

/// The video of a visible movie, if it has one.
pub async fn find(db: &Db, movie_id: i64) -> sqlx::Result<Option<Video>> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT v.movie_id, v.object_key, v.content_type, v.byte_size, v.uploaded_at FROM movie_videos v \
             JOIN movies m ON m.id = v.movie_id WHERE v.movie_id = $1 AND m.deleted_at IS NULL",
        )
        .bind(movie_id)
        .fetch_optional(pool)
        .await
    })
}

/// Points a visible movie at a new video object (or at none) and writes the audit entry, in one
/// transaction. Returns the key it pointed at before, which the caller deletes after this commit.
pub async fn replace(
    db: &Db,
    movie_id: i64,
    new: Option<&Video>,
    user_id: Option<i64>,
    now: i64,
) -> Result<Option<String>, UpdateError> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        // A movie purged after this check makes the insert fail on its foreign key: nothing is saved.
        if !movie_visible!(&mut *tx, movie_id)? {
            return Err(UpdateError::NotFound);
        }
        let old: Option<String> = sqlx::query_scalar("SELECT object_key FROM movie_videos WHERE movie_id = $1")
            .bind(movie_id)
            .fetch_optional(&mut *tx)
            .await?;
        match new {
            Some(v) => {
                sqlx::query(
                    "INSERT INTO movie_videos (movie_id, object_key, content_type, byte_size, uploaded_at, uploaded_by) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (movie_id) DO UPDATE SET object_key = excluded.object_key, \
                     content_type = excluded.content_type, byte_size = excluded.byte_size, \
                     uploaded_at = excluded.uploaded_at, uploaded_by = excluded.uploaded_by",
                )
                .bind(movie_id)
                .bind(&v.object_key)
                .bind(&v.content_type)
                .bind(v.byte_size)
                .bind(now)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM movie_videos WHERE movie_id = $1").bind(movie_id).execute(&mut *tx).await?;
            }
        }
        if old.is_some() || new.is_some() {
            let change =
                [Change { field: "video", old_value: old.clone(), new_value: new.map(|v| v.object_key.clone()) }];
            write_audit!(tx, movie_id, user_id, now, &change)?;
        }
        tx.commit().await?;
        Ok(old)
    })
}
