//! A movie as a card in a grid.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::words::{Describe, short_rating};
use crate::{
    api::catalog::{CoverView, MovieCardView},
    components::{add_to_list::ListButtons, star_rating::StarRating},
};

/// How many cards of a grid a phone shows in its first screen, or nearly (two rows of two).
pub const FIRST_SCREEN: usize = 4;

/// The initials shown on a movie without cover art.
fn initials(title: &str) -> String {
    title.split_whitespace().filter_map(|w| w.chars().next()).filter(|c| c.is_alphanumeric()).take(2).collect()
}

/// A movie's cover at the size the layout needs (`sizes`), or a tinted placeholder with its
/// initials. Decorative: the title is always next to it.
#[component]
pub fn Cover(
    /// The cover, if the movie has one.
    cover: Option<CoverView>,
    /// Picks the placeholder's tint.
    id: i64,
    /// For the placeholder's initials.
    title: String,
    /// How wide the image is shown, for `srcset` (e.g. `"(max-width: 480px) 45vw, 160px"`).
    sizes: &'static str,
    /// Extra classes (`large` on the movie page).
    #[prop(default = "")]
    class: &'static str,
    /// Load at once (covers in the first screen) instead of when scrolled near.
    #[prop(default = false)]
    eager: bool,
    /// The page's likely largest image in the first screen: loaded first of all (and at once).
    #[prop(default = false)]
    lead: bool,
) -> impl IntoView {
    match cover {
        Some(cover) => view! {
            <img
                class=format!("cover {class}")
                src=cover.card.clone()
                srcset=cover.srcset.clone()
                sizes=sizes
                alt=""
                width="320"
                height="480"
                loading=if eager || lead { "eager" } else { "lazy" }
                fetchpriority=if lead { "high" } else { "auto" }
                decoding="async"
            />
        }
        .into_any(),
        None => view! {
            <div class=format!("cover placeholder {class} tone-{}", id.rem_euclid(8)) aria-hidden="true">
                {initials(&title)}
            </div>
        }
        .into_any(),
    }
}

/// One card: cover (or a tinted placeholder), title, year and rating.
#[component]
pub fn MovieCard(
    movie: MovieCardView,
    /// A line under the title, e.g. the character a person played.
    #[prop(default = None)]
    note: Option<String>,
    /// Prefix of the star control's ids, unique per list on a page (a movie may be in two).
    #[prop(default = "card")]
    scope: &'static str,
    /// Where in its grid the card is: the first few are in the first screen, so their covers load
    /// at once (the first one before anything else) instead of when scrolled near.
    #[prop(default = usize::MAX)]
    position: usize,
    /// Offer the watchlist toggle and playlists menu (a list's own page has its own controls).
    #[prop(default = true)]
    lists: bool,
    /// More below the link: a recommendation's reason, a button.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let summary = RwSignal::new(movie.rating);
    let describe = move || summary.get().describe();
    let stars = movie.can_rate.then(|| {
        view! { <StarRating movie_id=movie.id mine=movie.mine summary compact=true title=movie.title.clone() scope /> }
            .into_any()
    });
    let list_buttons = (movie.can_rate && lists).then(|| {
        view! { <ListButtons movie_id=movie.id title=movie.title.clone() on_watchlist=movie.on_watchlist compact=true scope /> }
            .into_any()
    });
    view! {
        <li
            class="movie-card"
            // A finger's touch fires `pointerover` too, before the tap.
            on:pointerover=move |_| crate::warm_movie_page()
            on:focusin=move |_| crate::warm_movie_page()
        >
            <A href=format!("/movies/{}", movie.id)>
                <Cover
                    cover=movie.cover.clone()
                    id=movie.id
                    title=movie.title.clone()
                    sizes="(max-width: 480px) 45vw, 160px"
                    eager=position < FIRST_SCREEN
                    lead=position == 0
                />
                <span class="card-title">{movie.title.clone()}</span>
                {note.map(|n| view! { <span class="card-note">{n}</span> })}
                <span class="card-meta">
                    <span>{movie.year.map(|y| y.to_string()).unwrap_or_default()}</span>
                    <span class="card-rating" title=describe aria-label=describe>
                        {move || summary.with(|r| format!("{} {}", if r.count > 0 { "★" } else { "☆" }, short_rating(r)))}
                    </span>
                </span>
            </A>
            {stars}
            {list_buttons}
            {children.map(|c| c())}
        </li>
    }
    .into_any()
}

/// Grey cards shown while a page of movies loads.
#[component]
pub fn MovieGridSkeleton() -> impl IntoView {
    view! {
        <ul class="movie-grid" aria-hidden="true">
            {(0..12).map(|_| view! { <li class="movie-card skeleton"><div class="cover"></div><span class="card-title"></span></li> }).collect_view()}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn initials_skip_punctuation() {
        assert_eq!(super::initials("The Kid"), "TK");
        assert_eq!(super::initials("D.O.A."), "D");
        assert_eq!(super::initials("8½"), "8");
    }
}
