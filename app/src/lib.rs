//! Cinecloud's user interface and server functions. Compiled twice: with `ssr` into the server,
//! and with `hydrate` into the WebAssembly bundle that makes the server-rendered pages live.

pub mod api;
#[cfg(feature = "ssr")]
pub mod assets;
mod components;
pub mod error;
pub mod format;
mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
mod theme;
pub mod viewer;

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use crate::{
    components::{error::PageError, header::Header, toast::ToastHost},
    pages::{
        admin_recommender::AdminRecommenderPage,
        admin_security::AdminSecurityPage,
        admin_users::AdminUsersPage,
        history::HistoryPage,
        home::HomePage,
        lists::{ListPage, MyListsPage},
        login::LoginPage,
        movie::{MoviePage, NewMoviePage},
        movies::MoviesPage,
        not_found::NotFound,
        person::PersonPage,
        profile::ProfilePage,
        setup::SetupPage,
        signup::SignupPage,
        top_rated::TopRatedPage,
        watch::WatchPage,
    },
};

/// The HTML document around the app, rendered on the server only. The bundle's URLs come from
/// the server as [`assets::AssetUrls`] context (content-hashed names), else the plain names.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos_meta::MetaTags;
    let urls = use_context::<assets::AssetUrls>().unwrap_or_else(|| assets::AssetUrls::unhashed(&options));
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <assets::BundleTags urls />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The root component: meta tags, theme, header and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    viewer::ViewerContext::provide();
    theme::provide_theme();
    components::toast::provide_toasts();
    // Effects run only in the browser: this marks the moment the page became interactive, which
    // end-to-end tests wait for before using controls that need WebAssembly.
    Effect::new(|_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "");
        }
    });

    view! {
        <Title formatter=|text: String| if text.is_empty() { "Cinecloud".to_owned() } else { format!("{text} · Cinecloud") } />
        <theme::ThemeAttribute />
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Header />
            <main id="main" class="page">
                <ErrorBoundary fallback=|errors| view! { <PageError errors /> }>
                    <Routes fallback=NotFound>
                        <Route path=path!("") view=HomePage />
                        // Async: the whole page (with its title and OpenGraph tags in <head>) is
                        // rendered before the first byte, so links and previews see them.
                        <Route path=path!("/movies") view=MoviesPage ssr=SsrMode::Async />
                        <Route path=path!("/top-rated") view=TopRatedPage ssr=SsrMode::Async />
                        <Route path=path!("/movies/new") view=NewMoviePage />
                        <Route path=path!("/movies/:id") view=MoviePage ssr=SsrMode::Async />
                        <Route path=path!("/people/:id") view=PersonPage ssr=SsrMode::Async />
                        <Route path=path!("/login") view=LoginPage />
                        <Route path=path!("/signup") view=SignupPage />
                        <Route path=path!("/profile") view=ProfilePage />
                        <Route path=path!("/setup") view=SetupPage />
                        <Route path=path!("/lists") view=MyListsPage />
                        <Route path=path!("/lists/:id") view=ListPage ssr=SsrMode::Async />
                        <Route path=path!("/watch/:id") view=WatchPage />
                        <Route path=path!("/history") view=HistoryPage />
                        <Route path=path!("/admin/users") view=AdminUsersPage />
                        <Route path=path!("/admin/recommender") view=AdminRecommenderPage />
                        <Route path=path!("/admin/security") view=AdminSecurityPage />
                    </Routes>
                </ErrorBoundary>
            </main>
            <ToastHost />
            <footer class="site-footer">
                <p>"Cinecloud — an open movie catalog."</p>
            </footer>
        </Router>
    }
}
