//! The home page.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;

use crate::words::Describe;
use crate::{
    api::{
        catalog::{CatalogQuery, MovieCardView, Sort, browse_movies},
        playback::{WatchedView, continue_watching},
        recommend::{ForYouView, RecommendedView, not_interested, recommendations, save_favourites},
    },
    components::{
        movie_card::{Cover, MovieCard, MovieGridSkeleton},
        toast::Toasts,
    },
    error::AppError,
    viewer::ViewerContext,
};

/// Greets the viewer; a signed-in viewer gets their recommendations (and, on a first visit, a
/// pick of favourite movies); everyone sees the newest movies.
#[component]
pub fn HomePage() -> impl IntoView {
    let ctx = expect_context::<ViewerContext>();
    let reload = RwSignal::new(0u32);
    // Created at page level: a resource created inside a suspended child exists twice on the
    // server but once in the browser, which then hydrates from the wrong value.
    let for_you = Resource::new(
        move || (ctx.refresh.get(), ctx.log_in.version().get(), ctx.log_out.version().get(), reload.get()),
        |_| recommendations(),
    );
    let unfinished =
        Resource::new(move || (ctx.log_in.version().get(), ctx.log_out.version().get()), |_| continue_watching());
    view! {
        <Title text="" />
        <Meta name="description" content="Cinecloud: browse, rate and stream an open movie catalog." />
        <section class="hero">
            <h1>"Cinecloud"</h1>
            <p class="lead">"An open movie catalog: find a film, rate it, and watch it on any screen."</p>
            <Transition>
                {move || Suspend::new(async move { match ctx.signed_in_later().await.map(|v| format!("Welcome back, {}.", v.display_name)) {
                    Some(text) => view! { <p class="greeting">{text}</p> }.into_any(),
                    None => view! {
                        <p class="cta">
                            <A href="/signup" attr:class="button">"Create an account"</A>
                            " "
                            <A href="/login" attr:class="button secondary">"Log in"</A>
                        </p>
                    }.into_any(),
                } })}
            </Transition>
        </section>
        <ContinueWatching unfinished />
        <ForYou for_you reload />
        <RecentlyAdded />
    }
}

/// Movies the viewer started and did not finish, each with its progress and a way straight back in.
#[component]
fn ContinueWatching(unfinished: Resource<Result<Vec<WatchedView>, AppError>>) -> impl IntoView {
    view! {
        <Transition>
            {move || Suspend::new(async move { unfinished.await.ok().filter(|list| !list.is_empty()).map(|list| view! {
                <section class="continue" aria-labelledby="continue-heading">
                    <h2 id="continue-heading">"Continue watching"</h2>
                    <ul class="movie-grid">
                        {list.into_iter().map(|WatchedView { movie, progress }| {
                            let id = movie.id;
                            let label = format!("Resume {} at {}", movie.title, crate::pages::watch::clock(progress.position_ms));
                            view! {
                                <MovieCard movie scope="continue">
                                    <progress class="watch-progress" max=progress.duration_ms value=progress.position_ms
                                        aria-label="Watched so far"></progress>
                                    <A href=format!("/watch/{id}") attr:class="resume-link" attr:aria-label=label>
                                        {format!("▶ Resume at {}", crate::pages::watch::clock(progress.position_ms))}
                                    </A>
                                </MovieCard>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }) })}
        </Transition>
    }
}

/// "Recommended for you", after the favourites pick when the viewer has not been asked yet.
#[component]
fn ForYou(for_you: Resource<Result<Option<ForYouView>, AppError>>, reload: RwSignal<u32>) -> impl IntoView {
    view! {
        <Transition>
            {move || Suspend::new(async move { for_you.await.ok().flatten().map(|view| view! {
                {(!view.favourite_choices.is_empty())
                    .then(|| view! { <FavouritesPicker choices=view.favourite_choices.clone() reload /> })}
                <Recommended items=view.items reload />
            }) })}
        </Transition>
    }
}

/// The row itself; "Not interested" removes a movie at once and for good.
#[component]
fn Recommended(items: Vec<RecommendedView>, reload: RwSignal<u32>) -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let hidden = RwSignal::new(Vec::<i64>::new());
    let dismiss = Action::new(move |(id, title): &(i64, String)| {
        let (id, title) = (*id, title.clone());
        async move {
            match not_interested(id, false).await {
                Ok(()) => {
                    toasts.say(format!("We won't recommend {title} again."));
                    reload.update(|n| *n += 1);
                }
                Err(e) => {
                    hidden.update(|h| h.retain(|x| *x != id));
                    toasts.say(e.to_string());
                }
            }
        }
    });
    let empty = items.is_empty();
    let items = StoredValue::new(items);
    view! {
        <section class="for-you" aria-labelledby="for-you-heading">
            <h2 id="for-you-heading">"Recommended for you"</h2>
            {empty.then(|| view! {
                <p class="muted">"Rate a few movies and your recommendations will appear here."</p>
            })}
            <ul class="movie-grid">
                {move || items.get_value().into_iter().filter(|item| !hidden.get().contains(&item.movie.id)).map(|item| {
                    let (id, title) = (item.movie.id, item.movie.title.clone());
                    let label = format!("Not interested in {title}");
                    view! {
                        <MovieCard movie=item.movie scope="for-you">
                            <p class="reason">{item.reason.describe()}</p>
                            <button
                                type="button"
                                class="link-button not-interested"
                                aria-label=label
                                on:click=move |_| {
                                    hidden.update(|h| h.push(id));
                                    dismiss.dispatch((id, title.clone()));
                                }
                            >
                                "Not interested"
                            </button>
                        </MovieCard>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// A first-visit question: which of these popular movies do you like? Skippable.
#[component]
fn FavouritesPicker(choices: Vec<MovieCardView>, reload: RwSignal<u32>) -> impl IntoView {
    let picked = RwSignal::new(Vec::<i64>::new());
    let save = Action::new(move |ids: &Vec<i64>| {
        let ids = ids.clone();
        async move {
            let result = save_favourites(ids).await;
            if result.is_ok() {
                reload.update(|n| *n += 1);
            }
            result
        }
    });
    let error = move || save.value().get().and_then(Result::err).map(|e| e.to_string());
    let count = move || picked.with(Vec::len);
    view! {
        <section class="favourites" aria-labelledby="favourites-heading">
            <h2 id="favourites-heading">"Which of these do you like?"</h2>
            <p class="muted">"Pick a few and your recommendations start from them — or skip this."</p>
            <ul class="pick-grid">
                {choices.into_iter().map(|movie| {
                    let id = movie.id;
                    let pressed = move || picked.with(|p| p.contains(&id));
                    view! {
                        <li>
                            <button
                                type="button"
                                class="pick"
                                aria-pressed=move || pressed().to_string()
                                on:click=move |_| picked.update(|p| if let Some(at) = p.iter().position(|x| *x == id) { p.remove(at); } else { p.push(id); })
                            >
                                <Cover cover=movie.cover.clone() id=movie.id title=movie.title.clone() sizes="(max-width: 480px) 30vw, 120px" />
                                <span class="card-title">{movie.title.clone()}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Show when=move || error().is_some()>
                <p role="alert" class="form-error">{error}</p>
            </Show>
            <p class="actions">
                <button
                    type="button"
                    class="button"
                    disabled=move || count() == 0 || save.pending().get()
                    on:click=move |_| { save.dispatch(picked.get()); }
                >
                    {move || match count() { 0 => "Save my picks".to_owned(), 1 => "Save 1 pick".to_owned(), n => format!("Save {n} picks") }}
                </button>
                " "
                <button
                    type="button"
                    class="button secondary"
                    disabled=move || save.pending().get()
                    on:click=move |_| { save.dispatch(Vec::new()); }
                >
                    "Skip"
                </button>
            </p>
        </section>
    }
}

/// The newest movies in the catalog.
#[component]
fn RecentlyAdded() -> impl IntoView {
    let movies = Resource::new(
        || (),
        |_| browse_movies(CatalogQuery { sort: Some(Sort::RecentlyAdded), ..CatalogQuery::default() }),
    );
    view! {
        <section aria-labelledby="recent-heading">
            <div class="row-heading">
                <h2 id="recent-heading">"Recently added"</h2>
                <A href="/movies">"Browse all movies →"</A>
            </div>
            <Transition fallback=|| view! { <MovieGridSkeleton /> }>
                {move || Suspend::new(async move { movies.await.ok().map(|page| view! {
                    <ul class="movie-grid">
                        {page.items.into_iter().take(12).enumerate().map(|(position, movie)| view! { <MovieCard movie scope="recent" position /> }).collect_view()}
                    </ul>
                }) })}
            </Transition>
        </section>
    }
}
