//! "Find the film" on the new-movie page: search TMDb (or the offline catalog) as you type, pick
//! a film, and the editor below fills with its facts for the admin to review before saving.

use std::time::Duration;

use leptos::{prelude::*, task::spawn_local};

use super::{edit::Draft, history::field_label};
use crate::{
    api::{
        catalog::MovieView,
        metadata::{
            MetadataHitView, MetadataSearchView, RefreshView, apply_refresh, find_metadata, metadata_draft,
            refresh_preview,
        },
    },
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
                                hit_row(hit, move |chosen| choose(chosen, provider.clone()))
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

/// One hit of the finder: its poster, title, year, original title and directors, and the
/// button that takes it.
fn hit_row(hit: MetadataHitView, on_use: impl Fn(MetadataHitView) + 'static) -> impl IntoView {
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
                on:click=move |_| on_use(chosen.clone())>"Use this"</button>
        </li>
    }
}

/// "Refresh from TMDb" on an imported movie's page (admins, view mode): TMDb's values beside
/// ours, field by field; the ones ticked are saved under the usual version check.
#[component]
pub fn RefreshFromTmdb(movie: RwSignal<MovieView>, editing: Signal<bool>, is_admin: Signal<bool>) -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let preview = RwSignal::new(None::<Result<RefreshView, AppError>>);
    let chosen = RwSignal::new(Vec::<String>::new());
    let loading = RwSignal::new(false);
    let load = move |_| {
        let id = movie.with_untracked(|m| m.id);
        loading.set(true);
        spawn_local(async move {
            let found = refresh_preview(id).await;
            chosen.set(Vec::new());
            preview.set(Some(found));
            loading.set(false);
        });
    };
    let apply = Action::new(move |(id, version, fields): &(i64, i64, Vec<String>)| {
        apply_refresh(*id, *version, fields.clone())
    });
    Effect::new(move |_| {
        if let Some(Ok(saved)) = apply.value().get() {
            movie.set(saved);
            preview.set(None);
            apply.value().set(None);
            toasts.say("Refreshed from TMDb.");
        }
    });
    let take = move |_| {
        if let Some(Ok(p)) = preview.get_untracked() {
            apply.dispatch((movie.with_untracked(|m| m.id), p.version, chosen.get_untracked()));
        }
    };
    view! {
        <Show when=move || is_admin.get() && !editing.get() && movie.with(|m| m.tmdb_id.is_some())>
            <div class="refresh-from-tmdb">
                <button type="button" class="button secondary" on:click=load disabled=move || loading.get()>
                    {move || if loading.get() { "Asking TMDb…" } else { "Refresh from TMDb" }}
                </button>
                {move || match preview.get() {
                    None => ().into_any(),
                    Some(Err(e)) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
                    Some(Ok(p)) if p.changes.is_empty() => view! { <p>"Nothing here differs from TMDb."</p> }.into_any(),
                    Some(Ok(p)) => view! {
                        <section class="refresh-changes" aria-label="Changes from TMDb">
                            <table>
                                <thead><tr><th scope="col">"Take"</th><th scope="col">"Here"</th><th scope="col">"On TMDb"</th></tr></thead>
                                <tbody>
                                    {p.changes.into_iter().map(|c| {
                                        let field = c.field.clone();
                                        let id = format!("refresh-{}", c.field);
                                        let label = format!("Take TMDb's {}", field_label(&c.field));
                                        let toggle = move |ev: leptos::ev::Event| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|list| {
                                                list.retain(|f| *f != field);
                                                if on { list.push(field.clone()); }
                                            });
                                        };
                                        view! {
                                            <tr>
                                                <td><input type="checkbox" id=id.clone() on:change=toggle /><label for=id>{label}</label></td>
                                                <td>{if c.ours.is_empty() { "—".to_owned() } else { c.ours }}</td>
                                                <td>{if c.theirs.is_empty() { "—".to_owned() } else { c.theirs }}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <button type="button" class="button" on:click=take
                                disabled=move || chosen.with(Vec::is_empty) || apply.pending().get()>"Save the ticked fields"</button>
                            <button type="button" class="button secondary" on:click=move |_| preview.set(None)>"Close"</button>
                            <p class="attribution">{TMDB_ATTRIBUTION}</p>
                        </section>
                    }.into_any(),
                }}
                {move || apply.value().get().and_then(Result::err).map(|e| {
                    let message = e.field_message("version").unwrap_or_else(|| e.to_string());
                    view! { <p role="alert" class="form-error">{message}</p> }
                })}
            </div>
        </Show>
    }
}
