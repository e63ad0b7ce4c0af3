//! A person's page: the movies they directed and acted in.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::{
    api::catalog::{PersonView, get_person},
    components::movie_card::MovieCard,
    error::AppError,
};

/// Loads the person named by the URL (404 when unknown).
#[component]
pub fn PersonPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok());
    let person = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_person(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move { match person.await {
                Ok(person) => view! { <Filmography person /> }.into_any(),
                Err(AppError::NotFound) => view! { <crate::pages::not_found::NotFound /> }.into_any(),
                Err(e) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
            } })}
        </Suspense>
    }
}

#[component]
fn Filmography(person: PersonView) -> impl IntoView {
    let count = person.directed.len() + person.acted.len();
    let description = format!("{} in the Cinecloud catalog: {count} credits.", person.name);
    let directed = (!person.directed.is_empty()).then(|| {
        view! {
            <section aria-labelledby="directed-heading">
                <h2 id="directed-heading">"Directed"</h2>
                <ul class="movie-grid">
                    {person.directed.into_iter().map(|movie| view! { <MovieCard movie scope="directed" /> }).collect_view()}
                </ul>
            </section>
        }
    });
    let acted = (!person.acted.is_empty()).then(|| {
        view! {
            <section aria-labelledby="acted-heading">
                <h2 id="acted-heading">"Acted in"</h2>
                <ul class="movie-grid">
                    {person.acted.into_iter().map(|(movie, character)| {
                        let note = character.map(|c| format!("as {c}"));
                        view! { <MovieCard movie note scope="acted" /> }
                    }).collect_view()}
                </ul>
            </section>
        }
    });
    view! {
        <Title text=person.name.clone() />
        <Meta name="description" content=description.clone() />
        <Meta property="og:title" content=person.name.clone() />
        <Meta property="og:description" content=description />
        <section class="wide-page person-page">
            <h1>{person.name.clone()}</h1>
            {directed}
            {acted}
        </section>
    }
}
