//! `/history`: what the viewer played, most recent first; remove one entry or clear it all.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    api::playback::{ProgressView, WatchedView, clear_history, forget_watched, watch_history},
    components::movie_card::MovieCard,
    error::AppError,
    format::utc_time,
    pages::watch::clock,
};

/// "Watched on …" or "Stopped at 12:34 of 1:30:00".
pub fn describe(progress: &ProgressView) -> String {
    if progress.watched {
        format!("Watched · {}", utc_time(progress.updated_at))
    } else {
        format!("Stopped at {} of {}", clock(progress.position_ms), clock(progress.duration_ms))
    }
}

/// The viewer's watch history.
#[component]
pub fn HistoryPage() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    // Blocking: this answer decides the page's status (401, 403, 404), which must be set before
    // the response head is sent; a streamed page would answer 200 or 403 depending on timing.
    let entries = Resource::new_blocking(move || reload.get(), |_| watch_history());
    let forget = Action::new(move |id: &i64| {
        let id = *id;
        async move {
            let result = forget_watched(id).await;
            reload.update(|n| *n += 1);
            result
        }
    });
    let clear = Action::new(move |_: &()| async move {
        let result = clear_history().await;
        reload.update(|n| *n += 1);
        result
    });
    let confirming = RwSignal::new(false);
    let failure = move || {
        forget
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| clear.value().get().and_then(Result::err))
            .map(|e| e.to_string())
    };
    view! {
        <Title text="History" />
        <h1>"What you watched"</h1>
        {move || failure().map(|m| view! { <p role="alert" class="form-error">{m}</p> })}
        <Transition fallback=|| view! { <p class="loading">"Loading your history…"</p> }>
            {move || Suspend::new(async move { match entries.await {
                Ok(list) if list.is_empty() => view! {
                    <p class="muted" id="history-empty">"Nothing here yet. Movies you play appear here."</p>
                }.into_any(),
                Ok(list) => view! {
                    <p class="actions">
                        <Show
                            when=move || confirming.get()
                            fallback=move || view! {
                                <button type="button" class="button secondary" on:click=move |_| confirming.set(true)>"Clear history"</button>
                            }
                        >
                            <span role="alertdialog" aria-label="Clear history">
                                "Clear your whole history? This cannot be undone. "
                                <button type="button" class="button danger" disabled=move || clear.pending().get()
                                    on:click=move |_| { confirming.set(false); clear.dispatch(()); }>"Clear it"</button>
                                " "
                                <button type="button" class="button secondary" on:click=move |_| confirming.set(false)>"Keep it"</button>
                            </span>
                        </Show>
                    </p>
                    <ul class="movie-grid" id="history">
                        {list.into_iter().map(|WatchedView { movie, progress }| {
                            let (id, label) = (movie.id, format!("Remove {} from history", movie.title));
                            view! {
                                <MovieCard movie scope="history" note=Some(describe(&progress))>
                                    <button type="button" class="link-button" aria-label=label
                                        on:click=move |_| { forget.dispatch(id); }>"Remove"</button>
                                </MovieCard>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(AppError::Unauthorized) => view! {
                    <p class="notice">"Please " <A href="/login">"log in"</A> " to see your history."</p>
                }.into_any(),
                Err(e) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
            } })}
        </Transition>
    }
}
