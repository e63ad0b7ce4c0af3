//! The first-visit question: a few movies the viewer likes, to start the recommendations from.

use crate::{
    FieldError, Result,
    catalog::MovieCard,
    clock::now_unix,
    db::{Db, recommender as db},
    ratings::Signal,
};

/// At most this many movies are taken from a first-visit pick.
pub const MAX_FAVOURITES: usize = 20;

/// Whether to ask the viewer for a few movies they like: they were never asked and have given no
/// signal yet.
pub async fn should_ask_for_favourites(database: &Db, user_id: i64) -> Result<bool> {
    if db::onboarded(database, user_id).await? {
        return Ok(false);
    }
    Ok(db::viewer_signals(database, user_id).await?.is_empty())
}

/// Movies to offer on a first visit: the most-rated ones, taking turns between genres so every
/// taste finds something.
pub async fn favourite_choices(database: &Db, user_id: i64, n: usize) -> Result<Vec<MovieCard>> {
    let popular = db::popular(database, &[], user_id, (n * 8) as i64).await?;
    let mut by_genre: Vec<(String, std::collections::VecDeque<MovieCard>)> = Vec::new();
    for (card, genre) in popular {
        let genre = genre.unwrap_or_default();
        match by_genre.iter_mut().find(|(g, _)| *g == genre) {
            Some((_, cards)) => cards.push_back(card),
            None => by_genre.push((genre, [card].into())),
        }
    }
    let mut out = Vec::with_capacity(n);
    while out.len() < n && by_genre.iter().any(|(_, cards)| !cards.is_empty()) {
        for (_, cards) in &mut by_genre {
            if out.len() < n
                && let Some(card) = cards.pop_front()
            {
                out.push(card);
            }
        }
    }
    Ok(out)
}

/// Saves a first-visit pick (an empty one means "skip") and never asks again. Unknown or
/// deleted movies are ignored.
pub async fn save_favourites(database: &Db, user_id: i64, movie_ids: &[i64]) -> Result<()> {
    if movie_ids.len() > MAX_FAVOURITES {
        return Err(FieldError::new("favourites", format!("Pick at most {MAX_FAVOURITES} movies.")).into());
    }
    Ok(db::save_onboarding(database, user_id, movie_ids, Signal::Liked, now_unix()).await?)
}
