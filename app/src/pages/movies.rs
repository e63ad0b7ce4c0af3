//! Browse and search the catalog. Every filter lives in the URL, so a filtered page can be
//! shared, reloaded and navigated with back and forward.

use cinecloud_vocab::limits::{FIRST_YEAR, LANGUAGE_CODE_CHARS};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{
    components::{A, Form},
    hooks::use_query_map,
};

use crate::{
    api::catalog::{CatalogQuery, MoviePageView, Sort, browse_movies, list_genres},
    components::{
        movie_card::{MovieCard, MovieGridSkeleton},
        pager::pager,
    },
    words::sort_label,
};

/// The browse page with its search form, results and page links.
#[component]
pub fn MoviesPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| {
        let map = params.read();
        CatalogQuery::from_params(|k| map.get(k))
    });
    let movies = Resource::new(move || query.get(), browse_movies);
    let genres = Resource::new(|| (), |_| list_genres());
    let ctx = expect_context::<crate::viewer::ViewerContext>();
    // On a phone the filters fold behind a "Filters" button so that movies fill the first
    // screen; they show open when one is set, and the viewer's own choice wins after a click.
    // Wider screens always show them (the button is hidden by CSS).
    let (filters_choice, set_filters_choice) = signal(None::<bool>);
    let filters_open = move || filters_choice.get().unwrap_or_else(|| query.get().filtered());

    view! {
        <Title text="Movies" />
        <Meta name="description" content="Browse and search the Cinecloud movie catalog." />
        <section class="wide-page catalog">
            <div class="row-heading">
                <h1>"Movies"</h1>
                <Transition>
                    {move || Suspend::new(async move { ctx.signed_in_later().await.filter(|v| v.is_admin).map(|_| view! {
                        <A href="/movies/new" attr:class="button">"New movie"</A>
                    }) })}
                </Transition>
            </div>
            <Form method="GET" action="/movies" attr:class=move || if filters_open() { "filters open" } else { "filters" } attr:role="search" attr:aria-label="Find movies">
                <div class="field grow">
                    <label for="filter-q">"Search"</label>
                    <input id="filter-q" name="q" type="search" placeholder="Title, person, story…" value=move || query.get().q />
                </div>
                <button
                    type="button"
                    class="button secondary filters-toggle"
                    aria-controls="more-filters"
                    aria-expanded=move || filters_open().to_string()
                    on:click=move |_| set_filters_choice.set(Some(!filters_open()))
                >
                    "Filters"
                </button>
                <div id="more-filters" class="more-filters">
                    <div class="field">
                        <label for="filter-genre">"Genre"</label>
                        <select id="filter-genre" name="genre">
                            <option value="">"All genres"</option>
                            <Transition>
                                {move || Suspend::new(async move { genres.await.ok().unwrap_or_default().into_iter().map(|g| {
                                    let selected = query.get().genre.as_deref() == Some(g.slug.as_str());
                                    view! { <option value=g.slug selected=selected>{g.name}</option> }
                                }).collect_view() })}
                            </Transition>
                        </select>
                    </div>
                    <div class="field short">
                        <label for="filter-from">"From year"</label>
                        <input id="filter-from" name="year_from" type="number" inputmode="numeric" min=FIRST_YEAR max="2100" value=move || query.get().year_from />
                    </div>
                    <div class="field short">
                        <label for="filter-to">"To year"</label>
                        <input id="filter-to" name="year_to" type="number" inputmode="numeric" min=FIRST_YEAR max="2100" value=move || query.get().year_to />
                    </div>
                    <div class="field short">
                        <label for="filter-runtime">"At most (min)"</label>
                        <input id="filter-runtime" name="runtime_max" type="number" inputmode="numeric" min="1" max="1000" value=move || query.get().runtime_max />
                    </div>
                    <div class="field short">
                        <label for="filter-lang">"Language"</label>
                        <input id="filter-lang" name="lang" type="text" maxlength=LANGUAGE_CODE_CHARS placeholder="fr" value=move || query.get().lang />
                    </div>
                    <div class="field">
                        <label for="filter-sort">"Sort by"</label>
                        <select id="filter-sort" name="sort">
                            {Sort::ALL.iter().map(|&sort| {
                                let selected = move || query.get().sort.unwrap_or_default() == sort;
                                view! { <option value=sort.as_str() selected=selected>{sort_label(sort)}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                </div>
                <button type="submit" class="button">"Apply"</button>
            </Form>
            <Transition fallback=|| view! { <MovieGridSkeleton /> }>
                {move || Suspend::new(async move { match movies.await {
                    Ok(page) => view! { <Results page query=query.get() /> }.into_any(),
                    Err(e) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
                } })}
            </Transition>
        </section>
    }
}

#[component]
fn Results(page: MoviePageView, query: CatalogQuery) -> impl IntoView {
    let count = match (page.total, page.total_exact) {
        (0, _) => "No movies match.".to_owned(),
        (1, true) => "1 movie".to_owned(),
        (n, exact) => format!("{}{} movies", crate::format::thousands(n), if exact { "" } else { "+" }),
    };
    let current = page.page;
    let pages = page.page_count;
    let link = move |p: u32| query.url(Some(p));
    view! {
        <p class="result-count" role="status">{count}</p>
        <ul class="movie-grid">
            {page.items.into_iter().enumerate().map(|(position, movie)| view! { <MovieCard movie position /> }).collect_view()}
        </ul>
        {pager(current, pages, link)}
    }
}
