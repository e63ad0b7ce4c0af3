//! What Cinecloud is, and the notices its data sources ask for.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::pages::movie::TMDB_ATTRIBUTION;

/// The about page: the project in a sentence, and TMDb's attribution.
#[component]
pub fn AboutPage() -> impl IntoView {
    view! {
        <Title text="About" />
        <section class="message-page about">
            <h1>"About Cinecloud"</h1>
            <p>"Cinecloud is an open movie catalog: browse and search films, rate them, keep lists, watch, and get recommendations."</p>
            <h2>"Movie data"</h2>
            <p>
                "Admins can fill in a film's facts, credits and poster from "
                <a href="https://www.themoviedb.org/" rel="noopener noreferrer">"The Movie Database (TMDB)"</a>
                ". "{TMDB_ATTRIBUTION}
            </p>
        </section>
    }
}
