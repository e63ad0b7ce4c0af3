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

    view! {
        <header class="site-header">
            <A href="/" attr:class="brand">"Cinecloud"</A>
            <nav aria-label="Main" class="main-nav">
                <A href="/">"Home"</A>
                <A href="/movies">"Movies"</A>
                <A href="/top-rated">"Top rated"</A>
                <Transition>
                    {move || Suspend::new(async move {
                        ctx.signed_in_later().await.map(|viewer| view! {
                            <A href="/lists">"My lists"</A>
                            <A href="/history">"History"</A>
                            {viewer.is_admin.then(|| view! {
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
