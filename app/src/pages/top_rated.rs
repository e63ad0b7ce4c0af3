//! The best-rated movies, by their damped average (five phantom 3★ ratings, so one 5★ does not
//! top the list).

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;

use crate::{
    api::catalog::{CatalogQuery, Sort, browse_movies},
    components::movie_card::{MovieCard, MovieGridSkeleton},
};

/// The top of the "Top rated" sort, rated movies only.
#[component]
pub fn TopRatedPage() -> impl IntoView {
    let movies =
        Resource::new(|| (), |_| browse_movies(CatalogQuery { sort: Some(Sort::Rating), ..CatalogQuery::default() }));
    view! {
        <Title text="Top rated" />
        <Meta name="description" content="The movies Cinecloud's viewers rate highest." />
        <section class="wide-page">
            <div class="row-heading">
                <h1>"Top rated"</h1>
                <A href="/movies?sort=rating">"All movies by rating →"</A>
            </div>
            <p class="muted">"Ranked by viewers' average rating, weighed against how many rated it."</p>
            <Transition fallback=|| view! { <MovieGridSkeleton /> }>
                {move || Suspend::new(async move { match movies.await {
                    Ok(page) => {
                        let rated: Vec<_> = page.items.into_iter().filter(|m| m.rating.count > 0).collect();
                        if rated.is_empty() {
                            view! { <p>"Nobody has rated a movie yet. Rate one and it appears here."</p> }.into_any()
                        } else {
                            view! {
                                <ol class="movie-grid" aria-label="Top rated movies">
                                    {rated.into_iter().enumerate().map(|(position, movie)| view! { <MovieCard movie scope="top" position /> }).collect_view()}
                                </ol>
                            }
                            .into_any()
                        }
                    }
                    Err(e) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
                } })}
            </Transition>
        </section>
    }
}
