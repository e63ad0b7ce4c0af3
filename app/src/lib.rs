//! Cinecloud's user interface and server functions. Compiled twice: with `ssr` into the server,
//! and with `hydrate` into the WebAssembly bundle that makes the server-rendered pages live.

// `#[server]` makes a public struct per function whose fields are its arguments, which the
// function's own documentation describes.
#[allow(missing_docs)]
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
pub mod words;

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::{
    Lazy, LazyRoute, SsrMode,
    components::{A, Route, Router, Routes},
    lazy_route, path,
};

use crate::{
    components::{error::PageError, header::Header, toast::ToastHost},
    pages::{
        about::AboutPage,
        admin_dashboard::AdminDashboardPage,
        admin_recommender::AdminRecommenderPage,
        admin_security::AdminSecurityPage,
        admin_user::AdminUserPage,
        admin_users::AdminUsersPage,
        history::HistoryPage,
        home::HomePage,
        lists::{ListPage, MyListsPage},
        login::LoginPage,
        movie::{MoviePage, NewMoviePage},
        movies::MoviesPage,
        my_stats::MyStatsPage,
        not_found::NotFound,
        person::PersonPage,
        profile::ProfilePage,
        reset::ResetPage,
        setup::SetupPage,
        signup::SignupPage,
        top_rated::TopRatedPage,
        watch::WatchPage,
    },
};

/// Declares a route type per page whose code the browser loads only when the page is opened:
/// `#[lazy_route]` puts the page's view in its own WebAssembly chunk, which
/// `cargo leptos build --split` cuts out of the main module (see docs/architecture.md, "Lazy
/// pages"). The server renders these pages as before and names their chunks in `<head>`, so a
/// direct visit fetches the main module and the chunk at once ([`assets::preload_lazy_page`]).
/// Their routes render whole before the first byte (`SsrMode::Async`), so `<head>` is not sent
/// before the route is chosen.
macro_rules! lazy_pages {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                #[cfg(feature = "ssr")]
                assets::preload_lazy_page(stringify!($route));
                Self
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                $page().into_any()
            }
        }
    )*};
}

// Every page but the catalog's own (`/`, `/movies`, `/top-rated`): what visitors never see
// (account, lists, playback, admin) and the pages one click further. Measured (brotli): the main
// module is 505 KB with none of these split, 432 KB with the private ones, 423 KB with login,
// signup and people too, 355 KB with the movie page as well (its editor is most of it); the
// movie page's chunks are 122 KB. See docs/architecture.md, "Lazy pages".
lazy_pages! {
    NewMovieRoute => NewMoviePage,
    ProfileRoute => ProfilePage,
    SetupRoute => SetupPage,
    ResetRoute => ResetPage,
    MyListsRoute => MyListsPage,
    ListRoute => ListPage,
    WatchRoute => WatchPage,
    HistoryRoute => HistoryPage,
    MyStatsRoute => MyStatsPage,
    AdminDashboardRoute => AdminDashboardPage,
    AdminUsersRoute => AdminUsersPage,
    AdminUserRoute => AdminUserPage,
    AdminRecommenderRoute => AdminRecommenderPage,
    AdminSecurityRoute => AdminSecurityPage,
    MovieRoute => MoviePage,
    PersonRoute => PersonPage,
    LoginRoute => LoginPage,
    SignupRoute => SignupPage,
}

/// Starts fetching the movie page's code when a viewer shows they may open a movie (a pointer
/// over a card, a tap, keyboard focus), so the click finds it loaded. Once per page load.
pub(crate) fn warm_movie_page() {
    use std::sync::atomic::{AtomicBool, Ordering};
    static WARMED: AtomicBool = AtomicBool::new(false);
    if !WARMED.swap(true, Ordering::Relaxed) {
        leptos::task::spawn_local(<MovieRoute as LazyRoute>::preload());
    }
}

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
                        <Route path=path!("/about") view=AboutPage />
                        <Route path=path!("/movies/new") view={Lazy::<NewMovieRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/movies/:id") view={Lazy::<MovieRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/people/:id") view={Lazy::<PersonRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/signup") view={Lazy::<SignupRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/profile") view={Lazy::<ProfileRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/setup") view={Lazy::<SetupRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/reset") view={Lazy::<ResetRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/lists") view={Lazy::<MyListsRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/lists/:id") view={Lazy::<ListRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/watch/:id") view={Lazy::<WatchRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/history") view={Lazy::<HistoryRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/me/stats") view={Lazy::<MyStatsRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin") view={Lazy::<AdminDashboardRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/users") view={Lazy::<AdminUsersRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/users/:id") view={Lazy::<AdminUserRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/recommender") view={Lazy::<AdminRecommenderRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/security") view={Lazy::<AdminSecurityRoute>::new()} ssr=SsrMode::Async />
                    </Routes>
                </ErrorBoundary>
            </main>
            <ToastHost />
            <footer class="site-footer">
                <p>"Cinecloud — an open movie catalog. " <A href="/about">"About"</A></p>
            </footer>
        </Router>
    }
}
