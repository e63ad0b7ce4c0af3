//! "Add to watchlist" and "Add to a playlist…" on a movie's page. The viewer's playlists load when
//! asked for, so the page itself needs no extra request.

use leptos::prelude::*;

use crate::{
    api::lists::{ListSummaryView, add_to_list, my_lists},
    components::toast::Toasts,
};

/// The two ways to put one movie on a list.
#[component]
pub fn AddToList(movie_id: i64) -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let lists = Action::new(|_: &()| my_lists());
    let chosen = RwSignal::new(None::<ListSummaryView>);
    let add = Action::new(move |list: &Option<ListSummaryView>| {
        let list = list.clone();
        async move {
            let name = list.as_ref().map_or_else(|| "your watchlist".to_owned(), |l| l.name.clone());
            match add_to_list(list.map(|l| l.id), movie_id).await {
                Ok(()) => toasts.say(format!("Added to {name}.")),
                Err(e) => toasts.say(e.to_string()),
            }
        }
    });
    let select_id = format!("playlist-for-{movie_id}");
    view! {
        <div class="add-to-list">
            <button type="button" class="button secondary" on:click=move |_| { add.dispatch(None); }>"Add to watchlist"</button>
            {move || match lists.value().get() {
                None => view! {
                    <button type="button" class="button secondary" on:click=move |_| { lists.dispatch(()); }>"Add to a playlist…"</button>
                }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
                Some(Ok(all)) => {
                    let playlists: Vec<ListSummaryView> = all.into_iter().filter(|l| l.kind == "playlist").collect();
                    if playlists.is_empty() {
                        return view! { <p class="hint">"No playlists yet: make one under " <a href="/lists">"My lists"</a>"."</p> }.into_any();
                    }
                    chosen.set(playlists.first().cloned());
                    let options = playlists.clone();
                    view! {
                        <span class="playlist-picker">
                            <label for=select_id.clone()>"Playlist"</label>
                            <select id=select_id.clone() on:change=move |ev| {
                                let id: i64 = event_target_value(&ev).parse().unwrap_or_default();
                                chosen.set(options.iter().find(|l| l.id == id).cloned());
                            }>
                                {playlists.iter().map(|l| view! { <option value=l.id>{l.name.clone()}</option> }).collect_view()}
                            </select>
                            <button type="button" class="button" on:click=move |_| {
                                if let Some(list) = chosen.get() {
                                    add.dispatch(Some(list));
                                }
                            }>"Add to playlist"</button>
                        </span>
                    }.into_any()
                }
            }}
        </div>
    }
}
