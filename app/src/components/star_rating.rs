//! The star control: ten radio buttons, one per half star, drawn as five stars. Arrow keys move
//! between them as in any radio group, a screen reader announces "3 and a half stars", and a
//! Clear button removes the rating.

use leptos::prelude::*;

use crate::api::ratings::{RatingSummary, rate_movie};

/// "half a star", "1 star", "3 and a half stars", "5 stars".
pub fn stars_label(half_stars: i64) -> String {
    match (half_stars / 2, half_stars % 2) {
        (0, _) => "half a star".to_owned(),
        (1, 0) => "1 star".to_owned(),
        (1, _) => "1 and a half stars".to_owned(),
        (n, 0) => format!("{n} stars"),
        (n, _) => format!("{n} and a half stars"),
    }
}

/// The signed-in viewer's rating of one movie. `summary` receives the movie's new average after
/// each change. `compact` is the card's version: named "Rate {title}", no status line, a small
/// "×" to clear; `scope` keeps element ids unique when a movie is on a page more than once.
#[component]
pub fn StarRating(
    movie_id: i64,
    mine: Option<i64>,
    summary: RwSignal<RatingSummary>,
    /// Draw the small version for a card.
    #[prop(default = false)]
    compact: bool,
    /// The movie's title, for the compact version's name.
    #[prop(default = String::new())]
    title: String,
    /// Prefix of the radios' ids.
    #[prop(default = "rating")]
    scope: &'static str,
) -> impl IntoView {
    let mine = RwSignal::new(mine);
    let hover = RwSignal::new(None::<i64>);
    let rate = Action::new(move |half_stars: &Option<i64>| rate_movie(movie_id, *half_stars));
    Effect::new(move |_| {
        if let Some(Ok(view)) = rate.value().get() {
            summary.set(view);
        }
    });
    let choose = move |half_stars: Option<i64>| {
        mine.set(half_stars);
        rate.dispatch(half_stars);
    };
    let shown = move || hover.get().or(mine.get()).unwrap_or(0);
    // "You rated it …" only once the server has it: leaving the page while the request is in
    // flight can cancel it.
    let status = move || match rate.value().get() {
        Some(Err(e)) => e.to_string(),
        _ if rate.pending().get() => "Saving your rating…".to_owned(),
        _ => match mine.get() {
            Some(h) => format!("You rated it {}.", stars_label(h)),
            None => "Not rated yet.".to_owned(),
        },
    };
    let name = format!("{scope}-{movie_id}");
    let legend = if compact { format!("Rate {title}") } else { "Your rating".to_owned() };
    let clear_label = format!("Clear your rating of {title}");
    view! {
        <fieldset class="star-rating" class:compact=compact>
            <legend class:visually-hidden=compact>{legend}</legend>
            <div class="stars" on:mouseleave=move |_| hover.set(None)>
                {(1..=10)
                    .map(|h| {
                        let id = format!("{name}-{h}");
                        view! {
                            <input type="radio" class="visually-hidden" name=name.clone() id=id.clone() value=h.to_string()
                                prop:checked=move || mine.get() == Some(h)
                                on:change=move |_| choose(Some(h)) />
                            <label for=id class="half" class:right=h % 2 == 0 class:on=move || h <= shown()
                                on:mouseenter=move |_| hover.set(Some(h))>
                                <span class="visually-hidden">{stars_label(h)}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
            {if compact {
                view! {
                    <Show when=move || mine.get().is_some()>
                        <button type="button" class="link-button clear-rating" aria-label=clear_label.clone()
                            on:click=move |_| choose(None)>"×"</button>
                    </Show>
                }
                .into_any()
            } else {
                view! {
                    <button type="button" class="button secondary small" disabled=move || mine.get().is_none() || rate.pending().get()
                        on:click=move |_| choose(None)>"Clear rating"</button>
                    <p class="rating-status" aria-live="polite">{status}</p>
                }
                .into_any()
            }}
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn labels_read_naturally() {
        let labels: Vec<_> = [1, 2, 3, 7, 10].into_iter().map(super::stars_label).collect();
        assert_eq!(labels, ["half a star", "1 star", "1 and a half stars", "3 and a half stars", "5 stars"]);
    }
}
