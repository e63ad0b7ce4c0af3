//! What the pages say about the shared vocabulary's values: the sentence for a rating or a
//! recommendation's reason, the label of a sort or a role change. The values come from
//! `cinecloud_vocab`; the words people read are all here, keyed on its variants, so that a
//! translation replaces this module's strings and nothing else.

use cinecloud_vocab::{RatingSummary, Reason, Role, Sort};

/// Something the pages put into words.
pub trait Describe {
    /// The value as a sentence.
    fn describe(&self) -> String;
}

impl Describe for RatingSummary {
    /// "Rated 3.5 out of 5 by 12 viewers", or "No ratings yet".
    fn describe(&self) -> String {
        match (self.average(), self.count) {
            (None, _) => "No ratings yet".to_owned(),
            (Some(a), 1) => format!("Rated {a:.1} out of 5 by 1 viewer"),
            (Some(a), n) => format!("Rated {a:.1} out of 5 by {n} viewers"),
        }
    }
}

impl Describe for Reason {
    fn describe(&self) -> String {
        match self {
            Reason::BecauseYouRated { title, half_stars, .. } => {
                format!("Because you rated {title} {}", stars(*half_stars))
            }
            Reason::PopularWithViewersWhoLiked { title, .. } => format!("Popular with viewers who liked {title}"),
            Reason::PopularIn { genre } => format!("Popular in {genre}"),
            Reason::InGenre { genre } => format!("Because you like {genre}"),
            Reason::SharesGenresOrPeople => "Shares genres or people with this movie".into(),
            Reason::Popular => "Popular on Cinecloud".into(),
            Reason::StartHere => "A good place to start".into(),
        }
    }
}

/// A movie's mean rating with one decimal, "3.5"; "–" when unrated.
pub fn short_rating(rating: &RatingSummary) -> String {
    rating.average().map_or_else(|| "–".to_owned(), |a| format!("{a:.1}"))
}

/// Half stars as people write them: 9 → "4½★".
pub fn stars(half_stars: i64) -> String {
    match (half_stars / 2, half_stars % 2 == 1) {
        (0, _) => "½★".into(),
        (whole, true) => format!("{whole}½★"),
        (whole, false) => format!("{whole}★"),
    }
}

/// A sort's name in the browse page's "Sort by" list.
pub fn sort_label(sort: Sort) -> &'static str {
    match sort {
        Sort::Relevance => "Best match",
        Sort::Title => "Title",
        Sort::YearNewest => "Newest first",
        Sort::YearOldest => "Oldest first",
        Sort::RecentlyAdded => "Recently added",
        Sort::Rating => "Top rated",
    }
}

/// The button that gives an account `role`.
pub fn make_role(role: Role) -> &'static str {
    match role {
        Role::Admin => "Make admin",
        Role::Viewer => "Make viewer",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_sentences() {
        let rated = Reason::BecauseYouRated { movie_id: 1, title: "Metropolis".into(), half_stars: 10 };
        assert_eq!(rated.describe(), "Because you rated Metropolis 5★");
        assert_eq!(stars(9), "4½★");
        assert_eq!(stars(1), "½★");
        let liked = Reason::PopularWithViewersWhoLiked { movie_id: 2, title: "Nosferatu".into() };
        assert_eq!(liked.describe(), "Popular with viewers who liked Nosferatu");
        assert_eq!(Reason::PopularIn { genre: "Horror".into() }.describe(), "Popular in Horror");
    }

    #[test]
    fn ratings_read_as_sentences_and_figures() {
        assert_eq!(RatingSummary::default().describe(), "No ratings yet");
        assert_eq!(short_rating(&RatingSummary::default()), "–");
        assert_eq!(RatingSummary::from_sum(1, 7).describe(), "Rated 3.5 out of 5 by 1 viewer");
        assert_eq!(RatingSummary::from_sum(4, 29).describe(), "Rated 3.6 out of 5 by 4 viewers");
        assert_eq!(short_rating(&RatingSummary::from_sum(4, 29)), "3.6");
    }

    #[test]
    fn every_sort_and_role_has_a_label() {
        let labels: Vec<&str> = Sort::ALL.iter().map(|s| sort_label(*s)).collect();
        assert_eq!(labels, ["Best match", "Title", "Newest first", "Oldest first", "Recently added", "Top rated"]);
        assert_eq!([make_role(Role::Admin), make_role(Role::Viewer)], ["Make admin", "Make viewer"]);
    }
}
