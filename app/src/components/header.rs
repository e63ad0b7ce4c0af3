//! The site header: brand, navigation, account menu and theme toggle.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    api::auth::{LogOut, Viewer},
    theme::ThemeToggle,
    viewer::ViewerContext,
};

/// The header on every page.
#[component]
pub fn Header() -> impl IntoView {
    let ctx = expect_context::<ViewerContext>();
    let log_out = ctx.log_out;
    // On a phone the navigation folds behind a menu button, so the header is one row plus the
    // search; a link followed closes it. Wider screens always show it (the button is hidden).
    let (menu_open, set_menu_open) = signal(false);

    view! {
        <header class=move || if menu_open.get() { "site-header menu-open" } else { "site-header" }>
            <A href="/" attr:class="brand">"Cinecloud"</A>
            <button
                type="button"
                class="menu-toggle"
                aria-label="Menu"
                aria-controls="main-nav"
                aria-expanded=move || menu_open.get().to_string()
                on:click=move |_| set_menu_open.update(|open| *open = !*open)
            >
                <span aria-hidden="true">"☰"</span>
            </button>
            <nav id="main-nav" aria-label="Main" class="main-nav" on:click=move |_| set_menu_open.set(false)>
                <A href="/">"Home"</A>
                <A href="/movies">"Movies"</A>
                <A href="/top-rated">"Top rated"</A>
                <Transition>
                    {move || Suspend::new(async move {
                        ctx.signed_in_later().await.map(|viewer| view! {
                            <A href="/lists">"My lists"</A>
                            <A href="/history">"History"</A>
                            <A href="/me/stats">"Your year"</A>
                            {viewer.is_admin.then(|| view! {
                                <A href="/admin" exact=true>"Dashboard"</A>
                                <A href="/admin/users">"Users"</A>
                                <A href="/admin/recommender">"Recommender"</A>
                                <A href="/admin/security">"Security"</A>
                            })}
                        })
                    })}
                </Transition>
            </nav>
            <crate::components::search_box::SearchBox />
            <div class="account">
                <ThemeToggle />
                <Transition fallback=|| view! { <span class="account-loading" aria-hidden="true"></span> }>
                    {move || Suspend::new(async move {
                        match ctx.signed_in_later().await {
                            Some(viewer) => view! { <AccountMenu viewer log_out /> }.into_any(),
                            None => view! {
                                <A href="/login" attr:class="button secondary">"Log in"</A>
                                <A href="/signup" attr:class="button">"Sign up"</A>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </header>
    }
}

#[component]
fn AccountMenu(viewer: Viewer, log_out: ServerAction<LogOut>) -> impl IntoView {
    let initial = viewer.display_name.chars().next().unwrap_or('?').to_uppercase().to_string();
    let avatar = match viewer.photo_url.clone() {
        Some(url) => {
            view! { <img class="avatar" src=url alt="Your profile photo" width="32" height="32" /> }.into_any()
        }
        None => view! { <span class="avatar initials" aria-hidden="true">{initial}</span> }.into_any(),
    };
    let label = format!("Profile of {}", viewer.display_name);
    view! {
        <A href="/profile" attr:class="profile-link" attr:aria-label=label>
            {avatar}
            <span class="display-name">{viewer.display_name.clone()}</span>
        </A>
        <ActionForm action=log_out attr:class="inline">
            <button type="submit" class="button secondary">"Log out"</button>
        </ActionForm>
    }
}
