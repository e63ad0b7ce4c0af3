//! First-admin setup through the one-time link the server logs on an empty database.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::auth::setup_link_status,
    components::form::{Field, FormError, last_error},
    viewer::ViewerContext,
};

/// Lets whoever holds a valid setup link create the first admin account.
#[component]
pub fn SetupPage() -> impl IntoView {
    let ctx = expect_context::<ViewerContext>();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let status = Resource::new(token, setup_link_status);
    let action = ctx.create_first_admin;
    let error = last_error(action);
    view! {
        <Title text="Set up Cinecloud" />
        <section class="form-page">
            <h1>"Set up Cinecloud"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Checking the setup link…"</p> }>
                {move || Suspend::new(async move { match status.await {
                    Ok(true) => view! {
                        <p>"Create the first admin account. This link works only once."</p>
                        <ActionForm action>
                            <input type="hidden" name="token" value=token() />
                            <FormError error />
                            <Field label="Email" name="email" kind="email" autocomplete="email" error />
                            <Field label="Display name" name="display_name" autocomplete="nickname" error />
                            <Field label="Password" name="password" kind="password" autocomplete="new-password" error />
                            <button type="submit" class="button" disabled=move || action.pending().get()>"Create admin account"</button>
                        </ActionForm>
                    }.into_any(),
                    _ => view! {
                        <p role="alert" class="form-error">"This setup link is invalid or has already been used."</p>
                    }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}
