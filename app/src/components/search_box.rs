//! Search-as-you-type in the header: a combobox whose suggestions are movies. Arrow keys move
//! through them, Enter opens the highlighted one (or the full results), Escape closes the list.
//! Without WebAssembly it is a plain GET form to the results page.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::catalog::{CatalogQuery, MovieCardView, suggest_movies};

/// Milliseconds of quiet typing before suggestions are fetched.
const DEBOUNCE_MS: u64 = 120;

/// The suggestion highlighted after an arrow key, among `n` (more than none): down from none is
/// the first, up from none the last, and both wrap around.
fn step(active: Option<usize>, n: usize, down: bool) -> usize {
    match (active, down) {
        (None, true) => 0,
        (None, false) => n - 1,
        (Some(i), true) => (i + 1) % n,
        (Some(i), false) => (i + n - 1) % n,
    }
}

/// The search field's keys: arrows move through the suggestions, Escape closes them (or clears
/// the field when they are closed), Enter goes to the one chosen or searches for the text.
fn on_keys(
    text: RwSignal<String>,
    open: RwSignal<bool>,
    active: RwSignal<Option<usize>>,
    items: impl Fn() -> Vec<MovieCardView> + 'static,
    go: impl Fn(Option<MovieCardView>) + 'static,
) -> impl Fn(leptos::ev::KeyboardEvent) + 'static {
    move |ev: leptos::ev::KeyboardEvent| {
        let n = items().len();
        match ev.key().as_str() {
            key @ ("ArrowDown" | "ArrowUp") if n > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(step(*a, n, key == "ArrowDown")));
            }
            "Escape" => {
                if open.get_untracked() && n > 0 {
                    // Otherwise the browser also clears a search field on Escape.
                    ev.prevent_default();
                    open.set(false);
                    active.set(None);
                } else {
                    text.set(String::new());
                }
            }
            "Enter" => {
                ev.prevent_default();
                let chosen = active.get_untracked().and_then(|i| items().get(i).cloned());
                go(chosen);
            }
            _ => {}
        }
    }
}

/// The header's search field.
#[component]
pub fn SearchBox() -> impl IntoView {
    let navigate = use_navigate();
    let text = RwSignal::new(String::new());
    // What was typed once the typing paused; the suggestions follow it.
    let settled = RwSignal::new(String::new());
    let typed_at = StoredValue::new(0u64);
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    let suggestions = LocalResource::new(move || {
        let q = settled.get();
        async move { if q.trim().chars().count() < 2 { Vec::new() } else { suggest_movies(q).await.unwrap_or_default() } }
    });
    let items = move || suggestions.get().unwrap_or_default();
    let count = move || items().len();

    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        text.set(value.clone());
        open.set(true);
        active.set(None);
        let stamp = typed_at.get_value() + 1;
        typed_at.set_value(stamp);
        set_timeout(
            move || {
                if typed_at.get_value() == stamp {
                    settled.set(value);
                }
            },
            std::time::Duration::from_millis(DEBOUNCE_MS),
        );
    };
    let go = {
        let navigate = navigate.clone();
        move |movie: Option<MovieCardView>| {
            open.set(false);
            active.set(None);
            match movie {
                Some(movie) => {
                    text.set(String::new());
                    settled.set(String::new());
                    navigate(&format!("/movies/{}", movie.id), Default::default());
                }
                None => {
                    let q = text.get_untracked().trim().to_owned();
                    let query = CatalogQuery { q: (!q.is_empty()).then_some(q), ..CatalogQuery::default() };
                    navigate(&query.url(None), Default::default());
                }
            }
        }
    };
    let on_keydown = on_keys(text, open, active, items, go.clone());
    let expanded = move || open.get() && count() > 0;
    let on_submit = {
        let go = go.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            go(None);
        }
    };

    view! {
        <form class="site-search" role="search" action="/movies" method="get" on:submit=on_submit>
            <label for="site-search-input" class="visually-hidden">"Search movies"</label>
            <input
                id="site-search-input"
                name="q"
                type="search"
                placeholder="Search movies…"
                autocomplete="off"
                role="combobox"
                aria-autocomplete="list"
                aria-controls="site-search-suggestions"
                aria-expanded=move || expanded().to_string()
                aria-activedescendant=move || active.get().filter(|_| expanded()).map(|i| format!("suggestion-{i}"))
                prop:value=move || text.get()
                on:input=on_input
                on:keydown=on_keydown
                on:blur=move |_| set_timeout(move || open.set(false), std::time::Duration::from_millis(150))
                on:focus=move |_| open.set(true)
            />
            <ul id="site-search-suggestions" role="listbox" aria-label="Suggestions" class="suggestions" hidden=move || !expanded()>
                {move || items().into_iter().enumerate().map(|(i, movie)| {
                    let selected = move || active.get() == Some(i);
                    let go = go.clone();
                    let chosen = movie.clone();
                    view! {
                        <li id=format!("suggestion-{i}") role="option" aria-selected=move || selected().to_string()
                            class:active=selected
                            on:mousedown=move |ev| { ev.prevent_default(); go(Some(chosen.clone())); }>
                            <span class="suggestion-title">{movie.title}</span>
                            <span class="suggestion-year">{movie.year.map(|y| y.to_string()).unwrap_or_default()}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::step;

    #[test]
    fn arrows_start_at_either_end_and_wrap_around() {
        assert_eq!(step(None, 3, true), 0);
        assert_eq!(step(None, 3, false), 2);
        assert_eq!(step(Some(2), 3, true), 0);
        assert_eq!(step(Some(0), 3, false), 2);
        assert_eq!(step(Some(1), 3, true), 2);
    }
}
