//! Putting a movie on a list, the same way on its card and on its page: a watchlist toggle, and a
//! "Playlists" menu that ticks the playlists holding the movie and makes a new one on the spot.
//! The menu loads the viewer's playlists when opened, so a grid of cards costs no extra request.

use cinecloud_vocab::limits::LIST_NAME_CHARS;
use leptos::prelude::*;

use crate::{
    api::lists::{ListChoice, ListKind, add_to_list, create_list, lists_for_movie, remove_from_list},
    components::toast::Toasts,
};

/// The watchlist toggle and the playlists menu for one movie.
#[component]
pub fn ListButtons(
    movie_id: i64,
    /// The movie's title, to name the buttons (a grid has many).
    title: String,
    /// Whether it is on the viewer's watchlist now.
    on_watchlist: bool,
    /// Short labels, for a card.
    #[prop(default = false)]
    compact: bool,
    /// Keeps element ids unique when a page shows the movie twice (as card scopes do).
    #[prop(default = "page")]
    scope: &'static str,
) -> impl IntoView {
    view! {
        <div class="list-buttons" class:compact=compact>
            <WatchlistToggle movie_id title=title.clone() on=on_watchlist compact />
            <PlaylistMenu movie_id title compact scope />
        </div>
    }
    .into_any()
}

/// "＋ Watchlist" / "✓ Watchlist": a toggle button, pressed while the movie is on the watchlist.
#[component]
fn WatchlistToggle(movie_id: i64, title: String, on: bool, compact: bool) -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let on = RwSignal::new(on);
    let toggle = Action::new(move |add: &bool| {
        let add = *add;
        async move {
            let done = if add { add_to_list(None, movie_id).await } else { remove_from_list(None, movie_id).await };
            match done {
                Ok(()) => {
                    on.set(add);
                    toasts.say(if add { "Added to your watchlist." } else { "Removed from your watchlist." });
                }
                Err(e) => toasts.say(e.to_string()),
            }
        }
    });
    let text = move || match (on.get(), compact) {
        (true, true) => "✓ Watchlist",
        (false, true) => "＋ Watchlist",
        (true, false) => "✓ On your watchlist",
        (false, false) => "＋ Add to watchlist",
    };
    view! {
        <button
            type="button"
            class="button secondary watchlist-toggle"
            aria-label=format!("{title} on my watchlist")
            aria-pressed=move || on.get().to_string()
            disabled=move || toggle.pending().get()
            on:click=move |_| { toggle.dispatch(!on.get_untracked()); }
        >
            {text}
        </button>
    }
    .into_any()
}

/// A button that opens the viewer's playlists as checkboxes: ticking one adds the movie, unticking
/// removes it. Escape closes it and gives focus back to the button.
#[component]
fn PlaylistMenu(movie_id: i64, title: String, compact: bool, scope: &'static str) -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let open = RwSignal::new(false);
    let choices = Action::new(move |_: &()| lists_for_movie(movie_id));
    let set = Action::new(move |(id, name, add): &(i64, String, bool)| {
        let (id, name, add) = (*id, name.clone(), *add);
        async move {
            let done =
                if add { add_to_list(Some(id), movie_id).await } else { remove_from_list(Some(id), movie_id).await };
            match done {
                Ok(()) => toasts.say(if add { format!("Added to {name}.") } else { format!("Removed from {name}.") }),
                Err(e) => {
                    toasts.say(e.to_string());
                    choices.dispatch(());
                }
            }
        }
    });
    let new_name = RwSignal::new(String::new());
    let create = Action::new(move |name: &String| {
        let name = name.clone();
        async move {
            let made = async {
                let list = create_list(name, String::new(), false).await?;
                add_to_list(Some(list.id), movie_id).await?;
                Ok::<_, crate::error::AppError>(list.name)
            };
            match made.await {
                Ok(name) => {
                    new_name.set(String::new());
                    toasts.say(format!("Added to {name}."));
                    choices.dispatch(());
                }
                Err(e) => toasts.say(e.to_string()),
            }
        }
    });
    let button = NodeRef::<leptos::html::Button>::new();
    let panel_id = format!("playlists-{scope}-{movie_id}");
    let name_id = format!("{panel_id}-name");
    let label = format!("Playlists for {title}");
    let checkboxes = move |all: Vec<ListChoice>| {
        let playlists: Vec<ListChoice> = all.into_iter().filter(|c| c.list.kind == ListKind::Playlist).collect();
        if playlists.is_empty() {
            return view! { <p class="hint">"No playlists yet."</p> }.into_any();
        }
        playlists
            .into_iter()
            .map(|ListChoice { list, holds }| {
                let (id, name) = (list.id, list.name.clone());
                view! {
                    <label class="check">
                        <input type="checkbox" checked=holds on:change=move |ev| {
                            set.dispatch((id, name.clone(), event_target_checked(&ev)));
                        } />
                        {list.name}
                    </label>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <div class="playlist-menu" on:keydown=move |ev: leptos::ev::KeyboardEvent| {
            if ev.key() == "Escape" && open.get_untracked() {
                open.set(false);
                if let Some(button) = button.get_untracked() {
                    let _ = button.focus();
                }
            }
        }>
            <button
                type="button"
                class="button secondary"
                node_ref=button
                aria-label=label.clone()
                aria-expanded=move || open.get().to_string()
                aria-controls=panel_id.clone()
                on:click=move |_| {
                    let opening = !open.get_untracked();
                    open.set(opening);
                    if opening {
                        choices.dispatch(());
                    }
                }
            >
                {if compact { "＋ Playlist" } else { "＋ Add to a playlist" }}
            </button>
            <Show when=move || open.get()>
                <div id=panel_id.clone() class="playlist-panel" role="group" aria-label=label.clone()>
                    {move || match choices.value().get() {
                        None => view! { <p class="hint">"Loading your playlists…"</p> }.into_any(),
                        Some(Err(e)) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
                        Some(Ok(all)) => checkboxes(all),
                    }}
                    <form class="new-playlist" on:submit=move |ev| {
                        ev.prevent_default();
                        let name = new_name.get_untracked();
                        if !name.trim().is_empty() {
                            create.dispatch(name);
                        }
                    }>
                        <label for=name_id.clone() class="visually-hidden">"New playlist name"</label>
                        <input id=name_id.clone() placeholder="New playlist" maxlength=LIST_NAME_CHARS required
                            prop:value=move || new_name.get()
                            on:input=move |ev| new_name.set(event_target_value(&ev)) />
                        <button type="submit" class="button" disabled=move || create.pending().get()>"Create"</button>
                    </form>
                </div>
            </Show>
        </div>
    }
    .into_any()
}
