//! The home page.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;

use crate::{
    ViewerContext,
    api::catalog::{CatalogQuery, browse_movies},
    components::movie_card::{MovieCard, MovieGridSkeleton},
};

/// Greets the viewer; the catalog rows arrive with the catalog.
#[component]
pub fn HomePage() -> impl IntoView {
    let ctx = expect_context::<ViewerContext>();
    let greeting =
        move || ctx.viewer.get().and_then(Result::ok).flatten().map(|v| format!("Welcome back, {}.", v.display_name));
    view! {
        <Title text="" />
        <Meta name="description" content="Cinecloud: browse, rate and stream an open movie catalog." />
        <section class="hero">
            <h1>"Cinecloud"</h1>
            <p class="lead">"An open movie catalog: find a film, rate it, and watch it on any screen."</p>
            <Transition>
                {move || match greeting() {
                    Some(text) => view! { <p class="greeting">{text}</p> }.into_any(),
                    None => view! {
                        <p class="cta">
                            <A href="/signup" attr:class="button">"Create an account"</A>
                            " "
                            <A href="/login" attr:class="button secondary">"Log in"</A>
                        </p>
                    }.into_any(),
                }}
            </Transition>
        </section>
        <RecentlyAdded />
    }
}

/// The newest movies in the catalog.
#[component]
fn RecentlyAdded() -> impl IntoView {
    let movies =
        Resource::new(|| (), |_| browse_movies(CatalogQuery { sort: Some("added".into()), ..CatalogQuery::default() }));
    view! {
        <section aria-labelledby="recent-heading">
            <div class="row-heading">
                <h2 id="recent-heading">"Recently added"</h2>
                <A href="/movies">"Browse all movies →"</A>
            </div>
            <Transition fallback=|| view! { <MovieGridSkeleton /> }>
                {move || movies.get().and_then(Result::ok).map(|page| view! {
                    <ul class="movie-grid">
                        {page.items.into_iter().take(12).map(|movie| view! { <MovieCard movie /> }).collect_view()}
                    </ul>
                })}
            </Transition>
        </section>
    }
}
