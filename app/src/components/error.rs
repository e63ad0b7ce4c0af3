//! What a page shows when something it needed failed.

use leptos::prelude::*;
use leptos_router::components::A;

/// A human message instead of a broken page; the details stay in the server log.
#[component]
pub fn PageError(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let messages = move || errors.get().into_iter().map(|(_, e)| e.to_string()).collect::<Vec<_>>();
    view! {
        <section class="message-page" role="alert">
            <h1>"Something went wrong"</h1>
            <p>"This page could not be shown. Please try again in a moment."</p>
            <ul class="hint">{move || messages().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
            <p><A href="/">"Go to the home page"</A></p>
        </section>
    }
}
