//! Why a movie is recommended: the recommender gives one reason per movie and the page says it.

use serde::{Deserialize, Serialize};

/// Why a movie is recommended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    /// It is most like a movie the viewer rated highly.
    BecauseYouRated {
        /// That movie.
        movie_id: i64,
        /// Its title.
        title: String,
        /// The viewer's rating in half stars.
        half_stars: i64,
    },
    /// Viewers who liked this movie (which the viewer liked, or is looking at) liked it too.
    PopularWithViewersWhoLiked {
        /// That movie.
        movie_id: i64,
        /// Its title.
        title: String,
    },
    /// Among the most-rated movies in a genre (cold start).
    PopularIn {
        /// The genre's name.
        genre: String,
    },
    /// In a genre the viewer likes, though nobody has rated it yet (cold start).
    InGenre {
        /// The genre's name.
        genre: String,
    },
    /// It shares genres or people with the movie being looked at (no model knows it yet).
    SharesGenresOrPeople,
    /// Among the most-rated movies overall.
    Popular,
    /// Nobody has rated anything like it yet: one of the catalog's movies to start with.
    StartHere,
}
