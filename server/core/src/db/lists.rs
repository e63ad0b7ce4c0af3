//! Watchlists and playlists. Every read and write names the owner, so another viewer's list is
//! never touched: it simply is not found.

use sqlx::FromRow;

use super::movies::{CARD_COLUMNS, CardRow};
use crate::{
    catalog::MovieCard,
    db::{BeginWrite as _, Db, movie_visible, on_db},
    lists::{List, ListHolding, ListKind},
};

/// A list's row, with how many visible movies it holds.
#[derive(FromRow)]
struct ListRow {
    id: i64,
    user_id: i64,
    kind: ListKind,
    name: String,
    description: String,
    is_public: bool,
    created_at: i64,
    updated_at: i64,
    movie_count: i64,
}

impl From<ListRow> for List {
    fn from(r: ListRow) -> Self {
        List {
            id: r.id,
            user_id: r.user_id,
            kind: r.kind,
            name: r.name,
            description: r.description,
            is_public: r.is_public,
            created_at: r.created_at,
            updated_at: r.updated_at,
            movie_count: r.movie_count,
        }
    }
}

const LIST_COLUMNS: &str = "l.id, l.user_id, l.kind, l.name, l.description, l.is_public, l.created_at, l.updated_at, \
     (SELECT COUNT(*) FROM list_items i JOIN movies m ON m.id = i.movie_id \
      WHERE i.list_id = l.id AND m.deleted_at IS NULL) AS movie_count";

/// Inside the open transaction `$tx`: stamps the list as changed and locks its row, if `$user_id`
/// owns it; `Ok(true)` when they do.
macro_rules! touch_owned {
    ($tx:expr, $list_id:expr, $user_id:expr, $now:expr) => {
        sqlx::query("UPDATE lists SET updated_at = $3 WHERE id = $1 AND user_id = $2")
            .bind($list_id)
            .bind($user_id)
            .bind($now)
            .execute(&mut *$tx)
            .await
            .map(|done| done.rows_affected() == 1)
    };
}

/// Position steps, so one move rewrites one row.
pub const STEP: i64 = 1024;

/// The viewer's watchlist, made on first use (two requests at once still make one).
pub async fn watchlist(db: &Db, user_id: i64, name: &str, now: i64) -> sqlx::Result<List> {
    let select = format!("SELECT {LIST_COLUMNS} FROM lists l WHERE l.user_id = $1 AND l.kind = 'watchlist'");
    on_db!(db, |pool| {
        sqlx::query(
            "INSERT INTO lists (user_id, kind, name, created_at, updated_at) VALUES ($1, 'watchlist', $2, $3, $3) \
             ON CONFLICT (user_id) WHERE kind = 'watchlist' DO NOTHING",
        )
        .bind(user_id)
        .bind(name)
        .bind(now)
        .execute(pool)
        .await?;
        sqlx::query_as::<_, ListRow>(&select).bind(user_id).fetch_one(pool).await.map(List::from)
    })
}

/// The owner's lists: the watchlist first, then playlists oldest first.
pub async fn owned(db: &Db, user_id: i64) -> sqlx::Result<Vec<List>> {
    let sql = format!("SELECT {LIST_COLUMNS} FROM lists l WHERE l.user_id = $1 ORDER BY l.kind = 'playlist', l.id");
    let rows: Vec<ListRow> = on_db!(db, |pool| sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(List::from).collect())
}

/// One list by id, whoever owns it (callers decide who may see it).
pub async fn find(db: &Db, list_id: i64) -> sqlx::Result<Option<List>> {
    let sql = format!("SELECT {LIST_COLUMNS} FROM lists l WHERE l.id = $1");
    let row: Option<ListRow> = on_db!(db, |pool| sqlx::query_as(&sql).bind(list_id).fetch_optional(pool).await)?;
    Ok(row.map(List::from))
}

/// A new playlist's name, description and visibility.
pub struct NewPlaylist<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its description.
    pub description: &'a str,
    /// Whether anyone with the link may see it.
    pub is_public: bool,
}

/// Creates a playlist unless the owner already has `max` of them (`Ok(None)`). The owner's row
/// is locked first, so two creations at once cannot both slip under the cap.
pub async fn insert_playlist(
    db: &Db,
    user_id: i64,
    new: &NewPlaylist<'_>,
    max: i64,
    now: i64,
) -> sqlx::Result<Option<i64>> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        sqlx::query("UPDATE users SET updated_at = updated_at WHERE id = $1").bind(user_id).execute(&mut *tx).await?;
        let playlists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM lists WHERE user_id = $1 AND kind = 'playlist'")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
        if playlists >= max {
            return Ok(None);
        }
        let id = sqlx::query_scalar(
            "INSERT INTO lists (user_id, kind, name, description, is_public, created_at, updated_at) \
             VALUES ($1, 'playlist', $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(new.name)
        .bind(new.description)
        .bind(new.is_public)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    })
}

/// Changes the owner's list; `false` when it is not theirs.
pub async fn update(
    db: &Db,
    user_id: i64,
    list_id: i64,
    name: &str,
    description: &str,
    is_public: bool,
    now: i64,
) -> sqlx::Result<bool> {
    on_db!(db, |pool| {
        let done = sqlx::query(
            "UPDATE lists SET name = $3, description = $4, is_public = $5, updated_at = $6 \
             WHERE id = $1 AND user_id = $2",
        )
        .bind(list_id)
        .bind(user_id)
        .bind(name)
        .bind(description)
        .bind(is_public)
        .bind(now)
        .execute(pool)
        .await?;
        Ok(done.rows_affected() == 1)
    })
}

/// Deletes the owner's playlist (never the watchlist); `false` when there is no such playlist.
pub async fn delete_playlist(db: &Db, user_id: i64, list_id: i64) -> sqlx::Result<bool> {
    on_db!(db, |pool| {
        let done = sqlx::query("DELETE FROM lists WHERE id = $1 AND user_id = $2 AND kind = 'playlist'")
            .bind(list_id)
            .bind(user_id)
            .execute(pool)
            .await?;
        Ok(done.rows_affected() == 1)
    })
}

/// One page of the list's visible movies in order: `limit` of them after the first `offset`.
pub async fn movies(db: &Db, list_id: i64, limit: i64, offset: i64) -> sqlx::Result<Vec<MovieCard>> {
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM list_items i JOIN movies m ON m.id = i.movie_id \
         WHERE i.list_id = $1 AND m.deleted_at IS NULL ORDER BY i.position, i.added_at, m.id LIMIT $2 OFFSET $3"
    );
    let rows: Vec<CardRow> =
        on_db!(db, |pool| sqlx::query_as(&sql).bind(list_id).bind(limit).bind(offset).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(MovieCard::from).collect())
}

/// How many of the list's visible movies `user_id` has watched.
pub async fn watched_count(db: &Db, list_id: i64, user_id: i64) -> sqlx::Result<i64> {
    on_db!(db, |pool| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM list_items i JOIN movies m ON m.id = i.movie_id \
             JOIN watch_progress w ON w.movie_id = i.movie_id AND w.user_id = $2 AND w.watched \
             WHERE i.list_id = $1 AND m.deleted_at IS NULL",
        )
        .bind(list_id)
        .bind(user_id)
        .fetch_one(pool)
        .await
    })
}

/// Which of the owner's lists hold which of `movie_ids`, by movie then list. Reads only; a viewer
/// without a watchlist yet simply has none.
pub async fn holding(db: &Db, user_id: i64, movie_ids: &[i64]) -> sqlx::Result<Vec<ListHolding>> {
    if movie_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = crate::db::id_list(movie_ids);
    let sql = format!(
        "SELECT i.movie_id, i.list_id, l.kind = 'watchlist' AS is_watchlist FROM list_items i \
         JOIN lists l ON l.id = i.list_id WHERE l.user_id = $1 AND i.movie_id IN ({ids}) ORDER BY i.movie_id, i.list_id"
    );
    on_db!(db, |pool| sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await)
}

/// What adding a movie did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addition {
    /// It is now last on the list.
    Added,
    /// It was there already.
    AlreadyThere,
    /// The list already holds as many movies as it may.
    Full,
    /// The list is not the owner's, or the movie is missing or deleted.
    NotFound,
}

/// Appends a visible movie to the owner's list unless it holds `max` movies already, in one
/// transaction that locks the list row (so two additions at once cannot both pass the cap).
pub async fn add(db: &Db, user_id: i64, list_id: i64, movie_id: i64, max: i64, now: i64) -> sqlx::Result<Addition> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let owned = touch_owned!(tx, list_id, user_id, now)?;
        let visible = movie_visible!(&mut *tx, movie_id)?;
        if !owned || !visible {
            return Ok(Addition::NotFound);
        }
        let (held, holds_it): (i64, bool) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(MAX(CASE WHEN movie_id = $2 THEN 1 ELSE 0 END), 0) = 1 \
             FROM list_items WHERE list_id = $1",
        )
        .bind(list_id)
        .bind(movie_id)
        .fetch_one(&mut *tx)
        .await?;
        if holds_it {
            return Ok(Addition::AlreadyThere);
        }
        if held >= max {
            return Ok(Addition::Full);
        }
        let inserted = sqlx::query(
            "INSERT INTO list_items (list_id, movie_id, position, added_at) \
             SELECT $1, $2, COALESCE(MAX(position), 0) + $3, $4 FROM list_items WHERE list_id = $1 \
             ON CONFLICT (list_id, movie_id) DO NOTHING",
        )
        .bind(list_id)
        .bind(movie_id)
        .bind(STEP)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(if inserted == 1 { Addition::Added } else { Addition::AlreadyThere })
    })
}

/// Removes a movie from the owner's list; `false` when the list is not theirs.
pub async fn remove(db: &Db, user_id: i64, list_id: i64, movie_id: i64, now: i64) -> sqlx::Result<bool> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let owned = touch_owned!(tx, list_id, user_id, now)?;
        if owned {
            sqlx::query("DELETE FROM list_items WHERE list_id = $1 AND movie_id = $2")
                .bind(list_id)
                .bind(movie_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(owned)
    })
}

/// What moving a movie wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moved {
    /// Nothing: it was already there.
    Unchanged,
    /// The moved movie's row alone, placed between its new neighbours.
    OneRow,
    /// Every row: there was no room left between the neighbours, so the list was renumbered.
    Renumbered,
    /// The list is not the owner's, or the movie is not on it.
    NotFound,
}

/// Where a movie moved to `index` of `rest` (the list's `(movie_id, position)` rows in order,
/// without it) goes: a position between its new neighbours, or `None` when they leave no room.
fn position_between(rest: &[(i64, i64)], index: usize) -> Option<i64> {
    let before = index.checked_sub(1).and_then(|i| rest.get(i)).map(|r| r.1);
    let after = rest.get(index).map(|r| r.1);
    match (before, after) {
        (None, None) => Some(STEP),
        (Some(b), None) => b.checked_add(STEP),
        (None, Some(a)) => a.checked_sub(STEP),
        (Some(b), Some(a)) => a.checked_sub(b).filter(|gap| *gap >= 2).map(|gap| b + gap / 2),
    }
}

/// Moves a movie of the owner's list to `index` (0 = first; past the end = last), in one
/// transaction that locks the list row. Positions are sparse, so this writes the one row; only when
/// its new neighbours leave no room between them is the whole list renumbered.
pub async fn move_to(
    db: &Db,
    user_id: i64,
    list_id: i64,
    movie_id: i64,
    index: usize,
    now: i64,
) -> sqlx::Result<Moved> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        if !touch_owned!(tx, list_id, user_id, now)? {
            return Ok(Moved::NotFound);
        }
        let mut rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT movie_id, position FROM list_items WHERE list_id = $1 ORDER BY position, added_at, movie_id",
        )
        .bind(list_id)
        .fetch_all(&mut *tx)
        .await?;
        let Some(from) = rows.iter().position(|r| r.0 == movie_id) else {
            return Ok(Moved::NotFound);
        };
        let moved = rows.remove(from);
        let index = index.min(rows.len());
        if index == from {
            return Ok(Moved::Unchanged);
        }
        let set = "UPDATE list_items SET position = $3 WHERE list_id = $1 AND movie_id = $2";
        let done = match position_between(&rows, index) {
            Some(position) => {
                sqlx::query(set).bind(list_id).bind(movie_id).bind(position).execute(&mut *tx).await?;
                Moved::OneRow
            }
            None => {
                rows.insert(index, moved);
                for (i, (id, _)) in rows.iter().enumerate() {
                    sqlx::query(set).bind(list_id).bind(id).bind((i as i64 + 1) * STEP).execute(&mut *tx).await?;
                }
                Moved::Renumbered
            }
        };
        tx.commit().await?;
        Ok(done)
    })
}

/// Puts the owner's list in `order` (which must be exactly its movie ids, checked inside the
/// transaction); `Ok(false)` when the list is not theirs or `order` is not its movies.
pub async fn reorder(db: &Db, user_id: i64, list_id: i64, order: &[i64], now: i64) -> sqlx::Result<bool> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let owned = touch_owned!(tx, list_id, user_id, now)?;
        if !owned {
            return Ok(false);
        }
        let mut current: Vec<i64> = sqlx::query_scalar("SELECT movie_id FROM list_items WHERE list_id = $1")
            .bind(list_id)
            .fetch_all(&mut *tx)
            .await?;
        let mut wanted = order.to_vec();
        current.sort_unstable();
        wanted.sort_unstable();
        if current != wanted {
            return Ok(false);
        }
        for (index, movie_id) in order.iter().enumerate() {
            sqlx::query("UPDATE list_items SET position = $3 WHERE list_id = $1 AND movie_id = $2")
                .bind(list_id)
                .bind(movie_id)
                .bind((index as i64 + 1) * STEP)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    })
}

/// Test support: the list's `(movie_id, position)` rows in order, as stored.
#[cfg(feature = "test-support")]
pub async fn positions(db: &Db, list_id: i64) -> sqlx::Result<Vec<(i64, i64)>> {
    on_db!(db, |pool| {
        sqlx::query_as("SELECT movie_id, position FROM list_items WHERE list_id = $1 ORDER BY position, movie_id")
            .bind(list_id)
            .fetch_all(pool)
            .await
    })
}

/// Test support: how many lists (the watchlist included) the viewer has.
#[cfg(feature = "test-support")]
pub async fn count_owned(db: &Db, user_id: i64) -> sqlx::Result<i64> {
    on_db!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM lists WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(pool)
        .await)
}

/// Test support: puts `movie_ids` on the list in that order, in one statement (filling a list to
/// its cap one addition at a time would take the suite seconds).
#[cfg(feature = "test-support")]
pub async fn fill(db: &Db, list_id: i64, movie_ids: &[i64]) -> sqlx::Result<()> {
    let now = crate::clock::now_unix();
    let rows: Vec<String> = movie_ids
        .iter()
        .enumerate()
        .map(|(i, id)| format!("({list_id}, {id}, {}, {now})", (i as i64 + 1) * STEP))
        .collect();
    let sql = format!("INSERT INTO list_items (list_id, movie_id, position, added_at) VALUES {}", rows.join(","));
    on_db!(db, |pool| sqlx::query(&sql).execute(pool).await.map(|_| ()))
}

#[cfg(test)]
mod tests {
    use super::{STEP, position_between};

    #[test]
    fn a_moved_movie_goes_between_its_new_neighbours_or_asks_for_a_renumbering() {
        let rows = [(1, 1024), (2, 2048), (3, 2049), (4, 2049)];
        assert_eq!(position_between(&rows, 0), Some(1024 - STEP), "before the first");
        assert_eq!(position_between(&rows, 1), Some(1536), "the midpoint");
        assert_eq!(position_between(&rows, 4), Some(2049 + STEP), "after the last");
        assert_eq!(position_between(&rows, 2), None, "neighbours 1 apart leave no room");
        assert_eq!(position_between(&rows, 3), None, "equal neighbours leave no room");
        assert_eq!(position_between(&[], 0), Some(STEP), "alone on the list");
        // Far-apart extremes neither overflow nor wrap.
        assert_eq!(position_between(&[(1, i64::MIN), (2, i64::MAX)], 1), None);
        assert_eq!(position_between(&[(1, i64::MAX)], 1), None);
    }
}
