//! Serving: a viewer's picks with their reasons, and "More like this".

use std::collections::{HashMap, HashSet};

use crate::{
    Error, Result,
    catalog::MovieCard,
    db::{Db, movies, recommender as db},
    ratings::{OwnRating, ViewerSignals},
};

use super::*;

impl Recommender {
    /// Up to `n` movies for the viewer, each with its reason: the model's picks first, then
    /// popular movies in the genres they like. Never a movie they rated or signalled.
    pub async fn recommend_for(&self, database: &Db, user_id: i64, n: usize) -> Result<Vec<Recommendation>> {
        let ViewerSignals { ratings, signals } = db::viewer_signals(database, user_id).await?;
        let seen: HashSet<i64> = ratings.iter().map(|r| r.movie_id).chain(signals.iter().map(|s| s.movie_id)).collect();
        let values = signal_values(&ratings, &signals);
        let mut out: Vec<Recommendation> = Vec::with_capacity(n);
        if let Some(current) = self.current() {
            let input: Vec<(u64, f32)> = values.iter().map(|(&m, &v)| (m as u64, v)).collect();
            // Ask for more than needed: the model may still hold movies deleted since training.
            let picks = current.serving.recommend(&input, n + n / 2 + 4, |item| seen.contains(&(item as i64)));
            // The picks and the movies that explain them, in one query.
            let ids: Vec<i64> = picks
                .iter()
                .map(|p| p.item as i64)
                .chain(picks.iter().filter_map(|p| p.because).map(|b| b as i64))
                .collect();
            let mut cards: HashMap<i64, MovieCard> =
                db::cards(database, &ids).await?.into_iter().map(|c| (c.id, c)).collect();
            let titles: HashMap<i64, String> = cards.iter().map(|(id, c)| (*id, c.title.clone())).collect();
            for pick in picks {
                let Some(card) = cards.remove(&(pick.item as i64)) else { continue };
                let reason = pick.because.map(|b| b as i64).and_then(|b| {
                    let title = titles.get(&b)?.clone();
                    Some(match ratings.iter().find(|r| r.movie_id == b) {
                        Some(&OwnRating { half_stars, .. }) if rating_value(half_stars).is_some() => {
                            Reason::BecauseYouRated { movie_id: b, title, half_stars }
                        }
                        _ => Reason::PopularWithViewersWhoLiked { movie_id: b, title },
                    })
                });
                // A pick the viewer's own movies do not explain is left to the genre fill below.
                if let Some(reason) = reason {
                    out.push(Recommendation { card, reason });
                }
                if out.len() == n {
                    return Ok(out);
                }
            }
        }
        let liked: Vec<i64> = values.iter().filter(|(_, v)| **v > 0.0).map(|(m, _)| *m).collect();
        let mut genre_counts: HashMap<i64, usize> = HashMap::new();
        for (_, genre, _) in db::genres_of(database, &liked).await? {
            *genre_counts.entry(genre).or_default() += 1;
        }
        let mut preferred: Vec<(i64, usize)> = genre_counts.into_iter().collect();
        preferred.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let preferred: Vec<i64> = preferred.into_iter().map(|g| g.0).collect();
        let chosen: HashSet<i64> = out.iter().map(|r| r.card.id).collect();
        for (card, genre) in db::popular(database, &preferred, user_id, (n * 2) as i64).await? {
            if out.len() == n {
                break;
            }
            if chosen.contains(&card.id) {
                continue;
            }
            let reason = match genre {
                Some(genre) if card.rating_count > 0 => Reason::PopularIn { genre },
                Some(genre) if !preferred.is_empty() => Reason::InGenre { genre },
                _ if card.rating_count > 0 => Reason::Popular,
                _ => Reason::StartHere,
            };
            out.push(Recommendation { card, reason });
        }
        Ok(out)
    }

    /// Up to `n` movies like `movie_id`: by the model's item factors when it knows the movie,
    /// else by shared genres and people.
    pub async fn more_like(&self, database: &Db, movie_id: i64, n: usize) -> Result<Vec<Recommendation>> {
        if let Some(current) = self.current()
            && current.serving.knows(movie_id as u64)
        {
            let ids: Vec<i64> = current
                .serving
                .similar(movie_id as u64, n + n / 2 + 4, |_| false)
                .into_iter()
                .map(|(i, _)| i as i64)
                .collect();
            // The similar movies and the one they are like, in one query (in this order).
            let mut cards = db::cards(database, &[&[movie_id][..], &ids].concat()).await?;
            if cards.first().is_none_or(|c| c.id != movie_id) {
                return Err(Error::NotFound);
            }
            let source = cards.remove(0);
            cards.truncate(n);
            if !cards.is_empty() {
                return Ok(cards
                    .into_iter()
                    .map(|card| Recommendation {
                        card,
                        reason: Reason::PopularWithViewersWhoLiked { movie_id, title: source.title.clone() },
                    })
                    .collect());
            }
        }
        Ok(movies::related(database, movie_id, n as i64)
            .await?
            .into_iter()
            .map(|card| Recommendation { card, reason: Reason::SharesGenresOrPeople })
            .collect())
    }
}
