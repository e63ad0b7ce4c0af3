//! The home page.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;

use crate::ViewerContext;

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
    }
}
