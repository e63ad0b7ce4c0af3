//! "Find the film" on the new-movie page: search TMDb (or the offline catalog) as you type, pick
//! a film, and the editor below fills with its facts for the admin to review before saving.

use std::time::Duration;

use leptos::{prelude::*, task::spawn_local};

use super::edit::Draft;
use crate::{
    api::metadata::{MetadataHitView, MetadataSearchView, find_metadata, metadata_draft},
    components::toast::Toasts,
    error::AppError,
};

/// How long typing must pause before a search is sent.
const DEBOUNCE: Duration = Duration::from_millis(300);

/// TMDb's required notice, shown wherever its data is offered.
pub const TMDB_ATTRIBUTION: &str = "This product uses the TMDB API but is not endorsed or certified by TMDB.";

/// The film an import is made from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pick {
    /// The provider's id.
    pub id: i64,
    /// Its title (for the note under the search).
    pub title: String,
    /// Who it came from.
    pub provider: String,
    /// Whether its poster comes with it.
    pub has_poster: bool,
}

/// The search box, its hits, and the note saying what the save will import.
#[component]
pub fn MetadataFinder(
    draft: Draft,
    pick: RwSignal<Option<Pick>>,
    /// The last save's error (an import of a film already here names the field `import`).
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let results = RwSignal::new(None::<Result<MetadataSearchView, AppError>>);
    let searching = RwSignal::new(false);
    // Only the answer to the latest query is shown: an older, slower one is dropped.
    let latest = StoredValue::new(0u64);
    let on_input = move |ev: leptos::ev::Event| {
        let query = event_target_value(&ev);
        let turn = latest.get_value() + 1;
        latest.set_value(turn);
        if query.trim().chars().count() < 2 {
            results.set(None);
            return;
        }
        set_timeout(
            move || {
                if latest.get_value() != turn {
                    return;
                }
                searching.set(true);
                spawn_local(async move {
                    let found = find_metadata(query).await;
                    if latest.get_value() == turn {
                        results.set(Some(found));
                        searching.set(false);
                    }
                });
            },
            DEBOUNCE,
        );
    };
    let provider =
        Signal::derive(move || results.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(|r| r.provider.clone())));
    let choose = move |hit: MetadataHitView, provider: String| {
        spawn_local(async move {
            match metadata_draft(hit.id).await {
                Ok(found) => {
                    draft.fill(&found.form);
                    pick.set(Some(Pick {
                        id: found.id,
                        title: hit.title.clone(),
                        provider,
                        has_poster: found.has_poster,
                    }));
                    results.set(None);
                    toasts.say(format!("Filled in “{}”: review it, then create the movie.", hit.title));
                }
                Err(e) => toasts.say(e.to_string()),
            }
        });
    };
    let import_error = move || error.get().and_then(|e| e.field_message("import"));
    view! {
        <section class="metadata-finder" aria-labelledby="finder-heading">
            <h2 id="finder-heading">"Find the film"</h2>
            <label for="metadata-query">"Search by title, and year if you like"</label>
            <input id="metadata-query" type="search" autocomplete="off" placeholder="Metropolis 1927" on:input=on_input />
            <p class="finder-status" aria-live="polite">
                {move || if searching.get() { "Searching…".to_owned() } else {
                    provider.get().map(|p| format!("Results from {p}.")).unwrap_or_default()
                }}
            </p>
            {move || match results.get() {
                None => ().into_any(),
                Some(Err(e)) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
                Some(Ok(found)) if found.hits.is_empty() => view! { <p>"Nothing found. Try fewer words, or another title."</p> }.into_any(),
                Some(Ok(found)) => {
                    let provider = found.provider.clone();
                    view! {
                        <ul class="metadata-hits">
                            {found.hits.into_iter().map(|hit| {
                                let provider = provider.clone();
                                let label = match hit.year {
                                    Some(year) => format!("Use {} ({year})", hit.title),
                                    None => format!("Use {}", hit.title),
                                };
                                let chosen = hit.clone();
                                view! {
                                    <li>
                                        {match hit.poster_url.clone() {
                                            Some(src) => view! { <img src=src alt="" width="46" height="69" loading="lazy" /> }.into_any(),
                                            None => view! { <span class="no-poster" aria-hidden="true"></span> }.into_any(),
                                        }}
                                        <span class="hit-text">
                                            <strong>{hit.title.clone()}</strong>
                                            {hit.year.map(|y| format!(" ({y})"))}
                                            {hit.original_title.clone().map(|o| view! { <br /><em>{o}</em> })}
                                            {(!hit.directors.is_empty()).then(|| view! { <br /><span class="hit-directors">{hit.directors.join(", ")}</span> })}
                                        </span>
                                        <button type="button" class="button secondary" aria-label=label
                                            on:click=move |_| choose(chosen.clone(), provider.clone())>"Use this"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {found.from_tmdb.then(|| view! { <p class="attribution">{TMDB_ATTRIBUTION}</p> })}
                    }.into_any()
                }
            }}
            {move || pick.get().map(|p| view! {
                <p class="finder-pick">
                    {format!("Importing “{}” from {}{}. ", p.title, p.provider, if p.has_poster { ", with its poster" } else { "" })}
                    <button type="button" class="link-button" on:click=move |_| pick.set(None)>"Don't import"</button>
                </p>
            })}
            <p role="alert" class="form-error">{import_error}</p>
        </section>
    }
}
