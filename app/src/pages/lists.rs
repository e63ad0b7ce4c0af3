//! The viewer's lists (`/lists`) and one list (`/lists/:id`): create a playlist; rename,
//! describe, publish, delete it; move movies up and down from the keyboard; remove them. A public
//! list's page is its share link and works without an account.

use cinecloud_vocab::limits::{LIST_DESCRIPTION_CHARS, LIST_NAME_CHARS};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_params_map, use_query_map},
};

use crate::{
    api::lists::{
        CreateList, ListKind, ListSummaryView, ListView, UpdateList, delete_list, get_list, move_in_list, my_lists,
        remove_from_list,
    },
    components::{
        form::{FormError, last_error},
        movie_card::MovieCard,
        pager::pager,
        toast::Toasts,
    },
    error::AppError,
};

/// "3 movies", "1 movie", "No movies yet".
fn count_label(n: i64) -> String {
    match n {
        0 => "No movies yet".to_owned(),
        1 => "1 movie".to_owned(),
        n => format!("{n} movies"),
    }
}

/// The signed-in viewer's watchlist and playlists, and a form for a new playlist.
#[component]
pub fn MyListsPage() -> impl IntoView {
    let create = ServerAction::<CreateList>::new();
    // Blocking: this answer decides the page's status (401, 403, 404), which must be set before
    // the response head is sent; a streamed page would answer 200 or 403 depending on timing.
    let lists = Resource::new_blocking(move || create.version().get(), |_| my_lists());
    let error = last_error(create);
    view! {
        <Title text="My lists" />
        <section class="wide-page">
            <h1>"My lists"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading your lists…"</p> }>
                {move || Suspend::new(async move { match lists.await {
                    Ok(lists) => view! { <ListTable lists /> }.into_any(),
                    Err(AppError::Unauthorized) => view! {
                        <p><A href="/login">"Log in"</A><span>" to keep a watchlist and playlists."</span></p>
                    }.into_any(),
                    Err(e) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
                } })}
            </Suspense>
            <h2>"New playlist"</h2>
            <ActionForm action=create attr:class="stacked-form">
                <FormError error />
                <div class="field">
                    <label for="new-list-name">"Name"</label>
                    <input id="new-list-name" name="name" required maxlength=LIST_NAME_CHARS />
                </div>
                <div class="field">
                    <label for="new-list-description">"Description"</label>
                    <textarea id="new-list-description" name="description" maxlength=LIST_DESCRIPTION_CHARS></textarea>
                </div>
                <label class="check"><input type="checkbox" name="is_public" value="true" />" Public: anyone with the link can see it"</label>
                <button type="submit" class="button">"Create playlist"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn ListTable(lists: Vec<ListSummaryView>) -> impl IntoView {
    // The watchlist is made by the first add to it; until then it is shown, empty, without a link.
    let no_watchlist_yet = !lists.iter().any(|l| l.kind == ListKind::Watchlist);
    view! {
        <ul class="list-summaries">
            {no_watchlist_yet.then(|| view! {
                <li>
                    <span>"Watchlist"</span>
                    <span class="muted">{count_label(0)}</span>
                    <span class="badge">"Private"</span>
                </li>
            })}
            {lists.into_iter().map(|l| view! {
                <li>
                    <A href=format!("/lists/{}", l.id)>{l.name.clone()}</A>
                    <span class="muted">{count_label(l.movie_count)}</span>
                    <span class="badge">{if l.is_public { "Public" } else { "Private" }}</span>
                </li>
            }).collect_view()}
        </ul>
    }
}

/// One list: its movies in order, and for its owner the controls to change it.
#[component]
pub fn ListPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok());
    let page = move || query.read().get("page").and_then(|v| v.parse::<u32>().ok());
    let reload = RwSignal::new(0u32);
    let update = ServerAction::<UpdateList>::new();
    let list = Resource::new(
        move || (id(), page(), reload.get(), update.version().get()),
        |(id, page, _, _)| async move {
            match id {
                Some(id) => get_list(id, page).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the list…"</p> }>
            {move || Suspend::new(async move { match list.await {
                Ok(view) => view! { <ListBody view reload update /> }.into_any(),
                Err(AppError::NotFound) => view! { <crate::pages::not_found::NotFound /> }.into_any(),
                Err(e) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
            } })}
        </Suspense>
    }
}

#[component]
fn ListBody(view: ListView, reload: RwSignal<u32>, update: ServerAction<UpdateList>) -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let ListView { list, mine, movies, page, page_count, offset, watched, watched_count } = view;
    let list_id = list.id;
    // Positions are in the whole list, not this page: a move from page 2 names its real place.
    let count = list.movie_count as usize;
    let watched_label = (watched_count > 0).then(|| format!(" · you have watched {watched_count} of {count}"));
    let change = Action::new(move |(movie_id, to): &(i64, Option<usize>)| {
        let (movie_id, to) = (*movie_id, *to);
        async move {
            let result = match to {
                Some(index) => move_in_list(list_id, movie_id, index).await,
                None => remove_from_list(Some(list_id), movie_id).await,
            };
            match result {
                Ok(()) => reload.update(|n| *n += 1),
                Err(e) => toasts.say(e.to_string()),
            }
        }
    });
    // Drag and drop: the card being dragged, and where it is dropped (found from the drop target).
    let dragged = RwSignal::new(None::<i64>);
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        let Some(movie_id) = dragged.get_untracked() else { return };
        dragged.set(None);
        if let Some(index) = drop_index(&ev) {
            change.dispatch((movie_id, Some(offset + index)));
        }
    };
    let navigate = use_navigate();
    let remove_list = Action::new(move |_: &()| async move { delete_list(list_id).await });
    Effect::new(move |_| {
        if let Some(Ok(())) = remove_list.value().get() {
            toasts.say("Playlist deleted.");
            navigate("/lists", Default::default());
        }
    });
    let error = last_error(update);
    let share = list.is_public.then(|| format!("/lists/{list_id}"));
    let is_watchlist = list.kind == ListKind::Watchlist;
    let (name, description) = (list.name.clone(), list.description.clone());
    let editor = mine.then(move || {
        view! {
            <details class="list-editor">
                <summary>"Edit list"</summary>
                <ActionForm action=update attr:class="stacked-form">
                    <FormError error />
                    <input type="hidden" name="id" value=list_id />
                    <div class="field">
                        <label for="list-name">"Name"</label>
                        <input id="list-name" name="name" required maxlength=LIST_NAME_CHARS value=name readonly=is_watchlist />
                    </div>
                    <div class="field">
                        <label for="list-description">"Description"</label>
                        <textarea id="list-description" name="description" maxlength=LIST_DESCRIPTION_CHARS>{description}</textarea>
                    </div>
                    <label class="check">
                        <input type="checkbox" name="is_public" value="true" checked=list.is_public />
                        " Public: anyone with the link can see it"
                    </label>
                    <button type="submit" class="button">"Save list"</button>
                </ActionForm>
                {(!is_watchlist).then(|| view! {
                    <button type="button" class="button danger" on:click=move |_| { remove_list.dispatch(()); }>"Delete playlist"</button>
                })}
            </details>
        }
    });
    view! {
        <Title text=list.name.clone() />
        <section class="wide-page list-page">
            <div class="row-heading">
                <h1>{list.name.clone()}</h1>
                <span class="badge">{if list.is_public { "Public" } else { "Private" }}</span>
            </div>
            {(!list.description.is_empty()).then(|| view! { <p class="lead">{list.description.clone()}</p> })}
            {share.map(|path| view! {
                <p class="share">"Share link: " <A href=path.clone()>{path.clone()}</A></p>
            })}
            {editor}
            <p class="muted">{count_label(count as i64)}{watched_label}</p>
            <ol
                class="movie-grid list-items"
                aria-label="Movies on this list"
                on:dragover=move |ev: leptos::ev::DragEvent| if dragged.get_untracked().is_some() { ev.prevent_default(); }
                on:drop=on_drop
            >
                {movies.into_iter().enumerate().map(|(on_page, movie)| {
                    let index = offset + on_page;
                    let (movie_id, title) = (movie.id, movie.title.clone());
                    let note = watched.contains(&movie_id).then(|| "✓ Watched".to_owned());
                    let controls = mine.then(|| view! {
                        <div class="list-controls">
                            <span class="drag-handle" draggable="true" title="Drag to reorder"
                                aria-hidden="true"
                                on:dragstart=move |ev: leptos::ev::DragEvent| {
                                    dragged.set(Some(movie_id));
                                    if let Some(data) = ev.data_transfer() {
                                        let _ = data.set_data("text/plain", &movie_id.to_string());
                                        data.set_effect_allowed("move");
                                    }
                                }
                                on:dragend=move |_| dragged.set(None)>"⠿"</span>
                            <button type="button" class="link-button" disabled=index == 0
                                aria-label=format!("Move {title} up")
                                on:click=move |_| { change.dispatch((movie_id, Some(index.saturating_sub(1)))); }>"↑ Up"</button>
                            <button type="button" class="link-button" disabled=index + 1 == count
                                aria-label=format!("Move {title} down")
                                on:click=move |_| { change.dispatch((movie_id, Some(index + 1))); }>"↓ Down"</button>
                            <button type="button" class="link-button"
                                aria-label=format!("Remove {title} from this list")
                                on:click=move |_| { change.dispatch((movie_id, None)); }>"Remove"</button>
                        </div>
                    });
                    view! { <MovieCard movie scope="list" note=note lists=!mine>{controls}</MovieCard> }
                }).collect_view()}
            </ol>
            {pager(page, page_count, move |p| format!("/lists/{list_id}?page={p}"))}
        </section>
    }
    .into_any()
}

/// The position in the list of the card a drag ended over (`None` outside any card).
fn drop_index(ev: &leptos::ev::DragEvent) -> Option<usize> {
    use wasm_bindgen::JsCast;
    let target: web_sys::Element = ev.target()?.dyn_into().ok()?;
    let card = target.closest("ol.list-items > li").ok()??;
    let list = card.parent_element()?;
    let cards = list.children();
    (0..cards.length()).position(|i| cards.item(i).as_ref() == Some(&card))
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_read_naturally() {
        assert_eq!(super::count_label(0), "No movies yet");
        assert_eq!(super::count_label(1), "1 movie");
        assert_eq!(super::count_label(12), "12 movies");
    }
}
