//! What a signed-in viewer has done with the movies a page shows: their own ratings and which
//! movies are on their watchlist, read for a whole page of cards at once.

use std::collections::{HashMap, HashSet};

use crate::{
    Result,
    db::{Db, lists, ratings},
};

/// One viewer's marks on a set of movies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ViewerState {
    /// Their rating of each movie they rated, in half stars.
    pub ratings: HashMap<i64, i64>,
    /// The movies on their watchlist.
    pub watchlisted: HashSet<i64>,
}

impl ViewerState {
    /// Their rating of `movie_id`, in half stars.
    pub fn rating_of(&self, movie_id: i64) -> Option<i64> {
        self.ratings.get(&movie_id).copied()
    }

    /// Whether `movie_id` is on their watchlist.
    pub fn on_watchlist(&self, movie_id: i64) -> bool {
        self.watchlisted.contains(&movie_id)
    }
}

/// The viewer's ratings of `movie_ids` and which of them are on their watchlist: two reads
/// whatever the number of movies.
pub async fn viewer_state(db: &Db, user_id: i64, movie_ids: &[i64]) -> Result<ViewerState> {
    let rated = ratings::own_for(db, user_id, movie_ids).await?;
    let holding = lists::holding(db, user_id, movie_ids).await?;
    Ok(ViewerState {
        ratings: rated.into_iter().map(|r| (r.movie_id, r.half_stars)).collect(),
        watchlisted: holding.into_iter().filter(|h| h.is_watchlist).map(|h| h.movie_id).collect(),
    })
}
