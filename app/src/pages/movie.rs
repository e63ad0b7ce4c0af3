//! One movie's page: facts, people, synopsis.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{components::A, hooks::use_params_map};

use crate::{
    api::catalog::{CreditView, MovieView, get_movie},
    error::AppError,
};

/// Loads the movie named by the URL and shows it (404 when it does not exist).
#[component]
pub fn MoviePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok());
    let movie = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_movie(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the movie…"</p> }>
            {move || movie.get().map(|result| match result {
                Ok(movie) => view! { <MovieDetails movie /> }.into_any(),
                Err(AppError::NotFound) => view! { <crate::pages::not_found::NotFound /> }.into_any(),
                Err(e) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
            })}
        </Suspense>
    }
}

fn language_name(code: &str) -> String {
    match code {
        "en" => "English",
        "fr" => "French",
        "de" => "German",
        "ru" => "Russian",
        "sv" => "Swedish",
        "es" => "Spanish",
        "it" => "Italian",
        "ja" => "Japanese",
        "nl" => "Dutch",
        "pt" => "Portuguese",
        other => return other.to_uppercase(),
    }
    .to_owned()
}

#[component]
fn MovieDetails(movie: MovieView) -> impl IntoView {
    let heading = match movie.year {
        Some(year) => format!("{} ({year})", movie.title),
        None => movie.title.clone(),
    };
    let description: String = movie.synopsis.chars().take(200).collect();
    let mut facts: Vec<(&'static str, String)> = Vec::new();
    if let Some(year) = movie.year {
        facts.push(("Year", year.to_string()));
    }
    if let Some(minutes) = movie.runtime_minutes {
        facts.push(("Runtime", format!("{minutes} min")));
    }
    if let Some(country) = &movie.country {
        facts.push(("Country", country.clone()));
    }
    if let Some(language) = &movie.original_language {
        facts.push(("Language", language_name(language)));
    }
    if let Some(rating) = &movie.age_rating {
        facts.push(("Age rating", rating.clone()));
    }
    let tone = format!("cover placeholder large tone-{}", movie.id.rem_euclid(8));
    view! {
        <Title text=heading.clone() />
        <Meta name="description" content=description.clone() />
        <Meta property="og:title" content=movie.title.clone() />
        <Meta property="og:description" content=description />
        <Meta property="og:type" content="video.movie" />
        <article class="movie-page">
            <div class=tone aria-hidden="true"></div>
            <div class="movie-body">
                <h1>{movie.title.clone()}</h1>
                {movie.original_title.clone().map(|o| view! { <p class="original-title" lang=movie.original_language.clone()>{o}</p> })}
                <ul class="genre-list" aria-label="Genres">
                    {movie.genres.clone().into_iter().map(|g| view! {
                        <li><A href=format!("/movies?genre={}", g.slug)>{g.name}</A></li>
                    }).collect_view()}
                </ul>
                <dl class="facts">
                    {facts.into_iter().map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> }).collect_view()}
                </dl>
                <p class="synopsis">{movie.synopsis.clone()}</p>
                {movie.trailer_url.clone().map(|url| view! {
                    <p><a href=url rel="noopener noreferrer" target="_blank">"Watch the trailer"</a></p>
                })}
                <MoviePeople directors=movie.directors.clone() cast=movie.cast.clone() />
                <p><A href="/movies">"← All movies"</A></p>
            </div>
        </article>
    }
    .into_any()
}

#[component]
fn MoviePeople(directors: Vec<CreditView>, cast: Vec<CreditView>) -> impl IntoView {
    let director_label = if directors.len() > 1 { "Directors" } else { "Director" };
    let director_names = directors.iter().map(|d| d.name.clone()).collect::<Vec<_>>().join(", ");
    let cast_list = (!cast.is_empty()).then(|| {
        view! {
            <div>
                <dt>"Cast"</dt>
                <dd>
                    <ul class="cast">
                        {cast.into_iter().map(|c| view! {
                            <li>{c.name}{c.character.map(|ch| view! { <span class="character">{format!(" as {ch}")}</span> })}</li>
                        }).collect_view()}
                    </ul>
                </dd>
            </div>
        }
        .into_any()
    });
    view! {
        <section aria-labelledby="people-heading">
            <h2 id="people-heading">"People"</h2>
            <dl class="people">
                <div>
                    <dt>{director_label}</dt>
                    <dd>{director_names}</dd>
                </div>
                {cast_list}
            </dl>
        </section>
    }
    .into_any()
}
