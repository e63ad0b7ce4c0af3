//! A movie as a card in a grid.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::catalog::MovieCardView;

/// The initials shown on a movie without cover art.
fn initials(title: &str) -> String {
    title.split_whitespace().filter_map(|w| w.chars().next()).filter(|c| c.is_alphanumeric()).take(2).collect()
}

/// One card: cover (or a tinted placeholder), title, year.
#[component]
pub fn MovieCard(movie: MovieCardView) -> impl IntoView {
    let tone = format!("cover placeholder tone-{}", movie.id.rem_euclid(8));
    view! {
        <li class="movie-card">
            <A href=format!("/movies/{}", movie.id)>
                <div class=tone aria-hidden="true">{initials(&movie.title)}</div>
                <span class="card-title">{movie.title.clone()}</span>
                <span class="card-meta">{movie.year.map(|y| y.to_string()).unwrap_or_default()}</span>
            </A>
        </li>
    }
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
