//! Every row that names an object in media storage, for `cinecloud check`.

use super::{Db, on_db};

/// `(kind, id, key)` for each reference: `cover` (movie id, the covers' prefix), `photo` (user
/// id), `video` (movie id) and `model` (version). Taken-down movies still own their covers.
pub async fn all(db: &Db) -> sqlx::Result<Vec<(String, i64, String)>> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT 'cover', id, cover_key FROM movies WHERE cover_key IS NOT NULL \
             UNION ALL SELECT 'photo', id, photo_key FROM users WHERE photo_key IS NOT NULL \
             UNION ALL SELECT 'video', movie_id, object_key FROM movie_videos \
             UNION ALL SELECT 'model', version, object_key FROM recommender_models",
        )
        .fetch_all(pool)
        .await
    })
}
